//! `Args<T>`: a command's arguments, split on whitespace and parsed with `FromStr`.

use std::any::{TypeId, type_name};
use std::fmt::Display;
use std::str::FromStr;

use super::update::require_trigger;
use super::{FromUpdate, Rejection, StartupContext, StartupError};
use crate::context::Trigger;
use crate::context::UpdateContext;

/// A command's arguments parsed into `T`: one `FromStr` type, or a tuple of up to six.
///
/// Arguments are split on whitespace. A trailing `String` in a tuple takes the rest of the
/// text, spaces included (`Args<(i64, String)>` on `/ban 42 spamming links` gives
/// `(42, "spamming links")`); otherwise the number of arguments must match. On a mismatch the
/// user gets a usage reply such as `Usage: /roll <count> <sides>` (the names of an
/// `Args((count, sides))` pattern, or the types, `<u8> <u32>`, without one; see
/// [`crate::extract`]).
///
/// ```
/// use oxygram::extract::Args;
///
/// async fn roll(Args((n, sides)): Args<(u8, u32)>) {
///     println!("rolling {n}d{sides}");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args<T>(pub T);

/// Types `Args<T>` can parse: `FromStr` types and tuples of them.
pub trait ParseArgs: Sized {
    /// `<u8> <u32>`: what the usage reply says is expected.
    fn expected() -> String;
    /// Parses the raw argument string.
    fn parse_args(raw: &str) -> Result<Self, String>;
}

impl<T: ParseArgs + Send> FromUpdate for Args<T> {
    const KINDS: super::Kinds = super::Kinds::MESSAGES;

    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        let command = cx
            .command()
            .ok_or_else(|| Rejection::mismatch("the message is not a command"))?;
        T::parse_args(&command.args)
            .map(Args)
            .map_err(|problem| Rejection::usage(T::expected(), problem))
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        require_trigger(startup, "Args", "a `command` trigger", |t| {
            matches!(t, Trigger::Commands(_))
        })
    }
}

/// `alloc::string::String` → `String`, `core::option::Option<u8>` → `Option<u8>`.
fn short_type_name<T>() -> String {
    let full = type_name::<T>();
    let mut out = String::new();
    let mut segment = String::new();
    for c in full.chars() {
        match c {
            ':' => segment.clear(),
            '<' | '>' | ',' | ' ' | '(' | ')' | '[' | ']' | '&' | ';' => {
                out.push_str(&segment);
                segment.clear();
                out.push(c);
            }
            _ => segment.push(c),
        }
    }
    out.push_str(&segment);
    out
}

fn is_string<T: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<String>()
}

fn placeholder<T: 'static>(last: bool) -> String {
    if last && is_string::<T>() {
        "<text...>".to_owned()
    } else {
        format!("<{}>", short_type_name::<T>())
    }
}

fn parse_one<T>(position: usize, word: &str) -> Result<T, String>
where
    T: FromStr,
    T::Err: Display,
{
    word.parse::<T>().map_err(|e| {
        // Bound what we echo back: arguments can be arbitrarily long.
        let shown: String = word.chars().take(64).collect();
        let ellipsis = if shown.len() < word.len() { "…" } else { "" };
        format!(
            "argument {position} `{shown}{ellipsis}` is not a valid {}: {e}",
            short_type_name::<T>()
        )
    })
}

/// Splits off the next whitespace-separated word; returns it and the rest (trimmed start).
fn next_word(raw: &str) -> Option<(&str, &str)> {
    let raw = raw.trim_start();
    if raw.is_empty() {
        return None;
    }
    let end = raw.find(char::is_whitespace).unwrap_or(raw.len());
    Some((&raw[..end], raw[end..].trim_start()))
}

macro_rules! impl_single {
    ($($t:ty),*) => {$(
        impl ParseArgs for $t {
            fn expected() -> String {
                placeholder::<$t>(false)
            }
            fn parse_args(raw: &str) -> Result<Self, String> {
                parse_tuple_element::<$t>(raw, 1, 1, true).map(|(v, _)| v)
            }
        }
    )*};
}

/// Parses element `position` of `count` from `raw`; returns it and the remaining text.
fn parse_tuple_element<T>(
    raw: &str,
    position: usize,
    count: usize,
    last: bool,
) -> Result<(T, &str), String>
where
    T: FromStr + 'static,
    T::Err: Display,
{
    if last && is_string::<T>() {
        let rest = raw.trim();
        if rest.is_empty() {
            return Err(format!("missing argument {position} (expected {count})"));
        }
        return parse_one::<T>(position, rest).map(|v| (v, ""));
    }
    let (word, rest) =
        next_word(raw).ok_or_else(|| format!("missing argument {position} (expected {count})"))?;
    if last && !rest.is_empty() {
        return Err(format!("too many arguments (expected {count})"));
    }
    parse_one::<T>(position, word).map(|v| (v, rest))
}

impl_single!(
    String, bool, char, u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64
);

macro_rules! impl_tuple {
    ($count:expr; $($t:ident $idx:expr),+ ; $last:ident) => {
        impl<$($t,)+> ParseArgs for ($($t,)+)
        where
            $($t: FromStr + 'static, <$t as FromStr>::Err: Display,)+
        {
            fn expected() -> String {
                let parts: Vec<String> = vec![$(placeholder::<$t>(stringify!($t) == stringify!($last))),+];
                parts.join(" ")
            }

            #[allow(non_snake_case)]
            fn parse_args(raw: &str) -> Result<Self, String> {
                let rest = raw;
                $(
                    let ($t, rest) = parse_tuple_element::<$t>(rest, $idx, $count, $idx == $count)?;
                )+
                let _ = rest;
                Ok(($($t,)+))
            }
        }
    };
}

impl_tuple!(1; A 1; A);
impl_tuple!(2; A 1, B 2; B);
impl_tuple!(3; A 1, B 2, C 3; C);
impl_tuple!(4; A 1, B 2, C 3, D 4; D);
impl_tuple!(5; A 1, B 2, C 3, D 4, E 5; E);
impl_tuple!(6; A 1, B 2, C 3, D 4, E 5, F 6; F);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuples_parse_and_count() {
        assert_eq!(<(u8, u32)>::parse_args("2 6"), Ok((2, 6)));
        assert_eq!(<(u8, u32)>::parse_args("  2\n 6  "), Ok((2, 6)));
        assert_eq!(
            <(u8, u32)>::parse_args("2"),
            Err("missing argument 2 (expected 2)".into())
        );
        assert_eq!(
            <(u8, u32)>::parse_args("2 6 7"),
            Err("too many arguments (expected 2)".into())
        );
        let err = <(u8, u32)>::parse_args("abc 6").unwrap_err();
        assert!(
            err.starts_with("argument 1 `abc` is not a valid u8"),
            "{err}"
        );
        assert_eq!(<(u8, u32)>::expected(), "<u8> <u32>");
    }

    #[test]
    fn trailing_string_takes_the_rest() {
        assert_eq!(
            <(i64, String)>::parse_args("42 spamming   links"),
            Ok((42, "spamming   links".to_owned()))
        );
        assert_eq!(<(i64, String)>::expected(), "<i64> <text...>");
        assert!(<(i64, String)>::parse_args("42").is_err());
        assert_eq!(
            String::parse_args(" hello world "),
            Ok("hello world".to_owned())
        );
        // A String that is not last is one word.
        assert_eq!(<(String, u8)>::parse_args("ab 3"), Ok(("ab".to_owned(), 3)));
        assert_eq!(<(String, u8)>::expected(), "<String> <u8>");
    }

    #[test]
    fn single_values_and_six_tuples() {
        assert_eq!(u32::parse_args("7"), Ok(7));
        assert!(u32::parse_args("").is_err());
        assert!(u32::parse_args("7 8").is_err());
        assert_eq!(
            <(u8, u8, u8, u8, u8, String)>::parse_args("1 2 3 4 5 six and more"),
            Ok((1, 2, 3, 4, 5, "six and more".to_owned()))
        );
    }

    #[test]
    fn hostile_arguments() {
        assert!(<(u8,)>::parse_args("").is_err());
        assert!(<(u8,)>::parse_args("\u{a0}").is_err());
        let huge = "9".repeat(100_000);
        let err = u8::parse_args(&huge).unwrap_err();
        assert!(err.len() < 300, "the echo is bounded: {}", err.len());
        assert_eq!(
            String::parse_args("🎲 é\u{301}"),
            Ok("🎲 é\u{301}".to_owned())
        );
        assert_eq!(<(char,)>::parse_args("🎲"), Ok(('🎲',)));
    }

    #[test]
    fn short_names() {
        assert_eq!(short_type_name::<String>(), "String");
        assert_eq!(short_type_name::<Option<Vec<u8>>>(), "Option<Vec<u8>>");
    }
}
