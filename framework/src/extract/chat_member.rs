//! [`ChatMemberUpdated`]: someone's membership of a group or channel changed.
//!
//! Telegram tells bots about membership changes with `updateChatParticipant` (basic groups)
//! and `updateChannelParticipant` (supergroups and channels), both on the account's `qts`
//! sequence. The Bot API splits them into `my_chat_member` (about the bot itself) and
//! `chat_member` (about others, sent to admin bots); oxygram keeps one kind and says whose
//! membership it is ([`ChatMemberUpdated::is_about`]), which is what a handler branches on.

use grammers_client::session::types::PeerId;
use grammers_client::tl;

use super::{FromUpdate, Rejection, StartupContext, StartupError, require_trigger};
use crate::context::Kind;
use crate::context::{Me, UpdateContext};

/// Where a user stands in a chat, before or after a [`ChatMemberUpdated`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MemberStatus {
    /// Not in the chat: never was, left, or was removed without a ban.
    Left,
    /// An ordinary member.
    Member,
    /// A member with restrictions (cannot send some kinds of messages).
    Restricted,
    /// An administrator.
    Administrator,
    /// The chat's creator.
    Creator,
    /// Banned: removed and kept out.
    Banned,
}

impl MemberStatus {
    /// Whether this status is inside the chat (member, restricted, admin or creator).
    pub fn is_member(self) -> bool {
        matches!(
            self,
            MemberStatus::Member
                | MemberStatus::Restricted
                | MemberStatus::Administrator
                | MemberStatus::Creator
        )
    }

    /// Reads a basic group's participant; none means not in the group.
    pub fn of_chat_participant(participant: Option<&tl::enums::ChatParticipant>) -> Self {
        use tl::enums::ChatParticipant as P;
        match participant {
            None => MemberStatus::Left,
            Some(P::Participant(_)) => MemberStatus::Member,
            Some(P::Admin(_)) => MemberStatus::Administrator,
            Some(P::Creator(_)) => MemberStatus::Creator,
        }
    }

    /// Reads a supergroup's or channel's participant; none means not in the chat.
    pub fn of_channel_participant(participant: Option<&tl::enums::ChannelParticipant>) -> Self {
        use tl::enums::ChannelParticipant as P;
        match participant {
            None | Some(P::Left(_)) => MemberStatus::Left,
            Some(P::Participant(_)) | Some(P::ParticipantSelf(_)) => MemberStatus::Member,
            Some(P::Admin(_)) => MemberStatus::Administrator,
            Some(P::Creator(_)) => MemberStatus::Creator,
            // `left` set: removed and banned; unset: still in, with restrictions.
            Some(P::Banned(b)) if b.left => MemberStatus::Banned,
            Some(P::Banned(_)) => MemberStatus::Restricted,
        }
    }
}

/// A membership change, as `#[handler(chat_member)]` receives it.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(chat_member)]
/// async fn on_member(change: ChatMemberUpdated, me: Me) {
///     if change.is_about(&me) && change.joined() {
///         tracing::info!(chat = ?change.chat, "added to a chat");
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMemberUpdated {
    /// The group, supergroup or channel.
    pub chat: PeerId,
    /// Whose membership changed.
    pub user_id: i64,
    /// Who changed it: the user themselves when joining or leaving, else an admin.
    pub actor_id: i64,
    /// When, as a Unix time.
    pub date: i32,
    /// The status before.
    pub old: MemberStatus,
    /// The status after.
    pub new: MemberStatus,
    /// The invite link used to join, if one was.
    pub invite_link: Option<String>,
}

impl ChatMemberUpdated {
    /// Reads `updateChatParticipant` / `updateChannelParticipant`; `None` for other updates.
    pub fn from_raw(update: &tl::enums::Update) -> Option<Self> {
        match update {
            tl::enums::Update::ChatParticipant(u) => Some(Self {
                chat: PeerId::chat_unchecked(u.chat_id),
                user_id: u.user_id,
                actor_id: u.actor_id,
                date: u.date,
                old: MemberStatus::of_chat_participant(u.prev_participant.as_ref()),
                new: MemberStatus::of_chat_participant(u.new_participant.as_ref()),
                invite_link: invite_link(u.invite.as_ref()),
            }),
            tl::enums::Update::ChannelParticipant(u) => Some(Self {
                chat: PeerId::channel_unchecked(u.channel_id),
                user_id: u.user_id,
                actor_id: u.actor_id,
                date: u.date,
                old: MemberStatus::of_channel_participant(u.prev_participant.as_ref()),
                new: MemberStatus::of_channel_participant(u.new_participant.as_ref()),
                invite_link: invite_link(u.invite.as_ref()),
            }),
            _ => None,
        }
    }

    /// Whether the user came in (was not a member, is now).
    pub fn joined(&self) -> bool {
        !self.old.is_member() && self.new.is_member()
    }

    /// Whether the user went out (was a member, is not now), leaving or removed.
    pub fn left(&self) -> bool {
        self.old.is_member() && !self.new.is_member()
    }

    /// Whether the change is about this account (the Bot API's `my_chat_member`).
    pub fn is_about(&self, me: &Me) -> bool {
        self.user_id == me.id
    }
}

pub(super) fn invite_link(invite: Option<&tl::enums::ExportedChatInvite>) -> Option<String> {
    match invite? {
        tl::enums::ExportedChatInvite::ChatInviteExported(i) => Some(i.link.clone()),
        tl::enums::ExportedChatInvite::ChatInvitePublicJoinRequests => None,
    }
}

impl FromUpdate for ChatMemberUpdated {
    const KINDS: super::Kinds = super::Kinds::of(&[Kind::ChatMember]);

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        Self::from_raw(cx.raw())
            .ok_or_else(|| Rejection::mismatch("the update is not a chat member change"))
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(
            startup,
            "ChatMemberUpdated",
            "a `chat_member` handler",
            |_| matches!(startup.kind(), Kind::ChatMember | Kind::Raw),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_supergroup_join() {
        let update = tl::enums::Update::ChannelParticipant(tl::types::UpdateChannelParticipant {
            via_chatlist: false,
            channel_id: 5,
            date: 1,
            actor_id: 9,
            user_id: 9,
            prev_participant: None,
            new_participant: Some(tl::enums::ChannelParticipant::Participant(
                tl::types::ChannelParticipant {
                    user_id: 9,
                    date: 1,
                    subscription_until_date: None,
                    rank: None,
                },
            )),
            invite: None,
            qts: 3,
        });
        let change = ChatMemberUpdated::from_raw(&update).expect("a participant update");
        assert_eq!(change.chat, PeerId::channel_unchecked(5));
        assert!(change.joined());
        assert!(!change.left());
    }

    #[test]
    fn a_ban_is_leaving() {
        let banned = tl::enums::ChannelParticipant::Banned(tl::types::ChannelParticipantBanned {
            left: true,
            peer: tl::enums::Peer::User(tl::types::PeerUser { user_id: 3 }),
            kicked_by: 1,
            date: 0,
            banned_rights: oxygram_testkit::tl_objects::banned_rights(),
            rank: None,
        });
        assert_eq!(
            MemberStatus::of_channel_participant(Some(&banned)),
            MemberStatus::Banned
        );
        assert!(!MemberStatus::Banned.is_member());
    }
}
