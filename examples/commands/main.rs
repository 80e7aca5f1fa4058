//! Commands with typed arguments, and a /help generated from the handlers' descriptions.
//!
//! ```text
//! cargo run --example commands -- --sandbox
//! > /help
//! > /roll 2 6          (two six-sided dice)
//! > /roll two six      (wrong types: oxygram answers with the usage)
//! > /greet Ada Lovelace
//! ```

use oxygram::dispatch::bot_commands;
use oxygram::handler;
use oxygram::handler::HandlerSpec;
use oxygram::prelude::*;

/// Lists every command that has a description: the same list oxygram sends to Telegram for
/// the bot's command menu.
#[handler(commands = ["help", "start"], description = "List the commands")]
async fn help(msg: Message) -> Result<()> {
    let mut commands = bot_commands(HandlerSpec::registered());
    commands.sort_by(|a, b| a.command.cmp(&b.command));
    let lines: Vec<String> = commands
        .iter()
        .map(|c| format!("/{} - {}", c.command, c.description))
        .collect();
    msg.reply(format!("Commands:\n{}", lines.join("\n")))
        .await?;
    Ok(())
}

/// `/roll 2 6`: arguments are parsed into the tuple's types; `/roll x` gets a usage reply
/// (`Usage: /roll <u8> <u32>`) without this function running.
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
