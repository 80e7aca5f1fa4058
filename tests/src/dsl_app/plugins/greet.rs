//! `/start` and `/help`, with descriptions (the bot command menu).

use oxygram::prelude::*;

async fn start(msg: Message, Sender(sender): Sender) -> Result<()> {
    msg.reply(format!("Hello, {}!", sender.name().unwrap_or("stranger")))
        .await?;
    Ok(())
}
register!(start: NewMessage, oxygram::handler::Trigger::Commands(&["start"]),
    group = 0, filter = filters::private, description = Some("Say hello"), outgoing = false;
    (Message, Sender));

async fn help(msg: Message) -> Result<()> {
    msg.reply("Commands: /start /roll").await?;
    Ok(())
}
register!(help: NewMessage, oxygram::handler::Trigger::Commands(&["help"]),
    group = 0, filter = Filter::always(), description = Some("Show help"), outgoing = false;
    (Message));
