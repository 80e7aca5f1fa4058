//! `updates.*`: update state and catch-up, for accounts and for channels.

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_channel};
use crate::state::{State, now};
use crate::tl_build::{self, PeerRef};

/// Most updates one difference answer carries; more come as a slice.
pub(crate) const DIFFERENCE_SLICE: usize = 100;

pub(super) fn get_state(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::updates::GetState,
) -> Result<tl::enums::updates::State, RpcFail> {
    let me = caller.me()?;
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
    if pending.is_empty() && pending_qts.is_empty() {
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
