//! `PluginConfig<T>`: the handler's plugin section of `Bot.toml`, deserialized once at startup.

use std::any::{TypeId, type_name};
use std::ops::Deref;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::{FromUpdate, Rejection, StartupContext, StartupError};
use crate::context::UpdateContext;

/// The `[plugins.<plugin>]` table of `Bot.toml` (and its `OXYGRAM_PLUGINS__<PLUGIN>__*`
/// environment overrides) deserialized into `T`, where `<plugin>` is the handler's plugin.
///
/// It is deserialized once, at startup: a missing or mistyped key stops the app with an
/// error naming the key, never an update. A plugin value that registered the type with
/// [`PluginBuilder::config`](crate::plugin::PluginBuilder::config) shares the same value with
/// its hooks and jobs.
///
/// ```
/// use oxygram::extract::PluginConfig;
///
/// #[derive(serde::Deserialize)]
/// struct AdminSettings { owners: Vec<i64> }
///
/// // Bot.toml:
/// // [plugins.admin]
/// // owners = [1234]
/// async fn ban(settings: PluginConfig<AdminSettings>) {
///     println!("owners: {:?}", settings.owners);
/// }
/// ```
#[derive(Debug)]
pub struct PluginConfig<T>(pub Arc<T>);

/// The former name of [`PluginConfig`].
#[deprecated(note = "renamed to `PluginConfig<T>` (not to be confused with `oxygram::Config`)")]
pub type Config<T> = PluginConfig<T>;

impl<T> Clone for PluginConfig<T> {
    fn clone(&self) -> Self {
        PluginConfig(Arc::clone(&self.0))
    }
}

impl<T> Deref for PluginConfig<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + Send + Sync + 'static> FromUpdate for PluginConfig<T> {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        let key = (cx.plugin().to_owned(), TypeId::of::<T>());
        cx.shared()
            .plugin_configs
            .get(&key)
            .cloned()
            .and_then(|value| value.downcast::<T>().ok())
            .map(PluginConfig)
            .ok_or_else(|| {
                Rejection::mismatch(format!(
                    "`PluginConfig<{}>` for plugin `{}` was not loaded at startup",
                    type_name::<T>(),
                    cx.plugin()
                ))
            })
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        if startup.has_plugin_config(TypeId::of::<T>()) {
            return Ok(());
        }
        let value: T =
            crate::config::Config::plugin_section::<T>(startup.config(), startup.plugin())
                .map_err(|e| StartupError::PluginConfig {
                    handler: startup.describe_handler(),
                    type_name: type_name::<T>(),
                    message: e.to_string(),
                })?;
        startup.store_plugin_config(TypeId::of::<T>(), Arc::new(value));
        Ok(())
    }
}
