//! The `start` plugin: a greeting and a help text.

use oxygram::prelude::*;

/// "/cmd - description" for every command of the menu (the enabled handlers with a
/// description), sorted, with the configured prefix.
fn help_text(commands: &Commands) -> String {
    format!("{{project-name}} commands:\n{}", commands.help())
}
{% if account == "bot" %}
/// Greets whoever starts the bot, with a button that says what it is.
#[handler(command = "start", description = "Say hello")]
async fn start(msg: Message) -> Result<()> {
    let about = ReplyMarkup::from_buttons(&[vec![Button::data("About", "about")]]);
    msg.reply(
        InputMessage::new()
            .text("Hello! I am {{project-name}}. Send /help to see what I can do.")
            .reply_markup(about),
    )
    .await?;
    Ok(())
}

/// A press on "About": the answer shows as a toast; the message stays as it is.
#[handler(callback = "about")]
async fn about(query: CallbackQuery) -> Result<()> {
    query
        .answer()
        .text("{{project-name}}, made with oxygram")
        .send()
        .await?;
    Ok(())
}

/// Lists the commands.
#[handler(command = "help", description = "List the commands")]
async fn help(commands: Commands) -> String {
    help_text(&commands)
}
{%- else %}
/// `.help` typed by you, in any chat: the message turns into the help text. `outgoing`
/// limits it to your own messages, so nobody else can trigger it.
#[handler(command = "help", description = "List the commands", filter = outgoing)]
async fn help(msg: Message, commands: Commands) -> Result<()> {
    msg.edit(help_text(&commands)).await?;
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
