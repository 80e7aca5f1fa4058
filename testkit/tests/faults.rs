//! Faults the real grammers client must survive: drops, refusals, flood waits, pts gaps,
//! silent pushes, and catching up after being offline.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use grammers_client::Client;
use grammers_mtsender::{SenderPool, UpdatesConfiguration};
use oxygram_session::SqliteSession;
use oxygram_testkit::TestKit;

async fn logged_in_bot(kit: &TestKit) -> TestClient {
    let bot = TestClient::connect(kit, Storage::Memory).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    bot
}

#[tokio::test]
async fn dropped_connection_mid_conversation() {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = logged_in_bot(&kit).await;
    let mut updates = bot.stream().await;
    let alice = kit.user("alice");

    alice.send_text("echo_bot", "one").await.unwrap();
    let m = next_new_message(&mut updates).await;
    m.reply("got one").await.unwrap();
    assert_eq!(alice.next_message(WAIT).await.unwrap().text, "got one");

    kit.drop_connections();
    alice.send_text("echo_bot", "two").await.unwrap();
    let m = next_new_message(&mut updates).await;
    assert_eq!(m.text(), "two");
    m.reply("got two").await.unwrap();
    assert_eq!(alice.next_message(WAIT).await.unwrap().text, "got two");
    bot.quit().await;
}

#[tokio::test]
async fn refused_connections_come_back() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = logged_in_bot(&kit).await;
    kit.drop_connections();
    kit.refuse_connections_for(Duration::from_millis(300));
    // grammers retries an I/O failure once after 1 s; by then the kit serves again.
    let me = bot.client.get_me().await.unwrap();
    assert_eq!(me.username(), Some("echo_bot"));
    bot.quit().await;
}

#[tokio::test]
async fn flood_wait_is_slept_and_retried() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = logged_in_bot(&kit).await;
    let alice_id = kit.account_id("alice").unwrap();
    let alice_peer = bot
        .client
        .resolve_username("alice")
        .await
        .unwrap()
        .expect("alice resolves");
    assert_eq!(alice_peer.id().bare_id(), Some(alice_id));
    // A bot may write only to users who wrote to it.
    kit.user("alice")
        .send_text("echo_bot", "/start")
        .await
        .unwrap();

    kit.fail_next("messages.sendMessage", 1, 420, "FLOOD_WAIT_1");
    let peer = alice_peer.to_ref().await.unwrap().expect("alice is cached");
    bot.client
        .send_message(peer, "after the wait")
        .await
        .unwrap();
    let alice = kit.user("alice");
    assert_eq!(
        alice.next_message(WAIT).await.unwrap().text,
        "after the wait"
    );
    let sends: Vec<_> = kit
        .rpc_log()
        .into_iter()
        .filter(|c| c.method == "messages.sendMessage")
        .map(|c| c.error)
        .collect();
    assert_eq!(sends, [Some("FLOOD_WAIT_1".to_string()), None]);
    bot.quit().await;
}

#[tokio::test]
async fn pts_gap_is_filled_with_get_difference() {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = logged_in_bot(&kit).await;
    let mut updates = bot.stream().await;
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "before").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "before");

    let before = kit.rpc_count("updates.getDifference");
    kit.pts_gap("echo_bot", 3).unwrap();
    alice.send_text("echo_bot", "after the gap").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "after the gap");
    assert!(kit.rpc_count("updates.getDifference") > before);
    bot.quit().await;
}

#[tokio::test]
async fn silenced_pushes_arrive_through_the_difference_in_order() {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = logged_in_bot(&kit).await;
    let mut updates = bot.stream().await;
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "zero").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "zero");

    kit.pause_pushes(true);
    alice.send_text("echo_bot", "silent one").await.unwrap();
    alice.send_text("echo_bot", "silent two").await.unwrap();
    kit.pause_pushes(false);
    alice.send_text("echo_bot", "loud").await.unwrap();
    let texts = [
        next_new_message(&mut updates).await.text().to_string(),
        next_new_message(&mut updates).await.text().to_string(),
        next_new_message(&mut updates).await.text().to_string(),
    ];
    assert_eq!(texts, ["silent one", "silent two", "loud"]);
    bot.quit().await;
}

#[tokio::test]
async fn catch_up_after_being_offline_delivers_each_message_once() {
    let kit = TestKit::start(world()).await.unwrap();
    let dir = TempDir::new("catchup");
    let path = dir.0.join("bot.session");
    kit.write_session_file(&path).await.unwrap();
    let alice = kit.user("alice");

    // First run: log in, see one message, save the update state, quit.
    {
        let session = Arc::new(SqliteSession::open(&path).await.unwrap());
        let SenderPool {
            runner,
            handle,
            updates,
        } = SenderPool::new(session, API_ID);
        let client = Client::new(handle.clone());
        let runner = tokio::spawn(runner.run());
        client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
        let mut stream = client
            .stream_updates(updates, UpdatesConfiguration { catch_up: true })
            .await
            .unwrap();
        alice.send_text("echo_bot", "online").await.unwrap();
        let update = tokio::time::timeout(WAIT, stream.next())
            .await
            .unwrap()
            .unwrap();
        assert!(
            matches!(update, grammers_client::update::Update::NewMessage(m) if m.text() == "online")
        );
        stream.sync_update_state().await.unwrap();
        handle.quit();
        let _ = tokio::time::timeout(WAIT, runner).await;
    }

    // Offline: alice writes twice.
    for text in ["offline one", "offline two"] {
        alice.send_text("echo_bot", text).await.unwrap();
    }

    // Second run: catch up.
    let session = Arc::new(SqliteSession::open(&path).await.unwrap());
    let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    assert!(bot.client.is_authorized().await.unwrap());
    let mut updates = bot.stream().await;
    let first = next_new_message(&mut updates).await;
    let second = next_new_message(&mut updates).await;
    assert_eq!(
        [first.text(), second.text()],
        ["offline one", "offline two"]
    );
    // Nothing more: "online" is not replayed and nothing is delivered twice.
    alice.send_text("echo_bot", "live again").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "live again");
    bot.quit().await;
}

#[tokio::test]
async fn long_differences_come_in_slices_in_order() {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = logged_in_bot(&kit).await;
    let mut updates = bot.stream().await;
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "start").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "start");

    // 150 stored but unpushed messages: more than one difference (100) holds.
    kit.pause_pushes(true);
    for i in 0..150 {
        alice.send_text("echo_bot", &format!("m{i}")).await.unwrap();
    }
    kit.pause_pushes(false);
    alice.send_text("echo_bot", "last").await.unwrap();
    for i in 0..150 {
        assert_eq!(next_new_message(&mut updates).await.text(), format!("m{i}"));
    }
    assert_eq!(next_new_message(&mut updates).await.text(), "last");
    assert!(
        kit.rpc_count("updates.getDifference") >= 2,
        "a slice, then the rest"
    );
    bot.quit().await;
}

#[tokio::test]
async fn forgotten_updates_give_too_long_and_the_client_recovers() {
    let kit = TestKit::start(world()).await.unwrap();
    let dir = TempDir::new("toolong");
    let path = dir.0.join("bot.session");
    kit.write_session_file(&path).await.unwrap();
    {
        let session = Arc::new(SqliteSession::open(&path).await.unwrap());
        let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
        bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
        let mut updates = bot.stream().await;
        kit.user("alice")
            .send_text("echo_bot", "seen")
            .await
            .unwrap();
        next_new_message(&mut updates).await;
        bot.sync_and_quit().await;
    }
    let alice = kit.user("alice");
    alice
        .send_text("echo_bot", "lost while away")
        .await
        .unwrap();
    kit.forget_updates("echo_bot").unwrap();

    let before = kit.rpc_count("updates.getDifference");
    let session = Arc::new(SqliteSession::open(&path).await.unwrap());
    let mut bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    assert!(bot.client.is_authorized().await.unwrap());
    let mut updates = bot.stream().await;
    // Wait for the catch-up (answered with differenceTooLong) before the next push.
    tokio::time::timeout(WAIT, async {
        while kit.rpc_count("updates.getDifference") == before {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the client asks for the difference");
    alice.send_text("echo_bot", "after").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "after");
    bot.quit().await;
}

#[tokio::test]
async fn delayed_answers_still_arrive() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = logged_in_bot(&kit).await;
    kit.delay_answers(Duration::from_millis(200));
    let (me, authorized) = tokio::join!(bot.client.get_me(), bot.client.is_authorized());
    assert_eq!(me.unwrap().username(), Some("echo_bot"));
    assert!(authorized.unwrap());
    kit.delay_answers(Duration::ZERO);
    bot.quit().await;
}
