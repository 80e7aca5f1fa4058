//! The secondary update sequence, `qts`.
//!
//! Besides `pts` (the account's messages) and each channel's pts, Telegram numbers a third
//! kind of update per account with `qts`: for bots, `updateChatParticipant`,
//! `updateChannelParticipant`, `updateBotChatInviteRequester` and `updateBotStopped` (and
//! more this testkit does not produce: reactions, boosts, business messages). TDLib keeps
//! them in its own pending-qts queue (`UpdatesManager::add_pending_qts_update`,
//! `get_update_qts`); grammers puts them in the `Secondary` message box and checks each
//! update's `qts` against the local one with a count of 1 (`grammers-session`
//! `message_box/adaptor.rs`, `PtsInfo::from_update`), fetching the difference on a gap.
//!
//! Here each account has a qts log next to its pts log: every such update takes the next
//! qts, is logged, and pushed as a full `updates` (with `seq = 0`: these are outside the
//! account's `seq`). `updates.getState` reports the account's qts; `updates.getDifference`
//! returns the logged updates after the request's `qts` in `other_updates` and sets
//! `state.qts` (`rpc/updates.rs`); a negative `qts` there asks for none of them, as
//! Pyrogram's `qts = -1` when it fetches users for a short message (`Client.handle_updates`,
//! kurigram `client.py`), and `qts_limit` caps how many come (TDLib's `GetPtsUpdateQuery`
//! asks with `qts_limit = 0`), the rest following in a slice.

use grammers_tl_types as tl;

use crate::state::{LoggedUpdate, State};
use crate::tl_build::PeerRef;

impl State {
    /// Gives `account` the update `make(qts)` with its next qts: logged for the difference
    /// and pushed to its connections.
    pub(crate) fn push_qts(
        &mut self,
        account: i64,
        make: impl FnOnce(i32) -> tl::enums::Update,
        users: Vec<i64>,
        chats: Vec<PeerRef>,
    ) {
        let Some(owner) = self.accounts.get_mut(&account) else {
            return;
        };
        owner.qts += 1;
        let update = make(owner.qts);
        owner.qts_log.push(LoggedUpdate {
            pts: owner.qts,
            update: update.clone(),
            users: users.clone(),
            chats: chats.clone(),
        });
        let updates = self.updates_for(account, vec![update], &users, &chats);
        self.push(account, &updates, None);
    }
}
