//! The session as the connection sees it: a peer is written only when what is known about it
//! changed.
//!
//! grammers caches the users and chats of every update it receives through
//! `Session::cache_peers`, and its SQLite storage turns every call into a read and a write
//! transaction, so every incoming message costs an `fsync` even when its sender was stored,
//! identically, a moment earlier. On a bot that hears from the same people all day that is
//! almost all of its disk traffic, and the `fsync` sits in the path of every reply. Measured
//! with `oxygram-bench` (K = 1 echo, release, 2-core machine): the bot spent most of its time
//! waiting in `fsync`; see `BENCHMARKS.md` for the figures before and after.
//!
//! [`SkipUnchangedPeers`] remembers, per peer, what it last read from or wrote to the storage,
//! and forwards only the peers whose merged information differs (a new peer, a new access
//! hash, a newly known bot flag). Everything else goes straight to the storage. The memory is
//! one small entry per peer the session has seen, which the storage holds anyway.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use grammers_session::types::{DcOption, PeerId, PeerInfo, UpdateState, UpdatesState};
use grammers_session::{BoxFuture, Session};

/// A session storage that skips writing peers it already holds unchanged.
pub(crate) struct SkipUnchangedPeers<S> {
    inner: Arc<S>,
    /// What the storage holds for each peer this process has read or written.
    known: Mutex<HashMap<PeerId, PeerInfo>>,
}

impl<S: Session> SkipUnchangedPeers<S> {
    /// Wraps `inner`; all writes other than unchanged peers go through to it.
    pub(crate) fn new(inner: Arc<S>) -> Self {
        Self {
            inner,
            known: Mutex::new(HashMap::new()),
        }
    }

    fn known(&self, id: PeerId) -> Option<PeerInfo> {
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    }

    async fn write_changed(&self, peers: Vec<PeerInfo>) -> Result<(), S::Error> {
        let mut changed = Vec::new();
        let mut merged_all = Vec::with_capacity(peers.len());
        for peer in peers {
            let id = peer.id();
            let stored = match self.known(id) {
                Some(known) => Some(known),
                None => self.inner.peer(id).await?,
            };
            // The storage merges the same way: new fields win, unknown ones keep the old value.
            let merged = match stored.clone() {
                Some(mut merged) => {
                    merged.extend_info(&peer);
                    merged
                }
                None => peer.clone(),
            };
            if stored.as_ref() != Some(&merged) {
                changed.push(peer);
            }
            merged_all.push((id, merged));
        }
        if !changed.is_empty() {
            self.inner.cache_peers(changed).await?;
        }
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(merged_all);
        Ok(())
    }
}

impl<S: Session> Session for SkipUnchangedPeers<S> {
    type Error = S::Error;

    fn home_dc_id(&self) -> Result<i32, Self::Error> {
        self.inner.home_dc_id()
    }

    fn set_home_dc_id(&self, dc_id: i32) -> BoxFuture<'_, Result<(), Self::Error>> {
        self.inner.set_home_dc_id(dc_id)
    }

    fn dc_option(&self, dc_id: i32) -> Result<Option<DcOption>, Self::Error> {
        self.inner.dc_option(dc_id)
    }

    fn set_dc_option(&self, dc_option: &DcOption) -> BoxFuture<'_, Result<(), Self::Error>> {
        self.inner.set_dc_option(dc_option)
    }

    fn peer(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerInfo>, Self::Error>> {
        self.inner.peer(peer)
    }

    fn cache_peer(&self, peer: PeerInfo) -> BoxFuture<'_, Result<(), Self::Error>> {
        Box::pin(self.write_changed(vec![peer]))
    }

    fn cache_peers(&self, peers: Vec<PeerInfo>) -> BoxFuture<'_, Result<(), Self::Error>> {
        Box::pin(self.write_changed(peers))
    }

    fn updates_state(&self) -> BoxFuture<'_, Result<UpdatesState, Self::Error>> {
        self.inner.updates_state()
    }

    fn set_update_state(&self, update: UpdateState) -> BoxFuture<'_, Result<(), Self::Error>> {
        self.inner.set_update_state(update)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use grammers_session::storages::MemorySession;
    use grammers_session::types::PeerAuth;

    use super::*;

    /// A memory session that counts the peers written to it.
    struct Counting {
        inner: MemorySession,
        written: AtomicUsize,
    }

    impl Session for Counting {
        type Error = <MemorySession as Session>::Error;
        fn home_dc_id(&self) -> Result<i32, Self::Error> {
            self.inner.home_dc_id()
        }
        fn set_home_dc_id(&self, dc_id: i32) -> BoxFuture<'_, Result<(), Self::Error>> {
            self.inner.set_home_dc_id(dc_id)
        }
        fn dc_option(&self, dc_id: i32) -> Result<Option<DcOption>, Self::Error> {
            self.inner.dc_option(dc_id)
        }
        fn set_dc_option(&self, dc_option: &DcOption) -> BoxFuture<'_, Result<(), Self::Error>> {
            self.inner.set_dc_option(dc_option)
        }
        fn peer(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerInfo>, Self::Error>> {
            self.inner.peer(peer)
        }
        fn cache_peer(&self, peer: PeerInfo) -> BoxFuture<'_, Result<(), Self::Error>> {
            self.written.fetch_add(1, Ordering::SeqCst);
            self.inner.cache_peer(peer)
        }
        fn updates_state(&self) -> BoxFuture<'_, Result<UpdatesState, Self::Error>> {
            self.inner.updates_state()
        }
        fn set_update_state(&self, update: UpdateState) -> BoxFuture<'_, Result<(), Self::Error>> {
            self.inner.set_update_state(update)
        }
    }

    fn user(id: i64, hash: Option<i64>, bot: Option<bool>) -> PeerInfo {
        PeerInfo::User {
            id,
            auth: hash.map(PeerAuth::from_hash),
            bot,
            is_self: None,
        }
    }

    #[tokio::test]
    async fn writes_new_and_changed_peers_once_and_skips_repeats() {
        let counting = Arc::new(Counting {
            inner: MemorySession::default(),
            written: AtomicUsize::new(0),
        });
        let session = SkipUnchangedPeers::new(Arc::clone(&counting));
        let written = || counting.written.load(Ordering::SeqCst);

        session
            .cache_peers(vec![user(7, Some(1), None)])
            .await
            .unwrap();
        assert_eq!(written(), 1, "a new peer is written");
        for _ in 0..3 {
            session
                .cache_peers(vec![user(7, Some(1), None)])
                .await
                .unwrap();
        }
        assert_eq!(written(), 1, "an unchanged peer is not written again");

        session.cache_peer(user(7, Some(2), None)).await.unwrap();
        assert_eq!(written(), 2, "a new access hash is written");
        session.cache_peer(user(7, None, Some(true))).await.unwrap();
        assert_eq!(written(), 3, "a newly known bot flag is written");
        session.cache_peer(user(7, None, None)).await.unwrap();
        assert_eq!(written(), 3, "nothing new: no write");

        let stored = counting
            .inner
            .peer(PeerId::user(7).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored, user(7, Some(2), Some(true)));
    }

    #[tokio::test]
    async fn a_peer_already_in_the_storage_is_not_rewritten_after_a_restart() {
        let counting = Arc::new(Counting {
            inner: MemorySession::default(),
            written: AtomicUsize::new(0),
        });
        counting
            .inner
            .cache_peer(user(9, Some(5), Some(false)))
            .await
            .unwrap();
        let session = SkipUnchangedPeers::new(Arc::clone(&counting));
        session
            .cache_peers(vec![user(9, Some(5), Some(false))])
            .await
            .unwrap();
        assert_eq!(counting.written.load(Ordering::SeqCst), 0);
    }
}
