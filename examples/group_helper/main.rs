//! A group helper: warnings, notes and a welcome for newcomers, each a plugin value
//! (`impl Plugin`) that brings its own state (`State<T>`) and `[plugins.<name>]` settings
//! (`PluginConfig<T>`).
//!
//! ```toml
//! # Bot.toml (both sections are optional: the defaults below apply without them)
//! [plugins.warnings]
//! limit = 3            # warnings before "limit reached"
//!
//! [plugins.notes]
//! max_notes = 20       # notes per chat
//! ```
//!
//! ```text
//! cargo run --example group_helper -- --sandbox
//! > /warn bob           (or reply /warn to bob's message in a group)
//! > /warnings
//! > /save rules Be nice
//! > /get rules
//! > :group
//! > :leave bob
//! > :join bob           (the bot welcomes bob back)
//! ```

mod plugins {
    pub mod notes;
    pub mod warnings;
    pub mod welcome;
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new()
        .plugin(plugins::warnings::WarningsPlugin)
        .plugin(plugins::notes::NotesPlugin)
        .plugin(plugins::welcome::WelcomePlugin)
        .run()
}
