//! The throttle: outgoing messages kept under Telegram's limits before Telegram has to say so.
//!
//! Telegram's Bot FAQ ("My bot is hitting limits, how do I avoid this?"): no more than one
//! message per second in a chat ("short bursts" may pass), 20 per minute in a group, about 30
//! per second overall; over them, `420 FLOOD_WAIT_X`. The same limits hold over MTProto
//! ("All flood limits are server-side", tdlib/td#418). The anchor is teloxide's `Throttle`
//! (`teloxide-core/src/adaptors/throttle`: `Limits { messages_per_sec_chat: 1,
//! messages_per_min_chat: 20, messages_per_sec_overall: 30, .. }`, a queue per chat scanned in
//! order); grammY's throttler (`transformer-throttler`, Bottleneck) is the same idea with
//! 30 per 1.5 s overall, 20 per minute and one per second per group, one per 1.5 s per private
//! chat.
//!
//! How it works, per send:
//! 1. The chat's turn: sends to one chat go one at a time, in the order they asked (tokio's
//!    `Mutex` is FIFO), and the turn is held until Telegram answered, so a later send to a
//!    chat never overtakes an earlier one, even across handlers and spawned tasks.
//! 2. The chat's windows: at most `chat_messages` in any `chat_window` (and, for groups,
//!    supergroups and channels, `group_messages` in any `group_window`), counted from when
//!    Telegram *answered* each earlier send. The server saw each one before it answered, so
//!    the server's own count of the window can only be lower: network jitter cannot push a
//!    send over (a send timed from when it was sent could arrive closer to the previous one
//!    than it left).
//! 3. The overall window: a semaphore of `overall_messages` permits, each given back
//!    `overall_window` after its send was answered, so no more than that many sends are in
//!    flight or answered within any window, across all chats. Waiting for it holds only this
//!    chat's turn: other chats keep their own turns (a backlog in one chat delays another
//!    only through the overall limit).
//!
//! Nothing polls: waits are timers for the exact instant a window frees up, and the permits'
//! returns. Memory follows the active chats: a chat whose windows all passed is forgotten
//! when the table of chats is swept (every [`SWEEP_EVERY`] sends).
//!
//! When Telegram still answers `FLOOD_WAIT_X` or `SLOWMODE_WAIT_X` (another process on the
//! same account, a stricter moment of Telegram's), the chat learns it: its next sends wait X
//! first. A wait longer than `[telegram] flood_sleep_threshold_secs` is not slept: those sends
//! fail at once with the same `FLOOD_WAIT` (seconds left), as a wait Telegram gave would, so a
//! handler is not held silently for minutes (see [`crate::flood`]).
//!
//! What goes through it: [`oxygram::Message`](crate::Message)'s `reply`, `respond` and
//! `forward_to`, [`oxygram::Client`](crate::Client)'s `send_message` and `forward_messages`,
//! and the framework's own messages (the usage reply of `Args<T>`). What does not: anything
//! sent through grammers' own `Client` or `Message` (grammers' request channel is private to
//! it), raw `invoke`s, albums, edits, callback answers, inline answers.
//! Use [`Throttle::send`] (from [`UpdateContext::throttle`](crate::context::UpdateContext::throttle))
//! to put your own calls through it.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use grammers_client::InvocationError;
use grammers_client::session::types::{PeerId, PeerKind};
use grammers_mtsender::RpcError;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::config::ThrottleConfig;
use crate::flood::FloodWait;

/// The table of chats is swept of forgotten chats every this many sends.
pub const SWEEP_EVERY: u32 = 256;

pub use crate::config::Window;

/// Keeps outgoing messages under Telegram's limits, in order within each chat.
///
/// One per app, built from `[throttle]` in `Bot.toml`; cloning shares it. Handlers reach it
/// through [`oxygram::Message`](crate::Message) (its `reply`, `respond` and `forward_to`
/// wait for it), or directly with [`UpdateContext::throttle`](crate::context::UpdateContext::throttle).
/// See the [module docs](self) for what it does and what bypasses it.
#[derive(Clone, Default)]
pub struct Throttle {
    inner: Option<Arc<Inner>>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            None => f.write_str("Throttle(disabled)"),
            Some(inner) => f
                .debug_struct("Throttle")
                .field("chat", &inner.chat)
                .field("group", &inner.group)
                .field("overall", &inner.overall)
                .finish(),
        }
    }
}

struct Inner {
    chat: Window,
    group: Window,
    overall: Window,
    overall_permits: Arc<Semaphore>,
    /// Flood waits longer than this fail at once instead of being waited.
    sleep_threshold: Duration,
    chats: Mutex<Chats>,
}

#[derive(Default)]
struct Chats {
    by_id: HashMap<PeerId, Arc<ChatSlot>>,
    sends: u32,
}

/// One chat's turn and history.
#[derive(Default)]
struct ChatSlot {
    turn: tokio::sync::Mutex<ChatState>,
}

#[derive(Default)]
struct ChatState {
    /// When Telegram answered the latest sends, oldest first (at most the larger window's
    /// message count).
    answered: VecDeque<Instant>,
    /// Telegram asked this chat to wait until then, with this error (`FLOOD_WAIT`,
    /// `SLOWMODE_WAIT`, ...).
    frozen_until: Option<(Instant, String)>,
}

impl Throttle {
    /// A throttle with these limits; `sleep_threshold` is `[telegram]
    /// flood_sleep_threshold_secs` (longer learnt waits fail at once).
    pub fn new(chat: Window, group: Window, overall: Window, sleep_threshold: Duration) -> Self {
        let norm = |w: Window| Window {
            messages: w.messages.max(1),
            window: w.window,
        };
        let (chat, group, overall) = (norm(chat), norm(group), norm(overall));
        Self {
            inner: Some(Arc::new(Inner {
                chat,
                group,
                overall,
                overall_permits: Arc::new(Semaphore::new(overall.messages as usize)),
                sleep_threshold,
                chats: Mutex::default(),
            })),
        }
    }

    /// A throttle that lets everything through at once (`[throttle] enabled = false`).
    pub fn disabled() -> Self {
        Self { inner: None }
    }

    /// The throttle `[throttle]` describes.
    pub fn from_config(config: &ThrottleConfig, sleep_threshold: Duration) -> Self {
        if !config.enabled {
            return Self::disabled();
        }
        Self::new(config.chat, config.group, config.overall, sleep_threshold)
    }

    /// Whether it throttles at all.
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// How many chats it currently remembers (for tests of its memory bound).
    pub fn remembered_chats(&self) -> usize {
        self.inner
            .as_ref()
            .map_or(0, |inner| lock(&inner.chats).by_id.len())
    }

    /// Runs `send`, a call that sends `messages` messages into `chat`, when the limits allow
    /// it, after every earlier send into `chat` was answered.
    ///
    /// A `FLOOD_WAIT_X` or `SLOWMODE_WAIT_X` answer makes the chat's next sends wait X first
    /// (or fail at once with a `FLOOD_WAIT` when X is over the sleep threshold).
    ///
    /// ```no_run
    /// # async fn f(cx: oxygram::dispatch::UpdateContext, chat: oxygram::grammers::session::types::PeerRef) -> Result<(), oxygram::grammers::InvocationError> {
    /// let client = cx.client().clone();
    /// cx.throttle()
    ///     .send(chat.id, 1, client.send_message(chat, "throttled"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<T, F>(
        &self,
        chat: PeerId,
        messages: u32,
        send: F,
    ) -> Result<T, InvocationError>
    where
        F: Future<Output = Result<T, InvocationError>>,
    {
        let Some(inner) = &self.inner else {
            return send.await;
        };
        let slot = inner.slot(chat);
        let mut state = slot.turn.lock().await;
        if let Some((until, error)) = state.frozen_until.take() {
            let left = until.saturating_duration_since(Instant::now());
            if left > inner.sleep_threshold {
                let refused = flood_wait_error(&error, left);
                state.frozen_until = Some((until, error));
                return Err(refused);
            }
            tokio::time::sleep_until(until).await;
        }
        let windows: &[Window] = if is_group(chat) {
            &[inner.chat, inner.group]
        } else {
            &[inner.chat]
        };
        for window in windows {
            state.wait_for(*window, messages).await;
        }
        let permits = Arc::clone(&inner.overall_permits)
            .acquire_many_owned(messages.min(inner.overall.messages))
            .await
            .expect("the throttle never closes its semaphore");
        let result = send.await;
        let answered = Instant::now();
        state.note_answered(answered, messages, windows);
        let overall_window = inner.overall.window;
        tokio::spawn(async move {
            tokio::time::sleep_until(answered + overall_window).await;
            drop(permits);
        });
        if let Err(error) = &result
            && let Some(flood) = FloodWait::from_error(error)
        {
            tracing::debug!(chat = chat.bot_api_dialog_id_unchecked(), wait = ?flood.wait, "Telegram asked this chat to wait; later sends wait too");
            state.frozen_until = Some((answered + flood.wait, flood.error));
        }
        drop(state);
        drop(slot);
        inner.sweep();
        result
    }
}

impl Inner {
    fn slot(&self, chat: PeerId) -> Arc<ChatSlot> {
        let mut chats = lock(&self.chats);
        Arc::clone(chats.by_id.entry(chat).or_default())
    }

    /// Forgets chats nobody is sending to whose windows have all passed.
    fn sweep(&self) {
        let mut chats = lock(&self.chats);
        chats.sends += 1;
        if chats.sends < SWEEP_EVERY {
            return;
        }
        chats.sends = 0;
        let now = Instant::now();
        let longest = self.chat.window.max(self.group.window);
        chats.by_id.retain(|_, slot| {
            // Only the table holds it, and its turn is free: it may be idle.
            if Arc::strong_count(slot) > 1 {
                return true;
            }
            match slot.turn.try_lock() {
                Ok(state) => !state.idle(now, longest),
                Err(_) => true,
            }
        });
    }
}

impl ChatState {
    /// Waits until `messages` more fit in `window`.
    async fn wait_for(&mut self, window: Window, messages: u32) {
        let allowed = window.messages as usize;
        let needed = (messages as usize).min(allowed);
        // The send fits once all but `allowed - needed` of the answers in the window left it.
        let keep = allowed - needed;
        let in_window: Vec<Instant> = self
            .answered
            .iter()
            .rev()
            .take_while(|at| at.elapsed() < window.window)
            .copied()
            .collect();
        if in_window.len() > keep {
            // `in_window` is newest first: entry `keep` is the newest one that must leave.
            let until = in_window[keep] + window.window;
            tokio::time::sleep_until(until).await;
        }
    }

    fn note_answered(&mut self, at: Instant, messages: u32, windows: &[Window]) {
        let keep = windows.iter().map(|w| w.messages).max().unwrap_or(1) as usize;
        for _ in 0..messages.min(keep as u32) {
            self.answered.push_back(at);
        }
        while self.answered.len() > keep {
            self.answered.pop_front();
        }
    }

    fn idle(&self, now: Instant, longest: Duration) -> bool {
        let frozen = self
            .frozen_until
            .as_ref()
            .is_some_and(|(until, _)| *until > now);
        let recent = self
            .answered
            .back()
            .is_some_and(|at| now.duration_since(*at) < longest);
        !frozen && !recent
    }
}

/// Whether a chat is a group, supergroup or channel (the per-group window applies).
fn is_group(chat: PeerId) -> bool {
    !matches!(chat.kind(), PeerKind::User)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The error a learnt wait of `left` is reported as: Telegram's own (`FLOOD_WAIT`,
/// `SLOWMODE_WAIT`), with the whole seconds left, rounded up.
fn flood_wait_error(error: &str, left: Duration) -> InvocationError {
    InvocationError::Rpc(RpcError {
        code: 420,
        name: error.to_owned(),
        value: Some(left.as_secs_f64().ceil().max(1.0) as u32),
        caused_by: None,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn window(messages: u32, secs: u64) -> Window {
        Window {
            messages,
            window: Duration::from_secs(secs),
        }
    }

    fn telegram() -> Throttle {
        Throttle::new(
            window(1, 1),
            window(20, 60),
            window(30, 1),
            Duration::from_secs(10),
        )
    }

    fn alice() -> PeerId {
        PeerId::user_unchecked(6_000_000_001)
    }

    fn bob() -> PeerId {
        PeerId::user_unchecked(6_000_000_002)
    }

    fn group() -> PeerId {
        PeerId::chat(4_500_000_001).unwrap()
    }

    /// Sends `n` messages into `chat` and returns when each went out, from the start.
    async fn burst(throttle: &Throttle, chat: PeerId, n: usize) -> Vec<Duration> {
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..n {
            throttle
                .send(chat, 1, async { Ok::<_, InvocationError>(()) })
                .await
                .unwrap();
            at.push(start.elapsed());
        }
        at
    }

    #[tokio::test(start_paused = true)]
    async fn one_chat_gets_one_message_a_second() {
        let at = burst(&telegram(), alice(), 4).await;
        let secs: Vec<u64> = at.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [0, 1, 2, 3]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_gets_twenty_a_minute() {
        let throttle = telegram();
        let at = burst(&throttle, group(), 21).await;
        assert_eq!(at[19], Duration::from_secs(19), "one a second up to 20");
        assert_eq!(
            at[20],
            Duration::from_secs(60),
            "the 21st waits for the minute"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_overall_limit_spans_chats_and_one_backlog_does_not_hold_another() {
        let throttle = Throttle::new(window(1, 1), window(20, 60), window(3, 1), Duration::ZERO);
        let backlog = {
            let throttle = throttle.clone();
            tokio::spawn(async move { burst(&throttle, alice(), 5).await })
        };
        tokio::task::yield_now().await;
        // bob's one message goes out at once: alice's backlog waits on her own window.
        let bob = burst(&throttle, bob(), 1).await;
        assert_eq!(bob, [Duration::ZERO]);
        backlog.await.unwrap();

        // Three chats at once fill the overall window; a fourth waits for it.
        let start = Instant::now();
        for i in 0..4 {
            let chat = PeerId::user_unchecked(7_000_000_000 + i);
            throttle
                .send(chat, 1, async { Ok::<_, InvocationError>(()) })
                .await
                .unwrap();
        }
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn sends_to_one_chat_keep_their_order() {
        let throttle = telegram();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..5 {
            let (throttle, order) = (throttle.clone(), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                throttle
                    .send(alice(), 1, async {
                        // An earlier send that takes long must still finish first.
                        tokio::time::sleep(Duration::from_millis(100 * (5 - i))).await;
                        order.lock().unwrap().push(i);
                        Ok::<_, InvocationError>(())
                    })
                    .await
            }));
            tokio::task::yield_now().await;
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_wait_pauses_the_chat_and_long_ones_fail_at_once() {
        let throttle = Throttle::new(
            window(1, 1),
            window(20, 60),
            window(30, 1),
            Duration::from_secs(5),
        );
        let calls = AtomicUsize::new(0);
        let flooded = throttle
            .send(alice(), 1, async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(flood_wait_error("FLOOD_WAIT", Duration::from_secs(3)))
            })
            .await;
        assert!(flooded.is_err());
        let start = Instant::now();
        throttle
            .send(alice(), 1, async { Ok::<_, InvocationError>(()) })
            .await
            .unwrap();
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(3),
            "waited what Telegram said"
        );

        let _ = throttle
            .send(alice(), 1, async {
                Err::<(), _>(flood_wait_error("SLOWMODE_WAIT", Duration::from_secs(60)))
            })
            .await;
        let start = Instant::now();
        let refused = throttle
            .send(alice(), 1, async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, InvocationError>(())
            })
            .await
            .unwrap_err();
        assert_eq!(start.elapsed(), Duration::ZERO, "not held for a minute");
        let flood = FloodWait::from_error(&refused).unwrap();
        assert_eq!(flood.wait, Duration::from_secs(60));
        assert!(
            flood.is_slow_mode(),
            "reported as Telegram said it: {flood:?}"
        );
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "the refused send never went out"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn idle_chats_are_forgotten() {
        let throttle = telegram();
        for i in 0..i64::from(SWEEP_EVERY) {
            let chat = PeerId::user_unchecked(8_000_000_000 + i);
            burst(&throttle, chat, 1).await;
        }
        assert!(throttle.remembered_chats() <= SWEEP_EVERY as usize);
        tokio::time::sleep(Duration::from_secs(61)).await;
        for _ in 0..SWEEP_EVERY {
            burst(&throttle, alice(), 1).await;
        }
        assert_eq!(
            throttle.remembered_chats(),
            1,
            "only alice is still remembered"
        );
    }

    #[tokio::test]
    async fn a_disabled_throttle_lets_everything_through() {
        let throttle = Throttle::disabled();
        let start = std::time::Instant::now();
        burst(&throttle, alice(), 100).await;
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(!throttle.is_enabled());
    }
}
