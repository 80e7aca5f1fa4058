//! What extractors can check before the first update, and how a failed check is reported.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::config::Config;
use crate::context::{Kind, Trigger};
use crate::state::States;

/// `PluginConfig<T>` values deserialized during the checks, keyed by plugin and type.
pub(crate) type PluginConfigs = HashMap<(String, TypeId), Arc<dyn Any + Send + Sync>>;

/// What a handler's extractors can look at when the app starts.
pub struct StartupContext<'a> {
    pub(crate) handler: HandlerInfo,
    pub(crate) plugin: &'a str,
    pub(crate) config: &'a Config,
    pub(crate) states: &'a States,
    pub(crate) plugin_configs: &'a Mutex<PluginConfigs>,
}

impl<'a> StartupContext<'a> {
    pub(crate) fn new(
        handler: HandlerInfo,
        plugin: &'a str,
        config: &'a Config,
        states: &'a States,
        plugin_configs: &'a Mutex<PluginConfigs>,
    ) -> Self {
        Self {
            handler,
            plugin,
            config,
            states,
            plugin_configs,
        }
    }

    /// The name of the handler being checked.
    pub fn handler_name(&self) -> &'static str {
        self.handler.name
    }

    /// The kind of updates the handler receives.
    pub fn kind(&self) -> Kind {
        self.handler.kind
    }

    /// The handler's trigger (command, regex, callback pattern...).
    pub fn trigger(&self) -> Trigger {
        self.handler.trigger
    }

    /// The plugin the handler belongs to.
    pub fn plugin(&self) -> &str {
        self.plugin
    }

    /// The app's configuration.
    pub fn config(&self) -> &Config {
        self.config
    }

    /// The shared state registered on the app.
    pub fn states(&self) -> &States {
        self.states
    }

    /// `handler` (plugin `plugin`, file:line), for error messages.
    pub fn describe_handler(&self) -> String {
        format!(
            "handler `{}` (plugin `{}`, {}:{})",
            self.handler.name, self.plugin, self.handler.file, self.handler.line
        )
    }

    pub(crate) fn store_plugin_config(&self, type_id: TypeId, value: Arc<dyn Any + Send + Sync>) {
        self.plugin_configs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((self.plugin.to_owned(), type_id), value);
    }

    pub(crate) fn has_plugin_config(&self, type_id: TypeId) -> bool {
        self.plugin_configs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&(self.plugin.to_owned(), type_id))
    }
}

/// What the checks know of the handler: its name, kind, trigger and where it is declared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HandlerInfo {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) trigger: Trigger,
    pub(crate) file: &'static str,
    pub(crate) line: u32,
}

/// A handler cannot work with this app; the app refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A `State<T>` argument names a type the app never registered with `App::state`.
    #[error(
        "{handler} takes `State<{type_name}>`, but no `{type_name}` was registered: call `App::new().state(value)` before `run()`"
    )]
    MissingState {
        /// Which handler.
        handler: String,
        /// The missing type.
        type_name: &'static str,
    },
    /// The plugin's `[plugins.<name>]` section does not deserialize into the `PluginConfig<T>` type.
    #[error("{handler} takes `PluginConfig<{type_name}>`: {message}")]
    PluginConfig {
        /// Which handler.
        handler: String,
        /// The requested type.
        type_name: &'static str,
        /// What is wrong, naming the key.
        message: String,
    },
    /// An extractor needs a trigger the handler does not have (e.g. `Captures` without `regex`).
    #[error("{handler} takes `{extractor}`, which needs {needs}")]
    WrongTrigger {
        /// Which handler.
        handler: String,
        /// The extractor.
        extractor: &'static str,
        /// What the handler must declare.
        needs: &'static str,
    },
    /// Anything else a custom extractor wants to report.
    #[error("{handler}: {message}")]
    Other {
        /// Which handler.
        handler: String,
        /// What is wrong.
        message: String,
    },
}
