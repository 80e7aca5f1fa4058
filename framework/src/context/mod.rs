//! [`UpdateContext`]: one update as a handler sees it.
//!
//! The update-wide part (the grammers update, the parsed command, the app's shared values) is
//! behind one `Arc` and computed once; the per-handler part (plugin name, regex captures, the
//! callback wildcard) is small and filled in by the router when it offers the update to a
//! handler. Cloning a context is therefore two reference-count bumps, which is what lets async
//! filters take it by value.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use grammers_client::peer::Peer;
use grammers_client::session::types::PeerId;
use grammers_client::update::{
    CallbackQuery, InlineQuery, InlineSend, Message, MessageDeletion, Update,
};
use grammers_client::{Client, tl};
use grammers_session::storages::ErasedSession;

use crate::command::{CommandParser, ParsedCommand};
use crate::config::Config;
use crate::state::States;

mod captures;
mod kind;
mod me;

pub use captures::Captures;
pub use kind::{Kind, Kinds, Trigger};
pub use me::Me;

/// Values shared by every update of one running app.
pub(crate) struct Shared {
    pub(crate) client: Client,
    pub(crate) me: Me,
    pub(crate) config: Arc<Config>,
    pub(crate) states: States,
    pub(crate) parser: CommandParser,
    /// The app's throttle of outgoing messages (`[throttle]`).
    pub(crate) throttle: crate::throttle::Throttle,
    pub(crate) session: Option<Arc<ErasedSession>>,
    /// The command menu of the enabled handlers (what `bots.setBotCommands` gets), set once
    /// the router is built; the [`Commands`](crate::extract::Commands) extractor reads it.
    pub(crate) menu: std::sync::OnceLock<Vec<crate::command::BotCommand>>,
    /// `PluginConfig<T>` values deserialized at startup, keyed by plugin and type.
    pub(crate) plugin_configs: HashMap<(String, TypeId), Arc<dyn Any + Send + Sync>>,
    /// The names of the app's plugin values (registered plugins even without handlers).
    pub(crate) plugin_values: Vec<&'static str>,
}

/// The update-wide part of a context.
pub(crate) struct Incoming {
    pub(crate) update: Update,
    pub(crate) kind: Kind,
    pub(crate) command: Option<ParsedCommand>,
    pub(crate) shared: Arc<Shared>,
}

/// What the handler's trigger matched, for extractors to read.
#[derive(Clone, Default)]
pub(crate) enum Matched {
    #[default]
    Nothing,
    /// Regex captures (message regex or inline pattern).
    Captures(Arc<Captures>),
    /// The byte offset in the callback data where the pattern's `*` starts matching.
    CallbackRest(usize),
}

/// The handler-specific part of a context.
#[derive(Clone)]
pub(crate) struct Route {
    pub(crate) handler: &'static str,
    pub(crate) plugin: Arc<str>,
    pub(crate) matched: Matched,
}

/// One update, as offered to one handler: the update, the client, who we are, the shared
/// state and configuration, and what the handler's trigger matched.
///
/// Extractors ([`FromUpdate`](crate::extract::FromUpdate)) and filters read from it. It is
/// cheap to clone.
#[derive(Clone)]
pub struct UpdateContext {
    incoming: Arc<Incoming>,
    route: Option<Route>,
}

impl UpdateContext {
    pub(crate) fn new(incoming: Arc<Incoming>) -> Self {
        Self {
            incoming,
            route: None,
        }
    }

    pub(crate) fn with_route(&self, route: Route) -> Self {
        Self {
            incoming: Arc::clone(&self.incoming),
            route: Some(route),
        }
    }

    pub(crate) fn matched(&self) -> &Matched {
        static NOTHING: Matched = Matched::Nothing;
        self.route.as_ref().map_or(&NOTHING, |r| &r.matched)
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.incoming.shared
    }

    /// The update, as grammers delivered it.
    pub fn update(&self) -> &Update {
        &self.incoming.update
    }

    /// The kind the update was routed as.
    pub fn kind(&self) -> Kind {
        self.incoming.kind
    }

    /// The client to answer through.
    pub fn client(&self) -> &Client {
        &self.incoming.shared.client
    }

    /// The logged-in account.
    pub fn me(&self) -> &Me {
        &self.incoming.shared.me
    }

    /// The app's throttle of outgoing messages: [`crate::Message`]'s sends wait for it; put
    /// your own sends through [`Throttle::send`](crate::throttle::Throttle::send).
    pub fn throttle(&self) -> &crate::throttle::Throttle {
        &self.incoming.shared.throttle
    }

    /// The message of a new or edited message update, with sends that wait for the
    /// throttle (a clone of the update's message).
    pub fn throttled_message(&self) -> Option<crate::Message> {
        self.message()
            .map(|m| crate::Message::new(m.clone(), self.throttle().clone()))
    }

    /// The app's configuration.
    pub fn config(&self) -> &Config {
        &self.incoming.shared.config
    }

    /// The shared state registered on the app.
    pub fn states(&self) -> &States {
        &self.incoming.shared.states
    }

    /// The command the message starts with, if it is one addressed to this account.
    pub fn command(&self) -> Option<&ParsedCommand> {
        self.incoming.command.as_ref()
    }

    /// The name of the handler the update is being offered to (empty outside a handler).
    pub fn handler_name(&self) -> &str {
        self.route.as_ref().map_or("", |r| r.handler)
    }

    /// The plugin of the handler the update is being offered to (empty outside a handler).
    pub fn plugin(&self) -> &str {
        self.route.as_ref().map_or("", |r| &r.plugin)
    }

    /// The message of a new or edited message update.
    pub fn message(&self) -> Option<&Message> {
        match self.update() {
            Update::NewMessage(m) | Update::MessageEdited(m) => Some(m),
            _ => None,
        }
    }

    /// The callback query of a button press.
    pub fn callback_query(&self) -> Option<&CallbackQuery> {
        match self.update() {
            Update::CallbackQuery(q) => Some(q),
            _ => None,
        }
    }

    /// The inline query of an `@bot query` update.
    pub fn inline_query(&self) -> Option<&InlineQuery> {
        match self.update() {
            Update::InlineQuery(q) => Some(q),
            _ => None,
        }
    }

    /// The chosen inline result.
    pub fn inline_send(&self) -> Option<&InlineSend> {
        match self.update() {
            Update::InlineSend(s) => Some(s),
            _ => None,
        }
    }

    /// The deleted messages.
    pub fn deletion(&self) -> Option<&MessageDeletion> {
        match self.update() {
            Update::MessageDeleted(d) => Some(d),
            _ => None,
        }
    }

    /// The chat the update happened in, when it has one.
    pub fn chat_id(&self) -> Option<PeerId> {
        match self.update() {
            Update::NewMessage(m) | Update::MessageEdited(m) => Some(m.peer_id()),
            Update::CallbackQuery(q) => Some(q.peer_id()),
            Update::MessageDeleted(d) => d.channel_id().and_then(PeerId::channel),
            Update::Raw(raw) => raw_chat_id(raw),
            _ => None,
        }
    }

    /// The chat the update happened in, when it has one and it is in the update's peer cache.
    pub fn chat(&self) -> Option<&Peer> {
        match self.update() {
            Update::NewMessage(m) | Update::MessageEdited(m) => m.peer(),
            Update::CallbackQuery(q) => q.peer(),
            _ => None,
        }
    }

    /// Who caused the update, when known.
    pub fn sender_id(&self) -> Option<PeerId> {
        match self.update() {
            Update::NewMessage(m) | Update::MessageEdited(m) => {
                // grammers answers `self_user()` for our own private messages; use our real id
                // so user filters and `me` compare ids, not a sentinel.
                m.sender_id().map(|id| {
                    if id == PeerId::self_user() {
                        PeerId::user_unchecked(self.me().id)
                    } else {
                        id
                    }
                })
            }
            Update::CallbackQuery(q) => Some(q.sender_id()),
            Update::InlineQuery(q) => Some(q.sender_id()),
            Update::InlineSend(s) => Some(s.sender_id()),
            Update::Raw(raw) => raw_sender_id(raw),
            _ => None,
        }
    }

    /// Who caused the update, when known and in the update's peer cache.
    pub fn sender(&self) -> Option<&Peer> {
        match self.update() {
            Update::NewMessage(m) | Update::MessageEdited(m) => m.sender(),
            Update::CallbackQuery(q) => q.sender(),
            _ => None,
        }
    }

    /// The text handlers match against: message text, inline query text, or the chosen
    /// inline result's query.
    pub fn text(&self) -> Option<&str> {
        match self.update() {
            Update::NewMessage(m) | Update::MessageEdited(m) => Some(m.text()),
            Update::InlineQuery(q) => Some(q.text()),
            Update::InlineSend(s) => Some(s.text()),
            _ => None,
        }
    }

    /// The update's raw TL object.
    pub fn raw(&self) -> &grammers_client::tl::enums::Update {
        self.update().raw()
    }

    /// A short description of the update for logs: kind, chat, sender and message id.
    /// Never contains message text (it may hold secrets or personal data).
    pub fn summary(&self) -> String {
        let mut s = String::from(self.kind().as_str());
        if let Some(chat) = self.chat_id() {
            s.push_str(&format!(" chat={}", chat.bot_api_dialog_id_unchecked()));
        }
        if let Some(sender) = self.sender_id() {
            s.push_str(&format!(" from={}", sender.bot_api_dialog_id_unchecked()));
        }
        if let Some(m) = self.message() {
            s.push_str(&format!(" msg={}", m.id()));
        }
        if let Some(c) = self.command() {
            s.push_str(&format!(" command={}{}", c.prefix, c.name));
        }
        s
    }
}

impl fmt::Debug for UpdateContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateContext")
            .field("update", &self.summary())
            .field("handler", &self.handler_name())
            .field("plugin", &self.plugin())
            .finish()
    }
}

/// The chat of the raw updates oxygram routes as their own kinds.
pub(crate) fn raw_chat_id(raw: &tl::enums::Update) -> Option<PeerId> {
    match raw {
        tl::enums::Update::ChatParticipant(u) => Some(PeerId::chat_unchecked(u.chat_id)),
        tl::enums::Update::ChannelParticipant(u) => Some(PeerId::channel_unchecked(u.channel_id)),
        tl::enums::Update::BotChatInviteRequester(u) => Some(PeerId::from(&u.peer)),
        // A stop is about the private chat with the user.
        tl::enums::Update::BotStopped(u) => Some(PeerId::user_unchecked(u.user_id)),
        _ => None,
    }
}

/// Who caused the raw updates oxygram routes as their own kinds.
fn raw_sender_id(raw: &tl::enums::Update) -> Option<PeerId> {
    match raw {
        tl::enums::Update::ChatParticipant(u) => Some(PeerId::user_unchecked(u.actor_id)),
        tl::enums::Update::ChannelParticipant(u) => Some(PeerId::user_unchecked(u.actor_id)),
        tl::enums::Update::BotChatInviteRequester(u) => Some(PeerId::user_unchecked(u.user_id)),
        tl::enums::Update::BotStopped(u) => Some(PeerId::user_unchecked(u.user_id)),
        _ => None,
    }
}

/// The kind an update is routed as.
pub(crate) fn kind_of(update: &Update) -> Kind {
    match update {
        // Service messages are their own kind: see `Kind::Service`.
        Update::NewMessage(m) if m.action().is_some() => Kind::Service,
        Update::Raw(raw) => match &raw.raw {
            tl::enums::Update::ChatParticipant(_) | tl::enums::Update::ChannelParticipant(_) => {
                Kind::ChatMember
            }
            tl::enums::Update::BotChatInviteRequester(_) => Kind::JoinRequest,
            tl::enums::Update::BotStopped(_) => Kind::BotStopped,
            _ => Kind::Raw,
        },
        Update::NewMessage(_) => Kind::NewMessage,
        Update::MessageEdited(_) => Kind::EditedMessage,
        Update::MessageDeleted(_) => Kind::DeletedMessages,
        Update::CallbackQuery(_) => Kind::CallbackQuery,
        Update::InlineQuery(_) => Kind::InlineQuery,
        Update::InlineSend(_) => Kind::ChosenInlineResult,
        _ => Kind::Raw,
    }
}
