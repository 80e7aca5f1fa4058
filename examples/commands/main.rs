//! Commands with typed arguments, and a /help generated from the handlers' descriptions.
//!
//! ```text
//! cargo run --example commands -- --sandbox
//! > /help
//! > /roll 2 6          (two six-sided dice)
//! > /roll two six      (wrong types: oxygram answers with the usage)
//! > /greet Ada Lovelace
//! ```

use oxygram::prelude::*;

/// Lists every command that has a description: the `Commands` extractor is the menu oxygram
/// sends to Telegram, so `[plugins] include/exclude` and the command prefix are respected.
#[handler(commands = ["help", "start"], description = "List the commands")]
async fn help(commands: Commands) -> String {
    format!("Commands:\n{}", commands.help())
}

/// `/roll 2 6`: arguments are parsed into the tuple's types; `/roll x` gets a usage reply
/// (`Usage: /roll <count> <sides>`, named after the pattern below) without this function running.
#[handler(command = "roll", description = "Roll dice: /roll <count> <sides>")]
async fn roll(msg: Message, Args((count, sides)): Args<(u8, u32)>) -> Result<()> {
    if count == 0 || sides == 0 {
        msg.reply("Roll at least one die with at least one side.")
            .await?;
        return Ok(());
    }
    // A deterministic "roll" (the highest face) keeps the example free of a random crate.
    let total = u64::from(count) * u64::from(sides);
    msg.reply(format!("Rolled {count}d{sides}: best case {total}"))
        .await?;
    Ok(())
}

/// `/greet Ada Lovelace`: a trailing `String` takes the rest of the text.
#[handler(command = "greet", description = "Greet someone: /greet <name>")]
async fn greet(msg: Message, Args(name): Args<String>) -> Result<()> {
    msg.reply(format!("Hello, {name}!")).await?;
    Ok(())
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
