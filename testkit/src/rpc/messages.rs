//! `messages.*`: sending, editing, deleting, reading and listing messages.

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_peer, reply_to_id};
use crate::delivery::Edit;
use crate::state::{Draft, Forward, Media, State, StoredFile, now};
use crate::tl_build::{self, PeerRef};

pub(super) fn send_message(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SendMessage,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let to = input_peer(state, caller, &request.peer)?;
    if let Some(answer) = state.resent_answer(me, request.random_id) {
        return answer;
    }
    let stranger = state.is_new_stranger(me, to);
    state.check_send_limits(me, to, 1)?;
    let draft = Draft {
        entities: state.entities_for(
            me,
            to,
            &request.message,
            request.entities.unwrap_or_default(),
        ),
        text: request.message,
        reply_markup: request.reply_markup,
        reply_to: reply_to_id(&request.reply_to),
        ..Draft::default()
    };
    let sent = state.send(me, to, draft, Some(caller.conn.conn_id))?;
    state.count_sent(me, to, 1, stranger);
    state.remember_random_id(me, request.random_id, &sent);
    // `updateShortSentMessage` has no `seq`: a message that took one (a keyboard) is answered
    // in full, like the pushes to the sender's other connections.
    Ok(match to {
        PeerRef::Channel(_) => state.sent_answer(me, &sent, request.random_id),
        _ if sent.seq != 0 => state.sent_answer(me, &sent, request.random_id),
        _ => tl_build::short_sent_message(&sent.copy, sent.pts),
    })
}

pub(super) fn send_media(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SendMedia,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let to = input_peer(state, caller, &request.peer)?;
    if let Some(answer) = state.resent_answer(me, request.random_id) {
        return answer;
    }
    let stranger = state.is_new_stranger(me, to);
    state.check_send_limits(me, to, 1)?;
    let media = input_media(state, me, request.media)?;
    let draft = Draft {
        entities: state.entities_for(
            me,
            to,
            &request.message,
            request.entities.unwrap_or_default(),
        ),
        text: request.message,
        reply_markup: request.reply_markup,
        reply_to: reply_to_id(&request.reply_to),
        media: Some(media),
        ..Draft::default()
    };
    let sent = state.send(me, to, draft, Some(caller.conn.conn_id))?;
    state.count_sent(me, to, 1, stranger);
    state.remember_random_id(me, request.random_id, &sent);
    Ok(state.sent_answer(me, &sent, request.random_id))
}

/// Turns uploaded parts (or an existing photo/document) into message media.
fn input_media(state: &mut State, me: i64, media: tl::enums::InputMedia) -> Result<Media, RpcFail> {
    match media {
        tl::enums::InputMedia::UploadedPhoto(p) => {
            let file = take_upload(state, me, &p.file, "image/jpeg".into(), None)?;
            Ok(Media::Photo(file))
        }
        tl::enums::InputMedia::UploadedDocument(d) => {
            let file_name = d.attributes.iter().find_map(|a| match a {
                tl::enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                _ => None,
            });
            let file = take_upload(state, me, &d.file, d.mime_type, file_name)?;
            Ok(Media::Document(file))
        }
        tl::enums::InputMedia::Photo(p) => match p.id {
            tl::enums::InputPhoto::Photo(p) => {
                existing(state, p.id, p.access_hash).map(Media::Photo)
            }
            tl::enums::InputPhoto::Empty => Err(RpcFail::bad_request("MEDIA_INVALID")),
        },
        tl::enums::InputMedia::Document(d) => match d.id {
            tl::enums::InputDocument::Document(d) => {
                existing(state, d.id, d.access_hash).map(Media::Document)
            }
            tl::enums::InputDocument::Empty => Err(RpcFail::bad_request("MEDIA_INVALID")),
        },
        other => {
            tracing::warn!(media = ?std::mem::discriminant(&other), "media kind not supported by the testkit");
            Err(RpcFail::bad_request("MEDIA_INVALID"))
        }
    }
}

fn existing(state: &State, id: i64, access_hash: i64) -> Result<StoredFile, RpcFail> {
    state
        .files
        .get(&id)
        .filter(|f| f.access_hash == access_hash)
        .cloned()
        .ok_or_else(|| RpcFail::bad_request("MEDIA_INVALID"))
}

fn take_upload(
    state: &mut State,
    me: i64,
    file: &tl::enums::InputFile,
    mime_type: String,
    file_name: Option<String>,
) -> Result<StoredFile, RpcFail> {
    let (id, parts, name) = match file {
        tl::enums::InputFile::File(f) => (f.id, f.parts, f.name.clone()),
        tl::enums::InputFile::Big(f) => (f.id, f.parts, f.name.clone()),
        tl::enums::InputFile::StoryDocument(_) => {
            return Err(RpcFail::bad_request("MEDIA_INVALID"));
        }
    };
    let uploaded = state
        .uploads
        .remove(&(me, id))
        .ok_or_else(|| RpcFail::bad_request("FILE_PARTS_INVALID"))?;
    if uploaded.len() != parts as usize || uploaded.keys().copied().ne(0..parts) {
        return Err(RpcFail::bad_request("FILE_PARTS_INVALID"));
    }
    let bytes: Vec<u8> = uploaded.into_values().flatten().collect();
    let stored = StoredFile {
        id: crate::random::i64().abs(),
        access_hash: crate::random::i64(),
        date: now(),
        name: file_name.unwrap_or(name),
        mime_type,
        bytes: std::sync::Arc::new(bytes),
        dc: state.account(me).dc,
    };
    state.files.insert(stored.id, stored.clone());
    Ok(stored)
}

pub(super) fn edit_message(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::EditMessage,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let peer = input_peer(state, caller, &request.peer)?;
    // A new text gets its entities found again, as a sent one does.
    let entities = match &request.message {
        Some(text) => {
            Some(state.entities_for(me, peer, text, request.entities.unwrap_or_default()))
        }
        None => request.entities,
    };
    let edit = Edit {
        text: request.message,
        entities,
        reply_markup: request.reply_markup,
    };
    state.edit(me, peer, request.id, edit, Some(caller.conn.conn_id))
}

pub(super) fn delete_messages(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::DeleteMessages,
) -> Result<tl::enums::messages::AffectedMessages, RpcFail> {
    let me = caller.me()?;
    // Bots always delete for everyone.
    let revoke = request.revoke || state.account(me).is_bot();
    let (pts, count) = state.delete(me, &request.id, revoke, Some(caller.conn.conn_id));
    Ok(tl_build::affected_messages(pts, count))
}

pub(super) fn get_messages(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::GetMessages,
) -> Result<tl::enums::messages::Messages, RpcFail> {
    let me = caller.me()?;
    let account = state.account(me);
    let mut found = Vec::new();
    let mut messages = Vec::new();
    for input in &request.id {
        let id = match input {
            tl::enums::InputMessage::Id(m) => Some(m.id),
            tl::enums::InputMessage::CallbackQuery(m) => Some(m.id),
            tl::enums::InputMessage::ReplyTo(m) => {
                account.messages.get(&m.id).and_then(|m| m.reply_to)
            }
            tl::enums::InputMessage::Pinned => None,
        };
        match id.and_then(|id| account.messages.get(&id)) {
            Some(m) => {
                messages.push(tl_build::message(m, me));
                found.push(m.clone());
            }
            None => messages.push(tl_build::message_empty(id.unwrap_or(0))),
        }
    }
    let users: Vec<i64> = found.iter().flat_map(|m| m.user_ids()).collect();
    let chats: Vec<PeerRef> = found.iter().flat_map(|m| m.chat_refs()).collect();
    Ok(tl_build::messages(
        messages,
        state.users_for(me, &users),
        state.chats_for(me, &chats),
    ))
}

pub(super) fn forward_messages(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::ForwardMessages,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let from = input_peer(state, caller, &request.from_peer)?;
    let to = input_peer(state, caller, &request.to_peer)?;
    if request.id.is_empty() || request.id.len() != request.random_id.len() {
        return Err(RpcFail::bad_request("RANDOM_ID_INVALID"));
    }
    // Each forwarded message counts (resent ones were counted the first time).
    let fresh = request
        .random_id
        .iter()
        .filter(|r| state.sent_with_random_id(me, **r).is_none())
        .count();
    let mut stranger = state.is_new_stranger(me, to);
    if fresh > 0 {
        state.check_send_limits(me, to, fresh)?;
    }
    let mut updates = Vec::new();
    let mut users = Vec::new();
    let mut chats = Vec::new();
    // The sequence numbers the forwarded copies took, for the answer's `seq_start ..= seq`.
    let mut seqs: Option<(i32, i32)> = None;
    for (id, random_id) in request.id.iter().zip(&request.random_id) {
        if let Some(earlier) = state.sent_with_random_id(me, *random_id) {
            // A resent forward: answer with the earlier copy, forward nothing again.
            let (again, mentioned_users, mentioned_chats) = state
                .original_updates(me, *random_id, earlier)
                .ok_or_else(|| RpcFail::new(500, "RANDOM_ID_DUPLICATE"))?;
            updates.extend(again);
            users.extend(mentioned_users);
            chats.extend(mentioned_chats);
            continue;
        }
        let original = state.message_in(me, from, *id)?.clone();
        let draft = Draft {
            text: original.text.clone(),
            entities: original.entities.clone(),
            media: original.media.clone(),
            forward: Some(original.forward.clone().unwrap_or(Forward {
                from: original.from,
                date: original.date,
            })),
            ..Draft::default()
        };
        let sent = state.send(me, to, draft, Some(caller.conn.conn_id))?;
        state.count_sent(me, to, 1, std::mem::take(&mut stranger));
        state.remember_random_id(me, *random_id, &sent);
        updates.push(tl_build::update_message_id(sent.copy.id, *random_id));
        updates.push(tl_build::update_new_message(&sent.copy, me, sent.pts));
        users.extend(sent.copy.user_ids());
        chats.extend(sent.copy.chat_refs());
        if sent.seq != 0 {
            seqs = Some(seqs.map_or((sent.seq, sent.seq), |(start, _)| (start, sent.seq)));
        }
    }
    Ok(match seqs {
        None => state.updates_for(me, updates, &users, &chats),
        Some(range) => tl_build::updates_combined(
            updates,
            state.users_for(me, &users),
            state.chats_for(me, &chats),
            now(),
            range,
        ),
    })
}

pub(super) fn get_dialogs(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::GetDialogs,
) -> Result<tl::enums::messages::Dialogs, RpcFail> {
    let me = caller.me()?;
    let account = state.account(me);
    if account.is_bot() {
        return Err(RpcFail::bad_request("BOT_METHOD_INVALID"));
    }
    // The newest message of every chat: private chats and basic groups from the account's
    // box, supergroups and channels from theirs.
    let mut tops: Vec<(PeerRef, &crate::state::StoredMessage, Option<i32>)> = Vec::new();
    for m in account.messages.values().rev() {
        if !tops.iter().any(|(p, _, _)| *p == m.peer) {
            tops.push((m.peer, m, None));
        }
    }
    for room in state.rooms.values() {
        if room.is_channel()
            && room.members.contains(&me)
            && let Some(m) = room.messages.values().next_back()
        {
            tops.push((room.peer(), m, Some(room.pts)));
        }
    }
    tops.sort_by_key(|(_, m, _)| std::cmp::Reverse((m.date, m.id)));
    if request.limit > 0 {
        tops.truncate(request.limit as usize);
    }
    let dialogs = tops
        .iter()
        .map(|(peer, m, pts)| tl_build::dialog(*peer, m.id, *pts))
        .collect();
    let messages = tops
        .iter()
        .map(|(_, m, _)| tl_build::message(m, me))
        .collect();
    let users: Vec<i64> = tops.iter().flat_map(|(_, m, _)| m.user_ids()).collect();
    let chats: Vec<PeerRef> = tops.iter().flat_map(|(_, m, _)| m.chat_refs()).collect();
    Ok(tl::enums::messages::Dialogs::Dialogs(
        tl::types::messages::Dialogs {
            dialogs,
            messages,
            chats: state.chats_for(me, &chats),
            users: state.users_for(me, &users),
        },
    ))
}

pub(super) fn set_typing(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SetTyping,
) -> Result<bool, RpcFail> {
    caller.me()?;
    input_peer(state, caller, &request.peer)?;
    Ok(true)
}

pub(super) fn read_history(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::ReadHistory,
) -> Result<tl::enums::messages::AffectedMessages, RpcFail> {
    let me = caller.me()?;
    input_peer(state, caller, &request.peer)?;
    Ok(tl_build::affected_messages(state.account(me).pts, 0))
}

pub(super) fn get_chats(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::GetChats,
) -> Result<tl::enums::messages::Chats, RpcFail> {
    let me = caller.me()?;
    let peers: Vec<PeerRef> = request
        .id
        .iter()
        .filter_map(|id| state.rooms.get(id))
        .filter(|r| !r.is_channel())
        .map(|r| r.peer())
        .collect();
    Ok(tl::enums::messages::Chats::Chats(
        tl::types::messages::Chats {
            chats: state.chats_for(me, &peers),
        },
    ))
}

/// Most messages one `messages.getHistory` answer carries, as on Telegram.
const HISTORY_LIMIT: usize = 100;

pub(super) fn get_history(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::GetHistory,
) -> Result<tl::enums::messages::Messages, RpcFail> {
    let me = caller.me()?;
    let peer = input_peer(state, caller, &request.peer)?;
    if state.account(me).is_bot() {
        return Err(RpcFail::bad_request("BOT_METHOD_INVALID"));
    }
    // Newest first, as Telegram pages history.
    let all: Vec<&crate::state::StoredMessage> = match peer {
        PeerRef::Channel(channel) => {
            let room = state
                .rooms
                .get(&channel)
                .filter(|r| r.members.contains(&me))
                .ok_or_else(|| RpcFail::bad_request("CHANNEL_PRIVATE"))?;
            room.messages.values().rev().collect()
        }
        _ => state
            .account(me)
            .messages
            .values()
            .rev()
            .filter(|m| m.peer == peer)
            .collect(),
    };
    let in_range: Vec<_> = all
        .iter()
        .copied()
        .filter(|m| request.max_id <= 0 || m.id < request.max_id)
        .filter(|m| request.min_id <= 0 || m.id > request.min_id)
        .filter(|m| request.offset_date <= 0 || m.date < request.offset_date)
        .collect();
    let start = in_range
        .iter()
        .position(|m| request.offset_id <= 0 || m.id < request.offset_id)
        .unwrap_or(in_range.len());
    let start =
        (start as i64 + i64::from(request.add_offset)).clamp(0, in_range.len() as i64) as usize;
    let limit = (request.limit.max(1) as usize).min(HISTORY_LIMIT);
    let page: Vec<_> = in_range.iter().skip(start).take(limit).copied().collect();
    let users: Vec<i64> = page.iter().flat_map(|m| m.user_ids()).collect();
    let chats: Vec<PeerRef> = page
        .iter()
        .flat_map(|m| m.chat_refs())
        .chain([peer])
        .collect();
    let messages: Vec<_> = page.iter().map(|m| tl_build::message(m, me)).collect();
    let users = state.users_for(me, &users);
    let chats = state.chats_for(me, &chats);
    if let PeerRef::Channel(channel) = peer {
        return Ok(tl_build::channel_messages(
            state.rooms[&channel].pts,
            messages,
            users,
            chats,
        ));
    }
    Ok(tl::enums::messages::Messages::Slice(
        tl::types::messages::MessagesSlice {
            inexact: false,
            count: in_range.len() as i32,
            next_rate: None,
            offset_id_offset: None,
            search_flood: None,
            messages,
            topics: Vec::new(),
            chats,
            users,
        },
    ))
}
