//! One chat in order, different chats concurrently.

use oxygram_e2e::dsl_app::{BOT, DslApp};

#[tokio::test]
async fn updates_of_one_chat_are_handled_in_order() {
    let app = DslApp::start(r#"include = ["order"]"#, "").await;
    let alice = app.kit.user("alice");
    // `/seq 1` sleeps the longest: handled concurrently, the answers would come back reversed.
    for n in 1..=3 {
        alice.send_text(BOT, &format!("/seq {n}")).await.unwrap();
    }
    for n in 1..=3 {
        assert_eq!(app.next("alice").await, format!("seq {n}"));
    }
    app.stop().await;
}

#[tokio::test]
async fn a_blocked_handler_in_one_chat_does_not_delay_another_chat() {
    let app = DslApp::start(r#"include = ["order"]"#, "").await;
    // Alice's handler blocks until Bob's handler has run. If chats shared one queue, Bob's
    // update would wait behind Alice's and Alice would get "gave up" instead.
    app.kit.user("alice").send_text(BOT, "/wait").await.unwrap();
    assert_eq!(app.ask("bob", "/open").await, "opened");
    assert_eq!(app.next("alice").await, "waited");
    app.stop().await;
}
