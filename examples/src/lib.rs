//! Runnable oxygram examples, the `[[example]]` targets of this package.
//!
//! | example | shows | try it |
//! |---|---|---|
//! | `echo` | the smallest bot | `cargo run --example echo -- --sandbox` |
//! | `commands` | typed command arguments, a /help generated from handler descriptions | `/roll 2 6` |
//! | `keyboard` | an inline keyboard whose callbacks edit the message | `/start`, then `:press 1` |
//! | `inline` | inline queries | `:inline rust`, then `:pick 1` |
//! | `userbot` | a user account reacting to its own `.ping` | `--sandbox=user`, then `.ping` |
//! | `external_plugins` | plugins from a separate library crate, linked by naming them | `/about` |
//! | `group_helper` | plugins as values with their own config (`PluginConfig<T>`) and state (`State<T>`) | `/warn`, `/warnings` |
//!
//! Each runs against real Telegram too: put a `Bot.toml` with your `api_id`, `api_hash` and
//! `bot_token` in the current directory (or pass `--config PATH`) and drop `--sandbox`.
