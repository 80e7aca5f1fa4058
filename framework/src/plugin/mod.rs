//! Plugins: how handlers are grouped, named, and switched on and off from `Bot.toml`; and
//! plugins as values ([`Plugin`]) that bring their handlers, state, configuration, hooks and
//! scheduled jobs.
//!
//! A handler's plugin is, in order of precedence:
//! 1. the name given with `#[handler(.., plugin = "admin")]`;
//! 2. the module right under a module called `plugins`: a handler in
//!    `my_bot::plugins::admin::ban` belongs to plugin `admin`;
//! 3. otherwise the last segment of its module path (`my_bot::greet` → `greet`, a handler
//!    at the crate root → the crate name).
//!
//! `[plugins] include = [..]` keeps only the plugins (or `"plugin handler"` pairs) listed;
//! `exclude = [..]` then removes plugins or single handlers. An entry that names no plugin
//! or handler is an error, so a typo never silently runs (or drops) code.
//!
//! # Plugins as values
//! A [`Plugin`] is a name and a [`build`](Plugin::build) that registers on a
//! [`PluginBuilder`]: its handlers (by default the linked `#[handler]`s of its name), state,
//! its `[plugins.<name>]` type, startup/shutdown hooks and [scheduled jobs](crate::job).
//! `App::new().plugin(Admin::default())` adds one. `[plugins] include`/`exclude` work on its
//! name like on any plugin's: a plugin value switched off contributes nothing. An app with no
//! plugin values works as before, with every linked `#[handler]`.
//!
//! # Handlers in a library crate
//! `inventory` collects handlers at link time, and the linker drops a library crate the
//! binary never references, handlers included. A library that exports a plugin value is
//! linked by naming that value in `main` (`App::new().plugin(my_plugins::Dice)`), which
//! also brings its `#[handler]`s. A library without one is referenced with
//! `use my_plugins as _;` ([`link_plugins!`](crate::link_plugins) does the same).

mod builder;
mod context;
mod registry;
mod value;

use std::collections::BTreeSet;

pub(crate) use builder::Hook;
pub use builder::PluginBuilder;
pub use context::{ContextError, PluginContext};
pub use registry::PluginError;
pub(crate) use registry::{DispatchPlugins, Plugins};
pub use value::Plugin;

use crate::handler::HandlerSpec;

/// The plugin a handler belongs to (see the module docs for the rule).
pub fn plugin_name(spec: &HandlerSpec) -> &'static str {
    if let Some(name) = spec.plugin {
        return name;
    }
    plugin_from_module_path(spec.module_path)
}

/// `a::plugins::admin::ban` → `admin`; `a::greet` → `greet`; `a` → `a`.
pub fn plugin_from_module_path(module_path: &'static str) -> &'static str {
    let mut segments = module_path.split("::");
    let mut last = "";
    while let Some(segment) = segments.next() {
        if segment == "plugins"
            && let Some(next) = segments.next()
        {
            return next;
        }
        last = segment;
    }
    last
}

/// A `Bot.toml` include/exclude entry that names nothing registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugins.{list} names `{entry}`, but {what}; registered plugins: {known}")]
pub struct UnknownPluginEntry {
    /// `include` or `exclude`.
    pub list: &'static str,
    /// The entry as written.
    pub entry: String,
    /// What was not found.
    pub what: String,
    /// The registered plugins, comma-separated.
    pub known: String,
}

/// A parsed include/exclude entry: `"admin"` or `"admin ban"`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry<'a> {
    plugin: &'a str,
    handler: Option<&'a str>,
}

fn parse_entry(entry: &str) -> Entry<'_> {
    let mut words = entry.split_whitespace();
    let plugin = words.next().unwrap_or("");
    let handler = words.next();
    Entry { plugin, handler }
}

fn entry_matches(entry: &Entry<'_>, plugin: &str, handler: &str) -> bool {
    entry.plugin == plugin && entry.handler.is_none_or(|h| h == handler)
}

/// Decides which handlers run. `handlers` are `(plugin, handler name)` pairs; the result
/// says, for each, whether it is enabled.
pub fn select(
    handlers: &[(&str, &str)],
    include: Option<&[String]>,
    exclude: &[String],
) -> Result<Vec<bool>, UnknownPluginEntry> {
    select_among(handlers, &[], include, exclude)
}

/// [`select`], where `plugins` (plugin values, which may have no handlers) are registered
/// plugins too.
pub fn select_among(
    handlers: &[(&str, &str)],
    plugins: &[&str],
    include: Option<&[String]>,
    exclude: &[String],
) -> Result<Vec<bool>, UnknownPluginEntry> {
    let known: BTreeSet<&str> = handlers
        .iter()
        .map(|(p, _)| *p)
        .chain(plugins.iter().copied())
        .collect();
    let known_list = if known.is_empty() {
        "none".to_owned()
    } else {
        known.iter().copied().collect::<Vec<_>>().join(", ")
    };
    let validate = |list: &'static str, raw: &str| -> Result<(), UnknownPluginEntry> {
        let entry = parse_entry(raw);
        let error = |what: String| UnknownPluginEntry {
            list,
            entry: raw.to_owned(),
            what,
            known: known_list.clone(),
        };
        if !known.contains(entry.plugin) {
            return Err(error(format!("no plugin `{}` is registered", entry.plugin)));
        }
        if let Some(handler) = entry.handler
            && !handlers
                .iter()
                .any(|(p, h)| *p == entry.plugin && *h == handler)
        {
            return Err(error(format!(
                "plugin `{}` has no handler `{handler}`",
                entry.plugin
            )));
        }
        Ok(())
    };
    for entry in include.unwrap_or_default() {
        validate("include", entry)?;
    }
    for entry in exclude {
        validate("exclude", entry)?;
    }
    let include: Option<Vec<Entry<'_>>> =
        include.map(|list| list.iter().map(|e| parse_entry(e)).collect());
    let exclude: Vec<Entry<'_>> = exclude.iter().map(|e| parse_entry(e)).collect();
    Ok(handlers
        .iter()
        .map(|(plugin, handler)| {
            let included = include
                .as_ref()
                .is_none_or(|list| list.iter().any(|e| entry_matches(e, plugin, handler)));
            let excluded = exclude.iter().any(|e| entry_matches(e, plugin, handler));
            included && !excluded
        })
        .collect())
}

/// Links a plugin crate so its `#[handler]`s are registered.
///
/// No longer needed for a crate that exports a [`Plugin`] value: naming the value in `main`
/// (`App::new().plugin(my_plugins::Dice)`) links the crate. This stays for crates of bare
/// `#[handler]`s, and for old code.
///
/// `inventory` collects handlers when their crate is linked, and the linker drops library
/// crates the binary never mentions. Put this once in your binary (any module):
///
/// ```ignore
/// oxygram::link_plugins!(my_plugins, more_plugins);
/// ```
///
/// It expands to `use my_plugins as _;` per crate.
#[macro_export]
macro_rules! link_plugins {
    ($($krate:ident),+ $(,)?) => {
        $(
            #[allow(unused_imports)]
            use $krate as _;
        )+
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_names_from_module_paths() {
        assert_eq!(
            plugin_from_module_path("my_bot::plugins::admin::ban"),
            "admin"
        );
        assert_eq!(plugin_from_module_path("my_bot::plugins::admin"), "admin");
        assert_eq!(plugin_from_module_path("my_bot::greet"), "greet");
        assert_eq!(plugin_from_module_path("my_bot"), "my_bot");
        // `plugins` as the last segment: no plugin under it, use the last segment.
        assert_eq!(plugin_from_module_path("my_bot::plugins"), "plugins");
    }

    fn handlers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("admin", "ban"),
            ("admin", "kick"),
            ("greet", "hello"),
            ("echo", "echo"),
        ]
    }

    #[test]
    fn include_and_exclude() {
        let h = handlers();
        assert_eq!(select(&h, None, &[]).unwrap(), [true, true, true, true]);
        let inc = vec!["admin".to_owned(), "greet".to_owned()];
        assert_eq!(
            select(&h, Some(&inc), &[]).unwrap(),
            [true, true, true, false]
        );
        let exc = vec!["admin ban".to_owned()];
        assert_eq!(
            select(&h, Some(&inc), &exc).unwrap(),
            [false, true, true, false]
        );
        let inc_one = vec!["admin kick".to_owned()];
        assert_eq!(
            select(&h, Some(&inc_one), &[]).unwrap(),
            [false, true, false, false]
        );
        assert_eq!(
            select(&h, Some(&[]), &[]).unwrap(),
            [false, false, false, false]
        );
    }

    #[test]
    fn entries_naming_nothing_are_errors() {
        let h = handlers();
        let err = select(&h, Some(&["admn".to_owned()]), &[]).unwrap_err();
        assert_eq!(err.list, "include");
        assert!(err.to_string().contains("no plugin `admn`"), "{err}");
        assert!(err.to_string().contains("admin, echo, greet"), "{err}");
        let err = select(&h, None, &["admin unban".to_owned()]).unwrap_err();
        assert!(
            err.to_string()
                .contains("plugin `admin` has no handler `unban`"),
            "{err}"
        );
        assert!(select(&h, None, &["".to_owned()]).is_err());
    }
}
