//! The retry policy of the connection: grammers' own ([`AutoSleep`]: sleep through a
//! FLOOD_WAIT of up to 60 s, retry an I/O error once after 1 s), made visible.
//!
//! grammers logs those sleeps at `info` in its own crates, which oxygram quiets, so a bot that
//! goes silent for 40 s would give no clue why. This wrapper logs each sleep as a warning
//! naming the request and the wait.

use std::ops::ControlFlow;
use std::time::Duration;

use grammers_client::tl;
use grammers_mtsender::{AutoSleep, InvocationError, RetryContext, RetryPolicy};

/// [`AutoSleep::default`], logging every wait it decides on.
#[derive(Default)]
pub struct LoggedAutoSleep {
    inner: AutoSleep,
}

impl RetryPolicy for LoggedAutoSleep {
    fn should_retry(&self, ctx: &RetryContext) -> ControlFlow<(), Duration> {
        let decision = self.inner.should_retry(ctx);
        if let (ControlFlow::Continue(wait), InvocationError::Rpc(rpc)) = (&decision, &ctx.error) {
            let request = rpc.caused_by.map_or("a request", tl::name_for_id);
            tracing::warn!(
                "Telegram asks to wait {} before {request} ({}); waiting",
                crate::login::human_duration(wait.as_secs() as u32),
                rpc.name
            );
        }
        decision
    }
}
