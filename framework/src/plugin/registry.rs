//! The plugin values an app was given, and what they add up to when it starts.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use super::builder::Hook;
use super::{Plugin, PluginBuilder, PluginContext};
use crate::config::{Config, PluginsConfig};
use crate::handler::HandlerSpec;
use crate::job::{Job, ScheduleError};
use crate::state::States;

/// `PluginConfig<T>` values keyed by plugin and type (what the router's startup checks use).
pub(crate) type PluginConfigs = HashMap<(String, TypeId), Arc<dyn Any + Send + Sync>>;

/// Why the plugin values cannot start; the app refuses to run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// Two plugin values have the same name.
    #[error("two plugin values are named `{name}`; give one another name")]
    DuplicateName {
        /// The name.
        name: &'static str,
    },
    /// Two plugins register state of the same type.
    #[error(
        "plugins `{first}` and `{second}` both register the state `{type_name}`; register it \
         once (state is app-wide), or give each plugin its own type"
    )]
    DuplicateState {
        /// The type.
        type_name: &'static str,
        /// The first plugin.
        first: &'static str,
        /// The second plugin.
        second: &'static str,
    },
    /// Two plugins list the same handler.
    #[error("plugins `{first}` and `{second}` both list the handler `{handler}` ({file}:{line})")]
    DuplicateHandler {
        /// The handler.
        handler: &'static str,
        /// Where it is declared.
        file: &'static str,
        /// The line.
        line: u32,
        /// The first plugin.
        first: &'static str,
        /// The second plugin.
        second: &'static str,
    },
    /// The plugin's `[plugins.<name>]` section does not deserialize into its config type.
    #[error("plugin `{plugin}` reads its section into `{type_name}`: {source}")]
    Config {
        /// The plugin.
        plugin: &'static str,
        /// The registered type.
        type_name: &'static str,
        /// What is wrong, naming the file (or variable) and the key.
        source: Box<crate::Error>,
    },
    /// A job's schedule cannot work.
    #[error("plugin `{plugin}`, job `{job}`: {source}")]
    Schedule {
        /// The plugin.
        plugin: &'static str,
        /// The job.
        job: String,
        /// What is wrong.
        source: ScheduleError,
    },
    /// Two jobs of one plugin have the same name.
    #[error("plugin `{plugin}` has two jobs named `{job}`")]
    DuplicateJob {
        /// The plugin.
        plugin: &'static str,
        /// The job.
        job: String,
    },
    /// A startup hook returned an error.
    #[error("the startup hook of plugin `{plugin}` failed: {source}")]
    Startup {
        /// The plugin.
        plugin: &'static str,
        /// The hook's error.
        source: crate::handler::BoxError,
    },
}

/// The plugin values given to an app, each built once.
#[derive(Default)]
pub(crate) struct Plugins {
    built: Vec<PluginBuilder>,
}

/// What the dispatcher needs from the plugin values.
#[derive(Default)]
pub(crate) struct DispatchPlugins {
    /// Every plugin value's name, enabled or not (names `[plugins]` entries may use).
    pub(crate) names: Vec<&'static str>,
    /// The handlers plugin values own (listed ones renamed to their plugin), which replace
    /// the same handlers in the linked set.
    pub(crate) handlers: Vec<HandlerSpec>,
    /// The config sections plugin values registered, loaded.
    pub(crate) configs: PluginConfigs,
}

/// What an enabled plugin value runs besides its handlers.
pub(crate) struct Lifecycle {
    pub(crate) plugin: &'static str,
    pub(crate) on_startup: Vec<Hook>,
    pub(crate) on_shutdown: Vec<Hook>,
    pub(crate) jobs: Vec<(String, crate::job::Schedule, Hook)>,
}

/// The plugin values, checked against the configuration.
pub(crate) struct Prepared {
    /// The app's state: the enabled plugins' state, then the app's own on top.
    pub(crate) states: States,
    pub(crate) dispatch: DispatchPlugins,
    pub(crate) lifecycles: Vec<Lifecycle>,
}

/// The handler's identity: a `#[handler]` fn is one declaration.
fn identity(spec: &HandlerSpec) -> (&'static str, u32, &'static str, &'static str) {
    (spec.file, spec.line, spec.module_path, spec.name)
}

/// `spec`, belonging to `plugin` (the one place that sets a spec's plugin).
fn owned_by(mut spec: HandlerSpec, plugin: &'static str) -> HandlerSpec {
    spec.plugin = Some(plugin);
    spec
}

/// Whether `[plugins]` leaves the plugin value `name` on: `include` (if given) names it or
/// one of its handlers, and `exclude` does not name it as a whole.
pub(crate) fn plugin_enabled(name: &str, plugins: &PluginsConfig) -> bool {
    let first_word = |entry: &String| entry.split_whitespace().next() == Some(name);
    let whole = |entry: &String| {
        let mut words = entry.split_whitespace();
        words.next() == Some(name) && words.next().is_none()
    };
    let included = plugins
        .include
        .as_ref()
        .is_none_or(|list| list.iter().any(first_word));
    included && !plugins.exclude.iter().any(whole)
}

impl Plugins {
    /// Builds `plugin` and keeps what it registered.
    pub(crate) fn add(&mut self, plugin: &dyn Plugin) {
        let mut builder = PluginBuilder::new(plugin.name());
        plugin.build(&mut builder);
        self.built.push(builder);
    }

    /// Checks the plugin values against `config` (include/exclude, their sections, their
    /// schedules) and merges their state under the app's `states`.
    pub(crate) fn prepare(
        &self,
        config: &Config,
        states: &States,
    ) -> Result<Prepared, PluginError> {
        let mut names: Vec<&'static str> = Vec::new();
        for built in &self.built {
            if names.contains(&built.name) {
                return Err(PluginError::DuplicateName { name: built.name });
            }
            names.push(built.name);
        }
        // Handlers: listed ones belong to their plugin whether it is on or not (so a plugin
        // switched off takes them with it); by default the linked ones of its name.
        let mut handlers: Vec<(HandlerSpec, &'static str)> = Vec::new();
        for built in &self.built {
            let own: Vec<HandlerSpec> = match &built.handlers {
                Some(listed) => listed.iter().map(|s| owned_by(*s, built.name)).collect(),
                None => HandlerSpec::registered()
                    .filter(|s| super::plugin_name(s) == built.name)
                    .copied()
                    .collect(),
            };
            for spec in own {
                if let Some((_, first)) = handlers
                    .iter()
                    .find(|(other, _)| identity(other) == identity(&spec))
                {
                    if *first == built.name {
                        continue;
                    }
                    return Err(PluginError::DuplicateHandler {
                        handler: spec.name,
                        file: spec.file,
                        line: spec.line,
                        first,
                        second: built.name,
                    });
                }
                handlers.push((spec, built.name));
            }
        }

        let mut merged = States::default();
        let mut owners: HashMap<TypeId, &'static str> = HashMap::new();
        let mut configs = PluginConfigs::new();
        let mut lifecycles = Vec::new();
        for built in &self.built {
            if !plugin_enabled(built.name, &config.plugins) {
                tracing::debug!(plugin = built.name, "plugin switched off in [plugins]");
                continue;
            }
            for state in &built.states {
                if let Some(first) = owners.insert(state.type_id, built.name) {
                    return Err(PluginError::DuplicateState {
                        type_name: state.type_name,
                        first,
                        second: built.name,
                    });
                }
                merged.insert_shared(state.type_id, Arc::clone(&state.value));
            }
            for loader in &built.configs {
                let value =
                    (loader.load)(config, built.name).map_err(|source| PluginError::Config {
                        plugin: built.name,
                        type_name: loader.type_name,
                        source: Box::new(source),
                    })?;
                configs.insert((built.name.to_owned(), loader.type_id), value);
            }
            let mut jobs = Vec::new();
            for job in &built.jobs {
                let schedule = job
                    .schedule
                    .clone()
                    .and_then(|s| s.validate().map(|()| s))
                    .map_err(|source| PluginError::Schedule {
                        plugin: built.name,
                        job: job.name.clone(),
                        source,
                    })?;
                if jobs.iter().any(|(name, _, _)| *name == job.name) {
                    return Err(PluginError::DuplicateJob {
                        plugin: built.name,
                        job: job.name.clone(),
                    });
                }
                jobs.push((job.name.clone(), schedule, Arc::clone(&job.run)));
            }
            lifecycles.push(Lifecycle {
                plugin: built.name,
                on_startup: built.on_startup.clone(),
                on_shutdown: built.on_shutdown.clone(),
                jobs,
            });
        }
        merged.extend_from(states);
        Ok(Prepared {
            states: merged,
            dispatch: DispatchPlugins {
                names,
                handlers: handlers.into_iter().map(|(spec, _)| spec).collect(),
                configs,
            },
            lifecycles,
        })
    }
}

impl DispatchPlugins {
    /// The handlers to route: `specs` (the linked set, or the app's explicit list) without the
    /// ones plugin values own, then those.
    pub(crate) fn apply(&self, mut specs: Vec<HandlerSpec>) -> Vec<HandlerSpec> {
        if self.handlers.is_empty() {
            return specs;
        }
        specs.retain(|spec| {
            !self
                .handlers
                .iter()
                .any(|own| identity(own) == identity(spec))
        });
        specs.extend(self.handlers.iter().copied());
        specs
    }
}

impl Lifecycle {
    /// The context the plugin's hooks and jobs get.
    pub(crate) fn context(
        &self,
        client: crate::Client,
        me: crate::dispatch::Me,
        config: Arc<Config>,
        states: States,
        all_configs: &PluginConfigs,
    ) -> PluginContext {
        let configs = all_configs
            .iter()
            .filter(|((plugin, _), _)| plugin == self.plugin)
            .map(|((_, type_id), value)| (*type_id, Arc::clone(value)))
            .collect();
        PluginContext::new(self.plugin, client, me, config, states, configs)
    }

    /// The plugin's jobs, bound to `cx`.
    pub(crate) fn jobs(&self, cx: &PluginContext) -> Vec<Job> {
        self.jobs
            .iter()
            .map(|(name, schedule, run)| {
                let cx = cx.clone();
                let run = Arc::clone(run);
                Job {
                    plugin: self.plugin,
                    name: name.clone(),
                    schedule: schedule.clone(),
                    run: Arc::new(move || run(cx.clone())),
                }
            })
            .collect()
    }
}
