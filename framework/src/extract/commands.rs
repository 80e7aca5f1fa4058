//! [`Commands`]: the app's command menu, as a handler argument (a `/help` that is true).

use super::{FromUpdate, Kinds, Rejection};
use crate::command::BotCommand;
use crate::context::UpdateContext;

/// The commands of the enabled handlers that have a description, in routing order: the
/// menu oxygram sends to Telegram (`[plugins] include/exclude` applied), with the app's
/// first command prefix.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(commands = ["help", "start"], description = "List the commands")]
/// async fn help(commands: Commands) -> String {
///     format!("Commands:\n{}", commands.help())
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commands {
    commands: Vec<BotCommand>,
    prefix: String,
}

impl Commands {
    /// The menu's entries.
    pub fn list(&self) -> &[BotCommand] {
        &self.commands
    }

    /// One line per command, `/name - description`, sorted by name.
    pub fn help(&self) -> String {
        let mut commands: Vec<&BotCommand> = self.commands.iter().collect();
        commands.sort_by(|a, b| a.command.cmp(&b.command));
        commands
            .iter()
            .map(|c| format!("{}{} - {}", self.prefix, c.command, c.description))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl FromUpdate for Commands {
    const KINDS: Kinds = Kinds::ALL;

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Ok(Commands {
            commands: cx.shared().menu.get().cloned().unwrap_or_default(),
            prefix: cx
                .config()
                .dispatch
                .command_prefixes
                .first()
                .cloned()
                .unwrap_or_else(|| "/".to_owned()),
        })
    }
}
