//! Injected faults: what a flaky network or an unhappy Telegram does to a client.
//!
//! Connection-level faults (refusing, delaying, failing calls) live here, outside the world
//! lock, because the connection tasks consult them on every accept and every answer.
//! Update-level faults (paused pushes, pts gaps) live in the world state, next to the pushes
//! they alter.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::rpc::RpcFail;

#[derive(Default)]
struct FaultState {
    refuse_until: Option<Instant>,
    delay: Option<Duration>,
    errors: HashMap<String, (u32, RpcFail)>,
}

/// The fault switches of one testkit.
#[derive(Default)]
pub(crate) struct Faults {
    state: Mutex<FaultState>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn refuse_for(&self, duration: Duration) {
        self.lock().refuse_until = Some(Instant::now() + duration);
    }

    pub(crate) fn refusing(&self) -> bool {
        let mut state = self.lock();
        match state.refuse_until {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                state.refuse_until = None;
                false
            }
            None => false,
        }
    }

    pub(crate) fn set_delay(&self, delay: Option<Duration>) {
        self.lock().delay = delay.filter(|d| !d.is_zero());
    }

    pub(crate) fn answer_delay(&self) -> Option<Duration> {
        self.lock().delay
    }

    pub(crate) fn fail_next(&self, method: &str, times: u32, fail: RpcFail) {
        self.lock().errors.insert(method.to_string(), (times, fail));
    }

    /// Takes one injected error for `method` (a TL name like `messages.sendMessage`).
    pub(crate) fn take_error(&self, method: &str) -> Option<RpcFail> {
        let mut state = self.lock();
        let (left, fail) = state.errors.get_mut(method)?;
        let fail = fail.clone();
        *left -= 1;
        if *left == 0 {
            state.errors.remove(method);
        }
        Some(fail)
    }
}
