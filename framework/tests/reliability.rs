//! Reliability of the runtime against a local Telegram (the testkit) with injected faults:
//! crashes between checkpoints, silently stalled pushes, flood waits, transient server
//! errors, `PEER_FLOOD`.
//!
//! One test binary (one link of the SQLite-heavy stack) with one `#[handler]` whose behaviour
//! each test sets through its [`Seen`] state.

mod support;

use std::time::Duration;

use oxygram::prelude::*;
use oxygram_testkit::TransientError;
use support::{Env, RunningApp, Seen, WAIT, wait_until};

/// Records every text; `block` never finishes while [`Seen::blocking`] is set.
#[oxygram::handler(message, filter = text)]
async fn record(msg: Message, seen: State<Seen>) -> Result<()> {
    let text = msg.text().to_owned();
    seen.start(&text);
    if text == "block" && seen.blocking() {
        std::future::pending::<()>().await;
    }
    seen.finish(&text);
    Ok(())
}

/// `/reply` answers `pong`; a failed answer is recorded (with its flood wait or peer flood)
/// and returned.
#[oxygram::handler(command = "reply")]
async fn reply(msg: Message, seen: State<Seen>) -> Result<()> {
    seen.start("/reply");
    match msg.reply("pong").await {
        Ok(_) => {
            seen.finish("/reply");
            Ok(())
        }
        Err(error) => {
            if let Some(flood) = error.flood_wait() {
                seen.flood("handler", flood);
            }
            if let Some(limited) = error.peer_flood() {
                seen.peer_flood("handler", limited);
            }
            Err(error.into())
        }
    }
}

fn app(env: &Env, seen: &Seen, extra: &str) -> oxygram::App {
    app_with(env, seen, "", extra)
}

fn app_with(env: &Env, seen: &Seen, telegram_extra: &str, extra: &str) -> oxygram::App {
    let hook_seen = seen.clone();
    oxygram::App::new()
        .config(env.config(telegram_extra, extra))
        .state(seen.clone())
        .on_error(move |failure| {
            let seen = hook_seen.clone();
            async move {
                if let Some(flood) = failure.error.flood_wait() {
                    seen.flood("error hook", flood.clone());
                }
                if let Some(limited) = failure.error.peer_flood() {
                    seen.peer_flood("error hook", limited.clone());
                }
            }
        })
}

/// A crash (no stop, no save) after the checkpoints ran: updates handled before the last
/// checkpoint are not delivered again, the one whose handler never finished is, updates
/// sent while the app was down arrive, and what is replayed stays within the documented
/// window.
#[test]
fn a_crash_replays_only_what_the_last_checkpoint_did_not_cover_and_loses_nothing() {
    let env = Env::start();
    let extra = "[updates]\ncheckpoint_interval_secs = 0.1\n";

    let first = Seen::default();
    first.set_blocking(true);
    let running = RunningApp::start(app(&env, &first, extra));
    let early: Vec<String> = (0..10).map(|i| format!("early {i}")).collect();
    for text in &early {
        env.send("alice", text);
    }
    wait_until("the early messages to be handled", || {
        early.iter().all(|t| first.finished(t) == 1)
    });
    let handled_pts = env.server_pts();
    wait_until("a checkpoint covering the early messages", || {
        env.stored_pts().is_some_and(|pts| pts >= handled_pts)
    });

    // A handler that never finishes in chat A, while chat B's updates finish after it.
    env.send("alice", "block");
    wait_until("the blocking handler to start", || {
        first.started("block") == 1
    });
    let later: Vec<String> = (0..5).map(|i| format!("later {i}")).collect();
    for text in &later {
        env.send("bob", text);
    }
    wait_until("bob's messages to be handled", || {
        later.iter().all(|t| first.finished(t) == 1)
    });
    // Give the checkpoints every chance to (wrongly) cover `block`.
    std::thread::sleep(Duration::from_millis(500));
    let stored = env.stored_pts().expect("a checkpoint was written");
    running.crash();

    env.send("alice", "while down");
    let second = Seen::default();
    let running = RunningApp::start(app(&env, &second, extra));
    wait_until(
        "the unfinished and the missed update after the restart",
        || second.finished("block") == 1 && second.finished("while down") == 1,
    );
    running.stop();

    // Nothing lost: every update finished in one run or the other.
    for text in early.iter().chain(&later) {
        assert!(
            first.finished(text) + second.finished(text) >= 1,
            "{text} was lost"
        );
    }
    // Covered by a checkpoint: never repeated.
    for text in &early {
        assert_eq!(
            second.started(text),
            0,
            "{text} was replayed (stored pts {stored})"
        );
    }
    // The replay window: bob's updates finished after `block` started in the same pts
    // sequence, so the mark could not pass them; they may come again, once.
    for text in &later {
        assert!(second.started(text) <= 1, "{text} replayed more than once");
    }
    assert_eq!(second.finished("while down"), 1);
}

/// A clean stop saves everything: the next start repeats nothing.
#[test]
fn a_clean_stop_replays_nothing() {
    let env = Env::start();
    let first = Seen::default();
    let running = RunningApp::start(app(&env, &first, ""));
    for i in 0..5 {
        env.send("alice", &format!("m{i}"));
    }
    wait_until("the messages to be handled", || {
        (0..5).all(|i| first.finished(&format!("m{i}")) == 1)
    });
    running.stop();

    env.send("alice", "after");
    let second = Seen::default();
    let running = RunningApp::start(app(&env, &second, ""));
    wait_until("the message sent while stopped", || {
        second.finished("after") == 1
    });
    running.stop();
    for i in 0..5 {
        assert_eq!(second.started(&format!("m{i}")), 0);
    }
}

/// The testkit stops pushing updates but keeps storing them (a silently stalled connection):
/// the watchdog notices the silence and the missed messages are handled anyway.
#[test]
fn a_silent_stall_is_noticed_and_the_missed_updates_are_fetched() {
    let env = Env::start();
    let seen = Seen::default();
    let running = RunningApp::start(app(
        &env,
        &seen,
        "[updates]\nwatchdog_interval_secs = 0.5\n",
    ));
    env.send("alice", "before the stall");
    wait_until("the pushed message", || {
        seen.finished("before the stall") == 1
    });

    env.kit.pause_pushes(true);
    let differences = env.kit.rpc_count("updates.getDifference");
    env.send("alice", "during the stall");
    wait_until("the message that was never pushed", || {
        seen.finished("during the stall") == 1
    });
    assert!(env.kit.rpc_count("updates.getDifference") > differences);
    env.send("bob", "still stalled");
    wait_until("a second message that was never pushed", || {
        seen.finished("still stalled") == 1
    });
    env.kit.pause_pushes(false);
    running.stop();
    assert_eq!(seen.started("during the stall"), 1);
}

/// A flood wait under `flood_sleep_threshold_secs` is slept through and the request retried:
/// the handler never sees it.
#[test]
fn a_short_flood_wait_is_slept_and_retried() {
    let env = Env::start();
    let seen = Seen::default();
    let running = RunningApp::start(app(&env, &seen, ""));
    env.kit
        .fail_next("messages.sendMessage", 1, 420, "FLOOD_WAIT_1");
    env.send("alice", "/reply");
    let answer = env
        .block_on(env.user("alice").next_message(WAIT))
        .expect("the answer after the wait");
    assert_eq!(answer.text, "pong");
    running.stop();
    assert_eq!(seen.finished("/reply"), 1);
    assert_eq!(seen.floods(), []);
}

/// A flood wait over the threshold is returned at once: the handler gets it as a typed
/// `FloodWait` naming the wait and the request, and so does the error hook.
#[test]
fn a_long_flood_wait_reaches_the_handler_and_the_error_hook_typed() {
    let env = Env::start();
    let seen = Seen::default();
    let running = RunningApp::start(app_with(&env, &seen, "flood_sleep_threshold_secs = 2", ""));
    env.kit
        .fail_next("messages.sendMessage", 1, 420, "FLOOD_WAIT_30");
    env.send("alice", "/reply");
    wait_until("the flood wait to reach the error hook", || {
        seen.floods().len() == 2
    });
    running.stop();

    let floods = seen.floods();
    assert_eq!(floods[0].0, "handler");
    assert_eq!(floods[1].0, "error hook");
    for (_, flood) in &floods {
        assert_eq!(flood.wait, Duration::from_secs(30));
        assert_eq!(flood.request, "messages.sendMessage");
        assert_eq!(flood.error, "FLOOD_WAIT");
    }
    // Not slept and retried: the retry would have succeeded and answered.
    assert_eq!(seen.finished("/reply"), 0);
    assert_eq!(env.user("alice").drain_messages(), []);
}

/// The errors each `messages.sendMessage` got, in order (`None`: it went through).
fn send_outcomes(env: &Env) -> Vec<Option<String>> {
    env.kit
        .rpc_log()
        .into_iter()
        .filter(|call| call.method == "messages.sendMessage")
        .map(|call| call.error)
        .collect()
}

/// Two `500 INTERNAL` answers in a row are retried with backoff: the handler's reply arrives
/// once, the handler never sees an error.
#[test]
fn a_reply_survives_two_internal_server_errors() {
    let env = Env::start();
    let seen = Seen::default();
    let running = RunningApp::start(app(&env, &seen, ""));
    env.kit
        .fail_next_transient("messages.sendMessage", 2, TransientError::Internal);
    env.send("alice", "/reply");
    let answer = env
        .block_on(env.user("alice").next_message(WAIT))
        .expect("the answer after two retries");
    assert_eq!(answer.text, "pong");
    running.stop();
    assert_eq!(seen.finished("/reply"), 1);
    assert_eq!(
        send_outcomes(&env),
        [
            Some("INTERNAL".to_string()),
            Some("INTERNAL".to_string()),
            None
        ]
    );
    assert_eq!(env.user("alice").drain_messages(), [], "delivered once");
}

/// `-503 Timeout` (and `-500 No workers running`) are transient too: retried, then answered.
#[test]
fn negative_timeout_and_no_workers_are_retried() {
    let env = Env::start();
    let seen = Seen::default();
    let running = RunningApp::start(app(&env, &seen, ""));
    for (error, name) in [
        (TransientError::Timeout, "Timeout"),
        (TransientError::NoWorkersRunning, "No workers running"),
    ] {
        let before = send_outcomes(&env).len();
        env.kit
            .fail_next_transient("messages.sendMessage", 1, error);
        env.send("alice", "/reply");
        let answer = env
            .block_on(env.user("alice").next_message(WAIT))
            .expect("the answer after the retry");
        assert_eq!(answer.text, "pong");
        assert_eq!(
            send_outcomes(&env)[before..],
            [Some(name.to_string()), None]
        );
    }
    running.stop();
    assert_eq!(seen.finished("/reply"), 2);
}

/// `400 PEER_FLOOD` is not retried: the handler gets it typed, and so does the error hook.
#[test]
fn peer_flood_reaches_the_handler_and_the_error_hook_typed() {
    let env = Env::start();
    let seen = Seen::default();
    let running = RunningApp::start(app(&env, &seen, ""));
    env.kit
        .fail_next("messages.sendMessage", 1, 400, "PEER_FLOOD");
    env.send("alice", "/reply");
    wait_until("the peer flood to reach the error hook", || {
        seen.peer_floods().len() == 2
    });
    running.stop();
    let limited = seen.peer_floods();
    assert_eq!(limited[0].0, "handler");
    assert_eq!(limited[1].0, "error hook");
    for (_, limited) in &limited {
        assert_eq!(limited.request, "messages.sendMessage");
    }
    assert_eq!(seen.floods(), [], "not a flood wait");
    assert_eq!(
        send_outcomes(&env),
        [Some("PEER_FLOOD".to_string())],
        "not retried"
    );
    assert_eq!(env.user("alice").drain_messages(), []);
}
