//! Command parsing (`/cmd@bot args`) on arbitrary text, prefixes and usernames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxygram::command::CommandParser;

fuzz_target!(|input: (String, Vec<String>, Option<String>)| {
    let (text, prefixes, username) = input;
    let parser = CommandParser::new(&prefixes, username.as_deref());
    if let Some(command) = parser.parse(&text) {
        assert!(text.starts_with(&command.prefix));
        assert!(!command.prefix.is_empty());
        assert!(!command.name.is_empty());
        assert!(!command.name.contains(char::is_whitespace));
        assert!(!command.name.contains('@'));
        assert!(text.ends_with(&command.args));
        assert_eq!(command.args.trim_start(), command.args);
    }
});
