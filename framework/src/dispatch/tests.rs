//! Routing, ordering, rejection and concurrency tests over synthetic updates.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use grammers_client::tl;
use tokio::sync::Notify;

use super::testing::{
    MessageSpec, TestChat, TestUser, TestWorld, peer_channel, peer_chat, peer_user,
};
use super::*;
use crate::extract::{Args, CallbackData, Captures, FromUpdate, RawUpdate, State};
use crate::filters::{self, Filter};
use crate::handler::{BoxFuture, Kind, Outcome, Trigger};

const ALICE: i64 = 100;
const BOB: i64 = 200;
const ME: i64 = 999;

/// What the handlers of a test did, in order.
#[derive(Default)]
struct Log(Mutex<Vec<String>>);

impl Log {
    fn push(&self, entry: impl Into<String>) {
        self.0.lock().unwrap().push(entry.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn log(cx: &UpdateContext) -> Arc<Log> {
    cx.states().get::<Log>().expect("Log registered")
}

type Call = fn(UpdateContext) -> BoxFuture<'static, Outcome>;

macro_rules! recording {
    ($name:ident => $outcome:expr) => {
        fn $name(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
            Box::pin(async move {
                log(&cx).push(stringify!($name));
                $outcome
            })
        }
    };
}

recording!(handled => Outcome::Handled);
recording!(handled2 => Outcome::Handled);
recording!(keep_going => Outcome::Continue);
recording!(stop => Outcome::Stop);
recording!(late => Outcome::Handled);

fn panics(_: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move { panic!("handler exploded") })
}

fn fails(_: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move { Outcome::failed("db down") })
}

fn spec(name: &'static str, kind: Kind, trigger: Trigger, group: i32, call: Call) -> HandlerSpec {
    HandlerSpec::builder(name, kind, call)
        .module_path("bot::plugins::test")
        .trigger(trigger)
        .group(group)
        .location("tests.rs", 0)
        .build()
}

/// Gives the specs increasing lines, so declaration order is the vector's order.
fn numbered(mut specs: Vec<HandlerSpec>) -> Vec<HandlerSpec> {
    for (i, s) in specs.iter_mut().enumerate() {
        s.line = i as u32 + 1;
    }
    specs
}

async fn world() -> TestWorld {
    TestWorld::new(
        vec![
            TestUser::new(ALICE, "alice"),
            TestUser::new(BOB, "bob"),
            TestUser::new(ME, "EchoBot").bot(),
            TestUser::new(300, "helper_bot").bot(),
        ],
        vec![
            TestChat::Group(10),
            TestChat::Supergroup(20),
            TestChat::Channel(30),
        ],
    )
    .await
}

fn me() -> Me {
    Me {
        id: ME,
        username: Some("EchoBot".into()),
        is_bot: false,
    }
}

struct Harness {
    dispatcher: Dispatcher,
    log: Arc<Log>,
}

impl Harness {
    fn try_new(
        world: &TestWorld,
        specs: Vec<HandlerSpec>,
        config: Config,
    ) -> Result<Self, crate::dispatch::DispatchError> {
        let mut states = States::default();
        states.insert(Log::default());
        let log = states.get::<Log>().unwrap();
        let hook_log = Arc::clone(&log);
        let mut setup =
            DispatcherSetup::new(world.client().clone(), me(), Arc::new(config), states);
        setup.handlers = Some(numbered(specs));
        setup.on_error = Some(ErrorHook::new(move |failure| {
            let hook_log = Arc::clone(&hook_log);
            async move { hook_log.push(format!("hook: {} {}", failure.handler, failure.error)) }
        }));
        Ok(Self {
            dispatcher: Dispatcher::new(setup)?,
            log,
        })
    }

    fn new(world: &TestWorld, specs: Vec<HandlerSpec>) -> Self {
        Self::try_new(world, specs, Config::default()).expect("handlers are valid")
    }

    async fn route(&self, update: Update) -> Vec<String> {
        let router = self.dispatcher.router();
        let cx = router.context(update);
        tokio::time::timeout(Duration::from_secs(10), router.route(&cx))
            .await
            .expect("routing finishes");
        self.log.take()
    }
}

#[tokio::test]
async fn groups_run_in_order_first_match_per_group_with_propagation() {
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![
            spec("late", Kind::NewMessage, Trigger::None, 3, late),
            // Declared before the command, but a catch-all: the command is tried first.
            spec("any", Kind::NewMessage, Trigger::None, 0, handled2),
            spec(
                "start",
                Kind::NewMessage,
                Trigger::Commands(&["start"]),
                0,
                handled,
            ),
            spec("keep_going", Kind::NewMessage, Trigger::None, 1, keep_going),
            spec("handled", Kind::NewMessage, Trigger::None, 1, handled),
            spec("stop", Kind::NewMessage, Trigger::None, 2, stop),
            spec("first", Kind::NewMessage, Trigger::None, -1, handled),
        ],
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 1, "/start")).await,
        ["handled", "handled", "keep_going", "handled", "stop"]
    );
    // Not a command: group 0's first match is the catch-all.
    assert_eq!(
        h.route(w.private_text(ALICE, 2, "hello")).await,
        ["handled", "handled2", "keep_going", "handled", "stop"]
    );
}

#[tokio::test]
async fn commands_are_case_insensitive_and_respect_the_bot_mention() {
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![
            spec(
                "start",
                Kind::NewMessage,
                Trigger::Commands(&["start", "go"]),
                0,
                handled,
            ),
            spec("other", Kind::NewMessage, Trigger::None, 0, handled2),
        ],
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 1, "/START")).await,
        ["handled"]
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 2, "/go@echobot now")).await,
        ["handled"]
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 3, "/start@OtherBot")).await,
        ["handled2"]
    );
    assert_eq!(h.route(w.private_text(ALICE, 4, "/")).await, ["handled2"]);
    assert_eq!(h.route(w.private_text(ALICE, 5, "@")).await, ["handled2"]);
    assert_eq!(h.route(w.private_text(ALICE, 6, "")).await, ["handled2"]);
}

#[tokio::test]
async fn own_outgoing_messages_only_reach_handlers_that_ask() {
    let w = world().await;
    fn mine() -> Filter {
        filters::me
    }
    let mut asks = spec("asks", Kind::NewMessage, Trigger::None, 1, handled2);
    asks.outgoing = true;
    let mut by_filter = spec("by_filter", Kind::NewMessage, Trigger::None, 2, late);
    by_filter.filter = mine;
    let h = Harness::new(
        &w,
        vec![
            spec("plain", Kind::NewMessage, Trigger::None, 0, handled),
            asks,
            by_filter,
        ],
    );
    let own = w.message(MessageSpec::new(1, "hi").chat(peer_user(ALICE)).outgoing());
    assert_eq!(h.route(own).await, ["handled2", "late"]);
    assert_eq!(
        h.route(w.private_text(ALICE, 2, "hi")).await,
        ["handled", "handled2"],
        "`me` is false for alice's message"
    );
}

#[tokio::test]
async fn errors_and_panics_are_reported_and_routing_goes_on() {
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![
            spec("panics", Kind::NewMessage, Trigger::None, 0, panics),
            spec("fails", Kind::NewMessage, Trigger::None, 1, fails),
            spec("late", Kind::NewMessage, Trigger::None, 2, late),
        ],
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 1, "x")).await,
        [
            "hook: panics panicked: handler exploded",
            "hook: fails returned an error: db down",
            "late"
        ]
    );
}

fn roll(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let args = match Args::<(u8, u32)>::from_update(&cx).await {
            Ok(a) => a,
            Err(r) => return Outcome::rejected(r),
        };
        log(&cx).push(format!("roll {:?}", args.0));
        Outcome::Handled
    })
}

fn wants_callback(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        match grammers_client::update::CallbackQuery::from_update(&cx).await {
            Ok(_) => Outcome::Handled,
            Err(r) => Outcome::rejected(r),
        }
    })
}

#[tokio::test]
async fn bad_arguments_stop_the_group_mismatches_let_the_next_handler_try() {
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![
            spec(
                "roll",
                Kind::NewMessage,
                Trigger::Commands(&["roll"]),
                0,
                roll,
            ),
            spec("fallback", Kind::NewMessage, Trigger::None, 0, handled),
            spec(
                "mismatch",
                Kind::NewMessage,
                Trigger::None,
                1,
                wants_callback,
            ),
            spec("after", Kind::NewMessage, Trigger::None, 1, late),
        ],
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 1, "/roll 2 6")).await,
        ["roll (2, 6)", "late"]
    );
    // `/roll abc`: the usage reply is attempted (the offline client cannot send it) and
    // group 0 is done: the fallback does not run. Group 1's mismatch lets `late` run.
    assert_eq!(
        h.route(w.private_text(ALICE, 2, "/roll abc")).await,
        ["late"]
    );
}

fn captures(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let caps = Captures::from_update(&cx).await.unwrap();
        log(&cx).push(format!("name={}", caps.name("name").unwrap_or("?")));
        Outcome::Handled
    })
}

fn vote(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let CallbackData(choice) = CallbackData::<String>::from_update(&cx).await.unwrap();
        log(&cx).push(format!("vote {choice}"));
        Outcome::Handled
    })
}

fn page(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        match CallbackData::<u32>::from_update(&cx).await {
            Ok(CallbackData(n)) => {
                log(&cx).push(format!("page {n}"));
                Outcome::Handled
            }
            Err(r) => Outcome::rejected(r),
        }
    })
}

#[tokio::test]
async fn regex_callback_and_inline_triggers() {
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![
            spec(
                "greet",
                Kind::NewMessage,
                Trigger::Regex(r"^hi (?<name>\w+)$"),
                0,
                captures,
            ),
            spec(
                "vote",
                Kind::CallbackQuery,
                Trigger::Callback("vote:*"),
                0,
                vote,
            ),
            spec(
                "page",
                Kind::CallbackQuery,
                Trigger::Callback("page:*"),
                0,
                page,
            ),
            spec(
                "exact",
                Kind::CallbackQuery,
                Trigger::Callback("menu"),
                0,
                handled,
            ),
            spec("any_cb", Kind::CallbackQuery, Trigger::None, 0, handled2),
            spec(
                "search",
                Kind::InlineQuery,
                Trigger::Inline(r"^(?<name>\w+) "),
                0,
                captures,
            ),
            spec("chosen", Kind::ChosenInlineResult, Trigger::None, 0, late),
        ],
    );
    assert_eq!(
        h.route(w.private_text(ALICE, 1, "hi Alice")).await,
        ["name=Alice"]
    );
    assert!(
        h.route(w.private_text(ALICE, 2, "hi two words"))
            .await
            .is_empty()
    );
    assert_eq!(h.route(w.callback(ALICE, b"vote:up")).await, ["vote up"]);
    assert_eq!(h.route(w.callback(ALICE, b"vote:")).await, ["vote "]);
    assert_eq!(h.route(w.callback(ALICE, b"page:7")).await, ["page 7"]);
    // Not a number: a mismatch, the next handler of the group gets it.
    assert_eq!(h.route(w.callback(ALICE, b"page:x")).await, ["handled2"]);
    assert_eq!(h.route(w.callback(ALICE, b"menu")).await, ["handled"]);
    assert_eq!(h.route(w.callback(ALICE, b"menu2")).await, ["handled2"]);
    assert_eq!(h.route(w.callback(ALICE, b"\xff\xfe")).await, ["handled2"]);
    assert_eq!(
        h.route(w.inline_query(ALICE, "cats and dogs")).await,
        ["name=cats"]
    );
    assert_eq!(h.route(w.inline_send(ALICE, "cats", "r1")).await, ["late"]);
}

fn on_status(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let RawUpdate(status) = RawUpdate::<tl::types::UpdateUserStatus>::from_update(&cx)
            .await
            .unwrap();
        log(&cx).push(format!("status {}", status.user_id));
        Outcome::Handled
    })
}

#[tokio::test]
async fn raw_handlers_reach_untyped_updates_through_a_typed_filter() {
    let w = world().await;
    fn statuses() -> Filter {
        filters::raw::<tl::types::UpdateUserStatus>()
    }
    let mut raw = spec("status", Kind::Raw, Trigger::None, 0, on_status);
    raw.filter = statuses;
    let h = Harness::new(
        &w,
        vec![
            raw,
            spec("deleted", Kind::DeletedMessages, Trigger::None, 0, handled),
        ],
    );
    assert_eq!(h.route(w.user_status(BOB)).await, [format!("status {BOB}")]);
    assert_eq!(h.route(w.deleted(&[1, 2])).await, ["handled"]);
    assert!(h.route(w.private_text(ALICE, 1, "x")).await.is_empty());
}

#[tokio::test]
async fn duplicate_commands_in_one_group_refuse_to_start() {
    let w = world().await;
    let specs = vec![
        spec(
            "a",
            Kind::NewMessage,
            Trigger::Commands(&["start"]),
            0,
            handled,
        ),
        spec(
            "b",
            Kind::NewMessage,
            Trigger::Commands(&["help", "START"]),
            0,
            handled,
        ),
    ];
    let err = Harness::try_new(&w, specs, Config::default())
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("/start in group 0"), "{msg}");
    assert!(msg.contains("`a`") && msg.contains("`b`"), "{msg}");
    // Different groups are fine.
    let specs = vec![
        spec(
            "a",
            Kind::NewMessage,
            Trigger::Commands(&["start"]),
            0,
            handled,
        ),
        spec(
            "b",
            Kind::NewMessage,
            Trigger::Commands(&["start"]),
            1,
            handled,
        ),
    ];
    assert!(Harness::try_new(&w, specs, Config::default()).is_ok());
}

fn plugin_spec(name: &'static str, module_path: &'static str) -> HandlerSpec {
    let mut s = spec(name, Kind::NewMessage, Trigger::None, 0, handled);
    s.module_path = module_path;
    s
}

#[tokio::test]
async fn include_exclude_select_handlers_and_reject_unknown_names() {
    let w = world().await;
    let specs = || {
        vec![
            plugin_spec("ban", "bot::plugins::admin"),
            plugin_spec("kick", "bot::plugins::admin::kick"),
            plugin_spec("hello", "bot::plugins::greet"),
        ]
    };
    let mut config = Config::default();
    config.plugins.include = Some(vec!["admin".into()]);
    config.plugins.exclude = vec!["admin ban".into()];
    let h = Harness::try_new(&w, specs(), config).unwrap();
    let enabled: Vec<_> = h
        .dispatcher
        .handlers()
        .iter()
        .map(|r| (r.plugin, r.spec.name, r.enabled))
        .collect();
    assert_eq!(
        enabled,
        [
            ("admin", "ban", false),
            ("admin", "kick", true),
            ("greet", "hello", false)
        ]
    );
    let mut config = Config::default();
    config.plugins.exclude = vec!["greeter".into()];
    let err = Harness::try_new(&w, specs(), config)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("plugins.exclude names `greeter`"), "{err}");
}

struct Catalog;

fn uses_catalog(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let _ = State::<Catalog>::from_update(&cx).await;
        Outcome::Handled
    })
}

fn check_catalog(
    startup: &crate::extract::StartupContext<'_>,
) -> std::result::Result<(), crate::extract::StartupError> {
    State::<Catalog>::check(startup)
}

fn check_args(
    startup: &crate::extract::StartupContext<'_>,
) -> std::result::Result<(), crate::extract::StartupError> {
    Args::<u8>::check(startup)
}

#[tokio::test]
async fn missing_state_and_misplaced_extractors_fail_at_startup() {
    let w = world().await;
    let mut s = spec("search", Kind::InlineQuery, Trigger::None, 0, uses_catalog);
    s.check = check_catalog;
    let err = Harness::try_new(&w, vec![s], Config::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("State<") && err.contains("Catalog") && err.contains("`search`"),
        "{err}"
    );

    let mut s = spec("echo", Kind::NewMessage, Trigger::None, 0, handled);
    s.check = check_args;
    let err = Harness::try_new(&w, vec![s], Config::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("takes `Args`, which needs a `command` trigger"),
        "{err}"
    );
}

#[tokio::test]
async fn bot_command_menu_lists_described_commands() {
    let w = world().await;
    let mut start = spec(
        "start",
        Kind::NewMessage,
        Trigger::Commands(&["start", "begin"]),
        0,
        handled,
    );
    start.description = Some("Say hello");
    let help = spec(
        "help",
        Kind::NewMessage,
        Trigger::Commands(&["help"]),
        0,
        handled,
    );
    let h = Harness::new(&w, vec![start, help]);
    let menu = h.dispatcher.bot_commands();
    let names: Vec<_> = menu
        .iter()
        .map(|c| (c.command.as_str(), c.description.as_str()))
        .collect();
    assert_eq!(names, [("start", "Say hello"), ("begin", "Say hello")]);
}

static GATE: Mutex<Option<Arc<Notify>>> = Mutex::new(None);

fn gate() -> Arc<Notify> {
    GATE.lock().unwrap().clone().expect("gate set")
}

/// In chat A (alice): waits until chat B's handler has run. In chat B: records and opens.
fn waits_for_other_chat(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let text = cx.text().unwrap_or_default().to_owned();
        if cx.chat_id()
            == Some(grammers_client::session::types::PeerId::user_unchecked(
                ALICE,
            ))
        {
            if text == "first" {
                // Blocks chat A until chat B got through: a deadlock if chats were serialised.
                gate().notified().await;
            }
            log(&cx).push(format!("A:{text}"));
        } else {
            log(&cx).push(format!("B:{text}"));
            gate().notify_one();
        }
        Outcome::Handled
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chats_run_concurrently_and_each_chat_in_order() {
    *GATE.lock().unwrap() = Some(Arc::new(Notify::new()));
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![spec(
            "gate",
            Kind::NewMessage,
            Trigger::None,
            0,
            waits_for_other_chat,
        )],
    );
    h.dispatcher
        .dispatch(w.private_text(ALICE, 1, "first"))
        .await;
    h.dispatcher
        .dispatch(w.private_text(ALICE, 2, "second"))
        .await;
    h.dispatcher
        .dispatch(w.private_text(ALICE, 3, "third"))
        .await;
    h.dispatcher.dispatch(w.private_text(BOB, 4, "b")).await;
    let report = h.dispatcher.shutdown(Duration::from_secs(10)).await;
    assert_eq!(
        report.abandoned, 0,
        "everything finished: chat B was not stuck behind chat A"
    );
    assert_eq!(h.log.take(), ["B:b", "A:first", "A:second", "A:third"]);
}

fn forever(_: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        std::future::pending::<()>().await;
        Outcome::Handled
    })
}

/// Handlers of `forever_counted` that have started.
static STARTED_FOREVER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn forever_counted(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    STARTED_FOREVER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    forever(cx)
}

fn forever_dispatcher(w: &TestWorld, max_in_flight: usize, handler: Call) -> Dispatcher {
    let mut config = Config::default();
    config.dispatch.max_in_flight = max_in_flight;
    let mut states = States::default();
    states.insert(Log::default());
    let mut setup = DispatcherSetup::new(w.client().clone(), me(), Arc::new(config), states);
    setup.handlers = Some(numbered(vec![spec(
        "forever",
        Kind::NewMessage,
        Trigger::None,
        0,
        handler,
    )]));
    Dispatcher::new(setup).unwrap()
}

#[tokio::test]
async fn in_flight_bounds_running_handlers_not_accepted_updates() {
    let w = world().await;
    let d = forever_dispatcher(&w, 2, forever_counted);
    // Three chats, a burst in one of them: everything is accepted at once (no backpressure),
    // but only two handlers run.
    for (id, chat) in [(1, ALICE), (2, ALICE), (3, ALICE), (4, BOB), (5, 300)] {
        tokio::time::timeout(
            Duration::from_secs(5),
            d.dispatch(w.private_text(chat, id, "x")),
        )
        .await
        .expect("accepting an update does not wait for a running permit");
    }
    let started = || STARTED_FOREVER.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::timeout(Duration::from_secs(5), async {
        while started() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("two handlers start");
    // Give a third one every chance to start if the bound were not enforced.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        STARTED_FOREVER.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "max_in_flight = 2 handlers run; the others wait"
    );
    let report = d.shutdown(Duration::from_millis(100)).await;
    assert_eq!(
        report.abandoned, 5,
        "every accepted update is accounted for"
    );
}

#[tokio::test]
async fn accepted_updates_are_bounded_by_backpressure() {
    let w = world().await;
    let d = forever_dispatcher(&w, 1, forever);
    for id in 1..=scheduler::MAX_PENDING as i32 {
        d.dispatch(w.private_text(ALICE, id, "x")).await;
    }
    let one_more = tokio::time::timeout(
        Duration::from_millis(200),
        d.dispatch(w.private_text(BOB, 0, "y")),
    )
    .await;
    assert!(
        one_more.is_err(),
        "dispatch waits once MAX_PENDING updates are accepted and unfinished"
    );
    let report = d.shutdown(Duration::from_millis(100)).await;
    assert_eq!(report.abandoned, scheduler::MAX_PENDING);
}

#[tokio::test]
async fn filters_on_synthetic_messages() {
    use tl::enums::MessageMedia as M;
    let w = world().await;
    let h = Harness::new(&w, vec![]);
    let router = h.dispatcher.router();
    let check = |update: Update, filter: Filter| -> bool {
        let cx = router.context(update);
        filter.matches_sync(&cx).expect("builtins are sync")
    };
    let text = || MessageSpec::new(1, "hello").chat(peer_user(ALICE));
    assert!(check(
        w.message(text()),
        filters::text & filters::private & filters::incoming
    ));
    assert!(!check(
        w.message(text()),
        filters::group | filters::channel | filters::outgoing
    ));
    assert!(check(
        w.message(text().outgoing()),
        filters::me & filters::outgoing
    ));
    let in_group = MessageSpec::new(1, "x")
        .chat(super::testing::peer_chat(10))
        .from_user(BOB);
    assert!(check(
        w.message(in_group.clone()),
        filters::group & !filters::private
    ));
    assert!(check(
        w.message(in_group.clone()),
        filters::user(&[filters::UserRef::Username("BOB")])
    ));
    assert!(check(
        w.message(in_group.clone()),
        filters::user(&[filters::UserRef::Id(BOB)])
    ));
    assert!(!check(
        w.message(in_group.clone()),
        filters::user(&[filters::UserRef::Id(ALICE)])
    ));
    assert!(check(w.message(in_group), filters::chat(&[-10])));
    let supergroup = MessageSpec::new(1, "x")
        .chat(peer_channel(20))
        .from_user(BOB);
    assert!(check(
        w.message(supergroup),
        filters::group & filters::chat(&[-1000000000020])
    ));
    let mut post = MessageSpec::new(1, "news").chat(peer_channel(30));
    post.post = true;
    assert!(check(w.message(post), filters::channel));
    let from_bot = MessageSpec::new(1, "beep").chat(peer_user(300));
    assert!(check(w.message(from_bot), filters::bot));
    assert!(!check(w.message(text()), filters::bot));

    let mut m = text();
    m.reply_to = Some(3);
    m.mentioned = true;
    m.via_bot = Some(300);
    m.forwarded_from = Some(peer_user(BOB));
    assert!(check(
        w.message(m),
        filters::reply & filters::mentioned & filters::via_bot & filters::forwarded
    ));
    assert!(!check(
        w.message(text()),
        filters::reply | filters::mentioned | filters::via_bot | filters::forwarded
    ));
    let mut service = text();
    service.service = true;
    assert!(check(w.message(service.clone()), filters::service));
    assert!(!check(w.message(service), filters::text));

    let dice = text().media(M::Dice(tl::types::MessageMediaDice {
        value: 6,
        emoticon: "🎲".into(),
        game_outcome: None,
    }));
    assert!(check(
        w.message(dice.clone()),
        filters::dice & filters::media & filters::caption
    ));
    assert!(!check(
        w.message(dice),
        filters::text | filters::photo | filters::poll
    ));
    let doc = |attributes: Vec<tl::enums::DocumentAttribute>, voice: bool, round: bool| {
        M::Document(tl::types::MessageMediaDocument {
            nopremium: false,
            spoiler: false,
            video: false,
            round,
            voice,
            document: Some(tl::enums::Document::Document(tl::types::Document {
                id: 1,
                access_hash: 1,
                file_reference: vec![],
                date: 0,
                mime_type: "application/octet-stream".into(),
                size: 1,
                thumbs: None,
                video_thumbs: None,
                dc_id: 2,
                attributes,
            })),
            alt_documents: None,
            video_cover: None,
            video_timestamp: None,
            ttl_seconds: None,
        })
    };
    use tl::enums::DocumentAttribute as A;
    let sticker = A::Sticker(tl::types::DocumentAttributeSticker {
        mask: false,
        alt: "🙂".into(),
        stickerset: tl::enums::InputStickerSet::Empty,
        mask_coords: None,
    });
    let audio = |voice| {
        A::Audio(tl::types::DocumentAttributeAudio {
            voice,
            duration: 1,
            title: None,
            performer: None,
            waveform: None,
        })
    };
    let video = |round_message| {
        A::Video(tl::types::DocumentAttributeVideo {
            round_message,
            supports_streaming: false,
            nosound: false,
            duration: 1.0,
            w: 1,
            h: 1,
            preload_prefix_size: None,
            video_start_ts: None,
            video_codec: None,
        })
    };
    let cases: Vec<(tl::enums::MessageMedia, Filter)> = vec![
        (doc(vec![sticker], false, false), filters::sticker),
        (
            doc(vec![A::Animated, video(false)], false, false),
            filters::animation,
        ),
        (doc(vec![video(false)], false, false), filters::video),
        (doc(vec![video(true)], false, false), filters::video_note),
        (doc(vec![], false, true), filters::video_note),
        (doc(vec![audio(false)], false, false), filters::audio),
        (doc(vec![audio(true)], false, false), filters::voice),
        (doc(vec![], true, false), filters::voice),
        (doc(vec![], false, false), filters::document),
    ];
    let all = [
        filters::sticker,
        filters::animation,
        filters::video,
        filters::video_note,
        filters::audio,
        filters::voice,
        filters::document,
    ];
    for (media, expected) in cases {
        let update = || {
            w.message(
                MessageSpec::new(1, "")
                    .chat(peer_user(ALICE))
                    .media(media.clone()),
            )
        };
        assert!(check(update(), expected.clone()), "{expected:?} matches");
        let matching = all.iter().filter(|f| check(update(), (*f).clone())).count();
        assert_eq!(
            matching, 1,
            "exactly one media kind matches for {expected:?}"
        );
        assert!(
            !check(update(), filters::caption | filters::text),
            "no text"
        );
    }
    // Message filters on other updates are false, not a panic.
    assert!(!check(
        w.callback(ALICE, b"x"),
        filters::text | filters::media | filters::incoming
    ));
    assert!(check(
        w.callback(ALICE, b"x"),
        filters::private & filters::user(&[filters::UserRef::Id(ALICE)])
    ));
}

#[tokio::test]
async fn async_and_message_custom_filters() {
    fn shouting(m: &grammers_client::update::Message) -> bool {
        m.text().chars().any(char::is_alphabetic) && !m.text().chars().any(char::is_lowercase)
    }
    async fn slow_yes(_: UpdateContext) -> bool {
        tokio::task::yield_now().await;
        true
    }
    async fn not_empty(m: grammers_client::update::Message) -> bool {
        !m.text().is_empty()
    }
    use crate::filters::IntoFilter;
    let w = world().await;
    let h = Harness::new(&w, vec![]);
    let router = h.dispatcher.router();
    let f = shouting.into_filter() & slow_yes.into_filter() & not_empty.into_filter();
    assert!(f.is_async());
    assert!(
        f.matches_sync(&router.context(w.private_text(ALICE, 1, "HEY")))
            .is_none()
    );
    assert!(
        f.matches(&router.context(w.private_text(ALICE, 1, "HEY")))
            .await
    );
    assert!(
        !f.matches(&router.context(w.private_text(ALICE, 1, "hey")))
            .await
    );
    assert!(!f.matches(&router.context(w.callback(ALICE, b"HEY"))).await);
    assert!(
        !(!f)
            .matches(&router.context(w.private_text(ALICE, 1, "HEY")))
            .await
    );
}

#[tokio::test]
async fn extractors_on_the_wrong_update_are_mismatches() {
    use crate::extract::{Chat, CommandArgs, Sender, Text};
    let w = world().await;
    let h = Harness::new(&w, vec![]);
    let router = h.dispatcher.router();
    let msg = router.context(w.private_text(ALICE, 1, "/echo   hello  world "));
    assert_eq!(
        CommandArgs::from_update(&msg).await.unwrap().0,
        "hello  world "
    );
    assert_eq!(
        Text::from_update(&msg).await.unwrap().0,
        "/echo   hello  world "
    );
    assert_eq!(
        Sender::from_update(&msg).await.unwrap().0.username(),
        Some("alice")
    );
    assert_eq!(
        Chat::from_update(&msg).await.unwrap().0.id().bare_id(),
        Some(ALICE)
    );
    assert!(
        grammers_client::update::Message::from_update(&msg)
            .await
            .is_ok()
    );
    assert!(
        grammers_client::update::CallbackQuery::from_update(&msg)
            .await
            .is_err()
    );
    assert!(CallbackData::<String>::from_update(&msg).await.is_err());
    assert!(Captures::from_update(&msg).await.is_err());
    assert!(
        RawUpdate::<tl::types::UpdateUserStatus>::from_update(&msg)
            .await
            .is_err()
    );
    assert!(
        RawUpdate::<tl::enums::Update>::from_update(&msg)
            .await
            .is_ok()
    );
    assert!(
        Option::<grammers_client::update::InlineQuery>::from_update(&msg)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(Me::from_update(&msg).await.unwrap().id, ME);

    let cb = router.context(w.callback(BOB, b"vote:up"));
    assert!(CommandArgs::from_update(&cb).await.is_err());
    assert_eq!(
        CallbackData::<String>::from_update(&cb).await.unwrap().0,
        "vote:up"
    );
    assert_eq!(
        Sender::from_update(&cb).await.unwrap().0.username(),
        Some("bob")
    );
    let not_command = router.context(w.private_text(ALICE, 1, "plain"));
    assert!(CommandArgs::from_update(&not_command).await.is_err());
    let usage =
        Args::<(u8, u32)>::from_update(&router.context(w.private_text(ALICE, 1, "/roll abc")))
            .await
            .unwrap_err();
    assert!(usage.is_usage());
    let reply = usage.usage_reply("/roll").unwrap();
    assert!(
        reply.starts_with("Usage: /roll <u8> <u32>\nargument 1 `abc` is not a valid u8"),
        "{reply}"
    );
}

#[derive(Debug, serde::Deserialize)]
struct Limits {
    per_minute: u32,
}

fn uses_limits(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let limits = crate::extract::PluginConfig::<Limits>::from_update(&cx)
            .await
            .unwrap();
        log(&cx).push(format!("limit {} for {}", limits.per_minute, cx.plugin()));
        Outcome::Handled
    })
}

fn check_limits(
    startup: &crate::extract::StartupContext<'_>,
) -> std::result::Result<(), crate::extract::StartupError> {
    crate::extract::PluginConfig::<Limits>::check(startup)
}

#[tokio::test]
async fn plugin_config_is_read_once_at_startup_and_errors_name_the_key() {
    let w = world().await;
    let mut s = spec("limited", Kind::NewMessage, Trigger::None, 0, uses_limits);
    s.check = check_limits;
    let config =
        Config::from_toml_str("[telegram]\napi_id = 1\n[plugins.test]\nper_minute = 3\n").unwrap();
    let h = Harness::try_new(&w, vec![s], config).unwrap();
    assert_eq!(
        h.route(w.private_text(ALICE, 1, "x")).await,
        ["limit 3 for test"]
    );

    let config =
        Config::from_toml_str("[telegram]\napi_id = 1\n[plugins.test]\nper_minute = \"many\"\n")
            .unwrap();
    let err = Harness::try_new(&w, vec![s], config)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("`limited`") && err.contains("Config<") && err.contains("per_minute"),
        "{err}"
    );
    let config = Config::from_toml_str("[telegram]\napi_id = 1\n").unwrap();
    let err = Harness::try_new(&w, vec![s], config)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("plugins.test.per_minute"),
        "a missing key is named: {err}"
    );
}

#[tokio::test]
async fn link_previews_are_text_not_caption_but_count_as_media() {
    let w = world().await;
    let h = Harness::new(&w, vec![]);
    let router = h.dispatcher.router();
    let preview = tl::enums::MessageMedia::WebPage(tl::types::MessageMediaWebPage {
        force_large_media: false,
        force_small_media: false,
        manual: false,
        safe: false,
        webpage: tl::enums::WebPage::Empty(tl::types::WebPageEmpty { id: 1, url: None }),
    });
    let m = w.message(
        MessageSpec::new(1, "see https://example.org")
            .chat(peer_user(ALICE))
            .media(preview),
    );
    let cx = router.context(m);
    assert_eq!(
        (filters::text & filters::media).matches_sync(&cx),
        Some(true)
    );
    assert_eq!(
        (filters::caption | filters::photo | filters::document).matches_sync(&cx),
        Some(false)
    );
}

fn on_service(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let action = crate::extract::ServiceAction::from_update(&cx)
            .await
            .unwrap();
        log(&cx).push(format!("{action:?}"));
        Outcome::Handled
    })
}

fn on_member(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let change = crate::extract::ChatMemberUpdated::from_update(&cx)
            .await
            .unwrap();
        log(&cx).push(format!(
            "member {} joined={} left={} about_me={}",
            change.user_id,
            change.joined(),
            change.left(),
            change.is_about(cx.me())
        ));
        Outcome::Handled
    })
}

fn on_request(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let request = crate::extract::JoinRequest::from_update(&cx).await.unwrap();
        log(&cx).push(format!("request {} {:?}", request.user_id, request.about));
        Outcome::Handled
    })
}

fn on_stop(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let stop = crate::extract::BotStopped::from_update(&cx).await.unwrap();
        log(&cx).push(format!("stopped {} {}", stop.user_id, stop.stopped));
        Outcome::Handled
    })
}

fn member_update(user_id: i64, joined: bool) -> tl::enums::Update {
    let participant = tl::enums::ChatParticipant::Participant(tl::types::ChatParticipant {
        user_id,
        inviter_id: user_id,
        date: 0,
        rank: None,
    });
    let (prev, new) = if joined {
        (None, Some(participant))
    } else {
        (Some(participant), None)
    };
    tl::enums::Update::ChatParticipant(tl::types::UpdateChatParticipant {
        chat_id: 10,
        date: 0,
        actor_id: user_id,
        user_id,
        prev_participant: prev,
        new_participant: new,
        invite: None,
        qts: 1,
    })
}

#[tokio::test]
async fn service_messages_membership_requests_and_stops_have_their_own_kinds() {
    let w = world().await;
    let h = Harness::new(
        &w,
        vec![
            spec(
                "welcome",
                Kind::Service,
                Trigger::Service("new_chat_members"),
                0,
                on_service,
            ),
            spec("any_service", Kind::Service, Trigger::None, 0, on_service),
            spec("messages", Kind::NewMessage, Trigger::None, 0, handled),
            spec("members", Kind::ChatMember, Trigger::None, 0, on_member),
            spec("requests", Kind::JoinRequest, Trigger::None, 0, on_request),
            spec("stops", Kind::BotStopped, Trigger::None, 0, on_stop),
        ],
    );
    // Bob joins by a link: the joiner is the message's sender, filled into the action.
    let joined = MessageSpec::new(5, "")
        .chat(peer_chat(10))
        .from_user(BOB)
        .action(tl::enums::MessageAction::ChatJoinedByLink(
            tl::types::MessageActionChatJoinedByLink { inviter_id: ALICE },
        ));
    assert_eq!(
        h.route(w.message(joined)).await,
        [format!(
            "NewChatMembers {{ user_ids: [{BOB}], via: InviteLink {{ inviter_id: {ALICE} }} }}"
        )]
    );
    // A pin is not a join: the catch-all service handler gets it, with the pinned id.
    let pinned = MessageSpec::new(6, "")
        .chat(peer_chat(10))
        .from_user(ALICE)
        .reply_to(3)
        .action(tl::enums::MessageAction::PinMessage);
    assert_eq!(
        h.route(w.message(pinned)).await,
        ["PinnedMessage { message_id: Some(3) }"]
    );
    // Plain messages still go to message handlers, and only there.
    assert_eq!(h.route(w.private_text(ALICE, 7, "hi")).await, ["handled"]);

    assert_eq!(
        h.route(w.update(member_update(BOB, true))).await,
        [format!(
            "member {BOB} joined=true left=false about_me=false"
        )]
    );
    assert_eq!(
        h.route(w.update(member_update(ME, false))).await,
        [format!("member {ME} joined=false left=true about_me=true")]
    );
    let request =
        tl::enums::Update::BotChatInviteRequester(tl::types::UpdateBotChatInviteRequester {
            peer: peer_channel(20),
            date: 0,
            user_id: BOB,
            about: "let me in".into(),
            invite: tl::enums::ExportedChatInvite::ChatInvitePublicJoinRequests,
            qts: 2,
            query_id: None,
        });
    assert_eq!(
        h.route(w.update(request)).await,
        [format!("request {BOB} \"let me in\"")]
    );
    let stop = tl::enums::Update::BotStopped(tl::types::UpdateBotStopped {
        user_id: ALICE,
        date: 0,
        stopped: true,
        qts: 3,
    });
    assert_eq!(
        h.route(w.update(stop)).await,
        [format!("stopped {ALICE} true")]
    );
}

#[tokio::test]
async fn handlers_that_could_never_see_service_messages_refuse_to_start() {
    let w = world().await;
    fn only_service() -> Filter {
        filters::service & filters::group
    }
    let mut misplaced = spec("joins", Kind::NewMessage, Trigger::None, 0, handled);
    misplaced.filter = only_service;
    let error = Harness::try_new(&w, vec![misplaced], Config::default())
        .err()
        .expect("refused");
    assert!(
        error.to_string().contains("`joins`") && error.to_string().contains("#[handler(service)]"),
        "{error}"
    );
    fn not_service() -> Filter {
        !filters::service
    }
    let mut fine = spec("text", Kind::NewMessage, Trigger::None, 0, handled);
    fine.filter = not_service;
    assert!(Harness::try_new(&w, vec![fine], Config::default()).is_ok());

    let unknown = spec(
        "typo",
        Kind::Service,
        Trigger::Service("joined"),
        0,
        handled,
    );
    let error = Harness::try_new(&w, vec![unknown], Config::default())
        .err()
        .expect("refused");
    assert!(error.to_string().contains("\"joined\""), "{error}");
}
