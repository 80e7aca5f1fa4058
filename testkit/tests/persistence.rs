//! A restarted testkit with a state file keeps messages, update state and logins.

mod common;

use std::sync::Arc;

use common::*;
use grammers_mtsender::SenderPool;
use oxygram_session::SqliteSession;
use oxygram_testkit::TestKit;

#[tokio::test]
async fn restart_keeps_logins_and_undelivered_messages() {
    let dir = TempDir::new("persist");
    let state = dir.0.join("testkit.state");
    let session_path = dir.0.join("bot.session");

    let kit = TestKit::start_persistent(world(), "127.0.0.1:0", &state)
        .await
        .unwrap();
    kit.write_session_file(&session_path).await.unwrap();
    {
        let session = Arc::new(SqliteSession::open(&session_path).await.unwrap());
        let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
        bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
        let mut updates = bot.stream().await;
        kit.user("alice")
            .send_text("echo_bot", "first")
            .await
            .unwrap();
        assert_eq!(next_new_message(&mut updates).await.text(), "first");
        bot.sync_and_quit().await;
    }
    // Sent while the bot is offline, just before the server stops.
    kit.user("alice")
        .send_text("echo_bot", "while you were out")
        .await
        .unwrap();
    kit.shutdown().await;
    assert!(state.exists());

    // A new server process (new port) with the same world and state file.
    let kit = TestKit::start_persistent(world(), "127.0.0.1:0", &state)
        .await
        .unwrap();
    kit.write_session_file(&session_path).await.unwrap();
    let session = Arc::new(SqliteSession::open(&session_path).await.unwrap());
    let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    assert!(
        bot.client.is_authorized().await.unwrap(),
        "the login survived"
    );
    let mut updates = bot.stream().await;
    let missed = next_new_message(&mut updates).await;
    assert_eq!(missed.text(), "while you were out");
    missed.reply("back now").await.unwrap();
    let alice = kit.user("alice");
    let reply = alice.next_message(WAIT).await.unwrap();
    assert_eq!(reply.text, "back now");
    assert_eq!(reply.id, 3, "alice's box kept numbering after the restart");
    bot.quit().await;
    kit.shutdown().await;

    std::fs::write(&state, b"garbage").unwrap();
    let err = TestKit::start_persistent(world(), "127.0.0.1:0", &state)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("testkit.state"), "{err}");
}
