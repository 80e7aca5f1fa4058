//! {{project-name}}: the handlers, in a library so that `tests/bot.rs` runs the very same ones
//! in-process (`oxygram::testing`); `src/main.rs` runs them against Telegram.

pub mod plugins;
