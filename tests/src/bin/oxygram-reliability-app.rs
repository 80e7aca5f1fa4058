//! The bot the reliability tests (`tests/tests/reliability_*.rs`) run as a process: an echo
//! bot written the way a user writes one, with `#[handler]` and `App::new().run()`.
//!
//! Every private text message is answered with
//! `echo: <text> [in_flight=<n> chat=<m>]`, where `n` is how many echo handlers were running
//! (this one included) when it started, across all chats, and `m` the same within its chat:
//! the load test reads the bounds the dispatcher promises (`dispatch.max_in_flight`, one
//! handler at a time per chat) straight from the answers. `E2E_HANDLER_SLEEP_MS` makes each
//! handler sleep that long before answering (default 0), as a handler doing real work would.
//!
//! After each answer it prints `handled <text> at <unix ms>` on stdout, so the restart test
//! can tell how long before a kill a repeated message had been handled.
//!
//! Chat events (membership, join requests, bot stops) print `event ...` lines (the qts test).
//!
//! It is a separate process so the tests can SIGKILL it, restart it on the same session, and
//! read its own peak memory from `/proc`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use oxygram::App;
use oxygram::prelude::*;

/// How long handlers work, and how many run right now (in total and per chat).
struct Load {
    work: Duration,
    in_flight: AtomicUsize,
    per_chat: Mutex<HashMap<i64, usize>>,
}

/// One running handler, counted in [`Load`] until it is dropped (also when it fails).
struct Running<'a> {
    load: &'a Load,
    chat: i64,
}

impl Load {
    fn enter(&self, chat: i64) -> (Running<'_>, usize, usize) {
        let in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let mut per_chat = self.per_chat.lock().unwrap_or_else(|e| e.into_inner());
        let in_chat = per_chat.entry(chat).or_default();
        *in_chat += 1;
        let in_chat = *in_chat;
        (Running { load: self, chat }, in_flight, in_chat)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.load.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut per_chat = self.load.per_chat.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = per_chat.get_mut(&self.chat) {
            *n -= 1;
            if *n == 0 {
                per_chat.remove(&self.chat);
            }
        }
    }
}

#[handler(message, filter = text & private)]
async fn echo(msg: Message, Text(text): Text, State(load): State<Load>) -> Result<()> {
    let chat = msg.peer_id().bare_id().unwrap_or_default();
    let (_running, in_flight, in_chat) = load.enter(chat);
    if !load.work.is_zero() {
        tokio::time::sleep(load.work).await;
    }
    msg.reply(format!(
        "echo: {text} [in_flight={in_flight} chat={in_chat}]"
    ))
    .await?;
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    println!("handled {text} at {}", at.as_millis());
    Ok(())
}

/// Membership changes, join requests (approved) and bot stops, printed as `event ...` lines
/// for `tests/tests/reliability_qts.rs` (the other tests' worlds have none of them).
#[handler(chat_member)]
async fn member(change: ChatMemberUpdated) {
    println!(
        "event member {} {:?} -> {:?}",
        change.user_id, change.old, change.new
    );
}

#[handler(join_request)]
async fn join_request(request: JoinRequest) -> Result<()> {
    request.approve().await?;
    println!("event approved {}", request.user_id);
    Ok(())
}

#[handler(bot_stopped)]
async fn bot_stopped(event: BotStopped) {
    let what = if event.stopped {
        "stopped"
    } else {
        "restarted"
    };
    println!("event {what} {}", event.user_id);
}

fn main() -> oxygram::Result<()> {
    let work_ms = std::env::var("E2E_HANDLER_SLEEP_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(0);
    App::new()
        .state(Load {
            work: Duration::from_millis(work_ms),
            in_flight: AtomicUsize::new(0),
            per_chat: Mutex::new(HashMap::new()),
        })
        .run()
}
