//! Routing updates to handlers, and running them.
//!
//! The runtime hands every update to [`Dispatcher::dispatch`]. The dispatcher
//! 1. wraps it in an [`UpdateContext`] (parsing a command once),
//! 2. queues it behind earlier updates of the same chat (updates of one chat run in order,
//!    different chats run concurrently, at most `max_in_flight` handlers run at once, and at
//!    most a bounded number of updates wait: see the scheduler module),
//! 3. routes it through the [`Router`]: groups in ascending order, the first matching handler
//!    of each group runs (see [`Router`] for the exact rules and an example),
//! 4. catches handler errors and panics, logs them with handler, plugin and update, and hands
//!    them to the [`ErrorHook`]. Nothing a handler does stops the app.

mod bot_commands;
mod error_hook;
mod router;
mod scheduler;
mod table;
// A fixture for the dispatcher's unit tests and the routing benchmark, not an API: hidden,
// and only built for tests and with the `testing` feature (its TL peers come from the
// testkit's builders).
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use grammers_client::Client;
use grammers_client::update::Update;
use grammers_session::storages::ErasedSession;

pub use crate::context::{Me, UpdateContext};
pub use bot_commands::{BotCommand, bot_commands, set_bot_commands};
pub use error_hook::{ErrorHook, HandlerFailure};
pub use router::{RegisteredHandler, Router};
#[cfg(feature = "testing")]
pub(crate) use scheduler::Activity;

use crate::command::CommandParser;
use crate::config::Config;
use crate::context::Shared;
use crate::extract::StartupError;
use crate::handler::HandlerSpec;
use crate::plugin::UnknownPluginEntry;
use crate::state::States;
use scheduler::Scheduler;

/// What the dispatcher needs from the app, handed over once logged in.
pub struct DispatcherSetup {
    /// The logged-in client handlers talk through.
    pub client: Client,
    /// The logged-in account.
    pub me: Me,
    /// The loaded configuration.
    pub config: Arc<Config>,
    /// Shared state registered on the app.
    pub states: States,
    /// Called with every handler error or panic (`App::on_error`).
    pub on_error: Option<ErrorHook>,
    /// The handlers to route to; `None` means every `#[handler]` linked into the binary.
    pub handlers: Option<Vec<HandlerSpec>>,
    /// The session the client caches peers in, for extractors that act on peers an update
    /// only names (approving a [`JoinRequest`](crate::extract::JoinRequest)); `None` in
    /// setups without one, where those actions fail with a clear error.
    pub session: Option<Arc<ErasedSession>>,
    /// The middleware every update goes through, outermost first (`App::middleware`).
    pub middleware: Vec<Arc<dyn crate::middleware::Middleware>>,
    /// What the app's plugin values bring to routing (their handlers, names, loaded
    /// sections); empty without plugin values.
    pub(crate) plugins: crate::plugin::DispatchPlugins,
}

impl DispatcherSetup {
    /// A setup routing to every registered `#[handler]`, without an error hook.
    pub fn new(client: Client, me: Me, config: Arc<Config>, states: States) -> Self {
        Self {
            client,
            me,
            config,
            states,
            on_error: None,
            handlers: None,
            session: None,
            middleware: Vec::new(),
            plugins: Default::default(),
        }
    }
}

/// Why the handlers cannot start; the app refuses to run.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// Two enabled handlers claim the same command in the same group.
    #[error(
        "two handlers claim /{command} in group {group}: {first} and {second}; give one a different group, or exclude one in [plugins]"
    )]
    DuplicateCommand {
        /// The command.
        command: String,
        /// The group.
        group: i32,
        /// The first handler.
        first: String,
        /// The second handler.
        second: String,
    },
    /// An include/exclude entry names nothing.
    #[error(transparent)]
    UnknownPluginEntry(#[from] UnknownPluginEntry),
    /// An extractor's startup check failed.
    #[error(transparent)]
    Startup(#[from] StartupError),
    /// A `service = ".."` trigger names no action (hand-written specs; the macro checks at
    /// compile time).
    #[error(
        "handler {handler} waits for the service action {action:?}, which does not exist; \
         expected one of: {}",
        crate::extract::SERVICE_ACTION_NAMES.join(", ")
    )]
    UnknownServiceAction {
        /// Which handler.
        handler: &'static str,
        /// The name it gave.
        action: &'static str,
    },
    /// A `message` handler whose filter passes only service messages, which go to `service`
    /// handlers: it would never run.
    #[error(
        "handler {handler} filters for service messages, but service messages go to \
         `#[handler(service)]` handlers (or `service = \"new_chat_members\"` and the other \
         actions), not to `message` handlers; change the kind"
    )]
    ServiceFilterOnMessages {
        /// Which handler, and where.
        handler: String,
    },
    /// A trigger regex does not compile (hand-written specs; the macro checks at compile time).
    #[error("handler {handler} has an invalid regex {pattern:?}: {error}")]
    BadRegex {
        /// Which handler.
        handler: String,
        /// The pattern.
        pattern: &'static str,
        /// The regex error.
        error: String,
    },
}

/// What runs once an update's handlers have all returned: how the caller of
/// [`Dispatcher::dispatch_tracked`] learns of completion (the runtime's update-state
/// checkpoints) without the dispatcher knowing who it is. Dropped uncalled when the update
/// is abandoned at shutdown.
pub(crate) struct OnHandled(Box<dyn FnOnce() + Send + Sync>);

impl OnHandled {
    /// Calls `done` once the update's handlers returned.
    pub(crate) fn new(done: impl FnOnce() + Send + Sync + 'static) -> Self {
        Self(Box::new(done))
    }

    fn call(self) {
        (self.0)();
    }
}

/// What shutdown achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Updates whose handlers were still queued or running when the grace period ended.
    pub abandoned: usize,
}

/// Routes each update to the registered handlers.
pub struct Dispatcher {
    router: Arc<Router>,
    scheduler: Arc<Scheduler>,
    registered: Vec<RegisteredHandler>,
}

impl Dispatcher {
    /// Validates the registered handlers against the setup and builds the routing tables.
    ///
    /// Fails on two handlers with the same command in one group, an include/exclude entry
    /// that names nothing, a missing `State<T>`, a bad `[plugins.<name>]` section. Logs the
    /// handler table. For a bot with `dispatch.set_bot_commands` on (the default) and at least
    /// one command with a description, it also spawns the `bots.setBotCommands` call for
    /// those commands (failures are logged, not fatal).
    pub fn new(setup: DispatcherSetup) -> Result<Self, DispatchError> {
        let DispatcherSetup {
            client,
            me,
            config,
            states,
            on_error,
            handlers,
            session,
            middleware,
            plugins,
        } = setup;
        let explicit = handlers.is_some();
        let specs = handlers.unwrap_or_else(|| HandlerSpec::registered().copied().collect());
        let specs = plugins.apply(specs);
        let parser = CommandParser::new(&config.dispatch.command_prefixes, me.username.as_deref());
        let max_in_flight = config.dispatch.max_in_flight;
        let set_commands = me.is_bot && config.dispatch.set_bot_commands;
        let throttle = crate::throttle::Throttle::from_config(
            &config.throttle,
            config.telegram.flood_sleep_threshold,
        );
        let shared = Shared {
            client,
            me,
            config,
            states,
            parser,
            throttle,
            session,
            menu: std::sync::OnceLock::new(),
            plugin_configs: plugins.configs,
            plugin_values: plugins.names,
        };
        let (router, registered) = Router::build(specs, shared, on_error, middleware)?;
        // The menu of what is enabled, for the `Commands` extractor: the same list the bot
        // sends to Telegram.
        let _ = router
            .shared
            .menu
            .set(bot_commands(router.entries().iter().map(|e| &e.spec)));
        table::log_startup_table(&registered, explicit);
        let router = Arc::new(router);
        let scheduler = Scheduler::new(Arc::clone(&router), max_in_flight);
        let dispatcher = Self {
            router,
            scheduler,
            registered,
        };
        if set_commands {
            dispatcher.spawn_set_bot_commands();
        }
        Ok(dispatcher)
    }

    fn spawn_set_bot_commands(&self) {
        let commands = self.bot_commands();
        if commands.is_empty() {
            // Nothing described: leave a menu set elsewhere (e.g. with @BotFather) alone.
            tracing::debug!("no command has a description: the bot command menu is left as is");
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("not in a tokio runtime: the bot command menu was not sent");
            return;
        };
        let client = self.router.shared.client.clone();
        runtime.spawn(async move {
            match set_bot_commands(&client, &commands).await {
                Ok(()) => tracing::info!(count = commands.len(), "bot command menu sent"),
                Err(e) => tracing::warn!(error = %e, "could not send the bot command menu"),
            }
        });
    }

    /// The commands sent to Telegram's command menu: enabled command handlers with a
    /// description, in routing order.
    pub fn bot_commands(&self) -> Vec<BotCommand> {
        bot_commands(self.router.entries().iter().map(|e| &e.spec))
    }

    /// Every handler found, enabled or not, in routing order (what the startup table shows).
    pub fn handlers(&self) -> &[RegisteredHandler] {
        &self.registered
    }

    /// The routing table (to route an update synchronously, e.g. in tests or benchmarks).
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Accepts one update; the returned future completes once it is queued (it waits only
    /// while the bounded queue of accepted, unfinished updates is full).
    ///
    /// The update is moved into its shared context before this returns, so the future holds
    /// a pointer, not the update (a grammers `Update` is about 8 KB).
    pub fn dispatch(&self, update: Update) -> impl Future<Output = ()> + Send + 'static {
        Arc::clone(&self.scheduler).dispatch(update, None)
    }

    /// [`dispatch`](Self::dispatch), marking `handled` done once the update's handlers returned
    /// (the update-state checkpoints of the runtime).
    pub(crate) fn dispatch_tracked(
        &self,
        update: Update,
        handled: Option<OnHandled>,
    ) -> impl Future<Output = ()> + Send + 'static {
        Arc::clone(&self.scheduler).dispatch(update, handled)
    }

    /// The dispatcher's progress, for `oxygram::testing`'s quiescence.
    #[cfg(feature = "testing")]
    pub(crate) fn activity(&self) -> scheduler::Activity {
        scheduler::Activity::new(&self.scheduler)
    }

    /// Stops accepting updates and waits up to `grace` for queued and running handlers;
    /// the ones still running after that are cancelled and counted as abandoned.
    pub async fn shutdown(&self, grace: Duration) -> ShutdownReport {
        ShutdownReport {
            abandoned: self.scheduler.shutdown(grace).await,
        }
    }
}
