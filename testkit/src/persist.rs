//! Saving the live world to a file and loading it back, so a restarted server keeps its
//! messages, update state, accepted keys and logins.
//!
//! The world description (accounts, groups) still comes from the [`World`](crate::World); the
//! snapshot restores what happened since: per-account and per-channel boxes, pts and update
//! logs, group members, bot commands, uploaded files and the auth keys with their logins.
//! The format is TL-encoded (the TL objects inside messages are stored as Telegram encodes
//! them), prefixed with a magic and a version; the file holds auth keys, so it is written
//! with mode 0600.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use grammers_tl_types as tl;
use grammers_tl_types::{Cursor, Deserializable, Serializable};

use crate::error::Error;
use crate::state::{Forward, LoggedUpdate, Media, State, StoredFile, StoredMessage};
use crate::tl_build::PeerRef;

/// The current format: version 3 stores service messages' actions and the qts log.
const MAGIC: &[u8; 8] = b"OXTKSTA3";
/// Version 2: each message's mentions, still read.
const MAGIC_V2: &[u8; 8] = b"OXTKSTA2";
/// The first format (no mentions), still read.
const MAGIC_V1: &[u8; 8] = b"OXTKSTA1";

type Res<T> = Result<T, tl::deserialize::Error>;

struct W(Vec<u8>);

impl W {
    fn put<T: Serializable>(&mut self, value: &T) {
        value.serialize(&mut self.0);
    }
    fn opt<T: Serializable>(&mut self, value: &Option<T>) {
        self.put(&value.is_some());
        if let Some(v) = value {
            self.put(v);
        }
    }
    fn len(&mut self, n: usize) {
        self.put(&(n as i32));
    }
    fn peer(&mut self, peer: PeerRef) {
        let (kind, id) = match peer {
            PeerRef::User(id) => (0i32, id),
            PeerRef::Chat(id) => (1, id),
            PeerRef::Channel(id) => (2, id),
        };
        self.put(&kind);
        self.put(&id);
    }
    fn file(&mut self, f: &StoredFile) {
        self.put(&f.id);
        self.put(&f.access_hash);
        self.put(&f.date);
        self.put(&f.name);
        self.put(&f.mime_type);
        self.put(&*f.bytes);
    }
    fn message(&mut self, m: &StoredMessage) {
        self.put(&m.id);
        self.put(&(m.global_id as i64));
        self.peer(m.peer);
        self.put(&m.from);
        self.put(&m.post);
        self.put(&m.date);
        self.put(&m.text);
        self.put(&m.entities);
        self.opt(&m.reply_markup);
        self.opt(&m.reply_to);
        self.opt(&m.edit_date);
        match &m.media {
            None => self.put(&0i32),
            Some(Media::Photo(f)) => {
                self.put(&1i32);
                self.file(f);
            }
            Some(Media::Document(f)) => {
                self.put(&2i32);
                self.file(f);
            }
        }
        self.opt(&m.forward.as_ref().map(|f| f.from));
        self.opt(&m.forward.as_ref().map(|f| f.date));
        self.opt(&m.via_bot);
        self.put(&m.mentions);
        self.opt(&m.action);
    }
    fn box_(&mut self, messages: &BTreeMap<i32, StoredMessage>, log: &[LoggedUpdate]) {
        self.len(messages.len());
        for m in messages.values() {
            self.message(m);
        }
        self.len(log.len());
        for entry in log {
            self.put(&entry.pts);
            self.put(&entry.update);
            self.put(&entry.users);
            self.len(entry.chats.len());
            for chat in &entry.chats {
                self.peer(*chat);
            }
        }
    }
}

/// A snapshot reader; `version` is the format it was written in.
struct R<'a>(Cursor<'a>, u8);

impl R<'_> {
    fn get<T: Deserializable>(&mut self) -> Res<T> {
        T::deserialize(&mut self.0)
    }
    fn opt<T: Deserializable>(&mut self) -> Res<Option<T>> {
        Ok(if self.get::<bool>()? {
            Some(self.get()?)
        } else {
            None
        })
    }
    fn len(&mut self) -> Res<usize> {
        usize::try_from(self.get::<i32>()?).map_err(|_| tl::deserialize::Error::UnexpectedEof)
    }
    fn peer(&mut self) -> Res<PeerRef> {
        let kind: i32 = self.get()?;
        let id: i64 = self.get()?;
        Ok(match kind {
            0 => PeerRef::User(id),
            1 => PeerRef::Chat(id),
            _ => PeerRef::Channel(id),
        })
    }
    fn file(&mut self) -> Res<StoredFile> {
        Ok(StoredFile {
            id: self.get()?,
            access_hash: self.get()?,
            date: self.get()?,
            name: self.get()?,
            mime_type: self.get()?,
            bytes: Arc::new(self.get()?),
            // Not in the state file: restored files live on the home DC.
            dc: crate::HOME_DC,
        })
    }
    fn message(&mut self) -> Res<StoredMessage> {
        let id = self.get()?;
        let global_id = self.get::<i64>()? as u64;
        let peer = self.peer()?;
        let from = self.get()?;
        let post = self.get()?;
        let date = self.get()?;
        let text = self.get()?;
        let entities = self.get()?;
        let reply_markup = self.opt()?;
        let reply_to = self.opt()?;
        let edit_date = self.opt()?;
        let media = match self.get::<i32>()? {
            1 => Some(Media::Photo(self.file()?)),
            2 => Some(Media::Document(self.file()?)),
            _ => None,
        };
        let forward_from: Option<i64> = self.opt()?;
        let forward_date: Option<i32> = self.opt()?;
        let via_bot = self.opt()?;
        let mentions = if self.1 >= 2 { self.get()? } else { Vec::new() };
        let action = if self.1 >= 3 { self.opt()? } else { None };
        Ok(StoredMessage {
            id,
            global_id,
            peer,
            from,
            post,
            date,
            text,
            entities,
            reply_markup,
            reply_to,
            edit_date,
            media,
            forward: forward_from
                .zip(forward_date)
                .map(|(from, date)| Forward { from, date }),
            via_bot,
            mentions,
            action,
        })
    }
    fn box_(&mut self) -> Res<(BTreeMap<i32, StoredMessage>, Vec<LoggedUpdate>)> {
        let mut messages = BTreeMap::new();
        for _ in 0..self.len()? {
            let m = self.message()?;
            messages.insert(m.id, m);
        }
        let mut log = Vec::new();
        for _ in 0..self.len()? {
            let pts = self.get()?;
            let update = self.get()?;
            let users = self.get()?;
            let mut chats = Vec::new();
            for _ in 0..self.len()? {
                chats.push(self.peer()?);
            }
            log.push(LoggedUpdate {
                pts,
                update,
                users,
                chats,
            });
        }
        Ok((messages, log))
    }
}

impl State {
    /// Encodes what happened in this world (not its static description).
    pub(crate) fn snapshot(&self) -> Vec<u8> {
        let mut w = W(MAGIC.to_vec());
        w.put(&(self.next_global_id() as i64));
        w.len(self.accounts.len());
        for a in self.accounts.values() {
            w.put(&a.id);
            w.put(&a.access_hash);
            w.put(&a.pts);
            w.put(&a.qts);
            w.put(&a.seq);
            w.put(&a.log_floor);
            w.put(&a.next_message_id);
            w.box_(&a.messages, &a.log);
            w.box_(&BTreeMap::new(), &a.qts_log);
            w.put(&a.blocked_by);
            w.len(a.bot_commands.len());
            for c in &a.bot_commands {
                w.put(&c.command);
                w.put(&c.description);
            }
        }
        w.len(self.rooms.len());
        for r in self.rooms.values() {
            w.put(&r.id);
            w.put(&r.access_hash);
            w.put(&r.members);
            w.put(&r.pts);
            w.put(&r.next_message_id);
            w.box_(&r.messages, &r.log);
            w.put(&r.title);
            w.put(&r.admins);
        }
        w.len(self.keys.len());
        for slot in self.keys.values() {
            w.put(&slot.key.bytes().to_vec());
            w.opt(&slot.account);
        }
        w.0
    }

    /// Restores a snapshot on top of a freshly built world. Accounts and groups that the
    /// world no longer has are skipped.
    pub(crate) fn restore(&mut self, bytes: &[u8]) -> Result<(), tl::deserialize::Error> {
        let version = match bytes.get(..MAGIC.len()) {
            Some(m) if m == MAGIC => 3,
            Some(m) if m == MAGIC_V2 => 2,
            Some(m) if m == MAGIC_V1 => 1,
            _ => return Err(tl::deserialize::Error::UnexpectedConstructor { id: 0 }),
        };
        let mut r = R(Cursor::from_slice(&bytes[MAGIC.len()..]), version);
        let next_global = r.get::<i64>()? as u64;
        self.set_next_global_id(next_global);
        for _ in 0..r.len()? {
            let id: i64 = r.get()?;
            let access_hash = r.get()?;
            let pts = r.get()?;
            let qts = r.get()?;
            let seq = r.get()?;
            let log_floor = r.get()?;
            let next_message_id = r.get()?;
            let (messages, log) = r.box_()?;
            let (qts_log, blocked_by) = if r.1 >= 3 {
                (r.box_()?.1, r.get()?)
            } else {
                (Vec::new(), Vec::new())
            };
            let mut commands = Vec::new();
            for _ in 0..r.len()? {
                commands.push(crate::observed::BotCommand {
                    command: r.get()?,
                    description: r.get()?,
                });
            }
            if let Some(a) = self.accounts.get_mut(&id) {
                a.access_hash = access_hash;
                a.pts = pts;
                a.qts = qts;
                a.seq = seq;
                a.log_floor = log_floor;
                a.next_message_id = next_message_id;
                for m in messages.values() {
                    register_media(&mut self.files, m);
                }
                a.private_senders = messages
                    .values()
                    .filter(|m| m.peer == PeerRef::User(m.from) && m.from != a.id)
                    .map(|m| m.from)
                    .collect();
                a.messages = messages;
                a.log = log;
                a.qts_log = qts_log;
                a.blocked_by = blocked_by;
                a.bot_commands = commands;
            }
        }
        for _ in 0..r.len()? {
            let id: i64 = r.get()?;
            let access_hash = r.get()?;
            let members = r.get()?;
            let pts = r.get()?;
            let next_message_id = r.get()?;
            let (messages, log) = r.box_()?;
            let renamed: Option<(String, Vec<i64>)> = if r.1 >= 3 {
                Some((r.get()?, r.get()?))
            } else {
                None
            };
            if let Some(room) = self.rooms.get_mut(&id) {
                if let Some((title, admins)) = renamed {
                    room.title = title;
                    room.admins = admins;
                }
                room.access_hash = access_hash;
                room.members = members;
                room.pts = pts;
                room.next_message_id = next_message_id;
                for m in messages.values() {
                    register_media(&mut self.files, m);
                }
                room.messages = messages;
                room.log = log;
            }
        }
        for _ in 0..r.len()? {
            let bytes: Vec<u8> = r.get()?;
            let account: Option<i64> = r.opt()?;
            let Ok(bytes) = <[u8; 256]>::try_from(bytes) else {
                continue;
            };
            let key = self.register_key(bytes, None);
            if let Some(slot) = self.keys.get_mut(&key.id()) {
                slot.account = account.filter(|id| self.accounts.contains_key(id));
            }
        }
        Ok(())
    }
}

fn register_media(files: &mut std::collections::HashMap<i64, StoredFile>, m: &StoredMessage) {
    if let Some(Media::Photo(f) | Media::Document(f)) = &m.media {
        files.insert(f.id, f.clone());
    }
}

/// Writes a snapshot atomically (temp file, then rename), readable only by its owner.
pub(crate) fn save(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |e: std::io::Error| Error::StateFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp).map_err(fail)?;
        file.write_all(bytes).map_err(fail)?;
        file.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Reads a snapshot, if the file exists.
pub(crate) fn load(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::StateFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}
