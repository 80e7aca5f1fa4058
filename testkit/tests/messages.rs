//! Messages between a scripted user and a bot running on the real grammers client.

mod common;

use common::*;
use grammers_client::tl;
use oxygram_testkit::TestKit;

async fn bot_echo_round_trip(storage: Storage) {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = TestClient::connect(&kit, storage).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    let mut updates = bot.stream().await;

    let alice = kit.user("alice");
    let sent = alice.send_text("echo_bot", "/start now").await.unwrap();
    assert_eq!(sent.chat_id, BOT_ID);

    let incoming = next_new_message(&mut updates).await;
    assert_eq!(incoming.text(), "/start now");
    assert_eq!(
        incoming.sender_id().and_then(|p| p.bare_id()),
        Some(alice.id())
    );
    let entities = incoming.fmt_entities().cloned().unwrap_or_default();
    assert!(
        matches!(
            entities.as_slice(),
            [tl::enums::MessageEntity::BotCommand(c)] if c.offset == 0 && c.length == 6
        ),
        "{entities:?}"
    );

    let reply = incoming.reply("hello Alice").await.unwrap();
    assert_eq!(reply.text(), "hello Alice");

    let got = alice.next_message(WAIT).await.unwrap();
    assert_eq!(got.text, "hello Alice");
    assert_eq!(got.chat_id, BOT_ID);
    assert_eq!(got.sender_id, BOT_ID);
    assert_eq!(
        got.reply_to,
        Some(sent.id),
        "the reply points at alice's message"
    );

    // A second message proves the pts sequence keeps flowing without gaps.
    alice.send_text("echo_bot", "again").await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    assert_eq!(incoming.text(), "again");
    assert!(kit.rpc_count("messages.sendMessage") >= 1);
    bot.quit().await;
    kit.shutdown().await;
}

#[tokio::test]
async fn bot_echo_round_trip_memory_session() {
    bot_echo_round_trip(Storage::Memory).await;
}

#[tokio::test]
async fn bot_echo_round_trip_sqlite_session() {
    bot_echo_round_trip(Storage::Sqlite).await;
}

#[tokio::test]
async fn next_message_times_out_when_nobody_writes() {
    let kit = TestKit::start(world()).await.unwrap();
    let alice = kit.user("alice");
    let err = alice
        .next_message(std::time::Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(matches!(err, oxygram_testkit::Error::Timeout(..)), "{err}");
    assert!(kit.try_user("nobody").is_err());
}
