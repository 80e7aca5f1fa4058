//! The wire seen by a hand-rolled client: the Abridged framing (Pyrogram forks' default),
//! pings, server msg_id rules, the session id echo, and the service layer's first answer
//! (`bad_server_salt`, then `new_session_created`) exactly as Pyrogram meets it: its first
//! message is a `ping` with salt 0 (`pyrogram/session/session.py`, `Session.start`).

use std::time::{SystemTime, UNIX_EPOCH};

use grammers_crypto::{AuthKey, DequeBuffer, decrypt_data_v2, encrypt_data_v2};
use oxygram_testkit::{TestKit, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn packet(key: &AuthKey, session_id: i64, msg_id: i64, body: &[u8]) -> Vec<u8> {
    salted_packet(key, 0, session_id, msg_id, body)
}

fn salted_packet(key: &AuthKey, salt: i64, session_id: i64, msg_id: i64, body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    plain.extend_from_slice(&salt.to_le_bytes());
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

/// Reads one Abridged packet and decrypts it: (salt, session id, msg id, seq_no, body).
async fn read_message(stream: &mut TcpStream, key: &AuthKey) -> (i64, i64, i64, i32, Vec<u8>) {
    let words = stream.read_u8().await.unwrap();
    assert!(words < 0x7f);
    let mut answer = vec![0u8; usize::from(words) * 4];
    stream.read_exact(&mut answer).await.unwrap();
    let plain = decrypt_data_v2(&mut answer, key).unwrap();
    let long = |at: usize| i64::from_le_bytes(plain[at..at + 8].try_into().unwrap());
    let seq_no = i32::from_le_bytes(plain[24..28].try_into().unwrap());
    let len = i32::from_le_bytes(plain[28..32].try_into().unwrap()) as usize;
    (
        long(0),
        long(8),
        long(16),
        seq_no,
        plain[32..32 + len].to_vec(),
    )
}

fn u32_at(body: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(body[at..at + 4].try_into().unwrap())
}

fn i64_at(body: &[u8], at: usize) -> i64 {
    i64::from_le_bytes(body[at..at + 8].try_into().unwrap())
}

async fn send_abridged(stream: &mut TcpStream, payload: &[u8], first: bool) {
    let mut wire = if first { vec![0xef] } else { Vec::new() };
    wire.push((payload.len() / 4) as u8);
    wire.extend_from_slice(payload);
    stream.write_all(&wire).await.unwrap();
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
    let mut stream = TcpStream::connect(kit.addr()).await.unwrap();

    // Salt 0 is refused: bad_server_salt names our message and carries the salt to use.
    send_abridged(
        &mut stream,
        &packet(&key, session_id, now << 32, &ping),
        true,
    )
    .await;
    let (_, echoed, server_msg_id, seq_no, body) = read_message(&mut stream, &key).await;
    assert_eq!(echoed, session_id, "the client's session id is echoed");
    assert_eq!(server_msg_id % 2, 1, "server msg ids are odd");
    assert_eq!(seq_no % 2, 0, "bad_server_salt needs no ack");
    assert_eq!(u32_at(&body, 0), 0xedab447b, "bad_server_salt");
    assert_eq!(i64_at(&body, 4), now << 32, "bad_msg_id is our message");
    assert_eq!(u32_at(&body, 12), 1, "bad_msg_seqno is ours");
    assert_eq!(
        u32_at(&body, 16),
        48,
        "error_code 48: incorrect server salt"
    );
    let salt = i64_at(&body, 20);
    assert_ne!(salt, 0);
    assert_eq!(kit.service_stats().sessions_created, 0);

    // Resent with that salt: the session is created, then the ping is answered.
    let msg_id = (now << 32) + 4;
    send_abridged(
        &mut stream,
        &salted_packet(&key, salt, session_id, msg_id, &ping),
        false,
    )
    .await;
    let (server_salt, _, _, seq_no, body) = read_message(&mut stream, &key).await;
    assert_eq!(
        server_salt, salt,
        "the server's messages carry the current salt"
    );
    assert_eq!(seq_no % 2, 1, "new_session_created must be acknowledged");
    assert_eq!(u32_at(&body, 0), 0x9ec20908, "new_session_created");
    assert_eq!(
        i64_at(&body, 4),
        msg_id,
        "first_msg_id is the resent message"
    );
    assert_eq!(i64_at(&body, 20), salt, "server_salt");

    let (_, _, server_msg_id, _, body) = read_message(&mut stream, &key).await;
    assert!(
        ((server_msg_id >> 32) - now).abs() <= 30,
        "server msg ids carry the time"
    );
    assert_eq!(u32_at(&body, 0), 0x347773c5);
    assert_eq!(i64_at(&body, 4), msg_id);
    assert_eq!(i64_at(&body, 12), 777);
    let stats = kit.service_stats();
    assert_eq!((stats.bad_server_salts, stats.sessions_created), (1, 1));
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
