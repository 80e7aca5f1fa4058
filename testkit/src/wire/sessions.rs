//! MTProto sessions as the server keeps them: which (auth key, session id) pairs it has seen,
//! and whether a message's salt lets it in.
//!
//! Every decrypted client message passes [`Sessions::admit`] before anything in it is
//! answered, which is what Telegram does:
//! - A wrong salt (the 0 a fresh connection starts with, or one that expired) rejects the
//!   whole message with `bad_server_salt` carrying the current salt; nothing in it is
//!   executed, and the client resends it (grammers `Sender::process_bad_message` marks the
//!   request for resending, matching the container's id too; Telethon
//!   `MTProtoSender._handle_bad_server_salt`; Pyrogram `Session.send`).
//! - The first accepted message of a session id the server does not know creates the session
//!   and is preceded by `new_session_created { first_msg_id, unique_id, server_salt }`.
//!   `first_msg_id` is the lowest message id of that first message (a container's own id is
//!   above those of its contents): TDLib resends everything older than it
//!   (`td/mtproto/SessionConnection.cpp`, "Causes all older than first_msg_id to be re-sent").
//!
//! Telegram forgets idle sessions ("the server may unilaterally destroy (close) any existing
//! client sessions ... if the session is inactive for a long time", core.telegram.org/mtproto/
//! service_messages); the testkit keeps at most [`MAX_SESSIONS`], forgetting the least
//! recently used, so a long `serve` with reconnecting clients does not grow without bound.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::salts::{FutureSalt, SaltSchedule, SaltScheduleError};

/// How many sessions the server remembers before forgetting the least recently used one.
pub const MAX_SESSIONS: usize = 4096;

/// What the service layer did so far (for tests to check that it happened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceStats {
    /// `bad_server_salt` notifications sent (messages rejected for their salt).
    pub bad_server_salts: u64,
    /// `new_session_created` notifications sent.
    pub sessions_created: u64,
    /// `future_salts` answers sent.
    pub future_salts: u64,
}

/// How a message was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Process it; when `created` is set, send `new_session_created` first.
    Accepted {
        /// The session this message created, if it did.
        created: Option<NewSession>,
    },
    /// Reject it with `bad_server_salt` carrying `new_salt`.
    BadSalt {
        /// The salt to use from now on.
        new_salt: i64,
    },
}

/// The fields of `new_session_created`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSession {
    /// The lowest message id of the message that created the session.
    pub first_msg_id: i64,
    /// A random id the server gives each session it creates.
    pub unique_id: i64,
    /// The salt to use.
    pub server_salt: i64,
}

struct Known {
    last_used: Instant,
}

struct Inner {
    schedule: SaltSchedule,
    sessions: HashMap<(i64, i64), Known>,
    stats: ServiceStats,
}

/// The server's sessions and salts, shared by all connections.
pub struct Sessions {
    inner: Mutex<Inner>,
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                schedule: SaltSchedule::default(),
                sessions: HashMap::new(),
                stats: ServiceStats::default(),
            }),
        }
    }
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Sessions")
            .field("schedule", &inner.schedule)
            .field("sessions", &inner.sessions.len())
            .field("stats", &inner.stats)
            .finish()
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Nothing in here can be left half-updated by a panic; keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Decides on one client message of session `session_id` under `key_id`, which carried
    /// `salt` and whose lowest message id is `first_msg_id`.
    pub fn admit(&self, key_id: i64, session_id: i64, salt: i64, first_msg_id: i64) -> Admission {
        self.admit_at(
            key_id,
            session_id,
            salt,
            first_msg_id,
            SaltSchedule::unix_now(),
        )
    }

    fn admit_at(
        &self,
        key_id: i64,
        session_id: i64,
        salt: i64,
        first_msg_id: i64,
        now: i64,
    ) -> Admission {
        let mut inner = self.lock();
        if !inner.schedule.accepts(key_id, salt, now) {
            inner.stats.bad_server_salts += 1;
            return Admission::BadSalt {
                new_salt: inner.schedule.current(key_id, now),
            };
        }
        let at = Instant::now();
        if let Some(known) = inner.sessions.get_mut(&(key_id, session_id)) {
            known.last_used = at;
            return Admission::Accepted { created: None };
        }
        if inner.sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = inner
                .sessions
                .iter()
                .min_by_key(|(_, known)| known.last_used)
                .map(|(id, _)| *id)
        {
            inner.sessions.remove(&oldest);
        }
        inner
            .sessions
            .insert((key_id, session_id), Known { last_used: at });
        inner.stats.sessions_created += 1;
        Admission::Accepted {
            created: Some(NewSession {
                first_msg_id,
                unique_id: crate::random::i64(),
                server_salt: inner.schedule.current(key_id, now),
            }),
        }
    }

    /// The salt the server puts in its own messages to `key_id` now.
    pub fn current_salt(&self, key_id: i64) -> i64 {
        self.lock()
            .schedule
            .current(key_id, SaltSchedule::unix_now())
    }

    /// The Unix time from which the salts current now are refused.
    pub fn current_salts_expire_at(&self) -> i64 {
        self.lock()
            .schedule
            .current_expires_at(SaltSchedule::unix_now())
    }

    /// The answer to `get_future_salts num` for `key_id`: the server's `now` and the salts.
    pub fn future_salts(&self, key_id: i64, num: i32) -> (i32, Vec<FutureSalt>) {
        let now = SaltSchedule::unix_now();
        let mut inner = self.lock();
        inner.stats.future_salts += 1;
        let salts = inner.schedule.future(key_id, now, num);
        (now.clamp(0, i64::from(i32::MAX)) as i32, salts)
    }

    /// Forgets a session (`destroy_session`); whether it was known.
    pub fn destroy(&self, key_id: i64, session_id: i64) -> bool {
        self.lock().sessions.remove(&(key_id, session_id)).is_some()
    }

    /// Rotates salts every `period`, accepting the previous one for `overlap` (Telegram: one
    /// hour and 30 minutes). The salts stay the same sequence, so clients notice only when
    /// their salt falls out of the new timing.
    pub fn set_rotation(
        &self,
        period: Duration,
        overlap: Duration,
    ) -> Result<(), SaltScheduleError> {
        let mut inner = self.lock();
        inner.schedule = inner.schedule.with_timing(period, overlap)?;
        Ok(())
    }

    /// What the service layer did so far.
    pub fn stats(&self) -> ServiceStats {
        self.lock().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_new_session_is_told_its_salt_first_then_created_once() {
        let sessions = Sessions::default();
        let Admission::BadSalt { new_salt } = sessions.admit_at(1, 10, 0, 100, NOW) else {
            panic!("salt 0 must be refused");
        };
        assert_eq!(
            sessions.stats().sessions_created,
            0,
            "a refused message creates nothing"
        );
        let Admission::Accepted {
            created: Some(created),
        } = sessions.admit_at(1, 10, new_salt, 104, NOW)
        else {
            panic!("the resent message creates the session");
        };
        assert_eq!(created.first_msg_id, 104);
        assert_eq!(created.server_salt, new_salt);
        assert_eq!(
            sessions.admit_at(1, 10, new_salt, 108, NOW),
            Admission::Accepted { created: None }
        );
        // Another session of the same key shares the salt but is created anew.
        assert!(matches!(
            sessions.admit_at(1, 11, new_salt, 200, NOW),
            Admission::Accepted { created: Some(_) }
        ));
        let stats = sessions.stats();
        assert_eq!((stats.bad_server_salts, stats.sessions_created), (1, 2));
    }

    #[test]
    fn destroyed_sessions_are_created_again() {
        let sessions = Sessions::default();
        let salt = sessions.lock().schedule.current(1, NOW);
        sessions.admit_at(1, 10, salt, 1, NOW);
        assert!(sessions.destroy(1, 10));
        assert!(!sessions.destroy(1, 10));
        assert!(matches!(
            sessions.admit_at(1, 10, salt, 2, NOW),
            Admission::Accepted { created: Some(_) }
        ));
    }

    #[test]
    fn the_oldest_session_is_forgotten_past_the_bound() {
        let sessions = Sessions::default();
        let salt = sessions.lock().schedule.current(1, NOW);
        for id in 0..MAX_SESSIONS as i64 + 1 {
            sessions.admit_at(1, id, salt, 1, NOW);
        }
        assert_eq!(sessions.lock().sessions.len(), MAX_SESSIONS);
        assert!(!sessions.lock().sessions.contains_key(&(1, 0)));
    }
}
