//! The throttle against the testkit's limits: a handler's burst of replies arrives whole, in
//! order and without a single `FLOOD_WAIT`; a backlog in one chat does not hold another chat.
//!
//! Telegram's own windows (one message a second per chat, bursts of 3 here, see the testkit's
//! `limits.rs`) would make a burst of 100 take 100 s. Both sides run 20 times faster instead,
//! in the same shape: the testkit allows 3 messages in any 150 ms per chat (Telegram's 3 in
//! 3 s), the bot's throttle sends 1 per 50 ms (its default, 1 per 1 s). The overall limits are
//! the defaults on both sides (30 a second).

use std::time::Duration;

use oxygram_e2e::dsl_app::{BOT, DslApp};
use oxygram_testkit::{Group, Limits};

/// The testkit's limits, 20 times faster than Telegram's per chat.
fn quick_limits() -> Limits {
    Limits::telegram().chat(3, Duration::from_millis(150))
}

/// The bot's `[throttle]`, 20 times faster than its default per chat.
const QUICK_THROTTLE: &str = "[throttle]\nchat_messages = 1\nchat_window_secs = 0.05\n";

/// The refused sends the testkit answered with a flood wait.
fn flood_waits(app: &DslApp) -> Vec<String> {
    app.kit
        .rpc_log()
        .into_iter()
        .filter_map(|call| call.error)
        .filter(|error| error.contains("FLOOD_WAIT"))
        .collect()
}

#[tokio::test]
async fn a_burst_of_100_replies_arrives_in_order_without_a_flood_wait() {
    let app =
        DslApp::start_with_limits(quick_limits(), r#"include = ["burst"]"#, QUICK_THROTTLE).await;
    app.kit
        .user("alice")
        .send_text(BOT, "/burst 100")
        .await
        .unwrap();
    for i in 1..=100 {
        assert_eq!(app.next("alice").await, format!("burst {i}"));
    }
    assert_eq!(flood_waits(&app), Vec::<String>::new());
    assert!(app.failures.lock().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_client_extractors_sends_wait_for_the_throttle_too() {
    let app =
        DslApp::start_with_limits(quick_limits(), r#"include = ["burst"]"#, QUICK_THROTTLE).await;
    app.kit
        .user("alice")
        .send_text(BOT, "/burst_client 30")
        .await
        .unwrap();
    for i in 1..=30 {
        assert_eq!(app.next("alice").await, format!("client {i}"));
    }
    assert_eq!(flood_waits(&app), Vec::<String>::new());
    app.stop().await;
}

#[tokio::test]
async fn without_the_throttle_the_same_limits_answer_flood_waits() {
    // The control: what the test above would see if the throttle did nothing.
    let app = DslApp::start_with_limits(
        quick_limits(),
        r#"include = ["burst"]"#,
        "[throttle]\nenabled = false\n",
    )
    .await;
    app.kit
        .user("alice")
        .send_text(BOT, "/burst 6")
        .await
        .unwrap();
    for i in 1..=6 {
        // Short waits are slept through and retried: everything still arrives.
        assert_eq!(app.next("alice").await, format!("burst {i}"));
    }
    assert!(!flood_waits(&app).is_empty(), "Telegram had to say so");
    app.stop().await;
}

#[tokio::test]
async fn a_backlog_in_one_chat_does_not_hold_another_chat() {
    let app =
        DslApp::start_with_limits(quick_limits(), r#"include = ["burst"]"#, QUICK_THROTTLE).await;
    let alice = app.kit.user("alice");
    alice.send_text(BOT, "/burst 40").await.unwrap();
    assert_eq!(app.next("alice").await, "burst 1");
    // alice's 39 more take about 2 s at 1 per 50 ms; bob's one reply does not queue behind
    // them, only behind the overall limit.
    assert_eq!(app.ask("bob", "/burst 1").await, "burst 1");
    let alice_so_far = alice.drain_messages();
    assert!(
        alice_so_far.len() < 39,
        "bob was answered before alice's backlog ended ({} of 39 arrived)",
        alice_so_far.len()
    );
    let mut texts: Vec<String> = alice_so_far.into_iter().map(|m| m.text).collect();
    while texts.len() < 39 {
        texts.push(app.next("alice").await);
    }
    let expected: Vec<String> = (2..=40).map(|i| format!("burst {i}")).collect();
    assert_eq!(texts, expected, "alice's replies in order");
    assert_eq!(flood_waits(&app), Vec::<String>::new());
    app.stop().await;
}

#[tokio::test]
async fn a_slow_mode_wait_reaches_the_handler_typed_and_the_throttle_remembers_it() {
    let app = DslApp::start_in(
        |world| {
            world.supergroup(
                Group::new("Slow")
                    .members(["alice", BOT])
                    .slow_mode(Duration::from_secs(30)),
            )
        },
        r#"include = ["burst"]"#,
        "",
    )
    .await;
    let alice = app.kit.user("alice");
    // alice has written to the bot, so it may write back to her privately.
    alice.send_text(BOT, "hi").await.unwrap();
    alice.send_text("Slow", "/slowpoke@dsl_bot").await.unwrap();
    assert_eq!(app.next("alice").await, "first", "the group's reply");
    // 30 s is over `flood_sleep_threshold_secs` (10): the handler gets the wait, typed. (29 s
    // left when the throttle's own 1 s between the two replies passed first.)
    let note = app.next("alice").await;
    assert!(
        ["29s", "30s"]
            .map(|s| format!("first sent, second: slow mode {s}"))
            .contains(&note),
        "{note}"
    );
    assert_eq!(slow_mode_waits(&app), 1);

    // The throttle learnt it: this time neither reply is sent to Telegram at all.
    alice.send_text("Slow", "/slowpoke@dsl_bot").await.unwrap();
    let note = app.next("alice").await;
    assert!(
        note.starts_with("first: slow mode") && note.contains("second: slow mode"),
        "{note}"
    );
    assert_eq!(slow_mode_waits(&app), 1, "no second refusal from Telegram");
    app.stop().await;
}

fn slow_mode_waits(app: &DslApp) -> usize {
    app.kit
        .rpc_log()
        .into_iter()
        .filter(|call| {
            call.error
                .as_deref()
                .is_some_and(|e| e.starts_with("SLOWMODE_WAIT"))
        })
        .count()
}
