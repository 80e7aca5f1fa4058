//! Greets people who join the group and points them at the rules note.
//!
//! Joins arrive as service messages (`messageService` with `messageActionChatAddUser`, a join
//! by link, or an approved join request), which Telegram delivers to bots in privacy mode
//! too; `service = "new_chat_members"` picks them out.

use oxygram::prelude::*;

/// The plugin: just the handler of this module (no state, no settings).
#[derive(Debug, Default)]
pub struct WelcomePlugin;

impl Plugin for WelcomePlugin {
    fn name(&self) -> &'static str {
        "welcome"
    }

    fn build(&self, _plugin: &mut PluginBuilder) {}
}

#[handler(service = "new_chat_members")]
async fn welcome(msg: Message, action: ServiceAction) -> Result<()> {
    let ServiceAction::NewChatMembers { user_ids, .. } = action else {
        return Ok(());
    };
    let greeting = match user_ids.len() {
        1 => "Welcome! Type /get rules to read the rules.".to_owned(),
        n => format!("Welcome, all {n} of you! Type /get rules to read the rules."),
    };
    msg.reply(greeting).await?;
    Ok(())
}
