//! `/hi` answers alice by name: a `Sender` extractor and a `user(..)` filter, both of which
//! need the sender's user object, which Telegram's short updates do not carry.

use oxygram::prelude::*;

#[handler(command = "hi", filter = user("alice"))]
async fn hi(msg: Message, Sender(sender): Sender) -> Result<()> {
    msg.reply(format!(
        "Hi {}, I know you by name",
        sender.username().unwrap_or("-")
    ))
    .await?;
    Ok(())
}
