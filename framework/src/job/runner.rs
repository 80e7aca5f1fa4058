//! Running scheduled jobs: one task per job, each waiting for its next time, skipping runs
//! while disconnected, never overlapping itself, stopped on shutdown.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::Schedule;
use crate::connectivity::Connectivity;
use crate::handler::{BoxError, BoxFuture};

/// One run of a job, with its context already bound.
pub(crate) type JobRun = Arc<dyn Fn() -> BoxFuture<'static, Result<(), BoxError>> + Send + Sync>;

/// A job ready to be scheduled.
pub(crate) struct Job {
    pub(crate) plugin: &'static str,
    pub(crate) name: String,
    pub(crate) schedule: Schedule,
    pub(crate) run: JobRun,
}

/// The running jobs of an app.
pub(crate) struct Jobs {
    tasks: JoinSet<()>,
    stop: watch::Sender<bool>,
}

impl Jobs {
    /// Starts one task per job (their schedules were validated at startup).
    pub(crate) fn spawn(jobs: Vec<Job>, connectivity: Connectivity) -> Self {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        for job in jobs {
            tracing::debug!(plugin = job.plugin, job = %job.name, schedule = %job.schedule, "job scheduled");
            tasks.spawn(run_job(job, connectivity.clone(), stopped.clone()));
        }
        Self { tasks, stop }
    }

    /// No run starts from now on; running ones get `grace` to finish, then are cancelled.
    pub(crate) async fn stop(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let finished = tokio::time::timeout(grace, async {
            while let Some(ended) = self.tasks.join_next().await {
                if let Err(e) = ended
                    && e.is_panic()
                {
                    // Runs catch their panics; this is the scheduling code itself.
                    tracing::error!("a job's task panicked: {e}");
                }
            }
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                running = self.tasks.len(),
                "jobs still running after the {grace:?} grace period were cancelled"
            );
            self.tasks.shutdown().await;
        }
    }
}

/// When the run after one scheduled at `scheduled` is due, and how many were skipped because
/// the run lasted past them.
fn next_every(scheduled: Instant, period: Duration, now: Instant) -> (Instant, u64) {
    let next = scheduled + period;
    if next >= now {
        return (next, 0);
    }
    let behind = now.duration_since(next).as_nanos() / period.as_nanos();
    let skipped = u64::try_from(behind).unwrap_or(u64::MAX).saturating_add(1);
    let next = next + period.saturating_mul(u32::try_from(skipped).unwrap_or(u32::MAX));
    (next, skipped)
}

/// The first time a job is due.
fn first_due(schedule: &Schedule, start: Instant) -> Option<Instant> {
    match schedule.period() {
        Some(period) => Some(start + period),
        None => cron_due(schedule),
    }
}

#[cfg(feature = "cron")]
fn cron_due(schedule: &Schedule) -> Option<Instant> {
    match schedule.cron_delay() {
        Ok(delay) => Some(Instant::now() + delay),
        Err(e) => {
            tracing::warn!("{e}: the job stops");
            None
        }
    }
}

#[cfg(not(feature = "cron"))]
fn cron_due(_: &Schedule) -> Option<Instant> {
    None
}

async fn run_job(job: Job, connectivity: Connectivity, mut stop: watch::Receiver<bool>) {
    let Some(mut due) = first_due(&job.schedule, Instant::now()) else {
        return;
    };
    loop {
        tokio::select! {
            biased;
            _ = stop.wait_for(|stopped| *stopped) => return,
            _ = tokio::time::sleep_until(due) => {}
        }
        if *stop.borrow() {
            return;
        }
        if connectivity.is_up() {
            run_once(&job).await;
        } else {
            tracing::debug!(
                plugin = job.plugin,
                job = %job.name,
                "job skipped: not connected to Telegram"
            );
        }
        due = match job.schedule.period() {
            Some(period) => {
                let (next, skipped) = next_every(due, period, Instant::now());
                if skipped > 0 {
                    tracing::debug!(
                        plugin = job.plugin,
                        job = %job.name,
                        skipped,
                        "job ran past its next time; those runs were skipped"
                    );
                }
                next
            }
            None => match cron_due(&job.schedule) {
                Some(next) => next,
                None => return,
            },
        };
    }
}

async fn run_once(job: &Job) {
    match AssertUnwindSafe((job.run)()).catch_unwind().await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(
            plugin = job.plugin,
            job = %job.name,
            %error,
            "job failed"
        ),
        Err(panic) => tracing::error!(
            plugin = job.plugin,
            job = %job.name,
            panic = %crate::util::panic_message(&panic),
            "job panicked"
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    type Log = Arc<Mutex<Vec<(Duration, &'static str)>>>;

    /// A job logging when each run starts and ends, relative to `start`, lasting `takes`.
    fn job(period: Duration, takes: Duration, log: &Log, start: Instant) -> Job {
        let log = Arc::clone(log);
        Job {
            plugin: "test",
            name: "tick".to_owned(),
            schedule: Schedule::every(period),
            run: Arc::new(move || {
                let log = Arc::clone(&log);
                Box::pin(async move {
                    log.lock().unwrap().push((start.elapsed(), "start"));
                    tokio::time::sleep(takes).await;
                    log.lock().unwrap().push((start.elapsed(), "end"));
                    Ok(())
                })
            }),
        }
    }

    fn starts(log: &Log) -> Vec<Duration> {
        let log = log.lock().unwrap();
        log.iter()
            .filter(|(_, what)| *what == "start")
            .map(|(at, _)| *at)
            .collect()
    }

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn runs_every_period_without_drift() {
        let log = Log::default();
        let start = Instant::now();
        let jobs = Jobs::spawn(
            vec![job(100 * MS, 30 * MS, &log, start)],
            Connectivity::default(),
        );
        tokio::time::sleep(450 * MS).await;
        assert_eq!(starts(&log), [100 * MS, 200 * MS, 300 * MS, 400 * MS]);
        jobs.stop(Duration::from_secs(1)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_run_skips_the_runs_it_overlapped() {
        let log = Log::default();
        let start = Instant::now();
        let jobs = Jobs::spawn(
            vec![job(100 * MS, 250 * MS, &log, start)],
            Connectivity::default(),
        );
        tokio::time::sleep(980 * MS).await;
        // 100..350 covers 200 and 300: the next run is at 400, then 700 (500, 600 skipped).
        assert_eq!(starts(&log), [100 * MS, 400 * MS, 700 * MS]);
        let kinds: Vec<&str> = log.lock().unwrap().iter().map(|(_, what)| *what).collect();
        assert_eq!(
            kinds,
            ["start", "end", "start", "end", "start", "end"],
            "never overlapping"
        );
        jobs.stop(Duration::from_secs(1)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn runs_are_skipped_while_disconnected() {
        let log = Log::default();
        let start = Instant::now();
        let connectivity = Connectivity::default();
        let jobs = Jobs::spawn(vec![job(100 * MS, MS, &log, start)], connectivity.clone());
        tokio::time::sleep(150 * MS).await;
        connectivity.down();
        tokio::time::sleep(300 * MS).await;
        connectivity.up();
        tokio::time::sleep(200 * MS).await;
        assert_eq!(starts(&log), [100 * MS, 500 * MS, 600 * MS]);
        jobs.stop(Duration::from_secs(1)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn stop_waits_for_a_running_job_within_the_grace_then_cancels() {
        let log = Log::default();
        let start = Instant::now();
        let jobs = Jobs::spawn(
            vec![job(100 * MS, 50 * MS, &log, start)],
            Connectivity::default(),
        );
        tokio::time::sleep(120 * MS).await;
        jobs.stop(Duration::from_secs(1)).await;
        assert_eq!(
            *log.lock().unwrap(),
            [(100 * MS, "start"), (150 * MS, "end")],
            "the running job finished; no run started after the stop"
        );

        let log = Log::default();
        let start = Instant::now();
        let jobs = Jobs::spawn(
            vec![job(100 * MS, 10_000 * MS, &log, start)],
            Connectivity::default(),
        );
        tokio::time::sleep(120 * MS).await;
        jobs.stop(200 * MS).await;
        assert_eq!(start.elapsed(), 320 * MS, "stopped at the end of the grace");
        assert_eq!(*log.lock().unwrap(), [(100 * MS, "start")], "cancelled");
    }

    #[tokio::test(start_paused = true)]
    async fn errors_and_panics_keep_the_schedule() {
        let runs = Arc::new(Mutex::new(0u32));
        let counted = Arc::clone(&runs);
        let jobs = Jobs::spawn(
            vec![Job {
                plugin: "test",
                name: "flaky".to_owned(),
                schedule: Schedule::every(100 * MS),
                run: Arc::new(move || {
                    let counted = Arc::clone(&counted);
                    Box::pin(async move {
                        let n = {
                            let mut n = counted.lock().unwrap();
                            *n += 1;
                            *n
                        };
                        match n {
                            1 => Err("first run fails".into()),
                            2 => panic!("second run panics"),
                            _ => Ok(()),
                        }
                    })
                }),
            }],
            Connectivity::default(),
        );
        tokio::time::sleep(350 * MS).await;
        assert_eq!(*runs.lock().unwrap(), 3);
        jobs.stop(Duration::from_secs(1)).await;
    }

    #[test]
    fn next_every_skips_whole_periods() {
        let t = Instant::now();
        let p = 100 * MS;
        assert_eq!(next_every(t, p, t + 10 * MS), (t + p, 0));
        assert_eq!(next_every(t, p, t + p), (t + p, 0));
        assert_eq!(next_every(t, p, t + p + MS), (t + 2 * p, 1));
        assert_eq!(next_every(t, p, t + 250 * MS), (t + 3 * p, 2));
    }
}
