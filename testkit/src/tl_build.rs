//! The one place that spells out TL object literals.
//!
//! TL structs have no `Default` and gain fields with every layer; a `User` or `Message` has
//! dozens. Every literal the server sends is built here, so a grammers upgrade (new layer)
//! touches this file and nothing else.

use grammers_tl_types as tl;

use crate::state::{Account, Media, Room, RoomKind, StoredMessage};

/// The peer a message lives in, from its owner's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerRef {
    /// A private chat with this user.
    User(i64),
    /// A basic group.
    Chat(i64),
    /// A supergroup or broadcast channel.
    Channel(i64),
}

impl PeerRef {
    /// The user, chat or channel id without any Bot API style prefix.
    pub fn bare_id(self) -> i64 {
        match self {
            PeerRef::User(id) | PeerRef::Chat(id) | PeerRef::Channel(id) => id,
        }
    }

    /// The TL object: `peerUser`, `peerChat` or `peerChannel`; the one `Peer` literal.
    pub fn to_tl(self) -> tl::enums::Peer {
        match self {
            PeerRef::User(user_id) => tl::enums::Peer::User(tl::types::PeerUser { user_id }),
            PeerRef::Chat(chat_id) => tl::enums::Peer::Chat(tl::types::PeerChat { chat_id }),
            PeerRef::Channel(channel_id) => {
                tl::enums::Peer::Channel(tl::types::PeerChannel { channel_id })
            }
        }
    }
}

/// A group or channel as `viewer` sees it (channels with their access hash).
pub(crate) fn chat(room: &Room, viewer: i64) -> tl::enums::Chat {
    let member = room.members.contains(&viewer);
    match room.kind {
        RoomKind::Group => GroupObject {
            id: room.id,
            title: room.title.clone(),
            creator: room.creator == viewer,
            left: !member,
            photo: chat_photo(room),
            participants_count: room.members.len() as i32,
            date: room.date,
            // An upgraded group is deactivated and names its successor
            // (core.telegram.org/api/channel#migration).
            migrated_to: room.migrated_to.map(|(channel_id, secret)| {
                tl::enums::InputChannel::Channel(tl::types::InputChannel {
                    channel_id,
                    access_hash: viewer_hash(secret, viewer),
                })
            }),
        }
        .to_tl(),
        RoomKind::Supergroup | RoomKind::Broadcast => ChannelObject {
            id: room.id,
            access_hash: viewer_hash(room.access_hash, viewer),
            title: room.title.clone(),
            username: room.username.clone(),
            broadcast: room.kind == RoomKind::Broadcast,
            creator: room.creator == viewer,
            left: !member,
            join_request: room.join_requests,
            photo: chat_photo(room),
            participants_count: Some(room.members.len() as i32),
            date: room.date,
        }
        .to_tl(),
    }
}

/// A basic group (`chat`) with the fields tests vary; the one `tl::types::Chat` literal.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupObject {
    /// The chat id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Whether the viewer created it.
    pub creator: bool,
    /// Whether the viewer is not a member.
    pub left: bool,
    /// Its photo.
    pub photo: tl::enums::ChatPhoto,
    /// How many members it has.
    pub participants_count: i32,
    /// When it was created.
    pub date: i32,
    /// The supergroup it was upgraded to (it is then deactivated).
    pub migrated_to: Option<tl::enums::InputChannel>,
}

impl GroupObject {
    /// A group with this id and title, the viewer a member.
    pub fn new(id: i64, title: impl Into<String>) -> Self {
        Self {
            id,
            title: title.into(),
            creator: false,
            left: false,
            photo: tl::enums::ChatPhoto::Empty,
            participants_count: 3,
            date: 0,
            migrated_to: None,
        }
    }

    /// The TL object.
    pub fn to_tl(&self) -> tl::enums::Chat {
        tl::enums::Chat::Chat(tl::types::Chat {
            creator: self.creator,
            left: self.left,
            // An upgraded group is deactivated and names its successor
            // (core.telegram.org/api/channel#migration).
            deactivated: self.migrated_to.is_some(),
            call_active: false,
            call_not_empty: false,
            noforwards: false,
            id: self.id,
            title: self.title.clone(),
            photo: self.photo.clone(),
            participants_count: self.participants_count,
            date: self.date,
            version: 1,
            migrated_to: self.migrated_to.clone(),
            admin_rights: None,
            default_banned_rights: None,
        })
    }
}

/// A supergroup or broadcast channel (`channel`) with the fields tests vary; the one
/// `tl::types::Channel` literal.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelObject {
    /// The channel id.
    pub id: i64,
    /// The access hash the viewer gets.
    pub access_hash: i64,
    /// Its title.
    pub title: String,
    /// Its username, without `@`.
    pub username: Option<String>,
    /// A broadcast channel (else a supergroup).
    pub broadcast: bool,
    /// Whether the viewer created it.
    pub creator: bool,
    /// Whether the viewer is not a member.
    pub left: bool,
    /// Whether joining needs an admin's approval.
    pub join_request: bool,
    /// Its photo.
    pub photo: tl::enums::ChatPhoto,
    /// How many members it has, if shown.
    pub participants_count: Option<i32>,
    /// When it was created.
    pub date: i32,
}

impl ChannelObject {
    /// A supergroup (`broadcast` false) or channel with this id and title, the viewer a member.
    pub fn new(id: i64, title: impl Into<String>, broadcast: bool) -> Self {
        Self {
            id,
            access_hash: id.wrapping_mul(104_729),
            title: title.into(),
            username: None,
            broadcast,
            creator: false,
            left: false,
            join_request: false,
            photo: tl::enums::ChatPhoto::Empty,
            participants_count: None,
            date: 0,
        }
    }

    /// The TL object.
    pub fn to_tl(&self) -> tl::enums::Chat {
        tl::enums::Chat::Channel(tl::types::Channel {
            creator: self.creator,
            left: self.left,
            broadcast: self.broadcast,
            verified: false,
            megagroup: !self.broadcast,
            restricted: false,
            signatures: false,
            min: false,
            scam: false,
            has_link: false,
            has_geo: false,
            slowmode_enabled: false,
            call_active: false,
            call_not_empty: false,
            fake: false,
            gigagroup: false,
            noforwards: false,
            join_to_send: false,
            join_request: self.join_request,
            forum: false,
            stories_hidden: false,
            stories_hidden_min: false,
            stories_unavailable: true,
            signature_profiles: false,
            autotranslation: false,
            broadcast_messages_allowed: false,
            monoforum: false,
            forum_tabs: false,
            id: self.id,
            access_hash: Some(self.access_hash),
            title: self.title.clone(),
            username: self.username.clone(),
            photo: self.photo.clone(),
            date: self.date,
            restriction_reason: None,
            admin_rights: None,
            banned_rights: None,
            default_banned_rights: None,
            participants_count: self.participants_count,
            usernames: None,
            stories_max_id: None,
            color: None,
            profile_color: None,
            emoji_status: None,
            level: None,
            subscription_until_date: None,
            bot_verification_icon: None,
            send_paid_messages_stars: None,
            linked_monoforum_id: None,
            linked_community_id: None,
        })
    }
}

/// A group's or channel's current photo (see `membership`).
fn chat_photo(room: &Room) -> tl::enums::ChatPhoto {
    match room.photo {
        Some(photo_id) => tl::enums::ChatPhoto::Photo(tl::types::ChatPhoto {
            has_video: false,
            photo_id,
            stripped_thumb: None,
            dc_id: 2,
        }),
        None => tl::enums::ChatPhoto::Empty,
    }
}

/// A minimal `photo` for a chat photo change (`messageActionChatEditPhoto`): one size, no
/// bytes behind it.
pub(crate) fn chat_photo_object(id: i64, date: i32) -> tl::enums::Photo {
    tl::enums::Photo::Photo(tl::types::Photo {
        has_stickers: false,
        id,
        access_hash: id.rotate_left(17),
        file_reference: id.to_le_bytes().to_vec(),
        date,
        sizes: vec![tl::enums::PhotoSize::Size(tl::types::PhotoSize {
            r#type: "a".into(),
            w: 160,
            h: 160,
            size: 0,
        })],
        video_sizes: None,
        dc_id: 2,
    })
}

/// The media of a stored message.
pub(crate) fn media(media: &Media) -> tl::enums::MessageMedia {
    match media {
        Media::Photo(file) => tl::enums::MessageMedia::Photo(tl::types::MessageMediaPhoto {
            spoiler: false,
            live_photo: false,
            photo: Some(tl::enums::Photo::Photo(tl::types::Photo {
                has_stickers: false,
                id: file.id,
                access_hash: file.access_hash,
                file_reference: file.id.to_le_bytes().to_vec(),
                date: file.date,
                sizes: vec![tl::enums::PhotoSize::Size(tl::types::PhotoSize {
                    r#type: "x".into(),
                    w: 800,
                    h: 800,
                    size: file.bytes.len() as i32,
                })],
                video_sizes: None,
                dc_id: file.dc,
            })),
            ttl_seconds: None,
            video: None,
        }),
        Media::Document(file) => {
            tl::enums::MessageMedia::Document(tl::types::MessageMediaDocument {
                nopremium: false,
                spoiler: false,
                video: false,
                round: false,
                voice: false,
                document: Some(tl::enums::Document::Document(tl::types::Document {
                    id: file.id,
                    access_hash: file.access_hash,
                    file_reference: file.id.to_le_bytes().to_vec(),
                    date: file.date,
                    mime_type: file.mime_type.clone(),
                    size: file.bytes.len() as i64,
                    thumbs: None,
                    video_thumbs: None,
                    dc_id: file.dc,
                    attributes: vec![tl::enums::DocumentAttribute::Filename(
                        tl::types::DocumentAttributeFilename {
                            file_name: file.name.clone(),
                        },
                    )],
                })),
                alt_documents: None,
                video_cover: None,
                video_timestamp: None,
                ttl_seconds: None,
            })
        }
    }
}

/// A user as `viewer` sees it (always with its access hash, never `min`).
pub(crate) fn user(account: &Account, viewer: i64) -> tl::enums::User {
    UserObject {
        id: account.id,
        access_hash: viewer_hash(account.access_hash, viewer),
        first_name: account.first_name.clone(),
        last_name: account.last_name.clone(),
        username: account.username.clone(),
        phone: if account.is_bot() {
            None
        } else {
            account.phone.clone()
        },
        bot: account.is_bot(),
        is_self: account.id == viewer,
    }
    .to_tl()
}

/// A `user` (not `min`) with the fields tests vary; the one `tl::types::User` literal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserObject {
    /// The user id.
    pub id: i64,
    /// The access hash the viewer gets.
    pub access_hash: i64,
    /// The first name.
    pub first_name: String,
    /// The last name.
    pub last_name: Option<String>,
    /// The username, without `@`.
    pub username: Option<String>,
    /// The phone number (never for bots).
    pub phone: Option<String>,
    /// Whether it is a bot.
    pub bot: bool,
    /// Whether it is the viewer's own account.
    pub is_self: bool,
}

impl UserObject {
    /// The TL object.
    pub fn to_tl(&self) -> tl::enums::User {
        tl::enums::User::User(tl::types::User {
            is_self: self.is_self,
            contact: false,
            mutual_contact: false,
            deleted: false,
            bot: self.bot,
            bot_chat_history: false,
            bot_nochats: false,
            verified: false,
            restricted: false,
            min: false,
            bot_inline_geo: false,
            support: false,
            scam: false,
            apply_min_photo: false,
            fake: false,
            bot_attach_menu: false,
            premium: false,
            attach_menu_enabled: false,
            bot_can_edit: false,
            close_friend: false,
            stories_hidden: false,
            stories_unavailable: true,
            contact_require_premium: false,
            bot_business: false,
            bot_has_main_app: false,
            bot_forum_view: false,
            bot_forum_can_manage_topics: false,
            bot_can_manage_bots: false,
            bot_guestchat: false,
            bot_guard: false,
            id: self.id,
            access_hash: Some(self.access_hash),
            first_name: Some(self.first_name.clone()),
            last_name: self.last_name.clone(),
            username: self.username.clone(),
            phone: self.phone.clone(),
            photo: None,
            status: None,
            bot_info_version: self.bot.then_some(1),
            restriction_reason: None,
            bot_inline_placeholder: None,
            lang_code: None,
            emoji_status: None,
            usernames: None,
            stories_max_id: None,
            color: None,
            profile_color: None,
            bot_active_users: None,
            bot_verification_icon: None,
            send_paid_messages_stars: None,
            linked_community_id: None,
        })
    }
}

/// `userFull` for `users.getFullUser`.
pub(crate) fn user_full(account: &Account, viewer: i64) -> tl::enums::users::UserFull {
    let full = tl::types::UserFull {
        blocked: false,
        phone_calls_available: false,
        phone_calls_private: false,
        can_pin_message: true,
        has_scheduled: false,
        video_calls_available: false,
        voice_messages_forbidden: false,
        translations_disabled: false,
        stories_pinned_available: false,
        blocked_my_stories_from: false,
        wallpaper_overridden: false,
        contact_require_premium: false,
        read_dates_private: false,
        sponsored_enabled: false,
        can_view_revenue: false,
        bot_can_manage_emoji_status: false,
        display_gifts_button: false,
        noforwards_my_enabled: false,
        noforwards_peer_enabled: false,
        unofficial_security_risk: false,
        id: account.id,
        about: None,
        settings: peer_settings(),
        personal_photo: None,
        profile_photo: None,
        fallback_photo: None,
        notify_settings: notify_settings(),
        bot_info: None,
        pinned_msg_id: None,
        common_chats_count: 0,
        folder_id: None,
        ttl_period: None,
        theme: None,
        private_forward_name: None,
        bot_group_admin_rights: None,
        bot_broadcast_admin_rights: None,
        wallpaper: None,
        stories: None,
        business_work_hours: None,
        business_location: None,
        business_greeting_message: None,
        business_away_message: None,
        business_intro: None,
        birthday: None,
        personal_channel_id: None,
        personal_channel_message: None,
        stargifts_count: None,
        starref_program: None,
        bot_verification: None,
        send_paid_messages_stars: None,
        disallowed_gifts: None,
        stars_rating: None,
        stars_my_pending_rating: None,
        stars_my_pending_rating_date: None,
        main_tab: None,
        saved_music: None,
        note: None,
        bot_manager_id: None,
    };
    tl::enums::users::UserFull::Full(tl::types::users::UserFull {
        full_user: tl::enums::UserFull::Full(full),
        chats: Vec::new(),
        users: vec![user(account, viewer)],
    })
}

fn peer_settings() -> tl::enums::PeerSettings {
    tl::enums::PeerSettings::Settings(tl::types::PeerSettings {
        report_spam: false,
        add_contact: false,
        block_contact: false,
        share_contact: false,
        need_contacts_exception: false,
        report_geo: false,
        autoarchived: false,
        invite_members: false,
        request_chat_broadcast: false,
        business_bot_paused: false,
        business_bot_can_reply: false,
        geo_distance: None,
        request_chat_title: None,
        request_chat_date: None,
        business_bot_id: None,
        business_bot_manage_url: None,
        charge_paid_message_stars: None,
        registration_month: None,
        phone_country: None,
        name_change_date: None,
        photo_change_date: None,
    })
}

fn notify_settings() -> tl::enums::PeerNotifySettings {
    tl::enums::PeerNotifySettings::Settings(tl::types::PeerNotifySettings {
        show_previews: None,
        silent: None,
        mute_until: None,
        ios_sound: None,
        android_sound: None,
        other_sound: None,
        stories_muted: None,
        stories_hide_sender: None,
        stories_ios_sound: None,
        stories_android_sound: None,
        stories_other_sound: None,
    })
}

/// The access hash `viewer` is given for a peer whose own secret is `secret`.
///
/// Telegram gives every account its own hash for a peer (core.telegram.org/api/peers: an
/// access hash is "specific to the user ... that received it"), so a hash learnt by one
/// account is `PEER_ID_INVALID` for another. A fixed mix of the two keeps it stable across
/// restarts of the testkit without storing one per pair.
pub(crate) fn viewer_hash(secret: i64, viewer: i64) -> i64 {
    // splitmix64's finaliser: distinct viewers get unrelated hashes.
    let mut z = (secret as u64) ^ (viewer as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as i64
}

/// A stored message as `viewer` sees it.
pub(crate) fn message(m: &StoredMessage, viewer: i64) -> tl::enums::Message {
    let is_channel_post = matches!(m.peer, PeerRef::Channel(_)) && m.post;
    let out = m.from == viewer;
    if let Some(action) = &m.action {
        // A service message: the sender in `from_id` (except in broadcast channels, whose
        // service messages come from the channel), the pinned message of
        // `messageActionPinMessage` in `reply_to`.
        return ServiceObject {
            id: m.id,
            peer: m.peer.to_tl(),
            from: (!is_channel_post).then(|| PeerRef::User(m.from).to_tl()),
            out,
            mentioned: false,
            post: is_channel_post,
            date: m.date,
            reply_to: m.reply_to,
            action: action.clone(),
        }
        .to_tl();
    }
    let mentioned = crate::mentions::is_mentioned(m.peer, m.post, m.from, &m.mentions, viewer);
    // Incoming messages in private chats carry no `from_id` since layer 119: the sender can
    // only be the chat (Telethon `tl/custom/message.py`, grammers `Message::sender_id`).
    // Outgoing ones keep it: TDLib takes a missing `from_id` as "sent by the chat" and logs
    // "Receive wrong out flag" for an outgoing one (`MessagesManager.cpp`,
    // `parse_telegram_api_message` / `create_message`).
    let incoming_private = matches!(m.peer, PeerRef::User(_)) && !out;
    MessageObject {
        id: m.id,
        peer: m.peer.to_tl(),
        from: (!is_channel_post && !incoming_private).then(|| PeerRef::User(m.from).to_tl()),
        out,
        mentioned,
        // Set with an unread mention (see `mentions`).
        media_unread: mentioned,
        post: is_channel_post,
        date: m.date,
        edit_date: m.edit_date,
        text: m.text.clone(),
        entities: m.entities.clone(),
        media: m.media.as_ref().map(media),
        reply_markup: m.reply_markup.clone(),
        reply_to: m.reply_to,
        forward: forward(m),
        via_bot: m.via_bot,
    }
    .to_tl()
}

/// A regular message (`message`) with the fields tests vary; the one `tl::types::Message`
/// literal.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageObject {
    /// The message id.
    pub id: i32,
    /// The chat it is in (`peer_id`).
    pub peer: tl::enums::Peer,
    /// The sender (`from_id`); `None` when implied by the chat (incoming private messages,
    /// channel posts).
    pub from: Option<tl::enums::Peer>,
    /// Sent by the viewer.
    pub out: bool,
    /// Mentions the viewer.
    pub mentioned: bool,
    /// Has unread media or an unread mention.
    pub media_unread: bool,
    /// A post in a broadcast channel.
    pub post: bool,
    /// When it was sent.
    pub date: i32,
    /// When it was last edited.
    pub edit_date: Option<i32>,
    /// The text (or caption).
    pub text: String,
    /// Formatting entities (offsets and lengths in UTF-16 code units); none is sent as absent.
    pub entities: Vec<tl::enums::MessageEntity>,
    /// Its media.
    pub media: Option<tl::enums::MessageMedia>,
    /// Its keyboard.
    pub reply_markup: Option<tl::enums::ReplyMarkup>,
    /// The message it replies to.
    pub reply_to: Option<i32>,
    /// Where it was forwarded from.
    pub forward: Option<ForwardObject>,
    /// The inline bot it was sent via.
    pub via_bot: Option<i64>,
}

impl MessageObject {
    /// An incoming text message `id` in `peer`, sent at date 0, with nothing else set.
    pub fn new(id: i32, peer: tl::enums::Peer, text: impl Into<String>) -> Self {
        Self {
            id,
            peer,
            from: None,
            out: false,
            mentioned: false,
            media_unread: false,
            post: false,
            date: 0,
            edit_date: None,
            text: text.into(),
            entities: Vec::new(),
            media: None,
            reply_markup: None,
            reply_to: None,
            forward: None,
            via_bot: None,
        }
    }

    /// The TL object.
    pub fn to_tl(&self) -> tl::enums::Message {
        tl::enums::Message::Message(tl::types::Message {
            out: self.out,
            mentioned: self.mentioned,
            media_unread: self.media_unread,
            silent: false,
            post: self.post,
            from_scheduled: false,
            legacy: false,
            edit_hide: false,
            pinned: false,
            noforwards: false,
            invert_media: false,
            offline: false,
            video_processing_pending: false,
            paid_suggested_post_stars: false,
            paid_suggested_post_ton: false,
            id: self.id,
            from_id: self.from.clone(),
            from_boosts_applied: None,
            from_rank: None,
            peer_id: self.peer.clone(),
            saved_peer_id: None,
            fwd_from: self.forward.as_ref().map(ForwardObject::to_tl),
            via_bot_id: self.via_bot,
            via_business_bot_id: None,
            guestchat_via_from: None,
            reply_to: self.reply_to.map(reply_header),
            date: self.date,
            message: self.text.clone(),
            media: self.media.clone(),
            reply_markup: self.reply_markup.clone(),
            entities: (!self.entities.is_empty()).then(|| self.entities.clone()),
            views: None,
            forwards: None,
            replies: None,
            edit_date: self.edit_date,
            post_author: None,
            grouped_id: None,
            reactions: None,
            restriction_reason: None,
            ttl_period: None,
            quick_reply_shortcut_id: None,
            effect: None,
            factcheck: None,
            report_delivery_until_date: None,
            paid_message_stars: None,
            suggested_post: None,
            schedule_repeat_period: None,
            summary_from_language: None,
            rich_message: None,
        })
    }
}

/// A service message (`messageService`: a join, a pin, a new title...) with the fields tests
/// vary; the one `tl::types::MessageService` literal.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceObject {
    /// The message id.
    pub id: i32,
    /// The chat it is in (`peer_id`).
    pub peer: tl::enums::Peer,
    /// Who acted (`from_id`); `None` in broadcast channels, whose service messages come
    /// from the channel.
    pub from: Option<tl::enums::Peer>,
    /// The viewer acted.
    pub out: bool,
    /// Mentions the viewer.
    pub mentioned: bool,
    /// In a broadcast channel.
    pub post: bool,
    /// When it happened.
    pub date: i32,
    /// The message it refers to (the pinned one, for `messageActionPinMessage`).
    pub reply_to: Option<i32>,
    /// What happened.
    pub action: tl::enums::MessageAction,
}

impl ServiceObject {
    /// Service message `id` in `peer` for `action`, at date 0, with nothing else set.
    pub fn new(id: i32, peer: tl::enums::Peer, action: tl::enums::MessageAction) -> Self {
        Self {
            id,
            peer,
            from: None,
            out: false,
            mentioned: false,
            post: false,
            date: 0,
            reply_to: None,
            action,
        }
    }

    /// The TL object.
    pub fn to_tl(&self) -> tl::enums::Message {
        tl::enums::Message::Service(tl::types::MessageService {
            out: self.out,
            mentioned: self.mentioned,
            media_unread: false,
            reactions_are_possible: false,
            silent: false,
            post: self.post,
            legacy: false,
            id: self.id,
            from_id: self.from.clone(),
            peer_id: self.peer.clone(),
            saved_peer_id: None,
            reply_to: self.reply_to.map(reply_header),
            date: self.date,
            action: self.action.clone(),
            reactions: None,
            ttl_period: None,
        })
    }
}

/// A forward header (`messageFwdHeader`) naming the original sender; the one
/// `tl::types::MessageFwdHeader` literal.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardObject {
    /// The original sender.
    pub from: tl::enums::Peer,
    /// When the original was sent.
    pub date: i32,
}

impl ForwardObject {
    /// The TL object.
    pub fn to_tl(&self) -> tl::enums::MessageFwdHeader {
        tl::enums::MessageFwdHeader::Header(tl::types::MessageFwdHeader {
            imported: false,
            saved_out: false,
            from_id: Some(self.from.clone()),
            from_name: None,
            date: self.date,
            channel_post: None,
            post_author: None,
            saved_from_peer: None,
            saved_from_msg_id: None,
            saved_from_id: None,
            saved_from_name: None,
            saved_date: None,
            psa_type: None,
        })
    }
}

/// The forward of a stored message, if it is one.
fn forward(m: &StoredMessage) -> Option<ForwardObject> {
    m.forward.as_ref().map(|f| ForwardObject {
        from: PeerRef::User(f.from).to_tl(),
        date: f.date,
    })
}

/// A reply header (`messageReplyHeader`) to message `id` in the same chat; the one
/// `tl::types::MessageReplyHeader` literal.
pub fn reply_header(id: i32) -> tl::enums::MessageReplyHeader {
    tl::enums::MessageReplyHeader::Header(tl::types::MessageReplyHeader {
        reply_to_scheduled: false,
        forum_topic: false,
        quote: false,
        reply_to_ephemeral: false,
        reply_to_msg_id: Some(id),
        reply_to_peer_id: None,
        reply_from: None,
        reply_media: None,
        reply_to_top_id: None,
        quote_text: None,
        quote_entities: None,
        quote_offset: None,
        todo_item_id: None,
        poll_option: None,
    })
}

/// Rights that take everything (`chatBannedRights` with every flag set, forever): a kick or
/// ban; the one `tl::types::ChatBannedRights` literal.
pub fn banned_rights() -> tl::enums::ChatBannedRights {
    tl::enums::ChatBannedRights::Rights(tl::types::ChatBannedRights {
        view_messages: true,
        send_messages: true,
        send_media: true,
        send_stickers: true,
        send_gifs: true,
        send_games: true,
        send_inline: true,
        embed_links: true,
        send_polls: true,
        change_info: true,
        invite_users: true,
        pin_messages: true,
        manage_topics: true,
        send_photos: true,
        send_videos: true,
        send_roundvideos: true,
        send_audios: true,
        send_voices: true,
        send_docs: true,
        send_plain: true,
        edit_rank: true,
        send_reactions: true,
        manage_linked_peers: true,
        until_date: 0,
    })
}

/// The short form Telegram pushes a message in, when it has one: `updateShortMessage` for a
/// private chat, `updateShortChatMessage` for a basic group. Neither carries user or chat
/// objects (core.telegram.org/api/updates: "the client must have the user ... or call
/// updates.getDifference"), so a client meets senders it never saw by id alone. Messages the
/// short constructors have no field for (media, a keyboard, a post in a channel) are `None`
/// and go out as full `updates`.
pub(crate) fn short_message(
    m: &StoredMessage,
    viewer: i64,
    pts: i32,
) -> Option<tl::enums::Updates> {
    // Service messages are never short: the short constructors have no `action`.
    if m.media.is_some() || m.reply_markup.is_some() || m.action.is_some() {
        return None;
    }
    let entities = (!m.entities.is_empty()).then(|| m.entities.clone());
    let mentioned = crate::mentions::is_mentioned(m.peer, m.post, m.from, &m.mentions, viewer);
    match m.peer {
        PeerRef::User(user_id) => Some(tl::enums::Updates::UpdateShortMessage(
            tl::types::UpdateShortMessage {
                out: m.from == viewer,
                mentioned,
                media_unread: mentioned,
                silent: false,
                id: m.id,
                user_id,
                message: m.text.clone(),
                pts,
                pts_count: 1,
                date: m.date,
                fwd_from: forward(m).as_ref().map(ForwardObject::to_tl),
                via_bot_id: m.via_bot,
                reply_to: m.reply_to.map(reply_header),
                entities,
                ttl_period: None,
            },
        )),
        PeerRef::Chat(chat_id) => Some(tl::enums::Updates::UpdateShortChatMessage(
            tl::types::UpdateShortChatMessage {
                out: m.from == viewer,
                mentioned,
                media_unread: mentioned,
                silent: false,
                id: m.id,
                from_id: m.from,
                chat_id,
                message: m.text.clone(),
                pts,
                pts_count: 1,
                date: m.date,
                fwd_from: forward(m).as_ref().map(ForwardObject::to_tl),
                via_bot_id: m.via_bot,
                reply_to: m.reply_to.map(reply_header),
                entities,
                ttl_period: None,
            },
        )),
        PeerRef::Channel(_) => None,
    }
}

/// `updateNewMessage` or `updateNewChannelMessage`, as `viewer` sees it.
pub(crate) fn update_new_message(m: &StoredMessage, viewer: i64, pts: i32) -> tl::enums::Update {
    let message = message(m, viewer);
    match m.peer {
        PeerRef::Channel(_) => {
            tl::enums::Update::NewChannelMessage(tl::types::UpdateNewChannelMessage {
                message,
                pts,
                pts_count: 1,
            })
        }
        _ => tl::enums::Update::NewMessage(tl::types::UpdateNewMessage {
            message,
            pts,
            pts_count: 1,
        }),
    }
}

/// `updateEditMessage` or `updateEditChannelMessage`, as `viewer` sees it.
pub(crate) fn update_edit_message(m: &StoredMessage, viewer: i64, pts: i32) -> tl::enums::Update {
    let message = message(m, viewer);
    match m.peer {
        PeerRef::Channel(_) => {
            tl::enums::Update::EditChannelMessage(tl::types::UpdateEditChannelMessage {
                message,
                pts,
                pts_count: 1,
            })
        }
        _ => tl::enums::Update::EditMessage(tl::types::UpdateEditMessage {
            message,
            pts,
            pts_count: 1,
        }),
    }
}

/// `updateDeleteMessages` or `updateDeleteChannelMessages`.
pub(crate) fn update_delete_messages(
    channel: Option<i64>,
    messages: Vec<i32>,
    pts: i32,
) -> tl::enums::Update {
    let pts_count = messages.len() as i32;
    match channel {
        Some(channel_id) => {
            tl::enums::Update::DeleteChannelMessages(tl::types::UpdateDeleteChannelMessages {
                channel_id,
                messages,
                pts,
                pts_count,
            })
        }
        None => tl::enums::Update::DeleteMessages(tl::types::UpdateDeleteMessages {
            messages,
            pts,
            pts_count,
        }),
    }
}

/// `updateMessageID`, mapping a client's random_id to the new message id.
pub(crate) fn update_message_id(id: i32, random_id: i64) -> tl::enums::Update {
    tl::enums::Update::MessageId(tl::types::UpdateMessageId { id, random_id })
}

/// An `updates` container; `seq` 0 means "apply in any order" (channel-only updates, replays).
pub(crate) fn updates(
    updates: Vec<tl::enums::Update>,
    users: Vec<tl::enums::User>,
    chats: Vec<tl::enums::Chat>,
    date: i32,
    seq: i32,
) -> tl::enums::Updates {
    tl::enums::Updates::Updates(tl::types::Updates {
        updates,
        users,
        chats,
        date,
        seq,
    })
}

/// `updateShort`: one update with no users or chats, outside `seq`.
pub(crate) fn update_short(update: tl::enums::Update, date: i32) -> tl::enums::Updates {
    tl::enums::Updates::UpdateShort(tl::types::UpdateShort { update, date })
}

/// `updatesCombined`: updates that took the sequence numbers `seq_start ..= seq`.
pub(crate) fn updates_combined(
    updates: Vec<tl::enums::Update>,
    users: Vec<tl::enums::User>,
    chats: Vec<tl::enums::Chat>,
    date: i32,
    (seq_start, seq): (i32, i32),
) -> tl::enums::Updates {
    tl::enums::Updates::Combined(tl::types::UpdatesCombined {
        updates,
        users,
        chats,
        date,
        seq_start,
        seq,
    })
}

/// `messages.affectedMessages`.
pub(crate) fn affected_messages(pts: i32, pts_count: i32) -> tl::enums::messages::AffectedMessages {
    tl::enums::messages::AffectedMessages::Messages(tl::types::messages::AffectedMessages {
        pts,
        pts_count,
    })
}

/// `updateShortSentMessage`, the answer to the sender's own `messages.sendMessage`.
pub(crate) fn short_sent_message(m: &StoredMessage, pts: i32) -> tl::enums::Updates {
    tl::enums::Updates::UpdateShortSentMessage(tl::types::UpdateShortSentMessage {
        out: true,
        id: m.id,
        pts,
        pts_count: 1,
        date: m.date,
        media: m.media.as_ref().map(media),
        entities: (!m.entities.is_empty()).then(|| m.entities.clone()),
        ttl_period: None,
    })
}

/// `updates.state` of an account.
pub(crate) fn state(account: &Account, date: i32) -> tl::enums::updates::State {
    tl::enums::updates::State::State(tl::types::updates::State {
        pts: account.pts,
        qts: account.qts,
        date,
        seq: account.seq,
        unread_count: 0,
    })
}

/// `config` with no DC options: clients keep the address their session points at.
pub(crate) fn config(
    now: i32,
    this_dc: i32,
    dcs: &[(i32, std::net::SocketAddr)],
) -> tl::enums::Config {
    let dc_options = dcs
        .iter()
        .map(|(id, addr)| {
            tl::enums::DcOption::Option(tl::types::DcOption {
                ipv6: false,
                media_only: false,
                tcpo_only: false,
                cdn: false,
                r#static: true,
                this_port_only: false,
                id: *id,
                ip_address: addr.ip().to_string(),
                port: i32::from(addr.port()),
                secret: None,
            })
        })
        .collect();
    tl::enums::Config::Config(tl::types::Config {
        default_p2p_contacts: false,
        preload_featured_stickers: false,
        revoke_pm_inbox: true,
        blocked_mode: false,
        force_try_ipv6: false,
        date: now,
        expires: now + 3600,
        test_mode: false,
        this_dc,
        dc_options,
        dc_txt_domain_name: "localhost".into(),
        chat_size_max: 200,
        megagroup_size_max: 200_000,
        forwarded_count_max: 100,
        online_update_period_ms: 210_000,
        offline_blur_timeout_ms: 5000,
        offline_idle_timeout_ms: 30_000,
        online_cloud_timeout_ms: 300_000,
        notify_cloud_delay_ms: 30_000,
        notify_default_delay_ms: 1500,
        push_chat_period_ms: 60_000,
        push_chat_limit: 2,
        edit_time_limit: 172_800,
        revoke_time_limit: i32::MAX,
        revoke_pm_time_limit: i32::MAX,
        rating_e_decay: 2_419_200,
        stickers_recent_limit: 200,
        channels_read_media_period: 604_800,
        tmp_sessions: None,
        call_receive_timeout_ms: 20_000,
        call_ring_timeout_ms: 90_000,
        call_connect_timeout_ms: 30_000,
        call_packet_timeout_ms: 10_000,
        me_url_prefix: "https://t.me/".into(),
        autoupdate_url_prefix: None,
        gif_search_username: None,
        venue_search_username: None,
        img_search_username: None,
        static_maps_provider: None,
        caption_length_max: 1024,
        message_length_max: 4096,
        webfile_dc_id: 2,
        suggested_lang_code: None,
        lang_pack_version: None,
        base_lang_pack_version: None,
        reactions_default: None,
        autologin_token: None,
    })
}

/// `auth.sentCode` for a code "sent" through the app.
pub(crate) fn sent_code(phone_code_hash: String, length: i32) -> tl::enums::auth::SentCode {
    tl::enums::auth::SentCode::Code(tl::types::auth::SentCode {
        r#type: tl::enums::auth::SentCodeType::App(tl::types::auth::SentCodeTypeApp { length }),
        phone_code_hash,
        next_type: Some(tl::enums::auth::CodeType::Sms),
        timeout: Some(60),
    })
}

/// `auth.authorization` for a freshly logged-in account.
pub(crate) fn authorization(account: &Account) -> tl::enums::auth::Authorization {
    tl::enums::auth::Authorization::Authorization(tl::types::auth::Authorization {
        setup_password_required: false,
        otherwise_relogin_days: None,
        tmp_sessions: None,
        future_auth_token: None,
        user: user(account, account.id),
    })
}

/// `auth.authorizationSignUpRequired`.
pub(crate) fn sign_up_required() -> tl::enums::auth::Authorization {
    tl::enums::auth::Authorization::SignUpRequired(tl::types::auth::AuthorizationSignUpRequired {
        terms_of_service: None,
    })
}

/// `account.password`: with a current SRP challenge when the account has a password.
pub(crate) fn password(
    srp: Option<(&crate::srp::Verifier, &crate::srp::Challenge)>,
    hint: Option<String>,
) -> tl::enums::account::Password {
    let mut secure_random = vec![0u8; 256];
    crate::random::fill(&mut secure_random);
    let mut new_salt1 = vec![0u8; 8];
    crate::random::fill(&mut new_salt1);
    let mut new_salt2 = vec![0u8; 16];
    crate::random::fill(&mut new_salt2);
    let algo = |salt1: Vec<u8>, salt2: Vec<u8>| {
        tl::enums::PasswordKdfAlgo::Sha256Sha256Pbkdf2Hmacsha512iter100000Sha256ModPow(
            tl::types::PasswordKdfAlgoSha256Sha256Pbkdf2Hmacsha512iter100000Sha256ModPow {
                salt1,
                salt2,
                g: crate::srp::G,
                p: crate::srp::p(),
            },
        )
    };
    let mut secure_salt = vec![0u8; 8];
    crate::random::fill(&mut secure_salt);
    tl::enums::account::Password::Password(tl::types::account::Password {
        has_recovery: false,
        has_secure_values: false,
        has_password: srp.is_some(),
        current_algo: srp.map(|(v, _)| algo(v.salt1.clone(), v.salt2.clone())),
        srp_b: srp.map(|(_, c)| c.g_b.to_vec()),
        srp_id: srp.map(|(_, c)| c.srp_id),
        hint: srp.and(hint),
        email_unconfirmed_pattern: None,
        new_algo: algo(new_salt1, new_salt2),
        new_secure_algo: tl::enums::SecurePasswordKdfAlgo::Sha512(
            tl::types::SecurePasswordKdfAlgoSha512 { salt: secure_salt },
        ),
        secure_random,
        pending_reset_date: None,
        login_email_pattern: None,
    })
}

/// `contacts.resolvedPeer`.
pub(crate) fn resolved_peer(
    peer: PeerRef,
    users: Vec<tl::enums::User>,
    chats: Vec<tl::enums::Chat>,
) -> tl::enums::contacts::ResolvedPeer {
    tl::enums::contacts::ResolvedPeer::Peer(tl::types::contacts::ResolvedPeer {
        peer: peer.to_tl(),
        chats,
        users,
    })
}

/// An empty message slot (for ids that do not exist).
pub(crate) fn message_empty(id: i32) -> tl::enums::Message {
    tl::enums::Message::Empty(tl::types::MessageEmpty { id, peer_id: None })
}

/// `messages.messages`.
pub(crate) fn messages(
    messages: Vec<tl::enums::Message>,
    users: Vec<tl::enums::User>,
    chats: Vec<tl::enums::Chat>,
) -> tl::enums::messages::Messages {
    tl::enums::messages::Messages::Messages(tl::types::messages::Messages {
        messages,
        topics: Vec::new(),
        chats,
        users,
    })
}

/// `messages.channelMessages`.
pub(crate) fn channel_messages(
    pts: i32,
    messages: Vec<tl::enums::Message>,
    users: Vec<tl::enums::User>,
    chats: Vec<tl::enums::Chat>,
) -> tl::enums::messages::Messages {
    tl::enums::messages::Messages::ChannelMessages(tl::types::messages::ChannelMessages {
        inexact: false,
        pts,
        count: messages.len() as i32,
        offset_id_offset: None,
        messages,
        topics: Vec::new(),
        chats,
        users,
    })
}

/// One `dialog` entry.
pub(crate) fn dialog(peer: PeerRef, top_message: i32, pts: Option<i32>) -> tl::enums::Dialog {
    tl::enums::Dialog::Dialog(tl::types::Dialog {
        pinned: false,
        unread_mark: false,
        view_forum_as_messages: false,
        peer: peer.to_tl(),
        top_message,
        read_inbox_max_id: top_message,
        read_outbox_max_id: top_message,
        unread_count: 0,
        unread_mentions_count: 0,
        unread_reactions_count: 0,
        unread_poll_votes_count: 0,
        notify_settings: notify_settings(),
        pts,
        draft: None,
        folder_id: None,
        ttl_period: None,
    })
}

/// `updateBotCallbackQuery`.
pub(crate) fn update_bot_callback_query(
    query_id: i64,
    user_id: i64,
    peer: PeerRef,
    msg_id: i32,
    data: Vec<u8>,
) -> tl::enums::Update {
    tl::enums::Update::BotCallbackQuery(tl::types::UpdateBotCallbackQuery {
        query_id,
        user_id,
        peer: peer.to_tl(),
        msg_id,
        chat_instance: peer.bare_id() ^ 0x5eed,
        data: Some(data),
        game_short_name: None,
    })
}

/// `messages.botCallbackAnswer`.
pub(crate) fn bot_callback_answer(
    message: Option<String>,
    alert: bool,
    url: Option<String>,
) -> tl::enums::messages::BotCallbackAnswer {
    tl::enums::messages::BotCallbackAnswer::Answer(tl::types::messages::BotCallbackAnswer {
        alert,
        has_url: url.is_some(),
        native_ui: false,
        message,
        url,
        cache_time: 0,
    })
}

/// `updateBotInlineQuery`.
pub(crate) fn update_bot_inline_query(
    query_id: i64,
    user_id: i64,
    query: String,
) -> tl::enums::Update {
    tl::enums::Update::BotInlineQuery(tl::types::UpdateBotInlineQuery {
        query_id,
        user_id,
        query,
        geo: None,
        peer_type: None,
        offset: String::new(),
    })
}

/// `updateBotInlineSend`.
pub(crate) fn update_bot_inline_send(user_id: i64, query: String, id: String) -> tl::enums::Update {
    tl::enums::Update::BotInlineSend(tl::types::UpdateBotInlineSend {
        user_id,
        query,
        geo: None,
        id,
        msg_id: None,
    })
}

/// `messages.botResults` from what the bot set.
pub(crate) fn bot_results(
    query_id: i64,
    results: &[crate::observed::InlineResult],
    users: Vec<tl::enums::User>,
) -> tl::enums::messages::BotResults {
    tl::enums::messages::BotResults::Results(tl::types::messages::BotResults {
        gallery: false,
        query_id,
        next_offset: None,
        switch_pm: None,
        switch_webview: None,
        results: results
            .iter()
            .map(|r| {
                tl::enums::BotInlineResult::Result(tl::types::BotInlineResult {
                    id: r.id.clone(),
                    r#type: r.kind.clone(),
                    title: r.title.clone(),
                    description: r.description.clone(),
                    url: None,
                    thumb: None,
                    content: None,
                    send_message: tl::enums::BotInlineMessage::Text(
                        tl::types::BotInlineMessageText {
                            no_webpage: true,
                            invert_media: false,
                            message: r.text.clone(),
                            entities: None,
                            reply_markup: None,
                        },
                    ),
                })
            })
            .collect(),
        cache_time: 0,
        users,
    })
}

/// The quiet marker `round`: a status of user 0 (who never exists) gone offline at "time"
/// `round`, in an `updateShort` (no users, no chats, outside `seq` and `pts`).
pub(crate) fn quiet_marker(round: u32) -> tl::enums::Updates {
    update_short(
        tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
            user_id: 0,
            status: tl::enums::UserStatus::Offline(tl::types::UserStatusOffline {
                was_online: i32::try_from(round).unwrap_or(i32::MAX),
            }),
        }),
        0,
    )
}

/// The round of a quiet marker ([`quiet_marker`]), `None` for any other update.
pub(crate) fn quiet_marker_round(update: &tl::enums::Update) -> Option<u32> {
    match update {
        tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
            user_id: 0,
            status: tl::enums::UserStatus::Offline(tl::types::UserStatusOffline { was_online }),
        }) => u32::try_from(*was_online).ok(),
        _ => None,
    }
}
