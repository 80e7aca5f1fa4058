//! Network trouble never ends `run()`: after the connection drops, updates keep coming.

mod common_core;

use std::collections::HashSet;

use common_core::Env;
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

#[test]
fn dropped_connections_are_survived_and_no_message_is_lost() {
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

    let mut seen = HashSet::from(["echo: before".to_owned()]);
    for round in 0..3 {
        env.kit.drop_connections();
        let text = format!("after drop {round}");
        env.send_text("alice", "echo_bot", &text);
        let expected = format!("echo: {text}");
        // A reply whose answer was cut off by the drop is sent again by grammers' retry (real
        // Telegram deduplicates it by random_id); such repeats are tolerated, losses are not.
        loop {
            let got = env.next_message("alice").text;
            if got == expected {
                break;
            }
            assert!(seen.contains(&got), "unexpected {got:?}:\n{}", app.output());
        }
        seen.insert(expected);
    }
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
    env.kit
        .refuse_connections_for(std::time::Duration::from_secs(3));
    let mut app = env.spawn(env.command());
    app.wait_for_line("cannot reach Telegram");
    app.wait_for_line("Logged in successfully as Echo");
    app.wait_ready();
    env.send_text("alice", "echo_bot", "made it");
    assert_eq!(env.next_message("alice").text, "echo: made it");
    app.stop();
}
