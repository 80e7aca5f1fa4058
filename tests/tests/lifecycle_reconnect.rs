//! Network trouble never ends `run()`: after the connection drops, updates keep coming.

mod common_core;

use common_core::Env;
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

#[test]
fn dropped_connections_are_survived_and_each_message_is_answered_once() {
    let env = Env::start(
        World::new()
            .bot(Bot::new(TOKEN).username("echo_bot").name("Echo"))
            .user(User::new("+15550002").first_name("Alice").username("alice")),
    );
    env.write_session();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    let mut app = env.spawn(env.command());
    app.wait_ready();
    env.send_text("alice", "echo_bot", "before");
    assert_eq!(env.next_message("alice").text, "echo: before");

    for round in 0..3 {
        env.kit.drop_connections();
        let text = format!("after drop {round}");
        env.send_text("alice", "echo_bot", &text);
        // A reply whose answer was cut off by the drop is resent by grammers; the testkit,
        // like Telegram, answers the resend with the original message, so each echo arrives
        // exactly once and in order (per-chat order holds the next reply back until then).
        assert_eq!(
            env.next_message("alice").text,
            format!("echo: {text}"),
            "\n{}",
            app.output()
        );
    }
    env.send_text("alice", "echo_bot", "last");
    assert_eq!(env.next_message("alice").text, "echo: last");
    assert!(
        env.user("alice").drain_messages().is_empty(),
        "nothing arrived twice"
    );
    app.stop();
}

/// Starts the echo app while Telegram refuses connections for 7 s, with `RUST_LOG` set to
/// `rust_log` (or not set), and returns everything it printed once it answered a message.
fn started_while_unreachable(rust_log: Option<&str>) -> String {
    let env = Env::start(
        World::new()
            .bot(Bot::new(TOKEN).username("echo_bot").name("Echo"))
            .user(User::new("+15550002").first_name("Alice").username("alice")),
    );
    env.write_session();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    // Longer than a call's own retries (5, 1 s apart: runtime/retry.rs), so the outage
    // reaches the login, which keeps waiting and says why.
    env.kit
        .refuse_connections_for(std::time::Duration::from_secs(7));
    let mut command = env.command();
    if let Some(filter) = rust_log {
        command.env("RUST_LOG", filter);
    }
    let mut app = env.spawn(command);
    app.wait_for_line("cannot reach Telegram");
    app.wait_for_line("Logged in successfully as Echo");
    app.wait_ready();
    env.send_text("alice", "echo_bot", "made it");
    assert_eq!(env.next_message("alice").text, "echo: made it");
    let output = app.output();
    app.stop();
    output
}

#[test]
fn telegram_unreachable_at_startup_is_waited_for_not_fatal() {
    let output = started_while_unreachable(None);
    // One line per attempt, oxygram's: not grammers' warning for every failed try as well.
    assert!(!output.contains("marking all"), "{output}");
    assert!(output.contains("retrying in 1s"), "{output}");
}

#[test]
fn rust_log_still_shows_grammers_warning_for_each_try() {
    let output = started_while_unreachable(Some("warn,oxygram=info"));
    assert!(
        output.contains("grammers_mtsender::sender: marking all"),
        "{output}"
    );
    assert!(output.contains("cannot reach Telegram"), "{output}");
}
