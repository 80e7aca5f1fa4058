//! The load: K scripted users, each sending N messages one after another and waiting for the
//! echo of each before the next, recording the latency from send to reply.
//!
//! Users act server-side in the testkit, so a round trip is: the testkit pushes the message
//! to the bot, the bot decrypts, routes and replies with `messages.sendMessage`, the testkit
//! stores the reply and wakes the user. Every reply is checked to be the echo of what was
//! sent: a wrong or missing echo is counted, never ignored.

use std::time::{Duration, Instant};

use oxygram_testkit::ScriptedUser;

use crate::BOT_USERNAME;

/// Problems kept verbatim per run; the rest are only counted.
const PROBLEMS_KEPT: usize = 5;

/// What one load produced.
#[derive(Debug, Clone, Default)]
pub struct LoadOutcome {
    /// Messages the users sent.
    pub sent: usize,
    /// Correct echoes received.
    pub echoed: usize,
    /// From the first send to the last user finishing.
    pub elapsed: Duration,
    /// Send → echo latency of every echoed message, sorted.
    pub latencies: Vec<Duration>,
    /// The first few problems (timeouts, wrong echoes), for the report.
    pub problems: Vec<String>,
}

impl LoadOutcome {
    /// Echo round trips per second.
    pub fn round_trips_per_sec(&self) -> f64 {
        self.echoed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`-quantile latency (`0.5`, `0.99`), nearest rank.
    pub fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }
}

/// The `p`-quantile of sorted `values` (nearest rank), zero when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Every user sends `per_user` messages to the bot, one after another, each waiting up to
/// `reply_timeout` for its echo. A user whose echo does not come stops (the bot is broken or
/// stalled; waiting for more would only add timeouts).
pub async fn run(users: &[ScriptedUser], per_user: usize, reply_timeout: Duration) -> LoadOutcome {
    let start = Instant::now();
    let tasks: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(index, user)| {
            let user = user.clone();
            tokio::spawn(async move { one_user(index, user, per_user, reply_timeout).await })
        })
        .collect();
    let mut outcome = LoadOutcome::default();
    for task in tasks {
        let user = match task.await {
            Ok(user) => user,
            Err(e) => UserOutcome {
                problems: vec![format!("a user task failed: {e}")],
                ..UserOutcome::default()
            },
        };
        outcome.sent += user.sent;
        outcome.latencies.extend(user.latencies);
        for problem in user.problems {
            if outcome.problems.len() < PROBLEMS_KEPT {
                outcome.problems.push(problem);
            }
        }
    }
    outcome.elapsed = start.elapsed();
    outcome.echoed = outcome.latencies.len();
    outcome.latencies.sort_unstable();
    outcome
}

#[derive(Default)]
struct UserOutcome {
    sent: usize,
    latencies: Vec<Duration>,
    problems: Vec<String>,
}

async fn one_user(
    index: usize,
    user: ScriptedUser,
    per_user: usize,
    reply_timeout: Duration,
) -> UserOutcome {
    let mut outcome = UserOutcome {
        latencies: Vec::with_capacity(per_user),
        ..UserOutcome::default()
    };
    for n in 0..per_user {
        let text = format!("u{index} m{n}");
        let sent_at = Instant::now();
        if let Err(e) = user.send_text(BOT_USERNAME, &text).await {
            outcome
                .problems
                .push(format!("u{index}: sending {text:?}: {e}"));
            break;
        }
        outcome.sent += 1;
        match user.next_message(reply_timeout).await {
            Ok(reply) if reply.text == text => outcome.latencies.push(sent_at.elapsed()),
            Ok(reply) => {
                outcome
                    .problems
                    .push(format!("u{index}: sent {text:?}, got {:?}", reply.text));
                break;
            }
            Err(e) => {
                outcome
                    .problems
                    .push(format!("u{index}: no echo of {text:?}: {e}"));
                break;
            }
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&values, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&values[..1], 0.99), Duration::from_millis(1));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
