//! Shared machinery of the reliability tests (`reliability_*.rs`): scripted users talking to
//! the reliability app (`src/bin/oxygram-reliability-app.rs`) and keeping a ledger of what
//! was answered how often, a seeded random source, and a fault injector that drops and
//! refuses connections at random moments of a run.
//!
//! Counting happens on the users' side of the testkit, which is what a person would notice:
//! a reply that never came is lost, a second reply to one message is a duplicate, whether the
//! bot handled the update twice (receiving side) or sent the reply twice (sending side).

#![allow(dead_code)] // each test file uses part of it

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use oxygram_testkit::{ObservedMessage, ScriptedUser, TestKit, User, World};

/// The reliability app binary.
pub fn reliability_app() -> &'static str {
    env!("CARGO_BIN_EXE_oxygram-reliability-app")
}

/// Whether the long (opt-in) versions run: `OXYGRAM_SOAK=full`.
pub fn full_soak() -> bool {
    std::env::var("OXYGRAM_SOAK").is_ok_and(|v| v == "full")
}

/// Usernames `u0`, `u1`, ... of the scripted users [`with_users`] adds.
pub fn username(i: usize) -> String {
    format!("u{i}")
}

/// Adds `count` users (`u0`.. with phones `+1555300xxxx`) to `world`.
pub fn with_users(mut world: World, count: usize) -> World {
    for i in 0..count {
        world = world.user(
            User::new(format!("+1555300{i:04}"))
                .first_name(format!("User {i}"))
                .username(username(i)),
        );
    }
    world
}

/// A small seeded random source (xorshift64*), so a failing run can be repeated with the
/// seed it printed (`OXYGRAM_SOAK_SEED`).
pub struct Rng(u64);

impl Rng {
    /// Seeded from `OXYGRAM_SOAK_SEED`, or from the clock.
    pub fn from_env() -> Rng {
        let seed = std::env::var("OXYGRAM_SOAK_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0x5eed)
            });
        eprintln!("random seed: OXYGRAM_SOAK_SEED={seed}");
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `range` (`start..end`, end exclusive).
    pub fn below(&mut self, range: std::ops::Range<u64>) -> u64 {
        range.start + self.next_u64() % (range.end - range.start).max(1)
    }

    pub fn millis(&mut self, range: std::ops::Range<u64>) -> Duration {
        Duration::from_millis(self.below(range))
    }
}

/// An answer of the reliability app, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    /// The text it echoes.
    pub text: String,
    /// Echo handlers running (all chats) when this one started, itself included.
    pub in_flight: usize,
    /// Echo handlers running in this chat when this one started, itself included.
    pub in_chat: usize,
}

impl Echo {
    /// Parses `echo: <text> [in_flight=<n> chat=<m>]`.
    pub fn parse(answer: &str) -> Option<Echo> {
        let rest = answer.strip_prefix("echo: ")?;
        let (text, counts) = rest.rsplit_once(" [in_flight=")?;
        let (in_flight, in_chat) = counts.strip_suffix(']')?.split_once(" chat=")?;
        Some(Echo {
            text: text.to_owned(),
            in_flight: in_flight.parse().ok()?,
            in_chat: in_chat.parse().ok()?,
        })
    }
}

/// What one user sent and what came back.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Message id (as the user sees it) → (text, answers received).
    pub sent: BTreeMap<i32, (String, u32)>,
    /// The message ids answered, in the order the first answer to each arrived.
    pub answer_order: Vec<i32>,
    /// Message id → when each of its answers arrived.
    pub answered_at: BTreeMap<i32, Vec<Instant>>,
    /// Answers that match nothing sent, or echo the wrong text.
    pub unexpected: Vec<String>,
    pub max_in_flight: usize,
    pub max_in_chat: usize,
}

impl Ledger {
    fn record(&mut self, answer: ObservedMessage) {
        let echo = Echo::parse(&answer.text);
        let entry = answer.reply_to.and_then(|id| self.sent.get_mut(&id));
        match (entry, echo) {
            (Some((text, count)), Some(echo)) if *text == echo.text => {
                *count += 1;
                let id = answer.reply_to.unwrap_or_default();
                self.answered_at.entry(id).or_default().push(Instant::now());
                if *count == 1 {
                    self.answer_order.push(answer.reply_to.unwrap_or_default());
                }
                self.max_in_flight = self.max_in_flight.max(echo.in_flight);
                self.max_in_chat = self.max_in_chat.max(echo.in_chat);
            }
            _ => self.unexpected.push(format!(
                "{:?} (reply to {:?})",
                answer.text, answer.reply_to
            )),
        }
    }

    fn pending(&self) -> usize {
        self.sent.values().filter(|(_, n)| *n == 0).count()
    }
}

/// How one conversation runs.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Messages a user keeps unanswered at once (1: send, wait for the answer, send next).
    pub window: usize,
    /// How long to wait for any next answer before calling the missing ones lost.
    pub patience: Duration,
    /// A pause before each message after the first (spreads a run over time).
    pub gap: Duration,
}

/// One user's conversation with the bot, and its ledger so far.
pub struct Chat {
    pub user: ScriptedUser,
    pub bot: String,
    pub ledger: Ledger,
    /// When set, the conversation sends nothing more and only waits for its answers.
    pub enough: Option<Arc<AtomicBool>>,
}

/// A conversation per user `u0`..`u{users-1}` with `bot`.
pub fn chats(kit: &TestKit, bot: &str, users: usize) -> Vec<Chat> {
    (0..users)
        .map(|i| Chat {
            user: kit.user(&username(i)),
            bot: bot.to_owned(),
            ledger: Ledger::default(),
            enough: None,
        })
        .collect()
}

/// Sends `texts` keeping at most `pace.window` unanswered, then waits until every message
/// was answered or `pace.patience` passed without any answer (the rest is lost). Bumps
/// `progress` after every message sent.
pub async fn converse(
    mut chat: Chat,
    texts: Vec<String>,
    pace: Pace,
    progress: Arc<AtomicUsize>,
) -> Chat {
    let mut texts = texts.into_iter().peekable();
    let ledger = &mut chat.ledger;
    let mut next_send = Instant::now();
    loop {
        let enough = chat
            .enough
            .as_ref()
            .is_some_and(|e| e.load(Ordering::SeqCst));
        let more = texts.peek().is_some() && !enough;
        if more && ledger.pending() < pace.window && Instant::now() >= next_send {
            let text = texts.next().expect("peeked");
            let sent = chat
                .user
                .send_text(&chat.bot, &text)
                .await
                .unwrap_or_else(|e| panic!("{:?} cannot send: {e}", chat.user));
            ledger.sent.insert(sent.id, (text, 0));
            progress.fetch_add(1, Ordering::SeqCst);
            next_send = Instant::now() + pace.gap;
            continue;
        }
        if ledger.pending() == 0 && !more {
            break;
        }
        // Answers are taken as they come, also during the gap between sends, so the ledger's
        // arrival times are the real ones.
        let for_gap = more && ledger.pending() < pace.window;
        let wait = if for_gap {
            next_send.saturating_duration_since(Instant::now())
        } else {
            pace.patience
        };
        match chat.user.next_message(wait).await {
            Ok(answer) => ledger.record(answer),
            Err(_) if for_gap => {}
            // Nothing for that long: what is unanswered is lost; stop sending.
            Err(_) => break,
        }
    }
    // Anything already queued (a repeat that came right after the last answer).
    for answer in chat.user.drain_messages() {
        ledger.record(answer);
    }
    chat
}

/// Runs every conversation concurrently, user `i` sending `texts(i)`.
pub async fn converse_all(
    chats: Vec<Chat>,
    texts: impl Fn(usize) -> Vec<String>,
    pace: Pace,
    progress: Arc<AtomicUsize>,
) -> Vec<Chat> {
    let tasks: Vec<_> = chats
        .into_iter()
        .enumerate()
        .map(|(i, chat)| tokio::spawn(converse(chat, texts(i), pace, Arc::clone(&progress))))
        .collect();
    let mut chats = Vec::with_capacity(tasks.len());
    for task in tasks {
        chats.push(task.await.expect("a conversation panicked"));
    }
    chats
}

/// One more message per user, answered after everything before it in that chat: an update
/// handled twice or a reply sent twice shows up before this answer (per-chat order), so
/// after the flush the ledgers are complete.
pub async fn flush(chats: Vec<Chat>, patience: Duration) -> Vec<Chat> {
    let pace = Pace {
        window: 1,
        patience,
        gap: Duration::ZERO,
    };
    converse_all(
        chats,
        |i| vec![format!("flush u{i}")],
        pace,
        Arc::new(AtomicUsize::new(0)),
    )
    .await
}

/// Totals over the conversations.
pub fn count(chats: &[Chat]) -> Counts {
    let mut counts = Counts::default();
    for chat in chats {
        counts.add(&chat.ledger);
    }
    counts
}

/// Totals over many ledgers.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub sent: usize,
    pub answered: usize,
    pub duplicates: usize,
    pub lost: usize,
    pub unexpected: Vec<String>,
    /// Users whose answers came out of order.
    pub out_of_order: usize,
    pub max_in_flight: usize,
    pub max_in_chat: usize,
}

impl Counts {
    pub fn add(&mut self, ledger: &Ledger) {
        for (_, answers) in ledger.sent.values() {
            self.sent += 1;
            match answers {
                0 => self.lost += 1,
                n => {
                    self.answered += 1;
                    self.duplicates += (*n - 1) as usize;
                }
            }
        }
        self.unexpected.extend(ledger.unexpected.iter().cloned());
        if !ledger.answer_order.is_sorted() {
            self.out_of_order += 1;
        }
        self.max_in_flight = self.max_in_flight.max(ledger.max_in_flight);
        self.max_in_chat = self.max_in_chat.max(ledger.max_in_chat);
    }
}

/// How long a run may send nothing before the fault injector gives up on it.
const STALLED: Duration = Duration::from_secs(60);

/// What the fault injector does over a run.
#[derive(Debug, Clone, Copy)]
pub struct FaultPlan {
    /// Drops of every connection, at random points of the run.
    pub drops: usize,
    /// How many of those drops also refuse new connections for a while.
    pub refusals: usize,
    /// The longest refusal spell. grammers retries a failed call once, after 1 s.
    pub max_refusal: Duration,
    /// Messages the run sends in total (drops are placed among them).
    pub messages: usize,
}

/// What the fault injector did.
#[derive(Debug, Default, Clone, Copy)]
pub struct FaultReport {
    pub drops: usize,
    pub refusals: usize,
    pub refused_for: Duration,
}

/// Drops every connection `plan.drops` times at random points of a run (when `progress`
/// reaches a random message count, plus a random few milliseconds), refusing new connections
/// for a random spell at `plan.refusals` of them.
pub async fn inject_faults(
    kit: &TestKit,
    plan: FaultPlan,
    progress: Arc<AtomicUsize>,
    rng: &mut Rng,
) -> FaultReport {
    let mut at: Vec<usize> = (0..plan.drops)
        .map(|_| rng.below(1..plan.messages as u64) as usize)
        .collect();
    at.sort_unstable();
    let mut refuse_at: Vec<usize> = (0..plan.drops).collect();
    for i in 0..refuse_at.len() {
        let j = rng.below(i as u64..refuse_at.len() as u64) as usize;
        refuse_at.swap(i, j);
    }
    refuse_at.truncate(plan.refusals);
    let mut report = FaultReport::default();
    for (i, point) in at.into_iter().enumerate() {
        // A run that stops making progress (messages lost) ends the injection; the test then
        // reports fewer drops than planned next to the losses.
        let mut seen = progress.load(Ordering::SeqCst);
        let mut still_since = Instant::now();
        while seen < point {
            if still_since.elapsed() > STALLED {
                return report;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
            let now = progress.load(Ordering::SeqCst);
            if now != seen {
                (seen, still_since) = (now, Instant::now());
            }
        }
        tokio::time::sleep(rng.millis(0..40)).await;
        if refuse_at.contains(&i) {
            let spell = rng.millis(100..plan.max_refusal.as_millis() as u64 + 1);
            kit.refuse_connections_for(spell);
            report.refusals += 1;
            report.refused_for += spell;
        }
        kit.drop_connections();
        report.drops += 1;
    }
    report
}

/// Peak resident memory (VmHWM) of process `pid`, in KiB, from `/proc`.
pub fn peak_rss_kib(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
