//! What can be wrong with a configuration, each case naming where (file or environment
//! variable) and which key.
//!
//! figment's errors carry the key path and the provider's metadata; this module turns them
//! into sentences with the file path or the real variable name, and keeps secret values out
//! of them (a wrong-typed `bot_token` is reported by its type, never its text).

use std::fmt;
use std::path::{Path, PathBuf};

use figment::error::{Actual, Kind};

use super::env;

/// The example printed when no `Bot.toml` exists.
pub const MINIMAL_BOT_TOML: &str = r#"[telegram]
api_id = 12345                                   # from https://my.telegram.org
api_hash = "0123456789abcdef0123456789abcdef"    # or OXYGRAM_TELEGRAM__API_HASH
bot_token = "123456:ABC-DEF..."                  # leave out to log in as a user

[session]
name = "my_account"                              # the file is <dir>/my_account.session
"#;

/// Keys whose values are secrets and must never appear in a message.
const SECRET_KEYS: &[&str] = &[
    "telegram.api_hash",
    "telegram.bot_token",
    "telegram.code",
    "telegram.password",
];

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    /// A TOML file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// A TOML string given in code ([`Config::from_toml_str`](super::Config::from_toml_str)).
    Inline,
}

impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Env(var) => write!(f, "environment variable {var}"),
            Self::Inline => f.write_str("the inline configuration"),
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file does not exist.
    #[error(
        "no configuration file at {}: create it (or pass --config PATH, or set OXYGRAM_CONFIG), \
         for example:\n\n{MINIMAL_BOT_TOML}",
        path.display()
    )]
    NotFound {
        /// The absolute path that was looked at.
        path: PathBuf,
    },
    /// `--config` was given without a path.
    #[error("--config needs a path, as in `--config Bot.toml`")]
    MissingArgument,
    /// The file is not valid TOML or could not be read.
    #[error("{}: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the parser or the file system said.
        message: String,
    },
    /// A required key is absent.
    #[error("missing `{key}` in {file}: {hint}, or set {env_var}")]
    Missing {
        /// The dotted key, e.g. `telegram.api_id`.
        key: String,
        /// The configuration file (or inline configuration) it should be in.
        file: ValueSource,
        /// The variable that can provide it instead.
        env_var: String,
        /// What to write.
        hint: String,
    },
    /// A key oxygram does not know.
    #[error("unknown key `{key}` in {source_name}{}", suggestion_text(suggestion))]
    UnknownKey {
        /// The dotted key.
        key: String,
        /// Where it was written.
        source_name: ValueSource,
        /// A known key with a similar name, if any.
        suggestion: Option<String>,
    },
    /// A value of the wrong type or out of range.
    #[error("invalid `{key}` in {source_name}: {message}")]
    Invalid {
        /// The dotted key.
        key: String,
        /// Where the value came from.
        source_name: ValueSource,
        /// What was expected and what was found.
        message: String,
    },
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

impl ConfigError {
    /// The dotted key the error is about, if it is about one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Missing { key, .. }
            | Self::UnknownKey { key, .. }
            | Self::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Translates a figment error; `file` is where missing keys belong.
    pub(crate) fn from_figment(error: figment::Error, file: &ValueSource) -> Self {
        let path = error.path.clone();
        let key = path.join(".");
        let source_name = source_of(&error, file);
        let secret = SECRET_KEYS.contains(&key.as_str());
        match error.kind {
            Kind::MissingField(field) => {
                let key = join(&key, &field);
                // A missing section is filled in the file, not by one variable.
                let env_key = if key == "telegram" {
                    "telegram.api_id"
                } else {
                    &key
                };
                Self::Missing {
                    hint: hint_for(&key),
                    env_var: env::var_name(env_key),
                    file: file.clone(),
                    key,
                }
            }
            Kind::UnknownField(field, expected) => {
                // figment's path already ends with the unknown field (unlike missing fields).
                let parent = match path.split_last() {
                    Some((last, parent)) if *last == field => parent.join("."),
                    _ => key.clone(),
                };
                Self::UnknownKey {
                    suggestion: closest(&field, expected).map(|s| join(&parent, s)),
                    key: join(&parent, &field),
                    source_name,
                }
            }
            Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
                Self::Invalid {
                    message: format!(
                        "expected {}, found {}",
                        expected_words(&expected),
                        describe(&actual, secret)
                    ),
                    key,
                    source_name,
                }
            }
            Kind::InvalidLength(len, expected) => Self::Invalid {
                message: format!("expected {expected}, found {len} items"),
                key,
                source_name,
            },
            Kind::Message(message) if path.is_empty() => match file {
                ValueSource::File(path) => Self::Unreadable {
                    path: path.clone(),
                    message,
                },
                _ => Self::Invalid {
                    key: "(root)".to_owned(),
                    source_name,
                    message,
                },
            },
            other => Self::Invalid {
                message: if secret {
                    "not a valid value".to_owned()
                } else {
                    other.to_string()
                },
                key,
                source_name,
            },
        }
    }
}

/// Where the erroring value came from, per figment's metadata.
fn source_of(error: &figment::Error, file: &ValueSource) -> ValueSource {
    let Some(metadata) = &error.metadata else {
        return file.clone();
    };
    if let Some(path) = metadata.source.as_ref().and_then(|s| s.file_path()) {
        return ValueSource::File(path.to_path_buf());
    }
    if metadata.name.contains("environment") {
        let profile = error.profile.clone().unwrap_or_default();
        return ValueSource::Env(metadata.interpolate(&profile, &error.path));
    }
    file.clone()
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

/// What to write for a missing key.
fn hint_for(key: &str) -> String {
    match key {
        "telegram" => "add a [telegram] section with api_id (from https://my.telegram.org)".into(),
        "telegram.api_id" => {
            "add `api_id = <number>` under [telegram] (from https://my.telegram.org)".into()
        }
        _ => format!(
            "add `{}` under its section",
            key.rsplit('.').next().unwrap_or(key)
        ),
    }
}

/// A found value, described without revealing secrets.
fn describe(actual: &Actual, secret: bool) -> String {
    match actual {
        Actual::Bool(b) if !secret => format!("`{b}`"),
        Actual::Bool(_) => "a boolean".to_owned(),
        Actual::Unsigned(n) if !secret => n.to_string(),
        Actual::Signed(n) if !secret => n.to_string(),
        Actual::Float(n) if !secret => n.to_string(),
        Actual::Unsigned(_) | Actual::Signed(_) | Actual::Float(_) => "a number".to_owned(),
        Actual::Str(s) if !secret => format!("the string {s:?}"),
        Actual::Char(c) if !secret => format!("the string \"{c}\""),
        Actual::Str(_) | Actual::Char(_) => "a string".to_owned(),
        Actual::Seq => "an array".to_owned(),
        Actual::Map => "a table".to_owned(),
        Actual::Unit | Actual::Option => "nothing".to_owned(),
        Actual::Other(what) => what.clone(),
        _ if secret => "another kind of value".to_owned(),
        other => other.to_string(),
    }
}

/// serde's name for an expected type, in words.
fn expected_words(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            format!("an integer ({expected})")
        }
        "f32" | "f64" => "a number".to_owned(),
        other => other.to_owned(),
    }
}

/// The known name closest to `given`, if it is close enough to be a typo.
pub(crate) fn closest<'a>(given: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(given, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance: small inputs, so the textbook two-row version is plenty.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// `path` for messages: the file name alone reads worse than the full path when several
/// checkouts exist, so messages always carry the absolute path.
pub(crate) fn file_source(path: &Path) -> ValueSource {
    ValueSource::File(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_suggestions_and_unrelated_names_do_not() {
        assert_eq!(
            closest("bot_tokn", &["api_id", "bot_token"]),
            Some("bot_token")
        );
        assert_eq!(
            closest("telegarm", &["telegram", "session"]),
            Some("telegram")
        );
        assert_eq!(closest("greeting", &["telegram", "session", "log"]), None);
    }
}
