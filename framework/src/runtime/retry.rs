//! The retry policy of the connection: grammers' own ([`AutoSleep`]: sleep through a flood
//! wait up to a threshold and retry once, retry an I/O error once after 1 s), with oxygram's
//! threshold (`[telegram] flood_sleep_threshold_secs`, default 10 s instead of grammers' 60),
//! made visible.
//!
//! grammers logs those sleeps at `info` in its own crates, which oxygram quiets, so a bot that
//! goes silent for 40 s would give no clue why. This wrapper logs each sleep as a warning
//! naming the request and the wait; a wait over the threshold goes back to the caller as an
//! error ([`crate::FloodWait`] reads it) and is logged at debug level.

use std::ops::ControlFlow;
use std::time::Duration;

use grammers_client::tl;
use grammers_mtsender::{AutoSleep, InvocationError, RetryContext, RetryPolicy};

/// [`AutoSleep`] with oxygram's flood threshold, logging every wait it decides on.
pub struct LoggedAutoSleep {
    inner: AutoSleep,
}

impl LoggedAutoSleep {
    /// Sleeps through flood waits up to `threshold` (whole seconds count).
    pub fn new(threshold: Duration) -> Self {
        Self {
            inner: AutoSleep {
                threshold,
                ..AutoSleep::default()
            },
        }
    }
}

impl RetryPolicy for LoggedAutoSleep {
    fn should_retry(&self, ctx: &RetryContext) -> ControlFlow<(), Duration> {
        let decision = self.inner.should_retry(ctx);
        if let InvocationError::Rpc(rpc) = &ctx.error {
            let request = rpc.caused_by.map_or("a request", tl::name_for_id);
            match (&decision, rpc.code, rpc.value) {
                (ControlFlow::Continue(wait), ..) => tracing::warn!(
                    "Telegram asks to wait {} before {request} ({}); waiting",
                    crate::login::human_duration(wait.as_secs() as u32),
                    rpc.name
                ),
                (ControlFlow::Break(()), 420, Some(seconds)) => tracing::debug!(
                    "Telegram asks to wait {} before {request} ({}); over the {:?} threshold, \
                     returning the error",
                    crate::login::human_duration(seconds),
                    rpc.name,
                    self.inner.threshold
                ),
                _ => {}
            }
        }
        decision
    }
}
