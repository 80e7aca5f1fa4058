//! Edits, deletions, inline keyboards and inline queries with the real grammers client.

mod common;

use common::*;
use grammers_client::message::{Button, InputMessage, ReplyMarkup};
use grammers_client::update::{Article, Update};
use oxygram_testkit::TestKit;

#[tokio::test]
async fn callback_button_answered_then_message_edited_and_deleted() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");

    alice.send_text("echo_bot", "/menu").await.unwrap();
    let menu_request = next_new_message(&mut updates).await;
    menu_request
        .reply(
            InputMessage::new()
                .text("Pick one")
                .reply_markup(ReplyMarkup::from_buttons(&[vec![
                    Button::data("Yes", b"yes".to_vec()),
                    Button::data("No", b"no".to_vec()),
                ]])),
        )
        .await
        .unwrap();
    let menu = alice.next_message(WAIT).await.unwrap();
    assert_eq!(menu.text, "Pick one");
    let labels: Vec<_> = menu
        .buttons
        .iter()
        .flatten()
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(labels, ["Yes", "No"]);

    // Alice presses while the bot handles the query.
    let press = {
        let alice = alice.clone();
        let menu = menu.clone();
        tokio::spawn(async move { alice.press_button(&menu, "Yes").await })
    };
    let query = next_matching(&mut updates, |u| match u {
        Update::CallbackQuery(q) => Some(q),
        _ => None,
    })
    .await;
    assert_eq!(query.data(), b"yes");
    assert_eq!(query.sender_id().bare_id(), Some(alice.id()));
    query
        .answer()
        .text("You said yes")
        .edit("Chosen: yes")
        .await
        .unwrap();
    let answer = press.await.unwrap().unwrap();
    assert_eq!(answer.message.as_deref(), Some("You said yes"));
    assert!(!answer.alert);

    let edited = alice.next_edit(WAIT).await.unwrap();
    assert_eq!((edited.id, edited.text.as_str()), (menu.id, "Chosen: yes"));
    assert!(edited.edit_date.is_some());

    // Same text again: Telegram refuses.
    let bot_msg_id = query.load_message().await.unwrap().id();
    let alice_ref = query.sender_ref().await.unwrap().expect("alice cached");
    let err = bot
        .client
        .edit_message(alice_ref, bot_msg_id, "Chosen: yes")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("MESSAGE_NOT_MODIFIED"), "{err}");
    let err = bot
        .client
        .edit_message(alice_ref, 999_999, "nope")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("MESSAGE_ID_INVALID"), "{err}");

    let deleted = bot
        .client
        .delete_messages(alice_ref, &[bot_msg_id])
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let deletion = alice.next_deletion(WAIT).await.unwrap();
    assert_eq!(deletion.ids, [menu.id]);
    assert_eq!(deletion.chat_id, BOT_ID);
    bot.quit().await;
}

#[tokio::test]
async fn bot_sees_user_edits_and_deletions() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");
    let sent = alice.send_text("echo_bot", "tpyo").await.unwrap();
    let original = next_new_message(&mut updates).await;

    alice.edit_text(&sent, "typo").await.unwrap();
    let edited = next_matching(&mut updates, |u| match u {
        Update::MessageEdited(m) => Some(m),
        _ => None,
    })
    .await;
    assert_eq!((edited.id(), edited.text()), (original.id(), "typo"));
    let err = alice.edit_text(&sent, "typo").await.unwrap_err();
    assert!(err.to_string().contains("MESSAGE_NOT_MODIFIED"), "{err}");

    alice.delete(&sent).await.unwrap();
    let deletion = next_matching(&mut updates, |u| match u {
        Update::MessageDeleted(d) => Some(d),
        _ => None,
    })
    .await;
    assert_eq!(deletion.messages(), [original.id()]);
    bot.quit().await;
}

#[tokio::test]
async fn inline_query_answered_and_result_sent() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut updates) = bot_client(&kit).await;
    let alice = kit.user("alice");
    let bob = kit.user("bob");

    let asking = {
        let alice = alice.clone();
        tokio::spawn(async move { alice.inline_query("echo_bot", "cats").await })
    };
    let query = next_matching(&mut updates, |u| match u {
        Update::InlineQuery(q) => Some(q),
        _ => None,
    })
    .await;
    assert_eq!(query.text(), "cats");
    query
        .answer([
            Article::new("Meow", InputMessage::new().text("meow")).id("r1"),
            Article::new("Purr", InputMessage::new().text("purr")).id("r2"),
        ])
        .send()
        .await
        .unwrap();
    let results = asking.await.unwrap().unwrap();
    let ids: Vec<_> = results.results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r1", "r2"]);
    assert_eq!(results.get("r2").unwrap().title.as_deref(), Some("Purr"));

    let sent = alice
        .send_inline_result("bob", &results, "r2")
        .await
        .unwrap();
    assert_eq!(sent.via_bot_id, Some(BOT_ID));
    let got = bob.next_message(WAIT).await.unwrap();
    assert_eq!((got.text.as_str(), got.via_bot_id), ("purr", Some(BOT_ID)));
    let chosen = next_matching(&mut updates, |u| match u {
        Update::InlineSend(s) => Some(s),
        _ => None,
    })
    .await;
    assert_eq!(chosen.result_id(), "r2");
    bot.quit().await;
}

#[tokio::test]
async fn user_client_uses_inline_bot_and_presses_buttons() {
    let kit = TestKit::start(world()).await.unwrap();
    let (bot, mut bot_updates) = bot_client(&kit).await;
    let (bob, _bob_updates) = user_client(&kit, "bob").await;
    let bot_peer = bob
        .client
        .resolve_username("echo_bot")
        .await
        .unwrap()
        .expect("bot resolves");
    let bot_ref = bot_peer.to_ref().await.unwrap().unwrap();

    // bob asks the bot inline through the real client; the bot answers.
    let answering = tokio::spawn(async move {
        let query = next_matching(&mut bot_updates, |u| match u {
            Update::InlineQuery(q) => Some(q),
            _ => None,
        })
        .await;
        query
            .answer([Article::new("Dog", InputMessage::new().text("woof")).id("d")])
            .send()
            .await
            .unwrap();
        bot_updates
    });
    let mut results = bob.client.inline_query(bot_ref, "dogs");
    let first = results.next().await.unwrap().expect("one result");
    assert_eq!(first.id(), "d");
    first.send(bot_ref).await.unwrap();
    let mut bot_updates = answering.await.unwrap();
    let woof = next_new_message(&mut bot_updates).await;
    assert_eq!((woof.text(), woof.via_bot_id()), ("woof", Some(BOT_ID)));

    // The bot sends bob a keyboard; bob presses with messages.getBotCallbackAnswer.
    woof.reply(
        InputMessage::new()
            .text("Rate")
            .reply_markup(ReplyMarkup::from_buttons(&[vec![Button::data(
                "5",
                b"5".to_vec(),
            )]])),
    )
    .await
    .unwrap();
    let kb = kit.user("bob").next_message(WAIT).await.unwrap();
    let pressing = {
        let client = bob.client.clone();
        let peer: grammers_client::tl::enums::InputPeer = bot_ref.into();
        tokio::spawn(async move {
            client
                .invoke(
                    &grammers_client::tl::functions::messages::GetBotCallbackAnswer {
                        game: false,
                        peer,
                        msg_id: kb.id,
                        data: Some(b"5".to_vec()),
                        password: None,
                    },
                )
                .await
        })
    };
    let query = next_matching(&mut bot_updates, |u| match u {
        Update::CallbackQuery(q) => Some(q),
        _ => None,
    })
    .await;
    query.answer().alert("thanks").send().await.unwrap();
    let grammers_client::tl::enums::messages::BotCallbackAnswer::Answer(answer) =
        pressing.await.unwrap().unwrap();
    assert_eq!(
        (answer.message.as_deref(), answer.alert),
        (Some("thanks"), true)
    );
    bob.quit().await;
    bot.quit().await;
}
