//! Whether a message someone sent reached an account as an update: what privacy mode
//! decided, read back from what delivery did rather than from the rule.

use grammers_tl_types as tl;

use crate::rpc::RpcFail;
use crate::state::State;
use crate::tl_build::PeerRef;

impl State {
    /// Whether `viewer` got message `id` (as `sender` sees it, in `peer`) as an update.
    ///
    /// In private chats and basic groups every member's box holds a copy, but delivery logs
    /// an update (and pushes it) only for the copies the viewer receives: a copy without a
    /// logged `updateNewMessage` was hidden by privacy mode. Supergroups and channels have
    /// one box, and delivery decides per member while pushing, so there the same
    /// [`State::receives`] is asked again (an unaddressed `/command` can be answered
    /// differently once another bot has spoken in the group).
    pub(crate) fn delivered_to(
        &self,
        sender: i64,
        peer: PeerRef,
        id: i32,
        viewer: i64,
    ) -> Result<bool, RpcFail> {
        let sent = self.message_in(sender, peer, id)?;
        if viewer == sender {
            return Ok(true);
        }
        match peer {
            PeerRef::Channel(channel) => {
                let room = &self.rooms[&channel];
                if !room.members.contains(&viewer) {
                    return Ok(false);
                }
                let replied_from = sent
                    .reply_to
                    .and_then(|r| room.messages.get(&r))
                    .map(|m| m.from);
                Ok(self.receives(viewer, room, sent, replied_from))
            }
            _ => {
                let Some(account) = self.accounts.get(&viewer) else {
                    return Ok(false);
                };
                let Some(copy) = account
                    .messages
                    .values()
                    .rev()
                    .find(|m| m.global_id == sent.global_id)
                else {
                    // Not in the viewer's box at all: not a member when it was sent.
                    return Ok(false);
                };
                Ok(account.log.iter().any(|logged| {
                    matches!(&logged.update, tl::enums::Update::NewMessage(u)
                        if matches!(&u.message, tl::enums::Message::Message(m) if m.id == copy.id))
                }))
            }
        }
    }
}
