//! The file format: a session written by grammers 0.11's own `SqliteSession` (libsql) opens
//! with every value intact, a new file has grammers' exact schema, and the storage behaves as
//! grammers' does (the port of its own test).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};

use grammers_session::Session;
use grammers_session::types::{
    ChannelKind, ChannelState, DcOption, PeerAuth, PeerId, PeerInfo, UpdateState, UpdatesState,
};
use oxygram_session::{SqliteSession, SqliteSessionError};

/// Written by grammers-session 0.11.0's `storages::SqliteSession` (libsql 0.10): home DC 2,
/// DC 2 with the auth key `0, 1, .., 255` and DC 4 without one, a self bot user, a user, a
/// chat, a megagroup and a broadcast channel, and update state with two channels.
const GRAMMERS_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/grammers-0.11.session"
);

fn copy_of_fixture(dir: &Path) -> PathBuf {
    let path = dir.join("old.session");
    std::fs::copy(GRAMMERS_FIXTURE, &path).unwrap();
    path
}

fn key() -> [u8; 256] {
    std::array::from_fn(|i| i as u8)
}

#[tokio::test]
async fn a_session_written_by_grammers_opens_with_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    let session = SqliteSession::open(&path).await.unwrap();

    assert_eq!(session.home_dc_id().unwrap(), 2);
    let dc2 = session.dc_option(2).unwrap().unwrap();
    assert_eq!(dc2.ipv4, SocketAddrV4::new(Ipv4Addr::LOCALHOST, 40002));
    assert_eq!(
        dc2.ipv6,
        SocketAddrV6::new(Ipv6Addr::LOCALHOST, 40002, 0, 0)
    );
    assert_eq!(dc2.auth_key, Some(key()));
    assert_eq!(session.dc_option(4).unwrap().unwrap().auth_key, None);
    // DCs the file does not mention fall back to the statically known ones.
    assert!(session.dc_option(1).unwrap().is_some());

    let me = PeerInfo::User {
        id: 777000111,
        auth: Some(PeerAuth::from_hash(-42)),
        bot: Some(true),
        is_self: Some(true),
    };
    assert_eq!(
        session.peer(PeerId::self_user()).await.unwrap(),
        Some(me.clone())
    );
    assert_eq!(
        session
            .peer(PeerId::user_unchecked(777000111))
            .await
            .unwrap(),
        Some(me)
    );
    assert_eq!(
        session.peer(PeerId::user_unchecked(1001)).await.unwrap(),
        Some(PeerInfo::User {
            id: 1001,
            auth: Some(PeerAuth::from_hash(123456789)),
            bot: None,
            is_self: None,
        })
    );
    assert_eq!(
        session.peer(PeerId::chat_unchecked(2002)).await.unwrap(),
        Some(PeerInfo::Chat { id: 2002 })
    );
    assert_eq!(
        session.peer(PeerId::channel_unchecked(3003)).await.unwrap(),
        Some(PeerInfo::Channel {
            id: 3003,
            auth: Some(PeerAuth::from_hash(-987654321)),
            kind: Some(ChannelKind::Megagroup),
        })
    );
    assert_eq!(
        session.peer(PeerId::channel_unchecked(3004)).await.unwrap(),
        Some(PeerInfo::Channel {
            id: 3004,
            auth: Some(PeerAuth::from_hash(5)),
            kind: Some(ChannelKind::Broadcast),
        })
    );
    assert_eq!(
        session.updates_state().await.unwrap(),
        UpdatesState {
            pts: 100,
            qts: 7,
            date: 1700000000,
            seq: 9,
            channels: vec![
                ChannelState { id: 3003, pts: 55 },
                ChannelState { id: 3004, pts: 66 },
            ],
        }
    );

    // Writing to the old file and reopening it keeps both the old and the new values.
    session
        .set_update_state(UpdateState::Primary {
            pts: 101,
            date: 1700000001,
            seq: 10,
        })
        .await
        .unwrap();
    drop(session);
    let reopened = SqliteSession::open(&path).await.unwrap();
    let state = reopened.updates_state().await.unwrap();
    assert_eq!((state.pts, state.qts, state.seq), (101, 7, 10));
    assert_eq!(
        reopened.dc_option(2).unwrap().unwrap().auth_key,
        Some(key())
    );
}

/// The schema (`sqlite_master`) and version of a file.
fn schema(path: &Path) -> (i64, Vec<(String, String)>) {
    let db = rusqlite::Connection::open(path).unwrap();
    let version = db
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    let mut statement = db
        .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
        .unwrap();
    let tables = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (version, tables)
}

/// grammers opens a file whose `user_version` is 1 without touching its schema and reads it
/// with `SELECT *`: the same tables with the same columns in the same order is what makes
/// our files readable by grammers' `SqliteSession`.
#[tokio::test]
async fn a_new_file_has_grammers_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.session");
    let session = SqliteSession::open(&path).await.unwrap();
    session.set_home_dc_id(4).await.unwrap();
    drop(session);
    let ours = schema(&path);
    let grammers = schema(Path::new(GRAMMERS_FIXTURE));
    assert_eq!(ours.0, 1);
    assert_eq!(ours, grammers);
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_an_error_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.session");
    let junk = b"this is not an SQLite database, it is a text file of some length".repeat(64);
    std::fs::write(&path, &junk).unwrap();
    let error = SqliteSession::open(&path).await.unwrap_err();
    assert!(matches!(error, SqliteSessionError::Sql(_)), "{error:?}");
    assert!(error.to_string().contains("not a database"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), junk);
}

#[tokio::test]
async fn a_short_auth_key_is_an_error_naming_the_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute(
        "UPDATE dc_option SET auth_key = x'0102' WHERE dc_id = 2",
        [],
    )
    .unwrap();
    drop(db);
    let error = SqliteSession::open(&path).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid auth_key length: expected 256, got 2"
    );
}

/// grammers-session 0.11's own test of its SQLite storage, on this one.
#[tokio::test]
async fn behaves_as_grammers_sqlite_session() {
    let session = SqliteSession::open(":memory:").await.unwrap();

    assert_eq!(session.home_dc_id().unwrap(), 2);
    session.set_home_dc_id(3).await.unwrap();
    assert_eq!(session.home_dc_id().unwrap(), 3);

    let new_dc_option = DcOption {
        id: 6,
        ipv4: SocketAddrV4::new(Ipv4Addr::from_bits(0), 1),
        ipv6: SocketAddrV6::new(Ipv6Addr::from_bits(0), 1, 0, 0),
        auth_key: Some([1; 256]),
    };
    assert_eq!(session.dc_option(6).unwrap(), None);
    session.set_dc_option(&new_dc_option).await.unwrap();
    assert_eq!(session.dc_option(6).unwrap(), Some(new_dc_option));

    assert_eq!(session.peer(PeerId::self_user()).await.unwrap(), None);
    assert_eq!(session.peer(PeerId::user_unchecked(1)).await.unwrap(), None);
    let peer = PeerInfo::User {
        id: 1,
        auth: None,
        bot: Some(true),
        is_self: Some(true),
    };
    session.cache_peer(peer.clone()).await.unwrap();
    assert_eq!(
        session.peer(PeerId::self_user()).await.unwrap(),
        Some(peer.clone())
    );
    assert_eq!(
        session.peer(PeerId::user_unchecked(1)).await.unwrap(),
        Some(peer)
    );

    let peer = PeerInfo::Channel {
        id: 1,
        auth: Some(PeerAuth::from_hash(-1)),
        kind: Some(ChannelKind::Broadcast),
    };
    session.cache_peer(peer.clone()).await.unwrap();
    assert_eq!(
        session.peer(PeerId::channel_unchecked(1)).await.unwrap(),
        Some(peer)
    );

    let peers = vec![
        PeerInfo::Channel {
            id: 2,
            auth: Some(PeerAuth::from_hash(-2)),
            kind: Some(ChannelKind::Megagroup),
        },
        PeerInfo::Channel {
            id: 3,
            auth: Some(PeerAuth::from_hash(-3)),
            kind: None,
        },
    ];
    session.cache_peers(peers.clone()).await.unwrap();
    for peer in &peers {
        assert_eq!(session.peer(peer.id()).await.unwrap().as_ref(), Some(peer));
    }

    // An update that turns a field from `Some` to `None` keeps the old `Some`.
    session
        .cache_peers(vec![
            PeerInfo::Channel {
                id: 2,
                auth: None,
                kind: Some(ChannelKind::Broadcast),
            },
            PeerInfo::Channel {
                id: 3,
                auth: Some(PeerAuth::from_hash(-30)),
                kind: None,
            },
        ])
        .await
        .unwrap();
    assert_eq!(
        session.peer(PeerId::channel_unchecked(2)).await.unwrap(),
        Some(PeerInfo::Channel {
            id: 2,
            auth: Some(PeerAuth::from_hash(-2)),
            kind: Some(ChannelKind::Broadcast),
        })
    );
    assert_eq!(
        session.peer(PeerId::channel_unchecked(3)).await.unwrap(),
        Some(PeerInfo::Channel {
            id: 3,
            auth: Some(PeerAuth::from_hash(-30)),
            kind: None,
        })
    );

    assert_eq!(
        session.updates_state().await.unwrap(),
        UpdatesState::default()
    );
    session
        .set_update_state(UpdateState::All(UpdatesState {
            pts: 1,
            qts: 2,
            date: 3,
            seq: 4,
            channels: vec![
                ChannelState { id: 5, pts: 6 },
                ChannelState { id: 7, pts: 8 },
            ],
        }))
        .await
        .unwrap();
    session
        .set_update_state(UpdateState::Primary {
            pts: 2,
            date: 4,
            seq: 5,
        })
        .await
        .unwrap();
    session
        .set_update_state(UpdateState::Secondary { qts: 3 })
        .await
        .unwrap();
    session
        .set_update_state(UpdateState::Channel { id: 7, pts: 9 })
        .await
        .unwrap();
    assert_eq!(
        session.updates_state().await.unwrap(),
        UpdatesState {
            pts: 2,
            qts: 3,
            date: 4,
            seq: 5,
            channels: vec![
                ChannelState { id: 5, pts: 6 },
                ChannelState { id: 7, pts: 9 },
            ],
        }
    );
}
