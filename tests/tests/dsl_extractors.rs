//! Extractors on real updates: Message, Client, Chat, Sender, CommandArgs, Text, Me, Update,
//! Option<T>, Args, Captures, State and Config (the last ones also in dsl_plugins/routing).

use oxygram_e2e::dsl_app::DslApp;

#[tokio::test]
async fn every_message_extractor_gets_what_the_update_carries() {
    let app = DslApp::start(r#"include = ["whoami"]"#, "").await;
    let alice = app.kit.account_id("alice").unwrap();
    let answer = app.ask("alice", "/whoami  two   words ").await;
    assert_eq!(
        answer,
        format!(
            "chat={alice} sender=alice args=two   words  text=/whoami  two   words  \
             me=dsl_bot bot=true update=new_message callback=false"
        )
    );
    app.stop().await;
}

#[tokio::test]
async fn captures_and_state_extractors() {
    let app = DslApp::start(r#"include = ["echo", "chain"]"#, "").await;
    assert_eq!(app.ask("bob", "echo a b c").await, "echo: a b c");
    // `audit` (group -1) takes State<Audit>: the app's registered value, shared with the test.
    assert_eq!(*app.audit.0.lock().unwrap(), ["echo a b c"]);
    app.stop().await;
}
