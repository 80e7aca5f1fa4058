//! Own outgoing messages: `mirror` answers anything starting with "mirror", its own answers
//! included if it saw them; `own` asks for outgoing messages and records them.

use oxygram::prelude::*;

use super::SeenOwn;

#[handler(regex = "^mirror")]
async fn mirror(msg: Message) -> Result<()> {
    msg.reply(format!("mirror: {}", msg.text())).await?;
    Ok(())
}

#[handler(message, filter = outgoing, group = 1)]
async fn own(Text(text): Text, State(seen): State<SeenOwn>) {
    seen.0.lock().unwrap().push(text);
}
