//! `updates.*`: update state and catch-up, for accounts and for channels.

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_channel};
use crate::state::{State, now};
use crate::tl_build::{self, PeerRef};

/// Most updates one difference answer carries; more come as a slice.
pub(crate) const DIFFERENCE_SLICE: usize = 100;

/// Telegram's cap on one channel difference, whatever the request's `limit`
/// (core.telegram.org/method/updates.getChannelDifference: "limit: How many updates to fetch,
/// max 100000"; TDLib `MessagesManager`: `MAX_BOT_CHANNEL_DIFFERENCE = 100000; // server
/// side limit`). Bots ask for exactly this (grammers `BOT_CHANNEL_DIFF_LIMIT`, TDLib), users
/// for 100 (grammers `USER_CHANNEL_DIFF_LIMIT`, TDLib `MAX_CHANNEL_DIFFERENCE`).
pub(crate) const CHANNEL_BOX_LIMIT: usize = 100_000;

/// A channel with more missed updates than this appears in the account's
/// `updates.getDifference` as `updateChannelTooLong` instead of its updates. TDLib's
/// maintainer: "In supergroups and channels some updates can be skipped if there are more than
/// 100 missed updates" (tdlib/td#366); core.telegram.org/constructor/updateChannelTooLong:
/// "the number of queued updates in a message box is too large to be delivered passively".
pub(crate) const CHANNEL_UPDATES_IN_DIFFERENCE: usize = 100;

pub(super) fn get_state(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::updates::GetState,
) -> Result<tl::enums::updates::State, RpcFail> {
    let me = caller.me()?;
    // A client starting from this state is owed nothing older.
    state.forget_unpushed(me);
    Ok(tl_build::state(state.account(me), now()))
}

/// Splits logged updates into messages and other updates, collecting who they mention.
fn split(
    entries: &[&crate::state::LoggedUpdate],
) -> (
    Vec<tl::enums::Message>,
    Vec<tl::enums::Update>,
    Vec<i64>,
    Vec<PeerRef>,
) {
    let mut messages = Vec::new();
    let mut others = Vec::new();
    let mut users = Vec::new();
    let mut chats = Vec::new();
    for entry in entries {
        users.extend_from_slice(&entry.users);
        chats.extend_from_slice(&entry.chats);
        match &entry.update {
            tl::enums::Update::NewMessage(u) => messages.push(u.message.clone()),
            tl::enums::Update::NewChannelMessage(u) => messages.push(u.message.clone()),
            other => others.push(other.clone()),
        }
    }
    (messages, others, users, chats)
}

pub(super) fn get_difference(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::updates::GetDifference,
) -> Result<tl::enums::updates::Difference, RpcFail> {
    let me = caller.me()?;
    let account = state.account(me);
    let date = now();
    if request.pts < account.log_floor {
        return Ok(tl::enums::updates::Difference::TooLong(
            tl::types::updates::DifferenceTooLong { pts: account.pts },
        ));
    }
    let pending: Vec<_> = account.log.iter().filter(|u| u.pts > request.pts).collect();
    // The secondary sequence (see `qts`): what came after the client's qts, unless it asked
    // for none with a negative one.
    let pending_qts: Vec<_> = if request.qts < 0 {
        Vec::new()
    } else {
        account
            .qts_log
            .iter()
            .filter(|u| u.pts > request.qts)
            .collect()
    };
    let (channel_updates, channel_users, channel_chats) = missed_channel_updates(state, me);
    let account = state.account(me);
    if pending.is_empty() && pending_qts.is_empty() && channel_updates.is_empty() {
        return Ok(tl::enums::updates::Difference::Empty(
            tl::types::updates::DifferenceEmpty {
                date,
                seq: account.seq,
            },
        ));
    }
    let limit = request
        .pts_total_limit
        .map(|l| l.max(1) as usize)
        .unwrap_or(DIFFERENCE_SLICE)
        .min(DIFFERENCE_SLICE);
    // `qts_limit` caps the qts updates (TDLib asks with `qts_limit = 0` when it wants one pts
    // update and no qts ones: `GetPtsUpdateQuery`); what is left over makes a slice whose
    // `intermediate_state.qts` says where to go on.
    let qts_limit = request
        .qts_limit
        .map(|l| l.max(0) as usize)
        .unwrap_or(DIFFERENCE_SLICE)
        .min(DIFFERENCE_SLICE);
    let pts_sliced = pending.len() > limit;
    let qts_sliced = pending_qts.len() > qts_limit;
    let is_slice = pts_sliced || qts_sliced;
    let batch = &pending[..pending.len().min(limit)];
    let qts_batch = &pending_qts[..pending_qts.len().min(qts_limit)];
    let (new_messages, mut other_updates, mut users, mut chats) = split(batch);
    for entry in qts_batch {
        other_updates.push(entry.update.clone());
        users.extend_from_slice(&entry.users);
        chats.extend_from_slice(&entry.chats);
    }
    // Channels ride along in the last piece, after the account's own updates.
    if !is_slice {
        state.forget_unpushed(me);
        other_updates.extend(channel_updates);
        users.extend(channel_users);
        chats.extend(channel_chats);
    }
    let users = state.users_for(me, &users);
    let chats = state.chats_for(me, &chats);
    let mut reached = tl_build::state(account, date);
    if is_slice {
        let tl::enums::updates::State::State(s) = &mut reached;
        if pts_sliced {
            s.pts = batch.last().map(|u| u.pts).unwrap_or(request.pts);
        }
        if qts_sliced {
            s.qts = qts_batch.last().map(|u| u.pts).unwrap_or(request.qts);
        }
        return Ok(tl::enums::updates::Difference::Slice(
            tl::types::updates::DifferenceSlice {
                new_messages,
                new_encrypted_messages: Vec::new(),
                other_updates,
                chats,
                users,
                intermediate_state: reached,
            },
        ));
    }
    Ok(tl::enums::updates::Difference::Difference(
        tl::types::updates::Difference {
            new_messages,
            new_encrypted_messages: Vec::new(),
            other_updates,
            chats,
            users,
            state: reached,
        },
    ))
}

/// What the account missed in its channels while it had no connection to push them on (see
/// `State::push`), for its `updates.getDifference`: up to [`CHANNEL_UPDATES_IN_DIFFERENCE`]
/// updates of a channel go in as they are (`updateNewChannelMessage` with its pts), a busier
/// channel as one `updateChannelTooLong` whose `pts` is the channel's pts before the first
/// missed update ("If the channel's PTS isn't currently stored in the database ... start
/// fetching from the specified pts", core.telegram.org/constructor/updateChannelTooLong);
/// the client then calls `updates.getChannelDifference`. Updates pushed to a connection that
/// did not read them (`pause_pushes`) count as delivered, as Telegram cannot tell.
fn missed_channel_updates(
    state: &State,
    me: i64,
) -> (Vec<tl::enums::Update>, Vec<i64>, Vec<PeerRef>) {
    let mut updates = Vec::new();
    let mut users = Vec::new();
    let mut chats = Vec::new();
    let missed = state
        .unpushed
        .borrow()
        .get(&me)
        .cloned()
        .unwrap_or_default();
    for (channel, (before, count)) in missed {
        let Some(room) = state
            .rooms
            .get(&channel)
            .filter(|r| r.members.contains(&me))
        else {
            continue;
        };
        chats.push(room.peer());
        if count > CHANNEL_UPDATES_IN_DIFFERENCE {
            updates.push(tl::enums::Update::ChannelTooLong(
                tl::types::UpdateChannelTooLong {
                    channel_id: room.id,
                    pts: Some(before),
                },
            ));
            continue;
        }
        for entry in room.log.iter().filter(|u| u.pts > before) {
            if let Some(message) = visible_channel_message(state, me, room, &entry.update) {
                users.extend_from_slice(&entry.users);
                let mut update = entry.update.clone();
                match &mut update {
                    tl::enums::Update::NewChannelMessage(u) => u.message = message,
                    tl::enums::Update::EditChannelMessage(u) => u.message = message,
                    _ => {}
                }
                updates.push(update);
            } else if !is_message_update(&entry.update) {
                updates.push(entry.update.clone());
            }
        }
    }
    (updates, users, chats)
}

fn is_message_update(update: &tl::enums::Update) -> bool {
    matches!(
        update,
        tl::enums::Update::NewChannelMessage(_) | tl::enums::Update::EditChannelMessage(_)
    )
}

/// A logged channel message as `me` sees it, or `None` when privacy mode hides it from `me`
/// (or the update is not a message).
fn visible_channel_message(
    state: &State,
    me: i64,
    room: &crate::state::Room,
    update: &tl::enums::Update,
) -> Option<tl::enums::Message> {
    let message = match update {
        tl::enums::Update::NewChannelMessage(u) => &u.message,
        tl::enums::Update::EditChannelMessage(u) => &u.message,
        _ => return None,
    };
    let tl::enums::Message::Message(inner) = message else {
        return Some(message.clone());
    };
    let Some(stored) = room.messages.get(&inner.id) else {
        return Some(message.clone());
    };
    let replied_from = stored
        .reply_to
        .and_then(|id| room.messages.get(&id))
        .map(|m| m.from);
    state
        .receives(me, room, stored, replied_from)
        .then(|| tl_build::message(stored, me))
}

/// `updates.channelDifferenceTooLong`: the channel's current pts in `dialog`, its latest
/// message the caller may see in `messages` ("The latest messages (not starting from the
/// passed pts, just the latest messages)", core.telegram.org/constructor/
/// updates.channelDifferenceTooLong), and what it mentions. The client must refetch the
/// history itself (`messages.getHistory`).
fn channel_too_long(
    state: &State,
    me: i64,
    room: &crate::state::Room,
) -> tl::enums::updates::ChannelDifference {
    let latest = room.messages.values().rev().find(|m| {
        let replied_from = m
            .reply_to
            .and_then(|id| room.messages.get(&id))
            .map(|r| r.from);
        state.receives(me, room, m, replied_from)
    });
    let top = latest.map(|m| m.id).unwrap_or(0);
    tl::enums::updates::ChannelDifference::TooLong(tl::types::updates::ChannelDifferenceTooLong {
        // "Whether there are more updates that must be fetched (always set)": nothing more
        // comes from this pts; grammers keeps asking while it is unset.
        r#final: true,
        timeout: None,
        dialog: tl_build::dialog(room.peer(), top, Some(room.pts)),
        messages: latest
            .map(|m| tl_build::message(m, me))
            .into_iter()
            .collect(),
        chats: state.chats_for(me, &[room.peer()]),
        users: state.users_for(me, &latest.map(|m| m.user_ids()).unwrap_or_default()),
    })
}

pub(super) fn get_channel_difference(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::updates::GetChannelDifference,
) -> Result<tl::enums::updates::ChannelDifference, RpcFail> {
    let me = caller.me()?;
    let channel = input_channel(state, caller, &request.channel)?;
    let room = &state.rooms[&channel];
    if !room.members.contains(&me) {
        return Err(RpcFail::bad_request("CHANNEL_PRIVATE"));
    }
    let pending: Vec<_> = room.log.iter().filter(|u| u.pts > request.pts).collect();
    if pending.is_empty() {
        return Ok(tl::enums::updates::ChannelDifference::Empty(
            tl::types::updates::ChannelDifferenceEmpty {
                r#final: true,
                pts: room.pts,
                timeout: None,
            },
        ));
    }
    // "The provided pts + limit < remote pts. Simply, there are too many updates to be
    // fetched (more than limit)" (core.telegram.org/type/updates.ChannelDifference).
    if pending.len() > (request.limit.max(1) as usize).min(state.channel_box_limit) {
        tracing::debug!(
            channel,
            pending = pending.len(),
            limit = request.limit,
            "channel difference too long"
        );
        return Ok(channel_too_long(state, me, room));
    }
    let limit = (request.limit.max(1) as usize).min(DIFFERENCE_SLICE);
    let is_final = pending.len() <= limit;
    let batch = &pending[..pending.len().min(limit)];
    let pts = batch.last().map(|u| u.pts).unwrap_or(room.pts);
    // Logged channel updates carry the author's view (`out`); render them for the caller.
    let rerender = |message: &tl::enums::Message| {
        let id = match message {
            tl::enums::Message::Message(inner) => inner.id,
            tl::enums::Message::Service(inner) => inner.id,
            tl::enums::Message::Empty(_) => return message.clone(),
        };
        room.messages
            .get(&id)
            .map(|stored| tl_build::message(stored, me))
            .unwrap_or_else(|| message.clone())
    };
    let mut new_messages = Vec::new();
    let mut other_updates = Vec::new();
    let mut users = Vec::new();
    let mut chats = Vec::new();
    for entry in batch {
        users.extend_from_slice(&entry.users);
        chats.extend_from_slice(&entry.chats);
        // Privacy mode: what a bot was not sent, its difference does not carry either.
        if let tl::enums::Update::NewChannelMessage(tl::types::UpdateNewChannelMessage {
            message: tl::enums::Message::Message(inner),
            ..
        })
        | tl::enums::Update::EditChannelMessage(tl::types::UpdateEditChannelMessage {
            message: tl::enums::Message::Message(inner),
            ..
        }) = &entry.update
            && let Some(stored) = room.messages.get(&inner.id)
        {
            let replied_from = stored
                .reply_to
                .and_then(|id| room.messages.get(&id))
                .map(|m| m.from);
            if !state.receives(me, room, stored, replied_from) {
                continue;
            }
        }
        match &entry.update {
            tl::enums::Update::NewChannelMessage(u) => new_messages.push(rerender(&u.message)),
            tl::enums::Update::EditChannelMessage(u) => {
                let mut u = u.clone();
                u.message = rerender(&u.message);
                other_updates.push(tl::enums::Update::EditChannelMessage(u));
            }
            other => other_updates.push(other.clone()),
        }
    }
    Ok(tl::enums::updates::ChannelDifference::Difference(
        tl::types::updates::ChannelDifference {
            r#final: is_final,
            pts,
            timeout: None,
            new_messages,
            other_updates,
            chats: state.chats_for(me, &chats),
            users: state.users_for(me, &users),
        },
    ))
}
