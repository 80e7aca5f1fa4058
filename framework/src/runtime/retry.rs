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
//! Transient server errors are retried too: RPC errors of code 500..=599 (`500 INTERNAL`,
//! `500 RPC_CALL_FAIL`, ...) and the negative ones Telegram also sends (`-500 No workers
//! running`, `-503 Timeout`) say Telegram, not the request, failed (core.telegram.org/api/
//! errors, "500 INTERNAL": "an internal server error occurred while a request was being
//! processed"), so the same request may work a moment later (grammers' own doc of
//! `InvocationError::Rpc`: "If the server is suffering from temporary issues, the request
//! may be retried after some time"). grammers itself retries none of them.
//! They are retried [`TRANSIENT_TRIES`] times with doubling pauses from
//! [`TRANSIENT_FIRST_PAUSE`] (0.5, 1, 2, 4 s: 7.5 s in all), each retry logged at debug; the
//! last failure goes back to the caller. Resending a send is safe for the same reason as
//! above (same `random_id`). `PEER_FLOOD` (400) and other 4xx errors are the request's fault
//! and are never retried.
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

/// How many times a call answered with a transient server error (500-class, `-500`, `-503`)
/// is retried before the error goes back to the caller.
///
/// Why 4 retries, [`TRANSIENT_FIRST_PAUSE`] doubled each time (0.5 + 1 + 2 + 4 = 7.5 s):
/// Telegram's transient errors are mostly one-off (a worker restarting, an inter-DC call
/// timing out), so the first retry comes fast; a DC in trouble for longer gets a few seconds
/// to recover. The whole span stays under what the Python clients spend (Telethon: 5 retries
/// 2 s apart, `telethon/client/users.py`; Pyrogram: 10 retries 1 s apart,
/// `pyrogram/session/session.py` `Session.invoke`), because a handler holds its chat while
/// it waits. The count is the call's failures of any kind (grammers counts them together),
/// so a call that also lost its connection gets fewer transient retries.
pub const TRANSIENT_TRIES: u32 = 4;

/// The pause before the first retry of a transient server error; doubled for each next one.
pub const TRANSIENT_FIRST_PAUSE: Duration = Duration::from_millis(500);

/// The pause before retry number `attempt` (1-based) of a transient server error.
fn transient_pause(attempt: u32) -> Duration {
    TRANSIENT_FIRST_PAUSE * 2u32.pow(attempt.saturating_sub(1).min(16))
}

/// Whether an RPC error code is a transient server error: 500..=599, or its negative twin
/// (Telegram sends `-500 No workers running` and `-503 Timeout`; Telethon's
/// `rpcbaseerrors.py` notes `ServerError` "Also witnessed as -500", `TimedOutError` "Only
/// witnessed as -503"; grammers passes the negative code through unchanged).
pub(crate) fn is_transient_server_error(code: i32) -> bool {
    (500..=599).contains(&code.unsigned_abs())
}

/// [`AutoSleep`] with oxygram's flood threshold, logging every wait it decides on, with calls
/// lost to a broken connection retried [`IO_TRIES`] times, and transient server errors
/// retried [`TRANSIENT_TRIES`] times with growing pauses.
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
        if let InvocationError::Rpc(rpc) = &ctx.error
            && is_transient_server_error(rpc.code)
        {
            let request = rpc.caused_by.map_or("a request", tl::name_for_id);
            let attempt = ctx.fail_count.get();
            if attempt > TRANSIENT_TRIES {
                tracing::debug!(
                    "Telegram answered {request} with {} {} again; giving up after \
                     {TRANSIENT_TRIES} retries",
                    rpc.code,
                    rpc.name
                );
                return ControlFlow::Break(());
            }
            let pause = transient_pause(attempt);
            tracing::debug!(
                "Telegram answered {request} with {} {} (a transient server error); retry \
                 {attempt} of {TRANSIENT_TRIES} in {pause:?}",
                rpc.code,
                rpc.name
            );
            return ControlFlow::Continue(pause);
        }
        let decision = self.inner.should_retry(ctx);
        if let InvocationError::Rpc(rpc) = &ctx.error {
            let request = rpc.caused_by.map_or("a request", tl::name_for_id);
            match (&decision, rpc.code, rpc.value) {
                (ControlFlow::Continue(wait), ..) => tracing::warn!(
                    "Telegram asks to wait {} before {request} ({}); waiting",
                    crate::util::human_duration(wait.as_secs() as u32),
                    rpc.name
                ),
                (ControlFlow::Break(()), 420, Some(seconds)) => tracing::debug!(
                    "Telegram asks to wait {} before {request} ({}); over the {:?} threshold, \
                     returning the error",
                    crate::util::human_duration(seconds),
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

    fn rpc_failure(fail_count: u32, code: i32, name: &str, value: Option<u32>) -> RetryContext {
        failure(
            fail_count,
            InvocationError::Rpc(grammers_mtsender::RpcError {
                code,
                name: name.into(),
                value,
                caused_by: None,
            }),
        )
    }

    #[test]
    fn transient_server_errors_are_retried_with_growing_pauses_then_fail() {
        for (code, name) in [
            (500, "INTERNAL"),
            (502, "BAD_GATEWAY"),
            (-500, "No workers running"),
            (-503, "Timeout"),
        ] {
            let mut previous = Duration::ZERO;
            for attempt in 1..=TRANSIENT_TRIES {
                let ControlFlow::Continue(pause) =
                    policy().should_retry(&rpc_failure(attempt, code, name, None))
                else {
                    panic!("{code} {name}: attempt {attempt} is retried");
                };
                assert!(pause > previous, "{code} {name}: pauses grow");
                previous = pause;
            }
            assert_eq!(
                policy().should_retry(&rpc_failure(TRANSIENT_TRIES + 1, code, name, None)),
                ControlFlow::Break(()),
                "{code} {name}: the last failure is returned"
            );
        }
        assert_eq!(transient_pause(1), TRANSIENT_FIRST_PAUSE);
        let total: Duration = (1..=TRANSIENT_TRIES).map(transient_pause).sum();
        assert_eq!(total, Duration::from_millis(7500));
    }

    #[test]
    fn request_errors_are_not_retried_flood_waits_still_are() {
        for (code, name) in [
            (400, "PEER_FLOOD"),
            (400, "MESSAGE_EMPTY"),
            (403, "CHAT_WRITE_FORBIDDEN"),
            (401, "AUTH_KEY_UNREGISTERED"),
            (-404, "unknown"),
            (600, "NOT_A_CODE"),
        ] {
            assert_eq!(
                policy().should_retry(&rpc_failure(1, code, name, None)),
                ControlFlow::Break(()),
                "{code} {name}"
            );
        }
        assert_eq!(
            policy().should_retry(&rpc_failure(1, 420, "FLOOD_WAIT", Some(3))),
            ControlFlow::Continue(Duration::from_secs(3))
        );
        assert_eq!(
            policy().should_retry(&rpc_failure(1, 420, "SLOWMODE_WAIT", Some(30))),
            ControlFlow::Break(()),
            "over the threshold: returned, typed"
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
