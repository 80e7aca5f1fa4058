//! Per-chat order and cross-chat concurrency.
//!
//! `/seq N` sleeps longer for smaller N before answering: run concurrently, the answers of
//! one chat would come back reversed. `/wait` (alice) blocks until `/open` (bob) runs: if
//! chats were handled one at a time, `/open` would wait behind `/wait` and alice would get
//! "gave up".

use std::time::Duration;

use oxygram::prelude::*;

use super::Gate;

#[handler(command = "seq")]
async fn seq(msg: Message, Args(n): Args<u64>) -> Result<()> {
    tokio::time::sleep(Duration::from_millis(40 * 4u64.saturating_sub(n))).await;
    msg.reply(format!("seq {n}")).await?;
    Ok(())
}

#[handler(command = "wait")]
async fn wait(msg: Message, State(gate): State<Gate>) -> Result<()> {
    let answer = match tokio::time::timeout(Duration::from_secs(8), gate.0.notified()).await {
        Ok(()) => "waited",
        Err(_) => "gave up",
    };
    msg.reply(answer).await?;
    Ok(())
}

#[handler(command = "open")]
async fn open(msg: Message, State(gate): State<Gate>) -> Result<()> {
    gate.0.notify_one();
    msg.reply("opened").await?;
    Ok(())
}
