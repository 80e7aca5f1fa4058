//! Shared harness of the framework's reliability tests: a testkit on its own runtime, a
//! folder with the session, and apps started on runtimes the test can drop at any moment
//! (an in-process stand-in for SIGKILL: every task stops where it is, nothing is saved).

#![allow(dead_code)] // each test file uses part of the harness

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxygram::{App, Config, FloodWait, PeerFlood};
use oxygram_testkit::{Bot, ScriptedUser, TestKit, User, World};

pub const API_ID: i32 = 12345;
pub const API_HASH: &str = "0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "123456:TESTTOKEN-reliability";
pub const BOT: &str = "reliable_bot";

/// Only reached when something is broken.
pub const WAIT: Duration = Duration::from_secs(30);

/// A testkit with the bot and two users (`alice`, `bob`), and a folder for the session.
pub struct Env {
    pub kit: TestKit,
    pub dir: tempfile::TempDir,
    // Dropped last: the kit's tasks run on it.
    runtime: tokio::runtime::Runtime,
}

impl Env {
    pub fn start() -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let kit = runtime
            .block_on(TestKit::start(
                World::new()
                    .app(API_ID, API_HASH)
                    .bot(Bot::new(TOKEN).username(BOT).name("Reliable"))
                    .user(User::new("+15550002").first_name("Alice").username("alice"))
                    .user(User::new("+15550003").first_name("Bob").username("bob")),
            ))
            .expect("testkit starts");
        let env = Env {
            kit,
            dir: tempfile::tempdir().expect("temp dir"),
            runtime,
        };
        env.block_on(env.kit.write_session_file(env.session_path()))
            .expect("write session");
        env
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    pub fn session_path(&self) -> PathBuf {
        self.dir.path().join("app.session")
    }

    /// The bot's configuration with `extra` appended (sections of its own).
    pub fn config(&self, telegram_extra: &str, extra: &str) -> Config {
        Config::from_toml_str(&format!(
            "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
             {telegram_extra}\n\n[session]\nname = \"app\"\ndir = '{}'\n\n[log]\nlevel = \"warn\"\n\n{extra}\n",
            self.dir.path().display()
        ))
        .expect("valid test config")
    }

    pub fn user(&self, who: &str) -> ScriptedUser {
        self.kit.user(who)
    }

    pub fn send(&self, from: &str, text: &str) {
        self.block_on(self.kit.user(from).send_text(BOT, text))
            .expect("send text");
    }

    /// The bot's current pts on the server (how far its update sequence has gone).
    pub fn server_pts(&self) -> i32 {
        self.kit
            .session_data_for(BOT)
            .expect("the bot exists")
            .updates_state
            .pts
    }

    /// The pts the session file holds, read through a second connection (`None` while the
    /// file is busy or has no state yet).
    pub fn stored_pts(&self) -> Option<i32> {
        use grammers_session::Session;
        self.block_on(async {
            let session = oxygram_session::SqliteSession::open(self.session_path())
                .await
                .ok()?;
            session.updates_state().await.ok().map(|s| s.pts)
        })
    }
}

/// An app on a runtime of its own.
pub struct RunningApp {
    pub app: App,
    runtime: tokio::runtime::Runtime,
}

impl RunningApp {
    pub fn start(app: App) -> RunningApp {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let mut app = app;
        runtime.block_on(app.start()).expect("app starts");
        RunningApp { app, runtime }
    }

    /// Dies like a killed process: every task stops where it is, no handler finishes, no
    /// state is saved, then the session file is closed (and its lock released).
    pub fn crash(self) {
        let RunningApp { app, runtime } = self;
        runtime.shutdown_background();
        drop(app);
    }

    /// A clean stop.
    pub fn stop(mut self) {
        self.runtime.block_on(self.app.stop()).expect("clean stop");
    }
}

/// What handlers saw, per message text: how often a handler started and finished on it.
#[derive(Clone, Default)]
pub struct Seen {
    inner: Arc<Mutex<SeenInner>>,
}

#[derive(Default)]
struct SeenInner {
    blocking: bool,
    started: HashMap<String, u32>,
    finished: HashMap<String, u32>,
    floods: Vec<(&'static str, FloodWait)>,
    peer_floods: Vec<(&'static str, PeerFlood)>,
}

impl Seen {
    /// Makes the test handler's `block` message never finish.
    pub fn set_blocking(&self, blocking: bool) {
        self.lock().blocking = blocking;
    }

    pub fn blocking(&self) -> bool {
        self.lock().blocking
    }

    pub fn start(&self, text: &str) {
        *self.lock().started.entry(text.to_owned()).or_default() += 1;
    }

    pub fn finish(&self, text: &str) {
        *self.lock().finished.entry(text.to_owned()).or_default() += 1;
    }

    /// Records a flood wait seen by `whom` (the handler, the error hook).
    pub fn flood(&self, whom: &'static str, flood: FloodWait) {
        self.lock().floods.push((whom, flood));
    }

    pub fn floods(&self) -> Vec<(&'static str, FloodWait)> {
        self.lock().floods.clone()
    }

    /// Records a `PEER_FLOOD` seen by `whom` (the handler, the error hook).
    pub fn peer_flood(&self, whom: &'static str, limited: PeerFlood) {
        self.lock().peer_floods.push((whom, limited));
    }

    pub fn peer_floods(&self) -> Vec<(&'static str, PeerFlood)> {
        self.lock().peer_floods.clone()
    }

    pub fn started(&self, text: &str) -> u32 {
        self.lock().started.get(text).copied().unwrap_or(0)
    }

    pub fn finished(&self, text: &str) -> u32 {
        self.lock().finished.get(text).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SeenInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Polls `condition` until it holds; panics with `what` after [`WAIT`].
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
