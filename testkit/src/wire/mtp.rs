//! The MTProto service layer: what wraps and accompanies RPCs inside a decrypted message.
//!
//! Only the handful of service constructors that real clients send are understood; anything
//! else is handed up as an RPC request, where an unknown method gets an `rpc_error`.

use std::io::{Read, Write};

use grammers_tl_types::{Cursor, Deserializable, Serializable};

/// `msg_container#73f1f8dc messages:vector<%Message> = MessageContainer;`
pub const MSG_CONTAINER: u32 = 0x73f1f8dc;
/// `gzip_packed#3072cfa1 packed_data:bytes = Object;`
pub const GZIP_PACKED: u32 = 0x3072cfa1;
/// `msgs_ack#62d6b459 msg_ids:Vector<long> = MsgsAck;`
pub const MSGS_ACK: u32 = 0x62d6b459;
/// `ping#7abe77ec ping_id:long = Pong;`
pub const PING: u32 = 0x7abe77ec;
/// `ping_delay_disconnect#f3427b8c ping_id:long disconnect_delay:int = Pong;`
pub const PING_DELAY_DISCONNECT: u32 = 0xf3427b8c;
/// `pong#347773c5 msg_id:long ping_id:long = Pong;`
pub const PONG: u32 = 0x347773c5;
/// `rpc_result#f35c6d01 req_msg_id:long result:Object = RpcResult;`
pub const RPC_RESULT: u32 = 0xf35c6d01;
/// `rpc_error#2144ca19 error_code:int error_message:string = RpcError;`
pub const RPC_ERROR: u32 = 0x2144ca19;
/// `get_future_salts#b921bd04 num:int = FutureSalts;`
pub const GET_FUTURE_SALTS: u32 = 0xb921bd04;
/// `future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> = FutureSalts;`
pub const FUTURE_SALTS: u32 = 0xae500895;
/// `destroy_session#e7512126 session_id:long = DestroySessionRes;`
pub const DESTROY_SESSION: u32 = 0xe7512126;
/// `destroy_session_none#62d350c9 session_id:long = DestroySessionRes;`
pub const DESTROY_SESSION_NONE: u32 = 0x62d350c9;
/// `http_wait#9299359f max_delay:int wait_after:int max_wait:int = HttpWait;`
pub const HTTP_WAIT: u32 = 0x9299359f;
/// `msgs_state_req#da69fb52 msg_ids:Vector<long> = MsgsStateReq;`
pub const MSGS_STATE_REQ: u32 = 0xda69fb52;
/// `msg_resend_req#7d861a08 msg_ids:Vector<long> = MsgResendReq;`
pub const MSG_RESEND_REQ: u32 = 0x7d861a08;

/// Gzip a result when it is at least this big (clients accept `gzip_packed` from the server).
pub const GZIP_THRESHOLD: usize = 1024;

/// Something the client asked for, after unwrapping containers and gzip.
#[derive(Debug, PartialEq)]
pub enum Inbound {
    /// An RPC to answer with `rpc_result` for `msg_id`.
    Request {
        /// The request's message id (the `req_msg_id` of the answer).
        msg_id: i64,
        /// The TL-serialized function call.
        body: Vec<u8>,
    },
    /// A ping to answer with a pong.
    Ping {
        /// The ping's message id.
        msg_id: i64,
        /// The client's ping id.
        ping_id: i64,
    },
    /// A `get_future_salts`, answered with a top-level `future_salts` (never inside
    /// `rpc_result`: grammers blocks until it sees one).
    FutureSalts {
        /// The request's message id.
        msg_id: i64,
        /// How many salts were asked for.
        num: i32,
    },
    /// `destroy_session`, answered with `destroy_session_none`.
    DestroySession {
        /// The request's message id.
        msg_id: i64,
        /// The session to destroy.
        session_id: i64,
    },
}

/// Why a message body could not be unwrapped.
#[derive(Debug, thiserror::Error)]
pub enum MtpError {
    /// The TL data ended early or had an unexpected constructor.
    #[error("malformed service message: {0}")]
    Tl(#[from] grammers_tl_types::deserialize::Error),
    /// `gzip_packed` held data that does not inflate.
    #[error("gzip_packed does not inflate: {0}")]
    Gzip(#[from] std::io::Error),
    /// Containers nested deeper than the protocol allows.
    #[error("nested msg_container")]
    NestedContainer,
}

/// Reads the leading constructor id of a TL body.
pub fn constructor_of(body: &[u8]) -> Option<u32> {
    body.get(..4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
}

/// Unwraps one client message into the things to answer, in order.
pub fn unwrap(msg_id: i64, body: Vec<u8>, out: &mut Vec<Inbound>) -> Result<(), MtpError> {
    unwrap_at(msg_id, body, out, 0)
}

fn unwrap_at(
    msg_id: i64,
    body: Vec<u8>,
    out: &mut Vec<Inbound>,
    depth: u8,
) -> Result<(), MtpError> {
    let mut cursor = Cursor::from_slice(&body);
    let Some(id) = constructor_of(&body) else {
        return Err(MtpError::Tl(
            grammers_tl_types::deserialize::Error::UnexpectedEof,
        ));
    };
    u32::deserialize(&mut cursor)?;
    match id {
        MSG_CONTAINER => {
            if depth > 0 {
                return Err(MtpError::NestedContainer);
            }
            let count = i32::deserialize(&mut cursor)?;
            for _ in 0..count.max(0) {
                let inner_id = i64::deserialize(&mut cursor)?;
                let _seq_no = i32::deserialize(&mut cursor)?;
                let len = i32::deserialize(&mut cursor)?;
                let len = usize::try_from(len)
                    .map_err(|_| grammers_tl_types::deserialize::Error::UnexpectedEof)?;
                let mut inner = vec![0u8; len];
                cursor.read_exact(&mut inner)?;
                unwrap_at(inner_id, inner, out, depth + 1)?;
            }
        }
        GZIP_PACKED => {
            let packed = Vec::<u8>::deserialize(&mut cursor)?;
            let inflated = gunzip(&packed)?;
            unwrap_at(msg_id, inflated, out, depth)?;
        }
        PING | PING_DELAY_DISCONNECT => {
            let ping_id = i64::deserialize(&mut cursor)?;
            out.push(Inbound::Ping { msg_id, ping_id });
        }
        GET_FUTURE_SALTS => {
            let num = i32::deserialize(&mut cursor)?;
            out.push(Inbound::FutureSalts { msg_id, num });
        }
        DESTROY_SESSION => {
            let session_id = i64::deserialize(&mut cursor)?;
            out.push(Inbound::DestroySession { msg_id, session_id });
        }
        MSGS_ACK | HTTP_WAIT | MSGS_STATE_REQ | MSG_RESEND_REQ => {}
        _ => out.push(Inbound::Request { msg_id, body }),
    }
    Ok(())
}

/// Inflates gzip data.
pub fn gunzip(data: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data).read_to_end(&mut out)?;
    Ok(out)
}

/// Wraps a serialized object in `gzip_packed`.
pub fn gzip_packed(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder
        .write_all(data)
        .expect("writing to a Vec never fails");
    let packed = encoder.finish().expect("writing to a Vec never fails");
    let mut out = Vec::with_capacity(packed.len() + 8);
    GZIP_PACKED.serialize(&mut out);
    packed.serialize(&mut out);
    out
}

/// `rpc_result` carrying a successful answer (gzipped when large and compressible).
pub fn rpc_result(req_msg_id: i64, result: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(result.len() + 12);
    RPC_RESULT.serialize(&mut out);
    req_msg_id.serialize(&mut out);
    if result.len() >= GZIP_THRESHOLD {
        let packed = gzip_packed(result);
        if packed.len() < result.len() {
            out.extend_from_slice(&packed);
            return out;
        }
    }
    out.extend_from_slice(result);
    out
}

/// `rpc_result` carrying an `rpc_error`.
pub fn rpc_error(req_msg_id: i64, code: i32, message: &str) -> Vec<u8> {
    let mut out = Vec::new();
    RPC_RESULT.serialize(&mut out);
    req_msg_id.serialize(&mut out);
    RPC_ERROR.serialize(&mut out);
    code.serialize(&mut out);
    message.to_string().serialize(&mut out);
    out
}

/// `pong` for a ping.
pub fn pong(msg_id: i64, ping_id: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(20);
    PONG.serialize(&mut out);
    msg_id.serialize(&mut out);
    ping_id.serialize(&mut out);
    out
}

/// `future_salts` with `num` salts, all 0 (the testkit never rotates salts).
pub fn future_salts(req_msg_id: i64, now: i32, num: i32) -> Vec<u8> {
    let mut out = Vec::new();
    FUTURE_SALTS.serialize(&mut out);
    req_msg_id.serialize(&mut out);
    now.serialize(&mut out);
    let num = num.clamp(1, 64);
    num.serialize(&mut out);
    for i in 0..num {
        (now + i * 3600).serialize(&mut out);
        (now + (i + 1) * 3600).serialize(&mut out);
        0i64.serialize(&mut out);
    }
    out
}

/// `destroy_session_none` wrapped in `rpc_result`.
pub fn destroy_session_none(req_msg_id: i64, session_id: i64) -> Vec<u8> {
    let mut inner = Vec::new();
    DESTROY_SESSION_NONE.serialize(&mut inner);
    session_id.serialize(&mut inner);
    rpc_result(req_msg_id, &inner)
}

/// Whether a server message counts as content-related (odd seq_no) for the seq_no rules.
pub fn is_content_related(body: &[u8]) -> bool {
    !matches!(constructor_of(body), Some(MSGS_ACK | MSG_CONTAINER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_and_gzip_unwrap_in_order() {
        let mut ping = Vec::new();
        PING.serialize(&mut ping);
        9i64.serialize(&mut ping);
        let request = vec![1, 2, 3, 4, 0, 0, 0, 0];
        let mut container = Vec::new();
        MSG_CONTAINER.serialize(&mut container);
        2i32.serialize(&mut container);
        for (id, body) in [(10i64, gzip_packed(&request)), (11, ping)] {
            id.serialize(&mut container);
            1i32.serialize(&mut container);
            (body.len() as i32).serialize(&mut container);
            container.extend_from_slice(&body);
        }
        let mut out = Vec::new();
        unwrap(1, container, &mut out).unwrap();
        assert_eq!(
            out,
            [
                Inbound::Request {
                    msg_id: 10,
                    body: request
                },
                Inbound::Ping {
                    msg_id: 11,
                    ping_id: 9
                }
            ]
        );
    }
}
