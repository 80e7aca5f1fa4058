//! `Bot.toml` mistakes, as the user meets them: the app exits non-zero before connecting,
//! with a message naming the file and the key and saying what was expected.

mod common_core;

use std::time::Duration;

use common_core::Env;
use oxygram_testkit::World;

/// Runs the app on `toml` (as `Bot.toml`) and returns its output; it must fail.
fn fails_with(env: &Env, toml: &str) -> String {
    std::fs::write(env.config_path(), toml).unwrap();
    let mut app = env.spawn(env.command());
    let status = app.wait_exit(Duration::from_secs(10));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(output.starts_with("Error: "), "{output}");
    output
}

#[test]
fn each_mistake_names_the_file_and_the_key() {
    let env = Env::start(World::new());
    let file = env.config_path().display().to_string();

    let output = fails_with(&env, "[telegram]\napi_hash = \"abc\"\n");
    assert!(
        output.contains(&format!("missing `telegram.api_id` in {file}"))
            && output.contains("OXYGRAM_TELEGRAM__API_ID"),
        "{output}"
    );

    let output = fails_with(&env, "[telegram]\napi_id = \"12345x\"\n");
    assert!(
        output.contains(&format!("invalid `telegram.api_id` in {file}"))
            && output.contains("expected an integer"),
        "{output}"
    );

    let output = fails_with(&env, "[telegram]\napi_id = 1\n\n[session]\nnmae = \"x\"\n");
    assert!(
        output.contains(&format!("unknown key `session.nmae` in {file}"))
            && output.contains("did you mean `session.name`?"),
        "{output}"
    );

    std::fs::remove_file(env.config_path()).unwrap();
    let mut app = env.spawn(env.command());
    let status = app.wait_exit(Duration::from_secs(10));
    let output = app.output();
    assert!(!status.success(), "{output}");
    assert!(
        output.contains(&format!("no configuration file at {file}"))
            && output.contains("[telegram]\napi_id = 12345"),
        "{output}"
    );
}

#[test]
fn the_environment_overrides_the_file_and_its_mistakes_name_the_variable() {
    let env = Env::start(World::new());
    std::fs::write(env.config_path(), "[telegram]\napi_id = 1\n").unwrap();
    let mut command = env.command();
    command.env("OXYGRAM_TELEGRAM__API_ID", "one");
    let mut app = env.spawn(command);
    assert!(!app.wait_exit(Duration::from_secs(10)).success());
    assert!(
        app.output()
            .contains("invalid `telegram.api_id` in environment variable OXYGRAM_TELEGRAM__API_ID"),
        "{}",
        app.output()
    );
}

#[test]
fn oxygram_config_and_the_default_path_are_honoured() {
    let env = Env::start(World::new());
    let elsewhere = env.dir.path().join("conf").join("Other.toml");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    std::fs::write(&elsewhere, "[telegram]\napi_id = \"x\"\n").unwrap();

    // OXYGRAM_CONFIG, no --config.
    let mut command = std::process::Command::new(common_core::app_binary());
    command
        .current_dir(env.dir.path())
        .env_remove("RUST_LOG")
        .env("OXYGRAM_CONFIG", &elsewhere);
    let mut app = env.spawn(command);
    assert!(!app.wait_exit(Duration::from_secs(10)).success());
    assert!(
        app.output().contains(&elsewhere.display().to_string()),
        "{}",
        app.output()
    );

    // Neither: ./Bot.toml in the working directory.
    let mut command = std::process::Command::new(common_core::app_binary());
    command
        .current_dir(env.dir.path())
        .env_remove("RUST_LOG")
        .env_remove("OXYGRAM_CONFIG");
    let mut app = env.spawn(command);
    assert!(!app.wait_exit(Duration::from_secs(10)).success());
    assert!(
        app.output().contains(&format!(
            "no configuration file at {}",
            env.config_path().display()
        )),
        "{}",
        app.output()
    );
}
