//! Bot interactions that wait for the bot: callback queries (button presses) and inline
//! queries. The user's side (a scripted user or a client calling
//! `messages.getBotCallbackAnswer` / `messages.getInlineBotResults`) starts a query; the bot
//! gets an update and answers with `messages.setBotCallbackAnswer` /
//! `messages.setInlineBotResults`; the waiting side wakes up through [`Shared::changed`].
//!
//! [`Shared::changed`]: crate::state::Shared

use std::time::Duration;

use crate::observed::{CallbackAnswer, InlineResult};
use crate::rpc::RpcFail;
use crate::state::{Draft, PendingCallback, PendingInline, Shared, State};
use crate::tl_build::{self, PeerRef};

/// How long a user waits for a bot before Telegram gives up (`BOT_RESPONSE_TIMEOUT`).
pub(crate) const BOT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// What a user's app gets when the bot never answers its button press: `-503 Timeout`, not
/// `BOT_RESPONSE_TIMEOUT` (which inline queries get). Telethon and GramJS document exactly this
/// as their `TimedOutError`: "Clicking the inline buttons of bots that never (or take too long
/// to) call answerCallbackQuery will result in this special RPCError" (code 503, "Timeout";
/// gram.js.org/beta/classes/errors.TimedOutError.html). TDLib turns it into its own 502.
pub(crate) fn callback_timeout() -> RpcFail {
    RpcFail::new(-503, "Timeout")
}

/// How long a bot has to answer a callback query before `messages.setBotCallbackAnswer`
/// fails with `QUERY_ID_INVALID` (Bot API: "query is too old and response timeout expired or
/// query ID is invalid", `telegram-bot-api/Client.cpp`). Telegram publishes no figure and
/// neither TDLib nor the Bot API server holds one (the server enforces it); what bot
/// developers see is answers failing after a few seconds to 20 s (eternnoir/pyTelegramBotAPI
/// #1615: a 20 s answer fails; LonamiWebs/Telethon#4073: "the timeout is pretty low"). The
/// testkit takes 15 s, the figure bot developers quote most.
pub(crate) const CALLBACK_ANSWER_DEADLINE: Duration = Duration::from_secs(15);

/// How a user's wait for a bot's callback answer ended.
pub(crate) enum CallbackOutcome {
    /// The bot answered in time.
    Answered(CallbackAnswer),
    /// The bot answered too late (or the deadline passed first): the query is dead.
    Expired,
    /// The user gave up waiting (`BOT_RESPONSE_TIMEOUT`).
    TimedOut,
}

impl State {
    /// Presses the callback button carrying `data` on message `id` (as `user` sees it in
    /// `peer`). Pushes `updateBotCallbackQuery` to the bot and returns the query id.
    pub(crate) fn press_button(
        &mut self,
        user: i64,
        peer: PeerRef,
        id: i32,
        data: Vec<u8>,
    ) -> Result<i64, RpcFail> {
        let message = self.message_in(user, peer, id)?.clone();
        let bot = message.via_bot.unwrap_or(message.from);
        if !self.accounts.get(&bot).is_some_and(|a| a.is_bot()) {
            return Err(RpcFail::bad_request("BOT_RESPONSE_TIMEOUT"));
        }
        let has_button = crate::observed::buttons(message.reply_markup.as_ref())
            .iter()
            .flatten()
            .any(|b| b.data.as_deref() == Some(data.as_slice()));
        if !has_button {
            return Err(RpcFail::bad_request("DATA_INVALID"));
        }
        // The message as the bot sees it: its own copy in private chats and basic groups.
        let (bot_peer, bot_msg_id) = match peer {
            PeerRef::Channel(_) => (peer, id),
            _ => {
                let copy = self.accounts[&bot]
                    .messages
                    .values()
                    .find(|m| m.global_id == message.global_id)
                    .ok_or_else(|| RpcFail::bad_request("MESSAGE_ID_INVALID"))?;
                (copy.peer, copy.id)
            }
        };
        let query_id = crate::random::i64();
        self.callbacks.insert(
            query_id,
            PendingCallback {
                bot,
                answer: None,
                pressed: std::time::Instant::now(),
                expired: false,
            },
        );
        let update =
            tl_build::update_bot_callback_query(query_id, user, bot_peer, bot_msg_id, data);
        let chats: Vec<PeerRef> = match bot_peer {
            PeerRef::User(_) => Vec::new(),
            other => vec![other],
        };
        let updates = self.updates_for(bot, vec![update], &[user, bot], &chats);
        self.push(bot, &updates, None);
        Ok(query_id)
    }

    /// The bot's answer to a callback query: `QUERY_ID_INVALID` for a query it does not
    /// have, one already answered, or one older than the world's deadline.
    pub(crate) fn answer_callback(
        &mut self,
        bot: i64,
        query_id: i64,
        answer: CallbackAnswer,
    ) -> Result<(), RpcFail> {
        let deadline = self.callback_deadline;
        let invalid = || RpcFail::bad_request("QUERY_ID_INVALID");
        let pending = self
            .callbacks
            .get_mut(&query_id)
            .filter(|p| p.bot == bot && p.answer.is_none() && !p.expired)
            .ok_or_else(invalid)?;
        if pending.pressed.elapsed() >= deadline {
            pending.expired = true;
            return Err(invalid());
        }
        pending.answer = Some(answer);
        Ok(())
    }

    /// Sends an inline query from `user` to `bot`; returns the query id.
    pub(crate) fn inline_query(
        &mut self,
        user: i64,
        bot: i64,
        query: String,
    ) -> Result<i64, RpcFail> {
        if !self.accounts.get(&bot).is_some_and(|a| a.is_bot()) {
            return Err(RpcFail::bad_request("BOT_INVALID"));
        }
        let query_id = crate::random::i64();
        self.inline_queries.insert(
            query_id,
            PendingInline {
                user,
                bot,
                query: query.clone(),
                results: None,
            },
        );
        let update = tl_build::update_bot_inline_query(query_id, user, query);
        let updates = self.updates_for(bot, vec![update], &[user], &[]);
        self.push(bot, &updates, None);
        Ok(query_id)
    }

    /// The bot's results for an inline query.
    pub(crate) fn answer_inline(
        &mut self,
        bot: i64,
        query_id: i64,
        results: Vec<InlineResult>,
    ) -> Result<(), RpcFail> {
        let pending = self
            .inline_queries
            .get_mut(&query_id)
            .filter(|p| p.bot == bot && p.results.is_none())
            .ok_or_else(|| RpcFail::bad_request("QUERY_ID_INVALID"))?;
        pending.results = Some(results);
        Ok(())
    }

    /// Sends result `result_id` of inline query `query_id` into `to`, via the bot.
    pub(crate) fn send_inline_result(
        &mut self,
        user: i64,
        to: PeerRef,
        query_id: i64,
        result_id: &str,
        origin_conn: Option<u64>,
    ) -> Result<crate::delivery::Sent, RpcFail> {
        let pending = self
            .inline_queries
            .get(&query_id)
            .filter(|p| p.user == user)
            .ok_or_else(|| RpcFail::bad_request("QUERY_ID_INVALID"))?;
        let result = pending
            .results
            .as_ref()
            .and_then(|r| r.iter().find(|r| r.id == result_id))
            .ok_or_else(|| RpcFail::bad_request("RESULT_ID_INVALID"))?
            .clone();
        let (bot, query) = (pending.bot, pending.query.clone());
        let draft = Draft {
            text: result.text,
            entities: result.entities,
            reply_markup: result.reply_markup,
            via_bot: Some(bot),
            ..Draft::default()
        };
        let sent = self.send(user, to, draft, origin_conn)?;
        let update = tl_build::update_bot_inline_send(user, query, result.id);
        let updates = self.updates_for(bot, vec![update], &[user], &[]);
        self.push(bot, &updates, None);
        Ok(sent)
    }
}

impl Shared {
    /// Waits until the bot answered callback query `query_id`, the query died, or
    /// `timeout` passed. A user waits no longer than the bot may answer.
    pub(crate) async fn callback_answer(
        &self,
        query_id: i64,
        timeout: Duration,
    ) -> CallbackOutcome {
        let deadline = self.lock().callback_deadline;
        let found = self
            .wait_for(timeout.min(deadline), |state| {
                let pending = state.callbacks.get(&query_id)?;
                if pending.expired {
                    return Some(CallbackOutcome::Expired);
                }
                pending.answer.clone().map(CallbackOutcome::Answered)
            })
            .await;
        match found {
            Some(outcome) => outcome,
            None if deadline <= timeout => CallbackOutcome::Expired,
            None => CallbackOutcome::TimedOut,
        }
    }

    /// Waits until the bot set results for inline query `query_id`.
    pub(crate) async fn inline_results(
        &self,
        query_id: i64,
        timeout: Duration,
    ) -> Option<Vec<InlineResult>> {
        self.wait_for(timeout, |state| {
            state
                .inline_queries
                .get(&query_id)
                .and_then(|p| p.results.clone())
        })
        .await
    }

    /// Polls `check` under the lock each time the world changes, until it yields or time is up.
    pub(crate) async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut State) -> Option<T>,
    ) -> Option<T> {
        let wait = async {
            loop {
                let notified = self.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(found) = check(&mut self.lock()) {
                    return found;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.ok()
    }
}
