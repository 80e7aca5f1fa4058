//! The terminal chat: start the local Telegram and the app, then turn typed lines into
//! messages and the app's messages, edits and deletions into printed lines.
//!
//! Everything the terminal side does goes through the testkit's
//! [`ScriptedUser`]: it is a thin layer, not a second client.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use oxygram_testkit::{ChatKind, Deletion, InlineResults, ObservedMessage, ScriptedUser, TestKit};
use tokio::sync::mpsc;

use super::input::{ButtonRef, HELP, Input, parse_input};
use super::render;
use super::world::{self, Account, Cast, Local, testkit_error};
use super::{SandboxError, SandboxMode};
use crate::App;
use crate::error::Result;

/// How long a script waits for the first reply to a line (`OXYGRAM_SANDBOX_WAIT_MS`).
const DEFAULT_FIRST_REPLY: Duration = Duration::from_millis(2000);

/// The variable that sets how long a script waits for the first reply to a line; the quiet
/// period that ends a reply is a sixth of it (at least 300 ms).
pub(crate) const WAIT_VAR: &str = "OXYGRAM_SANDBOX_WAIT_MS";

/// How long an interactive session waits in one go for something to print.
const POLL: Duration = Duration::from_secs(3600);

/// Starts the local Telegram and the app, and chats until Ctrl+D, `:quit` or Ctrl+C.
pub(crate) async fn run(app: App, mode: SandboxMode) -> Result<()> {
    // Before the testkit starts, so its own warnings are seen; the app's `log::init` later
    // finds this subscriber installed.
    crate::log::init_quieting(
        &crate::config::LogConfig {
            level: world::LOG_LEVEL.to_owned(),
        },
        world::QUIET_UNDER_RUST_LOG,
    );
    let (mut app, local) = Local::prepare(app, mode).await?;
    app.start().await?;

    let mut chat = Chat::new(&local.kit, &local.cast)?;
    eprintln!("{}", chat.banner());
    let chatted = tokio::select! {
        chatted = chat.run() => chatted,
        idled = app.idle() => idled,
    };
    let stopped = app.stop().await;
    local.shutdown().await;
    chatted.and(stopped)
}

/// Something that happened in the chat the terminal shows.
enum Event {
    New(ObservedMessage),
    Edited(ObservedMessage),
    Deleted(Deletion),
}

/// Waits up to `timeout` for the next event `observer` or `other` sees, with who saw it.
async fn next_event(
    observer: &ScriptedUser,
    other: Option<&ScriptedUser>,
    timeout: Duration,
) -> Option<(i64, Event)> {
    let others = async {
        match other {
            Some(user) => next_event_of(user, timeout)
                .await
                .map(|event| (user.id(), event)),
            None => {
                tokio::time::sleep(timeout).await;
                None
            }
        }
    };
    tokio::select! {
        biased;
        event = next_event_of(observer, timeout) => event.map(|event| (observer.id(), event)),
        event = others => event,
    }
}

/// Waits up to `timeout` for the next message, edit or deletion `user` sees.
async fn next_event_of(user: &ScriptedUser, timeout: Duration) -> Option<Event> {
    // Each wait takes its item only when it completes, so dropping the losers loses nothing.
    loop {
        tokio::select! {
            biased;
            message = user.next_message(timeout) => return message.ok().map(Event::New),
            edit = user.next_edit(timeout) => return edit.ok().map(Event::Edited),
            deletion = user.next_deletion(timeout) => return deletion.ok().map(Event::Deleted),
            // Service messages (joins, leaves, titles) come from the sandbox's own commands,
            // which print them: taken here so they do not pile up unread.
            service = user.next_service_message(timeout) => {
                if service.is_err() {
                    return None;
                }
            }
        }
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

/// Where typed lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The private chat with the app.
    Private,
    /// The sandbox group (bot mode).
    Group,
}

/// The terminal's side of the chat.
struct Chat<'k> {
    kit: &'k TestKit,
    cast: Cast,
    /// Where typed lines go now (`:group`, `:private`).
    place: Place,
    /// The other person (`@bob`, bot mode): their private chat with the bot is shown too.
    other: Option<ScriptedUser>,
    /// The sandbox group's id (bot mode).
    group_id: Option<i64>,
    /// The bot's privacy mode (`:privacy`), for what `:group` says.
    privacy: bool,
    /// Receives the app's messages (and, for user accounts, sees the app's chat).
    observer: ScriptedUser,
    /// Sends typed lines: `observer` for bots, the app's own account for userbots.
    typist: ScriptedUser,
    /// `@username` of every account that can appear, by id.
    names: HashMap<i64, String>,
    /// Messages seen, by (who saw it, id in their box), for edits, deletions and presses.
    seen: HashMap<(i64, i32), ObservedMessage>,
    /// The latest message that has a keyboard, as (who saw it, id).
    keyboard: Option<(i64, i32)>,
    /// The latest inline results, for `:pick`.
    inline: Option<InlineResults>,
    /// (sender, text) of lines printed already that have not reached the observer yet
    /// (userbots: the observer sees our own lines; `:as bob` in the group).
    typed: VecDeque<(i64, String)>,
    interactive: bool,
    first_reply: Duration,
}

impl<'k> Chat<'k> {
    fn new(kit: &'k TestKit, cast: &Cast) -> Result<Self> {
        let find = |who: &str| {
            kit.try_user(who)
                .map_err(testkit_error("find the sandbox accounts"))
        };
        let observer = find(&cast.observer)?;
        let typist = match cast.account {
            Account::Bot => observer.clone(),
            Account::User => find(&cast.app)?,
        };
        let other = cast.other.as_deref().map(find).transpose()?;
        let mut names = HashMap::new();
        for who in [&cast.app, &cast.observer].into_iter().chain(&cast.other) {
            if let Some(id) = kit.account_id(who) {
                names.insert(id, format!("@{who}"));
            }
        }
        let first_reply = std::env::var(WAIT_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(DEFAULT_FIRST_REPLY, Duration::from_millis);
        Ok(Self {
            kit,
            cast: cast.clone(),
            place: Place::Private,
            other,
            group_id: cast.group.as_deref().and_then(|g| kit.chat_id(g)),
            // Telegram's default (`Bot::privacy`), which `Cast::world` keeps.
            privacy: true,
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
            Account::Bot => format!(
                "You are @you, chatting with the bot {app}. @bob, you and the bot are in \
                 \"{}\" (:group goes there, :as bob TEXT speaks as @bob).",
                self.cast.group.as_deref().unwrap_or_default()
            ),
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
                    event = next_event(&self.observer, self.other.as_ref(), POLL) => {
                        if let Some((viewer, event)) = event {
                            self.show(viewer, event);
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
        while let Some((viewer, event)) =
            next_event(&self.observer, self.other.as_ref(), wait).await
        {
            self.show(viewer, event);
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
            Input::Group => self.switch(Place::Group),
            Input::Private => self.switch(Place::Private),
            Input::As { who, text } => self.send_as(&who, text).await,
            Input::Join(who) => self.join(&who).await,
            Input::Leave(who) => self.leave(&who).await,
            Input::Kick(who) => self.kick(&who).await,
            Input::Title(title) => self.retitle(&title).await,
            Input::Block(stop) => self.block(stop).await,
            Input::Privacy(on) => self.set_privacy(on),
        };
        if sent { Flow::Sent } else { Flow::Local }
    }

    /// Where lines typed now go: the group, or the private chat with the app.
    fn destination(&self) -> String {
        match (self.place, &self.cast.group) {
            (Place::Group, Some(group)) => group.clone(),
            _ => match self.cast.account {
                Account::Bot => self.cast.app.clone(),
                Account::User => self.cast.observer.clone(),
            },
        }
    }

    /// `:group` / `:private`.
    fn switch(&mut self, place: Place) -> bool {
        match (place, &self.cast.group) {
            (Place::Group, None) => {
                note("the sandbox group is for bot accounts (--sandbox=bot)");
            }
            (Place::Group, Some(group)) => {
                self.place = place;
                let privacy = if self.privacy {
                    "privacy mode is on, so the bot receives only commands, replies to it and \
                     mentions of it here (:privacy off changes that)"
                } else {
                    "privacy mode is off: the bot receives everything here"
                };
                note(&format!(
                    "now in \"{group}\" with @bob and @{}; {privacy}",
                    self.cast.app
                ));
            }
            (Place::Private, _) => {
                self.place = place;
                note("now in your private chat with the app");
            }
        }
        false
    }

    async fn send(&mut self, text: String) -> bool {
        let from = match self.cast.account {
            Account::Bot => &self.cast.observer,
            Account::User => &self.cast.app,
        };
        let to = self.destination();
        // Printed (and, for userbots, expected back from the observer) once it was sent: the
        // observer's copy waits in its inbox until `show`.
        match self.typist.send_text(&to, &text).await {
            Ok(sent) => {
                if !self.interactive {
                    println!("{}@{from}: {text}", self.label_for_place(from));
                }
                if self.cast.account == Account::User {
                    self.typed.push_back((self.typist.id(), text));
                }
                let reached = self.reached_the_app(&self.typist, &sent);
                // What the app replies to (userbots: the observer's copy, remembered in
                // `show`).
                self.remember(self.typist.id(), sent);
                reached
            }
            Err(e) => {
                note(&format!("could not send: {e}"));
                false
            }
        }
    }

    /// `:as NAME TEXT`: someone else speaks, in the current chat (in private, in their own
    /// chat with the bot).
    async fn send_as(&mut self, who: &str, text: String) -> bool {
        if who == self.cast.app {
            note(&format!("@{who} is your app: it speaks for itself"));
            return false;
        }
        if who == self.cast.observer {
            return self.send(text).await;
        }
        let sender = match self.kit.try_user(who) {
            Ok(sender) => sender,
            Err(_) => {
                note(&format!("there is no @{who} here: {}", self.people()));
                return false;
            }
        };
        let to = match self.place {
            Place::Group => self.destination(),
            Place::Private => self.cast.app.clone(),
        };
        match sender.send_text(&to, &text).await {
            Ok(sent) => {
                println!("{}@{who}: {text}", self.label_for_place(who));
                // The observer got the group's copy too: it was printed just now.
                if self.place == Place::Group && self.observer_in_group() {
                    self.typed.push_back((sender.id(), text));
                }
                let reached = self.reached_the_app(&sender, &sent);
                self.remember(sender.id(), sent);
                reached
            }
            Err(e) => {
                note(&format!("could not send as @{who}: {e}"));
                false
            }
        }
    }

    /// After `sender` sent `sent` into a group: asks the testkit whether the bot got it, and
    /// says so when privacy mode (or the bot's absence) kept it away. Whether the app has
    /// something to answer.
    fn reached_the_app(&self, sender: &ScriptedUser, sent: &ObservedMessage) -> bool {
        if sent.chat_kind == ChatKind::Private || self.cast.account != Account::Bot {
            return true;
        }
        match sender.delivered_to(sent, &self.cast.app) {
            Ok(true) => true,
            Ok(false) => {
                let in_group = self.cast.group.as_deref().is_some_and(|group| {
                    self.kit.is_member(group, &self.cast.app).unwrap_or(false)
                });
                let why = if in_group {
                    render::Undelivered::Privacy
                } else {
                    render::Undelivered::NotMember
                };
                println!("{}", render::undelivered(why, self.interactive));
                false
            }
            Err(e) => {
                note(&format!("could not tell whether the bot got it: {e}"));
                true
            }
        }
    }

    /// `:join NAME`: a member of the group adds `NAME` (@you, or @bob when you are out).
    async fn join(&mut self, who: &str) -> bool {
        let Some(group) = self.cast.group.clone() else {
            note("the sandbox group is for bot accounts (--sandbox=bot)");
            return false;
        };
        let Some(joiner) = self.kit.account_id(who) else {
            note(&format!("there is no @{who} here: {}", self.people()));
            return false;
        };
        let adder = std::iter::once(&self.observer)
            .chain(&self.other)
            .filter(|u| u.id() != joiner)
            .find(|u| self.is_member_id(&group, u.id()))
            .cloned();
        let Some(adder) = adder else {
            note(&format!("nobody left in \"{group}\" can add @{who}"));
            return false;
        };
        match adder.add_to_group(&group, who).await {
            Ok(()) => println!(
                "{}{} added @{who}",
                render::GROUP_LABEL,
                self.name(adder.id())
            ),
            Err(e) => note(&format!("could not add @{who}: {e}")),
        }
        false
    }

    /// `:privacy on|off`: BotFather's `/setprivacy` for the app's bot.
    fn set_privacy(&mut self, on: bool) -> bool {
        if self.cast.account != Account::Bot {
            note(":privacy is about bots in groups, and this app is a user account");
            return false;
        }
        match self.kit.set_privacy(&self.cast.app, on) {
            Ok(()) => {
                self.privacy = on;
                note(if on {
                    "privacy mode on: in groups the bot receives only commands, replies to it \
                     and mentions of it"
                } else {
                    "privacy mode off: the bot receives every group message"
                });
            }
            Err(e) => note(&format!("could not change privacy mode: {e}")),
        }
        false
    }

    /// `:leave NAME`: `NAME` leaves the group.
    async fn leave(&mut self, who: &str) -> bool {
        let Some(group) = self.cast.group.clone() else {
            note("the sandbox group is for bot accounts (--sandbox=bot)");
            return false;
        };
        let Ok(user) = self.kit.try_user(who) else {
            note(&format!("there is no @{who} here: {}", self.people()));
            return false;
        };
        match user.leave_group(&group).await {
            Ok(()) => println!("{}@{who} left", render::GROUP_LABEL),
            Err(e) => note(&format!("@{who} could not leave: {e}")),
        }
        false
    }

    /// `:kick NAME`: @you, the group's creator, removes `NAME`.
    async fn kick(&mut self, who: &str) -> bool {
        let Some(group) = self.cast.group.clone() else {
            note("the sandbox group is for bot accounts (--sandbox=bot)");
            return false;
        };
        if self.kit.account_id(who).is_none() {
            note(&format!("there is no @{who} here: {}", self.people()));
            return false;
        }
        match self.observer.kick_from_group(&group, who).await {
            Ok(()) => println!("{}@you removed @{who}", render::GROUP_LABEL),
            Err(e) => note(&format!("could not remove @{who}: {e}")),
        }
        false
    }

    /// `:title TEXT`: @you renames the group.
    async fn retitle(&mut self, title: &str) -> bool {
        let Some(group) = self.cast.group.clone() else {
            note("the sandbox group is for bot accounts (--sandbox=bot)");
            return false;
        };
        match self.observer.set_group_title(&group, title).await {
            Ok(()) => {
                println!(
                    "{}@you renamed the group to \"{title}\"",
                    render::GROUP_LABEL
                );
                // The kit finds the group by its title.
                self.cast.group = Some(title.to_owned());
            }
            Err(e) => note(&format!("could not rename the group: {e}")),
        }
        false
    }

    /// `:block` / `:unblock`: @you stops or restarts the bot (`updateBotStopped`).
    async fn block(&mut self, stop: bool) -> bool {
        if self.cast.account != Account::Bot {
            note(":block is about bots, and this app is a user account");
            return false;
        }
        let done = if stop {
            self.observer.block_bot(&self.cast.app).await
        } else {
            self.observer.unblock_bot(&self.cast.app).await
        };
        match done {
            Ok(()) if stop => note(&format!(
                "you stopped @{}: it gets `bot_stopped`, and its messages to you fail with \
                 USER_IS_BLOCKED until :unblock",
                self.cast.app
            )),
            Ok(()) => note(&format!("you restarted @{}", self.cast.app)),
            Err(e) => note(&format!("could not change the block: {e}")),
        }
        false
    }

    /// Who can be named in `:as`, `:join` and `:leave`.
    fn people(&self) -> String {
        let names: Vec<String> = [&self.cast.observer]
            .into_iter()
            .chain(&self.cast.other)
            .chain([&self.cast.app])
            .map(|n| format!("@{n}"))
            .collect();
        format!("the sandbox has {}", names.join(", "))
    }

    fn is_member_id(&self, group: &str, id: i64) -> bool {
        self.kit.is_member(group, &id.to_string()).unwrap_or(false)
    }

    fn observer_in_group(&self) -> bool {
        self.cast
            .group
            .as_deref()
            .is_some_and(|group| self.is_member_id(group, self.observer.id()))
    }

    /// The chat label of a line `who` says in the current place.
    fn label_for_place(&self, who: &str) -> String {
        match self.place {
            Place::Group if self.cast.group.is_some() => render::GROUP_LABEL.to_owned(),
            _ if who == self.cast.observer || self.cast.account == Account::User => String::new(),
            _ => render::private_label(who),
        }
    }

    /// The chat label of an event `viewer` saw in `chat_id`.
    fn label_for_event(&self, viewer: i64, chat_id: i64) -> String {
        if Some(chat_id) == self.group_id {
            render::GROUP_LABEL.to_owned()
        } else if viewer == self.observer.id() {
            String::new()
        } else {
            render::private_label(self.name(viewer).trim_start_matches('@'))
        }
    }

    async fn incoming(&mut self, text: &str) -> bool {
        if self.cast.account != Account::User {
            note(":in is for user accounts (--sandbox=user); just type to talk to the bot");
            return false;
        }
        if !self.interactive {
            println!("@{}: {text}", self.cast.observer);
        }
        match self.observer.send_text(&self.cast.app, text).await {
            Ok(sent) => {
                self.remember(self.observer.id(), sent);
                true
            }
            Err(e) => {
                note(&format!("could not send: {e}"));
                false
            }
        }
    }

    async fn press(&mut self, button: ButtonRef) -> bool {
        let Some(message) = self.keyboard.and_then(|key| self.seen.get(&key)).cloned() else {
            note("there is no keyboard to press");
            return false;
        };
        let label = match button.find(&message.buttons) {
            Ok(found) => found.text.clone(),
            Err(why) => {
                note(&why);
                return false;
            }
        };
        let presser = match self.keyboard {
            Some((viewer, _)) if viewer != self.observer.id() => self.other.clone(),
            _ => None,
        }
        .unwrap_or_else(|| self.observer.clone());
        if !self.interactive {
            println!(
                "{}{} pressed [{label}]",
                self.label_for_event(presser.id(), message.chat_id),
                self.name(presser.id())
            );
        }
        match presser.press_button(&message, &label).await {
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
        let to = self.destination();
        match self
            .observer
            .send_inline_result(&to, results, &result.id)
            .await
        {
            Ok(sent) => {
                let via = format!(
                    "{}@{} (via @{})",
                    self.label_for_place(&self.cast.observer),
                    self.cast.observer,
                    self.cast.app
                );
                println!("{}", render::message(&via, &sent, false, None));
                self.remember(self.observer.id(), sent);
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

    /// Whether an event `viewer` saw in `chat_id` is left to the observer: the group is shown
    /// as @you see it (while you are out of it, you see nothing of it, as on Telegram), so
    /// the other person's copies of group messages are never printed.
    fn shown_by_observer(&self, viewer: i64, chat_id: i64) -> bool {
        viewer != self.observer.id() && Some(chat_id) == self.group_id
    }

    fn show(&mut self, viewer: i64, event: Event) {
        match event {
            Event::New(message) => {
                if self.shown_by_observer(viewer, message.chat_id) {
                    return;
                }
                let ours = viewer == self.observer.id()
                    && self.typed.front() == Some(&(message.sender_id, message.text.clone()));
                if ours {
                    self.typed.pop_front();
                } else {
                    let from = format!(
                        "{}{}",
                        self.label_for_event(viewer, message.chat_id),
                        self.name(message.sender_id)
                    );
                    let replied_name;
                    let replied = match message.reply_to {
                        Some(id) => Some(match self.seen.get(&(viewer, id)) {
                            Some(original) => {
                                replied_name = self.name(original.sender_id);
                                render::Replied::Seen {
                                    by: &replied_name,
                                    text: &original.text,
                                }
                            }
                            None => render::Replied::Unseen(id),
                        }),
                        None => None,
                    };
                    println!("{}", render::message(&from, &message, false, replied));
                }
                self.remember(viewer, message);
            }
            Event::Edited(message) => {
                if self.shown_by_observer(viewer, message.chat_id) {
                    return;
                }
                let from = format!(
                    "{}{}",
                    self.label_for_event(viewer, message.chat_id),
                    self.name(message.sender_id)
                );
                // An edit keeps what it replies to, said once when it was new.
                println!("{}", render::message(&from, &message, true, None));
                self.remember(viewer, message);
            }
            Event::Deleted(deletion) => {
                if self.shown_by_observer(viewer, deletion.chat_id) {
                    return;
                }
                let label = self.label_for_event(viewer, deletion.chat_id);
                for id in deletion.ids {
                    let gone = self.seen.remove(&(viewer, id));
                    let by = gone
                        .as_ref()
                        .map_or_else(|| format!("@{}", self.cast.app), |m| self.name(m.sender_id));
                    println!(
                        "{label}{}",
                        render::deletion(&by, gone.as_ref().map(|m| m.text.as_str()), id)
                    );
                    if self.keyboard == Some((viewer, id)) {
                        self.keyboard = None;
                    }
                }
            }
        }
    }

    fn remember(&mut self, viewer: i64, message: ObservedMessage) {
        let key = (viewer, message.id);
        if !message.buttons.is_empty() {
            self.keyboard = Some(key);
        } else if self.keyboard == Some(key) {
            self.keyboard = None;
        }
        self.seen.insert(key, message);
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
