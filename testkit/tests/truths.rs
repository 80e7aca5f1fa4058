//! The smaller truths handlers see, with the real grammers client: the entities the server
//! finds, `mentioned`, the callback answer deadline, caption and text limits, `from_id` in
//! private chats, ids beyond 32 bits and edits that drop the inline keyboard.

mod common;

use std::time::Duration;

use common::*;
use grammers_client::message::{Button, InputMessage, ReplyMarkup};
use grammers_client::tl;
use grammers_client::update::Update;
use oxygram_testkit::{Bot, Group, TestKit, User, World};

/// `(kind, covered text)` of each entity, for readable assertions.
fn spans(text: &str, entities: &[tl::enums::MessageEntity]) -> Vec<(&'static str, String)> {
    let utf16: Vec<u16> = text.encode_utf16().collect();
    entities
        .iter()
        .map(|e| {
            use tl::enums::MessageEntity as E;
            let kind = match e {
                E::Mention(_) => "mention",
                E::BotCommand(_) => "bot_command",
                E::Hashtag(_) => "hashtag",
                E::Cashtag(_) => "cashtag",
                E::Url(_) => "url",
                E::Email(_) => "email",
                E::Bold(_) => "bold",
                E::TextUrl(_) => "text_url",
                E::MentionName(_) => "mention_name",
                _ => "other",
            };
            let range = e.offset() as usize..(e.offset() + e.length()) as usize;
            (kind, String::from_utf16(&utf16[range]).unwrap())
        })
        .collect()
}

fn owned(expected: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    expected.iter().map(|(k, t)| (*k, t.to_string())).collect()
}

/// The bot is an admin of both groups, so privacy mode lets it read all their messages.
fn group_world() -> World {
    world()
        .group(
            Group::new("Friends")
                .members(["alice", "bob", "echo_bot"])
                .admins(["echo_bot"]),
        )
        .supergroup(
            Group::new("Lounge")
                .username("lounge")
                .members(["alice", "bob", "echo_bot"])
                .admins(["echo_bot"]),
        )
}

/// A keyboard with one callback button.
fn keyboard(label: &str) -> ReplyMarkup {
    ReplyMarkup::from_buttons(&[vec![Button::data(label, label.as_bytes().to_vec())]])
}

#[tokio::test]
async fn server_finds_entities_in_text_clients_send() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");

    // A scripted user sends plain text, as Telegram's apps do; the server finds the rest.
    let text = "/start@echo_bot hi @alice, see https://example.com/x. #news $TON or a@b.io";
    alice.send_text("echo_bot", text).await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    assert_eq!(
        spans(text, incoming.fmt_entities().unwrap()),
        owned(&[
            ("bot_command", "/start@echo_bot"),
            ("mention", "@alice"),
            ("url", "https://example.com/x"),
            ("hashtag", "#news"),
            ("cashtag", "$TON"),
            ("email", "a@b.io"),
        ])
    );

    // The real client sends a bold entity of its own: it is kept, and found entities are
    // added next to it; grammers' message carries the server's list from
    // updateShortSentMessage, as TDLib relies on.
    let reply_text = "Visit t.me/echo_bot, @alice";
    let bold = tl::enums::MessageEntity::Bold(tl::types::MessageEntityBold {
        offset: 0,
        length: 5,
    });
    let sent = incoming
        .reply(
            InputMessage::new()
                .text(reply_text)
                .fmt_entities(vec![bold]),
        )
        .await
        .unwrap();
    let expected = owned(&[
        ("bold", "Visit"),
        ("url", "t.me/echo_bot"),
        ("mention", "@alice"),
    ]);
    assert_eq!(spans(reply_text, sent.fmt_entities().unwrap()), expected);
    let got = alice.next_message(WAIT).await.unwrap();
    assert_eq!(spans(&got.text, &got.entities), expected);

    // A found entity never overrides a sent one: the text link keeps the domain.
    let linked = "see example.com";
    let text_url = tl::enums::MessageEntity::TextUrl(tl::types::MessageEntityTextUrl {
        offset: 4,
        length: 11,
        url: "https://example.org/".into(),
    });
    incoming
        .reply(
            InputMessage::new()
                .text(linked)
                .fmt_entities(vec![text_url]),
        )
        .await
        .unwrap();
    let got = alice.next_message(WAIT).await.unwrap();
    assert_eq!(
        spans(&got.text, &got.entities),
        owned(&[("text_url", "example.com")])
    );

    // Between two people there are no bot commands (TDLib need_always_skip_bot_commands),
    // whether a scripted user or a real client sends.
    alice.send_text("bob", "/start #tag").await.unwrap();
    let got = kit.user("bob").next_message(WAIT).await.unwrap();
    assert_eq!(
        spans(&got.text, &got.entities),
        owned(&[("hashtag", "#tag")])
    );
    let (bob, _bob_updates) = user_client(&kit, "bob").await;
    let alice_peer = bob.client.resolve_username("alice").await.unwrap().unwrap();
    bob.client
        .send_message(
            alice_peer.to_ref().await.unwrap().unwrap(),
            "/help @echo_bot",
        )
        .await
        .unwrap();
    let got = alice.next_message(WAIT).await.unwrap();
    assert_eq!(
        spans(&got.text, &got.entities),
        owned(&[("mention", "@echo_bot")])
    );
    bob.quit().await;
    bot.quit().await;
}

#[tokio::test]
async fn mentioned_is_set_in_the_mentioned_viewers_copy() {
    let kit = TestKit::start(group_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let (alice, bob) = (kit.user("alice"), kit.user("bob"));

    for group in ["Friends", "lounge"] {
        alice.send_text(group, "hello @echo_bot").await.unwrap();
        let m = next_new_message(&mut updates).await;
        assert!(m.mentioned() && m.media_unread(), "{group}: @username");

        alice.send_text(group, "hello @bob").await.unwrap();
        let m = next_new_message(&mut updates).await;
        assert!(!m.mentioned() && !m.media_unread(), "{group}: someone else");

        // A reply to the bot's own message mentions the bot.
        m.reply("pong").await.unwrap();
        let pong = loop {
            let got = bob.next_message(WAIT).await.unwrap();
            if got.text == "pong" {
                break got;
            }
        };
        bob.reply_to(&pong, "re: pong").await.unwrap();
        let m = next_new_message(&mut updates).await;
        assert_eq!(m.text(), "re: pong");
        assert!(m.mentioned(), "{group}: a reply to the viewer's message");
    }

    // The mention is fixed when the message is sent: an edit does not change it.
    let sent = alice.send_text("Friends", "hi @bob").await.unwrap();
    assert!(!next_new_message(&mut updates).await.mentioned());
    alice.edit_text(&sent, "hi @echo_bot").await.unwrap();
    let edited = next_matching(&mut updates, |u| match u {
        Update::MessageEdited(m) => Some(m),
        _ => None,
    })
    .await;
    assert_eq!(edited.text(), "hi @echo_bot");
    assert!(!edited.mentioned());

    // Private chats have no mentions (TDLib drops the flag there).
    alice.send_text("echo_bot", "@echo_bot hi").await.unwrap();
    assert!(!next_new_message(&mut updates).await.mentioned());

    // A mention by name (inputMessageEntityMentionName, as clients send it) mentions bob, as
    // his own real client sees it.
    let (bob_client, mut bob_updates) = user_client(&kit, "bob").await;
    let bob_id = kit.account_id("bob").unwrap();
    alice.send_text("Friends", "who is here?").await.unwrap();
    let question = next_new_message(&mut updates).await;
    let _ = next_new_message(&mut bob_updates).await;
    let by_name = tl::enums::MessageEntity::InputMessageEntityMentionName(
        tl::types::InputMessageEntityMentionName {
            offset: 0,
            length: 3,
            user_id: tl::enums::InputUser::User(tl::types::InputUser {
                user_id: bob_id,
                access_hash: 0,
            }),
        },
    );
    question
        .reply(
            InputMessage::new()
                .text("Bob is")
                .fmt_entities(vec![by_name]),
        )
        .await
        .unwrap();
    let m = next_new_message(&mut bob_updates).await;
    assert_eq!(m.text(), "Bob is");
    assert!(m.mentioned() && m.media_unread());
    assert!(matches!(
        m.fmt_entities().map(Vec::as_slice),
        Some([tl::enums::MessageEntity::MentionName(e)]) if e.user_id == bob_id
    ));
    bob_client.quit().await;
    bot.quit().await;
}

/// The bot's menu as alice sees it, and the callback query her press produces.
async fn press_menu(
    kit: &TestKit,
    updates: &mut tokio::sync::mpsc::UnboundedReceiver<Update>,
) -> (
    tokio::task::JoinHandle<Result<oxygram_testkit::CallbackAnswer, oxygram_testkit::Error>>,
    grammers_client::update::CallbackQuery,
) {
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "/menu").await.unwrap();
    next_new_message(updates)
        .await
        .reply(
            InputMessage::new()
                .text("Pick")
                .reply_markup(keyboard("Go")),
        )
        .await
        .unwrap();
    let menu = alice.next_message(WAIT).await.unwrap();
    let press = tokio::spawn(async move { alice.press_button(&menu, "Go").await });
    let query = next_matching(updates, |u| match u {
        Update::CallbackQuery(q) => Some(q),
        _ => None,
    })
    .await;
    (press, query)
}

#[tokio::test]
async fn callback_answers_after_the_deadline_fail_with_query_id_invalid() {
    // Deadline zero: every answer comes too late.
    let world = world().callback_answer_deadline(Duration::ZERO);
    let kit = TestKit::start(world).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let (press, query) = press_menu(&kit, &mut updates).await;
    let err = query.answer().text("too late").send().await.unwrap_err();
    assert!(err.to_string().contains("QUERY_ID_INVALID"), "{err}");
    let err = press.await.unwrap().unwrap_err();
    // Telethon's and GramJS's `TimedOutError`: -503 "Timeout" for an unanswered button.
    assert!(err.to_string().contains("Timeout"), "{err}");
    assert!(!err.to_string().contains("BOT_RESPONSE_TIMEOUT"), "{err}");
    bot.quit().await;
}

#[tokio::test]
async fn callback_answered_in_time_works_once() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let (press, query) = press_menu(&kit, &mut updates).await;
    query.answer().text("on time").send().await.unwrap();
    let answer = press.await.unwrap().unwrap();
    assert_eq!(answer.message.as_deref(), Some("on time"));
    let err = query.answer().text("again").send().await.unwrap_err();
    assert!(err.to_string().contains("QUERY_ID_INVALID"), "{err}");
    bot.quit().await;
}

#[tokio::test]
async fn captions_and_texts_are_limited_in_code_points() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    kit.user("alice").send_text("echo_bot", "hi").await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    let upload = || async {
        let photo = [0xff_u8, 0xd8, 0xff, 0xe0, 1, 2, 3];
        bot.client
            .upload_stream(&mut photo.as_slice(), photo.len(), "cat.jpg".into())
            .await
            .unwrap()
    };

    // Emoji are two UTF-16 units each but one code point: Telegram counts code points.
    let caption = "😀".repeat(1024);
    let photo = incoming
        .reply(InputMessage::new().text(&caption).photo(upload().await))
        .await
        .unwrap();
    let err = incoming
        .reply(
            InputMessage::new()
                .text("😀".repeat(1025))
                .photo(upload().await),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("MEDIA_CAPTION_TOO_LONG"), "{err}");
    let err = photo.edit("x".repeat(1025)).await.unwrap_err();
    assert!(err.to_string().contains("MEDIA_CAPTION_TOO_LONG"), "{err}");

    let text = incoming.reply("😀".repeat(4096)).await.unwrap();
    let err = incoming.reply("😀".repeat(4097)).await.unwrap_err();
    assert!(err.to_string().contains("MESSAGE_TOO_LONG"), "{err}");
    let err = text.edit("x".repeat(4097)).await.unwrap_err();
    assert!(err.to_string().contains("MESSAGE_TOO_LONG"), "{err}");
    bot.quit().await;
}

#[tokio::test]
async fn incoming_private_messages_have_no_from_id() {
    let kit = TestKit::start(group_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");
    let from_id = |m: &grammers_client::message::Message| match &m.raw {
        tl::enums::Message::Message(m) => m.from_id.clone(),
        other => panic!("not a message: {other:?}"),
    };

    alice.send_text("echo_bot", "hi").await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    assert_eq!(from_id(&incoming), None);
    // grammers (like Telethon) takes the chat as the sender.
    assert_eq!(
        incoming.sender_id().and_then(|p| p.bare_id()),
        Some(alice.id())
    );

    // The bot's own copy of what it sent keeps from_id.
    let sent = incoming.reply("hello").await.unwrap();
    let alice_ref = incoming.peer_ref().await.unwrap().expect("alice cached");
    let fetched = bot
        .client
        .get_messages_by_id(alice_ref, &[incoming.id(), sent.id()])
        .await
        .unwrap();
    let fetched: Vec<_> = fetched.into_iter().map(Option::unwrap).collect();
    assert_eq!(from_id(&fetched[0]), None);
    assert_eq!(
        from_id(&fetched[1]),
        Some(tl::enums::Peer::User(tl::types::PeerUser {
            user_id: BOT_ID
        }))
    );

    // In groups every message names its sender.
    for group in ["Friends", "lounge"] {
        alice.send_text(group, "hi all").await.unwrap();
        let m = next_new_message(&mut updates).await;
        assert_eq!(
            from_id(&m),
            Some(tl::enums::Peer::User(tl::types::PeerUser {
                user_id: alice.id()
            }))
        );
    }
    bot.quit().await;
}

#[tokio::test]
async fn ids_exceed_32_bits_by_default() {
    let kit = TestKit::start(group_world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let beyond = |id: i64| id > i64::from(u32::MAX);
    let ids = [
        kit.account_id("alice").unwrap(),
        kit.account_id("bob").unwrap(),
        kit.chat_id("Friends").unwrap(),
        kit.chat_id("lounge").unwrap(),
        BOT_ID,
    ];
    assert!(ids.iter().copied().all(beyond), "{ids:?}");

    // The real client carries them through a round trip.
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "hi").await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    assert_eq!(
        incoming.sender_id().and_then(|p| p.bare_id()),
        Some(alice.id())
    );
    incoming.reply("hello").await.unwrap();
    let got = alice.next_message(WAIT).await.unwrap();
    assert_eq!((got.chat_id, got.sender_id), (BOT_ID, BOT_ID));
    bot.quit().await;

    // A bot token naming an id in the users' range keeps it; users step around it.
    let world = World::new()
        .bot(Bot::new("6000000001:TOKEN").username("early_bot"))
        .user(User::new("+15550009").username("zed"));
    let kit = TestKit::start(world).await.unwrap();
    assert_eq!(kit.account_id("early_bot"), Some(6_000_000_001));
    let zed = kit.account_id("zed").unwrap();
    assert!(beyond(zed) && zed != 6_000_000_001, "{zed}");
}

#[tokio::test]
async fn an_edit_without_reply_markup_removes_the_keyboard() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");
    alice.send_text("echo_bot", "/menu").await.unwrap();
    let incoming = next_new_message(&mut updates).await;
    let menu = incoming
        .reply(
            InputMessage::new()
                .text("Pick")
                .reply_markup(keyboard("Go")),
        )
        .await
        .unwrap();
    assert!(!alice.next_message(WAIT).await.unwrap().buttons.is_empty());

    // Same text, no keyboard: a change (the keyboard goes), not MESSAGE_NOT_MODIFIED.
    menu.edit("Pick").await.unwrap();
    let edited = alice.next_edit(WAIT).await.unwrap();
    assert_eq!(edited.text, "Pick");
    assert!(edited.buttons.is_empty(), "{:?}", edited.buttons);
    let err = menu.edit("Pick").await.unwrap_err();
    assert!(err.to_string().contains("MESSAGE_NOT_MODIFIED"), "{err}");

    // An edit that sends the keyboard keeps it; the same again changes nothing.
    let with_keyboard = || {
        InputMessage::new()
            .text("Pick")
            .reply_markup(keyboard("Go"))
    };
    menu.edit(with_keyboard()).await.unwrap();
    let edited = alice.next_edit(WAIT).await.unwrap();
    assert_eq!(edited.buttons.len(), 1);
    let err = menu.edit(with_keyboard()).await.unwrap_err();
    assert!(err.to_string().contains("MESSAGE_NOT_MODIFIED"), "{err}");
    bot.quit().await;
}
