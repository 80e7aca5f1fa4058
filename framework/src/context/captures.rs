//! [`Captures`]: what a handler's `regex` (or `inline`) trigger captured, owned.

use std::collections::HashMap;
use std::sync::Arc;

/// The captures of the handler's `regex = ".."` (or `inline = ".."`) trigger, owned.
///
/// ```
/// use oxygram::extract::Captures;
///
/// // #[handler(regex = r"^hi (?<name>\w+)$")]
/// async fn greet(caps: Captures) {
///     let name = caps.name("name").unwrap_or("stranger");
///     println!("hello {name}");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captures {
    groups: Vec<Option<String>>,
    names: Arc<HashMap<String, usize>>,
}

impl Captures {
    pub(crate) fn from_regex(
        caps: &regex::Captures<'_>,
        names: Arc<HashMap<String, usize>>,
    ) -> Self {
        Self {
            groups: caps
                .iter()
                .map(|m| m.map(|m| m.as_str().to_owned()))
                .collect(),
            names,
        }
    }

    /// Group `i` (0 is the whole match), if it participated in the match.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.groups.get(i).and_then(|g| g.as_deref())
    }

    /// The named group `name`, if it exists and participated in the match.
    pub fn name(&self, name: &str) -> Option<&str> {
        self.names.get(name).and_then(|&i| self.get(i))
    }

    /// The number of groups, including group 0.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups at all (never true for a real match).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}
