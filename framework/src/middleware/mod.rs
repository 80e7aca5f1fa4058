//! Middleware: code that wraps the handling of every update.
//!
//! A [`Middleware`] sees each update before any handler (the outer middleware of aiogram,
//! grammY's `use`, ferogram's `next.run`), decides whether it goes on (call
//! [`Next::run`]) or stops there (return without calling it), and sees what the handlers
//! did: which ran and how each ended, errors included ([`Routed`]).
//!
//! Middleware run in the order they were registered, the first registered outermost:
//! `App::new().middleware(a).middleware(b)` runs `a`'s code before `b`'s, and `b`'s after
//! code before `a`'s. Built in: [`RateLimit`] (anti-flood per user) and [`TraceUpdates`]
//! (a tracing span per update).
//!
//! ```
//! use oxygram::middleware::{Middleware, Next, Routed};
//! use oxygram::dispatch::UpdateContext;
//! use oxygram::handler::BoxFuture;
//!
//! /// Drops every update from one user id.
//! struct Ignore(i64);
//!
//! impl Middleware for Ignore {
//!     fn handle<'a>(&'a self, cx: UpdateContext, next: Next<'a>) -> BoxFuture<'a, Routed> {
//!         Box::pin(async move {
//!             if cx.sender_id().is_some_and(|id| id.bare_id_unchecked() == self.0) {
//!                 return Routed::default(); // stopped: no handler sees it
//!             }
//!             next.run(cx).await
//!         })
//!     }
//! }
//! ```

mod rate_limit;
mod trace;

use std::sync::Arc;

pub use rate_limit::RateLimit;
pub use trace::TraceUpdates;

use crate::context::UpdateContext;
use crate::handler::HandlerError;
use crate::util::BoxFuture;

/// Code that wraps the handling of every update; see the [module docs](self).
pub trait Middleware: Send + Sync + 'static {
    /// Handles one update: call `next.run(cx)` to let it go on to the next middleware and the
    /// handlers, or return without calling it to stop it.
    fn handle<'a>(&'a self, cx: UpdateContext, next: Next<'a>) -> BoxFuture<'a, Routed>;
}

/// How one handler that was offered the update ended.
#[derive(Debug, Clone)]
pub enum Ran {
    /// It ran and returned normally (handled, continue or stop).
    Ok,
    /// It ran and failed (returned an error or panicked); the error is also logged and given
    /// to `on_error`.
    Failed(HandlerError),
    /// The command's arguments were wrong and the usage reply was sent.
    Usage,
}

/// What the handlers did with one update.
#[derive(Debug, Clone, Default)]
pub struct Routed {
    /// Each handler that ran (or answered with its usage), in order, with how it ended.
    pub handlers: Vec<(&'static str, Ran)>,
}

impl Routed {
    /// How many handlers ran.
    pub fn ran(&self) -> usize {
        self.handlers.len()
    }

    /// The errors of the handlers that failed.
    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &HandlerError)> {
        self.handlers.iter().filter_map(|(name, ran)| match ran {
            Ran::Failed(error) => Some((*name, error)),
            _ => None,
        })
    }
}

/// What a middleware hands the update on to: the rest of the chain, then the handlers.
pub struct Next<'a> {
    rest: &'a [Arc<dyn Middleware>],
    handlers: &'a dyn Handlers,
}

impl<'a> Next<'a> {
    pub(crate) fn new(rest: &'a [Arc<dyn Middleware>], handlers: &'a dyn Handlers) -> Self {
        Self { rest, handlers }
    }

    /// Runs the rest of the chain and the handlers on `cx`, and reports what they did.
    pub async fn run(self, cx: UpdateContext) -> Routed {
        match self.rest.split_first() {
            Some((first, rest)) => first.handle(cx, Next::new(rest, self.handlers)).await,
            None => self.handlers.route(cx).await,
        }
    }
}

/// The end of the chain: routing to the handlers (the dispatcher's router). A trait, so that
/// middleware know nothing of the dispatcher that calls them.
pub(crate) trait Handlers: Send + Sync {
    fn route(&self, cx: UpdateContext) -> BoxFuture<'_, Routed>;
}
