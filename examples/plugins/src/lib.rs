//! Plugins in their own library crate.
//!
//! Handlers here register themselves like handlers in a binary, with one catch: a library
//! the binary never names is not linked, and its handlers vanish with it. The app names the
//! crate once (`use oxygram_example_plugins as _;`, see `examples/external_plugins/main.rs`).
//!
//! Each module under `plugins` is one plugin, named after the module (`about`, `dice`), so
//! `Bot.toml` can switch them with `[plugins] include`/`exclude`.

pub mod plugins {
    pub mod about;
    pub mod dice;
}
