//! oxygram: Telegram bots and userbots over MTProto, the Rust way.
//!
//! An app is a `Bot.toml` plus `#[handler]` functions and `App::new().run()`.
//!
//! # Module map
//! - [`config`]: `Bot.toml` + environment, loaded with figment.
//! - [`dispatch`]: routes updates to registered handlers.
//! - [`state`]: shared state handlers extract with `State<T>`.
//! - [`error`]: the crate's error type.

pub mod config;
pub mod dispatch;
pub mod error;
pub mod state;

pub use config::Config;
pub use error::{Error, Result};

extern crate self as oxygram;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
pub mod command;
pub mod extract;
pub mod filters;
pub mod handler;
pub mod plugin;
pub mod prelude;

/// The `grammers` client crate oxygram is built on (types like `Message`, `InputMessage`,
/// `tl`), re-exported so apps use the exact same version.
pub use grammers_client as grammers;
pub mod app;
pub mod log;
pub mod login;
mod runtime;
pub mod session;
pub use app::App;
pub mod sandbox;
pub use oxygram_macros::handler;
