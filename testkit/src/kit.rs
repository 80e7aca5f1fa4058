//! The test driver: start a world, hand out sessions, act as users, inject faults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use grammers_session::SessionData;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::delivery::Edit;
use crate::error::Error;
use crate::faults::TransientError;
use crate::interactions::{BOT_RESPONSE_TIMEOUT, CallbackOutcome};
use crate::observed::{
    BotCommand, CallbackAnswer, Deletion, InlineResults, ObservedMessage, RpcCall,
};
use crate::rpc::RpcFail;
use crate::state::{Draft, Media, Shared, State, StoredFile};
use crate::tl_build::PeerRef;
use crate::wire::sessions::ServiceStats;
use crate::world::{World, phone_digits};
use crate::{HOME_DC, persist, session};

/// A running local Telegram.
///
/// Dropping it stops the listener; [`TestKit::shutdown`] also closes live connections.
pub struct TestKit {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// One accept loop per data centre.
    accept_task: Mutex<Vec<JoinHandle<()>>>,
    state_file: Option<(PathBuf, JoinHandle<()>)>,
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
        Self::start_inner(world, addr, None).await
    }

    /// Starts a testkit whose live state (messages, update state, accepted keys and their
    /// logins) survives restarts: it is restored from `state_file` when that exists, saved
    /// shortly after every change and on [`TestKit::shutdown`]. The file holds auth keys and
    /// is written with mode 0600.
    pub async fn start_persistent(
        world: World,
        addr: &str,
        state_file: impl Into<PathBuf>,
    ) -> Result<TestKit, Error> {
        Self::start_inner(world, addr, Some(state_file.into())).await
    }

    async fn start_inner(
        world: World,
        addr: &str,
        state_file: Option<PathBuf>,
    ) -> Result<TestKit, Error> {
        // Deriving 2FA verifiers runs 100k PBKDF2 rounds per password: keep it off the runtime.
        let dcs = world.dcs();
        let mut state = tokio::task::spawn_blocking(move || State::from_world(&world))
            .await
            .map_err(|e| Error::World {
                what: format!("building the world panicked: {e}"),
            })??;
        if let Some(path) = &state_file
            && let Some(bytes) = persist::load(path)?
        {
            state.restore(&bytes).map_err(|e| Error::StateFile {
                path: path.clone(),
                reason: format!("not a testkit state file or corrupt: {e}"),
            })?;
            tracing::info!(path = %path.display(), "state restored");
        }
        // The home DC listens on `addr`; every other DC on a free port of the same host.
        let mut listeners: Vec<(i32, TcpListener, SocketAddr)> = Vec::new();
        for dc in dcs {
            let bind = match listeners.first() {
                None => addr.to_string(),
                Some((_, _, home)) => SocketAddr::new(home.ip(), 0).to_string(),
            };
            let listener = TcpListener::bind(&bind)
                .await
                .map_err(|source| Error::Bind {
                    addr: bind.clone(),
                    source,
                })?;
            let local = listener
                .local_addr()
                .map_err(|source| Error::Bind { addr: bind, source })?;
            listeners.push((dc, listener, local));
        }
        let addr = listeners[0].2;
        state.dc_addrs = listeners.iter().map(|(dc, _, a)| (*dc, *a)).collect();
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            changed: tokio::sync::Notify::new(),
            faults: Default::default(),
            sessions: Default::default(),
            dcs: listeners.iter().map(|(dc, _, a)| (*dc, *a)).collect(),
        });
        let mut accept_task = Vec::new();
        for (dc, listener, local) in listeners {
            accept_task.push(tokio::spawn(crate::server::accept_loop(
                Arc::clone(&shared),
                listener,
                dc,
            )));
            tracing::info!(addr = %local, dc, "testkit listening");
        }
        let state_file = state_file.map(|path| {
            let task = tokio::spawn(autosave(Arc::clone(&shared), path.clone()));
            (path, task)
        });
        Ok(TestKit {
            shared,
            addr,
            accept_task: Mutex::new(accept_task),
            state_file,
        })
    }

    /// Saves the live state to `path` now (see [`TestKit::start_persistent`]).
    pub fn save_state(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let bytes = self.shared.lock().snapshot();
        persist::save(path.as_ref(), &bytes)
    }

    /// The address clients connect to (the home DC, [`crate::HOME_DC`]).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of data centre `dc`, if the kit runs it.
    pub fn dc_addr(&self, dc: i32) -> Option<SocketAddr> {
        self.shared
            .dcs
            .iter()
            .find(|(id, _)| *id == dc)
            .map(|(_, a)| *a)
    }

    /// The data centres the kit runs, home DC first (see [`World::data_centre`],
    /// [`crate::User::dc`]).
    pub fn data_centres(&self) -> Vec<i32> {
        self.shared.dcs.iter().map(|(dc, _)| *dc).collect()
    }

    /// One key per DC of the kit; on the DC `logged_in.1`, logged in as `logged_in.0`.
    fn dc_keys(
        state: &mut State,
        dcs: &[(i32, SocketAddr)],
        logged_in: Option<(i64, i32)>,
    ) -> Vec<session::DcKey> {
        dcs.iter()
            .map(|&(dc, addr)| {
                let key = match logged_in {
                    Some((account, home)) if home == dc => state.new_key_for(account),
                    _ => state.new_key(dc),
                };
                session::DcKey { dc, addr, key }
            })
            .collect()
    }

    /// A fresh grammers session (a new auth key on each DC, not logged in), home DC
    /// [`crate::HOME_DC`]. Use it with `MemorySession::from(kit.session_data())`.
    pub fn session_data(&self) -> SessionData {
        let keys = Self::dc_keys(&mut self.shared.lock(), &self.shared.dcs, None);
        session::session_data(HOME_DC, &keys)
    }

    /// Like [`TestKit::session_data`], but already logged in as `who` (a username, `+phone`
    /// or id), skipping the login RPCs.
    pub fn session_data_for(&self, who: &str) -> Result<SessionData, Error> {
        let mut state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        state.forget_unpushed(id);
        let home = state.account(id).dc;
        let keys = Self::dc_keys(&mut state, &self.shared.dcs, Some((id, home)));
        let mut data = session::session_data(home, &keys);
        // A real login leaves the update state in the session; without it grammers' memory
        // storage has no state to apply pushed updates to.
        let account = state.account(id);
        data.updates_state = grammers_session::types::UpdatesState {
            pts: account.pts,
            qts: account.qts,
            date: crate::state::now(),
            seq: account.seq,
            channels: Vec::new(),
        };
        Ok(data)
    }

    /// A Telethon `StringSession` string with a fresh key pointing at the kit, not logged in:
    /// `TelegramClient(StringSession(s), api_id, api_hash)`.
    pub fn telethon_session(&self) -> String {
        let key = self.shared.lock().new_key(HOME_DC);
        session::telethon_string(&session::DcKey {
            dc: HOME_DC,
            addr: self.addr,
            key,
        })
    }

    /// Like [`TestKit::telethon_session`], already logged in as `who`.
    pub fn telethon_session_for(&self, who: &str) -> Result<String, Error> {
        let mut state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        let key = state.new_key_for(id);
        let dc = state.account(id).dc;
        let addr = self.dc_addr(dc).unwrap_or(self.addr);
        Ok(session::telethon_string(&session::DcKey { dc, addr, key }))
    }

    /// Points the grammers SQLite session file at `path` at the kit. A missing file is
    /// created with a fresh key (not logged in); an existing file keeps its key, which the kit
    /// then accepts (logged out, unless this kit already knew it), and its cached peers and
    /// update state.
    pub async fn write_session_file(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let dcs = self.data_centres();
        let (home, existing) = if path.exists() {
            session::read_sqlite_keys(path, &dcs).await?
        } else {
            (HOME_DC, Default::default())
        };
        let home = if dcs.contains(&home) { home } else { HOME_DC };
        let keys: Vec<_> = {
            let mut state = self.shared.lock();
            let mut used = Vec::new();
            self.shared
                .dcs
                .iter()
                .map(|&(dc, addr)| {
                    // Older kits wrote one key for every DC: the first DC keeps it.
                    let key = match existing.get(&dc).filter(|k| !used.contains(*k)) {
                        Some(bytes) => {
                            used.push(*bytes);
                            state.register_key(*bytes, Some(dc))
                        }
                        None => state.new_key(dc),
                    };
                    session::DcKey { dc, addr, key }
                })
                .collect()
        };
        session::write_sqlite(path, &session::session_data(home, &keys)).await
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
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        Ok(ScriptedUser {
            shared: Arc::clone(&self.shared),
            id,
        })
    }

    /// The id of the account `who` (username, `+phone` or id).
    pub fn account_id(&self, who: &str) -> Option<i64> {
        self.shared.lock().find_account(who)
    }

    /// The id of the group or channel `which` (its @username, title or id).
    pub fn chat_id(&self, which: &str) -> Option<i64> {
        match self.shared.lock().find(which)? {
            PeerRef::Chat(id) | PeerRef::Channel(id) => Some(id),
            PeerRef::User(_) => None,
        }
    }

    /// The commands bot `who` registered with `bots.setBotCommands`.
    pub fn bot_commands(&self, who: &str) -> Result<Vec<BotCommand>, Error> {
        let state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        Ok(state.account(id).bot_commands.clone())
    }

    /// Adds `who` to the group or channel `group` (its @username, title or id) silently, as
    /// if they had always been in it: no service message, no participant update. To add
    /// someone the way Telegram shows it, use [`ScriptedUser::add_to_group`] or
    /// [`ScriptedUser::join_group`].
    pub fn add_member(&self, group: &str, who: &str) -> Result<(), Error> {
        let mut state = self.shared.lock();
        let user = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        let room = match state.find(group) {
            Some(PeerRef::Chat(id) | PeerRef::Channel(id)) => id,
            _ => return Err(Error::UnknownAccount(group.to_string())),
        };
        let room = state.rooms.get_mut(&room).expect("found above");
        if !room.members.contains(&user) {
            room.members.push(user);
        }
        Ok(())
    }

    /// The users waiting for approval to join `group` (its @username, title or id).
    pub fn join_requests(&self, group: &str) -> Result<Vec<i64>, Error> {
        let state = self.shared.lock();
        match state.find(group) {
            Some(PeerRef::Chat(id) | PeerRef::Channel(id)) => Ok(state.rooms[&id]
                .pending_requests
                .iter()
                .map(|(u, _)| *u)
                .collect()),
            _ => Err(Error::UnknownAccount(group.to_string())),
        }
    }

    /// Whether `who` is a member of the group or channel `group` (its @username, title or
    /// id).
    pub fn is_member(&self, group: &str, who: &str) -> Result<bool, Error> {
        let state = self.shared.lock();
        let user = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        match state.find(group) {
            Some(PeerRef::Chat(id) | PeerRef::Channel(id)) => {
                Ok(state.rooms[&id].members.contains(&user))
            }
            _ => Err(Error::UnknownAccount(group.to_string())),
        }
    }

    /// Turns bot `who`'s privacy mode in groups on or off, as BotFather's `/setprivacy` does
    /// (see [`Bot::privacy`](crate::Bot::privacy)); it applies to messages sent from now on.
    pub fn set_privacy(&self, who: &str, on: bool) -> Result<(), Error> {
        let mut state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        let account = state.accounts.get_mut(&id).expect("found above");
        if !account.is_bot() {
            return Err(Error::UnknownAccount(format!("{who} (not a bot)")));
        }
        account.privacy = on;
        Ok(())
    }

    /// Forgets the stored updates of `who`: its clients' next `updates.getDifference` gets
    /// `differenceTooLong` (as after a long time offline).
    pub fn forget_updates(&self, who: &str) -> Result<(), Error> {
        let mut state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        let account = state.accounts.get_mut(&id).expect("found above");
        account.log.clear();
        account.log_floor = account.pts;
        Ok(())
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

    /// Waits until clients made at least `count` RPCs named `method` in all (woken by each
    /// RPC, no polling); a [`Error::Timeout`] after `timeout`.
    pub async fn wait_for_rpc(
        &self,
        method: &str,
        count: usize,
        timeout: Duration,
    ) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.rpc_count(method) >= count {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(Error::Timeout(timeout, "an RPC"));
            }
        }
    }

    /// Waits until no connection is logged in as `who` any more (its client quit and the kit
    /// saw the connection close): what it is sent from then on is not pushed, and its next
    /// `updates.getDifference` carries it.
    pub async fn wait_offline(&self, who: &str, timeout: Duration) -> Result<(), Error> {
        let id = self
            .account_id(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let online = {
                let state = self.shared.lock();
                state.conns.values().any(|c| {
                    state
                        .keys
                        .get(&c.key_id)
                        .is_some_and(|k| k.account == Some(id))
                })
            };
            if !online {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(Error::Timeout(
                    timeout,
                    "the account's connections to close",
                ));
            }
        }
    }

    /// Stops listening and closes every connection.
    pub async fn shutdown(self) {
        let task = self
            .accept_task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .split_off(0);
        for task in task {
            task.abort();
            let _ = task.await;
        }
        self.drop_connections();
        if let Some((path, autosave)) = &self.state_file {
            autosave.abort();
            if let Err(error) = self.save_state(path) {
                tracing::warn!(%error, "state not saved");
            }
        }
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

    /// Answers the next `times` calls of `method` with a transient server error (`500
    /// INTERNAL`, `-500 No workers running`, `-503 Timeout`) instead of executing them, as
    /// Telegram does when it is at fault; the client may send the call again.
    pub fn fail_next_transient(&self, method: &str, times: u32, error: TransientError) {
        if times > 0 {
            self.shared.faults.fail_next(method, times, error.fail());
        }
    }

    /// Rotates server salts every `period` instead of Telegram's hour, still accepting the
    /// previous salt for `overlap` (Telegram: 30 minutes) once the next one is current, so a
    /// test sees clients move through salts within seconds. Both are whole seconds;
    /// `overlap` is at most `period`. Clients holding a salt outside the new timing get
    /// `bad_server_salt` on their next message and resend it.
    pub fn rotate_salts(&self, period: Duration, overlap: Duration) -> Result<(), Error> {
        Ok(self.shared.sessions.set_rotation(period, overlap)?)
    }

    /// Waits until the salts current now are refused (the next salt window started and the
    /// overlap passed): a client's next message after this meets a salt rotation. With
    /// [`TestKit::rotate_salts`] this is seconds; with Telegram's timing, up to 90 minutes.
    pub async fn salt_rotation(&self) {
        let expires = self.shared.sessions.current_salts_expire_at();
        let expires = std::time::UNIX_EPOCH + Duration::from_secs(expires.max(0) as u64);
        if let Ok(left) = expires.duration_since(std::time::SystemTime::now()) {
            tokio::time::sleep(left).await;
        }
    }

    /// What the MTProto service layer did so far: salts refused, sessions created, future
    /// salts served.
    pub fn service_stats(&self) -> ServiceStats {
        self.shared.sessions.stats()
    }

    /// Stops (or resumes) pushing updates; they are still stored and reach clients through
    /// `updates.getDifference`.
    pub fn pause_pushes(&self, paused: bool) {
        self.shared.lock().pushes_paused = paused;
    }

    /// Queues the quiet marker `round` ([`crate::quiet`]) on every connection logged in as
    /// `who`, behind everything already queued there. `Ok(false)` when no connection took it
    /// (`who` is offline, or pushes are paused): it will never arrive.
    pub fn push_quiet_marker(&self, who: &str, round: u32) -> Result<bool, Error> {
        let state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        Ok(state.push(id, &crate::tl_build::quiet_marker(round), None))
    }

    /// Skips `skip` pts before the next update of account `who`, so its clients see a gap and
    /// must call `updates.getDifference`.
    pub fn pts_gap(&self, who: &str, skip: i32) -> Result<(), Error> {
        let mut state = self.shared.lock();
        let id = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        state.pts_gaps.insert(id, skip.max(1));
        Ok(())
    }
}

/// Saves the state a moment after it changed, so a crash loses at most that moment.
async fn autosave(shared: Arc<Shared>, path: PathBuf) {
    let mut saved = None;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (fingerprint, bytes) = {
            let state = shared.lock();
            let fingerprint = state.fingerprint();
            if saved == Some(fingerprint) {
                continue;
            }
            (fingerprint, state.snapshot())
        };
        match persist::save(&path, &bytes) {
            Ok(()) => saved = Some(fingerprint),
            Err(error) => tracing::warn!(%error, "state not saved"),
        }
    }
}

impl Drop for TestKit {
    fn drop(&mut self) {
        if let Some((_, autosave)) = &self.state_file {
            autosave.abort();
        }
        for task in self
            .accept_task
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
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

    fn resolve(&self, state: &State, to: &str) -> Result<PeerRef, Error> {
        state
            .find(to)
            .ok_or_else(|| Error::UnknownAccount(to.to_string()))
    }

    /// Runs a world change as this user and wakes everyone waiting on the world.
    fn act<T>(&self, f: impl FnOnce(&mut State) -> Result<T, Error>) -> Result<T, Error> {
        let result = f(&mut self.shared.lock());
        self.shared.changed.notify_waiters();
        result
    }

    /// Sends `text` to `to` (a user, bot, group or channel: @username, title, `+phone` or id).
    /// Like Telegram's apps, it sends no entities: the server finds mentions, links, hashtags
    /// and `/commands` in the text, as it does for every client.
    pub async fn send_text(&self, to: &str, text: &str) -> Result<ObservedMessage, Error> {
        self.send(to, text, None)
    }

    /// Replies to message `reply_to` (an id as this user sees it, e.g. an
    /// [`ObservedMessage::id`]) in the chat `to`.
    pub async fn reply_text(
        &self,
        to: &str,
        reply_to: i32,
        text: &str,
    ) -> Result<ObservedMessage, Error> {
        self.send(to, text, Some(reply_to))
    }

    /// Replies to a message this user received, in its chat.
    pub async fn reply_to(
        &self,
        message: &ObservedMessage,
        text: &str,
    ) -> Result<ObservedMessage, Error> {
        self.act(|state| {
            let draft = Draft {
                text: text.to_string(),
                entities: state.entities_for(self.id, message.peer(), text, Vec::new()),
                reply_to: Some(message.id),
                ..Draft::default()
            };
            let sent = state
                .send(self.id, message.peer(), draft, None)
                .map_err(|e| Error::rpc("reply_to", e))?;
            Ok(ObservedMessage::from_stored(&sent.copy))
        })
    }

    fn send(&self, to: &str, text: &str, reply_to: Option<i32>) -> Result<ObservedMessage, Error> {
        self.act(|state| {
            let to = self.resolve(state, to)?;
            let draft = Draft {
                text: text.to_string(),
                entities: state.entities_for(self.id, to, text, Vec::new()),
                reply_to,
                ..Draft::default()
            };
            let sent = state
                .send(self.id, to, draft, None)
                .map_err(|e| Error::rpc("send_text", e))?;
            Ok(ObservedMessage::from_stored(&sent.copy))
        })
    }

    /// Sends a document (`photo: true` for a photo) with a caption.
    pub async fn send_file(
        &self,
        to: &str,
        name: &str,
        bytes: Vec<u8>,
        photo: bool,
        caption: &str,
    ) -> Result<ObservedMessage, Error> {
        self.act(|state| {
            let to = self.resolve(state, to)?;
            let file = StoredFile {
                id: crate::random::i64().abs(),
                access_hash: crate::random::i64(),
                date: crate::state::now(),
                name: name.to_string(),
                mime_type: if photo {
                    "image/jpeg".into()
                } else {
                    "application/octet-stream".into()
                },
                bytes: Arc::new(bytes),
                dc: state.account(self.id).dc,
            };
            state.files.insert(file.id, file.clone());
            let draft = Draft {
                text: caption.to_string(),
                entities: state.entities_for(self.id, to, caption, Vec::new()),
                media: Some(if photo {
                    Media::Photo(file)
                } else {
                    Media::Document(file)
                }),
                ..Draft::default()
            };
            let sent = state
                .send(self.id, to, draft, None)
                .map_err(|e| Error::rpc("send_file", e))?;
            Ok(ObservedMessage::from_stored(&sent.copy))
        })
    }

    /// Edits the text of a message this user sent.
    pub async fn edit_text(&self, message: &ObservedMessage, text: &str) -> Result<(), Error> {
        self.act(|state| {
            let edit = Edit {
                text: Some(text.to_string()),
                entities: Some(state.entities_for(self.id, message.peer(), text, Vec::new())),
                reply_markup: None,
            };
            state
                .edit(self.id, message.peer(), message.id, edit, None)
                .map_err(|e| Error::rpc("edit_text", e))?;
            Ok(())
        })
    }

    /// Deletes messages (ids as this user sees them) in the chat of `message`, for everyone.
    pub async fn delete(&self, message: &ObservedMessage) -> Result<(), Error> {
        self.act(|state| match message.peer() {
            PeerRef::Channel(channel) => state
                .delete_in_channel(self.id, channel, &[message.id], None)
                .map(drop)
                .map_err(|e| Error::rpc("delete", e)),
            _ => {
                state.delete(self.id, &[message.id], true, None);
                Ok(())
            }
        })
    }

    fn group(&self, state: &State, group: &str) -> Result<PeerRef, Error> {
        match self.resolve(state, group)? {
            PeerRef::User(_) => Err(Error::UnknownAccount(group.to_string())),
            peer => Ok(peer),
        }
    }

    /// Adds `who` to the group or channel `group`, as this member (`messages.addChatUser`,
    /// `channels.inviteToChannel`): `messageActionChatAddUser` in the chat, and the
    /// participant update for the bots that get it (see [`ScriptedUser::join_group`]).
    pub async fn add_to_group(&self, group: &str, who: &str) -> Result<(), Error> {
        self.act(|state| {
            let user = state
                .find_account(who)
                .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
            let peer = self.group(state, group)?;
            state
                .add(self.id, user, peer)
                .map_err(|e| Error::rpc("add_to_group", e))
        })
    }

    /// Joins the group or channel `group` by itself: a public supergroup with
    /// `channels.joinChannel` (`messageActionChatAddUser` naming this user), any other group
    /// through its invite link (`messageActionChatJoinedByLink`). Broadcast channels show no
    /// join message. Bots get a participant update on their `qts`
    /// (`updateChatParticipant` / `updateChannelParticipant`): the joiner if it is a bot,
    /// and the group's admin bots. A group that needs approval
    /// ([`Group::join_requests`](crate::Group::join_requests)) files a join request and
    /// fails with `INVITE_REQUEST_SENT`, as Telegram answers.
    pub async fn join_group(&self, group: &str) -> Result<(), Error> {
        self.act(|state| {
            let peer = self.group(state, group)?;
            state
                .join(self.id, peer)
                .map_err(|e| Error::rpc("join_group", e))
        })
    }

    /// Asks to join `group`, which needs an admin's approval: its admin bots get
    /// `updateBotChatInviteRequester`. Approval (`messages.hideChatJoinRequest`, or
    /// [`ScriptedUser::approve_join_request`]) brings `messageActionChatJoinedByRequest`,
    /// which this user then sees with [`ScriptedUser::next_service_message`].
    pub async fn request_to_join(&self, group: &str) -> Result<(), Error> {
        self.act(|state| {
            let peer = self.group(state, group)?;
            if !state.rooms[&peer.bare_id()].join_requests {
                return Err(Error::World {
                    what: format!(
                        "{group:?} takes members without approval (Group::join_requests)"
                    ),
                });
            }
            state
                .request_join(self.id, peer)
                .map_err(|e| Error::rpc("request_to_join", e))
        })
    }

    /// As an admin of `group`, approves `who`'s join request (what
    /// `messages.hideChatJoinRequest` with `approved` does).
    pub async fn approve_join_request(&self, group: &str, who: &str) -> Result<(), Error> {
        self.hide_join_request(group, who, true)
    }

    /// As an admin of `group`, declines `who`'s join request.
    pub async fn decline_join_request(&self, group: &str, who: &str) -> Result<(), Error> {
        self.hide_join_request(group, who, false)
    }

    fn hide_join_request(&self, group: &str, who: &str, approved: bool) -> Result<(), Error> {
        self.act(|state| {
            let user = state
                .find_account(who)
                .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
            let peer = self.group(state, group)?;
            state
                .hide_request(self.id, peer, user, approved)
                .map(drop)
                .map_err(|e| Error::rpc("hide_join_request", e))
        })
    }

    /// Leaves the group or channel `group` (`messages.deleteChatUser` on oneself, or
    /// `channels.leaveChannel`): `messageActionChatDeleteUser` naming this user (sent before
    /// leaving, so this user's box has it too) and the participant update for bots. Not
    /// being a member is `USER_NOT_PARTICIPANT`, as Telegram answers
    /// `messages.deleteChatUser` (core.telegram.org/method/messages.deleteChatUser).
    /// Messages already in this user's box stay there, as on Telegram.
    pub async fn leave_group(&self, group: &str) -> Result<(), Error> {
        self.act(|state| {
            let peer = self.group(state, group)?;
            state
                .remove(self.id, self.id, peer)
                .map_err(|e| Error::rpc("leave_group", e))
        })
    }

    /// As an admin of `group`, removes `who` (`messages.deleteChatUser`,
    /// `channels.editBanned`): `messageActionChatDeleteUser` from this user naming `who`
    /// (who sees it too), and the participant update for bots (`channelParticipantBanned` in
    /// supergroups). Not an admin: `CHAT_ADMIN_REQUIRED`; the creator: `USER_ADMIN_INVALID`.
    pub async fn kick_from_group(&self, group: &str, who: &str) -> Result<(), Error> {
        self.act(|state| {
            let user = state
                .find_account(who)
                .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
            let peer = self.group(state, group)?;
            state
                .remove(self.id, user, peer)
                .map_err(|e| Error::rpc("kick_from_group", e))
        })
    }

    /// Pins `message` (one this user can see, in a group or channel):
    /// `messageActionPinMessage` whose `reply_to` is the pinned message. Returns the service
    /// message as this user sees it.
    pub async fn pin_message(&self, message: &ObservedMessage) -> Result<ObservedMessage, Error> {
        self.act(|state| {
            let sent = state
                .pin(self.id, message.peer(), message.id, None)
                .map_err(|e| Error::rpc("pin_message", e))?;
            Ok(ObservedMessage::from_stored(&sent.copy))
        })
    }

    /// Renames `group`: `messageActionChatEditTitle`.
    pub async fn set_group_title(&self, group: &str, title: &str) -> Result<(), Error> {
        self.act(|state| {
            let peer = self.group(state, group)?;
            state
                .set_title(self.id, peer, title)
                .map_err(|e| Error::rpc("set_group_title", e))
        })
    }

    /// Gives `group` a new photo: `messageActionChatEditPhoto` (a minimal `photo` object).
    pub async fn set_group_photo(&self, group: &str) -> Result<(), Error> {
        self.act(|state| {
            let peer = self.group(state, group)?;
            state
                .set_photo(self.id, peer)
                .map_err(|e| Error::rpc("set_group_photo", e))
        })
    }

    /// Creates a basic group with `members` (this user is its creator):
    /// `messageActionChatCreate`; bots among the members get `updateChatParticipant`.
    /// Returns its id.
    pub async fn create_group(&self, title: &str, members: &[&str]) -> Result<i64, Error> {
        self.create(crate::state::RoomKind::Group, title, members)
    }

    /// Creates a supergroup with `members`: `messageActionChannelCreate`; bots among the
    /// members get `updateChannelParticipant`. Returns its id.
    pub async fn create_supergroup(&self, title: &str, members: &[&str]) -> Result<i64, Error> {
        self.create(crate::state::RoomKind::Supergroup, title, members)
    }

    fn create(
        &self,
        kind: crate::state::RoomKind,
        title: &str,
        members: &[&str],
    ) -> Result<i64, Error> {
        self.act(|state| {
            let mut ids = Vec::new();
            for who in members {
                ids.push(
                    state
                        .find_account(who)
                        .ok_or_else(|| Error::UnknownAccount(who.to_string()))?,
                );
            }
            state
                .create_with_message(self.id, kind, title, ids)
                .map_err(|e| Error::rpc("create_group", e))
        })
    }

    /// As the creator of basic group `group`, upgrades it to a supergroup
    /// (`messages.migrateChat`): `messageActionChatMigrateTo` in the old group,
    /// `messageActionChannelMigrateFrom` in the new one; the old group is then deactivated
    /// (`chat.migrated_to`) and sending there is `PEER_ID_INVALID`. Returns the
    /// supergroup's id; the title now names the supergroup.
    pub async fn migrate_group(&self, group: &str) -> Result<i64, Error> {
        self.act(|state| {
            let peer = self.group(state, group)?;
            state
                .migrate(self.id, peer)
                .map_err(|e| Error::rpc("migrate_group", e))
        })
    }

    /// Blocks bot `bot` (`contacts.block`; what "Stop bot" does in the apps): the bot gets
    /// `updateBotStopped` with `stopped = true` on its `qts`, and its messages to this user
    /// fail with `403 USER_IS_BLOCKED` until [`ScriptedUser::unblock_bot`].
    pub async fn block_bot(&self, bot: &str) -> Result<(), Error> {
        self.set_bot_stopped(bot, true)
    }

    /// Unblocks bot `bot` (`contacts.unblock`; "Restart bot"): `updateBotStopped` with
    /// `stopped = false`.
    pub async fn unblock_bot(&self, bot: &str) -> Result<(), Error> {
        self.set_bot_stopped(bot, false)
    }

    fn set_bot_stopped(&self, bot: &str, stopped: bool) -> Result<(), Error> {
        self.act(|state| {
            let id = state
                .find_account(bot)
                .filter(|id| state.account(*id).is_bot())
                .ok_or_else(|| Error::UnknownAccount(format!("{bot} (not a bot)")))?;
            state
                .set_bot_stopped(self.id, id, stopped)
                .map_err(|e| Error::rpc("block_bot", e))
        })
    }

    /// Whether `sent`, a message this user sent (as [`ScriptedUser::send_text`] returns it),
    /// reached `who` as an update: `false` when privacy mode kept it from a bot, or `who`
    /// was not in the chat. Answered from what delivery stored (see `delivered.rs`), so after
    /// [`TestKit::forget_updates`] of `who` earlier messages read as not delivered.
    pub fn delivered_to(&self, sent: &ObservedMessage, who: &str) -> Result<bool, Error> {
        let state = self.shared.lock();
        let viewer = state
            .find_account(who)
            .ok_or_else(|| Error::UnknownAccount(who.to_string()))?;
        state
            .delivered_to(self.id, sent.peer(), sent.id, viewer)
            .map_err(|e| Error::rpc("delivered_to", e))
    }

    /// Presses the inline button labelled `button` under `message` and waits for the bot's
    /// answer: up to 10 s ([`Error::Timeout`]), or until the bot can no longer answer (its
    /// answer came after the world's callback deadline: `-503 Timeout`, as Telegram tells
    /// the user's app).
    pub async fn press_button(
        &self,
        message: &ObservedMessage,
        button: &str,
    ) -> Result<CallbackAnswer, Error> {
        let data = message
            .button(button)
            .and_then(|b| b.data.clone())
            .ok_or_else(|| {
                Error::rpc("press_button", RpcFail::bad_request("BUTTON_DATA_INVALID"))
            })?;
        let query_id = self.act(|state| {
            state
                .press_button(self.id, message.peer(), message.id, data)
                .map_err(|e| Error::rpc("press_button", e))
        })?;
        match self
            .shared
            .callback_answer(query_id, BOT_RESPONSE_TIMEOUT)
            .await
        {
            CallbackOutcome::Answered(answer) => Ok(answer),
            CallbackOutcome::Expired => Err(Error::rpc(
                "press_button",
                crate::interactions::callback_timeout(),
            )),
            CallbackOutcome::TimedOut => Err(Error::Timeout(
                BOT_RESPONSE_TIMEOUT,
                "the bot's callback answer",
            )),
        }
    }

    /// Sends an inline query to `bot` and waits for its results (up to 10 s).
    pub async fn inline_query(&self, bot: &str, query: &str) -> Result<InlineResults, Error> {
        let (query_id, bot_id) = self.act(|state| {
            let bot_id = state
                .find_account(bot)
                .ok_or_else(|| Error::UnknownAccount(bot.to_string()))?;
            let query_id = state
                .inline_query(self.id, bot_id, query.to_string())
                .map_err(|e| Error::rpc("inline_query", e))?;
            Ok((query_id, bot_id))
        })?;
        let results = self
            .shared
            .inline_results(query_id, BOT_RESPONSE_TIMEOUT)
            .await
            .ok_or(Error::Timeout(
                BOT_RESPONSE_TIMEOUT,
                "the bot's inline results",
            ))?;
        Ok(InlineResults {
            query_id,
            bot_id,
            results,
        })
    }

    /// Picks result `result_id` of an inline query and sends it into `to`.
    pub async fn send_inline_result(
        &self,
        to: &str,
        results: &InlineResults,
        result_id: &str,
    ) -> Result<ObservedMessage, Error> {
        self.act(|state| {
            let to = self.resolve(state, to)?;
            let sent = state
                .send_inline_result(self.id, to, results.query_id, result_id, None)
                .map_err(|e| Error::rpc("send_inline_result", e))?;
            Ok(ObservedMessage::from_stored(&sent.copy))
        })
    }

    async fn next_from<T>(
        &self,
        timeout: Duration,
        what: &'static str,
        mut take: impl FnMut(&mut crate::state::Observations) -> Option<T>,
    ) -> Result<T, Error> {
        let signal = match self.shared.lock().accounts.get(&self.id) {
            Some(account) => Arc::clone(&account.observed.signal),
            None => return Err(Error::UnknownAccount(self.id.to_string())),
        };
        let wait = async {
            loop {
                let notified = signal.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let found = self
                    .shared
                    .lock()
                    .accounts
                    .get_mut(&self.id)
                    .and_then(|a| take(&mut a.observed));
                if let Some(found) = found {
                    return found;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| Error::Timeout(timeout, what))
    }

    /// Waits up to `timeout` for the next message someone else sent into a chat this user is
    /// in, and takes it from the user's inbox.
    pub async fn next_message(&self, timeout: Duration) -> Result<ObservedMessage, Error> {
        self.next_from(timeout, "the next message", |o| o.messages.pop_front())
            .await
    }

    /// Waits for the next edit someone else made to a message this user can see.
    pub async fn next_edit(&self, timeout: Duration) -> Result<ObservedMessage, Error> {
        self.next_from(timeout, "the next edit", |o| o.edits.pop_front())
            .await
    }

    /// Waits for the next deletion someone else made in a chat this user is in.
    pub async fn next_deletion(&self, timeout: Duration) -> Result<Deletion, Error> {
        self.next_from(timeout, "the next deletion", |o| o.deletions.pop_front())
            .await
    }

    /// Waits for the next service message (a join, leave, pin, title change, ...) in a chat
    /// this user is in, sent by someone else (see [`ObservedMessage::service`]).
    pub async fn next_service_message(&self, timeout: Duration) -> Result<ObservedMessage, Error> {
        self.next_from(timeout, "the next service message", |o| {
            o.services.pop_front()
        })
        .await
    }

    /// Takes every message already in the inbox without waiting.
    pub fn drain_messages(&self) -> Vec<ObservedMessage> {
        self.shared
            .lock()
            .accounts
            .get_mut(&self.id)
            .map(|a| a.observed.messages.drain(..).collect())
            .unwrap_or_default()
    }
}
