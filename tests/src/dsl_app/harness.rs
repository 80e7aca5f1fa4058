//! Starting the test app as a bot against a fresh testkit.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxygram::App;
use oxygram_testkit::{Bot, Group, Limits, TestKit, User, World};

use super::plugins::{Audit, Chosen, Deleted, Events, Gate, SeenOwn};

/// Username of the bot under test.
pub const BOT: &str = "dsl_bot";
const TOKEN: &str = "123456:DSLTESTTOKEN";
const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";

/// How long a test waits for any one reply.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// A running test app and the world around it.
pub struct DslApp {
    /// The local Telegram.
    pub kit: TestKit,
    app: App,
    /// What the app's error hook received, as `"<handler>: <error>"`.
    pub failures: Arc<Mutex<Vec<String>>>,
    /// Messages seen by the `audit` plugin (group -1).
    pub audit: Audit,
    /// Own messages seen by the `mirror` plugin's observer.
    pub seen_own: SeenOwn,
    /// Inline results chosen (the `search` plugin).
    pub chosen: Chosen,
    /// Message ids deleted (the `edits` plugin).
    pub deleted: Deleted,
    /// Chat events the `members` plugin recorded.
    pub events: Events,
    /// The app's `Bot.toml`, to start it again on the same session ([`DslApp::restart`]).
    toml: String,
    _dir: tempfile::TempDir,
}

impl DslApp {
    /// Starts the bot with `plugins` `[plugins]` settings (TOML lines such as
    /// `include = ["greet"]`), plus any extra TOML (e.g. `[plugins.admin]` tables; `{alice}`
    /// is replaced with alice's id).
    pub async fn start(plugins: &str, extra: &str) -> Self {
        match Self::try_start(plugins, extra).await {
            Ok(app) => app,
            Err(e) => panic!("the app does not start: {e}"),
        }
    }

    /// Like [`DslApp::start`], but returns the app's startup error.
    pub async fn try_start(plugins: &str, extra: &str) -> oxygram::Result<Self> {
        Self::try_start_with("", plugins, extra).await
    }

    /// Like [`DslApp::start`], with extra `[dispatch]` lines.
    pub async fn start_with(dispatch: &str, plugins: &str, extra: &str) -> Self {
        match Self::try_start_with(dispatch, plugins, extra).await {
            Ok(app) => app,
            Err(e) => panic!("the app does not start: {e}"),
        }
    }

    /// Like [`DslApp::start`], with the bot's privacy mode in groups (BotFather's
    /// `/setprivacy`) as given; the other constructors leave it on, as Telegram does.
    pub async fn start_with_privacy(privacy: bool, plugins: &str, extra: &str) -> Self {
        match Self::launch("", plugins, extra, privacy, Box::new(|w| w)).await {
            Ok(app) => app,
            Err(e) => panic!("the app does not start: {e}"),
        }
    }

    /// Like [`DslApp::try_start`], with extra `[dispatch]` lines.
    pub async fn try_start_with(
        dispatch: &str,
        plugins: &str,
        extra: &str,
    ) -> oxygram::Result<Self> {
        Self::launch(dispatch, plugins, extra, true, Box::new(|w| w)).await
    }

    /// Like [`DslApp::start`], with the testkit's sending limits as given (Telegram's in the
    /// other constructors). Tests of the throttle shorten the windows on both sides (the
    /// testkit's here, the bot's with a `[throttle]` table in `extra`) so they do not wait
    /// minutes.
    pub async fn start_with_limits(limits: Limits, plugins: &str, extra: &str) -> Self {
        Self::start_in(move |world| world.limits(limits), plugins, extra).await
    }

    /// Like [`DslApp::start`], in the usual world changed by `shape` (more groups, other
    /// limits, ...).
    pub async fn start_in(
        shape: impl FnOnce(World) -> World + 'static,
        plugins: &str,
        extra: &str,
    ) -> Self {
        match Self::launch("", plugins, extra, true, Box::new(shape)).await {
            Ok(app) => app,
            Err(e) => panic!("the app does not start: {e}"),
        }
    }

    async fn launch(
        dispatch: &str,
        plugins: &str,
        extra: &str,
        privacy: bool,
        shape: Box<dyn FnOnce(World) -> World>,
    ) -> oxygram::Result<Self> {
        let kit = TestKit::start(shape(
            World::new()
                .app(API_ID, API_HASH)
                .bot(Bot::new(TOKEN).username(BOT).name("DSL").privacy(privacy))
                .user(User::new("+15550001").first_name("Alice").username("alice"))
                .user(User::new("+15550002").first_name("Bob").username("bob"))
                .group(Group::new("Friends").members(["alice", "bob", BOT]))
                .user(User::new("+15550003").first_name("Carol").username("carol"))
                // Joining needs approval; the bot is an admin, so it gets the requests and
                // everyone's membership changes.
                .supergroup(
                    Group::new("Club")
                        .members(["alice", BOT])
                        .admins([BOT])
                        .join_requests(true),
                ),
        ))
        .await
        .expect("testkit starts");
        let dir = tempfile::tempdir().expect("temp dir");
        kit.write_session_file(dir.path().join("bot.session"))
            .await
            .expect("session file");
        let alice = kit.account_id("alice").expect("alice exists");
        let toml = format!(
            "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
             [session]\nname = \"bot\"\ndir = {dir:?}\n\
             [dispatch]\nmax_in_flight = 16\n{dispatch}\n\
             [plugins]\n{plugins}\n{extra}\n",
            dir = dir.path().display().to_string(),
            extra = extra.replace("{alice}", &alice.to_string()).replace(
                "{carol}",
                &kit.account_id("carol").expect("carol exists").to_string()
            ),
        );
        let mut this = Self {
            kit,
            app: App::new(),
            failures: Arc::new(Mutex::new(Vec::new())),
            audit: Audit::default(),
            seen_own: SeenOwn::default(),
            chosen: Chosen::default(),
            deleted: Deleted::default(),
            events: Events::default(),
            toml,
            _dir: dir,
        };
        this.app = this.build_app();
        tokio::time::timeout(TIMEOUT, this.app.start())
            .await
            .expect("the app starts (or fails) in time")?;
        Ok(this)
    }

    /// A new app on the same config, session and recorded state.
    fn build_app(&self) -> App {
        let config = oxygram::Config::from_toml_str(&self.toml).expect("valid Bot.toml");
        let hook_failures = Arc::clone(&self.failures);
        App::new()
            .config(config)
            .state(self.audit.clone())
            .state(self.seen_own.clone())
            .state(self.chosen.clone())
            .state(self.deleted.clone())
            .state(self.events.clone())
            .state(Gate::default())
            .on_error(move |failure| {
                let hook_failures = Arc::clone(&hook_failures);
                async move {
                    hook_failures
                        .lock()
                        .unwrap()
                        .push(format!("{}: {}", failure.handler, failure.error));
                }
            })
    }

    /// Stops the app cleanly; the testkit keeps running ([`DslApp::restart`] starts it again).
    pub async fn stop_app(&mut self) {
        tokio::time::timeout(TIMEOUT, self.app.stop())
            .await
            .expect("the app stops in time")
            .expect("the app stops cleanly");
    }

    /// Starts the app again on the same session file, after [`DslApp::stop_app`].
    pub async fn restart(&mut self) {
        self.app = self.build_app();
        tokio::time::timeout(TIMEOUT, self.app.start())
            .await
            .expect("the app starts in time")
            .expect("the app starts again");
    }

    /// Sends `text` from `who` to the bot and returns the next message `who` receives.
    pub async fn ask(&self, who: &str, text: &str) -> String {
        let user = self.kit.user(who);
        user.send_text(BOT, text).await.expect("message sent");
        self.next(who).await
    }

    /// The next message `who` receives.
    pub async fn next(&self, who: &str) -> String {
        self.kit
            .user(who)
            .next_message(TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("{who} got no reply: {e}"))
            .text
    }

    /// Stops the app (waiting for running handlers) and the testkit.
    pub async fn stop(mut self) {
        tokio::time::timeout(TIMEOUT, self.app.stop())
            .await
            .expect("the app stops in time")
            .expect("the app stops cleanly");
        self.kit.shutdown().await;
    }
}
