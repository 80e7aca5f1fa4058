//! What a handler's return value means: [`Outcome`], [`Propagation`], and [`IntoOutcome`],
//! which also sends the answer a handler returns.

use std::future::Future;

use grammers_client::message::InputMessage;

use super::HandlerError;
use crate::context::{Kind, UpdateContext};
use crate::extract::Rejection;
use crate::util::BoxError;

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

    /// A handler's `Err(e)`.
    pub fn failed(error: impl Into<BoxError>) -> Self {
        Outcome::Failed(HandlerError::from_returned(error.into()))
    }
}

/// What a handler may return, and what it means.
///
/// | return type | outcome |
/// |---|---|
/// | `()` | handled |
/// | [`Propagation`] | continue in the group, or stop all later groups |
/// | `&'static str`, `String` | the answer: a reply to the message (through the throttle), or a button press's answer (a notification) |
/// | [`InputMessage`] | a reply to the message; for a button press, the new content of the message the button is on (the press answered without text) |
/// | `Option<T>` | `T`'s outcome, or handled without an answer for `None` |
/// | `Result<T, E>` | `T`'s outcome, or a [`HandlerError`] keeping `e` (any `E: Into<BoxError>`: every error type, `String`, `&str`) |
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(command = "start")]
/// async fn start() -> &'static str {
///     "Hi!"
/// }
///
/// #[handler(callback = "like")]
/// async fn like() -> &'static str {
///     "Thanks!"
/// }
/// ```
///
/// An answer from a handler of a kind with nothing to answer (deleted messages, inline
/// queries, chat member changes...) fails the handler with a clear error; send there
/// explicitly with the client.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a #[handler]",
    label = "unsupported handler return type",
    note = "handlers return `()`, `Propagation`, an answer (`&'static str`, `String`, `InputMessage`), `Option` of those, or `Result` of any of them with an error type"
)]
pub trait IntoOutcome: Sized {
    /// Whether values of this type are answers sent to the chat ([`IntoOutcome`]'s table):
    /// `#[handler]` refuses at compile time an answer from a kind with nothing to answer.
    const ANSWERS: bool = false;

    /// Turns the value into an outcome, sending the answer it is, if it is one.
    fn into_outcome(self, cx: &UpdateContext) -> impl Future<Output = Outcome> + Send;
}

impl IntoOutcome for () {
    async fn into_outcome(self, _: &UpdateContext) -> Outcome {
        Outcome::Handled
    }
}

impl IntoOutcome for Propagation {
    async fn into_outcome(self, _: &UpdateContext) -> Outcome {
        match self {
            Propagation::Continue => Outcome::Continue,
            Propagation::Stop => Outcome::Stop,
        }
    }
}

impl IntoOutcome for Outcome {
    async fn into_outcome(self, _: &UpdateContext) -> Outcome {
        self
    }
}

impl IntoOutcome for &'static str {
    const ANSWERS: bool = true;

    async fn into_outcome(self, cx: &UpdateContext) -> Outcome {
        answer(cx, Answer::Text(self.to_owned())).await
    }
}

impl IntoOutcome for String {
    const ANSWERS: bool = true;

    async fn into_outcome(self, cx: &UpdateContext) -> Outcome {
        answer(cx, Answer::Text(self)).await
    }
}

impl IntoOutcome for InputMessage {
    const ANSWERS: bool = true;

    async fn into_outcome(self, cx: &UpdateContext) -> Outcome {
        answer(cx, Answer::Message(Box::new(self))).await
    }
}

impl<T: IntoOutcome + Send> IntoOutcome for Option<T> {
    const ANSWERS: bool = T::ANSWERS;

    async fn into_outcome(self, cx: &UpdateContext) -> Outcome {
        match self {
            Some(value) => value.into_outcome(cx).await,
            None => Outcome::Handled,
        }
    }
}

impl<T, E> IntoOutcome for Result<T, E>
where
    T: IntoOutcome + Send,
    E: Into<BoxError> + Send,
{
    const ANSWERS: bool = T::ANSWERS;

    async fn into_outcome(self, cx: &UpdateContext) -> Outcome {
        match self {
            Ok(value) => value.into_outcome(cx).await,
            Err(error) => Outcome::failed(error),
        }
    }
}

/// The kinds a returned answer can go to: the message (a reply) or the button press.
pub const fn answerable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::NewMessage | Kind::EditedMessage | Kind::Service | Kind::CallbackQuery
    )
}

enum Answer {
    Text(String),
    Message(Box<InputMessage>),
}

/// Sends a handler's returned answer: a reply to the message (through the throttle, like
/// [`crate::Message::reply`]), or the button press's answer (text) or edit (a message).
async fn answer(cx: &UpdateContext, answer: Answer) -> Outcome {
    if let Some(message) = cx.throttled_message() {
        let input = match answer {
            Answer::Text(text) => InputMessage::new().text(text),
            Answer::Message(input) => *input,
        };
        return match message.reply(input).await {
            Ok(_) => Outcome::Handled,
            Err(error) => Outcome::failed(error),
        };
    }
    if let Some(query) = cx.callback_query() {
        let answered = match answer {
            Answer::Text(text) => query.answer().text(text).send().await,
            Answer::Message(input) => query.answer().edit(*input).await,
        };
        return match answered {
            Ok(()) => Outcome::Handled,
            Err(error) => Outcome::failed(error),
        };
    }
    Outcome::failed(format!(
        "handler {} returned an answer, but a `{}` update has nothing to reply to; send it \
         with the client instead",
        cx.handler_name(),
        cx.kind()
    ))
}
