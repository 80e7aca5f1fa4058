//! Telegram's sending limits, on by default, met by the real grammers client: flood waits per
//! chat, per group and overall, slow mode, `PEER_FLOOD`, and the lifted limits benchmarks use.
//!
//! The clients here never retry (grammers' default would sleep through a short flood wait and
//! hide it). Tests that have to see a window pass shorten it in the world instead of waiting
//! for Telegram's minute; the test of the defaults needs no waiting at all.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use std::sync::atomic::{AtomicI64, Ordering};

use grammers_client::InvocationError;
use grammers_client::tl;
use grammers_mtsender::{ConnectionParams, NoRetries, SenderPool};
use grammers_session::storages::MemorySession;
use oxygram_testkit::{Group, Limits, TestKit, World};

/// A client logged in as `who` (the bot: `None`) that never retries a refused request.
async fn strict_client(
    kit: &TestKit,
    who: Option<&str>,
) -> (
    TestClient,
    tokio::sync::mpsc::UnboundedReceiver<grammers_client::update::Update>,
) {
    let data = match who {
        Some(who) => kit.session_data_for(who).unwrap(),
        None => kit.session_data(),
    };
    let params = ConnectionParams {
        retry_policy: Box::new(NoRetries),
        ..Default::default()
    };
    let pool = SenderPool::with_configuration(Arc::new(MemorySession::from(data)), API_ID, params);
    let mut client = TestClient::from_pool(pool, None);
    if who.is_none() {
        client
            .client
            .bot_sign_in(BOT_TOKEN, API_HASH)
            .await
            .unwrap();
    }
    let updates = client.stream().await;
    (client, updates)
}

/// The `(name, value)` of a refused call.
fn refusal<T: std::fmt::Debug>(result: Result<T, InvocationError>) -> (i32, String, Option<u32>) {
    match result {
        Err(InvocationError::Rpc(rpc)) => (rpc.code, rpc.name, rpc.value),
        other => panic!("expected an RPC error, got {other:?}"),
    }
}

/// The bot's client, after each of `who` wrote to it (so it may write back).
async fn bot_met_by(
    kit: &TestKit,
    who: &[&str],
) -> (
    TestClient,
    tokio::sync::mpsc::UnboundedReceiver<grammers_client::update::Update>,
) {
    let (bot, mut updates) = strict_client(kit, None).await;
    for user in who {
        kit.user(user)
            .send_text("echo_bot", "/start")
            .await
            .unwrap();
        next_new_message(&mut updates).await;
    }
    (bot, updates)
}

/// The bot writes `text` to `who` (a user who wrote to it: access hash 0, as a bot may).
async fn say(
    bot: &TestClient,
    kit: &TestKit,
    who: &str,
    text: &str,
) -> Result<(), InvocationError> {
    static RANDOM_ID: AtomicI64 = AtomicI64::new(1);
    let peer = tl::types::InputPeerUser {
        user_id: kit.account_id(who).unwrap(),
        access_hash: 0,
    };
    let random_id = RANDOM_ID.fetch_add(1, Ordering::Relaxed);
    bot.client
        .invoke(&send_message_request(peer, text, random_id))
        .await
        .map(drop)
}

#[tokio::test]
async fn the_default_limits_refuse_a_burst_into_one_private_chat() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, _updates) = bot_met_by(&kit, &["alice"]).await;
    // Telegram's short burst (3 in any 3 s, see limits.rs) passes...
    for i in 0..3 {
        say(&bot, &kit, "alice", &format!("m{i}")).await.unwrap();
    }
    // ...the next message is refused with the whole seconds left in the window.
    let (code, name, value) = refusal(say(&bot, &kit, "alice", "m3").await);
    assert_eq!((code, name.as_str()), (420, "FLOOD_WAIT"));
    assert_eq!(value, Some(3), "the window of 3 s has just begun");
    let alice = kit.user("alice");
    for i in 0..3 {
        assert_eq!(
            alice.next_message(WAIT).await.unwrap().text,
            format!("m{i}")
        );
    }
    assert!(
        alice
            .next_message(Duration::from_millis(200))
            .await
            .is_err(),
        "the refused message was not delivered"
    );
    bot.quit().await;
}

#[tokio::test]
async fn a_refused_chat_may_write_again_after_the_wait_it_was_told() {
    let limits = Limits::telegram().chat(2, Duration::from_millis(1500));
    let kit = TestKit::start(world().limits(limits)).await.unwrap();
    let (bot, _updates) = bot_met_by(&kit, &["alice"]).await;
    say(&bot, &kit, "alice", "a").await.unwrap();
    say(&bot, &kit, "alice", "b").await.unwrap();
    let (_, name, value) = refusal(say(&bot, &kit, "alice", "c").await);
    assert_eq!(
        (name.as_str(), value),
        ("FLOOD_WAIT", Some(2)),
        "1.5 s, rounded up"
    );
    // Waiting what Telegram said is what a client does; then the chat is open again.
    tokio::time::sleep(Duration::from_secs(u64::from(value.unwrap()))).await;
    say(&bot, &kit, "alice", "c").await.unwrap();
    let alice = kit.user("alice");
    // The testkit queues what alice receives as it delivers it, before answering the bot.
    let texts: Vec<String> = alice.drain_messages().into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["a", "b", "c"]);
    bot.quit().await;
}

#[tokio::test]
async fn groups_allow_twenty_messages_a_minute_by_default() {
    // The per-chat burst and the overall limit are widened so only the group window speaks.
    let limits = Limits::telegram()
        .chat(100, Duration::from_secs(1))
        .overall(100, Duration::from_secs(1));
    let world = world()
        .limits(limits)
        .group(Group::new("Friends").members(["alice", "echo_bot"]))
        .supergroup(Group::new("Lounge").members(["alice", "echo_bot"]));
    let kit = TestKit::start(world).await.unwrap();
    let (bot, mut updates) = strict_client(&kit, None).await;
    for group in ["Friends", "Lounge"] {
        kit.user("alice")
            .send_text(group, "/start@echo_bot")
            .await
            .unwrap();
        let incoming = next_new_message(&mut updates).await;
        for i in 0..20 {
            incoming.respond(format!("{group} {i}")).await.unwrap();
        }
        let (code, name, value) = refusal(incoming.respond("one too many").await);
        assert_eq!((code, name.as_str()), (420, "FLOOD_WAIT"), "{group}");
        assert_eq!(value, Some(60), "{group}: the minute has just begun");
    }
    bot.quit().await;
}

#[tokio::test]
async fn the_overall_limit_counts_every_chat_of_the_account() {
    let limits = Limits::telegram()
        .chat(100, Duration::from_secs(1))
        .overall(5, Duration::from_secs(2));
    let kit = TestKit::start(world().limits(limits)).await.unwrap();
    let (bot, _updates) = bot_met_by(&kit, &["alice", "bob"]).await;
    for i in 0..5 {
        let who = ["alice", "bob"][i % 2];
        say(&bot, &kit, who, &format!("n{i}")).await.unwrap();
    }
    // Neither chat is over its own limit; the account is.
    let (code, name, value) = refusal(say(&bot, &kit, "bob", "n5").await);
    assert_eq!((code, name.as_str(), value), (420, "FLOOD_WAIT", Some(2)));
    bot.quit().await;
}

#[tokio::test]
async fn the_default_overall_limit_is_thirty_a_second() {
    let users: Vec<String> = (0..31).map(|i| format!("u{i}")).collect();
    let mut world = World::new()
        .app(API_ID, API_HASH)
        .bot(oxygram_testkit::Bot::new(BOT_TOKEN).username("echo_bot"));
    for (i, name) in users.iter().enumerate() {
        world = world.user(oxygram_testkit::User::new(format!("+1555100{i:02}")).username(name));
    }
    let kit = TestKit::start(world).await.unwrap();
    let names: Vec<&str> = users.iter().map(String::as_str).collect();
    let (bot, _updates) = bot_met_by(&kit, &names).await;
    // One message to each of 31 chats, as fast as the client goes: the 31st within the same
    // second is refused (a loaded machine could spread the 30 over more than a second; it
    // would then pass, and this test would fail loudly, not silently).
    let mut refused = None;
    for (i, who) in names.iter().enumerate() {
        if let Err(e) = say(&bot, &kit, who, "news").await {
            refused = Some((i, refusal::<()>(Err(e))));
            break;
        }
    }
    let (at, (code, name, value)) = refused.expect("the 31st message in a second is refused");
    assert_eq!(at, 30);
    assert_eq!((code, name.as_str(), value), (420, "FLOOD_WAIT", Some(1)));
    bot.quit().await;
}

#[tokio::test]
async fn slow_mode_lets_a_member_post_once_per_interval_and_spares_admins() {
    let world = world().supergroup(
        Group::new("Lounge")
            .username("lounge")
            .members(["alice", "bob"])
            .slow_mode(Duration::from_secs(10)),
    );
    let kit = TestKit::start(world).await.unwrap();
    let (bob, _bob_updates) = strict_client(&kit, Some("bob")).await;
    let lounge = bob
        .client
        .resolve_username("lounge")
        .await
        .unwrap()
        .unwrap()
        .to_ref()
        .await
        .unwrap()
        .unwrap();
    bob.client.send_message(lounge, "first").await.unwrap();
    let (code, name, value) = refusal(bob.client.send_message(lounge, "second").await);
    assert_eq!(
        (code, name.as_str(), value),
        (420, "SLOWMODE_WAIT", Some(10))
    );

    // alice created the supergroup: admins are not slowed down.
    let (alice, _alice_updates) = strict_client(&kit, Some("alice")).await;
    let lounge = alice
        .client
        .resolve_username("lounge")
        .await
        .unwrap()
        .unwrap()
        .to_ref()
        .await
        .unwrap()
        .unwrap();
    alice.client.send_message(lounge, "one").await.unwrap();
    alice.client.send_message(lounge, "two").await.unwrap();
    bob.quit().await;
    alice.quit().await;
}

#[test]
fn slow_mode_needs_a_supergroup() {
    let world = world().group(
        Group::new("Friends")
            .members(["alice", "bob"])
            .slow_mode(Duration::from_secs(10)),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let error = runtime.block_on(TestKit::start(world)).unwrap_err();
    assert!(error.to_string().contains("supergroup"), "{error}");
}

#[tokio::test]
async fn a_user_writing_to_too_many_strangers_gets_peer_flood() {
    let world = world()
        .user(oxygram_testkit::User::new("+15550003").username("carol"))
        .user(oxygram_testkit::User::new("+15550004").username("dave"))
        .user(oxygram_testkit::User::new("+15550005").username("eve"))
        .limits(Limits::telegram().strangers(2, Duration::from_secs(3600)));
    let kit = TestKit::start(world).await.unwrap();
    // dave wrote to alice first: he is no stranger.
    kit.user("dave")
        .send_text("alice", "hi alice")
        .await
        .unwrap();
    let (alice, _updates) = strict_client(&kit, Some("alice")).await;
    let mut peers = Vec::new();
    for who in ["bob", "carol", "dave", "echo_bot", "eve"] {
        let peer = alice.client.resolve_username(who).await.unwrap().unwrap();
        peers.push(peer.to_ref().await.unwrap().unwrap());
    }
    let send = |i: usize, text: &'static str| alice.client.send_message(peers[i], text);
    send(0, "hello bob").await.unwrap();
    send(0, "bob again").await.unwrap();
    send(2, "hi dave").await.unwrap();
    send(3, "/start").await.unwrap();
    send(1, "hello carol").await.unwrap();
    // Two strangers (bob, carol) were written to; a third is one too many. Bots and people
    // who wrote first do not count.
    let (code, name, _) = refusal(send(4, "hello eve").await);
    assert_eq!((code, name.as_str()), (400, "PEER_FLOOD"));
    // Those already written to stay open.
    send(0, "still bob").await.unwrap();
    alice.quit().await;
}

#[tokio::test]
async fn lifted_limits_let_every_message_through() {
    let kit = TestKit::start(world().without_limits()).await.unwrap();
    let (bot, _updates) = bot_met_by(&kit, &["alice"]).await;
    for i in 0..50 {
        say(&bot, &kit, "alice", &format!("x{i}")).await.unwrap();
    }
    let alice = kit.user("alice");
    for i in 0..50 {
        assert_eq!(
            alice.next_message(WAIT).await.unwrap().text,
            format!("x{i}")
        );
    }
    bot.quit().await;
}
