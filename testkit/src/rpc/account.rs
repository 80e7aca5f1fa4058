//! `account.*`: two-step verification parameters.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::State;
use crate::tl_build;

/// Answers with a fresh SRP challenge for the account the key is logging in as (or is).
pub(super) fn get_password(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::account::GetPassword,
) -> Result<tl::enums::account::Password, RpcFail> {
    let slot = state
        .keys
        .get(&caller.conn.key_id)
        .ok_or_else(RpcFail::unauthorized)?;
    let account_id = slot
        .password_pending
        .or(slot.account)
        .ok_or_else(RpcFail::unauthorized)?;
    let account = state.account(account_id);
    let verifier = account.verifier.clone();
    let hint = account.hint.clone();
    let challenge = verifier.as_ref().map(|v| v.challenge());
    let answer = tl_build::password(verifier.as_deref().zip(challenge.as_ref()), hint);
    if let Some(slot) = state.keys.get_mut(&caller.conn.key_id) {
        slot.challenge = challenge;
    }
    Ok(answer)
}
