//! `oxygram::testing` against itself: replies, button presses, handler errors, the app's own
//! error hook, "nothing more" (which must wait for handlers, not for a timer), userbots.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use oxygram::App;
use oxygram::handler::HandlerSpec;
use oxygram::prelude::*;
use oxygram::testing::{TestBot, TestError};

/// Only the handlers named here (until `oxygram::handlers![..]` exists).
fn only(names: &[&str]) -> Vec<HandlerSpec> {
    HandlerSpec::registered()
        .filter(|spec| names.contains(&spec.name()))
        .copied()
        .collect()
}

#[handler(command = "start")]
async fn start(msg: Message) -> Result<()> {
    let keyboard = ReplyMarkup::from_buttons(&[vec![
        Button::data("Ping", b"ping"),
        Button::data("Quiet", b"quiet"),
    ]]);
    msg.reply(InputMessage::new().text("Hello!").reply_markup(keyboard))
        .await?;
    Ok(())
}

#[handler(callback = "ping")]
async fn ping(query: CallbackQuery) -> Result<()> {
    query.answer().text("pong").send().await?;
    Ok(())
}

#[handler(callback = "quiet")]
async fn quiet_press(query: CallbackQuery) -> Result<()> {
    query.answer().send().await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("the weather service is down")]
struct WeatherDown;

#[handler(command = "weather")]
async fn weather(_msg: Message) -> Result<()> {
    Err(WeatherDown.into())
}

/// Answers twice, the second time only after work the test cannot see.
#[handler(command = "slow")]
async fn slow(msg: Message) -> Result<()> {
    msg.reply("working").await?;
    // Work (a CPU-bound loop, yielding) between the two replies: "nothing more" must wait
    // for the handler to return, whatever it does.
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    msg.reply("done").await?;
    Ok(())
}

#[tokio::test]
async fn reply_press_and_nothing_more() {
    let bot = TestBot::start(App::new().handlers(only(&["start", "ping", "quiet_press"])))
        .await
        .unwrap();
    assert!(bot.is_bot());
    let you = bot.user();

    let sent = you.send("/start").await.unwrap();
    let hello = you.next_message().await.unwrap();
    assert_eq!(hello.text, "Hello!");
    assert_eq!(hello.reply_to, Some(sent.id));
    assert_eq!(
        hello.sender_id,
        bot.kit().account_id(bot.username()).unwrap()
    );

    let answer = you.press(&hello, "Ping").await.unwrap();
    assert_eq!(answer.message.as_deref(), Some("pong"));
    let answer = you.press(&hello, "Quiet").await.unwrap();
    assert_eq!(answer.message, None);

    let missing = you.press(&hello, "Pong").await.unwrap_err();
    assert!(
        matches!(&missing, TestError::NoButton { buttons, .. } if buttons == &[vec!["Ping".to_owned(), "Quiet".to_owned()]]),
        "{missing}"
    );

    bot.expect_nothing_more(&[&you]).await.unwrap();
    // And "something more" is caught: an unread reply is reported, with its text.
    you.send("/start").await.unwrap();
    let err = bot.expect_nothing_more(&[&you]).await.unwrap_err();
    assert!(
        err.to_string().contains("@you received \"Hello!\""),
        "{err}"
    );
    assert!(bot.failures().is_empty(), "{:?}", bot.failures());
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn nothing_more_waits_for_running_handlers() {
    let bot = TestBot::start(App::new().handlers(only(&["slow"])))
        .await
        .unwrap();
    let you = bot.user();
    you.send("/slow").await.unwrap();
    assert_eq!(you.next_message().await.unwrap().text, "working");
    // The handler is still working: quiet comes only after its second reply.
    let err = bot.expect_nothing_more(&[&you]).await.unwrap_err();
    assert!(err.to_string().contains("received \"done\""), "{err}");
    bot.expect_nothing_more(&[&you]).await.unwrap();
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn handler_errors_are_recorded_and_the_apps_hook_still_runs() {
    let hooked = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&hooked);
    let app = App::new()
        .handlers(only(&["weather"]))
        .on_error(move |failure| {
            let seen = Arc::clone(&seen);
            async move {
                assert_eq!(failure.handler, "weather");
                seen.fetch_add(1, Ordering::SeqCst);
            }
        });
    let bot = TestBot::start(app).await.unwrap();
    let you = bot.user();
    you.send("/weather").await.unwrap();
    bot.expect_nothing_more(&[&you]).await.unwrap();

    let failures = bot.take_failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].handler, "weather");
    assert!(
        failures[0]
            .error
            .to_string()
            .contains("the weather service is down"),
        "{}",
        failures[0].error
    );
    assert_eq!(hooked.load(Ordering::SeqCst), 1);
    assert!(bot.failures().is_empty());
    bot.stop().await.unwrap();
}

/// A userbot: `.ping` typed by the account itself is edited into `pong`.
#[handler(regex = r"^\.ping$", filter = outgoing)]
async fn dot_ping(msg: Message) -> Result<()> {
    msg.edit("pong").await?;
    Ok(())
}

#[tokio::test]
async fn userbot_edits_its_own_message() {
    let bot = TestBot::start_userbot(App::new().handlers(only(&["dot_ping"])))
        .await
        .unwrap();
    assert!(!bot.is_bot());
    let me = bot.me();
    let friend = bot.user();
    me.send(".ping").await.unwrap();
    assert_eq!(friend.next_message().await.unwrap().text, ".ping");
    assert_eq!(friend.next_edit().await.unwrap().text, "pong");
    // Someone else's `.ping` is not the userbot's to answer.
    friend.send(".ping").await.unwrap();
    bot.expect_nothing_more(&[&friend]).await.unwrap();
    bot.stop().await.unwrap();
}
