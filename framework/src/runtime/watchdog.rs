//! The liveness watchdog: a connection that silently stops delivering updates is noticed
//! and what it missed is fetched.
//!
//! Telegram pushes updates over the connection; if it stops pushing while the connection
//! stays open (the "bot silently stopped receiving updates" reports every framework gets),
//! nothing fails and nothing arrives. grammers' message box fetches the difference by itself
//! only after 15 minutes without updates (Telegram's guidance for clients). The watchdog
//! sits between the connection and the update stream: when nothing has come through for
//! `[updates] watchdog_interval_secs` (default 300 s), it hands the stream the same signal
//! grammers uses after a reconnect (`UpdatesLike::ConnectionClosed`), and the message box
//! calls `updates.getDifference` and delivers whatever was missed, in order, through the
//! normal path.
//!
//! The default of 5 minutes is a third of Telegram's 15: a stall costs at most that long,
//! and a quiet bot pays one `updates.getDifference` per quiet interval (about 300 a day),
//! which a busy bot never pays. Anything from the connection counts as life, including the
//! updates Telegram returns for the app's own requests, so a bot that keeps sending on its
//! own while pushes stall is only caught by grammers' own 15-minute deadline. The watchdog
//! asks for the account-wide difference; channels and supergroups keep grammers' per-channel
//! deadlines (a channel with news usually shows up in the account-wide difference too).
//!
//! Behind every `ConnectionClosed` (its own or the pool's) and `updatesTooLong` it forwards,
//! it puts a probe for [`super::qts`]: when that comes out of the stream, grammers has
//! applied the difference those made it fetch, and the qts updates it dropped are fetched.

use std::time::Duration;

use grammers_session::updates::UpdatesLike;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::short_updates::{FetchDifference, ShortUpdates};
use crate::connectivity::Connectivity;

/// The most updates moved from the connection to the stream in one go.
const FORWARD_BATCH: usize = 64;

/// Forwards everything from `connection` to the returned receiver (a queue of `capacity`),
/// adding a difference request whenever nothing came for `interval`, with each batch's
/// short messages completed by `short` on the way. The task ends when either side is gone.
/// The weak sender reaches the same queue (for [`super::too_long`]) without keeping it open
/// once the connection is gone.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn spawn<F: FetchDifference>(
    connection: mpsc::Receiver<UpdatesLike>,
    interval: Duration,
    capacity: usize,
    short: ShortUpdates<F>,
) -> (mpsc::Receiver<UpdatesLike>, mpsc::WeakSender<UpdatesLike>) {
    spawn_tracking(
        connection,
        interval,
        capacity,
        short,
        Connectivity::default(),
    )
}

/// [`spawn`], telling `connectivity` what the connection says: a `ConnectionClosed` from the
/// pool (the home connection broke) is down, anything else it delivers is up.
pub(crate) fn spawn_tracking<F: FetchDifference>(
    mut connection: mpsc::Receiver<UpdatesLike>,
    interval: Duration,
    capacity: usize,
    mut short: ShortUpdates<F>,
    connectivity: Connectivity,
) -> (mpsc::Receiver<UpdatesLike>, mpsc::WeakSender<UpdatesLike>) {
    let (stream, receiver) = mpsc::channel(capacity.max(1));
    let inject = stream.downgrade();
    tokio::spawn(async move {
        // Updates are taken in batches and each moved once, from the batch straight into a
        // reserved slot of the stream's queue: an `UpdatesLike` is about 5 KB, and copying it
        // through `select!` outputs and send futures showed up in the echo benchmark's profile.
        let mut batch = Vec::with_capacity(FORWARD_BATCH);
        let mut deadline = Instant::now() + interval;
        loop {
            let received =
                tokio::time::timeout_at(deadline, connection.recv_many(&mut batch, FORWARD_BATCH))
                    .await;
            match received {
                // The pool ended: dropping `stream` tells the update loop.
                Ok(0) => break,
                Ok(_) => match batch.last() {
                    Some(UpdatesLike::ConnectionClosed) => connectivity.down(),
                    Some(_) => connectivity.up(),
                    None => {}
                },
                Err(_) => {
                    tracing::debug!(
                        "no updates for {interval:?}: asking Telegram for anything missed"
                    );
                    batch.push(UpdatesLike::ConnectionClosed);
                }
            }
            deadline = Instant::now() + interval;
            short.complete(&mut batch).await;
            for updates in batch.drain(..) {
                // grammers fetches the account's difference for these; the probe behind them
                // comes out of the stream once that difference was applied (see `qts`).
                let probe = matches!(
                    updates,
                    UpdatesLike::ConnectionClosed
                        | UpdatesLike::Updates(grammers_client::tl::enums::Updates::TooLong)
                );
                let Ok(slot) = stream.reserve().await else {
                    // The update stream is gone (the app stopped).
                    return;
                };
                slot.send(updates);
                if probe {
                    let Ok(slot) = stream.reserve().await else {
                        return;
                    };
                    slot.send(probe_updates());
                }
            }
        }
    });
    (receiver, inject)
}

/// A container holding only [`super::qts::probe`].
fn probe_updates() -> UpdatesLike {
    use grammers_client::tl;
    UpdatesLike::Updates(tl::enums::Updates::Updates(tl::types::Updates {
        updates: vec![super::qts::probe()],
        users: Vec::new(),
        chats: Vec::new(),
        date: 0,
        seq: 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Never asked: these batches hold no short messages.
    struct NoFetch;

    impl FetchDifference for NoFetch {
        async fn difference(
            &self,
            _: grammers_client::tl::functions::updates::GetDifference,
        ) -> Result<
            grammers_client::tl::enums::updates::Difference,
            grammers_mtsender::InvocationError,
        > {
            unreachable!("no short messages in this test")
        }
    }

    fn is_probe(updates: Option<UpdatesLike>) -> bool {
        match updates {
            Some(UpdatesLike::Updates(grammers_client::tl::enums::Updates::Updates(u))) => {
                u.updates.len() == 1 && super::super::qts::is_probe(&u.updates[0])
            }
            _ => false,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn asks_for_the_difference_only_after_a_quiet_interval() {
        let (connection, from) = mpsc::channel(8);
        let (mut out, _) = spawn(
            from,
            Duration::from_secs(60),
            8,
            ShortUpdates::new(NoFetch, None),
        );

        // Traffic keeps it quiet.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_secs(40)).await;
            connection
                .send(UpdatesLike::MalformedUpdates)
                .await
                .unwrap();
            assert!(matches!(
                out.recv().await,
                Some(UpdatesLike::MalformedUpdates)
            ));
        }
        assert!(out.try_recv().is_err());

        // Then silence: one request per quiet interval.
        let before = Instant::now();
        assert!(matches!(
            out.recv().await,
            Some(UpdatesLike::ConnectionClosed)
        ));
        assert_eq!(before.elapsed(), Duration::from_secs(60));
        // grammers fetches the difference for it; the probe behind it tells the loop when.
        assert!(is_probe(out.recv().await));
        assert!(matches!(
            out.recv().await,
            Some(UpdatesLike::ConnectionClosed)
        ));
        assert_eq!(before.elapsed(), Duration::from_secs(120));
        assert!(is_probe(out.recv().await));

        // The connection pool ending ends the stream.
        drop(connection);
        assert!(out.recv().await.is_none());
    }
}
