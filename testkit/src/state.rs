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
use crate::observed::{ObservedMessage, RpcCall};
use crate::rpc::RpcFail;
use crate::srp::{Challenge, Verifier};
use crate::tl_build::{self, PeerRef};
use crate::wire::crypto::AuthKey;
use crate::world::{World, phone_digits};

/// Update state numbers start here: pts 0 means "no state" to clients, which disables catch-up.
pub(crate) const INITIAL_PTS: i32 = 100;

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
    pub(crate) messages: BTreeMap<i32, StoredMessage>,
    next_message_id: i32,
    /// Messages others sent to this account, for the test driver (`next_message`).
    pub(crate) inbox: VecDeque<ObservedMessage>,
}

impl Account {
    pub(crate) fn is_bot(&self) -> bool {
        matches!(self.kind, AccountKind::Bot { .. })
    }

    fn next_id(&mut self) -> i32 {
        self.next_message_id += 1;
        self.next_message_id
    }
}

/// One message in one account's box.
#[derive(Debug, Clone)]
pub(crate) struct StoredMessage {
    pub(crate) id: i32,
    /// Same for every box's copy of one sent message.
    pub(crate) global_id: u64,
    pub(crate) peer: PeerRef,
    pub(crate) from: i64,
    pub(crate) out: bool,
    pub(crate) date: i32,
    pub(crate) text: String,
    pub(crate) entities: Vec<tl::enums::MessageEntity>,
    pub(crate) reply_markup: Option<tl::enums::ReplyMarkup>,
    pub(crate) reply_to: Option<i32>,
    pub(crate) edit_date: Option<i32>,
}

/// An update in an account's log, replayed by `updates.getDifference`.
#[derive(Debug, Clone)]
pub(crate) struct LoggedUpdate {
    pub(crate) pts: i32,
    pub(crate) update: tl::enums::Update,
    /// Accounts the update mentions (sent along as `users`).
    pub(crate) users: Vec<i64>,
}

/// An auth key the server accepts, and what it is logged in as.
pub(crate) struct KeySlot {
    pub(crate) key: AuthKey,
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
    pub(crate) push: mpsc::UnboundedSender<Vec<u8>>,
    pub(crate) kill: Arc<Notify>,
}

/// What a new message carries, before it is stored.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub(crate) text: String,
    pub(crate) entities: Vec<tl::enums::MessageEntity>,
    pub(crate) reply_markup: Option<tl::enums::ReplyMarkup>,
    /// Id of the replied-to message in the *sender's* box.
    pub(crate) reply_to: Option<i32>,
}

/// The live world.
pub(crate) struct State {
    pub(crate) accounts: HashMap<i64, Account>,
    usernames: HashMap<String, i64>,
    phones: HashMap<String, i64>,
    pub(crate) apps: Vec<(i32, String)>,
    pub(crate) keys: HashMap<i64, KeySlot>,
    pub(crate) codes: HashMap<String, PendingCode>,
    pub(crate) fixed_code: Option<String>,
    pub(crate) conns: HashMap<u64, ConnEntry>,
    pub(crate) rpc_log: Vec<RpcCall>,
    /// Fault: store updates but do not push them.
    pub(crate) pushes_paused: bool,
    /// Fault: pts to skip before an account's next update (forces a client-side gap).
    pub(crate) pts_gaps: HashMap<i64, i32>,
    next_global_id: u64,
}

impl State {
    /// Builds the live state from a world description (derives 2FA verifiers: slow).
    pub(crate) fn from_world(world: &World) -> Result<State, Error> {
        let mut state = State {
            accounts: HashMap::new(),
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
            pushes_paused: false,
            pts_gaps: HashMap::new(),
            next_global_id: 0,
        };
        for bot in &world.bots {
            let id = bot
                .token
                .split_once(':')
                .and_then(|(id, secret)| (!secret.is_empty()).then_some(id))
                .and_then(|id| id.parse::<i64>().ok())
                .filter(|id| *id > 0)
                .ok_or_else(|| Error::World {
                    what: "bot token must look like `<numeric id>:<secret>`".into(),
                })?;
            let username = bot.username.clone();
            let first_name = bot
                .name
                .clone()
                .or_else(|| username.clone())
                .unwrap_or_else(|| format!("Bot {id}"));
            state.insert(Account::new(
                id,
                AccountKind::Bot {
                    token: bot.token.clone(),
                },
                first_name,
                None,
                username,
                None,
            ))?;
        }
        let mut next_user_id = 1_000_000_000i64;
        for user in &world.users {
            let phone = phone_digits(&user.phone).ok_or_else(|| Error::World {
                what: format!("user phone {:?} is not `+` and 5 to 15 digits", user.phone),
            })?;
            next_user_id += 1;
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
            state.insert(account)?;
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
            let key = username.to_lowercase();
            if self.usernames.insert(key, account.id).is_some() {
                return Err(Error::World {
                    what: format!("two accounts share the username @{username}"),
                });
            }
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

    /// Finds an account by `@username`, username, `+phone` or numeric id.
    pub(crate) fn find(&self, who: &str) -> Option<i64> {
        let who = who.trim();
        let name = who.strip_prefix('@').unwrap_or(who).to_lowercase();
        if let Some(id) = self.usernames.get(&name) {
            return Some(*id);
        }
        if who.starts_with('+')
            && let Some(id) = phone_digits(who).and_then(|d| self.phones.get(&d))
        {
            return Some(*id);
        }
        who.parse::<i64>()
            .ok()
            .filter(|id| self.accounts.contains_key(id))
    }

    pub(crate) fn by_phone(&self, digits: &str) -> Option<i64> {
        self.phones.get(digits).copied()
    }

    pub(crate) fn by_username(&self, username: &str) -> Option<i64> {
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

    /// Registers a fresh auth key, logged in as nobody.
    pub(crate) fn new_key(&mut self) -> AuthKey {
        let key = AuthKey::random();
        self.keys.insert(
            key.id(),
            KeySlot {
                key: key.clone(),
                account: None,
                password_pending: None,
                challenge: None,
            },
        );
        key
    }

    /// Registers a fresh auth key already logged in as `account`.
    pub(crate) fn new_key_for(&mut self, account: i64) -> AuthKey {
        let key = self.new_key();
        if let Some(slot) = self.keys.get_mut(&key.id()) {
            slot.account = Some(account);
        }
        key
    }

    fn next_global(&mut self) -> u64 {
        self.next_global_id += 1;
        self.next_global_id
    }

    /// Sends a private message from `from` to `to`, delivering it to both boxes, logging the
    /// updates and pushing them to every connection of both accounts except `origin_conn`
    /// (which gets the sender's answer directly). Returns the sender's copy and its pts.
    pub(crate) fn send_private(
        &mut self,
        from: i64,
        to: i64,
        draft: Draft,
        origin_conn: Option<u64>,
    ) -> Result<(StoredMessage, i32), RpcFail> {
        if !self.accounts.contains_key(&to) {
            return Err(RpcFail::bad_request("PEER_ID_INVALID"));
        }
        if draft.text.is_empty() {
            return Err(RpcFail::bad_request("MESSAGE_EMPTY"));
        }
        if draft.text.chars().count() > 4096 {
            return Err(RpcFail::bad_request("MESSAGE_TOO_LONG"));
        }
        let sender = &self.accounts[&from];
        if let Some(reply_to) = draft.reply_to
            && !sender.messages.contains_key(&reply_to)
        {
            return Err(RpcFail::bad_request("REPLY_TO_INVALID"));
        }
        let global_id = self.next_global();
        let date = now();
        let recipient_reply_to = draft.reply_to.and_then(|id| {
            let g = self.accounts[&from].messages[&id].global_id;
            self.accounts[&to]
                .messages
                .values()
                .find(|m| m.global_id == g)
                .map(|m| m.id)
        });

        let sender = self.accounts.get_mut(&from).expect("checked above");
        let sender_copy = StoredMessage {
            id: sender.next_id(),
            global_id,
            peer: PeerRef::User(to),
            from,
            out: true,
            date,
            text: draft.text.clone(),
            entities: draft.entities.clone(),
            reply_markup: draft.reply_markup.clone(),
            reply_to: draft.reply_to,
            edit_date: None,
        };
        let sender_pts = self.log_new_message(from, sender_copy.clone(), vec![from, to]);
        self.push_new_message(from, &sender_copy, sender_pts, &[from, to], origin_conn);

        if to != from {
            let recipient = self.accounts.get_mut(&to).expect("checked above");
            let copy = StoredMessage {
                id: recipient.next_id(),
                global_id,
                peer: PeerRef::User(from),
                from,
                out: false,
                date,
                text: draft.text,
                entities: draft.entities,
                reply_markup: draft.reply_markup,
                reply_to: recipient_reply_to,
                edit_date: None,
            };
            let pts = self.log_new_message(to, copy.clone(), vec![from, to]);
            self.push_new_message(to, &copy, pts, &[from, to], None);
            let observed = ObservedMessage::from_stored(&copy);
            self.accounts
                .get_mut(&to)
                .expect("checked above")
                .inbox
                .push_back(observed);
        }
        Ok((sender_copy, sender_pts))
    }

    fn log_new_message(&mut self, owner: i64, message: StoredMessage, users: Vec<i64>) -> i32 {
        let gap = self.pts_gaps.remove(&owner).unwrap_or(0);
        let account = self.accounts.get_mut(&owner).expect("owner exists");
        account.pts += 1 + gap;
        let pts = account.pts;
        account.log.push(LoggedUpdate {
            pts,
            update: tl_build::update_new_message(&message, pts),
            users,
        });
        account.messages.insert(message.id, message);
        pts
    }

    fn push_new_message(
        &self,
        owner: i64,
        message: &StoredMessage,
        pts: i32,
        users: &[i64],
        except: Option<u64>,
    ) {
        let updates = tl_build::updates(
            vec![tl_build::update_new_message(message, pts)],
            self.users_for(owner, users),
            message.date,
        );
        self.push(owner, &updates, except);
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

    /// Pushes updates to every connection logged in as `account`.
    pub(crate) fn push(&self, account: i64, updates: &tl::enums::Updates, except: Option<u64>) {
        if self.pushes_paused {
            return;
        }
        let mut bytes = None;
        for (conn_id, conn) in &self.conns {
            if Some(*conn_id) == except {
                continue;
            }
            let logged_in = self
                .keys
                .get(&conn.key_id)
                .is_some_and(|k| k.account == Some(account));
            if logged_in {
                let body = bytes.get_or_insert_with(|| updates.to_bytes()).clone();
                let _ = conn.push.send(body);
            }
        }
    }
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
            qts: 0,
            seq: 0,
            log: Vec::new(),
            messages: BTreeMap::new(),
            next_message_id: 0,
            inbox: VecDeque::new(),
        }
    }
}
