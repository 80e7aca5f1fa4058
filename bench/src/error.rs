//! What can stop a benchmark run, each naming the implementation or step that failed.

use std::time::Duration;

/// A failed step of the harness.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The testkit refused something (start, session, unknown account).
    #[error("testkit: could not {doing}: {detail}")]
    Testkit {
        /// The step.
        doing: &'static str,
        /// The testkit's error.
        detail: String,
    },
    /// A file or process operation failed.
    #[error("could not {doing}: {source}")]
    Io {
        /// The step.
        doing: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The bot process did not print its ready line in time.
    #[error("{implementation} bot was not ready after {waited:?}; its last output:\n{output}")]
    NotReady {
        /// Which bot.
        implementation: &'static str,
        /// How long the driver waited.
        waited: Duration,
        /// The tail of its stdout and stderr.
        output: String,
    },
    /// The bot process exited before it was ready.
    #[error(
        "{implementation} bot exited before it was ready ({status}); its last output:\n{output}"
    )]
    Exited {
        /// Which bot.
        implementation: &'static str,
        /// Its exit status.
        status: String,
        /// The tail of its stdout and stderr.
        output: String,
    },
    /// A command-line argument was wrong.
    #[error("{0}")]
    Usage(String),
    /// An external tool (cargo, cargo-generate) failed.
    #[error("{tool} failed ({status}):\n{output}")]
    Tool {
        /// The command.
        tool: String,
        /// Its exit status.
        status: String,
        /// The tail of its output.
        output: String,
    },
}

impl BenchError {
    /// An [`BenchError::Io`] maker for `map_err`.
    pub fn io(doing: impl Into<String>) -> impl FnOnce(std::io::Error) -> BenchError {
        let doing = doing.into();
        move |source| BenchError::Io { doing, source }
    }

    /// A [`BenchError::Testkit`] maker for `map_err`.
    pub fn testkit(doing: &'static str) -> impl FnOnce(oxygram_testkit::Error) -> BenchError {
        move |e| BenchError::Testkit {
            doing,
            detail: e.to_string(),
        }
    }
}
