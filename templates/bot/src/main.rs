//! {{project-name}}: an oxygram {% if account == "bot" %}bot{% else %}userbot{% endif %}.
//!
//! Handlers live in `src/plugins/`, one plugin per file; `Bot.toml` configures the rest.

// The handlers are in the library (src/lib.rs, shared with tests/bot.rs); naming it links
// them into this binary.
use {{crate_name}} as _;

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
