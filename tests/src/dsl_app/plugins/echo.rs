//! A regex trigger with captures, and a catch-all for private text.

use oxygram::prelude::*;

async fn echo_word(msg: Message, caps: Captures) -> Result<()> {
    msg.reply(format!("echo: {}", caps.name("word").unwrap_or_default()))
        .await?;
    Ok(())
}
register!(echo_word: NewMessage, oxygram::handler::Trigger::Regex(r"^echo (?<word>.+)$"),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message, Captures));

async fn said(msg: Message, Text(text): Text) -> Result<()> {
    msg.reply(format!("you said: {text}")).await?;
    Ok(())
}
register!(said: NewMessage, oxygram::handler::Trigger::None,
    group = 0, filter = filters::text & filters::private, description = None, outgoing = false;
    (Message, Text));
