//! Extractors: how a `#[handler]` fn's arguments are produced from an update.
//!
//! Each argument type implements [`FromUpdate`] (the spirit of axum's `FromRequestParts`):
//! `from_update` builds the value from an [`UpdateContext`] or refuses with a [`Rejection`],
//! and `check` runs once at startup so that what can be known before the first update (a
//! registered `State<T>`, a valid `[plugins.<name>]` section, a trigger that produces
//! captures) is reported then, not per update.
//!
//! # When extraction fails
//!
//! The handler does not run. What happens next depends on the rejection:
//! - [`Rejection::usage`] (e.g. `/roll abc` for `Args<(u8, u32)>`): the command was meant for
//!   this handler but its arguments are wrong, so the dispatcher replies with a short usage
//!   message (`Usage: /roll <count> <sides>`, named after the `Args((count, sides))` pattern, and what was wrong) and the update counts as handled
//!   by this group.
//! - [`Rejection::mismatch`] (e.g. `Message` requested on a callback query, a sender that is
//!   not in the peer cache): the update is not for this handler, and the next handler of the
//!   same group gets a chance.
//!
//! # Built-in extractors
//!
//! | type | gives |
//! |---|---|
//! | [`Message`](grammers_client::update::Message) | the new or edited message |
//! | [`CallbackQuery`](grammers_client::update::CallbackQuery) | the button press |
//! | [`InlineQuery`](grammers_client::update::InlineQuery) | the inline query |
//! | [`InlineSend`](grammers_client::update::InlineSend) | the chosen inline result |
//! | [`MessageDeletion`](grammers_client::update::MessageDeletion) | the deleted message ids |
//! | [`Update`](grammers_client::update::Update) | the whole update |
//! | [`RawUpdate<T>`] | the raw TL update, or one typed variant of it |
//! | [`Client`](grammers_client::Client) | the client, to call Telegram |
//! | [`Chat`] / [`Sender`] | the chat and who caused the update (grammers' `Peer`: `name()`, `username()`, `id()`) |
//! | [`ChatId`] | the chat's id as the Bot API numbers it (`-100…` for supergroups) |
//! | [`Commands`] | the command menu of the enabled handlers, for a `/help` |
//! | [`Text`] / [`CommandArgs`] | the message text / the command's raw argument string |
//! | [`Args<T>`] | the command's arguments parsed with `FromStr` |
//! | [`Captures`] | the regex trigger's captures |
//! | [`CallbackData<T>`] | the callback data (the `*` part), parsed with `FromStr` |
//! | [`State<T>`] | shared state registered with `App::state` |
//! | [`PluginConfig<T>`] | the plugin's `[plugins.<name>]` section of `Bot.toml` |
//! | [`Me`](crate::context::Me) | the logged-in account |
//! | [`ServiceAction`] | what a service message says happened (`service` handlers) |
//! | [`ChatMemberUpdated`] | a membership change (`chat_member` handlers) |
//! | [`JoinRequest`] | a request to join, to approve or decline (`join_request` handlers) |
//! | [`BotStopped`] | a user stopped or restarted the bot (`bot_stopped` handlers) |
//! | `Option<T>` | `Some` if `T` extracts, `None` otherwise |

mod args;
mod bot_stopped;
mod callback;
mod captures;
mod chat_id;
mod chat_member;
mod commands;
mod join_request;
mod plugin_config;
mod rejection;
mod service;
mod startup;
mod state;
mod update;

use std::future::Future;

pub use args::{Args, ParseArgs};
pub use bot_stopped::BotStopped;
pub use callback::CallbackData;
pub use captures::Captures;
pub use chat_id::ChatId;
pub use chat_member::{ChatMemberUpdated, MemberStatus};
pub use commands::Commands;
pub use join_request::{JoinRequest, JoinRequestError};
#[allow(deprecated)]
pub use plugin_config::{Config, PluginConfig};
pub use rejection::Rejection;
pub use service::{JoinedVia, SERVICE_ACTION_NAMES, ServiceAction};
pub(crate) use startup::HandlerInfo;
pub use startup::{StartupContext, StartupError};
pub use state::State;
pub(crate) use update::require_trigger;
pub use update::{Chat, CommandArgs, RawUpdate, Sender, Text};

pub use crate::context::Kinds;
use crate::context::UpdateContext;

/// A type that can be a `#[handler]` argument.
///
/// Implement it for your own types to make them extractable:
///
/// ```
/// use oxygram::extract::{FromUpdate, Rejection};
/// use oxygram::dispatch::UpdateContext;
///
/// /// The sender's language, from the message text's first word (a toy example).
/// struct FirstWord(String);
///
/// impl FromUpdate for FirstWord {
///     async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
///         let text = cx.text().ok_or_else(|| Rejection::mismatch("no text"))?;
///         let word = text.split_whitespace().next().unwrap_or_default();
///         Ok(FirstWord(word.to_owned()))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor, so it cannot be a #[handler] argument",
    label = "this type does not implement `FromUpdate`",
    note = "extractors: Message, CallbackQuery, InlineQuery, InlineSend, MessageDeletion, Update, RawUpdate<T>, Client, Chat, ChatId, Sender, Text, CommandArgs, Commands, Args<T>, Captures, CallbackData<T>, State<T>, PluginConfig<T>, Me, ServiceAction, ChatMemberUpdated, JoinRequest, BotStopped, Option<T>",
    note = "implement `oxygram::extract::FromUpdate` to make your own type an extractor"
)]
pub trait FromUpdate: Sized {
    /// The kinds of update this extractor can work for (all, unless it says otherwise): a
    /// `#[handler]` of another kind taking it is a compile error on the argument, since it
    /// would never run.
    const KINDS: Kinds = Kinds::ALL;

    /// Builds the value from the update, or refuses it.
    fn from_update(cx: &UpdateContext) -> impl Future<Output = Result<Self, Rejection>> + Send;

    /// Checks at startup, once per handler using this extractor, that extraction can work.
    fn check(_startup: &StartupContext<'_>) -> Result<(), StartupError> {
        Ok(())
    }
}

/// `Option<T>` always extracts, so it fits every kind.
impl<T: FromUpdate + Send> FromUpdate for Option<T> {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Ok(T::from_update(cx).await.ok())
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        T::check(startup)
    }
}
