//! One session, one process: a second instance fails at once with a sentence naming the
//! session, not SQLite's "database is locked".

mod common_core;

use common_core::{Env, WAIT};
use oxygram_testkit::{Bot, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

#[test]
fn a_second_process_on_the_same_session_fails_with_in_use() {
    let env = Env::start(World::new().bot(Bot::new(TOKEN).username("echo_bot").name("Echo")));
    env.write_session();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    let mut first = env.spawn(env.command());
    first.wait_ready();

    let mut second = env.spawn(env.command());
    let status = second.wait_exit(WAIT);
    let output = second.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains(&format!(
            "session {} is in use by another process",
            env.session_path().display()
        )),
        "{output}"
    );
    assert!(!output.contains("database is locked"), "{output}");

    // The first one is unaffected and still stops cleanly; then the session is free again.
    first.stop();
    let mut third = env.spawn(env.command());
    third.wait_ready();
    third.stop();
}

#[test]
fn a_damaged_session_file_is_reported_and_left_untouched() {
    let env = Env::start(World::new().bot(Bot::new(TOKEN).username("echo_bot").name("Echo")));
    env.write_session();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    let bytes = std::fs::read(env.session_path()).unwrap();
    let damaged = &bytes[..bytes.len() / 3];
    std::fs::write(env.session_path(), damaged).unwrap();

    let mut app = env.spawn(env.command());
    let status = app.wait_exit(WAIT);
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains(&format!(
            "session file {} is damaged or is not an oxygram session",
            env.session_path().display()
        )) && output.contains("left untouched"),
        "{output}"
    );
    assert_eq!(std::fs::read(env.session_path()).unwrap(), damaged);
}
