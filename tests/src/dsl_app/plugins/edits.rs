//! Edited and deleted messages.

use oxygram::prelude::*;

use super::Deleted;

#[handler(edited, filter = text)]
async fn on_edit(msg: Message) -> Result<()> {
    msg.respond(format!("edited to: {}", msg.text())).await?;
    Ok(())
}

#[handler(deleted)]
async fn on_delete(deletion: MessageDeletion, State(deleted): State<Deleted>) {
    deleted
        .0
        .lock()
        .unwrap()
        .extend_from_slice(deletion.messages());
}
