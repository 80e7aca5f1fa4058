//! `App`: from `Bot.toml` to a running bot.
//!
//! [`App::run`] is the whole lifecycle in one blocking call, like Pyrogram's `run()`: it
//! builds its own tokio runtime, loads the configuration, sets up logging, opens and locks
//! the session, logs in, dispatches updates until Ctrl+C or SIGTERM, then lets running
//! handlers finish, saves the update state and returns `Ok(())`. Apps that own a runtime use
//! [`App::start`], [`App::idle`] and [`App::stop`] instead.
//!
//! ```no_run
//! fn main() -> oxygram::Result<()> {
//!     oxygram::App::new().run()
//! }
//! ```

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use grammers_client::Client;
use grammers_mtsender::{ConnectionParams, SenderPool, SenderPoolFatHandle, UpdatesConfiguration};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::dispatch::{Dispatcher, DispatcherSetup, ErrorHook, HandlerFailure, Me};
use crate::error::{Error, Result};
use crate::handler::HandlerSpec;
use crate::job::Jobs;
use crate::login::{self, LoginContext, NoPrompter, Prompter, TerminalPrompter};
use crate::plugin::{Plugin, PluginContext, PluginError, Plugins};
use crate::runtime::{self, LoggedAutoSleep, SkipUnchangedPeers, UPDATES_QUEUE};
use crate::session::{SessionError, SessionFile};
use crate::state::States;

/// A bot or userbot: configuration, login and the update loop.
///
/// Build it with [`App::new`] and the builder methods, then [`run`](App::run) it.
pub struct App {
    config: Option<Config>,
    config_file: Option<PathBuf>,
    states: States,
    prompter: Option<Box<dyn Prompter>>,
    on_error: Option<ErrorHook>,
    handlers: Option<Vec<HandlerSpec>>,
    middleware: Vec<Arc<dyn crate::middleware::Middleware>>,
    plugins: Plugins,
    running: Option<Running>,
    /// Where the update loop records quiet markers (`oxygram::testing`).
    #[cfg(feature = "testing")]
    quiet: Option<Arc<runtime::quiet::Quiet>>,
}

/// What a started app holds until it stops.
struct Running {
    client: Client,
    me: Me,
    config: Arc<Config>,
    handle: SenderPoolFatHandle,
    pool: JoinHandle<()>,
    updates: Option<JoinHandle<Result<()>>>,
    stop: watch::Sender<bool>,
    signals: Option<StopSignals>,
    /// The plugin values' scheduled jobs.
    jobs: Option<Jobs>,
    /// The plugin values' shutdown hooks, with their contexts.
    on_shutdown: Vec<(PluginContext, crate::plugin::Hook)>,
    // Dropped last: the lock must outlive every use of the session.
    session: SessionFile,
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config_file", &self.config_file)
            .field("states", &self.states)
            .field("running", &self.running.is_some())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An app configured from `--config PATH`, `OXYGRAM_CONFIG` or `./Bot.toml`, plus the
    /// `OXYGRAM_*` environment variables.
    pub fn new() -> Self {
        Self {
            config: None,
            config_file: None,
            states: States::default(),
            prompter: None,
            on_error: None,
            handlers: None,
            middleware: Vec::new(),
            plugins: Plugins::default(),
            running: None,
            #[cfg(feature = "testing")]
            quiet: None,
        }
    }

    /// Uses this configuration instead of loading one.
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Loads the configuration from `path` (plus the environment) instead of the default
    /// lookup.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// Registers shared state that handlers extract with `State<T>`; a second value of the
    /// same type replaces the first.
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.states.insert(value);
        self
    }

    /// Adds a plugin value: calls its [`build`](Plugin::build) now and keeps what it
    /// registered (handlers, state, config section, hooks, jobs) for [`start`](App::start),
    /// where `[plugins] include`/`exclude` decide whether it runs.
    ///
    /// ```no_run
    /// use oxygram::prelude::*;
    ///
    /// #[derive(Default)]
    /// struct Admin;
    ///
    /// impl Plugin for Admin {
    ///     fn name(&self) -> &'static str {
    ///         "admin"
    ///     }
    ///     fn build(&self, _plugin: &mut PluginBuilder) {}
    /// }
    ///
    /// oxygram::App::new().plugin(Admin::default()).run().unwrap();
    /// ```
    pub fn plugin(mut self, plugin: impl Plugin) -> Self {
        self.plugins.add(&plugin);
        self
    }

    /// Calls `hook` with every handler error or panic, after it has been logged.
    ///
    /// ```no_run
    /// oxygram::App::new()
    ///     .on_error(|failure| async move { eprintln!("{failure}") })
    ///     .run()
    ///     .unwrap();
    /// ```
    pub fn on_error<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(HandlerFailure) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.on_error = Some(ErrorHook::new(hook));
        self
    }

    /// Adds a middleware around every update's handling; the first added runs outermost
    /// (see [`crate::middleware`]).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use oxygram::middleware::{RateLimit, TraceUpdates};
    ///
    /// oxygram::App::new()
    ///     .middleware(TraceUpdates)
    ///     .middleware(RateLimit::per_user(5, Duration::from_secs(10)))
    ///     .run()
    ///     .unwrap();
    /// ```
    pub fn middleware(mut self, middleware: impl crate::middleware::Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Routes to exactly these handlers instead of every `#[handler]` linked into the binary
    /// (tests, or apps that assemble handlers at runtime).
    pub fn handlers(mut self, handlers: impl IntoIterator<Item = HandlerSpec>) -> Self {
        self.handlers = Some(handlers.into_iter().collect());
        self
    }

    /// Asks `prompter` for the phone number, code and password the configuration lacks,
    /// instead of the terminal.
    pub fn prompter(mut self, prompter: impl Prompter) -> Self {
        self.prompter = Some(Box::new(prompter));
        self
    }

    /// Loads the configuration, sets up logging, opens the session, logs in and starts
    /// dispatching updates in the background.
    pub async fn start(&mut self) -> Result<()> {
        if self.running.is_some() {
            return Err(Error::Usage(
                "App::start was called on an app that is already running",
            ));
        }
        // Kept for a later `start` after `stop`; a file is read again then.
        let config = match (self.config.clone(), &self.config_file) {
            (Some(config), _) => config,
            (None, Some(path)) => Config::load_file(path)?,
            (None, None) => Config::load()?,
        };
        crate::log::init(&config.log);
        // Plugin values' sections and schedules are checked before anything connects.
        let mut plugins = self.plugins.prepare(&config, &self.states)?;
        let config = Arc::new(config);

        let session = SessionFile::open(config.session_path()).await?;
        let params = ConnectionParams {
            updates_channel_capacity: NonZeroUsize::new(UPDATES_QUEUE).expect("non-zero"),
            retry_policy: Box::new(LoggedAutoSleep::new(config.telegram.flood_sleep_threshold)),
            ..ConnectionParams::default()
        };
        let SenderPool {
            runner,
            handle,
            updates,
        } = SenderPool::with_configuration(
            Arc::new(SkipUnchangedPeers::new(session.storage())),
            config.telegram.api_id,
            params,
        );
        let client = Client::new(handle.clone());
        let pool = tokio::spawn(runner.run());

        let mut default_prompter: Option<Box<dyn Prompter>>;
        let interactive = self.prompter.is_some() || std::io::stdin().is_terminal();
        let prompter = if self.prompter.is_some() {
            &mut self.prompter
        } else {
            default_prompter = Some(if interactive {
                Box::new(TerminalPrompter)
            } else {
                Box::new(NoPrompter)
            });
            &mut default_prompter
        };
        let ctx = LoginContext {
            client: &client,
            handle: &handle,
            session: &session,
            config: &config,
        };
        let logged_in = match login::log_in(&ctx, prompter, interactive).await {
            Ok(logged_in) => logged_in,
            Err(error) => {
                handle.quit();
                let _ = pool.await;
                drop(client);
                session.discard_if_new();
                // A session file that cannot record the login is the session's error.
                return Err(match error {
                    login::LoginError::Session(e) => Error::Session(e),
                    e => Error::Login(e),
                });
            }
        };
        let user = logged_in.user;
        let me = Me {
            id: user.id().bare_id_unchecked(),
            username: user.username().map(str::to_owned),
            is_bot: user.is_bot(),
        };

        // What the update loop sees of the connection, for the jobs to skip runs while down.
        let connectivity = crate::connectivity::Connectivity::default();
        let started = async {
            let mut setup = DispatcherSetup::new(
                client.clone(),
                me.clone(),
                Arc::clone(&config),
                plugins.states.clone(),
            );
            setup.on_error = self.on_error.clone();
            setup.handlers = self.handlers.clone();
            setup.session = Some(handle.session.clone());
            setup.middleware = self.middleware.clone();
            setup.middleware.extend(plugins.middleware.iter().cloned());
            setup.plugins = std::mem::take(&mut plugins.dispatch);
            let dispatcher = Dispatcher::new(setup)?;
            #[cfg(feature = "testing")]
            if let Some(quiet) = &self.quiet {
                quiet.attach(dispatcher.activity());
            }
            // Between the connection and the stream: notices a connection that went quiet.
            // ... and completes short messages with the senders and chats they only name.
            let short =
                runtime::short_updates::ShortUpdates::new(client.clone(), Some(user.raw.clone()));
            let (updates, inject) = runtime::watchdog::spawn_tracking(
                updates,
                config.updates.watchdog_interval,
                UPDATES_QUEUE,
                short,
                connectivity.clone(),
            );
            let stream = client
                .stream_updates(
                    updates,
                    UpdatesConfiguration {
                        catch_up: config.updates.catch_up,
                    },
                )
                .await
                .map_err(|e| SessionError::Storage {
                    doing: "read the update state",
                    path: session.path().to_path_buf(),
                    detail: e.to_string(),
                })?;
            let qts = runtime::qts::Qts::new(client.clone(), Some(inject.clone()));
            let too_long = runtime::too_long::TooLong::new(
                client.clone(),
                Some(inject),
                config.updates.too_long_fetch,
            );
            Ok::<_, Error>((dispatcher, stream, too_long, qts))
        };
        let (dispatcher, stream, too_long, qts) = match started.await {
            Ok(started) => started,
            Err(error) => {
                handle.quit();
                let _ = pool.await;
                return Err(error);
            }
        };
        // The plugin values' contexts, and their startup hooks, before any update is handled.
        let contexts: Vec<PluginContext> = {
            let shared = &dispatcher.router().shared;
            let client = crate::Client::new(client.clone(), shared.throttle.clone());
            plugins
                .lifecycles
                .iter()
                .map(|lifecycle| {
                    lifecycle.context(
                        client.clone(),
                        me.clone(),
                        Arc::clone(&config),
                        shared.states.clone(),
                        &shared.plugin_configs,
                    )
                })
                .collect()
        };
        for (lifecycle, cx) in plugins.lifecycles.iter().zip(&contexts) {
            for hook in &lifecycle.on_startup {
                if let Err(source) = hook(cx.clone()).await {
                    handle.quit();
                    let _ = pool.await;
                    return Err(PluginError::Startup {
                        plugin: lifecycle.plugin,
                        source,
                    }
                    .into());
                }
            }
        }
        let signals = match StopSignals::listen() {
            Ok(signals) => signals,
            Err(error) => {
                handle.quit();
                let _ = pool.await;
                return Err(error);
            }
        };
        let (stop, stop_rx) = watch::channel(false);
        let settings = runtime::LoopSettings {
            session: grammers_session::storages::erase(session.storage()),
            checkpoint_interval: config.updates.checkpoint_interval,
            grace: config.dispatch.shutdown_grace,
            too_long,
            qts,
            catch_up: config.updates.catch_up,
            connectivity: connectivity.clone(),
            #[cfg(feature = "testing")]
            quiet: self.quiet.clone(),
        };
        let updates = tokio::spawn(runtime::run_updates(stream, dispatcher, stop_rx, settings));
        let mut jobs = Vec::new();
        let mut on_shutdown = Vec::new();
        for (lifecycle, cx) in plugins.lifecycles.iter().zip(contexts) {
            jobs.extend(lifecycle.jobs(&cx));
            for hook in &lifecycle.on_shutdown {
                on_shutdown.push((cx.clone(), Arc::clone(hook)));
            }
        }
        let jobs = (!jobs.is_empty()).then(|| Jobs::spawn(jobs, connectivity));
        tracing::info!(
            account = %me.username.as_deref().map_or_else(|| me.id.to_string(), |u| format!("@{u}")),
            "receiving updates"
        );
        self.running = Some(Running {
            client,
            me,
            config,
            handle,
            pool,
            updates: Some(updates),
            stop,
            signals: Some(signals),
            jobs,
            on_shutdown,
            session,
        });
        Ok(())
    }

    /// Waits until Ctrl+C or SIGTERM (`Ok`), or until the update loop fails for good (`Err`).
    pub async fn idle(&mut self) -> Result<()> {
        let Some(running) = self.running.as_mut() else {
            return Err(Error::Usage(
                "App::idle needs a started app: call App::start first",
            ));
        };
        let Some(updates) = running.updates.as_mut() else {
            return Ok(());
        };
        let Some(signals) = running.signals.as_mut() else {
            return Err(Error::Usage(
                "App::idle: the stop signals are already being awaited",
            ));
        };
        tokio::select! {
            signal = signals.recv() => {
                signal?;
                tracing::info!("stop signal received: finishing running handlers");
                Ok(())
            }
            ended = updates => {
                running.updates = None;
                match ended {
                    Ok(result) => result,
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
            }
        }
    }

    /// Stops taking updates and starting jobs, lets running handlers and jobs finish within
    /// `[dispatch] shutdown_grace_secs`, saves the update state, runs the plugins' shutdown
    /// hooks, disconnects and releases the session.
    pub async fn stop(&mut self) -> Result<()> {
        let Some(mut running) = self.running.take() else {
            return Err(Error::Usage(
                "App::stop needs a started app: call App::start first",
            ));
        };
        let _ = running.stop.send(true);
        let grace = running.config.dispatch.shutdown_grace;
        let jobs = async {
            if let Some(jobs) = running.jobs.take() {
                jobs.stop(grace).await;
            }
        };
        let updates = async {
            match running.updates.take() {
                Some(updates) => match updates.await {
                    Ok(result) => result,
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                },
                None => Ok(()),
            }
        };
        let ((), result) = tokio::join!(jobs, updates);
        for (cx, hook) in std::mem::take(&mut running.on_shutdown) {
            match tokio::time::timeout(grace, hook(cx.clone())).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::error!(plugin = cx.plugin(), %error, "shutdown hook failed");
                }
                Err(_) => tracing::warn!(
                    plugin = cx.plugin(),
                    "shutdown hook still running after the {grace:?} grace period; abandoned"
                ),
            }
        }
        running.handle.quit();
        let _ = (&mut running.pool).await;
        tracing::info!("stopped");
        drop(running);
        result
    }

    /// The stop signals of a running app, for [`App::run`] to tell a second Ctrl+C (exit now)
    /// from the first.
    pub(crate) fn take_stop_signals(&mut self) -> Option<StopSignals> {
        self.running.as_mut().and_then(|r| r.signals.take())
    }

    /// Takes the configuration the builder was given (a `Config`, or a file to load), for the
    /// sandbox to adjust before it starts the app.
    #[cfg(feature = "sandbox")]
    pub(crate) fn take_config_source(&mut self) -> (Option<Config>, Option<PathBuf>) {
        (self.config.take(), self.config_file.take())
    }

    /// Replaces the error hook with what `wrap` makes of the current one (`oxygram::testing`
    /// records failures, then calls the app's own hook).
    #[cfg(feature = "testing")]
    pub(crate) fn wrap_on_error(&mut self, wrap: impl FnOnce(Option<ErrorHook>) -> ErrorHook) {
        self.on_error = Some(wrap(self.on_error.take()));
    }

    /// Makes the update loop record quiet markers in `quiet` (`oxygram::testing`).
    #[cfg(feature = "testing")]
    pub(crate) fn watch_quiet(&mut self, quiet: Arc<runtime::quiet::Quiet>) {
        self.quiet = Some(quiet);
    }

    /// The logged-in client, once started.
    pub fn client(&self) -> Option<&Client> {
        self.running.as_ref().map(|r| &r.client)
    }

    /// The logged-in account, once started.
    pub fn me(&self) -> Option<&Me> {
        self.running.as_ref().map(|r| &r.me)
    }

    /// The session file in use, once started.
    pub fn session_path(&self) -> Option<&std::path::Path> {
        self.running.as_ref().map(|r| r.session.path())
    }

    /// The configuration in use, once started.
    pub fn loaded_config(&self) -> Option<&Config> {
        self.running.as_ref().map(|r| r.config.as_ref())
    }
}

/// Ctrl+C and (on Unix) SIGTERM, listened for from the moment it is created: an app that
/// says "receiving updates" must already stop cleanly on a signal, not die of it.
pub(crate) struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())
                    .map_err(Error::system("listen for Ctrl+C"))?,
                terminate: signal(SignalKind::terminate())
                    .map_err(Error::system("listen for SIGTERM"))?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves on the next Ctrl+C or SIGTERM.
    pub(crate) async fn recv(&mut self) -> Result<()> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok(()),
                _ = self.terminate.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c()
                .await
                .map_err(Error::system("listen for Ctrl+C"))
        }
    }
}
