//! Recognising commands in message text: `/start`, `/start@ThisBot arg1 arg2`, `!ping`.
//!
//! Parsing happens once per update, before any handler is considered, so the router can look
//! the command up in a hash map instead of asking every handler. Rules:
//! - the text starts with one of the configured prefixes (default `/`; the longest wins);
//! - the command name runs up to the first whitespace or `@`, and is compared
//!   case-insensitively (`/START` is `/start`);
//! - `/cmd@ThisBot` is accepted when the username matches the logged-in account
//!   (case-insensitively); `/cmd@OtherBot` is addressed to someone else and is not a command
//!   for us;
//! - the arguments are the rest of the text after the whitespace that follows the command,
//!   with leading whitespace trimmed.

/// A command found at the start of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand {
    /// The command name, lowercased, without prefix or `@username`.
    pub name: String,
    /// The prefix the command was written with (`/`, `!`, ...).
    pub prefix: String,
    /// Everything after the command, leading whitespace trimmed (may be empty).
    pub args: String,
}

/// Recognises commands given the configured prefixes and the account's username.
#[derive(Debug, Clone)]
pub struct CommandParser {
    /// Longest first, so `!!` wins over `!`.
    prefixes: Vec<String>,
    /// Lowercased username of the logged-in account, without `@`.
    username: Option<String>,
}

impl CommandParser {
    /// A parser for `prefixes` (empty strings are ignored) and the account's `username`.
    pub fn new(prefixes: &[String], username: Option<&str>) -> Self {
        let mut prefixes: Vec<String> =
            prefixes.iter().filter(|p| !p.is_empty()).cloned().collect();
        prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        prefixes.dedup();
        Self {
            prefixes,
            username: username.map(|u| u.trim_start_matches('@').to_lowercase()),
        }
    }

    /// The configured prefixes, longest first.
    pub fn prefixes(&self) -> &[String] {
        &self.prefixes
    }

    /// The command at the start of `text`, if it is one addressed to this account.
    pub fn parse(&self, text: &str) -> Option<ParsedCommand> {
        let prefix = self
            .prefixes
            .iter()
            .find(|p| text.starts_with(p.as_str()))?;
        let rest = &text[prefix.len()..];
        let token_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (token, after) = rest.split_at(token_end);
        let (name, mention) = match token.split_once('@') {
            Some((name, mention)) => (name, Some(mention)),
            None => (token, None),
        };
        if name.is_empty() {
            return None;
        }
        if let Some(mention) = mention {
            match &self.username {
                Some(me) if mention.to_lowercase() == *me => {}
                // Addressed to another bot, or we have no username to compare with.
                _ => return None,
            }
        }
        Some(ParsedCommand {
            name: name.to_lowercase(),
            prefix: prefix.clone(),
            args: after.trim_start().to_owned(),
        })
    }
}

/// One entry of the bot's command menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotCommand {
    /// The command, without `/`.
    pub command: String,
    /// What it does.
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser() -> CommandParser {
        CommandParser::new(&["/".to_owned(), "!".to_owned()], Some("EchoBot"))
    }

    fn name_args(text: &str) -> Option<(String, String)> {
        parser().parse(text).map(|c| (c.name, c.args))
    }

    #[test]
    fn plain_command_with_and_without_args() {
        assert_eq!(name_args("/start"), Some(("start".into(), "".into())));
        assert_eq!(name_args("/roll 2 6"), Some(("roll".into(), "2 6".into())));
        assert_eq!(
            name_args("/roll   2  6 "),
            Some(("roll".into(), "2  6 ".into()))
        );
        assert_eq!(name_args("/roll\n2"), Some(("roll".into(), "2".into())));
    }

    #[test]
    fn case_insensitive_and_other_prefixes() {
        assert_eq!(name_args("/START"), Some(("start".into(), "".into())));
        assert_eq!(name_args("!Ping x"), Some(("ping".into(), "x".into())));
        assert_eq!(name_args("?ping"), None);
    }

    #[test]
    fn mentions_of_this_bot_accepted_others_ignored() {
        assert_eq!(
            name_args("/start@EchoBot"),
            Some(("start".into(), "".into()))
        );
        assert_eq!(
            name_args("/start@echobot hi"),
            Some(("start".into(), "hi".into()))
        );
        assert_eq!(name_args("/start@OtherBot"), None);
        assert_eq!(name_args("/start@"), None);
        let no_username = CommandParser::new(&["/".to_owned()], None);
        assert_eq!(no_username.parse("/start@EchoBot"), None);
        assert!(no_username.parse("/start").is_some());
    }

    #[test]
    fn hostile_text() {
        assert_eq!(name_args(""), None);
        assert_eq!(name_args("/"), None);
        assert_eq!(name_args("@"), None);
        assert_eq!(name_args("/@"), None);
        assert_eq!(name_args("/@EchoBot"), None);
        assert_eq!(name_args("/ start"), None);
        assert_eq!(name_args("start"), None);
        assert_eq!(name_args(" /start"), None);
        // Odd Unicode: combining marks, RTL, emoji, a non-breaking space as separator.
        assert_eq!(
            name_args("/e\u{301}t\u{e9}"),
            Some(("e\u{301}t\u{e9}".into(), "".into()))
        );
        assert_eq!(
            name_args("/\u{202e}cmd"),
            Some(("\u{202e}cmd".into(), "".into()))
        );
        assert_eq!(name_args("/🎲 x"), Some(("🎲".into(), "x".into())));
        assert_eq!(name_args("/a\u{a0}b"), Some(("a".into(), "b".into())));
        // Uppercase that lowercases to more bytes must not break slicing.
        assert_eq!(name_args("/İ"), Some(("i\u{307}".into(), "".into())));
        let huge = format!("/{} {}", "a".repeat(100_000), "b".repeat(100_000));
        let parsed = parser().parse(&huge).expect("huge command parses");
        assert_eq!(parsed.name.len(), 100_000);
        assert_eq!(parsed.args.len(), 100_000);
    }

    #[test]
    fn longest_prefix_wins_and_empty_prefixes_ignored() {
        let p = CommandParser::new(&["!".into(), "!!".into(), "".into()], None);
        assert_eq!(p.prefixes(), ["!!", "!"]);
        let c = p.parse("!!ban x").unwrap();
        assert_eq!((c.prefix.as_str(), c.name.as_str()), ("!!", "ban"));
        assert_eq!(p.parse("plain"), None);
    }
}
