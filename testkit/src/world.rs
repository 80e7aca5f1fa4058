//! The world a testkit starts with: apps, bots and users, built in Rust.
//!
//! A [`World`] is only a description; [`TestKit::start`](crate::TestKit::start) turns it into
//! live server state (ids, access hashes, 2FA verifiers). Secrets given here (bot tokens,
//! passwords) are never printed by `Debug`.

use std::fmt;
use std::time::Duration;

use crate::limits::Limits;
use crate::state::RoomKind;

/// Everything the local Telegram knows when it starts.
///
/// ```
/// use oxygram_testkit::{Bot, User, World};
///
/// let world = World::new()
///     .app(12345, "0123456789abcdef0123456789abcdef")
///     .bot(Bot::new("123456:TESTTOKEN").username("echo_bot").name("Echo"))
///     .user(User::new("+15550001").first_name("Alice").username("alice"));
/// ```
#[derive(Debug, Default, Clone)]
pub struct World {
    pub(crate) apps: Vec<App>,
    pub(crate) bots: Vec<Bot>,
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    pub(crate) login_code: Option<String>,
    pub(crate) callback_deadline: Option<Duration>,
    pub(crate) limits: Limits,
    /// See [`World::channel_box_limit`].
    pub(crate) channel_box_limit: Option<usize>,
    /// See [`World::data_centre`].
    pub(crate) extra_dcs: Vec<i32>,
}

impl World {
    /// An empty world: no apps (so any api_id is accepted), no accounts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers an application. Once any app is listed, connections and logins with other
    /// api_id/api_hash pairs get `API_ID_INVALID`.
    pub fn app(mut self, api_id: i32, api_hash: impl Into<String>) -> Self {
        self.apps.push(App {
            api_id,
            api_hash: api_hash.into(),
        });
        self
    }

    /// Adds a bot account.
    pub fn bot(mut self, bot: Bot) -> Self {
        self.bots.push(bot);
        self
    }

    /// Adds a user account.
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// Adds a basic group (members' messages live in each member's own box).
    pub fn group(mut self, group: Group) -> Self {
        self.groups.push(group.kind(RoomKind::Group));
        self
    }

    /// Adds a supergroup (one shared box with its own message ids and pts).
    pub fn supergroup(mut self, group: Group) -> Self {
        self.groups.push(group.kind(RoomKind::Supergroup));
        self
    }

    /// Adds a broadcast channel: only its creator (first member) posts.
    pub fn channel(mut self, group: Group) -> Self {
        self.groups.push(group.kind(RoomKind::Broadcast));
        self
    }

    /// Makes every login code this code instead of a random 5-digit one.
    pub fn login_code(mut self, code: impl Into<String>) -> Self {
        self.login_code = Some(code.into());
        self
    }

    /// How long a bot has to answer a callback query (a button press) before
    /// `messages.setBotCallbackAnswer` fails with `QUERY_ID_INVALID`. The default is
    /// Telegram's, about 15 seconds; tests shorten it (`Duration::ZERO`: every answer is late).
    pub fn callback_answer_deadline(mut self, deadline: Duration) -> Self {
        self.callback_deadline = Some(deadline);
        self
    }

    /// Telegram's sending limits (flood waits, `PEER_FLOOD`): [`Limits::telegram`] unless
    /// set. [`Limits::lifted`] is for benchmarks and load tests only; tests that must not
    /// wait for Telegram's windows shorten them (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Lifts every sending limit: `limits(Limits::lifted())`.
    pub fn without_limits(self) -> Self {
        self.limits(Limits::lifted())
    }

    /// The most updates a channel's `updates.getChannelDifference` returns before it answers
    /// `updates.channelDifferenceTooLong`, whatever the request's `limit`. The default is
    /// Telegram's documented server-side cap, 100000 (core.telegram.org/method/
    /// updates.getChannelDifference: "limit: How many updates to fetch, max 100000"; TDLib's
    /// `MAX_BOT_CHANNEL_DIFFERENCE = 100000; // server side limit`). Tests lower it to see a
    /// bot (which asks for 100000) get the too-long answer without 100000 posts.
    pub fn channel_box_limit(mut self, limit: usize) -> Self {
        self.channel_box_limit = Some(limit.max(1));
        self
    }

    /// Runs one more data centre (besides [`crate::HOME_DC`] and those users live on), with
    /// its own listener. Ids outside 1..=5 are ignored (Telegram's production DCs).
    pub fn data_centre(mut self, dc: i32) -> Self {
        if (1..=5).contains(&dc) && !self.extra_dcs.contains(&dc) {
            self.extra_dcs.push(dc);
        }
        self
    }

    /// Every data centre the kit runs: [`crate::HOME_DC`] first, then the others in order.
    pub(crate) fn dcs(&self) -> Vec<i32> {
        let mut dcs = vec![crate::HOME_DC];
        for dc in self
            .extra_dcs
            .iter()
            .copied()
            .chain(self.users.iter().filter_map(|u| u.dc))
        {
            if !dcs.contains(&dc) {
                dcs.push(dc);
            }
        }
        dcs[1..].sort_unstable();
        dcs
    }
}

/// An application allowed to connect (`api_id` and `api_hash` from my.telegram.org).
#[derive(Clone)]
pub struct App {
    pub(crate) api_id: i32,
    pub(crate) api_hash: String,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("api_id", &self.api_id)
            .field("api_hash", &"[REDACTED]")
            .finish()
    }
}

/// A bot account, logged in with its token.
#[derive(Clone)]
pub struct Bot {
    pub(crate) token: String,
    pub(crate) username: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) privacy: bool,
}

impl fmt::Debug for Bot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bot")
            .field("token", &"[REDACTED]")
            .field("username", &self.username)
            .field("name", &self.name)
            .field("privacy", &self.privacy)
            .finish()
    }
}

impl Bot {
    /// A bot with a token like Telegram's (`<bot id>:<secret>`); the id before the colon
    /// becomes the bot's user id, as on Telegram.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            username: None,
            name: None,
            privacy: true,
        }
    }

    /// Privacy mode in groups (BotFather's `/setprivacy`; on by default, as on Telegram).
    ///
    /// With privacy on, a bot that is not an admin of a group receives there only commands
    /// meant for it, replies to its messages, messages that mention it or were sent via it,
    /// and service messages (core.telegram.org/bots/features#privacy-mode). With it off, it
    /// receives every message. Either way it never sees other bots' messages
    /// (core.telegram.org/bots/faq, "Why doesn't my bot see messages from other bots?").
    pub fn privacy(mut self, on: bool) -> Self {
        self.privacy = on;
        self
    }

    /// The bot's @username (without the `@`).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The bot's display name (its first name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A user account, logged in with a phone number, a login code and maybe a 2FA password.
#[derive(Clone)]
pub struct User {
    pub(crate) phone: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) hint: Option<String>,
    pub(crate) dc: Option<i32>,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("phone", &self.phone)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("hint", &self.hint)
            .field("dc", &self.dc)
            .finish()
    }
}

impl User {
    /// A user with this phone number (`+` and digits; spaces are ignored).
    pub fn new(phone: impl Into<String>) -> Self {
        Self {
            phone: phone.into(),
            first_name: None,
            last_name: None,
            username: None,
            password: None,
            hint: None,
            dc: None,
        }
    }

    /// The first name.
    pub fn first_name(mut self, name: impl Into<String>) -> Self {
        self.first_name = Some(name.into());
        self
    }

    /// The last name.
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = Some(name.into());
        self
    }

    /// The @username (without the `@`).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Enables two-step verification with this password (checked with real SRP).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The password hint shown at login.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The data centre the account lives on (default [`crate::HOME_DC`]); the kit runs it.
    /// Logging in on another DC gets `303 PHONE_MIGRATE_<dc>` at `auth.sendCode`, as
    /// Telegram answers for a number registered elsewhere, and the files the user uploads
    /// are stored there (`303 FILE_MIGRATE_<dc>` elsewhere). Ids outside 1..=5 are ignored.
    pub fn dc(mut self, dc: i32) -> Self {
        self.dc = Some(dc).filter(|dc| (1..=5).contains(dc));
        self
    }
}

/// A group or channel: a title, an optional @username and members (the first one creates it).
#[derive(Debug, Clone)]
pub struct Group {
    pub(crate) title: String,
    pub(crate) username: Option<String>,
    pub(crate) members: Vec<String>,
    pub(crate) admins: Vec<String>,
    pub(crate) kind: RoomKind,
    pub(crate) join_requests: bool,
    pub(crate) slow_mode: Option<Duration>,
}

impl Group {
    /// A group with this title and no members yet.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            username: None,
            members: Vec::new(),
            admins: Vec::new(),
            kind: RoomKind::Group,
            join_requests: false,
            slow_mode: None,
        }
    }

    /// The public @username (supergroups and channels).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Adds members by username, `+phone` or id; the first member is the creator.
    pub fn members<I, S>(mut self, members: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.members.extend(members.into_iter().map(Into::into));
        self
    }

    /// Makes these members admins (by username, `+phone` or id; also added as members). A bot
    /// that is an admin receives every message, privacy mode or not.
    pub fn admins<I, S>(mut self, admins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for admin in admins {
            let admin = admin.into();
            if !self.members.contains(&admin) {
                self.members.push(admin.clone());
            }
            self.admins.push(admin);
        }
        self
    }

    /// Joining needs an admin's approval, as with an invite link that has "Request admin
    /// approval" on: [`ScriptedUser::request_to_join`](crate::ScriptedUser::request_to_join)
    /// then files a request (admin bots get `updateBotChatInviteRequester`) instead of
    /// joining, and [`ScriptedUser::join_group`](crate::ScriptedUser::join_group) fails with
    /// `INVITE_REQUEST_SENT`, as `messages.importChatInvite` does on Telegram.
    pub fn join_requests(mut self, on: bool) -> Self {
        self.join_requests = on;
        self
    }

    /// Slow mode (supergroups only, as on Telegram): a member who is not an admin may send
    /// one message per `interval`; sooner is `420 SLOWMODE_WAIT_X`. Telegram offers 10 s,
    /// 30 s, 1, 5, 15 min and 1 h; any interval works here, so tests stay short.
    pub fn slow_mode(mut self, interval: Duration) -> Self {
        self.slow_mode = Some(interval);
        self
    }

    fn kind(mut self, kind: RoomKind) -> Self {
        self.kind = kind;
        self
    }
}

/// Normalises a phone number to its digits (`+1 555 0001` → `15550001`).
pub(crate) fn phone_digits(phone: &str) -> Option<String> {
    let trimmed: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let digits = trimmed.strip_prefix('+').unwrap_or(&trimmed);
    (digits.len() >= 5 && digits.len() <= 15 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.to_string())
}
