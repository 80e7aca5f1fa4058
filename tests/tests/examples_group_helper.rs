//! The `group_helper` example the way it runs in production: the binary with a `Bot.toml`
//! (its `[plugins.warnings]` section read through `Config<T>`), a session file, the bot
//! token login, and members of a group talking to it, against a testkit this test starts.

mod support;

use std::process::Stdio;
use std::time::Duration;

use oxygram_testkit::{Bot, Group, TestKit, User, World};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "4242:HELPER-TOKEN";
/// How long the app may take to start or answer (CI machines are busy).
const WAIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_in_a_group_follow_the_configured_limit() {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .bot(Bot::new(TOKEN).username("helper_bot").name("Helper"))
            .user(User::new("+15550001").first_name("Alice").username("alice"))
            .user(User::new("+15550002").first_name("Bob").username("bob"))
            .group(Group::new("Team").members(["alice", "bob", "helper_bot"])),
    )
    .await
    .expect("starting the testkit");

    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("Bot.toml"),
        format!(
            "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
             [session]\nname = \"helper\"\n\
             [plugins.warnings]\nlimit = 2\n"
        ),
    )
    .unwrap();
    kit.write_session_file(folder.path().join("helper.session"))
        .await
        .unwrap();

    let mut app = Command::new(support::example("group_helper"))
        .arg("--config")
        .arg(folder.path().join("Bot.toml"))
        .current_dir(folder.path())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("starting the example");
    let mut log = BufReader::new(app.stderr.take().unwrap()).lines();
    let ready = tokio::time::timeout(WAIT, async {
        while let Some(line) = log.next_line().await.unwrap() {
            if line.contains("receiving updates") {
                return true;
            }
            eprintln!("app: {line}");
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "the app did not start");
    tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });

    let alice = kit.user("alice");
    let bob = kit.user("bob");
    bob.send_text("Team", "buy cheap followers").await.unwrap();
    let spam = alice
        .next_message(WAIT)
        .await
        .expect("alice sees bob's message");
    assert_eq!(spam.text, "buy cheap followers");

    // A reply /warn targets the replied-to sender; the limit comes from Bot.toml (2, not 3).
    alice.reply_to(&spam, "/warn").await.unwrap();
    let first = alice.next_message(WAIT).await.expect("an answer to /warn");
    assert_eq!(first.text, "bob warned (1/2)");

    alice.reply_to(&spam, "/warn").await.unwrap();
    let second = alice.next_message(WAIT).await.expect("an answer to /warn");
    assert_eq!(second.text, "bob has 2/2 warnings: limit reached");

    // State is shared between handlers (and plugins): /warnings sees what /warn stored.
    bob.send_text("Team", "/warnings").await.unwrap();
    let list = alice.next_message(WAIT).await.expect("bob's /warnings");
    assert_eq!(list.text, "/warnings");
    let list = alice
        .next_message(WAIT)
        .await
        .expect("an answer to /warnings");
    assert_eq!(list.text, "Warnings:\nbob: 2");

    // The welcome plugin greets whoever joins: a service message, which privacy mode lets
    // through.
    bob.leave_group("Team").await.unwrap();
    alice.add_to_group("Team", "bob").await.unwrap();
    let welcome = alice.next_message(WAIT).await.expect("a welcome for bob");
    assert_eq!(welcome.text, "Welcome! Type /get rules to read the rules.");

    kit.shutdown().await;
}
