//! Groups and propagation: group -1 audits everything; `/chain` runs A (continue) and B in
//! group 0, then C in group 1 (stop), so `tail` in group 2 never sees it; `/halt` stops in
//! group 0.

use oxygram::prelude::*;

use super::Audit;

#[handler(message, group = -1)]
async fn audit(Text(text): Text, State(audit): State<Audit>) {
    audit.0.lock().unwrap().push(text);
}

#[handler(command = "chain")]
async fn chain_a(msg: Message) -> Result<Propagation> {
    msg.reply("A").await?;
    Ok(Propagation::Continue)
}

#[handler(regex = "^/chain")]
async fn chain_b(msg: Message) -> Result<()> {
    msg.reply("B").await?;
    Ok(())
}

#[handler(command = "chain", group = 1)]
async fn chain_c(msg: Message) -> Result<Propagation> {
    msg.reply("C").await?;
    Ok(Propagation::Stop)
}

#[handler(command = "halt")]
async fn halt(msg: Message) -> Result<Propagation> {
    msg.reply("halt").await?;
    Ok(Propagation::Stop)
}

#[handler(message, group = 2)]
async fn tail(msg: Message) -> Result<()> {
    msg.reply("tail").await?;
    Ok(())
}
