//! The `#[handler]` attribute of oxygram.
//!
//! Users depend on `oxygram`, which re-exports [`macro@handler`]; the documentation of the
//! attribute lives here.

#![warn(missing_docs)]

mod errors;
mod expand;
mod filter;
mod options;
mod signature;
mod suggest;
mod validate;

use proc_macro::TokenStream;

/// Registers an `async fn` as a handler of Telegram updates.
///
/// The function stays exactly as written (call it from your own tests); the attribute adds a
/// registration that `inventory` collects at link time, so an app never lists its handlers.
/// Every argument is an extractor (`FromUpdate`) and the return value says how the update
/// was handled.
///
/// ```
/// use oxygram::handler;
/// use oxygram::prelude::*;
///
/// #[handler(command = "start", description = "Say hello")]
/// async fn start(msg: Message) -> Result<()> {
///     msg.reply("Hello!").await?;
///     Ok(())
/// }
///
/// #[handler(command = "roll", description = "Roll dice: /roll <count> <sides>")]
/// async fn roll(msg: Message, Args((count, sides)): Args<(u8, u32)>) -> Result<()> {
///     msg.reply(format!("rolling {count}d{sides}")).await?;
///     Ok(())
/// }
///
/// #[handler(message, filter = text & private & !me)]
/// async fn echo(msg: Message) -> Result<()> {
///     msg.reply(msg.text()).await?;
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// # Options
///
/// Exactly one **kind** says which updates the handler receives. A **trigger** narrows it
/// down and implies its kind, so `#[handler(command = "start")]` needs no `message`.
///
/// | option | receives | trigger |
/// |---|---|---|
/// | `message` | new messages | |
/// | `edited` | edited messages | |
/// | `deleted` | deleted messages | |
/// | `callback_query` | inline keyboard button presses | |
/// | `inline_query` | inline queries (`@bot query`) | |
/// | `chosen_inline` | a chosen inline result | |
/// | `raw` | every update, as the raw TL object | |
/// | `service` | service messages: joins, leaves, pins, titles, photos, migration | |
/// | `chat_member` | membership changes (`ChatMemberUpdated`) | |
/// | `join_request` | requests to join a chat the bot admins (`JoinRequest`) | |
/// | `bot_stopped` | a user stopped or restarted the bot (`BotStopped`) | |
/// | `command = "start"` | new messages | `/start`, `/start@ThisBot`, with arguments |
/// | `commands = ["start", "help"]` | new messages | any of the commands |
/// | `regex = "^hi (\\w+)$"` | new messages | text matching the regex (captures extractable) |
/// | `callback = "vote:*"` | button presses | callback data: exact, or a prefix then `*` |
/// | `inline = "^gif "` | inline queries | query text matching the regex |
/// | `service = "new_chat_members"` | service messages | the action, by its Bot API name |
///
/// Service messages go to `service` handlers only, never to `message` handlers (so an echo
/// handler does not answer a join). The actions `service = ".."` takes: `new_chat_members`,
/// `left_chat_member`, `pinned_message`, `new_chat_title`, `new_chat_photo`,
/// `delete_chat_photo`, `group_chat_created`, `channel_chat_created`, `migrate_to_chat_id`,
/// `migrate_from_chat_id`, `other`; read the details with the `ServiceAction` extractor.
///
/// ```
/// use oxygram::prelude::*;
///
/// #[handler(service = "new_chat_members")]
/// async fn welcome(msg: Message) -> Result<()> {
///     msg.reply("Welcome!").await?;
///     Ok(())
/// }
///
/// #[handler(join_request)]
/// async fn gate(request: JoinRequest) -> Result<()> {
///     request.approve().await?;
///     Ok(())
/// }
///
/// #[handler(bot_stopped)]
/// async fn unsubscribe(event: BotStopped) {
///     let _ = (event.user_id, event.stopped);
/// }
/// # fn main() {}
/// ```
///
/// And, for any kind:
///
/// | option | meaning | default |
/// |---|---|---|
/// | `filter = <expr>` | a filter expression (see Filters) the update must pass | every update |
/// | `group = <i32>` | the group (see Groups) the handler runs in | `0` |
/// | `description = ".."` | help text; bots send command descriptions to Telegram's menu | none |
/// | `plugin = ".."` | the plugin (see Plugins), instead of the module's name | module |
/// | `name = ".."` | the handler's name in logs and `Bot.toml` | the fn name |
/// | `outgoing` | also receive the account's own outgoing messages | off |
///
/// ```
/// # use oxygram::handler;
/// # use oxygram::prelude::*;
/// #[handler(commands = ["help", "about"], description = "What this bot does")]
/// async fn help(msg: Message) -> Result<()> {
///     msg.reply("I roll dice.").await?;
///     Ok(())
/// }
///
/// // `/hi Alice`: the captures are extracted by name or position.
/// #[handler(regex = r"^hi (?P<name>\w+)$")]
/// async fn hi(msg: Message, captures: Captures) -> Result<()> {
///     let name = captures.name("name").unwrap_or("stranger");
///     msg.reply(format!("Hi {name}!")).await?;
///     Ok(())
/// }
///
/// // A button with callback data `vote:up` or `vote:down`: `CallbackData` is the `*` part.
/// #[handler(callback = "vote:*", group = 1)]
/// async fn vote(query: CallbackQuery, CallbackData(choice): CallbackData<String>) -> Result<()> {
///     query.answer().text(format!("You voted {choice}")).send().await?;
///     Ok(())
/// }
///
/// #[handler(inline = "^gif ")]
/// async fn gifs(query: InlineQuery) {
///     let _ = query.text();
/// }
///
/// #[handler(edited, outgoing, name = "audit_edits", plugin = "audit")]
/// async fn edits(msg: Message) {
///     let _ = msg.id();
/// }
///
/// #[handler(deleted)]
/// async fn deletions(deletion: MessageDeletion) {
///     let _ = deletion.messages();
/// }
///
/// #[handler(callback_query)]
/// async fn any_button(query: CallbackQuery) -> Result<()> {
///     query.answer().send().await?;
///     Ok(())
/// }
///
/// #[handler(inline_query)]
/// async fn any_query(query: InlineQuery) {
///     let _ = query.text();
/// }
///
/// #[handler(chosen_inline)]
/// async fn chosen(result: InlineSend) {
///     let _ = result.result_id();
/// }
///
/// // Everything grammers does not expose as a typed update: chat member changes, statuses...
/// #[handler(raw)]
/// async fn everything(RawUpdate(update): RawUpdate) {
///     let _ = update;
/// }
/// # fn main() {}
/// ```
///
/// ## Checked when compiling
///
/// Mistakes that would otherwise only show at startup, or silently never match, are compile
/// errors on the offending token:
/// - command names are 1 to 32 characters of `a-z`, `0-9` and `_` (Telegram's rule).
///   Write them without prefix: the prefixes (`/` by default) are set in `Bot.toml`, and
///   matching is case-insensitive, so `"Start"` and `"/start"` are refused with a suggestion;
/// - `regex` and `inline` are compiled with the `regex` crate, whose message is shown;
/// - a `callback` pattern is not empty, uses `*` only at its end, and fits in Telegram's 64
///   bytes of callback data;
/// - a command's `description` fits Telegram's 256 characters;
/// - options are known (with a suggestion for a typo), not repeated, and do not conflict:
///   one kind, one trigger, and a trigger only with its own kind.
///
/// # Filters
///
/// `filter = <expr>` combines filters with `&` (and), `|` (or), `!` (not) and parentheses,
/// with Rust's precedence (`!` before `&` before `|`). `&&` and `||` are refused: filters
/// are not booleans. A leaf is one of:
/// - a built-in filter: `private group channel incoming outgoing me bot text caption reply
///   forwarded media photo video document audio voice video_note sticker animation contact
///   location venue poll dice mentioned via_bot service`;
/// - `user(..)` with user ids and usernames (`user(1234, "alice", ADMIN_ID)`: integer
///   literals or `i64` constants for ids, string literals for usernames, `@` optional) or
///   `chat(..)` with chat ids (`chat(-1001234567890, NEWS_CHAT)`);
/// - your own filter, by name or path: a `fn(&UpdateContext) -> bool`,
///   `fn(&Message) -> bool` (false on updates that are not messages), an
///   `async fn(UpdateContext) -> bool` or `async fn(Message) -> bool`, or an expression that
///   returns a `Filter` (`checks::word("hi")`).
///
/// A built-in name always means the built-in; reach your own function of the same name with a
/// path (`self::text`). An unknown name is rustc's "cannot find value", on that name, with a
/// suggestion when it is close to a built-in; a function with the wrong signature is reported
/// on that leaf.
///
/// ```
/// # use oxygram::handler;
/// # use oxygram::prelude::*;
/// fn is_question(msg: &Message) -> bool {
///     msg.text().ends_with('?')
/// }
///
/// async fn is_admin(cx: UpdateContext) -> bool {
///     cx.sender_id().is_some_and(|id| id.bare_id() == Some(1234))
/// }
///
/// mod checks {
///     use oxygram::prelude::*;
///
///     /// A filter built from an argument.
///     pub fn word(word: &'static str) -> Filter {
///         Filter::from_fn(move |cx| cx.text().is_some_and(|text| text.contains(word)))
///     }
/// }
///
/// #[handler(message, filter = text & (private | mentioned) & !forwarded & is_question)]
/// async fn answer(msg: Message) {
///     let _ = msg;
/// }
///
/// #[handler(command = "ban", filter = is_admin | user(42, "@alice"))]
/// async fn ban(msg: Message) {
///     let _ = msg;
/// }
///
/// #[handler(message, filter = chat(-1001234567890) & (photo | video) & checks::word("#daily"))]
/// async fn daily(msg: Message) {
///     let _ = msg;
/// }
/// # fn main() {}
/// ```
///
/// # Outgoing messages
///
/// The account's own messages arrive as updates too (for a userbot, everything it sends).
/// Handlers do not see them unless they ask: with the `outgoing` flag, or with a filter that
/// mentions the `outgoing` or `me` built-in (`filter = outgoing & text`).
///
/// # Groups and propagation
///
/// Pyrogram's rules: for each update, groups run in ascending `group` order (default 0, may
/// be negative or an `i32` constant); within a group, the first handler whose kind, trigger
/// and filter match runs, and the next group gets its turn. A handler returning
/// `Propagation::Continue` lets the next matching handler of its own group run as well;
/// `Propagation::Stop` ends the update there, skipping later groups.
///
/// ```
/// # use oxygram::handler;
/// # use oxygram::prelude::*;
/// const LOGGING: i32 = -10;
///
/// // Runs first for every message, and lets the group's other handlers run too.
/// #[handler(message, group = LOGGING)]
/// async fn log(msg: Message) -> Propagation {
///     println!("{}", msg.text());
///     Propagation::Continue
/// }
///
/// // Group 0: answers `/start` and stops, so group 1 never sees it.
/// #[handler(command = "start")]
/// async fn start(msg: Message) -> Result<Propagation> {
///     msg.reply("Hello!").await?;
///     Ok(Propagation::Stop)
/// }
///
/// #[handler(message, group = 1)]
/// async fn stats(msg: Message) {
///     let _ = msg;
/// }
/// # fn main() {}
/// ```
///
/// # Arguments
///
/// Each argument's type is an extractor: it implements `FromUpdate`, which builds the value
/// from the update (or refuses it, and the handler does not run) and checks at startup what
/// it can (a `State<T>` that was never registered is a startup error, not a per-update one).
/// The built-in extractors (module `oxygram::extract`): `Message`, `CallbackQuery`,
/// `InlineQuery`, `InlineSend`, `MessageDeletion`, `Update`, `RawUpdate<T>`, `Client`, `Chat`,
/// `Sender`, `Text`, `CommandArgs`, `Args<T>`, `Captures`, `CallbackData<T>`, `State<T>`,
/// `PluginConfig<T>`, `Me`, and `Option<T>` of any of them; implement `FromUpdate` for your own.
/// The prelude's `Message` is `oxygram::Message`: its `reply`, `respond` and `forward_to`
/// wait for the app's throttle (Telegram's sending limits, `[throttle]` in `Bot.toml`), and
/// it derefs to grammers' message for everything else; the prelude's `Client` throttles its
/// `send_message` and `forward_messages` the same way. `oxygram::grammers::update::Message`
/// and `oxygram::grammers::Client` are grammers' own and send without waiting.
/// Patterns work as in any function: `Args((count, sides)): Args<(u8, u32)>`. A type that is
/// not an extractor is a compile error on that type, listing the extractors. Arguments are
/// taken by value, never by reference, and the handler cannot be generic or a method.
///
/// ```
/// # use oxygram::handler;
/// # use oxygram::prelude::*;
/// struct Catalog;
///
/// #[handler(command = "find")]
/// async fn find(
///     msg: Message,
///     CommandArgs(query): CommandArgs,
///     catalog: State<Catalog>,
///     Sender(sender): Sender,
///     client: Client,
/// ) -> Result<()> {
///     let _ = (catalog, sender, client);
///     msg.reply(format!("searching {query}")).await?;
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// # Return types
///
/// `()`, `Result<(), E>` for any `E: Display` (the prelude's `Result<()>` takes `?` on any
/// error), `Propagation`, or `Result<Propagation, E>`. Errors (and panics) are logged
/// with the handler, plugin and update, passed to the app's error hook, and never stop the
/// app. Any other type is a compile error on the return type.
///
/// # Plugins and names
///
/// A handler belongs to the plugin named by `plugin = ".."`, or else to the module it is
/// declared in (`my_bot::plugins::admin` → `admin`). Its name is the function's, or
/// `name = ".."`. `Bot.toml` switches plugins and single handlers on and off by these names
/// (`exclude = ["admin", "greet say_hi"]`), so neither may contain whitespace.
///
/// # Expansion
///
/// Next to the function (unchanged but for `#[allow(clippy::unused_async)]`: a handler must
/// be `async` even when it awaits nothing), `#[handler]` writes what you could write by hand: a
/// `const _: () = { .. };` block with `__call` (extract each argument, call the function,
/// turn its return value into an outcome), `__filter` (the filter tree), `__check` (each
/// extractor's startup check) and an `inventory::submit!` of a `HandlerSpec` pointing at
/// them. For `#[handler(command = "roll", group = 1)] async fn roll(msg: Message,
/// Args((n, sides)): Args<(u8, u32)>) -> Result<()>`:
///
/// ```rust,ignore
/// const _: () = {
///     use ::oxygram::__private as __o;
///
///     fn __call(cx: __o::UpdateContext) -> __o::BoxFuture<'static, __o::Outcome> {
///         Box::pin(async move {
///             let __arg0 = match <Message as __o::FromUpdate>::from_update(&cx).await {
///                 Ok(value) => value,
///                 Err(rejection) => return __o::Outcome::rejected(rejection),
///             };
///             let __arg1 = /* the same for Args<(u8, u32)> */;
///             __o::IntoOutcome::into_outcome(roll(__arg0, __arg1).await)
///         })
///     }
///
///     fn __filter() -> __o::Filter {
///         __o::Filter::always() // `filter = text & !me` gives Filter::and(.., Filter::not(..))
///     }
///
///     fn __check(startup: &__o::StartupContext<'_>) -> Result<(), __o::StartupError> {
///         <Message as __o::FromUpdate>::check(startup)?;
///         <Args<(u8, u32)> as __o::FromUpdate>::check(startup)?;
///         Ok(())
///     }
///
///     __o::inventory::submit! {
///         __o::HandlerSpec {
///             name: "roll",
///             module_path: module_path!(),
///             plugin: None,
///             kind: __o::Kind::NewMessage,
///             trigger: __o::Trigger::Commands(&["roll"]),
///             filter: __filter,
///             group: 1,
///             description: None,
///             outgoing: false,
///             file: file!(),
///             line: line!(),
///             check: __check,
///             call: __call,
///         }
///     }
/// };
/// ```
///
/// `#[cfg(..)]` on the function applies to the registration too. When the attribute
/// has an error, the function is still emitted, next to the error, so the rest of the crate
/// (and your IDE) keeps working.
#[proc_macro_attribute]
pub fn handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::handler(attr.into(), item.into()).into()
}

#[cfg(test)]
mod tests;
