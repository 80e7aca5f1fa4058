//! The crate's error type. CONTRACT SKELETON (owned by the core engineer).

/// Everything that can go wrong in oxygram, as a sentence a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The handlers registered do not fit together or with the configuration.
    #[error("{0}")]
    Handlers(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
