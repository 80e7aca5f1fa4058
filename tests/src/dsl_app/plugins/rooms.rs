//! Chat-type filters: answers group messages only.

use oxygram::prelude::*;

async fn in_group(msg: Message, Sender(sender): Sender) -> Result<()> {
    msg.respond(format!(
        "{} wrote in the group: {}",
        sender.name().unwrap_or("someone"),
        msg.text()
    ))
    .await?;
    Ok(())
}
register!(in_group: NewMessage, oxygram::handler::Trigger::None,
    group = 3, filter = filters::group & filters::text & !filters::private, description = None, outgoing = false;
    (Message, Sender));
