//! The ceiling: a hand-written grammers echo loop with the client configured like oxygram's.
//!
//! Same tokio runtime (multi-threaded, one worker per core), same session storage (the SQLite
//! file the driver issued), same update queue capacity (4096, oxygram's `UPDATES_QUEUE`) and
//! a task per update, so the difference to oxygram is the framework itself: configuration,
//! session lock, login check, routing, per-chat ordering, the in-flight bound, panic catching,
//! update-state checkpoints and logging. It does none of those, and it turns grammers' peer
//! caching off (`auto_cache_peers: false`): with it on, grammers' SQLite storage writes (and
//! fsyncs) the sender of every update, which bounds a bot to about a thousand round trips per
//! second; oxygram writes only peers that changed. Without any peer writes this loop is the
//! least work a grammers bot can do per update: a ceiling, not a peer.
//!
//! Usage: `bench-grammers-echo SESSION_FILE API_ID`; prints `READY` on stdout once updates
//! flow, and stops on SIGTERM/Ctrl+C (or when the connection ends).

use std::num::NonZeroUsize;
use std::sync::Arc;

use grammers_client::Client;
use grammers_client::client::ClientConfiguration;
use grammers_client::message::InputMessage;
use grammers_client::update::Update;
use grammers_mtsender::{ConnectionParams, SenderPool, UpdatesConfiguration};
use grammers_session::types::{PeerAuth, PeerRef};
use oxygram_session::SqliteSession;
use tokio::signal::unix::{SignalKind, signal};

/// oxygram's `runtime::UPDATES_QUEUE`: the same queue between connection and update stream.
const UPDATES_QUEUE: usize = 4096;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let (Some(session), Some(api_id)) = (args.next(), args.next()) else {
        return Err("usage: bench-grammers-echo SESSION_FILE API_ID".into());
    };
    let api_id: i32 = api_id
        .parse()
        .map_err(|e| format!("API_ID {api_id:?} is not a number: {e}"))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(session, api_id))
}

async fn run(session: String, api_id: i32) -> Result<(), BoxError> {
    let session = Arc::new(SqliteSession::open(&session).await?);
    let params = ConnectionParams {
        updates_channel_capacity: NonZeroUsize::new(UPDATES_QUEUE).expect("non-zero"),
        ..ConnectionParams::default()
    };
    let SenderPool {
        runner,
        handle,
        updates,
    } = SenderPool::with_configuration(session, api_id, params);
    let client = Client::with_configuration(
        handle.clone(),
        ClientConfiguration {
            auto_cache_peers: false,
        },
    );
    let pool = tokio::spawn(runner.run());
    // grammers connects lazily; the first request also proves the session is logged in.
    client.get_me().await?;
    let mut stream = client
        .stream_updates(updates, UpdatesConfiguration { catch_up: true })
        .await?;
    // Listening before READY, so the driver's SIGTERM always stops the loop cleanly.
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    println!("READY");
    loop {
        let update = tokio::select! {
            update = stream.next() => update,
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        };
        match update {
            Ok(Update::NewMessage(message)) if !message.outgoing() => {
                let client = client.clone();
                tokio::spawn(async move {
                    // Telegram pushes a new user's first message short, without the user, and
                    // with peer caching off the session never learns the hash either: a bot
                    // may name a user who wrote to it with access hash 0 (the cheapest way,
                    // and what TDLib does for bots), so the ceiling stays the least work.
                    let peer = match message.peer_ref().await {
                        Ok(Some(peer)) => peer,
                        _ => PeerRef {
                            id: message.peer_id(),
                            auth: PeerAuth::from_hash(0),
                        },
                    };
                    let echo = InputMessage::new()
                        .text(message.text())
                        .reply_to(Some(message.id()));
                    if let Err(e) = client.send_message(peer, echo).await {
                        eprintln!("reply failed: {e}");
                    }
                });
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("update stream ended: {e}");
                break;
            }
        }
    }
    stream.sync_update_state().await?;
    handle.quit();
    let _ = pool.await;
    Ok(())
}
