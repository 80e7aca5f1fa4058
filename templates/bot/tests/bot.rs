//! The app's handlers against a local Telegram, in-process (`oxygram::testing`): a real
//! MTProto session and login, `Bot.toml` as written (its `[telegram]` credentials aside), and
//! scripted people on the other side. No account, no network, no sleeps.
//!
//! Run with `cargo test`; add a test per thing your {% if account == "bot" %}bot{% else %}userbot{% endif %} should do.

use oxygram::App;
use oxygram::testing::TestBot;

// Links the handlers of src/plugins/ into this test.
use {{crate_name}} as _;
{% if account == "bot" %}
#[tokio::test]
async fn start_and_help_answer() {
    let bot = TestBot::start(App::new()).await.expect("starting the bot");
    let you = bot.user();

    // /start: a reply with a button.
    let sent = you.send("/start").await.unwrap();
    let hello = you.next_message().await.unwrap();
    assert!(hello.text.starts_with("Hello! I am {{project-name}}"), "{}", hello.text);
    assert_eq!(hello.reply_to, Some(sent.id));

    // Pressing it: the bot answers the press.
    let answer = you.press(&hello, "About").await.unwrap();
    assert_eq!(answer.message.as_deref(), Some("{{project-name}}, made with oxygram"));

    // /help lists the commands.
    you.send("/help").await.unwrap();
    let help = you.next_message().await.unwrap();
    assert!(help.text.contains("/start - Say hello"), "{}", help.text);
    assert!(help.text.contains("/help - List the commands"), "{}", help.text);

    // Every update was handled, and the bot sent nothing else; no handler failed.
    bot.expect_nothing_more(&[&you]).await.unwrap();
    assert!(bot.failures().is_empty(), "{:?}", bot.failures());
    bot.stop().await.unwrap();
}
{%- else %}
#[tokio::test]
async fn help_edits_my_own_message() {
    let bot = TestBot::start_userbot(App::new()).await.expect("starting the userbot");
    // `me` is the userbot's own account (what it sends, you typed on your phone); `friend`
    // is the person you write to.
    let me = bot.me();
    let friend = bot.user();

    me.send(".start").await.unwrap();
    assert_eq!(friend.next_message().await.unwrap().text, ".start");
    let started = friend.next_edit().await.unwrap();
    assert!(started.text.contains("is running"), "{}", started.text);

    me.send(".help").await.unwrap();
    let _ = friend.next_message().await.unwrap();
    let help = friend.next_edit().await.unwrap();
    assert!(help.text.contains(".help - List the commands"), "{}", help.text);

    // Someone else's `.help` is not ours to answer: it arrives, and nothing is edited or sent.
    friend.send(".help").await.unwrap();
    assert_eq!(me.next_message().await.unwrap().text, ".help");
    bot.expect_nothing_more(&[&me, &friend]).await.unwrap();
    assert!(bot.failures().is_empty(), "{:?}", bot.failures());
    bot.stop().await.unwrap();
}
{%- endif %}
