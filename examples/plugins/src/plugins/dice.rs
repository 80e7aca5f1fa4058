//! The `dice` plugin: a deterministic "roll" so tests can check the answer.

use oxygram::prelude::*;

/// The `dice` plugin: the handlers of this module.
#[derive(Debug, Default, Clone, Copy)]
pub struct Dice;

impl Plugin for Dice {
    fn name(&self) -> &'static str {
        "dice"
    }

    fn build(&self, _plugin: &mut PluginBuilder) {}
}

/// `/sum 1 2 3` adds the numbers.
#[handler(command = "sum", description = "Add up numbers: /sum 1 2 3")]
async fn sum(msg: Message, CommandArgs(args): CommandArgs) -> Result<()> {
    let mut total: i64 = 0;
    for word in args.split_whitespace() {
        match word.parse::<i64>() {
            Ok(n) => total = total.saturating_add(n),
            Err(_) => {
                msg.reply(format!("`{word}` is not a whole number")).await?;
                return Ok(());
            }
        }
    }
    msg.reply(format!("Sum: {total}")).await?;
    Ok(())
}
