//! Edited and deleted messages.

use oxygram::prelude::*;

use super::Deleted;

async fn on_edit(msg: Message) -> Result<()> {
    msg.respond(format!("edited to: {}", msg.text())).await?;
    Ok(())
}
register!(on_edit: EditedMessage, oxygram::handler::Trigger::None,
    group = 0, filter = filters::text, description = None, outgoing = false;
    (Message));

async fn on_delete(deletion: MessageDeletion, State(deleted): State<Deleted>) {
    deleted
        .0
        .lock()
        .unwrap()
        .extend_from_slice(deletion.messages());
}
register!(on_delete: DeletedMessages, oxygram::handler::Trigger::None,
    group = 0, filter = Filter::always(), description = None, outgoing = false;
    (MessageDeletion, State<Deleted>));
