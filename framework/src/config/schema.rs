//! The sections oxygram itself reads from `Bot.toml`.
//!
//! Every section denies unknown keys, so a typo (`bot_tokn`) is an error that names the key
//! instead of a silently ignored line. Sections other than `[telegram]` have defaults, so a
//! minimal `Bot.toml` is three lines.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// `[telegram]`: the API key and the account to log in to.
///
/// `api_id` and `api_hash` come from <https://my.telegram.org>. With `bot_token` set the app
/// logs in as that bot; without it, it logs in as a user (asking for the phone number, the
/// code and the 2FA password unless `phone`, `code` and `password` are set).
/// `flood_sleep_threshold_secs` says how long a flood wait may be to be slept through.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramConfig {
    /// The application id (`api_id`), sent on every connection.
    pub api_id: i32,
    /// The application hash (`api_hash`); needed to log in, not to run an authorized session.
    #[serde(default, deserialize_with = "optional_secret")]
    pub api_hash: Option<SecretString>,
    /// Log in as this bot (`bot_token`, from @BotFather).
    #[serde(default, deserialize_with = "optional_secret")]
    pub bot_token: Option<SecretString>,
    /// The user account's phone number in international format (`phone`, e.g. `"+39..."`).
    #[serde(default, deserialize_with = "optional_text")]
    pub phone: Option<String>,
    /// A login code to use instead of asking (`code`), for scripted first logins.
    #[serde(default, deserialize_with = "optional_secret")]
    pub code: Option<SecretString>,
    /// The two-step verification password to use instead of asking (`password`).
    #[serde(default, deserialize_with = "optional_secret")]
    pub password: Option<SecretString>,
    /// Flood waits (`FLOOD_WAIT_X`, `SLOWMODE_WAIT_X`) up to this long are slept through and
    /// the request is retried once, with a warning in the log; longer ones are returned at
    /// once to the caller as an error [`FloodWait`](crate::FloodWait) reads
    /// (`flood_sleep_threshold_secs`, default 10 like Pyrogram's `sleep_threshold`, 0 never
    /// sleeps; Telegram's waits are whole seconds).
    #[serde(
        rename = "flood_sleep_threshold_secs",
        default = "default_flood_sleep_threshold",
        deserialize_with = "secs"
    )]
    pub flood_sleep_threshold: Duration,
}

fn default_flood_sleep_threshold() -> Duration {
    Duration::from_secs(10)
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            api_id: 0,
            api_hash: None,
            bot_token: None,
            phone: None,
            code: None,
            password: None,
            flood_sleep_threshold: default_flood_sleep_threshold(),
        }
    }
}

impl fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Option<SecretString>` already redacts, but saying only whether a secret is set keeps
        // even its presence readable and its value out of every log line.
        fn set<T>(value: &Option<T>) -> &'static str {
            if value.is_some() {
                "[REDACTED]"
            } else {
                "None"
            }
        }
        f.debug_struct("TelegramConfig")
            .field("api_id", &self.api_id)
            .field("api_hash", &format_args!("{}", set(&self.api_hash)))
            .field("bot_token", &format_args!("{}", set(&self.bot_token)))
            .field("phone", &self.phone)
            .field("code", &format_args!("{}", set(&self.code)))
            .field("password", &format_args!("{}", set(&self.password)))
            .field("flood_sleep_threshold", &self.flood_sleep_threshold)
            .finish()
    }
}

/// `[session]`: where the login is kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// The session's name; the file is `<dir>/<name>.session` (default `"oxygram"`).
    #[serde(deserialize_with = "text")]
    pub name: String,
    /// The folder of the session file (default `"."`). A relative folder is relative to the
    /// folder of `Bot.toml`, not to the current directory, so `cargo run` from anywhere finds
    /// the same session.
    pub dir: PathBuf,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            name: "oxygram".to_owned(),
            dir: PathBuf::from("."),
        }
    }
}

/// `[log]`: what is logged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` filter such as `"info"` or `"info,oxygram=debug"` (default `"info"`).
    /// grammers' own crates stay at `warn` unless the filter names them
    /// (`"debug,grammers_mtsender=debug"`). `RUST_LOG`, when set, replaces the filter.
    #[serde(deserialize_with = "text")]
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "info".to_owned(),
        }
    }
}

/// `[updates]`: how the update stream starts, and how it survives crashes.
///
/// ```toml
/// [updates]
/// catch_up = true                 # fetch what arrived while the app was stopped
/// checkpoint_interval_secs = 1    # save the handled update state this often
/// watchdog_interval_secs = 300    # nothing for this long: ask Telegram what was missed
/// too_long_fetch = 1000           # a channel skipped by Telegram: fetch this many back
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UpdatesConfig {
    /// Fetch the updates that arrived while the app was stopped (`catch_up`, default `true`).
    /// Updates handled before a clean stop are never delivered again either way.
    pub catch_up: bool,
    /// How often the state of the handled updates is saved to the session while running
    /// (`checkpoint_interval_secs`, default 1, fractions allowed, more than 0 and at most a
    /// year). After a crash (SIGKILL, power loss) the next start replays what was handled
    /// since the last checkpoint, and loses nothing: a checkpoint never covers an update
    /// whose handler has not finished. A clean stop replays nothing. Shorter means fewer
    /// replays and more SQLite writes (at most one per interval, none while idle).
    #[serde(
        rename = "checkpoint_interval_secs",
        deserialize_with = "positive_secs"
    )]
    pub checkpoint_interval: Duration,
    /// After this long without any update, ask Telegram for what may have been missed
    /// (`watchdog_interval_secs`, default 300, fractions allowed, more than 0 and at most a
    /// year), so a connection that silently stopped delivering updates recovers. Each quiet
    /// interval costs one `updates.getDifference`; a busy bot never pays it.
    #[serde(rename = "watchdog_interval_secs", deserialize_with = "positive_secs")]
    pub watchdog_interval: Duration,
    /// When Telegram skips a channel's or supergroup's updates ("too long": more than the
    /// client may fetch, 100 updates for a user account, 100000 for a bot), oxygram fetches
    /// up to this many of the skipped messages itself (`channels.getMessages`) and delivers
    /// them, in order, before the next one (`too_long_fetch`, default 1000, 0 turns it off).
    /// What it does not fetch is logged as a warning and delivered to `raw` handlers as an
    /// `updateChannelTooLong` (RELIABILITY.md, "Too long").
    pub too_long_fetch: u32,
}

impl Default for UpdatesConfig {
    fn default() -> Self {
        Self {
            catch_up: true,
            checkpoint_interval: Duration::from_secs(1),
            watchdog_interval: Duration::from_secs(300),
            too_long_fetch: 1000,
        }
    }
}

/// The longest interval a `*_secs` key accepts: timers further away than this are a typo,
/// and would overflow the clock arithmetic of the runtime.
pub(crate) const MAX_INTERVAL: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Seconds in `0 ..= MAX_INTERVAL`, fractions allowed.
fn secs<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let secs = f64::deserialize(deserializer)?;
    match Duration::try_from_secs_f64(secs) {
        Ok(duration) if duration <= MAX_INTERVAL => Ok(duration),
        _ => Err(de::Error::invalid_value(
            de::Unexpected::Float(secs),
            &"seconds from 0 to 31536000 (a year)",
        )),
    }
}

/// Seconds in `0 < s <= MAX_INTERVAL`, fractions allowed.
fn positive_secs<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let duration = secs(deserializer)?;
    if duration.is_zero() {
        return Err(de::Error::invalid_value(
            de::Unexpected::Float(0.0),
            &"more than 0 seconds (and at most 31536000, a year)",
        ));
    }
    Ok(duration)
}

/// `[dispatch]`: how updates are routed and how many run at once.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Updates handled at once, across all chats (`max_in_flight`, default 64, at least 1).
    pub max_in_flight: usize,
    /// Prefixes that start a command (`command_prefixes`, default `["/"]`).
    pub command_prefixes: Vec<String>,
    /// Send commands with a description to Telegram at startup (`set_bot_commands`, bots
    /// only, default `true`).
    pub set_bot_commands: bool,
    /// How long running handlers may take to finish on shutdown (`shutdown_grace_secs`,
    /// default 10).
    pub shutdown_grace: Duration,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        Self {
            max_in_flight: 64,
            command_prefixes: vec!["/".to_owned()],
            set_bot_commands: true,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The `[dispatch]` keys as written; validated into [`DispatchConfig`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DispatchKeys {
    #[serde(default)]
    max_in_flight: Option<MaxInFlight>,
    #[serde(default)]
    command_prefixes: Option<Vec<String>>,
    #[serde(default)]
    set_bot_commands: Option<bool>,
    #[serde(default)]
    shutdown_grace_secs: Option<GraceSecs>,
}

/// `max_in_flight`, checked to be at least 1 where it is read so the error names the key.
struct MaxInFlight(usize);

impl<'de> Deserialize<'de> for MaxInFlight {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = usize::deserialize(deserializer)?;
        if value == 0 {
            return Err(de::Error::invalid_value(
                de::Unexpected::Unsigned(0),
                &"at least 1 (0 would never run a handler)",
            ));
        }
        Ok(Self(value))
    }
}

/// `shutdown_grace_secs`: a non-negative number of seconds, fractions allowed.
struct GraceSecs(Duration);

impl<'de> Deserialize<'de> for GraceSecs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let secs = f64::deserialize(deserializer)?;
        Duration::try_from_secs_f64(secs)
            .map(Self)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Float(secs), &"seconds >= 0"))
    }
}

impl<'de> Deserialize<'de> for DispatchConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let keys = DispatchKeys::deserialize(deserializer)?;
        let defaults = Self::default();
        Ok(Self {
            max_in_flight: keys.max_in_flight.map_or(defaults.max_in_flight, |m| m.0),
            command_prefixes: keys.command_prefixes.unwrap_or(defaults.command_prefixes),
            set_bot_commands: keys.set_bot_commands.unwrap_or(defaults.set_bot_commands),
            shutdown_grace: keys
                .shutdown_grace_secs
                .map_or(defaults.shutdown_grace, |g| g.0),
        })
    }
}

/// `[throttle]`: how outgoing messages are kept under Telegram's limits (see
/// [`crate::throttle`]).
///
/// ```toml
/// [throttle]
/// enabled = true            # false sends at once (benchmarks; Telegram will answer FLOOD_WAIT)
/// chat_messages = 1         # into one chat (private or group) ...
/// chat_window_secs = 1      # ... per this many seconds
/// group_messages = 20       # into one group, supergroup or channel ...
/// group_window_secs = 60    # ... per this many seconds
/// overall_messages = 30     # into all chats together ...
/// overall_window_secs = 1   # ... per this many seconds
/// ```
///
/// The defaults are Telegram's Bot FAQ ("My bot is hitting limits"). Message counts are at
/// least 1; windows are seconds, more than 0 (fractions allowed) and at most a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Whether sends wait for the throttle (`enabled`, default `true`).
    pub enabled: bool,
    /// One chat's window (`chat_messages` in `chat_window_secs`; default 1 per 1 s).
    pub chat: Window,
    /// One group's, supergroup's or channel's window (`group_messages` in
    /// `group_window_secs`; default 20 per 60 s).
    pub group: Window,
    /// The window of all chats together (`overall_messages` in `overall_window_secs`; default
    /// 30 per 1 s).
    pub overall: Window,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        let window = |messages, secs| Window {
            messages,
            window: Duration::from_secs(secs),
        };
        Self {
            enabled: true,
            chat: window(1, 1),
            group: window(20, 60),
            overall: window(30, 1),
        }
    }
}

/// The `[throttle]` keys as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThrottleKeys {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    chat_messages: Option<Messages>,
    #[serde(default, deserialize_with = "optional_positive_secs")]
    chat_window_secs: Option<Duration>,
    #[serde(default)]
    group_messages: Option<Messages>,
    #[serde(default, deserialize_with = "optional_positive_secs")]
    group_window_secs: Option<Duration>,
    #[serde(default)]
    overall_messages: Option<Messages>,
    #[serde(default, deserialize_with = "optional_positive_secs")]
    overall_window_secs: Option<Duration>,
}

/// A `*_messages` count: at least 1, so the error names the key.
struct Messages(u32);

impl<'de> Deserialize<'de> for Messages {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u32::deserialize(deserializer)?;
        if value == 0 {
            return Err(de::Error::invalid_value(
                de::Unexpected::Unsigned(0),
                &"at least 1 message (0 would never send; use `enabled = false` to send at once)",
            ));
        }
        Ok(Self(value))
    }
}

fn optional_positive_secs<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    positive_secs(deserializer).map(Some)
}

impl<'de> Deserialize<'de> for ThrottleConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let keys = ThrottleKeys::deserialize(deserializer)?;
        let defaults = Self::default();
        let window = |messages: Option<Messages>, secs: Option<Duration>, default: Window| Window {
            messages: messages.map_or(default.messages, |m| m.0),
            window: secs.unwrap_or(default.window),
        };
        Ok(Self {
            enabled: keys.enabled.unwrap_or(defaults.enabled),
            chat: window(keys.chat_messages, keys.chat_window_secs, defaults.chat),
            group: window(keys.group_messages, keys.group_window_secs, defaults.group),
            overall: window(
                keys.overall_messages,
                keys.overall_window_secs,
                defaults.overall,
            ),
        })
    }
}

/// `[plugins]`: which plugins run, and their own settings in `[plugins.<name>]` tables.
#[derive(Debug, Clone, Default)]
pub struct PluginsConfig {
    /// Plugins to run; `None` runs all of them.
    pub include: Option<Vec<String>>,
    /// Plugins, or `"plugin handler"` pairs, not to run.
    pub exclude: Vec<String>,
    /// Names of the plugins that have a `[plugins.<name>]` settings table (the values are
    /// empty; read a table with [`Config::plugin_section`](super::Config::plugin_section)).
    pub sections: BTreeMap<String, ()>,
}

impl<'de> Deserialize<'de> for PluginsConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PluginsVisitor;

        impl<'de> Visitor<'de> for PluginsVisitor {
            type Value = PluginsConfig;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table with `include`, `exclude` and `[plugins.<name>]` tables")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut plugins = PluginsConfig::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "include" => plugins.include = Some(map.next_value()?),
                        "exclude" => plugins.exclude = map.next_value()?,
                        _ => {
                            // Keys that are not tables are reported by `Config` as unknown
                            // keys, where the source of each is known.
                            let value: figment::value::Value = map.next_value()?;
                            if value.as_dict().is_some() {
                                plugins.sections.insert(key, ());
                            }
                        }
                    }
                }
                Ok(plugins)
            }
        }

        deserializer.deserialize_map(PluginsVisitor)
    }
}

/// A string value. Environment values are handed over unparsed for these keys (see
/// `config::env`), so `+15551234567` or `0123` stay the text the user wrote.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    text(deserializer).map(Some)
}

/// A secret string. The value never reaches an error: a wrong type is reported by its kind only.
fn optional_secret<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    struct SecretVisitor;

    impl Visitor<'_> for SecretVisitor {
        type Value = SecretString;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string (in quotes)")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(SecretString::from(value))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(SecretString::from(value))
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::invalid_type(de::Unexpected::Other("a boolean"), &self))
        }
    }

    deserializer.deserialize_string(SecretVisitor).map(Some)
}

/// "At most `messages` in any `window`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Messages allowed in one window (at least 1).
    pub messages: u32,
    /// The window's length.
    pub window: Duration,
}
