//! The other kinds against the testkit: callback queries, inline queries and chosen results,
//! edits, deletions, and messages in groups.

use std::time::Duration;

use oxygram_e2e::dsl_app::{BOT, DslApp, TIMEOUT};

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let waited = tokio::time::timeout(TIMEOUT, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "timed out waiting for {what}");
}

#[tokio::test]
async fn callback_patterns_route_button_presses() {
    let app = DslApp::start(r#"include = ["vote"]"#, "").await;
    let alice = app.kit.user("alice");
    alice.send_text(BOT, "/poll").await.unwrap();
    let poll = alice.next_message(TIMEOUT).await.unwrap();
    assert_eq!(poll.text, "Vote!");
    let up = alice.press_button(&poll, "Up").await.unwrap();
    assert_eq!(up.message.as_deref(), Some("voted up"));
    let down = alice.press_button(&poll, "Down").await.unwrap();
    assert_eq!(down.message.as_deref(), Some("voted down"));
    let other = alice.press_button(&poll, "Other").await.unwrap();
    assert_eq!(other.message.as_deref(), Some("unknown button"));
    assert!(other.alert);
    app.stop().await;
}

#[tokio::test]
async fn inline_queries_are_answered_and_chosen_results_seen() {
    let app = DslApp::start(r#"include = ["search"]"#, "").await;
    let alice = app.kit.user("alice");
    let results = alice.inline_query(BOT, "cats").await.unwrap();
    let result = results.get("r-cats").expect("the bot offered r-cats");
    assert_eq!(result.title.as_deref(), Some("Find cats"));
    let sent = alice
        .send_inline_result("bob", &results, "r-cats")
        .await
        .unwrap();
    assert_eq!(sent.text, "found cats");
    eventually("the chosen result", || {
        app.chosen
            .0
            .lock()
            .unwrap()
            .iter()
            .any(|c| c == "r-cats for cats")
    })
    .await;
    // A query that does not match the inline pattern gets no answer from the bot.
    assert!(alice.inline_query(BOT, "two words").await.is_err());
    app.stop().await;
}

#[tokio::test]
async fn edited_and_deleted_messages_reach_their_handlers() {
    let app = DslApp::start(r#"include = ["edits"]"#, "").await;
    let alice = app.kit.user("alice");
    let sent = alice.send_text(BOT, "first draft").await.unwrap();
    alice.edit_text(&sent, "final text").await.unwrap();
    assert_eq!(app.next("alice").await, "edited to: final text");
    alice.delete(&sent).await.unwrap();
    eventually("the deletion", || !app.deleted.0.lock().unwrap().is_empty()).await;
    assert_eq!(app.deleted.0.lock().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn group_messages_reach_group_handlers_only() {
    // A bot that reads all group chatter needs privacy mode off, on Telegram as here.
    let app = DslApp::start_with_privacy(false, r#"include = ["rooms", "echo"]"#, "").await;
    let alice = app.kit.user("alice");
    alice.send_text("Friends", "hello all").await.unwrap();
    let reply = alice.next_message(TIMEOUT).await.unwrap();
    assert_eq!(reply.text, "Alice wrote in the group: hello all");
    assert_eq!(Some(reply.chat_id), app.kit.chat_id("Friends"));
    // In private, the group handler stays quiet and echo's private catch-all answers.
    assert_eq!(app.ask("alice", "just us").await, "you said: just us");
    app.stop().await;
}
