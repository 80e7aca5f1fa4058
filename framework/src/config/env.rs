//! `OXYGRAM_*` environment variables as a figment provider.
//!
//! figment's own `Env` parses every value as TOML-ish data, so `+15551234567` becomes a number
//! and `0123` loses its zero. Phone numbers, codes, hashes and tokens are text however they
//! look, so for those keys this provider hands the value over unparsed. It also names the
//! real variable (`OXYGRAM_TELEGRAM__API_ID`) in errors, where figment would say
//! `TELEGRAM.API_ID`.
//!
//! Only variables with a `__` are configuration (every key lives in a section), so
//! `OXYGRAM_CONFIG` and other tools' `OXYGRAM_*` switches never count as unknown keys.

use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};

/// The prefix of every variable that configures oxygram.
pub const PREFIX: &str = "OXYGRAM_";

/// Separates a section from its key in a variable name: `OXYGRAM_TELEGRAM__API_ID`.
const SEPARATOR: &str = "__";

/// Keys whose environment value is text even when it looks like a number.
const TEXT_KEYS: &[&str] = &[
    "telegram.api_hash",
    "telegram.bot_token",
    "telegram.phone",
    "telegram.code",
    "telegram.password",
    "session.name",
    "session.dir",
    "log.level",
];

/// The environment variable that sets `key` (`telegram.api_id` → `OXYGRAM_TELEGRAM__API_ID`).
pub fn var_name(key: &str) -> String {
    let upper: Vec<String> = key.split('.').map(str::to_ascii_uppercase).collect();
    format!("{PREFIX}{}", upper.join(SEPARATOR))
}

/// Reads `OXYGRAM_<SECTION>__<KEY>` variables from a snapshot of the environment.
#[derive(Debug, Clone)]
pub struct OxygramEnv {
    vars: Vec<(String, String)>,
}

impl OxygramEnv {
    /// Takes the `OXYGRAM_*` variables of this process.
    pub fn from_process() -> Self {
        Self::from_vars(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// Takes the `OXYGRAM_*` variables among `vars` (for tests).
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let vars = vars
            .into_iter()
            // Every key lives in a section, so a configuration variable always has a `__`;
            // others (`OXYGRAM_CONFIG`, tools' own switches) are not configuration.
            .filter(|(k, _)| k.starts_with(PREFIX) && k[PREFIX.len()..].contains(SEPARATOR))
            .collect();
        Self { vars }
    }

    /// The dotted key of a variable name, or `None` for a malformed one (`OXYGRAM___X`).
    fn key_of(var: &str) -> Option<String> {
        let rest = &var[PREFIX.len()..];
        let parts: Vec<String> = rest.split(SEPARATOR).map(str::to_ascii_lowercase).collect();
        if parts.iter().any(String::is_empty) {
            return None;
        }
        Some(parts.join("."))
    }
}

impl Provider for OxygramEnv {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable")
            .interpolater(|_: &Profile, keys: &[&str]| var_name(&keys.join(".")))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut root = Dict::new();
        for (var, raw) in &self.vars {
            let Some(key) = Self::key_of(var) else {
                continue;
            };
            let value = if TEXT_KEYS.contains(&key.as_str()) {
                Value::from(raw.clone())
            } else {
                raw.parse::<Value>().unwrap_or_else(|never| match never {})
            };
            insert(&mut root, &key, value);
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Inserts `value` at the dotted `key`, creating tables on the way.
fn insert(dict: &mut Dict, key: &str, value: Value) {
    match key.split_once('.') {
        None => {
            dict.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = dict
                .entry(head.to_owned())
                .or_insert_with(|| Value::from(Dict::new()));
            if entry.as_dict().is_none() {
                // `OXYGRAM_X=1` and `OXYGRAM_X__Y=2` together: the table wins, which is the
                // only reading that keeps both variables meaningful.
                *entry = Value::from(Dict::new());
            }
            if let Value::Dict(_, inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> OxygramEnv {
        OxygramEnv::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn variable_names_map_to_dotted_keys_and_back() {
        assert_eq!(
            OxygramEnv::key_of("OXYGRAM_TELEGRAM__API_ID").as_deref(),
            Some("telegram.api_id")
        );
        assert_eq!(var_name("telegram.api_id"), "OXYGRAM_TELEGRAM__API_ID");
        assert_eq!(OxygramEnv::key_of("OXYGRAM_A____B"), None);
    }

    #[test]
    fn phone_like_values_stay_text_and_numbers_are_parsed() {
        let figment = figment::Figment::from(env(&[
            ("OXYGRAM_TELEGRAM__PHONE", "+15551234567"),
            ("OXYGRAM_TELEGRAM__CODE", "01234"),
            ("OXYGRAM_TELEGRAM__API_ID", "42"),
            ("OXYGRAM_CONFIG", "/elsewhere/Bot.toml"),
            ("OXYGRAM_CI", "1"),
            ("PATH", "/bin"),
        ]));
        assert_eq!(
            figment.extract_inner::<String>("telegram.phone").unwrap(),
            "+15551234567"
        );
        assert_eq!(
            figment.extract_inner::<String>("telegram.code").unwrap(),
            "01234"
        );
        assert_eq!(figment.extract_inner::<i32>("telegram.api_id").unwrap(), 42);
        assert!(!figment.contains("config"));
        assert!(!figment.contains("ci"));
    }
}
