//! The test driver: start a world, hand out sessions, act as users, inject faults.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use grammers_session::SessionData;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::observed::{ObservedMessage, RpcCall};
use crate::rpc::RpcFail;
use crate::state::{Draft, Shared, State};
use crate::world::{World, phone_digits};
use crate::{session, tl_build};

/// A running local Telegram.
///
/// Dropping it stops the listener; [`TestKit::shutdown`] also closes live connections.
pub struct TestKit {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept_task: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for TestKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKit").field("addr", &self.addr).finish()
    }
}

impl TestKit {
    /// Starts a testkit for `world` on a random loopback port.
    pub async fn start(world: World) -> Result<TestKit, Error> {
        Self::start_on(world, "127.0.0.1:0").await
    }

    /// Starts a testkit for `world` listening on `addr` (e.g. `127.0.0.1:8443`).
    pub async fn start_on(world: World, addr: &str) -> Result<TestKit, Error> {
        // Deriving 2FA verifiers runs 100k PBKDF2 rounds per password: keep it off the runtime.
        let state = tokio::task::spawn_blocking(move || State::from_world(&world))
            .await
            .map_err(|e| Error::World {
                what: format!("building the world panicked: {e}"),
            })??;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: addr.to_string(),
            source,
        })?;
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            changed: tokio::sync::Notify::new(),
            faults: Default::default(),
        });
        let accept_task = tokio::spawn(crate::server::accept_loop(Arc::clone(&shared), listener));
        tracing::info!(%addr, "testkit listening");
        Ok(TestKit {
            shared,
            addr,
            accept_task: Mutex::new(Some(accept_task)),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A fresh grammers session (new auth key, not logged in), home DC pointing at the kit.
    /// Use it with `MemorySession::from(kit.session_data())`.
    pub fn session_data(&self) -> SessionData {
        let key = self.shared.lock().new_key();
        session::session_data(self.addr, &key)
    }

    /// Like [`TestKit::session_data`], but already logged in as `who` (a username, `+phone`
    /// or id), skipping the login RPCs.
    pub fn session_data_for(&self, who: &str) -> Result<SessionData, Error> {
        let mut state = self.shared.lock();
        let id = state
            .find(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        let key = state.new_key_for(id);
        Ok(session::session_data(self.addr, &key))
    }

    /// Writes a grammers SQLite session file at `path` (created if missing) with a fresh key
    /// pointing at the kit, not logged in.
    pub async fn write_session_file(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let data = self.session_data();
        session::write_sqlite(path.as_ref(), &data).await
    }

    /// The last login code "sent" to `phone`, if any is pending.
    pub fn login_code(&self, phone: &str) -> Option<String> {
        let digits = phone_digits(phone)?;
        self.shared
            .lock()
            .codes
            .get(&digits)
            .map(|c| c.code.clone())
    }

    /// Expires the pending login code of `phone`: signing in with it now fails with
    /// `PHONE_CODE_EXPIRED`. Returns whether a code was pending.
    pub fn expire_login_code(&self, phone: &str) -> bool {
        let Some(digits) = phone_digits(phone) else {
            return false;
        };
        match self.shared.lock().codes.get_mut(&digits) {
            Some(code) => {
                code.expired = true;
                true
            }
            None => false,
        }
    }

    /// A scripted user acting server-side as the account `who` (username, `+phone` or id).
    ///
    /// # Panics
    /// If there is no such account; use [`TestKit::try_user`] to handle that.
    pub fn user(&self, who: &str) -> ScriptedUser {
        self.try_user(who)
            .unwrap_or_else(|e| panic!("TestKit::user: {e}"))
    }

    /// A scripted user acting as `who`, or [`Error::UnknownAccount`].
    pub fn try_user(&self, who: &str) -> Result<ScriptedUser, Error> {
        let id = self
            .shared
            .lock()
            .find(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        Ok(ScriptedUser {
            shared: Arc::clone(&self.shared),
            id,
        })
    }

    /// The id of the account `who` (username, `+phone` or id).
    pub fn account_id(&self, who: &str) -> Option<i64> {
        self.shared.lock().find(who)
    }

    /// Every RPC clients made so far, in order.
    pub fn rpc_log(&self) -> Vec<RpcCall> {
        self.shared.lock().rpc_log.clone()
    }

    /// How many RPCs named `method` (e.g. `updates.getDifference`) clients made so far.
    pub fn rpc_count(&self, method: &str) -> usize {
        self.shared
            .lock()
            .rpc_log
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Stops listening and closes every connection.
    pub async fn shutdown(self) {
        let task = self
            .accept_task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
        self.drop_connections();
    }

    // ---- faults -------------------------------------------------------------------------

    /// Closes every live client connection now (clients reconnect on their next request).
    pub fn drop_connections(&self) {
        let state = self.shared.lock();
        for conn in state.conns.values() {
            conn.kill.notify_one();
        }
    }

    /// Refuses new connections for `duration` (accepted and closed at once), then serves again.
    pub fn refuse_connections_for(&self, duration: Duration) {
        self.shared.faults.refuse_for(duration);
    }

    /// Delays every answer by `delay` (`Duration::ZERO` to stop).
    pub fn delay_answers(&self, delay: Duration) {
        self.shared.faults.set_delay(Some(delay));
    }

    /// Answers the next `times` calls of `method` (a TL name such as `messages.sendMessage`)
    /// with an rpc_error, e.g. `fail_next("messages.sendMessage", 1, 420, "FLOOD_WAIT_3")`.
    pub fn fail_next(&self, method: &str, times: u32, code: i32, name: &str) {
        if times > 0 {
            self.shared
                .faults
                .fail_next(method, times, RpcFail::new(code, name));
        }
    }

    /// Stops (or resumes) pushing updates; they are still stored and reach clients through
    /// `updates.getDifference`.
    pub fn pause_pushes(&self, paused: bool) {
        self.shared.lock().pushes_paused = paused;
    }

    /// Skips `skip` pts before the next update of account `who`, so its clients see a gap and
    /// must call `updates.getDifference`.
    pub fn pts_gap(&self, who: &str, skip: i32) -> Result<(), Error> {
        let mut state = self.shared.lock();
        let id = state
            .find(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        state.pts_gaps.insert(id, skip.max(1));
        Ok(())
    }
}

impl Drop for TestKit {
    fn drop(&mut self) {
        if let Some(task) = self
            .accept_task
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            task.abort();
        }
        self.drop_connections();
    }
}

/// A user (or bot) the test scripts from the server side: what it does is what a real client
/// of that account would have done, with the same updates pushed to everyone involved.
#[derive(Clone)]
pub struct ScriptedUser {
    shared: Arc<Shared>,
    id: i64,
}

impl std::fmt::Debug for ScriptedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedUser")
            .field("id", &self.id)
            .finish()
    }
}

impl ScriptedUser {
    /// The account id.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Sends `text` to `to` (username, `+phone` or id). `/commands` get `bot_command`
    /// entities, as Telegram's apps send them.
    pub async fn send_text(&self, to: &str, text: &str) -> Result<ObservedMessage, Error> {
        self.send(to, text, None)
    }

    /// Replies to message `reply_to` (an id in this user's box, e.g. an
    /// [`ObservedMessage::id`]) in the chat with `to`.
    pub async fn reply_text(
        &self,
        to: &str,
        reply_to: i32,
        text: &str,
    ) -> Result<ObservedMessage, Error> {
        self.send(to, text, Some(reply_to))
    }

    fn send(&self, to: &str, text: &str, reply_to: Option<i32>) -> Result<ObservedMessage, Error> {
        let (sent, _) = {
            let mut state = self.shared.lock();
            let to = state
                .find(to)
                .ok_or_else(|| Error::UnknownAccount(to.to_string()))?;
            let draft = Draft {
                text: text.to_string(),
                entities: tl_build::command_entities(text),
                reply_markup: None,
                reply_to,
            };
            state
                .send_private(self.id, to, draft, None)
                .map_err(|e| Error::rpc("send_text", e))?
        };
        self.shared.changed.notify_waiters();
        Ok(ObservedMessage::from_stored(&sent))
    }

    /// Waits up to `timeout` for the next message someone else sent into a chat this user is
    /// in, and takes it from the user's inbox.
    pub async fn next_message(&self, timeout: Duration) -> Result<ObservedMessage, Error> {
        let wait = async {
            loop {
                let notified = self.shared.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(m) = self
                    .shared
                    .lock()
                    .accounts
                    .get_mut(&self.id)
                    .and_then(|a| a.inbox.pop_front())
                {
                    return m;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| Error::Timeout(timeout, "the next message"))
    }

    /// Takes every message already in the inbox without waiting.
    pub fn drain_messages(&self) -> Vec<ObservedMessage> {
        self.shared
            .lock()
            .accounts
            .get_mut(&self.id)
            .map(|a| a.inbox.drain(..).collect())
            .unwrap_or_default()
    }
}
