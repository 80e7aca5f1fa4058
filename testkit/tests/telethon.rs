//! Telethon (an independent MTProto client) logs in as a bot, receives a message and replies.
//!
//! Needs `python3` with `telethon==1.45.*` (`.ci/run` installs it). Without it the test is
//! skipped with a note, unless `OXYGRAM_CI` is set, where it fails.

mod common;

use std::process::Stdio;

use common::*;
use oxygram_testkit::TestKit;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn telethon_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import telethon"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test]
async fn telethon_bot_receives_and_replies() {
    if !telethon_available() {
        assert!(
            std::env::var_os("OXYGRAM_CI").is_none(),
            "Telethon is required in CI: python3 -m pip install 'telethon==1.45.*'"
        );
        eprintln!("skipped: python3 with telethon is not installed");
        return;
    }
    let kit = TestKit::start(world()).await.unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/telethon/echo_bot.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(kit.telethon_session())
        .arg(API_ID.to_string())
        .arg(API_HASH)
        .arg(BOT_TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();

    let ready = tokio::time::timeout(std::time::Duration::from_secs(30), stdout.next_line())
        .await
        .ok()
        .and_then(|line| line.ok().flatten());
    let Some(ready) = ready.clone().filter(|l| l.starts_with("READY")) else {
        let mut err = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut err).await;
        panic!(
            "Telethon did not log in: {ready:?}\n{err}\nRPCs: {:?}",
            kit.rpc_log()
        );
    };
    assert_eq!(ready, format!("READY echo_bot {BOT_ID}"));

    let alice = kit.user("alice");
    let sent = alice.send_text("echo_bot", "ping").await.unwrap();
    let Ok(reply) = alice.next_message(WAIT).await else {
        let _ = child.start_kill();
        let mut err = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut err).await;
        panic!("Telethon did not reply:\n{err}\nRPCs: {:?}", kit.rpc_log());
    };
    assert_eq!(reply.text, "pong: ping");
    assert_eq!(reply.reply_to, Some(sent.id));

    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("Telethon exits")
        .unwrap();
    assert!(status.success(), "{:?}", stdout.next_line().await);
    let unsupported: Vec<_> = kit
        .rpc_log()
        .into_iter()
        .filter(|c| c.error.as_deref() == Some("METHOD_NOT_SUPPORTED_BY_TESTKIT"))
        .collect();
    assert!(unsupported.is_empty(), "{unsupported:?}");
    // Telethon met the service layer as Telegram runs it: its first message (salt 0) was
    // refused with bad_server_salt and resent, and its session was created.
    let service = kit.service_stats();
    assert!(service.bad_server_salts >= 1, "{service:?}");
    assert!(service.sessions_created >= 1, "{service:?}");
}
