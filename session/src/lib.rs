#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![deny(unsafe_code)]

// The storage below is a port of grammers-session 0.11's `storages::sqlite` (Copyright 2020 -
// developers of the `grammers` project, MIT OR Apache-2.0) from libsql to rusqlite. Same
// tables, columns, subtype bits and queries, so the file format is unchanged; the one
// behavioural difference is that a failure inside `cache_peers` is returned instead of
// panicking.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use grammers_session::types::{
    ChannelKind, ChannelState, DcOption, PeerAuth, PeerId, PeerInfo, PeerKind, UpdateState,
    UpdatesState,
};
use grammers_session::{BoxFuture, Session, SessionData};
use rusqlite::{Connection, OptionalExtension, Row, named_params};

/// The schema version, kept in `PRAGMA user_version` (grammers' own `VERSION`).
const VERSION: i64 = 1;

/// Why the session file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteSessionError {
    /// A thread panicked while holding the session's lock.
    #[error("session lock is poisoned")]
    Poisoned,
    /// A stored datacenter address is not a socket address.
    #[error("invalid socket address syntax in the session's dc_option table")]
    AddrParse(#[source] std::net::AddrParseError),
    /// SQLite failed (not a database, a missing table, a locked or read-only file...).
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored auth key does not have the 256 bytes every MTProto key has.
    #[error("invalid auth_key length: expected 256, got {0}")]
    InvalidAuthKeyLength(usize),
}

impl From<std::net::AddrParseError> for SqliteSessionError {
    fn from(e: std::net::AddrParseError) -> Self {
        Self::AddrParse(e)
    }
}

/// Bits of `peer_info.subtype`, as grammers writes them.
#[repr(u8)]
enum PeerSubtype {
    UserSelf = 1,
    UserBot = 2,
    UserSelfBot = 3,
    Megagroup = 4,
    Broadcast = 8,
    Gigagroup = 12,
    Community = 16,
}

/// What [`Session::home_dc_id`] and [`Session::dc_option`] answer from memory: they are asked
/// on every request.
struct Cache {
    home_dc: i32,
    dc_options: HashMap<i32, DcOption>,
}

/// A grammers session kept in an SQLite file, in the format of grammers' `SqliteSession`.
///
/// Calls are short, synchronous SQLite statements on one connection behind a lock, as
/// grammers' own local libsql storage makes them.
pub struct SqliteSession {
    connection: Mutex<Connection>,
    cache: Mutex<Cache>,
    /// `SessionData::default()`: the statically known DCs and the default home DC.
    defaults: SessionData,
}

impl std::fmt::Debug for SqliteSession {
    // Never the auth keys: they are the account.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteSession").finish_non_exhaustive()
    }
}

impl SqliteSession {
    /// Opens the session database at `path` (`":memory:"` for one in memory), creating the
    /// file and its tables if they do not exist.
    ///
    /// A file that is not an SQLite database, or one whose tables are missing, is an error;
    /// nothing is overwritten. `async` to match grammers' `SqliteSession::open`; the work is
    /// a few synchronous statements.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, SqliteSessionError> {
        Self::open_sync(path.as_ref())
    }

    fn open_sync(path: &Path) -> Result<Self, SqliteSessionError> {
        let mut connection = Connection::open(path)?;
        init(&mut connection)?;
        let defaults = SessionData::default();
        let home_dc = connection
            .query_row("SELECT * FROM dc_home LIMIT 1", [], |row| {
                row.get::<_, i32>(0)
            })
            .optional()?
            .unwrap_or(defaults.home_dc);
        let mut dc_options = HashMap::new();
        let mut statement = connection.prepare("SELECT * FROM dc_option")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let auth_key = match row.get::<_, Option<Vec<u8>>>(3)? {
                None => None,
                Some(key) => Some(
                    <[u8; 256]>::try_from(key)
                        .map_err(|k| SqliteSessionError::InvalidAuthKeyLength(k.len()))?,
                ),
            };
            let option = DcOption {
                id: row.get(0)?,
                ipv4: row.get::<_, String>(1)?.parse()?,
                ipv6: row.get::<_, String>(2)?.parse()?,
                auth_key,
            };
            dc_options.insert(option.id, option);
        }
        drop(rows);
        drop(statement);
        Ok(Self {
            connection: Mutex::new(connection),
            cache: Mutex::new(Cache {
                home_dc,
                dc_options,
            }),
            defaults,
        })
    }

    fn db(&self) -> Result<MutexGuard<'_, Connection>, SqliteSessionError> {
        self.connection
            .lock()
            .map_err(|_| SqliteSessionError::Poisoned)
    }

    fn cache(&self) -> Result<MutexGuard<'_, Cache>, SqliteSessionError> {
        self.cache.lock().map_err(|_| SqliteSessionError::Poisoned)
    }

    fn peer_sync(&self, peer: PeerId) -> Result<Option<PeerInfo>, SqliteSessionError> {
        let db = self.db()?;
        let map_row = |row: &Row<'_>| -> rusqlite::Result<PeerInfo> {
            let subtype = row.get::<_, Option<i64>>(2)?.map(|s| s as u8);
            let auth = row.get::<_, Option<i64>>(1)?.map(PeerAuth::from_hash);
            Ok(match peer.kind() {
                PeerKind::User => PeerInfo::User {
                    id: PeerId::user_unchecked(row.get::<_, i64>(0)?).bare_id_unchecked(),
                    auth,
                    bot: subtype.map(|s| s & PeerSubtype::UserBot as u8 != 0),
                    is_self: subtype.map(|s| s & PeerSubtype::UserSelf as u8 != 0),
                },
                PeerKind::Chat => PeerInfo::Chat {
                    id: peer.bare_id_unchecked(),
                },
                PeerKind::Channel => PeerInfo::Channel {
                    id: peer.bare_id_unchecked(),
                    auth,
                    kind: subtype.and_then(channel_kind),
                },
            })
        };
        let found = match peer.bot_api_dialog_id() {
            Some(peer_id) => db
                .query_row(
                    "SELECT * FROM peer_info WHERE peer_id = :peer_id LIMIT 1",
                    named_params! {":peer_id": peer_id},
                    map_row,
                )
                .optional()?,
            None => db
                .query_row(
                    "SELECT * FROM peer_info WHERE subtype & :type LIMIT 1",
                    named_params! {":type": PeerSubtype::UserSelf as i64},
                    map_row,
                )
                .optional()?,
        };
        Ok(found)
    }

    /// `peers`, each merged with what the session already knows of it (grammers keeps an
    /// old `Some` over a new `None`).
    fn extended(&self, peers: Vec<PeerInfo>) -> Result<Vec<PeerInfo>, SqliteSessionError> {
        peers
            .into_iter()
            .map(|peer| {
                Ok(match self.peer_sync(peer.id())? {
                    Some(mut existing) => {
                        existing.extend_info(&peer);
                        existing
                    }
                    None => peer,
                })
            })
            .collect()
    }

    fn cache_peers_sync(&self, peers: Vec<PeerInfo>) -> Result<(), SqliteSessionError> {
        let peers = self.extended(peers)?;
        let mut db = self.db()?;
        let transaction = db.transaction()?;
        {
            let mut statement = transaction
                .prepare("INSERT OR REPLACE INTO peer_info VALUES (:peer_id, :hash, :subtype)")?;
            for peer in peers {
                statement.execute(named_params! {
                    ":peer_id": peer.id().bot_api_dialog_id_unchecked(),
                    ":hash": peer.auth().map(PeerAuth::hash),
                    ":subtype": subtype(&peer).map(|s| s as i64),
                })?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn set_update_state_sync(&self, update: UpdateState) -> Result<(), SqliteSessionError> {
        let mut db = self.db()?;
        let transaction = db.transaction()?;
        let has_state = |t: &rusqlite::Transaction<'_>| -> rusqlite::Result<bool> {
            Ok(
                t.query_row("SELECT * FROM update_state LIMIT 1", [], |_| Ok(()))
                    .optional()?
                    .is_some(),
            )
        };
        match update {
            UpdateState::All(state) => {
                transaction.execute("DELETE FROM update_state", [])?;
                transaction.execute(
                    "INSERT INTO update_state VALUES (:pts, :qts, :date, :seq)",
                    named_params! {
                        ":pts": state.pts,
                        ":qts": state.qts,
                        ":date": state.date,
                        ":seq": state.seq,
                    },
                )?;
                transaction.execute("DELETE FROM channel_state", [])?;
                for channel in state.channels {
                    transaction.execute(
                        "INSERT INTO channel_state VALUES (:peer_id, :pts)",
                        named_params! {":peer_id": channel.id, ":pts": channel.pts},
                    )?;
                }
            }
            UpdateState::Primary { pts, date, seq } => {
                let sql = if has_state(&transaction)? {
                    "UPDATE update_state SET pts = :pts, date = :date, seq = :seq"
                } else {
                    "INSERT INTO update_state VALUES (:pts, 0, :date, :seq)"
                };
                transaction
                    .execute(sql, named_params! {":pts": pts, ":date": date, ":seq": seq})?;
            }
            UpdateState::Secondary { qts } => {
                let sql = if has_state(&transaction)? {
                    "UPDATE update_state SET qts = :qts"
                } else {
                    "INSERT INTO update_state VALUES (0, :qts, 0, 0)"
                };
                transaction.execute(sql, named_params! {":qts": qts})?;
            }
            UpdateState::Channel { id, pts } => {
                transaction.execute(
                    "INSERT OR REPLACE INTO channel_state VALUES (:peer_id, :pts)",
                    named_params! {":peer_id": id, ":pts": pts},
                )?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    fn updates_state_sync(&self) -> Result<UpdatesState, SqliteSessionError> {
        let db = self.db()?;
        let mut state = db
            .query_row("SELECT * FROM update_state LIMIT 1", [], |row| {
                Ok(UpdatesState {
                    pts: row.get(0)?,
                    qts: row.get(1)?,
                    date: row.get(2)?,
                    seq: row.get(3)?,
                    channels: Vec::new(),
                })
            })
            .optional()?
            .unwrap_or_default();
        let mut statement = db.prepare("SELECT * FROM channel_state")?;
        state.channels = statement
            .query_map([], |row| {
                Ok(ChannelState {
                    id: row.get(0)?,
                    pts: row.get(1)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(state)
    }
}

/// Creates the tables of a new file (schema 0 → 1), as grammers does.
fn init(connection: &mut Connection) -> rusqlite::Result<()> {
    let user_version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if user_version == VERSION {
        return Ok(());
    }
    if user_version == 0 {
        let transaction = connection.transaction()?;
        transaction.execute_batch(
            "CREATE TABLE dc_home (
                dc_id INTEGER NOT NULL,
                PRIMARY KEY(dc_id));
            CREATE TABLE dc_option (
                dc_id INTEGER NOT NULL,
                ipv4 TEXT NOT NULL,
                ipv6 TEXT NOT NULL,
                auth_key BLOB,
                PRIMARY KEY (dc_id));
            CREATE TABLE peer_info (
                peer_id INTEGER NOT NULL,
                hash INTEGER,
                subtype INTEGER,
                PRIMARY KEY (peer_id));
            CREATE TABLE update_state (
                pts INTEGER NOT NULL,
                qts INTEGER NOT NULL,
                date INTEGER NOT NULL,
                seq INTEGER NOT NULL);
            CREATE TABLE channel_state (
                peer_id INTEGER NOT NULL,
                pts INTEGER NOT NULL,
                PRIMARY KEY (peer_id));",
        )?;
        transaction.commit()?;
        // PRAGMA takes no parameters; VERSION is a constant.
        connection.execute_batch(&format!("PRAGMA user_version = {VERSION}"))?;
    }
    // A newer schema than this crate knows is left as it is, like grammers does.
    Ok(())
}

fn channel_kind(subtype: u8) -> Option<ChannelKind> {
    if subtype & PeerSubtype::Gigagroup as u8 == PeerSubtype::Gigagroup as u8 {
        Some(ChannelKind::Gigagroup)
    } else if subtype & PeerSubtype::Broadcast as u8 != 0 {
        Some(ChannelKind::Broadcast)
    } else if subtype & PeerSubtype::Megagroup as u8 != 0 {
        Some(ChannelKind::Megagroup)
    } else {
        None
    }
}

fn subtype(peer: &PeerInfo) -> Option<PeerSubtype> {
    match *peer {
        PeerInfo::User { bot, is_self, .. } => {
            match (bot.unwrap_or_default(), is_self.unwrap_or_default()) {
                (true, true) => Some(PeerSubtype::UserSelfBot),
                (true, false) => Some(PeerSubtype::UserBot),
                (false, true) => Some(PeerSubtype::UserSelf),
                (false, false) => None,
            }
        }
        PeerInfo::Chat { .. } => None,
        PeerInfo::Channel { kind, .. } => kind.map(|kind| match kind {
            ChannelKind::Megagroup => PeerSubtype::Megagroup,
            ChannelKind::Broadcast => PeerSubtype::Broadcast,
            ChannelKind::Gigagroup => PeerSubtype::Gigagroup,
            ChannelKind::Community => PeerSubtype::Community,
        }),
    }
}

impl Session for SqliteSession {
    type Error = SqliteSessionError;

    fn home_dc_id(&self) -> Result<i32, SqliteSessionError> {
        Ok(self.cache()?.home_dc)
    }

    fn set_home_dc_id(&self, dc_id: i32) -> BoxFuture<'_, Result<(), SqliteSessionError>> {
        // The cache changes at once, before the future is polled, as in grammers.
        let cached = self.cache().map(|mut cache| cache.home_dc = dc_id);
        Box::pin(async move {
            cached?;
            let mut db = self.db()?;
            let transaction = db.transaction()?;
            transaction.execute("DELETE FROM dc_home", [])?;
            transaction.execute(
                "INSERT INTO dc_home VALUES (:dc_id)",
                named_params! {":dc_id": dc_id},
            )?;
            transaction.commit()?;
            Ok(())
        })
    }

    fn dc_option(&self, dc_id: i32) -> Result<Option<DcOption>, SqliteSessionError> {
        Ok(self
            .cache()?
            .dc_options
            .get(&dc_id)
            .or_else(|| self.defaults.dc_options.get(&dc_id))
            .cloned())
    }

    fn set_dc_option(&self, dc_option: &DcOption) -> BoxFuture<'_, Result<(), SqliteSessionError>> {
        let cached = self.cache().map(|mut cache| {
            cache.dc_options.insert(dc_option.id, dc_option.clone());
        });
        let dc_option = dc_option.clone();
        Box::pin(async move {
            cached?;
            self.db()?.execute(
                "INSERT OR REPLACE INTO dc_option VALUES (:dc_id, :ipv4, :ipv6, :auth_key)",
                named_params! {
                    ":dc_id": dc_option.id,
                    ":ipv4": dc_option.ipv4.to_string(),
                    ":ipv6": dc_option.ipv6.to_string(),
                    ":auth_key": dc_option.auth_key.as_ref().map(|k| &k[..]),
                },
            )?;
            Ok(())
        })
    }

    fn peer(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerInfo>, SqliteSessionError>> {
        Box::pin(async move { self.peer_sync(peer) })
    }

    fn cache_peer(&self, peer: PeerInfo) -> BoxFuture<'_, Result<(), SqliteSessionError>> {
        Box::pin(async move { self.cache_peers_sync(vec![peer]) })
    }

    fn cache_peers(&self, peers: Vec<PeerInfo>) -> BoxFuture<'_, Result<(), SqliteSessionError>> {
        Box::pin(async move { self.cache_peers_sync(peers) })
    }

    fn updates_state(&self) -> BoxFuture<'_, Result<UpdatesState, SqliteSessionError>> {
        Box::pin(async move { self.updates_state_sync() })
    }

    fn set_update_state(
        &self,
        update: UpdateState,
    ) -> BoxFuture<'_, Result<(), SqliteSessionError>> {
        Box::pin(async move { self.set_update_state_sync(update) })
    }
}
