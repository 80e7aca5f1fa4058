//! The `cargo generate` template, end to end: render it non-interactively with
//! cargo-generate, build the result against this checkout (path dependency), and run the
//! generated project's own test, for a bot and for a user account.
//!
//! The generated project builds into the workspace's target folder with the workspace's
//! `Cargo.lock`, so it reuses the dependencies `cargo test --workspace` already compiled.
//! Needs the `cargo-generate` binary (`.ci/run` installs it): without it the tests say so
//! and pass, except in CI (`OXYGRAM_CI` set), where a missing tool is a failure.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{cargo, target_dir, wait_with_deadline, workspace};

/// Rendering, building and testing one project (the first build compiles the framework).
const DEADLINE: Duration = Duration::from_secs(1200);

/// Whether `cargo-generate` can run here; `false` (skip) only outside CI.
fn cargo_generate_available() -> bool {
    let found = Command::new("cargo-generate")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("OXYGRAM_CI").is_none(),
            "cargo-generate is not installed (cargo install cargo-generate --locked \
             --ignore-rust-version)"
        );
        eprintln!("skipping: cargo-generate is not installed");
    }
    found
}

/// Renders the template into `into/<name>` with these answers.
fn render(into: &Path, name: &str, answers: &[(&str, &str)]) -> std::path::PathBuf {
    let root = workspace();
    let mut command = Command::new("cargo-generate");
    command
        .arg("generate")
        .arg("--path")
        .arg(&root)
        .arg("templates/bot")
        .args([
            "--name",
            name,
            "--silent",
            "--vcs",
            "none",
            "--no-workspace",
        ])
        .arg("--destination")
        .arg(into)
        .arg("-d")
        .arg(format!("oxygram_path={}", root.display()));
    for (key, value) in answers {
        command.arg("-d").arg(format!("{key}={value}"));
    }
    // cargo-generate looks up an author name and fails without one.
    if std::env::var_os("USER").is_none() && std::env::var_os("CARGO_NAME").is_none() {
        command.env("CARGO_NAME", "oxygram tests");
    }
    let output = command.output().expect("running cargo-generate");
    assert!(
        output.status.success(),
        "cargo-generate failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    into.join(name)
}

/// Runs the generated project's tests with the workspace's lock file and target folder.
fn test_generated(project: &Path) -> String {
    std::fs::copy(workspace().join("Cargo.lock"), project.join("Cargo.lock"))
        .expect("copying Cargo.lock");
    let child = cargo()
        .arg("test")
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running cargo test in the generated project");
    let finished = wait_with_deadline(child, DEADLINE);
    assert!(
        finished.success,
        "the generated project's tests failed\nstdout:\n{}\nstderr:\n{}",
        finished.stdout, finished.stderr
    );
    finished.stdout
}

fn read(project: &Path, file: &str) -> String {
    std::fs::read_to_string(project.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn bot_template_renders_builds_and_passes_its_test() {
    if !cargo_generate_available() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let project = render(
        scratch.path(),
        "oxy-template-bot",
        &[
            ("account", "bot"),
            ("api_id", "12345"),
            ("api_hash", "0123456789abcdef0123456789abcdef"),
            ("bot_token", "123456:ABC"),
            ("session_name", "weather"),
        ],
    );

    let manifest = read(&project, "Cargo.toml");
    assert!(
        manifest.contains("name = \"oxy-template-bot\""),
        "{manifest}"
    );
    assert!(manifest.contains("[workspace]"), "{manifest}");
    assert!(
        manifest.contains(&format!("path = \"{}/framework\"", workspace().display())),
        "{manifest}"
    );
    let bot_toml = read(&project, "Bot.toml");
    assert!(bot_toml.contains("api_id = 12345"), "{bot_toml}");
    assert!(
        bot_toml.contains("bot_token = \"123456:ABC\""),
        "{bot_toml}"
    );
    assert!(bot_toml.contains("name = \"weather\""), "{bot_toml}");
    assert!(
        bot_toml.contains("OXYGRAM_TELEGRAM__API_HASH"),
        "{bot_toml}"
    );
    assert!(read(&project, ".gitignore").contains("*.session"));
    assert!(read(&project, "src/main.rs").contains("oxygram::App::new().run()"));
    // The test runs the handlers in-process: no spawned binary, no log to scrape.
    let test = read(&project, "tests/bot.rs");
    assert!(test.contains("TestBot::start(App::new())"), "{test}");
    assert!(!test.contains("CARGO_BIN_EXE"), "{test}");

    let tests = test_generated(&project);
    assert!(tests.contains("start_and_help_answer ... ok"), "{tests}");
}

#[test]
fn user_template_renders_builds_and_passes_its_test() {
    if !cargo_generate_available() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let project = render(
        scratch.path(),
        "oxy-template-user",
        &[("account", "user"), ("session_name", "me")],
    );

    let bot_toml = read(&project, "Bot.toml");
    assert!(!bot_toml.contains("bot_token ="), "{bot_toml}");
    assert!(
        bot_toml.contains("command_prefixes = [\".\"]"),
        "{bot_toml}"
    );
    assert!(
        bot_toml.contains("api_hash = \"paste your api_hash here\""),
        "{bot_toml}"
    );

    let tests = test_generated(&project);
    assert!(
        tests.contains("help_edits_my_own_message ... ok"),
        "{tests}"
    );
}
