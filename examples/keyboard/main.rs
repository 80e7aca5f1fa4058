//! An inline keyboard: each press edits the message it belongs to.
//!
//! ```text
//! cargo run --example keyboard -- --sandbox
//! > /start
//! > :press 2        (or :press +1)
//! > :press Close    (deletes the message)
//! ```

use oxygram::prelude::*;

/// The counter message: its text and the buttons that change it.
fn counter(value: i64) -> InputMessage {
    InputMessage::new()
        .text(format!("Counter: {value}"))
        .reply_markup(ReplyMarkup::from_buttons(&[
            vec![
                Button::data("-1", format!("count:{}", value - 1)),
                Button::data("+1", format!("count:{}", value + 1)),
            ],
            vec![
                Button::data("Reset", "count:0"),
                Button::data("Close", "close"),
            ],
        ]))
}

/// Sends a fresh counter.
#[handler(command = "start", description = "Show a counter with buttons")]
async fn start(msg: Message) -> Result<()> {
    msg.respond(counter(0)).await?;
    Ok(())
}

/// A press on any `count:<n>` button: the new value travels in the button's data, so the
/// bot keeps no state. `CallbackData<i64>` parses the part after `count:`.
#[handler(callback = "count:*")]
async fn count(query: CallbackQuery, CallbackData(value): CallbackData<i64>) -> Result<()> {
    query
        .answer()
        .text(format!("Now {value}"))
        .edit(counter(value))
        .await?;
    Ok(())
}

/// "Close" deletes the counter message.
#[handler(callback = "close")]
async fn close(query: CallbackQuery) -> Result<()> {
    query.answer().send().await?;
    query.load_message().await?.delete().await?;
    Ok(())
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
