//! Middleware against the testkit: the order they run in (first registered outermost), that
//! they see what the handlers did (their errors included) and may stop an update, and the
//! built-in per-user rate limit (a user sending 30 messages in a second gets one notice, and
//! the handler runs only as often as the limit allows).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxygram::App;
use oxygram::dispatch::UpdateContext;
use oxygram::handler::BoxFuture;
use oxygram::middleware::{Middleware, Next, RateLimit, Routed};
use oxygram::prelude::*;
use oxygram_testkit::{Bot, Group, ObservedMessage, ScriptedUser, TestKit, User, World};

const API_ID: i32 = 4242;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "4200000001:middleware-test";
const BOT: &str = "mw_bot";
const WAIT: Duration = Duration::from_secs(30);

#[handler(command = "echo")]
async fn echo(CommandArgs(args): CommandArgs) -> String {
    format!("echo {args}")
}

#[derive(Debug, thiserror::Error)]
#[error("the echo broke")]
struct Broken;

#[handler(command = "fail")]
async fn fail() -> std::result::Result<(), Broken> {
    Err(Broken)
}

/// Records its name before and after the rest of the chain, what the handlers did, and
/// stops updates whose text is "/echo stop" (when asked to).
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
    stops: bool,
}

impl Middleware for Recorder {
    fn handle<'a>(&'a self, cx: UpdateContext, next: Next<'a>) -> BoxFuture<'a, Routed> {
        Box::pin(async move {
            // The bot's own replies come back as updates too (grammers reads them from the
            // send's answer); they reach middleware like any update, but this log is about
            // what the user sent.
            if cx.message().is_some_and(|m| m.outgoing()) {
                return next.run(cx).await;
            }
            self.log
                .lock()
                .unwrap()
                .push(format!("{} before", self.name));
            if self.stops && cx.text() == Some("/echo stop") {
                self.log
                    .lock()
                    .unwrap()
                    .push(format!("{} stopped", self.name));
                return Routed::default();
            }
            let routed = next.run(cx).await;
            let ran: Vec<String> = routed
                .handlers
                .iter()
                .map(|(name, _)| (*name).to_owned())
                .collect();
            let failed: Vec<String> = routed
                .failures()
                .map(|(name, error)| {
                    let typed = error.downcast_ref::<Broken>().is_some();
                    format!("{name} failed (typed: {typed})")
                })
                .collect();
            self.log
                .lock()
                .unwrap()
                .push(format!("{} after: ran {ran:?} {failed:?}", self.name));
            routed
        })
    }
}

struct Running {
    kit: TestKit,
    app: App,
    _dir: tempfile::TempDir,
}

async fn start(app: impl FnOnce(App) -> App) -> Running {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .bot(Bot::new(TOKEN).username(BOT))
            .user(User::new("+15550001").first_name("Alice").username("alice"))
            .user(User::new("+15550002").first_name("Bob").username("bob"))
            .group(Group::new("Friends").members(["alice", "bob", BOT])),
    )
    .await
    .expect("testkit starts");
    let dir = tempfile::tempdir().expect("temp dir");
    kit.write_session_file(dir.path().join("bot.session"))
        .await
        .expect("session file");
    let config = oxygram::Config::from_toml_str(&format!(
        "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
         [session]\nname = \"bot\"\ndir = {:?}\n",
        dir.path().display().to_string()
    ))
    .expect("valid Bot.toml");
    let mut app = app(App::new()
        .config(config)
        .handlers(oxygram::handlers![echo, fail]));
    tokio::time::timeout(WAIT, app.start())
        .await
        .expect("starts in time")
        .expect("starts");
    Running {
        kit,
        app,
        _dir: dir,
    }
}

/// The next message the bot sent that `user` sees.
async fn next_from_bot(kit: &TestKit, user: &ScriptedUser) -> ObservedMessage {
    let bot = kit.account_id(BOT).expect("the bot exists");
    loop {
        let message = user.next_message(WAIT).await.expect("a message in time");
        if message.sender_id == bot {
            return message;
        }
    }
}

#[tokio::test]
async fn middleware_run_outermost_first_see_outcomes_and_may_stop() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut running = start(|app| {
        app.middleware(Recorder {
            name: "outer",
            log: Arc::clone(&log),
            stops: false,
        })
        .middleware(Recorder {
            name: "inner",
            log: Arc::clone(&log),
            stops: true,
        })
    })
    .await;
    let alice = running.kit.user("alice");

    alice.send_text(BOT, "/echo hi").await.unwrap();
    assert_eq!(next_from_bot(&running.kit, &alice).await.text, "echo hi");
    // The reply is sent from inside the chain; the after-lines follow it.
    alice.send_text(BOT, "/fail").await.unwrap();
    alice.send_text(BOT, "/echo stop").await.unwrap();
    // Same chat, so handled in order: when this answer is back, the two before it are done.
    alice.send_text(BOT, "/echo last").await.unwrap();
    assert_eq!(next_from_bot(&running.kit, &alice).await.text, "echo last");
    running.app.stop().await.unwrap();

    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        [
            "outer before",
            "inner before",
            r#"inner after: ran ["echo"] []"#,
            r#"outer after: ran ["echo"] []"#,
            "outer before",
            "inner before",
            r#"inner after: ran ["fail"] ["fail failed (typed: true)"]"#,
            r#"outer after: ran ["fail"] ["fail failed (typed: true)"]"#,
            "outer before",
            "inner before",
            "inner stopped",
            "outer after: ran [] []",
            "outer before",
            "inner before",
            r#"inner after: ran ["echo"] []"#,
            r#"outer after: ran ["echo"] []"#,
        ]
    );
}

#[tokio::test]
async fn a_user_over_the_rate_limit_gets_one_notice_and_the_handler_runs_within_it() {
    let mut running = start(|app| {
        app.middleware(RateLimit::per_user(5, Duration::from_secs(60)).notice("Slow down."))
    })
    .await;
    let alice = running.kit.user("alice");
    let bob = running.kit.user("bob");
    for i in 1..=30 {
        alice
            .send_text("Friends", &format!("/echo {i}"))
            .await
            .unwrap();
    }
    // Bob is not limited by Alice's burst; his message, in the same chat, is handled after
    // all of hers (one chat, in order).
    bob.send_text("Friends", "/echo probe").await.unwrap();

    let mut seen = Vec::new();
    loop {
        let message = next_from_bot(&running.kit, &bob).await;
        let done = message.text == "echo probe";
        seen.push(message.text);
        if done {
            break;
        }
    }
    let mut expected: Vec<String> = (1..=5).map(|i| format!("echo {i}")).collect();
    expected.push("Slow down.".to_owned());
    expected.push("echo probe".to_owned());
    assert_eq!(
        seen, expected,
        "five answers, one notice, then nothing of Alice's"
    );
    running.app.stop().await.unwrap();
}
