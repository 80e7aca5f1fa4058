//! The [`Plugin`] trait: a plugin as a value the app is given.

use super::PluginBuilder;

/// A plugin as a value: a name and what it brings to the app.
///
/// bevy's `Plugin::build` is the model: [`App::plugin`](crate::App::plugin) calls
/// [`build`](Plugin::build) once, and the plugin registers its handlers, state, configuration
/// section, startup and shutdown hooks and scheduled jobs on the [`PluginBuilder`].
///
/// The [`name`](Plugin::name) is the one `[plugins] include`/`exclude` and
/// `[plugins.<name>]` use. By default the plugin's handlers are the linked `#[handler]`s of
/// that plugin name (those of the module `plugins::<name>`, or with `plugin = "<name>"`);
/// [`PluginBuilder::handlers`] lists them instead. A plugin value that `Bot.toml` switches
/// off contributes nothing: no handlers, no state, no hooks, no jobs.
///
/// ```
/// use std::sync::Mutex;
/// use std::time::Duration;
///
/// use oxygram::grammers::session::types::PeerRef;
/// use oxygram::plugin::{Plugin, PluginBuilder, PluginContext};
/// use oxygram::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct ReminderConfig {
///     text: String,
/// }
///
/// /// The chats that asked to be reminded (a `/remind_me` handler would add to it).
/// #[derive(Default)]
/// struct Subscribers(Mutex<Vec<PeerRef>>);
///
/// /// Reminds its subscribers every hour of `[plugins.reminders] text`.
/// #[derive(Default)]
/// pub struct Reminders;
///
/// impl Plugin for Reminders {
///     fn name(&self) -> &'static str {
///         "reminders"
///     }
///
///     fn build(&self, plugin: &mut PluginBuilder) {
///         plugin
///             .state(Subscribers::default())
///             .config::<ReminderConfig>()
///             .every("remind", Duration::from_secs(3600), remind);
///     }
/// }
///
/// async fn remind(cx: PluginContext) -> Result<()> {
///     let config = cx.config::<ReminderConfig>()?;
///     let chats = cx.state::<Subscribers>()?.0.lock().unwrap().clone();
///     for chat in chats {
///         cx.client().send_message(chat, config.text.as_str()).await?;
///     }
///     Ok(())
/// }
///
/// # fn main() {
/// let app = oxygram::App::new().plugin(Reminders);
/// # }
/// ```
pub trait Plugin: Send + Sync + 'static {
    /// The plugin's name: what `[plugins] include`/`exclude`, `[plugins.<name>]` and the
    /// plugin name of its handlers are.
    fn name(&self) -> &'static str;

    /// Registers what the plugin brings (called once, by [`App::plugin`](crate::App::plugin)).
    fn build(&self, plugin: &mut PluginBuilder);
}
