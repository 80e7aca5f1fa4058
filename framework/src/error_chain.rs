//! Finding Telegram's answer inside whatever error a handler or a request returned.
//!
//! Typed readers of RPC errors ([`crate::FloodWait`], [`crate::PeerFlood`]) all start from the
//! grammers [`InvocationError`]; handlers hand back that error wrapped in many ways (as is,
//! in an [`oxygram::Error`](crate::Error), boxed, or inside an error type of their own that
//! keeps its source). These two functions find it once for all of them.

use std::any::Any;
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

/// The [`InvocationError`] in a handler's error value, whatever its type, when it is one of
/// the types handlers return (`InvocationError`, `oxygram::Error`, a boxed error).
pub(crate) fn in_handler_error<E: Any>(error: &E) -> Option<&InvocationError> {
    let error: &dyn Any = error;
    if let Some(e) = error.downcast_ref::<InvocationError>() {
        return Some(e);
    }
    if let Some(e) = error.downcast_ref::<crate::Error>() {
        return invocation_error(e);
    }
    if let Some(e) = error.downcast_ref::<Box<dyn StdError + Send + Sync>>() {
        return invocation_error(&**e);
    }
    if let Some(e) = error.downcast_ref::<Box<dyn StdError + Send>>() {
        return invocation_error(&**e);
    }
    if let Some(e) = error.downcast_ref::<Box<dyn StdError>>() {
        return invocation_error(&**e);
    }
    None
}
