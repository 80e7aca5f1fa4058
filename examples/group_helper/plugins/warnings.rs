//! The `warnings` plugin: `/warn` someone, `/warnings` lists them, per chat. The plugin
//! value [`WarningsPlugin`] brings its state (the counts) and its `[plugins.warnings]` type.

use std::collections::BTreeMap;
use std::sync::Mutex;

use oxygram::prelude::*;
use serde::Deserialize;

/// `[plugins.warnings]` in `Bot.toml`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarningsConfig {
    /// Warnings before a member is reported as over the limit.
    pub limit: u32,
}

impl Default for WarningsConfig {
    fn default() -> Self {
        Self { limit: 3 }
    }
}

/// Warnings per chat and member name.
#[derive(Debug, Default)]
pub struct Warnings {
    counts: Mutex<BTreeMap<(i64, String), u32>>,
}

/// The plugin: the handlers of this module, its state and its settings.
#[derive(Debug, Default)]
pub struct WarningsPlugin;

impl Plugin for WarningsPlugin {
    fn name(&self) -> &'static str {
        "warnings"
    }

    fn build(&self, plugin: &mut PluginBuilder) {
        plugin.state(Warnings::default()).config::<WarningsConfig>();
    }
}

/// The name `/warn` is about: the argument, else the sender of the replied-to message.
async fn target(msg: &Message, args: &str) -> Result<Option<String>> {
    if !args.trim().is_empty() {
        return Ok(Some(args.trim().trim_start_matches('@').to_owned()));
    }
    let Some(replied) = msg.get_reply().await? else {
        return Ok(None);
    };
    Ok(replied.sender().map(|peer| {
        peer.username()
            .map(str::to_owned)
            .or_else(|| peer.name().map(str::to_owned))
            .unwrap_or_else(|| "someone".to_owned())
    }))
}

/// `/warn NAME`, or `/warn` in reply to a message.
#[handler(
    command = "warn",
    description = "Warn a member: /warn <name>, or reply /warn"
)]
async fn warn(
    msg: Message,
    CommandArgs(args): CommandArgs,
    config: PluginConfig<WarningsConfig>,
    warnings: State<Warnings>,
) -> Result<()> {
    let Some(name) = target(&msg, &args).await? else {
        msg.reply("Usage: /warn <name>, or reply /warn to their message")
            .await?;
        return Ok(());
    };
    let ChatId(chat) = ChatId::of(msg.peer_id());
    let count = {
        let mut map = warnings.counts.lock().unwrap_or_else(|e| e.into_inner());
        let count = map.entry((chat, name.clone())).or_default();
        *count += 1;
        *count
    };
    let text = if count >= config.limit {
        format!(
            "{name} has {count}/{} warnings: limit reached",
            config.limit
        )
    } else {
        format!("{name} warned ({count}/{})", config.limit)
    };
    msg.reply(text).await?;
    Ok(())
}

/// `/warnings`: everyone warned in this chat.
#[handler(command = "warnings", description = "List the warnings in this chat")]
async fn list(msg: Message, warnings: State<Warnings>) -> Result<()> {
    let ChatId(chat) = ChatId::of(msg.peer_id());
    let lines: Vec<String> = {
        let map = warnings.counts.lock().unwrap_or_else(|e| e.into_inner());
        map.iter()
            .filter(|((c, _), _)| *c == chat)
            .map(|((_, name), n)| format!("{name}: {n}"))
            .collect()
    };
    let text = if lines.is_empty() {
        "No warnings here.".to_owned()
    } else {
        format!("Warnings:\n{}", lines.join("\n"))
    };
    msg.reply(text).await?;
    Ok(())
}
