//! Start-to-ready with an existing session: process spawn → the bot's ready line.
//!
//! The session is one the bot has used before (a first, uncounted start logs in, caches its
//! own account and saves the update state), as after any restart in production. Each start is
//! then stopped with SIGTERM, so the next one finds the session as a clean stop left it.

use std::time::Duration;

use crate::error::BenchError;
use crate::harness::Harness;
use crate::implementation::Implementation;

/// Starts `implementation` `starts` times against one testkit and returns each start-to-ready
/// time, sorted.
pub fn measure(
    harness: &Harness,
    implementation: Implementation,
    starts: usize,
) -> Result<Vec<Duration>, BenchError> {
    let kit = harness.start_kit(1)?;
    let result = (|| {
        let folder = tempfile::Builder::new()
            .prefix("oxygram-bench-start-")
            .tempdir()
            .map_err(BenchError::io("create a session folder"))?;
        let launch = harness.prepare(implementation, &kit, folder.path())?;
        harness.spawn(&launch)?.stop();
        let mut times = Vec::with_capacity(starts);
        for _ in 0..starts {
            let mut process = harness.spawn(&launch)?;
            times.push(process.ready_after);
            process.stop();
        }
        times.sort_unstable();
        Ok(times)
    })();
    harness.shutdown(kit);
    result
}
