//! What an update is ([`Kind`]) and what, beyond its kind, selects it for a handler
//! ([`Trigger`]): the two facts routing and extractors agree on.

use std::fmt;

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

/// A set of [`Kind`]s: the kinds of update an extractor works for
/// ([`FromUpdate::KINDS`](crate::extract::FromUpdate::KINDS)).
///
/// `raw` handlers see every update, so every extractor may work for them: every set
/// contains [`Kind::Raw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds(u16);

impl Kinds {
    /// Every kind: extractors that read what every update has (the client, state, config).
    pub const ALL: Kinds = Kinds(u16::MAX);

    /// The kinds that carry a message: new, edited and service messages.
    pub const MESSAGES: Kinds = Kinds::of(&[Kind::NewMessage, Kind::EditedMessage, Kind::Service]);

    /// These kinds (and `raw`).
    pub const fn of(kinds: &[Kind]) -> Kinds {
        let mut bits = 1 << Kind::Raw.index();
        let mut i = 0;
        while i < kinds.len() {
            bits |= 1 << kinds[i].index();
            i += 1;
        }
        Kinds(bits)
    }

    /// These kinds and `other`'s.
    pub const fn and(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    /// Whether `kind` is in the set.
    pub const fn contains(self, kind: Kind) -> bool {
        self.0 & (1 << kind.index()) != 0
    }
}
