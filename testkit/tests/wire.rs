//! The wire seen by a hand-rolled client: the Abridged framing (Pyrogram forks' default),
//! pings, server msg_id rules and the session id echo.

use std::time::{SystemTime, UNIX_EPOCH};

use grammers_crypto::{AuthKey, DequeBuffer, decrypt_data_v2, encrypt_data_v2};
use oxygram_testkit::{TestKit, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn packet(key: &AuthKey, session_id: i64, msg_id: i64, body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    plain.extend_from_slice(&0i64.to_le_bytes());
    plain.extend_from_slice(&session_id.to_le_bytes());
    plain.extend_from_slice(&msg_id.to_le_bytes());
    plain.extend_from_slice(&1i32.to_le_bytes());
    plain.extend_from_slice(&(body.len() as i32).to_le_bytes());
    plain.extend_from_slice(body);
    let mut buffer = DequeBuffer::with_capacity(plain.len(), 0);
    buffer.extend(plain);
    encrypt_data_v2(&mut buffer, key);
    buffer.as_ref().to_vec()
}

#[tokio::test]
async fn abridged_ping_gets_an_odd_current_pong_with_our_session_id() {
    let kit = TestKit::start(World::new()).await.unwrap();
    let data = kit.session_data();
    let key_bytes = data.dc_options[&data.home_dc].auth_key.unwrap();
    let key = AuthKey::from_bytes(key_bytes);
    let session_id = 0x1234_5678_9abc_def0i64;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let mut ping = Vec::new();
    ping.extend_from_slice(&0x7abe77ecu32.to_le_bytes());
    ping.extend_from_slice(&777i64.to_le_bytes());
    let payload = packet(&key, session_id, now << 32, &ping);

    let mut stream = TcpStream::connect(kit.addr()).await.unwrap();
    let mut wire = vec![0xef, (payload.len() / 4) as u8];
    wire.extend_from_slice(&payload);
    stream.write_all(&wire).await.unwrap();

    let words = stream.read_u8().await.unwrap();
    assert!(words < 0x7f);
    let mut answer = vec![0u8; usize::from(words) * 4];
    stream.read_exact(&mut answer).await.unwrap();
    let plain = decrypt_data_v2(&mut answer, &key).unwrap();
    let field = |at: usize| i64::from_le_bytes(plain[at..at + 8].try_into().unwrap());
    assert_eq!(field(8), session_id, "the client's session id is echoed");
    let server_msg_id = field(16);
    assert_eq!(server_msg_id % 2, 1, "server msg ids are odd");
    assert!(
        ((server_msg_id >> 32) - now).abs() <= 30,
        "server msg ids carry the time"
    );
    let body = &plain[32..];
    assert_eq!(
        u32::from_le_bytes(body[..4].try_into().unwrap()),
        0x347773c5
    );
    assert_eq!(
        i64::from_le_bytes(body[4..12].try_into().unwrap()),
        now << 32
    );
    assert_eq!(i64::from_le_bytes(body[12..20].try_into().unwrap()), 777);
}

#[tokio::test]
async fn unknown_keys_are_closed_not_answered_with_404() {
    let kit = TestKit::start(World::new()).await.unwrap();
    let stranger = AuthKey::from_bytes([7u8; 256]);
    let payload = packet(&stranger, 1, 1 << 32, &[0, 0, 0, 0]);
    let mut stream = TcpStream::connect(kit.addr()).await.unwrap();
    let mut wire = vec![0xef, (payload.len() / 4) as u8];
    wire.extend_from_slice(&payload);
    stream.write_all(&wire).await.unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut rest),
    )
    .await
    .expect("the server closes the connection");
    assert_eq!(read.unwrap(), 0, "no transport error (-404) is sent");
}
