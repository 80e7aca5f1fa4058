//! Login failures Telegram decides: a long FLOOD_WAIT says how long to wait, and a wrong API
//! key says where to get the right one.

mod common_core;

use std::time::Duration;

use common_core::Env;
use oxygram_testkit::{Bot, User, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

#[test]
fn a_flood_wait_on_the_login_code_says_how_long_to_wait() {
    let env = Env::start(World::new().user(User::new("+15550001").first_name("Dan")));
    env.write_session();
    env.write_config("phone = \"+15550001\"", "");
    // Longer than grammers sleeps through by itself (60 s), so it reaches the login.
    env.kit
        .fail_next("auth.sendCode", 1, 420, "FLOOD_WAIT_3725");
    let mut app = env.spawn(env.command());
    let status = app.wait_exit(Duration::from_secs(30));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains(
            "Telegram asks to wait 1 hour 2 minutes before trying to log in again (FLOOD_WAIT_3725)"
        ),
        "{output}"
    );
}

#[test]
fn a_wrong_api_hash_names_where_to_get_the_key() {
    let env = Env::start(World::new().bot(Bot::new(TOKEN).username("echo_bot").name("Echo")));
    env.write_session();
    std::fs::write(
        env.config_path(),
        format!(
            "[telegram]\napi_id = {}\napi_hash = \"ffffffffffffffffffffffffffffffff\"\n\
             bot_token = \"{TOKEN}\"\n\n[session]\nname = \"{}\"\n",
            common_core::API_ID,
            common_core::SESSION_NAME
        ),
    )
    .unwrap();
    let mut app = env.spawn(env.command());
    let status = app.wait_exit(Duration::from_secs(30));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains("Telegram rejected the API key (API_ID_INVALID)")
            && output.contains("https://my.telegram.org"),
        "{output}"
    );
    assert!(!output.contains("ffffffffffffffff"), "{output}");
}

#[test]
fn a_short_flood_wait_is_waited_out_and_said_so() {
    let env = Env::start(World::new().bot(Bot::new(TOKEN).username("echo_bot").name("Echo")));
    env.write_session();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    env.kit
        .fail_next("auth.importBotAuthorization", 1, 420, "FLOOD_WAIT_2");
    let mut app = env.spawn(env.command());
    app.wait_for_line("Logged in successfully as Echo");
    app.wait_ready();
    app.stop();
    let output = app.output();
    assert!(
        output.contains(
            "Telegram asks to wait 2 seconds before auth.importBotAuthorization (FLOOD_WAIT); waiting"
        ),
        "{output}"
    );
}
