//! Whether the app can reach Telegram right now, as the update loop last saw it.
//!
//! grammers 0.11 has no "connected" flag: the pool opens a connection on demand and, when the
//! home connection breaks, pushes `ConnectionClosed` into the update channel. oxygram reads
//! two real signals from its own stages:
//! - **down**: the watchdog forwards a `ConnectionClosed` that came from the pool (a broken
//!   home connection, not its own quiet-interval nudge), or the update stream fails to fetch
//!   what was missed (`receiving updates failed`: Telegram did not answer);
//! - **up**: the update stream yields again (grammers fetched the difference after the
//!   reconnect, or a push arrived), or the connection delivers updates.
//!
//! Scheduled jobs ([`crate::job`]) skip their runs while it says down, instead of piling up
//! calls that would each wait out the retry policy.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared "Telegram is reachable" flag; clones share it. Starts up (the app just logged in).
#[derive(Debug, Clone)]
pub(crate) struct Connectivity(Arc<AtomicBool>);

impl Default for Connectivity {
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl Connectivity {
    /// Whether the last signal said Telegram is reachable.
    pub(crate) fn is_up(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Telegram answered or pushed something.
    pub(crate) fn up(&self) {
        if !self.0.swap(true, Ordering::Relaxed) {
            tracing::debug!("connection to Telegram is back");
        }
    }

    /// The connection broke, or Telegram did not answer.
    pub(crate) fn down(&self) {
        if self.0.swap(false, Ordering::Relaxed) {
            tracing::debug!("connection to Telegram lost");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag() {
        let a = Connectivity::default();
        let b = a.clone();
        assert!(b.is_up());
        a.down();
        assert!(!b.is_up());
        b.up();
        assert!(a.is_up());
    }
}
