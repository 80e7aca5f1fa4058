//! Compile-time checks of option values, against the limits Telegram and the runtime enforce.
//!
//! Everything here would otherwise fail at startup (a regex) or, worse, silently never match
//! (a command with an uppercase letter, a callback pattern longer than any callback data).

use syn::{Error, LitStr};

/// Telegram's limit on bot command names.
const MAX_COMMAND_LEN: usize = 32;
/// Telegram's limit on callback data.
const MAX_CALLBACK_DATA: usize = 64;
/// Telegram's limit on a command's description in the bot command menu.
const MAX_COMMAND_DESCRIPTION: usize = 256;

/// The service actions `service = ".."` understands: `oxygram::extract::SERVICE_ACTION_NAMES`
/// (the macro crate cannot depend on the framework). If the two lists drift, a name only this
/// one has is refused at startup by the router (`DispatchError::UnknownServiceAction`).
pub(crate) const SERVICE_ACTIONS: &[&str] = &[
    "new_chat_members",
    "left_chat_member",
    "pinned_message",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "group_chat_created",
    "channel_chat_created",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "other",
];

/// A service action name `oxygram::extract::ServiceAction::name` can return.
pub(crate) fn service_action(lit: &LitStr) -> syn::Result<()> {
    let name = lit.value();
    if SERVICE_ACTIONS.contains(&name.as_str()) {
        return Ok(());
    }
    let message = match crate::suggest::closest(&name, SERVICE_ACTIONS) {
        Some(action) => format!("unknown service action `{name}`; did you mean `{action}`?"),
        None => format!(
            "unknown service action `{name}`; expected one of: {}",
            SERVICE_ACTIONS.join(", ")
        ),
    };
    Err(Error::new(lit.span(), message))
}

fn is_command_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

/// A command name as Telegram accepts it: 1 to 32 of `a-z`, `0-9` and `_`.
///
/// A leading `/` is refused rather than stripped: the prefix is configurable (`!start` with
/// `prefixes = ["!"]`), so `"/start"` in the source would read as something it is not.
pub(crate) fn command_name(lit: &LitStr) -> syn::Result<String> {
    let name = lit.value();
    let fixed: String = name
        .trim_start_matches(['/', '!', '.'])
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    let suggestion = if !fixed.is_empty()
        && fixed.len() <= MAX_COMMAND_LEN
        && fixed.chars().all(is_command_char)
    {
        format!("; did you mean `\"{fixed}\"`?")
    } else {
        String::new()
    };

    if name.is_empty() {
        return Err(Error::new(
            lit.span(),
            "empty command name: a command is 1 to 32 characters of a-z, 0-9 and _",
        ));
    }
    if name.starts_with(['/', '!', '.']) {
        return Err(Error::new(
            lit.span(),
            format!(
                "write the command without its prefix (prefixes are set in Bot.toml){suggestion}"
            ),
        ));
    }
    if let Some(bad) = name.chars().find(|c| !is_command_char(*c)) {
        return Err(Error::new(
            lit.span(),
            format!(
                "invalid command name `{name}`: Telegram commands use only lowercase a-z, 0-9 \
                 and _, not {bad:?}{suggestion}"
            ),
        ));
    }
    if name.len() > MAX_COMMAND_LEN {
        return Err(Error::new(
            lit.span(),
            format!(
                "command name `{name}` is {} characters long; Telegram allows at most {MAX_COMMAND_LEN}",
                name.len()
            ),
        ));
    }
    Ok(name)
}

/// A regex the runtime will be able to compile (`regex = ".."`, `inline = ".."`).
pub(crate) fn regex(option: &str, lit: &LitStr) -> syn::Result<()> {
    let pattern = lit.value();
    if pattern.is_empty() {
        let instead = if option == "inline" {
            "inline_query"
        } else {
            "message"
        };
        return Err(Error::new(
            lit.span(),
            format!(
                "an empty regex matches everything: use `{instead}` without `{option}` instead"
            ),
        ));
    }
    regex::Regex::new(&pattern)
        .map(drop)
        .map_err(|error| Error::new(lit.span(), format!("invalid regex in `{option}`: {error}")))
}

/// A callback data pattern: exact data, or a prefix followed by `*`.
pub(crate) fn callback_pattern(lit: &LitStr) -> syn::Result<()> {
    let pattern = lit.value();
    if pattern.is_empty() {
        return Err(Error::new(
            lit.span(),
            "empty callback pattern: callback data is 1 to 64 bytes; use `callback_query` to \
             receive every button press",
        ));
    }
    let fixed = pattern.strip_suffix('*').unwrap_or(&pattern);
    if fixed.contains('*') {
        return Err(Error::new(
            lit.span(),
            "`*` is a wildcard only at the end of a callback pattern (`\"vote:*\"`); for \
             anything else extract `CallbackData` and match it in the handler",
        ));
    }
    if fixed.len() > MAX_CALLBACK_DATA {
        return Err(Error::new(
            lit.span(),
            format!(
                "callback pattern is {} bytes long, but Telegram's callback data is at most \
                 {MAX_CALLBACK_DATA} bytes: no button can ever match it",
                fixed.len()
            ),
        ));
    }
    Ok(())
}

/// A help text; for commands it goes to Telegram's command menu, which limits its length.
pub(crate) fn description(lit: &LitStr, is_command: bool) -> syn::Result<()> {
    let text = lit.value();
    if text.trim().is_empty() {
        return Err(Error::new(
            lit.span(),
            "empty description: remove `description` or say what the handler does",
        ));
    }
    let chars = text.chars().count();
    if is_command && chars > MAX_COMMAND_DESCRIPTION {
        return Err(Error::new(
            lit.span(),
            format!(
                "description is {chars} characters long; Telegram's command menu allows at \
                 most {MAX_COMMAND_DESCRIPTION}"
            ),
        ));
    }
    Ok(())
}

/// A plugin or handler name, as Bot.toml's `include`/`exclude` refer to it.
pub(crate) fn plugin_or_handler_name(option: &str, lit: &LitStr) -> syn::Result<()> {
    let name = lit.value();
    if name.is_empty() {
        return Err(Error::new(lit.span(), format!("empty `{option}`")));
    }
    if name.chars().any(char::is_whitespace) {
        return Err(Error::new(
            lit.span(),
            format!(
                "`{option}` cannot contain whitespace: Bot.toml's `exclude = [\"plugin handler\"]` \
                 separates the plugin from the handler with a space"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Span;

    fn lit(value: &str) -> LitStr {
        LitStr::new(value, Span::call_site())
    }

    fn message(result: syn::Result<impl Sized>) -> String {
        match result {
            Ok(_) => panic!("expected an error"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn command_names_follow_telegram_rules() {
        assert_eq!(command_name(&lit("start")).unwrap(), "start");
        assert_eq!(command_name(&lit("set_lang2")).unwrap(), "set_lang2");
        assert_eq!(command_name(&lit(&"a".repeat(32))).unwrap(), "a".repeat(32));
    }

    #[test]
    fn uppercase_command_suggests_lowercase() {
        let error = message(command_name(&lit("Start")));
        assert!(error.contains("invalid command name `Start`"), "{error}");
        assert!(error.contains("did you mean `\"start\"`?"), "{error}");
    }

    #[test]
    fn dashed_command_suggests_underscores() {
        let error = message(command_name(&lit("set-lang")));
        assert!(error.contains("did you mean `\"set_lang\"`?"), "{error}");
    }

    #[test]
    fn prefixed_command_is_refused_with_the_bare_name() {
        let error = message(command_name(&lit("/start")));
        assert!(error.contains("without its prefix"), "{error}");
        assert!(error.contains("`\"start\"`"), "{error}");
    }

    #[test]
    fn empty_long_and_unicode_commands_are_refused() {
        assert!(message(command_name(&lit(""))).contains("empty command name"));
        let long = message(command_name(&lit(&"a".repeat(33))));
        assert!(long.contains("33 characters long"), "{long}");
        let unicode = message(command_name(&lit("héllo")));
        assert!(unicode.contains("not 'é'"), "{unicode}");
        assert!(!unicode.contains("did you mean"), "{unicode}");
    }

    #[test]
    fn regex_errors_show_the_regex_crate_message() {
        regex("regex", &lit(r"^hi (\w+)$")).unwrap();
        let error = message(regex("regex", &lit(r"^hi (\w+$")));
        assert!(error.contains("invalid regex in `regex`"), "{error}");
        assert!(error.contains("unclosed group"), "{error}");
        assert!(message(regex("inline", &lit(""))).contains("use `inline_query`"));
    }

    #[test]
    fn callback_patterns_fit_in_callback_data() {
        callback_pattern(&lit("vote:*")).unwrap();
        callback_pattern(&lit("ok")).unwrap();
        callback_pattern(&lit(&format!("{}*", "x".repeat(64)))).unwrap();
        let long = message(callback_pattern(&lit(&"x".repeat(65))));
        assert!(long.contains("65 bytes"), "{long}");
        assert!(message(callback_pattern(&lit(""))).contains("empty callback pattern"));
        assert!(message(callback_pattern(&lit("a*b"))).contains("only at the end"));
    }

    #[test]
    fn descriptions_fit_the_command_menu() {
        description(&lit("Roll dice"), true).unwrap();
        description(&lit(&"x".repeat(300)), false).unwrap();
        assert!(message(description(&lit(&"x".repeat(257)), true)).contains("257 characters"));
        assert!(message(description(&lit("  "), false)).contains("empty description"));
    }

    #[test]
    fn plugin_names_have_no_spaces() {
        plugin_or_handler_name("plugin", &lit("admin")).unwrap();
        assert!(message(plugin_or_handler_name("plugin", &lit("my admin"))).contains("whitespace"));
    }
}
