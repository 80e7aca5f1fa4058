//! Privacy mode: which group messages a bot receives.
//!
//! Telegram's rules (core.telegram.org/bots/features#privacy-mode): a bot with privacy mode
//! on (the default; BotFather's `/setprivacy`) that is not an admin of a group receives there
//! - commands meant for it: `/command@this_bot`, and unaddressed `/command` "if the bot was
//!   the last bot to send a message to the group" (here also while no bot has spoken yet, so
//!   a group's only bot gets its commands from the start),
//! - replies to its own messages, messages that mention it, and messages sent via it,
//! - service messages.
//!
//! With privacy off, or as an admin, it receives everything; in a broadcast channel it
//! receives every post ("All messages from channels where they are a member"). Bots never receive other bots'
//! messages, in any mode (core.telegram.org/bots/faq, "Why doesn't my bot see messages from
//! other bots?").

use grammers_tl_types as tl;

use crate::state::{Room, RoomKind, State, StoredMessage};

impl State {
    /// Whether `viewer` receives `m`, sent in `room`; `replied_from` is the author of the
    /// message `m` replies to.
    pub(crate) fn receives(
        &self,
        viewer: i64,
        room: &Room,
        m: &StoredMessage,
        replied_from: Option<i64>,
    ) -> bool {
        let Some(bot) = self.accounts.get(&viewer).filter(|a| a.is_bot()) else {
            return true;
        };
        if m.from == viewer {
            return true;
        }
        // Service messages reach every bot, other bots' included ("All service messages",
        // core.telegram.org/bots/features#privacy-mode).
        if m.action.is_some() {
            return true;
        }
        if self.accounts.get(&m.from).is_some_and(|a| a.is_bot()) {
            return false;
        }
        // Privacy mode is about groups: a bot gets every post of a channel it is in.
        if !bot.privacy
            || room.kind == RoomKind::Broadcast
            || room.creator == viewer
            || room.admins.contains(&viewer)
        {
            return true;
        }
        if replied_from == Some(viewer) || m.via_bot == Some(viewer) {
            return true;
        }
        let username = bot.username.as_deref();
        if username.is_some_and(|name| mentions(&m.text, name))
            || m.entities.iter().any(
                |e| matches!(e, tl::enums::MessageEntity::MentionName(n) if n.user_id == viewer),
            )
        {
            return true;
        }
        match command_target(&m.text) {
            Some(Some(target)) => username.is_some_and(|name| target.eq_ignore_ascii_case(name)),
            Some(None) => room.last_bot_sender.is_none_or(|last| last == viewer),
            None => false,
        }
    }
}

/// `Some(target)` when `text` starts with a bot command: `Some(Some("bot"))` for
/// `/cmd@bot`, `Some(None)` for an unaddressed `/cmd`.
fn command_target(text: &str) -> Option<Option<&str>> {
    let word = text.strip_prefix('/')?.split(char::is_whitespace).next()?;
    let (name, target) = match word.split_once('@') {
        Some((name, target)) => (name, Some(target)),
        None => (word, None),
    };
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (valid(name) && target.is_none_or(valid)).then_some(target)
}

/// Whether `text` mentions `@username` as a whole word.
fn mentions(text: &str, username: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices('@').any(|(at, _)| {
        let rest = &text[at + 1..];
        let end = rest.find(|c: char| !word(c)).unwrap_or(rest.len());
        rest[..end].eq_ignore_ascii_case(username)
            && !text[..at].chars().next_back().is_some_and(word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_targets() {
        assert_eq!(command_target("/start"), Some(None));
        assert_eq!(command_target("/start@my_bot hello"), Some(Some("my_bot")));
        assert_eq!(command_target("/ start"), None);
        assert_eq!(command_target("hello /start"), None);
        assert_eq!(command_target("/start@"), None);
    }

    #[test]
    fn mentions_are_whole_words() {
        assert!(mentions("hey @My_Bot, look", "my_bot"));
        assert!(mentions("@my_bot", "my_bot"));
        assert!(!mentions("hey @my_bot2", "my_bot"));
        assert!(!mentions("mail@my_bot", "my_bot"));
        assert!(!mentions("no mention", "my_bot"));
    }
}
