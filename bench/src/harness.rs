//! One benchmark run, start to finish: a fresh testkit, the bot process, warm-up, the timed
//! load, and the figures read from `/proc`.
//!
//! The testkit and the scripted users share one tokio runtime with `kit_threads` workers
//! (default 1), so on a 2-core machine the load generator takes at most one core and the bot
//! the other; the driver's own CPU time over the load is reported so a saturated testkit shows.
//! Every run gets a fresh testkit and session folder: no run inherits another's messages.

use std::time::Duration;

use oxygram_testkit::{Bot, ScriptedUser, TestKit, User, World};

use crate::bot::{self, Bins, BotProcess, Launch};
use crate::error::BenchError;
use crate::implementation::Implementation;
use crate::load::{self, LoadOutcome};
use crate::proc_stats;
use crate::{API_HASH, API_ID, BOT_TOKEN, BOT_USERNAME};

/// Runs benchmark loads against bots.
#[derive(Debug)]
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    bins: Bins,
    /// How long a bot may take to print its ready line.
    pub ready_timeout: Duration,
    /// How long a user waits for each echo.
    pub reply_timeout: Duration,
}

/// The figures of one run of one implementation.
#[derive(Debug, Clone)]
pub struct RunFigures {
    /// Which bot.
    pub implementation: Implementation,
    /// Users sending at once (K).
    pub users: usize,
    /// Messages per user (N).
    pub per_user: usize,
    /// Which round of the interleaving (from 1).
    pub round: usize,
    /// The load's outcome (latencies, echoes, problems).
    pub load: LoadOutcome,
    /// The bot's CPU time (user + system) during the timed load.
    pub bot_cpu: Duration,
    /// The bot's peak resident set at the end of the run, KiB.
    pub bot_peak_rss_kib: u64,
    /// The bot's anonymous resident memory at the end of the load, KiB.
    pub bot_anon_rss_kib: u64,
    /// The driver's CPU time (testkit + scripted users) during the timed load.
    pub kit_cpu: Duration,
    /// Distinct `method: ERROR` answers the bot got from the testkit during the whole run
    /// (an unsupported method shows as `METHOD_NOT_SUPPORTED_BY_TESTKIT`).
    pub rpc_errors: Vec<String>,
    /// Every RPC method the bot called during the whole run, with how often.
    pub rpc_methods: Vec<(String, usize)>,
}

impl RunFigures {
    /// Bot CPU seconds per 1000 echoed messages.
    pub fn bot_cpu_per_1000(&self) -> f64 {
        per_1000(self.bot_cpu, self.load.echoed)
    }

    /// Testkit CPU seconds per 1000 echoed messages.
    pub fn kit_cpu_per_1000(&self) -> f64 {
        per_1000(self.kit_cpu, self.load.echoed)
    }

    /// Whether every message sent came back as its echo.
    pub fn complete(&self) -> bool {
        self.load.problems.is_empty() && self.load.echoed == self.users * self.per_user
    }
}

fn per_1000(cpu: Duration, messages: usize) -> f64 {
    cpu.as_secs_f64() * 1000.0 / messages.max(1) as f64
}

impl Harness {
    /// A harness whose testkit runs on `kit_threads` worker threads, with the bots in `bins`.
    pub fn new(bins: Bins, kit_threads: usize) -> Result<Harness, BenchError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(kit_threads.max(1))
            .thread_name("testkit")
            .enable_all()
            .build()
            .map_err(BenchError::io("start the testkit runtime"))?;
        Ok(Harness {
            runtime,
            bins,
            ready_timeout: Duration::from_secs(30),
            reply_timeout: Duration::from_secs(20),
        })
    }

    /// Starts a testkit with the benchmark bot and `users` users `u0`, `u1`, ...
    pub fn start_kit(&self, users: usize) -> Result<TestKit, BenchError> {
        // Limits lifted: the benchmark measures the implementations, and the grammers, Telethon
        // and kurigram loops it compares have no throttle (BENCHMARKS.md). The oxygram bot
        // runs with `[throttle] enabled = false` for the same reason.
        let mut world = World::new()
            .without_limits()
            .app(API_ID, API_HASH)
            .bot(Bot::new(BOT_TOKEN).username(BOT_USERNAME).name("Bench"));
        for i in 0..users {
            world = world.user(
                User::new(format!("+1555300{i:04}"))
                    .username(format!("u{i}"))
                    .first_name(format!("User {i}")),
            );
        }
        self.runtime
            .block_on(TestKit::start(world))
            .map_err(BenchError::testkit("start"))
    }

    /// Writes the bot's session into `dir` and returns how to start it.
    pub fn prepare(
        &self,
        implementation: Implementation,
        kit: &TestKit,
        dir: &std::path::Path,
    ) -> Result<Launch, BenchError> {
        self.runtime
            .block_on(bot::prepare(implementation, kit, dir, &self.bins))
    }

    /// Starts a prepared bot and waits for its ready line.
    pub fn spawn(&self, launch: &Launch) -> Result<BotProcess, BenchError> {
        bot::spawn(launch, self.ready_timeout)
    }

    /// Stops a testkit, closing its connections.
    pub fn shutdown(&self, kit: TestKit) {
        self.runtime.block_on(kit.shutdown());
    }

    /// One run: `users` users each send `per_user` messages to a fresh `implementation` bot.
    pub fn run_once(
        &self,
        implementation: Implementation,
        users: usize,
        per_user: usize,
        round: usize,
    ) -> Result<RunFigures, BenchError> {
        let kit = self.start_kit(users)?;
        let result = self.run_on(&kit, implementation, users, per_user, round);
        self.shutdown(kit);
        result
    }

    fn run_on(
        &self,
        kit: &TestKit,
        implementation: Implementation,
        users: usize,
        per_user: usize,
        round: usize,
    ) -> Result<RunFigures, BenchError> {
        let folder = tempfile::Builder::new()
            .prefix("oxygram-bench-")
            .tempdir()
            .map_err(BenchError::io("create a session folder"))?;
        let launch = self.prepare(implementation, kit, folder.path())?;
        let mut process = self.spawn(&launch)?;
        let scripted: Vec<ScriptedUser> = (0..users).map(|i| kit.user(&format!("u{i}"))).collect();

        // One message per chat first: first contact (peer caching, dialogs) is not the load.
        let warm_up = self.load(&scripted, 1);
        if !warm_up.problems.is_empty() || warm_up.echoed != users {
            let output = process.output_tail();
            process.stop();
            return Err(BenchError::Usage(format!(
                "{implementation} bot did not echo the warm-up messages ({} of {users}): {}\n\
                 its last output:\n{output}",
                warm_up.echoed,
                warm_up.problems.join("; ")
            )));
        }

        let pid = process.pid();
        let cpu_before = proc_stats::cpu_time(pid).map_err(BenchError::io("read the bot's CPU"))?;
        let kit_before = proc_stats::own_cpu_time().map_err(BenchError::io("read own CPU"))?;
        let outcome = self.load(&scripted, per_user);
        let cpu_after = proc_stats::cpu_time(pid).map_err(BenchError::io("read the bot's CPU"))?;
        let kit_after = proc_stats::own_cpu_time().map_err(BenchError::io("read own CPU"))?;
        let peak = proc_stats::peak_rss_kib(pid).map_err(BenchError::io("read the bot's RSS"))?;
        let anon = proc_stats::anon_rss_kib(pid).map_err(BenchError::io("read the bot's RSS"))?;
        process.stop();
        let calls = kit.rpc_log();
        let mut methods = std::collections::BTreeMap::<String, usize>::new();
        for call in &calls {
            *methods.entry(call.method.clone()).or_default() += 1;
        }
        let mut rpc_errors: Vec<String> = calls
            .into_iter()
            .filter_map(|call| call.error.map(|error| format!("{}: {error}", call.method)))
            .collect();
        rpc_errors.sort();
        rpc_errors.dedup();
        Ok(RunFigures {
            implementation,
            users,
            per_user,
            round,
            load: outcome,
            bot_cpu: cpu_after.saturating_sub(cpu_before),
            bot_peak_rss_kib: peak,
            bot_anon_rss_kib: anon,
            kit_cpu: kit_after.saturating_sub(kit_before),
            rpc_errors,
            rpc_methods: methods.into_iter().collect(),
        })
    }

    /// Runs the load on the kit's runtime (so the users share its worker threads).
    fn load(&self, users: &[ScriptedUser], per_user: usize) -> LoadOutcome {
        let users = users.to_vec();
        let timeout = self.reply_timeout;
        self.runtime.block_on(async move {
            tokio::spawn(async move { load::run(&users, per_user, timeout).await })
                .await
                .unwrap_or_else(|e| LoadOutcome {
                    problems: vec![format!("the load task failed: {e}")],
                    ..LoadOutcome::default()
                })
        })
    }
}
