//! Extractors that hand out (parts of) the update itself.

use grammers_client::Client;
use grammers_client::peer::Peer;
use grammers_client::tl;
use grammers_client::update::{
    CallbackQuery, InlineQuery, InlineSend, Message, MessageDeletion, Update,
};

use super::{FromUpdate, Rejection, StartupContext, StartupError};
use crate::context::Kind;
use crate::context::Trigger;
use crate::context::{Me, UpdateContext};

/// grammers' own message (`oxygram::grammers::update::Message`): its sends do **not** wait
/// for the throttle.
impl FromUpdate for Message {
    const KINDS: super::Kinds = super::Kinds::MESSAGES;

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.message()
            .cloned()
            .ok_or_else(|| Rejection::mismatch("the update is not a message"))
    }
}

/// The message, with sends (`reply`, `respond`, `forward_to`) that wait for the app's
/// throttle: the prelude's `Message`.
impl FromUpdate for crate::Message {
    const KINDS: super::Kinds = super::Kinds::MESSAGES;

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.throttled_message()
            .ok_or_else(|| Rejection::mismatch("the update is not a message"))
    }
}

impl FromUpdate for CallbackQuery {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::CallbackQuery]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.callback_query()
            .cloned()
            .ok_or_else(|| Rejection::mismatch("the update is not a callback query"))
    }
}

impl FromUpdate for InlineQuery {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::InlineQuery]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.inline_query()
            .cloned()
            .ok_or_else(|| Rejection::mismatch("the update is not an inline query"))
    }
}

impl FromUpdate for InlineSend {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::ChosenInlineResult]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.inline_send()
            .cloned()
            .ok_or_else(|| Rejection::mismatch("the update is not a chosen inline result"))
    }
}

impl FromUpdate for MessageDeletion {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::DeletedMessages]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.deletion()
            .cloned()
            .ok_or_else(|| Rejection::mismatch("the update is not a message deletion"))
    }
}

impl FromUpdate for Update {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Ok(cx.update().clone())
    }
}

/// The client, with `send_message` and `forward_messages` that wait for the app's throttle:
/// the prelude's `Client`.
impl FromUpdate for crate::Client {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Ok(crate::Client::new(
            cx.client().clone(),
            cx.throttle().clone(),
        ))
    }
}

/// grammers' own client (`oxygram::grammers::Client`): its sends do **not** wait for the
/// throttle.
impl FromUpdate for Client {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Ok(cx.client().clone())
    }
}

impl FromUpdate for Me {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Ok(cx.me().clone())
    }
}

/// The raw TL update (`RawUpdate` alone), or one typed variant of it (`RawUpdate<T>` with
/// e.g. `T = tl::types::UpdateUserStatus`; any other update is a mismatch).
///
/// ```
/// use oxygram::extract::RawUpdate;
/// use oxygram::grammers::tl;
///
/// async fn on_status(RawUpdate(status): RawUpdate<tl::types::UpdateUserStatus>) {
///     println!("user {} changed status", status.user_id);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct RawUpdate<T = tl::enums::Update>(pub T);

impl<T> FromUpdate for RawUpdate<T>
where
    T: TryFrom<tl::enums::Update> + Send,
{
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        T::try_from(cx.raw().clone())
            .map(RawUpdate)
            .map_err(|_| Rejection::mismatch("the raw update is of another type"))
    }
}

/// The chat the update happened in (a private chat is the other user).
///
/// A mismatch when the update has no chat or the chat is not in the update's peer cache.
#[derive(Debug, Clone)]
pub struct Chat(pub Peer);

impl FromUpdate for Chat {
    const KINDS: super::Kinds =
        super::Kinds::MESSAGES.and(super::Kinds::of(&[Kind::CallbackQuery]));

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.chat()
            .cloned()
            .map(Chat)
            .ok_or_else(|| Rejection::mismatch("the update has no known chat"))
    }
}

/// Who caused the update: the message's sender, the user who pressed the button, ...
///
/// A mismatch when there is none (channel posts) or it is not in the update's peer cache.
#[derive(Debug, Clone)]
pub struct Sender(pub Peer);

impl FromUpdate for Sender {
    const KINDS: super::Kinds =
        super::Kinds::MESSAGES.and(super::Kinds::of(&[Kind::CallbackQuery]));

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.sender()
            .cloned()
            .map(Sender)
            .ok_or_else(|| Rejection::mismatch("the update has no known sender"))
    }
}

/// The text of the message (or of the inline query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl FromUpdate for Text {
    const KINDS: super::Kinds = super::Kinds::MESSAGES.and(super::Kinds::of(&[
        Kind::InlineQuery,
        Kind::ChosenInlineResult,
    ]));

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.text()
            .map(|t| Text(t.to_owned()))
            .ok_or_else(|| Rejection::mismatch("the update has no text"))
    }
}

/// The command's raw argument string: everything after `/cmd `, leading whitespace trimmed
/// (may be empty). Needs a `command` trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandArgs(pub String);

impl FromUpdate for CommandArgs {
    const KINDS: super::Kinds = super::Kinds::MESSAGES;

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.command()
            .map(|c| CommandArgs(c.args.clone()))
            .ok_or_else(|| Rejection::mismatch("the message is not a command"))
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "CommandArgs", "a `command` trigger", |t| {
            matches!(t, Trigger::Commands(_))
        })
    }
}

/// Fails the startup check unless the handler's trigger satisfies `ok`.
pub(crate) fn require_trigger(
    startup: &StartupContext<'_>,
    extractor: &'static str,
    needs: &'static str,
    ok: impl Fn(&Trigger) -> bool,
) -> Result<(), StartupError> {
    if ok(&startup.trigger()) {
        Ok(())
    } else {
        Err(StartupError::WrongTrigger {
            handler: startup.describe_handler(),
            extractor,
            needs,
        })
    }
}
