//! A handler that panics and one that returns an error.

use oxygram::prelude::*;

#[handler(command = "boom")]
async fn boom(_msg: Message) -> Result<()> {
    panic!("boom on purpose");
}

#[handler(command = "fail")]
async fn fail(_msg: Message) -> Result<()> {
    Err("the database is down".into())
}

/// Edits its own reply to the text it already has, then says which typed RPC error
/// Telegram's refusal is (`TelegramError`, matched the way handlers do).
#[handler(command = "same")]
async fn same(msg: Message) -> Result<()> {
    let sent = msg.reply("unchanged").await?;
    let kind = match sent.edit("unchanged").await {
        Ok(()) => "edited".to_owned(),
        Err(error) => match error.telegram_error() {
            Some(TelegramError::MessageNotModified) => "not modified".to_owned(),
            other => format!("{other:?}: {error}"),
        },
    };
    msg.respond(kind).await?;
    Ok(())
}
