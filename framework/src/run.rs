//! [`App::run`]: the process's entry point, above both the app and the sandbox.
//!
//! `run` decides between the real thing and `--sandbox` (an in-process local Telegram,
//! [`crate::sandbox`]), which itself runs the app: keeping the decision here, and not in
//! `app`, is what lets the sandbox build on `App` without the two importing each other.

use crate::app::App;
use crate::error::{Error, Result};

impl App {
    /// Runs the app to the end on its own tokio runtime: start, handle updates until Ctrl+C
    /// or SIGTERM, stop cleanly. Returns `Ok(())` after a signal.
    ///
    /// `run` owns the process the way `#[tokio::main]` does: it builds a multi-threaded tokio
    /// runtime (one worker per core) and, on Linux with glibc, limits malloc to one arena,
    /// which keeps a bot's memory about a fifth lower at no measured cost in speed. Set
    /// `MALLOC_ARENA_MAX` in the environment to choose otherwise; an app that needs its own
    /// runtime calls [`App::start`] and [`App::stop`] from it instead.
    pub fn run(mut self) -> Result<()> {
        // Before any runtime thread exists (see runtime::allocator for the measurements).
        crate::runtime::allocator::use_one_malloc_arena();
        // `--sandbox`: the same app against an in-process local Telegram (crate::sandbox).
        if let Some(mode) = crate::sandbox::requested()? {
            return crate::sandbox::run(self, mode);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Error::system("start the tokio runtime"))?;
        runtime.block_on(async move {
            self.start().await?;
            let idled = self.idle().await;
            let mut signals = self.take_stop_signals();
            let second_signal = async {
                match signals.as_mut() {
                    Some(signals) => signals.recv().await,
                    None => std::future::pending().await,
                }
            };
            let stopped = tokio::select! {
                stopped = self.stop() => stopped,
                _ = second_signal => {
                    tracing::warn!("second stop signal: exiting without waiting for handlers");
                    Ok(())
                }
            };
            idled.and(stopped)
        })
    }
}
