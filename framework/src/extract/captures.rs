//! `Captures` as an extractor: what the handler's `regex` (or `inline`) pattern captured.

use super::update::require_trigger;
use super::{FromUpdate, Rejection, StartupContext, StartupError};
pub use crate::context::Captures;
use crate::context::Kind;
use crate::context::Trigger;
use crate::context::{Matched, UpdateContext};

impl FromUpdate for Captures {
    const KINDS: super::Kinds = super::Kinds::MESSAGES.and(super::Kinds::of(&[Kind::InlineQuery]));

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        match cx.matched() {
            Matched::Captures(c) => Ok(Captures::clone(c)),
            _ => Err(Rejection::mismatch(
                "the handler's trigger captured nothing",
            )),
        }
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "Captures", "a `regex` or `inline` trigger", |t| {
            matches!(t, Trigger::Regex(_) | Trigger::Inline(_))
        })
    }
}
