//! Small helpers shared by modules that do not otherwise know each other: boxed futures
//! and errors, and durations as people read them.
//!
//! A leaf module: it imports nothing from the crate, so anything may use it.

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future: what a handler call returns once type-erased.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error type handlers can return with `?` on anything that is an error
/// (`grammers` invocation errors, I/O, parse errors, ...).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `31 seconds`, `5 minutes 3 seconds`, `2 hours 1 minute`.
pub(crate) fn human_duration(seconds: u32) -> String {
    fn unit(n: u32, name: &str) -> String {
        format!("{n} {name}{}", if n == 1 { "" } else { "s" })
    }
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m, s) {
        (0, 0, s) => unit(s, "second"),
        (0, m, 0) => unit(m, "minute"),
        (0, m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
        (h, 0, _) => unit(h, "hour"),
        (h, m, _) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
    }
}

/// The message of a caught panic payload.
pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_as_sentences() {
        assert_eq!(human_duration(31), "31 seconds");
        assert_eq!(human_duration(61), "1 minute 1 second");
        assert_eq!(human_duration(120), "2 minutes");
        assert_eq!(human_duration(3725), "1 hour 2 minutes");
    }
}
