//! The `oxygram-testkit serve` binary: a world file, a session file, logs, Ctrl+C.

mod common;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use grammers_client::SignInError;
use grammers_mtsender::SenderPool;
use oxygram_session::SqliteSession;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const WORLD: &str = r#"
[[apps]]
api_id = 12345
api_hash = "0123456789abcdef0123456789abcdef"

[[bots]]
token = "7000000123:TESTTOKEN"
username = "echo_bot"
name = "Echo"

[[users]]
phone = "+15550001"
first_name = "Alice"
username = "alice"
"#;

#[tokio::test]
async fn serve_logs_rpcs_and_codes_and_stops_on_ctrl_c() {
    let dir = TempDir::new("cli");
    let world = dir.0.join("world.toml");
    std::fs::write(&world, WORLD).unwrap();
    let bot_session = dir.0.join("bot.session");
    let user_session = dir.0.join("user.session");
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxygram-testkit"))
        .args(["serve", "--listen", "127.0.0.1:0", "--world"])
        .arg(&world)
        .arg("--session")
        .arg(&bot_session)
        .arg("--session")
        .arg(&user_session)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let logs = Arc::new(Mutex::new(String::new()));
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let sink = Arc::clone(&logs);
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            let mut logs = sink.lock().unwrap();
            logs.push_str(&line);
            logs.push('\n');
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(WAIT, stdout.next_line())
        .await
        .expect("the server starts")
        .unwrap()
        .unwrap_or_default();
    assert!(first.starts_with("listening on 127.0.0.1:"), "{first}");

    // A bot logs in through the session file the server prepared.
    let session = Arc::new(SqliteSession::open(&bot_session).await.unwrap());
    let bot = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    assert_eq!(
        bot.client.get_me().await.unwrap().username(),
        Some("echo_bot")
    );

    // A user logs in with the code the server logged.
    let session = Arc::new(SqliteSession::open(&user_session).await.unwrap());
    let user = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    let token = user
        .client
        .request_login_code(ALICE_PHONE, API_HASH)
        .await
        .unwrap();
    let code = wait_for_code(&logs).await;
    match user.client.sign_in(&token, &code).await {
        Ok(me) => assert_eq!(me.first_name(), Some("Alice")),
        Err(SignInError::InvalidCode) => panic!("logged code {code} was rejected"),
        Err(other) => panic!("{other}"),
    }
    bot.quit().await;
    user.quit().await;

    let text = logs.lock().unwrap().clone();
    assert!(text.contains("auth.importBotAuthorization"), "{text}");
    assert!(
        !text.contains("TESTTOKEN"),
        "the bot token leaked into the log"
    );

    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    let last = stdout.next_line().await.unwrap();
    assert_eq!(last.as_deref(), Some("stopped"));
}

async fn wait_for_code(logs: &Mutex<String>) -> String {
    tokio::time::timeout(WAIT, async {
        loop {
            let found = {
                let logs = logs.lock().unwrap();
                logs.lines()
                    .filter(|l| l.contains("login code sent"))
                    .filter_map(|l| l.split("code=").nth(1))
                    .map(|rest| {
                        rest.chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                    })
                    .next_back()
            };
            if let Some(code) = found {
                return code;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the login code is logged")
}

#[tokio::test]
async fn bad_arguments_print_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_oxygram-testkit"))
        .args(["serve", "--bogus"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown argument \"--bogus\"") && err.contains("usage:"),
        "{err}"
    );

    let dir = TempDir::new("cli-bad-world");
    let world = dir.0.join("world.toml");
    std::fs::write(&world, "[[users]]\nphone = \"nope\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oxygram-testkit"))
        .args(["serve", "--listen", "127.0.0.1:0", "--world"])
        .arg(&world)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"nope\""), "{err}");
}
