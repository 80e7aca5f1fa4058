//! `channels.*`: supergroup and channel messages.

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_channel};
use crate::state::State;
use crate::tl_build::{self, PeerRef};

fn member_channel(
    state: &State,
    caller: &Caller,
    channel: &tl::enums::InputChannel,
) -> Result<i64, RpcFail> {
    let me = caller.me()?;
    let id = input_channel(state, caller, channel)?;
    if !state.rooms[&id].members.contains(&me) {
        return Err(RpcFail::bad_request("CHANNEL_PRIVATE"));
    }
    Ok(id)
}

pub(super) fn get_messages(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::GetMessages,
) -> Result<tl::enums::messages::Messages, RpcFail> {
    let me = caller.me()?;
    let channel = member_channel(state, caller, &request.channel)?;
    let room = &state.rooms[&channel];
    let mut users = Vec::new();
    let messages = request
        .id
        .iter()
        .map(|input| {
            let id = match input {
                tl::enums::InputMessage::Id(m) => Some(m.id),
                tl::enums::InputMessage::CallbackQuery(m) => Some(m.id),
                tl::enums::InputMessage::ReplyTo(m) => {
                    room.messages.get(&m.id).and_then(|m| m.reply_to)
                }
                tl::enums::InputMessage::Pinned => None,
            };
            match id.and_then(|id| room.messages.get(&id)) {
                Some(m) => {
                    users.extend(m.user_ids());
                    tl_build::message(m, me)
                }
                None => tl_build::message_empty(id.unwrap_or(0)),
            }
        })
        .collect();
    Ok(tl_build::channel_messages(
        room.pts,
        messages,
        state.users_for(me, &users),
        state.chats_for(me, &[PeerRef::Channel(channel)]),
    ))
}

pub(super) fn delete_messages(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::DeleteMessages,
) -> Result<tl::enums::messages::AffectedMessages, RpcFail> {
    let me = caller.me()?;
    let channel = member_channel(state, caller, &request.channel)?;
    let (pts, count) =
        state.delete_in_channel(me, channel, &request.id, Some(caller.conn.conn_id))?;
    Ok(tl_build::affected_messages(pts, count))
}

pub(super) fn get_channels(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::GetChannels,
) -> Result<tl::enums::messages::Chats, RpcFail> {
    let me = caller.me()?;
    let mut peers = Vec::new();
    for input in &request.id {
        peers.push(PeerRef::Channel(input_channel(state, caller, input)?));
    }
    Ok(tl::enums::messages::Chats::Chats(
        tl::types::messages::Chats {
            chats: state.chats_for(me, &peers),
        },
    ))
}

pub(super) fn read_history(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::ReadHistory,
) -> Result<bool, RpcFail> {
    member_channel(state, caller, &request.channel)?;
    Ok(true)
}
