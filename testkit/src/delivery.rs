//! Delivering messages, edits and deletions into every box they touch.
//!
//! Private chats and basic groups keep one copy per participant (each with its own message id
//! and each owner's pts advancing); supergroups and channels keep one copy with the channel's
//! own ids and pts. Every change is logged for the difference RPCs, pushed to the owners'
//! connections (except the one that asked, which gets the answer directly), and queued for
//! the test driver's observers.

use grammers_tl_types as tl;

use crate::observed::{Deletion, ObservedMessage};
use crate::rpc::RpcFail;
use crate::state::{Draft, RoomKind, State, StoredMessage, now};
use crate::tl_build::{self, PeerRef};

/// Longest text of a message (`config.message_length_max`; `MESSAGE_TOO_LONG`).
const MAX_TEXT: usize = 4096;
/// Longest caption of a media message (`config.caption_length_max`, for accounts without
/// Premium; `MEDIA_CAPTION_TOO_LONG`).
const MAX_CAPTION: usize = 1024;

/// Checks a text or caption against Telegram's limits. Telegram counts Unicode code points
/// (not UTF-16 units or bytes): TDLib checks both limits with `utf8_length` before sending
/// (`td/telegram/MessageContent.cpp`: "Message is too long", "Message caption is too long"),
/// and maps the server's `MESSAGE_TOO_LONG` / `MEDIA_CAPTION_TOO_LONG` to those same errors
/// (`MessagesManager.cpp`, `on_send_message_fail`).
fn check_length(text: &str, has_media: bool) -> Result<(), RpcFail> {
    let (limit, error) = if has_media {
        (MAX_CAPTION, "MEDIA_CAPTION_TOO_LONG")
    } else {
        (MAX_TEXT, "MESSAGE_TOO_LONG")
    };
    if text.chars().count() > limit {
        return Err(RpcFail::bad_request(error));
    }
    Ok(())
}

/// The sender's copy of a delivered message and the pts it took.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) copy: StoredMessage,
    pub(crate) pts: i32,
    /// The `seq` the sender's full `updates` took (0 when it went out short or in a channel):
    /// the answer to the sending connection carries the same number.
    pub(crate) seq: i32,
}

/// Where a message goes.
enum Audience {
    /// Per-owner boxes: (owner, the chat as that owner sees it).
    Boxes(Vec<(i64, PeerRef)>),
    /// One channel box.
    Channel(i64),
}

/// A change to a message's text or keyboard.
#[derive(Debug, Clone, Default)]
pub(crate) struct Edit {
    /// The new text; `None` keeps the old one.
    pub(crate) text: Option<String>,
    pub(crate) entities: Option<Vec<tl::enums::MessageEntity>>,
    /// The new keyboard; `None` removes it, as on Telegram.
    pub(crate) reply_markup: Option<tl::enums::ReplyMarkup>,
}

impl State {
    fn audience(&self, from: i64, to: PeerRef) -> Result<Audience, RpcFail> {
        match to {
            PeerRef::User(user) => {
                let target = self
                    .accounts
                    .get(&user)
                    .ok_or_else(|| RpcFail::bad_request("PEER_ID_INVALID"))?;
                if target.is_bot() && self.accounts[&from].is_bot() && user != from {
                    return Err(RpcFail::bad_request("USER_IS_BOT"));
                }
                if self.accounts[&from].is_bot() && user != from {
                    self.bot_may_message(from, user)?;
                }
                let mut boxes = vec![(from, PeerRef::User(user))];
                if user != from {
                    boxes.push((user, PeerRef::User(from)));
                }
                Ok(Audience::Boxes(boxes))
            }
            PeerRef::Chat(id) | PeerRef::Channel(id) => {
                let room = self
                    .rooms
                    .get(&id)
                    .filter(|r| r.peer() == to)
                    .ok_or_else(|| RpcFail::bad_request("PEER_ID_INVALID"))?;
                // An upgraded basic group takes no more messages (see `membership`).
                if room.migrated_to.is_some() {
                    return Err(RpcFail::bad_request("PEER_ID_INVALID"));
                }
                if !room.members.contains(&from) {
                    return Err(RpcFail::bad_request(if room.is_channel() {
                        "CHANNEL_PRIVATE"
                    } else {
                        "CHAT_WRITE_FORBIDDEN"
                    }));
                }
                if room.kind == RoomKind::Broadcast && room.creator != from {
                    return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
                }
                Ok(match room.kind {
                    RoomKind::Group => {
                        Audience::Boxes(room.members.iter().map(|m| (*m, to)).collect())
                    }
                    _ => Audience::Channel(id),
                })
            }
        }
    }

    /// Finds a message as `viewer` sees it in `peer`.
    pub(crate) fn message_in(
        &self,
        viewer: i64,
        peer: PeerRef,
        id: i32,
    ) -> Result<&StoredMessage, RpcFail> {
        let found = match peer {
            PeerRef::Channel(channel) => self
                .rooms
                .get(&channel)
                .filter(|r| r.members.contains(&viewer))
                .and_then(|r| r.messages.get(&id)),
            _ => self.accounts[&viewer]
                .messages
                .get(&id)
                .filter(|m| m.peer == peer),
        };
        found.ok_or_else(|| RpcFail::bad_request("MESSAGE_ID_INVALID"))
    }

    /// Sends a message from `from` into `to` and delivers it everywhere.
    pub(crate) fn send(
        &mut self,
        from: i64,
        to: PeerRef,
        draft: Draft,
        origin_conn: Option<u64>,
    ) -> Result<Sent, RpcFail> {
        if draft.text.is_empty() && draft.media.is_none() && draft.action.is_none() {
            return Err(RpcFail::bad_request("MESSAGE_EMPTY"));
        }
        check_length(&draft.text, draft.media.is_some())?;
        let audience = self.audience(from, to)?;
        let global_id = self.next_global();
        let date = now();
        // The replied-to message as the sender sees it; each box maps it to its own copy.
        let replied = draft
            .reply_to
            .and_then(|id| self.message_in(from, to, id).ok());
        let reply_global = replied.map(|m| (m.global_id, m.id));
        let replied_from = replied.map(|m| m.from);
        let mentions =
            self.mentioned_users(from, &draft.text, &draft.entities, replied.map(|m| m.from));
        let template = StoredMessage {
            id: 0,
            global_id,
            peer: to,
            from,
            post: false,
            date,
            text: draft.text,
            entities: draft.entities,
            reply_markup: draft.reply_markup,
            reply_to: None,
            edit_date: None,
            media: draft.media,
            forward: draft.forward,
            via_bot: draft.via_bot,
            mentions,
            action: draft.action,
        };
        let mut sent = None;
        match audience {
            Audience::Boxes(boxes) => {
                for (owner, peer) in boxes {
                    // What privacy mode hides from a bot in a basic group is still in its box
                    // (it can fetch a message it is asked about, e.g. the target of a replied
                    // command, as the Bot API's `reply_to_message` shows), but it is no update
                    // for the bot: no pts, no push.
                    let hidden = matches!(to, PeerRef::Chat(chat)
                        if !self.receives(owner, &self.rooms[&chat], &template, replied_from));
                    let account = self.accounts.get_mut(&owner).expect("audience exists");
                    let mut copy = template.clone();
                    copy.id = account.next_id();
                    copy.peer = peer;
                    // Newest first: replies almost always target recent messages, and a
                    // scan from the oldest made every reply O(messages in the box).
                    copy.reply_to = reply_global.and_then(|(g, _)| {
                        account
                            .messages
                            .values()
                            .rev()
                            .find(|m| m.global_id == g)
                            .map(|m| m.id)
                    });
                    if copy.peer == PeerRef::User(copy.from) && copy.from != owner {
                        account.private_senders.insert(copy.from);
                    }
                    account.messages.insert(copy.id, copy.clone());
                    if hidden {
                        continue;
                    }
                    let (users, chats) = (copy.user_ids(), copy.chat_refs());
                    let (pts, update) = self.log_account_update(
                        owner,
                        1,
                        |pts| tl_build::update_new_message(&copy, owner, pts),
                        users.clone(),
                        chats.clone(),
                    );
                    // Pushed short whenever Telegram can: without the sender's user object,
                    // even to an account that never met them (clients fetch the difference,
                    // which carries the users: `rpc/updates.rs`).
                    let (updates, seq) = match tl_build::short_message(&copy, owner, pts) {
                        Some(short) => (short, 0),
                        None => self.sequenced_updates_for(owner, vec![update], &users, &chats),
                    };
                    if owner == from {
                        self.push(owner, &updates, origin_conn);
                        sent = Some(Sent { copy, pts, seq });
                    } else {
                        self.push(owner, &updates, None);
                        self.accounts
                            .get_mut(&owner)
                            .expect("audience exists")
                            .observed
                            .incoming(ObservedMessage::from_stored(&copy));
                    }
                }
            }
            Audience::Channel(channel) => {
                let room = self.rooms.get_mut(&channel).expect("audience exists");
                let mut copy = template;
                room.next_message_id += 1;
                copy.id = room.next_message_id;
                copy.post = room.kind == RoomKind::Broadcast;
                copy.reply_to = reply_global.map(|(_, id)| id);
                room.messages.insert(copy.id, copy.clone());
                let members = room.members.clone();
                let users = copy.user_ids();
                let (pts, _) = self.log_channel_update(
                    channel,
                    1,
                    |pts| tl_build::update_new_message(&copy, from, pts),
                    users.clone(),
                );
                for member in members {
                    // The channel's one box holds the message; privacy mode only keeps it from
                    // the bots it hides it from (and `getChannelDifference` leaves it out).
                    if !self.receives(member, &self.rooms[&channel], &copy, replied_from) {
                        continue;
                    }
                    let update = tl_build::update_new_message(&copy, member, pts);
                    let updates = self.channel_updates_for(member, vec![update], &users, copy.peer);
                    if member == from {
                        self.push(member, &updates, origin_conn);
                    } else {
                        self.push(member, &updates, None);
                        if let Some(account) = self.accounts.get_mut(&member) {
                            account
                                .observed
                                .incoming(ObservedMessage::from_stored(&copy));
                        }
                    }
                }
                sent = Some(Sent { copy, pts, seq: 0 });
            }
        }
        if self.accounts[&from].is_bot()
            && let Some(room) = self.rooms.get_mut(&to.bare_id()).filter(|r| r.peer() == to)
        {
            room.last_bot_sender = Some(from);
        }
        Ok(sent.expect("the sender is always in the audience"))
    }

    /// The answer the sender's client gets for a new message (`random_id` maps it).
    /// It carries the `seq` the message took in the sender's sequence, so the sending
    /// connection and the sender's other connections agree on it.
    pub(crate) fn sent_answer(&self, from: i64, sent: &Sent, random_id: i64) -> tl::enums::Updates {
        let update = tl_build::update_new_message(&sent.copy, from, sent.pts);
        self.updates_with_seq(
            from,
            vec![tl_build::update_message_id(sent.copy.id, random_id), update],
            &sent.copy.user_ids(),
            &sent.copy.chat_refs(),
            sent.seq,
        )
    }

    /// Edits message `id` (as `editor` sees it in `peer`) in every box holding a copy.
    /// Returns the editor's own update, for the answer.
    pub(crate) fn edit(
        &mut self,
        editor: i64,
        peer: PeerRef,
        id: i32,
        edit: Edit,
        origin_conn: Option<u64>,
    ) -> Result<tl::enums::Updates, RpcFail> {
        let original = self.message_in(editor, peer, id)?.clone();
        if original.from != editor {
            return Err(RpcFail::bad_request("MESSAGE_AUTHOR_REQUIRED"));
        }
        let text = edit.text.clone().unwrap_or_else(|| original.text.clone());
        let entities = match (&edit.text, edit.entities) {
            (_, Some(entities)) => entities,
            (Some(_), None) => Vec::new(),
            (None, None) => original.entities.clone(),
        };
        // An edit replaces the keyboard: one that sends none removes it. `messages.editMessage`
        // has no "keep" value; TDLib sets its `reply_markup` flag only when it has a markup
        // (`MessagesManager.cpp`, `EditMessageQuery::send`), which is why Bot API edits
        // without `reply_markup` remove the inline keyboard (TelegramBots/Telegram.Bot#402,
        // go-telegram-bot-api#158). So an edit to the same text without the keyboard is a
        // change, not `MESSAGE_NOT_MODIFIED`.
        let reply_markup = edit.reply_markup;
        if text == original.text
            && entities == original.entities
            && reply_markup == original.reply_markup
        {
            return Err(RpcFail::bad_request("MESSAGE_NOT_MODIFIED"));
        }
        if text.is_empty() && original.media.is_none() {
            return Err(RpcFail::bad_request("MESSAGE_EMPTY"));
        }
        check_length(&text, original.media.is_some())?;
        let date = now();
        let apply = |m: &mut StoredMessage| {
            m.text = text.clone();
            m.entities = entities.clone();
            m.reply_markup = reply_markup.clone();
            m.edit_date = Some(date);
        };
        let mut answer = None;
        if let PeerRef::Channel(channel) = peer {
            let room = self.rooms.get_mut(&channel).expect("found above");
            let message = room.messages.get_mut(&id).expect("found above");
            apply(message);
            let copy = message.clone();
            let members = room.members.clone();
            let users = copy.user_ids();
            let (pts, _) = self.log_channel_update(
                channel,
                1,
                |pts| tl_build::update_edit_message(&copy, editor, pts),
                users.clone(),
            );
            let replied_from = copy
                .reply_to
                .and_then(|id| self.rooms[&channel].messages.get(&id))
                .map(|m| m.from);
            for member in members {
                if !self.receives(member, &self.rooms[&channel], &copy, replied_from) {
                    continue;
                }
                let update = tl_build::update_edit_message(&copy, member, pts);
                let updates = self.channel_updates_for(member, vec![update], &users, peer);
                if member == editor {
                    self.push(member, &updates, origin_conn);
                    answer = Some(updates);
                } else {
                    self.push(member, &updates, None);
                    if let Some(account) = self.accounts.get_mut(&member) {
                        account.observed.edit(ObservedMessage::from_stored(&copy));
                    }
                }
            }
        } else {
            let owners: Vec<(i64, i32)> = self
                .accounts
                .values()
                .filter_map(|a| {
                    a.messages
                        .values()
                        .find(|m| m.global_id == original.global_id)
                        .map(|m| (a.id, m.id))
                })
                .collect();
            for (owner, message_id) in owners {
                let account = self.accounts.get_mut(&owner).expect("listed above");
                let message = account.messages.get_mut(&message_id).expect("listed above");
                apply(message);
                let copy = message.clone();
                // Privacy mode hides the edit of a message it hid from a bot.
                if let PeerRef::Chat(chat) = copy.peer {
                    let replied_from = copy
                        .reply_to
                        .and_then(|id| self.accounts[&owner].messages.get(&id))
                        .map(|m| m.from);
                    if !self.receives(owner, &self.rooms[&chat], &copy, replied_from) {
                        continue;
                    }
                }
                let (users, chats) = (copy.user_ids(), copy.chat_refs());
                let (_, update) = self.log_account_update(
                    owner,
                    1,
                    |pts| tl_build::update_edit_message(&copy, owner, pts),
                    users.clone(),
                    chats.clone(),
                );
                let (updates, _) = self.sequenced_updates_for(owner, vec![update], &users, &chats);
                if owner == editor {
                    self.push(owner, &updates, origin_conn);
                    answer = Some(updates);
                } else {
                    self.push(owner, &updates, None);
                    self.accounts
                        .get_mut(&owner)
                        .expect("listed above")
                        .observed
                        .edit(ObservedMessage::from_stored(&copy));
                }
            }
        }
        Ok(answer.expect("the editor holds a copy"))
    }

    /// Deletes messages `ids` from `caller`'s private chats and basic groups (and, with
    /// `revoke`, everyone else's copies). Returns the caller's `(pts, pts_count)`.
    pub(crate) fn delete(
        &mut self,
        caller: i64,
        ids: &[i32],
        revoke: bool,
        origin_conn: Option<u64>,
    ) -> (i32, i32) {
        let globals: Vec<u64> = ids
            .iter()
            .filter_map(|id| self.accounts[&caller].messages.get(id))
            .map(|m| m.global_id)
            .collect();
        let owners: Vec<i64> = if revoke {
            self.accounts.keys().copied().collect()
        } else {
            vec![caller]
        };
        let mut answer = (self.accounts[&caller].pts, 0);
        for owner in owners {
            let account = self.accounts.get_mut(&owner).expect("listed above");
            let doomed: Vec<(i32, PeerRef)> = account
                .messages
                .values()
                .filter(|m| globals.contains(&m.global_id))
                .map(|m| (m.id, m.peer))
                .collect();
            if doomed.is_empty() {
                continue;
            }
            for (id, _) in &doomed {
                account.messages.remove(id);
            }
            let removed: Vec<i32> = doomed.iter().map(|(id, _)| *id).collect();
            let count = removed.len() as i32;
            let (pts, update) = self.log_account_update(
                owner,
                count,
                |pts| tl_build::update_delete_messages(None, removed.clone(), pts),
                Vec::new(),
                Vec::new(),
            );
            // A deletion names no users or chats: Telegram sends such a lone update as
            // `updateShort`, outside `seq` (the caller itself gets `affectedMessages`).
            let updates = tl_build::update_short(update, now());
            if owner == caller {
                self.push(owner, &updates, origin_conn);
                answer = (pts, count);
            } else {
                self.push(owner, &updates, None);
                let account = self.accounts.get_mut(&owner).expect("listed above");
                for (chat, ids) in group_by_chat(&doomed) {
                    account.observed.deletion(Deletion { chat_id: chat, ids });
                }
            }
        }
        answer
    }

    /// Deletes channel messages. Only their authors or the channel's creator may.
    pub(crate) fn delete_in_channel(
        &mut self,
        caller: i64,
        channel: i64,
        ids: &[i32],
        origin_conn: Option<u64>,
    ) -> Result<(i32, i32), RpcFail> {
        let room = self
            .rooms
            .get(&channel)
            .filter(|r| r.is_channel() && r.members.contains(&caller))
            .ok_or_else(|| RpcFail::bad_request("CHANNEL_INVALID"))?;
        let doomed: Vec<i32> = ids
            .iter()
            .copied()
            .filter(|id| room.messages.contains_key(id))
            .collect();
        if doomed
            .iter()
            .any(|id| room.messages[id].from != caller && room.creator != caller)
        {
            return Err(RpcFail::new(403, "MESSAGE_DELETE_FORBIDDEN"));
        }
        if doomed.is_empty() {
            return Ok((room.pts, 0));
        }
        let room = self.rooms.get_mut(&channel).expect("checked above");
        for id in &doomed {
            room.messages.remove(id);
        }
        let members = room.members.clone();
        let count = doomed.len() as i32;
        let (pts, update) = self.log_channel_update(
            channel,
            count,
            |pts| tl_build::update_delete_messages(Some(channel), doomed.clone(), pts),
            Vec::new(),
        );
        let updates = self.updates_for(caller, vec![update], &[], &[PeerRef::Channel(channel)]);
        for member in members {
            if member == caller {
                self.push(member, &updates, origin_conn);
            } else {
                self.push(member, &updates, None);
                if let Some(account) = self.accounts.get_mut(&member) {
                    account.observed.deletion(Deletion {
                        chat_id: channel,
                        ids: doomed.clone(),
                    });
                }
            }
        }
        Ok((pts, count))
    }
}

fn group_by_chat(doomed: &[(i32, PeerRef)]) -> Vec<(i64, Vec<i32>)> {
    let mut groups: Vec<(i64, Vec<i32>)> = Vec::new();
    for (id, peer) in doomed {
        let chat = peer.bare_id();
        match groups.iter_mut().find(|(c, _)| *c == chat) {
            Some((_, ids)) => ids.push(*id),
            None => groups.push((chat, vec![*id])),
        }
    }
    groups
}
