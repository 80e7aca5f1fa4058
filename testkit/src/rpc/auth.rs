//! `auth.*`: bot tokens, login codes, 2FA passwords and logging out.
//!
//! A code is "sent" by storing it where the test driver ([`TestKit::login_code`]) and the CLI
//! log can read it. Codes are random 5-digit numbers unless the world fixes one.
//!
//! [`TestKit::login_code`]: crate::TestKit::login_code

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::{PendingCode, State};
use crate::tl_build;
use crate::world::phone_digits;

fn check_app(state: &State, api_id: i32, api_hash: &str) -> Result<(), RpcFail> {
    if state.apps.is_empty()
        || state
            .apps
            .iter()
            .any(|(id, h)| *id == api_id && h == api_hash)
    {
        Ok(())
    } else {
        Err(RpcFail::bad_request("API_ID_INVALID"))
    }
}

fn bind(state: &mut State, caller: &Caller, account: i64) {
    if let Some(slot) = state.keys.get_mut(&caller.conn.key_id) {
        slot.account = Some(account);
        slot.password_pending = None;
        slot.challenge = None;
    }
    tracing::info!(account, "logged in");
}

pub(super) fn import_bot_authorization(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::auth::ImportBotAuthorization,
) -> Result<tl::enums::auth::Authorization, RpcFail> {
    check_app(state, request.api_id, &request.api_hash)?;
    let id = state
        .by_token(&request.bot_auth_token)
        .ok_or_else(|| RpcFail::bad_request("ACCESS_TOKEN_INVALID"))?;
    migrate_to_home(state, caller, id, "USER_MIGRATE")?;
    bind(state, caller, id);
    Ok(tl_build::authorization(state.account(id)))
}

/// `303 <what>_<dc>` when `account` lives on another data centre than the connection's: "the
/// user whose identity is being used to execute queries is associated with DC X" / "the phone
/// number a user is trying to use for authorization is associated with DC X"
/// (core.telegram.org/api/errors, 303 SEE_OTHER). grammers (`Client::request_login_code`,
/// `bot_sign_in`), Telethon and TDLib then make that DC their home and ask again.
fn migrate_to_home(
    state: &State,
    caller: &Caller,
    account: i64,
    what: &str,
) -> Result<(), RpcFail> {
    let home = state.account(account).dc;
    if home == caller.conn.dc {
        return Ok(());
    }
    tracing::info!(account, from = caller.conn.dc, to = home, "{what}");
    Err(RpcFail::new(303, format!("{what}_{home}")))
}

pub(super) fn send_code(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::auth::SendCode,
) -> Result<tl::enums::auth::SentCode, RpcFail> {
    check_app(state, request.api_id, &request.api_hash)?;
    let phone = phone_digits(&request.phone_number)
        .ok_or_else(|| RpcFail::bad_request("PHONE_NUMBER_INVALID"))?;
    if let Some(account) = state.by_phone(&phone) {
        migrate_to_home(state, caller, account, "PHONE_MIGRATE")?;
    }
    let code = state
        .fixed_code
        .clone()
        .unwrap_or_else(|| format!("{:05}", crate::random::below(100_000)));
    let phone_code_hash = crate::random::hex(18);
    tracing::info!(phone = %format!("+{phone}"), %code, "login code sent");
    let length = code.chars().count() as i32;
    state.codes.insert(
        phone,
        PendingCode {
            phone_code_hash: phone_code_hash.clone(),
            code,
            expired: false,
        },
    );
    Ok(tl_build::sent_code(phone_code_hash, length))
}

pub(super) fn resend_code(
    state: &mut State,
    _caller: &Caller,
    request: tl::functions::auth::ResendCode,
) -> Result<tl::enums::auth::SentCode, RpcFail> {
    let phone = phone_digits(&request.phone_number)
        .ok_or_else(|| RpcFail::bad_request("PHONE_NUMBER_INVALID"))?;
    let pending = state
        .codes
        .get_mut(&phone)
        .filter(|p| p.phone_code_hash == request.phone_code_hash)
        .ok_or_else(|| RpcFail::bad_request("PHONE_CODE_HASH_EMPTY"))?;
    if pending.expired {
        return Err(RpcFail::bad_request("PHONE_CODE_EXPIRED"));
    }
    tracing::info!(phone = %format!("+{phone}"), code = %pending.code, "login code sent again");
    Ok(tl_build::sent_code(
        pending.phone_code_hash.clone(),
        pending.code.chars().count() as i32,
    ))
}

pub(super) fn sign_in(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::auth::SignIn,
) -> Result<tl::enums::auth::Authorization, RpcFail> {
    let phone = phone_digits(&request.phone_number)
        .ok_or_else(|| RpcFail::bad_request("PHONE_NUMBER_INVALID"))?;
    let code = request
        .phone_code
        .ok_or_else(|| RpcFail::bad_request("PHONE_CODE_EMPTY"))?;
    let pending = state
        .codes
        .get(&phone)
        .ok_or_else(|| RpcFail::bad_request("PHONE_CODE_EXPIRED"))?;
    if pending.phone_code_hash != request.phone_code_hash || pending.expired {
        return Err(RpcFail::bad_request("PHONE_CODE_EXPIRED"));
    }
    if pending.code != code.trim() {
        return Err(RpcFail::bad_request("PHONE_CODE_INVALID"));
    }
    state.codes.remove(&phone);
    let Some(id) = state.by_phone(&phone) else {
        return Ok(tl_build::sign_up_required());
    };
    if state.account(id).verifier.is_some() {
        if let Some(slot) = state.keys.get_mut(&caller.conn.key_id) {
            slot.password_pending = Some(id);
        }
        return Err(RpcFail::new(401, "SESSION_PASSWORD_NEEDED"));
    }
    bind(state, caller, id);
    Ok(tl_build::authorization(state.account(id)))
}

pub(super) fn check_password(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::auth::CheckPassword,
) -> Result<tl::enums::auth::Authorization, RpcFail> {
    let tl::enums::InputCheckPasswordSrp::Srp(srp) = request.password else {
        return Err(RpcFail::bad_request("PASSWORD_HASH_INVALID"));
    };
    let slot = state
        .keys
        .get(&caller.conn.key_id)
        .ok_or_else(RpcFail::unauthorized)?;
    let id = slot
        .password_pending
        .ok_or_else(|| RpcFail::bad_request("PASSWORD_HASH_INVALID"))?;
    let challenge = slot
        .challenge
        .clone()
        .filter(|c| c.srp_id == srp.srp_id)
        .ok_or_else(|| RpcFail::bad_request("SRP_ID_INVALID"))?;
    let verifier = state
        .account(id)
        .verifier
        .clone()
        .ok_or_else(|| RpcFail::bad_request("PASSWORD_HASH_INVALID"))?;
    if !verifier.verify(&challenge, &srp.a, &srp.m1) {
        return Err(RpcFail::bad_request("PASSWORD_HASH_INVALID"));
    }
    bind(state, caller, id);
    Ok(tl_build::authorization(state.account(id)))
}

pub(super) fn log_out(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::auth::LogOut,
) -> Result<tl::enums::auth::LoggedOut, RpcFail> {
    let me = caller.me()?;
    if let Some(slot) = state.keys.get_mut(&caller.conn.key_id) {
        slot.account = None;
    }
    tracing::info!(account = me, "logged out");
    Ok(tl::enums::auth::LoggedOut::Out(
        tl::types::auth::LoggedOut {
            future_auth_token: None,
        },
    ))
}

/// `auth.exportAuthorization`: a one-time token that logs the caller in on DC `dc_id`
/// (core.telegram.org/method/auth.exportAuthorization; `400 DC_ID_INVALID` for a DC that
/// does not exist or is the current one).
pub(super) fn export_authorization(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::auth::ExportAuthorization,
) -> Result<tl::enums::auth::ExportedAuthorization, RpcFail> {
    let me = caller.me()?;
    if request.dc_id == caller.conn.dc || !state.dc_addrs.iter().any(|(dc, _)| *dc == request.dc_id)
    {
        return Err(RpcFail::bad_request("DC_ID_INVALID"));
    }
    let mut bytes = vec![0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&crate::random::i64().to_le_bytes());
    }
    state
        .exported_auths
        .insert(bytes.clone(), (me, request.dc_id));
    Ok(tl::enums::auth::ExportedAuthorization::Authorization(
        tl::types::auth::ExportedAuthorization { id: me, bytes },
    ))
}

/// `auth.importAuthorization` on the target DC: logs the connection's key in as the exporter
/// (`400 AUTH_BYTES_INVALID` for bytes that are unknown, used, for another DC or another id).
pub(super) fn import_authorization(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::auth::ImportAuthorization,
) -> Result<tl::enums::auth::Authorization, RpcFail> {
    let invalid = || RpcFail::bad_request("AUTH_BYTES_INVALID");
    let (account, dc) = state
        .exported_auths
        .get(&request.bytes)
        .copied()
        .ok_or_else(invalid)?;
    if account != request.id || dc != caller.conn.dc {
        return Err(invalid());
    }
    state.exported_auths.remove(&request.bytes);
    bind(state, caller, account);
    Ok(tl_build::authorization(state.account(account)))
}
