//! `contacts.*`: resolving @usernames.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::State;
use crate::tl_build;

pub(super) fn resolve_username(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::contacts::ResolveUsername,
) -> Result<tl::enums::contacts::ResolvedPeer, RpcFail> {
    let me = caller.me()?;
    let id = state
        .by_username(request.username.trim_start_matches('@'))
        .ok_or_else(|| RpcFail::bad_request("USERNAME_NOT_OCCUPIED"))?;
    Ok(tl_build::resolved_user(state.account(id), me))
}
