//! What a registered handler is, and what running one produced.
//!
//! `#[handler]` turns an `async fn` into a [`HandlerSpec`]: a plain, `const`-constructible
//! descriptor (names, kind, trigger, group, and fn pointers for the filter, the startup check
//! and the call) collected at link time with `inventory`. Keeping the descriptor free of heap
//! data is what lets the macro emit it inside `inventory::submit!`; everything that needs
//! allocation (compiled regexes, filter trees) is built once at startup by the dispatcher.
//!
//! A handler's return value becomes an [`Outcome`] through [`IntoOutcome`]: `()`,
//! `Result<(), E>` for any `E: Display`, [`Propagation`] or `Result<Propagation, E>`. An
//! error that is a flood wait Telegram imposed stays typed ([`HandlerError::RateLimited`]),
//! and so does a `PEER_FLOOD` ([`HandlerError::PeerFlooded`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::dispatch::UpdateContext;
use crate::extract::{Rejection, StartupContext, StartupError};
use crate::filters::Filter;
use crate::flood::FloodWait;
use crate::peer_flood::PeerFlood;

/// A boxed, sendable future: what a handler call returns once type-erased.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error type handlers can return with `?` on anything that is an error
/// (`grammers` invocation errors, I/O, parse errors, ...).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The `Result` handlers usually return: `Result<()>` accepts `?` on any error type.
///
/// ```
/// use oxygram::handler::HandlerResult;
///
/// async fn parse(text: &str) -> HandlerResult<u32> {
///     Ok(text.parse::<u32>()?)
/// }
/// ```
pub type HandlerResult<T = (), E = BoxError> = std::result::Result<T, E>;

/// Which kind of update a handler receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A new message (`message`, `command = ..`, `regex = ..`).
    NewMessage,
    /// An edited message (`edited`).
    EditedMessage,
    /// One or more deleted messages (`deleted`).
    DeletedMessages,
    /// A press on an inline keyboard button (`callback_query`, `callback = ..`).
    CallbackQuery,
    /// An inline query, `@bot query` (`inline_query`, `inline = ..`).
    InlineQuery,
    /// A user chose a result of an inline query (`chosen_inline`).
    ChosenInlineResult,
    /// Every update, as the raw TL object (`raw`), like Pyrogram's `RawUpdateHandler`:
    /// chat member changes, user status, and everything grammers has no typed variant for.
    /// Raw handlers take part in every update's routing, in their group; narrow them with
    /// [`filters::raw::<T>()`](crate::filters::raw) and extract with
    /// [`RawUpdate<T>`](crate::extract::RawUpdate).
    Raw,
    /// A service message: members joined or left, a pin, a new title or photo, the chat's
    /// creation or migration (`service`, `service = "new_chat_members"`). Service messages
    /// are routed here and not to `message` handlers; read the action with
    /// [`ServiceAction`](crate::extract::ServiceAction).
    Service,
    /// Someone's membership of a group or channel changed: joined, left, promoted, banned
    /// (`chat_member`); Telegram's `updateChatParticipant` / `updateChannelParticipant`,
    /// the Bot API's `chat_member` and `my_chat_member`. Read it with
    /// [`ChatMemberUpdated`](crate::extract::ChatMemberUpdated).
    ChatMember,
    /// A user asked to join a chat that needs approval, and the bot is one of its admins
    /// (`join_request`); approve or decline with
    /// [`JoinRequest`](crate::extract::JoinRequest).
    JoinRequest,
    /// A user stopped (blocked) or restarted the bot (`bot_stopped`); read it with
    /// [`BotStopped`](crate::extract::BotStopped).
    BotStopped,
}

impl Kind {
    /// Every kind, in routing-table order.
    pub const ALL: [Kind; 11] = [
        Kind::NewMessage,
        Kind::EditedMessage,
        Kind::DeletedMessages,
        Kind::CallbackQuery,
        Kind::InlineQuery,
        Kind::ChosenInlineResult,
        Kind::Raw,
        Kind::Service,
        Kind::ChatMember,
        Kind::JoinRequest,
        Kind::BotStopped,
    ];

    /// The position of this kind in [`Kind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name used in `#[handler(..)]` and in the startup table.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::NewMessage => "message",
            Kind::EditedMessage => "edited",
            Kind::DeletedMessages => "deleted",
            Kind::CallbackQuery => "callback_query",
            Kind::InlineQuery => "inline_query",
            Kind::ChosenInlineResult => "chosen_inline",
            Kind::Raw => "raw",
            Kind::Service => "service",
            Kind::ChatMember => "chat_member",
            Kind::JoinRequest => "join_request",
            Kind::BotStopped => "bot_stopped",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What, beyond its kind, an update must look like for a handler to be considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// No trigger: every update of the kind (subject to the filter).
    None,
    /// Commands (`/start`, `/start@ThisBot args`), lowercase names without prefix.
    Commands(&'static [&'static str]),
    /// A regex matched against the message text; captures are extractable.
    Regex(&'static str),
    /// A callback data pattern: exact, or a prefix followed by `*` (`vote:*`).
    Callback(&'static str),
    /// A regex matched against the inline query text.
    Inline(&'static str),
    /// A service message's action, by its Bot API / Pyrogram name (`new_chat_members`,
    /// `left_chat_member`, ...; see [`ServiceAction::name`](crate::extract::ServiceAction::name)).
    Service(&'static str),
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::None => f.write_str("-"),
            Trigger::Commands(names) => {
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "/{name}")?;
                }
                Ok(())
            }
            Trigger::Regex(re) => write!(f, "regex {re:?}"),
            Trigger::Callback(pattern) => write!(f, "callback {pattern:?}"),
            Trigger::Inline(re) => write!(f, "inline {re:?}"),
            Trigger::Service(action) => write!(f, "service {action}"),
        }
    }
}

/// A registered handler: what `#[handler]` submits to `inventory`.
///
/// Every field is `const`-constructible so the macro can emit it in a `static` context.
/// You can also write one by hand (the tests and the routing benchmark do) and hand a list
/// in [`DispatcherSetup::handlers`](crate::dispatch::DispatcherSetup::handlers).
#[derive(Clone, Copy)]
pub struct HandlerSpec {
    /// The handler's name: the fn name, or `name = ".."`.
    pub name: &'static str,
    /// `module_path!()` where the handler was declared; the plugin name derives from it.
    pub module_path: &'static str,
    /// An explicit plugin name (`plugin = ".."`), overriding the module-derived one.
    pub plugin: Option<&'static str>,
    /// Which updates the handler receives.
    pub kind: Kind,
    /// The command, regex or pattern that selects updates, if any.
    pub trigger: Trigger,
    /// Builds the handler's filter tree (called once at startup).
    pub filter: fn() -> Filter,
    /// The handler group: groups run in ascending order (default 0).
    pub group: i32,
    /// Help text; commands with one are sent to Telegram's command menu (bots).
    pub description: Option<&'static str>,
    /// Whether the handler also sees the account's own outgoing messages.
    pub outgoing: bool,
    /// Source file of the declaration (for errors and the startup table).
    pub file: &'static str,
    /// Source line of the declaration.
    pub line: u32,
    /// Checks at startup that every extractor can work (state registered, config valid, ...).
    pub check: fn(&StartupContext<'_>) -> Result<(), StartupError>,
    /// Extracts the arguments and runs the handler.
    pub call: fn(UpdateContext) -> BoxFuture<'static, Outcome>,
}

inventory::collect!(HandlerSpec);

impl HandlerSpec {
    /// Every handler registered with `#[handler]` in the linked crates, in no particular order.
    pub fn registered() -> impl Iterator<Item = &'static HandlerSpec> {
        inventory::iter::<HandlerSpec>.into_iter()
    }

    /// A check that accepts everything; for hand-written specs without extractors to check.
    pub fn no_check(_: &StartupContext<'_>) -> Result<(), StartupError> {
        Ok(())
    }
}

impl fmt::Debug for HandlerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandlerSpec")
            .field("name", &self.name)
            .field("module_path", &self.module_path)
            .field("plugin", &self.plugin)
            .field("kind", &self.kind)
            .field("trigger", &self.trigger)
            .field("group", &self.group)
            .field("description", &self.description)
            .field("outgoing", &self.outgoing)
            .field("file", &self.file)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// What a handler asks the dispatcher to do next (Pyrogram's `StopPropagation` /
/// `ContinuePropagation`).
///
/// Returning `()` (or `Ok(())`) means "handled": the rest of this group is skipped and the
/// next group runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// Let the next matching handler of the *same* group run too.
    Continue,
    /// Handled, and no later group sees this update.
    Stop,
}

/// Why a handler did not complete normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerError {
    /// The handler returned `Err(e)`; this is `e.to_string()`.
    Returned(String),
    /// The handler panicked; this is the panic message.
    Panicked(String),
    /// The handler returned `Err(e)` where `e` is, or wraps, a flood wait longer than
    /// `[telegram] flood_sleep_threshold_secs` (see [`crate::flood`]).
    RateLimited {
        /// The wait Telegram imposed, and on which request.
        flood_wait: FloodWait,
        /// `e.to_string()`.
        message: String,
    },
    /// The handler returned `Err(e)` where `e` is, or wraps, `400 PEER_FLOOD`: the account
    /// is limited for messaging strangers (see [`crate::peer_flood`]); not retried.
    PeerFlooded {
        /// Which request Telegram refused.
        peer_flood: PeerFlood,
        /// `e.to_string()`.
        message: String,
    },
}

impl HandlerError {
    /// The flood wait that made the handler fail, if that is what happened.
    ///
    /// ```no_run
    /// oxygram::App::new()
    ///     .on_error(|failure| async move {
    ///         if let Some(flood) = failure.error.flood_wait() {
    ///             eprintln!("{} hit a flood wait of {:?}", failure.handler, flood.wait);
    ///         }
    ///     })
    ///     .run()
    ///     .unwrap();
    /// ```
    pub fn flood_wait(&self) -> Option<&FloodWait> {
        match self {
            HandlerError::RateLimited { flood_wait, .. } => Some(flood_wait),
            _ => None,
        }
    }

    /// The `PEER_FLOOD` that made the handler fail, if that is what happened.
    ///
    /// ```no_run
    /// oxygram::App::new()
    ///     .on_error(|failure| async move {
    ///         if let Some(limited) = failure.error.peer_flood() {
    ///             eprintln!("{}: {limited}", failure.handler);
    ///         }
    ///     })
    ///     .run()
    ///     .unwrap();
    /// ```
    pub fn peer_flood(&self) -> Option<&PeerFlood> {
        match self {
            HandlerError::PeerFlooded { peer_flood, .. } => Some(peer_flood),
            _ => None,
        }
    }

    /// What a handler's `Err(e)` becomes.
    fn returned<E: fmt::Display + 'static>(error: E) -> Self {
        let message = error.to_string();
        if let Some(flood_wait) = FloodWait::in_handler_error(&error) {
            return HandlerError::RateLimited {
                flood_wait,
                message,
            };
        }
        if let Some(peer_flood) = PeerFlood::in_handler_error(&error) {
            return HandlerError::PeerFlooded {
                peer_flood,
                message,
            };
        }
        HandlerError::Returned(message)
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandlerError::Returned(e)
            | HandlerError::RateLimited { message: e, .. }
            | HandlerError::PeerFlooded { message: e, .. } => {
                write!(f, "returned an error: {e}")
            }
            HandlerError::Panicked(msg) => write!(f, "panicked: {msg}"),
        }
    }
}

/// The result of offering an update to one handler.
#[derive(Debug)]
pub enum Outcome {
    /// The handler ran; the next group runs (the default for `()` and `Ok(())`).
    Handled,
    /// The handler ran and asked for the next handler of its group to run as well.
    Continue,
    /// The handler ran and stopped propagation: no later group sees the update.
    Stop,
    /// The handler ran and failed; it counts as handled (the next group runs).
    Failed(HandlerError),
    /// An extractor refused the update; the handler did not run.
    Rejected(Rejection),
}

impl Outcome {
    /// An extractor refused the update (used by generated code).
    pub fn rejected(rejection: Rejection) -> Self {
        Outcome::Rejected(rejection)
    }
}

/// Converts a handler's return value into an [`Outcome`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a #[handler]",
    label = "unsupported handler return type",
    note = "handlers return `()`, `Result<(), E>` with `E: Display`, `Propagation`, or `Result<Propagation, E>`"
)]
pub trait IntoOutcome {
    /// Performs the conversion.
    fn into_outcome(self) -> Outcome;
}

impl IntoOutcome for () {
    fn into_outcome(self) -> Outcome {
        Outcome::Handled
    }
}

impl IntoOutcome for Propagation {
    fn into_outcome(self) -> Outcome {
        match self {
            Propagation::Continue => Outcome::Continue,
            Propagation::Stop => Outcome::Stop,
        }
    }
}

impl IntoOutcome for Outcome {
    fn into_outcome(self) -> Outcome {
        self
    }
}

impl<E: fmt::Display + 'static> IntoOutcome for Result<(), E> {
    fn into_outcome(self) -> Outcome {
        match self {
            Ok(()) => Outcome::Handled,
            Err(e) => Outcome::Failed(HandlerError::returned(e)),
        }
    }
}

impl<E: fmt::Display + 'static> IntoOutcome for Result<Propagation, E> {
    fn into_outcome(self) -> Outcome {
        match self {
            Ok(p) => p.into_outcome(),
            Err(e) => Outcome::Failed(HandlerError::returned(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_values_map_to_outcomes() {
        assert!(matches!(().into_outcome(), Outcome::Handled));
        assert!(matches!(Propagation::Stop.into_outcome(), Outcome::Stop));
        assert!(matches!(
            Propagation::Continue.into_outcome(),
            Outcome::Continue
        ));
        let ok: Result<(), String> = Ok(());
        assert!(matches!(ok.into_outcome(), Outcome::Handled));
        let err: Result<(), BoxError> = Err("boom".into());
        match err.into_outcome() {
            Outcome::Failed(HandlerError::Returned(e)) => assert_eq!(e, "boom"),
            other => panic!("unexpected {other:?}"),
        }
        let stop: Result<Propagation, std::io::Error> = Ok(Propagation::Stop);
        assert!(matches!(stop.into_outcome(), Outcome::Stop));
    }

    #[test]
    fn telegram_limits_in_returned_errors_stay_typed() {
        use grammers_mtsender::{InvocationError, RpcError};
        let rpc = |code, name: &str, value| {
            let error: BoxError = Box::new(InvocationError::Rpc(RpcError {
                code,
                name: name.into(),
                value,
                caused_by: None,
            }));
            HandlerError::returned(error)
        };
        let flooded = rpc(400, "PEER_FLOOD", None);
        assert!(matches!(flooded, HandlerError::PeerFlooded { .. }));
        assert!(flooded.peer_flood().is_some() && flooded.flood_wait().is_none());
        assert!(flooded.to_string().contains("PEER_FLOOD"), "{flooded}");
        let slow = rpc(420, "SLOWMODE_WAIT", Some(30));
        assert!(slow.flood_wait().unwrap().is_slow_mode());
        assert!(slow.peer_flood().is_none());
        assert!(matches!(
            rpc(400, "MESSAGE_EMPTY", None),
            HandlerError::Returned(_)
        ));
    }

    #[test]
    fn triggers_display_for_the_startup_table() {
        assert_eq!(
            Trigger::Commands(&["start", "help"]).to_string(),
            "/start /help"
        );
        assert_eq!(
            Trigger::Callback("vote:*").to_string(),
            "callback \"vote:*\""
        );
        assert_eq!(Trigger::None.to_string(), "-");
    }
}
