//! Chat events: welcomes joins and says goodbye to leaves (service messages), and records
//! membership changes, join requests (approved, unless `[plugins.members] decline` lists the
//! user) and bot stops, so a test can wait for each.

use oxygram::prelude::*;

use super::Events;

#[handler(service = "new_chat_members")]
async fn welcome(msg: Message, action: ServiceAction) -> Result<()> {
    if let ServiceAction::NewChatMembers { user_ids, .. } = &action {
        msg.reply(format!("Welcome, {} new member(s)!", user_ids.len()))
            .await?;
    }
    Ok(())
}

#[handler(service = "left_chat_member")]
async fn farewell(msg: Message) -> Result<()> {
    msg.reply("Goodbye!").await?;
    Ok(())
}

/// Every other service message, by action name.
#[handler(service)]
async fn other_service(action: ServiceAction, State(events): State<Events>) {
    events.push(format!("service {}", action.name()));
}

#[handler(chat_member)]
async fn member(change: ChatMemberUpdated, me: Me, State(events): State<Events>) {
    let who = if change.is_about(&me) {
        "me".to_owned()
    } else {
        change.user_id.to_string()
    };
    events.push(format!("member {who} {:?} -> {:?}", change.old, change.new));
}

/// `[plugins.members]`: who is turned away.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Gatekeeping {
    decline: Vec<i64>,
}

#[handler(join_request)]
async fn gate(
    request: JoinRequest,
    settings: PluginConfig<Gatekeeping>,
    State(events): State<Events>,
) -> Result<()> {
    if settings.decline.contains(&request.user_id) {
        request.decline().await?;
        events.push(format!("declined {}", request.user_id));
    } else {
        request.approve().await?;
        events.push(format!("approved {}", request.user_id));
    }
    Ok(())
}

#[handler(bot_stopped)]
async fn stopped(event: BotStopped, State(events): State<Events>) {
    let what = if event.stopped {
        "stopped"
    } else {
        "restarted"
    };
    events.push(format!("{what} {}", event.user_id));
}
