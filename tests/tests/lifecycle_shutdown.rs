//! Stopping: SIGTERM and Ctrl+C let a running handler finish, exit 0, and save the update
//! state, so the next start neither repeats handled updates nor loses ones sent meanwhile.

mod common_core;

use common_core::{Env, WAIT};
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

fn env() -> Env {
    let env = Env::start(
        World::new()
            .bot(Bot::new(TOKEN).username("echo_bot").name("Echo"))
            .user(User::new("+15550002").first_name("Alice").username("alice")),
    );
    env.write_session();
    env.write_config(
        &format!("bot_token = \"{TOKEN}\""),
        "[dispatch]\nshutdown_grace_secs = 20\n",
    );
    env
}

#[test]
fn sigterm_lets_the_running_handler_finish_and_the_next_start_resumes_after_it() {
    let env = env();
    let mut app = env.spawn(env.command());
    app.wait_ready();

    env.send_text("alice", "echo_bot", "slow 1500");
    app.wait_for_line("handling slow");
    app.signal(libc::SIGTERM);
    let status = app.wait_exit(WAIT);
    assert!(status.success(), "exit {status:?}:\n{}", app.output());
    // The handler finished before the process exited: its reply is already there.
    assert_eq!(
        env.user("alice")
            .drain_messages()
            .iter()
            .map(|m| m.text.as_str())
            .collect::<Vec<_>>(),
        ["done: slow 1500"],
        "{}",
        app.output()
    );

    // Sent while the app is down: must arrive after the restart, exactly once.
    env.send_text("alice", "echo_bot", "while down");
    let mut app = env.spawn(env.command());
    app.wait_ready();
    env.send_text("alice", "echo_bot", "after");
    assert_eq!(env.next_message("alice").text, "echo: while down");
    assert_eq!(env.next_message("alice").text, "echo: after");
    app.stop();
    // Nothing handled twice: the slow update was not delivered again.
    let rest = env.user("alice").drain_messages();
    assert!(rest.is_empty(), "unexpected extra replies: {rest:?}");
    assert_eq!(
        app.output().matches("handling slow").count(),
        0,
        "{}",
        app.output()
    );
}

#[test]
fn ctrl_c_stops_cleanly_too() {
    let env = env();
    let mut app = env.spawn(env.command());
    app.wait_ready();
    env.send_text("alice", "echo_bot", "hi");
    assert_eq!(env.next_message("alice").text, "echo: hi");
    app.signal(libc::SIGINT);
    let status = app.wait_exit(WAIT);
    assert!(status.success(), "exit {status:?}:\n{}", app.output());
    assert!(app.output().contains("stopped"), "{}", app.output());
}
