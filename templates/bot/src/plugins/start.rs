//! The `start` plugin: a greeting and a help text.

use oxygram::dispatch::bot_commands;
use oxygram::handler;
use oxygram::handler::HandlerSpec;
use oxygram::prelude::*;

/// "/cmd - description" for every command with a description, sorted.
fn help_text() -> String {
    let mut commands = bot_commands(HandlerSpec::registered());
    commands.sort_by(|a, b| a.command.cmp(&b.command));
    let lines: Vec<String> = commands
        .iter()
        .map(|c| format!("{% if account == "bot" %}/{% else %}.{% endif %}{} - {}", c.command, c.description))
        .collect();
    format!("{{project-name}} commands:\n{}", lines.join("\n"))
}
{% if account == "bot" %}
/// Greets whoever starts the bot.
#[handler(command = "start", description = "Say hello")]
async fn start(msg: Message) -> Result<()> {
    msg.reply("Hello! I am {{project-name}}. Send /help to see what I can do.")
        .await?;
    Ok(())
}

/// Lists the commands.
#[handler(command = "help", description = "List the commands")]
async fn help(msg: Message) -> Result<()> {
    msg.reply(help_text()).await?;
    Ok(())
}
{%- else %}
/// `.help` typed by you, in any chat: the message turns into the help text. `outgoing`
/// limits it to your own messages, so nobody else can trigger it.
#[handler(command = "help", description = "List the commands", filter = outgoing)]
async fn help(msg: Message) -> Result<()> {
    msg.edit(help_text()).await?;
    Ok(())
}

/// `.start`: shows that the userbot is running.
#[handler(command = "start", description = "Check that the userbot runs", filter = outgoing)]
async fn start(msg: Message) -> Result<()> {
    msg.edit("{{project-name}} is running. Type .help for the commands.")
        .await?;
    Ok(())
}
{%- endif %}
