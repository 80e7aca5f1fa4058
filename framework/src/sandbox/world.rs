//! The sandbox's local Telegram: who exists in it, and the configuration that points the app
//! at it.
//!
//! The credentials here are the testkit's own, made up for the sandbox: they are not
//! secrets and work nowhere else.

use std::path::Path;

use oxygram_testkit::{Bot, Group, TestKit, User, World};
use secrecy::SecretString;

use super::{SandboxError, SandboxMode};
use crate::App;
use crate::config::{Config, ConfigError};
use crate::error::Result;
use crate::login::{CodeDelivery, Prompter};

/// A local Telegram with an app pointed at it: what the sandbox and `oxygram::testing` share.
///
/// [`Local::prepare`] loads the app's configuration as `run()` would, starts the world of
/// [`Cast::world`], writes a session file that already holds a key the testkit accepts (the
/// key exchange needs Telegram's private keys), and hands the app that configuration with
/// the testkit's credentials and a login that needs no terminal. The app then starts exactly
/// as it would against Telegram.
pub(crate) struct Local {
    /// The running local Telegram.
    pub kit: TestKit,
    /// Who is who in it.
    pub cast: Cast,
    /// Holds the session file; deleted on drop.
    folder: tempfile::TempDir,
}

impl Local {
    /// Starts the world for `mode` and returns `app` pointed at it (not started yet).
    pub(crate) async fn prepare(mut app: App, mode: SandboxMode) -> Result<(App, Local)> {
        let (given, file) = app.take_config_source();
        let loaded = load_config(given, file)?;
        let cast = Cast::new(mode, loaded.as_ref());
        let config = match loaded {
            Some(config) => config,
            None => default_config()?,
        };
        let kit = TestKit::start(cast.world())
            .await
            .map_err(testkit_error("start"))?;
        let folder = tempfile::Builder::new()
            .prefix("oxygram-sandbox-")
            .tempdir()
            .map_err(|source| SandboxError::Io {
                doing: "create a folder for the sandbox session",
                source,
            })?;
        let config = cast.configure(config, folder.path());
        let session = config.session_path();
        kit.write_session_file(&session)
            .await
            .map_err(testkit_error("write the sandbox session"))?;
        restrict_to_owner(&session);
        let app = app.config(config).prompter(LocalPrompter);
        Ok((app, Local { kit, cast, folder }))
    }

    /// Stops the local Telegram and deletes the session folder (stop the app first).
    pub(crate) async fn shutdown(self) {
        let Local { kit, folder, .. } = self;
        kit.shutdown().await;
        drop(folder);
    }
}

/// A testkit error as the crate's error, saying what the sandbox was doing.
pub(crate) fn testkit_error(
    doing: &'static str,
) -> impl FnOnce(oxygram_testkit::Error) -> crate::Error {
    move |e| SandboxError::Testkit { doing, source: e }.into()
}

/// The session holds an auth key: keep it private like a real one (and spare the warning the
/// session opener prints for readable files).
fn restrict_to_owner(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The login against the local Telegram needs nothing from a terminal: the configuration
/// has it all.
struct LocalPrompter;

impl Prompter for LocalPrompter {
    fn phone(&mut self) -> std::io::Result<Option<String>> {
        Ok(None)
    }

    fn confirm_phone(&mut self, _phone: &str) -> std::io::Result<bool> {
        Ok(true)
    }

    fn code(&mut self, _sent_via: &CodeDelivery) -> std::io::Result<Option<secrecy::SecretString>> {
        Ok(None)
    }

    fn password(&mut self, _hint: Option<&str>) -> std::io::Result<Option<secrecy::SecretString>> {
        Ok(None)
    }

    fn show(&mut self, message: &str) {
        tracing::debug!("sandbox login: {message}");
    }
}

/// The sandbox application's `api_id`.
const API_ID: i32 = 94_575;
/// The sandbox application's `api_hash`.
const API_HASH: &str = "5a4d8b0c5a4d8b0c5a4d8b0c5a4d8b0c";
/// The sandbox bot's token; the number is its user id.
const BOT_TOKEN: &str = "7000000001:sandbox-not-a-secret";
/// The login code of every sandbox user.
const LOGIN_CODE: &str = "12345";

/// The local user who chats with a bot.
const YOU_PHONE: &str = "+15550001";
/// The second member of the sandbox group (bot mode).
const BOB_PHONE: &str = "+15550002";
/// The sandbox group's title (bot mode).
pub(crate) const GROUP_TITLE: &str = "Sandbox group";
/// The userbot's own account.
const ME_PHONE: &str = "+15550100";
/// The person a userbot chats with.
const FRIEND_PHONE: &str = "+15550101";

/// Who is who in a running sandbox.
#[derive(Debug, Clone)]
pub(crate) struct Cast {
    /// Whether the app is a bot or a userbot.
    pub account: Account,
    /// The app's account, as the testkit finds it (`@username`).
    pub app: String,
    /// The account whose chat the terminal shows (it receives the app's messages).
    pub observer: String,
    /// Another person in the world, who `:as` speaks for (bot mode: `bob`).
    pub other: Option<String>,
    /// The group with the observer, `other` and the app (bot mode).
    pub group: Option<String>,
}

/// The kind of account the app logs in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Account {
    Bot,
    User,
}

impl Cast {
    /// Decides the account kind and names for this configuration.
    pub(crate) fn new(mode: SandboxMode, config: Option<&Config>) -> Self {
        let account = match mode {
            SandboxMode::Bot => Account::Bot,
            SandboxMode::User => Account::User,
            // As the real login: a token means a bot; a Bot.toml without one, a user.
            SandboxMode::Auto => match config {
                Some(config) if config.telegram.bot_token.is_none() => Account::User,
                _ => Account::Bot,
            },
        };
        match account {
            Account::Bot => {
                let name = config.map_or("oxygram", |c| c.session.name.as_str());
                Self {
                    account,
                    app: bot_username(name),
                    observer: "you".to_owned(),
                    other: Some("bob".to_owned()),
                    group: Some(GROUP_TITLE.to_owned()),
                }
            }
            Account::User => Self {
                account,
                app: "me".to_owned(),
                observer: "friend".to_owned(),
                other: None,
                group: None,
            },
        }
    }

    /// The world the testkit starts with.
    pub(crate) fn world(&self) -> World {
        let world = World::new().app(API_ID, API_HASH).login_code(LOGIN_CODE);
        match self.account {
            Account::Bot => world
                .bot(
                    Bot::new(BOT_TOKEN)
                        .username(self.app.as_str())
                        .name("Sandbox Bot"),
                )
                .user(User::new(YOU_PHONE).first_name("You").username("you"))
                .user(User::new(BOB_PHONE).first_name("Bob").username("bob"))
                // A basic group you created, the bot a plain member: privacy mode (a bot's
                // default, `Bot::privacy`) decides what it receives there.
                .group(Group::new(GROUP_TITLE).members(["you", "bob", self.app.as_str()])),
            Account::User => world
                .user(User::new(ME_PHONE).first_name("Me").username("me"))
                .user(
                    User::new(FRIEND_PHONE)
                        .first_name("Friend")
                        .username("friend"),
                ),
        }
    }

    /// `config` with the sandbox's credentials, a session in `session_dir`, and quiet logs.
    pub(crate) fn configure(&self, mut config: Config, session_dir: &Path) -> Config {
        let telegram = &mut config.telegram;
        telegram.api_id = API_ID;
        telegram.api_hash = Some(SecretString::from(API_HASH));
        telegram.password = None;
        match self.account {
            Account::Bot => {
                telegram.bot_token = Some(SecretString::from(BOT_TOKEN));
                telegram.phone = None;
                telegram.code = None;
            }
            Account::User => {
                telegram.bot_token = None;
                telegram.phone = Some(ME_PHONE.to_owned());
                telegram.code = Some(SecretString::from(LOGIN_CODE));
            }
        }
        config.session.dir = session_dir.to_path_buf();
        // The terminal is the chat: only problems are logged (RUST_LOG still overrides).
        config.log.level = LOG_LEVEL.to_owned();
        config
    }
}

/// The sandbox's `[log] level`: the terminal is the chat, so only problems are logged.
pub(crate) const LOG_LEVEL: &str = "warn";

/// Crates whose lines are not the app's: kept at `warn` even under a `RUST_LOG` that does not
/// name them, so `RUST_LOG=info` shows the app's logs, not the in-process testkit's.
pub(crate) const QUIET_UNDER_RUST_LOG: &[&str] = &["oxygram_testkit"];

/// The app's configuration if there is one: what the builder was given, else the file
/// `run()` would load. A missing file is no error in the sandbox (`None`), a broken one is.
pub(crate) fn load_config(
    given: Option<Config>,
    file: Option<std::path::PathBuf>,
) -> Result<Option<Config>> {
    if let Some(config) = given {
        return Ok(Some(config));
    }
    let loaded = match file {
        Some(path) => Config::load_file(path),
        None => Config::load(),
    };
    match loaded {
        Ok(config) => Ok(Some(config)),
        Err(ConfigError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The configuration used when the app has no `Bot.toml`.
pub(crate) fn default_config() -> Result<Config> {
    Ok(Config::from_toml_str("[telegram]\napi_id = 1\n")?)
}

/// `my-bot` → `my_bot`, `echo` → `echo_bot`: a valid bot username from a session name.
fn bot_username(session_name: &str) -> String {
    let mut name: String = session_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "my_");
    }
    name.truncate(28);
    if !name.ends_with("bot") {
        name.push_str(if name.ends_with('_') { "bot" } else { "_bot" });
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bot_usernames_are_valid() {
        assert_eq!(bot_username("oxygram"), "oxygram_bot");
        assert_eq!(bot_username("my-bot"), "my_bot");
        assert_eq!(bot_username("Weather Bot"), "weather_bot");
        assert_eq!(bot_username("42"), "my_42_bot");
    }

    #[test]
    fn kind_follows_the_real_login() {
        let bot = Config::from_toml_str("[telegram]\napi_id = 1\nbot_token = \"1:x\"\n").unwrap();
        let user = Config::from_toml_str("[telegram]\napi_id = 1\n").unwrap();
        assert_eq!(
            Cast::new(SandboxMode::Auto, Some(&bot)).account,
            Account::Bot
        );
        assert_eq!(
            Cast::new(SandboxMode::Auto, Some(&user)).account,
            Account::User
        );
        assert_eq!(Cast::new(SandboxMode::Auto, None).account, Account::Bot);
        assert_eq!(
            Cast::new(SandboxMode::User, Some(&bot)).account,
            Account::User
        );
    }
}
