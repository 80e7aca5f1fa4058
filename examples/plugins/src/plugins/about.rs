//! The `about` plugin: says where its handlers live.

use oxygram::prelude::*;

/// The `about` plugin: the handlers of this module.
#[derive(Debug, Default, Clone, Copy)]
pub struct About;

impl Plugin for About {
    fn name(&self) -> &'static str {
        "about"
    }

    fn build(&self, _plugin: &mut PluginBuilder) {}
}

/// Answers /about.
#[handler(command = "about", description = "Where this bot's handlers come from")]
async fn about(msg: Message) -> Result<()> {
    msg.reply("My handlers live in the oxygram-example-plugins library crate.")
        .await?;
    Ok(())
}
