//! `min` users in supergroups, driven through the real grammers client: a sender the viewer
//! has not met arrives `min`, its hash is no real one, and `inputPeerUserFromMessage` (the
//! message it was seen in) reaches it.

mod common;

use common::*;
use grammers_client::tl;
use grammers_client::update::Update;
use oxygram_testkit::{Group, TestKit, User};

fn lounge_world() -> oxygram_testkit::World {
    world()
        .user(User::new("+15550003").first_name("Carol").username("carol"))
        .group(Group::new("Friends").members(["alice", "carol"]))
        .supergroup(
            Group::new("Lounge")
                .username("lounge")
                .members(["alice", "bob", "carol"]),
        )
}

/// The user object a pushed channel message carried for its sender.
fn sender_user(update: &Update) -> Option<tl::types::User> {
    let Update::NewMessage(message) = update else {
        return None;
    };
    match message.sender()? {
        grammers_client::peer::Peer::User(user) => match &user.raw {
            tl::enums::User::User(u) => Some(u.clone()),
            tl::enums::User::Empty(_) => None,
        },
        _ => None,
    }
}

#[tokio::test]
async fn strangers_in_a_supergroup_are_min_users() {
    let kit = TestKit::start(lounge_world()).await.unwrap();
    let (bob, mut bob_updates) = user_client(&kit, "bob").await;
    let (alice, mut alice_updates) = user_client(&kit, "alice").await;
    // Let both clients take their first request (grammers connects lazily).
    bob.client.get_me().await.unwrap();
    alice.client.get_me().await.unwrap();
    let carol = kit.user("carol");
    let lounge = kit.chat_id("lounge").unwrap();

    let sent = carol.send_text("lounge", "hello lounge").await.unwrap();
    let to_bob = next_matching(&mut bob_updates, |u| sender_user(&u)).await;
    assert_eq!(to_bob.id, carol.id());
    assert!(to_bob.min, "bob never met carol: {to_bob:?}");
    assert!(to_bob.phone.is_none());
    // Alice shares a basic group with Carol: she gets the full user.
    let to_alice = next_matching(&mut alice_updates, |u| sender_user(&u)).await;
    assert!(!to_alice.min, "{to_alice:?}");

    // The min hash is no real hash; the message Carol was seen in is the way to her.
    let min_hash = to_bob.access_hash.expect("min users carry a hash");
    let error = bob
        .client
        .invoke(&send_message_request(
            tl::types::InputPeerUser {
                user_id: carol.id(),
                access_hash: min_hash,
            },
            "hi carol",
            1,
        ))
        .await
        .unwrap_err();
    assert!(error.is("PEER_ID_INVALID"), "{error}");
    let resolved = bob
        .client
        .resolve_username("lounge")
        .await
        .unwrap()
        .unwrap();
    let lounge_ref = resolved.to_ref().await.unwrap().unwrap();
    let from_message = |msg_id| tl::types::InputPeerUserFromMessage {
        peer: (&lounge_ref).into(),
        msg_id,
        user_id: carol.id(),
    };
    bob.client
        .invoke(&send_message_request(from_message(sent.id), "hi carol", 2))
        .await
        .unwrap();
    assert_eq!(carol.next_message(WAIT).await.unwrap().text, "hi carol");
    // A message that does not name her proves nothing.
    let other = kit
        .user("alice")
        .send_text("lounge", "me too")
        .await
        .unwrap();
    let error = bob
        .client
        .invoke(&send_message_request(from_message(other.id), "again", 3))
        .await
        .unwrap_err();
    assert!(error.is("PEER_ID_INVALID"), "{error}");

    // Now they have a private chat: Carol is met, and full in the lounge too.
    carol.send_text("lounge", "and again").await.unwrap();
    let met = next_matching(&mut bob_updates, |u| {
        sender_user(&u).filter(|user| user.id == carol.id())
    })
    .await;
    assert!(!met.min, "{met:?}");
    assert_eq!(lounge, kit.chat_id("Lounge").unwrap());
    bob.quit().await;
    alice.quit().await;
}
