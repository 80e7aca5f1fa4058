//! Interactive user login through a pseudo-terminal: Pyrogram's transcript line for line,
//! wrong answers asked again, two-step verification without echo, and a silent restart.

mod common_core;

use common_core::{Env, Terminal, lines, mode};
use oxygram_testkit::{User, World};

const PHONE: &str = "+15550001";
const CODE: &str = "32768";

fn world() -> World {
    World::new()
        .login_code(CODE)
        .user(User::new(PHONE).first_name("Dan").username("dan"))
        .user(User::new("+15550002").first_name("Alice").username("alice"))
}

fn env(world: World) -> Env {
    let env = Env::start(world);
    env.write_session();
    env.write_config("", "");
    env
}

#[test]
fn transcript_matches_pyrogram_and_a_second_run_asks_nothing() {
    let env = env(world());
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line(PHONE);
    term.expect(&format!("Is \"{PHONE}\" correct? (y/n): "));
    term.type_line("y");
    term.expect("Enter phone code: ");
    term.type_line(CODE);
    term.expect("Logged in successfully as Dan");
    term.wait_ready();
    assert_eq!(
        lines(&term.transcript),
        [
            format!("Enter phone number: {PHONE}"),
            format!("Is \"{PHONE}\" correct? (y/n): y"),
            "The confirmation code has been sent via Telegram app".to_owned(),
            format!("Enter phone code: {CODE}"),
            "Logged in successfully as Dan".to_owned(),
        ]
    );
    // The logged-in user's app answers messages.
    env.send_text("alice", "dan", "hi");
    assert_eq!(env.next_message("alice").text, "echo: hi");
    term.stop();
    assert_eq!(mode(&env.session_path()), 0o600);
    assert!(env.session_has_account());

    // Second run, no terminal at all: it must not need one.
    let mut app = env.spawn(env.command());
    app.wait_ready();
    env.send_text("alice", "dan", "again");
    assert_eq!(env.next_message("alice").text, "echo: again");
    app.stop();
    let output = app.output();
    assert!(!output.contains("Enter"), "{output}");
    assert!(!output.contains("Logged in successfully"), "{output}");
}

#[test]
fn no_at_the_confirmation_asks_for_the_number_again() {
    let env = env(world());
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line("+15559999");
    term.expect("Is \"+15559999\" correct? (y/n): ");
    term.type_line("n");
    term.expect("Enter phone number: ");
    term.type_line(PHONE);
    term.expect(&format!("Is \"{PHONE}\" correct? (y/n): "));
    term.type_line("y");
    term.expect("Enter phone code: ");
    term.type_line(CODE);
    term.expect("Logged in successfully as Dan");
    term.wait_ready();
    term.stop();
    assert_eq!(
        lines(&term.transcript)[..3],
        [
            "Enter phone number: +15559999".to_owned(),
            "Is \"+15559999\" correct? (y/n): n".to_owned(),
            format!("Enter phone number: {PHONE}"),
        ]
    );
}

#[test]
fn invalid_number_and_wrong_code_are_explained_and_asked_again() {
    let env = env(world());
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line("not a number");
    term.expect("Is \"not a number\" correct? (y/n): ");
    term.type_line("y");
    term.expect("The phone number is invalid");
    term.expect("Enter phone number: ");
    term.type_line(PHONE);
    term.expect("(y/n): ");
    term.type_line("y");
    term.expect("Enter phone code: ");
    term.type_line("00000");
    term.expect("The confirmation code is invalid");
    term.expect("Enter phone code: ");
    term.type_line(CODE);
    term.expect("Logged in successfully as Dan");
    term.wait_ready();
    term.stop();
}

#[test]
fn expired_code_says_so_and_a_new_one_is_sent() {
    let env = env(world());
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line(PHONE);
    term.expect("(y/n): ");
    term.type_line("y");
    term.expect("Enter phone code: ");
    assert!(env.kit.expire_login_code(PHONE));
    term.type_line(CODE);
    term.expect("The confirmation code has expired; a new one has been sent via Telegram app");
    term.expect("Enter phone code: ");
    term.type_line(CODE);
    term.expect("Logged in successfully as Dan");
    term.wait_ready();
    term.stop();
}

#[test]
fn two_step_verification_wrong_then_right_password_never_echoed() {
    let password = "correct horse";
    let env = env(World::new().login_code(CODE).user(
        User::new(PHONE)
            .first_name("Dan")
            .password(password)
            .hint("battery staple"),
    ));
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line(PHONE);
    term.expect("(y/n): ");
    term.type_line("y");
    term.expect("Enter phone code: ");
    term.type_line(CODE);
    term.expect("The two-step verification is enabled and a password is required");
    term.expect("Password hint: battery staple");
    term.expect("Enter password: ");
    term.type_line("wrong guess");
    term.expect("The two-step verification password is invalid");
    term.expect("Enter password: ");
    term.type_line(password);
    term.expect("Logged in successfully as Dan");
    term.wait_ready();
    term.stop();
    assert!(
        !term.transcript.contains("wrong guess"),
        "{}",
        term.transcript
    );
    assert!(!term.transcript.contains(password), "{}", term.transcript);
    let log = term.log_text();
    assert!(
        !log.contains(password) && !log.contains("wrong guess"),
        "{log}"
    );
}

#[test]
fn unknown_number_explains_that_only_official_apps_create_accounts() {
    let env = env(world());
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line("+15557777");
    term.expect("(y/n): ");
    term.type_line("y");
    term.expect("Enter phone code: ");
    // The testkit sends a code to any number; signing in reveals there is no account.
    term.type_line(CODE);
    assert_ne!(term.exit_code(), 0);
    let log = term.log_text();
    assert!(
        log.contains("+15557777 has no Telegram account")
            && log.contains("Telegram only lets its official apps create accounts"),
        "{log}"
    );
    assert!(
        !term.transcript.contains("Logged in"),
        "{}",
        term.transcript
    );
}

/// A number registered on DC 4 while the session starts on DC 2 (as every new session does):
/// Telegram answers `auth.sendCode` with `PHONE_MIGRATE_4`; the login moves the session's
/// home to DC 4 and asks again, without a word to the person typing, and the app then lives
/// there (updates, and the next start).
#[test]
fn a_number_on_another_data_centre_logs_in_there() {
    let world = World::new()
        .login_code(CODE)
        .user(User::new(PHONE).first_name("Dan").username("dan").dc(4))
        .user(User::new("+15550002").first_name("Alice").username("alice"));
    let env = env(world);
    let mut term = Terminal::start(&env);
    term.expect("Enter phone number: ");
    term.type_line(PHONE);
    term.expect("(y/n): ");
    term.type_line("y");
    term.expect("Enter phone code: ");
    term.type_line(CODE);
    term.expect("Logged in successfully as Dan");
    term.wait_ready();
    assert_eq!(
        lines(&term.transcript)[2],
        "The confirmation code has been sent via Telegram app"
    );
    let send_codes: Vec<_> = env
        .kit
        .rpc_log()
        .into_iter()
        .filter(|c| c.method == "auth.sendCode")
        .map(|c| c.error)
        .collect();
    assert_eq!(send_codes, [Some("PHONE_MIGRATE_4".to_owned()), None]);
    // Updates come on DC 4.
    env.send_text("alice", "dan", "hi");
    assert_eq!(env.next_message("alice").text, "echo: hi");
    term.stop();
    assert_eq!(home_dc(&env), 4);

    // The next start goes straight to DC 4: no migration, no prompt.
    let mut app = env.spawn(env.command());
    app.wait_ready();
    env.send_text("alice", "dan", "again");
    assert_eq!(env.next_message("alice").text, "echo: again");
    app.stop();
    assert_eq!(
        env.kit
            .rpc_log()
            .iter()
            .filter(|c| c.error.as_deref() == Some("PHONE_MIGRATE_4"))
            .count(),
        1
    );
}

fn home_dc(env: &Env) -> i32 {
    use grammers_session::Session;
    env.block_on(async {
        oxygram_session::SqliteSession::open(env.session_path())
            .await
            .expect("open session")
            .home_dc_id()
            .expect("read session")
    })
}
