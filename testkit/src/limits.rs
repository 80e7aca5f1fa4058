//! Telegram's sending limits: flood waits, slow mode and `PEER_FLOOD`, on by default.
//!
//! What Telegram says (core.telegram.org/bots/faq, "My bot is hitting limits, how do I avoid
//! this?"): "When sending messages inside a particular chat, avoid sending more than one
//! message per second. We may allow short bursts that go over this limit, but eventually
//! you'll begin receiving 429 errors. If you're sending bulk notifications to multiple users,
//! the API will not allow more than 30 messages per second or so. [...] Also note that your
//! bot will not be able to send more than 20 messages per minute to the same group." TDLib's
//! maintainer: "All flood limits are server-side" and they are the same for MTProto clients
//! as for the Bot API (tdlib/td#418). Over MTProto the 429 is `420 FLOOD_WAIT_X`, X the
//! seconds to wait (core.telegram.org/api/errors, "420 FLOOD").
//!
//! The model here: every limit is a **sliding window**, "at most `count` messages in any
//! `per`", counted per sender:
//!
//! | limit | default | source |
//! |---|---|---|
//! | one chat (private chat, group, supergroup, channel) | 3 in any 3 s | the FAQ's "one per second", with "short bursts" of 3: **the burst size is a guess** (Telegram publishes none) |
//! | one group, supergroup or channel | 20 in any 60 s | the FAQ; channels are counted as groups (a guess: the FAQ says "group"; teloxide's `Throttle` assumes 10/min for channels and supergroups, also a guess) |
//! | all chats of one account | 30 in any 1 s | the FAQ's "30 messages per second or so" |
//! | new strangers of a user account (`PEER_FLOOD`) | 5 in any 24 h | a guess from reports: Telethon#4009 got `PEER_FLOOD` after writing to 5 non-contacts 30 s apart; Telegram says the limits "vary" |
//!
//! The same numbers apply to user accounts (Telegram's limits for them are not published;
//! a guess that keeps userbots honest too). A refused message does not count against a
//! window (unknown on Telegram). What counts: every message of `messages.sendMessage`,
//! `messages.sendMedia`, `messages.sendInlineBotResult`, and each message of
//! `messages.forwardMessages` (Telegram counts "messages"; TDLib sends forwards of many
//! messages as one request, and the Bot API's `forwardMessages` is documented as one call,
//! but each copy is a message in the chat). Edits, deletions, callback answers and inline
//! answers are not messages and do not count. A resent request (same `random_id`) is
//! answered from the first delivery and does not count again. The test driver's
//! [`ScriptedUser`](crate::ScriptedUser)s are the world, not clients: they are never limited.
//!
//! X in `FLOOD_WAIT_X` is the whole seconds until the message would be allowed, rounded up,
//! at least 1 (Telegram's waits are whole seconds).
//!
//! **Slow mode** (`channels.toggleSlowMode`, supergroups only): a member who is not an admin
//! may send one message per interval; sooner is `420 SLOWMODE_WAIT_X`, X the seconds left
//! (core.telegram.org/method/messages.sendMessage lists `SLOWMODE_WAIT_%d`; Bot API's
//! `slow_mode_delay`: "the minimum allowed delay between consecutive messages sent by each
//! unprivileged user"). Bots are members like others: an admin bot is exempt.
//!
//! **PEER_FLOOD** (`400`): a user account writing to a stranger (a user, not a bot, who never
//! wrote to it and whom it never wrote to before) for the first time counts one; more than the
//! window allows is refused (core.telegram.org/api/errors: "PEER_FLOOD: The current account is
//! spamreported, you cannot execute this action"; there are no contacts in the testkit, so
//! "who never wrote to it" is what makes a stranger).
//!
//! The limits are lifted with [`World::limits`](crate::World::limits)`(`[`Limits::lifted`]`())`
//! (world file: `limits = "lifted"`), for benchmarks and load tests only; tests shorten the
//! windows instead of waiting for minutes.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::rpc::RpcFail;
use crate::state::{RoomKind, State};
use crate::tl_build::PeerRef;

/// "At most `count` messages in any `per`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Messages allowed in one window (at least 1).
    pub count: u32,
    /// The window's length.
    pub per: Duration,
}

impl Window {
    /// At most `count` messages in any `per` (a `count` of 0 is taken as 1).
    pub fn new(count: u32, per: Duration) -> Self {
        Self {
            count: count.max(1),
            per,
        }
    }
}

/// The sending limits of a testkit (see the [module docs](self) for the model and sources).
///
/// ```
/// use std::time::Duration;
/// use oxygram_testkit::{Limits, World};
///
/// // Telegram's (the default).
/// let strict = World::new().limits(Limits::telegram());
/// // A test that must not wait a minute for the group window: same shape, shorter windows.
/// let quick = World::new().limits(Limits::telegram().group(20, Duration::from_secs(2)));
/// // Benchmarks and load tests only.
/// let lifted = World::new().limits(Limits::lifted());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub(crate) chat: Option<Window>,
    pub(crate) group: Option<Window>,
    pub(crate) overall: Option<Window>,
    pub(crate) strangers: Option<Window>,
}

impl Default for Limits {
    fn default() -> Self {
        Self::telegram()
    }
}

impl Limits {
    /// Telegram's limits, as modelled here: 3 messages in any 3 s per chat, 20 in any minute
    /// per group, supergroup or channel, 30 in any second per account, 5 new strangers in any
    /// 24 h per user account.
    pub fn telegram() -> Self {
        Self {
            chat: Some(Window::new(3, Duration::from_secs(3))),
            group: Some(Window::new(20, Duration::from_secs(60))),
            overall: Some(Window::new(30, Duration::from_secs(1))),
            strangers: Some(Window::new(5, Duration::from_secs(24 * 60 * 60))),
        }
    }

    /// No limits at all (slow mode still applies: it is a group's setting, not a limit of
    /// the server). For benchmarks and load tests, which measure something else.
    pub fn lifted() -> Self {
        Self {
            chat: None,
            group: None,
            overall: None,
            strangers: None,
        }
    }

    /// Whether every limit is lifted.
    pub fn is_lifted(&self) -> bool {
        *self == Self::lifted()
    }

    /// At most `count` messages in any `per` into one chat, from one sender.
    pub fn chat(mut self, count: u32, per: Duration) -> Self {
        self.chat = Some(Window::new(count, per));
        self
    }

    /// At most `count` messages in any `per` into one group, supergroup or channel, from one
    /// sender.
    pub fn group(mut self, count: u32, per: Duration) -> Self {
        self.group = Some(Window::new(count, per));
        self
    }

    /// At most `count` messages in any `per` from one account, all chats together.
    pub fn overall(mut self, count: u32, per: Duration) -> Self {
        self.overall = Some(Window::new(count, per));
        self
    }

    /// At most `count` first messages to strangers in any `per`, per user account.
    pub fn strangers(mut self, count: u32, per: Duration) -> Self {
        self.strangers = Some(Window::new(count, per));
        self
    }
}

/// What a window counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Chat(i64, PeerRef),
    Group(i64, PeerRef),
    Overall(i64),
    Strangers(i64),
}

/// The live counters (inside the world lock).
pub(crate) struct Limiter {
    limits: Limits,
    /// Send times in the current windows, oldest first.
    sent: HashMap<Key, VecDeque<Instant>>,
    /// Slow-mode intervals by supergroup id.
    slow_mode: HashMap<i64, Duration>,
    /// A member's latest message in a slow-mode supergroup.
    last_post: HashMap<(i64, i64), Instant>,
    /// Calls since the last sweep of idle counters.
    calls: u32,
}

/// Counters are swept of expired entries every this many checks, so memory follows the
/// active chats, not every chat ever written to.
const SWEEP_EVERY: u32 = 1024;

impl Limiter {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            sent: HashMap::new(),
            slow_mode: HashMap::new(),
            last_post: HashMap::new(),
            calls: 0,
        }
    }

    pub(crate) fn set_slow_mode(&mut self, room: i64, interval: Option<Duration>) {
        match interval.filter(|d| !d.is_zero()) {
            Some(interval) => self.slow_mode.insert(room, interval),
            None => self.slow_mode.remove(&room),
        };
    }

    fn window(&self, key: &Key) -> Option<Window> {
        match key {
            Key::Chat(..) => self.limits.chat,
            Key::Group(..) => self.limits.group,
            Key::Overall(_) => self.limits.overall,
            Key::Strangers(_) => self.limits.strangers,
        }
    }

    /// How long until `n` more messages fit in the window of `key` (zero: now).
    fn wait(&mut self, key: Key, n: usize, now: Instant) -> Duration {
        let Some(window) = self.window(&key) else {
            return Duration::ZERO;
        };
        let Some(times) = self.sent.get_mut(&key) else {
            return Duration::ZERO;
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window.per)
        {
            times.pop_front();
        }
        let count = window.count as usize;
        if times.len() + n <= count {
            return Duration::ZERO;
        }
        if n > count {
            // More than a whole window at once: allowed once the window is empty.
            return times.back().map_or(Duration::ZERO, |t| {
                (*t + window.per).saturating_duration_since(now)
            });
        }
        // The send fits once enough of the oldest entries left the window.
        let leaving = times.len() + n - count;
        (times[leaving - 1] + window.per).saturating_duration_since(now)
    }

    fn record(&mut self, key: Key, n: usize, now: Instant) {
        if self.window(&key).is_some() {
            let times = self.sent.entry(key).or_default();
            times.extend(std::iter::repeat_n(now, n));
        }
    }

    fn sweep(&mut self, now: Instant) {
        self.calls += 1;
        if self.calls < SWEEP_EVERY {
            return;
        }
        self.calls = 0;
        let limits = self.limits.clone();
        self.sent.retain(|key, times| {
            let per = match key {
                Key::Chat(..) => limits.chat,
                Key::Group(..) => limits.group,
                Key::Overall(_) => limits.overall,
                Key::Strangers(_) => limits.strangers,
            }
            .map_or(Duration::ZERO, |w| w.per);
            times.back().is_some_and(|t| now.duration_since(*t) < per)
        });
        let slow = &self.slow_mode;
        self.last_post.retain(|(room, _), at| {
            slow.get(room)
                .is_some_and(|interval| now.duration_since(*at) < *interval)
        });
    }
}

/// Whole seconds of a wait, rounded up, at least 1 (the X of `FLOOD_WAIT_X`).
fn wait_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

impl State {
    /// Checks that `from` may send `n` messages into `to` now; the error is Telegram's.
    /// Nothing is counted: [`State::count_sent`] does that once the messages are delivered.
    pub(crate) fn check_send_limits(
        &mut self,
        from: i64,
        to: PeerRef,
        n: usize,
    ) -> Result<(), RpcFail> {
        let now = Instant::now();
        self.limiter.sweep(now);
        if let Some(wait) = self.slow_mode_wait(from, to, n, now)? {
            return Err(RpcFail::new(
                420,
                format!("SLOWMODE_WAIT_{}", wait_secs(wait)),
            ));
        }
        let mut wait = Duration::ZERO;
        for key in self.limit_keys(from, to) {
            wait = wait.max(self.limiter.wait(key, n, now));
        }
        if !wait.is_zero() {
            return Err(RpcFail::new(420, format!("FLOOD_WAIT_{}", wait_secs(wait))));
        }
        if self.is_new_stranger(from, to)
            && !self.limiter.wait(Key::Strangers(from), 1, now).is_zero()
        {
            return Err(RpcFail::bad_request("PEER_FLOOD"));
        }
        Ok(())
    }

    /// Counts `n` messages `from` sent into `to` (after [`State::check_send_limits`] passed
    /// and before they are delivered, so a first message to a stranger is still one).
    pub(crate) fn count_sent(&mut self, from: i64, to: PeerRef, n: usize, stranger: bool) {
        let now = Instant::now();
        for key in self.limit_keys(from, to) {
            self.limiter.record(key, n, now);
        }
        if stranger {
            self.limiter.record(Key::Strangers(from), 1, now);
        }
        if let Some(room) = self.slow_mode_room(from, to) {
            self.limiter.last_post.insert((room, from), now);
        }
    }

    /// Whether a message from `from` into `to` would start a conversation with a stranger:
    /// `from` is a user account, `to` a user (not a bot, not `from`) who never wrote to
    /// `from` and whom `from` never wrote to.
    pub(crate) fn is_new_stranger(&self, from: i64, to: PeerRef) -> bool {
        let PeerRef::User(user) = to else {
            return false;
        };
        if user == from
            || self.account(from).is_bot()
            || self.accounts.get(&user).is_none_or(|a| a.is_bot())
        {
            return false;
        }
        !self
            .account(from)
            .messages
            .values()
            .any(|m| m.peer == PeerRef::User(user))
    }

    fn limit_keys(&self, from: i64, to: PeerRef) -> Vec<Key> {
        let mut keys = vec![Key::Overall(from), Key::Chat(from, to)];
        if !matches!(to, PeerRef::User(_)) {
            keys.push(Key::Group(from, to));
        }
        keys
    }

    /// The supergroup whose slow mode applies to `from` writing into `to`, if any.
    fn slow_mode_room(&self, from: i64, to: PeerRef) -> Option<i64> {
        let PeerRef::Channel(id) = to else {
            return None;
        };
        self.limiter.slow_mode.get(&id)?;
        let room = self.rooms.get(&id)?;
        let privileged = room.creator == from || room.admins.contains(&from);
        (!privileged).then_some(id)
    }

    fn slow_mode_wait(
        &self,
        from: i64,
        to: PeerRef,
        n: usize,
        now: Instant,
    ) -> Result<Option<Duration>, RpcFail> {
        let Some(room) = self.slow_mode_room(from, to) else {
            return Ok(None);
        };
        if n > 1 {
            // Several messages at once are one message too many: Telegram refuses albums and
            // multi-message forwards in slow mode (`SLOWMODE_MULTI_MSGS_DISABLED`, listed for
            // messages.forwardMessages and messages.sendMultiMedia).
            return Err(RpcFail::bad_request("SLOWMODE_MULTI_MSGS_DISABLED"));
        }
        let interval = self.limiter.slow_mode[&room];
        Ok(self
            .limiter
            .last_post
            .get(&(room, from))
            .map(|at| (*at + interval).saturating_duration_since(now))
            .filter(|wait| !wait.is_zero()))
    }
}

/// Checks the world's slow-mode settings: supergroups only, as on Telegram
/// (`channels.toggleSlowMode` takes a channel; a basic group is migrated first).
pub(crate) fn check_slow_mode(kind: RoomKind, title: &str) -> Result<(), Error> {
    if kind == RoomKind::Supergroup {
        Ok(())
    } else {
        Err(Error::World {
            what: format!("slow mode is a supergroup setting; {title:?} is not a supergroup"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_waits_for_its_oldest_entry() {
        let mut limiter = Limiter::new(Limits::lifted().overall(2, Duration::from_secs(10)));
        let start = Instant::now();
        let key = Key::Overall(1);
        assert_eq!(limiter.wait(key, 1, start), Duration::ZERO);
        limiter.record(key, 1, start);
        limiter.record(key, 1, start + Duration::from_secs(4));
        let now = start + Duration::from_secs(5);
        assert_eq!(limiter.wait(key, 1, now), Duration::from_secs(5));
        assert_eq!(limiter.wait(key, 2, now), Duration::from_secs(9));
        assert_eq!(
            limiter.wait(key, 1, start + Duration::from_secs(10)),
            Duration::ZERO
        );
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(wait_secs(Duration::from_millis(1)), 1);
        assert_eq!(wait_secs(Duration::from_millis(1001)), 2);
        assert_eq!(wait_secs(Duration::from_secs(3)), 3);
    }
}
