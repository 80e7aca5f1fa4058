//! Who a message mentions, for the `mentioned` flag of their copies.
//!
//! core.telegram.org/api/mentions: "Incoming messages mentioning the current user will have
//! the `mentioned` flag set"; a reply to someone's message mentions them too (it counts in
//! their unread mentions). `media_unread` is set with it while the mention is unread
//! (core.telegram.org/constructor/updateShortMessage: "Whether there are some unread mentions
//! in this message"); the testkit keeps no read state for mentions, so it stays set.
//!
//! Telegram resolves mentions once, when the message is sent: TDLib logs an error when an
//! edit changes `mentioned` ("contains_mention flag shouldn't be changed",
//! `MessagesManager.cpp`, `update_message`), so edits keep the list. TDLib also ignores the
//! flag in private chats and broadcast channels (`create_message`: `contains_mention =
//! !is_outgoing && dialog_type != DialogType::User && ...`; unread mentions exist only in
//! basic groups and supergroups), and the testkit sets it only there.

use grammers_tl_types as tl;

use crate::state::State;
use crate::tl_build::PeerRef;

impl State {
    /// The accounts a message from `from` mentions: `@username` mentions of accounts,
    /// `messageEntityMentionName`s, and the author of the message it replies to. Never `from`
    /// itself.
    pub(crate) fn mentioned_users(
        &self,
        from: i64,
        text: &str,
        entities: &[tl::enums::MessageEntity],
        reply_author: Option<i64>,
    ) -> Vec<i64> {
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let mut mentioned = Vec::new();
        for entity in entities {
            let id = match entity {
                tl::enums::MessageEntity::Mention(m) => {
                    let start = m.offset.max(0) as usize;
                    let end = (m.offset + m.length).max(0) as usize;
                    utf16
                        .get(start..end)
                        .map(String::from_utf16_lossy)
                        .and_then(|name| {
                            let name = name.strip_prefix('@')?.to_string();
                            match self.by_username(&name)? {
                                PeerRef::User(id) => Some(id),
                                _ => None,
                            }
                        })
                }
                tl::enums::MessageEntity::MentionName(m) => Some(m.user_id),
                _ => None,
            };
            mentioned.extend(id);
        }
        mentioned.extend(reply_author);
        mentioned.retain(|id| *id != from);
        mentioned.sort_unstable();
        mentioned.dedup();
        mentioned
    }
}

/// Whether `viewer`'s copy of a message from `from` in `peer` carries `mentioned` (see the
/// module docs for where Telegram sets it).
pub(crate) fn is_mentioned(
    peer: PeerRef,
    post: bool,
    from: i64,
    mentions: &[i64],
    viewer: i64,
) -> bool {
    let in_group = match peer {
        PeerRef::User(_) => false,
        PeerRef::Chat(_) => true,
        PeerRef::Channel(_) => !post,
    };
    in_group && from != viewer && mentions.contains(&viewer)
}
