//! RPC dispatch: from a TL-serialized function call to a TL-serialized answer or an error.
//!
//! Requests are parsed with grammers-tl-types' `deserializable-functions` (the same layer the
//! client speaks). Wrappers (`invokeWithLayer`, `initConnection`, `invokeWithoutUpdates`,
//! `invokeAfterMsg(s)`) are peeled here; the methods themselves live in one file per
//! namespace. An unknown method gets `400 METHOD_NOT_SUPPORTED_BY_TESTKIT` and a warning
//! naming it, so a missing feature is visible instead of a hang.

mod account;
mod auth;
mod bots;
mod channels;
mod contacts;
mod help;
mod members;
mod messages;
mod updates;
mod upload;
mod users;

pub(crate) use updates::CHANNEL_BOX_LIMIT;

use grammers_tl_types as tl;
use grammers_tl_types::{Cursor, Deserializable, Identifiable, Serializable};

use crate::state::State;
use crate::tl_build::{self, PeerRef};

/// An answer now, or one that waits for a bot.
pub(crate) enum Answer {
    /// The serialized result.
    Now(Vec<u8>),
    /// `messages.botCallbackAnswer` once the bot answered callback query `.0`.
    WaitCallback(i64),
    /// `messages.botResults` once the bot answered inline query `query_id`.
    WaitInline {
        /// The query.
        query_id: i64,
        /// Who asked (users in the answer are as this account sees them).
        viewer: i64,
        /// The bot asked.
        bot: i64,
    },
}

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
    /// The data centre this connection is to.
    pub(crate) dc: i32,
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
pub(crate) fn dispatch(state: &mut State, conn: &ConnInfo, body: &[u8]) -> Result<Answer, RpcFail> {
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
        ($($ty:ty => $handler:path,)* ; $($dty:ty => $dhandler:path,)*) => {
            match id {
                $(<$ty>::CONSTRUCTOR_ID => {
                    let request = parse::<$ty>(rest)?;
                    $handler(state, &caller, request).map(|answer| Answer::Now(answer.to_bytes()))
                })*
                $(<$dty>::CONSTRUCTOR_ID => {
                    let request = parse::<$dty>(rest)?;
                    $dhandler(state, &caller, request)
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
        f::auth::ExportAuthorization => auth::export_authorization,
        f::auth::ImportAuthorization => auth::import_authorization,
        f::account::GetPassword => account::get_password,
        f::messages::SendMessage => messages::send_message,
        f::messages::SendMedia => messages::send_media,
        f::messages::EditMessage => messages::edit_message,
        f::messages::DeleteMessages => messages::delete_messages,
        f::messages::GetMessages => messages::get_messages,
        f::messages::ForwardMessages => messages::forward_messages,
        f::messages::GetDialogs => messages::get_dialogs,
        f::messages::GetHistory => messages::get_history,
        f::messages::SetTyping => messages::set_typing,
        f::messages::ReadHistory => messages::read_history,
        f::messages::GetChats => messages::get_chats,
        f::messages::SetBotCallbackAnswer => bots::set_bot_callback_answer,
        f::messages::SetInlineBotResults => bots::set_inline_bot_results,
        f::messages::SendInlineBotResult => bots::send_inline_bot_result,
        f::bots::SetBotCommands => bots::set_bot_commands,
        f::bots::GetBotCommands => bots::get_bot_commands,
        f::channels::GetMessages => channels::get_messages,
        f::channels::DeleteMessages => channels::delete_messages,
        f::channels::GetChannels => channels::get_channels,
        f::channels::ReadHistory => channels::read_history,
        f::updates::GetChannelDifference => updates::get_channel_difference,
        f::contacts::ResolveUsername => contacts::resolve_username,
        f::contacts::Block => members::block,
        f::contacts::Unblock => members::unblock,
        f::messages::HideChatJoinRequest => members::hide_chat_join_request,
        f::messages::UpdatePinnedMessage => members::update_pinned_message,
        f::messages::DeleteChatUser => members::delete_chat_user,
        f::channels::EditBanned => members::edit_banned,
        f::channels::JoinChannel => members::join_channel,
        f::channels::LeaveChannel => members::leave_channel,
        f::upload::SaveFilePart => upload::save_file_part,
        f::upload::SaveBigFilePart => upload::save_big_file_part,
        f::upload::GetFile => upload::get_file,
        ;
        f::messages::GetBotCallbackAnswer => bots::get_bot_callback_answer,
        f::messages::GetInlineBotResults => bots::get_inline_bot_results,
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
        tl::enums::InputUser::User(u) => check_hash(state, caller, u.user_id, u.access_hash)
            .ok_or_else(|| RpcFail::bad_request("USER_ID_INVALID")),
        tl::enums::InputUser::FromMessage(u) => {
            from_message(state, caller, &u.peer, u.msg_id, u.user_id)
                .ok_or_else(|| RpcFail::bad_request("USER_ID_INVALID"))
        }
        tl::enums::InputUser::Empty => Err(RpcFail::bad_request("USER_ID_INVALID")),
    }
}

/// Resolves an `InputPeer` to a peer, checking access hashes.
pub(crate) fn input_peer(
    state: &State,
    caller: &Caller,
    input: &tl::enums::InputPeer,
) -> Result<PeerRef, RpcFail> {
    let invalid = || RpcFail::bad_request("PEER_ID_INVALID");
    match input {
        tl::enums::InputPeer::PeerSelf => caller.me().map(PeerRef::User),
        tl::enums::InputPeer::User(u) => check_hash(state, caller, u.user_id, u.access_hash)
            .map(PeerRef::User)
            .ok_or_else(invalid),
        tl::enums::InputPeer::UserFromMessage(u) => {
            from_message(state, caller, &u.peer, u.msg_id, u.user_id)
                .map(PeerRef::User)
                .ok_or_else(invalid)
        }
        tl::enums::InputPeer::Chat(c) => state
            .rooms
            .get(&c.chat_id)
            .filter(|r| !r.is_channel())
            .map(|r| r.peer())
            .ok_or_else(invalid),
        tl::enums::InputPeer::Channel(c) => {
            channel_by_hash(state, caller, c.channel_id, c.access_hash).ok_or_else(invalid)
        }
        tl::enums::InputPeer::ChannelFromMessage(c) => state
            .rooms
            .get(&c.channel_id)
            .filter(|r| r.is_channel())
            .map(|r| r.peer())
            .ok_or_else(invalid),
        tl::enums::InputPeer::Empty => Err(invalid()),
    }
}

/// The user of an `input*FromMessage`: only if the caller can see message `msg_id` in
/// `peer` and it names the user (core.telegram.org/api/min: "the context ... in which the
/// user/channel was seen").
fn from_message(
    state: &State,
    caller: &Caller,
    peer: &tl::enums::InputPeer,
    msg_id: i32,
    user: i64,
) -> Option<i64> {
    let viewer = caller.me().ok()?;
    let peer = input_peer(state, caller, peer).ok()?;
    state
        .seen_in_message(viewer, peer, msg_id, user)
        .then_some(user)
}

/// Resolves an `InputChannel` to a channel id, checking the access hash.
pub(crate) fn input_channel(
    state: &State,
    caller: &Caller,
    input: &tl::enums::InputChannel,
) -> Result<i64, RpcFail> {
    let found = match input {
        tl::enums::InputChannel::Channel(c) => {
            channel_by_hash(state, caller, c.channel_id, c.access_hash)
        }
        tl::enums::InputChannel::FromMessage(c) => state
            .rooms
            .get(&c.channel_id)
            .filter(|r| r.is_channel())
            .map(|r| r.peer()),
        tl::enums::InputChannel::Empty => None,
    };
    found
        .map(PeerRef::bare_id)
        .ok_or_else(|| RpcFail::bad_request("CHANNEL_INVALID"))
}

/// The channel `id` if `access_hash` is the one `caller` was given for it.
fn channel_by_hash(state: &State, caller: &Caller, id: i64, access_hash: i64) -> Option<PeerRef> {
    let viewer = caller.me().ok()?;
    state
        .rooms
        .get(&id)
        .filter(|r| r.is_channel() && tl_build::viewer_hash(r.access_hash, viewer) == access_hash)
        .map(|r| r.peer())
}

/// The message id an `InputReplyTo` points at, if any.
pub(crate) fn reply_to_id(reply_to: &Option<tl::enums::InputReplyTo>) -> Option<i32> {
    match reply_to {
        Some(tl::enums::InputReplyTo::Message(r)) => Some(r.reply_to_msg_id),
        _ => None,
    }
}

/// The user `id` if `access_hash` is one `caller` may use for them.
///
/// Besides the real hash, a bot may pass `access_hash = 0` for a user who messaged it
/// privately: Telethon relies on it ("If we're a bot and the user has messaged us privately
/// users.getUsers will work with access_hash = 0", `telethon/client/users.py`,
/// `get_input_entity`), and TDLib's `UserManager::get_input_user` sends 0 for bots. It is
/// how a bot answers a first message that arrived short, without the user's object.
/// TDLib sends 0 for any user a bot holds no usable hash for (unknown, or seen only as a
/// `min` user: `if (td_->auth_manager_->is_bot() && user_id.is_valid())`), which the Bot
/// API server relies on to moderate groups; so 0 also works for a user sharing a group or
/// channel with the bot. It never works for a stranger.
fn check_hash(state: &State, caller: &Caller, id: i64, access_hash: i64) -> Option<i64> {
    let account = state.accounts.get(&id)?;
    let viewer = caller.me().ok()?;
    if tl_build::viewer_hash(account.access_hash, viewer) == access_hash {
        return Some(id);
    }
    let bot = Some(viewer).filter(|me| state.account(*me).is_bot())?;
    let messaged = state
        .account(bot)
        .messages
        .values()
        .any(|m| m.peer == PeerRef::User(id));
    let shares_a_group = || {
        state
            .rooms
            .values()
            .any(|r| r.members.contains(&bot) && r.members.contains(&id))
    };
    (access_hash == 0 && (messaged || shares_a_group())).then_some(id)
}
