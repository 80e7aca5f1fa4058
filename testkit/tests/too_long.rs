//! "Too long": a channel difference past the request's limit, and busy channels in the
//! account difference, with the real grammers client.
//!
//! What grammers 0.11 does with them (read from its source, checked here):
//! - `updates.channelDifferenceTooLong`: `message_box/adaptor.rs` keeps only the dialog's pts
//!   (`new_messages: Vec::new()`), so the messages in the gap are never delivered; the
//!   update that revealed the gap is dropped too (its pts is below the new one).
//! - `updateChannelTooLong` in `updates.getDifference`: the channel's pts is set to the
//!   update's and its difference fetched from there (`message_box/mod.rs`).
//! - The limit it asks for: 100 for users, 100000 for bots (`grammers-mtsender`
//!   `updates_receiver.rs`, `USER_CHANNEL_DIFF_LIMIT` / `BOT_CHANNEL_DIFF_LIMIT`).

mod common;

use std::sync::Arc;

use common::*;
use grammers_client::Client;
use grammers_mtsender::{SenderPool, UpdatesConfiguration};
use oxygram_session::SqliteSession;
use oxygram_testkit::{Group, TestKit};

/// A bot on a SQLite session, as oxygram runs. grammers asks a channel difference for 100000
/// only when `session.peer(PeerId::self_user())` says it is a bot; its `MemorySession` files
/// the self user under its real id and never finds it that way, so a memory-session bot asks
/// for 100 like a user (grammers 0.11 `storages/memory.rs`).
async fn sqlite_bot(
    kit: &TestKit,
) -> (
    TestClient,
    tokio::sync::mpsc::UnboundedReceiver<grammers_client::update::Update>,
) {
    let mut bot = TestClient::connect(kit, Storage::Sqlite).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    let updates = bot.stream().await;
    (bot, updates)
}

fn lounge_world() -> oxygram_testkit::World {
    world().supergroup(
        Group::new("Lounge")
            .username("lounge")
            .members(["bob", "alice", "echo_bot"])
            .admins(["echo_bot"]),
    )
}

#[tokio::test]
async fn a_user_missing_more_than_its_limit_gets_too_long_and_grammers_skips_the_gap() {
    let kit = TestKit::start(lounge_world()).await.unwrap();
    let (alice, mut updates) = user_client(&kit, "alice").await;
    let bob = kit.user("bob");
    bob.send_text("lounge", "first").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "first");

    // 150 posts alice's client never hears of: more than the 100 a user asks for.
    kit.pause_pushes(true);
    for i in 0..150 {
        bob.send_text("lounge", &format!("missed {i}"))
            .await
            .unwrap();
    }
    kit.pause_pushes(false);
    let before = kit.rpc_count("updates.getChannelDifference");
    bob.send_text("lounge", "reveals the gap").await.unwrap();
    kit.wait_for_rpc("updates.getChannelDifference", before + 1, WAIT)
        .await
        .unwrap();
    bob.send_text("lounge", "after").await.unwrap();
    // grammers skipped the 150 and the one that revealed the gap: the next it delivers is
    // the one after.
    assert_eq!(next_new_message(&mut updates).await.text(), "after");
    alice.quit().await;
}

#[tokio::test]
async fn a_bot_asks_for_100000_and_gets_everything_below_telegrams_cap() {
    let kit = TestKit::start(lounge_world()).await.unwrap();
    let (bot, mut updates) = sqlite_bot(&kit).await;
    let bob = kit.user("bob");
    bob.send_text("lounge", "first").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "first");
    kit.pause_pushes(true);
    for i in 0..150 {
        bob.send_text("lounge", &format!("missed {i}"))
            .await
            .unwrap();
    }
    kit.pause_pushes(false);
    bob.send_text("lounge", "reveals the gap").await.unwrap();
    for i in 0..150 {
        let got = next_new_message(&mut updates).await;
        assert_eq!(got.text(), format!("missed {i}"));
    }
    assert_eq!(
        next_new_message(&mut updates).await.text(),
        "reveals the gap"
    );
    bot.quit().await;
}

#[tokio::test]
async fn a_bot_past_the_channel_box_limit_gets_too_long() {
    let kit = TestKit::start(lounge_world().channel_box_limit(50))
        .await
        .unwrap();
    let (bot, mut updates) = sqlite_bot(&kit).await;
    let bob = kit.user("bob");
    bob.send_text("lounge", "first").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "first");
    kit.pause_pushes(true);
    for i in 0..60 {
        bob.send_text("lounge", &format!("missed {i}"))
            .await
            .unwrap();
    }
    kit.pause_pushes(false);
    let before = kit.rpc_count("updates.getChannelDifference");
    bob.send_text("lounge", "reveals the gap").await.unwrap();
    kit.wait_for_rpc("updates.getChannelDifference", before + 1, WAIT)
        .await
        .unwrap();
    bob.send_text("lounge", "after").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "after");
    bot.quit().await;
}

/// Runs a bot on the session file at `path` until it saw `text`, then saves and quits.
async fn bot_run_until(path: &std::path::Path, text: &str, sign_in: bool) {
    let session = Arc::new(SqliteSession::open(path).await.unwrap());
    let SenderPool {
        runner,
        handle,
        updates,
    } = SenderPool::new(session, API_ID);
    let client = Client::new(handle.clone());
    let runner = tokio::spawn(runner.run());
    if sign_in {
        client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    }
    let mut stream = client
        .stream_updates(updates, UpdatesConfiguration { catch_up: true })
        .await
        .unwrap();
    tokio::time::timeout(WAIT, async {
        loop {
            if let grammers_client::update::Update::NewMessage(m) = stream.next().await.unwrap()
                && m.text() == text
            {
                break;
            }
        }
    })
    .await
    .expect("the bot saw the message");
    stream.sync_update_state().await.unwrap();
    handle.quit();
    let _ = tokio::time::timeout(WAIT, runner).await;
}

#[tokio::test]
async fn a_busy_channel_comes_as_update_channel_too_long_in_the_account_difference() {
    let kit = TestKit::start(lounge_world()).await.unwrap();
    let dir = TempDir::new("toolong");
    let path = dir.0.join("bot.session");
    kit.write_session_file(&path).await.unwrap();
    let bob = kit.user("bob");
    let run = bot_run_until(&path, "online", true);
    let post = async {
        // The bot's stream must be up before the post: wait for its first state request.
        kit.wait_for_rpc("updates.getState", 1, WAIT).await.unwrap();
        bob.send_text("lounge", "online").await.unwrap();
    };
    tokio::join!(run, post);
    kit.wait_offline("echo_bot", WAIT).await.unwrap();

    // Offline: 120 posts in the lounge (more than 100) and a private message.
    for i in 0..120 {
        bob.send_text("lounge", &format!("offline {i}"))
            .await
            .unwrap();
    }
    bob.send_text("echo_bot", "private").await.unwrap();

    // Catch-up: the account difference names the lounge as too long, grammers fetches its
    // channel difference (100000 for a bot: not too long) and delivers every post in order.
    let session = Arc::new(SqliteSession::open(&path).await.unwrap());
    let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    let mut updates = bot.stream().await;
    let mut lounge = Vec::new();
    let mut private = 0;
    while lounge.len() < 120 || private == 0 {
        let m = next_new_message(&mut updates).await;
        if m.text() == "private" {
            private += 1;
        } else {
            lounge.push(m.text().to_string());
        }
    }
    let expected: Vec<_> = (0..120).map(|i| format!("offline {i}")).collect();
    assert_eq!(lounge, expected);
    assert!(kit.rpc_count("updates.getChannelDifference") >= 1);
    bob.send_text("lounge", "live").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "live");
    bot.quit().await;
}

#[tokio::test]
async fn a_quiet_channel_comes_in_the_account_difference_itself() {
    let kit = TestKit::start(lounge_world()).await.unwrap();
    let dir = TempDir::new("quietchan");
    let path = dir.0.join("bot.session");
    kit.write_session_file(&path).await.unwrap();
    let bob = kit.user("bob");
    let run = bot_run_until(&path, "online", true);
    let post = async {
        kit.wait_for_rpc("updates.getState", 1, WAIT).await.unwrap();
        bob.send_text("lounge", "online").await.unwrap();
    };
    tokio::join!(run, post);
    kit.wait_offline("echo_bot", WAIT).await.unwrap();
    for i in 0..3 {
        bob.send_text("lounge", &format!("offline {i}"))
            .await
            .unwrap();
    }
    let session = Arc::new(SqliteSession::open(&path).await.unwrap());
    let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    let mut updates = bot.stream().await;
    for i in 0..3 {
        assert_eq!(
            next_new_message(&mut updates).await.text(),
            format!("offline {i}")
        );
    }
    // Each once ("online" is not replayed although it fell in the same second).
    bob.send_text("lounge", "live").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "live");
    bot.quit().await;
}
