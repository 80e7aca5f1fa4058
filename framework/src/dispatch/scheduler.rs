//! Running routed updates: per-chat order, cross-chat concurrency, a bound on work in flight.
//!
//! Every accepted update holds a semaphore permit from the moment it is accepted until its
//! handlers finish, so at most `max_in_flight` updates are queued or running in total and
//! `dispatch` waits (backpressure on the update stream) instead of growing a queue. Updates
//! of one chat are run one after another by that chat's worker task; a chat with no pending
//! update has no task and no queue. A slow handler therefore delays only its own chat (and
//! holds one permit).
//!
//! The bound is shared: if one chat piles up `max_in_flight` updates behind a stuck handler,
//! `dispatch` waits and every chat waits with it. That is the price of never buffering
//! without limit; raise `max_in_flight` for bots whose handlers block for long.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use grammers_client::session::types::PeerId;
use grammers_client::update::Update;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::UpdateContext;
use super::router::{Router, panic_message};
use crate::runtime::Handled;

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
        _ => return None,
    }))
}

struct Job {
    cx: UpdateContext,
    /// Marks the update handled for the update-state checkpoints once its handlers returned.
    handled: Option<Handled>,
    _permit: OwnedSemaphorePermit,
}

impl Job {
    fn finish(self) {
        if let Some(handled) = self.handled {
            handled.done();
        }
    }
}

pub(crate) struct Scheduler {
    router: Arc<Router>,
    permits: Arc<Semaphore>,
    max_in_flight: u32,
    /// Chats with a running worker, and what that worker still has to run.
    chats: Mutex<HashMap<OrderKey, VecDeque<Job>>>,
    tasks: Mutex<JoinSet<()>>,
    closed: AtomicBool,
}

impl Scheduler {
    pub(crate) fn new(router: Arc<Router>, max_in_flight: usize) -> Arc<Self> {
        let max_in_flight =
            u32::try_from(max_in_flight.clamp(1, Semaphore::MAX_PERMITS)).unwrap_or(u32::MAX);
        Arc::new(Self {
            router,
            permits: Arc::new(Semaphore::new(max_in_flight as usize)),
            max_in_flight,
            chats: Mutex::new(HashMap::new()),
            tasks: Mutex::new(JoinSet::new()),
            closed: AtomicBool::new(false),
        })
    }

    pub(crate) async fn dispatch(self: &Arc<Self>, update: Update, handled: Option<Handled>) {
        if self.closed.load(Ordering::Acquire) {
            tracing::debug!("update dropped: the dispatcher is shutting down");
            return;
        }
        let Ok(permit) = Arc::clone(&self.permits).acquire_owned().await else {
            return;
        };
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        let key = order_key(&update);
        let job = Job {
            cx: self.router.context(update),
            handled,
            _permit: permit,
        };
        let Some(key) = key else {
            let router = Arc::clone(&self.router);
            self.spawn(async move {
                run_job(&router, &job).await;
                job.finish();
            });
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
        let this = Arc::clone(self);
        self.spawn(async move {
            let mut job = job;
            loop {
                run_job(&this.router, &job).await;
                job.finish();
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

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        // Reap finished tasks so the set only holds live ones.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(task);
    }

    pub(crate) async fn shutdown(&self, grace: Duration) -> usize {
        self.closed.store(true, Ordering::Release);
        let all = self.permits.acquire_many(self.max_in_flight);
        let abandoned = match tokio::time::timeout(grace, all).await {
            Ok(_) => 0,
            Err(_) => self.max_in_flight as usize - self.permits.available_permits(),
        };
        let mut tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        self.chats.lock().unwrap_or_else(|e| e.into_inner()).clear();
        abandoned
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
