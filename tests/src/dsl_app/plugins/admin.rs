//! `PluginConfig<T>` from `[plugins.admin]`, `Args` with a trailing `String`, and a handler
//! (`kick`) to exclude by name.

use oxygram::prelude::*;

/// `[plugins.admin]`.
#[derive(Debug, serde::Deserialize)]
pub struct AdminSettings {
    /// Who may ban.
    pub owners: Vec<i64>,
}

#[handler(command = "ban")]
async fn ban(
    msg: Message,
    settings: PluginConfig<AdminSettings>,
    Args((user, reason)): Args<(i64, String)>,
) -> Result<()> {
    let sender = msg.sender_id().map(|id| id.bare_id_unchecked());
    if sender.is_some_and(|id| settings.owners.contains(&id)) {
        msg.reply(format!("banned {user}: {reason}")).await?;
    } else {
        msg.reply("only owners can ban").await?;
    }
    Ok(())
}

#[handler(command = "kick")]
async fn kick(msg: Message) -> Result<()> {
    msg.reply("kicked").await?;
    Ok(())
}
