//! The session file: `<dir>/<name>.session`, a grammers SQLite session (the format of
//! grammers' `SqliteSession`, kept by [`oxygram_session`]).
//!
//! Three things grammers leaves to the app are done here:
//! - **One process at a time.** Two processes writing one SQLite session corrupt each other's
//!   update state and surface as "database is locked" much later. An exclusive advisory lock
//!   on a sidecar `<name>.session.lock` (not on the database itself: on Windows that lock
//!   would be mandatory and block SQLite) makes the second process fail at once with a
//!   sentence naming the file. The lock file is left in place on exit; deleting it would race
//!   with a process that is just opening it.
//! - **Private.** The file holds the account's auth key, so it is created with mode 0600
//!   (SQLite gives its journal the same mode), and an existing file readable by others is
//!   restricted to 0600 with a warning.
//! - **Never silently replaced.** A damaged or foreign file is an error that names it; it is
//!   not opened as a new session on top of the old bytes.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use grammers_session::Session;
use grammers_session::types::PeerId;
use oxygram_session::SqliteSession;

/// The first bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Why a session file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Another process holds the session.
    #[error(
        "session {} is in use by another process: stop the other instance, or give this one \
         another [session] name",
        path.display()
    )]
    InUse {
        /// The session file.
        path: PathBuf,
    },
    /// The file exists but is not a readable session.
    #[error(
        "session file {} is damaged or is not an oxygram session ({detail}); it was left \
         untouched: move it away to log in again",
        path.display()
    )]
    Corrupt {
        /// The session file.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
    /// A file-system operation failed.
    #[error("could not {doing} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "create the session file".
        doing: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Reading or writing the session's database failed while in use.
    #[error("could not {doing} in session {}: {detail}", path.display())]
    Storage {
        /// What was being done.
        doing: &'static str,
        /// The session file.
        path: PathBuf,
        /// The database's error.
        detail: String,
    },
}

/// An open, locked session file.
///
/// Dropping it releases the lock; keep it alive as long as the client runs.
pub struct SessionFile {
    path: PathBuf,
    storage: Arc<SqliteSession>,
    created: bool,
    // Held for its lock; released when the file is closed on drop.
    _lock: File,
}

impl std::fmt::Debug for SessionFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionFile")
            .field("path", &self.path)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl SessionFile {
    /// Locks and opens the session at `path`, creating it (mode 0600) if it does not exist.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, SessionError> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let lock = lock(&path)?;
        let created = create_or_check(&path)?;
        let storage = match SqliteSession::open(&path).await {
            Ok(storage) => storage,
            Err(e) => return Err(corrupt(&path, e)),
        };
        // Touch every table grammers reads at startup, so a truncated file fails here with
        // its name rather than halfway through the login.
        if let Err(e) = storage.updates_state().await {
            return Err(corrupt(&path, e));
        }
        if let Err(e) = storage.peer(PeerId::self_user()).await {
            return Err(corrupt(&path, e));
        }
        if created {
            tracing::debug!(path = %path.display(), "created a new session file");
        }
        Ok(Self {
            path,
            storage: Arc::new(storage),
            created,
            _lock: lock,
        })
    }

    /// The session file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The grammers storage, to hand to `SenderPool`.
    pub fn storage(&self) -> Arc<SqliteSession> {
        Arc::clone(&self.storage)
    }

    /// Whether this open created the file.
    pub fn was_created(&self) -> bool {
        self.created
    }

    /// Whether the session records a logged-in account (it may still have been logged out on
    /// Telegram's side; only a request tells).
    pub async fn has_account(&self) -> bool {
        matches!(self.storage.peer(PeerId::self_user()).await, Ok(Some(_)))
    }

    /// Removes a session file this process created, after a failed first login, so nothing
    /// is left behind that looks like a usable session. A file that existed before is kept.
    pub fn discard_if_new(self) {
        if !self.created {
            return;
        }
        let Self { path, storage, .. } = self;
        drop(storage);
        for file in [
            path.clone(),
            sidecar(&path, "-journal"),
            sidecar(&path, ".lock"),
        ] {
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(path = %file.display(), "could not remove: {e}"),
            }
        }
    }
}

/// `path` with `suffix` appended to its file name.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn create_private_dir(dir: &Path) -> Result<(), SessionError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| SessionError::Io {
        doing: "create the session folder",
        path: dir.to_path_buf(),
        source,
    })
}

/// Takes the exclusive lock on `<path>.lock`, failing at once if another process has it.
fn lock(path: &Path) -> Result<File, SessionError> {
    let lock_path = sidecar(path, ".lock");
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&lock_path)
        .map_err(|source| SessionError::Io {
            doing: "open the session lock file",
            path: lock_path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(SessionError::InUse {
            path: path.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(SessionError::Io {
            doing: "lock",
            path: lock_path,
            source,
        }),
    }
}

/// Creates an empty private file (SQLite treats it as a new database) or checks the existing
/// one; returns whether it was created.
fn create_or_check(path: &Path) -> Result<bool, SessionError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => return Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(source) => {
            return Err(SessionError::Io {
                doing: "create the session file",
                path: path.to_path_buf(),
                source,
            });
        }
    }
    let io = |doing| {
        move |source| SessionError::Io {
            doing,
            path: path.to_path_buf(),
            source,
        }
    };
    let metadata = std::fs::metadata(path).map_err(io("read"))?;
    if !metadata.is_file() {
        return Err(SessionError::Corrupt {
            path: path.to_path_buf(),
            detail: "it is not a regular file".to_owned(),
        });
    }
    restrict_permissions(path, &metadata)?;
    if metadata.len() == 0 {
        // An empty file is what an interrupted first run leaves; SQLite starts it afresh.
        return Ok(false);
    }
    let mut header = [0u8; 16];
    let read = File::open(path)
        .and_then(|mut f| {
            let mut filled = 0;
            while filled < header.len() {
                match f.read(&mut header[filled..])? {
                    0 => break,
                    n => filled += n,
                }
            }
            Ok(filled)
        })
        .map_err(io("read"))?;
    if read < header.len() || &header != SQLITE_HEADER {
        return Err(SessionError::Corrupt {
            path: path.to_path_buf(),
            detail: "it does not start like an SQLite database".to_owned(),
        });
    }
    Ok(false)
}

#[cfg(unix)]
fn restrict_permissions(path: &Path, metadata: &std::fs::Metadata) -> Result<(), SessionError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
        SessionError::Io {
            doing: "restrict the permissions of",
            path: path.to_path_buf(),
            source,
        }
    })?;
    tracing::warn!(
        path = %path.display(),
        "the session file was readable by other users (mode {mode:o}); restricted it to 0600"
    );
    Ok(())
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path, _: &std::fs::Metadata) -> Result<(), SessionError> {
    Ok(())
}

fn corrupt(path: &Path, error: impl std::fmt::Display) -> SessionError {
    SessionError::Corrupt {
        path: path.to_path_buf(),
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn new_session_is_private_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("acct.session");
        let session = SessionFile::open(&path).await.unwrap();
        assert!(session.was_created());
        assert!(!session.has_account().await);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
        drop(session);

        let again = SessionFile::open(&path).await.unwrap();
        assert!(!again.was_created());
    }

    #[tokio::test]
    async fn second_open_fails_at_once_with_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("acct.session");
        let first = SessionFile::open(&path).await.unwrap();
        let err = SessionFile::open(&path).await.unwrap_err();
        assert!(matches!(err, SessionError::InUse { .. }), "{err}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "session {} is in use by another process",
                path.display()
            )),
            "{message}"
        );
        drop(first);
        SessionFile::open(&path).await.unwrap();
    }

    #[tokio::test]
    async fn foreign_or_truncated_file_is_an_error_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("acct.session");
        std::fs::write(&path, b"not a database at all, just text").unwrap();
        let err = SessionFile::open(&path).await.unwrap_err();
        assert!(matches!(err, SessionError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains(&path.display().to_string()));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"not a database at all, just text"
        );

        // A real session cut in half.
        let good = dir.path().join("good.session");
        drop(SessionFile::open(&good).await.unwrap());
        let bytes = std::fs::read(&good).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        std::fs::write(&path, cut).unwrap();
        let err = SessionFile::open(&path).await.unwrap_err();
        assert!(matches!(err, SessionError::Corrupt { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), cut);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn readable_existing_file_is_restricted() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("acct.session");
        drop(SessionFile::open(&path).await.unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(SessionFile::open(&path).await.unwrap());
        assert_eq!(mode(&path), 0o600);
    }

    #[tokio::test]
    async fn discarding_removes_only_a_file_created_by_this_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("acct.session");
        SessionFile::open(&path).await.unwrap().discard_if_new();
        assert!(!path.exists());

        drop(SessionFile::open(&path).await.unwrap());
        SessionFile::open(&path).await.unwrap().discard_if_new();
        assert!(path.exists());
    }
}
