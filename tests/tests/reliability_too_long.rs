//! "Too long": Telegram skips a supergroup's updates the bot fell too far behind on
//! (`updates.channelDifferenceTooLong`), and grammers drops them. oxygram fetches them back,
//! in order, up to `[updates] too_long_fetch`, and reports the rest to `raw` handlers.
//!
//! The testkit's channel box limit is lowered to 100 updates (Telegram's is 100000 for a bot,
//! which asks for that many), so "twice the limit" is 200 posts.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxygram::App;
use oxygram::grammers::tl;
use oxygram::prelude::*;
use oxygram_testkit::{Bot, Group, TestKit, User, World};
use tokio::sync::Notify;

const TOKEN: &str = "123456:TOOLONGTOKEN";
const API_ID: i32 = 12345;
const API_HASH: &str = "0123456789abcdef0123456789abcdef";
const TIMEOUT: Duration = Duration::from_secs(30);
/// The testkit's channel difference limit in these tests.
const LIMIT: usize = 100;

/// `updateChannelTooLong` reports: channel id and pts.
type Gaps = Arc<Mutex<Vec<(i64, Option<i32>)>>>;

/// What the bot saw: message texts in order, and the too-long reports.
#[derive(Clone, Default)]
struct Seen {
    texts: Arc<Mutex<Vec<String>>>,
    gaps: Gaps,
    changed: Arc<Notify>,
}

impl Seen {
    async fn wait_for(&self, text: &str) {
        tokio::time::timeout(TIMEOUT, async {
            loop {
                let notified = self.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.texts.lock().unwrap().iter().any(|t| t == text) {
                    return;
                }
                notified.await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("the bot never saw {text:?}"));
    }
}

#[handler(message, plugin = "too_long")]
async fn record(Text(text): Text, State(seen): State<Seen>) {
    seen.texts.lock().unwrap().push(text);
    seen.changed.notify_waiters();
}

#[handler(raw, plugin = "too_long")]
async fn gap(RawUpdate(gap): RawUpdate<tl::types::UpdateChannelTooLong>, State(seen): State<Seen>) {
    seen.gaps.lock().unwrap().push((gap.channel_id, gap.pts));
    seen.changed.notify_waiters();
}

struct Run {
    kit: TestKit,
    app: App,
    seen: Seen,
    _dir: tempfile::TempDir,
}

async fn start(too_long_fetch: Option<u32>) -> Run {
    let kit = TestKit::start(
        World::new()
            .app(API_ID, API_HASH)
            .bot(Bot::new(TOKEN).username("gap_bot"))
            .user(User::new("+15550002").first_name("Bob").username("bob"))
            .supergroup(
                Group::new("Lounge")
                    .username("lounge")
                    .members(["bob", "gap_bot"])
                    .admins(["gap_bot"]),
            )
            .channel_box_limit(LIMIT),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    kit.write_session_file(dir.path().join("bot.session"))
        .await
        .unwrap();
    let fetch = too_long_fetch
        .map(|n| format!("too_long_fetch = {n}\n"))
        .unwrap_or_default();
    let toml = format!(
        "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
         [session]\nname = \"bot\"\ndir = {dir:?}\n\
         [updates]\n{fetch}\
         [plugins]\ninclude = [\"too_long\"]\n",
        dir = dir.path().display().to_string(),
    );
    let seen = Seen::default();
    let mut app = App::new()
        .config(oxygram::Config::from_toml_str(&toml).unwrap())
        .state(seen.clone());
    tokio::time::timeout(TIMEOUT, app.start())
        .await
        .unwrap()
        .unwrap();
    Run {
        kit,
        app,
        seen,
        _dir: dir,
    }
}

/// bob posts "first" (seen live), then `missed` posts the bot never hears of (pushes paused),
/// then "reveals" (grammers asks for the channel difference, gets too-long and drops it), then
/// "after". Returns how long from "after" until the bot saw it.
async fn skip(run: &Run, missed: usize) -> Duration {
    let bob = run.kit.user("bob");
    bob.send_text("lounge", "first").await.unwrap();
    run.seen.wait_for("first").await;
    run.kit.pause_pushes(true);
    for i in 0..missed {
        bob.send_text("lounge", &format!("missed {i}"))
            .await
            .unwrap();
    }
    run.kit.pause_pushes(false);
    let before = run.kit.rpc_count("updates.getChannelDifference");
    bob.send_text("lounge", "reveals").await.unwrap();
    run.kit
        .wait_for_rpc("updates.getChannelDifference", before + 1, TIMEOUT)
        .await
        .unwrap();
    let started = Instant::now();
    bob.send_text("lounge", "after").await.unwrap();
    run.seen.wait_for("after").await;
    started.elapsed()
}

#[tokio::test]
async fn twice_the_limit_skipped_comes_back_in_order() {
    let run = start(None).await;
    let missed = 2 * LIMIT;
    let took = skip(&run, missed).await;
    let texts = run.seen.texts.lock().unwrap().clone();
    let mut expected = vec!["first".to_string()];
    expected.extend((0..missed).map(|i| format!("missed {i}")));
    expected.extend(["reveals".to_string(), "after".to_string()]);
    assert_eq!(texts, expected);
    assert!(run.seen.gaps.lock().unwrap().is_empty());
    let fetches = run
        .kit
        .rpc_log()
        .iter()
        .filter(|c| c.method == "channels.getMessages")
        .count();
    // 201 ids, 100 per request.
    assert_eq!(fetches, 3);
    println!(
        "too long, within the bound: {missed} skipped + 1 dropped by grammers, {} delivered in \
         order, {fetches} channels.getMessages, {took:?} from the next post to its delivery",
        texts.len() - 2
    );
    run.app_stop().await;
}

#[tokio::test]
async fn beyond_the_bound_the_latest_come_back_and_the_rest_is_reported() {
    let run = start(Some(50)).await;
    let missed = 2 * LIMIT;
    let took = skip(&run, missed).await;
    let texts = run.seen.texts.lock().unwrap().clone();
    // The latest 50 skipped ids: 49 of the missed posts and "reveals".
    let mut expected = vec!["first".to_string()];
    expected.extend((missed - 49..missed).map(|i| format!("missed {i}")));
    expected.extend(["reveals".to_string(), "after".to_string()]);
    assert_eq!(texts, expected);
    let lounge = run.kit.chat_id("lounge").unwrap();
    let gaps = run.seen.gaps.lock().unwrap().clone();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].0, lounge);
    println!(
        "too long, bound 50: {} delivered, {} reported as updateChannelTooLong, {took:?}",
        texts.len() - 2,
        missed + 1 - 50
    );
    run.app_stop().await;
}

#[tokio::test]
async fn a_bot_restarted_after_twice_the_limit_gets_them_back() {
    let mut run = start(None).await;
    let bob = run.kit.user("bob");
    bob.send_text("lounge", "first").await.unwrap();
    run.seen.wait_for("first").await;
    tokio::time::timeout(TIMEOUT, run.app.stop())
        .await
        .unwrap()
        .unwrap();
    run.kit.wait_offline("gap_bot", TIMEOUT).await.unwrap();
    let missed = 2 * LIMIT;
    for i in 0..missed {
        bob.send_text("lounge", &format!("offline {i}"))
            .await
            .unwrap();
    }
    // The same session, a new app: the account difference names the lounge as too long, its
    // channel difference is too long too, and grammers starts after the 200.
    let toml = format!(
        "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\nbot_token = \"{TOKEN}\"\n\
         [session]\nname = \"bot\"\ndir = {dir:?}\n\
         [plugins]\ninclude = [\"too_long\"]\n",
        dir = run._dir.path().display().to_string(),
    );
    let mut app = App::new()
        .config(oxygram::Config::from_toml_str(&toml).unwrap())
        .state(run.seen.clone());
    tokio::time::timeout(TIMEOUT, app.start())
        .await
        .unwrap()
        .unwrap();
    run.app = app;
    run.kit
        .wait_for_rpc("updates.getChannelDifference", 1, TIMEOUT)
        .await
        .unwrap();
    let started = Instant::now();
    bob.send_text("lounge", "after").await.unwrap();
    run.seen.wait_for("after").await;
    let took = started.elapsed();
    let texts = run.seen.texts.lock().unwrap().clone();
    let mut expected = vec!["first".to_string()];
    expected.extend((0..missed).map(|i| format!("offline {i}")));
    expected.push("after".to_string());
    assert_eq!(texts, expected);
    // They came back through oxygram, not grammers: 200 ids, 100 per request.
    assert_eq!(run.kit.rpc_count("channels.getMessages"), 2);
    println!(
        "too long across a restart: {missed} posted while stopped, {} delivered in order, \
         {took:?}",
        texts.len() - 2
    );
    run.app_stop().await;
}

impl Run {
    async fn app_stop(mut self) {
        tokio::time::timeout(TIMEOUT, self.app.stop())
            .await
            .unwrap()
            .unwrap();
        self.kit.shutdown().await;
    }
}

#[tokio::test]
async fn ten_times_the_limit_fills_the_default_bound() {
    let run = start(None).await;
    let missed = 10 * LIMIT;
    let took = skip(&run, missed).await;
    let texts = run.seen.texts.lock().unwrap().clone();
    // 1001 skipped ids (the 1000 posts and "reveals"); the default bound fetches the latest 1000.
    let mut expected = vec!["first".to_string()];
    expected.extend((1..missed).map(|i| format!("missed {i}")));
    expected.extend(["reveals".to_string(), "after".to_string()]);
    assert_eq!(texts, expected);
    assert_eq!(run.seen.gaps.lock().unwrap().len(), 1);
    assert_eq!(run.kit.rpc_count("channels.getMessages"), 10);
    println!(
        "too long, 10x the limit: {} skipped, {} delivered in order, 1 reported, 10 \
         channels.getMessages, {took:?} from the next post to its delivery",
        missed + 1,
        texts.len() - 2
    );
    run.app_stop().await;
}
