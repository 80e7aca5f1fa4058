//! `Bot.toml` and its environment overrides.
//!
//! CONTRACT SKELETON (owned by the core engineer): the loader is to be written; the field
//! names below are what the dispatcher relies on.

use std::collections::BTreeMap;
use std::time::Duration;

/// The whole configuration of an app.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `[dispatch]`: how updates are routed and how many run at once.
    pub dispatch: DispatchConfig,
    /// `[plugins]`: which plugins run, and their own settings.
    pub plugins: PluginsConfig,
}

/// `[dispatch]` section.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Updates handled at once, across all chats (`max_in_flight`).
    pub max_in_flight: usize,
    /// Prefixes that start a command (`command_prefixes`, default `["/"]`).
    pub command_prefixes: Vec<String>,
    /// Send commands with a description to Telegram at startup (bots only).
    pub set_bot_commands: bool,
    /// How long running handlers may take to finish on shutdown (`shutdown_grace_secs`).
    pub shutdown_grace: Duration,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        Self {
            max_in_flight: 64,
            command_prefixes: vec!["/".to_owned()],
            set_bot_commands: true,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// `[plugins]` section.
#[derive(Debug, Clone, Default)]
pub struct PluginsConfig {
    /// Plugins to run; `None` runs all of them.
    pub include: Option<Vec<String>>,
    /// Plugins, or `"plugin handler"` pairs, not to run.
    pub exclude: Vec<String>,
    /// Names of the plugins that have a `[plugins.<name>]` settings table.
    pub sections: BTreeMap<String, ()>,
}
