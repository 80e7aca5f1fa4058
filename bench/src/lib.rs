//! Echo-bot benchmarks on the testkit: oxygram against a hand-written grammers loop, Telethon
//! and kurigram (Pyrogram's maintained fork), side by side in one run.
//!
//! A Rust framework has to earn its place on speed and footprint, and one built on grammers
//! must cost almost nothing over grammers itself. Numbers from different days on a shared
//! 2-core machine mean little, so every implementation runs against the same local Telegram in
//! the same invocation, interleaved in rounds (A B C D, A B C D, ...), and the report takes
//! medians over rounds.
//!
//! One run: the driver starts a fresh [`oxygram_testkit::TestKit`] with one bot and K users,
//! issues a logged-in session to the bot ([`bot`]), spawns the bot as its own process (so its
//! CPU time and peak RSS are its alone, read from `/proc` by [`proc_stats`]), waits for its
//! ready line, warms every chat up with one message, then K scripted users each send N
//! messages one after another, waiting for each echo ([`load`]). [`report`] turns the runs into
//! the tables, [`markdown`] writes them into `BENCHMARKS.md`.
//!
//! oxygram-only figures: start-to-ready with an existing session ([`startup`]), the routing
//! criterion bench ([`routing`]) and the clean build of a generated template project
//! ([`template`]).

pub mod bot;
pub mod error;
pub mod harness;
pub mod implementation;
pub mod load;
pub mod machine;
pub mod markdown;
pub mod proc_stats;
pub mod report;
pub mod routing;
pub mod startup;
pub mod template;

pub use error::BenchError;
pub use harness::{Harness, RunFigures};
pub use implementation::Implementation;

/// The API id and hash every bot uses against the testkit.
pub const API_ID: i32 = 12345;
/// See [`API_ID`].
pub const API_HASH: &str = "0123456789abcdef0123456789abcdef";
/// The benchmark bot's token; its sessions are issued already logged in.
pub const BOT_TOKEN: &str = "123456:BENCHTOKEN";
/// The benchmark bot's username.
pub const BOT_USERNAME: &str = "bench_bot";
