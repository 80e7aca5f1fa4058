//! The startup table: what is registered, so nobody wonders whether a handler was linked.

use std::fmt::Write;

use super::RegisteredHandler;

/// Renders the table (plugin, handler, kind, trigger, group, status).
pub(crate) fn render(handlers: &[RegisteredHandler]) -> String {
    let header = ["plugin", "handler", "kind", "trigger", "group", "status"];
    let rows: Vec<[String; 6]> = handlers
        .iter()
        .map(|h| {
            [
                h.plugin.to_owned(),
                h.spec.name.to_owned(),
                h.spec.kind.to_string(),
                h.spec.trigger.to_string(),
                h.spec.group.to_string(),
                if h.enabled { "on" } else { "excluded" }.to_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let _ = write!(out, "{cell:<w$}");
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells);
    }
    out
}

pub(crate) fn log_startup_table(handlers: &[RegisteredHandler], explicit: bool) {
    if handlers.is_empty() {
        if explicit {
            tracing::warn!("no handler was given: every update will be ignored");
        } else {
            tracing::warn!(
                "no #[handler] is registered: every update will be ignored. Handlers in a \
                 library crate are only linked if the binary uses the crate: add \
                 `oxygram::link_plugins!(your_crate);`"
            );
        }
        return;
    }
    let enabled = handlers.iter().filter(|h| h.enabled).count();
    if enabled == 0 {
        tracing::warn!(
            "[plugins] include/exclude disabled every handler: every update will be ignored"
        );
    }
    tracing::info!(
        "{enabled} of {} handlers enabled:\n{}",
        handlers.len(),
        render(handlers)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::{HandlerSpec, Kind, Outcome, Trigger};

    fn call(_: crate::context::UpdateContext) -> crate::handler::BoxFuture<'static, Outcome> {
        Box::pin(async { Outcome::Handled })
    }

    fn row(
        name: &'static str,
        plugin: &'static str,
        trigger: Trigger,
        group: i32,
        enabled: bool,
    ) -> RegisteredHandler {
        RegisteredHandler {
            spec: HandlerSpec::builder(name, Kind::NewMessage, call)
                .module_path("bot::plugins::x")
                .trigger(trigger)
                .group(group)
                .location("x.rs", 1)
                .build(),
            plugin,
            enabled,
        }
    }

    #[test]
    fn the_table_aligns_columns_and_marks_excluded_handlers() {
        let table = render(&[
            row(
                "start",
                "greet",
                Trigger::Commands(&["start", "go"]),
                0,
                true,
            ),
            row(
                "ban",
                "administration",
                Trigger::Commands(&["ban"]),
                -1,
                false,
            ),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines,
            [
                "plugin          handler  kind     trigger     group  status",
                "greet           start    message  /start /go  0      on",
                "administration  ban      message  /ban        -1     excluded",
            ]
        );
    }
}
