//! "Did you mean ..?" for misspelled names.

/// Names people reach for that are spelled differently in `#[handler]`, mapped to ours.
const ALIASES: &[(&str, &str)] = &[
    ("cmd", "command"),
    ("cmds", "commands"),
    ("re", "regex"),
    ("pattern", "regex"),
    ("filters", "filter"),
    ("desc", "description"),
    ("help", "description"),
    ("priority", "group"),
    ("order", "group"),
    ("msg", "message"),
    ("new_message", "message"),
    ("edit", "edited"),
    ("edited_message", "edited"),
    ("delete", "deleted"),
    ("deleted_messages", "deleted"),
    ("callback_data", "callback"),
    ("data", "callback"),
    ("inline_result", "chosen_inline"),
    ("chosen_inline_result", "chosen_inline"),
    ("query", "inline_query"),
    ("update", "raw"),
    // Bot API and Pyrogram names for the chat event kinds and service actions.
    ("my_chat_member", "chat_member"),
    ("chat_members", "chat_member"),
    ("chat_join_request", "join_request"),
    ("blocked", "bot_stopped"),
    ("new_members", "new_chat_members"),
    ("joined", "new_chat_members"),
    ("left", "left_chat_member"),
    ("pinned", "pinned_message"),
    ("pin", "pinned_message"),
    ("title", "new_chat_title"),
    ("migrated", "migrate_to_chat_id"),
];

/// The candidate `input` most likely stands for, if one is close enough to suggest.
pub(crate) fn closest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some((_, target)) = ALIASES.iter().find(|(alias, _)| *alias == input)
        && let Some(found) = candidates.iter().find(|c| *c == target)
    {
        return Some(found);
    }
    // Short names are easy to confuse with each other: allow one edit below five characters,
    // two from there on, and never more than a third of the name.
    let budget = |len: usize| match len {
        0..=4 => 1,
        _ => 2.min(len / 3).max(1),
    };
    candidates
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(input, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= budget(candidate.len()))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    const NAMES: &[&str] = &["command", "commands", "regex", "group", "description", "me"];

    #[test]
    fn typos_suggest_the_option() {
        assert_eq!(closest("comand", NAMES), Some("command"));
        assert_eq!(closest("comamnd", NAMES), Some("command"));
        assert_eq!(closest("regx", NAMES), Some("regex"));
        assert_eq!(closest("descripton", NAMES), Some("description"));
    }

    #[test]
    fn aliases_suggest_the_option() {
        assert_eq!(closest("cmd", NAMES), Some("command"));
        assert_eq!(closest("priority", NAMES), Some("group"));
    }

    #[test]
    fn unrelated_names_suggest_nothing() {
        assert_eq!(closest("timeout", NAMES), None);
        assert_eq!(closest("ok", NAMES), None);
    }
}
