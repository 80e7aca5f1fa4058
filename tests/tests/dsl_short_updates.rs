//! Telegram pushes a plain private message as `updateShortMessage`, naming the sender by id
//! only, even when the bot never met them. Handlers still see who wrote.

use oxygram_e2e::dsl_app::{DslApp, TIMEOUT};

/// How many `updates.getDifference` calls the bot made so far.
fn differences(app: &DslApp) -> usize {
    app.kit
        .rpc_log()
        .iter()
        .filter(|c| c.method == "updates.getDifference")
        .count()
}

#[tokio::test]
async fn a_sender_the_bot_never_met_is_known_from_the_first_message_on() {
    let app = DslApp::start(r#"include = ["regulars"]"#, "").await;
    // Let the start's catch-up pass, so alice's message is pushed (short), not caught up.
    tokio::time::timeout(TIMEOUT, async {
        while differences(&app) == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the bot catches up at start");

    // alice has never written to the bot: the push names her by id alone, and the bot asks
    // Telegram for the difference, which names her.
    assert_eq!(
        app.ask("alice", "/hi").await,
        "Hi alice, I know you by name"
    );

    // Now the bot knows her: the next short message costs no request.
    let before = differences(&app);
    assert_eq!(
        app.ask("alice", "/hi").await,
        "Hi alice, I know you by name"
    );
    assert_eq!(differences(&app), before, "{:?}", app.kit.rpc_log());
    app.stop().await;
}
