//! `CallbackData<T>`: the data of a pressed inline button, parsed.

use std::fmt::Display;
use std::str::FromStr;

use super::update::require_trigger;
use super::{FromUpdate, Rejection, StartupContext, StartupError};
use crate::context::{Matched, UpdateContext};

/// The callback data, parsed with `FromStr`: with `callback = "vote:*"` it is the part the
/// `*` matched (`"up"` for `vote:up`), with an exact pattern the whole data.
///
/// Data that is not UTF-8 or does not parse is a mismatch (the next handler of the group
/// gets a chance): buttons are made by the bot, so bad data is a stale or foreign button,
/// not a user's typo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackData<T = String>(pub T);

impl<T> FromUpdate for CallbackData<T>
where
    T: FromStr + Send,
    T::Err: Display,
{
    const KINDS: super::Kinds = super::Kinds::of(&[crate::context::Kind::CallbackQuery]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        let query = cx
            .callback_query()
            .ok_or_else(|| Rejection::mismatch("the update is not a callback query"))?;
        let data = query.data();
        let part = match cx.matched() {
            Matched::CallbackRest(offset) => data.get(*offset..).unwrap_or_default(),
            _ => data,
        };
        let text = std::str::from_utf8(part)
            .map_err(|_| Rejection::mismatch("the callback data is not UTF-8"))?;
        text.parse::<T>()
            .map(CallbackData)
            .map_err(|e| Rejection::mismatch(format!("the callback data does not parse: {e}")))
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "CallbackData", "a callback query handler", |_| {
            startup.kind() == crate::context::Kind::CallbackQuery
        })?;
        Ok(())
    }
}
