//! Privacy mode in groups: on (Telegram's default), a bot gets commands meant for it, replies
//! to its messages and mentions, not the rest of the chatter; off, it gets everything.

use oxygram_e2e::dsl_app::{BOT, DslApp, TIMEOUT};
use oxygram_testkit::ObservedMessage;

const GROUP: &str = "Friends";

/// The bot's next message in the group, as `who` sees it.
async fn bot_says(app: &DslApp, who: &str) -> ObservedMessage {
    let bot = app.kit.account_id(BOT).unwrap();
    loop {
        let message = app
            .kit
            .user(who)
            .next_message(TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("{who} heard nothing from the bot: {e}"));
        if message.sender_id == bot {
            return message;
        }
    }
}

/// Sends the group chatter, commands, a reply and a mention; returns what the bot received
/// (the `audit` handler records every message it is given), once it answered the last
/// `/help` (updates of one chat are handled in order, so everything before it was seen).
async fn converse(app: &DslApp) -> Vec<String> {
    let (alice, bob) = (app.kit.user("alice"), app.kit.user("bob"));
    alice.send_text(GROUP, "just chatting").await.unwrap();
    alice.send_text(GROUP, "/help").await.unwrap();
    let answer = bot_says(app, "bob").await;
    assert_eq!(answer.text, "Commands: /start /roll");
    bob.reply_text(GROUP, answer.id, "thanks").await.unwrap();
    bob.send_text(GROUP, "/help@some_other_bot").await.unwrap();
    alice
        .send_text(GROUP, "what is @dsl_bot for?")
        .await
        .unwrap();
    alice.send_text(GROUP, "more chatter").await.unwrap();
    alice.send_text(GROUP, "/help").await.unwrap();
    bot_says(app, "alice").await;
    bot_says(app, "alice").await;
    app.audit.0.lock().unwrap().clone()
}

#[tokio::test]
async fn in_privacy_mode_a_group_bot_gets_commands_replies_and_mentions_only() {
    let app = DslApp::start(r#"include = ["greet", "overhear"]"#, "").await;
    assert_eq!(
        converse(&app).await,
        ["/help", "thanks", "what is @dsl_bot for?", "/help"]
    );
    app.stop().await;
}

#[tokio::test]
async fn with_privacy_off_a_group_bot_gets_every_message() {
    let app = DslApp::start_with_privacy(false, r#"include = ["greet", "overhear"]"#, "").await;
    assert_eq!(
        converse(&app).await,
        [
            "just chatting",
            "/help",
            "thanks",
            "/help@some_other_bot",
            "what is @dsl_bot for?",
            "more chatter",
            "/help",
        ]
    );
    app.stop().await;
}
