//! Shared helpers: a world, and real grammers clients connected to a testkit.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use grammers_client::update::Update;
use grammers_client::{Client, tl};
use grammers_mtsender::{SenderPool, SenderPoolFatHandle, UpdatesConfiguration};
use grammers_session::storages::MemorySession;
use grammers_session::updates::UpdatesLike;
use oxygram_session::SqliteSession;
use oxygram_testkit::{Bot, TestKit, User, World};

pub const API_ID: i32 = 12345;
pub const API_HASH: &str = "0123456789abcdef0123456789abcdef";
/// A bot id above 2^32, as new bots' are.
pub const BOT_TOKEN: &str = "7000000123:TESTTOKEN";
/// The bot's id, the number before the token's `:`.
pub const BOT_ID: i64 = 7_000_000_123;
pub const ALICE_PHONE: &str = "+15550001";
pub const BOB_PHONE: &str = "+15550002";
pub const WAIT: Duration = Duration::from_secs(10);

pub fn world() -> World {
    World::new()
        .app(API_ID, API_HASH)
        .bot(Bot::new(BOT_TOKEN).username("echo_bot").name("Echo"))
        .user(
            User::new(ALICE_PHONE)
                .first_name("Alice")
                .username("alice")
                .password("hunter2")
                .hint("pet"),
        )
        .user(User::new(BOB_PHONE).first_name("Bob").username("bob"))
}

/// Which grammers storage a client uses (they behave differently, see the notes).
#[derive(Debug, Clone, Copy)]
pub enum Storage {
    Memory,
    Sqlite,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).unwrap();
        let dir = std::env::temp_dir().join(format!(
            "oxygram-testkit-{name}-{}",
            u64::from_le_bytes(bytes)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A real grammers client connected to the kit.
pub struct TestClient {
    pub client: Client,
    pub handle: SenderPoolFatHandle,
    pub updates: Option<tokio::sync::mpsc::Receiver<UpdatesLike>>,
    runner: tokio::task::JoinHandle<()>,
    sync: Option<tokio::sync::mpsc::UnboundedSender<tokio::sync::oneshot::Sender<()>>>,
    _dir: Option<TempDir>,
}

impl TestClient {
    pub async fn connect(kit: &TestKit, storage: Storage) -> Self {
        match storage {
            Storage::Memory => {
                let session = Arc::new(MemorySession::from(kit.session_data()));
                Self::from_pool(SenderPool::new(session, API_ID), None)
            }
            Storage::Sqlite => {
                let dir = TempDir::new("sqlite");
                let path = dir.0.join("client.session");
                kit.write_session_file(&path).await.unwrap();
                let session = Arc::new(SqliteSession::open(&path).await.unwrap());
                Self::from_pool(SenderPool::new(session, API_ID), Some(dir))
            }
        }
    }

    pub fn from_pool(pool: SenderPool, dir: Option<TempDir>) -> Self {
        let SenderPool {
            runner,
            handle,
            updates,
        } = pool;
        let client = Client::new(handle.clone());
        let runner = tokio::spawn(runner.run());
        Self {
            client,
            handle,
            updates: Some(updates),
            runner,
            sync: None,
            _dir: dir,
        }
    }

    /// Starts the update stream and forwards updates into a channel.
    pub async fn stream(&mut self) -> tokio::sync::mpsc::UnboundedReceiver<Update> {
        let updates = self.updates.take().expect("stream started once");
        let mut stream = self
            .client
            .stream_updates(updates, UpdatesConfiguration { catch_up: true })
            .await
            .unwrap();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (sync_tx, mut sync_rx) =
            tokio::sync::mpsc::unbounded_channel::<tokio::sync::oneshot::Sender<()>>();
        self.sync = Some(sync_tx);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    update = stream.next() => match update {
                        Ok(update) => {
                            if tx.send(update).is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    },
                    Some(done) = sync_rx.recv() => {
                        let _ = stream.sync_update_state().await;
                        let _ = done.send(());
                    }
                }
            }
        });
        rx
    }

    /// Saves the update state to the session (as a bot does on shutdown), then quits.
    pub async fn sync_and_quit(mut self) {
        if let Some(sync) = self.sync.take() {
            let (done_tx, done_rx) = tokio::sync::oneshot::channel();
            if sync.send(done_tx).is_ok() {
                let _ = tokio::time::timeout(WAIT, done_rx).await;
            }
        }
        self.quit().await;
    }

    pub async fn quit(self) {
        self.handle.quit();
        let _ = tokio::time::timeout(WAIT, self.runner).await;
    }
}

/// Waits for the next incoming new message on an update channel.
pub async fn next_new_message(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Update>,
) -> grammers_client::update::Message {
    tokio::time::timeout(WAIT, async {
        loop {
            match rx.recv().await.expect("update stream ended") {
                Update::NewMessage(m) if !m.outgoing() => return m,
                _ => continue,
            }
        }
    })
    .await
    .expect("no new message within the timeout")
}

/// Waits for the first update `pick` accepts, skipping others.
pub async fn next_matching<T>(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Update>,
    mut pick: impl FnMut(Update) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Some(found) = pick(rx.recv().await.expect("update stream ended")) {
                return found;
            }
        }
    })
    .await
    .expect("no matching update within the timeout")
}

/// A logged-in bot client with its update stream running.
pub async fn bot_client(
    kit: &oxygram_testkit::TestKit,
) -> (TestClient, tokio::sync::mpsc::UnboundedReceiver<Update>) {
    let mut bot = TestClient::connect(kit, Storage::Memory).await;
    bot.client.bot_sign_in(BOT_TOKEN, API_HASH).await.unwrap();
    let updates = bot.stream().await;
    (bot, updates)
}

/// A user client already logged in as `who` (no login RPCs), with its update stream.
pub async fn user_client(
    kit: &oxygram_testkit::TestKit,
    who: &str,
) -> (TestClient, tokio::sync::mpsc::UnboundedReceiver<Update>) {
    let session = Arc::new(MemorySession::from(kit.session_data_for(who).unwrap()));
    let mut client = TestClient::from_pool(SenderPool::new(session, API_ID), None);
    let updates = client.stream().await;
    (client, updates)
}

/// A plain `messages.sendMessage` of `text` to `peer`, for tests that need the raw request
/// (their own `random_id`, a hand-made access hash).
pub fn send_message_request(
    peer: impl Into<tl::enums::InputPeer>,
    text: &str,
    random_id: i64,
) -> tl::functions::messages::SendMessage {
    tl::functions::messages::SendMessage {
        no_webpage: true,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer: peer.into(),
        reply_to: None,
        message: text.to_string(),
        random_id,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
        rich_message: None,
    }
}
