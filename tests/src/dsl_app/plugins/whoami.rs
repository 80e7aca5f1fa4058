//! Every message-side extractor at once: `/whoami <args>` answers through the `Client`
//! with what each extractor produced.

use oxygram::grammers::update::CallbackQuery;
use oxygram::prelude::*;

#[handler(command = "whoami")]
#[allow(clippy::too_many_arguments)]
async fn whoami(
    msg: Message,
    client: Client,
    Chat(chat): Chat,
    Sender(sender): Sender,
    CommandArgs(args): CommandArgs,
    Text(text): Text,
    me: Me,
    update: Update,
    callback: Option<CallbackQuery>,
) -> Result<()> {
    let kind = match update {
        Update::NewMessage(_) => "new_message",
        _ => "other",
    };
    let answer = format!(
        "chat={} sender={} args={args} text={text} me={} bot={} update={kind} callback={}",
        chat.id().bare_id_unchecked(),
        sender.username().unwrap_or("-"),
        me.username.as_deref().unwrap_or("-"),
        me.is_bot,
        callback.is_some(),
    );
    let peer = msg.peer_ref().await?.ok_or("the chat is not cached")?;
    client.send_message(peer, answer).await?;
    Ok(())
}
