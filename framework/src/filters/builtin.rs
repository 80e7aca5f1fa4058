//! The builtin filters, modelled on Pyrogram's.
//!
//! They are lowercase constants so that `filter = text & private` reads like Pyrogram's
//! `filters.text & filters.private`. Message filters are false on updates that are not
//! messages; chat and sender filters also apply to callback queries (and sender filters to
//! inline queries).
#![allow(non_upper_case_globals)]

use grammers_client::peer::Peer;
use grammers_client::session::types::{PeerId, PeerKind};
use grammers_client::tl;

use super::{Filter, UserRef};
use crate::context::UpdateContext;

/// Which builtin a [`Filter`] leaf is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Private,
    Group,
    Channel,
    Incoming,
    Outgoing,
    Me,
    Bot,
    Text,
    Caption,
    Reply,
    Forwarded,
    Media,
    Photo,
    Video,
    Document,
    Audio,
    Voice,
    VideoNote,
    Sticker,
    Animation,
    Contact,
    Location,
    Venue,
    Poll,
    Dice,
    Mentioned,
    ViaBot,
    Service,
    Command,
}

/// A private chat (with a user or a bot).
pub const private: Filter = Filter::builtin(Builtin::Private);
/// A group: a small group or a supergroup (megagroup).
pub const group: Filter = Filter::builtin(Builtin::Group);
/// A broadcast channel.
pub const channel: Filter = Filter::builtin(Builtin::Channel);
/// A message someone else sent.
pub const incoming: Filter = Filter::builtin(Builtin::Incoming);
/// A message this account sent (lets the handler see own outgoing messages).
pub const outgoing: Filter = Filter::builtin(Builtin::Outgoing);
/// Sent by this account, from this session or another (lets the handler see own messages).
pub const me: Filter = Filter::builtin(Builtin::Me);
/// Sent by (or, for callbacks, pressed by) a bot.
pub const bot: Filter = Filter::builtin(Builtin::Bot);
/// A message with text and no media (a link preview does not count as media here).
pub const text: Filter = Filter::builtin(Builtin::Text);
/// A media message with a caption.
pub const caption: Filter = Filter::builtin(Builtin::Caption);
/// A reply to another message.
pub const reply: Filter = Filter::builtin(Builtin::Reply);
/// A forwarded message.
pub const forwarded: Filter = Filter::builtin(Builtin::Forwarded);
/// A message with any media, link previews included (as in Pyrogram).
pub const media: Filter = Filter::builtin(Builtin::Media);
/// A photo.
pub const photo: Filter = Filter::builtin(Builtin::Photo);
/// A video (not a round video note, not a GIF animation).
pub const video: Filter = Filter::builtin(Builtin::Video);
/// A generic file: a document that is none of video, audio, voice, sticker, animation.
pub const document: Filter = Filter::builtin(Builtin::Document);
/// An audio file (music), not a voice message.
pub const audio: Filter = Filter::builtin(Builtin::Audio);
/// A voice message.
pub const voice: Filter = Filter::builtin(Builtin::Voice);
/// A round video note.
pub const video_note: Filter = Filter::builtin(Builtin::VideoNote);
/// A sticker.
pub const sticker: Filter = Filter::builtin(Builtin::Sticker);
/// An animation (GIF or silent MPEG-4).
pub const animation: Filter = Filter::builtin(Builtin::Animation);
/// A shared contact.
pub const contact: Filter = Filter::builtin(Builtin::Contact);
/// A location, static or live.
pub const location: Filter = Filter::builtin(Builtin::Location);
/// A venue.
pub const venue: Filter = Filter::builtin(Builtin::Venue);
/// A poll.
pub const poll: Filter = Filter::builtin(Builtin::Poll);
/// A dice (🎲, 🎯, ...).
pub const dice: Filter = Filter::builtin(Builtin::Dice);
/// A message that mentions this account (or replies to it).
pub const mentioned: Filter = Filter::builtin(Builtin::Mentioned);
/// A message sent via an inline bot.
pub const via_bot: Filter = Filter::builtin(Builtin::ViaBot);
/// A service message (joins, leaves, pins, title changes, ...).
pub const service: Filter = Filter::builtin(Builtin::Service);
/// A command addressed to this account, whichever it is (`/start`, `/help@ThisBot`, with the
/// app's `[dispatch] command_prefixes`): the "any command" filter, e.g. `filter = !command`
/// for a catch-all that leaves commands alone.
pub const command: Filter = Filter::builtin(Builtin::Command);

/// Sent by (or pressed by, or queried by) one of `users`: ids and usernames mixed.
///
/// ```
/// use oxygram::filters::{self, UserRef};
/// let admins = filters::user(&[UserRef::Id(1234), UserRef::Username("alice")]);
/// ```
pub fn user(users: &[UserRef]) -> Filter {
    Filter::users(users)
}

/// In one of `chats`, given as Bot API dialog ids: a user's id, `-id` for small groups,
/// `-100id` for channels and supergroups.
pub fn chat(chats: &[i64]) -> Filter {
    Filter::chats(chats)
}

/// The raw TL update is of type `T` (e.g. `tl::types::UpdateUserStatus`); pair it with a
/// `raw` handler to reach updates grammers has no typed variant for.
///
/// ```
/// use oxygram::filters;
/// use oxygram::grammers::tl;
/// let status_changes = filters::raw::<tl::types::UpdateUserStatus>();
/// ```
pub fn raw<T>() -> Filter
where
    T: TryFrom<tl::enums::Update> + 'static,
{
    Filter::from_fn(|cx| T::try_from(cx.raw().clone()).is_ok())
}

impl Builtin {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Builtin::Private => "private",
            Builtin::Group => "group",
            Builtin::Channel => "channel",
            Builtin::Incoming => "incoming",
            Builtin::Outgoing => "outgoing",
            Builtin::Me => "me",
            Builtin::Bot => "bot",
            Builtin::Text => "text",
            Builtin::Caption => "caption",
            Builtin::Reply => "reply",
            Builtin::Forwarded => "forwarded",
            Builtin::Media => "media",
            Builtin::Photo => "photo",
            Builtin::Video => "video",
            Builtin::Document => "document",
            Builtin::Audio => "audio",
            Builtin::Voice => "voice",
            Builtin::VideoNote => "video_note",
            Builtin::Sticker => "sticker",
            Builtin::Animation => "animation",
            Builtin::Contact => "contact",
            Builtin::Location => "location",
            Builtin::Venue => "venue",
            Builtin::Poll => "poll",
            Builtin::Dice => "dice",
            Builtin::Mentioned => "mentioned",
            Builtin::ViaBot => "via_bot",
            Builtin::Service => "service",
            Builtin::Command => "command",
        }
    }

    pub(crate) fn matches(self, cx: &UpdateContext) -> bool {
        match self {
            Builtin::Private => chat_kind(cx) == Some(ChatKind::Private),
            Builtin::Group => chat_kind(cx) == Some(ChatKind::Group),
            Builtin::Channel => chat_kind(cx) == Some(ChatKind::Channel),
            Builtin::Incoming => cx.message().is_some_and(|m| !m.outgoing()),
            Builtin::Outgoing => cx.message().is_some_and(|m| m.outgoing()),
            Builtin::Me => {
                cx.message().is_some_and(|m| m.outgoing())
                    || cx.sender_id() == Some(PeerId::user_unchecked(cx.me().id))
            }
            Builtin::Bot => matches!(cx.sender(), Some(Peer::User(u)) if u.is_bot()),
            Builtin::Text => message_fields(cx).is_some_and(|m| {
                !m.message.is_empty()
                    && matches!(m.media, None | Some(tl::enums::MessageMedia::WebPage(_)))
            }),
            Builtin::Caption => message_fields(cx).is_some_and(|m| {
                !m.message.is_empty()
                    && m.media
                        .as_ref()
                        .is_some_and(|m| !matches!(m, tl::enums::MessageMedia::WebPage(_)))
            }),
            Builtin::Reply => cx.message().is_some_and(|m| m.reply_header().is_some()),
            Builtin::Forwarded => message_fields(cx).is_some_and(|m| m.fwd_from.is_some()),
            Builtin::Media => media_kind(cx).is_some(),
            Builtin::Photo => media_kind(cx) == Some(MediaKind::Photo),
            Builtin::Video => media_kind(cx) == Some(MediaKind::Video),
            Builtin::Document => media_kind(cx) == Some(MediaKind::Document),
            Builtin::Audio => media_kind(cx) == Some(MediaKind::Audio),
            Builtin::Voice => media_kind(cx) == Some(MediaKind::Voice),
            Builtin::VideoNote => media_kind(cx) == Some(MediaKind::VideoNote),
            Builtin::Sticker => media_kind(cx) == Some(MediaKind::Sticker),
            Builtin::Animation => media_kind(cx) == Some(MediaKind::Animation),
            Builtin::Contact => media_kind(cx) == Some(MediaKind::Contact),
            Builtin::Location => media_kind(cx) == Some(MediaKind::Location),
            Builtin::Venue => media_kind(cx) == Some(MediaKind::Venue),
            Builtin::Poll => media_kind(cx) == Some(MediaKind::Poll),
            Builtin::Dice => media_kind(cx) == Some(MediaKind::Dice),
            Builtin::Mentioned => cx.message().is_some_and(|m| m.mentioned()),
            Builtin::ViaBot => message_fields(cx).is_some_and(|m| m.via_bot_id.is_some()),
            Builtin::Service => cx
                .message()
                .is_some_and(|m| matches!((**m).raw, tl::enums::Message::Service(_))),
            Builtin::Command => cx.command().is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChatKind {
    Private,
    Group,
    Channel,
}

fn chat_kind(cx: &UpdateContext) -> Option<ChatKind> {
    // The cached peer knows whether a channel is a broadcast or a megagroup.
    if let Some(peer) = cx.chat() {
        return Some(match peer {
            Peer::User(_) => ChatKind::Private,
            Peer::Group(_) => ChatKind::Group,
            Peer::Channel(_) => ChatKind::Channel,
            Peer::Community(_) => ChatKind::Group,
        });
    }
    let id = cx.chat_id()?;
    Some(match id.kind() {
        PeerKind::User => ChatKind::Private,
        PeerKind::Chat => ChatKind::Group,
        // Without the peer, fall back on the message: only broadcast channels have posts.
        PeerKind::Channel => match cx.message() {
            Some(m) if !m.post() => ChatKind::Group,
            _ => ChatKind::Channel,
        },
    })
}

fn message_fields(cx: &UpdateContext) -> Option<&tl::types::Message> {
    match &(**cx.message()?).raw {
        tl::enums::Message::Message(m) => Some(m),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Photo,
    Video,
    Document,
    Audio,
    Voice,
    VideoNote,
    Sticker,
    Animation,
    Contact,
    Location,
    Venue,
    Poll,
    Dice,
    Other,
}

fn media_kind(cx: &UpdateContext) -> Option<MediaKind> {
    use tl::enums::MessageMedia as M;
    Some(match message_fields(cx)?.media.as_ref()? {
        M::Empty => return None,
        M::Photo(_) => MediaKind::Photo,
        M::Document(d) => document_kind(d),
        M::Contact(_) => MediaKind::Contact,
        M::Geo(_) | M::GeoLive(_) => MediaKind::Location,
        M::Venue(_) => MediaKind::Venue,
        M::Poll(_) => MediaKind::Poll,
        M::Dice(_) => MediaKind::Dice,
        _ => MediaKind::Other,
    })
}

fn document_kind(doc: &tl::types::MessageMediaDocument) -> MediaKind {
    use tl::enums::DocumentAttribute as A;
    if doc.round {
        return MediaKind::VideoNote;
    }
    if doc.voice {
        return MediaKind::Voice;
    }
    let attributes = match &doc.document {
        Some(tl::enums::Document::Document(d)) => d.attributes.as_slice(),
        _ => &[],
    };
    let has = |pred: &dyn Fn(&A) -> bool| attributes.iter().any(pred);
    if has(&|a| matches!(a, A::Sticker(_))) {
        MediaKind::Sticker
    } else if has(&|a| matches!(a, A::Animated)) {
        MediaKind::Animation
    } else if has(&|a| matches!(a, A::Video(v) if v.round_message)) {
        MediaKind::VideoNote
    } else if doc.video || has(&|a| matches!(a, A::Video(_))) {
        MediaKind::Video
    } else if has(&|a| matches!(a, A::Audio(x) if x.voice)) {
        MediaKind::Voice
    } else if has(&|a| matches!(a, A::Audio(_))) {
        MediaKind::Audio
    } else {
        MediaKind::Document
    }
}

pub(crate) fn sender_is(cx: &UpdateContext, users: &[UserRef]) -> bool {
    let Some(sender) = cx.sender_id() else {
        return false;
    };
    let id = sender.bare_id_unchecked();
    let username = match cx.sender() {
        Some(peer) => peer.username(),
        None => None,
    };
    users.iter().any(|u| match u {
        UserRef::Id(want) => sender.kind() == PeerKind::User && *want == id,
        UserRef::Username(want) => {
            username.is_some_and(|have| have.eq_ignore_ascii_case(want.trim_start_matches('@')))
        }
    })
}

pub(crate) fn chat_is(cx: &UpdateContext, chats: &[i64]) -> bool {
    cx.chat_id()
        .is_some_and(|id| chats.contains(&id.bot_api_dialog_id_unchecked()))
}
