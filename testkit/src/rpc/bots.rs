//! Bot-side RPCs (callback answers, inline results, commands) and the user-side RPCs that
//! wait for a bot.

use grammers_tl_types as tl;

use super::{Answer, Caller, RpcFail, input_peer, input_user};
use crate::observed::{BotCommand, CallbackAnswer, InlineResult};
use crate::state::State;

fn bot(state: &State, caller: &Caller) -> Result<i64, RpcFail> {
    let me = caller.me()?;
    if !state.account(me).is_bot() {
        return Err(RpcFail::bad_request("USER_BOT_REQUIRED"));
    }
    Ok(me)
}

pub(super) fn set_bot_callback_answer(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SetBotCallbackAnswer,
) -> Result<bool, RpcFail> {
    let me = bot(state, caller)?;
    state.answer_callback(
        me,
        request.query_id,
        CallbackAnswer {
            message: request.message.filter(|m| !m.is_empty()),
            alert: request.alert,
            url: request.url,
        },
    )?;
    Ok(true)
}

pub(super) fn get_bot_callback_answer(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::GetBotCallbackAnswer,
) -> Result<Answer, RpcFail> {
    let me = caller.me()?;
    let peer = input_peer(state, caller, &request.peer)?;
    let query_id =
        state.press_button(me, peer, request.msg_id, request.data.unwrap_or_default())?;
    Ok(Answer::WaitCallback(query_id))
}

/// Reads what a bot offers in `setInlineBotResults` into the testkit's own type.
fn inline_result(input: tl::enums::InputBotInlineResult) -> InlineResult {
    let (id, kind, title, description, message) = match input {
        tl::enums::InputBotInlineResult::Result(r) => {
            (r.id, r.r#type, r.title, r.description, r.send_message)
        }
        tl::enums::InputBotInlineResult::Photo(r) => (r.id, r.r#type, None, None, r.send_message),
        tl::enums::InputBotInlineResult::Document(r) => {
            (r.id, r.r#type, r.title, r.description, r.send_message)
        }
        tl::enums::InputBotInlineResult::Game(r) => {
            (r.id, "game".into(), None, None, r.send_message)
        }
    };
    let (text, entities, reply_markup) = match message {
        tl::enums::InputBotInlineMessage::Text(m) => (m.message, m.entities, m.reply_markup),
        tl::enums::InputBotInlineMessage::MediaAuto(m) => (m.message, m.entities, m.reply_markup),
        _ => (String::new(), None, None),
    };
    InlineResult {
        id,
        kind,
        title,
        description,
        text,
        entities: entities.unwrap_or_default(),
        reply_markup,
    }
}

pub(super) fn set_inline_bot_results(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SetInlineBotResults,
) -> Result<bool, RpcFail> {
    let me = bot(state, caller)?;
    let results = request.results.into_iter().map(inline_result).collect();
    state.answer_inline(me, request.query_id, results)?;
    Ok(true)
}

pub(super) fn get_inline_bot_results(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::GetInlineBotResults,
) -> Result<Answer, RpcFail> {
    let me = caller.me()?;
    let bot = input_user(state, caller, &request.bot)?;
    let query_id = state.inline_query(me, bot, request.query)?;
    Ok(Answer::WaitInline {
        query_id,
        viewer: me,
        bot,
    })
}

pub(super) fn send_inline_bot_result(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::messages::SendInlineBotResult,
) -> Result<tl::enums::Updates, RpcFail> {
    let me = caller.me()?;
    let to = input_peer(state, caller, &request.peer)?;
    if let Some(answer) = state.resent_answer(me, request.random_id) {
        return answer;
    }
    let stranger = state.is_new_stranger(me, to);
    state.check_send_limits(me, to, 1)?;
    let sent = state.send_inline_result(
        me,
        to,
        request.query_id,
        &request.id,
        Some(caller.conn.conn_id),
    )?;
    state.count_sent(me, to, 1, stranger);
    state.remember_random_id(me, request.random_id, &sent);
    Ok(state.sent_answer(me, &sent, request.random_id))
}

pub(super) fn set_bot_commands(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::bots::SetBotCommands,
) -> Result<bool, RpcFail> {
    let me = bot(state, caller)?;
    let mut commands = Vec::with_capacity(request.commands.len());
    for tl::enums::BotCommand::Command(c) in request.commands {
        let valid = (1..=32).contains(&c.command.len())
            && c.command
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !valid {
            return Err(RpcFail::bad_request("BOT_COMMAND_INVALID"));
        }
        if c.description.is_empty() || c.description.chars().count() > 256 {
            return Err(RpcFail::bad_request("BOT_COMMAND_DESCRIPTION_INVALID"));
        }
        commands.push(BotCommand {
            command: c.command,
            description: c.description,
        });
    }
    if let Some(account) = state.accounts.get_mut(&me) {
        account.bot_commands = commands;
    }
    Ok(true)
}

pub(super) fn get_bot_commands(
    state: &mut State,
    caller: &Caller,
    _request: tl::functions::bots::GetBotCommands,
) -> Result<Vec<tl::enums::BotCommand>, RpcFail> {
    let me = bot(state, caller)?;
    Ok(state
        .account(me)
        .bot_commands
        .iter()
        .map(|c| {
            tl::enums::BotCommand::Command(tl::types::BotCommand {
                ephemeral: false,
                command: c.command.clone(),
                description: c.description.clone(),
            })
        })
        .collect())
}
