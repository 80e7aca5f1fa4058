//! The oxygram echo bot under test: one `#[handler]` that replies with the received text.
//!
//! It is what a user of the framework writes (`examples/echo` minus `/start`), built in release
//! and configured by the `Bot.toml` the driver writes (`OXYGRAM_CONFIG`). Ready is oxygram's
//! own startup line, `receiving updates`, on stderr.

use oxygram::handler;
use oxygram::prelude::*;

/// Replies to every text message with the same text.
#[handler(message, filter = text)]
async fn echo(msg: Message) -> Result<()> {
    msg.reply(msg.text()).await?;
    Ok(())
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
