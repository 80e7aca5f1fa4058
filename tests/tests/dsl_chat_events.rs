//! Chat events reach their own handler kinds, as Telegram sends them: service messages
//! (`service = "new_chat_members"`, `"left_chat_member"`, and the rest), membership changes
//! (`chat_member`), join requests answered from the handler (`join_request`) and a user
//! stopping and restarting the bot (`bot_stopped`). Privacy mode stays on (the default):
//! Telegram delivers service messages to every bot regardless.

use oxygram_e2e::dsl_app::{BOT, DslApp, TIMEOUT};
use oxygram_testkit::ObservedMessage;

/// The bot's next message, as `who` sees it (skipping other members' messages).
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

#[tokio::test]
async fn joins_and_leaves_are_answered_and_other_service_messages_are_named() {
    let app = DslApp::start(r#"include = ["members"]"#, "").await;
    let (alice, bob) = (app.kit.user("alice"), app.kit.user("bob"));

    bob.leave_group("Friends").await.unwrap();
    let farewell = bot_says(&app, "alice").await;
    assert_eq!(farewell.text, "Goodbye!");

    alice.add_to_group("Friends", "carol").await.unwrap();
    assert_eq!(
        bot_says(&app, "alice").await.text,
        "Welcome, 1 new member(s)!"
    );
    bob.join_group("Friends").await.unwrap();
    assert_eq!(
        bot_says(&app, "alice").await.text,
        "Welcome, 1 new member(s)!"
    );

    alice
        .set_group_title("Friends", "Best friends")
        .await
        .unwrap();
    app.events.wait_for("service new_chat_title", TIMEOUT).await;
    // None of these reached a `message` handler: the members plugin has none, and the
    // catch-all `service` handler saw only what the two triggered ones did not take.
    assert_eq!(app.events.all(), ["service new_chat_title"]);
    assert!(app.failures.lock().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn an_admin_bot_answers_join_requests_and_sees_membership_change() {
    let carol = "{carol}";
    let app = DslApp::start(
        r#"include = ["members"]"#,
        &format!("[plugins.members]\ndecline = [{carol}]\n"),
    )
    .await;
    let bob_id = app.kit.account_id("bob").unwrap();
    let carol_id = app.kit.account_id("carol").unwrap();

    app.kit.user("bob").request_to_join("Club").await.unwrap();
    app.events
        .wait_for(&format!("approved {bob_id}"), TIMEOUT)
        .await;
    // The approval lets bob in: the bot sees him join (as an admin it gets everyone's
    // membership changes) and welcomes him in the group.
    app.events
        .wait_for(&format!("member {bob_id} Left -> Member"), TIMEOUT)
        .await;
    assert_eq!(
        bot_says(&app, "alice").await.text,
        "Welcome, 1 new member(s)!"
    );
    assert!(app.kit.is_member("Club", "bob").unwrap());

    app.kit.user("carol").request_to_join("Club").await.unwrap();
    app.events
        .wait_for(&format!("declined {carol_id}"), TIMEOUT)
        .await;
    assert!(!app.kit.is_member("Club", "carol").unwrap());
    assert!(app.kit.join_requests("Club").unwrap().is_empty());
    assert!(app.failures.lock().unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_user_stopping_and_restarting_the_bot_is_an_event() {
    let app = DslApp::start(r#"include = ["members"]"#, "").await;
    let alice = app.kit.user("alice");
    let alice_id = app.kit.account_id("alice").unwrap();
    alice.block_bot(BOT).await.unwrap();
    app.events
        .wait_for(&format!("stopped {alice_id}"), TIMEOUT)
        .await;
    alice.unblock_bot(BOT).await.unwrap();
    let events = app
        .events
        .wait_for(&format!("restarted {alice_id}"), TIMEOUT)
        .await;
    assert_eq!(
        events,
        [
            format!("stopped {alice_id}"),
            format!("restarted {alice_id}")
        ]
    );
    app.stop().await;
}
