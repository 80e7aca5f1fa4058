//! `contacts.*`: resolving @usernames.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::State;
use crate::tl_build::{self, PeerRef};

pub(super) fn resolve_username(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::contacts::ResolveUsername,
) -> Result<tl::enums::contacts::ResolvedPeer, RpcFail> {
    let me = caller.me()?;
    let peer = state
        .by_username(request.username.trim_start_matches('@'))
        .ok_or_else(|| RpcFail::bad_request("USERNAME_NOT_OCCUPIED"))?;
    let (users, chats) = match peer {
        PeerRef::User(id) => (state.users_for(me, &[id]), Vec::new()),
        other => (Vec::new(), state.chats_for(me, &[other])),
    };
    Ok(tl_build::resolved_peer(peer, users, chats))
}
