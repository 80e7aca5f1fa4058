//! The smallest oxygram bot: it greets on /start and sends every other text back.
//!
//! ```text
//! cargo run --example echo -- --sandbox
//! printf '/start\nhello\n' | cargo run --example echo -- --sandbox
//! ```

use oxygram::prelude::*;

/// Greets whoever starts the bot.
#[handler(command = "start", description = "Say hello")]
async fn start(msg: Message) -> Result<()> {
    msg.reply("Hi! Send me any text and I will send it back.")
        .await?;
    Ok(())
}

/// Sends text back. It is in the same group as `start`, and only the first matching handler
/// of a group runs (handlers with a trigger, like `command`, are tried before catch-alls
/// like this one), so /start is answered once.
#[handler(message, filter = text)]
async fn echo(msg: Message) -> Result<()> {
    msg.reply(msg.text()).await?;
    Ok(())
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
