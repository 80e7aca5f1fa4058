//! The account's own outgoing messages reach only handlers that ask for them.

use std::time::Duration;

use oxygram_e2e::dsl_app::{DslApp, TIMEOUT};

#[tokio::test]
async fn own_messages_are_ignored_unless_a_handler_asks() {
    let app = DslApp::start(r#"include = ["mirror"]"#, "").await;
    assert_eq!(app.ask("alice", "mirror one").await, "mirror: mirror one");
    // The `own` observer (filter = outgoing) sees the bot's own answer come back as an update.
    let seen = tokio::time::timeout(TIMEOUT, async {
        while !app.seen_own.contains("mirror: mirror one") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(seen.is_ok(), "the bot's own message arrived as an update");
    // `mirror` (no outgoing) did not answer its own "mirror: mirror one": the same chat is
    // handled in order, so such an answer would arrive before this one.
    assert_eq!(app.ask("alice", "mirror two").await, "mirror: mirror two");
    app.stop().await;
}
