//! Callback query routing: a `callback = "pattern"` handler against arbitrary button data,
//! and `CallbackData<String>` extraction of what the pattern's `*` matched.
#![no_main]

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use oxygram::Config;
use oxygram::dispatch::testing::{TestUser, TestWorld};
use oxygram::dispatch::{Dispatcher, DispatcherSetup, Me, UpdateContext};
use oxygram::extract::{CallbackData, FromUpdate};
use oxygram::handler::{BoxFuture, HandlerSpec, Kind, Outcome, Trigger};
use oxygram::state::States;

const ALICE: i64 = 100;

#[derive(Default)]
struct Extracted(Mutex<Vec<Option<String>>>);

fn record(cx: UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let data = CallbackData::<String>::from_update(&cx).await.ok();
        let extracted = cx.states().get::<Extracted>().expect("registered");
        extracted.0.lock().unwrap().push(data.map(|d| d.0));
        Outcome::Handled
    })
}

/// Patterns are `&'static str` in handler specs: each distinct one is leaked once and kept
/// reachable here (so the leak sanitizer does not count it).
fn intern(pattern: String) -> &'static str {
    static PATTERNS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut patterns = PATTERNS.get_or_init(Default::default).lock().unwrap();
    if let Some(known) = patterns.get(pattern.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(pattern.into_boxed_str());
    patterns.insert(leaked);
    leaked
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    world: TestWorld,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let world = runtime.block_on(TestWorld::new(
            vec![
                TestUser::new(ALICE, "alice"),
                TestUser::new(999, "EchoBot").bot(),
            ],
            vec![],
        ));
        Fixture { runtime, world }
    })
}

fuzz_target!(|input: (String, Vec<u8>)| {
    let (pattern, data) = input;
    let Fixture { runtime, world } = fixture();
    let written = intern(pattern);
    let mut states = States::default();
    states.insert(Extracted::default());
    let spec = HandlerSpec::builder("callback", Kind::CallbackQuery, record)
        .module_path("fuzz")
        .trigger(Trigger::Callback(written))
        .location(file!(), line!())
        .build();
    let config = Config::from_toml_str("[telegram]\napi_id = 1\n").unwrap();
    let me = Me {
        id: 999,
        username: Some("EchoBot".into()),
        is_bot: false,
    };
    let mut setup =
        DispatcherSetup::new(world.client().clone(), me, Arc::new(config), states.clone());
    setup.handlers = Some(vec![spec]);
    let dispatcher = Dispatcher::new(setup).unwrap();
    let cx = dispatcher.router().context(world.callback(ALICE, &data));
    let ran = runtime.block_on(dispatcher.router().route(&cx));

    let (expected, rest) = match written.strip_suffix('*') {
        Some(start) => (
            data.starts_with(start.as_bytes()),
            data.get(start.len()..).unwrap_or_default(),
        ),
        None => (data == written.as_bytes(), &data[..]),
    };
    assert_eq!(ran == 1, expected);
    let extracted = states.get::<Extracted>().unwrap().0.lock().unwrap().clone();
    if expected {
        assert_eq!(
            extracted,
            vec![std::str::from_utf8(rest).ok().map(str::to_owned)]
        );
    } else {
        assert!(extracted.is_empty());
    }
});
