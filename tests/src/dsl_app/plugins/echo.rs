//! A regex trigger with captures, and a catch-all for private text.

use oxygram::prelude::*;

#[handler(regex = r"^echo (?<word>.+)$")]
async fn echo_word(msg: Message, caps: Captures) -> Result<()> {
    msg.reply(format!("echo: {}", caps.name("word").unwrap_or_default()))
        .await?;
    Ok(())
}

#[handler(message, filter = text & private)]
async fn said(msg: Message, Text(text): Text) -> Result<()> {
    msg.reply(format!("you said: {text}")).await?;
    Ok(())
}
