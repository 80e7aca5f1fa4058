//! `help.*`: connection bootstrap.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::{State, now};
use crate::tl_build;

pub(super) fn get_config(
    _state: &mut State,
    _caller: &Caller,
    _request: tl::functions::help::GetConfig,
) -> Result<tl::enums::Config, RpcFail> {
    Ok(tl_build::config(now()))
}

pub(super) fn get_nearest_dc(
    _state: &mut State,
    _caller: &Caller,
    _request: tl::functions::help::GetNearestDc,
) -> Result<tl::enums::NearestDc, RpcFail> {
    Ok(tl::enums::NearestDc::Dc(tl::types::NearestDc {
        country: "XX".into(),
        this_dc: 2,
        nearest_dc: 2,
    }))
}
