//! Load (issue 7, item 7): many chats each send a burst of messages to the reliability echo
//! bot (its own process) whose handler works 50 ms per message. Every message is answered
//! once; within a chat answers come in the order the messages were sent and the handler runs
//! one at a time; across chats no more handlers run at once than `dispatch.max_in_flight`;
//! the bot's peak resident memory (VmHWM of its own process) is reported and bounded.
//!
//! The dispatcher's `max_in_flight` permit is held by queued updates too, so bursts of `n`
//! messages per chat leave about `max_in_flight / n` handlers running at once (RELIABILITY.md,
//! section 7): the test asserts the bound and that more than one chat runs at once, not a
//! throughput.
//!
//! The short run (100 chats × 5 messages) is part of `cargo test`; the full one (1000 chats ×
//! 20 messages) is opt-in:
//!
//! ```text
//! cargo test -p oxygram-e2e --test reliability_load -- --ignored --nocapture
//! OXYGRAM_SOAK=full cargo test -p oxygram-e2e --test reliability_load -- --nocapture
//! ```

mod common_core;
mod reliability;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use common_core::Env;
use oxygram_testkit::{Bot, World};
use reliability::Pace;

const TOKEN: &str = "123456:TESTTOKEN-load";
const BOT: &str = "echo_bot";

/// `[dispatch] max_in_flight` the bot runs with (the default).
const MAX_IN_FLIGHT: usize = 64;

/// How long each handler works.
const WORK: Duration = Duration::from_millis(50);

/// The bound on the bot's peak resident memory. A debug build of the echo bot idles at about
/// 20 MiB; queued updates are small, so even 20,000 waiting ones stay far below this.
const PEAK_RSS_BOUND_KIB: u64 = 256 * 1024;

fn load(chats: usize, per_chat: usize) {
    // A load test of the dispatcher: Telegram's sending limits are lifted in the testkit and
    // the bot's throttle is off, or the 1-per-second rule per chat would be what is measured.
    let env = Env::start(reliability::with_users(
        World::new()
            .without_limits()
            .bot(Bot::new(TOKEN).username(BOT).name("Echo")),
        chats,
    ));
    env.write_session();
    env.write_config(
        &format!("bot_token = \"{TOKEN}\""),
        &format!("[dispatch]\nmax_in_flight = {MAX_IN_FLIGHT}\n\n[throttle]\nenabled = false"),
    );
    let mut command = env.command_of(reliability::reliability_app());
    command.env("E2E_HANDLER_SLEEP_MS", WORK.as_millis().to_string());
    let mut app = env.spawn(command);
    app.wait_ready();
    let idle_rss = reliability::peak_rss_kib(app.pid()).expect("the bot's /proc status");

    let pace = Pace {
        // The whole burst at once: the chat's messages queue behind each other in the bot.
        window: per_chat,
        // A chat whose burst arrived last waits for nearly the whole load before its first
        // answer. The dispatcher's bound counts queued updates too, so bursts of `per_chat`
        // leave about `MAX_IN_FLIGHT / per_chat` handlers running: allow for 2.
        patience: Duration::from_secs(60) + WORK * (chats * per_chat / 2) as u32,
        gap: Duration::ZERO,
    };
    let started = Instant::now();
    let chats_done = env.block_on(reliability::converse_all(
        reliability::chats(&env.kit, BOT, chats),
        |i| (0..per_chat).map(|j| format!("load u{i} m{j}")).collect(),
        pace,
        Arc::new(AtomicUsize::new(0)),
    ));
    let wall = started.elapsed();
    let peak_rss = reliability::peak_rss_kib(app.pid()).expect("the bot's /proc status");
    let counts = reliability::count(&chats_done);
    let floor = WORK * (chats * per_chat).div_ceil(MAX_IN_FLIGHT) as u32;
    let report = format!(
        "load: {chats} chats × {per_chat} messages, handler {WORK:?}, max_in_flight {MAX_IN_FLIGHT} | \
         sent {} | answered {} | duplicates {} | lost {} | chats out of order {} | \
         max handlers at once {} (per chat {}) | peak RSS {:.1} MiB (idle {:.1} MiB) | \
         wall {wall:.1?} (floor {floor:.1?}) | {:.0} messages/s",
        counts.sent,
        counts.answered,
        counts.duplicates,
        counts.lost,
        counts.out_of_order,
        counts.max_in_flight,
        counts.max_in_chat,
        peak_rss as f64 / 1024.0,
        idle_rss as f64 / 1024.0,
        counts.sent as f64 / wall.as_secs_f64(),
    );
    println!("{report}");
    assert!(
        counts.lost == 0 && counts.duplicates == 0 && counts.unexpected.is_empty(),
        "{report}\nunexpected: {:?}\napp output:\n{}",
        counts.unexpected,
        app.output()
    );
    assert_eq!(counts.sent, chats * per_chat, "{report}");
    assert_eq!(counts.out_of_order, 0, "{report}");
    assert_eq!(
        counts.max_in_chat, 1,
        "one handler at a time per chat; {report}"
    );
    assert!(counts.max_in_flight <= MAX_IN_FLIGHT, "{report}");
    assert!(
        counts.max_in_flight > 1,
        "chats were handled one at a time; {report}"
    );
    assert!(peak_rss <= PEAK_RSS_BOUND_KIB, "{report}");
    app.stop();
}

#[test]
fn every_chat_is_answered_in_order_within_the_in_flight_bound() {
    if reliability::full_soak() {
        return full_load();
    }
    load(100, 5);
}

#[test]
#[ignore = "long (a minute): run with --ignored or OXYGRAM_SOAK=full"]
fn full_load() {
    load(1000, 20);
}
