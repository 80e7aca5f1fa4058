//! Updates without a server: build grammers [`Update`]s from raw TL objects, to unit-test
//! filters, extractors and routing, and to benchmark the router.
//!
//! grammers only builds its friendly update types from a live update stream (the peer cache
//! they carry has no public constructor). [`TestWorld::new`] therefore runs a real
//! [`UpdateStream`](grammers_client::client::UpdateStream) over an in-memory session and a
//! channel it feeds itself, with no network: one batch of users and chats goes in, and the
//! resulting peer cache is kept to build any number of updates with [`Update::from_raw`].
//!
//! ```
//! # tokio_test_block_on(async {
//! use oxygram::dispatch::testing::{TestWorld, TestUser};
//!
//! let world = TestWorld::new(vec![TestUser::new(42, "alice")], vec![]).await;
//! let update = world.private_text(42, 1, "/start");
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
//! # }
//! ```

use std::sync::Arc;
use std::time::Duration;

use grammers_client::peer::PeerMap;
use grammers_client::session::storages::MemorySession;
use grammers_client::session::updates::{State, UpdatesLike};
use grammers_client::update::Update;
use grammers_client::{Client, SenderPool, tl};
use grammers_mtsender::UpdatesConfiguration;
use oxygram_testkit::tl_objects::{
    ChannelObject, ForwardObject, GroupObject, MessageObject, PeerRef, ServiceObject, UserObject,
};

/// A user to put in the world's peer cache.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The user id.
    pub id: i64,
    /// The username, without `@`.
    pub username: Option<String>,
    /// Whether the user is a bot.
    pub bot: bool,
    /// The first name.
    pub first_name: String,
}

impl TestUser {
    /// A human user with a username.
    pub fn new(id: i64, username: &str) -> Self {
        Self {
            id,
            username: Some(username.to_owned()),
            bot: false,
            first_name: username.to_owned(),
        }
    }

    /// Marks the user as a bot.
    pub fn bot(mut self) -> Self {
        self.bot = true;
        self
    }

    pub(crate) fn to_tl(&self) -> tl::enums::User {
        UserObject {
            id: self.id,
            access_hash: self.id.wrapping_mul(7919),
            first_name: self.first_name.clone(),
            username: self.username.clone(),
            bot: self.bot,
            ..Default::default()
        }
        .to_tl()
    }
}

/// A group or channel to put in the world's peer cache.
#[derive(Debug, Clone)]
pub enum TestChat {
    /// A small group with this bare id.
    Group(i64),
    /// A supergroup (megagroup channel) with this bare id.
    Supergroup(i64),
    /// A broadcast channel with this bare id.
    Channel(i64),
}

impl TestChat {
    fn to_tl(&self) -> tl::enums::Chat {
        match *self {
            TestChat::Group(id) => GroupObject::new(id, format!("group {id}")).to_tl(),
            TestChat::Supergroup(id) => {
                ChannelObject::new(id, format!("channel {id}"), false).to_tl()
            }
            TestChat::Channel(id) => ChannelObject::new(id, format!("channel {id}"), true).to_tl(),
        }
    }
}

/// An offline client plus a peer cache: a factory for grammers updates.
pub struct TestWorld {
    client: Client,
    peers: PeerMap,
}

impl TestWorld {
    /// A world knowing `users` and `chats`. Needs a tokio runtime; does no I/O.
    pub async fn new(users: Vec<TestUser>, chats: Vec<TestChat>) -> Self {
        let session = Arc::new(MemorySession::default());
        // The pool's runner is never started: nothing here sends a request.
        let SenderPool { handle, .. } = SenderPool::new(Arc::clone(&session), 1);
        let client = Client::new(handle);
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let mut stream = client
            .stream_updates(rx, UpdatesConfiguration { catch_up: false })
            .await
            .expect("an in-memory update stream starts");
        let seed = tl::enums::Updates::Updates(tl::types::Updates {
            updates: vec![tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
                user_id: 0,
                status: tl::enums::UserStatus::Empty,
            })],
            users: users.iter().map(TestUser::to_tl).collect(),
            chats: chats.iter().map(TestChat::to_tl).collect(),
            date: 0,
            seq: 0,
        });
        tx.send(UpdatesLike::Updates(seed))
            .await
            .expect("the stream is listening");
        let (_, _, peers) = tokio::time::timeout(Duration::from_secs(5), stream.next_raw())
            .await
            .expect("the seed update comes back without network")
            .expect("the seed update is valid");
        Self { client, peers }
    }

    /// The offline client (requests through it never complete; do not await them).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A grammers update from a raw TL update, with the world's peer cache.
    pub fn update(&self, raw: tl::enums::Update) -> Update {
        let state = State {
            date: 0,
            seq: 0,
            message_box: None,
        };
        Update::from_raw(&self.client, raw, state, self.peers.handle())
    }

    /// A new incoming text message from user `from` in the private chat with them.
    pub fn private_text(&self, from: i64, id: i32, text: &str) -> Update {
        self.message(MessageSpec::new(id, text).chat(peer_user(from)))
    }

    /// A new message described by `spec`.
    pub fn message(&self, spec: MessageSpec) -> Update {
        let message = spec.to_tl();
        let raw = match spec.chat {
            tl::enums::Peer::Channel(_) => {
                tl::enums::Update::NewChannelMessage(tl::types::UpdateNewChannelMessage {
                    message,
                    pts: 1,
                    pts_count: 1,
                })
            }
            _ => tl::enums::Update::NewMessage(tl::types::UpdateNewMessage {
                message,
                pts: 1,
                pts_count: 1,
            }),
        };
        self.update(raw)
    }

    /// An edit of a message described by `spec`.
    pub fn edited(&self, spec: MessageSpec) -> Update {
        self.update(tl::enums::Update::EditMessage(
            tl::types::UpdateEditMessage {
                message: spec.to_tl(),
                pts: 1,
                pts_count: 1,
            },
        ))
    }

    /// A press of a button with `data` by user `from` in the private chat with them.
    pub fn callback(&self, from: i64, data: &[u8]) -> Update {
        self.update(tl::enums::Update::BotCallbackQuery(
            tl::types::UpdateBotCallbackQuery {
                query_id: 1,
                user_id: from,
                peer: peer_user(from),
                msg_id: 1,
                chat_instance: 1,
                data: Some(data.to_vec()),
                game_short_name: None,
            },
        ))
    }

    /// An inline query `@bot query` by user `from`.
    pub fn inline_query(&self, from: i64, query: &str) -> Update {
        self.update(tl::enums::Update::BotInlineQuery(
            tl::types::UpdateBotInlineQuery {
                query_id: 1,
                user_id: from,
                query: query.to_owned(),
                geo: None,
                peer_type: None,
                offset: String::new(),
            },
        ))
    }

    /// User `from` chose inline result `result_id` for `query`.
    pub fn inline_send(&self, from: i64, query: &str, result_id: &str) -> Update {
        self.update(tl::enums::Update::BotInlineSend(
            tl::types::UpdateBotInlineSend {
                user_id: from,
                query: query.to_owned(),
                geo: None,
                id: result_id.to_owned(),
                msg_id: None,
            },
        ))
    }

    /// Messages `ids` were deleted (outside channels).
    pub fn deleted(&self, ids: &[i32]) -> Update {
        self.update(tl::enums::Update::DeleteMessages(
            tl::types::UpdateDeleteMessages {
                messages: ids.to_vec(),
                pts: 1,
                pts_count: 1,
            },
        ))
    }

    /// User `user_id` went online: an update grammers only exposes raw.
    pub fn user_status(&self, user_id: i64) -> Update {
        self.update(tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
            user_id,
            status: tl::enums::UserStatus::Online(tl::types::UserStatusOnline { expires: 0 }),
        }))
    }
}

/// `peerUser` for `id`.
pub fn peer_user(id: i64) -> tl::enums::Peer {
    PeerRef::User(id).to_tl()
}

/// `peerChat` for the small group `id`.
pub fn peer_chat(id: i64) -> tl::enums::Peer {
    PeerRef::Chat(id).to_tl()
}

/// `peerChannel` for the channel or supergroup `id`.
pub fn peer_channel(id: i64) -> tl::enums::Peer {
    PeerRef::Channel(id).to_tl()
}

/// A message to build with [`TestWorld::message`].
#[derive(Debug, Clone)]
pub struct MessageSpec {
    /// Message id.
    pub id: i32,
    /// Text (or caption).
    pub text: String,
    /// The chat.
    pub chat: tl::enums::Peer,
    /// The sender, when not implied by a private chat.
    pub from: Option<tl::enums::Peer>,
    /// Sent by this account.
    pub out: bool,
    /// Mentions this account.
    pub mentioned: bool,
    /// A channel post.
    pub post: bool,
    /// Media.
    pub media: Option<tl::enums::MessageMedia>,
    /// Replying to this message id.
    pub reply_to: Option<i32>,
    /// Forwarded from this peer.
    pub forwarded_from: Option<tl::enums::Peer>,
    /// Sent via this inline bot.
    pub via_bot: Option<i64>,
    /// A service message (chat created, unless [`action`](Self::action) says otherwise)
    /// instead of a regular one.
    pub service: bool,
    /// The service message's action (implies `service`).
    pub action: Option<tl::enums::MessageAction>,
    /// Formatting entities (offsets and lengths in UTF-16 code units, as Telegram sends them).
    pub entities: Vec<tl::enums::MessageEntity>,
}

impl MessageSpec {
    /// A text message in the private chat with user 1.
    pub fn new(id: i32, text: &str) -> Self {
        Self {
            id,
            text: text.to_owned(),
            chat: peer_user(1),
            from: None,
            out: false,
            mentioned: false,
            post: false,
            media: None,
            reply_to: None,
            forwarded_from: None,
            via_bot: None,
            service: false,
            action: None,
            entities: Vec::new(),
        }
    }

    /// A service message with this action.
    pub fn action(mut self, action: tl::enums::MessageAction) -> Self {
        self.service = true;
        self.action = Some(action);
        self
    }

    /// Replying to message `id` (for a pin: the pinned message).
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self
    }

    /// In `chat`.
    pub fn chat(mut self, chat: tl::enums::Peer) -> Self {
        self.chat = chat;
        self
    }

    /// Sent by user `id` (for groups and channels).
    pub fn from_user(mut self, id: i64) -> Self {
        self.from = Some(peer_user(id));
        self
    }

    /// Sent by this account.
    pub fn outgoing(mut self) -> Self {
        self.out = true;
        self
    }

    /// With media.
    pub fn media(mut self, media: tl::enums::MessageMedia) -> Self {
        self.media = Some(media);
        self
    }

    /// With these formatting entities.
    pub fn entities(mut self, entities: Vec<tl::enums::MessageEntity>) -> Self {
        self.entities = entities;
        self
    }

    fn to_tl(&self) -> tl::enums::Message {
        if self.service {
            let action = self.action.clone().unwrap_or_else(|| {
                tl::enums::MessageAction::ChatCreate(tl::types::MessageActionChatCreate {
                    title: "group".into(),
                    users: vec![],
                })
            });
            return ServiceObject {
                from: self.from.clone(),
                out: self.out,
                mentioned: self.mentioned,
                post: self.post,
                reply_to: self.reply_to,
                ..ServiceObject::new(self.id, self.chat.clone(), action)
            }
            .to_tl();
        }
        MessageObject {
            from: self.from.clone(),
            out: self.out,
            mentioned: self.mentioned,
            post: self.post,
            entities: self.entities.clone(),
            media: self.media.clone(),
            reply_to: self.reply_to,
            forward: self
                .forwarded_from
                .clone()
                .map(|from| ForwardObject { from, date: 0 }),
            via_bot: self.via_bot,
            ..MessageObject::new(self.id, self.chat.clone(), self.text.clone())
        }
        .to_tl()
    }
}
