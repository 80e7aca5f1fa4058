//! What a line typed into the sandbox means: a message to send, or a `:command`.
//!
//! A colon followed by a word of letters is a command: a known one runs, an unknown one
//! (`:pres 1`) is refused with the closest command, so a typo never reaches the chat as a
//! message. Other lines that merely start with a colon (`:)`, `:wave:`, `:D`) are sent as
//! typed, and `::TEXT` sends `:TEXT` as a message.

use oxygram_testkit::Button;

/// One line of sandbox input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A message to send.
    Text(String),
    /// `:press LABEL` or `:press N`: press a button of the latest keyboard.
    Press(ButtonRef),
    /// `:inline QUERY`: ask the bot for inline results.
    Inline(String),
    /// `:pick N`: send result `N` of the latest inline results into the chat.
    Pick(usize),
    /// `:in TEXT`: (user accounts) `@friend` sends `TEXT` to the app's account.
    Incoming(String),
    /// `:group`: lines now go to the sandbox group (bot mode).
    Group,
    /// `:private`: lines now go to the private chat with the app again.
    Private,
    /// `:as NAME TEXT`: `@NAME` sends `TEXT` in the current chat (in private, their own
    /// private chat with the bot).
    As {
        /// The sender's username, without `@`.
        who: String,
        /// What they say.
        text: String,
    },
    /// `:join NAME`: `@NAME` is added to the sandbox group.
    Join(String),
    /// `:leave NAME`: `@NAME` leaves the sandbox group.
    Leave(String),
    /// `:kick NAME`: @you (the group's creator) removes `@NAME` from the sandbox group.
    Kick(String),
    /// `:title TEXT`: @you renames the sandbox group.
    Title(String),
    /// `:block` / `:unblock`: @you stops (blocks) or restarts the bot (bot mode).
    Block(bool),
    /// `:privacy on|off`: the bot's privacy mode in groups (BotFather's `/setprivacy`).
    Privacy(bool),
    /// `:help`: list the commands.
    Help,
    /// `:quit`: end the sandbox.
    Quit,
    /// Nothing to do (an empty line).
    Nothing,
    /// A command used wrongly; the text says how to use it.
    Invalid(String),
}

/// What was typed after `:press`: a button's label, or its number as printed.
///
/// Which one it is depends on the keyboard, so it is decided by [`ButtonRef::find`]: a
/// keyboard `[1] -1  [2] +1` has a button labelled `+1`, and `:press +1` presses it, not
/// button number 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonRef(pub String);

impl ButtonRef {
    /// The button of `rows` this names: the one whose label is exactly the typed text, else
    /// the one numbered so (from 1, row by row, as printed). The error says what to type.
    pub fn find<'a>(&self, rows: &'a [Vec<Button>]) -> Result<&'a Button, String> {
        let typed = self.0.as_str();
        let mut buttons = rows.iter().flatten();
        if let Some(exact) = buttons.clone().find(|button| button.text == typed) {
            return Ok(exact);
        }
        let count = buttons.clone().count();
        match typed.parse::<usize>() {
            Ok(0) => Err(format!(
                "buttons are numbered from 1 (the latest keyboard has 1 to {count})"
            )),
            Ok(n) => buttons
                .nth(n - 1)
                .ok_or_else(|| format!("the latest keyboard has buttons 1 to {count}")),
            Err(_) => Err(match buttons.find(|b| b.text.eq_ignore_ascii_case(typed)) {
                Some(close) => format!(
                    "no button is labelled \"{typed}\" (did you mean \"{}\"?)",
                    close.text
                ),
                None => format!(
                    "no button is labelled \"{typed}\"; :press N presses button N (1 to {count})"
                ),
            }),
        }
    }
}

/// The command words, as `:help` lists them (the suggestions for a typo come from here).
const COMMANDS: &[&str] = &[
    "press", "inline", "pick", "in", "group", "private", "as", "join", "leave", "kick", "title",
    "block", "unblock", "privacy", "help", "quit",
];

/// The help text `:help` prints.
pub const HELP: &str = "\
Type a message and press Enter to send it. Commands:
  :press N        press button N of the latest keyboard (or :press LABEL)
  :inline QUERY   ask the bot for inline results (numbered)
  :pick N         send inline result N into the chat
  :in TEXT        (user accounts) @friend sends TEXT to you
  :group          talk in the group (@you, @bob and the bot; bot accounts)
  :private        talk in your private chat with the bot again
  :as NAME TEXT   NAME (e.g. bob) sends TEXT here (in private: to the bot, in their chat)
  :join NAME      NAME is added to the group
  :leave NAME     NAME leaves the group
  :kick NAME      you remove NAME from the group
  :title TEXT     you rename the group
  :block          you stop (block) the bot; :unblock restarts it
  :privacy off    the bot gets every group message (:privacy on: the default again)
  :help           this list
  :quit           leave (or Ctrl+D)
A line starting with '::' sends the rest with one ':' (::pres 1 sends \":pres 1\"); other
lines that start with ':' but no command word, like :) or :wave:, are sent as typed.";

/// Parses one typed line (without its line ending).
pub fn parse_input(line: &str) -> Input {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Input::Nothing;
    }
    let Some(command) = trimmed.strip_prefix(':') else {
        return Input::Text(line.trim_end_matches(['\r', '\n']).to_owned());
    };
    if command.starts_with(':') {
        // `::TEXT`: the escape for a message that starts with a colon.
        return Input::Text(command.trim_end_matches(['\r', '\n']).to_owned());
    }
    let (word, rest) = match command.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (command, ""),
    };
    match word {
        "press" | "p" => match rest {
            "" => Input::Invalid("usage: :press LABEL or :press N (the button's number)".into()),
            _ => Input::Press(ButtonRef(rest.to_owned())),
        },
        "inline" | "i" => Input::Inline(rest.to_owned()),
        "pick" => match rest.parse::<usize>() {
            Ok(n) if n > 0 => Input::Pick(n),
            _ => Input::Invalid("usage: :pick N (the result's number, from 1)".into()),
        },
        "in" => match rest {
            "" => Input::Invalid("usage: :in TEXT".into()),
            _ => Input::Incoming(rest.to_owned()),
        },
        "group" => Input::Group,
        "private" => Input::Private,
        "as" => match rest.split_once(char::is_whitespace) {
            Some((who, text)) if !text.trim().is_empty() => Input::As {
                who: username(who),
                text: text.trim().to_owned(),
            },
            _ => Input::Invalid("usage: :as NAME TEXT (e.g. :as bob hello)".into()),
        },
        "join" => match rest {
            "" => Input::Invalid("usage: :join NAME (e.g. :join bob)".into()),
            name => Input::Join(username(name)),
        },
        "leave" => match rest {
            "" => Input::Invalid("usage: :leave NAME (e.g. :leave bob)".into()),
            name => Input::Leave(username(name)),
        },
        "kick" => match rest {
            "" => Input::Invalid("usage: :kick NAME (e.g. :kick bob)".into()),
            name => Input::Kick(username(name)),
        },
        "title" => match rest {
            "" => Input::Invalid("usage: :title TEXT (the group's new title)".into()),
            title => Input::Title(title.to_owned()),
        },
        "block" => Input::Block(true),
        "unblock" => Input::Block(false),
        "privacy" => match rest {
            "on" => Input::Privacy(true),
            "off" => Input::Privacy(false),
            _ => Input::Invalid("usage: :privacy on or :privacy off".into()),
        },
        "help" | "h" | "?" => Input::Help,
        "quit" | "q" | "exit" => Input::Quit,
        _ => match unknown_command(word) {
            Some(refusal) => Input::Invalid(refusal),
            None => Input::Text(line.trim_end_matches(['\r', '\n']).to_owned()),
        },
    }
}

/// Why `:word` (not a command) is refused, or `None` when it is a message that happens to
/// start with a colon.
///
/// Two or more lowercase letters (`:pres`, `:groupie`) can only be a command, so they are
/// refused, with the closest command when one is near. Capitals are emoticons (`:D`, `:XD`)
/// unless they spell a command nearly (`:Press`); a single letter (`:o`) and anything with
/// other characters (`:)`, `:wave:`, `:-)`) are text.
fn unknown_command(word: &str) -> Option<String> {
    if word.chars().count() < 2 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    let suggestion = closest_command(&lower);
    if lower != word && suggestion.is_none() {
        return None;
    }
    let hint = match suggestion {
        Some(command) => format!("did you mean :{command}?"),
        None => ":help lists them".to_owned(),
    };
    Some(format!(
        "unknown command :{word}; {hint} (to send a message starting with ':', type '::' first)"
    ))
}

/// The command `word` is most likely a typo of: one edit for words up to four letters, two
/// from five on, never more than a third of the command's length (rounded up).
fn closest_command(word: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|command| (strsim::damerau_levenshtein(word, command), *command))
        .filter(|(distance, command)| {
            let budget = if command.len() <= 4 { 1 } else { 2 };
            *distance <= budget.min(command.len().div_ceil(3))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, command)| command)
}

/// `@bob` and `bob` both name `@bob`.
fn username(name: &str) -> String {
    name.strip_prefix('@').unwrap_or(name).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_commands() {
        assert_eq!(parse_input("hello"), Input::Text("hello".into()));
        assert_eq!(parse_input("/start"), Input::Text("/start".into()));
        assert_eq!(parse_input("   "), Input::Nothing);
        assert_eq!(parse_input(":press 2"), Input::Press(ButtonRef("2".into())));
        assert_eq!(
            parse_input(":press Vote up"),
            Input::Press(ButtonRef("Vote up".into()))
        );
        assert_eq!(parse_input(":inline cats"), Input::Inline("cats".into()));
        assert_eq!(parse_input(":inline"), Input::Inline(String::new()));
        assert_eq!(parse_input(":pick 1"), Input::Pick(1));
        assert_eq!(
            parse_input(":in hi there"),
            Input::Incoming("hi there".into())
        );
        assert_eq!(parse_input(":kick @bob"), Input::Kick("bob".into()));
        assert_eq!(
            parse_input(":title New name"),
            Input::Title("New name".into())
        );
        assert_eq!(parse_input(":block"), Input::Block(true));
        assert_eq!(parse_input(":unblock"), Input::Block(false));
        assert!(matches!(parse_input(":title"), Input::Invalid(_)));
        assert_eq!(parse_input(":help"), Input::Help);
        assert_eq!(parse_input(":quit"), Input::Quit);
    }

    #[test]
    fn colon_text_that_is_no_command_is_sent() {
        assert_eq!(parse_input(":)"), Input::Text(":)".into()));
        assert_eq!(parse_input(":wave: hi"), Input::Text(":wave: hi".into()));
        assert_eq!(parse_input(":-) ok"), Input::Text(":-) ok".into()));
        assert_eq!(parse_input(":D"), Input::Text(":D".into()));
        assert_eq!(parse_input(":XD lol"), Input::Text(":XD lol".into()));
        assert_eq!(parse_input(":o"), Input::Text(":o".into()));
    }

    #[test]
    fn a_double_colon_sends_the_rest_as_text() {
        assert_eq!(parse_input("::pres 1"), Input::Text(":pres 1".into()));
        assert_eq!(parse_input("::help"), Input::Text(":help".into()));
        assert_eq!(parse_input(":::)"), Input::Text("::)".into()));
    }

    #[test]
    fn unknown_commands_are_refused_with_the_closest_one() {
        let refused = |line: &str| match parse_input(line) {
            Input::Invalid(why) => why,
            other => panic!("{line:?} was not refused: {other:?}"),
        };
        assert_eq!(
            refused(":pres 1"),
            "unknown command :pres; did you mean :press? \
             (to send a message starting with ':', type '::' first)"
        );
        assert!(refused(":prees 1").contains("did you mean :press?"));
        assert!(refused(":grop").contains("did you mean :group?"));
        assert!(refused(":privte").contains("did you mean :private?"));
        assert!(refused(":unblok").contains("did you mean :unblock?"));
        assert!(refused(":Press 2").contains("did you mean :press?"));
        let far = refused(":frobnicate");
        assert!(
            far.contains("unknown command :frobnicate; :help lists them"),
            "{far}"
        );
        // Only whole command words are commands, and a near one is still refused.
        assert!(refused(":groupie").contains("did you mean :group?"));
    }

    fn button(text: &str) -> Button {
        Button {
            text: text.into(),
            data: Some(text.as_bytes().to_vec()),
            url: None,
        }
    }

    #[test]
    fn an_exact_label_wins_over_a_number() {
        let rows = vec![
            vec![button("-1"), button("+1")],
            vec![button("Reset"), button("2")],
        ];
        let press = |typed: &str| ButtonRef(typed.into()).find(&rows).map(|b| b.text.as_str());
        // `+1` parses as the number 1, but a button is labelled so.
        assert_eq!(press("+1"), Ok("+1"));
        assert_eq!(press("-1"), Ok("-1"));
        // `2` is a label too: the label wins; a number nobody is labelled with is a number.
        assert_eq!(press("2"), Ok("2"));
        assert_eq!(press("1"), Ok("-1"));
        assert_eq!(press("3"), Ok("Reset"));
        assert_eq!(press("Reset"), Ok("Reset"));
        assert_eq!(
            press("5"),
            Err("the latest keyboard has buttons 1 to 4".to_owned())
        );
        assert!(press("0").unwrap_err().contains("numbered from 1"));
        assert_eq!(
            press("reset"),
            Err("no button is labelled \"reset\" (did you mean \"Reset\"?)".to_owned())
        );
        assert!(
            press("Close")
                .unwrap_err()
                .contains(":press N presses button N (1 to 4)")
        );
    }

    #[test]
    fn misused_commands_explain_themselves() {
        assert!(matches!(parse_input(":press"), Input::Invalid(m) if m.contains(":press N")));
        assert!(matches!(parse_input(":pick x"), Input::Invalid(m) if m.contains(":pick N")));
        assert!(matches!(parse_input(":in"), Input::Invalid(_)));
    }

    #[test]
    fn group_commands() {
        assert_eq!(parse_input(":group"), Input::Group);
        assert_eq!(parse_input(":private"), Input::Private);
        assert_eq!(
            parse_input(":as bob hi  all "),
            Input::As {
                who: "bob".into(),
                text: "hi  all".into()
            }
        );
        assert_eq!(
            parse_input(":as @bob /start"),
            Input::As {
                who: "bob".into(),
                text: "/start".into()
            }
        );
        assert_eq!(parse_input(":join bob"), Input::Join("bob".into()));
        assert_eq!(parse_input(":leave @you"), Input::Leave("you".into()));
        assert!(matches!(parse_input(":as bob"), Input::Invalid(m) if m.contains(":as NAME TEXT")));
        assert!(matches!(parse_input(":as"), Input::Invalid(_)));
        assert!(matches!(parse_input(":join"), Input::Invalid(m) if m.contains(":join NAME")));
        assert!(matches!(parse_input(":leave"), Input::Invalid(m) if m.contains(":leave NAME")));
        assert_eq!(parse_input(":privacy off"), Input::Privacy(false));
        assert_eq!(parse_input(":privacy on"), Input::Privacy(true));
        assert!(matches!(parse_input(":privacy"), Input::Invalid(m) if m.contains(":privacy on")));
    }
}
