//! A plugin value's lifecycle against the testkit: its startup hook runs before updates are
//! handled, its scheduled job sends on time, and after `App::stop` (which runs its shutdown
//! hook) nothing more is sent.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxygram::grammers::session::types::PeerRef;
use oxygram::prelude::*;
use oxygram::{App, Config};
use oxygram_testkit::{Bot, Limits, TestKit, User, World};
use tokio::sync::Notify;

const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "123456:JOBSTESTTOKEN";
const BOT: &str = "jobs_bot";
const PERIOD: Duration = Duration::from_millis(200);
const TIMEOUT: Duration = Duration::from_secs(10);

/// What happened, in order: hooks and handlers write here.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<&'static str>>>);

impl Log {
    fn push(&self, what: &'static str) {
        self.0.lock().unwrap().push(what);
    }

    fn events(&self) -> Vec<&'static str> {
        self.0.lock().unwrap().clone()
    }
}

/// The chats the job writes to.
#[derive(Default)]
struct Subscribers(Mutex<Vec<PeerRef>>);

/// How many times the job ran.
#[derive(Default)]
struct Runs(AtomicU32);

/// `[plugins.ticker]`.
#[derive(serde::Deserialize)]
struct TickerConfig {
    prefix: String,
}

/// The plugin under test: `/subscribe` (its module's handler), a job every [`PERIOD`] that
/// sends `"<prefix> <run>"` to the subscribers, a startup hook that waits for the test's
/// go-ahead, and a shutdown hook that says goodbye.
struct Ticker {
    log: Log,
    /// Signalled when the startup hook began; it then waits for `go`.
    started: Arc<Notify>,
    go: Arc<Notify>,
}

impl Plugin for Ticker {
    fn name(&self) -> &'static str {
        "ticker"
    }

    fn build(&self, plugin: &mut PluginBuilder) {
        let (log, started, go) = (self.log.clone(), self.started.clone(), self.go.clone());
        plugin
            .state(self.log.clone())
            .state(Subscribers::default())
            .state(Runs::default())
            .config::<TickerConfig>()
            .on_startup(move |_cx| {
                let (log, started, go) = (log.clone(), started.clone(), go.clone());
                async move {
                    log.push("startup begins");
                    started.notify_one();
                    go.notified().await;
                    log.push("startup ends");
                    Ok(())
                }
            })
            .every("tick", PERIOD, tick)
            .on_shutdown(goodbye);
    }
}

async fn tick(cx: PluginContext) -> Result<()> {
    let run = cx.state::<Runs>()?.0.fetch_add(1, Ordering::SeqCst) + 1;
    let prefix = &cx.config::<TickerConfig>()?.prefix;
    let chats = cx.state::<Subscribers>()?.0.lock().unwrap().clone();
    for chat in chats {
        cx.client()
            .send_message(chat, format!("{prefix} {run}"))
            .await?;
    }
    Ok(())
}

async fn goodbye(cx: PluginContext) -> Result<()> {
    cx.state::<Log>()?.push("shutdown");
    let chats = cx.state::<Subscribers>()?.0.lock().unwrap().clone();
    for chat in chats {
        cx.client().send_message(chat, "bye").await?;
    }
    Ok(())
}

mod plugins {
    pub mod ticker {
        use oxygram::prelude::*;

        use super::super::{Log, Subscribers};

        /// The plugin's own handler: linked, and the plugin's because of its module.
        #[handler(command = "subscribe")]
        async fn subscribe(
            msg: Message,
            subscribers: State<Subscribers>,
            log: State<Log>,
        ) -> Result<()> {
            log.push("subscribe");
            let chat = msg.peer_ref().await?.ok_or("the chat is not cached")?;
            subscribers.0.0.lock().unwrap().push(chat);
            msg.reply("subscribed").await?;
            Ok(())
        }
    }
}

fn tick_number(text: &str) -> u32 {
    text.strip_prefix("tick ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a tick: {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_job_runs_on_schedule_and_stops_with_the_app() {
    // Ticks come 5 a second: the testkit's and the bot's chat windows are shortened to match
    // (Telegram's are one a second).
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .bot(Bot::new(TOKEN).username(BOT))
            .user(User::new("+15550001").first_name("Alice").username("alice"))
            .limits(Limits::telegram().chat(3, Duration::from_millis(300))),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    kit.write_session_file(dir.path().join("bot.session"))
        .await
        .unwrap();
    let config = Config::from_toml_str(&format!(
        "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
         [session]\nname = \"bot\"\ndir = '{}'\n\
         [throttle]\nchat_messages = 1\nchat_window_secs = 0.1\n\
         [plugins]\ninclude = [\"ticker\"]\n\
         [plugins.ticker]\nprefix = \"tick\"\n",
        dir.path().display()
    ))
    .unwrap();
    let log = Log::default();
    let started = Arc::new(Notify::new());
    let go = Arc::new(Notify::new());
    let mut app = App::new().config(config).plugin(Ticker {
        log: log.clone(),
        started: Arc::clone(&started),
        go: Arc::clone(&go),
    });
    let starting = tokio::spawn(async move { app.start().await.map(|()| app) });

    // While the startup hook runs, alice subscribes: the update waits for the hook.
    tokio::time::timeout(TIMEOUT, started.notified())
        .await
        .expect("the startup hook runs");
    let alice = kit.user("alice");
    alice.send_text(BOT, "/subscribe").await.unwrap();
    assert_eq!(
        log.events(),
        ["startup begins"],
        "nothing handled during the hook"
    );
    go.notify_one();
    let mut app = tokio::time::timeout(TIMEOUT, starting)
        .await
        .expect("the app starts in time")
        .unwrap()
        .expect("the app starts");
    assert_eq!(
        alice.next_message(TIMEOUT).await.unwrap().text,
        "subscribed"
    );
    assert_eq!(
        log.events(),
        ["startup begins", "startup ends", "subscribe"],
        "the startup hook finished before the first update was handled"
    );

    // Five ticks in a row, one run apart, about a period apart.
    let mut ticks = Vec::new();
    while ticks.len() < 5 {
        let message = alice.next_message(TIMEOUT).await.unwrap();
        ticks.push((tick_number(&message.text), Instant::now()));
    }
    let numbers: Vec<u32> = ticks.iter().map(|(n, _)| *n).collect();
    let first = numbers[0];
    assert_eq!(
        numbers,
        (first..first + 5).collect::<Vec<_>>(),
        "no run skipped"
    );
    let span = ticks[4].1 - ticks[0].1;
    assert!(
        span >= 4 * PERIOD - PERIOD / 2 && span <= 4 * PERIOD * 3,
        "4 periods of {PERIOD:?} took {span:?}"
    );

    // Stop: the shutdown hook says goodbye with the client still up, then nothing more comes.
    tokio::time::timeout(TIMEOUT, app.stop())
        .await
        .expect("the app stops in time")
        .expect("the app stops cleanly");
    assert_eq!(log.events().last(), Some(&"shutdown"));
    // Ticks already sent before the stop may still be on their way; "bye" comes after them.
    loop {
        let message = alice.next_message(TIMEOUT).await.unwrap();
        if message.text == "bye" {
            break;
        }
        tick_number(&message.text);
    }
    // The assertion is the quiet itself: two periods and a half with nothing sent.
    let quiet = alice.next_message(PERIOD * 5 / 2).await;
    assert!(
        quiet.is_err(),
        "sent after stop: {:?}",
        quiet.map(|m| m.text)
    );
}
