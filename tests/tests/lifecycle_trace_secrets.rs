//! A full login and a few updates logged at TRACE: no bot token, API hash, login code, 2FA
//! password or auth key appears anywhere in the output.

mod common_core;

use common_core::{API_HASH, Env};
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "777111:SECRET-bot-token-value";
const PHONE: &str = "+15550001";
const CODE: &str = "48213";
const PASSWORD: &str = "trace-secret-password";

/// Whether `number` occurs in `text` as a whole number (not inside a longer digit run).
fn contains_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// Ways an auth key could be printed: hex, and Rust's `Debug` of a byte slice.
fn key_renderings(key: &[u8; 256]) -> Vec<String> {
    let head = &key[..12];
    vec![
        head.iter().map(|b| format!("{b:02x}")).collect(),
        head.iter().map(|b| format!("{b:02X}")).collect(),
        head.iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    ]
}

fn assert_no_secrets(output: &str, key: &[u8; 256]) {
    for secret in [TOKEN, "SECRET-bot-token", API_HASH, PASSWORD] {
        assert!(!output.contains(secret), "{secret:?} leaked into the log");
    }
    assert!(
        !contains_number(output, CODE),
        "the login code leaked into the log"
    );
    for rendering in key_renderings(key) {
        assert!(
            !output.contains(&rendering),
            "the auth key leaked into the log"
        );
    }
}

#[test]
fn trace_logs_of_bot_and_user_logins_and_updates_hold_no_secret() {
    let env = Env::start(
        World::new()
            .login_code(CODE)
            .bot(Bot::new(TOKEN).username("echo_bot").name("Echo"))
            .user(
                User::new(PHONE)
                    .first_name("Dan")
                    .username("dan")
                    .password(PASSWORD),
            )
            .user(User::new("+15550002").first_name("Alice").username("alice")),
    );
    // No api_hash in the file: it comes from the environment like the other secrets.
    std::fs::write(
        env.config_path(),
        format!(
            "[telegram]\napi_id = {}\n\n[session]\nname = \"{}\"\n",
            common_core::API_ID,
            common_core::SESSION_NAME
        ),
    )
    .unwrap();

    // A bot.
    let key = env.write_session_with_key();
    let mut command = env.command();
    command
        .env("RUST_LOG", "trace")
        .env("OXYGRAM_TELEGRAM__API_HASH", API_HASH)
        .env("OXYGRAM_TELEGRAM__BOT_TOKEN", TOKEN);
    let mut app = env.spawn(command);
    app.wait_ready();
    for text in ["one", "two", "three"] {
        env.send_text("alice", "echo_bot", text);
        assert_eq!(env.next_message("alice").text, format!("echo: {text}"));
    }
    app.stop();
    let output = app.output();
    assert!(output.contains("TRACE"), "not a trace log:\n{output}");
    assert_no_secrets(&output, &key);

    // A user with a login code and a 2FA password.
    std::fs::remove_file(env.session_path()).unwrap();
    let key = env.write_session_with_key();
    let mut command = env.command();
    command
        .env("RUST_LOG", "trace")
        .env("OXYGRAM_TELEGRAM__API_HASH", API_HASH)
        .env("OXYGRAM_TELEGRAM__PHONE", PHONE)
        .env("OXYGRAM_TELEGRAM__CODE", CODE)
        .env("OXYGRAM_TELEGRAM__PASSWORD", PASSWORD);
    let mut app = env.spawn(command);
    app.wait_for_line("Logged in successfully as Dan");
    app.wait_ready();
    for text in ["four", "five"] {
        env.send_text("alice", "dan", text);
        assert_eq!(env.next_message("alice").text, format!("echo: {text}"));
    }
    app.stop();
    let output = app.output();
    assert!(output.contains("TRACE"), "not a trace log:\n{output}");
    assert_no_secrets(&output, &key);
}
