//! Plugins in their own library crate.
//!
//! Handlers here register themselves like handlers in a binary, with one catch: a library
//! the binary never names is not linked, and its handlers vanish with it. This one exports
//! its plugins as values, [`About`] and [`Dice`]: the app names them
//! (`App::new().plugin(About).plugin(Dice)`, see `examples/external_plugins/main.rs`), which
//! links the crate.
//!
//! Each module under `plugins` is one plugin, named after the module (`about`, `dice`), so
//! `Bot.toml` can switch them with `[plugins] include`/`exclude`.

pub mod plugins {
    pub mod about;
    pub mod dice;
}

pub use plugins::about::About;
pub use plugins::dice::Dice;
