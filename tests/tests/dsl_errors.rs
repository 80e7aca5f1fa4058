//! Handler errors and panics are logged, reach the error hook, and never stop the app.

use oxygram_e2e::dsl_app::{BOT, DslApp};

#[tokio::test]
async fn a_panicking_or_failing_handler_does_not_stop_the_app() {
    let app = DslApp::start(r#"include = ["crash", "greet"]"#, "").await;
    let alice = app.kit.user("alice");
    alice.send_text(BOT, "/boom").await.unwrap();
    alice.send_text(BOT, "/fail").await.unwrap();
    // Same chat, in order: once this is answered, both failures went through the hook.
    assert_eq!(app.ask("alice", "/start").await, "Hello, Alice!");
    assert_eq!(
        *app.failures.lock().unwrap(),
        [
            "boom: panicked: boom on purpose",
            "fail: returned an error: the database is down"
        ]
    );
    // Other chats are unaffected too.
    assert_eq!(app.ask("bob", "/start").await, "Hello, Bob!");
    app.stop().await;
}

#[tokio::test]
async fn telegrams_refusals_are_typed_for_handlers_to_match() {
    let app = DslApp::start(r#"include = ["crash"]"#, "").await;
    assert_eq!(app.ask("alice", "/same").await, "unchanged");
    // The edit to the same text was refused with MESSAGE_NOT_MODIFIED, read as
    // `TelegramError::MessageNotModified`.
    assert_eq!(app.next("alice").await, "not modified");
    assert!(app.failures.lock().unwrap().is_empty());
    app.stop().await;
}
