//! Finding Telegram's answer inside whatever error a handler or a request returned.
//!
//! Typed readers of RPC errors ([`crate::FloodWait`], [`crate::PeerFlood`]) all start from the
//! grammers [`InvocationError`]; handlers hand back that error wrapped in many ways (as is,
//! in an [`oxygram::Error`](crate::Error), boxed, or inside an error type of their own that
//! keeps its source). Walking the source chain finds it in all of them.

use std::error::Error as StdError;

use grammers_mtsender::InvocationError;

/// The [`InvocationError`] that `error` is, or that its [`source`](StdError::source) chain
/// holds.
pub(crate) fn invocation_error<'a>(
    error: &'a (dyn StdError + 'static),
) -> Option<&'a InvocationError> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(invocation) = error.downcast_ref::<InvocationError>() {
            return Some(invocation);
        }
        current = error.source();
    }
    None
}
