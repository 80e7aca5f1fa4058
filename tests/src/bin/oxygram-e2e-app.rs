//! The app the end-to-end tests run as a process: `App::new().run()` with the echo handler
//! of [`oxygram_e2e::core_app`].
//!
//! It reads `Bot.toml` (or `--config PATH`) like any oxygram app.

use oxygram::App;
use oxygram_e2e::core_app::ECHO;

fn main() -> oxygram::Result<()> {
    App::new().handlers([ECHO]).run()
}
