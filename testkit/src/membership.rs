//! Changes to groups and their members: service messages and participant updates.
//!
//! What Telegram produces, and what this module does for each change:
//!
//! - **A service message** (`messageService` with a `MessageAction`) in the chat, delivered
//!   like any message (pts of each member's box in a basic group, the channel's pts in a
//!   supergroup), always as a full `updates`, never short (the short constructors have no
//!   `action`), and to every bot in the chat, privacy mode or not ("All service messages",
//!   core.telegram.org/bots/features#privacy-mode). Broadcast channels get none for joins and
//!   leaves (Telegram shows subscribers' joins to nobody).
//! - **A participant update** on the secondary sequence (`qts`, see `qts`) for bots only
//!   (TDLib `DialogParticipantManager::on_update_chat_participant` and
//!   `on_update_channel_participant` start with `CHECK(td_->auth_manager_->is_bot())`):
//!   `updateChatParticipant` in basic groups, `updateChannelParticipant` in supergroups and
//!   channels, sent to the bot whose own membership changed (the Bot API's `my_chat_member`)
//!   and to the chat's admin bots (`chat_member`: "The bot must be an administrator in the
//!   chat", core.telegram.org/bots/api#update; the Bot API server's own `allowed_updates`
//!   filter is applied by the client, `telegram-bot-api` `Client::add_update_impl`).
//! - **Join requests**: a user asking to join a group that needs approval gives its admin
//!   bots `updateBotChatInviteRequester` (qts); `messages.hideChatJoinRequest` approves
//!   (the user joins with `messageActionChatJoinedByRequest`) or declines. A request already
//!   handled is `HIDE_REQUESTER_MISSING`.
//! - **Stopping a bot**: a user blocking the bot (`contacts.block`; the apps' "Stop bot",
//!   and "Delete and stop" is `messages.deleteHistory` plus that block) gives it
//!   `updateBotStopped` with `stopped = true` (qts), unblocking (`contacts.unblock`, the
//!   first half of "Restart bot", which then sends `/start`) `stopped = false`. TDLib turns
//!   these into the bot's `chatMember` of the private chat (`on_update_bot_stopped`: banned
//!   or member), and the Bot API documents `my_chat_member` in private chats as "received
//!   only when the bot is blocked or unblocked by the user"
//!   (core.telegram.org/bots/api#update). While blocked, the bot's sends to the user fail with
//!   `403 USER_IS_BLOCKED` (TDLib passes it through as a 403:
//!   `MessagesManager.cpp`, the `403` case of the send-error translation).
//! - **Migration** of a basic group to a supergroup: `messageActionChatMigrateTo` in the old
//!   group, `messageActionChannelMigrateFrom` first in the new supergroup; the old `chat` is
//!   then `deactivated` with `migrated_to` (core.telegram.org/api/channel#migration), and
//!   sending there is `PEER_ID_INVALID` (what Telegram answered clients writing to a migrated
//!   group: vysheng/tg#971, #1047; TDLib and the Bot API refuse before asking, "Chat is
//!   deactivated", "group chat was upgraded to a supergroup chat").
//!
//! Who joins how: a supergroup with a public @username is joined by oneself
//! (`messageActionChatAddUser` naming the joiner, as `channels.joinChannel` produces); any
//! other group through its invite link (`messageActionChatJoinedByLink`, the link being the
//! creator's). Groups listed in the [`World`](crate::World) exist from before the test: they
//! have no creation message.
//!
//! Not modelled: `updatePinnedMessages` next to the pin service message, admins hiding join
//! and leave messages, `updatePendingJoinRequests` for user admins, `updateChatParticipants`
//! (full member lists), bans that keep a kicked user out.

use grammers_tl_types as tl;

use crate::rpc::RpcFail;
use crate::state::{Draft, RoomKind, State, now};
use crate::tl_build::{self, PeerRef};

/// The users a service message's action names (sent along as `users`).
pub(crate) fn action_users(action: &tl::enums::MessageAction) -> Vec<i64> {
    use tl::enums::MessageAction as A;
    match action {
        A::ChatCreate(a) => a.users.clone(),
        A::ChatAddUser(a) => a.users.clone(),
        A::ChatDeleteUser(a) => vec![a.user_id],
        A::ChatJoinedByLink(a) => vec![a.inviter_id],
        _ => Vec::new(),
    }
}

/// A member's standing in a group, before or after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Not in the group (never was, or left).
    Out,
    /// Removed by an admin.
    Kicked { by: i64 },
    /// A member, with who invited them and when they joined.
    Member { inviter: i64, date: i32 },
    /// An admin.
    Admin { inviter: i64, date: i32 },
    /// The creator.
    Creator,
}

fn admin_rights() -> tl::enums::ChatAdminRights {
    tl::enums::ChatAdminRights::Rights(tl::types::ChatAdminRights {
        change_info: true,
        post_messages: false,
        edit_messages: false,
        delete_messages: true,
        ban_users: true,
        invite_users: true,
        pin_messages: true,
        add_admins: false,
        anonymous: false,
        manage_call: true,
        other: true,
        manage_topics: false,
        post_stories: false,
        edit_stories: false,
        delete_stories: false,
        manage_direct_messages: false,
        manage_ranks: false,
        manage_linked_peers: false,
        manage_welcome_messages: false,
    })
}

/// A basic group's `ChatParticipant` for a standing (`None`: not a participant).
fn chat_participant(user: i64, standing: Standing) -> Option<tl::enums::ChatParticipant> {
    match standing {
        Standing::Out | Standing::Kicked { .. } => None,
        Standing::Member { inviter, date } => Some(tl::enums::ChatParticipant::Participant(
            tl::types::ChatParticipant {
                user_id: user,
                inviter_id: inviter,
                date,
                rank: None,
            },
        )),
        Standing::Admin { inviter, date } => Some(tl::enums::ChatParticipant::Admin(
            tl::types::ChatParticipantAdmin {
                user_id: user,
                inviter_id: inviter,
                date,
                rank: None,
            },
        )),
        Standing::Creator => Some(tl::enums::ChatParticipant::Creator(
            tl::types::ChatParticipantCreator {
                user_id: user,
                rank: None,
            },
        )),
    }
}

/// A supergroup's or channel's `ChannelParticipant` for a standing (`None`: never was in
/// it).
fn channel_participant(
    user: i64,
    standing: Standing,
    date: i32,
) -> Option<tl::enums::ChannelParticipant> {
    let peer = PeerRef::User(user).to_tl();
    Some(match standing {
        Standing::Out => {
            tl::enums::ChannelParticipant::Left(tl::types::ChannelParticipantLeft { peer })
        }
        Standing::Kicked { by } => {
            tl::enums::ChannelParticipant::Banned(tl::types::ChannelParticipantBanned {
                left: true,
                peer,
                kicked_by: by,
                date,
                banned_rights: tl_build::banned_rights(),
                rank: None,
            })
        }
        Standing::Member { date, .. } => {
            tl::enums::ChannelParticipant::Participant(tl::types::ChannelParticipant {
                user_id: user,
                date,
                subscription_until_date: None,
                rank: None,
            })
        }
        Standing::Admin { inviter, date } => {
            tl::enums::ChannelParticipant::Admin(tl::types::ChannelParticipantAdmin {
                can_edit: false,
                is_self: false,
                user_id: user,
                inviter_id: Some(inviter),
                promoted_by: inviter,
                date,
                admin_rights: admin_rights(),
                rank: None,
            })
        }
        Standing::Creator => {
            tl::enums::ChannelParticipant::Creator(tl::types::ChannelParticipantCreator {
                user_id: user,
                admin_rights: admin_rights(),
                rank: None,
            })
        }
    })
}

/// How a participant change came about, for the update's `invite` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Nothing,
    /// The group's invite link.
    Link,
    /// An approved join request (TDLib reads `chatInvitePublicJoinRequests` as "via join
    /// request" for public groups; private ones name the link that needed approval).
    Request,
}

impl State {
    /// Resolves a group or channel the caller names, as a room id.
    fn room_id(&self, peer: PeerRef) -> Result<i64, RpcFail> {
        match peer {
            PeerRef::Chat(id) | PeerRef::Channel(id)
                if self.rooms.get(&id).is_some_and(|r| r.peer() == peer) =>
            {
                Ok(id)
            }
            _ => Err(RpcFail::bad_request("PEER_ID_INVALID")),
        }
    }

    /// Whether `who` may manage the group (its creator or an admin).
    pub(crate) fn is_admin(&self, room: i64, who: i64) -> bool {
        self.rooms
            .get(&room)
            .is_some_and(|r| r.creator == who || r.admins.contains(&who))
    }

    /// `user`'s standing in `room` now.
    fn standing(&self, room: i64, user: i64) -> Standing {
        let room = &self.rooms[&room];
        if !room.members.contains(&user) {
            return Standing::Out;
        }
        if room.creator == user {
            return Standing::Creator;
        }
        let (date, inviter) = room
            .joined
            .get(&user)
            .copied()
            .unwrap_or((room.date, room.creator));
        if room.admins.contains(&user) {
            Standing::Admin { inviter, date }
        } else {
            Standing::Member { inviter, date }
        }
    }

    /// The group's invite link, as `exportedChatInvite`.
    fn invite_link(&self, room: i64) -> tl::enums::ExportedChatInvite {
        let room = &self.rooms[&room];
        tl::enums::ExportedChatInvite::ChatInviteExported(tl::types::ChatInviteExported {
            revoked: false,
            permanent: true,
            request_needed: room.join_requests,
            link: format!("https://t.me/+testkit{}", room.id),
            admin_id: room.creator,
            date: room.date,
            start_date: None,
            expire_date: None,
            usage_limit: None,
            usage: None,
            requested: None,
            subscription_expired: None,
            title: None,
            subscription_pricing: None,
        })
    }

    /// Sends the participant update for `user` going from `prev` to `new` in `room` (the
    /// doing of `actor`) to the bots that get it: `user` itself if a bot, and the room's
    /// admin bots (see the module docs).
    fn participant_changed(
        &mut self,
        room: i64,
        actor: i64,
        user: i64,
        prev: Standing,
        new: Standing,
        via: Via,
    ) {
        let date = now();
        let r = &self.rooms[&room];
        let mut receivers: Vec<i64> = r
            .members
            .iter()
            .copied()
            .filter(|m| r.creator == *m || r.admins.contains(m))
            .collect();
        receivers.push(user);
        receivers.sort_unstable();
        receivers.dedup();
        receivers.retain(|id| self.accounts.get(id).is_some_and(|a| a.is_bot()));
        let invite = match via {
            Via::Nothing => None,
            Via::Request if r.username.is_some() => {
                Some(tl::enums::ExportedChatInvite::ChatInvitePublicJoinRequests)
            }
            Via::Link | Via::Request => Some(self.invite_link(room)),
        };
        let peer = r.peer();
        for bot in receivers {
            let invite = invite.clone();
            let make = |qts| match peer {
                PeerRef::Chat(chat_id) => {
                    tl::enums::Update::ChatParticipant(tl::types::UpdateChatParticipant {
                        chat_id,
                        date,
                        actor_id: actor,
                        user_id: user,
                        prev_participant: chat_participant(user, prev),
                        new_participant: chat_participant(user, new),
                        invite,
                        qts,
                    })
                }
                _ => tl::enums::Update::ChannelParticipant(tl::types::UpdateChannelParticipant {
                    via_chatlist: false,
                    channel_id: room,
                    date,
                    actor_id: actor,
                    user_id: user,
                    // A user who was never in the channel has no previous participant.
                    prev_participant: (prev != Standing::Out || new == Standing::Out)
                        .then(|| channel_participant(user, prev, date))
                        .flatten(),
                    new_participant: channel_participant(user, new, date),
                    invite,
                    qts,
                }),
            };
            self.push_qts(bot, make, vec![actor, user], vec![peer]);
        }
    }

    /// Posts a service message from `from` into `room` (see the module docs). `reply_to` is
    /// a message id as `from` sees it.
    pub(crate) fn post_service(
        &mut self,
        from: i64,
        room: i64,
        action: tl::enums::MessageAction,
        reply_to: Option<i32>,
        origin_conn: Option<u64>,
    ) -> Result<crate::delivery::Sent, RpcFail> {
        let peer = self.rooms[&room].peer();
        let draft = Draft {
            action: Some(action),
            reply_to,
            ..Draft::default()
        };
        self.send(from, peer, draft, origin_conn)
    }

    fn check_open(&self, room: i64) -> Result<(), RpcFail> {
        if self.rooms[&room].migrated_to.is_some() {
            return Err(RpcFail::bad_request("PEER_ID_INVALID"));
        }
        Ok(())
    }

    fn enter(&mut self, room: i64, user: i64, inviter: i64) {
        let date = now();
        let r = self.rooms.get_mut(&room).expect("room exists");
        if !r.members.contains(&user) {
            r.members.push(user);
        }
        r.joined.insert(user, (date, inviter));
    }

    /// `user` joins `room` by themselves: by its invite link, or (a public supergroup) with
    /// `channels.joinChannel`. A group that needs approval files a join request instead and
    /// answers `INVITE_REQUEST_SENT`, as `messages.importChatInvite` and
    /// `channels.joinChannel` do.
    pub(crate) fn join(&mut self, user: i64, peer: PeerRef) -> Result<(), RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        if self.rooms[&room].members.contains(&user) {
            return Err(RpcFail::bad_request("USER_ALREADY_PARTICIPANT"));
        }
        if self.rooms[&room].join_requests {
            self.request_join(user, peer)?;
            return Err(RpcFail::bad_request("INVITE_REQUEST_SENT"));
        }
        let r = &self.rooms[&room];
        let (kind, public, creator) = (r.kind, r.username.is_some(), r.creator);
        let prev = self.standing(room, user);
        self.enter(room, user, creator);
        let via = if kind != RoomKind::Group && public {
            Via::Nothing
        } else {
            Via::Link
        };
        if kind != RoomKind::Broadcast {
            let action = match via {
                Via::Nothing => {
                    tl::enums::MessageAction::ChatAddUser(tl::types::MessageActionChatAddUser {
                        users: vec![user],
                    })
                }
                _ => tl::enums::MessageAction::ChatJoinedByLink(
                    tl::types::MessageActionChatJoinedByLink {
                        inviter_id: creator,
                    },
                ),
            };
            self.post_service(user, room, action, None, None)?;
        }
        let new = self.standing(room, user);
        self.participant_changed(room, user, user, prev, new, via);
        Ok(())
    }

    /// `adder`, a member, adds `user` (`messages.addChatUser`, `channels.inviteToChannel`).
    pub(crate) fn add(&mut self, adder: i64, user: i64, peer: PeerRef) -> Result<(), RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        let r = &self.rooms[&room];
        if !r.members.contains(&adder) {
            return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
        }
        if r.members.contains(&user) {
            return Err(RpcFail::bad_request("USER_ALREADY_PARTICIPANT"));
        }
        let kind = r.kind;
        let prev = self.standing(room, user);
        self.enter(room, user, adder);
        if kind != RoomKind::Broadcast {
            let action =
                tl::enums::MessageAction::ChatAddUser(tl::types::MessageActionChatAddUser {
                    users: vec![user],
                });
            self.post_service(adder, room, action, None, None)?;
        }
        let new = self.standing(room, user);
        self.participant_changed(room, adder, user, prev, new, Via::Nothing);
        Ok(())
    }

    /// `user` leaves `room`, or `by` (an admin) removes them. The service message goes out
    /// before they are gone, so they see it too (that is how a client learns it was removed
    /// from a basic group).
    pub(crate) fn remove(&mut self, by: i64, user: i64, peer: PeerRef) -> Result<(), RpcFail> {
        let room = self.room_id(peer)?;
        let r = &self.rooms[&room];
        if by != user {
            if !r.members.contains(&by) || !self.is_admin(room, by) {
                return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
            }
            if r.creator == user {
                return Err(RpcFail::bad_request("USER_ADMIN_INVALID"));
            }
        }
        if !r.members.contains(&user) {
            return Err(RpcFail::bad_request("USER_NOT_PARTICIPANT"));
        }
        let kind = r.kind;
        let prev = self.standing(room, user);
        if kind != RoomKind::Broadcast && r.migrated_to.is_none() {
            let action =
                tl::enums::MessageAction::ChatDeleteUser(tl::types::MessageActionChatDeleteUser {
                    user_id: user,
                });
            self.post_service(by, room, action, None, None)?;
        }
        let r = self.rooms.get_mut(&room).expect("found above");
        r.members.retain(|m| *m != user);
        r.admins.retain(|a| *a != user);
        r.joined.remove(&user);
        let new = if by == user {
            Standing::Out
        } else {
            Standing::Kicked { by }
        };
        self.participant_changed(room, by, user, prev, new, Via::Nothing);
        Ok(())
    }

    /// `user` pins message `id` (as they see it): `messageActionPinMessage` replying to it.
    pub(crate) fn pin(
        &mut self,
        user: i64,
        peer: PeerRef,
        id: i32,
        origin_conn: Option<u64>,
    ) -> Result<crate::delivery::Sent, RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        self.message_in(user, peer, id)?;
        if self.rooms[&room].kind == RoomKind::Broadcast && !self.is_admin(room, user) {
            return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
        }
        self.post_service(
            user,
            room,
            tl::enums::MessageAction::PinMessage,
            Some(id),
            origin_conn,
        )
    }

    /// `user` renames the group: `messageActionChatEditTitle`.
    pub(crate) fn set_title(
        &mut self,
        user: i64,
        peer: PeerRef,
        title: &str,
    ) -> Result<(), RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        let title = title.trim();
        if title.is_empty() {
            return Err(RpcFail::bad_request("CHAT_TITLE_EMPTY"));
        }
        if self.rooms[&room].title == title {
            return Err(RpcFail::bad_request("CHAT_NOT_MODIFIED"));
        }
        if !self.rooms[&room].members.contains(&user) {
            return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
        }
        self.rooms.get_mut(&room).expect("found above").title = title.to_string();
        let action =
            tl::enums::MessageAction::ChatEditTitle(tl::types::MessageActionChatEditTitle {
                title: title.to_string(),
            });
        self.post_service(user, room, action, None, None)?;
        Ok(())
    }

    /// `user` sets a new group photo: `messageActionChatEditPhoto`.
    pub(crate) fn set_photo(&mut self, user: i64, peer: PeerRef) -> Result<(), RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        if !self.rooms[&room].members.contains(&user) {
            return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
        }
        let id = crate::random::i64().abs();
        self.rooms.get_mut(&room).expect("found above").photo = Some(id);
        let action =
            tl::enums::MessageAction::ChatEditPhoto(tl::types::MessageActionChatEditPhoto {
                photo: tl_build::chat_photo_object(id, now()),
            });
        self.post_service(user, room, action, None, None)?;
        Ok(())
    }

    /// `user` asks to join a group that needs approval; its admin bots get
    /// `updateBotChatInviteRequester`.
    pub(crate) fn request_join(&mut self, user: i64, peer: PeerRef) -> Result<(), RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        let r = &self.rooms[&room];
        if r.members.contains(&user) {
            return Err(RpcFail::bad_request("USER_ALREADY_PARTICIPANT"));
        }
        if r.pending_requests.iter().any(|(u, _)| *u == user) {
            return Err(RpcFail::bad_request("INVITE_REQUEST_SENT"));
        }
        let date = now();
        let admin_bots: Vec<i64> = r
            .members
            .iter()
            .copied()
            .filter(|m| r.creator == *m || r.admins.contains(m))
            .filter(|m| self.accounts.get(m).is_some_and(|a| a.is_bot()))
            .collect();
        let peer = r.peer();
        self.rooms
            .get_mut(&room)
            .expect("found above")
            .pending_requests
            .push((user, date));
        let invite = self.invite_link(room);
        for bot in admin_bots {
            let invite = invite.clone();
            self.push_qts(
                bot,
                |qts| {
                    tl::enums::Update::BotChatInviteRequester(
                        tl::types::UpdateBotChatInviteRequester {
                            peer: peer.to_tl(),
                            date,
                            user_id: user,
                            about: String::new(),
                            invite,
                            qts,
                            query_id: None,
                        },
                    )
                },
                vec![user],
                vec![peer],
            );
        }
        Ok(())
    }

    /// `admin` approves or declines `user`'s join request (`messages.hideChatJoinRequest`).
    /// Returns the service message when approved.
    pub(crate) fn hide_request(
        &mut self,
        admin: i64,
        peer: PeerRef,
        user: i64,
        approved: bool,
    ) -> Result<Option<crate::delivery::Sent>, RpcFail> {
        let room = self.room_id(peer)?;
        if !self.rooms[&room].members.contains(&admin) || !self.is_admin(room, admin) {
            return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
        }
        let r = self.rooms.get_mut(&room).expect("found above");
        let Some(at) = r.pending_requests.iter().position(|(u, _)| *u == user) else {
            return Err(RpcFail::bad_request("HIDE_REQUESTER_MISSING"));
        };
        r.pending_requests.remove(at);
        if !approved {
            return Ok(None);
        }
        let prev = self.standing(room, user);
        self.enter(room, user, admin);
        let sent = if self.rooms[&room].kind != RoomKind::Broadcast {
            // The joiner is the sender, so every connection of the approving admin gets it
            // pushed.
            let sent = self.post_service(
                user,
                room,
                tl::enums::MessageAction::ChatJoinedByRequest,
                None,
                None,
            )?;
            // Sent in the joiner's name but not by them: their apps show it, so the scripted
            // user observes it too.
            if let Some(account) = self.accounts.get_mut(&user) {
                account
                    .observed
                    .incoming(crate::observed::ObservedMessage::from_stored(&sent.copy));
            }
            Some(sent)
        } else {
            None
        };
        let new = self.standing(room, user);
        self.participant_changed(room, admin, user, prev, new, Via::Request);
        Ok(sent)
    }

    /// `user` blocks (`stopped`) or unblocks bot `bot`: `updateBotStopped` for the bot when
    /// that changes anything.
    pub(crate) fn set_bot_stopped(
        &mut self,
        user: i64,
        bot: i64,
        stopped: bool,
    ) -> Result<(), RpcFail> {
        let account = self
            .accounts
            .get_mut(&bot)
            .ok_or_else(|| RpcFail::bad_request("PEER_ID_INVALID"))?;
        if !account.is_bot() {
            // Blocking a user is no bot event; nothing else here depends on it.
            return Ok(());
        }
        let was = account.blocked_by.contains(&user);
        if was == stopped {
            return Ok(());
        }
        if stopped {
            account.blocked_by.push(user);
        } else {
            account.blocked_by.retain(|u| *u != user);
        }
        let date = now();
        self.push_qts(
            bot,
            |qts| {
                tl::enums::Update::BotStopped(tl::types::UpdateBotStopped {
                    user_id: user,
                    date,
                    stopped,
                    qts,
                })
            },
            vec![user],
            Vec::new(),
        );
        Ok(())
    }

    /// Whether bot `bot` may send to `user` in private: Telegram lets a bot write only to
    /// users who wrote to it first, and not to those who blocked it. The error for the first
    /// is `PEER_ID_INVALID`: TDLib turns exactly that error, for a bot sending to a user,
    /// into "Bot can't initiate conversation with a user" (`MessagesManager.cpp`, the
    /// `PEER_ID_INVALID` case of the send-error translation), which is what the Bot API says.
    /// A user with a join request pending in a group the bot administers may be written to
    /// (the Bot API's `chatJoinRequest.user_chat_id`).
    pub(crate) fn bot_may_message(&self, bot: i64, user: i64) -> Result<(), RpcFail> {
        let account = &self.accounts[&bot];
        if account.blocked_by.contains(&user) {
            return Err(RpcFail::new(403, "USER_IS_BLOCKED"));
        }
        let wrote = account.private_senders.contains(&user);
        let requested = self.rooms.values().any(|r| {
            r.pending_requests.iter().any(|(u, _)| *u == user)
                && (r.creator == bot || r.admins.contains(&bot))
        });
        if wrote || requested {
            Ok(())
        } else {
            Err(RpcFail::bad_request("PEER_ID_INVALID"))
        }
    }

    /// The creator `user` upgrades basic group `peer` to a supergroup
    /// (`messages.migrateChat`). Returns the new supergroup's id.
    pub(crate) fn migrate(&mut self, user: i64, peer: PeerRef) -> Result<i64, RpcFail> {
        let room = self.room_id(peer)?;
        self.check_open(room)?;
        let r = &self.rooms[&room];
        if r.kind != RoomKind::Group {
            return Err(RpcFail::bad_request("CHAT_ID_INVALID"));
        }
        if r.creator != user {
            return Err(RpcFail::bad_request("CHAT_ADMIN_REQUIRED"));
        }
        let (title, admins, joined) = (r.title.clone(), r.admins.clone(), r.joined.clone());
        let mut members = vec![r.creator];
        members.extend(r.members.iter().copied().filter(|m| *m != r.creator));
        let channel = self
            .create_room(RoomKind::Supergroup, title.clone(), None, members)
            .map_err(|_| RpcFail::new(500, "INTERNAL"))?
            .bare_id();
        {
            let new = self.rooms.get_mut(&channel).expect("just created");
            new.admins = admins;
            new.joined = joined;
        }
        let action =
            tl::enums::MessageAction::ChatMigrateTo(tl::types::MessageActionChatMigrateTo {
                channel_id: channel,
            });
        self.post_service(user, room, action, None, None)?;
        let secret = self.rooms[&channel].access_hash;
        self.rooms.get_mut(&room).expect("found above").migrated_to = Some((channel, secret));
        let action = tl::enums::MessageAction::ChannelMigrateFrom(
            tl::types::MessageActionChannelMigrateFrom {
                title,
                chat_id: room,
            },
        );
        self.post_service(user, channel, action, None, None)?;
        Ok(channel)
    }

    /// `creator` creates a group (`messages.createChat`, `channels.createChannel`) with
    /// `members`: `messageActionChatCreate` or `messageActionChannelCreate`, and each bot
    /// among the members learns it was added (its `my_chat_member`).
    pub(crate) fn create_with_message(
        &mut self,
        creator: i64,
        kind: RoomKind,
        title: &str,
        others: Vec<i64>,
    ) -> Result<i64, RpcFail> {
        let title = title.trim();
        if title.is_empty() {
            return Err(RpcFail::bad_request("CHAT_TITLE_EMPTY"));
        }
        let mut members = vec![creator];
        for id in others {
            if !members.contains(&id) {
                members.push(id);
            }
        }
        let room = self
            .create_room(kind, title.to_string(), None, members.clone())
            .map_err(|_| RpcFail::new(500, "INTERNAL"))?
            .bare_id();
        for m in &members[1..] {
            self.rooms
                .get_mut(&room)
                .expect("just created")
                .joined
                .insert(*m, (now(), creator));
        }
        let action = match kind {
            RoomKind::Group => {
                tl::enums::MessageAction::ChatCreate(tl::types::MessageActionChatCreate {
                    title: title.to_string(),
                    users: members.clone(),
                })
            }
            _ => tl::enums::MessageAction::ChannelCreate(tl::types::MessageActionChannelCreate {
                title: title.to_string(),
            }),
        };
        self.post_service(creator, room, action, None, None)?;
        for m in &members[1..] {
            let new = self.standing(room, *m);
            self.participant_changed(room, creator, *m, Standing::Out, new, Via::Nothing);
        }
        Ok(room)
    }
}
