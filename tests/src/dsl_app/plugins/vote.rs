//! Callback queries: `/poll` sends buttons; `vote:*` answers with the `*` part; a catch-all
//! answers every other button.

use oxygram::prelude::*;

async fn poll(msg: Message) -> Result<()> {
    let buttons = ReplyMarkup::from_buttons(&[vec![
        Button::data("Up", "vote:up"),
        Button::data("Down", "vote:down"),
        Button::data("Other", "other"),
    ]]);
    msg.reply(InputMessage::new().text("Vote!").reply_markup(buttons))
        .await?;
    Ok(())
}
register!(poll: NewMessage, oxygram::handler::Trigger::Commands(&["poll"]),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (Message));

async fn vote(q: CallbackQuery, CallbackData(choice): CallbackData<String>) -> Result<()> {
    q.answer().text(format!("voted {choice}")).send().await?;
    Ok(())
}
register!(vote: CallbackQuery, oxygram::handler::Trigger::Callback("vote:*"),
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (CallbackQuery, CallbackData<String>));

async fn other_button(q: CallbackQuery) -> Result<()> {
    q.answer().alert("unknown button").send().await?;
    Ok(())
}
register!(other_button: CallbackQuery, oxygram::handler::Trigger::None,
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (CallbackQuery));
