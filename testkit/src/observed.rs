//! What tests observe: messages as a scripted user sees them, and the record of RPCs.

use grammers_tl_types as tl;

use crate::state::{Media, StoredMessage};
use crate::tl_build::PeerRef;

/// A message as the scripted user who received it sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedMessage {
    /// The message id in the receiver's box (use it to reply, edit or press buttons).
    pub id: i32,
    /// The chat it is in: for a private chat, the other user's id.
    pub chat_id: i64,
    /// Whether the chat is private, a basic group or a supergroup/channel.
    pub chat_kind: ChatKind,
    /// Who sent it.
    pub sender_id: i64,
    /// The text (or caption).
    pub text: String,
    /// Formatting entities, as Telegram sends them.
    pub entities: Vec<tl::enums::MessageEntity>,
    /// Inline keyboard buttons, row by row.
    pub buttons: Vec<Vec<Button>>,
    /// The id (in the receiver's box) of the message it replies to.
    pub reply_to: Option<i32>,
    /// Unix time it was sent.
    pub date: i32,
    /// Unix time of the last edit.
    pub edit_date: Option<i32>,
    /// The bot it was sent via (inline results).
    pub via_bot_id: Option<i64>,
    /// The original sender, for forwarded messages.
    pub forwarded_from: Option<i64>,
    /// The attached photo or document.
    pub media: Option<ObservedMedia>,
    /// For a service message (`messageService`: a join, a leave, a pin, ...), what happened;
    /// its `text` is empty. Scripted users receive these with
    /// [`ScriptedUser::next_service_message`](crate::ScriptedUser::next_service_message),
    /// not [`ScriptedUser::next_message`](crate::ScriptedUser::next_message).
    pub service: Option<ServiceAction>,
}

/// What a service message says happened (its `MessageAction`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceAction {
    /// `messageActionChatCreate`: a basic group was created with these members.
    ChatCreated {
        /// Its title.
        title: String,
        /// The members it was created with.
        users: Vec<i64>,
    },
    /// `messageActionChannelCreate`: a supergroup or channel was created.
    ChannelCreated {
        /// Its title.
        title: String,
    },
    /// `messageActionChatAddUser`: the sender added these users (the sender alone: joined a
    /// public supergroup by themselves).
    Added {
        /// Who was added.
        users: Vec<i64>,
    },
    /// `messageActionChatJoinedByLink`: the sender joined through an invite link.
    JoinedByLink {
        /// The link's creator.
        inviter: i64,
    },
    /// `messageActionChatJoinedByRequest`: an admin approved the sender's join request.
    JoinedByRequest,
    /// `messageActionChatDeleteUser`: `user` left (when it is the sender) or was removed.
    Removed {
        /// Who left or was removed.
        user: i64,
    },
    /// `messageActionPinMessage`: the sender pinned the message in `reply_to`.
    Pinned,
    /// `messageActionChatEditTitle`.
    TitleChanged {
        /// The new title.
        title: String,
    },
    /// `messageActionChatEditPhoto`.
    PhotoChanged,
    /// `messageActionChatMigrateTo`: this basic group became the supergroup `channel_id`.
    MigratedTo {
        /// The new supergroup.
        channel_id: i64,
    },
    /// `messageActionChannelMigrateFrom`: this supergroup was the basic group `chat_id`.
    MigratedFrom {
        /// The old basic group.
        chat_id: i64,
        /// Its title.
        title: String,
    },
    /// Any other action.
    Other,
}

impl ServiceAction {
    pub(crate) fn from_tl(action: &tl::enums::MessageAction) -> Self {
        use tl::enums::MessageAction as A;
        match action {
            A::ChatCreate(a) => Self::ChatCreated {
                title: a.title.clone(),
                users: a.users.clone(),
            },
            A::ChannelCreate(a) => Self::ChannelCreated {
                title: a.title.clone(),
            },
            A::ChatAddUser(a) => Self::Added {
                users: a.users.clone(),
            },
            A::ChatJoinedByLink(a) => Self::JoinedByLink {
                inviter: a.inviter_id,
            },
            A::ChatJoinedByRequest => Self::JoinedByRequest,
            A::ChatDeleteUser(a) => Self::Removed { user: a.user_id },
            A::PinMessage => Self::Pinned,
            A::ChatEditTitle(a) => Self::TitleChanged {
                title: a.title.clone(),
            },
            A::ChatEditPhoto(_) => Self::PhotoChanged,
            A::ChatMigrateTo(a) => Self::MigratedTo {
                channel_id: a.channel_id,
            },
            A::ChannelMigrateFrom(a) => Self::MigratedFrom {
                chat_id: a.chat_id,
                title: a.title.clone(),
            },
            _ => Self::Other,
        }
    }
}

/// What kind of chat a message is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// A private chat; `chat_id` is the other user.
    Private,
    /// A basic group.
    Group,
    /// A supergroup or broadcast channel.
    Channel,
}

/// A photo or document attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedMedia {
    /// `true` for a photo, `false` for a document.
    pub is_photo: bool,
    /// The file name.
    pub name: String,
    /// The MIME type.
    pub mime_type: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl ObservedMessage {
    pub(crate) fn from_stored(m: &StoredMessage) -> Self {
        let chat_id = m.peer.bare_id();
        Self {
            id: m.id,
            chat_id,
            chat_kind: match m.peer {
                PeerRef::User(_) => ChatKind::Private,
                PeerRef::Chat(_) => ChatKind::Group,
                PeerRef::Channel(_) => ChatKind::Channel,
            },
            sender_id: m.from,
            text: m.text.clone(),
            entities: m.entities.clone(),
            buttons: buttons(m.reply_markup.as_ref()),
            reply_to: m.reply_to,
            date: m.date,
            edit_date: m.edit_date,
            via_bot_id: m.via_bot,
            forwarded_from: m.forward.as_ref().map(|f| f.from),
            media: m.media.as_ref().map(|media| {
                let (is_photo, file) = match media {
                    Media::Photo(f) => (true, f),
                    Media::Document(f) => (false, f),
                };
                ObservedMedia {
                    is_photo,
                    name: file.name.clone(),
                    mime_type: file.mime_type.clone(),
                    bytes: file.bytes.to_vec(),
                }
            }),
            service: m.action.as_ref().map(ServiceAction::from_tl),
        }
    }

    pub(crate) fn peer(&self) -> PeerRef {
        match self.chat_kind {
            ChatKind::Private => PeerRef::User(self.chat_id),
            ChatKind::Group => PeerRef::Chat(self.chat_id),
            ChatKind::Channel => PeerRef::Channel(self.chat_id),
        }
    }

    /// The button with this text, if the message has one.
    pub fn button(&self, text: &str) -> Option<&Button> {
        self.buttons.iter().flatten().find(|b| b.text == text)
    }
}

/// One inline keyboard button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// The label.
    pub text: String,
    /// Callback data, for callback buttons.
    pub data: Option<Vec<u8>>,
    /// The URL, for URL buttons.
    pub url: Option<String>,
}

pub(crate) fn buttons(markup: Option<&tl::enums::ReplyMarkup>) -> Vec<Vec<Button>> {
    let Some(tl::enums::ReplyMarkup::ReplyInlineMarkup(markup)) = markup else {
        return Vec::new();
    };
    markup
        .rows
        .iter()
        .map(|tl::enums::KeyboardInlineButtonRow::Row(row)| {
            row.buttons
                .iter()
                .map(|tl::enums::KeyboardInlineButton::Button(b)| Button {
                    text: b.text.clone(),
                    data: match &b.r#type {
                        tl::enums::InlineButtonType::Callback(c) => Some(c.data.clone()),
                        _ => None,
                    },
                    url: match &b.r#type {
                        tl::enums::InlineButtonType::Url(u) => Some(u.url.clone()),
                        _ => None,
                    },
                })
                .collect()
        })
        .collect()
}

/// One RPC a client made, as recorded by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcCall {
    /// The account the calling key was logged in as (before the call).
    pub account: Option<i64>,
    /// The TL method name, e.g. `messages.sendMessage`.
    pub method: String,
    /// The error name when the call failed, e.g. `PHONE_CODE_INVALID`.
    pub error: Option<String>,
}

/// Messages deleted from a chat, as the user who saw them go sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The chat they were in (the other user's id for private chats).
    pub chat_id: i64,
    /// Their ids in this user's box (or the channel).
    pub ids: Vec<i32>,
}

/// What a bot answered to a button press.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallbackAnswer {
    /// The toast or alert text.
    pub message: Option<String>,
    /// Shown as an alert (modal) rather than a toast.
    pub alert: bool,
    /// A URL to open.
    pub url: Option<String>,
}

/// One result a bot offered for an inline query.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineResult {
    /// The bot's id for the result (pass it to pick the result).
    pub id: String,
    /// The result type (`article`, `photo`, ...).
    pub kind: String,
    /// Its title.
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// The text sent when the result is picked.
    pub text: String,
    /// Formatting of `text`.
    pub entities: Vec<tl::enums::MessageEntity>,
    /// A keyboard attached to the sent message.
    pub reply_markup: Option<tl::enums::ReplyMarkup>,
}

/// A bot's answer to an inline query.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineResults {
    /// The query id (needed to pick a result).
    pub query_id: i64,
    /// The bot that answered.
    pub bot_id: i64,
    /// The results, in the bot's order.
    pub results: Vec<InlineResult>,
}

impl InlineResults {
    /// The result with this id.
    pub fn get(&self, id: &str) -> Option<&InlineResult> {
        self.results.iter().find(|r| r.id == id)
    }
}

/// A command a bot registered with `bots.setBotCommands`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotCommand {
    /// The command without the slash.
    pub command: String,
    /// Its description.
    pub description: String,
}
