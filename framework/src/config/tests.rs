use std::path::Path;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;

const MINIMAL: &str =
    "[telegram]\napi_id = 12345\napi_hash = \"0123456789abcdef0123456789abcdef\"\n";

/// Writes `contents` as `Bot.toml` in a fresh folder.
fn bot_toml(contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Bot.toml");
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

fn no_env() -> OxygramEnv {
    OxygramEnv::from_vars(Vec::new())
}

fn env(vars: &[(&str, &str)]) -> OxygramEnv {
    OxygramEnv::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn config_error(result: Result<Config, ConfigError>) -> ConfigError {
    match result {
        Err(e) => e,
        Ok(config) => panic!("expected an error, got {config:?}"),
    }
}

fn mentions(message: &str, path: &Path) -> bool {
    message.contains(&path.display().to_string())
}

#[test]
fn minimal_file_loads_with_defaults() {
    let (_dir, path) = bot_toml(MINIMAL);
    let config = Config::from_file_and_env(&path, no_env()).unwrap();
    assert_eq!(config.telegram.api_id, 12345);
    assert!(config.telegram.bot_token.is_none());
    assert_eq!(config.session.name, "oxygram");
    assert_eq!(config.log.level, "info");
    assert!(config.updates.catch_up);
    assert_eq!(config.dispatch.max_in_flight, 64);
    assert_eq!(config.dispatch.command_prefixes, vec!["/".to_owned()]);
    assert_eq!(config.dispatch.shutdown_grace, Duration::from_secs(10));
    assert_eq!(config.updates.checkpoint_interval, Duration::from_secs(1));
    assert_eq!(config.updates.watchdog_interval, Duration::from_secs(300));
    assert_eq!(
        config.telegram.flood_sleep_threshold,
        Duration::from_secs(10)
    );
    assert_eq!(config.plugins.include, None);
    assert_eq!(config.path(), Some(path.as_path()));
}

#[test]
fn missing_api_id_names_the_file_and_the_key() {
    let (_dir, path) = bot_toml("[telegram]\napi_hash = \"abc\"\n");
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    let message = err.to_string();
    assert_eq!(err.key(), Some("telegram.api_id"));
    assert!(mentions(&message, &path), "{message}");
    assert!(message.contains("telegram.api_id"), "{message}");
    assert!(message.contains("OXYGRAM_TELEGRAM__API_ID"), "{message}");
}

#[test]
fn missing_telegram_section_says_what_to_add() {
    let (_dir, path) = bot_toml("[session]\nname = \"x\"\n");
    let message = config_error(Config::from_file_and_env(&path, no_env())).to_string();
    assert!(message.contains("[telegram]"), "{message}");
    assert!(mentions(&message, &path), "{message}");
}

#[test]
fn api_id_of_the_wrong_type_names_the_file_the_key_and_the_expected_type() {
    let (_dir, path) = bot_toml("[telegram]\napi_id = \"twelve\"\n");
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    let message = err.to_string();
    assert_eq!(err.key(), Some("telegram.api_id"));
    assert!(mentions(&message, &path), "{message}");
    assert!(message.contains("i32"), "{message}");
    assert!(message.contains("twelve"), "{message}");
}

#[test]
fn unknown_key_names_the_file_and_the_key_and_suggests_the_right_one() {
    let (_dir, path) = bot_toml(&format!("{MINIMAL}bot_tokn = \"1:a\"\n"));
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    let message = err.to_string();
    assert_eq!(err.key(), Some("telegram.bot_tokn"));
    assert!(mentions(&message, &path), "{message}");
    assert!(
        message.contains("did you mean `telegram.bot_token`"),
        "{message}"
    );
}

#[test]
fn unknown_top_level_key_and_misspelt_section_are_errors() {
    let (_dir, path) = bot_toml(&format!("debug = true\n{MINIMAL}"));
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    assert_eq!(err.key(), Some("debug"));
    assert!(mentions(&err.to_string(), &path), "{err}");

    let (_dir, path) = bot_toml(&format!("{MINIMAL}[sesion]\nname = \"x\"\n"));
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    assert!(err.to_string().contains("did you mean `session`"), "{err}");
}

#[test]
fn stray_plugin_key_is_an_error_and_plugin_tables_are_sections() {
    let (_dir, path) = bot_toml(&format!(
        "{MINIMAL}[plugins]\ninclude = [\"admin\"]\nexclud = [\"x\"]\n"
    ));
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    assert_eq!(err.key(), Some("plugins.exclud"));
    assert!(
        err.to_string().contains("did you mean `plugins.exclude`"),
        "{err}"
    );

    let (_dir, path) = bot_toml(&format!(
        "{MINIMAL}[plugins]\nexclude = [\"admin ban\"]\n[plugins.greeter]\ntext = \"hi\"\n"
    ));
    let config = Config::from_file_and_env(&path, no_env()).unwrap();
    assert_eq!(config.plugins.exclude, vec!["admin ban".to_owned()]);
    assert!(config.plugins.sections.contains_key("greeter"));
}

#[test]
fn missing_file_says_how_to_write_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Bot.toml");
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    let message = err.to_string();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert!(mentions(&message, &path), "{message}");
    assert!(message.contains("[telegram]\napi_id = 12345"), "{message}");
    assert!(message.contains("--config"), "{message}");
}

#[test]
fn toml_syntax_error_names_the_file() {
    let (_dir, path) = bot_toml("[telegram\napi_id = 1\n");
    let message = config_error(Config::from_file_and_env(&path, no_env())).to_string();
    assert!(mentions(&message, &path), "{message}");
}

#[test]
fn environment_overrides_the_file_and_phone_like_values_stay_text() {
    let (_dir, path) = bot_toml("[telegram]\napi_id = 1\nphone = \"+100\"\n");
    let config = Config::from_file_and_env(
        &path,
        env(&[
            ("OXYGRAM_TELEGRAM__API_ID", "777"),
            ("OXYGRAM_TELEGRAM__PHONE", "+15551234567"),
            (
                "OXYGRAM_TELEGRAM__API_HASH",
                "12345678901234567890123456789012",
            ),
            ("OXYGRAM_TELEGRAM__PASSWORD", "0042"),
            ("OXYGRAM_SESSION__NAME", "007"),
            ("OXYGRAM_DISPATCH__MAX_IN_FLIGHT", "8"),
        ]),
    )
    .unwrap();
    assert_eq!(config.telegram.api_id, 777);
    assert_eq!(config.telegram.phone.as_deref(), Some("+15551234567"));
    assert_eq!(
        config.telegram.api_hash.as_ref().unwrap().expose_secret(),
        "12345678901234567890123456789012"
    );
    assert_eq!(
        config.telegram.password.as_ref().unwrap().expose_secret(),
        "0042"
    );
    assert_eq!(config.session.name, "007");
    assert_eq!(config.dispatch.max_in_flight, 8);
    assert_eq!(
        config.source_of("telegram.phone"),
        ValueSource::Env("OXYGRAM_TELEGRAM__PHONE".into())
    );
}

#[test]
fn bad_environment_value_names_the_variable() {
    let (_dir, path) = bot_toml(MINIMAL);
    let err = config_error(Config::from_file_and_env(
        &path,
        env(&[("OXYGRAM_TELEGRAM__API_ID", "abc")]),
    ));
    let message = err.to_string();
    assert!(
        message.contains("environment variable OXYGRAM_TELEGRAM__API_ID"),
        "{message}"
    );
    assert!(message.contains("telegram.api_id"), "{message}");

    let err = config_error(Config::from_file_and_env(
        &path,
        env(&[("OXYGRAM_TELEGRAM__BOT_TOKN", "x")]),
    ));
    assert!(
        err.to_string()
            .contains("environment variable OXYGRAM_TELEGRAM__BOT_TOKN"),
        "{err}"
    );
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let (_dir, path) = bot_toml(
        "[telegram]\napi_id = 1\napi_hash = \"hash-secret-value\"\nbot_token = \"1:token-secret\"\n\
         password = \"pw-secret\"\n",
    );
    let config = Config::from_file_and_env(&path, no_env()).unwrap();
    let debug = format!("{config:?}");
    for secret in ["hash-secret-value", "token-secret", "pw-secret"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("[REDACTED]"), "{debug}");

    let (_dir, path) = bot_toml("[telegram]\napi_id = 1\nbot_token = 987654321\n");
    let message = config_error(Config::from_file_and_env(&path, no_env())).to_string();
    assert!(message.contains("telegram.bot_token"), "{message}");
    assert!(!message.contains("987654321"), "{message}");
}

#[test]
fn bad_values_with_the_right_type_name_the_key() {
    for (toml, key) in [
        ("[dispatch]\nmax_in_flight = 0\n", "dispatch.max_in_flight"),
        (
            "[dispatch]\nshutdown_grace_secs = -1\n",
            "dispatch.shutdown_grace_secs",
        ),
        ("[session]\nname = \"a/b\"\n", "session.name"),
        ("[log]\nlevel = \"info,[[\"\n", "log.level"),
        (
            "[updates]\ncheckpoint_interval_secs = 0\n",
            "updates.checkpoint_interval_secs",
        ),
        (
            "[updates]\ncheckpoint_interval_secs = 1e12\n",
            "updates.checkpoint_interval_secs",
        ),
        (
            "[updates]\nwatchdog_interval_secs = -5\n",
            "updates.watchdog_interval_secs",
        ),
        (
            "flood_sleep_threshold_secs = nan\n",
            "telegram.flood_sleep_threshold_secs",
        ),
        ("[throttle]\nchat_messages = 0\n", "throttle.chat_messages"),
        (
            "[throttle]\ngroup_window_secs = 0\n",
            "throttle.group_window_secs",
        ),
        (
            "[throttle]\noverall_window_secs = -1\n",
            "throttle.overall_window_secs",
        ),
        ("[throttle]\nenabled = \"yes\"\n", "throttle.enabled"),
    ] {
        let (_dir, path) = bot_toml(&format!("{MINIMAL}{toml}"));
        let err = config_error(Config::from_file_and_env(&path, no_env()));
        assert_eq!(err.key(), Some(key), "{err}");
        assert!(mentions(&err.to_string(), &path), "{err}");
    }
}

#[test]
fn throttle_section_defaults_to_telegrams_limits_and_is_read() {
    let config = Config::from_toml_str(MINIMAL).unwrap();
    assert_eq!(config.throttle, ThrottleConfig::default());
    assert!(config.throttle.enabled);
    assert_eq!(config.throttle.chat.messages, 1);
    assert_eq!(config.throttle.chat.window, Duration::from_secs(1));
    assert_eq!(config.throttle.group.messages, 20);
    assert_eq!(config.throttle.group.window, Duration::from_secs(60));
    assert_eq!(config.throttle.overall.messages, 30);
    assert_eq!(config.throttle.overall.window, Duration::from_secs(1));

    let config = Config::from_toml_str(&format!(
        "{MINIMAL}[throttle]\nenabled = false\nchat_messages = 2\nchat_window_secs = 0.05\n"
    ))
    .unwrap();
    assert!(!config.throttle.enabled);
    assert_eq!(config.throttle.chat.messages, 2);
    assert_eq!(config.throttle.chat.window, Duration::from_millis(50));
    assert_eq!(
        config.throttle.group.messages, 20,
        "unset keys keep their defaults"
    );

    let (_dir, path) = bot_toml(&format!("{MINIMAL}[throttle]\nchat_mesages = 2\n"));
    let err = config_error(Config::from_file_and_env(&path, no_env()));
    assert!(
        err.to_string().contains("chat_messages"),
        "a did-you-mean: {err}"
    );

    let (_dir, path) = bot_toml(MINIMAL);
    let config =
        Config::from_file_and_env(&path, env(&[("OXYGRAM_THROTTLE__ENABLED", "false")])).unwrap();
    assert!(!config.throttle.enabled, "the environment overrides it");
}

#[test]
fn dispatch_section_is_read() {
    let config = Config::from_toml_str(&format!(
        "{MINIMAL}[dispatch]\nmax_in_flight = 3\ncommand_prefixes = [\"!\", \"/\"]\n\
         set_bot_commands = false\nshutdown_grace_secs = 2.5\n"
    ))
    .unwrap();
    assert_eq!(config.dispatch.max_in_flight, 3);
    assert_eq!(
        config.dispatch.command_prefixes,
        vec!["!".to_owned(), "/".to_owned()]
    );
    assert!(!config.dispatch.set_bot_commands);
    assert_eq!(config.dispatch.shutdown_grace, Duration::from_millis(2500));
}

#[derive(Debug, serde::Deserialize)]
struct Greeter {
    text: String,
    #[serde(default)]
    times: u32,
}

#[test]
fn apps_and_plugins_read_their_own_sections_with_errors_naming_the_key() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        text: u32,
    }
    let (_dir, path) = bot_toml(&format!(
        "{MINIMAL}[greeter]\ntext = \"hi\"\ntimes = 2\n[plugins.echo]\ntext = \"e\"\n[broken]\ntimes = 1\n"
    ));
    let config = Config::from_file_and_env(&path, no_env()).unwrap();
    let greeter: Greeter = config.section("greeter").unwrap();
    assert_eq!((greeter.text.as_str(), greeter.times), ("hi", 2));
    let echo: Greeter = config.plugin_section("echo").unwrap();
    assert_eq!(echo.text, "e");

    let Err(err) = config.section::<Greeter>("broken") else {
        panic!("missing `text` must be an error");
    };
    assert_eq!(err.key(), Some("broken.text"));
    assert!(mentions(&err.to_string(), &path), "{err}");

    let Err(err) = config.plugin_section::<Wrong>("echo") else {
        panic!("a string where a number is expected must be an error");
    };
    assert_eq!(err.key(), Some("plugins.echo.text"), "{err}");

    let Err(err) = config.plugin_section::<Greeter>("absent") else {
        panic!("an absent section without defaults must be an error");
    };
    assert_eq!(err.key(), Some("plugins.absent.text"));
}

#[test]
fn session_path_is_relative_to_the_config_file() {
    let (dir, path) = bot_toml(&format!(
        "{MINIMAL}[session]\nname = \"acct\"\ndir = \"data\"\n"
    ));
    let config = Config::from_file_and_env(&path, no_env()).unwrap();
    assert_eq!(
        config.session_path(),
        dir.path().join("data").join("acct.session")
    );
}

#[test]
fn updates_section_is_read() {
    let config = Config::from_toml_str(&format!(
        "{MINIMAL}[updates]\ncatch_up = false\ncheckpoint_interval_secs = 0.25\n"
    ))
    .unwrap();
    assert!(!config.updates.catch_up);
    assert_eq!(
        config.updates.checkpoint_interval,
        Duration::from_millis(250)
    );
}

#[test]
fn flood_sleep_threshold_is_read_from_the_file_and_the_environment() {
    let config =
        Config::from_toml_str(&format!("{MINIMAL}flood_sleep_threshold_secs = 0\n")).unwrap();
    assert_eq!(config.telegram.flood_sleep_threshold, Duration::ZERO);
    let (_dir, path) = bot_toml(MINIMAL);
    let config = Config::from_file_and_env(
        &path,
        env(&[("OXYGRAM_TELEGRAM__FLOOD_SLEEP_THRESHOLD_SECS", "60")]),
    )
    .unwrap();
    assert_eq!(
        config.telegram.flood_sleep_threshold,
        Duration::from_secs(60)
    );
}
