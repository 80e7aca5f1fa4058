//! `PEER_FLOOD`: Telegram refusing a user account's messages to people it has no chat with.
//!
//! A user account that writes to too many strangers (users who never wrote to it and are not
//! its contacts) too fast is limited by Telegram's spam protection: `messages.sendMessage`
//! and friends answer `400 PEER_FLOOD`. Telethon's error list describes it as "The account is
//! limited (spam-reported) and cannot message non-contacts; account-wide with no defined
//! duration, so retrying will not help. Check @SpamBot" (`telethon/errors/rpcerrorlist.py`,
//! `PeerFloodError`, a `BadRequestError`). It carries no wait, so oxygram never retries it. The error comes back to the handler,
//! and [`PeerFlood`] reads it there or in the error hook, typed like a [`crate::FloodWait`].
//!
//! ```
//! use oxygram::prelude::*;
//! use oxygram::PeerFloodExt;
//!
//! #[oxygram::handler(command = "invite")]
//! async fn invite(msg: Message) -> Result<()> {
//!     if let Err(error) = msg.respond("Join us!").await {
//!         if let Some(limited) = error.peer_flood() {
//!             eprintln!("this account may not write to strangers for now ({limited})");
//!             return Ok(());
//!         }
//!         return Err(error.into());
//!     }
//!     Ok(())
//! }
//! ```

use std::error::Error as StdError;
use std::fmt;

use grammers_client::tl;
use grammers_mtsender::InvocationError;

/// The error name Telegram sends.
const PEER_FLOOD: &str = "PEER_FLOOD";

/// Telegram refused a request because this (user) account messages strangers too often
/// (`400 PEER_FLOOD`). Not retryable: the limit lasts far longer than a retry could wait.
///
/// Get one from the error a request returned with [`PeerFloodExt::peer_flood`] (or
/// [`PeerFlood::from_error`] / [`PeerFlood::find`] for wrapped errors), and from a failed
/// handler in the error hook with
/// [`HandlerError::peer_flood`](crate::handler::HandlerError::peer_flood).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PeerFlood {
    /// The TL name of the refused request, e.g. `"messages.sendMessage"`
    /// (`"unknown request"` when Telegram's answer did not say).
    pub request: &'static str,
}

impl PeerFlood {
    /// The `PEER_FLOOD` `error` is, if it is one.
    ///
    /// ```
    /// use oxygram::PeerFlood;
    /// use oxygram::grammers::InvocationError;
    /// use oxygram::grammers::sender::RpcError;
    ///
    /// let error = InvocationError::Rpc(RpcError {
    ///     code: 400,
    ///     name: "PEER_FLOOD".into(),
    ///     value: None,
    ///     caused_by: None,
    /// });
    /// assert_eq!(PeerFlood::from_error(&error).unwrap().request, "unknown request");
    /// ```
    pub fn from_error(error: &InvocationError) -> Option<PeerFlood> {
        let InvocationError::Rpc(rpc) = error else {
            return None;
        };
        (rpc.code == 400 && rpc.name == PEER_FLOOD).then(|| PeerFlood {
            request: rpc.caused_by.map_or("unknown request", tl::name_for_id),
        })
    }

    /// The `PEER_FLOOD` in `error` or any error in its [`source`](StdError::source) chain.
    pub fn find(error: &(dyn StdError + 'static)) -> Option<PeerFlood> {
        crate::error_chain::invocation_error(error).and_then(PeerFlood::from_error)
    }
}

impl fmt::Display for PeerFlood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Telegram refused {} (PEER_FLOOD): this account is limited for messaging people it \
             has no chat with; not retried",
            self.request
        )
    }
}

/// `.peer_flood()` on the error a request returned.
pub trait PeerFloodExt {
    /// The `PEER_FLOOD` this error is, if it is one.
    fn peer_flood(&self) -> Option<PeerFlood>;
}

impl PeerFloodExt for InvocationError {
    fn peer_flood(&self) -> Option<PeerFlood> {
        PeerFlood::from_error(self)
    }
}

impl PeerFloodExt for Box<dyn StdError + Send + Sync> {
    fn peer_flood(&self) -> Option<PeerFlood> {
        PeerFlood::find(&**self)
    }
}

#[cfg(test)]
mod tests {
    use grammers_mtsender::RpcError;

    use super::*;

    fn rpc(code: i32, name: &str) -> InvocationError {
        InvocationError::Rpc(RpcError {
            code,
            name: name.into(),
            value: None,
            caused_by: Some(
                <tl::functions::messages::SendMessage as tl::Identifiable>::CONSTRUCTOR_ID,
            ),
        })
    }

    #[test]
    fn only_400_peer_flood_is_a_peer_flood() {
        let limited = rpc(400, "PEER_FLOOD").peer_flood().unwrap();
        assert_eq!(limited.request, "messages.sendMessage");
        assert!(limited.to_string().contains("PEER_FLOOD"));
        assert!(rpc(400, "PEER_ID_INVALID").peer_flood().is_none());
        assert!(rpc(420, "FLOOD_WAIT").peer_flood().is_none());
        assert!(rpc(500, "PEER_FLOOD").peer_flood().is_none());
    }

    #[test]
    fn found_through_wrappers_handlers_return() {
        let boxed: Box<dyn StdError + Send + Sync> = rpc(400, "PEER_FLOOD").into();
        assert!(boxed.peer_flood().is_some());
        let app_error = crate::Error::Telegram {
            doing: "send",
            source: rpc(400, "PEER_FLOOD"),
        };
        assert!(app_error.peer_flood().is_some());
    }
}
