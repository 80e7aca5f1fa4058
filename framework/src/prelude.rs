//! `use oxygram::prelude::*;`: what a plugin file needs.
//!
//! ```
//! use oxygram::prelude::*;
//!
//! #[handler(command = "start", description = "Say hello")]
//! async fn start(msg: Message) -> Result<()> {
//!     msg.reply("Hello!").await?;
//!     Ok(())
//! }
//! ```

pub use grammers_client::message::{Button, InputMessage, ReplyMarkup};
pub use grammers_client::peer::{Peer, User};
pub use grammers_client::tl;
pub use grammers_client::update::{
    CallbackQuery, InlineQuery, InlineSend, MessageDeletion, Update,
};

/// The client; its `send_message` and `forward_messages` wait for the throttle.
pub use crate::client::Client;
pub use crate::context::{Me, UpdateContext};
pub use crate::extract::{
    Args, BotStopped, CallbackData, Captures, Chat, ChatId, ChatMemberUpdated, CommandArgs,
    Commands, FromUpdate, JoinRequest, JoinedVia, MemberStatus, PluginConfig, RawUpdate, Rejection,
    Sender, ServiceAction, State, Text,
};
pub use crate::filters::{self, Filter, UserRef};
pub use crate::flood::{FloodWait, FloodWaitExt};
pub use crate::handler::{BoxError, Propagation};
/// The received message; its `reply`, `respond` and `forward_to` wait for the throttle.
pub use crate::message::Message;
pub use crate::peer_flood::{PeerFlood, PeerFloodExt};
pub use crate::plugin::{Plugin, PluginBuilder, PluginContext};
pub use crate::rpc_error::{TelegramError, TelegramErrorExt};
pub use oxygram_macros::handler;

/// `Result<()>` in handlers: `?` works on any error type.
pub type Result<T = (), E = BoxError> = std::result::Result<T, E>;
