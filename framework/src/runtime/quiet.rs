//! The app's half of "nothing more happened" (`oxygram::testing`): which quiet marker came
//! out of the update stream last, and what the dispatcher is doing.
//!
//! A test asks the testkit to push a marker ([`oxygram_testkit::quiet`]) behind everything it
//! has sent the app. Pushes and answers go out in order on the app's connection, and grammers
//! processes its queue in order (a difference it fetches is applied before it reads on), so
//! when the marker comes out of the stream, every update sent before it has been taken out of
//! the stream and handed to the dispatcher. The update loop drops the marker and records its
//! round here; the dispatcher's [`Activity`] says when the handlers of those updates finished.

use std::sync::{Arc, OnceLock};

use grammers_client::tl;
use tokio::sync::watch;

use crate::dispatch::Activity;

/// Shared by the update loop (which records markers), the app (which attaches the
/// dispatcher) and the test harness (which waits).
#[derive(Debug)]
pub(crate) struct Quiet {
    marker: watch::Sender<u32>,
    activity: OnceLock<Activity>,
}

impl std::fmt::Debug for Activity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Activity")
            .field("accepted", &self.accepted())
            .field("unfinished", &self.unfinished())
            .finish()
    }
}

impl Quiet {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            marker: watch::Sender::new(0),
            activity: OnceLock::new(),
        })
    }

    /// Called by the app once its dispatcher exists.
    pub(crate) fn attach(&self, activity: Activity) {
        let _ = self.activity.set(activity);
    }

    /// The dispatcher's progress, once the app started.
    pub(crate) fn activity(&self) -> Option<&Activity> {
        self.activity.get()
    }

    /// Whether `raw` is a quiet marker; if so its round is recorded (the loop then drops it).
    pub(crate) fn take(&self, raw: &tl::enums::Update) -> bool {
        match oxygram_testkit::quiet::round_of(raw) {
            Some(round) => {
                self.marker.send_modify(|seen| *seen = (*seen).max(round));
                true
            }
            None => false,
        }
    }

    /// Waits until the marker of `round` (or a later one) came out of the stream.
    pub(crate) async fn marker_seen(&self, round: u32) {
        let mut seen = self.marker.subscribe();
        // The sender lives in `self`: the wait cannot fail while we hold it.
        let _ = seen.wait_for(|seen| *seen >= round).await;
    }
}
