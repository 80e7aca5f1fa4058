//! Why an extractor refused an update, and what the dispatcher does about it.

use std::fmt;

/// An extractor's refusal. See the [module docs](crate::extract) for the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RejectionKind {
    Mismatch(String),
    Usage { expected: String, problem: String },
}

impl Rejection {
    /// The update is not for this handler; the next handler of the group gets a chance.
    pub fn mismatch(reason: impl Into<String>) -> Self {
        Self {
            kind: RejectionKind::Mismatch(reason.into()),
        }
    }

    /// The command was for this handler but its arguments are wrong: the user gets
    /// `Usage: /<command> <expected>` and `problem`, and the group stops here.
    pub fn usage(expected: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            kind: RejectionKind::Usage {
                expected: expected.into(),
                problem: problem.into(),
            },
        }
    }

    /// Whether this is a [`Rejection::usage`].
    pub fn is_usage(&self) -> bool {
        matches!(self.kind, RejectionKind::Usage { .. })
    }

    /// The usage message to send back, for a command written as `command` (with prefix).
    pub fn usage_reply(&self, command: &str) -> Option<String> {
        self.usage_reply_named(command, &[])
    }

    /// [`usage_reply`](Self::usage_reply), naming the arguments `names` (`<n> <sides>`) when
    /// there is one name for each expected argument, instead of their types.
    pub fn usage_reply_named(&self, command: &str, names: &[&str]) -> Option<String> {
        match &self.kind {
            RejectionKind::Usage { expected, problem } => {
                let parts = expected.split_whitespace().count();
                let expected = if !names.is_empty() && names.len() == parts {
                    names
                        .iter()
                        .map(|name| format!("<{name}>"))
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    expected.clone()
                };
                Some(format!("Usage: {command} {expected}\n{problem}"))
            }
            RejectionKind::Mismatch(_) => None,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            RejectionKind::Mismatch(reason) => f.write_str(reason),
            RejectionKind::Usage { expected, problem } => {
                write!(f, "bad arguments (expected {expected}): {problem}")
            }
        }
    }
}

impl std::error::Error for Rejection {}
