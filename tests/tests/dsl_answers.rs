//! Handlers that return their answer, on the one test harness (`oxygram::testing`): a
//! command answered with its return value, a button press answered or turned into an edit,
//! `None` answering nothing, a returned error kept whole for `on_error`, the real command
//! menu, the chat id, and a usage reply that names the arguments.

use oxygram::App;
use oxygram::prelude::*;
use oxygram::testing::TestBot;

#[handler(command = "start", description = "Say hello")]
async fn start() -> &'static str {
    "Hi!"
}

#[handler(command = "shout", description = "Say it louder")]
async fn shout(CommandArgs(args): CommandArgs) -> Result<String> {
    Ok(args.to_uppercase())
}

#[handler(command = "menu")]
async fn menu() -> InputMessage {
    InputMessage::new()
        .text("page 1")
        .reply_markup(ReplyMarkup::from_buttons(&[vec![
            Button::data("Like", b"like"),
            Button::data("Next", b"next"),
        ]]))
}

#[handler(callback = "like")]
async fn like() -> &'static str {
    "Thanks!"
}

#[handler(callback = "next")]
async fn next() -> InputMessage {
    InputMessage::new().text("page 2")
}

#[handler(command = "maybe")]
async fn maybe(CommandArgs(args): CommandArgs) -> Option<String> {
    (!args.is_empty()).then(|| format!("you said {args}"))
}

#[derive(Debug, thiserror::Error)]
#[error("the shelf is empty")]
struct Empty;

#[handler(command = "take")]
async fn take() -> std::result::Result<String, Empty> {
    Err(Empty)
}

#[handler(command = "help", description = "List the commands")]
async fn help(commands: Commands) -> String {
    commands.help()
}

#[handler(command = "id")]
async fn id(ChatId(chat): ChatId) -> String {
    chat.to_string()
}

#[handler(command = "roll")]
async fn roll(Args((count, sides)): Args<(u8, u32)>) -> String {
    format!("{count}d{sides}")
}

fn app() -> App {
    App::new().handlers(oxygram::handlers![
        start, shout, menu, like, next, maybe, take, help, id, roll
    ])
}

#[tokio::test]
async fn returned_answers_reply_and_answer_button_presses() {
    let bot = TestBot::start(app()).await.expect("the bot starts");
    let you = bot.user();

    let sent = you.send("/start").await.unwrap();
    let hi = you.next_message().await.unwrap();
    assert_eq!(hi.text, "Hi!");
    assert_eq!(
        hi.reply_to,
        Some(sent.id),
        "an answer is a reply to the command"
    );

    you.send("/shout quiet please").await.unwrap();
    assert_eq!(you.next_message().await.unwrap().text, "QUIET PLEASE");

    you.send("/menu").await.unwrap();
    let page = you.next_message().await.unwrap();
    assert_eq!(page.text, "page 1");
    let answer = you.press(&page, "Like").await.unwrap();
    assert_eq!(answer.message.as_deref(), Some("Thanks!"));
    let answer = you.press(&page, "Next").await.unwrap();
    assert_eq!(
        answer.message, None,
        "a message answer edits, and the press has no text"
    );
    let edited = you.next_edit().await.unwrap();
    assert_eq!((edited.id, edited.text.as_str()), (page.id, "page 2"));

    you.send("/maybe").await.unwrap();
    you.send("/maybe so").await.unwrap();
    assert_eq!(you.next_message().await.unwrap().text, "you said so");
    bot.expect_nothing_more(&[&you]).await.unwrap();
    assert!(bot.failures().is_empty(), "{:?}", bot.failures());
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn a_returned_error_reaches_on_error_with_its_type() {
    let bot = TestBot::start(app()).await.expect("the bot starts");
    let you = bot.user();
    you.send("/take").await.unwrap();
    bot.expect_nothing_more(&[&you]).await.unwrap();
    let failures = bot.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].handler, "take");
    assert!(failures[0].error.downcast_ref::<Empty>().is_some());
    bot.stop().await.unwrap();
}

#[tokio::test]
async fn the_menu_the_chat_id_and_named_usage() {
    let bot = TestBot::start(app()).await.expect("the bot starts");
    let you = bot.user();

    you.send("/help").await.unwrap();
    assert_eq!(
        you.next_message().await.unwrap().text,
        "/help - List the commands\n/shout - Say it louder\n/start - Say hello",
        "only the handlers with a description, sorted"
    );

    you.send("/id").await.unwrap();
    assert_eq!(you.next_message().await.unwrap().text, you.id().to_string());

    you.send("/roll two six").await.unwrap();
    let usage = you.next_message().await.unwrap().text;
    assert!(
        usage.starts_with("Usage: /roll <count> <sides>\n"),
        "{usage}"
    );
    you.send("/roll 2 6").await.unwrap();
    assert_eq!(you.next_message().await.unwrap().text, "2d6");
    bot.expect_nothing_more(&[&you]).await.unwrap();
    bot.stop().await.unwrap();
}
