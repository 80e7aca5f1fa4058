//! The session file (issue 7, item 5), end to end through the app process: a session that is
//! damaged in any way stops the app with one clear error naming the file, never a panic, and
//! the file is left byte for byte as it was; a readable session is made private (0600).
//!
//! Runs with the other core cases: `lifecycle_session_lock.rs` (a second process is refused,
//! a file cut to a third is reported) and `login_user.rs` (a new session is created 0600).
//!
//! A damaged session never makes the app contact anything: it stops before connecting. The
//! empty file is checked through the library instead, because the app treats it as a fresh
//! session and would then try Telegram's real addresses, which tests must never reach.

mod common_core;

use std::path::Path;

use common_core::{Env, WAIT, mode};
use oxygram_testkit::{Bot, World};

const TOKEN: &str = "123456:TESTTOKEN-echo";

fn env() -> Env {
    let env = Env::start(World::new().bot(Bot::new(TOKEN).username("echo_bot").name("Echo")));
    env.write_session();
    env.write_config(&format!("bot_token = \"{TOKEN}\""), "");
    env
}

/// Runs the app on the session as it is now and expects it to stop with an error that
/// contains `expected` and names the session file, without a panic and without touching it.
fn refused(env: &Env, expected: &str) -> String {
    let path = env.session_path();
    let before = snapshot(&path);
    let mut app = env.spawn(env.command());
    let status = app.wait_exit(WAIT);
    let output = app.output();
    assert!(
        !status.success(),
        "the app started on a bad session:\n{output}"
    );
    assert!(
        output.contains(expected),
        "expected {expected:?} in:\n{output}"
    );
    assert!(
        output.contains(&path.display().to_string()),
        "the error does not name the file:\n{output}"
    );
    assert!(!output.contains("panicked"), "{output}");
    assert!(
        !output.contains("Logged in"),
        "it logged in on a bad session:\n{output}"
    );
    assert_eq!(snapshot(&path), before, "the session file was changed");
    output
}

/// The file's bytes, or what kind of non-file it is.
fn snapshot(path: &Path) -> Result<Vec<u8>, String> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(std::fs::read(path).expect("read the session")),
        Ok(meta) => Err(format!("{:?}", meta.file_type())),
        Err(e) => Err(e.kind().to_string()),
    }
}

fn valid_session(env: &Env) -> Vec<u8> {
    std::fs::read(env.session_path()).expect("the kit wrote a session")
}

#[test]
fn a_session_cut_in_half_is_reported_and_left_untouched() {
    let env = env();
    let bytes = valid_session(&env);
    std::fs::write(env.session_path(), &bytes[..bytes.len() / 2]).unwrap();
    refused(&env, "is damaged or is not an oxygram session");
}

#[test]
fn a_session_cut_inside_the_sqlite_header_is_reported_and_left_untouched() {
    let env = env();
    let bytes = valid_session(&env);
    std::fs::write(env.session_path(), &bytes[..10]).unwrap();
    refused(&env, "does not start like an SQLite database");
}

#[test]
fn garbage_bytes_are_reported_and_left_untouched() {
    let env = env();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(env.session_path(), &garbage).unwrap();
    refused(&env, "does not start like an SQLite database");
}

#[test]
fn garbage_behind_a_valid_header_is_reported_and_left_untouched() {
    let env = env();
    let mut bytes = valid_session(&env);
    // Keep SQLite's 100-byte file header, scramble every page after it.
    for (i, byte) in bytes.iter_mut().enumerate().skip(100) {
        *byte = (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3];
    }
    std::fs::write(env.session_path(), &bytes).unwrap();
    refused(&env, "is damaged or is not an oxygram session");
}

#[test]
fn a_folder_in_place_of_the_session_is_reported_and_left_untouched() {
    let env = env();
    std::fs::remove_file(env.session_path()).unwrap();
    std::fs::create_dir(env.session_path()).unwrap();
    std::fs::write(env.session_path().join("keep"), b"mine").unwrap();
    refused(&env, "it is not a regular file");
    assert_eq!(
        std::fs::read(env.session_path().join("keep")).unwrap(),
        b"mine"
    );
}

#[test]
fn a_session_that_cannot_be_read_is_reported_and_left_untouched() {
    // A symlink loop cannot be read even by root (which ignores permission bits).
    let env = env();
    std::fs::remove_file(env.session_path()).unwrap();
    let other = env.dir.path().join("loop.session");
    std::os::unix::fs::symlink(&other, env.session_path()).unwrap();
    std::os::unix::fs::symlink(env.session_path(), &other).unwrap();
    refused(&env, "could not read");
}

#[test]
fn a_session_without_read_permission_is_refused_unless_root() {
    use std::os::unix::fs::PermissionsExt;
    let env = env();
    std::fs::set_permissions(env.session_path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Root reads any file: the session is used as it is, and still not opened to others.
        let mut app = env.spawn(env.command());
        app.wait_ready();
        app.stop();
        assert_eq!(mode(&env.session_path()), 0o000);
    } else {
        refused(&env, "Permission denied");
    }
}

#[test]
fn a_session_readable_by_others_is_made_private_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let env = env();
    std::fs::set_permissions(env.session_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut app = env.spawn(env.command());
    app.wait_ready();
    let warning = app.wait_for_line("restricted it to 0600");
    assert!(
        warning.contains(&env.session_path().display().to_string()),
        "{warning}"
    );
    assert_eq!(mode(&env.session_path()), 0o600);
    let lock = env
        .dir
        .path()
        .join(format!("{}.session.lock", common_core::SESSION_NAME));
    assert_eq!(mode(&lock), 0o600);
    app.stop();
}

#[test]
fn an_empty_session_file_is_a_fresh_session_not_an_error() {
    // What an interrupted first run leaves: nothing to lose, so it starts afresh (not logged
    // in) instead of failing. Checked through the library (see the module docs).
    let env = env();
    std::fs::write(env.session_path(), b"").unwrap();
    let session = env
        .block_on(oxygram::session::SessionFile::open(env.session_path()))
        .expect("an empty file opens as a fresh session");
    assert!(!session.was_created(), "the existing (empty) file is used");
    assert!(!env.block_on(session.has_account()));
}
