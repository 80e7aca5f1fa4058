//! Filters: which updates a handler wants, composed with `&`, `|` and `!`.
//!
//! In `#[handler(.., filter = text & private & !me)]` the builtin names below are recognised
//! by the macro; in plain Rust the same expression is `filters::text & filters::private &
//! !filters::me`. Custom filters are plain functions, sync or async, taking the
//! [`UpdateContext`] or the [`Message`](grammers_client::update::Message):
//!
//! ```
//! use oxygram::dispatch::UpdateContext;
//! use oxygram::filters::{self, Filter, IntoFilter};
//! use oxygram::grammers::update::Message;
//!
//! fn shouting(msg: &Message) -> bool {
//!     let text = msg.text();
//!     !text.is_empty() && text.chars().all(|c| !c.is_lowercase())
//! }
//!
//! async fn allowed(cx: UpdateContext) -> bool {
//!     cx.sender_id().is_some()
//! }
//!
//! let filter: Filter = filters::text & shouting.into_filter() & allowed.into_filter();
//! assert!(!filter.mentions_outgoing());
//! ```
//!
//! Builtins follow Pyrogram's meaning where MTProto allows; see [`builtin`] for each.
//!
//! # Own outgoing messages
//! grammers delivers the account's own sent messages as new messages. A handler does not see
//! them unless it declares `outgoing` or its filter mentions [`outgoing`] or [`me`] (even under
//! `!`): a filter that talks about them is evidently written with them in mind.

pub mod builtin;
mod into_filter;

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};
use std::sync::Arc;

pub use builtin::*;
pub use into_filter::IntoFilter;

use crate::context::UpdateContext;
use crate::util::BoxFuture;

type SyncFn = Arc<dyn Fn(&UpdateContext) -> bool + Send + Sync>;
type AsyncFn = Arc<dyn Fn(UpdateContext) -> BoxFuture<'static, bool> + Send + Sync>;

/// A predicate over updates; build with the builtins, [`IntoFilter`] and `& | !`.
#[derive(Clone)]
pub struct Filter {
    node: Node,
}

#[derive(Clone)]
enum Node {
    Always,
    Builtin(Builtin),
    Users(Arc<[UserRef]>),
    Chats(Arc<[i64]>),
    Sync(SyncFn),
    Async(AsyncFn),
    And(Arc<(Filter, Filter)>, Flags),
    Or(Arc<(Filter, Filter)>, Flags),
    Not(Arc<Filter>),
}

/// Properties of a composite filter, computed once when it is built.
#[derive(Clone, Copy, Default)]
struct Flags {
    has_async: bool,
    mentions_outgoing: bool,
}

/// A user in [`user`]: a numeric id or a username (without `@`, case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRef {
    /// The user's id.
    Id(i64),
    /// The user's username.
    Username(&'static str),
}

impl Filter {
    pub(crate) const fn builtin(b: Builtin) -> Self {
        Filter {
            node: Node::Builtin(b),
        }
    }

    /// Matches every update (a handler without `filter = ..`).
    pub fn always() -> Self {
        Filter { node: Node::Always }
    }

    /// Matches when both match (`a & b`); `b` is not evaluated when `a` fails.
    pub fn and(a: Filter, b: Filter) -> Self {
        let flags = Flags::of(&a, &b);
        Filter {
            node: Node::And(Arc::new((a, b)), flags),
        }
    }

    /// Matches when either matches (`a | b`); `b` is not evaluated when `a` matches.
    pub fn or(a: Filter, b: Filter) -> Self {
        let flags = Flags::of(&a, &b);
        Filter {
            node: Node::Or(Arc::new((a, b)), flags),
        }
    }

    /// Matches when `a` does not (`!a`).
    #[allow(clippy::should_implement_trait)] // `Not` is implemented too; this is for generated code.
    pub fn not(a: Filter) -> Self {
        Filter {
            node: Node::Not(Arc::new(a)),
        }
    }

    /// A filter from a sync predicate over the context.
    pub fn from_fn(f: impl Fn(&UpdateContext) -> bool + Send + Sync + 'static) -> Self {
        Filter {
            node: Node::Sync(Arc::new(f)),
        }
    }

    /// A filter from an async predicate over the context.
    pub fn from_async_fn<Fut>(f: impl Fn(UpdateContext) -> Fut + Send + Sync + 'static) -> Self
    where
        Fut: Future<Output = bool> + Send + 'static,
    {
        Filter {
            node: Node::Async(Arc::new(move |cx| Box::pin(f(cx)))),
        }
    }

    pub(crate) fn users(users: &[UserRef]) -> Self {
        Filter {
            node: Node::Users(users.iter().copied().collect()),
        }
    }

    pub(crate) fn chats(chats: &[i64]) -> Self {
        Filter {
            node: Node::Chats(chats.iter().copied().collect()),
        }
    }

    /// Whether the filter mentions `outgoing` or `me` anywhere, which lets its handler see
    /// the account's own outgoing messages.
    pub fn mentions_outgoing(&self) -> bool {
        match &self.node {
            Node::Builtin(b) => matches!(b, Builtin::Outgoing | Builtin::Me),
            Node::And(_, f) | Node::Or(_, f) => f.mentions_outgoing,
            Node::Not(a) => a.mentions_outgoing(),
            _ => false,
        }
    }

    /// Whether the filter can only pass service messages (`service`, `service & group`),
    /// which makes it useless on a `message` handler: service messages are routed to
    /// `service` handlers. Built once per handler at startup, so it walks the tree.
    pub(crate) fn only_service(&self) -> bool {
        match &self.node {
            Node::Builtin(b) => matches!(b, Builtin::Service),
            Node::And(pair, _) => pair.0.only_service() || pair.1.only_service(),
            Node::Or(pair, _) => pair.0.only_service() && pair.1.only_service(),
            _ => false,
        }
    }

    /// Whether evaluating needs an `.await` (an async custom filter is in the tree).
    pub fn is_async(&self) -> bool {
        match &self.node {
            Node::Async(_) => true,
            Node::And(_, f) | Node::Or(_, f) => f.has_async,
            Node::Not(a) => a.is_async(),
            _ => false,
        }
    }

    /// Evaluates the filter without awaiting; `None` if it contains an async filter.
    pub fn matches_sync(&self, cx: &UpdateContext) -> Option<bool> {
        if self.is_async() {
            None
        } else {
            Some(self.eval_sync(cx))
        }
    }

    /// Evaluates the filter.
    pub async fn matches(&self, cx: &UpdateContext) -> bool {
        if self.is_async() {
            self.eval_async(cx.clone()).await
        } else {
            self.eval_sync(cx)
        }
    }

    fn eval_sync(&self, cx: &UpdateContext) -> bool {
        match &self.node {
            Node::Always => true,
            Node::Builtin(b) => b.matches(cx),
            Node::Users(users) => builtin::sender_is(cx, users),
            Node::Chats(chats) => builtin::chat_is(cx, chats),
            Node::Sync(f) => f(cx),
            // Unreachable through `matches` (checked by `is_async`); be safe anyway.
            Node::Async(_) => false,
            Node::And(ab, _) => ab.0.eval_sync(cx) && ab.1.eval_sync(cx),
            Node::Or(ab, _) => ab.0.eval_sync(cx) || ab.1.eval_sync(cx),
            Node::Not(a) => !a.eval_sync(cx),
        }
    }

    fn eval_async(&self, cx: UpdateContext) -> BoxFuture<'static, bool> {
        let this = self.clone();
        Box::pin(async move {
            match &this.node {
                Node::Async(f) => f(cx).await,
                Node::And(ab, _) => ab.0.eval_async(cx.clone()).await && ab.1.eval_async(cx).await,
                Node::Or(ab, _) => ab.0.eval_async(cx.clone()).await || ab.1.eval_async(cx).await,
                Node::Not(a) => !a.eval_async(cx).await,
                _ => this.eval_sync(&cx),
            }
        })
    }
}

impl Flags {
    fn of(a: &Filter, b: &Filter) -> Self {
        Flags {
            has_async: a.is_async() || b.is_async(),
            mentions_outgoing: a.mentions_outgoing() || b.mentions_outgoing(),
        }
    }
}

impl Default for Filter {
    fn default() -> Self {
        Filter::always()
    }
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Node::Always => f.write_str("always"),
            Node::Builtin(b) => f.write_str(b.name()),
            Node::Users(u) => write!(f, "user({u:?})"),
            Node::Chats(c) => write!(f, "chat({c:?})"),
            Node::Sync(_) => f.write_str("<fn>"),
            Node::Async(_) => f.write_str("<async fn>"),
            Node::And(ab, _) => write!(f, "({:?} & {:?})", ab.0, ab.1),
            Node::Or(ab, _) => write!(f, "({:?} | {:?})", ab.0, ab.1),
            Node::Not(a) => write!(f, "!{a:?}"),
        }
    }
}

impl BitAnd for Filter {
    type Output = Filter;
    fn bitand(self, rhs: Filter) -> Filter {
        Filter::and(self, rhs)
    }
}

impl BitOr for Filter {
    type Output = Filter;
    fn bitor(self, rhs: Filter) -> Filter {
        Filter::or(self, rhs)
    }
}

impl Not for Filter {
    type Output = Filter;
    fn not(self) -> Filter {
        Filter::not(self)
    }
}
