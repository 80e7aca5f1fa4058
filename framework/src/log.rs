//! Logging setup from `[log] level` and `RUST_LOG`.
//!
//! Logs go to stderr so stdout stays the login transcript. grammers' own `info` lines
//! ("connecting...", salts, key generation) are internals, so they are shown from `warn` up
//! unless the filter names a grammers crate or `RUST_LOG` is set; `RUST_LOG` replaces the
//! configured filter entirely. Installing is `try_init`: an app or test that already set a
//! subscriber keeps it, and starting twice does not panic.
//!
//! # One line per attempt while Telegram is unreachable
//! grammers warns `marking all 1 request(s) as failed: read error, IO failed: ...` (target
//! `grammers_mtsender::sender`) on every failed try of a call, once a second while the
//! network is down, and oxygram's own retries say the same thing once per attempt with what
//! it does next (`cannot reach Telegram (...); retrying in 2s` from the login,
//! `receiving updates failed, retrying in ...` from the update loop). Under the configured
//! filter that grammers line alone is dropped (its other warnings stay), so the log has one
//! line per attempt. A `[log] level` that names a grammers crate, or any `RUST_LOG`, shows it
//! again, as it shows everything else it asks for.

use std::fmt;
use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogConfig;

/// The grammers crates quieted to `warn` under a filter that does not mention them.
const GRAMMERS_CRATES: &[&str] = &[
    "grammers_client",
    "grammers_mtsender",
    "grammers_mtproto",
    "grammers_session",
];

/// The target of grammers' per-try connection failure warning.
const CONNECTION_FAILURE_TARGET: &str = "grammers_mtsender::sender";

/// How that warning starts (grammers-mtsender 0.11, `Sender::on_error`).
const CONNECTION_FAILURE_PREFIX: &str = "marking all ";

/// The filter for `level` (a `[log] level` value) when `RUST_LOG` is not set.
pub fn filter_for(level: &str) -> String {
    if names_grammers(level) {
        return level.to_owned();
    }
    let mut filter = level.to_owned();
    for name in GRAMMERS_CRATES {
        filter.push_str(&format!(",{name}=warn"));
    }
    filter
}

fn names_grammers(filter: &str) -> bool {
    filter.contains("grammers")
}

/// What [`init`] installs: the filter's text and whether grammers' per-try connection
/// warning is dropped. Decided apart from installing, so it can be tested.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    /// The `EnvFilter` directives.
    directives: String,
    /// Drop grammers' per-try connection failure warning.
    one_line_per_attempt: bool,
    /// `RUST_LOG`, when it was set but is no valid filter (the configured one is used).
    bad_rust_log: Option<(String, String)>,
}

/// The plan for `rust_log` (the variable, if set and not blank) over `[log] level`; crates in
/// `quiet` stay at `warn` under a `RUST_LOG` that does not name them.
fn plan(rust_log: Option<&str>, level: &str, quiet: &[&str]) -> Plan {
    let configured = |bad_rust_log| Plan {
        directives: filter_for(level),
        one_line_per_attempt: !names_grammers(level),
        bad_rust_log,
    };
    let Some(value) = rust_log.filter(|v| !v.trim().is_empty()) else {
        return configured(None);
    };
    if let Err(e) = EnvFilter::builder().parse(value) {
        return configured(Some((value.to_owned(), e.to_string())));
    }
    let mut directives = value.to_owned();
    for name in quiet.iter().filter(|name| !value.contains(**name)) {
        directives.push_str(&format!(",{name}=warn"));
    }
    Plan {
        directives,
        one_line_per_attempt: false,
        bad_rust_log: None,
    }
}

/// Installs the global subscriber; returns `false` if one was already installed.
pub fn init(config: &LogConfig) -> bool {
    init_quieting(config, &[])
}

/// [`init`], keeping the crates in `quiet` at `warn` under a `RUST_LOG` that does not name
/// them (the sandbox's in-process testkit, whose lines are not the app's).
pub(crate) fn init_quieting(config: &LogConfig, quiet: &[&str]) -> bool {
    let rust_log = std::env::var("RUST_LOG").ok();
    let plan = plan(rust_log.as_deref(), &config.level, quiet);
    let installed = tracing_subscriber::registry()
        .with(EnvFilter::new(&plan.directives))
        .with(plan.one_line_per_attempt.then_some(OneLinePerAttempt))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                // Colours only for a person at a terminal, not in files or journald.
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .try_init()
        .is_ok();
    if let Some((value, e)) = plan.bad_rust_log {
        tracing::warn!("RUST_LOG={value:?} is not a valid filter ({e}); using [log] level instead");
    }
    installed
}

/// Drops grammers' per-try connection failure warning (see the module docs).
struct OneLinePerAttempt;

impl<S: Subscriber> Layer<S> for OneLinePerAttempt {
    fn event_enabled(&self, event: &Event<'_>, _: Context<'_, S>) -> bool {
        !is_connection_failure(event)
    }
}

fn is_connection_failure(event: &Event<'_>) -> bool {
    let metadata = event.metadata();
    if *metadata.level() != Level::WARN || metadata.target() != CONNECTION_FAILURE_TARGET {
        return false;
    }
    let mut message = MessageStart::default();
    event.record(&mut message);
    message.matches
}

/// Whether an event's `message` starts with [`CONNECTION_FAILURE_PREFIX`].
#[derive(Default)]
struct MessageStart {
    matches: bool,
}

impl Visit for MessageStart {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.matches = value.starts_with(CONNECTION_FAILURE_PREFIX);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            // A format_args! message: its Debug is the formatted text.
            self.matches = format!("{value:?}").starts_with(CONNECTION_FAILURE_PREFIX);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

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
    fn the_configured_filter_keeps_one_line_per_attempt() {
        let plan = plan(None, "info", &[]);
        assert_eq!(plan.directives, filter_for("info"));
        assert!(plan.one_line_per_attempt);
        assert!(plan.bad_rust_log.is_none());
        // Naming grammers asks for its lines, this one included.
        assert!(!super::plan(None, "info,grammers_mtsender=info", &[]).one_line_per_attempt);
        // A blank RUST_LOG is no RUST_LOG.
        assert!(super::plan(Some("  "), "info", &[]).one_line_per_attempt);
    }

    #[test]
    fn a_users_rust_log_wins() {
        let plan = plan(Some("debug"), "warn", &[]);
        assert_eq!(plan.directives, "debug");
        assert!(!plan.one_line_per_attempt);
        let named = super::plan(Some("grammers_mtsender=warn,my_bot=debug"), "warn", &[]);
        assert_eq!(named.directives, "grammers_mtsender=warn,my_bot=debug");
        assert!(!named.one_line_per_attempt);
    }

    #[test]
    fn quiet_crates_stay_at_warn_unless_rust_log_names_them() {
        let quiet = &["oxygram_testkit"];
        assert_eq!(
            plan(Some("info"), "warn", quiet).directives,
            "info,oxygram_testkit=warn"
        );
        assert_eq!(
            plan(Some("info,oxygram_testkit=debug"), "warn", quiet).directives,
            "info,oxygram_testkit=debug"
        );
        // Without RUST_LOG the configured level applies to everyone.
        assert_eq!(plan(None, "warn", quiet).directives, filter_for("warn"));
    }

    #[test]
    fn a_bad_rust_log_falls_back_to_the_configured_filter() {
        let plan = plan(Some("info,[unclosed"), "info", &[]);
        assert_eq!(plan.directives, filter_for("info"));
        assert!(
            plan.bad_rust_log
                .is_some_and(|(value, _)| value == "info,[unclosed")
        );
    }

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What the configured filter prints for grammers' warnings, as grammers emits them.
    fn printed(one_line_per_attempt: bool) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::registry()
            .with(EnvFilter::new(filter_for("info")))
            .with(one_line_per_attempt.then_some(OneLinePerAttempt))
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(move || writer.clone())
                    .with_ansi(false),
            );
        tracing::subscriber::with_default(subscriber, || {
            let count = 1;
            tracing::warn!(
                target: "grammers_mtsender::sender",
                "marking all {} request(s) as failed: {}",
                count,
                "read error, IO failed: read 0 bytes"
            );
            tracing::warn!(
                target: "grammers_mtsender::sender",
                "telegram sent updates that failed to be deserialized: {}",
                "unexpected constructor"
            );
            tracing::warn!(target: "oxygram::login", "cannot reach Telegram; retrying in 1s");
        });
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn grammers_per_try_warning_is_dropped_and_its_others_kept() {
        let quiet = printed(true);
        assert!(!quiet.contains("marking all"), "{quiet}");
        assert!(quiet.contains("failed to be deserialized"), "{quiet}");
        assert!(quiet.contains("cannot reach Telegram"), "{quiet}");
        assert!(printed(false).contains("marking all 1 request(s) as failed"));
    }

    #[test]
    fn second_init_is_harmless() {
        let config = LogConfig::default();
        let _ = init(&config);
        assert!(!init(&config));
    }
}
