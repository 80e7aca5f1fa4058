//! How fast one grammers client can talk to the testkit, and what the testkit costs.
//!
//! `cargo bench -p oxygram-testkit --bench round_trips` (optimised build). A grammers echo bot
//! (its own runtime) answers scripted users driven on the testkit's runtime, which runs on one
//! dedicated thread so its CPU time can be read from `/proc/thread-self/stat`. Reports round
//! trips per second (user message → bot → reply back to the user), latency percentiles and the
//! testkit's CPU time per round trip.
//!
//! Environment: `BENCH_USERS` (default 50 concurrent users), `BENCH_SECS` (default 5).

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use grammers_client::Client;
use grammers_client::update::Update;
use grammers_mtsender::{ConnectionParams, SenderPool, UpdatesConfiguration};
use grammers_session::storages::MemorySession;
use oxygram_testkit::{Bot, TestKit, User, World};

const TOKEN: &str = "123456:BENCHTOKEN";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU time (user + system) of the calling thread, from /proc (clock ticks of 10 ms).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After the `)`: state is field 0, utime field 11, stime field 12.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

struct Report {
    round_trips: usize,
    elapsed: Duration,
    kit_cpu: Duration,
    latencies: Vec<Duration>,
}

fn main() {
    let users = env_or("BENCH_USERS", 50) as usize;
    let secs = env_or("BENCH_SECS", 5);

    // The testkit and its scripted users: one thread, one current-thread runtime.
    let (kit_tx, kit_rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let kit_thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            // A benchmark of round trips, not of Telegram's limits: lifted explicitly.
            let mut world = World::new()
                .without_limits()
                .bot(Bot::new(TOKEN).username("bench_bot"));
            for i in 0..users {
                world = world.user(User::new(format!("+1555200{i:04}")).username(format!("u{i}")));
            }
            let kit = Arc::new(TestKit::start(world).await.unwrap());
            kit_tx.send(Arc::clone(&kit)).unwrap();
            go_rx.recv().unwrap();
            run_load(&kit, users, Duration::from_secs(secs)).await
        })
    });
    let kit = kit_rx.recv().unwrap();

    // The bot under test: a plain grammers echo bot on its own runtime.
    let bot_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let bot_stop = Arc::clone(&stop);
    let session = Arc::new(MemorySession::from(
        kit.session_data_for("bench_bot").unwrap(),
    ));
    bot_rt.spawn(async move {
        let params = ConnectionParams {
            updates_channel_capacity: NonZeroUsize::new(10_000).unwrap(),
            ..ConnectionParams::default()
        };
        let SenderPool {
            runner,
            handle,
            updates,
        } = SenderPool::with_configuration(session, 1, params);
        let client = Client::new(handle.clone());
        tokio::spawn(runner.run());
        // grammers connects lazily: make one request so the server can push to it.
        client.get_me().await.unwrap();
        let mut stream = client
            .stream_updates(updates, UpdatesConfiguration { catch_up: true })
            .await
            .unwrap();
        while !bot_stop.load(Ordering::Relaxed) {
            match stream.next().await {
                Ok(Update::NewMessage(m)) if !m.outgoing() => {
                    tokio::spawn(async move {
                        let _ = m.reply(m.text().to_string()).await;
                    });
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    // Let the bot connect before the clock starts.
    std::thread::sleep(Duration::from_millis(500));
    go_tx.send(()).unwrap();
    let report = kit_thread.join().unwrap();
    stop.store(true, Ordering::Relaxed);

    let mut lat = report.latencies;
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let rps = report.round_trips as f64 / report.elapsed.as_secs_f64();
    println!("users in flight:            {users}");
    println!("round trips:                {}", report.round_trips);
    println!("round trips per second:     {rps:.0}");
    println!(
        "latency p50 / p99:          {:.2} ms / {:.2} ms",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3
    );
    println!(
        "testkit CPU per round trip: {:.1} µs ({:.0}% of one core)",
        report.kit_cpu.as_secs_f64() * 1e6 / report.round_trips.max(1) as f64,
        report.kit_cpu.as_secs_f64() * 100.0 / report.elapsed.as_secs_f64()
    );
    bot_rt.shutdown_timeout(Duration::from_secs(1));
}

async fn run_load(kit: &TestKit, users: usize, duration: Duration) -> Report {
    let cpu_start = thread_cpu();
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for i in 0..users {
        let user = kit.user(&format!("u{i}"));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let sent_at = Instant::now();
                let text = format!("m{n}");
                user.send_text("bench_bot", &text).await.unwrap();
                let reply = user.next_message(Duration::from_secs(10)).await.unwrap();
                assert_eq!(reply.text, text);
                latencies.push(sent_at.elapsed());
                n += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    Report {
        round_trips: latencies.len(),
        elapsed: start.elapsed(),
        kit_cpu: thread_cpu() - cpu_start,
        latencies,
    }
}
