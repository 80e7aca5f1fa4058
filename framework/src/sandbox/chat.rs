//! The terminal chat: start the local Telegram and the app, then turn typed lines into
//! messages and the app's messages, edits and deletions into printed lines.
//!
//! Everything the terminal side does goes through the testkit's
//! [`ScriptedUser`]: it is a thin layer, not a second client.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use oxygram_testkit::{Deletion, InlineResults, ObservedMessage, ScriptedUser, TestKit};
use tokio::sync::mpsc;

use super::input::{ButtonRef, HELP, Input, parse_input};
use super::render;
use super::world::{self, Account, Cast};
use super::{SandboxError, SandboxMode};
use crate::App;
use crate::error::Result;
use crate::login::{CodeDelivery, Prompter};

/// How long a script waits for the first reply to a line (`OXYGRAM_SANDBOX_WAIT_MS`).
const DEFAULT_FIRST_REPLY: Duration = Duration::from_millis(2000);

/// The variable that sets how long a script waits for the first reply to a line; the quiet
/// period that ends a reply is a sixth of it (at least 300 ms).
pub(crate) const WAIT_VAR: &str = "OXYGRAM_SANDBOX_WAIT_MS";

/// How long an interactive session waits in one go for something to print.
const POLL: Duration = Duration::from_secs(3600);

/// Starts the local Telegram and the app, and chats until Ctrl+D, `:quit` or Ctrl+C.
pub(crate) async fn run(mut app: App, mode: SandboxMode) -> Result<()> {
    let (given, file) = app.take_config_source();
    let loaded = world::load_config(given, file)?;
    let cast = Cast::new(mode, loaded.as_ref());
    let config = match loaded {
        Some(config) => config,
        None => world::default_config()?,
    };

    let kit = TestKit::start(cast.world())
        .await
        .map_err(testkit_error("start"))?;
    let folder = tempfile::Builder::new()
        .prefix("oxygram-sandbox-")
        .tempdir()
        .map_err(|source| SandboxError::Io {
            doing: "create a folder for the sandbox session",
            source,
        })?;
    let config = cast.configure(config, folder.path());
    let session = config.session_path();
    kit.write_session_file(&session)
        .await
        .map_err(testkit_error("write the sandbox session"))?;
    restrict_to_owner(&session);

    let mut app = app.config(config).prompter(SandboxPrompter);
    app.start().await?;

    let mut chat = Chat::new(&kit, &cast)?;
    eprintln!("{}", chat.banner());
    let chatted = tokio::select! {
        chatted = chat.run() => chatted,
        idled = app.idle() => idled,
    };
    let stopped = app.stop().await;
    kit.shutdown().await;
    drop(folder);
    chatted.and(stopped)
}

fn testkit_error(doing: &'static str) -> impl FnOnce(oxygram_testkit::Error) -> crate::Error {
    move |e| {
        SandboxError::Testkit {
            doing,
            detail: e.to_string(),
        }
        .into()
    }
}

/// The session holds an auth key: keep it private like a real one (and spare the warning the
/// session opener prints for readable files).
fn restrict_to_owner(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The login in the sandbox needs nothing from the terminal: the configuration has it all.
struct SandboxPrompter;

impl Prompter for SandboxPrompter {
    fn phone(&mut self) -> std::io::Result<Option<String>> {
        Ok(None)
    }

    fn confirm_phone(&mut self, _phone: &str) -> std::io::Result<bool> {
        Ok(true)
    }

    fn code(&mut self, _sent_via: &CodeDelivery) -> std::io::Result<Option<secrecy::SecretString>> {
        Ok(None)
    }

    fn password(&mut self, _hint: Option<&str>) -> std::io::Result<Option<secrecy::SecretString>> {
        Ok(None)
    }

    fn show(&mut self, message: &str) {
        tracing::debug!("sandbox login: {message}");
    }
}

/// Something that happened in the chat the terminal shows.
enum Event {
    New(ObservedMessage),
    Edited(ObservedMessage),
    Deleted(Deletion),
}

/// Waits up to `timeout` for the next message, edit or deletion `user` sees.
async fn next_event(user: &ScriptedUser, timeout: Duration) -> Option<Event> {
    // Each wait takes its item only when it completes, so dropping the losers loses nothing.
    tokio::select! {
        biased;
        message = user.next_message(timeout) => message.ok().map(Event::New),
        edit = user.next_edit(timeout) => edit.ok().map(Event::Edited),
        deletion = user.next_deletion(timeout) => deletion.ok().map(Event::Deleted),
    }
}

/// What happens after a line.
enum Flow {
    /// Something went to the app: a script waits for the replies.
    Sent,
    /// Nothing reached the app (a note, `:help`, an empty line).
    Local,
    /// End the sandbox.
    Quit,
}

/// The terminal's side of the chat.
struct Chat {
    cast: Cast,
    /// Receives the app's messages (and, for user accounts, sees the app's chat).
    observer: ScriptedUser,
    /// Sends typed lines: `observer` for bots, the app's own account for userbots.
    typist: ScriptedUser,
    /// `@username` of every account that can appear, by id.
    names: HashMap<i64, String>,
    /// Messages seen in the chat (by the observer's ids), for edits, deletions and presses.
    seen: HashMap<i32, ObservedMessage>,
    /// The latest message that has a keyboard.
    keyboard: Option<i32>,
    /// The latest inline results, for `:pick`.
    inline: Option<InlineResults>,
    /// Texts the typist sent that have not reached the observer yet (userbots: the observer
    /// sees our own lines too, and they were printed already).
    typed: VecDeque<String>,
    interactive: bool,
    first_reply: Duration,
}

impl Chat {
    fn new(kit: &TestKit, cast: &Cast) -> Result<Self> {
        let find = |who: &str| {
            kit.try_user(who)
                .map_err(testkit_error("find the sandbox accounts"))
        };
        let observer = find(&cast.observer)?;
        let typist = match cast.account {
            Account::Bot => observer.clone(),
            Account::User => find(&cast.app)?,
        };
        let mut names = HashMap::new();
        for who in [&cast.app, &cast.observer] {
            if let Some(id) = kit.account_id(who) {
                names.insert(id, format!("@{who}"));
            }
        }
        let first_reply = std::env::var(WAIT_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(DEFAULT_FIRST_REPLY, Duration::from_millis);
        Ok(Self {
            cast: cast.clone(),
            observer,
            typist,
            names,
            seen: HashMap::new(),
            keyboard: None,
            inline: None,
            typed: VecDeque::new(),
            interactive: std::io::stdin().is_terminal(),
            first_reply,
        })
    }

    fn banner(&self) -> String {
        let app = format!("@{}", self.cast.app);
        let who = match self.cast.account {
            Account::Bot => format!("You are @you, chatting with the bot {app}."),
            Account::User => format!(
                "Your app is the user account {app}: lines you type are sent as {app} to \
                 @friend (:in TEXT makes @friend write to you)."
            ),
        };
        let end = if self.interactive {
            "Type a message and press Enter; :help lists commands; Ctrl+D quits."
        } else {
            "Reading lines from stdin."
        };
        format!("oxygram sandbox: a local Telegram runs in this process.\n{who}\n{end}")
    }

    async fn run(&mut self) -> Result<()> {
        let mut lines = read_lines().map_err(|source| SandboxError::Io {
            doing: "start reading the terminal",
            source,
        })?;
        if self.interactive {
            loop {
                tokio::select! {
                    line = lines.recv() => {
                        let Some(line) = line else { break };
                        if let Flow::Quit = self.handle(&line).await {
                            break;
                        }
                    }
                    event = next_event(&self.observer, POLL) => {
                        if let Some(event) = event {
                            self.show(event);
                        }
                    }
                }
            }
        } else {
            // Whatever the app says on its own at startup (nothing, usually).
            self.settle(self.quiet()).await;
            while let Some(line) = lines.recv().await {
                match self.handle(&line).await {
                    Flow::Sent => self.settle(self.first_reply).await,
                    Flow::Local => {}
                    Flow::Quit => break,
                }
            }
        }
        Ok(())
    }

    /// The silence that ends a reply: a sixth of the first-reply wait, at least 300 ms.
    fn quiet(&self) -> Duration {
        (self.first_reply / 6).max(Duration::from_millis(300))
    }

    /// Prints what arrives, waiting up to `first` for the first event and then until the chat
    /// has been quiet for [`Chat::quiet`] (scripts).
    async fn settle(&mut self, first: Duration) {
        let quiet = self.quiet();
        let mut wait = first;
        while let Some(event) = next_event(&self.observer, wait).await {
            self.show(event);
            wait = quiet;
        }
    }

    async fn handle(&mut self, line: &str) -> Flow {
        let sent = match parse_input(line) {
            Input::Nothing => false,
            Input::Help => {
                println!("{HELP}");
                false
            }
            Input::Quit => return Flow::Quit,
            Input::Invalid(usage) => {
                note(&usage);
                false
            }
            Input::Text(text) => self.send(text).await,
            Input::Press(button) => self.press(button).await,
            Input::Inline(query) => self.inline_query(&query).await,
            Input::Pick(n) => self.pick(n).await,
            Input::Incoming(text) => self.incoming(&text).await,
        };
        if sent { Flow::Sent } else { Flow::Local }
    }

    async fn send(&mut self, text: String) -> bool {
        let from = match self.cast.account {
            Account::Bot => &self.cast.observer,
            Account::User => &self.cast.app,
        };
        let to = match self.cast.account {
            Account::Bot => self.cast.app.clone(),
            Account::User => self.cast.observer.clone(),
        };
        if !self.interactive {
            println!("@{from}: {text}");
        }
        if self.cast.account == Account::User {
            self.typed.push_back(text.clone());
        }
        if let Err(e) = self.typist.send_text(&to, &text).await {
            self.typed.retain(|t| t != &text);
            note(&format!("could not send: {e}"));
            return false;
        }
        true
    }

    async fn incoming(&mut self, text: &str) -> bool {
        if self.cast.account != Account::User {
            note(":in is for user accounts (--sandbox=user); just type to talk to the bot");
            return false;
        }
        if !self.interactive {
            println!("@{}: {text}", self.cast.observer);
        }
        if let Err(e) = self.observer.send_text(&self.cast.app, text).await {
            note(&format!("could not send: {e}"));
            return false;
        }
        true
    }

    async fn press(&mut self, button: ButtonRef) -> bool {
        let Some(message) = self.keyboard.and_then(|id| self.seen.get(&id)).cloned() else {
            note("there is no keyboard to press");
            return false;
        };
        let label = match &button {
            ButtonRef::Number(n) => match render::nth_button(&message.buttons, *n) {
                Some(b) => b.text.clone(),
                None => {
                    let count = message.buttons.iter().flatten().count();
                    note(&format!("the latest keyboard has buttons 1 to {count}"));
                    return false;
                }
            },
            ButtonRef::Label(label) => label.clone(),
        };
        if !self.interactive {
            println!("@{} pressed [{label}]", self.cast.observer);
        }
        match self.observer.press_button(&message, &label).await {
            Ok(answer) => {
                if let Some(line) = render::answer(&answer) {
                    println!("{line}");
                }
            }
            Err(e) => note(&format!("pressing [{label}] failed: {e}")),
        }
        // Even a failed press reached the bot, which may still edit or send something.
        true
    }

    async fn inline_query(&mut self, query: &str) -> bool {
        if self.cast.account != Account::Bot {
            note(":inline asks a bot, and this app is a user account");
            return false;
        }
        if !self.interactive {
            println!("@{} (inline query): {query}", self.cast.observer);
        }
        match self.observer.inline_query(&self.cast.app, query).await {
            Ok(results) => {
                println!(
                    "{}",
                    render::inline_results(&format!("@{}", self.cast.app), &results)
                );
                self.inline = Some(results);
                true
            }
            Err(e) => {
                note(&format!("the inline query failed: {e}"));
                false
            }
        }
    }

    async fn pick(&mut self, n: usize) -> bool {
        let Some(results) = &self.inline else {
            note("no inline results yet: :inline QUERY first");
            return false;
        };
        let Some(result) = results.results.get(n - 1) else {
            note(&format!(
                "the latest inline results are numbered 1 to {}",
                results.results.len()
            ));
            return false;
        };
        match self
            .observer
            .send_inline_result(&self.cast.app, results, &result.id)
            .await
        {
            Ok(sent) => {
                let via = format!("@{} (via @{})", self.cast.observer, self.cast.app);
                println!("{}", render::message(&via, &sent, false));
                true
            }
            Err(e) => {
                note(&format!("sending the inline result failed: {e}"));
                false
            }
        }
    }

    fn name(&self, id: i64) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("user {id}"))
    }

    fn show(&mut self, event: Event) {
        match event {
            Event::New(message) => {
                let ours = self.typed.front() == Some(&message.text)
                    && self.names.get(&message.sender_id) == Some(&format!("@{}", self.cast.app));
                if ours {
                    self.typed.pop_front();
                } else {
                    println!(
                        "{}",
                        render::message(&self.name(message.sender_id), &message, false)
                    );
                }
                self.remember(message);
            }
            Event::Edited(message) => {
                println!(
                    "{}",
                    render::message(&self.name(message.sender_id), &message, true)
                );
                self.remember(message);
            }
            Event::Deleted(deletion) => {
                for id in deletion.ids {
                    let gone = self.seen.remove(&id);
                    let by = gone
                        .as_ref()
                        .map_or_else(|| format!("@{}", self.cast.app), |m| self.name(m.sender_id));
                    println!(
                        "{}",
                        render::deletion(&by, gone.as_ref().map(|m| m.text.as_str()), id)
                    );
                    if self.keyboard == Some(id) {
                        self.keyboard = None;
                    }
                }
            }
        }
    }

    fn remember(&mut self, message: ObservedMessage) {
        if !message.buttons.is_empty() {
            self.keyboard = Some(message.id);
        } else if self.keyboard == Some(message.id) {
            self.keyboard = None;
        }
        self.seen.insert(message.id, message);
    }
}

/// A note from the sandbox itself (not part of the chat), on stderr.
fn note(text: &str) {
    eprintln!("sandbox: {text}");
}

/// Lines from stdin, read on a plain thread (a blocked read must not hold up shutdown); the
/// channel closes at end of input.
fn read_lines() -> std::io::Result<mpsc::UnboundedReceiver<String>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("oxygram-sandbox-stdin".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        })?;
    Ok(rx)
}
