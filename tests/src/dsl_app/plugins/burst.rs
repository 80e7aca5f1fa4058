//! The throttle: `/burst N` answers with N replies in a row, as fast as the handler can ask
//! (`burst 1`, `burst 2`, ...). Without a throttle Telegram would refuse most of them.

use oxygram::prelude::*;

#[handler(command = "burst")]
async fn burst(msg: Message, Args(n): Args<u32>) -> Result<()> {
    for i in 1..=n {
        msg.reply(format!("burst {i}")).await?;
    }
    Ok(())
}
