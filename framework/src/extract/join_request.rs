//! [`JoinRequest`]: a user asked to join a chat that needs approval.
//!
//! Telegram sends `updateBotChatInviteRequester` (on the `qts` sequence) to bots that are
//! admins of a chat with join requests on, and the bot answers with
//! `messages.hideChatJoinRequest`, approving or declining. The update names the chat and the
//! user by id; their access hashes come from the session, where grammers stored the users and
//! chats that arrived with the update.

use std::fmt;
use std::sync::Arc;

use grammers_client::session::types::{PeerId, PeerRef};
use grammers_client::{Client, InvocationError, tl};
use grammers_session::storages::ErasedSession;

use super::chat_member::invite_link;
use super::{FromUpdate, Rejection, StartupContext, StartupError, require_trigger};
use crate::context::Kind;
use crate::context::UpdateContext;

/// A request to join a chat, as `#[handler(join_request)]` receives it.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(join_request)]
/// async fn gate(request: JoinRequest) -> Result {
///     if request.about.contains("spam") {
///         request.decline().await?;
///     } else {
///         request.approve().await?;
///     }
///     Ok(())
/// }
/// # fn main() {}
/// ```
#[derive(Clone)]
pub struct JoinRequest {
    /// The chat the user wants to join.
    pub chat: PeerId,
    /// Who asked.
    pub user_id: i64,
    /// The "about" text of the user's profile, as Telegram sent it.
    pub about: String,
    /// When, as a Unix time.
    pub date: i32,
    /// The invite link the request came through, if it was a link.
    pub invite_link: Option<String>,
    client: Client,
    session: Option<Arc<ErasedSession>>,
}

/// Why a join request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum JoinRequestError {
    /// The session does not know the chat or the user, so no request can name them.
    #[error(
        "cannot answer the join request: the session does not know {which} {id}; it should \
         have arrived with the update"
    )]
    UnknownPeer {
        /// "the chat" or "the user".
        which: &'static str,
        /// The peer's id.
        id: i64,
    },
    /// The session could not be read.
    #[error("cannot answer the join request: reading the session failed")]
    Session(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Telegram refused (e.g. `HIDE_REQUESTER_MISSING` when it was answered already,
    /// `CHAT_ADMIN_REQUIRED` when the bot is no longer an admin).
    #[error("cannot answer the join request")]
    Rpc(#[from] InvocationError),
}

impl JoinRequest {
    /// Lets the user in.
    pub async fn approve(&self) -> Result<(), JoinRequestError> {
        self.answer(true).await
    }

    /// Turns the user away.
    pub async fn decline(&self) -> Result<(), JoinRequestError> {
        self.answer(false).await
    }

    async fn answer(&self, approved: bool) -> Result<(), JoinRequestError> {
        let chat = self.peer_ref("the chat", self.chat).await?;
        let user = self
            .peer_ref("the user", PeerId::user_unchecked(self.user_id))
            .await?;
        self.client
            .invoke(&tl::functions::messages::HideChatJoinRequest {
                approved,
                peer: chat.into(),
                user_id: user.into(),
            })
            .await?;
        Ok(())
    }

    async fn peer_ref(&self, which: &'static str, id: PeerId) -> Result<PeerRef, JoinRequestError> {
        let unknown = || JoinRequestError::UnknownPeer {
            which,
            id: id.bare_id_unchecked(),
        };
        let session = self.session.as_ref().ok_or_else(unknown)?;
        session
            .peer_ref(id)
            .await
            .map_err(JoinRequestError::Session)?
            .ok_or_else(unknown)
    }
}

impl fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinRequest")
            .field("chat", &self.chat)
            .field("user_id", &self.user_id)
            .field("date", &self.date)
            .field("invite_link", &self.invite_link)
            .finish_non_exhaustive()
    }
}

impl FromUpdate for JoinRequest {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::JoinRequest]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        let tl::enums::Update::BotChatInviteRequester(u) = cx.raw() else {
            return Err(Rejection::mismatch("the update is not a join request"));
        };
        Ok(JoinRequest {
            chat: PeerId::from(&u.peer),
            user_id: u.user_id,
            about: u.about.clone(),
            date: u.date,
            invite_link: invite_link(Some(&u.invite)),
            client: cx.client().clone(),
            session: cx.shared().session.clone(),
        })
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "JoinRequest", "a `join_request` handler", |_| {
            matches!(startup.kind(), Kind::JoinRequest | Kind::Raw)
        })
    }
}
