//! [`PluginContext`]: what a plugin's hooks and scheduled jobs work with.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::config::Config;
use crate::context::Me;
use crate::state::States;

/// What a plugin's startup and shutdown hooks and its scheduled jobs get: the client, the
/// logged-in account, the app's state and the plugin's configuration.
///
/// It is cheap to clone. Sends through [`client`](PluginContext::client) wait for the
/// throttle like a handler's.
#[derive(Clone)]
pub struct PluginContext {
    plugin: &'static str,
    client: crate::Client,
    me: Me,
    config: Arc<Config>,
    states: States,
    configs: Arc<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

/// A value a [`PluginContext`] was asked for and does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// No state of this type was registered.
    #[error(
        "plugin `{plugin}` asked for the state `{type_name}`, which was never registered: \
         call `PluginBuilder::state` or `App::state` with a `{type_name}`"
    )]
    MissingState {
        /// The plugin asking.
        plugin: &'static str,
        /// The type asked for.
        type_name: &'static str,
    },
    /// The plugin's configuration was not loaded into this type.
    #[error(
        "plugin `{plugin}` asked for its configuration as `{type_name}`, which it never \
         registered: call `PluginBuilder::config::<{type_name}>()` in its `build`"
    )]
    MissingConfig {
        /// The plugin asking.
        plugin: &'static str,
        /// The type asked for.
        type_name: &'static str,
    },
}

impl PluginContext {
    pub(crate) fn new(
        plugin: &'static str,
        client: crate::Client,
        me: Me,
        config: Arc<Config>,
        states: States,
        configs: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    ) -> Self {
        Self {
            plugin,
            client,
            me,
            config,
            states,
            configs: Arc::new(configs),
        }
    }

    /// The plugin's name.
    pub fn plugin(&self) -> &'static str {
        self.plugin
    }

    /// The logged-in client (its sends wait for the throttle).
    pub fn client(&self) -> &crate::Client {
        &self.client
    }

    /// The logged-in account.
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// The app's whole configuration (`Bot.toml` and the environment).
    pub fn app_config(&self) -> &Config {
        &self.config
    }

    /// The state of type `T` (registered with [`PluginBuilder::state`](super::PluginBuilder::state)
    /// by any plugin, or with [`App::state`](crate::App::state)).
    pub fn state<T: Send + Sync + 'static>(&self) -> Result<Arc<T>, ContextError> {
        self.states.get::<T>().ok_or(ContextError::MissingState {
            plugin: self.plugin,
            type_name: type_name::<T>(),
        })
    }

    /// The plugin's `[plugins.<name>]` section as `T`, loaded at startup because the plugin
    /// registered it with [`PluginBuilder::config`](super::PluginBuilder::config) (the same
    /// value its handlers get with [`PluginConfig<T>`](crate::extract::PluginConfig)).
    pub fn config<T: Send + Sync + 'static>(&self) -> Result<Arc<T>, ContextError> {
        self.configs
            .get(&TypeId::of::<T>())
            .cloned()
            .and_then(|value| value.downcast::<T>().ok())
            .ok_or(ContextError::MissingConfig {
                plugin: self.plugin,
                type_name: type_name::<T>(),
            })
    }
}

impl fmt::Debug for PluginContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginContext")
            .field("plugin", &self.plugin)
            .field("me", &self.me)
            .finish_non_exhaustive()
    }
}
