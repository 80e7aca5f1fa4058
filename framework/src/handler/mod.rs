//! What a registered handler is, and what running one produced.
//!
//! `#[handler]` turns an `async fn` into a [`HandlerSpec`]: a plain, `const`-constructible
//! descriptor (names, kind, trigger, group, and fn pointers for the filter, the startup check
//! and the call) collected at link time with `inventory`. Keeping the descriptor free of heap
//! data is what lets the macro emit it inside `inventory::submit!`; everything that needs
//! allocation (compiled regexes, filter trees) is built once at startup by the dispatcher.
//!
//! A handler's return value becomes an [`Outcome`] through [`IntoOutcome`]: `()`,
//! [`Propagation`], an answer (`&str`, `String`, [`InputMessage`](crate::prelude::InputMessage):
//! sent as the reply, or as the button press's answer), `Option` of those, and `Result` of any
//! of them with an error that converts into a [`BoxError`]. The error is kept whole
//! ([`HandlerError`]); a flood wait Telegram imposed stays typed
//! ([`HandlerError::RateLimited`]), and so does a `PEER_FLOOD` ([`HandlerError::PeerFlooded`]).

mod error;
mod outcome;
#[cfg(test)]
mod tests;

use std::fmt;

pub use error::{HandlerError, SharedError};
pub use outcome::{IntoOutcome, Outcome, Propagation, answerable};

use crate::context::UpdateContext;
pub use crate::context::{Kind, Trigger};
use crate::extract::{StartupContext, StartupError};
use crate::filters::Filter;
pub use crate::util::{BoxError, BoxFuture};

/// How a handler is called: extracts the arguments from the update and runs the handler.
pub type CallFn = fn(UpdateContext) -> BoxFuture<'static, Outcome>;

/// Checks at startup that every extractor of a handler can work.
pub type CheckFn = fn(&StartupContext<'_>) -> Result<(), StartupError>;

/// A registered handler: what `#[handler]` submits to `inventory`.
///
/// Built by the macro, or by hand with [`HandlerSpec::builder`] and its `const` methods
/// (tests, benchmarks, apps that assemble handlers at runtime). The fields are private so
/// that a new option is a new builder method, not a break of every hand-written spec.
///
/// ```
/// use oxygram::handler::{HandlerSpec, Kind, Outcome, Trigger};
/// use oxygram::dispatch::UpdateContext;
/// use oxygram::handler::BoxFuture;
///
/// fn call(_cx: UpdateContext) -> BoxFuture<'static, Outcome> {
///     Box::pin(async { Outcome::Handled })
/// }
///
/// const PING: HandlerSpec = HandlerSpec::builder("ping", Kind::NewMessage, call)
///     .trigger(Trigger::Commands(&["ping"]))
///     .description("Answers pong")
///     .build();
/// assert_eq!(PING.name(), "ping");
/// ```
#[derive(Clone, Copy)]
pub struct HandlerSpec {
    pub(crate) name: &'static str,
    pub(crate) module_path: &'static str,
    pub(crate) plugin: Option<&'static str>,
    pub(crate) kind: Kind,
    pub(crate) trigger: Trigger,
    pub(crate) filter: fn() -> Filter,
    pub(crate) group: i32,
    pub(crate) description: Option<&'static str>,
    pub(crate) outgoing: bool,
    pub(crate) file: &'static str,
    pub(crate) line: u32,
    pub(crate) check: CheckFn,
    pub(crate) call: CallFn,
    pub(crate) usage: &'static [&'static str],
}

inventory::collect!(HandlerSpec);

/// Builds a [`HandlerSpec`] by hand, in `const` context too: what `#[handler]` expands to.
#[derive(Clone, Copy)]
pub struct HandlerBuilder(HandlerSpec);

impl HandlerBuilder {
    /// A spec named `name` for updates of `kind`, run by `call`: no trigger, no filter,
    /// group 0, no description, no startup check, declared nowhere in particular.
    pub const fn new(name: &'static str, kind: Kind, call: CallFn) -> Self {
        Self(HandlerSpec {
            name,
            module_path: "",
            plugin: None,
            kind,
            trigger: Trigger::None,
            filter: Filter::always,
            group: 0,
            description: None,
            outgoing: false,
            file: "",
            line: 0,
            check: HandlerSpec::no_check,
            call,
            usage: &[],
        })
    }

    /// `module_path!()` where the handler is declared; its plugin name derives from it.
    pub const fn module_path(mut self, module_path: &'static str) -> Self {
        self.0.module_path = module_path;
        self
    }

    /// An explicit plugin name, overriding the module-derived one (`plugin = ".."`).
    pub const fn plugin(mut self, plugin: &'static str) -> Self {
        self.0.plugin = Some(plugin);
        self
    }

    /// The command, regex or pattern that selects updates.
    pub const fn trigger(mut self, trigger: Trigger) -> Self {
        self.0.trigger = trigger;
        self
    }

    /// Builds the handler's filter tree (called once at startup).
    pub const fn filter(mut self, filter: fn() -> Filter) -> Self {
        self.0.filter = filter;
        self
    }

    /// The handler group: groups run in ascending order (default 0).
    pub const fn group(mut self, group: i32) -> Self {
        self.0.group = group;
        self
    }

    /// Help text; commands with one are sent to Telegram's command menu (bots).
    pub const fn description(mut self, description: &'static str) -> Self {
        self.0.description = Some(description);
        self
    }

    /// Whether the handler also sees the account's own outgoing messages.
    pub const fn outgoing(mut self, outgoing: bool) -> Self {
        self.0.outgoing = outgoing;
        self
    }

    /// Where the handler is declared (for errors and the startup table).
    pub const fn location(mut self, file: &'static str, line: u32) -> Self {
        self.0.file = file;
        self.0.line = line;
        self
    }

    /// The names of the command's arguments, for the usage reply (`Usage: /roll <n> <sides>`
    /// rather than the types); the macro takes them from an `Args((n, sides))` pattern.
    pub const fn usage(mut self, names: &'static [&'static str]) -> Self {
        self.0.usage = names;
        self
    }

    /// The startup check of the handler's extractors.
    pub const fn check(mut self, check: CheckFn) -> Self {
        self.0.check = check;
        self
    }

    /// The finished spec.
    pub const fn build(self) -> HandlerSpec {
        self.0
    }
}

impl HandlerSpec {
    /// Starts a spec for a handler named `name`, for updates of `kind`, run by `call` (see
    /// [`HandlerBuilder`]).
    pub const fn builder(name: &'static str, kind: Kind, call: CallFn) -> HandlerBuilder {
        HandlerBuilder::new(name, kind, call)
    }

    /// The handler's name: the fn name, or `name = ".."`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// `module_path!()` where the handler was declared.
    pub const fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The explicit plugin name, if one was given (see [`crate::plugin::plugin_name`] for the
    /// plugin the handler belongs to).
    pub const fn plugin(&self) -> Option<&'static str> {
        self.plugin
    }

    /// Which updates the handler receives.
    pub const fn kind(&self) -> Kind {
        self.kind
    }

    /// The command, regex or pattern that selects updates, if any.
    pub const fn trigger(&self) -> Trigger {
        self.trigger
    }

    /// The handler group.
    pub const fn group(&self) -> i32 {
        self.group
    }

    /// The help text, if any.
    pub const fn description(&self) -> Option<&'static str> {
        self.description
    }

    /// Whether the handler also sees the account's own outgoing messages.
    pub const fn outgoing(&self) -> bool {
        self.outgoing
    }

    /// Builds the handler's filter tree (what the dispatcher does once at startup).
    pub fn filter(&self) -> Filter {
        (self.filter)()
    }

    /// The source file of the declaration.
    pub const fn file(&self) -> &'static str {
        self.file
    }

    /// The source line of the declaration.
    pub const fn line(&self) -> u32 {
        self.line
    }

    /// Every handler registered with `#[handler]` in the linked crates, in no particular order.
    pub fn registered() -> impl Iterator<Item = &'static HandlerSpec> {
        inventory::iter::<HandlerSpec>.into_iter()
    }

    /// A check that accepts everything; for hand-written specs without extractors to check.
    pub fn no_check(_: &StartupContext<'_>) -> Result<(), StartupError> {
        Ok(())
    }

    /// What the startup checks of extractors know of this handler.
    pub(crate) fn info(&self) -> crate::extract::HandlerInfo {
        crate::extract::HandlerInfo {
            name: self.name,
            kind: self.kind,
            trigger: self.trigger,
            file: self.file,
            line: self.line,
        }
    }
}

impl fmt::Debug for HandlerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandlerSpec")
            .field("name", &self.name)
            .field("module_path", &self.module_path)
            .field("plugin", &self.plugin)
            .field("kind", &self.kind)
            .field("trigger", &self.trigger)
            .field("group", &self.group)
            .field("description", &self.description)
            .field("outgoing", &self.outgoing)
            .field("file", &self.file)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// A handler as a value: what `#[handler]` generates beside the function, under the same name
/// in the type namespace, so that [`handlers!`](crate::handlers) can list handlers by their
/// function names. Not implemented by hand.
#[doc(hidden)]
pub trait Handler {
    /// The handler's registration.
    const SPEC: HandlerSpec;
}

/// The specs of the named `#[handler]` functions, as a `Vec<HandlerSpec>`: what
/// [`App::handlers`](crate::App::handlers) (and a plugin's handler list) take.
///
/// ```ignore
/// let handlers = oxygram::handlers![start, help, plugins::admin::ban];
/// oxygram::App::new().handlers(handlers).run()
/// ```
#[macro_export]
macro_rules! handlers {
    ($($handler:path),* $(,)?) => {
        ::std::vec![$(<$handler as $crate::handler::Handler>::SPEC),*]
    };
}
