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
        source: Box<crate::config::ConfigError>,
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
    /// The enabled plugins' middleware, in plugin order.
    pub(crate) middleware: Vec<Arc<dyn crate::middleware::Middleware>>,
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
        let mut middleware = Vec::new();
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
            middleware.extend(built.middleware.iter().cloned());
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
            middleware,
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
        me: crate::context::Me,
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::job::Schedule;

    fn config(toml: &str) -> Config {
        Config::from_toml_str(&format!("[telegram]\napi_id = 1\n{toml}")).unwrap()
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Settings {
        owners: Vec<i64>,
    }

    struct Counter;

    /// A plugin built from a closure.
    struct Test(&'static str, fn(&mut PluginBuilder));

    impl Plugin for Test {
        fn name(&self) -> &'static str {
            self.0
        }

        fn build(&self, plugin: &mut PluginBuilder) {
            (self.1)(plugin)
        }
    }

    async fn nothing(_: PluginContext) -> Result<(), crate::handler::BoxError> {
        Ok(())
    }

    fn plugins(list: &[Test]) -> Plugins {
        let mut plugins = Plugins::default();
        for plugin in list {
            plugins.add(plugin);
        }
        plugins
    }

    #[test]
    fn include_and_exclude_switch_plugin_values_by_name() {
        let on = |toml: &str| plugin_enabled("admin", &config(toml).plugins);
        assert!(on(""));
        assert!(on("[plugins]\ninclude = [\"admin\"]"));
        assert!(
            on("[plugins]\ninclude = [\"admin ban\"]"),
            "one of its handlers"
        );
        assert!(!on("[plugins]\ninclude = [\"echo\"]"));
        assert!(!on("[plugins]\nexclude = [\"admin\"]"));
        assert!(
            on("[plugins]\nexclude = [\"admin ban\"]"),
            "one handler off, not the plugin"
        );
    }

    #[test]
    fn a_switched_off_plugin_contributes_nothing() {
        let set = plugins(&[Test("reminders", |p| {
            p.state(Counter)
                .config::<Settings>()
                .on_startup(nothing)
                .every("tick", Duration::from_secs(1), nothing);
        })]);
        // Its section is not even read (it is missing here).
        let prepared = set
            .prepare(
                &config("[plugins]\nexclude = [\"reminders\"]"),
                &States::default(),
            )
            .unwrap();
        assert!(prepared.lifecycles.is_empty());
        assert!(prepared.states.get::<Counter>().is_none());
        assert!(prepared.dispatch.configs.is_empty());
        assert_eq!(prepared.dispatch.names, ["reminders"], "still a known name");
    }

    #[test]
    fn a_plugin_value_without_handlers_is_a_known_name() {
        let handlers = [("echo", "echo")];
        let include = vec!["reminders".to_owned()];
        assert_eq!(
            crate::plugin::select_among(&handlers, &["reminders"], Some(&include), &[]).unwrap(),
            [false]
        );
        let err = crate::plugin::select_among(&handlers, &[], Some(&include), &[]).unwrap_err();
        assert!(err.to_string().contains("no plugin `reminders`"), "{err}");
    }

    #[test]
    fn a_bad_section_is_an_error_naming_plugin_type_and_key() {
        let set = plugins(&[Test("admin", |p| {
            p.config::<Settings>();
        })]);
        let err = set
            .prepare(
                &config("[plugins.admin]\nowners = \"all\""),
                &States::default(),
            )
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("plugin `admin`") && err.contains("Settings"),
            "{err}"
        );
        assert!(err.contains("plugins.admin.owners"), "{err}");
        let err = set
            .prepare(&config(""), &States::default())
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("plugins.admin.owners"), "missing key: {err}");
        let ok = set
            .prepare(&config("[plugins.admin]\nowners = [1]"), &States::default())
            .unwrap();
        assert_eq!(ok.dispatch.configs.len(), 1);
    }

    #[test]
    fn state_is_app_wide_two_plugins_of_one_type_are_refused_and_the_app_wins() {
        let twice = plugins(&[
            Test("a", |p| {
                p.state(Counter);
            }),
            Test("b", |p| {
                p.state(Counter);
            }),
        ]);
        let err = twice
            .prepare(&config(""), &States::default())
            .err()
            .unwrap();
        assert!(
            matches!(
                err,
                PluginError::DuplicateState {
                    first: "a",
                    second: "b",
                    ..
                }
            ),
            "{err}"
        );
        let once = plugins(&[Test("a", |p| {
            p.state(7u32);
        })]);
        let mut app = States::default();
        app.insert(9u32);
        let prepared = once.prepare(&config(""), &app).unwrap();
        assert_eq!(*prepared.states.get::<u32>().unwrap(), 9);
    }

    #[test]
    fn bad_schedules_duplicate_jobs_and_names_are_startup_errors() {
        let zero = plugins(&[Test("a", |p| {
            p.every("tick", Duration::ZERO, nothing);
        })]);
        let err = zero.prepare(&config(""), &States::default()).err().unwrap();
        assert_eq!(
            err.to_string(),
            "plugin `a`, job `tick`: the period is zero; a job runs at most once per period"
        );
        let dup = plugins(&[Test("a", |p| {
            p.job("tick", Schedule::every(Duration::from_secs(1)), nothing)
                .every("tick", Duration::from_secs(2), nothing);
        })]);
        let err = dup.prepare(&config(""), &States::default()).err().unwrap();
        assert!(matches!(err, PluginError::DuplicateJob { .. }), "{err}");
        let names = plugins(&[Test("a", |_| {}), Test("a", |_| {})]);
        let err = names
            .prepare(&config(""), &States::default())
            .err()
            .unwrap();
        assert!(
            matches!(err, PluginError::DuplicateName { name: "a" }),
            "{err}"
        );
    }

    #[test]
    fn listed_handlers_take_the_plugin_name_and_replace_the_linked_ones() {
        let Some(first) = HandlerSpec::registered().next().copied() else {
            return;
        };
        let set = plugins(&[Test("renamed", |p| {
            let first = *HandlerSpec::registered().next().unwrap();
            p.handlers([first]);
        })]);
        let prepared = set.prepare(&config(""), &States::default()).unwrap();
        let routed = prepared
            .dispatch
            .apply(HandlerSpec::registered().copied().collect());
        let same: Vec<&HandlerSpec> = routed
            .iter()
            .filter(|s| identity(s) == identity(&first))
            .collect();
        assert_eq!(same.len(), 1, "routed once");
        assert_eq!(crate::plugin::plugin_name(same[0]), "renamed");
        let twice = plugins(&[
            Test("a", |p| {
                p.handlers([*HandlerSpec::registered().next().unwrap()]);
            }),
            Test("b", |p| {
                p.handlers([*HandlerSpec::registered().next().unwrap()]);
            }),
        ]);
        let err = twice
            .prepare(&config(""), &States::default())
            .err()
            .unwrap();
        assert!(matches!(err, PluginError::DuplicateHandler { .. }), "{err}");
    }

    #[cfg(feature = "cron")]
    #[test]
    fn a_bad_cron_expression_names_plugin_job_and_expression() {
        let set = plugins(&[Test("digest", |p| {
            p.cron("daily", "0 25 * * *", nothing);
        })]);
        let err = set
            .prepare(&config(""), &States::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.starts_with("plugin `digest`, job `daily`: the cron expression \"0 25 * * *\""),
            "{err}"
        );
    }
}
