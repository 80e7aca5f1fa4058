//! Callback queries: `/poll` sends buttons; `vote:*` answers with the `*` part; a catch-all
//! answers every other button.

use oxygram::prelude::*;

#[handler(command = "poll")]
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

#[handler(callback = "vote:*")]
async fn vote(q: CallbackQuery, CallbackData(choice): CallbackData<String>) -> Result<()> {
    q.answer().text(format!("voted {choice}")).send().await?;
    Ok(())
}

#[handler(callback_query)]
async fn other_button(q: CallbackQuery) -> Result<()> {
    q.answer().alert("unknown button").send().await?;
    Ok(())
}
