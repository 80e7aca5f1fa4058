//! Groups and propagation: group -1 audits everything; `/chain` runs A (continue) and B in
//! group 0, then C in group 1 (stop), so `tail` in group 2 never sees it; `/halt` stops in
//! group 0.

use oxygram::prelude::*;

use super::Audit;

async fn audit(Text(text): Text, State(audit): State<Audit>) {
    audit.0.lock().unwrap().push(text);
}
register!(audit: NewMessage, oxygram::handler::Trigger::None,
    group = -1, filter = Filter::always(), description = None, outgoing = false;
    (Text, State<Audit>));

async fn chain_a(msg: Message) -> Result<Propagation> {
    msg.reply("A").await?;
    Ok(Propagation::Continue)
}
register!(chain_a: NewMessage, oxygram::handler::Trigger::Commands(&["chain"]),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn chain_b(msg: Message) -> Result<()> {
    msg.reply("B").await?;
    Ok(())
}
register!(chain_b: NewMessage, oxygram::handler::Trigger::Regex("^/chain"),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn chain_c(msg: Message) -> Result<Propagation> {
    msg.reply("C").await?;
    Ok(Propagation::Stop)
}
register!(chain_c: NewMessage, oxygram::handler::Trigger::Commands(&["chain"]),
    group = 1, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn halt(msg: Message) -> Result<Propagation> {
    msg.reply("halt").await?;
    Ok(Propagation::Stop)
}
register!(halt: NewMessage, oxygram::handler::Trigger::Commands(&["halt"]),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn tail(msg: Message) -> Result<()> {
    msg.reply("tail").await?;
    Ok(())
}
register!(tail: NewMessage, oxygram::handler::Trigger::None,
    group = 2, filter = Filter::always(), description = None, outgoing = false;
    (Message));
