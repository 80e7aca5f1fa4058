//! Own outgoing messages: `mirror` answers anything starting with "mirror", its own answers
//! included if it saw them; `own` asks for outgoing messages and records them.

use oxygram::prelude::*;

use super::SeenOwn;

async fn mirror(msg: Message) -> Result<()> {
    msg.reply(format!("mirror: {}", msg.text())).await?;
    Ok(())
}
register!(mirror: NewMessage, oxygram::handler::Trigger::Regex("^mirror"),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn own(Text(text): Text, State(seen): State<SeenOwn>) {
    seen.0.lock().unwrap().push(text);
}
register!(own: NewMessage, oxygram::handler::Trigger::None,
    group = 1, filter = filters::outgoing, description = None, outgoing = false;
    (Text, State<SeenOwn>));
