//! `help.*`: connection bootstrap.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::{State, now};
use crate::tl_build;

/// `config` with `this_dc` of the connection and one static IPv4 `dcOption` per data centre
/// the kit runs (grammers keeps only `static` options, `SenderPoolRunner::update_config`).
pub(super) fn get_config(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::help::GetConfig,
) -> Result<tl::enums::Config, RpcFail> {
    Ok(tl_build::config(now(), caller.conn.dc, &state.dc_addrs))
}

pub(super) fn get_nearest_dc(
    _state: &mut State,
    caller: &Caller,
    _request: tl::functions::help::GetNearestDc,
) -> Result<tl::enums::NearestDc, RpcFail> {
    Ok(tl::enums::NearestDc::Dc(tl::types::NearestDc {
        country: "XX".into(),
        this_dc: caller.conn.dc,
        nearest_dc: crate::HOME_DC,
    }))
}
