//! The `about` plugin: says where its handlers live.

use oxygram::handler;
use oxygram::prelude::*;

/// Answers /about.
#[handler(command = "about", description = "Where this bot's handlers come from")]
async fn about(msg: Message) -> Result<()> {
    msg.reply("My handlers live in the oxygram-example-plugins library crate.")
        .await?;
    Ok(())
}
