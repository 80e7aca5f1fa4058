//! `/start` and `/help`, with descriptions (the bot command menu).

use oxygram::prelude::*;

#[handler(command = "start", filter = private, description = "Say hello")]
async fn start(msg: Message, Sender(sender): Sender) -> Result<()> {
    msg.reply(format!("Hello, {}!", sender.name().unwrap_or("stranger")))
        .await?;
    Ok(())
}

#[handler(command = "help", description = "Show help")]
async fn help(msg: Message) -> Result<()> {
    msg.reply("Commands: /start /roll").await?;
    Ok(())
}
