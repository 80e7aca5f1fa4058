//! The routing table: which handlers an update is offered to, and in what order.
//!
//! Built once at startup from the handler specs. Per kind, handlers are kept in one order:
//! by group, then by declaration (file, line, name). Command handlers are indexed by
//! command name in a hash map, so an update's candidates are "the handlers of its command"
//! merged with "the handlers without a command trigger"; the other command handlers are
//! never looked at. That keeps the cost per update independent of how many commands exist.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use grammers_client::update::Update;
use regex::Regex;

use super::error_hook::{ErrorHook, HandlerFailure};
use super::{DispatchError, UpdateContext};
use crate::context::{Incoming, Matched, Route, Shared, kind_of};
use crate::extract::{Captures, ServiceAction, StartupContext};
use crate::filters::Filter;
use crate::handler::{HandlerError, HandlerSpec, Kind, Outcome, Trigger};
use crate::middleware::{Handlers, Middleware, Next, Ran, Routed};
use crate::plugin;
use crate::util::{BoxFuture, panic_message};

/// How a handler's trigger is tested, compiled at startup.
enum Matcher {
    /// No trigger, or commands (already selected by the command index).
    Always,
    /// A regex on the text; its captures are extractable.
    Regex(Regex, Arc<HashMap<String, usize>>),
    /// Callback data equal to these bytes.
    CallbackExact(Vec<u8>),
    /// Callback data starting with these bytes (`prefix*`).
    CallbackPrefix(Vec<u8>),
    /// A service message with this action name.
    ServiceAction(&'static str),
}

/// One handler, ready to route to.
pub(crate) struct Entry {
    pub(crate) spec: HandlerSpec,
    pub(crate) plugin: Arc<str>,
    filter: Filter,
    sees_outgoing: bool,
    matcher: Matcher,
}

/// The handlers of one kind.
#[derive(Default)]
struct KindTable {
    /// Command name → entries, in routing order.
    commands: HashMap<String, Vec<u32>>,
    /// Entries without a command trigger, in routing order.
    others: Vec<u32>,
}

/// Routes updates to handlers with Pyrogram's group semantics.
///
/// # Order
/// Handlers are grouped by `group = N` (default 0). Groups run in ascending order. Within a
/// group, handlers with a trigger (`command`, `regex`, `callback`, `inline`) are tried before
/// catch-alls without one, each in declaration order (by file, then line), and the **first
/// one that matches runs**; the others in that group are skipped. (Trying triggers first
/// keeps a `message` catch-all declared in another file from swallowing `/commands`.) Then
/// the next group gets the update. A handler changes this by returning a [`Propagation`](crate::handler::Propagation):
/// `Continue` lets the next matching handler of its own group run too, `Stop` ends routing
/// (no later group sees the update).
///
/// ```
/// use oxygram::prelude::*;
///
/// /// Group -1 runs first, for every message (say, to log it); returning `()` lets the
/// /// next group run.
/// #[handler(message, group = -1)]
/// async fn log_all(msg: Message) {
///     println!("message {}", msg.id());
/// }
///
/// /// Group 0: `/start`. Tried before `chat` because it has a trigger.
/// #[handler(command = "start")]
/// async fn start(msg: Message) -> Result<()> {
///     msg.reply("Hello!").await?;
///     Ok(())
/// }
///
/// /// Group 0: any other text. Never sees `/start`: group 0 already had its match.
/// #[handler(message, filter = text)]
/// async fn chat(msg: Message) -> Result<()> {
///     msg.reply("I only know /start").await?;
///     Ok(())
/// }
///
/// /// Group 1: `/stop` ends routing here, so `count` (group 2) never sees it.
/// #[handler(command = "stop", group = 1)]
/// async fn stop(msg: Message) -> Result<Propagation> {
///     msg.reply("stopping here").await?;
///     Ok(Propagation::Stop)
/// }
///
/// /// Group 2: sees every message but `/stop`.
/// #[handler(message, group = 2)]
/// async fn count(state: State<std::sync::atomic::AtomicU64>) {
///     state.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
/// }
/// # fn main() {}
/// ```
///
/// Own outgoing messages are skipped for handlers that did not ask for them (see
/// [`crate::filters`]).
pub struct Router {
    entries: Vec<Entry>,
    tables: [KindTable; Kind::ALL.len()],
    pub(crate) shared: Arc<Shared>,
    on_error: Option<ErrorHook>,
    middleware: Vec<Arc<dyn Middleware>>,
}

/// Order of entries: group; within a group, handlers with a trigger before catch-alls;
/// then declaration (file, line).
fn order_key(spec: &HandlerSpec) -> (i32, bool, &'static str, u32, &'static str) {
    (
        spec.group,
        spec.trigger == Trigger::None,
        spec.file,
        spec.line,
        spec.name,
    )
}

impl Router {
    /// Builds the routing table from `specs`, checking everything that can be checked before
    /// the first update: include/exclude, duplicate commands, regexes, extractor checks.
    pub(crate) fn build(
        specs: Vec<HandlerSpec>,
        mut shared: Shared,
        on_error: Option<ErrorHook>,
        middleware: Vec<Arc<dyn Middleware>>,
    ) -> Result<(Self, Vec<RegisteredHandler>), DispatchError> {
        let mut specs = specs;
        specs.sort_by(|a, b| order_key(a).cmp(&order_key(b)));

        let names: Vec<(&str, &str)> = specs
            .iter()
            .map(|s| (plugin::plugin_name(s), s.name))
            .collect();
        let enabled = plugin::select_among(
            &names,
            &shared.plugin_values,
            shared.config.plugins.include.as_deref(),
            &shared.config.plugins.exclude,
        )?;

        // Seeded with the sections plugin values registered (loaded before the connection).
        let plugin_configs = Mutex::new(std::mem::take(&mut shared.plugin_configs));
        let mut entries = Vec::new();
        let mut registered = Vec::new();
        for (spec, enabled) in specs.into_iter().zip(enabled) {
            let plugin_name = plugin::plugin_name(&spec);
            registered.push(RegisteredHandler {
                spec,
                plugin: plugin_name,
                enabled,
            });
            if !enabled {
                continue;
            }
            let startup = StartupContext::new(
                spec.info(),
                plugin_name,
                &shared.config,
                &shared.states,
                &plugin_configs,
            );
            (spec.check)(&startup)?;
            let matcher = compile_matcher(&spec)?;
            let filter = (spec.filter)();
            if matches!(spec.kind, Kind::NewMessage | Kind::EditedMessage) && filter.only_service()
            {
                return Err(DispatchError::ServiceFilterOnMessages {
                    handler: describe_spec(&spec, plugin_name),
                });
            }
            let sees_outgoing = spec.outgoing || filter.mentions_outgoing();
            entries.push(Entry {
                spec,
                plugin: Arc::from(plugin_name),
                filter,
                sees_outgoing,
                matcher,
            });
        }
        shared.plugin_configs = plugin_configs
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());

        let mut tables: [KindTable; Kind::ALL.len()] =
            std::array::from_fn(|_| KindTable::default());
        let mut seen_commands: HashMap<(Kind, i32, String), usize> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let index = u32::try_from(index).expect("fewer than 4 billion handlers");
            // Raw handlers see every update (Pyrogram's RawUpdateHandler), so they are part
            // of every kind's table, in their group's place.
            let kinds: &[Kind] = if entry.spec.kind == Kind::Raw {
                &Kind::ALL
            } else {
                std::slice::from_ref(&entry.spec.kind)
            };
            for &kind in kinds {
                let table = &mut tables[kind.index()];
                match entry.spec.trigger {
                    Trigger::Commands(commands) => {
                        for command in commands {
                            let command = command.to_lowercase();
                            let key = (kind, entry.spec.group, command.clone());
                            if let Some(&first) = seen_commands.get(&key) {
                                let first = &entries[first];
                                return Err(DispatchError::DuplicateCommand {
                                    command,
                                    group: entry.spec.group,
                                    first: describe(first),
                                    second: describe(entry),
                                });
                            }
                            seen_commands.insert(key, index as usize);
                            table.commands.entry(command).or_default().push(index);
                        }
                    }
                    _ => table.others.push(index),
                }
            }
        }

        Ok((
            Router {
                entries,
                tables,
                shared: Arc::new(shared),
                on_error,
                middleware,
            },
            registered,
        ))
    }

    /// The enabled handlers, in routing order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Wraps an update into the update-wide context (parses the command once).
    pub fn context(&self, update: Update) -> UpdateContext {
        let kind = kind_of(&update);
        let command = match &update {
            Update::NewMessage(m) | Update::MessageEdited(m) => self.shared.parser.parse(m.text()),
            _ => None,
        };
        UpdateContext::new(Arc::new(Incoming {
            update,
            kind,
            command,
            shared: Arc::clone(&self.shared),
        }))
    }

    /// Runs the update through the middleware, then offers it to the handlers, in order,
    /// and runs the ones that match. Returns how many handlers ran.
    pub async fn route(&self, cx: &UpdateContext) -> usize {
        if self.middleware.is_empty() {
            return self.route_handlers(cx, None).await;
        }
        // Boxed: only apps with middleware pay for the chain's futures.
        Box::pin(Next::new(&self.middleware, self).run(cx.clone()))
            .await
            .ran()
    }

    /// Offers the update to the handlers, in order, runs the ones that match, and records in
    /// `report` (when middleware want it) how each ended.
    async fn route_handlers(&self, cx: &UpdateContext, mut report: Option<&mut Routed>) -> usize {
        let table = &self.tables[cx.kind().index()];
        let commands: &[u32] = cx
            .command()
            .and_then(|c| table.commands.get(&c.name))
            .map_or(&[], Vec::as_slice);
        let others = table.others.as_slice();
        let outgoing = cx.message().is_some_and(|m| m.outgoing());

        let (mut i, mut j) = (0, 0);
        let mut ran = 0;
        // The group whose first match already ran: later candidates of it are skipped.
        let mut done_group: Option<i32> = None;
        loop {
            // Merge the two index lists: indices are in routing order already.
            let index = match (commands.get(i), others.get(j)) {
                (Some(&a), Some(&b)) if a < b => {
                    i += 1;
                    a
                }
                (_, Some(&b)) => {
                    j += 1;
                    b
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (None, None) => break,
            };
            let entry = &self.entries[index as usize];
            if done_group == Some(entry.spec.group) {
                continue;
            }
            if outgoing && !entry.sees_outgoing {
                continue;
            }
            let Some(matched) = self.matches_trigger(entry, cx) else {
                continue;
            };
            let cx = cx.with_route(Route {
                handler: entry.spec.name,
                plugin: Arc::clone(&entry.plugin),
                matched,
            });
            let passes = match entry.filter.matches_sync(&cx) {
                Some(passes) => passes,
                // Boxed, like the rare paths below: an inline future would grow every
                // routed update's future (moved on each spawn) by its size.
                None => Box::pin(entry.filter.matches(&cx)).await,
            };
            if !passes {
                continue;
            }
            let outcome = AssertUnwindSafe((entry.spec.call)(cx.clone()))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| {
                    Outcome::Failed(HandlerError::Panicked(panic_message(&panic)))
                });
            if let Some(report) = report.as_deref_mut() {
                let ran = match &outcome {
                    Outcome::Failed(error) => Some(Ran::Failed(error.clone())),
                    Outcome::Rejected(rejection) if rejection.is_usage() => Some(Ran::Usage),
                    Outcome::Rejected(_) => None,
                    _ => Some(Ran::Ok),
                };
                if let Some(ran) = ran {
                    report.handlers.push((entry.spec.name, ran));
                }
            }
            match outcome {
                Outcome::Handled => {
                    ran += 1;
                    done_group = Some(entry.spec.group);
                }
                Outcome::Continue => ran += 1,
                Outcome::Stop => {
                    ran += 1;
                    break;
                }
                Outcome::Failed(error) => {
                    ran += 1;
                    done_group = Some(entry.spec.group);
                    Box::pin(self.report_failure(entry, &cx, error)).await;
                }
                Outcome::Rejected(rejection) => {
                    if rejection.is_usage() {
                        done_group = Some(entry.spec.group);
                        Box::pin(self.reply_usage(&cx, &rejection, entry.spec.usage)).await;
                    } else {
                        tracing::trace!(
                            handler = entry.spec.name,
                            plugin = &*entry.plugin,
                            %rejection,
                            "handler skipped"
                        );
                    }
                }
            }
        }
        ran
    }

    /// Whether the entry's trigger matches, and what it captured.
    fn matches_trigger(&self, entry: &Entry, cx: &UpdateContext) -> Option<Matched> {
        match &entry.matcher {
            Matcher::Always => Some(Matched::Nothing),
            Matcher::Regex(re, names) => {
                let text = cx.text()?;
                let caps = re.captures(text)?;
                Some(Matched::Captures(Arc::new(Captures::from_regex(
                    &caps,
                    Arc::clone(names),
                ))))
            }
            Matcher::CallbackExact(want) => {
                let data = cx.callback_query()?.data();
                (data == want.as_slice()).then_some(Matched::Nothing)
            }
            Matcher::CallbackPrefix(prefix) => {
                let data = cx.callback_query()?.data();
                data.starts_with(prefix)
                    .then_some(Matched::CallbackRest(prefix.len()))
            }
            Matcher::ServiceAction(name) => (ServiceAction::of_message(cx.message()?)?.name()
                == *name)
                .then_some(Matched::Nothing),
        }
    }

    async fn report_failure(&self, entry: &Entry, cx: &UpdateContext, error: HandlerError) {
        tracing::error!(
            handler = entry.spec.name,
            plugin = &*entry.plugin,
            update = %cx.summary(),
            %error,
            "handler failed"
        );
        if let Some(hook) = &self.on_error {
            let failure = HandlerFailure {
                handler: entry.spec.name,
                plugin: entry.plugin.to_string(),
                error,
                context: cx.clone(),
            };
            if let Err(panic) = AssertUnwindSafe(hook.call(failure)).catch_unwind().await {
                tracing::error!(panic = %panic_message(&panic), "the error hook panicked");
            }
        }
    }

    async fn reply_usage(
        &self,
        cx: &UpdateContext,
        rejection: &crate::extract::Rejection,
        names: &[&str],
    ) {
        let (Some(message), Some(command)) = (cx.message(), cx.command()) else {
            return;
        };
        let written = format!("{}{}", command.prefix, command.name);
        let Some(text) = rejection.usage_reply_named(&written, names) else {
            return;
        };
        tracing::debug!(handler = cx.handler_name(), %rejection, "replying with usage");
        // Through the throttle, like the handlers' own replies.
        let reply = cx
            .throttle()
            .send(message.peer_id(), 1, message.reply(text));
        if let Err(e) = reply.await {
            tracing::warn!(handler = cx.handler_name(), error = %e, "could not send the usage reply");
        }
    }
}

/// One row of the startup table.
#[derive(Debug, Clone)]
pub struct RegisteredHandler {
    /// The handler.
    pub spec: HandlerSpec,
    /// Its plugin.
    pub plugin: &'static str,
    /// Whether include/exclude left it on.
    pub enabled: bool,
}

fn describe(entry: &Entry) -> String {
    describe_spec(&entry.spec, &entry.plugin)
}

fn describe_spec(spec: &HandlerSpec, plugin: &str) -> String {
    format!(
        "`{}` (plugin `{}`, {}:{})",
        spec.name, plugin, spec.file, spec.line
    )
}

fn compile_matcher(spec: &HandlerSpec) -> Result<Matcher, DispatchError> {
    let regex = |pattern: &'static str| {
        Regex::new(pattern).map_err(|e| DispatchError::BadRegex {
            handler: format!("`{}` ({}:{})", spec.name, spec.file, spec.line),
            pattern,
            error: e.to_string(),
        })
    };
    let names = |re: &Regex| {
        Arc::new(
            re.capture_names()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (n.to_owned(), i)))
                .collect::<HashMap<_, _>>(),
        )
    };
    Ok(match spec.trigger {
        Trigger::None | Trigger::Commands(_) => Matcher::Always,
        Trigger::Regex(pattern) | Trigger::Inline(pattern) => {
            let re = regex(pattern)?;
            let names = names(&re);
            Matcher::Regex(re, names)
        }
        Trigger::Callback(pattern) => match pattern.strip_suffix('*') {
            Some(prefix) => Matcher::CallbackPrefix(prefix.as_bytes().to_vec()),
            None => Matcher::CallbackExact(pattern.as_bytes().to_vec()),
        },
        Trigger::Service(name) => {
            if !crate::extract::SERVICE_ACTION_NAMES.contains(&name) {
                return Err(DispatchError::UnknownServiceAction {
                    handler: spec.name,
                    action: name,
                });
            }
            Matcher::ServiceAction(name)
        }
    })
}

impl Handlers for Router {
    fn route(&self, cx: UpdateContext) -> BoxFuture<'_, Routed> {
        Box::pin(async move {
            let mut routed = Routed::default();
            self.route_handlers(&cx, Some(&mut routed)).await;
            routed
        })
    }
}
