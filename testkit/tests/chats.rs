//! Groups, supergroups, media, dialogs, forwards and bot commands with the real grammers
//! client.

mod common;

use common::*;
use grammers_client::message::InputMessage;
use grammers_client::tl;
use grammers_session::types::PeerKind;
use oxygram_testkit::{ChatKind, Group, TestKit};

fn chat_world() -> oxygram_testkit::World {
    world()
        .group(Group::new("Friends").members(["alice", "bob", "echo_bot"]))
        .supergroup(
            // An admin bot reads all of a supergroup's messages, privacy mode or not.
            Group::new("Lounge")
                .username("lounge")
                .members(["alice", "echo_bot"])
                .admins(["echo_bot"]),
        )
        .channel(
            Group::new("News")
                .username("news")
                .members(["alice", "bob", "echo_bot"]),
        )
}

#[tokio::test]
async fn basic_group_message_and_reply() {
    let kit = TestKit::start(chat_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let (alice, bob) = (kit.user("alice"), kit.user("bob"));
    let friends = kit.chat_id("Friends").unwrap();

    let sent = alice.send_text("Friends", "/hi@echo_bot").await.unwrap();
    assert_eq!((sent.chat_kind, sent.chat_id), (ChatKind::Group, friends));
    let seen_by_bob = bob.next_message(WAIT).await.unwrap();
    assert_eq!(seen_by_bob.text, "/hi@echo_bot");

    let incoming = next_new_message(&mut updates).await;
    assert_eq!(incoming.peer_id().kind(), PeerKind::Chat);
    assert_eq!(incoming.peer_id().bare_id(), Some(friends));
    incoming.reply("hi all").await.unwrap();
    for user in [&alice, &bob] {
        let got = user.next_message(WAIT).await.unwrap();
        assert_eq!(
            (got.text.as_str(), got.chat_kind),
            ("hi all", ChatKind::Group)
        );
        assert_eq!(got.sender_id, BOT_ID);
    }
    bot.quit().await;
}

#[tokio::test]
async fn supergroup_messages_with_channel_pts_and_catch_up() {
    let kit = TestKit::start(chat_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");
    let lounge = kit.chat_id("lounge").unwrap();

    alice.send_text("lounge", "hello lounge").await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    assert_eq!(incoming.peer_id().kind(), PeerKind::Channel);
    assert_eq!(incoming.peer_id().bare_id(), Some(lounge));
    incoming.reply("welcome").await.unwrap();
    let got = alice.next_message(WAIT).await.unwrap();
    assert_eq!(
        (got.text.as_str(), got.chat_kind),
        ("welcome", ChatKind::Channel)
    );
    assert_eq!(got.reply_to, Some(incoming.id()));

    // Silenced channel updates come back through updates.getChannelDifference.
    kit.pause_pushes(true);
    alice.send_text("lounge", "quiet").await.unwrap();
    kit.pause_pushes(false);
    alice.send_text("lounge", "loud").await.unwrap();
    assert_eq!(next_new_message(&mut updates).await.text(), "quiet");
    assert_eq!(next_new_message(&mut updates).await.text(), "loud");
    assert!(kit.rpc_count("updates.getChannelDifference") >= 1);

    // channels.getMessages by id.
    let loaded = bot
        .client
        .get_messages_by_id(
            incoming.peer_ref().await.unwrap().unwrap(),
            &[incoming.id()],
        )
        .await
        .unwrap();
    assert_eq!(loaded[0].as_ref().map(|m| m.text()), Some("hello lounge"));
    bot.quit().await;
}

#[tokio::test]
async fn only_the_creator_posts_in_a_broadcast_channel() {
    let kit = TestKit::start(chat_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let err = kit.user("bob").send_text("news", "spam").await.unwrap_err();
    assert!(err.to_string().contains("CHAT_ADMIN_REQUIRED"), "{err}");
    kit.user("alice")
        .send_text("news", "release 1.0")
        .await
        .unwrap();
    let post = next_new_message(&mut updates).await;
    assert_eq!(post.text(), "release 1.0");
    assert_eq!(
        kit.user("bob").next_message(WAIT).await.unwrap().text,
        "release 1.0"
    );
    bot.quit().await;
}

#[tokio::test]
async fn documents_and_photos_go_both_ways() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");

    // alice -> bot: the bot downloads what alice sent.
    let payload: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    alice
        .send_file("echo_bot", "data.bin", payload.clone(), false, "a file")
        .await
        .unwrap();
    let incoming = next_new_message(&mut updates).await;
    assert_eq!(incoming.text(), "a file");
    let media = incoming.media().expect("document attached");
    let mut download = bot.client.iter_download(&media);
    let mut got = Vec::new();
    while let Some(chunk) = download.next().await.unwrap() {
        got.extend(chunk);
    }
    assert_eq!(got, payload);

    // bot -> alice: an uploaded photo (sendMedia after upload.saveFilePart).
    let photo: Vec<u8> = vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4];
    let uploaded = bot
        .client
        .upload_stream(&mut photo.as_slice(), photo.len(), "cat.jpg".into())
        .await
        .unwrap();
    incoming
        .reply(InputMessage::new().text("a cat").photo(uploaded))
        .await
        .unwrap();
    let reply = alice.next_message(WAIT).await.unwrap();
    let media = reply.media.expect("photo attached");
    assert!(media.is_photo);
    assert_eq!(media.bytes, photo);
    assert_eq!(reply.text, "a cat");
    bot.quit().await;
}

#[tokio::test]
async fn dialogs_forwards_and_lookups_for_a_user_client() {
    let kit = TestKit::start(chat_world()).await.unwrap();
    let (bob, _updates) = user_client(&kit, "bob").await;
    let alice = kit.user("alice");
    let hello = alice.send_text("bob", "hello bob").await.unwrap();
    alice.send_text("Friends", "hello friends").await.unwrap();
    let _ = kit.user("bob").drain_messages();
    let _ = kit.user("echo_bot").drain_messages();

    let mut dialogs = bob.client.iter_dialogs();
    let mut names = Vec::new();
    while let Some(dialog) = dialogs.next().await.unwrap() {
        names.push(dialog.peer().name().unwrap_or_default().to_string());
    }
    assert_eq!(names, ["Friends", "Alice"], "newest first");

    // History of the private chat, newest first, paged by grammers (messages.getHistory).
    for i in 0..5 {
        alice.send_text("bob", &format!("h{i}")).await.unwrap();
    }
    let alice_peer = bob.client.resolve_username("alice").await.unwrap().unwrap();
    let mut history = bob
        .client
        .iter_messages(alice_peer.to_ref().await.unwrap().unwrap())
        .limit(4);
    let mut texts = Vec::new();
    while let Some(m) = history.next().await.unwrap() {
        texts.push(m.text().to_string());
    }
    assert_eq!(texts, ["h4", "h3", "h2", "h1"]);
    let _ = kit.user("bob").drain_messages();

    // bob forwards alice's message to the bot.
    let alice_ref = bob
        .client
        .resolve_username("alice")
        .await
        .unwrap()
        .unwrap()
        .to_ref()
        .await
        .unwrap()
        .unwrap();
    let bot_ref = bob
        .client
        .resolve_username("echo_bot")
        .await
        .unwrap()
        .unwrap()
        .to_ref()
        .await
        .unwrap()
        .unwrap();
    let bob_box_id = hello.id; // both boxes number from 1 in a fresh world
    let forwarded = bob
        .client
        .forward_messages(bot_ref, &[bob_box_id], alice_ref)
        .await
        .unwrap();
    assert_eq!(forwarded.len(), 1);
    let seen = kit.user("echo_bot").next_message(WAIT).await.unwrap();
    assert_eq!(seen.text, "hello bob");
    assert_eq!(seen.forwarded_from, Some(alice.id()));

    // A wrong access hash is PEER_ID_INVALID.
    let err = bob
        .client
        .invoke(&send_message_request(
            tl::types::InputPeerUser {
                user_id: alice.id(),
                access_hash: 42,
            },
            "x",
            1,
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("PEER_ID_INVALID"), "{err}");
    bob.quit().await;
}

#[tokio::test]
async fn bot_commands_are_recorded() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, _updates) = bot_client(&kit).await;
    let set = |command: &str| tl::functions::bots::SetBotCommands {
        scope: tl::enums::BotCommandScope::Default,
        lang_code: String::new(),
        commands: vec![tl::enums::BotCommand::Command(tl::types::BotCommand {
            ephemeral: false,
            command: command.into(),
            description: "Start the bot".into(),
        })],
    };
    assert!(bot.client.invoke(&set("start")).await.unwrap());
    let commands = kit.bot_commands("echo_bot").unwrap();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].command, "start");
    let err = bot.client.invoke(&set("Bad Command")).await.unwrap_err();
    assert!(err.to_string().contains("BOT_COMMAND_INVALID"), "{err}");
    bot.quit().await;
}

#[tokio::test]
async fn delivery_reports_privacy_mode_and_leaving() {
    let kit = TestKit::start(chat_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let (alice, bob) = (kit.user("alice"), kit.user("bob"));

    // Privacy mode (on by default) keeps chatter from the bot, not its commands.
    let chatter = alice.send_text("Friends", "just chatting").await.unwrap();
    assert!(!alice.delivered_to(&chatter, "echo_bot").unwrap());
    assert!(alice.delivered_to(&chatter, "bob").unwrap());
    let command = alice.send_text("Friends", "/hi@echo_bot").await.unwrap();
    assert!(alice.delivered_to(&command, "echo_bot").unwrap());
    // The real client got the command and not the chatter before it.
    assert_eq!(next_new_message(&mut updates).await.text(), "/hi@echo_bot");
    // BotFather's /setprivacy off: chatter reaches the bot from now on.
    kit.set_privacy("echo_bot", false).unwrap();
    let open = alice.send_text("Friends", "open chatter").await.unwrap();
    assert!(alice.delivered_to(&open, "echo_bot").unwrap());
    assert_eq!(next_new_message(&mut updates).await.text(), "open chatter");
    assert!(kit.set_privacy("alice", false).is_err());

    assert!(kit.is_member("Friends", "bob").unwrap());
    bob.leave_group("Friends").await.unwrap();
    assert!(!kit.is_member("Friends", "bob").unwrap());
    let again = bob.leave_group("Friends").await.unwrap_err();
    assert!(
        again.to_string().contains("USER_NOT_PARTICIPANT"),
        "{again}"
    );
    let after = alice.send_text("Friends", "bob left").await.unwrap();
    assert!(!alice.delivered_to(&after, "bob").unwrap());
    let err = alice.delivered_to(&after, "nobody").unwrap_err();
    assert!(err.to_string().contains("nobody"), "{err}");
    bot.quit().await;
}
