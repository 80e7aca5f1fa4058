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

/// The transient server errors Telegram answers when it, not the request, is at fault; the
/// request may be sent again (core.telegram.org/api/errors, "500 INTERNAL").
///
/// Telethon names the ones seen in the wild (`telethon/errors/rpcbaseerrors.py`:
/// `ServerError` "code = 500 # Also witnessed as -500", `TimedOutError` "code = 503 # Only
/// witnessed as -503"); grammers passes them on as an `RpcError` with that (negative) code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransientError {
    /// `500 INTERNAL`: "an internal server error occurred while a request was being
    /// processed; for example, there was a disruption while accessing a database or file
    /// storage".
    Internal,
    /// `-500 No workers running`: the DC had no worker free for the request.
    NoWorkersRunning,
    /// `-503 Timeout`: the request was not answered in time (also what a bot that never
    /// answers a callback query produces for the user who pressed the button).
    Timeout,
}

impl TransientError {
    /// The error code Telegram sends.
    pub fn code(self) -> i32 {
        match self {
            TransientError::Internal => 500,
            TransientError::NoWorkersRunning => -500,
            TransientError::Timeout => -503,
        }
    }

    /// The error message Telegram sends.
    pub fn name(self) -> &'static str {
        match self {
            TransientError::Internal => "INTERNAL",
            TransientError::NoWorkersRunning => "No workers running",
            TransientError::Timeout => "Timeout",
        }
    }

    pub(crate) fn fail(self) -> RpcFail {
        RpcFail::new(self.code(), self.name())
    }
}

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
