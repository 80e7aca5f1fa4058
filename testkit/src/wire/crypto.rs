//! MTProto 2.0 message encryption, server side.
//!
//! grammers only ships the client half (`encrypt_data_v2` encrypts *to* the server), so the
//! server half is written out here from the spec; AES-IGE itself comes from `grammers_crypto`.

use grammers_crypto::aes::{ige_decrypt, ige_encrypt};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A 256-byte MTProto authorization key. `Debug` never prints the key material.
#[derive(Clone)]
pub struct AuthKey {
    bytes: [u8; 256],
    id: i64,
}

impl std::fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthKey")
            .field("id", &format_args!("{:016x}", self.id))
            .finish_non_exhaustive()
    }
}

impl AuthKey {
    /// Wraps key material; the id is `SHA1(key)[12..20]` read as a little-endian i64.
    pub fn from_bytes(bytes: [u8; 256]) -> Self {
        let digest = Sha1::digest(bytes);
        let id = i64::from_le_bytes(digest[12..20].try_into().expect("8 bytes"));
        Self { bytes, id }
    }

    /// A fresh random key.
    pub fn random() -> Self {
        let mut bytes = [0u8; 256];
        crate::random::fill(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// The key id that prefixes every encrypted packet.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// The raw key material (to write it into a client session).
    pub fn bytes(&self) -> &[u8; 256] {
        &self.bytes
    }
}

/// A decrypted client message: the plaintext header fields and the body.
#[derive(Debug)]
pub struct Plaintext {
    /// The server salt the client used.
    pub salt: i64,
    /// The client's session id; answers must echo it.
    pub session_id: i64,
    /// The client's message id.
    pub msg_id: i64,
    /// The client's sequence number.
    pub seq_no: i32,
    /// The message body (a TL object).
    pub body: Vec<u8>,
}

/// Why a packet could not be decrypted.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CryptoError {
    /// The packet is shorter than its header or not a multiple of 16 bytes.
    #[error("encrypted packet has a bad size ({0} bytes)")]
    BadSize(usize),
    /// The msg_key did not match the decrypted plaintext.
    #[error("msg_key mismatch (wrong key or corrupted packet)")]
    MsgKeyMismatch,
    /// The plaintext length field is out of range.
    #[error("bad plaintext length field")]
    BadLength,
}

/// Reads the auth key id of an encrypted packet (0 for unencrypted ones).
pub fn packet_key_id(packet: &[u8]) -> Option<i64> {
    packet
        .get(..8)
        .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&hasher.finalize());
    out
}

/// `x` is 0 for client→server and 8 for server→client.
fn aes_key_iv(key: &[u8; 256], msg_key: &[u8], x: usize) -> ([u8; 32], [u8; 32]) {
    let a = sha256(&[msg_key, &key[x..x + 36]]);
    let b = sha256(&[&key[40 + x..76 + x], msg_key]);
    let mut aes_key = [0u8; 32];
    aes_key[..8].copy_from_slice(&a[..8]);
    aes_key[8..24].copy_from_slice(&b[8..24]);
    aes_key[24..].copy_from_slice(&a[24..]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&b[..8]);
    iv[8..24].copy_from_slice(&a[8..24]);
    iv[24..].copy_from_slice(&b[24..]);
    (aes_key, iv)
}

/// Decrypts a client packet (`auth_key_id | msg_key | encrypted_data`).
pub fn decrypt_from_client(key: &AuthKey, packet: &[u8]) -> Result<Plaintext, CryptoError> {
    if packet.len() < 24 + 32 || !(packet.len() - 24).is_multiple_of(16) {
        return Err(CryptoError::BadSize(packet.len()));
    }
    let msg_key = &packet[8..24];
    let (aes_key, iv) = aes_key_iv(&key.bytes, msg_key, 0);
    let mut plain = packet[24..].to_vec();
    ige_decrypt(&mut plain, &aes_key, &iv);
    let expected = sha256(&[&key.bytes[88..120], &plain]);
    if expected[8..24] != *msg_key {
        return Err(CryptoError::MsgKeyMismatch);
    }
    let read_i64 = |at: usize| i64::from_le_bytes(plain[at..at + 8].try_into().expect("8 bytes"));
    let salt = read_i64(0);
    let session_id = read_i64(8);
    let msg_id = read_i64(16);
    let seq_no = i32::from_le_bytes(plain[24..28].try_into().expect("4 bytes"));
    let len = i32::from_le_bytes(plain[28..32].try_into().expect("4 bytes"));
    let len = usize::try_from(len).map_err(|_| CryptoError::BadLength)?;
    if len > plain.len() - 32 || len % 4 != 0 {
        return Err(CryptoError::BadLength);
    }
    let body = plain[32..32 + len].to_vec();
    Ok(Plaintext {
        salt,
        session_id,
        msg_id,
        seq_no,
        body,
    })
}

/// Encrypts one server message for the client holding `key`, carrying the key's current
/// server `salt` (clients do not check it, but Telegram sends its own there).
pub fn encrypt_to_client(
    key: &AuthKey,
    salt: i64,
    session_id: i64,
    msg_id: i64,
    seq_no: i32,
    body: &[u8],
) -> Vec<u8> {
    let mut plain = Vec::with_capacity(32 + body.len() + 1024);
    plain.extend_from_slice(&salt.to_le_bytes());
    plain.extend_from_slice(&session_id.to_le_bytes());
    plain.extend_from_slice(&msg_id.to_le_bytes());
    plain.extend_from_slice(&seq_no.to_le_bytes());
    plain.extend_from_slice(&(body.len() as i32).to_le_bytes());
    plain.extend_from_slice(body);
    // 12..1024 bytes of padding, total a multiple of 16.
    let mut pad = 12 + (16 - (plain.len() + 12) % 16) % 16;
    let mut extra = [0u8; 1];
    crate::random::fill(&mut extra);
    pad += 16 * usize::from(extra[0] % 4);
    let start = plain.len();
    plain.resize(start + pad, 0);
    crate::random::fill(&mut plain[start..]);

    let big = sha256(&[&key.bytes[96..128], &plain]);
    let msg_key = &big[8..24];
    let (aes_key, iv) = aes_key_iv(&key.bytes, msg_key, 8);
    ige_encrypt(&mut plain, &aes_key, &iv);
    let mut packet = Vec::with_capacity(24 + plain.len());
    packet.extend_from_slice(&key.id.to_le_bytes());
    packet.extend_from_slice(msg_key);
    packet.extend_from_slice(&plain);
    packet
}

#[cfg(test)]
mod tests {
    use super::*;
    use grammers_crypto::DequeBuffer;

    #[test]
    fn client_packets_from_grammers_decrypt() {
        let key = AuthKey::random();
        let grammers_key = grammers_crypto::AuthKey::from_bytes(*key.bytes());
        let mut plain = Vec::new();
        plain.extend_from_slice(&5i64.to_le_bytes());
        plain.extend_from_slice(&77i64.to_le_bytes());
        plain.extend_from_slice(&99i64.to_le_bytes());
        plain.extend_from_slice(&1i32.to_le_bytes());
        plain.extend_from_slice(&4i32.to_le_bytes());
        plain.extend_from_slice(&[1, 2, 3, 4]);
        let mut buffer = DequeBuffer::with_capacity(plain.len(), 0);
        buffer.extend(plain);
        grammers_crypto::encrypt_data_v2(&mut buffer, &grammers_key);
        let packet: Vec<u8> = buffer.as_ref().to_vec();
        assert_eq!(packet_key_id(&packet), Some(key.id()));
        let got = decrypt_from_client(&key, &packet).unwrap();
        assert_eq!((got.salt, got.session_id, got.msg_id), (5, 77, 99));
        assert_eq!(got.body, [1, 2, 3, 4]);
    }

    #[test]
    fn server_packets_decrypt_in_grammers() {
        let key = AuthKey::random();
        let grammers_key = grammers_crypto::AuthKey::from_bytes(*key.bytes());
        let mut packet = encrypt_to_client(&key, 5, 42, 7, 1, &[9, 9, 9, 9]);
        let plain = grammers_crypto::decrypt_data_v2(&mut packet, &grammers_key).unwrap();
        assert_eq!(&plain[..8], &5i64.to_le_bytes());
        assert_eq!(&plain[8..16], &42i64.to_le_bytes());
        assert_eq!(&plain[32..36], &[9, 9, 9, 9]);
    }
}
