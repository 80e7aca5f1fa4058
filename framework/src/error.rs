//! The crate's one error type.
//!
//! Each concern (configuration, session file, login) has its own error enum with the details
//! a program may match on; [`Error`] wraps them so an app has a single type to return. Every
//! message is a sentence a user can act on, and `Debug` prints the same sentence, so
//! `fn main() -> Result<(), oxygram::Error>` shows it as is instead of a struct dump.

use std::fmt;

use grammers_mtsender::InvocationError;

pub use crate::config::ConfigError;
pub use crate::dispatch::DispatchError;
pub use crate::login::LoginError;
pub use crate::session::SessionError;

/// Everything that can go wrong in oxygram, as a sentence a user can act on.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `Bot.toml` or the environment is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The session file cannot be used.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Logging in failed.
    #[error(transparent)]
    Login(#[from] LoginError),
    /// A request to Telegram failed while the app was starting or stopping.
    #[error("could not {doing}: {source}")]
    Telegram {
        /// What the app was doing, e.g. "check whether the session is logged in".
        doing: &'static str,
        /// The error from Telegram or the network (RPC errors are named, e.g. `AUTH_KEY_UNREGISTERED`).
        source: InvocationError,
    },
    /// The session was logged out from another device, or the account was deleted.
    #[error(
        "the session was logged out by Telegram ({0}); delete the session file and log in again"
    )]
    LoggedOut(String),
    /// A plugin value cannot start: its section, its schedules, its state, its startup hook.
    #[error(transparent)]
    Plugin(#[from] crate::plugin::PluginError),
    /// The handlers registered do not fit together or with the configuration.
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    /// The operating system refused something the app needs (a runtime, signal handlers).
    #[error("could not {doing}: {source}")]
    System {
        /// What the app was doing.
        doing: &'static str,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The offline sandbox (`--sandbox`) could not start or run: a
    /// [`SandboxError`](crate::sandbox::SandboxError), boxed (match it with
    /// `error.downcast_ref::<oxygram::sandbox::SandboxError>()`).
    #[error(transparent)]
    Sandbox(Box<dyn std::error::Error + Send + Sync>),
    /// An [`App`](crate::App) method was called in the wrong state.
    #[error("{0}")]
    Usage(&'static str),
}

impl Error {
    pub(crate) fn system(doing: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |source| Self::System { doing, source }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `main` returning `Err` prints `Debug`: make that the readable sentence.
        fmt::Display::fmt(self, f)
    }
}

impl crate::flood::FloodWaitExt for Error {
    fn flood_wait(&self) -> Option<crate::flood::FloodWait> {
        crate::flood::FloodWait::find(self)
    }
}

impl crate::peer_flood::PeerFloodExt for Error {
    fn peer_flood(&self) -> Option<crate::peer_flood::PeerFlood> {
        crate::peer_flood::PeerFlood::find(self)
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_as_the_sentence() {
        let err = Error::from(ConfigError::MissingArgument);
        assert_eq!(format!("{err:?}"), format!("{err}"));
        assert!(format!("{err:?}").starts_with("--config needs a path"));
    }
}
