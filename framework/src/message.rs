//! [`Message`]: the message a handler received, whose replies wait for the app's throttle.

use std::ops::Deref;

use grammers_client::InvocationError;
use grammers_client::message::InputMessage;
use grammers_client::session::types::PeerRef;

use crate::throttle::Throttle;

/// A received message (new or edited), as the prelude's `Message` extractor hands it out.
///
/// It derefs to grammers' [`Message`](grammers_client::update::Message), so every read method
/// (`text()`, `sender()`, `peer_id()`, `raw`, ...) and every other action (`edit`, `delete`,
/// `get_reply`, `download_media`, ...) works as in grammers. Three sends are oxygram's own,
/// with grammers' signatures and results, and wait for the app's [`Throttle`] first (Telegram's
/// limits per chat, per group and overall, in order within the chat; see the `[throttle]`
/// section of `Bot.toml`):
///
/// - [`reply`](Message::reply), [`respond`](Message::respond),
///   [`forward_to`](Message::forward_to).
///
/// What is **not** throttled: the albums (`reply_album`, `respond_album`), anything sent
/// through `msg.client` (grammers' own client, whose request path oxygram cannot see into;
/// the prelude's [`Client`](crate::Client) extractor throttles its `send_message`), and the
/// grammers message from [`into_inner`](Message::into_inner) or the
/// raw `oxygram::grammers::update::Message` extractor. Put your own calls through
/// [`Throttle::send`] ([`UpdateContext::throttle`](crate::context::UpdateContext::throttle)).
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(command = "count")]
/// async fn count(msg: Message) -> Result<()> {
///     for i in 1..=3 {
///         msg.reply(format!("{i}")).await?; // one a second, in order
///     }
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct Message {
    inner: grammers_client::update::Message,
    throttle: Throttle,
}

impl Message {
    /// Wraps a grammers message; its sends wait for `throttle`.
    pub fn new(inner: grammers_client::update::Message, throttle: Throttle) -> Self {
        Self { inner, throttle }
    }

    /// The grammers message (whose own `reply` is not throttled).
    pub fn into_inner(self) -> grammers_client::update::Message {
        self.inner
    }

    /// The throttle this message's sends wait for.
    pub fn throttle(&self) -> &Throttle {
        &self.throttle
    }

    /// Replies to this message in its chat, once the throttle allows (grammers'
    /// `Message::reply`, throttled).
    pub async fn reply<M: Into<InputMessage>>(
        &self,
        message: M,
    ) -> Result<grammers_client::message::Message, InvocationError> {
        self.throttle
            .send(self.inner.peer_id(), 1, self.inner.reply(message))
            .await
    }

    /// Sends a message to this message's chat without replying to it, once the throttle
    /// allows (grammers' `Message::respond`, throttled).
    pub async fn respond<M: Into<InputMessage>>(
        &self,
        message: M,
    ) -> Result<grammers_client::message::Message, InvocationError> {
        self.throttle
            .send(self.inner.peer_id(), 1, self.inner.respond(message))
            .await
    }

    /// Forwards this message to `chat`, once the throttle allows sending there (grammers'
    /// `Message::forward_to`, throttled).
    pub async fn forward_to<C: Into<PeerRef>>(
        &self,
        chat: C,
    ) -> Result<grammers_client::message::Message, InvocationError> {
        let chat = chat.into();
        self.throttle
            .send(chat.id, 1, self.inner.forward_to(chat))
            .await
    }
}

impl Deref for Message {
    type Target = grammers_client::update::Message;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl AsRef<grammers_client::update::Message> for Message {
    fn as_ref(&self) -> &grammers_client::update::Message {
        &self.inner
    }
}

impl From<Message> for grammers_client::update::Message {
    fn from(message: Message) -> Self {
        message.inner
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}
