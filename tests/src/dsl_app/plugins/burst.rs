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

/// `/burst_client N`: the same burst through the `Client` extractor's `send_message`.
#[handler(command = "burst_client")]
async fn burst_client(msg: Message, client: Client, Args(n): Args<u32>) -> Result<()> {
    let chat = msg.peer_ref().await?.ok_or("the chat is not cached")?;
    for i in 1..=n {
        client.send_message(chat, format!("client {i}")).await?;
    }
    Ok(())
}
