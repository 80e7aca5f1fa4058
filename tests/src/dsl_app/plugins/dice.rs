//! `/roll <n> <sides>`: typed arguments, and the usage reply when they do not parse.

use oxygram::prelude::*;

#[handler(command = "roll")]
async fn roll(msg: Message, Args((n, sides)): Args<(u8, u32)>) -> Result<()> {
    msg.reply(format!("rolling {n}d{sides}")).await?;
    Ok(())
}
