//! Routing cost per update, with 1 and with 200 registered handlers.
//!
//! Each iteration wraps a prebuilt update into a context (parsing its command) and routes
//! it to a handler that returns at once, so the numbers are the dispatcher's own overhead.
//! The goal is that 200 handlers cost at most 1.2x one: commands are looked up in a hash
//! map, so the other 199 command handlers are never looked at.
//!
//! Run with `cargo bench -p oxygram --bench routing`.
//!
//! Measured 2026-11-28 (2-core shared machine, median per update, includes cloning the
//! update and the current-thread `block_on`):
//!
//! | update | 1 handler | 200 handlers | ratio |
//! |---|---|---|---|
//! | `/start now` (command) | 1.23 µs | 1.24 µs | 1.01 |
//! | `just text` (catch-all) | 1.10 µs | 1.12 µs | 1.02 |

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use oxygram::Config;
use oxygram::dispatch::testing::{TestUser, TestWorld};
use oxygram::dispatch::{Dispatcher, DispatcherSetup, Me};
use oxygram::handler::{BoxFuture, HandlerSpec, Kind, Outcome, Trigger};
use oxygram::state::States;

fn done(_: oxygram::dispatch::UpdateContext) -> BoxFuture<'static, Outcome> {
    Box::pin(async { Outcome::Handled })
}

fn spec(name: &'static str, trigger: Trigger, group: i32, line: u32) -> HandlerSpec {
    HandlerSpec::builder(name, Kind::NewMessage, done)
        .module_path("bench::plugins::bench")
        .trigger(trigger)
        .group(group)
        .location("routing.rs", line)
        .build()
}

/// `/start` plus `extra` other command handlers spread over four groups, and one handler
/// for plain text (without a command trigger) at the end.
fn handlers(extra: usize) -> Vec<HandlerSpec> {
    let mut specs = vec![spec("start", Trigger::Commands(&["start"]), 0, 0)];
    for i in 0..extra {
        let name: &'static str = Box::leak(format!("cmd{i}").into_boxed_str());
        let commands: &'static [&'static str] = Box::leak(vec![name].into_boxed_slice());
        specs.push(spec(
            name,
            Trigger::Commands(commands),
            (i % 4) as i32,
            i as u32 + 1,
        ));
    }
    specs.push(spec("text", Trigger::None, 9, u32::MAX));
    specs
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let world = rt.block_on(TestWorld::new(vec![TestUser::new(100, "alice")], vec![]));
    let command = world.private_text(100, 1, "/start now");
    let text = world.private_text(100, 2, "just text");
    let mut group = c.benchmark_group("route");
    for count in [1usize, 200] {
        // `handlers(n)` holds n + 1 specs (n command handlers + the text handler);
        // the group name counts the command handlers.
        let mut setup = DispatcherSetup::new(
            world.client().clone(),
            Me {
                id: 1,
                username: Some("bench_bot".into()),
                is_bot: false,
            },
            Arc::new(Config::default()),
            States::default(),
        );
        setup.handlers = Some(handlers(count - 1));
        let dispatcher = rt.block_on(async { Dispatcher::new(setup).unwrap() });
        let router = dispatcher.router();
        group.bench_function(format!("command/{count}"), |b| {
            b.iter(|| {
                let cx = router.context(black_box(command.clone()));
                black_box(rt.block_on(router.route(&cx)))
            })
        });
        group.bench_function(format!("text/{count}"), |b| {
            b.iter(|| {
                let cx = router.context(black_box(text.clone()));
                black_box(rt.block_on(router.route(&cx)))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
