//! Bot login with a token: the greeting, a restart that trusts the session, and an invalid
//! token that fails clearly and leaves nothing that looks logged in.

mod common_core;

use common_core::{Env, WAIT};
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

fn world() -> World {
    World::new()
        .bot(Bot::new(TOKEN).username("echo_bot").name("Echo"))
        .user(User::new("+15550002").first_name("Alice").username("alice"))
}

#[test]
fn bot_logs_in_with_its_token_then_restarts_without_logging_in_again() {
    let env = Env::start(world());
    env.write_session();
    env.write_config("", "");

    let mut command = env.command();
    command.env("OXYGRAM_TELEGRAM__BOT_TOKEN", TOKEN);
    let mut app = env.spawn(command);
    app.wait_for_line("Logged in successfully as Echo");
    app.wait_ready();
    env.send_text("alice", "echo_bot", "hi");
    assert_eq!(env.next_message("alice").text, "echo: hi");
    app.stop();
    assert!(env.session_has_account());

    // The token is not needed any more: the session is logged in.
    let mut app = env.spawn(env.command());
    app.wait_ready();
    env.send_text("alice", "echo_bot", "still there?");
    assert_eq!(env.next_message("alice").text, "echo: still there?");
    app.stop();
    assert!(
        !app.output().contains("Logged in successfully"),
        "{}",
        app.output()
    );
}

#[test]
fn invalid_token_is_a_clear_error_and_leaves_no_logged_in_session() {
    let env = Env::start(world());
    env.write_session();
    let bad = "999:NOT-A-REAL-TOKEN";
    env.write_config(&format!("bot_token = \"{bad}\""), "");

    let mut app = env.spawn(env.command());
    let status = app.wait_exit(WAIT);
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains("Telegram rejected the bot token (ACCESS_TOKEN_INVALID)")
            && output.contains("@BotFather")
            && output.contains(&env.config_path().display().to_string()),
        "{output}"
    );
    assert!(!output.contains(bad), "the token leaked:\n{output}");
    assert!(!env.session_has_account());

    // Nothing of the failed attempt is trusted: the right token logs in afresh.
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    let mut app = env.spawn(env.command());
    app.wait_for_line("Logged in successfully as Echo");
    app.wait_ready();
    app.stop();
}
