//! Testing your bot: run its handlers in-process against a local Telegram, talk to it as
//! scripted users, and assert on what it did (cargo feature `testing`).
//!
//! ```toml
//! [dev-dependencies]
//! oxygram = { version = "0.1", features = ["testing"] }
//! tokio = { version = "1", features = ["full"] }
//! ```
//!
//! [`TestBot::start`] takes the [`App`] you would run (`App::new()`, plus whatever `state`,
//! `on_error`, `handlers` ... your `main` gives it), starts an in-process
//! [`oxygram_testkit`] (a real MTProto server on loopback) and starts the app against it
//! exactly as `run()` would: the same configuration loading (`./Bot.toml` if there is one:
//! your plugins' sections, dispatch settings and command prefixes apply), the same login
//! RPCs, update loop and dispatcher; only the `[telegram]` credentials and the session are
//! the local Telegram's. It is what `cargo run -- --sandbox` runs, with your test on the other
//! side instead of a terminal.
//!
//! The world holds the app's account and two people: in bot mode ([`TestBot::start`]) the
//! bot `@<session name>_bot`, you (`@you`, [`TestBot::user`]), `@bob`
//! ([`TestBot::other_user`]) and the basic group [`TestBot::group`] with all three, where
//! the bot has privacy mode on as on Telegram; in userbot mode ([`TestBot::start_userbot`])
//! the app's own account `@me` ([`TestBot::me`]: what it sends is typed "on your phone", so
//! `outgoing` handlers see it) and `@friend` ([`TestBot::user`]). [`TestBot::kit`] gives the
//! whole testkit for anything else (faults, groups, the RPC log).
//!
//! # Waiting without sleeping
//! Every wait ends on an event, never on a timer: [`TestUser::next_message`] returns when
//! the message arrives (failing after [`TestBot::timeout`], 10 s by default), and
//! [`TestBot::settle`] returns when the app is *quiet*: every update the local Telegram sent
//! the app has come out of its update stream and been handled (the handlers returned, error
//! hooks included). It asks the testkit to push a marker behind everything sent so far
//! ([`oxygram_testkit::quiet`]); the update loop drops the marker when it comes out of the
//! stream, and the dispatcher then reports when the handlers of the updates before it have
//! finished. If anything was dispatched meanwhile (a handler's own sends come back as
//! updates), it asks again. [`TestBot::expect_nothing_more`] settles, then fails if a user
//! received anything they have not read. What a handler does on its own later (a spawned
//! task that sleeps, a scheduled job) is not an update and is not waited for.
//!
//! # Errors
//! Handler errors and panics are recorded ([`TestBot::failures`]) through the app's error
//! hook; an `on_error` the app set still runs, after the recording.
//!
//! # Example
//! ```standalone_crate
//! use oxygram::prelude::*;
//! use oxygram::testing::TestBot;
//!
//! #[handler(command = "start")]
//! async fn start(msg: Message) -> Result<()> {
//!     let keyboard = ReplyMarkup::from_buttons(&[vec![Button::data("Ping", b"ping")]]);
//!     msg.reply(InputMessage::new().text("Hello!").reply_markup(keyboard)).await?;
//!     Ok(())
//! }
//!
//! #[handler(callback = "ping")]
//! async fn ping(query: CallbackQuery) -> Result<()> {
//!     query.answer().text("pong").send().await?;
//!     Ok(())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bot = TestBot::start(oxygram::App::new()).await?;
//! let you = bot.user();
//!
//! let sent = you.send("/start").await?;
//! let hello = you.next_message().await?;
//! assert_eq!(hello.text, "Hello!");
//! assert_eq!(hello.reply_to, Some(sent.id));
//!
//! let answer = you.press(&hello, "Ping").await?;
//! assert_eq!(answer.message.as_deref(), Some("pong"));
//!
//! bot.expect_nothing_more(&[&you]).await?;
//! assert!(bot.failures().is_empty());
//! bot.stop().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Only some handlers: `TestBot::start(App::new().handlers(oxygram::handlers![start]))`, or
//! filter [`HandlerSpec::registered`](crate::handler::HandlerSpec::registered) by name.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use oxygram_testkit::{
    Button, CallbackAnswer, Deletion, ObservedMessage, ScriptedUser, TestKit,
};

use crate::App;
use crate::dispatch::{ErrorHook, HandlerFailure};
use crate::runtime::quiet::Quiet;
use crate::sandbox::SandboxMode;
use crate::sandbox::world::{Account, Local};

/// How long waits wait unless [`TestBot::timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong in a test: the harness could not do something, or what was expected did
/// not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestError {
    /// The app failed to start or stop (its configuration, login, handlers...).
    #[error("the app under test failed: {0}")]
    App(#[from] crate::Error),
    /// The local Telegram refused a request or a wait timed out.
    #[error("{doing}: {source}")]
    Testkit {
        /// What the test was doing, e.g. "wait for the next message to @you".
        doing: String,
        /// The testkit's error.
        #[source]
        source: oxygram_testkit::Error,
    },
    /// [`TestUser::press`] found no button with that label.
    #[error("message {message} has no button labelled {label:?}; its buttons: {buttons:?}")]
    NoButton {
        /// The message's id.
        message: i32,
        /// The label asked for.
        label: String,
        /// The labels it has, row by row.
        buttons: Vec<Vec<String>>,
    },
    /// The app did not become quiet in time.
    #[error("the app was not quiet within {waited:?}: {why}")]
    NotQuiet {
        /// How long the test waited.
        waited: Duration,
        /// What it was waiting for.
        why: &'static str,
    },
    /// [`TestBot::expect_nothing_more`] found something a user had not read.
    #[error("expected nothing more, but {0}")]
    Unexpected(String),
}

/// Failures recorded through the error hook, shared with the hook.
type Failures = Arc<Mutex<Vec<HandlerFailure>>>;

/// The app under test, running against a local Telegram.
///
/// See the [module documentation](self) for a complete example.
pub struct TestBot {
    app: App,
    local: Local,
    quiet: Arc<Quiet>,
    failures: Failures,
    round: AtomicU32,
    timeout: Duration,
}

impl std::fmt::Debug for TestBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestBot")
            .field("account", &self.local.cast.app)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl TestBot {
    /// Starts `app` as a bot against a fresh local Telegram and waits until it is quiet.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), oxygram::testing::TestError> {
    /// let bot = oxygram::testing::TestBot::start(oxygram::App::new().state(42_u32)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn start(app: App) -> Result<TestBot, TestError> {
        Self::start_as(app, SandboxMode::Bot).await
    }

    /// Starts `app` as a user account (a userbot) against a fresh local Telegram.
    pub async fn start_userbot(app: App) -> Result<TestBot, TestError> {
        Self::start_as(app, SandboxMode::User).await
    }

    async fn start_as(mut app: App, mode: SandboxMode) -> Result<TestBot, TestError> {
        let failures = Failures::default();
        let recorded = Arc::clone(&failures);
        app.wrap_on_error(move |own| {
            ErrorHook::new(move |failure: HandlerFailure| {
                recorded
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(failure.clone());
                let own = own.clone();
                async move {
                    if let Some(own) = own {
                        own.call(failure).await;
                    }
                }
            })
        });
        let quiet = Quiet::new();
        app.watch_quiet(Arc::clone(&quiet));
        let (mut app, local) = Local::prepare(app, mode).await?;
        if let Err(error) = app.start().await {
            local.shutdown().await;
            return Err(error.into());
        }
        let bot = TestBot {
            app,
            local,
            quiet,
            failures,
            round: AtomicU32::new(0),
            timeout: DEFAULT_TIMEOUT,
        };
        bot.settle().await?;
        Ok(bot)
    }

    /// Sets how long waits wait before they fail (10 s unless set): the next message, an
    /// answer, quiet.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The app's username, without `@` (`<session name>_bot` for bots, `me` for userbots).
    pub fn username(&self) -> &str {
        &self.local.cast.app
    }

    /// Whether the app runs as a bot account (else a user account).
    pub fn is_bot(&self) -> bool {
        self.local.cast.account == Account::Bot
    }

    /// The person who chats with the app: `@you` (bot mode; [`TestUser::send`] writes to the
    /// bot), `@friend` (userbot mode; writes to the app's account `@me`).
    pub fn user(&self) -> TestUser {
        let to = self.local.cast.app.clone();
        self.test_user(&self.local.cast.observer, to)
    }

    /// The second person of the world, `@bob`, who chats with the bot too (bot mode only).
    pub fn other_user(&self) -> Option<TestUser> {
        let bob = self.local.cast.other.as_deref()?;
        Some(self.test_user(bob, self.local.cast.app.clone()))
    }

    /// The app's own account, scripted (userbot mode: [`TestUser::send`] types a message "on
    /// your phone" to `@friend`, which `outgoing` handlers see). In bot mode: the bot itself,
    /// writing first to `@you`, which Telegram refuses.
    pub fn me(&self) -> TestUser {
        let to = self.local.cast.observer.clone();
        self.test_user(&self.local.cast.app, to)
    }

    /// Any account of the world by `@username`, title or id, for [`TestUser::send_to`].
    pub fn user_named(&self, who: &str) -> Result<TestUser, TestError> {
        let user = self
            .local
            .kit
            .try_user(who)
            .map_err(testkit(format!("find {who}")))?;
        Ok(TestUser {
            user,
            name: who.trim_start_matches('@').to_owned(),
            to: self.local.cast.app.clone(),
            timeout: self.timeout,
        })
    }

    fn test_user(&self, name: &str, to: String) -> TestUser {
        TestUser {
            user: self.local.kit.user(name),
            name: name.to_owned(),
            to,
            timeout: self.timeout,
        }
    }

    /// The title of the group with `@you`, `@bob` and the bot (bot mode only).
    pub fn group(&self) -> Option<&str> {
        self.local.cast.group.as_deref()
    }

    /// The local Telegram itself: more accounts' views, faults, the RPC log.
    pub fn kit(&self) -> &TestKit {
        &self.local.kit
    }

    /// The running app (its client, `me`, the loaded configuration).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Every handler error or panic so far, oldest first.
    pub fn failures(&self) -> Vec<HandlerFailure> {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Takes the failures recorded so far (later calls see only newer ones).
    pub fn take_failures(&self) -> Vec<HandlerFailure> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits until the app is quiet: every update the local Telegram sent it so far has come
    /// out of its update stream and been handled (see the [module documentation](self)).
    pub async fn settle(&self) -> Result<(), TestError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let not_quiet = |why| TestError::NotQuiet {
            waited: self.timeout,
            why,
        };
        let activity = self
            .quiet
            .activity()
            .ok_or(not_quiet("the app has no dispatcher (it did not start)"))?;
        loop {
            tokio::time::timeout_at(deadline, activity.idle())
                .await
                .map_err(|_| not_quiet("handlers were still running"))?;
            let accepted = activity.accepted();
            let round = self.round.fetch_add(1, Ordering::Relaxed) + 1;
            let pushed = self
                .local
                .kit
                .push_quiet_marker(&self.local.cast.app, round)
                .map_err(testkit("push a quiet marker to the app".to_owned()))?;
            if !pushed {
                return Err(not_quiet(
                    "the app has no connection to the local Telegram (or pushes are paused)",
                ));
            }
            tokio::time::timeout_at(deadline, self.quiet.marker_seen(round))
                .await
                .map_err(|_| not_quiet("the updates sent to the app did not all come through"))?;
            tokio::time::timeout_at(deadline, activity.idle())
                .await
                .map_err(|_| not_quiet("handlers were still running"))?;
            if activity.accepted() == accepted {
                return Ok(());
            }
        }
    }

    /// Waits until the app is quiet ([`TestBot::settle`]), then fails if any of `users` has
    /// a message, edit, deletion or service message they have not taken with a `next_*`
    /// call: "the bot sent nothing else".
    pub async fn expect_nothing_more(&self, users: &[&TestUser]) -> Result<(), TestError> {
        self.settle().await?;
        let mut unexpected = Vec::new();
        for user in users {
            unexpected.extend(
                user.unread()
                    .into_iter()
                    .map(|u| format!("@{} {u}", user.name)),
            );
        }
        if unexpected.is_empty() {
            Ok(())
        } else {
            Err(TestError::Unexpected(unexpected.join("; ")))
        }
    }

    /// Stops the app (letting running handlers finish, as `App::stop`) and the local Telegram.
    pub async fn stop(self) -> Result<(), TestError> {
        let TestBot { mut app, local, .. } = self;
        let stopped = app.stop().await;
        local.shutdown().await;
        stopped.map_err(TestError::App)
    }
}

/// A person of the local world, scripted by the test: what it does is what their Telegram app
/// would have done, and it sees what the app under test sends them.
///
/// Waits fail after [`TestBot::timeout`] (10 s unless set). [`TestUser::scripted`] gives the
/// testkit's [`ScriptedUser`] for everything else (files, groups, inline queries, edits).
#[derive(Debug, Clone)]
pub struct TestUser {
    user: ScriptedUser,
    /// `@username` without the `@`.
    name: String,
    /// Who [`TestUser::send`] writes to.
    to: String,
    timeout: Duration,
}

impl TestUser {
    /// The account id.
    pub fn id(&self) -> i64 {
        self.user.id()
    }

    /// The username, without `@`.
    pub fn username(&self) -> &str {
        &self.name
    }

    /// The testkit's scripted user behind this one.
    pub fn scripted(&self) -> &ScriptedUser {
        &self.user
    }

    /// Sends `text` to the app (for [`TestBot::me`] in userbot mode: to `@friend`).
    pub async fn send(&self, text: &str) -> Result<ObservedMessage, TestError> {
        self.send_to(&self.to.clone(), text).await
    }

    /// Sends `text` into `chat` (`@username`, a group's title, or an id).
    pub async fn send_to(&self, chat: &str, text: &str) -> Result<ObservedMessage, TestError> {
        self.user
            .send_text(chat, text)
            .await
            .map_err(testkit(format!("@{} send {text:?} to {chat}", self.name)))
    }

    /// Replies to `message` with `text`, in its chat.
    pub async fn reply(
        &self,
        message: &ObservedMessage,
        text: &str,
    ) -> Result<ObservedMessage, TestError> {
        self.user
            .reply_to(message, text)
            .await
            .map_err(testkit(format!("@{} reply {text:?}", self.name)))
    }

    /// Waits for the next message someone sent into a chat of this user's, and takes it.
    pub async fn next_message(&self) -> Result<ObservedMessage, TestError> {
        self.user
            .next_message(self.timeout)
            .await
            .map_err(testkit(format!(
                "wait for the next message to @{}",
                self.name
            )))
    }

    /// Waits for the next edit of a message this user sees, and takes it.
    pub async fn next_edit(&self) -> Result<ObservedMessage, TestError> {
        self.user
            .next_edit(self.timeout)
            .await
            .map_err(testkit(format!(
                "wait for the next edit @{} sees",
                self.name
            )))
    }

    /// Waits for the next deletion in a chat of this user's, and takes it.
    pub async fn next_deletion(&self) -> Result<Deletion, TestError> {
        self.user
            .next_deletion(self.timeout)
            .await
            .map_err(testkit(format!(
                "wait for the next deletion @{} sees",
                self.name
            )))
    }

    /// Presses the inline button labelled `label` under `message` and waits for the bot's
    /// answer to the press (the toast or alert; empty if it answered without text).
    pub async fn press(
        &self,
        message: &ObservedMessage,
        label: &str,
    ) -> Result<CallbackAnswer, TestError> {
        if message
            .button(label)
            .and_then(|b| b.data.as_ref())
            .is_none()
        {
            return Err(TestError::NoButton {
                message: message.id,
                label: label.to_owned(),
                buttons: message
                    .buttons
                    .iter()
                    .map(|row| row.iter().map(|b| b.text.clone()).collect())
                    .collect(),
            });
        }
        self.user
            .press_button(message, label)
            .await
            .map_err(testkit(format!("@{} press {label:?}", self.name)))
    }

    /// Takes everything this user received and has not read, described (for
    /// [`TestBot::expect_nothing_more`]).
    fn unread(&self) -> Vec<String> {
        let mut unread = Vec::new();
        for message in self.user.drain_messages() {
            unread.push(format!("received {:?}", message.text));
        }
        // A zero timeout still looks once: only what is already there is taken.
        while let Some(edit) = self.user.next_edit(Duration::ZERO).now() {
            unread.push(format!("saw an edit to {:?}", edit.text));
        }
        while let Some(deletion) = self.user.next_deletion(Duration::ZERO).now() {
            unread.push(format!("saw messages {:?} deleted", deletion.ids));
        }
        while let Some(service) = self.user.next_service_message(Duration::ZERO).now() {
            unread.push(format!("saw a service message {:?}", service.service));
        }
        unread
    }
}

/// Polls a wait once: its item if already there.
trait Now<T> {
    fn now(self) -> Option<T>;
}

impl<T, F: Future<Output = Result<T, oxygram_testkit::Error>>> Now<T> for F {
    fn now(self) -> Option<T> {
        use futures_util::FutureExt;
        self.now_or_never().and_then(Result::ok)
    }
}

fn testkit(doing: String) -> impl FnOnce(oxygram_testkit::Error) -> TestError {
    move |source| TestError::Testkit { doing, source }
}
