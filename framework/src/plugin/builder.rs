//! [`PluginBuilder`]: what a plugin registers in its [`build`](super::Plugin::build).

use std::any::{Any, TypeId, type_name};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::PluginContext;
use crate::config::Config;
use crate::handler::{BoxError, BoxFuture, HandlerSpec};
use crate::job::Schedule;

/// A startup or shutdown hook, or one run of a job.
pub(crate) type Hook =
    Arc<dyn Fn(PluginContext) -> BoxFuture<'static, Result<(), BoxError>> + Send + Sync>;

/// Reads `[plugins.<name>]` into one registered type.
pub(crate) struct ConfigLoader {
    pub(crate) type_id: TypeId,
    pub(crate) type_name: &'static str,
    #[allow(clippy::type_complexity)]
    pub(crate) load:
        fn(&Config, &str) -> Result<Arc<dyn Any + Send + Sync>, crate::config::ConfigError>,
}

/// A job as the plugin registered it.
pub(crate) struct JobDef {
    pub(crate) name: String,
    pub(crate) schedule: Result<Schedule, crate::job::ScheduleError>,
    pub(crate) run: Hook,
}

/// A state value as a plugin registered it.
pub(crate) struct StateDef {
    pub(crate) type_id: TypeId,
    pub(crate) type_name: &'static str,
    pub(crate) value: Arc<dyn Any + Send + Sync>,
}

/// What a [`Plugin`](super::Plugin) registers: handlers, state, its configuration section,
/// startup and shutdown hooks, scheduled jobs. Every method returns the builder, so calls
/// chain.
///
/// ```
/// use std::time::Duration;
/// use oxygram::plugin::{Plugin, PluginBuilder, PluginContext};
/// use oxygram::prelude::*;
///
/// struct Heartbeat;
///
/// impl Plugin for Heartbeat {
///     fn name(&self) -> &'static str {
///         "heartbeat"
///     }
///
///     fn build(&self, plugin: &mut PluginBuilder) {
///         plugin
///             .on_startup(|cx: PluginContext| async move {
///                 tracing::info!("up as {:?}", cx.me().username);
///                 Ok(())
///             })
///             .every("beat", Duration::from_secs(60), beat);
///     }
/// }
///
/// async fn beat(cx: PluginContext) -> Result<()> {
///     tracing::debug!("{} is alive", cx.me().id);
///     Ok(())
/// }
/// ```
pub struct PluginBuilder {
    pub(crate) name: &'static str,
    pub(crate) handlers: Option<Vec<HandlerSpec>>,
    pub(crate) states: Vec<StateDef>,
    pub(crate) configs: Vec<ConfigLoader>,
    pub(crate) on_startup: Vec<Hook>,
    pub(crate) on_shutdown: Vec<Hook>,
    pub(crate) jobs: Vec<JobDef>,
    /// Middleware the plugin brings; they run after the app's own, in plugin order.
    pub(crate) middleware: Vec<Arc<dyn crate::middleware::Middleware>>,
}

fn hook<F, Fut>(f: F) -> Hook
where
    F: Fn(PluginContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
{
    Arc::new(move |cx| Box::pin(f(cx)))
}

impl PluginBuilder {
    pub(crate) fn new(name: &'static str) -> Self {
        Self {
            name,
            handlers: None,
            states: Vec::new(),
            configs: Vec::new(),
            middleware: Vec::new(),
            on_startup: Vec::new(),
            on_shutdown: Vec::new(),
            jobs: Vec::new(),
        }
    }

    /// Adds a middleware around every update's handling while the plugin is enabled; it
    /// runs inside the app's own middleware (registered with `App::middleware`), after those
    /// of plugins added before this one (see [`crate::middleware`]).
    pub fn middleware(&mut self, middleware: impl crate::middleware::Middleware) -> &mut Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// The plugin's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The plugin's handlers are these (e.g. `oxygram::handlers![ban, kick]`), instead of
    /// the linked `#[handler]`s of its name; they take the plugin's name, whatever module
    /// they are in, and run only with it. Calling it again adds to the list.
    pub fn handlers(&mut self, handlers: impl IntoIterator<Item = HandlerSpec>) -> &mut Self {
        self.handlers.get_or_insert_with(Vec::new).extend(handlers);
        self
    }

    /// Registers state, as [`App::state`](crate::App::state) does: handlers extract it with
    /// [`State<T>`](crate::extract::State), hooks and jobs with
    /// [`PluginContext::state`]. State is app-wide (bevy's resources are the model), so
    /// plugins can share a type; two plugins registering the same type is a startup error,
    /// and a value given with `App::state` replaces the plugin's.
    pub fn state<T: Send + Sync + 'static>(&mut self, value: T) -> &mut Self {
        let type_id = TypeId::of::<T>();
        self.states.retain(|s| s.type_id != type_id);
        self.states.push(StateDef {
            type_id,
            type_name: type_name::<T>(),
            value: Arc::new(value),
        });
        self
    }

    /// Reads the plugin's `[plugins.<name>]` section into `T` at startup (a bad section stops
    /// the app with an error naming the file and the key, before it connects). Handlers get
    /// it with [`PluginConfig<T>`](crate::extract::PluginConfig), hooks and jobs with
    /// [`PluginContext::config`]. Use `#[serde(default)]` on `T` to make the section optional.
    pub fn config<T: DeserializeOwned + Send + Sync + 'static>(&mut self) -> &mut Self {
        fn load<T: DeserializeOwned + Send + Sync + 'static>(
            config: &Config,
            plugin: &str,
        ) -> Result<Arc<dyn Any + Send + Sync>, crate::config::ConfigError> {
            let value: T = config.plugin_section(plugin)?;
            Ok(Arc::new(value))
        }
        let type_id = TypeId::of::<T>();
        if !self.configs.iter().any(|c| c.type_id == type_id) {
            self.configs.push(ConfigLoader {
                type_id,
                type_name: type_name::<T>(),
                load: load::<T>,
            });
        }
        self
    }

    /// Runs `hook` once the app is logged in, before it receives updates. An error stops the
    /// app from starting (`App::start` returns it, naming the plugin).
    pub fn on_startup<F, Fut>(&mut self, f: F) -> &mut Self
    where
        F: Fn(PluginContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        self.on_startup.push(hook(f));
        self
    }

    /// Runs `hook` on [`App::stop`](crate::App::stop), after handlers and jobs finished and
    /// before the app disconnects (the client still works), within `[dispatch]
    /// shutdown_grace_secs`. An error is logged.
    pub fn on_shutdown<F, Fut>(&mut self, f: F) -> &mut Self
    where
        F: Fn(PluginContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        self.on_shutdown.push(hook(f));
        self
    }

    /// Runs `job` on `schedule` (see [`crate::job`] for the rules: on time, never overlapping
    /// itself, skipped while disconnected, stopped on shutdown). `name` names it in logs and
    /// errors; a bad schedule is a startup error.
    pub fn job<F, Fut>(&mut self, name: &str, schedule: Schedule, job: F) -> &mut Self
    where
        F: Fn(PluginContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        self.jobs.push(JobDef {
            name: name.to_owned(),
            schedule: Ok(schedule),
            run: hook(job),
        });
        self
    }

    /// Runs `job` every `period`, the first time one period after the app started.
    pub fn every<F, Fut>(&mut self, name: &str, period: Duration, job: F) -> &mut Self
    where
        F: Fn(PluginContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        self.job(name, Schedule::every(period), job)
    }

    /// Runs `job` at the times the cron `expression` matches, in the system's time zone (see
    /// [`Schedule::cron`]); an expression that does not parse is a startup error naming the
    /// plugin and the job.
    #[cfg(feature = "cron")]
    pub fn cron<F, Fut>(&mut self, name: &str, expression: &str, job: F) -> &mut Self
    where
        F: Fn(PluginContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        self.jobs.push(JobDef {
            name: name.to_owned(),
            schedule: Schedule::cron(expression),
            run: hook(job),
        });
        self
    }
}

impl std::fmt::Debug for PluginBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginBuilder")
            .field("name", &self.name)
            .field("handlers", &self.handlers.as_ref().map(Vec::len))
            .field("states", &self.states.len())
            .field("configs", &self.configs.len())
            .field("jobs", &self.jobs.len())
            .finish_non_exhaustive()
    }
}
