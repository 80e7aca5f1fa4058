//! The RPC errors handlers meet often, as a typed [`TelegramError`] to match on, as
//! Pyrogram's exceptions (`except MessageNotModified:`) are.
//!
//! Telegram answers a refused request with an RPC error: a code (400, 403, ...) and a name
//! (`MESSAGE_NOT_MODIFIED`). grammers hands it back as
//! [`InvocationError::Rpc`] with the name as a
//! string; [`TelegramErrorExt::telegram_error`] turns the common ones into an enum, whether
//! the error is grammers' own, an [`oxygram::Error`](crate::Error), a boxed error
//! ([`BoxError`](crate::handler::BoxError), what handlers' `?` makes) or any error whose
//! [`source`](std::error::Error::source) chain holds one.
//!
//! ```
//! use oxygram::prelude::*;
//!
//! #[handler(callback = "refresh")]
//! async fn refresh(query: CallbackQuery) -> Result<()> {
//!     // Answers the press, then edits the message the button is on.
//!     match query.answer().edit("Up to date").await {
//!         Ok(()) => Ok(()),
//!         Err(error) => match error.telegram_error() {
//!             // Pressed twice: the message already says this. Not a failure.
//!             Some(TelegramError::MessageNotModified) => Ok(()),
//!             // Deleted meanwhile: nothing left to edit.
//!             Some(TelegramError::MessageIdInvalid) => Ok(()),
//!             _ => Err(error.into()),
//!         },
//!     }
//! }
//! ```
//!
//! The enum is `#[non_exhaustive]`: more names join it as handlers need them. For any other
//! name, [`TelegramErrorExt::rpc_error`] gives grammers' [`RpcError`] (code, name, value, and
//! `is("FILE_REFERENCE_*")` for a pattern). Flood waits and `PEER_FLOOD` have their own types,
//! [`FloodWait`](crate::FloodWait) and [`PeerFlood`](crate::PeerFlood), since they carry more
//! than a name.

use std::error::Error as StdError;
use std::fmt;

use grammers_mtsender::{InvocationError, RpcError};

macro_rules! telegram_errors {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident = $name:literal, $meaning:literal;
    )+) => {
        /// An RPC error Telegram answers often, by its name (see the [module docs](self)).
        ///
        /// Matched on the name alone: Telegram sends some names with more than one code
        /// (`USER_IS_BLOCKED` as 400 or 403), and the name is what its documentation lists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum TelegramError {
            $(
                $(#[doc = $doc])+
                #[doc = concat!("\n\n`", $name, "`")]
                $variant,
            )+
        }

        impl TelegramError {
            /// Every kind, in declaration order.
            pub const ALL: &'static [TelegramError] = &[$(TelegramError::$variant),+];

            /// The name Telegram sends, e.g. `"MESSAGE_NOT_MODIFIED"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(TelegramError::$variant => $name,)+
                }
            }

            /// What it means, in a few words (used by [`Display`](fmt::Display)).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(TelegramError::$variant => $meaning,)+
                }
            }

            /// The kind named `name` (as Telegram sends it), if it is one of these.
            ///
            /// ```
            /// use oxygram::TelegramError;
            ///
            /// assert_eq!(
            ///     TelegramError::from_name("USER_IS_BLOCKED"),
            ///     Some(TelegramError::UserIsBlocked)
            /// );
            /// assert_eq!(TelegramError::from_name("SOMETHING_ELSE"), None);
            /// ```
            pub fn from_name(name: &str) -> Option<TelegramError> {
                match name {
                    $($name => Some(TelegramError::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

telegram_errors! {
    /// An edit that changes nothing: the new text, entities and keyboard are the message's
    /// own (a button pressed twice). Usually safe to ignore.
    MessageNotModified = "MESSAGE_NOT_MODIFIED", "the edit changes nothing";
    /// The message does not exist (any more) in that chat: deleted, or an id from another
    /// chat or account.
    MessageIdInvalid = "MESSAGE_ID_INVALID", "no such message in that chat";
    /// The user blocked (stopped) the bot: nothing can be sent to them until they restart it.
    UserIsBlocked = "USER_IS_BLOCKED", "the user blocked the bot";
    /// The account may not write in this chat (not a member any more, muted, a channel it
    /// does not administer).
    ChatWriteForbidden = "CHAT_WRITE_FORBIDDEN", "may not write in this chat";
    /// The peer is unknown to this account: never met (no access hash), or, for a bot, a
    /// user who never wrote to it (the Bot API's "bot can't initiate conversation").
    PeerIdInvalid = "PEER_ID_INVALID", "unknown peer (never met, or never wrote to the bot)";
    /// The text is longer than Telegram allows (4096 characters; captions 1024 give
    /// `MEDIA_CAPTION_TOO_LONG`).
    MessageTooLong = "MESSAGE_TOO_LONG", "the text is too long (over 4096 characters)";
    /// The text is empty (or only whitespace, or only entities that render as nothing).
    MessageEmpty = "MESSAGE_EMPTY", "the text is empty";
    /// A caption over 1024 characters.
    MediaCaptionTooLong = "MEDIA_CAPTION_TOO_LONG", "the caption is too long (over 1024 characters)";
    /// A callback or inline query answered too late (after about 15 s) or twice.
    QueryIdInvalid = "QUERY_ID_INVALID", "the query expired or was already answered";
    /// (User accounts) the bot did not answer a button press in time.
    BotResponseTimeout = "BOT_RESPONSE_TIMEOUT", "the bot did not answer in time";
    /// The account must be an admin (with the right permission) for this.
    ChatAdminRequired = "CHAT_ADMIN_REQUIRED", "needs admin rights in this chat";
    /// The user is not a member of this chat.
    UserNotParticipant = "USER_NOT_PARTICIPANT", "the user is not a member of this chat";
    /// Only the message's author may do this (edit someone else's message).
    MessageAuthorRequired = "MESSAGE_AUTHOR_REQUIRED", "only the author may edit it";
    /// The account may not delete this message (someone else's, without admin rights, or
    /// too old).
    MessageDeleteForbidden = "MESSAGE_DELETE_FORBIDDEN", "may not delete this message";
    /// The user id is unknown or invalid.
    UserIdInvalid = "USER_ID_INVALID", "unknown user";
    /// The chat id is unknown or invalid (basic groups).
    ChatIdInvalid = "CHAT_ID_INVALID", "unknown chat";
    /// The account is not in this private channel or supergroup, or was banned from it.
    ChannelPrivate = "CHANNEL_PRIVATE", "a private channel this account is not in";
    /// No account has this username.
    UsernameNotOccupied = "USERNAME_NOT_OCCUPIED", "no account has this username";
    /// The username is malformed.
    UsernameInvalid = "USERNAME_INVALID", "not a valid username";
    /// The keyboard is malformed (an empty row, a callback data over 64 bytes, ...).
    ReplyMarkupInvalid = "REPLY_MARKUP_INVALID", "the keyboard is malformed";
    /// The pressed button's callback data is not the message's (a stale keyboard).
    ButtonDataInvalid = "BUTTON_DATA_INVALID", "no such button on that message";
    /// The user deleted their account.
    InputUserDeactivated = "INPUT_USER_DEACTIVATED", "the user deleted their account";
}

impl TelegramError {
    /// The kind `error` is, if it is an RPC error with one of these names.
    ///
    /// ```
    /// use oxygram::TelegramError;
    /// use oxygram::grammers::InvocationError;
    /// use oxygram::grammers::sender::RpcError;
    ///
    /// let error = InvocationError::Rpc(RpcError {
    ///     code: 400,
    ///     name: "MESSAGE_NOT_MODIFIED".into(),
    ///     value: None,
    ///     caused_by: None,
    /// });
    /// assert_eq!(
    ///     TelegramError::from_error(&error),
    ///     Some(TelegramError::MessageNotModified)
    /// );
    /// ```
    pub fn from_error(error: &InvocationError) -> Option<TelegramError> {
        match error {
            InvocationError::Rpc(rpc) => TelegramError::from_name(&rpc.name),
            _ => None,
        }
    }

    /// The kind of the RPC error in `error` or anywhere in its
    /// [`source`](StdError::source) chain.
    pub fn find(error: &(dyn StdError + 'static)) -> Option<TelegramError> {
        crate::error_chain::invocation_error(error).and_then(TelegramError::from_error)
    }
}

impl fmt::Display for TelegramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.meaning())
    }
}

/// `.telegram_error()` and `.rpc_error()` on the errors requests and handlers return: grammers'
/// [`InvocationError`], [`oxygram::Error`](crate::Error), a boxed error, or any
/// `&dyn Error` (searched through its source chain).
///
/// ```
/// use oxygram::grammers::session::types::PeerRef;
/// use oxygram::prelude::*;
///
/// /// Sends `text` to every subscriber; returns those who blocked the bot, to forget them.
/// async fn notify(client: &Client, subscribers: &[PeerRef], text: &str) -> Result<Vec<usize>> {
///     let mut blocked = Vec::new();
///     for (i, peer) in subscribers.iter().enumerate() {
///         let Err(error) = client.send_message(*peer, text).await else {
///             continue;
///         };
///         match error.telegram_error() {
///             Some(TelegramError::UserIsBlocked | TelegramError::InputUserDeactivated) => {
///                 blocked.push(i)
///             }
///             // Not in the list: grammers' RpcError, with a pattern.
///             _ if error.rpc_error().is_some_and(|rpc| rpc.is("USER_*")) => blocked.push(i),
///             _ => return Err(error.into()),
///         }
///     }
///     Ok(blocked)
/// }
/// ```
pub trait TelegramErrorExt {
    /// The typed kind of Telegram's answer in this error, if it is one of [`TelegramError`]'s.
    fn telegram_error(&self) -> Option<TelegramError> {
        self.rpc_error()
            .and_then(|rpc| TelegramError::from_name(&rpc.name))
    }

    /// Telegram's answer in this error as grammers' [`RpcError`] (code, name, value), for
    /// names [`TelegramError`] does not list.
    fn rpc_error(&self) -> Option<&RpcError>;
}

fn rpc_of(error: &InvocationError) -> Option<&RpcError> {
    match error {
        InvocationError::Rpc(rpc) => Some(rpc),
        _ => None,
    }
}

impl TelegramErrorExt for InvocationError {
    fn rpc_error(&self) -> Option<&RpcError> {
        rpc_of(self)
    }
}

impl TelegramErrorExt for crate::Error {
    fn rpc_error(&self) -> Option<&RpcError> {
        crate::error_chain::invocation_error(self).and_then(rpc_of)
    }
}

/// `failure.error.telegram_error()` in `on_error`: Telegram's answer in the error the handler
/// returned.
impl TelegramErrorExt for crate::handler::HandlerError {
    fn rpc_error(&self) -> Option<&RpcError> {
        let returned: &(dyn StdError + 'static) = self.returned()?;
        crate::error_chain::invocation_error(returned).and_then(rpc_of)
    }
}

impl TelegramErrorExt for dyn StdError + 'static {
    fn rpc_error(&self) -> Option<&RpcError> {
        crate::error_chain::invocation_error(self).and_then(rpc_of)
    }
}

impl TelegramErrorExt for dyn StdError + Send + Sync + 'static {
    fn rpc_error(&self) -> Option<&RpcError> {
        crate::error_chain::invocation_error(self).and_then(rpc_of)
    }
}

impl TelegramErrorExt for dyn StdError + Send + 'static {
    fn rpc_error(&self) -> Option<&RpcError> {
        crate::error_chain::invocation_error(self).and_then(rpc_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpc(code: i32, name: &str) -> InvocationError {
        InvocationError::Rpc(RpcError {
            code,
            name: name.into(),
            value: None,
            caused_by: None,
        })
    }

    #[test]
    fn the_common_names_are_typed() {
        for (name, kind) in [
            ("MESSAGE_NOT_MODIFIED", TelegramError::MessageNotModified),
            ("MESSAGE_ID_INVALID", TelegramError::MessageIdInvalid),
            ("USER_IS_BLOCKED", TelegramError::UserIsBlocked),
            ("CHAT_WRITE_FORBIDDEN", TelegramError::ChatWriteForbidden),
            ("PEER_ID_INVALID", TelegramError::PeerIdInvalid),
            ("MESSAGE_TOO_LONG", TelegramError::MessageTooLong),
            ("QUERY_ID_INVALID", TelegramError::QueryIdInvalid),
            ("BOT_RESPONSE_TIMEOUT", TelegramError::BotResponseTimeout),
            ("CHAT_ADMIN_REQUIRED", TelegramError::ChatAdminRequired),
            ("USER_NOT_PARTICIPANT", TelegramError::UserNotParticipant),
        ] {
            assert_eq!(rpc(400, name).telegram_error(), Some(kind), "{name}");
            assert_eq!(kind.name(), name);
        }
        // Whatever the code: Telegram sends USER_IS_BLOCKED as 400 and as 403.
        assert_eq!(
            rpc(403, "USER_IS_BLOCKED").telegram_error(),
            Some(TelegramError::UserIsBlocked)
        );
    }

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in TelegramError::ALL {
            assert_eq!(TelegramError::from_name(kind.name()), Some(*kind));
            assert!(kind.to_string().starts_with(kind.name()));
        }
        let names: std::collections::HashSet<_> =
            TelegramError::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(
            names.len(),
            TelegramError::ALL.len(),
            "a name is listed twice"
        );
    }

    #[test]
    fn other_errors_are_not_typed_but_still_readable() {
        let other = rpc(400, "FILE_REFERENCE_EXPIRED");
        assert_eq!(other.telegram_error(), None);
        assert!(other.rpc_error().unwrap().is("FILE_REFERENCE_*"));
        // Names are whole: a prefix is not a match.
        assert_eq!(rpc(400, "MESSAGE_NOT_MODIFIED_X").telegram_error(), None);
        // A flood wait is a FloodWait, not one of these.
        assert_eq!(rpc(420, "FLOOD_WAIT").telegram_error(), None);
        let io = InvocationError::Dropped("gone");
        assert_eq!(io.telegram_error(), None);
        assert!(io.rpc_error().is_none());
    }

    /// An app's own error type that keeps its source, as thiserror's `#[source]` does.
    #[derive(Debug)]
    struct AppError(InvocationError);

    impl fmt::Display for AppError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("could not notify")
        }
    }

    impl StdError for AppError {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn found_through_the_wrappers_handlers_return() {
        let boxed: crate::handler::BoxError = rpc(403, "CHAT_WRITE_FORBIDDEN").into();
        assert_eq!(
            boxed.telegram_error(),
            Some(TelegramError::ChatWriteForbidden)
        );
        let crate_error = crate::Error::Telegram {
            doing: "send",
            source: rpc(400, "PEER_ID_INVALID"),
        };
        assert_eq!(
            crate_error.telegram_error(),
            Some(TelegramError::PeerIdInvalid)
        );
        let wrapped = AppError(rpc(400, "MESSAGE_ID_INVALID"));
        let as_dyn: &(dyn StdError + 'static) = &wrapped;
        assert_eq!(
            as_dyn.telegram_error(),
            Some(TelegramError::MessageIdInvalid)
        );
        assert_eq!(
            TelegramError::find(&wrapped),
            Some(TelegramError::MessageIdInvalid)
        );
        let boxed_app: crate::handler::BoxError = Box::new(AppError(rpc(400, "QUERY_ID_INVALID")));
        assert_eq!(
            boxed_app.telegram_error(),
            Some(TelegramError::QueryIdInvalid)
        );
        let text: crate::handler::BoxError = "no telegram here".into();
        assert_eq!(text.telegram_error(), None);
    }
}
