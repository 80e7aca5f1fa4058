//! Flood waits: Telegram's "too many requests, wait N seconds", as a typed value.
//!
//! Telegram answers a request sent too often with an RPC error of code 420 and a wait in
//! seconds (`FLOOD_WAIT_31`, `SLOWMODE_WAIT_10`, `FLOOD_PREMIUM_WAIT_5`). A slow-mode wait
//! (one group's limit on how often a member posts) is a [`FloodWait`] too, told apart by
//! [`FloodWait::is_slow_mode`]. `400 PEER_FLOOD` is not a wait at all: see
//! [`crate::PeerFlood`]. oxygram sleeps
//! through waits up to `[telegram] flood_sleep_threshold_secs` (default 10 s, like Pyrogram's
//! `sleep_threshold`) and retries the request once, logging a warning that names the request
//! and the wait. A longer wait is returned at once, so a handler is not silently stuck for
//! minutes holding its chat: the handler gets the error, and [`FloodWait`] reads the wait out
//! of it, in the handler or in the error hook.
//!
//! ```
//! use oxygram::prelude::*;
//! use oxygram::FloodWaitExt;
//!
//! #[oxygram::handler(command = "announce")]
//! async fn announce(msg: Message) -> Result<()> {
//!     if let Err(error) = msg.respond("Announcement!").await {
//!         if let Some(flood) = error.flood_wait() {
//!             eprintln!("Telegram asks to wait {:?} before {}", flood.wait, flood.request);
//!             return Ok(()); // try again later instead of failing
//!         }
//!         return Err(error.into());
//!     }
//!     Ok(())
//! }
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use grammers_client::tl;
use grammers_mtsender::InvocationError;

/// A wait Telegram imposed before a request may be sent again (an RPC error with code 420).
///
/// Get one from the error a request returned with [`FloodWaitExt::flood_wait`] (or
/// [`FloodWait::from_error`] / [`FloodWait::find`] for wrapped errors), and from a failed
/// handler in the error hook with [`HandlerError::flood_wait`](crate::handler::HandlerError::flood_wait).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FloodWait {
    /// How long Telegram asks to wait.
    pub wait: Duration,
    /// The TL name of the request that was refused, e.g. `"messages.sendMessage"`
    /// (`"unknown request"` when Telegram's answer did not say).
    pub request: &'static str,
    /// The RPC error's name without the number: `"FLOOD_WAIT"`, `"SLOWMODE_WAIT"`,
    /// `"FLOOD_PREMIUM_WAIT"`...
    pub error: String,
}

impl FloodWait {
    /// The flood wait `error` carries, if it is one (RPC code 420 with a wait).
    ///
    /// ```
    /// use std::time::Duration;
    /// use oxygram::FloodWait;
    /// use oxygram::grammers::InvocationError;
    /// use oxygram::grammers::sender::RpcError;
    ///
    /// let error = InvocationError::Rpc(RpcError {
    ///     code: 420,
    ///     name: "FLOOD_WAIT".into(),
    ///     value: Some(31),
    ///     caused_by: None,
    /// });
    /// let flood = FloodWait::from_error(&error).unwrap();
    /// assert_eq!(flood.wait, Duration::from_secs(31));
    /// ```
    pub fn from_error(error: &InvocationError) -> Option<FloodWait> {
        let InvocationError::Rpc(rpc) = error else {
            return None;
        };
        if rpc.code != 420 {
            return None;
        }
        Some(FloodWait {
            wait: Duration::from_secs(u64::from(rpc.value?)),
            request: rpc.caused_by.map_or("unknown request", tl::name_for_id),
            error: rpc.name.clone(),
        })
    }

    /// The flood wait in `error` or any error in its [`source`](StdError::source) chain
    /// (an [`InvocationError`] wrapped in an [`oxygram::Error`](crate::Error), a boxed error,
    /// or an error type of your own that keeps its source).
    pub fn find(error: &(dyn StdError + 'static)) -> Option<FloodWait> {
        crate::error_chain::invocation_error(error).and_then(FloodWait::from_error)
    }

    /// Whether this is a slow-mode wait (`SLOWMODE_WAIT_X`): the group's admins allow one
    /// message per member every so often, and the wait is until this member may post again
    /// in that group. Unlike a `FLOOD_WAIT`, it is about one chat, not the account, so other
    /// chats can still be written to meanwhile.
    ///
    /// ```
    /// use oxygram::FloodWait;
    /// use oxygram::grammers::InvocationError;
    /// use oxygram::grammers::sender::RpcError;
    ///
    /// let slow = InvocationError::Rpc(RpcError {
    ///     code: 420,
    ///     name: "SLOWMODE_WAIT".into(),
    ///     value: Some(25),
    ///     caused_by: None,
    /// });
    /// assert!(FloodWait::from_error(&slow).unwrap().is_slow_mode());
    /// ```
    pub fn is_slow_mode(&self) -> bool {
        self.error == SLOW_MODE_WAIT
    }
}

/// The name grammers gives `SLOWMODE_WAIT_X` (the number goes to the error's value).
const SLOW_MODE_WAIT: &str = "SLOWMODE_WAIT";

impl fmt::Display for FloodWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Telegram asks to wait {} before {} ({})",
            crate::util::human_duration(u32::try_from(self.wait.as_secs()).unwrap_or(u32::MAX)),
            self.request,
            self.error
        )
    }
}

/// `.flood_wait()` on the error a request returned.
///
/// ```
/// use oxygram::FloodWaitExt;
/// use oxygram::grammers::InvocationError;
///
/// fn retry_after(error: &InvocationError) -> Option<std::time::Duration> {
///     error.flood_wait().map(|flood| flood.wait)
/// }
/// ```
pub trait FloodWaitExt {
    /// The flood wait this error carries, if it is one.
    fn flood_wait(&self) -> Option<FloodWait>;
}

impl FloodWaitExt for InvocationError {
    fn flood_wait(&self) -> Option<FloodWait> {
        FloodWait::from_error(self)
    }
}

impl FloodWaitExt for Box<dyn StdError + Send + Sync> {
    fn flood_wait(&self) -> Option<FloodWait> {
        FloodWait::find(&**self)
    }
}

#[cfg(test)]
mod tests {
    use grammers_mtsender::RpcError;

    use super::*;

    fn rpc(code: i32, name: &str, value: Option<u32>) -> InvocationError {
        InvocationError::Rpc(RpcError {
            code,
            name: name.into(),
            value,
            caused_by: Some(
                <tl::functions::messages::SendMessage as tl::Identifiable>::CONSTRUCTOR_ID,
            ),
        })
    }

    #[test]
    fn code_420_with_a_wait_is_a_flood_wait_naming_the_request() {
        let flood = rpc(420, "SLOWMODE_WAIT", Some(12)).flood_wait().unwrap();
        assert!(flood.is_slow_mode());
        assert!(
            !rpc(420, "FLOOD_WAIT", Some(3))
                .flood_wait()
                .unwrap()
                .is_slow_mode()
        );
        assert_eq!(flood.wait, Duration::from_secs(12));
        assert_eq!(flood.request, "messages.sendMessage");
        assert_eq!(flood.error, "SLOWMODE_WAIT");
        assert_eq!(
            flood.to_string(),
            "Telegram asks to wait 12 seconds before messages.sendMessage (SLOWMODE_WAIT)"
        );
        assert!(rpc(400, "MESSAGE_EMPTY", None).flood_wait().is_none());
        assert!(rpc(420, "FLOOD_WAIT", None).flood_wait().is_none());
    }

    #[test]
    fn found_through_wrappers_handlers_return() {
        let boxed: Box<dyn StdError + Send + Sync> = rpc(420, "FLOOD_WAIT", Some(40)).into();
        assert_eq!(boxed.flood_wait().unwrap().wait, Duration::from_secs(40));
        let app_error = crate::Error::Telegram {
            doing: "send",
            source: rpc(420, "FLOOD_WAIT", Some(41)),
        };
        assert_eq!(
            app_error.flood_wait().unwrap().wait,
            Duration::from_secs(41)
        );
    }
}
