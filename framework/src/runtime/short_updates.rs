//! Short updates, completed: every message reaches the handlers with its sender and chat.
//!
//! Telegram pushes most incoming private and basic-group messages as `updateShortMessage` /
//! `updateShortChatMessage`, which name the sender and the chat by id only, with no user or
//! chat objects, even for a sender the account has never seen (core.telegram.org/api/updates;
//! a bot getting a new user's first message with empty `users` in LonamiWebs/Telethon#3230).
//! grammers 0.11 turns such an update into a message with an empty peer map
//! (`grammers-session` `message_box/adaptor.rs`), so `Message::sender()` is `None`, the
//! `Sender` extractor rejects it and the `user(..)` filters never match: a bot that passes
//! its tests would stay silent in production.
//!
//! This stage sits between the connection and grammers' message box and gives every short
//! message the objects it names, the way other clients do:
//! - It remembers the users and chats of every full `updates` container that passes through
//!   (a bounded LRU memory, [`REMEMBERED_USERS`] and [`REMEMBERED_CHATS`]), and rewrites a
//!   short message whose peers it knows into the full `updates` container it abbreviates
//!   (`seq = 0`, so the message box applies it by `pts` alone, as it would the short form).
//! - When a short message names a peer it does not know, it asks Telegram for the difference
//!   from just before that message (`updates.getDifference` with `pts - pts_count`), which
//!   returns the message's users and chats: what TDLib (`UpdatesManager::on_get_updates`,
//!   `is_acceptable_message`), Pyrogram (`Client.handle_updates`, `qts = -1`) and Telethon 1.x
//!   (`_get_difference`, "fetch ... this update at full, including its entities") do. One
//!   request covers every unknown sender of a batch, so a bot swamped by new users pays one
//!   round trip per batch, not one per user. The request does not touch grammers' update
//!   state: only the peers are taken from the answer; the update itself goes on in order.
//!
//! Nothing is ever dropped: if Telegram cannot be asked (the connection is down for longer
//! than [`FETCH_TIMEOUT`]) or does not name the peer, the short message goes on as it came and
//! a warning names it; handlers that need its sender then reject it as before.
//! (Telethon v2 instead turns a short update with an unknown peer into a gap, "missing
//! hash", and lets the message box refetch it; with grammers that would drop the update when
//! a difference is already under way, so the stage fetches the peers itself.)

use std::collections::HashSet;
use std::future::Future;
use std::num::NonZeroUsize;
use std::time::Duration;

use grammers_client::Client;
use grammers_client::tl;
use grammers_mtsender::InvocationError;
use grammers_session::updates::UpdatesLike;
use lru::LruCache;

/// How many users the stage remembers (least recently seen forgotten first). A user costs a
/// few hundred bytes; a forgotten one costs one `updates.getDifference` when they write again.
pub(crate) const REMEMBERED_USERS: usize = 4096;

/// How many groups and channels the stage remembers.
pub(crate) const REMEMBERED_CHATS: usize = 1024;

/// The longest a batch waits for the peers of its short messages.
pub(crate) const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The most difference slices fetched for one batch.
const MAX_SLICES: usize = 3;

/// Asks Telegram for the account's difference (a [`Client`] in the app, a fake in tests).
pub(crate) trait FetchDifference: Send + 'static {
    /// Sends `updates.getDifference`.
    fn difference(
        &self,
        request: tl::functions::updates::GetDifference,
    ) -> impl Future<Output = Result<tl::enums::updates::Difference, InvocationError>> + Send;
}

impl FetchDifference for Client {
    async fn difference(
        &self,
        request: tl::functions::updates::GetDifference,
    ) -> Result<tl::enums::updates::Difference, InvocationError> {
        self.invoke(&request).await
    }
}

/// A peer a short message names: a user, or a group or channel (one memory for both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Needed {
    User(i64),
    Chat(i64),
}

/// What the stage reads off a short message.
struct Short {
    peers: Vec<Needed>,
    pts: i32,
    pts_count: i32,
    date: i32,
}

/// The stage: the remembered peers and the way to fetch missing ones.
pub(crate) struct ShortUpdates<F> {
    users: LruCache<i64, tl::enums::User>,
    chats: LruCache<i64, tl::enums::Chat>,
    fetch: F,
}

impl<F: FetchDifference> ShortUpdates<F> {
    /// A stage that knows `me` (a message to oneself names only the account).
    pub(crate) fn new(fetch: F, me: Option<tl::enums::User>) -> Self {
        let mut stage = Self {
            users: LruCache::new(NonZeroUsize::new(REMEMBERED_USERS).expect("non-zero")),
            chats: LruCache::new(NonZeroUsize::new(REMEMBERED_CHATS).expect("non-zero")),
            fetch,
        };
        if let Some(me) = me {
            stage.learn_users(std::slice::from_ref(&me));
        }
        stage
    }

    /// Completes the short messages of `batch` in place, in order.
    pub(crate) async fn complete(&mut self, batch: &mut [UpdatesLike]) {
        let mut missing = HashSet::new();
        // The earliest state before a short message with an unknown peer: the difference
        // from there carries every such message of the batch.
        let mut from: Option<(i32, i32)> = None;
        for updates in batch.iter() {
            let UpdatesLike::Updates(updates) = updates else {
                continue;
            };
            match updates {
                tl::enums::Updates::Updates(u) => {
                    self.learn_users(&u.users);
                    self.learn_chats(&u.chats);
                }
                tl::enums::Updates::Combined(u) => {
                    self.learn_users(&u.users);
                    self.learn_chats(&u.chats);
                }
                other => {
                    let Some(short) = read_short(other) else {
                        continue;
                    };
                    let unknown: Vec<Needed> = short
                        .peers
                        .into_iter()
                        .filter(|peer| !self.knows(*peer))
                        .collect();
                    if !unknown.is_empty() {
                        let before = (short.pts - short.pts_count, short.date);
                        from = Some(from.map_or(before, |f| f.min(before)));
                        missing.extend(unknown);
                    }
                }
            }
        }
        if let Some((pts, date)) = from {
            self.fetch_missing(pts, date, &mut missing).await;
        }
        for updates in batch.iter_mut() {
            if let UpdatesLike::Updates(inner) = updates
                && let Some(full) = self.expand(inner)
            {
                *inner = full;
            }
        }
    }

    fn knows(&mut self, peer: Needed) -> bool {
        match peer {
            Needed::User(id) => self.users.get(&id).is_some(),
            Needed::Chat(id) => self.chats.get(&id).is_some(),
        }
    }

    /// Fetches the difference from `(pts, date)` until every peer in `missing` is known, or
    /// Telegram has nothing more to say, or [`MAX_SLICES`] answers were read.
    async fn fetch_missing(&mut self, mut pts: i32, date: i32, missing: &mut HashSet<Needed>) {
        for _ in 0..MAX_SLICES {
            let request = tl::functions::updates::GetDifference {
                pts,
                pts_limit: None,
                pts_total_limit: None,
                date,
                // Pyrogram's value: only the peers matter here, not the secondary sequence.
                qts: -1,
                qts_limit: None,
            };
            let answer = tokio::time::timeout(FETCH_TIMEOUT, self.fetch.difference(request)).await;
            let (users, chats, next) = match answer {
                Ok(Ok(tl::enums::updates::Difference::Difference(d))) => (d.users, d.chats, None),
                Ok(Ok(tl::enums::updates::Difference::Slice(d))) => {
                    let tl::enums::updates::State::State(state) = &d.intermediate_state;
                    let next = state.pts;
                    (d.users, d.chats, Some(next))
                }
                Ok(Ok(_)) => (Vec::new(), Vec::new(), None),
                Ok(Err(error)) => {
                    tracing::warn!(
                        "could not fetch the senders of short messages (updates.getDifference: \
                         {error}); they reach handlers without them"
                    );
                    return;
                }
                Err(_) => {
                    tracing::warn!(
                        "Telegram did not answer updates.getDifference within {FETCH_TIMEOUT:?}; \
                         short messages reach handlers without their senders"
                    );
                    return;
                }
            };
            self.learn_users(&users);
            self.learn_chats(&chats);
            missing.retain(|peer| !self.knows(*peer));
            match next {
                Some(next) if !missing.is_empty() && next > pts => pts = next,
                _ => break,
            }
        }
        if !missing.is_empty() {
            tracing::warn!(
                missing = missing.len(),
                "Telegram's difference did not name every sender of the short messages"
            );
        }
    }

    fn learn_users(&mut self, users: &[tl::enums::User]) {
        for user in users {
            // A `min` user carries no usable access hash: not enough to answer them.
            let tl::enums::User::User(u) = user else {
                continue;
            };
            if u.min {
                continue;
            }
            match self.users.get_mut(&u.id) {
                Some(known) if known == user => {}
                Some(known) => *known = user.clone(),
                None => {
                    self.users.put(u.id, user.clone());
                }
            }
        }
    }

    fn learn_chats(&mut self, chats: &[tl::enums::Chat]) {
        for chat in chats {
            let id = match chat {
                tl::enums::Chat::Chat(c) => c.id,
                tl::enums::Chat::Channel(c) if !c.min => c.id,
                _ => continue,
            };
            match self.chats.get_mut(&id) {
                Some(known) if known == chat => {}
                Some(known) => *known = chat.clone(),
                None => {
                    self.chats.put(id, chat.clone());
                }
            }
        }
    }

    /// The full container a short message abbreviates, if every peer it names is known.
    fn expand(&mut self, updates: &tl::enums::Updates) -> Option<tl::enums::Updates> {
        let Short {
            peers,
            pts,
            pts_count,
            date,
        } = read_short(updates)?;
        let mut users = Vec::new();
        let mut chats = Vec::new();
        for peer in peers {
            match peer {
                Needed::User(id) => users.push(self.users.get(&id)?.clone()),
                Needed::Chat(id) => chats.push(self.chats.get(&id)?.clone()),
            }
        }
        let message = match updates {
            tl::enums::Updates::UpdateShortMessage(s) => private_message(s.clone()),
            tl::enums::Updates::UpdateShortChatMessage(s) => group_message(s.clone()),
            _ => return None,
        };
        Some(tl::enums::Updates::Updates(tl::types::Updates {
            updates: vec![
                tl::types::UpdateNewMessage {
                    message: message.into(),
                    pts,
                    pts_count,
                }
                .into(),
            ],
            users,
            chats,
            date,
            seq: 0,
        }))
    }
}

/// The peers a short message names (its sender, its chat, the bot it came via and the origin
/// of a forward) and its place in the sequence; `None` for anything but a short message.
fn read_short(updates: &tl::enums::Updates) -> Option<Short> {
    let (mut peers, fwd, via, pts, pts_count, date) = match updates {
        tl::enums::Updates::UpdateShortMessage(s) => (
            vec![Needed::User(s.user_id)],
            &s.fwd_from,
            s.via_bot_id,
            s.pts,
            s.pts_count,
            s.date,
        ),
        tl::enums::Updates::UpdateShortChatMessage(s) => (
            vec![Needed::User(s.from_id), Needed::Chat(s.chat_id)],
            &s.fwd_from,
            s.via_bot_id,
            s.pts,
            s.pts_count,
            s.date,
        ),
        _ => return None,
    };
    peers.extend(via.map(Needed::User));
    if let Some(tl::enums::MessageFwdHeader::Header(header)) = fwd {
        peers.extend(header.from_id.as_ref().map(|peer| match peer {
            tl::enums::Peer::User(u) => Needed::User(u.user_id),
            tl::enums::Peer::Chat(c) => Needed::Chat(c.chat_id),
            tl::enums::Peer::Channel(c) => Needed::Chat(c.channel_id),
        }));
    }
    peers.dedup();
    Some(Short {
        peers,
        pts,
        pts_count,
        date,
    })
}

/// The message an `updateShortMessage` abbreviates. Private messages carry no `from_id`
/// (since layer 119; grammers' `Message::sender_id` derives the sender from the chat).
fn private_message(s: tl::types::UpdateShortMessage) -> tl::types::Message {
    message(
        MessageParts {
            out: s.out,
            mentioned: s.mentioned,
            media_unread: s.media_unread,
            silent: s.silent,
            id: s.id,
            from_id: None,
            peer_id: tl::types::PeerUser { user_id: s.user_id }.into(),
            message: s.message,
            date: s.date,
            ttl_period: s.ttl_period,
        },
        s.fwd_from,
        s.via_bot_id,
        s.reply_to,
        s.entities,
    )
}

/// The message an `updateShortChatMessage` abbreviates.
fn group_message(s: tl::types::UpdateShortChatMessage) -> tl::types::Message {
    message(
        MessageParts {
            out: s.out,
            mentioned: s.mentioned,
            media_unread: s.media_unread,
            silent: s.silent,
            id: s.id,
            from_id: Some(tl::types::PeerUser { user_id: s.from_id }.into()),
            peer_id: tl::types::PeerChat { chat_id: s.chat_id }.into(),
            message: s.message,
            date: s.date,
            ttl_period: s.ttl_period,
        },
        s.fwd_from,
        s.via_bot_id,
        s.reply_to,
        s.entities,
    )
}

/// What the two short constructors share, besides the optional headers.
struct MessageParts {
    out: bool,
    mentioned: bool,
    media_unread: bool,
    silent: bool,
    id: i32,
    from_id: Option<tl::enums::Peer>,
    peer_id: tl::enums::Peer,
    message: String,
    date: i32,
    ttl_period: Option<i32>,
}

/// A `message` with the fields a short update has; everything else absent, as in grammers'
/// own adaptor (this literal follows the TL layer: a layer upgrade shows here first).
fn message(
    parts: MessageParts,
    fwd_from: Option<tl::enums::MessageFwdHeader>,
    via_bot_id: Option<i64>,
    reply_to: Option<tl::enums::MessageReplyHeader>,
    entities: Option<Vec<tl::enums::MessageEntity>>,
) -> tl::types::Message {
    tl::types::Message {
        out: parts.out,
        mentioned: parts.mentioned,
        media_unread: parts.media_unread,
        silent: parts.silent,
        post: false,
        from_scheduled: false,
        legacy: false,
        edit_hide: false,
        pinned: false,
        noforwards: false,
        invert_media: false,
        offline: false,
        video_processing_pending: false,
        paid_suggested_post_stars: false,
        paid_suggested_post_ton: false,
        id: parts.id,
        from_id: parts.from_id,
        from_boosts_applied: None,
        from_rank: None,
        peer_id: parts.peer_id,
        saved_peer_id: None,
        fwd_from,
        via_bot_id,
        via_business_bot_id: None,
        guestchat_via_from: None,
        reply_to,
        date: parts.date,
        message: parts.message,
        media: None,
        reply_markup: None,
        entities,
        views: None,
        forwards: None,
        replies: None,
        edit_date: None,
        post_author: None,
        grouped_id: None,
        reactions: None,
        restriction_reason: None,
        ttl_period: parts.ttl_period,
        quick_reply_shortcut_id: None,
        effect: None,
        factcheck: None,
        report_delivery_until_date: None,
        paid_message_stars: None,
        suggested_post: None,
        schedule_repeat_period: None,
        summary_from_language: None,
        rich_message: None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::dispatch::testing::TestUser;

    /// Answers every request with `users`, recording the requests.
    #[derive(Clone, Default)]
    struct Telegram {
        users: Vec<tl::enums::User>,
        fail: bool,
        asked: Arc<Mutex<Vec<tl::functions::updates::GetDifference>>>,
    }

    impl FetchDifference for Telegram {
        async fn difference(
            &self,
            request: tl::functions::updates::GetDifference,
        ) -> Result<tl::enums::updates::Difference, InvocationError> {
            self.asked.lock().unwrap().push(request);
            if self.fail {
                return Err(InvocationError::Dropped("the connection is gone"));
            }
            Ok(tl::types::updates::Difference {
                new_messages: Vec::new(),
                new_encrypted_messages: Vec::new(),
                other_updates: Vec::new(),
                chats: Vec::new(),
                users: self.users.clone(),
                state: tl::types::updates::State {
                    pts: 200,
                    qts: 0,
                    date: 1,
                    seq: 0,
                    unread_count: 0,
                }
                .into(),
            }
            .into())
        }
    }

    fn short(from: i64, id: i32, pts: i32) -> UpdatesLike {
        UpdatesLike::Updates(
            tl::types::UpdateShortMessage {
                out: false,
                mentioned: false,
                media_unread: false,
                silent: false,
                id,
                user_id: from,
                message: format!("message {id}"),
                pts,
                pts_count: 1,
                date: 1_700_000_000,
                fwd_from: None,
                via_bot_id: None,
                reply_to: None,
                entities: None,
                ttl_period: None,
            }
            .into(),
        )
    }

    fn full_from(user: &TestUser) -> UpdatesLike {
        UpdatesLike::Updates(
            tl::types::Updates {
                updates: Vec::new(),
                users: vec![user.to_tl()],
                chats: Vec::new(),
                date: 1,
                seq: 0,
            }
            .into(),
        )
    }

    /// The users a completed update carries, or `None` if it is still short.
    fn users_of(updates: &UpdatesLike) -> Option<Vec<i64>> {
        match updates {
            UpdatesLike::Updates(tl::enums::Updates::Updates(u)) => Some(
                u.users
                    .iter()
                    .map(|u| match u {
                        tl::enums::User::User(u) => u.id,
                        tl::enums::User::Empty(u) => u.id,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    #[tokio::test]
    async fn a_known_sender_completes_the_message_without_asking() {
        let telegram = Telegram::default();
        let mut stage = ShortUpdates::new(telegram.clone(), None);
        let alice = TestUser::new(1001, "alice");
        let mut batch = vec![full_from(&alice)];
        stage.complete(&mut batch).await;
        let mut batch = vec![short(1001, 7, 120)];
        stage.complete(&mut batch).await;

        assert_eq!(users_of(&batch[0]), Some(vec![1001]));
        let UpdatesLike::Updates(tl::enums::Updates::Updates(full)) = &batch[0] else {
            unreachable!()
        };
        assert_eq!(full.seq, 0, "applied by pts alone, like the short form");
        let tl::enums::Update::NewMessage(new) = &full.updates[0] else {
            panic!("not a new message: {:?}", full.updates[0]);
        };
        assert_eq!((new.pts, new.pts_count), (120, 1));
        assert!(telegram.asked.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn unknown_senders_of_one_batch_cost_one_difference_from_the_earliest() {
        let (bob, carol) = (TestUser::new(2002, "bob"), TestUser::new(3003, "carol"));
        let telegram = Telegram {
            users: vec![bob.to_tl(), carol.to_tl()],
            ..Telegram::default()
        };
        let mut stage = ShortUpdates::new(telegram.clone(), None);
        let mut batch = vec![
            short(2002, 1, 131),
            short(3003, 2, 130),
            short(2002, 3, 132),
        ];
        stage.complete(&mut batch).await;

        let asked = telegram.asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert_eq!(asked[0].pts, 129, "from just before the earliest message");
        let users: Vec<_> = batch.iter().map(users_of).collect();
        assert_eq!(
            users,
            vec![Some(vec![2002]), Some(vec![3003]), Some(vec![2002])]
        );

        // Learnt: the next message from bob costs nothing.
        let mut batch = vec![short(2002, 4, 133)];
        stage.complete(&mut batch).await;
        assert_eq!(telegram.asked.lock().unwrap().len(), 1);
        assert_eq!(users_of(&batch[0]), Some(vec![2002]));
    }

    #[tokio::test]
    async fn a_failed_fetch_lets_the_message_through_as_it_came() {
        let telegram = Telegram {
            fail: true,
            ..Telegram::default()
        };
        let mut stage = ShortUpdates::new(telegram.clone(), None);
        let mut batch = vec![short(2002, 1, 131)];
        stage.complete(&mut batch).await;
        assert!(matches!(
            batch[0],
            UpdatesLike::Updates(tl::enums::Updates::UpdateShortMessage(_))
        ));
        assert_eq!(telegram.asked.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn min_users_are_not_enough_to_answer() {
        let telegram = Telegram::default();
        let mut stage = ShortUpdates::new(telegram.clone(), None);
        let mut min = TestUser::new(4004, "dave").to_tl();
        let tl::enums::User::User(inner) = &mut min else {
            unreachable!()
        };
        inner.min = true;
        let mut batch = vec![
            UpdatesLike::Updates(
                tl::types::Updates {
                    updates: Vec::new(),
                    users: vec![min],
                    chats: Vec::new(),
                    date: 1,
                    seq: 0,
                }
                .into(),
            ),
            short(4004, 1, 101),
        ];
        stage.complete(&mut batch).await;
        assert_eq!(
            telegram.asked.lock().unwrap().len(),
            1,
            "fetched the full user"
        );
    }
}
