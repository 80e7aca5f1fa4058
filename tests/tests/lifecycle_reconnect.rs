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

#[test]
fn telegram_unreachable_at_startup_is_waited_for_not_fatal() {
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
    let mut app = env.spawn(env.command());
    app.wait_for_line("cannot reach Telegram");
    app.wait_for_line("Logged in successfully as Echo");
    app.wait_ready();
    env.send_text("alice", "echo_bot", "made it");
    assert_eq!(env.next_message("alice").text, "echo: made it");
    app.stop();
}
