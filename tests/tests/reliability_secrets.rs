//! Secrets at TRACE (issue 7, item 8): whole sessions of the app logged at `trace` (through
//! `Bot.toml`'s `[log] level = "trace"`, then `RUST_LOG=trace` which lets grammers and SQLite
//! trace too), with every secret in `Bot.toml`, hold none of them in
//! their output: not the bot token, the api_hash, the login code, the 2FA password, nor the
//! auth key the testkit issued (hex, `Debug` bytes, base64 in all its alphabets).
//!
//! Each session goes through login, updates, a handler error, a flood wait that is slept, a
//! dropped connection and a graceful shutdown. `lifecycle_trace_secrets.rs` covers the same
//! logins with the secrets in the environment and `RUST_LOG=trace`.

mod common_core;

use base64::Engine;
use common_core::{API_HASH, Env, Process};
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "777222:SECRET-token-in-bot-toml";
const PHONE: &str = "+15550003";
const CODE: &str = "73519";
const PASSWORD: &str = "toml-secret-2fa-password";

/// Every way the auth key could be printed, as the prefix any such print would start with.
fn key_renderings(key: &[u8; 256]) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    // 12 bytes: whole base64 groups, so these are prefixes of the whole key's encodings too.
    let head = &key[..12];
    let mut renderings = vec![
        head.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        head.iter().map(|b| format!("{b:02X}")).collect(),
        head.iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    ];
    for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
        renderings.push(engine.encode(head));
        renderings.push(engine.encode(key));
    }
    renderings
}

/// Whether `number` occurs in `text` as a whole number (not inside a longer digit run).
fn contains_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

fn assert_no_secrets(output: &str, key: &[u8; 256]) {
    let traces = output.lines().filter(|l| l.contains("TRACE")).count();
    println!("{traces} TRACE lines, {} bytes checked", output.len());
    assert!(traces > 0, "not a trace log:\n{output}");
    for secret in [TOKEN, "SECRET-token-in-bot-toml", API_HASH, PASSWORD] {
        assert!(!output.contains(secret), "{secret:?} leaked into the log");
    }
    assert!(
        !contains_number(output, CODE),
        "the login code leaked into the log"
    );
    for rendering in key_renderings(key) {
        assert!(
            !output.contains(&rendering),
            "the auth key leaked into the log ({} characters of it)",
            rendering.len()
        );
    }
}

/// Messages, a handler error, a slept flood wait and a dropped connection, as `from` talking
/// to `to` (the app answers `echo: <text>`).
fn eventful_session(env: &Env, app: &mut Process, from: &str, to: &str) {
    env.send_text(from, to, "hello");
    assert_eq!(env.next_message(from).text, "echo: hello");

    // The reply fails: the handler returns an error, which is logged.
    env.kit
        .fail_next("messages.sendMessage", 1, 403, "CHAT_WRITE_FORBIDDEN");
    env.send_text(from, to, "refused");
    app.wait_for_line("CHAT_WRITE_FORBIDDEN");

    // A short flood wait: slept and retried.
    env.kit
        .fail_next("messages.sendMessage", 1, 420, "FLOOD_WAIT_1");
    env.send_text(from, to, "after a wait");
    assert_eq!(env.next_message(from).text, "echo: after a wait");

    // A dropped connection: reconnected with the same key.
    env.kit.drop_connections();
    env.send_text(from, to, "reconnected");
    assert_eq!(env.next_message(from).text, "echo: reconnected");
    app.stop();
}

#[test]
fn whole_sessions_at_trace_from_bot_toml_hold_no_secret() {
    let env = Env::start(
        World::new()
            .login_code(CODE)
            .bot(Bot::new(TOKEN).username("echo_bot").name("Echo"))
            .user(
                User::new(PHONE)
                    .first_name("Erin")
                    .username("erin")
                    .password(PASSWORD),
            )
            .user(User::new("+15550002").first_name("Alice").username("alice")),
    );
    let trace = "[log]\nlevel = \"trace\"";

    // A bot, its token and the api_hash in Bot.toml.
    let key = env.write_session_with_key();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), trace);
    let mut app = env.spawn(env.command());
    app.wait_ready();
    eventful_session(&env, &mut app, "alice", "echo_bot");
    assert_no_secrets(&app.output(), &key);

    // A user with a login code and a 2FA password, all in Bot.toml; this time with
    // `RUST_LOG=trace`, which also lets grammers and SQLite trace everything they do.
    std::fs::remove_file(env.session_path()).unwrap();
    let key = env.write_session_with_key();
    env.write_config(
        &format!("phone = \"{PHONE}\"\ncode = \"{CODE}\"\npassword = \"{PASSWORD}\""),
        trace,
    );
    let mut command = env.command();
    command.env("RUST_LOG", "trace");
    let mut app = env.spawn(command);
    app.wait_for_line("Logged in successfully as Erin");
    app.wait_ready();
    eventful_session(&env, &mut app, "alice", "erin");
    assert_no_secrets(&app.output(), &key);
}

#[test]
fn the_check_catches_every_rendering_of_every_secret() {
    let key: [u8; 256] = std::array::from_fn(|i| (i * 7 + 3) as u8);
    let traces = "TRACE x\n".repeat(3);
    let mut leaks: Vec<String> = key_renderings(&key);
    leaks.extend([TOKEN, API_HASH, PASSWORD].map(str::to_owned));
    leaks.push(format!("code={CODE}."));
    for leak in leaks {
        let output = format!("{traces}something {leak} something\n");
        let caught = std::panic::catch_unwind(|| assert_no_secrets(&output, &key));
        assert!(caught.is_err(), "{leak:?} went unnoticed");
    }
    // A longer number that merely contains the code's digits is not a leak.
    assert_no_secrets(&format!("{traces}id 1{CODE}9\n"), &key);
}
