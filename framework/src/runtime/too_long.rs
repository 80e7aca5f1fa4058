//! Channel updates Telegram skipped ("too long"), fetched back or reported.
//!
//! When a client falls more than it may fetch behind in a channel or supergroup, Telegram
//! answers `updates.getChannelDifference` with `updates.channelDifferenceTooLong`: the
//! channel's current pts and its latest messages, and "the client has to resolve the update
//! gap" itself (core.telegram.org/api/updates#recovering-gaps). A user account may fetch 100
//! updates, a bot 100000 (grammers' `USER_CHANNEL_DIFF_LIMIT` / `BOT_CHANNEL_DIFF_LIMIT`,
//! TDLib's `MAX_CHANNEL_DIFFERENCE` / `MAX_BOT_CHANNEL_DIFFERENCE`, "server side limit").
//!
//! grammers 0.11 resolves nothing: its message box takes the dialog's pts and drops the
//! messages (`grammers-session` `message_box/adaptor.rs`, `new_messages: Vec::new()`), and the
//! update that revealed the gap goes with them. It calls `getChannelDifference` inside its
//! `UpdatesReceiver`, so oxygram never sees the answer. It sees the effect: the next update of
//! that channel starts past the last position oxygram delivered (`pts - pts_count` above it),
//! with nothing in between. That is the signal here:
//!
//! - Per channel, the last delivered position (from each update's state, seeded with the
//!   session's saved channel states at start) and the highest message id.
//! - An update applied in sequence whose `pts - pts_count` is above the last position means
//!   updates were skipped. The skipped messages are the ids between the last delivered one and
//!   this one (after a restart, when the last id is unknown, the as many ids before this one
//!   as pts were skipped: new messages take one pts each, so none is missed; a few handled
//!   before the stop may come again if edits or deletions took pts in the gap).
//! - Up to `[updates] too_long_fetch` of them (the latest ones) are fetched with
//!   `channels.getMessages` (bots may not call `messages.getHistory`: `BOT_METHOD_INVALID`),
//!   100 ids per request, and delivered as new messages, in order, before the update that
//!   revealed the gap; the updates that arrive meanwhile wait behind them. Their senders and
//!   chats come in through grammers' own update queue (a container holding only them), so
//!   the handlers see a sender and a chat as for any other message.
//! - What is not fetched (beyond the bound, or when the request fails) is logged as a
//!   warning naming the channel and the ids, and delivered to `raw` handlers as Telegram's own
//!   `updateChannelTooLong { channel_id, pts }` (pts: the channel's position now), before the
//!   recovered messages.
//!
//! Limits: a gap is noticed when the channel's next update arrives (a channel that goes quiet
//! right after one reports it with its next post); the recovered messages are outside the
//! checkpointed update state (their positions were already passed), so a crash while they are
//! handled does not replay them.

use std::collections::{HashMap, VecDeque};

use grammers_client::Client;
use grammers_client::peer::PeerMap;
use grammers_client::tl;
use grammers_client::update::{Raw, Update};
use grammers_session::storages::ErasedSession;
use grammers_session::types::PeerId;
use grammers_session::updates::{MessageBox, State, UpdatesLike};
use tokio::sync::mpsc;

/// Ids per `channels.getMessages` (Telethon asks for at most 100 per request too).
const IDS_PER_REQUEST: usize = 100;

/// The update that carries the recovered messages' peers through grammers' queue. Telegram
/// never sends a status for user 0, and nothing else puts one in that queue.
fn seed() -> tl::enums::Update {
    tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
        user_id: 0,
        status: tl::enums::UserStatus::Empty,
    })
}

fn is_seed(raw: &tl::enums::Update) -> bool {
    matches!(
        raw,
        tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
            user_id: 0,
            status: tl::enums::UserStatus::Empty,
        })
    )
}

/// What oxygram last delivered of one channel.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    pts: i32,
    /// The highest message id delivered, if any since the start.
    top: Option<i32>,
    /// A gap noticed on an update without a message id (an edit, a deletion): resolved at the
    /// channel's next new message, from this last id.
    gap_after: Option<Option<i32>>,
    /// Pts skipped by that gap.
    gap_pts: i32,
}

/// A run of messages of one channel that no update delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    channel: i64,
    /// The channel's position now (after the update that revealed the gap).
    pts: i32,
    /// The first and last skipped message id.
    first: i32,
    last: i32,
}

/// Messages fetched back, waiting for their peers to come through grammers' queue.
struct Waiting {
    channel: i64,
    pts: i32,
    messages: Vec<tl::enums::Message>,
    unfetched: Option<(i32, i32)>,
}

/// What oxygram delivered of each channel, and the gaps that shows.
#[derive(Debug, Default)]
struct Positions {
    channels: HashMap<i64, Seen>,
}

impl Positions {
    /// Records what an update delivers; returns the messages it shows were skipped.
    /// Whether this is a new message of a channel at or below the highest id delivered there:
    /// one oxygram already fetched back, which grammers delivers again when it applied an
    /// update during a channel difference (it does, out of order: "forcing update to apply")
    /// and the difference then brings the older ones. Channel message ids grow with pts, and
    /// grammers delivers each channel in pts order otherwise, so nothing else matches.
    fn is_repeat(&self, raw: &tl::enums::Update) -> bool {
        let tl::enums::Update::NewChannelMessage(u) = raw else {
            return false;
        };
        let id = message_id(&u.message);
        let Some(channel) = message_channel(&u.message) else {
            return false;
        };
        self.channels
            .get(&channel)
            .and_then(|seen| seen.top)
            .is_some_and(|top| id > 0 && id <= top)
    }

    fn observe(&mut self, raw: &tl::enums::Update, state: &State) -> Option<Skipped> {
        let Some(MessageBox::Channel { channel_id, pts }) = state.message_box else {
            return None;
        };
        let (raw_pts, count, id) = match raw {
            tl::enums::Update::NewChannelMessage(u) => {
                (u.pts, u.pts_count, Some(message_id(&u.message)))
            }
            tl::enums::Update::EditChannelMessage(u) => (u.pts, u.pts_count, None),
            tl::enums::Update::DeleteChannelMessages(u) => (u.pts, u.pts_count, None),
            _ => (0, 0, None),
        };
        let seen = self.channels.entry(channel_id).or_default();
        // Applied from the socket (`pts` set) right after a position oxygram never delivered:
        // grammers jumped over the updates in between.
        if raw_pts != 0 && seen.pts > 0 && raw_pts - count > seen.pts && seen.gap_after.is_none() {
            seen.gap_after = Some(seen.top);
            seen.gap_pts = raw_pts - count - seen.pts;
        }
        seen.pts = seen.pts.max(pts);
        let id = id.filter(|id| *id > 0)?;
        let skipped = seen.gap_after.take().and_then(|after| {
            let first = match after {
                Some(top) => top + 1,
                None => (id - seen.gap_pts).max(1),
            };
            (first < id).then_some(Skipped {
                channel: channel_id,
                pts: seen.pts,
                first,
                last: id - 1,
            })
        });
        seen.top = Some(seen.top.map_or(id, |top| top.max(id)));
        skipped
    }
}

/// What [`TooLong::route`] decided for one update.
pub(crate) enum Route {
    /// Dispatch it now (the usual case).
    Deliver,
    /// A repeat of a message fetched back: drop it.
    Drop,
    /// oxygram's own marker that fetched peers reached the session.
    Seed,
    /// Skipped messages are being fetched: it waits behind them.
    Hold,
    /// It revealed messages Telegram skipped.
    Skipped(Skipped),
}

/// Watches the channel updates coming out of the stream and fills what Telegram skipped.
pub(crate) struct TooLong {
    client: Client,
    inject: Option<mpsc::WeakSender<UpdatesLike>>,
    bound: usize,
    positions: Positions,
    waiting: Option<Waiting>,
    held: VecDeque<Update>,
    /// Updates to dispatch now, in order, besides the one `take` returns ([`TooLong::ready`]).
    ready: VecDeque<Update>,
}

impl TooLong {
    /// `inject` reaches grammers' update queue; `bound` is `[updates] too_long_fetch`.
    pub(crate) fn new(
        client: Client,
        inject: Option<mpsc::WeakSender<UpdatesLike>>,
        bound: u32,
    ) -> Self {
        Self {
            client,
            inject,
            bound: bound as usize,
            positions: Positions::default(),
            waiting: None,
            held: VecDeque::new(),
            ready: VecDeque::new(),
        }
    }

    /// Starts from the channel positions saved in the session (what the last run delivered).
    pub(crate) async fn load(&mut self, session: &ErasedSession) {
        match session.updates_state().await {
            Ok(state) => {
                for channel in state.channels {
                    self.positions.channels.entry(channel.id).or_insert(Seen {
                        pts: channel.pts,
                        ..Seen::default()
                    });
                }
            }
            Err(error) => tracing::debug!("no saved channel positions: {error}"),
        }
    }

    /// Decides what to do with one update from the stream, without building it: in the usual
    /// case ([`Route::Deliver`]) the caller builds it with [`TooLong::build`] and dispatches
    /// it. A grammers update is about 8 KB: building it once, where it is dispatched, keeps
    /// the hot path free of copies through this stage (a version that took and returned the
    /// update measured 0.065 s of bot CPU per 1000 echoes at K=50, this one 0.053: see
    /// BENCHMARKS.md, session 5).
    pub(crate) fn route(&mut self, raw: &tl::enums::Update, state: &State) -> Route {
        if is_seed(raw) {
            return Route::Seed;
        }
        if self.positions.is_repeat(raw) {
            tracing::debug!(
                "a channel message delivered already (fetched back) came again; dropped"
            );
            return Route::Drop;
        }
        let skipped = self.positions.observe(raw, state);
        if self.waiting.is_some() {
            return Route::Hold;
        }
        match skipped {
            None => Route::Deliver,
            Some(skipped) => Route::Skipped(skipped),
        }
    }

    /// Builds the update [`TooLong::route`] said to deliver.
    pub(crate) fn build(&self, raw: tl::enums::Update, state: State, peers: PeerMap) -> Update {
        Update::from_raw(&self.client, raw, state, peers.handle())
    }

    /// Handles an update [`TooLong::route`] did not deliver: what is due now is queued in
    /// order for [`TooLong::ready`] (nothing while skipped messages are being fetched).
    /// `may_fetch` is false while stopping.
    pub(crate) async fn take(
        &mut self,
        route: Route,
        raw: tl::enums::Update,
        state: State,
        peers: PeerMap,
        may_fetch: bool,
    ) {
        let skipped = match route {
            Route::Drop => return,
            Route::Seed => return self.recovered(&state, peers),
            Route::Deliver => {
                let update = self.build(raw, state, peers);
                return self.ready.push_back(update);
            }
            Route::Hold => {
                let update = self.build(raw, state, peers);
                return self.held.push_back(update);
            }
            Route::Skipped(skipped) => skipped,
        };
        let update = Update::from_raw(&self.client, raw, state, peers.handle());
        if !may_fetch || self.bound == 0 {
            let event = self.report(&skipped, (skipped.first, skipped.last), "not fetched");
            self.ready.extend([event, update]);
            return;
        }
        match self.fetch(&skipped, &peers).await {
            Some(waiting) => {
                self.waiting = Some(waiting);
                self.held.push_back(update);
            }
            None => {
                let event = self.report(&skipped, (skipped.first, skipped.last), "fetch failed");
                self.ready.extend([event, update]);
            }
        }
    }

    /// The next update due, in order.
    pub(crate) fn ready(&mut self) -> Option<Update> {
        self.ready.pop_front()
    }

    /// Everything held back (on stop, when the fetched messages may never come back).
    pub(crate) fn flush(&mut self) -> Vec<Update> {
        let mut out: Vec<Update> = self.ready.drain(..).collect();
        if let Some(waiting) = self.waiting.take() {
            let skipped = Skipped {
                channel: waiting.channel,
                pts: waiting.pts,
                first: 0,
                last: 0,
            };
            let ids = waiting
                .messages
                .iter()
                .map(message_id)
                .fold((i32::MAX, 0), |(lo, hi), id| (lo.min(id), hi.max(id)));
            out.push(self.report(&skipped, ids, "stopping before they were delivered"));
        }
        out.extend(self.held.drain(..));
        out
    }

    /// Fetches the latest `bound` skipped messages and sends their peers into grammers' queue;
    /// `None` when that is not possible.
    async fn fetch(&mut self, skipped: &Skipped, peers: &PeerMap) -> Option<Waiting> {
        let first = skipped.first.max(skipped.last + 1 - self.bound as i32);
        let unfetched = (first > skipped.first).then_some((skipped.first, first - 1));
        let channel_ref = match peers.get_ref(PeerId::channel(skipped.channel)?).await {
            Ok(Some(peer)) => peer,
            _ => {
                tracing::warn!(
                    channel = skipped.channel,
                    "skipped channel messages cannot be fetched: the channel's access hash is \
                     unknown"
                );
                return None;
            }
        };
        let channel: tl::enums::InputChannel = (&channel_ref).into();
        let ids: Vec<i32> = (first..=skipped.last).collect();
        let mut messages = Vec::new();
        let mut users = Vec::new();
        let mut chats = Vec::new();
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            let request = tl::functions::channels::GetMessages {
                channel: channel.clone(),
                id: chunk
                    .iter()
                    .map(|id| tl::types::InputMessageId { id: *id }.into())
                    .collect(),
            };
            let answer = match self.client.invoke(&request).await {
                Ok(answer) => answer,
                Err(error) => {
                    tracing::warn!(
                        channel = skipped.channel,
                        "fetching skipped channel messages failed: {error}"
                    );
                    return None;
                }
            };
            let (m, u, c) = match answer {
                tl::enums::messages::Messages::Messages(x) => (x.messages, x.users, x.chats),
                tl::enums::messages::Messages::Slice(x) => (x.messages, x.users, x.chats),
                tl::enums::messages::Messages::ChannelMessages(x) => (x.messages, x.users, x.chats),
                tl::enums::messages::Messages::NotModified(_) => Default::default(),
            };
            messages.extend(
                m.into_iter()
                    .filter(|m| !matches!(m, tl::enums::Message::Empty(_))),
            );
            users.extend(u);
            chats.extend(c);
        }
        messages.sort_by_key(message_id);
        let sender = self.inject.as_ref().and_then(mpsc::WeakSender::upgrade)?;
        let carrier = UpdatesLike::Updates(tl::enums::Updates::Updates(tl::types::Updates {
            updates: vec![seed()],
            users,
            chats,
            date: 0,
            seq: 0,
        }));
        // From a task: the update loop (this caller) is what drains that queue.
        tokio::spawn(async move {
            let _ = sender.send(carrier).await;
        });
        tracing::info!(
            channel = skipped.channel,
            fetched = messages.len(),
            first,
            last = skipped.last,
            "Telegram skipped channel messages; fetched them back"
        );
        Some(Waiting {
            channel: skipped.channel,
            pts: skipped.pts,
            messages,
            unfetched,
        })
    }

    /// Queues the fetched messages, once their peers came back, then what waited behind them.
    fn recovered(&mut self, state: &State, peers: PeerMap) {
        let Some(waiting) = self.waiting.take() else {
            return;
        };
        let mut out = std::mem::take(&mut self.ready);
        if let Some(ids) = waiting.unfetched {
            let skipped = Skipped {
                channel: waiting.channel,
                pts: waiting.pts,
                first: ids.0,
                last: ids.1,
            };
            out.push_back(self.report(&skipped, ids, "beyond [updates] too_long_fetch"));
        }
        for message in waiting.messages {
            let raw = tl::enums::Update::NewChannelMessage(tl::types::UpdateNewChannelMessage {
                message,
                pts: 0,
                pts_count: 0,
            });
            let state = State {
                date: state.date,
                seq: state.seq,
                message_box: None,
            };
            out.push_back(Update::from_raw(&self.client, raw, state, peers.handle()));
        }
        out.extend(self.held.drain(..));
        self.ready = out;
    }

    /// A warning, and the `updateChannelTooLong` event for raw handlers.
    fn report(&self, skipped: &Skipped, (first, last): (i32, i32), why: &str) -> Update {
        tracing::warn!(
            channel = skipped.channel,
            first_id = first,
            last_id = last,
            "Telegram skipped channel messages that were not delivered ({why}); raw handlers get \
             an updateChannelTooLong"
        );
        Update::Raw(Raw {
            raw: tl::enums::Update::ChannelTooLong(tl::types::UpdateChannelTooLong {
                channel_id: skipped.channel,
                pts: Some(skipped.pts),
            }),
            state: State {
                date: 0,
                seq: 0,
                message_box: None,
            },
        })
    }
}

fn message_channel(message: &tl::enums::Message) -> Option<i64> {
    let peer = match message {
        tl::enums::Message::Message(m) => Some(&m.peer_id),
        tl::enums::Message::Service(m) => Some(&m.peer_id),
        tl::enums::Message::Empty(m) => m.peer_id.as_ref(),
    };
    match peer {
        Some(tl::enums::Peer::Channel(c)) => Some(c.channel_id),
        _ => None,
    }
}

fn message_id(message: &tl::enums::Message) -> i32 {
    match message {
        tl::enums::Message::Message(m) => m.id,
        tl::enums::Message::Service(m) => m.id,
        tl::enums::Message::Empty(m) => m.id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOUNGE: i64 = 5_500_000_001;

    fn post(id: i32, pts: i32, from_socket: bool) -> (tl::enums::Update, State) {
        let message = tl::types::MessageEmpty {
            id,
            peer_id: Some(tl::types::PeerChannel { channel_id: LOUNGE }.into()),
        }
        .into();
        let raw = tl::types::UpdateNewChannelMessage {
            message,
            pts: if from_socket { pts } else { 0 },
            pts_count: if from_socket { 1 } else { 0 },
        }
        .into();
        let state = State {
            date: 0,
            seq: 0,
            message_box: Some(MessageBox::Channel {
                channel_id: LOUNGE,
                pts,
            }),
        };
        (raw, state)
    }

    fn edit(pts: i32) -> (tl::enums::Update, State) {
        let (raw, state) = post(1, pts, true);
        let tl::enums::Update::NewChannelMessage(u) = raw else {
            unreachable!()
        };
        let raw = tl::types::UpdateEditChannelMessage {
            message: u.message,
            pts,
            pts_count: 1,
        }
        .into();
        (raw, state)
    }

    fn observe(
        positions: &mut Positions,
        (raw, state): (tl::enums::Update, State),
    ) -> Option<Skipped> {
        positions.observe(&raw, &state)
    }

    #[test]
    fn updates_in_sequence_or_from_a_difference_skip_nothing() {
        let mut p = Positions::default();
        assert_eq!(observe(&mut p, post(10, 110, true)), None);
        assert_eq!(observe(&mut p, post(11, 111, true)), None);
        // A difference delivers with pts 0 and its end position: no check, position moves.
        assert_eq!(observe(&mut p, post(12, 115, false)), None);
        assert_eq!(observe(&mut p, post(13, 116, true)), None);
    }

    #[test]
    fn a_jump_over_undelivered_positions_names_the_skipped_ids() {
        let mut p = Positions::default();
        observe(&mut p, post(10, 110, true));
        // grammers took a too-long answer: the next post starts 200 positions later.
        assert_eq!(
            observe(&mut p, post(211, 311, true)),
            Some(Skipped {
                channel: LOUNGE,
                pts: 311,
                first: 11,
                last: 210
            })
        );
        assert_eq!(observe(&mut p, post(212, 312, true)), None);
    }

    #[test]
    fn after_a_restart_the_skipped_pts_bound_the_ids() {
        let mut p = Positions::default();
        p.channels.insert(
            LOUNGE,
            Seen {
                pts: 100,
                ..Seen::default()
            },
        );
        assert_eq!(
            observe(&mut p, post(500, 301, true)),
            Some(Skipped {
                channel: LOUNGE,
                pts: 301,
                first: 300,
                last: 499
            })
        );
    }

    #[test]
    fn a_jump_revealed_by_an_edit_is_resolved_at_the_next_post() {
        let mut p = Positions::default();
        observe(&mut p, post(10, 110, true));
        assert_eq!(observe(&mut p, edit(151)), None);
        assert_eq!(
            observe(&mut p, post(60, 152, true)),
            Some(Skipped {
                channel: LOUNGE,
                pts: 152,
                first: 11,
                last: 59
            })
        );
    }

    #[test]
    fn a_message_at_or_below_the_highest_delivered_id_is_a_repeat() {
        let mut p = Positions::default();
        observe(&mut p, post(10, 110, true));
        // Force-applied during a channel difference: the jump is seen, ids 11..=19 fetched.
        observe(&mut p, post(20, 120, true));
        // The difference then brings 11..=19 (pts 0): repeats, dropped.
        assert!(p.is_repeat(&post(15, 120, false).0));
        assert!(p.is_repeat(&post(20, 120, false).0));
        assert!(!p.is_repeat(&post(21, 121, true).0));
        // Nothing known about a channel: nothing is a repeat.
        assert!(!Positions::default().is_repeat(&post(1, 1, true).0));
    }

    #[test]
    fn the_seed_is_recognised_and_nothing_telegram_sends_is() {
        assert!(is_seed(&seed()));
        let status = tl::types::UpdateUserStatus {
            user_id: 42,
            status: tl::enums::UserStatus::Empty,
        };
        assert!(!is_seed(&status.into()));
    }
}
