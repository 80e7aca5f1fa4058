//! What a line typed into the sandbox means: a message to send, or a `:command`.
//!
//! Only known command words are commands, so a message that merely starts with a colon
//! (`:)` or `:wave:`) is sent as typed.

/// One line of sandbox input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A message to send.
    Text(String),
    /// `:press N` or `:press LABEL`: press a button of the latest keyboard.
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

/// Which button `:press` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonRef {
    /// The button's number as printed (from 1).
    Number(usize),
    /// The button's label.
    Label(String),
}

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
  :quit           leave (or Ctrl+D)";

/// Parses one typed line (without its line ending).
pub fn parse_input(line: &str) -> Input {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Input::Nothing;
    }
    let Some(command) = trimmed.strip_prefix(':') else {
        return Input::Text(line.trim_end_matches(['\r', '\n']).to_owned());
    };
    let (word, rest) = match command.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (command, ""),
    };
    match word {
        "press" | "p" => match rest {
            "" => Input::Invalid("usage: :press N (the button's number) or :press LABEL".into()),
            _ => match rest.parse::<usize>() {
                Ok(0) => Input::Invalid("buttons are numbered from 1".into()),
                Ok(n) => Input::Press(ButtonRef::Number(n)),
                Err(_) => Input::Press(ButtonRef::Label(rest.to_owned())),
            },
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
        _ => Input::Text(line.trim_end_matches(['\r', '\n']).to_owned()),
    }
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
        assert_eq!(parse_input(":press 2"), Input::Press(ButtonRef::Number(2)));
        assert_eq!(
            parse_input(":press Vote up"),
            Input::Press(ButtonRef::Label("Vote up".into()))
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
    }

    #[test]
    fn misused_commands_explain_themselves() {
        assert!(matches!(parse_input(":press"), Input::Invalid(m) if m.contains(":press N")));
        assert!(matches!(parse_input(":press 0"), Input::Invalid(_)));
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
        // Only whole command words: `:groupie` is a message.
        assert_eq!(parse_input(":groupie"), Input::Text(":groupie".into()));
    }
}
