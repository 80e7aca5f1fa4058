//! The bot's command menu (`bots.setBotCommands`), fed by handler descriptions.

use std::collections::HashSet;

use grammers_client::{Client, InvocationError, tl};

use crate::handler::{HandlerSpec, Trigger};

pub use crate::command::BotCommand;

/// The command menu for these handlers: each command of a handler with a `description`,
/// first occurrence wins, in the given order.
pub fn bot_commands<'a>(specs: impl IntoIterator<Item = &'a HandlerSpec>) -> Vec<BotCommand> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for spec in specs {
        let (Trigger::Commands(commands), Some(description)) = (spec.trigger, spec.description)
        else {
            continue;
        };
        for command in commands {
            let command = command.to_lowercase();
            if seen.insert(command.clone()) {
                out.push(BotCommand {
                    command,
                    description: description.to_owned(),
                });
            }
        }
    }
    out
}

/// Sends the menu with `bots.setBotCommands` (default scope, all languages).
pub async fn set_bot_commands(
    client: &Client,
    commands: &[BotCommand],
) -> Result<(), InvocationError> {
    let request = tl::functions::bots::SetBotCommands {
        scope: tl::enums::BotCommandScope::Default,
        lang_code: String::new(),
        commands: commands
            .iter()
            .map(|c| {
                tl::enums::BotCommand::Command(tl::types::BotCommand {
                    command: c.command.clone(),
                    description: c.description.clone(),
                    ephemeral: false,
                })
            })
            .collect(),
    };
    client.invoke(&request).await?;
    Ok(())
}
