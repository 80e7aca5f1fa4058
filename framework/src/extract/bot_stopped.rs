//! [`BotStopped`]: a user blocked or restarted the bot.
//!
//! Telegram sends `updateBotStopped` (on the `qts` sequence) when a user blocks the bot or
//! deletes the chat with it, and again when they unblock or press Start. Sending to a user who
//! stopped the bot fails with `USER_IS_BLOCKED`; a bot that keeps a subscriber list drops them
//! here instead of learning it from a failed send.

use grammers_client::tl;

use super::{FromUpdate, Rejection, StartupContext, StartupError, require_trigger};
use crate::context::Kind;
use crate::context::UpdateContext;

/// A user stopped or restarted the bot, as `#[handler(bot_stopped)]` receives it.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(bot_stopped)]
/// async fn on_stop(event: BotStopped) {
///     if event.stopped {
///         tracing::info!(user = event.user_id, "unsubscribed");
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotStopped {
    /// The user.
    pub user_id: i64,
    /// `true` when they stopped (blocked) the bot, `false` when they restarted it.
    pub stopped: bool,
    /// When, as a Unix time.
    pub date: i32,
}

impl BotStopped {
    /// Reads `updateBotStopped`; `None` for other updates.
    pub fn from_raw(update: &tl::enums::Update) -> Option<Self> {
        match update {
            tl::enums::Update::BotStopped(u) => Some(BotStopped {
                user_id: u.user_id,
                stopped: u.stopped,
                date: u.date,
            }),
            _ => None,
        }
    }
}

impl FromUpdate for BotStopped {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::BotStopped]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Self::from_raw(cx.raw())
            .ok_or_else(|| Rejection::mismatch("the update is not a bot stop or restart"))
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "BotStopped", "a `bot_stopped` handler", |_| {
            matches!(startup.kind(), Kind::BotStopped | Kind::Raw)
        })
    }
}
