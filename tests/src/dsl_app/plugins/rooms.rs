//! Chat-type filters: answers group messages only.

use oxygram::prelude::*;

#[handler(message, filter = group & text & !private, group = 3)]
async fn in_group(msg: Message, Sender(sender): Sender) -> Result<()> {
    msg.respond(format!(
        "{} wrote in the group: {}",
        sender.name().unwrap_or("someone"),
        msg.text()
    ))
    .await?;
    Ok(())
}
