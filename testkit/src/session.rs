//! Issuing client sessions that already hold an auth key the testkit accepts.
//!
//! The key exchange cannot run against a fake Telegram (it needs Telegram's private RSA keys),
//! so the testkit registers a random 256-byte key per data centre and writes them where the
//! client looks for them, as a real session holds them after visiting each DC. Each DC of the
//! kit is its own listener; a key works only on its DC.

use std::collections::HashMap;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::Path;

use grammers_session::types::{DcOption, UpdatesState};
use grammers_session::{Session, SessionData};

use crate::error::Error;
use crate::wire::crypto::AuthKey;

/// The kit's first data centre: new sessions start here (grammers' and Telethon's default DC
/// is 2 too), bots live here, and so do users without [`crate::User::dc`].
pub const HOME_DC: i32 = 2;

/// One data centre of a session: its id, the kit's listener for it, and the session's key there.
pub(crate) struct DcKey {
    pub(crate) dc: i32,
    pub(crate) addr: SocketAddr,
    pub(crate) key: AuthKey,
}

fn ipv4_of(addr: SocketAddr) -> SocketAddrV4 {
    match addr {
        SocketAddr::V4(v4) => v4,
        SocketAddr::V6(v6) => SocketAddrV4::new(
            v6.ip().to_ipv4().unwrap_or(std::net::Ipv4Addr::LOCALHOST),
            v6.port(),
        ),
    }
}

/// A grammers `SessionData` whose home is `home`, with one DC option per data centre of the
/// kit, each with its own address and auth key: what a real session holds after it visited
/// them (the key exchange cannot run here, so every DC is pre-keyed; a key is accepted only
/// on its own DC, and logged in only where the account logged in or imported its
/// authorization).
pub(crate) fn session_data(home: i32, dcs: &[DcKey]) -> SessionData {
    let dc_options: HashMap<i32, DcOption> = dcs
        .iter()
        .map(|dc| {
            let ipv4 = ipv4_of(dc.addr);
            let ipv6 = match dc.addr {
                SocketAddr::V6(v6) => v6,
                SocketAddr::V4(v4) => SocketAddrV6::new(Ipv6Addr::LOCALHOST, v4.port(), 0, 0),
            };
            (
                dc.dc,
                DcOption {
                    id: dc.dc,
                    ipv4,
                    ipv6,
                    auth_key: Some(*dc.key.bytes()),
                },
            )
        })
        .collect();
    SessionData {
        home_dc: home,
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

/// The home DC and the auth key of each of `dcs` in an existing grammers SQLite session file.
pub(crate) async fn read_sqlite_keys(
    path: &Path,
    dcs: &[i32],
) -> Result<(i32, HashMap<i32, [u8; 256]>), Error> {
    let fail = file_error(path);
    let session = oxygram_session::SqliteSession::open(path)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let home = session.home_dc_id().map_err(|e| fail(e.to_string()))?;
    let mut keys = HashMap::new();
    for &dc in dcs {
        if let Some(key) = session
            .dc_option(dc)
            .map_err(|e| fail(e.to_string()))?
            .and_then(|dc| dc.auth_key)
        {
            keys.insert(dc, key);
        }
    }
    Ok((home, keys))
}

/// Points a grammers SQLite session file (created if missing) at the kit: home DC and the
/// kit's DC options. Peers and update state already in the file are kept, so catch-up still works.
pub(crate) async fn write_sqlite(path: &Path, data: &SessionData) -> Result<(), Error> {
    let fail = file_error(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
    }
    let session = oxygram_session::SqliteSession::open(path)
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
/// A `StringSession` holds its home DC only (Telethon finds the others with `help.getConfig`
/// and would run a key exchange there).
pub(crate) fn telethon_string(home: &DcKey) -> String {
    use base64::Engine as _;
    let (addr, key) = (home.addr, &home.key);
    let ip = *ipv4_of(addr).ip();
    let mut raw = Vec::with_capacity(263);
    raw.push(home.dc as u8);
    raw.extend_from_slice(&ip.octets());
    raw.extend_from_slice(&addr.port().to_be_bytes());
    raw.extend_from_slice(key.bytes());
    format!("1{}", base64::engine::general_purpose::URL_SAFE.encode(raw))
}
