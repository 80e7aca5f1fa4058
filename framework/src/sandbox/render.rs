//! How the sandbox prints what happens in the chat.
//!
//! One event is one block of lines, starting with who did it, so a transcript reads like a
//! chat log and tests (and scripts) can match on it:
//!
//! ```text
//! @echo_bot: Pick one
//!   [1] Red  [2] Blue
//! @echo_bot (edited): You picked Blue
//! @echo_bot deleted: "Pick one"
//! (answer) Saved!
//! [group] @bob: hi
//!   (not delivered to the bot: privacy mode; commands, replies and mentions are)
//! [@bob's chat] @echo_bot: Hi!
//! ```
//!
//! Lines in your private chat with the app have no label; the group's start with `[group]`,
//! and the other person's private chat with the bot with `[@NAME's chat]`.

use oxygram_testkit::{Button, CallbackAnswer, InlineResults, ObservedMessage};

/// Indentation of continuation lines and keyboards.
const INDENT: &str = "  ";

/// The label of lines in the sandbox group.
pub(crate) const GROUP_LABEL: &str = "[group] ";

/// The label of lines in `who`'s own private chat with the bot.
pub(crate) fn private_label(who: &str) -> String {
    format!("[@{who}'s chat] ")
}

/// Why a group message did not reach the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undelivered {
    /// Privacy mode kept it away.
    Privacy,
    /// The bot is not in the group.
    NotMember,
}

/// The line saying a message did not reach the bot, dim on a terminal.
pub(crate) fn undelivered(why: Undelivered, dim: bool) -> String {
    let text = match why {
        Undelivered::Privacy => {
            "(not delivered to the bot: privacy mode; commands, replies and mentions are)"
        }
        Undelivered::NotMember => "(not delivered to the bot: it is not in the group)",
    };
    if dim {
        format!("{INDENT}\x1b[2m{text}\x1b[0m")
    } else {
        format!("{INDENT}{text}")
    }
}

/// The message a new message replies to, as the sandbox saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replied<'a> {
    /// Seen: who wrote it and its text.
    Seen {
        /// `@name` of its sender.
        by: &'a str,
        /// Its text (or caption).
        text: &'a str,
    },
    /// Not seen by the sandbox (sent before it started, or by someone else): its id.
    Unseen(i32),
}

/// The line under a reply: `  ↳ reply to @you: "hello"`.
pub(crate) fn replied(to: Replied<'_>) -> String {
    match to {
        Replied::Seen { by, text } => {
            let first = text.lines().next().unwrap_or_default();
            let ellipsis = if first.len() < text.len() { "…" } else { "" };
            let (shown, cut) = shorten(first, 40);
            let more = if cut { "…" } else { ellipsis };
            format!("{INDENT}↳ reply to {by}: \"{shown}{more}\"")
        }
        Replied::Unseen(id) => format!("{INDENT}↳ reply to message #{id}"),
    }
}

/// The first `max` characters of `text`, and whether anything was cut.
fn shorten(text: &str, max: usize) -> (&str, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    }
}

/// A new or edited message; `reply` is the line saying what it replies to, if it does.
pub(crate) fn message(
    from: &str,
    message: &ObservedMessage,
    edited: bool,
    reply: Option<Replied<'_>>,
) -> String {
    let mut out = String::from(from);
    if edited {
        out.push_str(" (edited)");
    }
    out.push(':');
    if let Some(media) = &message.media {
        let kind = if media.is_photo { "photo" } else { "file" };
        out.push_str(&format!(
            " [{kind} {}, {} bytes]",
            media.name,
            media.bytes.len()
        ));
    }
    let mut lines = message.text.lines();
    if let Some(first) = lines.next() {
        out.push(' ');
        out.push_str(first);
    }
    for line in lines {
        out.push('\n');
        out.push_str(INDENT);
        out.push_str(line);
    }
    if let Some(to) = reply {
        out.push('\n');
        out.push_str(&replied(to));
    }
    if let Some(keyboard) = keyboard(&message.buttons) {
        out.push('\n');
        out.push_str(&keyboard);
    }
    out
}

/// The numbered buttons, one line per row: `  [1] Yes  [2] No`.
pub(crate) fn keyboard(rows: &[Vec<Button>]) -> Option<String> {
    let mut number = 0;
    let lines: Vec<String> = rows
        .iter()
        .filter(|row| !row.is_empty())
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .map(|button| {
                    number += 1;
                    match &button.url {
                        Some(url) => format!("[{number}] {} <{url}>", button.text),
                        None => format!("[{number}] {}", button.text),
                    }
                })
                .collect();
            format!("{INDENT}{}", cells.join("  "))
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A deleted message: its text when the sandbox saw it, else its id.
pub(crate) fn deletion(by: &str, text: Option<&str>, id: i32) -> String {
    match text {
        Some(text) => {
            let (shown, cut) = shorten(text, 60);
            let ellipsis = if cut { "…" } else { "" };
            format!("{by} deleted: \"{shown}{ellipsis}\"")
        }
        None => format!("{by} deleted message #{id}"),
    }
}

/// The bot's answer to a button press, when it says something.
pub(crate) fn answer(answer: &CallbackAnswer) -> Option<String> {
    let kind = if answer.alert { "alert" } else { "answer" };
    match (&answer.message, &answer.url) {
        (Some(text), _) if !text.is_empty() => Some(format!("({kind}) {text}")),
        (_, Some(url)) => Some(format!("({kind}) open {url}")),
        _ => None,
    }
}

/// Inline results, numbered for `:pick`.
pub(crate) fn inline_results(bot: &str, results: &InlineResults) -> String {
    if results.results.is_empty() {
        return format!("{bot} (inline): no results");
    }
    let mut out = format!("{bot} (inline):");
    for (i, result) in results.results.iter().enumerate() {
        let title = result
            .title
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or(&result.text);
        out.push_str(&format!("\n{INDENT}[{}] {title}", i + 1));
        if let Some(description) = result.description.as_deref().filter(|d| !d.is_empty()) {
            out.push_str(&format!(" — {description}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(text: &str) -> Button {
        Button {
            text: text.into(),
            data: Some(text.as_bytes().to_vec()),
            url: None,
        }
    }

    #[test]
    fn keyboards_are_numbered_across_rows() {
        let rows = vec![vec![button("Yes"), button("No")], vec![button("Cancel")]];
        assert_eq!(keyboard(&rows).unwrap(), "  [1] Yes  [2] No\n  [3] Cancel");
        assert!(keyboard(&[]).is_none());
    }

    #[test]
    fn replies_say_what_they_answer() {
        let reply = ObservedMessage {
            id: 8,
            chat_id: 1,
            chat_kind: oxygram_testkit::ChatKind::Private,
            sender_id: 2,
            text: "hello there".into(),
            entities: Vec::new(),
            buttons: Vec::new(),
            reply_to: Some(7),
            date: 0,
            edit_date: None,
            via_bot_id: None,
            forwarded_from: None,
            media: None,
            service: None,
        };
        let seen = Replied::Seen {
            by: "@you",
            text: "hello there",
        };
        assert_eq!(
            message("@bot", &reply, false, Some(seen)),
            "@bot: hello there\n  ↳ reply to @you: \"hello there\""
        );
        assert_eq!(replied(Replied::Unseen(7)), "  ↳ reply to message #7");
        // Long and multi-line texts are cut, on a character boundary.
        let long = "é".repeat(50);
        assert_eq!(
            replied(Replied::Seen {
                by: "@you",
                text: &long
            }),
            format!("  ↳ reply to @you: \"{}…\"", "é".repeat(40))
        );
        assert_eq!(
            replied(Replied::Seen {
                by: "@bob",
                text: "one\ntwo"
            }),
            "  ↳ reply to @bob: \"one…\""
        );
    }

    #[test]
    fn deletions_quote_what_was_seen() {
        assert_eq!(deletion("@bot", Some("hi"), 3), "@bot deleted: \"hi\"");
        assert_eq!(deletion("@bot", None, 3), "@bot deleted message #3");
    }

    #[test]
    fn silent_answers_print_nothing() {
        assert_eq!(answer(&CallbackAnswer::default()), None);
        let toast = CallbackAnswer {
            message: Some("Saved".into()),
            ..CallbackAnswer::default()
        };
        assert_eq!(answer(&toast).unwrap(), "(answer) Saved");
    }

    #[test]
    fn undelivered_lines_are_dim_only_on_terminals() {
        let plain = undelivered(Undelivered::Privacy, false);
        assert_eq!(
            plain,
            "  (not delivered to the bot: privacy mode; commands, replies and mentions are)"
        );
        assert!(undelivered(Undelivered::NotMember, true).contains("\x1b[2m"));
        assert_eq!(private_label("bob"), "[@bob's chat] ");
    }
}
