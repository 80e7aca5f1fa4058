//! Issuing client sessions that already hold an auth key the testkit accepts.
//!
//! The key exchange cannot run against a fake Telegram (it needs Telegram's private RSA keys),
//! so the testkit registers a random 256-byte key and writes it where the client looks for it.
//! Every DC of the session points at the testkit, with the same key, so a client that asks for
//! another DC (files, migrations) still lands here.

use std::collections::HashMap;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::Path;

use grammers_session::types::{DcOption, UpdatesState};
use grammers_session::{Session, SessionData};

use crate::error::Error;
use crate::wire::crypto::AuthKey;

/// The DC the testkit claims to be; sessions use it as their home DC.
pub const HOME_DC: i32 = 2;

/// A grammers `SessionData` pointing every DC at `addr` with `key`.
pub(crate) fn session_data(addr: SocketAddr, key: &AuthKey) -> SessionData {
    let ipv4 = match addr {
        SocketAddr::V4(v4) => v4,
        SocketAddr::V6(v6) => SocketAddrV4::new(
            v6.ip().to_ipv4().unwrap_or(std::net::Ipv4Addr::LOCALHOST),
            v6.port(),
        ),
    };
    let ipv6 = match addr {
        SocketAddr::V6(v6) => v6,
        SocketAddr::V4(v4) => SocketAddrV6::new(Ipv6Addr::LOCALHOST, v4.port(), 0, 0),
    };
    let dc_options: HashMap<i32, DcOption> = (1..=5)
        .map(|id| {
            (
                id,
                DcOption {
                    id,
                    ipv4,
                    ipv6,
                    auth_key: Some(*key.bytes()),
                },
            )
        })
        .collect();
    SessionData {
        home_dc: HOME_DC,
        dc_options,
        peer_infos: HashMap::new(),
        updates_state: UpdatesState::default(),
    }
}

fn file_error(path: &Path) -> impl Fn(String) -> Error + '_ {
    move |reason| Error::SessionFile {
        path: path.to_path_buf(),
        reason,
    }
}

/// The home DC auth key of an existing grammers SQLite session file, if it has one.
pub(crate) async fn read_sqlite_key(path: &Path) -> Result<Option<[u8; 256]>, Error> {
    let fail = file_error(path);
    let session = grammers_session::storages::SqliteSession::open(path)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let home = session.home_dc_id().map_err(|e| fail(e.to_string()))?;
    Ok(session
        .dc_option(home)
        .map_err(|e| fail(e.to_string()))?
        .and_then(|dc| dc.auth_key))
}

/// Points a grammers SQLite session file (created if missing) at the kit: home DC and every
/// DC option. Peers and update state already in the file are kept, so catch-up still works.
pub(crate) async fn write_sqlite(path: &Path, data: &SessionData) -> Result<(), Error> {
    let fail = file_error(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
    }
    let session = grammers_session::storages::SqliteSession::open(path)
        .await
        .map_err(|e| fail(e.to_string()))?;
    session
        .set_home_dc_id(data.home_dc)
        .await
        .map_err(|e| fail(e.to_string()))?;
    for dc in data.dc_options.values() {
        session
            .set_dc_option(dc)
            .await
            .map_err(|e| fail(e.to_string()))?;
    }
    Ok(())
}

/// A Telethon `StringSession` string: version `1`, then URL-safe base64 of
/// `dc_id:u8 | ipv4:4 bytes | port:u16 (big endian) | auth_key:256 bytes`.
pub(crate) fn telethon_string(addr: SocketAddr, key: &AuthKey) -> String {
    use base64::Engine as _;
    let ip = match addr {
        SocketAddr::V4(v4) => *v4.ip(),
        SocketAddr::V6(v6) => v6.ip().to_ipv4().unwrap_or(std::net::Ipv4Addr::LOCALHOST),
    };
    let mut raw = Vec::with_capacity(263);
    raw.push(HOME_DC as u8);
    raw.extend_from_slice(&ip.octets());
    raw.extend_from_slice(&addr.port().to_be_bytes());
    raw.extend_from_slice(key.bytes());
    format!("1{}", base64::engine::general_purpose::URL_SAFE.encode(raw))
}
