//! RPC dispatch: from a TL-serialized function call to a TL-serialized answer or an error.
//!
//! Requests are parsed with grammers-tl-types' `deserializable-functions` (the same layer the
//! client speaks). Wrappers (`invokeWithLayer`, `initConnection`, `invokeWithoutUpdates`,
//! `invokeAfterMsg(s)`) are peeled here; the methods themselves live in one file per
//! namespace. An unknown method gets `400 METHOD_NOT_SUPPORTED_BY_TESTKIT` and a warning
//! naming it, so a missing feature is visible instead of a hang.

mod account;
mod auth;
mod contacts;
mod help;
mod messages;
mod updates;
mod users;

use grammers_tl_types as tl;
use grammers_tl_types::{Cursor, Deserializable, Identifiable, Serializable};

use crate::state::State;

/// An RPC error as Telegram names it (`400 PEER_ID_INVALID`, `420 FLOOD_WAIT_3`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcFail {
    /// The HTTP-like error code.
    pub code: i32,
    /// The error name, with its numeric value appended when it has one.
    pub name: String,
}

impl RpcFail {
    /// A `400` error.
    pub fn bad_request(name: &str) -> Self {
        Self {
            code: 400,
            name: name.into(),
        }
    }

    /// `401 AUTH_KEY_UNREGISTERED`: the key is not logged in.
    pub fn unauthorized() -> Self {
        Self {
            code: 401,
            name: "AUTH_KEY_UNREGISTERED".into(),
        }
    }

    /// An error with an explicit code.
    pub fn new(code: i32, name: impl Into<String>) -> Self {
        Self {
            code,
            name: name.into(),
        }
    }
}

/// What a connection knows about itself, carried across its requests.
#[derive(Debug, Default)]
pub(crate) struct ConnInfo {
    pub(crate) conn_id: u64,
    pub(crate) key_id: i64,
    pub(crate) api_id: Option<i32>,
    pub(crate) layer: Option<i32>,
}

/// A query of unknown type: the rest of the buffer (wrapped calls are read generically).
struct RawQuery(Vec<u8>);

impl Deserializable for RawQuery {
    fn deserialize(buf: &mut Cursor) -> tl::deserialize::Result<Self> {
        let mut out = Vec::new();
        buf.read_to_end(&mut out)?;
        Ok(RawQuery(out))
    }
}

/// The innermost method of a request, after the wrappers.
pub(crate) struct Unwrapped<'a> {
    pub(crate) body: std::borrow::Cow<'a, [u8]>,
}

/// Peels the invoke/init wrappers, recording what they say about the connection.
pub(crate) fn unwrap_invoke<'a>(
    conn: &mut ConnInfo,
    body: &'a [u8],
) -> Result<Unwrapped<'a>, RpcFail> {
    let mut body: std::borrow::Cow<'a, [u8]> = body.into();
    loop {
        let id = constructor(&body)?;
        let rest = &body[4..];
        let inner = match id {
            tl::functions::InvokeWithLayer::<RawQuery>::CONSTRUCTOR_ID => {
                let f = parse::<tl::functions::InvokeWithLayer<RawQuery>>(rest)?;
                conn.layer = Some(f.layer);
                f.query.0
            }
            tl::functions::InitConnection::<RawQuery>::CONSTRUCTOR_ID => {
                let f = parse::<tl::functions::InitConnection<RawQuery>>(rest)?;
                conn.api_id = Some(f.api_id);
                f.query.0
            }
            tl::functions::InvokeWithoutUpdates::<RawQuery>::CONSTRUCTOR_ID => {
                parse::<tl::functions::InvokeWithoutUpdates<RawQuery>>(rest)?
                    .query
                    .0
            }
            tl::functions::InvokeAfterMsg::<RawQuery>::CONSTRUCTOR_ID => {
                parse::<tl::functions::InvokeAfterMsg<RawQuery>>(rest)?
                    .query
                    .0
            }
            tl::functions::InvokeAfterMsgs::<RawQuery>::CONSTRUCTOR_ID => {
                parse::<tl::functions::InvokeAfterMsgs<RawQuery>>(rest)?
                    .query
                    .0
            }
            _ => return Ok(Unwrapped { body }),
        };
        body = inner.into();
    }
}

fn constructor(body: &[u8]) -> Result<u32, RpcFail> {
    crate::wire::mtp::constructor_of(body)
        .ok_or_else(|| RpcFail::bad_request("INPUT_REQUEST_INVALID"))
}

/// Parses a function's fields (after its constructor id).
pub(crate) fn parse<F: Deserializable>(rest: &[u8]) -> Result<F, RpcFail> {
    F::from_bytes(rest).map_err(|_| RpcFail::bad_request("INPUT_CONSTRUCTOR_INVALID"))
}

/// The TL name of a method, for logs and the RPC record.
pub(crate) fn method_name(body: &[u8]) -> &'static str {
    crate::wire::mtp::constructor_of(body)
        .map(tl::name_for_id)
        .unwrap_or("<empty>")
}

/// Who is calling, resolved from the connection's key.
pub(crate) struct Caller<'a> {
    pub(crate) conn: &'a ConnInfo,
    /// The account the key is logged in as, if any.
    pub(crate) account: Option<i64>,
}

impl Caller<'_> {
    /// The logged-in account, or `401 AUTH_KEY_UNREGISTERED`.
    pub(crate) fn me(&self) -> Result<i64, RpcFail> {
        self.account.ok_or_else(RpcFail::unauthorized)
    }
}

/// Answers one (unwrapped) method call.
pub(crate) fn dispatch(
    state: &mut State,
    conn: &ConnInfo,
    body: &[u8],
) -> Result<Vec<u8>, RpcFail> {
    if !state.apps.is_empty()
        && let Some(api_id) = conn.api_id
        && !state.apps.iter().any(|(id, _)| *id == api_id)
    {
        return Err(RpcFail::bad_request("API_ID_INVALID"));
    }
    let account = state.keys.get(&conn.key_id).and_then(|k| k.account);
    let caller = Caller { conn, account };
    let id = constructor(body)?;
    let rest = &body[4..];
    use tl::functions as f;
    macro_rules! route {
        ($($ty:ty => $handler:path,)*) => {
            match id {
                $(<$ty>::CONSTRUCTOR_ID => {
                    let request = parse::<$ty>(rest)?;
                    $handler(state, &caller, request).map(|answer| answer.to_bytes())
                })*
                _ => {
                    tracing::warn!(method = method_name(body), "RPC not supported by the testkit");
                    Err(RpcFail::bad_request("METHOD_NOT_SUPPORTED_BY_TESTKIT"))
                }
            }
        };
    }
    route! {
        f::help::GetConfig => help::get_config,
        f::help::GetNearestDc => help::get_nearest_dc,
        f::updates::GetState => updates::get_state,
        f::updates::GetDifference => updates::get_difference,
        f::users::GetUsers => users::get_users,
        f::users::GetFullUser => users::get_full_user,
        f::auth::ImportBotAuthorization => auth::import_bot_authorization,
        f::auth::SendCode => auth::send_code,
        f::auth::ResendCode => auth::resend_code,
        f::auth::SignIn => auth::sign_in,
        f::auth::CheckPassword => auth::check_password,
        f::auth::LogOut => auth::log_out,
        f::account::GetPassword => account::get_password,
        f::messages::SendMessage => messages::send_message,
        f::contacts::ResolveUsername => contacts::resolve_username,
    }
}

/// Resolves an `InputUser` to an account id, checking the access hash.
pub(crate) fn input_user(
    state: &State,
    caller: &Caller,
    input: &tl::enums::InputUser,
) -> Result<i64, RpcFail> {
    match input {
        tl::enums::InputUser::UserSelf => caller.me(),
        tl::enums::InputUser::User(u) => check_hash(state, u.user_id, u.access_hash)
            .ok_or_else(|| RpcFail::bad_request("USER_ID_INVALID")),
        tl::enums::InputUser::FromMessage(u) => state
            .accounts
            .contains_key(&u.user_id)
            .then_some(u.user_id)
            .ok_or_else(|| RpcFail::bad_request("USER_ID_INVALID")),
        tl::enums::InputUser::Empty => Err(RpcFail::bad_request("USER_ID_INVALID")),
    }
}

/// Resolves an `InputPeer` naming a user to an account id, checking the access hash.
pub(crate) fn input_peer_user(
    state: &State,
    caller: &Caller,
    input: &tl::enums::InputPeer,
) -> Result<i64, RpcFail> {
    match input {
        tl::enums::InputPeer::PeerSelf => caller.me(),
        tl::enums::InputPeer::User(u) => check_hash(state, u.user_id, u.access_hash)
            .ok_or_else(|| RpcFail::bad_request("PEER_ID_INVALID")),
        tl::enums::InputPeer::UserFromMessage(u) => state
            .accounts
            .contains_key(&u.user_id)
            .then_some(u.user_id)
            .ok_or_else(|| RpcFail::bad_request("PEER_ID_INVALID")),
        _ => Err(RpcFail::bad_request("PEER_ID_INVALID")),
    }
}

fn check_hash(state: &State, id: i64, access_hash: i64) -> Option<i64> {
    state
        .accounts
        .get(&id)
        .filter(|a| a.access_hash == access_hash)
        .map(|a| a.id)
}
