//! The `notes` plugin: `/save NAME TEXT` and `/get NAME`, per chat. The plugin value
//! [`NotesPlugin`] brings its state (the notes) and its `[plugins.notes]` type.

use std::collections::HashMap;
use std::sync::Mutex;

use oxygram::prelude::*;
use serde::Deserialize;

/// `[plugins.notes]` in `Bot.toml`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotesConfig {
    /// Notes kept per chat.
    pub max_notes: usize,
}

impl Default for NotesConfig {
    fn default() -> Self {
        Self { max_notes: 20 }
    }
}

/// Notes per chat, by name.
#[derive(Debug, Default)]
pub struct Notes {
    by_chat: Mutex<HashMap<i64, HashMap<String, String>>>,
}

/// The plugin: the handlers of this module, its state and its settings.
#[derive(Debug, Default)]
pub struct NotesPlugin;

impl Plugin for NotesPlugin {
    fn name(&self) -> &'static str {
        "notes"
    }

    fn build(&self, plugin: &mut PluginBuilder) {
        plugin.state(Notes::default()).config::<NotesConfig>();
    }
}

/// `/save rules Be nice`.
#[handler(command = "save", description = "Save a note: /save <name> <text>")]
async fn save(
    msg: Message,
    Args((name, text)): Args<(String, String)>,
    config: PluginConfig<NotesConfig>,
    notes: State<Notes>,
) -> Result<()> {
    let ChatId(chat) = ChatId::of(msg.peer_id());
    let saved = {
        let mut all = notes.by_chat.lock().unwrap_or_else(|e| e.into_inner());
        let here = all.entry(chat).or_default();
        if here.len() >= config.max_notes && !here.contains_key(&name) {
            false
        } else {
            here.insert(name.clone(), text);
            true
        }
    };
    let reply = if saved {
        format!("Saved note `{name}`")
    } else {
        format!("This chat already has {} notes", config.max_notes)
    };
    msg.reply(reply).await?;
    Ok(())
}

/// `/get rules`.
#[handler(command = "get", description = "Show a note: /get <name>")]
async fn get(msg: Message, Args(name): Args<String>, notes: State<Notes>) -> Result<()> {
    let ChatId(chat) = ChatId::of(msg.peer_id());
    let note = {
        let all = notes.by_chat.lock().unwrap_or_else(|e| e.into_inner());
        all.get(&chat).and_then(|here| here.get(&name)).cloned()
    };
    let reply = note.unwrap_or_else(|| format!("No note called `{name}`"));
    msg.reply(reply).await?;
    Ok(())
}
