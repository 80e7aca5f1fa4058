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

/// `/slowpoke` (for a slow-mode group): two replies in a row, then a private note to the
/// sender saying what became of each (`first sent, second: slow mode 30s`).
#[handler(command = "slowpoke")]
async fn slowpoke(msg: Message, client: Client) -> Result<()> {
    let mut outcome = Vec::new();
    for text in ["first", "second"] {
        match msg.reply(text).await {
            Ok(_) => outcome.push(format!("{text} sent")),
            Err(e) => match e.flood_wait() {
                Some(wait) if wait.is_slow_mode() => {
                    outcome.push(format!("{text}: slow mode {}s", wait.wait.as_secs()));
                }
                Some(wait) => outcome.push(format!("{text}: flood {}s", wait.wait.as_secs())),
                None => return Err(e.into()),
            },
        }
    }
    let sender = msg.sender_id().ok_or("no sender")?;
    // A bot may write to a user who wrote to it with access hash 0.
    let sender = oxygram::grammers::session::types::PeerRef {
        id: sender,
        auth: Default::default(),
    };
    client.send_message(sender, outcome.join(", ")).await?;
    Ok(())
}
