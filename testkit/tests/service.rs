//! The MTProto service layer as Telegram runs it, met by the real grammers client: the first
//! message refused with `bad_server_salt` and resent, `new_session_created`, future salts,
//! salts rotating mid-session, and transient server errors reaching the caller.

mod common;

use std::time::Duration;

use common::*;
use grammers_mtsender::InvocationError;
use oxygram_testkit::{TestKit, TransientError};

/// Logs the bot in over `storage`, then has it message alice, who must receive it.
async fn bot_logs_in_and_sends(kit: &TestKit, storage: Storage) -> TestClient {
    let bot = TestClient::connect(kit, storage).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    send_to_alice(kit, &bot, "hello from a fresh session").await;
    bot
}

async fn send_to_alice(kit: &TestKit, bot: &TestClient, text: &str) {
    // A bot may write only to users who wrote to it.
    kit.user("alice")
        .send_text("echo_bot", "/start")
        .await
        .unwrap();
    let alice = bot
        .client
        .resolve_username("alice")
        .await
        .unwrap()
        .expect("alice resolves");
    let peer = alice.to_ref().await.unwrap().expect("alice is cached");
    bot.client.send_message(peer, text).await.unwrap();
    assert_eq!(
        kit.user("alice").next_message(WAIT).await.unwrap().text,
        text
    );
}

async fn first_message_is_refused_for_its_salt_and_resent(storage: Storage) {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = bot_logs_in_and_sends(&kit, storage).await;
    let stats = kit.service_stats();
    // One connection: its first message (salt 0) is refused once, then grammers asks for
    // future salts and its session is created; with those salts nothing else is refused.
    assert_eq!(stats.bad_server_salts, 1, "{stats:?}");
    assert_eq!(stats.sessions_created, 1, "{stats:?}");
    assert!(stats.future_salts >= 1, "{stats:?}");
    // The refused message was not executed: the login ran exactly once, when resent.
    assert_eq!(kit.rpc_count("auth.importBotAuthorization"), 1);
    bot.quit().await;
}

#[tokio::test]
async fn first_bad_server_salt_and_new_session_memory_session() {
    first_message_is_refused_for_its_salt_and_resent(Storage::Memory).await;
}

#[tokio::test]
async fn first_bad_server_salt_and_new_session_sqlite_session() {
    first_message_is_refused_for_its_salt_and_resent(Storage::Sqlite).await;
}

#[tokio::test]
async fn every_new_connection_is_a_new_session() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = bot_logs_in_and_sends(&kit, Storage::Memory).await;
    let before = kit.service_stats();
    kit.drop_connections();
    // grammers reconnects with a new session id and salt 0 again.
    bot.client.get_me().await.unwrap();
    let after = kit.service_stats();
    assert_eq!(after.bad_server_salts, before.bad_server_salts + 1);
    assert_eq!(after.sessions_created, before.sessions_created + 1);
    bot.quit().await;
}

#[tokio::test]
async fn salts_rotate_mid_session_and_requests_keep_working() {
    let kit = TestKit::start(world()).await.unwrap();
    kit.rotate_salts(Duration::from_secs(2), Duration::from_secs(1))
        .unwrap();
    let bot = bot_logs_in_and_sends(&kit, Storage::Memory).await;
    for round in 1..=2 {
        let before = kit.service_stats();
        kit.salt_rotation().await;
        // grammers still holds the salt that just expired (it moves on to a future salt only
        // 60 s into its window): refused, told the current one, the call is resent.
        let me = bot.client.get_me().await.unwrap();
        assert_eq!(me.username(), Some("echo_bot"));
        send_to_alice(&kit, &bot, &format!("after rotation {round}")).await;
        let after = kit.service_stats();
        assert!(
            after.bad_server_salts > before.bad_server_salts,
            "round {round}: {before:?} -> {after:?}"
        );
        assert!(
            after.future_salts > before.future_salts,
            "round {round}: a new salt makes grammers fetch future salts again"
        );
        assert_eq!(
            after.sessions_created, before.sessions_created,
            "a rotation is not a new session"
        );
    }
    bot.quit().await;
}

#[tokio::test]
async fn bad_salt_rotation_settings_are_typed_errors() {
    let kit = TestKit::start(world()).await.unwrap();
    let error = kit
        .rotate_salts(Duration::from_millis(500), Duration::ZERO)
        .unwrap_err();
    assert!(
        error.to_string().contains("whole number of seconds"),
        "{error}"
    );
    let error = kit
        .rotate_salts(Duration::from_secs(2), Duration::from_secs(5))
        .unwrap_err();
    assert!(error.to_string().contains("overlap"), "{error}");
}

#[tokio::test]
async fn transient_errors_reach_the_client_with_their_code_and_name() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = TestClient::connect(&kit, Storage::Memory).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    for (error, code, name) in [
        (TransientError::Internal, 500, "INTERNAL"),
        (TransientError::NoWorkersRunning, -500, "No workers running"),
        (TransientError::Timeout, -503, "Timeout"),
    ] {
        kit.fail_next_transient("users.getUsers", 2, error);
        for attempt in 1..=2 {
            match bot.client.get_me().await {
                Err(InvocationError::Rpc(rpc)) => {
                    assert_eq!((rpc.code, rpc.name.as_str()), (code, name), "{error:?}");
                    assert_eq!(rpc.value, None);
                }
                other => panic!("{error:?} attempt {attempt}: {other:?}"),
            }
        }
        // Injected `times` times, then the method works again.
        assert_eq!(
            bot.client.get_me().await.unwrap().username(),
            Some("echo_bot")
        );
    }
    bot.quit().await;
}
