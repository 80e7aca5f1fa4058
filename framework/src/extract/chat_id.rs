//! [`ChatId`]: the chat of the update as a number, the way the Bot API and Pyrogram write it.

use grammers_client::session::types::PeerId;

use super::{FromUpdate, Kinds, Rejection};
use crate::context::{Kind, UpdateContext};

/// The chat the update happened in, numbered as the Bot API does (Pyrogram's
/// `message.chat.id`): a user's id for private chats, `-id` for small groups, `-100…` for
/// supergroups and channels. Usable in `filter = chat(..)` lists and `Bot.toml` alike.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(command = "id")]
/// async fn id(ChatId(chat): ChatId) -> String {
///     format!("this chat is {chat}")
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatId(pub i64);

impl ChatId {
    /// The id of `peer`, numbered as the Bot API does.
    pub fn of(peer: PeerId) -> Self {
        ChatId(peer.bot_api_dialog_id_unchecked())
    }
}

impl std::fmt::Display for ChatId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromUpdate for ChatId {
    const KINDS: Kinds = Kinds::MESSAGES.and(Kinds::of(&[
        Kind::CallbackQuery,
        Kind::DeletedMessages,
        Kind::ChatMember,
        Kind::JoinRequest,
        Kind::BotStopped,
    ]));

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.chat_id()
            .map(ChatId::of)
            .ok_or_else(|| Rejection::mismatch("the update has no chat"))
    }
}
