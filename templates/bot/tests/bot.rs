//! The bot against a local Telegram (oxygram-testkit): the real binary, a real MTProto
//! session, and a scripted user on the other side. No account or network needed.
//!
//! The testkit cannot run Telegram's key exchange (that needs Telegram's private keys), so
//! the test hands the bot a session file that already holds a key the testkit accepts.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use oxygram_testkit::{ {%- if account == "bot" %}Bot, {% endif %}TestKit, User, World};
use tokio::process::{Child, Command};

const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
{%- if account == "bot" %}
const BOT_TOKEN: &str = "123456:TEST-TOKEN";
{%- else %}
const MY_PHONE: &str = "+15550100";
const LOGIN_CODE: &str = "12345";
{%- endif %}
/// How long the bot may take to answer (generous: CI machines are busy).
const ANSWER: Duration = Duration::from_secs(60);

/// A folder of its own for this test run.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{{crate_name}}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the scratch folder");
    dir
}

/// Starts the app binary with `Bot.toml` in `dir` and waits until it has logged in and
/// receives updates (it logs "receiving updates"). It is killed when the handle drops.
async fn start_app(dir: &Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_{{project-name}}"))
        .arg("--config")
        .arg(dir.join("Bot.toml"))
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("starting the app");
    let mut lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let ready = async {
        while let Some(line) = lines.next_line().await.expect("reading the app's log") {
            if line.contains("receiving updates") {
                return true;
            }
            eprintln!("app: {line}");
        }
        false
    };
    match tokio::time::timeout(ANSWER, ready).await {
        Ok(true) => {}
        Ok(false) => panic!("the app exited before it was ready"),
        Err(_) => panic!("the app was not ready within {ANSWER:?}"),
    }
    // Keep draining the log so the app never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}
{% if account == "bot" %}
#[tokio::test]
async fn start_and_help_answer() {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .bot(Bot::new(BOT_TOKEN).username("test_bot"))
            .user(User::new("+15550001").first_name("Alice").username("alice")),
    )
    .await
    .expect("starting the testkit");
    let dir = scratch_dir("bot");
    std::fs::write(
        dir.join("Bot.toml"),
        format!(
            "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{BOT_TOKEN}\"\n\
             [session]\nname = \"test\"\n"
        ),
    )
    .unwrap();
    kit.write_session_file(dir.join("test.session"))
        .await
        .expect("writing the session");
    let _app = start_app(&dir).await;

    let alice = kit.user("alice");
    alice.send_text("test_bot", "/start").await.unwrap();
    let hello = alice.next_message(ANSWER).await.expect("an answer to /start");
    assert!(hello.text.starts_with("Hello! I am {{project-name}}"), "{}", hello.text);

    alice.send_text("test_bot", "/help").await.unwrap();
    let help = alice.next_message(ANSWER).await.expect("an answer to /help");
    assert!(help.text.contains("/start - Say hello"), "{}", help.text);
    assert!(help.text.contains("/help - List the commands"), "{}", help.text);

    kit.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
{%- else %}
#[tokio::test]
async fn help_edits_my_own_message() {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .login_code(LOGIN_CODE)
            .user(User::new(MY_PHONE).first_name("Me").username("me"))
            .user(User::new("+15550101").first_name("Friend").username("friend")),
    )
    .await
    .expect("starting the testkit");
    let dir = scratch_dir("user");
    // phone and code in the file make the first login non-interactive.
    std::fs::write(
        dir.join("Bot.toml"),
        format!(
            "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nphone = \"{MY_PHONE}\"\n\
             code = \"{LOGIN_CODE}\"\n[session]\nname = \"test\"\n\
             [dispatch]\ncommand_prefixes = [\".\"]\n"
        ),
    )
    .unwrap();
    kit.write_session_file(dir.join("test.session"))
        .await
        .expect("writing the session");
    let _app = start_app(&dir).await;

    let me = kit.user("me");
    let friend = kit.user("friend");
    me.send_text("friend", ".start").await.unwrap();
    let _ = friend.next_message(ANSWER).await.expect("friend sees .start");
    let started = friend.next_edit(ANSWER).await.expect(".start is edited");
    assert!(started.text.contains("is running"), "{}", started.text);

    me.send_text("friend", ".help").await.unwrap();
    let _ = friend.next_message(ANSWER).await.expect("friend sees .help");
    let help = friend.next_edit(ANSWER).await.expect(".help is edited into the help");
    assert!(help.text.contains(".help - List the commands"), "{}", help.text);

    // Someone else's `.help` is not ours to answer.
    friend.send_text("me", ".help").await.unwrap();
    assert!(me.next_edit(Duration::from_secs(3)).await.is_err());

    kit.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
{%- endif %}
