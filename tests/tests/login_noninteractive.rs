//! Logging in without a terminal: credentials from the environment, and a clear error naming
//! what to set when something is missing, instead of waiting for input.

mod common_core;

use std::time::Duration;

use common_core::Env;
use oxygram_testkit::{User, World};

const PHONE: &str = "+15550001";
const CODE: &str = "41923";

fn world() -> World {
    World::new().login_code(CODE).user(
        User::new(PHONE)
            .first_name("Dan")
            .username("dan")
            .password("s3cret pass"),
    )
}

#[test]
fn without_a_terminal_a_missing_phone_is_an_error_naming_what_to_set() {
    let env = Env::start(world());
    env.write_session();
    env.write_config("", "");
    let mut app = env.spawn(env.command());
    // Bounded wait: a login that waited for input would hang here and fail the test.
    let status = app.wait_exit(Duration::from_secs(10));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains("cannot log in: the phone number")
            && output.contains("OXYGRAM_TELEGRAM__PHONE")
            && output.contains("telegram.phone")
            && output.contains(&env.config_path().display().to_string()),
        "{output}"
    );
    assert!(!output.contains("Enter phone number"), "{output}");
}

#[test]
fn without_a_terminal_a_missing_code_is_an_error_naming_what_to_set() {
    let env = Env::start(world());
    env.write_session();
    env.write_config(&format!("phone = \"{PHONE}\""), "");
    let mut app = env.spawn(env.command());
    let status = app.wait_exit(Duration::from_secs(10));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains("The confirmation code has been sent via Telegram app")
            && output.contains("cannot log in: the login code")
            && output.contains("OXYGRAM_TELEGRAM__CODE"),
        "{output}"
    );
}

#[test]
fn phone_code_and_password_from_the_environment_log_in_without_prompts() {
    let env = Env::start(world());
    env.write_session();
    env.write_config("", "");
    let mut command = env.command();
    command
        .env("OXYGRAM_TELEGRAM__PHONE", PHONE)
        .env("OXYGRAM_TELEGRAM__CODE", CODE)
        .env("OXYGRAM_TELEGRAM__PASSWORD", "s3cret pass");
    let mut app = env.spawn(command);
    app.wait_for_line("Logged in successfully as Dan");
    app.wait_ready();
    app.stop();
    let output = app.output();
    assert!(
        output.contains("The two-step verification is enabled and a password is required"),
        "{output}"
    );
    assert!(!output.contains("Enter "), "{output}");
    assert!(!output.contains("s3cret"), "{output}");
    assert!(env.session_has_account());
}

#[test]
fn a_wrong_password_from_the_environment_is_reported_not_retried_forever() {
    let env = Env::start(world());
    env.write_session();
    env.write_config("", "");
    let mut command = env.command();
    command
        .env("OXYGRAM_TELEGRAM__PHONE", PHONE)
        .env("OXYGRAM_TELEGRAM__CODE", CODE)
        .env("OXYGRAM_TELEGRAM__PASSWORD", "not it");
    let mut app = env.spawn(command);
    let status = app.wait_exit(Duration::from_secs(30));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains("The two-step verification password is invalid")
            && output.contains("OXYGRAM_TELEGRAM__PASSWORD")
            && output.contains("`telegram.password`"),
        "{output}"
    );
    assert!(!output.contains("not it"), "{output}");
    assert!(!env.session_has_account());
}
