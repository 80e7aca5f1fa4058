//! Group changes a client asks for: approving join requests, pinning, blocking a bot (see
//! `membership` for what each produces).

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_peer, input_user};
use crate::state::State;
use crate::tl_build::{self, PeerRef};

/// `messages.hideChatJoinRequest`: an admin approves or declines a join request. The
/// service message of an approval reaches the admin as a push; the answer is an empty
/// `updates`.
pub(super) fn hide_chat_join_request(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::HideChatJoinRequest,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let peer = input_peer(state, caller, &request.peer)?;
    let user = input_user(state, caller, &request.user_id)?;
    state.hide_request(me, peer, user, request.approved)?;
    Ok(state.updates_for(me, Vec::new(), &[], &[peer]))
}

/// `messages.updatePinnedMessage`: pinning posts `messageActionPinMessage`, answered with
/// it; unpinning posts nothing.
pub(super) fn update_pinned_message(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::UpdatePinnedMessage,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let peer = input_peer(state, caller, &request.peer)?;
    if matches!(peer, PeerRef::User(_)) {
        // Pins in private chats post a service message too; not modelled.
        state.message_in(me, peer, request.id)?;
        return Ok(state.updates_for(me, Vec::new(), &[], &[]));
    }
    if request.unpin {
        state.message_in(me, peer, request.id)?;
        return Ok(state.updates_for(me, Vec::new(), &[], &[peer]));
    }
    let sent = state.pin(me, peer, request.id, Some(caller.conn.conn_id))?;
    let update = tl_build::update_new_message(&sent.copy, me, sent.pts);
    Ok(state.updates_with_seq(
        me,
        vec![update],
        &sent.copy.user_ids(),
        &sent.copy.chat_refs(),
        sent.seq,
    ))
}

/// `contacts.block`: blocking a bot stops it (`updateBotStopped`).
pub(super) fn block(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::contacts::Block,
) -> Result<bool, RpcFail> {
    let me = caller.me()?;
    if let PeerRef::User(user) = input_peer(state, caller, &request.id)? {
        state.set_bot_stopped(me, user, true)?;
    }
    Ok(true)
}

/// `contacts.unblock`: unblocking a bot restarts it (`updateBotStopped`, `stopped = false`).
pub(super) fn unblock(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::contacts::Unblock,
) -> Result<bool, RpcFail> {
    let me = caller.me()?;
    if let PeerRef::User(user) = input_peer(state, caller, &request.id)? {
        state.set_bot_stopped(me, user, false)?;
    }
    Ok(true)
}

/// `messages.deleteChatUser`: leaving a basic group (oneself) or removing a member (an
/// admin). The service message reaches the caller as a push.
pub(super) fn delete_chat_user(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::DeleteChatUser,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let user = input_user(state, caller, &request.user_id)?;
    let peer = PeerRef::Chat(request.chat_id);
    state.remove(me, user, peer)?;
    Ok(state.updates_for(me, Vec::new(), &[], &[peer]))
}

/// `channels.editBanned`: banning with `view_messages` removes the member (Telegram's kick);
/// lesser restrictions are accepted and not modelled.
pub(super) fn edit_banned(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::EditBanned,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let channel = super::input_channel(state, caller, &request.channel)?;
    let PeerRef::User(user) = input_peer(state, caller, &request.participant)? else {
        return Err(RpcFail::bad_request("PARTICIPANT_ID_INVALID"));
    };
    if !state.is_admin(channel, me) {
        return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
    }
    let tl::enums::ChatBannedRights::Rights(rights) = &request.banned_rights;
    let peer = PeerRef::Channel(channel);
    if rights.view_messages && state.rooms[&channel].members.contains(&user) {
        state.remove(me, user, peer)?;
    }
    Ok(state.updates_for(me, Vec::new(), &[], &[peer]))
}

/// `channels.joinChannel`: see [`State::join`].
pub(super) fn join_channel(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::JoinChannel,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let peer = PeerRef::Channel(super::input_channel(state, caller, &request.channel)?);
    state.join(me, peer)?;
    Ok(state.updates_for(me, Vec::new(), &[], &[peer]))
}

/// `channels.leaveChannel`.
pub(super) fn leave_channel(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::channels::LeaveChannel,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let peer = PeerRef::Channel(super::input_channel(state, caller, &request.channel)?);
    state.remove(me, me, peer)?;
    Ok(state.updates_for(me, Vec::new(), &[], &[peer]))
}
