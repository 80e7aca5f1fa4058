//! `Bot.toml` and its environment overrides.
//!
//! One file drives the whole app: the API key and account (`[telegram]`), the session file
//! (`[session]`), logging (`[log]`), the update stream (`[updates]`), routing (`[dispatch]`),
//! the throttle of outgoing messages (`[throttle]`), plugins (`[plugins]` and `[plugins.<name>]`), and any section the app defines for itself.
//! Every key can be overridden from the environment as `OXYGRAM_<SECTION>__<KEY>`, so secrets
//! need not live in the file:
//!
//! ```toml
//! [telegram]
//! api_id = 12345
//! api_hash = "0123456789abcdef0123456789abcdef"
//! bot_token = "123456:ABC-DEF..."   # log in as a bot; leave out to log in as a user
//! phone = "+39..."                   # optional for user login; asked for when absent
//!
//! [session]
//! name = "my_account"                # the file is <dir>/<name>.session
//! dir = "."
//!
//! [log]
//! level = "info"                     # RUST_LOG overrides
//!
//! [greeter]                          # the app's own section: Config::section("greeter")
//! text = "hello"
//! ```
//!
//! Loading checks everything at once, before any connection: unknown keys (with a
//! "did you mean" for typos), wrong types and missing keys are [`ConfigError`]s that name the
//! file or variable and the key. Apps read their own sections with [`Config::section`],
//! plugins with [`Config::plugin_section`].

mod env;
mod error;
mod location;
mod schema;

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Toml};
use figment::value::Dict;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use env::{OxygramEnv, var_name};
pub use error::{ConfigError, MINIMAL_BOT_TOML, ValueSource};
pub use location::{CONFIG_VAR, DEFAULT_FILE, config_path};
pub use schema::{
    DispatchConfig, LogConfig, PluginsConfig, SessionConfig, TelegramConfig, ThrottleConfig,
    UpdatesConfig, Window,
};

/// What loading and reading the configuration returns.
type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// The sections oxygram reads itself; other top-level tables belong to the app.
const KNOWN_SECTIONS: &[&str] = &[
    "telegram", "session", "log", "updates", "dispatch", "plugins", "throttle",
];

/// The whole configuration of an app.
///
/// Load it with [`Config::load`] (what [`App`](crate::App) does), or build one from a path or
/// a string for tests and tools. `Debug` never shows secrets.
#[derive(Clone, Default)]
pub struct Config {
    /// `[telegram]`: API key and account.
    pub telegram: TelegramConfig,
    /// `[session]`: where the login is kept.
    pub session: SessionConfig,
    /// `[log]`: the log filter.
    pub log: LogConfig,
    /// `[updates]`: how the update stream starts.
    pub updates: UpdatesConfig,
    /// `[dispatch]`: how updates are routed and how many run at once.
    pub dispatch: DispatchConfig,
    /// `[plugins]`: which plugins run, and their own settings.
    pub plugins: PluginsConfig,
    /// `[throttle]`: how outgoing messages are kept under Telegram's limits.
    pub throttle: ThrottleConfig,
    origin: Origin,
    figment: Figment,
}

/// Where the configuration was read from.
#[derive(Debug, Clone, Default)]
enum Origin {
    /// Built in code with defaults only.
    #[default]
    Defaults,
    /// A string given in code.
    Inline,
    /// A file (plus the environment).
    File(PathBuf),
}

/// The sections as deserialized; app sections are ignored here and read on demand.
#[derive(Deserialize)]
struct Sections {
    telegram: TelegramConfig,
    #[serde(default)]
    session: SessionConfig,
    #[serde(default)]
    log: LogConfig,
    #[serde(default)]
    updates: UpdatesConfig,
    #[serde(default)]
    dispatch: DispatchConfig,
    #[serde(default)]
    plugins: PluginsConfig,
    #[serde(default)]
    throttle: ThrottleConfig,
}

impl Config {
    /// Loads the configuration the way an app does: the file from `--config PATH`, else
    /// `OXYGRAM_CONFIG`, else `./Bot.toml`, overridden by `OXYGRAM_*` variables.
    pub fn load() -> Result<Self> {
        let path = config_path(
            std::env::args_os().skip(1),
            std::env::var_os(location::CONFIG_VAR),
        )?;
        Self::load_file(path)
    }

    /// Loads `path` (which must exist), overridden by `OXYGRAM_*` variables.
    pub fn load_file(path: impl AsRef<Path>) -> Result<Self> {
        Self::from_file_and_env(path, OxygramEnv::from_process())
    }

    /// Loads `path` overridden by the variables in `env` (use
    /// [`OxygramEnv::from_vars`] to test overrides without touching the process).
    pub fn from_file_and_env(path: impl AsRef<Path>, env: OxygramEnv) -> Result<Self> {
        let path = location::absolute(path.as_ref());
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(ConfigError::Unreadable {
                    path,
                    message: "this is a folder, not a TOML file".to_owned(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::NotFound { path });
            }
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path,
                    message: e.to_string(),
                });
            }
        }
        let figment = Figment::from(Toml::file_exact(&path)).merge(env);
        Self::from_figment(figment, Origin::File(path))
    }

    /// Parses a TOML string without reading files or the environment (tests, embedding).
    pub fn from_toml_str(toml: &str) -> Result<Self> {
        Self::from_figment(Figment::from(Toml::string(toml)), Origin::Inline)
    }

    fn from_figment(figment: Figment, origin: Origin) -> Result<Self> {
        let file = origin.value_source();
        let sections: Sections = figment
            .extract()
            .map_err(|e| ConfigError::from_figment(e, &file))?;
        let config = Self {
            telegram: sections.telegram,
            session: sections.session,
            log: sections.log,
            updates: sections.updates,
            dispatch: sections.dispatch,
            plugins: sections.plugins,
            throttle: sections.throttle,
            origin,
            figment,
        };
        config.check_unknown_keys()?;
        config.check_values()?;
        Ok(config)
    }

    /// Top-level keys that are not tables, tables named like a typo of oxygram's sections, and
    /// stray keys in `[plugins]` are errors; other tables are the app's.
    fn check_unknown_keys(&self) -> Result<(), ConfigError> {
        let root: Dict = self.figment.extract().unwrap_or_default();
        for (key, value) in &root {
            if KNOWN_SECTIONS.contains(&key.as_str()) {
                continue;
            }
            let typo = error::closest(key, KNOWN_SECTIONS);
            if value.as_dict().is_none() || typo.is_some() {
                return Err(ConfigError::UnknownKey {
                    source_name: self.source_of(key),
                    suggestion: typo.map(str::to_owned),
                    key: key.clone(),
                });
            }
        }
        let plugins: Dict = self.figment.extract_inner("plugins").unwrap_or_default();
        let stray = plugins.iter().find(|(k, v)| {
            k.as_str() != "include" && k.as_str() != "exclude" && v.as_dict().is_none()
        });
        if let Some((stray, _)) = stray {
            let key = format!("plugins.{stray}");
            return Err(ConfigError::UnknownKey {
                source_name: self.source_of(&key),
                suggestion: error::closest(stray, &["include", "exclude"])
                    .map(|s| format!("plugins.{s}")),
                key,
            });
        }
        Ok(())
    }

    /// Values whose type is right but whose content is not.
    fn check_values(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            source_name: self.source_of(key),
            key: key.to_owned(),
            message,
        };
        let name = &self.session.name;
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(invalid(
                "session.name",
                format!("expected a plain file name such as \"my_account\", found {name:?}"),
            ));
        }
        if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(&self.log.level) {
            return Err(invalid(
                "log.level",
                format!(
                    "expected a tracing filter such as \"info\" or \"info,oxygram=debug\" ({e})"
                ),
            ));
        }
        if let Some(prefix) = self.dispatch.command_prefixes.iter().find(|p| p.is_empty()) {
            return Err(invalid(
                "dispatch.command_prefixes",
                format!("expected non-empty prefixes such as \"/\", found {prefix:?}"),
            ));
        }
        Ok(())
    }

    /// Where the value at `key` came from (the file, a variable, or the inline string).
    pub fn source_of(&self, key: &str) -> ValueSource {
        let fallback = self.origin.value_source();
        let Some(metadata) = self.figment.find_metadata(key) else {
            return fallback;
        };
        if let Some(path) = metadata.source.as_ref().and_then(|s| s.file_path()) {
            return ValueSource::File(path.to_path_buf());
        }
        if metadata.name.contains("environment") {
            return ValueSource::Env(var_name(key));
        }
        fallback
    }

    /// The configuration file, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::File(path) => Some(path),
            _ => None,
        }
    }

    /// The folder relative `[session] dir` values are taken from: the configuration file's
    /// folder, or the current directory without a file.
    pub fn base_dir(&self) -> PathBuf {
        self.path()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| location::absolute(Path::new(".")))
    }

    /// The session file: `<dir>/<name>.session`, absolute.
    pub fn session_path(&self) -> PathBuf {
        let dir = self.base_dir().join(&self.session.dir);
        location::absolute(&dir.join(format!("{}.session", self.session.name)))
    }

    /// Whether the configuration has a value (or table) at the dotted `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.figment.contains(key)
    }

    /// Reads the app's own section (or any dotted key) into `T`.
    ///
    /// A missing section reads as an empty table, so a `T` whose fields all have
    /// `#[serde(default)]` works without the section. Errors name the file or variable and
    /// the full key. Environment variables reach app sections too
    /// (`OXYGRAM_GREETER__TEXT=hi`); values that look like numbers are read as numbers there,
    /// so quote text that looks numeric: `OXYGRAM_GREETER__CODE='"0123"'`.
    ///
    /// ```
    /// # fn main() -> oxygram::Result<()> {
    /// #[derive(serde::Deserialize)]
    /// struct Greeter {
    ///     text: String,
    /// }
    /// let config = oxygram::Config::from_toml_str(
    ///     "[telegram]\napi_id = 1\n[greeter]\ntext = \"hello\"\n",
    /// )?;
    /// let greeter: Greeter = config.section("greeter")?;
    /// assert_eq!(greeter.text, "hello");
    /// # Ok(())
    /// # }
    /// ```
    pub fn section<T: DeserializeOwned>(&self, key: &str) -> Result<T> {
        let file = self.origin.value_source();
        if self.figment.contains(key) {
            return self
                .figment
                .extract_inner(key)
                .map_err(|e| ConfigError::from_figment(key_first(e, key), &file));
        }
        let empty = Figment::from(figment::providers::Serialized::defaults(Dict::new()));
        empty.extract().map_err(|mut e| {
            let mut path: Vec<String> = key.split('.').map(str::to_owned).collect();
            path.append(&mut e.path);
            e.path = path;
            ConfigError::from_figment(e, &file)
        })
    }

    /// Reads the `[plugins.<plugin>]` table into `T` (see [`Config::section`]).
    pub fn plugin_section<T: DeserializeOwned>(&self, plugin: &str) -> Result<T> {
        self.section(&format!("plugins.{plugin}"))
    }
}

/// figment's `extract_inner` appends the section's key to the error path
/// (`owners.plugins.admin`); put it first so the message names `plugins.admin.owners`.
fn key_first(mut error: figment::Error, key: &str) -> figment::Error {
    let prefix: Vec<String> = key
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if error.path.len() > prefix.len() && error.path.ends_with(&prefix) {
        let inner: Vec<String> = error
            .path
            .drain(..error.path.len() - prefix.len())
            .collect();
        error.path.extend(inner);
    }
    error
}

impl Origin {
    fn value_source(&self) -> ValueSource {
        match self {
            Self::File(path) => error::file_source(path),
            Self::Inline | Self::Defaults => ValueSource::Inline,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The figment holds every raw value, secrets included: it is left out on purpose.
        f.debug_struct("Config")
            .field("path", &self.path())
            .field("telegram", &self.telegram)
            .field("session", &self.session)
            .field("log", &self.log)
            .field("updates", &self.updates)
            .field("dispatch", &self.dispatch)
            .field("plugins", &self.plugins)
            .field("throttle", &self.throttle)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
