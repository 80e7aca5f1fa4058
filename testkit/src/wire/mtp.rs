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
/// `bad_msg_notification#a7eff811 bad_msg_id:long bad_msg_seqno:int error_code:int = BadMsgNotification;`
pub const BAD_MSG_NOTIFICATION: u32 = 0xa7eff811;
/// `bad_server_salt#edab447b bad_msg_id:long bad_msg_seqno:int error_code:int new_server_salt:long = BadMsgNotification;`
pub const BAD_SERVER_SALT: u32 = 0xedab447b;
/// The `error_code` of `bad_server_salt`: "incorrect server salt".
pub const BAD_SALT_CODE: i32 = 48;
/// `new_session_created#9ec20908 first_msg_id:long unique_id:long server_salt:long = NewSession;`
pub const NEW_SESSION_CREATED: u32 = 0x9ec20908;
/// `destroy_session#e7512126 session_id:long = DestroySessionRes;`
pub const DESTROY_SESSION: u32 = 0xe7512126;
/// `destroy_session_ok#e22045fc session_id:long = DestroySessionRes;`
pub const DESTROY_SESSION_OK: u32 = 0xe22045fc;
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
    /// `destroy_session`, answered with `destroy_session_ok` when the server knew that
    /// session, `destroy_session_none` otherwise.
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

/// `future_salts`: sent top-level, never inside `rpc_result` (grammers blocks every request
/// until it sees one, and matches it by `req_msg_id`).
pub fn future_salts(req_msg_id: i64, now: i32, salts: &[super::salts::FutureSalt]) -> Vec<u8> {
    let mut out = Vec::with_capacity(20 + salts.len() * 16);
    FUTURE_SALTS.serialize(&mut out);
    req_msg_id.serialize(&mut out);
    now.serialize(&mut out);
    // `vector<future_salt>` is bare: a count, then bare `future_salt`s (no constructor ids).
    (salts.len() as i32).serialize(&mut out);
    for salt in salts {
        salt.valid_since.serialize(&mut out);
        salt.valid_until.serialize(&mut out);
        salt.salt.serialize(&mut out);
    }
    out
}

/// `bad_server_salt` for a rejected client message (`bad_msg_id` is the id of the outermost
/// message, the container's when it was one: clients match either).
pub fn bad_server_salt(bad_msg_id: i64, bad_msg_seqno: i32, new_server_salt: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(28);
    BAD_SERVER_SALT.serialize(&mut out);
    bad_msg_id.serialize(&mut out);
    bad_msg_seqno.serialize(&mut out);
    BAD_SALT_CODE.serialize(&mut out);
    new_server_salt.serialize(&mut out);
    out
}

/// `new_session_created`, sent before the answers to the message that created the session.
pub fn new_session_created(first_msg_id: i64, unique_id: i64, server_salt: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(28);
    NEW_SESSION_CREATED.serialize(&mut out);
    first_msg_id.serialize(&mut out);
    unique_id.serialize(&mut out);
    server_salt.serialize(&mut out);
    out
}

/// The lowest message id in a client message: the message's own, or for a container the
/// lowest of its contents (a container's id must be above theirs). Malformed containers
/// give the outer id; unwrapping reports them.
pub fn first_msg_id(msg_id: i64, body: &[u8]) -> i64 {
    if constructor_of(body) != Some(MSG_CONTAINER) {
        return msg_id;
    }
    let mut cursor = Cursor::from_slice(&body[4..]);
    let Ok(count) = i32::deserialize(&mut cursor) else {
        return msg_id;
    };
    let mut lowest = msg_id;
    for _ in 0..count.max(0) {
        let (Ok(inner_id), Ok(_seq_no), Ok(len)) = (
            i64::deserialize(&mut cursor),
            i32::deserialize(&mut cursor),
            i32::deserialize(&mut cursor),
        ) else {
            break;
        };
        lowest = lowest.min(inner_id);
        let Ok(len) = usize::try_from(len) else {
            break;
        };
        let mut skip = vec![0u8; len];
        if cursor.read_exact(&mut skip).is_err() {
            break;
        }
    }
    lowest
}

/// `destroy_session_ok` (the session existed and is forgotten) or `destroy_session_none`,
/// wrapped in `rpc_result`.
pub fn destroy_session_res(req_msg_id: i64, session_id: i64, existed: bool) -> Vec<u8> {
    let mut inner = Vec::new();
    if existed {
        DESTROY_SESSION_OK.serialize(&mut inner);
    } else {
        DESTROY_SESSION_NONE.serialize(&mut inner);
    }
    session_id.serialize(&mut inner);
    rpc_result(req_msg_id, &inner)
}

/// Whether a server message counts as content-related (odd seq_no) for the seq_no rules.
///
/// Notifications of an ignored message and `future_salts` need no acknowledgment
/// (core.telegram.org/mtproto/service_messages_about_messages, service_messages), so they are
/// not content-related; `new_session_created` "must be acknowledged", so it is.
pub fn is_content_related(body: &[u8]) -> bool {
    !matches!(
        constructor_of(body),
        Some(MSGS_ACK | MSG_CONTAINER | BAD_SERVER_SALT | BAD_MSG_NOTIFICATION | FUTURE_SALTS)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_msg_id_of_a_container_is_its_lowest_inner_id() {
        let mut container = Vec::new();
        MSG_CONTAINER.serialize(&mut container);
        2i32.serialize(&mut container);
        for id in [40i64, 36] {
            id.serialize(&mut container);
            1i32.serialize(&mut container);
            8i32.serialize(&mut container);
            container.extend_from_slice(&[0; 8]);
        }
        assert_eq!(first_msg_id(44, &container), 36);
        assert_eq!(first_msg_id(44, &[1, 2, 3, 4]), 44);
    }

    #[test]
    fn service_notifications_decode_as_grammers_types() {
        use grammers_tl_types::{self as tl, Deserializable as _};
        let bad = bad_server_salt(12, 3, 99);
        match tl::enums::BadMsgNotification::from_bytes(&bad).unwrap() {
            tl::enums::BadMsgNotification::BadServerSalt(x) => {
                assert_eq!((x.bad_msg_id, x.bad_msg_seqno, x.error_code), (12, 3, 48));
                assert_eq!(x.new_server_salt, 99);
            }
            other => panic!("{other:?}"),
        }
        let created = new_session_created(1, 2, 3);
        let tl::enums::NewSession::Created(x) =
            tl::enums::NewSession::from_bytes(&created).unwrap();
        assert_eq!((x.first_msg_id, x.unique_id, x.server_salt), (1, 2, 3));
        let salts = [super::super::salts::FutureSalt {
            valid_since: 10,
            valid_until: 20,
            salt: 7,
        }];
        let tl::enums::FutureSalts::Salts(x) =
            tl::enums::FutureSalts::from_bytes(&future_salts(5, 11, &salts)).unwrap();
        assert_eq!((x.req_msg_id, x.now, x.salts.0.len()), (5, 11, 1));
        assert_eq!(x.salts.0[0].salt, 7);
    }

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
