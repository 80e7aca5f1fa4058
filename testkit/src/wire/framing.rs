//! Transport framing: how packets are cut out of the TCP stream.
//!
//! grammers and Telethon use the *Full* framing (`len | seq | payload | crc32`); Pyrogram forks
//! use *Abridged* (a `0xef` marker byte, then lengths in 4-byte words) and some clients use
//! *Intermediate* (`0xeeeeeeee`, then plain lengths). The framing is detected from the first
//! bytes a client sends, and answers are framed the same way.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

/// Largest packet the server accepts (Telegram's own limit is about 1 MiB per message).
const MAX_PACKET: usize = 2 * 1024 * 1024;

/// The framing a connection uses, with its per-direction state.
#[derive(Debug)]
pub enum Framing {
    /// `len:i32 | seq:i32 | payload | crc32:u32`, `len` counting all four parts.
    Full {
        /// Sequence number expected on the next packet from the client.
        recv_seq: i32,
        /// Sequence number of the next packet sent to the client.
        send_seq: i32,
    },
    /// `0xef` once, then `len/4` in one byte (or `0x7f` and three bytes), then the payload.
    Abridged,
    /// `0xeeeeeeee` once, then `len:u32 | payload`.
    Intermediate,
}

/// Why a packet could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FramingError {
    /// The socket failed or closed.
    #[error("socket: {0}")]
    Io(#[from] io::Error),
    /// A length field was out of range.
    #[error("bad packet length {0}")]
    BadLength(usize),
    /// The Full framing's checksum did not match.
    #[error("bad crc32 in Full framing packet")]
    BadCrc,
    /// The Full framing's sequence number was not the expected one.
    #[error("bad Full framing seq: expected {expected}, got {got}")]
    BadSeq {
        /// What the server expected.
        expected: i32,
        /// What the client sent.
        got: i32,
    },
}

impl Framing {
    /// Detects the framing from the first bytes of a connection and reads the first packet.
    pub async fn accept<R: AsyncRead + Unpin>(
        reader: &mut R,
    ) -> Result<(Framing, Vec<u8>), FramingError> {
        let first = reader.read_u8().await?;
        if first == 0xef {
            let mut framing = Framing::Abridged;
            let packet = framing.read_packet(reader).await?;
            return Ok((framing, packet));
        }
        let mut head = [first, 0, 0, 0];
        reader.read_exact(&mut head[1..]).await?;
        if head == [0xee; 4] {
            let mut framing = Framing::Intermediate;
            let packet = framing.read_packet(reader).await?;
            return Ok((framing, packet));
        }
        let mut framing = Framing::Full {
            recv_seq: 0,
            send_seq: 0,
        };
        let packet = framing.read_full_after_len(reader, head).await?;
        Ok((framing, packet))
    }

    /// Reads the next packet's payload.
    pub async fn read_packet<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut R,
    ) -> Result<Vec<u8>, FramingError> {
        match self {
            Framing::Full { .. } => {
                let mut head = [0u8; 4];
                reader.read_exact(&mut head).await?;
                self.read_full_after_len(reader, head).await
            }
            Framing::Abridged => {
                let first = reader.read_u8().await?;
                let words = if first < 0x7f {
                    usize::from(first)
                } else {
                    let mut rest = [0u8; 4];
                    reader.read_exact(&mut rest[..3]).await?;
                    u32::from_le_bytes(rest) as usize
                };
                read_payload(reader, words * 4).await
            }
            Framing::Intermediate => {
                let len = reader.read_u32_le().await? as usize;
                read_payload(reader, len).await
            }
        }
    }

    async fn read_full_after_len<R: AsyncRead + Unpin>(
        &mut self,
        reader: &mut R,
        head: [u8; 4],
    ) -> Result<Vec<u8>, FramingError> {
        let Framing::Full { recv_seq, .. } = self else {
            unreachable!("read_full_after_len is only called for the Full framing");
        };
        let len = u32::from_le_bytes(head) as usize;
        if !(12..=MAX_PACKET).contains(&len) {
            return Err(FramingError::BadLength(len));
        }
        let mut rest = vec![0u8; len - 4];
        reader.read_exact(&mut rest).await?;
        let (body, crc) = rest.split_at(len - 8);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&head);
        hasher.update(body);
        if hasher.finalize() != u32::from_le_bytes(crc.try_into().expect("4 bytes")) {
            return Err(FramingError::BadCrc);
        }
        let seq = i32::from_le_bytes(body[..4].try_into().expect("4 bytes"));
        if seq != *recv_seq {
            return Err(FramingError::BadSeq {
                expected: *recv_seq,
                got: seq,
            });
        }
        *recv_seq += 1;
        Ok(body[4..].to_vec())
    }

    /// The same framing with fresh state, for the sending half of a connection.
    pub fn for_sending(&self) -> Framing {
        match self {
            Framing::Full { .. } => Framing::Full {
                recv_seq: 0,
                send_seq: 0,
            },
            Framing::Abridged => Framing::Abridged,
            Framing::Intermediate => Framing::Intermediate,
        }
    }

    /// Frames a payload for sending.
    pub fn frame(&mut self, payload: &[u8]) -> Vec<u8> {
        match self {
            Framing::Full { send_seq, .. } => {
                let len = (payload.len() + 12) as u32;
                let mut out = Vec::with_capacity(payload.len() + 12);
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&send_seq.to_le_bytes());
                out.extend_from_slice(payload);
                let crc = crc32fast::hash(&out);
                out.extend_from_slice(&crc.to_le_bytes());
                *send_seq += 1;
                out
            }
            Framing::Abridged => {
                let words = payload.len() / 4;
                let mut out = Vec::with_capacity(payload.len() + 4);
                if words < 0x7f {
                    out.push(words as u8);
                } else {
                    out.push(0x7f);
                    out.extend_from_slice(&(words as u32).to_le_bytes()[..3]);
                }
                out.extend_from_slice(payload);
                out
            }
            Framing::Intermediate => {
                let mut out = Vec::with_capacity(payload.len() + 4);
                out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
                out.extend_from_slice(payload);
                out
            }
        }
    }
}

async fn read_payload<R: AsyncRead + Unpin>(
    reader: &mut R,
    len: usize,
) -> Result<Vec<u8>, FramingError> {
    if len == 0 || len > MAX_PACKET {
        return Err(FramingError::BadLength(len));
    }
    let mut payload = vec![0u8; len];
    reader.read_exact(&mut payload).await?;
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn full_round_trip_checks_seq_and_crc() {
        let mut sender = Framing::Full {
            recv_seq: 0,
            send_seq: 0,
        };
        let mut wire = sender.frame(&[1, 2, 3, 4]);
        wire.extend(sender.frame(&[5, 6, 7, 8]));
        let mut reader = &wire[..];
        let (mut framing, first) = Framing::accept(&mut reader).await.unwrap();
        assert_eq!(first, [1, 2, 3, 4]);
        assert_eq!(
            framing.read_packet(&mut reader).await.unwrap(),
            [5, 6, 7, 8]
        );

        let mut corrupt = Framing::Full {
            recv_seq: 0,
            send_seq: 0,
        }
        .frame(&[1, 2, 3, 4]);
        corrupt[9] ^= 1;
        let err = Framing::accept(&mut &corrupt[..]).await.unwrap_err();
        assert!(matches!(err, FramingError::BadCrc));
    }

    #[tokio::test]
    async fn abridged_long_lengths() {
        let payload = vec![7u8; 4 * 200];
        let mut framing = Framing::Abridged;
        let mut wire = vec![0xef];
        wire.extend(framing.frame(&payload));
        let (_, got) = Framing::accept(&mut &wire[..]).await.unwrap();
        assert_eq!(got, payload);
    }
}
