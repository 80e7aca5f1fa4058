//! `users.*`: who is who.

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_user};
use crate::state::State;
use crate::tl_build;

pub(super) fn get_users(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::users::GetUsers,
) -> Result<Vec<tl::enums::User>, RpcFail> {
    let me = caller.me()?;
    let mut users = Vec::with_capacity(request.id.len());
    for input in &request.id {
        // Telegram leaves unknown users out rather than failing the whole call.
        if let Ok(id) = input_user(state, caller, input) {
            users.push(tl_build::user(state.account(id), me));
        }
    }
    Ok(users)
}

pub(super) fn get_full_user(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::users::GetFullUser,
) -> Result<tl::enums::users::UserFull, RpcFail> {
    let me = caller.me()?;
    let id = input_user(state, caller, &request.id)?;
    Ok(tl_build::user_full(state.account(id), me))
}
