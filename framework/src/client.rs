//! [`Client`]: the prelude's client extractor, whose message sends wait for the throttle.

use std::ops::Deref;

use grammers_client::InvocationError;
use grammers_client::message::InputMessage;
use grammers_client::session::types::PeerRef;

use crate::throttle::Throttle;

/// The logged-in client, as the prelude's `Client` extractor hands it out.
///
/// It derefs to grammers' [`Client`](grammers_client::Client), so every call works as in
/// grammers. Two sends are oxygram's own, with grammers' signatures and results, and wait
/// for the app's [`Throttle`] (Telegram's limits, in order within the chat):
/// [`send_message`](Client::send_message) and [`forward_messages`](Client::forward_messages)
/// (each forwarded message counts).
///
/// Everything else goes straight to Telegram: `send_album`, `invoke` of raw requests, edits,
/// and the grammers client from [`into_inner`](Client::into_inner) or the raw
/// `oxygram::grammers::Client` extractor (grammers' request path is private to it, so oxygram
/// cannot see those calls). Put your own through [`Throttle::send`].
#[derive(Clone)]
pub struct Client {
    inner: grammers_client::Client,
    throttle: Throttle,
}

impl Client {
    /// Wraps a grammers client; its `send_message` and `forward_messages` wait for `throttle`.
    pub fn new(inner: grammers_client::Client, throttle: Throttle) -> Self {
        Self { inner, throttle }
    }

    /// The grammers client (whose own sends are not throttled).
    pub fn into_inner(self) -> grammers_client::Client {
        self.inner
    }

    /// The throttle this client's sends wait for.
    pub fn throttle(&self) -> &Throttle {
        &self.throttle
    }

    /// Sends a message to `peer` once the throttle allows (grammers' `Client::send_message`,
    /// throttled).
    pub async fn send_message<C: Into<PeerRef>, M: Into<InputMessage>>(
        &self,
        peer: C,
        message: M,
    ) -> Result<grammers_client::message::Message, InvocationError> {
        let peer = peer.into();
        self.throttle
            .send(peer.id, 1, self.inner.send_message(peer, message))
            .await
    }

    /// Forwards `message_ids` from `source` to `destination` once the throttle allows that
    /// many messages there (grammers' `Client::forward_messages`, throttled).
    pub async fn forward_messages<C: Into<PeerRef>, S: Into<PeerRef>>(
        &self,
        destination: C,
        message_ids: &[i32],
        source: S,
    ) -> Result<Vec<Option<grammers_client::message::Message>>, InvocationError> {
        let destination = destination.into();
        let count = u32::try_from(message_ids.len()).unwrap_or(u32::MAX);
        self.throttle
            .send(
                destination.id,
                count,
                self.inner
                    .forward_messages(destination, message_ids, source),
            )
            .await
    }
}

impl Deref for Client {
    type Target = grammers_client::Client;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl AsRef<grammers_client::Client> for Client {
    fn as_ref(&self) -> &grammers_client::Client {
        &self.inner
    }
}

impl From<Client> for grammers_client::Client {
    fn from(client: Client) -> Self {
        client.inner
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("throttle", &self.throttle)
            .finish_non_exhaustive()
    }
}
