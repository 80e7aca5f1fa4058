//! Running routed updates: per-chat order, cross-chat concurrency, a bound on work in flight.
//!
//! Two bounds, for two different resources:
//!
//! - **Running handlers** (`max_in_flight`): a chat's worker takes a permit just before it runs
//!   an update and gives it back when the update's handlers return. At most `max_in_flight`
//!   updates are being handled at once, and a chat waiting behind its own slow handler holds
//!   none: a burst of 20 messages in one chat uses one permit at a time, not 20.
//! - **Accepted updates** ([`MAX_PENDING`], or `max_in_flight` if larger): every update holds a
//!   pending permit from the moment it is accepted until its handlers finish, so memory stays
//!   bounded; when it runs out `dispatch` waits, which is backpressure on the update stream
//!   instead of an unbounded queue.
//!
//! Updates of one chat are run one after another by that chat's worker task; a chat with no
//! pending update has no task and no queue. A slow handler therefore delays only its own chat
//! (and holds one running permit). Only if [`MAX_PENDING`] updates pile up behind stuck
//! handlers does `dispatch` wait and every chat with it: the price of never buffering without
//! limit.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use grammers_client::session::types::PeerId;
use grammers_client::update::Update;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::OnHandled;
use super::UpdateContext;
use super::router::Router;
use crate::util::panic_message;

/// What orders updates: updates with the same key run one at a time, in arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum OrderKey {
    Chat(PeerId),
}

fn order_key(update: &Update) -> Option<OrderKey> {
    Some(OrderKey::Chat(match update {
        Update::NewMessage(m) | Update::MessageEdited(m) => m.peer_id(),
        Update::CallbackQuery(q) => q.peer_id(),
        // Inline queries have no chat: order them per user.
        Update::InlineQuery(q) => q.sender_id(),
        Update::InlineSend(s) => s.sender_id(),
        Update::MessageDeleted(d) => PeerId::channel(d.channel_id()?)?,
        // Membership changes, join requests and stops: in order per chat, like messages.
        Update::Raw(raw) => crate::context::raw_chat_id(raw)?,
        _ => return None,
    }))
}

/// How many accepted updates may wait or run at once (at least `max_in_flight`): the memory
/// bound. An update waiting here costs tens of KiB (its context, peers, the chat's worker);
/// measured on a 1000-chat burst (tests/tests/reliability_load.rs, debug build): 1024 pending
/// peaked at 143 MiB, 4096 at 226 MiB for a 15 % shorter run. Past this bound, updates wait
/// in grammers' own queue, and beyond that Telegram keeps them for `getDifference`.
pub(crate) const MAX_PENDING: usize = 1024;

struct Job {
    cx: UpdateContext,
    /// Marks the update handled for the update-state checkpoints once its handlers returned.
    handled: Option<OnHandled>,
    /// Released when the job is dropped, after its handlers returned.
    _pending: OwnedSemaphorePermit,
}

impl Job {
    fn finish(self) {
        if let Some(handled) = self.handled {
            handled.call();
        }
    }
}

pub(crate) struct Scheduler {
    router: Arc<Router>,
    /// Permits to run a job: `max_in_flight`.
    running: Arc<Semaphore>,
    /// Permits for accepted, unfinished jobs: `max_pending`.
    pending: Arc<Semaphore>,
    max_pending: u32,
    /// Chats with a running worker, and what that worker still has to run.
    chats: Mutex<HashMap<OrderKey, VecDeque<Job>>>,
    tasks: Mutex<JoinSet<()>>,
    closed: AtomicBool,
    /// Updates handed to [`Scheduler::dispatch`] so far (for [`Activity`]).
    accepted: AtomicU64,
    /// Woken each time a job's handlers returned (for [`Activity`]).
    settled: Notify,
}

impl Scheduler {
    pub(crate) fn new(router: Arc<Router>, max_in_flight: usize) -> Arc<Self> {
        let max_in_flight = max_in_flight.clamp(1, Semaphore::MAX_PERMITS);
        let max_pending = max_in_flight.max(MAX_PENDING);
        Arc::new(Self {
            router,
            running: Arc::new(Semaphore::new(max_in_flight)),
            pending: Arc::new(Semaphore::new(max_pending)),
            max_pending: u32::try_from(max_pending).unwrap_or(u32::MAX),
            chats: Mutex::new(HashMap::new()),
            tasks: Mutex::new(JoinSet::new()),
            closed: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
            settled: Notify::new(),
        })
    }

    /// Accepts `update`. Not an `async fn` on purpose: the update (about 8 KB) goes into its
    /// `Arc`ed context right here, so neither the returned future nor the ones awaiting it
    /// carry (and copy) it; profiling the echo benchmark found those copies at ~7 % of the
    /// bot's CPU.
    pub(crate) fn dispatch(
        self: Arc<Self>,
        update: Update,
        handled: Option<OnHandled>,
    ) -> impl Future<Output = ()> + Send + 'static {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let key = order_key(&update);
        let cx = self.router.context(update);
        self.accept(cx, key, handled)
    }

    async fn accept(
        self: Arc<Self>,
        cx: UpdateContext,
        key: Option<OrderKey>,
        handled: Option<OnHandled>,
    ) {
        if self.closed.load(Ordering::Acquire) {
            tracing::debug!("update dropped: the dispatcher is shutting down");
            return;
        }
        let Ok(pending) = Arc::clone(&self.pending).acquire_owned().await else {
            return;
        };
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        let job = Job {
            cx,
            handled,
            _pending: pending,
        };
        let Some(key) = key else {
            let this = Arc::clone(&self);
            self.spawn(async move { this.run(job).await });
            return;
        };
        {
            let mut chats = self.chats.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(queue) = chats.get_mut(&key) {
                queue.push_back(job);
                return;
            }
            chats.insert(key, VecDeque::new());
        }
        let this = Arc::clone(&self);
        self.spawn(async move {
            let mut job = job;
            loop {
                this.run(job).await;
                let next = {
                    let mut chats = this.chats.lock().unwrap_or_else(|e| e.into_inner());
                    match chats.get_mut(&key).and_then(VecDeque::pop_front) {
                        Some(next) => Some(next),
                        None => {
                            chats.remove(&key);
                            None
                        }
                    }
                };
                match next {
                    Some(next) => job = next,
                    None => break,
                }
            }
        });
    }

    /// Runs one job once a running permit is free.
    async fn run(&self, job: Job) {
        // `running` is never closed: this only fails if it were.
        let Ok(_running) = self.running.acquire().await else {
            return;
        };
        run_job(&self.router, &job).await;
        job.finish();
        self.settled.notify_waiters();
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        // Reap finished tasks so the set only holds live ones.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(task);
    }

    pub(crate) async fn shutdown(&self, grace: Duration) -> usize {
        self.closed.store(true, Ordering::Release);
        // Every accepted job holds a pending permit until it finished: having them all back
        // means everything accepted was handled.
        let all = self.pending.acquire_many(self.max_pending);
        let abandoned = match tokio::time::timeout(grace, all).await {
            Ok(_) => 0,
            Err(_) => self.max_pending as usize - self.pending.available_permits(),
        };
        let mut tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        self.chats.lock().unwrap_or_else(|e| e.into_inner()).clear();
        abandoned
    }
}

/// What the dispatcher is doing, seen from outside: how many updates it accepted, how many
/// are unfinished, and a wake-up when one finishes. `oxygram::testing` waits on it for
/// "nothing more happened".
#[cfg(feature = "testing")]
#[derive(Clone)]
pub(crate) struct Activity(Arc<Scheduler>);

#[cfg(feature = "testing")]
impl Activity {
    pub(crate) fn new(scheduler: &Arc<Scheduler>) -> Self {
        Self(Arc::clone(scheduler))
    }

    /// Updates accepted so far.
    pub(crate) fn accepted(&self) -> u64 {
        self.0.accepted.load(Ordering::Relaxed)
    }

    /// Accepted updates whose handlers have not all returned yet (each holds a pending permit
    /// until then).
    pub(crate) fn unfinished(&self) -> usize {
        (self.0.max_pending as usize).saturating_sub(self.0.pending.available_permits())
    }

    /// Returns once no accepted update is unfinished (woken by each finish, no polling).
    pub(crate) async fn idle(&self) {
        loop {
            let settled = self.0.settled.notified();
            tokio::pin!(settled);
            settled.as_mut().enable();
            if self.unfinished() == 0 {
                return;
            }
            settled.await;
        }
    }
}

async fn run_job(router: &Router, job: &Job) {
    // Handler panics are caught per handler; this catches panics in user filters.
    let routed = AssertUnwindSafe(router.route(&job.cx)).catch_unwind().await;
    if let Err(panic) = routed {
        tracing::error!(
            update = %job.cx.summary(),
            panic = %panic_message(&panic),
            "a filter panicked while routing the update"
        );
    }
}
