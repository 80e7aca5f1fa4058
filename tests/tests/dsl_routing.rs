//! Routing by command, regex, groups and propagation, against the testkit.

use oxygram_e2e::dsl_app::DslApp;

#[tokio::test]
async fn commands_regex_and_catch_all_route_to_the_right_plugin() {
    let app = DslApp::start(r#"include = ["greet", "dice", "echo"]"#, "").await;
    assert_eq!(app.ask("alice", "/start").await, "Hello, Alice!");
    assert_eq!(app.ask("alice", "/START@dsl_bot").await, "Hello, Alice!");
    assert_eq!(app.ask("bob", "/help").await, "Commands: /start /roll");
    assert_eq!(app.ask("alice", "/roll 2 6").await, "rolling 2d6");
    assert_eq!(
        app.ask("alice", "echo hello there").await,
        "echo: hello there"
    );
    // Addressed to another bot: not our command, so the catch-all answers.
    assert_eq!(
        app.ask("alice", "/start@other_bot").await,
        "you said: /start@other_bot"
    );
    assert_eq!(
        app.ask("alice", "plain words").await,
        "you said: plain words"
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_arguments_get_a_usage_reply_and_nothing_else() {
    let app = DslApp::start(r#"include = ["dice", "echo"]"#, "").await;
    let usage = app.ask("alice", "/roll abc").await;
    assert!(
        usage.starts_with("Usage: /roll <n> <sides>\nargument 1 `abc` is not a valid u8"),
        "{usage}"
    );
    let usage = app.ask("alice", "/roll 2").await;
    assert_eq!(
        usage,
        "Usage: /roll <n> <sides>\nmissing argument 2 (expected 2)"
    );
    // The catch-all in the same group did not answer `/roll abc`: the next reply is for this.
    assert_eq!(app.ask("alice", "next").await, "you said: next");
    app.stop().await;
}

#[tokio::test]
async fn groups_run_in_order_and_handlers_continue_or_stop_propagation() {
    let app = DslApp::start(r#"include = ["chain"]"#, "").await;
    let alice = app.kit.user("alice");
    alice
        .send_text(oxygram_e2e::dsl_app::BOT, "/chain")
        .await
        .unwrap();
    // A (group 0, continue) → B (group 0) → C (group 1, stop): `tail` (group 2) is skipped.
    assert_eq!(app.next("alice").await, "A");
    assert_eq!(app.next("alice").await, "B");
    assert_eq!(app.next("alice").await, "C");
    assert_eq!(app.ask("alice", "/halt").await, "halt");
    // Had `/chain` or `/halt` reached group 2, a "tail" would be next instead of this one.
    assert_eq!(app.ask("alice", "anything").await, "tail");
    // Group -1 saw every message, before the others.
    assert_eq!(
        *app.audit.0.lock().unwrap(),
        ["/chain", "/halt", "anything"]
    );
    app.stop().await;
}
