//! The crate's error type.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong driving a testkit.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The world description is inconsistent.
    #[error("invalid world: {what}")]
    World {
        /// What is wrong.
        what: String,
    },
    /// A world file could not be read or parsed.
    #[error("world file {path}: {message}")]
    WorldFile {
        /// The file.
        path: String,
        /// What is wrong, with the key and line.
        message: String,
    },
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A session file could not be written.
    #[error("cannot write session file {path}: {reason}")]
    SessionFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// The state file could not be read, written or decoded.
    #[error("state file {path}: {reason}")]
    StateFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// No account has this username, phone or id.
    #[error("no account {0:?} in the testkit world")]
    UnknownAccount(String),
    /// A scripted action was refused with a Telegram error.
    #[error("{action} failed: {code} {name}")]
    Rpc {
        /// What the scripted user tried.
        action: &'static str,
        /// The error code.
        code: i32,
        /// The Telegram error name.
        name: String,
    },
    /// A salt rotation setting was refused.
    #[error("invalid salt rotation: {0}")]
    SaltRotation(#[from] crate::wire::salts::SaltScheduleError),
    /// Nothing arrived in time.
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, &'static str),
}

impl Error {
    pub(crate) fn rpc(action: &'static str, fail: crate::rpc::RpcFail) -> Self {
        Error::Rpc {
            action,
            code: fail.code,
            name: fail.name,
        }
    }
}
