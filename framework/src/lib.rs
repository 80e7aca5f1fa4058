//! oxygram: Telegram bots and userbots over MTProto, the Rust way.
//!
//! An app is a `Bot.toml` plus `#[handler]` functions and `App::new().run()`. Data flows
//! one way: config → client → updates → dispatcher → handler → client.
//!
//! # Module map
//! Lifecycle:
//! - [`config`]: `Bot.toml` + `OXYGRAM_*` environment, loaded with figment.
//! - [`session`]: the `<name>.session` file (locked, mode 0600).
//! - [`login`]: bot and user login, interactive or from config/code ([`login::Prompter`]).
//! - [`app`]: [`App`], which assembles all of it and runs until Ctrl+C/SIGTERM.
//! - [`log`]: tracing set up from `[log]` and `RUST_LOG`.
//! - [`sandbox`]: `--sandbox`, a chat with the app against an in-process local Telegram.
//! - `testing` (feature `testing`): the app's handlers in-process against a local Telegram,
//!   from tests, with scripted users and "nothing more happened" without sleeps.
//!
//! Handlers:
//! - [`handler`](macro@handler): the `#[handler]` attribute; [`mod@handler`] its runtime types.
//! - [`dispatch`]: groups, propagation, per-chat order, bounded concurrency.
//! - [`extract`]: typed handler arguments (`Message`, `Args<T>`, `State<T>`, `PluginConfig<T>`...).
//! - [`filters`]: built-in filters and their `&`, `|`, `!` combinators.
//! - [`message`]: [`Message`], the received message whose replies wait for the [`throttle`]
//!   (Telegram's sending limits, `[throttle]` in `Bot.toml`).
//! - [`flood`]: flood waits as a typed [`FloodWait`] (slow mode included), and the threshold
//!   oxygram sleeps under; [`peer_flood`]: `PEER_FLOOD` as a typed [`PeerFlood`];
//!   [`rpc_error`]: the RPC errors handlers meet often as a typed [`TelegramError`].
//! - [`middleware`]: code around every update's handling ([`middleware::RateLimit`],
//!   [`middleware::TraceUpdates`]).
//! - [`command`]: `/cmd@bot args` parsing.
//! - [`plugin`]: plugins as values ([`plugin::Plugin`]), plugin names and `[plugins]
//!   include/exclude`; [`job`]: their scheduled jobs.
//! - [`state`]: shared state registered with [`App::state`].
//! - [`prelude`]: everything a handler file usually needs.
//!
//! [`error`] holds the crate's one [`Error`] type.

#![warn(missing_docs)]

extern crate self as oxygram;

pub mod app;
pub mod client;
pub mod command;
pub mod config;
mod connectivity;
mod context;
pub mod dispatch;
pub mod error;
mod error_chain;
pub mod extract;
pub mod filters;
pub mod flood;
pub mod handler;
pub mod job;
pub mod log;
pub mod login;
pub mod message;
pub mod middleware;
pub mod peer_flood;
pub mod plugin;
pub mod prelude;
pub mod rpc_error;
mod run;
mod runtime;
pub mod sandbox;
pub mod session;
pub mod state;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;
mod util;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use app::App;
pub use client::Client;
pub use config::Config;
pub use error::{Error, Result};
pub use flood::{FloodWait, FloodWaitExt};
/// The `grammers` client crate oxygram is built on (types like `Message`, `InputMessage`,
/// `tl`), re-exported so apps use the exact same version.
pub use grammers_client as grammers;
pub use message::Message;
pub use oxygram_macros::handler;
pub use peer_flood::{PeerFlood, PeerFloodExt};
pub use rpc_error::{TelegramError, TelegramErrorExt};
pub use throttle::Throttle;
/// The `tracing` crate oxygram logs with, re-exported: `oxygram::tracing::info!(..)` in
/// handlers lands in the same subscriber, `[log]` and `RUST_LOG` included.
pub use tracing;
