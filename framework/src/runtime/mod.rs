//! The update loop: pull every update from grammers, hand it to the dispatcher, and stop
//! cleanly.
//!
//! - **Drained promptly.** The queue between the connection and the update stream drops
//!   updates when full (grammers then refetches them after a 0.5 s gap timeout), so the loop
//!   does nothing but move updates into the dispatcher, and the queue is sized
//!   [`UPDATES_QUEUE`] instead of grammers' default 100.
//! - **Network errors never end the loop.** A failed difference fetch or a dropped connection
//!   is logged and retried with a growing pause; grammers reconnects on the next request.
//!   Only a session Telegram no longer accepts, or the connection pool ending, stops it.
//! - **Clean stop.** On stop the loop stops taking new updates, lets a `next()` that is
//!   already assembling an update finish (abandoning it could drop an update whose state was
//!   already recorded), dispatches what grammers had already buffered, lets running handlers
//!   finish within the grace period, and saves the update state, so the next start resumes
//!   exactly after the last update it received.
//! - **Checkpoints between stops.** Every `[updates] checkpoint_interval_secs` the state up to
//!   the last *handled* update is saved, so a crash replays at most that interval's worth of
//!   updates and loses none (see [`checkpoint`] for the exact replay window).
//! - **Stalls are noticed.** When nothing arrives for `[updates] watchdog_interval_secs`, the
//!   [`watchdog`] makes grammers fetch the difference, so a connection that silently stopped
//!   pushing loses minutes, not the day.

pub(crate) mod allocator;
mod checkpoint;
mod peer_cache;
pub(crate) mod qts;
#[cfg(feature = "testing")]
pub(crate) mod quiet;
mod retry;
pub(crate) mod short_updates;
pub(crate) mod too_long;
pub(crate) mod watchdog;

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use grammers_client::client::UpdateStream;
use grammers_mtsender::InvocationError;
use grammers_session::storages::ErasedSession;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use crate::dispatch::Dispatcher;
use crate::error::{Error, Result};

pub(crate) use checkpoint::Handled;
pub(crate) use peer_cache::SkipUnchangedPeers;
pub(crate) use retry::LoggedAutoSleep;

/// Capacity of the queue between the connection and the update stream.
pub const UPDATES_QUEUE: usize = 4096;

/// How long a stop waits for a `next()` that may be mid-way through assembling an update.
const IN_PROGRESS_GRACE: Duration = Duration::from_millis(250);

/// The longest pause between retries after the update stream failed.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(30);

/// What the update loop needs besides the stream and the dispatcher.
pub(crate) struct LoopSettings {
    /// The session the update state is checkpointed to.
    pub session: Arc<ErasedSession>,
    /// How often the handled update state is saved.
    pub checkpoint_interval: Duration,
    /// How long running handlers may finish on stop.
    pub grace: Duration,
    /// Fills the channel messages Telegram skipped ([`too_long`]).
    pub too_long: too_long::TooLong,
    /// Fetches the secondary (qts) updates grammers dropped ([`qts`]).
    pub qts: qts::Qts,
    /// Whether grammers catches up from the saved state (`[updates] catch_up`).
    pub catch_up: bool,
    /// Told when the stream yields (up) or fails to fetch (down), for scheduled jobs.
    pub connectivity: crate::connectivity::Connectivity,
    /// Where quiet markers are recorded (`oxygram::testing`); `None` outside tests.
    #[cfg(feature = "testing")]
    pub quiet: Option<Arc<quiet::Quiet>>,
}

/// Runs until `stop` becomes true (clean stop) or the stream fails for good.
pub(crate) async fn run_updates(
    mut stream: UpdateStream,
    dispatcher: Dispatcher,
    mut stop: watch::Receiver<bool>,
    settings: LoopSettings,
) -> Result<()> {
    let LoopSettings {
        session,
        checkpoint_interval,
        grace,
        mut too_long,
        mut qts,
        catch_up,
        connectivity,
        #[cfg(feature = "testing")]
        quiet,
    } = settings;
    too_long.load(&*session).await;
    qts.load(&*session, catch_up).await;
    let progress = Arc::new(checkpoint::Progress::default());
    let mut checkpoints = tokio::time::interval(checkpoint_interval);
    checkpoints.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut pause = Duration::from_secs(1);
    let mut received: u64 = 0;
    let outcome = loop {
        if *stop.borrow() {
            break Ok(());
        }
        // Never dropped half-way except on stop: abandoning `next()` while it assembles an
        // update could lose an update whose state grammers already advanced past.
        let next = stream.next_raw();
        tokio::pin!(next);
        let (result, stopping) = loop {
            tokio::select! {
                result = &mut next => break (Some(result), false),
                _ = stopped(&mut stop) => {
                    break match tokio::time::timeout(IN_PROGRESS_GRACE, &mut next).await {
                        Ok(result) => (Some(result), true),
                        Err(_) => (None, true),
                    };
                }
                // The checkpoint needs only the session, not the stream: `next` stays alive.
                _ = checkpoints.tick() => checkpoint(&progress, &*session).await,
            }
        };
        match result {
            Some(Ok((raw, state, peers))) => {
                pause = Duration::from_secs(1);
                connectivity.up();
                #[cfg(feature = "testing")]
                if quiet.as_ref().is_some_and(|quiet| quiet.take(&raw)) {
                    continue;
                }
                let pass = match qts
                    .take(&raw, &state, &peers, &progress, &*session, !stopping)
                    .await
                {
                    qts::Taken::Pass => true,
                    qts::Taken::Nothing => false,
                    qts::Taken::Recovered(updates) => {
                        for update in updates {
                            received += 1;
                            let handled = progress.register(update.state());
                            dispatcher
                                .dispatch_tracked(update, handled.map(Handled::on_handled))
                                .await;
                        }
                        qts.dispatched();
                        false
                    }
                };
                if pass {
                    match too_long.route(&raw, &state) {
                        too_long::Route::Deliver => {
                            received += 1;
                            let update = too_long.build(raw, state, peers);
                            let handled = progress.register(update.state());
                            dispatcher
                                .dispatch_tracked(update, handled.map(Handled::on_handled))
                                .await;
                        }
                        // Rare: boxed, so the loop's own future stays small.
                        route => {
                            Box::pin(too_long.take(route, raw, state, peers, !stopping)).await;
                        }
                    }
                }
                while let Some(update) = too_long.ready() {
                    received += 1;
                    let handled = progress.register(update.state());
                    dispatcher
                        .dispatch_tracked(update, handled.map(Handled::on_handled))
                        .await;
                }
            }
            Some(Err(error)) => match classify(error) {
                Err(fatal) => break Err(fatal),
                Ok(error) => {
                    connectivity.down();
                    tracing::warn!("receiving updates failed, retrying in {pause:?}: {error}");
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = stopped(&mut stop) => {}
                    }
                    pause = (pause * 2).min(MAX_RETRY_PAUSE);
                }
            },
            None => {}
        }
        if stopping {
            break Ok(());
        }
    };

    // Updates grammers already holds come back without touching the network; their state is
    // recorded already, so they are handled now or never.
    if outcome.is_ok() {
        while let Some(Ok((raw, state, peers))) = stream.next_raw().now_or_never() {
            match qts
                .take(&raw, &state, &peers, &progress, &*session, false)
                .await
            {
                qts::Taken::Pass => {}
                qts::Taken::Nothing => continue,
                qts::Taken::Recovered(updates) => {
                    for update in updates {
                        received += 1;
                        dispatcher.dispatch(update).await;
                    }
                    continue;
                }
            }
            let route = too_long.route(&raw, &state);
            Box::pin(too_long.take(route, raw, state, peers, false)).await;
            while let Some(update) = too_long.ready() {
                received += 1;
                dispatcher.dispatch(update).await;
            }
        }
    }
    for update in too_long.flush() {
        received += 1;
        dispatcher.dispatch(update).await;
    }
    tracing::debug!(
        received,
        "update loop stopped; waiting for running handlers"
    );
    let report = dispatcher.shutdown(grace).await;
    if report.abandoned > 0 {
        tracing::warn!(
            abandoned = report.abandoned,
            "handlers still running after the {grace:?} grace period were abandoned"
        );
    }
    if let Err(e) = stream.sync_update_state().await {
        tracing::error!("could not save the update state to the session: {e}");
    }
    qts.save_floor(&*session).await;
    outcome
}

/// Saves the handled update state if it moved; a failure is logged and retried next time.
async fn checkpoint(progress: &checkpoint::Progress, session: &ErasedSession) {
    match progress.save(session).await {
        Ok(0) => {}
        Ok(written) => tracing::trace!(sequences = written, "update state checkpoint saved"),
        Err(error) => tracing::warn!("{error}; retrying at the next checkpoint"),
    }
}

/// Resolves once a stop is requested (or the app that could request one is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here, not across an await.
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Splits stream errors into retryable ones and the ones that end the loop.
fn classify(error: InvocationError) -> Result<InvocationError, Error> {
    match &error {
        InvocationError::Rpc(rpc) if rpc.code == 401 => Err(Error::LoggedOut(rpc.name.clone())),
        InvocationError::Dropped(_) => Err(Error::Telegram {
            doing: "keep receiving updates (the connection pool stopped)",
            source: error,
        }),
        _ => Ok(error),
    }
}
