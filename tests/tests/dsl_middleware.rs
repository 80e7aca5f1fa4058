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
use oxygram::testing::{ObservedMessage, TestBot, TestUser};

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

fn app() -> App {
    App::new().handlers(oxygram::handlers![echo, fail])
}

/// The next message the bot sent that `user` sees (in a group, others' messages arrive too).
async fn next_from_bot(bot: &TestBot, user: &TestUser) -> ObservedMessage {
    let bot_id = bot
        .kit()
        .account_id(bot.username())
        .expect("the bot exists");
    loop {
        let message = user.next_message().await.expect("a message in time");
        if message.sender_id == bot_id {
            return message;
        }
    }
}

#[tokio::test]
async fn middleware_run_outermost_first_see_outcomes_and_may_stop() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let bot = TestBot::start(
        app()
            .middleware(Recorder {
                name: "outer",
                log: Arc::clone(&log),
                stops: false,
            })
            .middleware(Recorder {
                name: "inner",
                log: Arc::clone(&log),
                stops: true,
            }),
    )
    .await
    .expect("the bot starts");
    let you = bot.user();

    you.send("/echo hi").await.unwrap();
    assert_eq!(next_from_bot(&bot, &you).await.text, "echo hi");
    // The reply is sent from inside the chain; the after-lines follow it.
    you.send("/fail").await.unwrap();
    you.send("/echo stop").await.unwrap();
    // Same chat, so handled in order: when this answer is back, the two before it are done.
    you.send("/echo last").await.unwrap();
    assert_eq!(next_from_bot(&bot, &you).await.text, "echo last");
    bot.expect_nothing_more(&[&you]).await.unwrap();
    bot.stop().await.unwrap();

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
    let bot = TestBot::start(
        app().middleware(RateLimit::per_user(5, Duration::from_secs(60)).notice("Slow down.")),
    )
    .await
    .expect("the bot starts");
    let you = bot.user();
    let bob = bot.other_user().expect("bot mode has bob");
    let group = bot.group().expect("bot mode has a group").to_owned();
    for i in 1..=30 {
        you.send_to(&group, &format!("/echo {i}")).await.unwrap();
    }
    // Bob is not limited by your burst; his message, in the same chat, is handled after all
    // of yours (one chat, in order).
    bob.send_to(&group, "/echo probe").await.unwrap();

    let mut seen = Vec::new();
    loop {
        let message = next_from_bot(&bot, &bob).await;
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
        "five answers, one notice, then nothing of yours"
    );
    // Bob has read everything up to his answer (your messages included); nothing follows it.
    bot.expect_nothing_more(&[&bob]).await.unwrap();
    bot.stop().await.unwrap();
}
