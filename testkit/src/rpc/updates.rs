//! `updates.*`: update state and catch-up.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::{State, now};
use crate::tl_build;

/// Most updates one `updates.getDifference` answer carries; more come as a `differenceSlice`.
pub(crate) const DIFFERENCE_SLICE: usize = 100;

pub(super) fn get_state(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::updates::GetState,
) -> Result<tl::enums::updates::State, RpcFail> {
    let me = caller.me()?;
    Ok(tl_build::state(state.account(me), now()))
}

pub(super) fn get_difference(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::updates::GetDifference,
) -> Result<tl::enums::updates::Difference, RpcFail> {
    let me = caller.me()?;
    let account = state.account(me);
    let date = now();
    let pending: Vec<_> = account.log.iter().filter(|u| u.pts > request.pts).collect();
    if pending.is_empty() {
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
    let is_slice = pending.len() > limit;
    let batch = &pending[..pending.len().min(limit)];
    let mut new_messages = Vec::new();
    let mut other_updates = Vec::new();
    let mut user_ids = Vec::new();
    for entry in batch {
        user_ids.extend_from_slice(&entry.users);
        match &entry.update {
            tl::enums::Update::NewMessage(u) => new_messages.push(u.message.clone()),
            other => other_updates.push(other.clone()),
        }
    }
    let users = state.users_for(me, &user_ids);
    let mut reached = tl_build::state(account, date);
    if is_slice {
        let tl::enums::updates::State::State(s) = &mut reached;
        s.pts = batch.last().map(|u| u.pts).unwrap_or(request.pts);
        return Ok(tl::enums::updates::Difference::Slice(
            tl::types::updates::DifferenceSlice {
                new_messages,
                new_encrypted_messages: Vec::new(),
                other_updates,
                chats: Vec::new(),
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
            chats: Vec::new(),
            users,
            state: reached,
        },
    ))
}
