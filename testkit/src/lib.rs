//! A local Telegram: a real MTProto server on loopback that the unmodified grammers client
//! (and Telethon) talks to over TCP.
//!
//! Telegram is unreachable from tests, and a mock of the client API proves nothing about the
//! protocol. The testkit is the other end of the wire instead: clients connect with a session
//! it issued (the MTProto key exchange needs Telegram's private keys, so sessions come with a
//! pre-registered auth key), log in with Telegram's own RPCs and errors, and receive updates
//! pushed the way Telegram pushes them. Tests drive the other side with [`ScriptedUser`]s and
//! inject faults through [`TestKit`].
//!
//! # Example
//!
//! A complete test: a grammers echo bot (the code under test) answers a scripted user.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use grammers_client::Client;
//! use grammers_client::update::Update;
//! use grammers_mtsender::{SenderPool, UpdatesConfiguration};
//! use grammers_session::storages::MemorySession;
//! use oxygram_testkit::{Bot, TestKit, User, World};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let kit = TestKit::start(
//!     World::new()
//!         .app(12345, "0123456789abcdef0123456789abcdef")
//!         .bot(Bot::new("123456:TESTTOKEN").username("echo_bot").name("Echo"))
//!         .user(User::new("+15550001").first_name("Alice").username("alice")),
//! )
//! .await?;
//!
//! // The bot under test: the real grammers client with a session the kit issued.
//! let session = Arc::new(MemorySession::from(kit.session_data()));
//! let SenderPool { runner, handle, updates } = SenderPool::new(session, 12345);
//! let client = Client::new(handle.clone());
//! tokio::spawn(runner.run());
//! client
//!     .bot_sign_in("123456:TESTTOKEN", "0123456789abcdef0123456789abcdef")
//!     .await?;
//! let mut stream = client
//!     .stream_updates(updates, UpdatesConfiguration { catch_up: true })
//!     .await?;
//! tokio::spawn(async move {
//!     while let Ok(update) = stream.next().await {
//!         if let Update::NewMessage(message) = update
//!             && !message.outgoing()
//!         {
//!             let _ = message.reply(format!("echo: {}", message.text())).await;
//!         }
//!     }
//! });
//!
//! // The test drives a user on the server side and checks what the bot did.
//! let alice = kit.user("alice");
//! let sent = alice.send_text("echo_bot", "/start").await?;
//! let reply = alice.next_message(Duration::from_secs(5)).await?;
//! assert_eq!(reply.text, "echo: /start");
//! assert_eq!(reply.reply_to, Some(sent.id));
//! assert!(kit.rpc_log().iter().any(|call| call.method == "messages.sendMessage"));
//!
//! handle.quit();
//! kit.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! More: `testkit/tests/` drives grammers through logins, 2FA, groups, channels, buttons,
//! inline queries, media, faults, catch-up and restarts; `tests/telethon/` does the same
//! with Telethon. Things to know:
//!
//! - grammers connects lazily: a client receives pushed updates only after its first
//!   request (a login, `get_me`, ...).
//! - Scripted users act server-side and observe through their own queues:
//!   [`ScriptedUser::next_message`], [`ScriptedUser::next_edit`],
//!   [`ScriptedUser::next_deletion`]; every wait takes a timeout.
//! - Unknown methods are answered with `400 METHOD_NOT_SUPPORTED_BY_TESTKIT` and a warning
//!   naming them, never a hang.
//! - The service layer is Telegram's: a client's first message on a connection carries salt 0
//!   and is refused with `bad_server_salt` (clients resend it), a new session id gets
//!   `new_session_created`, and salts rotate hourly ([`TestKit::rotate_salts`] shortens
//!   that; [`TestKit::service_stats`] counts what happened).
//! - It is as strict as Telegram, never kinder: the server finds entities (mentions, links,
//!   hashtags, cashtags, bot commands, e-mail addresses) in what clients send and sets
//!   `mentioned`; incoming private messages carry no `from_id`; user, group and channel ids
//!   exceed 2^32; captions stop at 1024 characters and texts at 4096; an edit without a
//!   keyboard removes it; a bot that answers a button press after 15 s
//!   ([`World::callback_answer_deadline`]) gets `QUERY_ID_INVALID`.
//! - Group changes are Telegram's (see `membership`): [`ScriptedUser::join_group`],
//!   [`ScriptedUser::add_to_group`], [`ScriptedUser::leave_group`],
//!   [`ScriptedUser::kick_from_group`], [`ScriptedUser::pin_message`],
//!   [`ScriptedUser::set_group_title`], [`ScriptedUser::set_group_photo`],
//!   [`ScriptedUser::create_group`], [`ScriptedUser::migrate_group`] post service messages
//!   (full `updates`, every bot receives them), and bots get participant updates on their
//!   `qts`; so do join requests ([`ScriptedUser::request_to_join`], [`Group::join_requests`])
//!   and stopped bots ([`ScriptedUser::block_bot`]). `updates.getDifference` honours `qts`
//!   (see `qts`). [`TestKit::add_member`] stays silent, for setting a scene.
//! - A bot cannot write first to a user (`PEER_ID_INVALID`) nor to one who blocked it
//!   (`403 USER_IS_BLOCKED`); in supergroups and channels, senders the viewer never met are
//!   `min` users (see `min_users`).
//! - Channels fall behind as on Telegram: more pending updates than the request's `limit` (100
//!   for users, 100000 for bots, capped by [`World::channel_box_limit`]) get
//!   `updates.channelDifferenceTooLong`; the channel updates an account had no connection
//!   for come in its `updates.getDifference` (more than 100 of one channel: one
//!   `updateChannelTooLong` instead).
//! - Several data centres: [`HOME_DC`] and every DC named by [`World::data_centre`] or
//!   [`User::dc`], each its own listener ([`TestKit::dc_addr`]), listed by `help.getConfig`.
//!   Sessions hold one key per DC (accepted on that DC only); a DC where the account did not
//!   log in answers `401 AUTH_KEY_UNREGISTERED` until `auth.importAuthorization` of what
//!   `auth.exportAuthorization` gave; a number on another DC gets `303 PHONE_MIGRATE_X`, a
//!   file stored elsewhere `303 FILE_MIGRATE_X`; updates are pushed on the home DC only.
//!
//! # Module map
//!
//! | module | what |
//! |---|---|
//! | [`wire`] | framing (Full, Abridged, Intermediate), MTProto 2.0 server crypto, service messages, sessions and rotating server salts |
//! | `server` | TCP accept loop, per-connection reader/writer, answering and pushing |
//! | `rpc` | method dispatch, one file per TL namespace (`auth`, `messages`, `updates`, ...) |
//! | `state` | the live world: accounts, groups and channels, boxes, update logs, keys |
//! | `delivery` | sending, editing and deleting into every box a message touches |
//! | `interactions` | callback queries and inline queries that wait for a bot |
//! | `tl_build` | every TL object literal the server sends (the one file a layer bump touches) |
//! | `entities` | the entities the server finds in sent text (a subset of TDLib's finders) |
//! | `mentions` | who a message mentions, for its copies' `mentioned` flag |
//! | `srp` | server-side SRP for 2FA passwords |
//! | [`world`] | the world description ([`World`], [`Bot`], [`User`], [`Group`]) |
//! | [`world_file`] | the TOML world file format (`World::from_file`) |
//! | `kit` | the driver: [`TestKit`], [`ScriptedUser`], faults |
//! | `observed` | what tests read: [`ObservedMessage`], [`Button`], [`RpcCall`] |
//! | `session` | issuing grammers sessions (memory and SQLite) |
//! | `faults` | connection-level fault switches, transient server errors ([`TransientError`]) |
//! | `persist` | saving the live world to a file and restoring it on restart |
//! | `resend` | deduplicating resent sends by `random_id`, as Telegram does |
//! | `membership` | joins, leaves, kicks, pins, renames, join requests, stopped bots, migration: service messages and participant updates |
//! | `qts` | the secondary update sequence (bot updates numbered by `qts`) |
//! | [`quiet`] | quiet markers: when an app has taken in everything pushed to it |
//! | `min_users` | which senders a viewer gets as `min` users, and `input*FromMessage` |
//!
//! Secrets: auth keys, bot tokens and 2FA passwords never appear in logs or `Debug` output.
//! Login codes are logged on purpose: the testkit is its users' phone.

#![warn(missing_docs)]

mod delivered;
mod delivery;
mod entities;
mod error;
mod faults;
mod interactions;
mod kit;
pub mod limits;
mod membership;
mod mentions;
mod min_users;
mod observed;
mod persist;
mod privacy;
mod qts;
pub mod quiet;
mod random;
mod resend;
mod rpc;
mod server;
mod session;
mod srp;
mod state;
mod tl_build;
pub mod wire;
pub mod world;
pub mod world_file;

pub use error::Error;
pub use faults::TransientError;
pub use kit::{ScriptedUser, TestKit};
pub use limits::{Limits, Window};
pub use observed::{
    BotCommand, Button, CallbackAnswer, ChatKind, Deletion, InlineResult, InlineResults,
    ObservedMedia, ObservedMessage, RpcCall, ServiceAction,
};
pub use rpc::RpcFail;
pub use session::HOME_DC;
pub use wire::sessions::ServiceStats;
pub use world::{Bot, Group, User, World};

/// TL objects built from the fields tests vary, by the same literals the server sends: code
/// that needs raw TL peers or messages (oxygram's routing fixture) builds them here, so a
/// layer upgrade touches one file (`tl_build`).
///
/// ```
/// use grammers_tl_types as tl;
/// use oxygram_testkit::tl_objects::{MessageObject, PeerRef};
///
/// let mut message = MessageObject::new(7, PeerRef::User(42).to_tl(), "/start");
/// message.reply_to = Some(6);
/// let tl::enums::Message::Message(raw) = message.to_tl() else {
///     unreachable!("a regular message")
/// };
/// assert_eq!((raw.id, raw.message.as_str()), (7, "/start"));
/// assert!(raw.reply_to.is_some() && raw.fwd_from.is_none());
/// ```
pub mod tl_objects {
    pub use crate::tl_build::{
        ChannelObject, ForwardObject, GroupObject, MessageObject, PeerRef, ServiceObject,
        UserObject, banned_rights, reply_header,
    };
}
