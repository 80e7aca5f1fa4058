//! Plugins: include/exclude, `Config<T>` sections, startup refusals, the bot command menu.

use oxygram_e2e::dsl_app::DslApp;

const ADMIN: &str = "[plugins.admin]\nowners = [{alice}]\n";

#[tokio::test]
async fn exclude_one_handler_of_a_plugin_and_read_its_config_section() {
    let app = DslApp::start(
        r#"include = ["admin", "echo"]
exclude = ["admin kick"]"#,
        ADMIN,
    )
    .await;
    // `ban` reads [plugins.admin] with Config<AdminSettings>; the trailing String takes the rest.
    assert_eq!(
        app.ask("alice", "/ban 42 spamming links").await,
        "banned 42: spamming links"
    );
    assert_eq!(
        app.ask("bob", "/ban 42 revenge").await,
        "only owners can ban"
    );
    // `kick` is excluded: the catch-all of `echo` gets the message instead.
    assert_eq!(app.ask("alice", "/kick 5").await, "you said: /kick 5");
    // `greet` is not included at all.
    assert_eq!(app.ask("alice", "/start").await, "you said: /start");
    app.stop().await;
}

#[tokio::test]
async fn include_or_exclude_naming_nothing_refuses_to_start() {
    let err = DslApp::try_start(r#"include = ["greet", "admn"]"#, ADMIN)
        .await
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("plugins.include names `admn`") && msg.contains("no plugin `admn`"),
        "{msg}"
    );
    let err = DslApp::try_start(r#"exclude = ["admin unban"]"#, ADMIN)
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string()
            .contains("plugin `admin` has no handler `unban`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_bad_plugin_section_refuses_to_start_naming_the_key() {
    let err = DslApp::try_start(
        r#"include = ["admin"]"#,
        "[plugins.admin]\nowners = \"everyone\"\n",
    )
    .await
    .err()
    .expect("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("Config<") && msg.contains("AdminSettings"),
        "{msg}"
    );
    assert!(
        msg.contains("plugins.admin.owners"),
        "the key is named: {msg}"
    );
    assert!(msg.contains("expected a sequence"), "{msg}");
    let err = DslApp::try_start(r#"include = ["admin"]"#, "")
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("plugins.admin.owners"),
        "missing key named: {err}"
    );
}

#[tokio::test]
async fn described_commands_are_sent_with_set_bot_commands() {
    let app = DslApp::start(r#"include = ["greet", "dice"]"#, "").await;
    assert_eq!(app.ask("alice", "/start").await, "Hello, Alice!");
    // The menu is sent in the background at startup.
    let sent = tokio::time::timeout(oxygram_e2e::dsl_app::TIMEOUT, async {
        while app.kit.rpc_count("bots.setBotCommands") == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(sent.is_ok(), "bots.setBotCommands was called");
    assert_eq!(app.kit.rpc_count("bots.setBotCommands"), 1);
    let menu: Vec<(String, String)> = app
        .kit
        .bot_commands(oxygram_e2e::dsl_app::BOT)
        .unwrap()
        .into_iter()
        .map(|c| (c.command, c.description))
        .collect();
    // Only commands with a description, in routing order; `/roll` has none.
    assert_eq!(
        menu,
        [
            ("start".to_owned(), "Say hello".to_owned()),
            ("help".to_owned(), "Show help".to_owned())
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn set_bot_commands_can_be_switched_off() {
    let app = DslApp::start_with("set_bot_commands = false", r#"include = ["greet"]"#, "").await;
    assert_eq!(app.ask("alice", "/start").await, "Hello, Alice!");
    assert_eq!(app.kit.rpc_count("bots.setBotCommands"), 0);
    app.stop().await;
}

#[tokio::test]
async fn without_described_commands_the_menu_is_left_alone() {
    let app = DslApp::start(r#"include = ["dice"]"#, "").await;
    assert_eq!(app.ask("alice", "/roll 1 6").await, "rolling 1d6");
    assert_eq!(app.kit.rpc_count("bots.setBotCommands"), 0);
    app.stop().await;
}
