//! `/roll <n> <sides>`: typed arguments, and the usage reply when they do not parse.

use oxygram::prelude::*;

async fn roll(msg: Message, Args((n, sides)): Args<(u8, u32)>) -> Result<()> {
    msg.reply(format!("rolling {n}d{sides}")).await?;
    Ok(())
}
register!(roll: NewMessage, oxygram::handler::Trigger::Commands(&["roll"]),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message, Args<(u8, u32)>));
