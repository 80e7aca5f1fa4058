//! The live world: accounts, their message boxes and update logs, auth keys and connections.
//!
//! Everything sits behind one mutex ([`Shared::state`]): RPCs are short, and one lock makes
//! every delivery atomic (a message lands in both boxes, both update logs and the push queues
//! at once), which is exactly what tests need to reason about ordering.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use grammers_tl_types as tl;
use grammers_tl_types::Serializable;
use tokio::sync::{Notify, mpsc};

use crate::error::Error;
use crate::observed::{
    BotCommand, CallbackAnswer, Deletion, InlineResult, ObservedMessage, RpcCall,
};
use crate::srp::{Challenge, Verifier};
use crate::tl_build::{self, PeerRef};
use crate::wire::crypto::AuthKey;
use crate::world::{World, phone_digits};

/// Update state numbers start here: pts 0 means "no state" to clients, which disables catch-up.
pub(crate) const INITIAL_PTS: i32 = 100;

/// The first user's id: above 2^32, as new Telegram accounts' are.
const FIRST_USER_ID: i64 = 6_000_000_001;
/// Basic groups' and channels' ids start after these, also beyond 32 bits (TDLib allows chat
/// ids up to 10^12 - 1 and channel ids up to 10^12 - 2^31: `ChatId::MAX_CHAT_ID`,
/// `ChannelId::MAX_CHANNEL_ID`).
const GROUP_ID_BASE: i64 = 4_500_000_000;
const CHANNEL_ID_BASE: i64 = 5_500_000_000;

/// Seconds since the Unix epoch, as TL dates.
pub(crate) fn now() -> i32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i32)
        .unwrap_or(0)
}

/// State shared by the listener, every connection and the test driver.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    /// Woken whenever something a test may wait for happened.
    pub(crate) changed: Notify,
    pub(crate) faults: crate::faults::Faults,
    /// MTProto sessions and server salts (the service layer, outside the world lock).
    pub(crate) sessions: crate::wire::sessions::Sessions,
    /// The data centres the kit runs and their listeners, home DC first.
    pub(crate) dcs: Vec<(i32, std::net::SocketAddr)>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock is a testkit bug; keep serving the other tests.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What kind of account this is.
#[derive(Debug, Clone)]
pub(crate) enum AccountKind {
    Bot { token: String },
    User,
}

/// One account (user or bot) with its private message box and update log.
pub(crate) struct Account {
    pub(crate) id: i64,
    pub(crate) access_hash: i64,
    pub(crate) kind: AccountKind,
    pub(crate) first_name: String,
    pub(crate) last_name: Option<String>,
    pub(crate) username: Option<String>,
    /// Digits only, as Telegram reports phones.
    pub(crate) phone: Option<String>,
    pub(crate) verifier: Option<Arc<Verifier>>,
    pub(crate) hint: Option<String>,
    pub(crate) pts: i32,
    pub(crate) qts: i32,
    pub(crate) seq: i32,
    pub(crate) log: Vec<LoggedUpdate>,
    /// Updates of the secondary sequence (`qts`: participant updates, join requests, bot
    /// stopped), each logged with its qts in [`LoggedUpdate::pts`] (see `qts`).
    pub(crate) qts_log: Vec<LoggedUpdate>,
    /// Users who blocked (stopped) this bot: its sends to them fail with `USER_IS_BLOCKED`.
    pub(crate) blocked_by: Vec<i64>,
    /// Users who wrote to this account in their private chat: a bot may write to them
    /// (`membership::bot_may_message`). Kept beside `messages`, which it summarises, so the
    /// check does not scan the box on every send (a scan made the 1000-chat load test
    /// quadratic: 57 s instead of under 20).
    pub(crate) private_senders: std::collections::HashSet<i64>,
    /// Updates at or below this pts were forgotten: older clients get `differenceTooLong`.
    pub(crate) log_floor: i32,
    /// Private chats and basic groups; channels keep their own box in [`Room`].
    pub(crate) messages: BTreeMap<i32, StoredMessage>,
    pub(crate) next_message_id: i32,
    /// What others did to this account, for the test driver.
    pub(crate) observed: Observations,
    /// Commands a bot registered with `bots.setBotCommands`.
    pub(crate) bot_commands: Vec<BotCommand>,
    /// A bot's privacy mode in groups (see [`crate::Bot::privacy`]); ignored for users.
    pub(crate) privacy: bool,
    /// The data centre the account lives on ([`crate::User::dc`]); bots live on the home DC.
    pub(crate) dc: i32,
}

impl Account {
    pub(crate) fn is_bot(&self) -> bool {
        matches!(self.kind, AccountKind::Bot { .. })
    }

    pub(crate) fn next_id(&mut self) -> i32 {
        self.next_message_id += 1;
        self.next_message_id
    }
}

/// What others did to an account, queued for the test driver, with a wake-up per account (so
/// fifty waiting scripted users are not all woken by every change in the world).
#[derive(Default)]
pub(crate) struct Observations {
    pub(crate) messages: VecDeque<ObservedMessage>,
    pub(crate) edits: VecDeque<ObservedMessage>,
    pub(crate) deletions: VecDeque<Deletion>,
    /// Service messages (joins, leaves, pins, ...), kept apart from `messages`.
    pub(crate) services: VecDeque<ObservedMessage>,
    pub(crate) signal: Arc<Notify>,
}

impl Observations {
    pub(crate) fn message(&mut self, message: ObservedMessage) {
        self.messages.push_back(message);
        self.signal.notify_waiters();
    }

    pub(crate) fn edit(&mut self, message: ObservedMessage) {
        self.edits.push_back(message);
        self.signal.notify_waiters();
    }

    /// A message someone else sent: service messages to their own queue.
    pub(crate) fn incoming(&mut self, message: ObservedMessage) {
        if message.service.is_some() {
            self.services.push_back(message);
            self.signal.notify_waiters();
        } else {
            self.message(message);
        }
    }

    pub(crate) fn deletion(&mut self, deletion: Deletion) {
        self.deletions.push_back(deletion);
        self.signal.notify_waiters();
    }
}

/// Basic group, supergroup or broadcast channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoomKind {
    Group,
    Supergroup,
    Broadcast,
}

/// A group or channel. Basic groups keep messages in each member's box (as Telegram does);
/// supergroups and channels have one box, ids and pts of their own.
pub(crate) struct Room {
    pub(crate) id: i64,
    pub(crate) access_hash: i64,
    pub(crate) kind: RoomKind,
    pub(crate) title: String,
    pub(crate) username: Option<String>,
    pub(crate) members: Vec<i64>,
    pub(crate) creator: i64,
    pub(crate) date: i32,
    pub(crate) pts: i32,
    pub(crate) log: Vec<LoggedUpdate>,
    pub(crate) messages: BTreeMap<i32, StoredMessage>,
    pub(crate) next_message_id: i32,
    /// Members with admin rights (the creator always has them).
    pub(crate) admins: Vec<i64>,
    /// The bot that sent the group's latest bot message: in privacy mode, unaddressed
    /// commands go to it.
    pub(crate) last_bot_sender: Option<i64>,
    /// Joining needs an admin's approval (an invite link with "request admin approval").
    pub(crate) join_requests: bool,
    /// Users waiting for approval, with the date they asked.
    pub(crate) pending_requests: Vec<(i64, i32)>,
    /// The id of the group's current photo (see `membership`), if it has one.
    pub(crate) photo: Option<i64>,
    /// A basic group upgraded to a supergroup: (its id, its access-hash secret). The group is
    /// then deactivated and read-only.
    pub(crate) migrated_to: Option<(i64, i64)>,
    /// When each member joined (members from the world: the group's creation date).
    pub(crate) joined: HashMap<i64, (i32, i64)>,
}

impl Room {
    pub(crate) fn peer(&self) -> PeerRef {
        match self.kind {
            RoomKind::Group => PeerRef::Chat(self.id),
            RoomKind::Supergroup | RoomKind::Broadcast => PeerRef::Channel(self.id),
        }
    }

    pub(crate) fn is_channel(&self) -> bool {
        self.kind != RoomKind::Group
    }
}

/// An uploaded file attached to a message.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) id: i64,
    pub(crate) access_hash: i64,
    pub(crate) date: i32,
    pub(crate) name: String,
    pub(crate) mime_type: String,
    pub(crate) bytes: Arc<Vec<u8>>,
    /// The data centre the file is stored on: its uploader's home DC, as Telegram stores
    /// files (the media's `dc_id`); `upload.getFile` elsewhere answers `FILE_MIGRATE_<dc>`.
    pub(crate) dc: i32,
}

/// A message's media.
#[derive(Debug, Clone)]
pub(crate) enum Media {
    Photo(StoredFile),
    Document(StoredFile),
}

/// Where a forwarded message came from.
#[derive(Debug, Clone)]
pub(crate) struct Forward {
    pub(crate) from: i64,
    pub(crate) date: i32,
}

/// One message in one box.
#[derive(Debug, Clone)]
pub(crate) struct StoredMessage {
    pub(crate) id: i32,
    /// Same for every box's copy of one sent message.
    pub(crate) global_id: u64,
    /// The chat, from the box owner's point of view.
    pub(crate) peer: PeerRef,
    pub(crate) from: i64,
    /// A broadcast channel post (shown without a sender).
    pub(crate) post: bool,
    pub(crate) date: i32,
    pub(crate) text: String,
    pub(crate) entities: Vec<tl::enums::MessageEntity>,
    pub(crate) reply_markup: Option<tl::enums::ReplyMarkup>,
    pub(crate) reply_to: Option<i32>,
    pub(crate) edit_date: Option<i32>,
    pub(crate) media: Option<Media>,
    pub(crate) forward: Option<Forward>,
    pub(crate) via_bot: Option<i64>,
    /// Accounts the message mentions, resolved when it was sent (see `mentions`).
    pub(crate) mentions: Vec<i64>,
    /// A service message's action (`messageService`): joins, leaves, pins, ...
    pub(crate) action: Option<tl::enums::MessageAction>,
}

impl StoredMessage {
    /// Accounts the message mentions (sent along as `users`).
    pub(crate) fn user_ids(&self) -> Vec<i64> {
        let mut ids = vec![self.from];
        if let PeerRef::User(id) = self.peer {
            ids.push(id);
        }
        ids.extend(self.forward.as_ref().map(|f| f.from));
        ids.extend(self.via_bot);
        ids.extend(self.action.iter().flat_map(crate::membership::action_users));
        ids
    }

    /// Groups or channels the message mentions (sent along as `chats`).
    pub(crate) fn chat_refs(&self) -> Vec<PeerRef> {
        match self.peer {
            PeerRef::User(_) => Vec::new(),
            peer => vec![peer],
        }
    }
}

/// An update in an account's or channel's log, replayed by the difference RPCs.
#[derive(Debug, Clone)]
pub(crate) struct LoggedUpdate {
    /// The pts after this update.
    pub(crate) pts: i32,
    pub(crate) update: tl::enums::Update,
    pub(crate) users: Vec<i64>,
    pub(crate) chats: Vec<PeerRef>,
}

/// Per channel: its pts before the first update an account had no connection for, and how
/// many such updates there were.
pub(crate) type Unpushed = BTreeMap<i64, (i32, usize)>;

/// An auth key the server accepts, and what it is logged in as.
pub(crate) struct KeySlot {
    pub(crate) key: AuthKey,
    /// The data centre the key was made on: it is accepted there only. `None` for keys
    /// restored from a state file or read from a session file the kit did not issue.
    pub(crate) dc: Option<i32>,
    pub(crate) account: Option<i64>,
    /// Account that passed the code check but still owes its 2FA password.
    pub(crate) password_pending: Option<i64>,
    pub(crate) challenge: Option<Challenge>,
}

/// A login code that was "sent" to a phone.
pub(crate) struct PendingCode {
    pub(crate) phone_code_hash: String,
    pub(crate) code: String,
    pub(crate) expired: bool,
}

/// A live client connection, for pushing updates and dropping it.
pub(crate) struct ConnEntry {
    pub(crate) key_id: i64,
    /// The data centre the connection is to.
    pub(crate) dc: i32,
    pub(crate) push: mpsc::UnboundedSender<Vec<u8>>,
    pub(crate) kill: Arc<Notify>,
}

/// What a new message carries, before it is stored.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) text: String,
    pub(crate) entities: Vec<tl::enums::MessageEntity>,
    pub(crate) reply_markup: Option<tl::enums::ReplyMarkup>,
    /// Id of the replied-to message as the *sender* sees it.
    pub(crate) reply_to: Option<i32>,
    pub(crate) media: Option<Media>,
    pub(crate) forward: Option<Forward>,
    pub(crate) via_bot: Option<i64>,
    /// A service message's action; the text is then empty.
    pub(crate) action: Option<tl::enums::MessageAction>,
}

/// A callback query waiting for the bot's answer.
pub(crate) struct PendingCallback {
    pub(crate) bot: i64,
    pub(crate) answer: Option<CallbackAnswer>,
    /// When the button was pressed; the bot must answer within the world's deadline.
    pub(crate) pressed: std::time::Instant,
    /// The bot answered after the deadline: the query is dead.
    pub(crate) expired: bool,
}

/// An inline query waiting for (or holding) the bot's results.
pub(crate) struct PendingInline {
    pub(crate) user: i64,
    pub(crate) bot: i64,
    pub(crate) query: String,
    pub(crate) results: Option<Vec<InlineResult>>,
}

/// The live world.
pub(crate) struct State {
    pub(crate) accounts: HashMap<i64, Account>,
    pub(crate) rooms: HashMap<i64, Room>,
    usernames: HashMap<String, PeerRef>,
    phones: HashMap<String, i64>,
    pub(crate) apps: Vec<(i32, String)>,
    pub(crate) keys: HashMap<i64, KeySlot>,
    pub(crate) codes: HashMap<String, PendingCode>,
    pub(crate) fixed_code: Option<String>,
    pub(crate) conns: HashMap<u64, ConnEntry>,
    pub(crate) rpc_log: Vec<RpcCall>,
    pub(crate) callbacks: HashMap<i64, PendingCallback>,
    /// How long a bot has to answer a callback query (`World::callback_answer_deadline`).
    pub(crate) callback_deadline: std::time::Duration,
    pub(crate) inline_queries: HashMap<i64, PendingInline>,
    /// Upload parts by (account, file id).
    pub(crate) uploads: HashMap<(i64, i64), BTreeMap<i32, Vec<u8>>>,
    /// Files attached to messages, by file id (for downloads).
    pub(crate) files: HashMap<i64, StoredFile>,
    /// Fault: store updates but do not push them.
    pub(crate) pushes_paused: bool,
    /// Fault: pts to skip before an account's next update (forces a client-side gap).
    pub(crate) pts_gaps: HashMap<i64, i32>,
    /// Messages by (sender, `random_id`), to answer resent requests (see `resend`).
    pub(crate) random_ids: HashMap<(i64, i64), crate::resend::SentRef>,
    /// Telegram's sending limits and slow mode (`limits.rs`).
    pub(crate) limiter: crate::limits::Limiter,
    /// Most updates a channel difference carries before it is too long
    /// ([`World::channel_box_limit`]).
    pub(crate) channel_box_limit: usize,
    /// Channel updates an account had no connection for, by account and channel: the channel
    /// pts before the first of them and how many ([`State::push`]). In a `RefCell` because
    /// pushing is `&self` all over the delivery code; the world lock guards it.
    pub(crate) unpushed: std::cell::RefCell<HashMap<i64, Unpushed>>,
    /// Authorizations exported for another DC, by their bytes: (account, target DC).
    pub(crate) exported_auths: HashMap<Vec<u8>, (i64, i32)>,
    /// The data centres the kit runs and their listeners (home first), set once bound.
    pub(crate) dc_addrs: Vec<(i32, std::net::SocketAddr)>,
    next_global_id: u64,
    next_room_id: i64,
}

impl State {
    /// Builds the live state from a world description (derives 2FA verifiers: slow).
    pub(crate) fn from_world(world: &World) -> Result<State, Error> {
        let mut state = State {
            accounts: HashMap::new(),
            rooms: HashMap::new(),
            usernames: HashMap::new(),
            phones: HashMap::new(),
            apps: world
                .apps
                .iter()
                .map(|a| (a.api_id, a.api_hash.clone()))
                .collect(),
            keys: HashMap::new(),
            codes: HashMap::new(),
            fixed_code: world.login_code.clone(),
            conns: HashMap::new(),
            rpc_log: Vec::new(),
            callbacks: HashMap::new(),
            callback_deadline: world
                .callback_deadline
                .unwrap_or(crate::interactions::CALLBACK_ANSWER_DEADLINE),
            inline_queries: HashMap::new(),
            uploads: HashMap::new(),
            files: HashMap::new(),
            pushes_paused: false,
            pts_gaps: HashMap::new(),
            random_ids: HashMap::new(),
            limiter: crate::limits::Limiter::new(world.limits.clone()),
            channel_box_limit: world
                .channel_box_limit
                .unwrap_or(crate::rpc::CHANNEL_BOX_LIMIT),
            unpushed: Default::default(),
            exported_auths: HashMap::new(),
            dc_addrs: Vec::new(),
            next_global_id: 0,
            next_room_id: 0,
        };
        for bot in &world.bots {
            let id = bot
                .token
                .split_once(':')
                .and_then(|(id, secret)| (!secret.is_empty()).then_some(id))
                .and_then(|id| id.parse::<i64>().ok())
                .filter(|id| (1..=0xff_ffff_ffff).contains(id))
                .ok_or_else(|| Error::World {
                    what: "bot token must look like `<numeric id>:<secret>`".into(),
                })?;
            let username = bot.username.clone();
            let privacy = bot.privacy;
            let first_name = bot
                .name
                .clone()
                .or_else(|| username.clone())
                .unwrap_or_else(|| format!("Bot {id}"));
            let mut account = Account::new(
                id,
                AccountKind::Bot {
                    token: bot.token.clone(),
                },
                first_name,
                None,
                username,
                None,
            );
            account.privacy = privacy;
            state.insert(account)?;
        }
        // Telegram's ids outgrew 32 bits in 2021-2022 (Bot API: identifiers "may have more
        // than 32 significant bits"; TDLib's `UserId::MAX_USER_ID` is 2^40 - 1) and new
        // accounts get ids above 2^32. Users here do too, so code that keeps ids in 32 bits
        // fails in tests.
        let mut next_user_id = FIRST_USER_ID - 1;
        for user in &world.users {
            let phone = phone_digits(&user.phone).ok_or_else(|| Error::World {
                what: format!("user phone {:?} is not `+` and 5 to 15 digits", user.phone),
            })?;
            next_user_id += 1;
            // A bot whose token names an id in this range keeps it; users step around it.
            while state.accounts.contains_key(&next_user_id) {
                next_user_id += 1;
            }
            let mut account = Account::new(
                next_user_id,
                AccountKind::User,
                user.first_name.clone().unwrap_or_else(|| phone.clone()),
                user.last_name.clone(),
                user.username.clone(),
                Some(phone),
            );
            account.verifier = user
                .password
                .as_deref()
                .map(|pw| Arc::new(Verifier::new(pw)));
            account.hint = user.hint.clone();
            account.dc = user.dc.unwrap_or(crate::HOME_DC);
            state.insert(account)?;
        }
        for group in &world.groups {
            let mut members = Vec::new();
            for who in &group.members {
                let id = state.find_account(who).ok_or_else(|| Error::World {
                    what: format!("group {:?} lists unknown member {who:?}", group.title),
                })?;
                if !members.contains(&id) {
                    members.push(id);
                }
            }
            if members.is_empty() {
                return Err(Error::World {
                    what: format!("group {:?} has no members", group.title),
                });
            }
            let mut admins = Vec::new();
            for who in &group.admins {
                admins.push(state.find_account(who).ok_or_else(|| Error::World {
                    what: format!("group {:?} lists unknown admin {who:?}", group.title),
                })?);
            }
            let peer = state.create_room(
                group.kind,
                group.title.clone(),
                group.username.clone(),
                members,
            )?;
            if let Some(room) = state.rooms.get_mut(&peer.bare_id()) {
                room.admins.extend(admins);
                room.join_requests = group.join_requests;
            }
            if let Some(interval) = group.slow_mode {
                crate::limits::check_slow_mode(group.kind, &group.title)?;
                state.limiter.set_slow_mode(peer.bare_id(), Some(interval));
            }
        }
        Ok(state)
    }

    fn insert(&mut self, account: Account) -> Result<(), Error> {
        if self.accounts.contains_key(&account.id) {
            return Err(Error::World {
                what: format!("two accounts share the id {}", account.id),
            });
        }
        if let Some(username) = &account.username {
            self.claim_username(username, PeerRef::User(account.id))?;
        }
        if let Some(phone) = &account.phone
            && self.phones.insert(phone.clone(), account.id).is_some()
        {
            return Err(Error::World {
                what: format!("two users share the phone +{phone}"),
            });
        }
        self.accounts.insert(account.id, account);
        Ok(())
    }

    fn claim_username(&mut self, username: &str, peer: PeerRef) -> Result<(), Error> {
        if self
            .usernames
            .insert(username.to_lowercase(), peer)
            .is_some()
        {
            return Err(Error::World {
                what: format!("the username @{username} is used twice"),
            });
        }
        Ok(())
    }

    /// Creates a group or channel; the first member is its creator.
    pub(crate) fn create_room(
        &mut self,
        kind: RoomKind,
        title: String,
        username: Option<String>,
        members: Vec<i64>,
    ) -> Result<PeerRef, Error> {
        self.next_room_id += 1;
        let id = match kind {
            RoomKind::Group => GROUP_ID_BASE + self.next_room_id,
            RoomKind::Supergroup | RoomKind::Broadcast => CHANNEL_ID_BASE + self.next_room_id,
        };
        let room = Room {
            id,
            access_hash: crate::random::i64(),
            kind,
            title,
            username: username.clone(),
            creator: members[0],
            members,
            date: now(),
            pts: INITIAL_PTS,
            log: Vec::new(),
            messages: BTreeMap::new(),
            next_message_id: 0,
            admins: Vec::new(),
            last_bot_sender: None,
            join_requests: false,
            pending_requests: Vec::new(),
            photo: None,
            migrated_to: None,
            joined: HashMap::new(),
        };
        let peer = room.peer();
        if let Some(username) = &username {
            self.claim_username(username, peer)?;
        }
        self.rooms.insert(id, room);
        Ok(peer)
    }

    /// Finds a user or bot by `@username`, username, `+phone` or numeric id.
    pub(crate) fn find_account(&self, who: &str) -> Option<i64> {
        match self.find(who)? {
            PeerRef::User(id) => Some(id),
            _ => None,
        }
    }

    /// Finds any peer by `@username`, username, `+phone`, numeric id or group title.
    pub(crate) fn find(&self, who: &str) -> Option<PeerRef> {
        let who = who.trim();
        let name = who.strip_prefix('@').unwrap_or(who).to_lowercase();
        if let Some(peer) = self.usernames.get(&name) {
            return Some(*peer);
        }
        if who.starts_with('+')
            && let Some(id) = phone_digits(who).and_then(|d| self.phones.get(&d))
        {
            return Some(PeerRef::User(*id));
        }
        if let Ok(id) = who.parse::<i64>() {
            if self.accounts.contains_key(&id) {
                return Some(PeerRef::User(id));
            }
            if let Some(room) = self.rooms.get(&id) {
                return Some(room.peer());
            }
        }
        // An upgraded basic group keeps its title; the title names its supergroup now.
        self.rooms
            .values()
            .find(|r| r.title == who && r.migrated_to.is_none())
            .or_else(|| self.rooms.values().find(|r| r.title == who))
            .map(Room::peer)
    }

    pub(crate) fn by_phone(&self, digits: &str) -> Option<i64> {
        self.phones.get(digits).copied()
    }

    pub(crate) fn by_username(&self, username: &str) -> Option<PeerRef> {
        self.usernames.get(&username.to_lowercase()).copied()
    }

    pub(crate) fn by_token(&self, token: &str) -> Option<i64> {
        self.accounts
            .values()
            .find(|a| matches!(&a.kind, AccountKind::Bot { token: t } if t == token))
            .map(|a| a.id)
    }

    pub(crate) fn account(&self, id: i64) -> &Account {
        &self.accounts[&id]
    }

    /// Registers a fresh auth key for data centre `dc`, logged in as nobody.
    pub(crate) fn new_key(&mut self, dc: i32) -> AuthKey {
        let key = AuthKey::random();
        self.keys.insert(
            key.id(),
            KeySlot {
                key: key.clone(),
                dc: Some(dc),
                account: None,
                password_pending: None,
                challenge: None,
            },
        );
        key
    }

    /// Accepts an existing auth key (not logged in unless it was known already), on `dc` if
    /// given, else on any DC.
    pub(crate) fn register_key(&mut self, bytes: [u8; 256], dc: Option<i32>) -> AuthKey {
        let key = AuthKey::from_bytes(bytes);
        self.keys.entry(key.id()).or_insert_with(|| KeySlot {
            key: key.clone(),
            dc,
            account: None,
            password_pending: None,
            challenge: None,
        });
        key
    }

    /// Registers a fresh auth key on the account's home DC, already logged in as `account`.
    pub(crate) fn new_key_for(&mut self, account: i64) -> AuthKey {
        let dc = self.account(account).dc;
        let key = self.new_key(dc);
        if let Some(slot) = self.keys.get_mut(&key.id()) {
            slot.account = Some(account);
        }
        key
    }

    pub(crate) fn next_global_id(&self) -> u64 {
        self.next_global_id
    }

    pub(crate) fn set_next_global_id(&mut self, id: u64) {
        self.next_global_id = self.next_global_id.max(id);
    }

    /// A cheap fingerprint of everything persisted, to save only after changes.
    pub(crate) fn fingerprint(&self) -> (u64, usize, usize, i64) {
        let pts: i64 = self
            .accounts
            .values()
            .map(|a| i64::from(a.pts))
            .sum::<i64>()
            + self
                .rooms
                .values()
                .map(|r| i64::from(r.pts) + r.members.len() as i64)
                .sum::<i64>();
        (
            self.next_global_id,
            self.keys.len(),
            self.rpc_log.len(),
            pts,
        )
    }

    pub(crate) fn next_global(&mut self) -> u64 {
        self.next_global_id += 1;
        self.next_global_id
    }

    /// The accounts `ids` as `viewer` sees them (deduplicated).
    pub(crate) fn users_for(&self, viewer: i64, ids: &[i64]) -> Vec<tl::enums::User> {
        let mut seen = Vec::with_capacity(ids.len());
        ids.iter()
            .filter(|id| {
                let fresh = !seen.contains(*id);
                seen.push(**id);
                fresh
            })
            .filter_map(|id| self.accounts.get(id))
            .map(|a| tl_build::user(a, viewer))
            .collect()
    }

    /// The groups and channels `peers` as `viewer` sees them (deduplicated).
    pub(crate) fn chats_for(&self, viewer: i64, peers: &[PeerRef]) -> Vec<tl::enums::Chat> {
        let mut seen = Vec::with_capacity(peers.len());
        peers
            .iter()
            .filter_map(|p| match p {
                PeerRef::Chat(id) | PeerRef::Channel(id) => Some(*id),
                PeerRef::User(_) => None,
            })
            .filter(|id| {
                let fresh = !seen.contains(id);
                seen.push(*id);
                fresh
            })
            .filter_map(|id| self.rooms.get(&id))
            .map(|r| tl_build::chat(r, viewer))
            .collect()
    }

    /// Wraps updates for `viewer` with the users and chats they mention, with `seq` 0: for
    /// updates outside the account's sequence (channel updates, bot queries) and replays.
    pub(crate) fn updates_for(
        &self,
        viewer: i64,
        updates: Vec<tl::enums::Update>,
        users: &[i64],
        chats: &[PeerRef],
    ) -> tl::enums::Updates {
        self.updates_with_seq(viewer, updates, users, chats, 0)
    }

    /// Like [`State::updates_for`], but a container holding updates of the account's own
    /// box (new, edited, deleted private and basic-group messages) takes the account's next
    /// `seq`, as Telegram numbers them (core.telegram.org/api/updates: "seq ... the sequence
    /// of `updates` and `updatesCombined`"; channel-only containers come with `seq = 0`).
    /// Clients apply such a container only when its `seq` follows theirs, and fetch the
    /// difference on a gap. Returns the container and the `seq` it took (0 if none).
    pub(crate) fn sequenced_updates_for(
        &mut self,
        viewer: i64,
        updates: Vec<tl::enums::Update>,
        users: &[i64],
        chats: &[PeerRef],
    ) -> (tl::enums::Updates, i32) {
        let seq = if updates.iter().any(in_account_sequence) {
            let account = self.accounts.get_mut(&viewer).expect("viewer exists");
            account.seq += 1;
            account.seq
        } else {
            0
        };
        (
            self.updates_with_seq(viewer, updates, users, chats, seq),
            seq,
        )
    }

    pub(crate) fn updates_with_seq(
        &self,
        viewer: i64,
        updates: Vec<tl::enums::Update>,
        users: &[i64],
        chats: &[PeerRef],
        seq: i32,
    ) -> tl::enums::Updates {
        tl_build::updates(
            updates,
            self.users_for(viewer, users),
            self.chats_for(viewer, chats),
            now(),
            seq,
        )
    }

    /// Pushes updates to every connection logged in as `account`; whether one took them
    /// (or answers the request they came from: `except`).
    pub(crate) fn push(
        &self,
        account: i64,
        updates: &tl::enums::Updates,
        except: Option<u64>,
    ) -> bool {
        if self.pushes_paused {
            return false;
        }
        let mut bytes = None;
        let mut delivered = false;
        for (conn_id, conn) in &self.conns {
            if Some(*conn_id) == except {
                // That connection gets it in the answer to its request.
                delivered = true;
                continue;
            }
            // Telegram pushes an account's updates on its home DC only; connections to other
            // DCs (file downloads) get answers, not updates.
            let logged_in = self
                .keys
                .get(&conn.key_id)
                .is_some_and(|k| k.account == Some(account))
                && self.accounts.get(&account).is_none_or(|a| a.dc == conn.dc);
            if logged_in {
                let body = bytes.get_or_insert_with(|| updates.to_bytes()).clone();
                let _ = conn.push.send(body);
                delivered = true;
            }
        }
        if !delivered {
            self.note_unpushed(account, updates);
        }
        delivered
    }

    /// Remembers the channel updates `account` had no connection to be pushed on, for its
    /// next `updates.getDifference` (see `rpc::updates`).
    fn note_unpushed(&self, account: i64, updates: &tl::enums::Updates) {
        let tl::enums::Updates::Updates(container) = updates else {
            return;
        };
        let mut unpushed = self.unpushed.borrow_mut();
        for update in &container.updates {
            let (channel, pts, count) = match update {
                tl::enums::Update::NewChannelMessage(u) => match &u.message {
                    tl::enums::Message::Message(tl::types::Message {
                        peer_id: tl::enums::Peer::Channel(c),
                        ..
                    })
                    | tl::enums::Message::Service(tl::types::MessageService {
                        peer_id: tl::enums::Peer::Channel(c),
                        ..
                    }) => (c.channel_id, u.pts, u.pts_count),
                    _ => continue,
                },
                tl::enums::Update::EditChannelMessage(u) => match &u.message {
                    tl::enums::Message::Message(tl::types::Message {
                        peer_id: tl::enums::Peer::Channel(c),
                        ..
                    }) => (c.channel_id, u.pts, u.pts_count),
                    _ => continue,
                },
                tl::enums::Update::DeleteChannelMessages(u) => (u.channel_id, u.pts, u.pts_count),
                _ => continue,
            };
            let missed = unpushed
                .entry(account)
                .or_default()
                .entry(channel)
                .or_insert((pts - count, 0));
            missed.1 += 1;
        }
    }

    /// Forgets what `account` missed in its channels: its client now holds a state newer than
    /// all of it (after `updates.getState`, an issued session, or a difference that carried
    /// it), so none of it is owed.
    pub(crate) fn forget_unpushed(&self, account: i64) -> Unpushed {
        self.unpushed
            .borrow_mut()
            .remove(&account)
            .unwrap_or_default()
    }

    /// Takes the next pts of an account (honouring an injected gap) and logs the update.
    pub(crate) fn log_account_update(
        &mut self,
        owner: i64,
        pts_count: i32,
        make: impl FnOnce(i32) -> tl::enums::Update,
        users: Vec<i64>,
        chats: Vec<PeerRef>,
    ) -> (i32, tl::enums::Update) {
        let gap = self.pts_gaps.remove(&owner).unwrap_or(0);
        let account = self.accounts.get_mut(&owner).expect("owner exists");
        account.pts += pts_count + gap;
        let pts = account.pts;
        let update = make(pts);
        account.log.push(LoggedUpdate {
            pts,
            update: update.clone(),
            users,
            chats,
        });
        (pts, update)
    }

    /// Takes the next pts of a channel and logs the update.
    pub(crate) fn log_channel_update(
        &mut self,
        channel: i64,
        pts_count: i32,
        make: impl FnOnce(i32) -> tl::enums::Update,
        users: Vec<i64>,
    ) -> (i32, tl::enums::Update) {
        let room = self.rooms.get_mut(&channel).expect("channel exists");
        room.pts += pts_count;
        let pts = room.pts;
        let update = make(pts);
        room.log.push(LoggedUpdate {
            pts,
            update: update.clone(),
            users,
            chats: vec![PeerRef::Channel(channel)],
        });
        (pts, update)
    }
}

/// Whether an update belongs to the account's own box (and so to its `seq`), not a channel's.
fn in_account_sequence(update: &tl::enums::Update) -> bool {
    matches!(
        update,
        tl::enums::Update::NewMessage(_)
            | tl::enums::Update::EditMessage(_)
            | tl::enums::Update::DeleteMessages(_)
            | tl::enums::Update::PinnedMessages(_)
            | tl::enums::Update::ReadHistoryInbox(_)
            | tl::enums::Update::ReadHistoryOutbox(_)
    )
}

impl Account {
    fn new(
        id: i64,
        kind: AccountKind,
        first_name: String,
        last_name: Option<String>,
        username: Option<String>,
        phone: Option<String>,
    ) -> Self {
        Self {
            id,
            access_hash: crate::random::i64(),
            kind,
            first_name,
            last_name,
            username,
            phone,
            verifier: None,
            hint: None,
            pts: INITIAL_PTS,
            // Like pts, qts starts above 0: a client with qts 0 has no secondary sequence to
            // check (grammers' `MessageBoxes::load` skips it), so it could not see a gap.
            qts: INITIAL_PTS,
            seq: 0,
            log: Vec::new(),
            qts_log: Vec::new(),
            blocked_by: Vec::new(),
            private_senders: Default::default(),
            log_floor: 0,
            messages: BTreeMap::new(),
            next_message_id: 0,
            observed: Observations::default(),
            bot_commands: Vec::new(),
            privacy: true,
            dc: crate::HOME_DC,
        }
    }
}
