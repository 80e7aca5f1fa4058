//! What Telegram does that a kinder server would not, driven through the real grammers client:
//! short pushes without user objects, per-viewer access hashes, and what a bot may address.

mod common;

use common::*;
use grammers_client::tl;
use oxygram_testkit::TestKit;

/// The short form of a private message names the sender by id alone: grammers hands the
/// update out with no peers, so `sender()` is empty, while the id is known and the session's
/// cache (or `access_hash = 0`, allowed to bots for users who wrote to them) still answers.
#[tokio::test]
async fn a_first_private_message_arrives_short_without_its_sender() {
    let kit = TestKit::start(world()).await.unwrap();
    // SQLite: with a memory session grammers never asks for the state and meets the first
    // message through a difference (see the notes on `MemorySession`).
    let mut bot = TestClient::connect(&kit, Storage::Sqlite).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    let mut updates = bot.stream().await;
    // The stream's catch-up must be over, or the message comes in the difference, in full.
    tokio::time::timeout(WAIT, async {
        while kit.rpc_count("updates.getDifference") == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the stream catches up");
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "hi").await.unwrap();

    let incoming = next_new_message(&mut updates).await;
    assert_eq!(incoming.text(), "hi");
    assert!(
        incoming.sender().is_none(),
        "a short update carries no user: {:?}",
        kit.rpc_log()
    );
    assert_eq!(
        incoming.sender_id().and_then(|p| p.bare_id()),
        Some(alice.id())
    );

    // The difference from just before the message names her, with the bot's own hash.
    let incoming_pts = match &incoming.raw {
        tl::enums::Update::NewMessage(u) => u.pts,
        other => panic!("not a new message: {other:?}"),
    };
    let difference = bot
        .client
        .invoke(&tl::functions::updates::GetDifference {
            pts: incoming_pts - 1,
            pts_limit: None,
            pts_total_limit: None,
            date: 1,
            qts: -1,
            qts_limit: None,
        })
        .await
        .unwrap();
    let users = match difference {
        tl::enums::updates::Difference::Difference(d) => d.users,
        other => panic!("expected a difference: {other:?}"),
    };
    assert!(
        users
            .iter()
            .any(|u| matches!(u, tl::enums::User::User(u) if u.id == alice.id() && u.access_hash.is_some())),
        "{users:?}"
    );

    // A bot may address a user who wrote to it with access_hash 0.
    let found = bot
        .client
        .invoke(&tl::functions::users::GetUsers {
            id: vec![
                tl::types::InputUser {
                    user_id: alice.id(),
                    access_hash: 0,
                }
                .into(),
            ],
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

/// Every account gets its own access hash for a peer; one another account was given is
/// `PEER_ID_INVALID`, and a bot cannot use 0 for a user who never wrote to it.
#[tokio::test]
async fn access_hashes_are_per_viewer() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bob, _) = user_client(&kit, "bob").await;
    let (bot, _) = bot_client(&kit).await;
    let alice_id = kit.account_id("alice").unwrap();

    let hash_of_alice = |resolved: tl::enums::contacts::ResolvedPeer| match resolved {
        tl::enums::contacts::ResolvedPeer::Peer(r) => r
            .users
            .into_iter()
            .find_map(|u| match u {
                tl::enums::User::User(u) if u.id == alice_id => u.access_hash,
                _ => None,
            })
            .expect("alice in the answer"),
    };
    let resolve = tl::functions::contacts::ResolveUsername {
        username: "alice".into(),
        referer: None,
    };
    let bobs = hash_of_alice(bob.client.invoke(&resolve).await.unwrap());
    let bots = hash_of_alice(bot.client.invoke(&resolve).await.unwrap());
    assert_ne!(bobs, bots, "each viewer has its own hash");

    let send = |access_hash| {
        send_message_request(
            tl::types::InputPeerUser {
                user_id: alice_id,
                access_hash,
            },
            "hello",
            42,
        )
    };
    let error = bot.client.invoke(&send(bobs)).await.unwrap_err();
    assert!(error.is("PEER_ID_INVALID"), "{error}");
    let error = bot.client.invoke(&send(0)).await.unwrap_err();
    assert!(error.is("PEER_ID_INVALID"), "{error}");
}
