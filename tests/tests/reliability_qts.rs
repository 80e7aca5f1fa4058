//! The bot's qts updates (membership changes, join requests, bot stops) survive a dropped
//! connection and a restart: grammers 0.11 drops the ones a difference brings for the common
//! box, and oxygram fetches them back (`framework/src/runtime/qts.rs`, RELIABILITY.md 11).

mod common_core;
mod reliability;

use std::time::{Duration, Instant};

use common_core::{Env, Process};
use oxygram_e2e::dsl_app::{BOT, DslApp};
use oxygram_testkit::{Bot, Group, User, World};

const WAIT: Duration = Duration::from_secs(20);

/// The DSL world has carol and the Club already (see `dsl_app::harness`); add the Lounge.
fn world(world: World) -> World {
    world.supergroup(lounge(BOT))
}

/// The Lounge: public, `bot` an admin.
fn lounge(bot: &str) -> Group {
    Group::new("Lounge")
        .username("lounge")
        .members(["alice", bot])
        .admins([bot])
}

/// The Lounge (public, `bot` an admin) and the Club (join requests, `bot` an admin).
fn groups(world: World, bot: &str) -> World {
    world.supergroup(lounge(bot)).supergroup(
        Group::new("Club")
            .members(["alice", bot])
            .admins([bot])
            .join_requests(true),
    )
}

async fn start() -> DslApp {
    let app = DslApp::start_in(world, "include = [\"members\"]", "").await;
    // Past the startup catch-up: a drop during its difference (fetched for both boxes, and
    // retried by grammers) would test the startup path, not a drop.
    app.kit
        .wait_for_rpc("updates.getDifference", 1, WAIT)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The bot knows alice (she wrote to it), so her "Stop bot" reaches it.
    app.kit.user("alice").send_text(BOT, "hi").await.unwrap();
    app
}

/// Each of `events` was seen exactly once (`at_least_once`: at least once), after a
/// settling second for late repeats; returns how many repeats there were.
async fn check(app: &DslApp, events: &[String], at_least_once: bool) -> usize {
    for event in events {
        app.events.wait_for(event, WAIT).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let all = app.events.all();
    let mut repeats = 0;
    for event in events {
        let n = all.iter().filter(|e| *e == event).count();
        if at_least_once {
            assert!(n >= 1, "{event:?} never arrived: {all:?}");
        } else {
            assert_eq!(n, 1, "{event:?} arrived {n} times: {all:?}");
        }
        repeats += n - 1;
    }
    repeats
}

/// The events of one round: bob joins the Lounge, carol asks to join the Club (the bot
/// approves, and she joins), alice stops the bot and starts it again.
/// Later rounds leave carol out (she is a member by then).
async fn happen(app: &DslApp, with_carol: bool) -> Vec<String> {
    let (alice, bob, carol) = (
        app.kit.user("alice"),
        app.kit.user("bob"),
        app.kit.user("carol"),
    );
    bob.join_group("lounge").await.unwrap();
    if with_carol {
        carol.request_to_join("Club").await.unwrap();
    }
    alice.block_bot(BOT).await.unwrap();
    alice.unblock_bot(BOT).await.unwrap();
    bob.leave_group("lounge").await.unwrap();
    let mut events = vec![
        format!("stopped {}", alice.id()),
        format!("restarted {}", alice.id()),
    ];
    if with_carol {
        events.push(format!("approved {}", carol.id()));
    }
    events
}

fn members_of(app: &DslApp, id: i64) -> usize {
    let prefix = format!("member {id} ");
    app.events
        .all()
        .iter()
        .filter(|e| e.starts_with(&prefix))
        .count()
}

#[tokio::test]
async fn qts_updates_missed_while_the_connection_was_down_arrive_once() {
    let app = start().await;
    let bob = app.kit.user("bob").id();
    for round in 0..3 {
        let before_bob = members_of(&app, bob);
        // The pushes never reach the bot; then its connection drops and grammers fetches
        // the difference for the common box.
        app.kit.pause_pushes(true);
        let events = happen(&app, round == 0).await;
        let began = Instant::now();
        app.kit.pause_pushes(false);
        app.kit.drop_connections();
        for event in &events {
            // Each round adds one of each (the same users act every round).
            let mut rx = app.events.0.subscribe();
            let ok = tokio::time::timeout(
                WAIT,
                rx.wait_for(|e| {
                    let n = e.iter().filter(|x| *x == event).count();
                    n > round || (n > 0 && event.starts_with("approved"))
                }),
            )
            .await;
            assert!(
                matches!(ok, Ok(Ok(_))),
                "round {round}: {event:?} missing: {:?}",
                app.events.all()
            );
        }
        let elapsed = began.elapsed();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let all = app.events.all();
        for event in &events {
            let n = all.iter().filter(|e| *e == event).count();
            let expected = if event.starts_with("approved") {
                1
            } else {
                round + 1
            };
            assert_eq!(n, expected, "round {round}: {event:?} {n} times: {all:?}");
        }
        // bob joined and left: two membership changes, once each.
        assert_eq!(
            members_of(&app, bob) - before_bob,
            2,
            "round {round}: {all:?}"
        );
        eprintln!(
            "round {round}: {} qts events after the drop, all delivered once in {elapsed:?}",
            events.len() + 2
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn qts_updates_of_a_stopped_app_arrive_after_its_restart() {
    let mut app = start().await;
    let bob = app.kit.user("bob").id();
    app.stop_app().await;
    let events = happen(&app, true).await;
    let began = Instant::now();
    app.restart().await;
    for event in &events {
        app.events.wait_for(event, WAIT).await;
    }
    let elapsed = began.elapsed();
    let repeats = check(&app, &events, true).await;
    let bob_changes = members_of(&app, bob);
    assert!(bob_changes >= 2, "{:?}", app.events.all());
    eprintln!(
        "restart: {} qts events while stopped, delivered in {:?}, {} repeats, bob's changes {bob_changes}",
        events.len() + 2,
        elapsed,
        repeats
    );
    app.stop().await;
}

const KILLED_BOT: &str = "echo_bot";
const KILLED_TOKEN: &str = "123456:TESTTOKEN-qts";

fn event_lines(outputs: &[&Process], event: &str) -> usize {
    outputs
        .iter()
        .map(|p| p.output().lines().filter(|l| l.trim() == event).count())
        .sum()
}

/// SIGKILL right after a qts update was handled (inside the checkpoint interval, so it may
/// come again), events while the bot is down, then a restart on the same session: every
/// event arrives at least once (the reliability app, its own process).
#[test]
fn qts_updates_survive_a_sigkill() {
    let env = Env::start(groups(
        World::new()
            .bot(Bot::new(KILLED_TOKEN).username(KILLED_BOT).name("Echo"))
            .user(User::new("+15550001").first_name("Alice").username("alice"))
            .user(User::new("+15550002").first_name("Bob").username("bob"))
            .user(User::new("+15550003").first_name("Carol").username("carol")),
        KILLED_BOT,
    ));
    env.write_session();
    env.write_config(
        &format!("bot_token = \"{KILLED_TOKEN}\""),
        "[updates]\ncheckpoint_interval_secs = 1",
    );
    let (alice, bob, carol) = (env.user("alice"), env.user("bob"), env.user("carol"));
    let mut first = env.spawn(env.command_of(reliability::reliability_app()));
    first.wait_ready();
    // alice talks to the bot first, so her "Stop bot" reaches it.
    env.send_text("alice", KILLED_BOT, "hi");
    env.next_message("alice");
    let joined = format!("event member {} Left -> Member", bob.id());
    env.block_on(bob.join_group("lounge")).unwrap();
    first.wait_for_line(&joined);
    first.signal(libc::SIGKILL);
    first.wait_exit(Duration::from_secs(15));

    env.block_on(carol.request_to_join("Club")).unwrap();
    env.block_on(alice.block_bot(KILLED_BOT)).unwrap();
    env.block_on(alice.unblock_bot(KILLED_BOT)).unwrap();
    env.block_on(bob.leave_group("lounge")).unwrap();
    let down = [
        format!("event approved {}", carol.id()),
        format!("event stopped {}", alice.id()),
        format!("event restarted {}", alice.id()),
        format!("event member {} Member -> Left", bob.id()),
    ];
    let began = Instant::now();
    let mut second = env.spawn(env.command_of(reliability::reliability_app()));
    second.wait_ready();
    for event in &down {
        second.wait_for_line(event);
    }
    let elapsed = began.elapsed();
    std::thread::sleep(Duration::from_secs(1));
    second.stop();
    let outputs = [&first, &second];
    let mut repeats = 0;
    for event in down.iter().chain(std::iter::once(&joined)) {
        let n = event_lines(&outputs, event);
        assert!(n >= 1, "{event:?} never arrived:\n{}", second.output());
        repeats += n - 1;
    }
    eprintln!(
        "SIGKILL: 1 qts event handled just before the kill ({} times in all), 4 while down, \
         all delivered {elapsed:?} after the restart began; {repeats} repeats",
        event_lines(&outputs, &joined)
    );
}

/// The common box's own `other_updates` in the same difference (an edit and a deletion in
/// alice's chat) survive too: grammers forces them through while it fetches the difference
/// for the common box; only the qts ones needed oxygram.
#[tokio::test]
async fn edits_and_deletions_in_the_same_difference_arrive_with_the_qts_updates() {
    let app = DslApp::start_in(world, "include = [\"members\", \"edits\"]", "").await;
    app.kit
        .wait_for_rpc("updates.getDifference", 1, WAIT)
        .await
        .unwrap();
    let alice = app.kit.user("alice");
    let draft = alice.send_text(BOT, "first draft").await.unwrap();
    let doomed = alice.send_text(BOT, "to be deleted").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.kit.pause_pushes(true);
    alice.edit_text(&draft, "final text").await.unwrap();
    alice.delete(&doomed).await.unwrap();
    let bob = app.kit.user("bob");
    bob.join_group("lounge").await.unwrap();
    app.kit.pause_pushes(false);
    app.kit.drop_connections();
    assert_eq!(app.next("alice").await, "edited to: final text");
    app.events
        .wait_for(&format!("member {} Left -> Member", bob.id()), WAIT)
        .await;
    let deadline = Instant::now() + WAIT;
    while app.deleted.0.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(*app.deleted.0.lock().unwrap(), [doomed.id]);
    app.stop().await;
}

/// The mirror case, grammers' and not covered: a difference fetched for the *secondary* box
/// alone (a qts push gap, no drop) sets the common pts first and drops the common box's
/// `other_updates` it carries (here an edit whose push was lost). Ignored: it documents the
/// loss (RELIABILITY.md section 11).
#[tokio::test]
#[ignore = "grammers 0.11 drops common-box edits from a difference fetched for the secondary box"]
async fn an_edit_in_a_difference_fetched_for_a_qts_gap_is_lost() {
    let app = DslApp::start_in(world, "include = [\"members\", \"edits\"]", "").await;
    app.kit
        .wait_for_rpc("updates.getDifference", 1, WAIT)
        .await
        .unwrap();
    let (alice, bob) = (app.kit.user("alice"), app.kit.user("bob"));
    let draft = alice.send_text(BOT, "first draft").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.kit.pause_pushes(true);
    alice.edit_text(&draft, "final text").await.unwrap();
    bob.join_group("lounge").await.unwrap();
    app.kit.pause_pushes(false);
    // Pushed with a qts gap: grammers waits 0.5 s and fetches the secondary box's difference.
    bob.leave_group("lounge").await.unwrap();
    app.events
        .wait_for(&format!("member {} Member -> Left", bob.id()), WAIT)
        .await;
    // alice also gets the bot's farewell in the Lounge.
    let mut seen = Vec::new();
    while let Ok(message) = alice.next_message(Duration::from_secs(3)).await {
        seen.push(message.text);
    }
    assert!(
        seen.iter().any(|t| t == "edited to: final text"),
        "the edit never reached its handler; alice saw {seen:?}"
    );
    app.stop().await;
}
