//! [`RateLimit`]: an incoming rate limit per user (anti-flood).
//!
//! Written here rather than taken from `governor`: what a bot needs beyond "allowed or not"
//! is one notice per burst (told once, then dropped quietly), which is state per user that
//! a generic keyed limiter does not hold, so a sliding window per user is kept directly.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Middleware, Next, Routed};
use crate::context::UpdateContext;
use crate::util::BoxFuture;

/// Lets each user's updates through at most `updates` per `per` (a sliding window); past
/// that, the user gets one notice and further updates are dropped quietly until the window
/// has room again. Updates without a sender (deletions, some raw updates) and the account's
/// own messages always pass.
///
/// The notice is a reply to the message, or the answer to a button press; `None` drops
/// without telling.
///
/// ```no_run
/// use std::time::Duration;
/// use oxygram::middleware::RateLimit;
///
/// oxygram::App::new()
///     .middleware(RateLimit::per_user(5, Duration::from_secs(10)).notice("Slow down, please."))
///     .run()
///     .unwrap();
/// ```
pub struct RateLimit {
    updates: usize,
    per: Duration,
    notice: Option<String>,
    users: Mutex<Users>,
}

#[derive(Default)]
struct Users {
    tracks: HashMap<i64, Track>,
    calls: u32,
}

struct Track {
    arrivals: VecDeque<Instant>,
    noticed: bool,
}

/// The table of users is swept of quiet users every this many updates, so it holds only the
/// users of the last window, not everyone ever seen.
const SWEEP_EVERY: u32 = 1024;

impl RateLimit {
    /// At most `updates` updates per user in any `per` (at least 1); the default notice is
    /// "You are sending too fast; wait a little."
    pub fn per_user(updates: u32, per: Duration) -> Self {
        Self {
            updates: updates.max(1) as usize,
            per,
            notice: Some("You are sending too fast; wait a little.".to_owned()),
            users: Mutex::default(),
        }
    }

    /// The notice sent once when a user goes over the limit.
    pub fn notice(mut self, text: impl Into<String>) -> Self {
        self.notice = Some(text.into());
        self
    }

    /// Drops updates over the limit without a notice.
    pub fn silent(mut self) -> Self {
        self.notice = None;
        self
    }

    /// Whether the user's update may go on, and whether to send the notice now.
    fn admit(&self, user: i64, now: Instant) -> Admission {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        users.calls = users.calls.wrapping_add(1);
        if users.calls.is_multiple_of(SWEEP_EVERY) {
            let per = self.per;
            users.tracks.retain(|_, track| {
                track
                    .arrivals
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < per)
            });
        }
        let track = users.tracks.entry(user).or_insert_with(|| Track {
            arrivals: VecDeque::with_capacity(self.updates),
            noticed: false,
        });
        while track
            .arrivals
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.per)
        {
            track.arrivals.pop_front();
        }
        if track.arrivals.len() < self.updates {
            track.arrivals.push_back(now);
            track.noticed = false;
            return Admission::Pass;
        }
        if track.noticed {
            Admission::Drop
        } else {
            track.noticed = true;
            Admission::Notice
        }
    }
}

enum Admission {
    Pass,
    Notice,
    Drop,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimit")
            .field("updates", &self.updates)
            .field("per", &self.per)
            .field("notice", &self.notice)
            .finish_non_exhaustive()
    }
}

impl Middleware for RateLimit {
    fn handle<'a>(&'a self, cx: UpdateContext, next: Next<'a>) -> BoxFuture<'a, Routed> {
        Box::pin(async move {
            let own = cx.message().is_some_and(|m| m.outgoing());
            let Some(user) = cx.sender_id().filter(|_| !own) else {
                return next.run(cx).await;
            };
            match self.admit(user.bare_id_unchecked(), Instant::now()) {
                Admission::Pass => next.run(cx).await,
                Admission::Drop => {
                    tracing::debug!(update = %cx.summary(), "over the rate limit: dropped");
                    Routed::default()
                }
                Admission::Notice => {
                    tracing::info!(update = %cx.summary(), "over the rate limit: noticed, then dropped");
                    if let Some(text) = &self.notice {
                        send_notice(&cx, text).await;
                    }
                    Routed::default()
                }
            }
        })
    }
}

async fn send_notice(cx: &UpdateContext, text: &str) {
    let sent = if let Some(message) = cx.throttled_message() {
        message.reply(text).await.map(drop)
    } else if let Some(query) = cx.callback_query() {
        query.answer().text(text).send().await
    } else {
        return;
    };
    if let Err(error) = sent {
        tracing::warn!(%error, "could not send the rate limit notice");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_notice_per_burst_then_room_again() {
        let limit = RateLimit::per_user(3, Duration::from_secs(10));
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        for ms in [0, 10, 20] {
            assert!(matches!(limit.admit(1, at(ms)), Admission::Pass));
        }
        assert!(matches!(limit.admit(1, at(30)), Admission::Notice));
        assert!(matches!(limit.admit(1, at(40)), Admission::Drop));
        // Another user is not affected.
        assert!(matches!(limit.admit(2, at(40)), Admission::Pass));
        // Once the first arrival leaves the window there is room for one, and a new burst
        // gets a new notice.
        assert!(matches!(limit.admit(1, at(10_001)), Admission::Pass));
        assert!(matches!(limit.admit(1, at(10_002)), Admission::Notice));
    }
}
