//! Logging setup from `[log] level` and `RUST_LOG`.
//!
//! Logs go to stderr so stdout stays the login transcript. grammers' own `info` lines
//! ("connecting...", salts, key generation) are internals, so they are shown from `warn` up
//! unless the filter names a grammers crate or `RUST_LOG` is set; `RUST_LOG` replaces the
//! configured filter entirely. Installing is `try_init`: an app or test that already set a
//! subscriber keeps it, and starting twice does not panic.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogConfig;

/// The grammers crates quieted to `warn` under a filter that does not mention them.
const GRAMMERS_CRATES: &[&str] = &[
    "grammers_client",
    "grammers_mtsender",
    "grammers_mtproto",
    "grammers_session",
];

/// The filter for `level` (a `[log] level` value) when `RUST_LOG` is not set.
pub fn filter_for(level: &str) -> String {
    if level.contains("grammers") {
        return level.to_owned();
    }
    let mut filter = level.to_owned();
    for name in GRAMMERS_CRATES {
        filter.push_str(&format!(",{name}=warn"));
    }
    filter
}

/// Installs the global subscriber; returns `false` if one was already installed.
pub fn init(config: &LogConfig) -> bool {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| (EnvFilter::builder().parse(&v), v));
    let (filter, bad_rust_log) = match from_env {
        Some((Ok(filter), _)) => (filter, None),
        Some((Err(e), value)) => (EnvFilter::new(filter_for(&config.level)), Some((value, e))),
        None => (EnvFilter::new(filter_for(&config.level)), None),
    };
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in files or journald.
        .with_ansi(std::io::stderr().is_terminal())
        .try_init()
        .is_ok();
    if let Some((value, e)) = bad_rust_log {
        tracing::warn!("RUST_LOG={value:?} is not a valid filter ({e}); using [log] level instead");
    }
    installed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammers_is_quiet_unless_named() {
        assert_eq!(
            filter_for("info"),
            "info,grammers_client=warn,grammers_mtsender=warn,grammers_mtproto=warn,grammers_session=warn"
        );
        assert_eq!(
            filter_for("debug,grammers_mtsender=trace"),
            "debug,grammers_mtsender=trace"
        );
    }

    #[test]
    fn second_init_is_harmless() {
        let config = LogConfig::default();
        let _ = init(&config);
        assert!(!init(&config));
    }
}
