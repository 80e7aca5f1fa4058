//! The retry policy of the connection: grammers' own ([`AutoSleep`]: sleep through a flood
//! wait up to a threshold and retry once), with oxygram's threshold (`[telegram]
//! flood_sleep_threshold_secs`, default 10 s instead of grammers' 60), made visible, and
//! calls lost to a broken connection retried [`IO_TRIES`] times.
//!
//! grammers retries a call cut by a broken connection only once, after 1 s: two drops within
//! that second (a flapping network) fail the call, and a handler's reply is lost. Resending is
//! safe: a resent send carries the same `random_id`, which Telegram deduplicates. Measured by
//! the disconnect soak (`tests/tests/reliability_disconnect.rs`): with one retry, 2 of 2000
//! replies were lost under 100 random drops; with more, none.
//!
//! grammers 0.11 also fails calls that were queued for a connection at the moment it broke
//! with `Dropped("SenderPoolRunner was dropped during receive")`, although the pool runs on
//! (the queue died with the connection, before the pool reaped it). Those calls never reached
//! Telegram, so they are retried like I/O failures. When the pool really stopped, the retry
//! check itself fails at once: nothing waits.
//!
//! grammers logs those sleeps at `info` in its own crates, which oxygram quiets, so a bot that
//! goes silent for 40 s would give no clue why. This wrapper logs each sleep as a warning
//! naming the request and the wait; a wait over the threshold goes back to the caller as an
//! error ([`crate::FloodWait`] reads it) and is logged at debug level.

use std::ops::ControlFlow;
use std::time::Duration;

use grammers_client::tl;
use grammers_mtsender::{AutoSleep, InvocationError, RetryContext, RetryPolicy};

/// How many times a call failed by an I/O error (a dropped or refused connection) is retried,
/// [`IO_RETRY_PAUSE`] apart, before it fails.
pub const IO_TRIES: u32 = 5;

/// The pause before each retry of a call failed by an I/O error (grammers' own value).
pub const IO_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// [`AutoSleep`] with oxygram's flood threshold, logging every wait it decides on, with calls
/// lost to a broken connection retried [`IO_TRIES`] times.
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
        if let Some(error) = connection_failure(&ctx.error) {
            if ctx.fail_count.get() > IO_TRIES {
                return ControlFlow::Break(());
            }
            tracing::debug!(
                attempt = ctx.fail_count.get(),
                "a call failed on the connection ({error}); retrying in {IO_RETRY_PAUSE:?}"
            );
            return ControlFlow::Continue(IO_RETRY_PAUSE);
        }
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

/// What a call lost to a broken connection failed with, if that is how it failed.
fn connection_failure(error: &InvocationError) -> Option<&dyn std::fmt::Display> {
    match error {
        InvocationError::Io(error) => Some(error),
        InvocationError::Dropped(why) if why.starts_with(QUEUED_ON_BROKEN_CONNECTION) => Some(why),
        _ => None,
    }
}

/// How grammers 0.11 fails a call that was queued on a connection that broke.
const QUEUED_ON_BROKEN_CONNECTION: &str = "SenderPoolRunner was dropped during receive";

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn policy() -> LoggedAutoSleep {
        LoggedAutoSleep::new(Duration::from_secs(10))
    }

    fn failure(fail_count: u32, error: InvocationError) -> RetryContext {
        RetryContext {
            fail_count: NonZeroU32::new(fail_count).expect("counts start at 1"),
            slept_so_far: Duration::ZERO,
            error,
        }
    }

    fn io_failure(fail_count: u32) -> RetryContext {
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        failure(fail_count, InvocationError::Io(reset))
    }

    #[test]
    fn io_failures_are_retried_io_tries_times_then_fail() {
        for attempt in 1..=IO_TRIES {
            assert_eq!(
                policy().should_retry(&io_failure(attempt)),
                ControlFlow::Continue(IO_RETRY_PAUSE),
                "attempt {attempt}"
            );
        }
        assert_eq!(
            policy().should_retry(&io_failure(IO_TRIES + 1)),
            ControlFlow::Break(())
        );
    }

    #[test]
    fn calls_queued_on_a_broken_connection_are_retried_other_drops_are_not() {
        assert_eq!(
            policy().should_retry(&failure(
                1,
                InvocationError::Dropped(QUEUED_ON_BROKEN_CONNECTION)
            )),
            ControlFlow::Continue(IO_RETRY_PAUSE)
        );
        assert_eq!(
            policy().should_retry(&failure(
                1,
                InvocationError::Dropped("response was non-retryable bad msg")
            )),
            ControlFlow::Break(())
        );
    }
}
