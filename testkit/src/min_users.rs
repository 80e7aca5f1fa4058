//! `min` users: how a supergroup or channel shows a sender the viewer has not met.
//!
//! Telegram sends some user objects with `min = true` and a reduced set of fields, "for
//! performance and privacy reasons"; they are "usually encountered in messages inside of
//! groups or channels", and their `access_hash` is only good in the contexts the `user`
//! page lists, so a client must address such a user with `inputUserFromMessage` /
//! `inputPeerUserFromMessage` (the chat and message it was seen in) instead
//! (core.telegram.org/api/min). TDLib keeps such a hash apart as a "min access hash" and
//! never sends it as a real one (`UserManager::on_get_user`, `is_min_access_hash`;
//! `get_input_user` falls back to `inputUserFromMessage`, or to hash 0 for bots).
//!
//! Which senders are min is Telegram's server-side decision and is not documented; this
//! testkit makes it depend on whether the viewer has *met* the user, the ways Pyrogram's
//! FAQ lists for a session to meet someone ("searching for usernames, meeting them in a
//! common group, having their phone contacts saved, getting a message mentioning them or
//! obtaining the dialogs list", `docs/source/faq/peer-id-invalid-error.rst`), narrowed to
//! what Telegram cannot hide: a private chat with them (any message in it) or a basic group
//! both are in (basic groups always send full users). Contacts are not modelled. Everyone
//! else arrives min in pushed supergroup and channel updates; the difference and history
//! RPCs answer with full users (what a client is expected to ask for when it lacks one).

use grammers_tl_types as tl;

use crate::state::State;
use crate::tl_build::{self, PeerRef};

/// Mixed into a user's secret for the hash a min constructor carries: it is not the
/// viewer's real hash, so using it as one is `PEER_ID_INVALID`.
const MIN_HASH_SALT: i64 = 0x6d69_6e5f_6861_7368;

impl State {
    /// Whether `viewer` has met `user` (see the module docs).
    pub(crate) fn has_met(&self, viewer: i64, user: i64) -> bool {
        if viewer == user {
            return true;
        }
        let private = self
            .accounts
            .get(&viewer)
            .is_some_and(|a| a.messages.values().any(|m| m.peer == PeerRef::User(user)));
        private
            || self.rooms.values().any(|r| {
                !r.is_channel() && r.members.contains(&viewer) && r.members.contains(&user)
            })
    }

    /// Updates of channel `channel` for `viewer`, with the users it has not met as `min`.
    pub(crate) fn channel_updates_for(
        &self,
        viewer: i64,
        updates: Vec<tl::enums::Update>,
        users: &[i64],
        channel: PeerRef,
    ) -> tl::enums::Updates {
        let mut seen = Vec::with_capacity(users.len());
        let users = users
            .iter()
            .filter(|id| {
                let fresh = !seen.contains(*id);
                seen.push(**id);
                fresh
            })
            .filter_map(|id| self.accounts.get(id))
            .map(|account| {
                if self.has_met(viewer, account.id) {
                    tl_build::user(account, viewer)
                } else {
                    min_user(account, viewer)
                }
            })
            .collect();
        tl_build::updates(
            updates,
            users,
            self.chats_for(viewer, &[channel]),
            crate::state::now(),
            0,
        )
    }

    /// Whether `user` is named in message `msg_id` of `peer` as `viewer` sees it (what
    /// `inputUserFromMessage` asserts).
    pub(crate) fn seen_in_message(
        &self,
        viewer: i64,
        peer: PeerRef,
        msg_id: i32,
        user: i64,
    ) -> bool {
        self.message_in(viewer, peer, msg_id)
            .is_ok_and(|m| m.user_ids().contains(&user) || m.mentions.contains(&user))
    }
}

/// The `min` constructor of a user: no phone, not a contact, and a hash that is not the
/// viewer's.
fn min_user(account: &crate::state::Account, viewer: i64) -> tl::enums::User {
    let tl::enums::User::User(mut user) = tl_build::user(account, viewer) else {
        unreachable!("tl_build::user builds a user");
    };
    user.min = true;
    user.phone = None;
    user.access_hash = Some(tl_build::viewer_hash(
        account.access_hash ^ MIN_HASH_SALT,
        viewer,
    ));
    tl::enums::User::User(user)
}
