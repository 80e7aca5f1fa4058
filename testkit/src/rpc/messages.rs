//! `messages.*`: sending and reading messages.

use grammers_tl_types as tl;

use super::{Caller, RpcFail, input_peer_user};
use crate::state::{Draft, State};
use crate::tl_build;

pub(super) fn send_message(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SendMessage,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let to = input_peer_user(state, caller, &request.peer)?;
    let reply_to = match &request.reply_to {
        Some(tl::enums::InputReplyTo::Message(r)) => Some(r.reply_to_msg_id),
        _ => None,
    };
    let draft = Draft {
        text: request.message,
        entities: request.entities.unwrap_or_default(),
        reply_markup: request.reply_markup,
        reply_to,
    };
    let (sent, pts) = state.send_private(me, to, draft, Some(caller.conn.conn_id))?;
    Ok(tl_build::short_sent_message(&sent, pts))
}
