//! [`HandlerError`]: why a handler did not complete normally, with the error it returned
//! kept whole.

use std::fmt;
use std::sync::Arc;

use crate::flood::FloodWait;
use crate::peer_flood::PeerFlood;
use crate::util::BoxError;

/// The error a handler returned, shared: the [`HandlerFailure`](crate::dispatch::HandlerFailure)
/// handed to `on_error` is cloned for the hook, and the value inside stays the handler's own,
/// ready to [`downcast_ref`](HandlerError::downcast_ref).
pub type SharedError = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Why a handler did not complete normally.
///
/// The error a handler returned is kept as it was, source chain included: `on_error` can
/// match the app's own error type with [`downcast_ref`](HandlerError::downcast_ref).
///
/// ```no_run
/// #[derive(Debug, thiserror::Error)]
/// #[error("the database is down")]
/// struct DatabaseDown;
///
/// oxygram::App::new()
///     .on_error(|failure| async move {
///         if failure.error.downcast_ref::<DatabaseDown>().is_some() {
///             eprintln!("{}: page the on-call", failure.handler);
///         }
///     })
///     .run()
///     .unwrap();
/// ```
#[derive(Debug, Clone)]
pub enum HandlerError {
    /// The handler returned `Err(e)`; this is `e`.
    Returned(SharedError),
    /// The handler panicked; this is the panic message.
    Panicked(String),
    /// The handler returned `Err(e)` where `e` is, or wraps, a flood wait longer than
    /// `[telegram] flood_sleep_threshold_secs` (see [`crate::flood`]).
    RateLimited {
        /// The wait Telegram imposed, and on which request.
        flood_wait: FloodWait,
        /// The error the handler returned.
        error: SharedError,
    },
    /// The handler returned `Err(e)` where `e` is, or wraps, `400 PEER_FLOOD`: the account
    /// is limited for messaging strangers (see [`crate::peer_flood`]); not retried.
    PeerFlooded {
        /// Which request Telegram refused.
        peer_flood: PeerFlood,
        /// The error the handler returned.
        error: SharedError,
    },
}

impl HandlerError {
    /// The flood wait that made the handler fail, if that is what happened.
    ///
    /// ```no_run
    /// oxygram::App::new()
    ///     .on_error(|failure| async move {
    ///         if let Some(flood) = failure.error.flood_wait() {
    ///             eprintln!("{} hit a flood wait of {:?}", failure.handler, flood.wait);
    ///         }
    ///     })
    ///     .run()
    ///     .unwrap();
    /// ```
    pub fn flood_wait(&self) -> Option<&FloodWait> {
        match self {
            HandlerError::RateLimited { flood_wait, .. } => Some(flood_wait),
            _ => None,
        }
    }

    /// The `PEER_FLOOD` that made the handler fail, if that is what happened.
    ///
    /// ```no_run
    /// oxygram::App::new()
    ///     .on_error(|failure| async move {
    ///         if let Some(limited) = failure.error.peer_flood() {
    ///             eprintln!("{}: {limited}", failure.handler);
    ///         }
    ///     })
    ///     .run()
    ///     .unwrap();
    /// ```
    pub fn peer_flood(&self) -> Option<&PeerFlood> {
        match self {
            HandlerError::PeerFlooded { peer_flood, .. } => Some(peer_flood),
            _ => None,
        }
    }

    /// The error the handler returned (`None` for a panic).
    pub fn returned(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match self {
            HandlerError::Returned(error)
            | HandlerError::RateLimited { error, .. }
            | HandlerError::PeerFlooded { error, .. } => Some(&**error),
            HandlerError::Panicked(_) => None,
        }
    }

    /// The returned error as the handler's own type `T`, when it is one.
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.returned()?.downcast_ref::<T>()
    }

    /// What a handler's `Err(e)` becomes.
    pub(crate) fn from_returned(error: BoxError) -> Self {
        let error: SharedError = Arc::from(error);
        if let Some(flood_wait) = FloodWait::find(&*error) {
            return HandlerError::RateLimited { flood_wait, error };
        }
        if let Some(peer_flood) = PeerFlood::find(&*error) {
            return HandlerError::PeerFlooded { peer_flood, error };
        }
        HandlerError::Returned(error)
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandlerError::Returned(e)
            | HandlerError::RateLimited { error: e, .. }
            | HandlerError::PeerFlooded { error: e, .. } => {
                write!(f, "returned an error: {e}")
            }
            HandlerError::Panicked(msg) => write!(f, "panicked: {msg}"),
        }
    }
}

impl std::error::Error for HandlerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.returned()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
