//! Scheduled jobs: a plugin's code that runs every N, or on a cron expression, with the
//! client at hand.
//!
//! A plugin registers them in its [`build`](crate::plugin::Plugin::build) with
//! [`PluginBuilder::every`](crate::plugin::PluginBuilder::every),
//! `PluginBuilder::cron` (feature `cron`) or
//! [`PluginBuilder::job`](crate::plugin::PluginBuilder::job). What users of
//! python-telegram-bot's `JobQueue` or APScheduler expect:
//!
//! - **On time.** `every(period)` first runs one period after the app started receiving
//!   updates, then every period after the previous *scheduled* time (no drift). A cron job
//!   runs at each time its expression matches, in the system's time zone.
//! - **Never overlapping itself.** A job runs to the end before its next run; the runs its
//!   schedule passed meanwhile are skipped (logged at debug), not queued.
//! - **Skipped while disconnected.** When the update loop last saw the connection to
//!   Telegram broken (and not yet back), a run is skipped, logged at debug.
//! - **Errors are logged** like handler errors (`job failed`, with plugin and job); a panic
//!   is caught and logged; the job keeps its schedule.
//! - **Stopped on shutdown.** [`App::stop`](crate::App::stop) lets a running job finish within
//!   `[dispatch] shutdown_grace_secs`, then cancels it; no run starts after the stop began.

mod runner;
mod schedule;

pub(crate) use runner::{Job, Jobs};
pub use schedule::{Schedule, ScheduleError};
