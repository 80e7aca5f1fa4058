//! {{project-name}}: an oxygram {% if account == "bot" %}bot{% else %}userbot{% endif %}.
//!
//! Handlers live in `src/plugins/`, one plugin per file; `Bot.toml` configures the rest.

mod plugins;

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
