//! [`ServiceAction`]: what a service message says happened.
//!
//! Telegram reports members joining and leaving, pins, title and photo changes, a chat's
//! creation and its migration to a supergroup as `messageService` messages with a
//! `MessageAction`. oxygram routes them as their own kind (`#[handler(service)]`) rather than
//! as new messages: a `message` handler that echoes text would otherwise answer every join
//! with an empty reply. The names are the Bot API's message fields, which Pyrogram's filters
//! also use, so `service = "new_chat_members"` reads as it does there.

use grammers_client::tl;

use super::{FromUpdate, Rejection, StartupContext, StartupError, require_trigger};
use crate::context::Kind;
use crate::context::UpdateContext;

/// The action of a service message, typed.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(service = "new_chat_members")]
/// async fn welcome(msg: Message, action: ServiceAction) -> Result {
///     if let ServiceAction::NewChatMembers { user_ids, .. } = action {
///         msg.reply(format!("Welcome, {} new member(s)!", user_ids.len())).await?;
///     }
///     Ok(())
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServiceAction {
    /// Users joined: added by the message's sender, by themselves, by an invite link or
    /// after their join request was approved (`new_chat_members`).
    NewChatMembers {
        /// The users who joined.
        user_ids: Vec<i64>,
        /// How they joined.
        via: JoinedVia,
    },
    /// A user left, or was removed by the message's sender (`left_chat_member`).
    LeftChatMember {
        /// The user who is gone.
        user_id: i64,
    },
    /// A message was pinned; its id, when Telegram says which (`pinned_message`).
    PinnedMessage {
        /// The pinned message's id.
        message_id: Option<i32>,
    },
    /// The chat's title changed (`new_chat_title`).
    NewChatTitle {
        /// The new title.
        title: String,
    },
    /// The chat's photo changed (`new_chat_photo`).
    NewChatPhoto,
    /// The chat's photo was removed (`delete_chat_photo`).
    DeleteChatPhoto,
    /// A basic group was created (`group_chat_created`).
    GroupChatCreated {
        /// Its title.
        title: String,
        /// The members it was created with.
        user_ids: Vec<i64>,
    },
    /// A supergroup or channel was created (`channel_chat_created`).
    ChannelChatCreated {
        /// Its title.
        title: String,
    },
    /// This basic group became a supergroup; messages now go there (`migrate_to_chat_id`).
    MigrateToChatId {
        /// The supergroup's bare channel id.
        channel_id: i64,
    },
    /// This supergroup was a basic group before (`migrate_from_chat_id`).
    MigrateFromChatId {
        /// The old basic group's bare chat id.
        chat_id: i64,
        /// The old group's title.
        title: String,
    },
    /// Any other action (calls, payments, topics, ...), as Telegram sent it (`other`).
    Other(Box<tl::enums::MessageAction>),
}

/// How members of a [`ServiceAction::NewChatMembers`] joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoinedVia {
    /// Added by the message's sender; the sender adding themselves is joining a public
    /// group by its username.
    Added,
    /// Through an invite link made by `inviter_id`.
    InviteLink {
        /// Who made the link.
        inviter_id: i64,
    },
    /// Their join request was approved.
    Request,
}

/// Every name [`ServiceAction::name`] can return, for `service = ".."` and its checks.
pub const SERVICE_ACTION_NAMES: &[&str] = &[
    "new_chat_members",
    "left_chat_member",
    "pinned_message",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "group_chat_created",
    "channel_chat_created",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "other",
];

impl ServiceAction {
    /// Reads Telegram's action.
    pub fn from_raw(action: &tl::enums::MessageAction) -> Self {
        use tl::enums::MessageAction as A;
        match action {
            A::ChatAddUser(a) => ServiceAction::NewChatMembers {
                user_ids: a.users.clone(),
                via: JoinedVia::Added,
            },
            A::ChatJoinedByLink(a) => ServiceAction::NewChatMembers {
                // The joiner is the message's sender; the action names only the inviter.
                user_ids: Vec::new(),
                via: JoinedVia::InviteLink {
                    inviter_id: a.inviter_id,
                },
            },
            A::ChatJoinedByRequest => ServiceAction::NewChatMembers {
                user_ids: Vec::new(),
                via: JoinedVia::Request,
            },
            A::ChatDeleteUser(a) => ServiceAction::LeftChatMember { user_id: a.user_id },
            A::PinMessage => ServiceAction::PinnedMessage { message_id: None },
            A::ChatEditTitle(a) => ServiceAction::NewChatTitle {
                title: a.title.clone(),
            },
            A::ChatEditPhoto(_) => ServiceAction::NewChatPhoto,
            A::ChatDeletePhoto => ServiceAction::DeleteChatPhoto,
            A::ChatCreate(a) => ServiceAction::GroupChatCreated {
                title: a.title.clone(),
                user_ids: a.users.clone(),
            },
            A::ChannelCreate(a) => ServiceAction::ChannelChatCreated {
                title: a.title.clone(),
            },
            A::ChatMigrateTo(a) => ServiceAction::MigrateToChatId {
                channel_id: a.channel_id,
            },
            A::ChannelMigrateFrom(a) => ServiceAction::MigrateFromChatId {
                chat_id: a.chat_id,
                title: a.title.clone(),
            },
            other => ServiceAction::Other(Box::new(other.clone())),
        }
    }

    /// Reads a service message's action, filling in what Telegram puts on the message
    /// rather than in the action (the joiner of a link or request, the pinned message).
    pub fn of_message(message: &grammers_client::message::Message) -> Option<Self> {
        let mut action = Self::from_raw(message.action()?);
        match &mut action {
            ServiceAction::NewChatMembers { user_ids, .. } if user_ids.is_empty() => {
                if let Some(sender) = message.sender_id().and_then(|id| id.bare_id()) {
                    user_ids.push(sender);
                }
            }
            ServiceAction::PinnedMessage { message_id } => {
                // grammers' `reply_to_message_id` reads only regular messages; a pin names
                // its message in the service message's own reply header.
                if let tl::enums::Message::Service(service) = &message.raw
                    && let Some(tl::enums::MessageReplyHeader::Header(header)) = &service.reply_to
                {
                    *message_id = header.reply_to_msg_id;
                }
            }
            _ => {}
        }
        Some(action)
    }

    /// The action's name: one of [`SERVICE_ACTION_NAMES`], as `service = ".."` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            ServiceAction::NewChatMembers { .. } => "new_chat_members",
            ServiceAction::LeftChatMember { .. } => "left_chat_member",
            ServiceAction::PinnedMessage { .. } => "pinned_message",
            ServiceAction::NewChatTitle { .. } => "new_chat_title",
            ServiceAction::NewChatPhoto => "new_chat_photo",
            ServiceAction::DeleteChatPhoto => "delete_chat_photo",
            ServiceAction::GroupChatCreated { .. } => "group_chat_created",
            ServiceAction::ChannelChatCreated { .. } => "channel_chat_created",
            ServiceAction::MigrateToChatId { .. } => "migrate_to_chat_id",
            ServiceAction::MigrateFromChatId { .. } => "migrate_from_chat_id",
            ServiceAction::Other(_) => "other",
        }
    }
}

impl FromUpdate for ServiceAction {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::Service]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        cx.message()
            .and_then(|m| ServiceAction::of_message(m))
            .ok_or_else(|| Rejection::mismatch("the update is not a service message"))
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "ServiceAction", "a `service` handler", |_| {
            matches!(startup.kind(), Kind::Service | Kind::Raw)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_name_is_listed_once() {
        let actions = [
            ServiceAction::NewChatMembers {
                user_ids: vec![],
                via: JoinedVia::Added,
            },
            ServiceAction::LeftChatMember { user_id: 1 },
            ServiceAction::PinnedMessage { message_id: None },
            ServiceAction::NewChatTitle { title: "t".into() },
            ServiceAction::NewChatPhoto,
            ServiceAction::DeleteChatPhoto,
            ServiceAction::GroupChatCreated {
                title: "t".into(),
                user_ids: vec![],
            },
            ServiceAction::ChannelChatCreated { title: "t".into() },
            ServiceAction::MigrateToChatId { channel_id: 1 },
            ServiceAction::MigrateFromChatId {
                chat_id: 1,
                title: "t".into(),
            },
            ServiceAction::Other(Box::new(tl::enums::MessageAction::HistoryClear)),
        ];
        let names: Vec<_> = actions.iter().map(ServiceAction::name).collect();
        assert_eq!(names, SERVICE_ACTION_NAMES);
    }

    #[test]
    fn reads_telegram_actions() {
        use tl::enums::MessageAction as A;
        let joined =
            ServiceAction::from_raw(&A::ChatAddUser(tl::types::MessageActionChatAddUser {
                users: vec![7, 8],
            }));
        assert_eq!(
            joined,
            ServiceAction::NewChatMembers {
                user_ids: vec![7, 8],
                via: JoinedVia::Added
            }
        );
        let moved =
            ServiceAction::from_raw(&A::ChatMigrateTo(tl::types::MessageActionChatMigrateTo {
                channel_id: 42,
            }));
        assert_eq!(moved.name(), "migrate_to_chat_id");
    }
}
