//! Resent sends are deduplicated by `random_id`, as on Telegram: a client that resends a
//! request whose answer it lost gets the original message back, and the chat sees it once.

mod common;

use std::time::Duration;

use common::*;
use grammers_client::Client;
use grammers_session::types::PeerRef;
use grammers_tl_types as tl;
use oxygram_testkit::TestKit;

async fn logged_in_bot(kit: &TestKit) -> TestClient {
    let bot = TestClient::connect(kit, Storage::Memory).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    bot
}

/// Alice and Bob write to the bot: a bot may write only to users who wrote to it.
async fn users_wrote_to_the_bot(kit: &TestKit) {
    for user in ["alice", "bob"] {
        kit.user(user)
            .send_text("echo_bot", "/start")
            .await
            .unwrap();
    }
}

async fn peer(client: &Client, username: &str) -> PeerRef {
    client
        .resolve_username(username)
        .await
        .unwrap()
        .expect("resolves")
        .to_ref()
        .await
        .unwrap()
        .expect("cached")
}

/// The id an answer maps `random_id` to (`updateShortSentMessage` carries it directly).
fn sent_id(answer: &tl::enums::Updates, random_id: i64) -> i32 {
    match answer {
        tl::enums::Updates::UpdateShortSentMessage(short) => short.id,
        tl::enums::Updates::Updates(updates) => updates
            .updates
            .iter()
            .find_map(|u| match u {
                tl::enums::Update::MessageId(m) if m.random_id == random_id => Some(m.id),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no updateMessageID for {random_id} in {answer:?}")),
        other => panic!("unexpected answer {other:?}"),
    }
}

#[tokio::test]
async fn a_resent_message_is_answered_with_the_original_and_delivered_once() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = logged_in_bot(&kit).await;
    users_wrote_to_the_bot(&kit).await;
    let alice = kit.user("alice");
    let to_alice = peer(&bot.client, "alice").await;

    let first = bot
        .client
        .invoke(&send_message_request(to_alice, "once", 7))
        .await
        .unwrap();
    let again = bot
        .client
        .invoke(&send_message_request(to_alice, "once", 7))
        .await
        .unwrap();
    let id = sent_id(&first, 7);
    assert_eq!(sent_id(&again, 7), id, "the resend maps to the original");
    // The resend carries the original message and advances nothing (pts_count 0).
    let tl::enums::Updates::Updates(again) = &again else {
        panic!("a resend is answered with `updates`: {again:?}")
    };
    assert!(again.updates.iter().any(|u| matches!(
        u,
        tl::enums::Update::NewMessage(m) if m.pts_count == 0
            && matches!(&m.message, tl::enums::Message::Message(m) if m.id == id && m.message == "once")
    )));

    assert_eq!(alice.next_message(WAIT).await.unwrap().text, "once");
    // Both answers are in: a second copy would already be in the inbox.
    assert!(alice.drain_messages().is_empty());

    // Another random_id is another message.
    bot.client
        .invoke(&send_message_request(to_alice, "once", 8))
        .await
        .unwrap();
    assert_eq!(alice.next_message(WAIT).await.unwrap().text, "once");
    bot.quit().await;
}

#[tokio::test]
async fn random_ids_are_per_sender() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = logged_in_bot(&kit).await;
    users_wrote_to_the_bot(&kit).await;
    let alice = kit.user("alice");
    let to_alice = peer(&bot.client, "alice").await;
    let (bob, _bob_updates) = user_client(&kit, "bob").await;
    let bob_to_alice = peer(&bob.client, "alice").await;

    bot.client
        .invoke(&send_message_request(to_alice, "from the bot", 9))
        .await
        .unwrap();
    bob.client
        .invoke(&send_message_request(bob_to_alice, "from bob", 9))
        .await
        .unwrap();
    let texts = [
        alice.next_message(WAIT).await.unwrap().text,
        alice.next_message(WAIT).await.unwrap().text,
    ];
    assert_eq!(texts, ["from the bot", "from bob"]);
    bot.quit().await;
    bob.quit().await;
}

#[tokio::test]
async fn resending_after_the_original_was_deleted_is_random_id_duplicate() {
    let kit = TestKit::start(world()).await.unwrap();
    let bot = logged_in_bot(&kit).await;
    users_wrote_to_the_bot(&kit).await;
    let to_alice = peer(&bot.client, "alice").await;
    let first = bot
        .client
        .invoke(&send_message_request(to_alice, "gone", 11))
        .await
        .unwrap();
    bot.client
        .invoke(&tl::functions::messages::DeleteMessages {
            revoke: true,
            id: vec![sent_id(&first, 11)],
        })
        .await
        .unwrap();
    let error = bot
        .client
        .invoke(&send_message_request(to_alice, "gone", 11))
        .await
        .unwrap_err();
    assert!(error.is("RANDOM_ID_DUPLICATE"), "{error:?}");
    bot.quit().await;
}

#[tokio::test]
async fn a_resent_forward_forwards_nothing_again() {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = logged_in_bot(&kit).await;
    users_wrote_to_the_bot(&kit).await;
    let mut updates = bot.stream().await;
    let alice = kit.user("alice");
    let bob = kit.user("bob");
    alice.send_text("echo_bot", "pass it on").await.unwrap();
    let message_id = next_matching(&mut updates, |u| match u {
        grammers_client::update::Update::NewMessage(m) if m.text() == "pass it on" => Some(m.id()),
        _ => None,
    })
    .await;
    let to_alice = peer(&bot.client, "alice").await;
    let to_bob = peer(&bot.client, "bob").await;
    let forward = tl::functions::messages::ForwardMessages {
        silent: false,
        background: false,
        with_my_score: false,
        drop_author: false,
        drop_media_captions: false,
        noforwards: false,
        allow_paid_floodskip: false,
        from_ephemeral: false,
        from_peer: to_alice.into(),
        id: vec![message_id],
        random_id: vec![21],
        to_peer: to_bob.into(),
        top_msg_id: None,
        reply_to: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        video_timestamp: None,
        allow_paid_stars: None,
        suggested_post: None,
    };
    let first = bot.client.invoke(&forward).await.unwrap();
    let again = bot.client.invoke(&forward).await.unwrap();
    assert_eq!(sent_id(&first, 21), sent_id(&again, 21));
    assert_eq!(bob.next_message(WAIT).await.unwrap().text, "pass it on");
    assert!(bob.drain_messages().is_empty());
    bot.quit().await;
}

/// The case that matters: the connection drops after the reply was sent but before its
/// answer arrived; grammers resends the same request on a new connection.
#[tokio::test]
async fn a_reply_in_flight_during_a_drop_reaches_the_chat_once() {
    let kit = TestKit::start(world()).await.unwrap();
    let mut bot = logged_in_bot(&kit).await;
    let mut updates = bot.stream().await;
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "ping").await.unwrap();
    let message = next_new_message(&mut updates).await;

    // Answers are held back, so the reply is delivered but its answer is still in flight
    // when the connection drops.
    kit.delay_answers(Duration::from_secs(30));
    let reply = tokio::spawn(async move { message.reply("pong").await.map(|m| m.id()) });
    assert_eq!(alice.next_message(WAIT).await.unwrap().text, "pong");
    kit.delay_answers(Duration::ZERO);
    kit.drop_connections();
    let id = tokio::time::timeout(WAIT, reply)
        .await
        .expect("the reply call ends")
        .unwrap()
        .expect("the resent reply succeeds");
    assert_eq!(
        kit.rpc_count("messages.sendMessage"),
        2,
        "grammers resent it"
    );
    assert!(alice.drain_messages().is_empty(), "delivered once");
    assert!(id > 0, "the resend maps to the original message");
    bot.quit().await;
}
