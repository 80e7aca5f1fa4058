//! Server salts: the 64-bit value every client message must carry, and how it rotates.
//!
//! What Telegram does, and so what the testkit does:
//! - A salt belongs to the auth key, not to one session: "Having stored them in persistent
//!   memory, the client may use them to send messages in the future even if he changes
//!   sessions (a server salt is attached to the Authorization Key rather than being
//!   session-specific)" (core.telegram.org/mtproto/service_messages, "Request for several
//!   future salts"). TDLib shares one list of future salts between all the sessions of a key
//!   (`td/telegram/net/AuthDataShared.h`, `set_future_salts` / `get_future_salts`). So the
//!   testkit keeps salts per auth key, and sessions (`new_session_created`) per key and
//!   session id (see [`super::sessions`]).
//! - Salts follow each other in windows: `future_salt valid_since valid_until salt`, about an
//!   hour each. A client moves to the next salt once its window has started (grammers waits
//!   `SALT_USE_DELAY` = 60 s past `valid_since`, `grammers-mtproto` `mtp/encrypted.rs` `push`).
//! - The previous salt is still accepted for a while: "messages with the old salt are still
//!   accepted for a further 1800 seconds" (core.telegram.org/mtproto/description, "Server
//!   Salt"). Anything else, including the 0 every client starts a connection with
//!   (grammers `Encrypted::build`, Telethon `MTProtoState.salt = 0`, Pyrogram
//!   `Session.salt = 0`), is answered with `bad_server_salt` carrying the current salt.
//!
//! Salts are derived, not stored: `SHA-256(seed ‖ key id ‖ window index)`, with a random seed
//! per testkit, so any number of keys and windows cost nothing and every key gets its own
//! sequence. A testkit restart draws a new seed, so clients meet one `bad_server_salt` after
//! it (as after any salt they no longer hold).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// Telegram's salt window: one hour.
pub const TELEGRAM_SALT_PERIOD: Duration = Duration::from_secs(3600);

/// How long Telegram still accepts the previous salt once the next window started.
pub const TELEGRAM_SALT_OVERLAP: Duration = Duration::from_secs(1800);

/// Telegram returns at most 64 future salts (`get_future_salts`: "between 1 and 64").
pub const MAX_FUTURE_SALTS: i32 = 64;

/// One salt and the window in which it is the current one (`future_salt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FutureSalt {
    /// Unix time the salt becomes current.
    pub valid_since: i32,
    /// Unix time the next salt becomes current (this one is accepted for the overlap longer).
    pub valid_until: i32,
    /// The salt.
    pub salt: i64,
}

/// Why a salt schedule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaltScheduleError {
    /// The period is not a whole number of seconds of at least one.
    #[error("the salt period must be a whole number of seconds, at least 1 (got {0:?})")]
    BadPeriod(Duration),
    /// The overlap is not whole seconds, or longer than the period.
    #[error(
        "the salt overlap must be whole seconds and at most the period {period:?} (got {overlap:?})"
    )]
    BadOverlap {
        /// The period it was checked against.
        period: Duration,
        /// The overlap given.
        overlap: Duration,
    },
}

/// The salts of every auth key: windows of `period`, the previous salt accepted for `overlap`.
#[derive(Clone)]
pub struct SaltSchedule {
    seed: [u8; 32],
    period: i64,
    overlap: i64,
}

impl std::fmt::Debug for SaltSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The seed decides every salt: keep it out of logs like key material.
        f.debug_struct("SaltSchedule")
            .field("period", &self.period)
            .field("overlap", &self.overlap)
            .finish_non_exhaustive()
    }
}

impl Default for SaltSchedule {
    fn default() -> Self {
        Self::new(TELEGRAM_SALT_PERIOD, TELEGRAM_SALT_OVERLAP)
            .expect("Telegram's own schedule is valid")
    }
}

impl SaltSchedule {
    /// A schedule with a fresh random seed. Both durations are whole seconds (salt windows
    /// are `int` Unix times on the wire); `overlap` is at most `period`.
    pub fn new(period: Duration, overlap: Duration) -> Result<Self, SaltScheduleError> {
        let whole = |d: Duration| d.subsec_nanos() == 0;
        if !whole(period) || period.as_secs() == 0 || period.as_secs() > i32::MAX as u64 {
            return Err(SaltScheduleError::BadPeriod(period));
        }
        if !whole(overlap) || overlap > period {
            return Err(SaltScheduleError::BadOverlap { period, overlap });
        }
        let mut seed = [0u8; 32];
        crate::random::fill(&mut seed);
        Ok(Self {
            seed,
            period: period.as_secs() as i64,
            overlap: overlap.as_secs() as i64,
        })
    }

    /// The same salts (same seed) on another period and overlap.
    pub fn with_timing(
        &self,
        period: Duration,
        overlap: Duration,
    ) -> Result<Self, SaltScheduleError> {
        let mut next = Self::new(period, overlap)?;
        next.seed = self.seed;
        Ok(next)
    }

    /// The current Unix time in seconds.
    pub fn unix_now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    fn window(&self, now: i64) -> i64 {
        now.div_euclid(self.period)
    }

    /// The salt of window `index` for the key `key_id`; never 0 (0 is what a client holds
    /// before it was told any salt, and grammers treats it as "no salt yet").
    fn salt_of(&self, key_id: i64, index: i64) -> i64 {
        let digest = Sha256::new()
            .chain_update(self.seed)
            .chain_update(key_id.to_le_bytes())
            .chain_update(index.to_le_bytes())
            .finalize();
        let salt = i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"));
        if salt == 0 { 1 } else { salt }
    }

    /// The salt a client of `key_id` should use at `now`.
    pub fn current(&self, key_id: i64, now: i64) -> i64 {
        self.salt_of(key_id, self.window(now))
    }

    /// Whether a message of `key_id` carrying `salt` at `now` is accepted: the current salt,
    /// or the previous one within the overlap.
    pub fn accepts(&self, key_id: i64, salt: i64, now: i64) -> bool {
        let index = self.window(now);
        if salt == self.salt_of(key_id, index) {
            return true;
        }
        let into_window = now - index * self.period;
        into_window < self.overlap && salt == self.salt_of(key_id, index - 1)
    }

    /// The Unix time from which the salt current at `now` is refused: the next window has
    /// started and the overlap passed.
    pub fn current_expires_at(&self, now: i64) -> i64 {
        (self.window(now) + 1) * self.period + self.overlap
    }

    /// The answer to `get_future_salts num`: the current salt and the ones after it,
    /// `num` clamped to 1..=64 as Telegram does.
    pub fn future(&self, key_id: i64, now: i64, num: i32) -> Vec<FutureSalt> {
        let first = self.window(now);
        (0..i64::from(num.clamp(1, MAX_FUTURE_SALTS)))
            .map(|i| {
                let index = first + i;
                let since = index * self.period;
                FutureSalt {
                    valid_since: clamp_i32(since),
                    valid_until: clamp_i32(since + self.period),
                    salt: self.salt_of(key_id, index),
                }
            })
            .collect()
    }
}

fn clamp_i32(value: i64) -> i32 {
    value.clamp(0, i64::from(i32::MAX)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(period: u64, overlap: u64) -> SaltSchedule {
        SaltSchedule::new(Duration::from_secs(period), Duration::from_secs(overlap)).unwrap()
    }

    #[test]
    fn the_current_salt_is_accepted_zero_and_strangers_are_not() {
        let s = schedule(3600, 1800);
        let now = 1_800_000_000;
        let salt = s.current(7, now);
        assert_ne!(salt, 0);
        assert!(s.accepts(7, salt, now));
        assert!(!s.accepts(7, 0, now));
        assert!(!s.accepts(8, salt, now), "another key has its own salts");
    }

    #[test]
    fn the_previous_salt_is_accepted_for_the_overlap_only() {
        let s = schedule(10, 4);
        let start = 1_800_000_000 / 10 * 10; // a window boundary
        let old = s.current(1, start - 1);
        let new = s.current(1, start);
        assert_ne!(old, new);
        assert!(s.accepts(1, old, start + 3));
        assert!(!s.accepts(1, old, start + 4));
        assert!(s.accepts(1, new, start + 9));
        assert!(
            !s.accepts(1, s.current(1, start + 10), start + 9),
            "not a future salt"
        );
    }

    #[test]
    fn future_salts_are_distinct_consecutive_windows_starting_now() {
        let s = schedule(3600, 1800);
        let now = 1_800_000_123;
        let salts = s.future(5, now, 3);
        assert_eq!(salts.len(), 3);
        assert_eq!(salts[0].salt, s.current(5, now));
        assert!(salts[0].valid_since <= now as i32 && (now as i32) < salts[0].valid_until);
        for pair in salts.windows(2) {
            assert_eq!(pair[0].valid_until, pair[1].valid_since);
            assert_eq!(pair[1].valid_until - pair[1].valid_since, 3600);
            assert_ne!(pair[0].salt, pair[1].salt);
        }
        assert_eq!(s.future(5, now, 1000).len(), 64);
        assert_eq!(s.future(5, now, -3).len(), 1);
    }

    #[test]
    fn bad_timings_are_typed_errors() {
        assert_eq!(
            SaltSchedule::new(Duration::ZERO, Duration::ZERO).unwrap_err(),
            SaltScheduleError::BadPeriod(Duration::ZERO)
        );
        assert!(matches!(
            SaltSchedule::new(Duration::from_millis(1500), Duration::ZERO),
            Err(SaltScheduleError::BadPeriod(_))
        ));
        assert!(matches!(
            SaltSchedule::new(Duration::from_secs(2), Duration::from_secs(3)),
            Err(SaltScheduleError::BadOverlap { .. })
        ));
    }
}
