//! Issuing a bot its logged-in session and running it as a separate process.
//!
//! Every implementation gets the session its library reads natively: the Rust bots a grammers
//! SQLite file (oxygram through its `Bot.toml`), Telethon a `StringSession`, kurigram a
//! Pyrogram SQLite session its script writes from the issued auth key and account. All point at the same testkit with a key it already
//! accepts as the bot, so no run pays for a login.
//!
//! The process is ready when it prints its ready line: oxygram's own startup log line
//! `receiving updates` (stderr), `READY` for the others (stdout). Output is kept as a short
//! tail for error messages; the pipes are always drained so a chatty bot never blocks.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use oxygram_session::SqliteSession;
use oxygram_testkit::{HOME_DC, TestKit};

use crate::error::BenchError;
use crate::implementation::Implementation;
use crate::{API_HASH, API_ID, BOT_TOKEN, BOT_USERNAME};

/// oxygram's startup line: logged once updates flow to the dispatcher.
pub const OXYGRAM_READY: &str = "receiving updates";
/// What the other bots print on stdout once they receive updates.
pub const READY: &str = "READY";

/// The Rust bots' binaries, built from this package (`src/bin/`).
pub const RUST_BOTS: &[&str] = &["bench-oxygram-echo", "bench-grammers-echo"];

/// Lines of output kept for error messages.
const TAIL_LINES: usize = 60;

/// Where the bots are: the Rust binaries and the Python scripts.
#[derive(Debug, Clone)]
pub struct Bins {
    /// The folder holding `bench-oxygram-echo` and `bench-grammers-echo`.
    pub dir: PathBuf,
    /// The folder holding `telethon_echo.py` and `kurigram_echo.py`.
    pub python_dir: PathBuf,
    /// The Python interpreter (`BENCH_PYTHON`, default `python3`).
    pub python: String,
}

impl Bins {
    /// The Rust bots next to the running executable (cargo builds every binary of the package
    /// into one folder), the scripts in this crate's `python/` folder.
    pub fn beside_current_exe() -> Result<Bins, BenchError> {
        let exe = std::env::current_exe().map_err(BenchError::io("find the driver executable"))?;
        let dir = exe
            .parent()
            .ok_or_else(|| BenchError::Usage(format!("{} has no folder", exe.display())))?;
        Ok(Bins::in_dir(dir))
    }

    /// Makes sure the Rust bots beside the driver are built from the current source.
    ///
    /// `cargo run -p oxygram-bench` builds only the driver, not the bots it starts. Started by
    /// cargo (which sets `CARGO`), the driver therefore builds them itself, with that cargo
    /// and the driver's own profile (a no-op when they are fresh), so a run never measures a
    /// stale bot. Started directly, it checks they exist and otherwise names the command that
    /// builds them.
    pub fn build_rust_bots(&self) -> Result<(), BenchError> {
        match std::env::var_os("CARGO") {
            Some(cargo) => {
                let mut command = Command::new(&cargo);
                command.arg("build").args(self.profile_args());
                command.args(["-p", "oxygram-bench"]);
                for bot in RUST_BOTS {
                    command.args(["--bin", bot]);
                }
                // The workspace the driver was built from.
                command.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
                eprintln!("oxygram-bench: building the Rust bots (cargo build {})", {
                    let args: Vec<String> = command
                        .get_args()
                        .skip(1)
                        .map(|a| a.to_string_lossy().into_owned())
                        .collect();
                    args.join(" ")
                });
                let status = command
                    .status()
                    .map_err(BenchError::io("run cargo to build the Rust bots"))?;
                if !status.success() {
                    return Err(BenchError::Tool {
                        tool: format!("cargo build {}", self.build_command_args()),
                        status: status.to_string(),
                        output: "(its output is above)".to_owned(),
                    });
                }
                self.check_rust_bots()
            }
            None => self.check_rust_bots(),
        }
    }

    /// Checks that the Rust bots are in [`Bins::dir`]; the error says how to build them.
    pub fn check_rust_bots(&self) -> Result<(), BenchError> {
        let missing: Vec<&str> = RUST_BOTS
            .iter()
            .copied()
            .filter(|bot| !self.dir.join(bot).is_file())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(BenchError::Usage(format!(
            "the Rust bots are not built: {} not in {}; build them with \
             `cargo build {}` (or start the driver with `cargo run{} -p oxygram-bench -- all ...`, \
             which builds them), or use `bench/run.sh`",
            missing.join(" and "),
            self.dir.display(),
            self.build_command_args(),
            self.profile_args()
                .iter()
                .map(|a| format!(" {a}"))
                .collect::<String>(),
        )))
    }

    /// cargo's profile flags for the profile [`Bins::dir`] belongs to (`target/release`:
    /// `--release`, `target/debug`: none, `target/NAME`: `--profile NAME`).
    fn profile_args(&self) -> Vec<String> {
        match self.dir.file_name().and_then(|name| name.to_str()) {
            Some("release") => vec!["--release".to_owned()],
            Some("debug") | None => Vec::new(),
            Some(profile) => vec!["--profile".to_owned(), profile.to_owned()],
        }
    }

    /// The arguments of the `cargo build` that builds the bots, for messages.
    fn build_command_args(&self) -> String {
        let mut args = self.profile_args();
        args.extend([
            "-p".to_owned(),
            "oxygram-bench".to_owned(),
            "--bins".to_owned(),
        ]);
        args.join(" ")
    }

    /// The Rust bots in `dir`.
    pub fn in_dir(dir: &Path) -> Bins {
        Bins {
            dir: dir.to_path_buf(),
            python_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("python"),
            python: std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".to_owned()),
        }
    }
}

/// How to start a prepared bot (any number of times) and the line that says it is ready.
#[derive(Debug, Clone)]
pub struct Launch {
    implementation: Implementation,
    program: PathBuf,
    args: Vec<OsString>,
    envs: Vec<(&'static str, OsString)>,
    ready_marker: &'static str,
}

impl Launch {
    fn new(
        implementation: Implementation,
        program: impl Into<PathBuf>,
        ready: &'static str,
    ) -> Self {
        Self {
            implementation,
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            ready_marker: ready,
        }
    }

    fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    fn env(mut self, name: &'static str, value: impl Into<OsString>) -> Self {
        self.envs.push((name, value.into()));
        self
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .env_remove("RUST_LOG")
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }
}

/// Writes `implementation`'s session (and config) into `dir` for `kit`, logged in as the
/// benchmark bot, and returns how to start it. Runs on the kit's runtime (SQLite is async).
pub async fn prepare(
    implementation: Implementation,
    kit: &TestKit,
    dir: &Path,
    bins: &Bins,
) -> Result<Launch, BenchError> {
    let launch = match implementation {
        Implementation::Oxygram => {
            write_sqlite_session(kit, &dir.join("bench.session")).await?;
            let config = dir.join("Bot.toml");
            // The throttle is off: the grammers, Telethon and kurigram loops compared here have
            // none, and the testkit's limits are lifted for all of them (`harness.rs`).
            let toml = format!(
                "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\n\
                 bot_token = \"{BOT_TOKEN}\"\n\n[session]\nname = \"bench\"\ndir = \"{}\"\n\n\
                 [log]\nlevel = \"info\"\n\n\
                 [throttle]\nenabled = false\n",
                dir.display()
            );
            std::fs::write(&config, toml).map_err(BenchError::io("write Bot.toml"))?;
            Launch::new(
                implementation,
                bins.dir.join("bench-oxygram-echo"),
                OXYGRAM_READY,
            )
            .env("OXYGRAM_CONFIG", config)
        }
        Implementation::Grammers => {
            let session = dir.join("bench.session");
            write_sqlite_session(kit, &session).await?;
            Launch::new(implementation, bins.dir.join("bench-grammers-echo"), READY)
                .arg(session)
                .arg(API_ID.to_string())
        }
        Implementation::Telethon => {
            let session = kit
                .telethon_session_for(BOT_USERNAME)
                .map_err(BenchError::testkit("issue a Telethon session"))?;
            Launch::new(implementation, &bins.python, READY)
                .arg(bins.python_dir.join("telethon_echo.py"))
                .arg(session)
                .arg(API_ID.to_string())
                .arg(API_HASH)
        }
        Implementation::Kurigram => {
            let data = kit
                .session_data_for(BOT_USERNAME)
                .map_err(BenchError::testkit("issue a session for kurigram"))?;
            let key = data
                .dc_options
                .get(&HOME_DC)
                .and_then(|dc| dc.auth_key)
                .ok_or_else(|| BenchError::Testkit {
                    doing: "issue a session for kurigram",
                    detail: "the issued session has no auth key".to_owned(),
                })?;
            let user_id = kit
                .account_id(BOT_USERNAME)
                .ok_or_else(|| BenchError::Testkit {
                    doing: "issue a session for kurigram",
                    detail: format!("no account {BOT_USERNAME}"),
                })?;
            Launch::new(implementation, &bins.python, READY)
                .arg(bins.python_dir.join("kurigram_echo.py"))
                .arg(dir)
                .arg(kit.addr().ip().to_string())
                .arg(kit.addr().port().to_string())
                .arg(HOME_DC.to_string())
                .arg(hex(&key))
                .arg(user_id.to_string())
                .arg(API_ID.to_string())
                .arg(API_HASH)
        }
    };
    Ok(launch)
}

/// A grammers SQLite session file logged in as the benchmark bot, readable by its owner only.
async fn write_sqlite_session(kit: &TestKit, path: &Path) -> Result<(), BenchError> {
    let data = kit
        .session_data_for(BOT_USERNAME)
        .map_err(BenchError::testkit("issue the bot's session"))?;
    let fail = |e: &dyn std::fmt::Display| BenchError::Testkit {
        doing: "write the bot's SQLite session",
        detail: format!("{}: {e}", path.display()),
    };
    let session = SqliteSession::open(path).await.map_err(|e| fail(&e))?;
    data.import_to(&session).await.map_err(|e| fail(&e))?;
    drop(session);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(BenchError::io(format!("restrict {}", path.display())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running bot process.
#[derive(Debug)]
pub struct BotProcess {
    implementation: Implementation,
    child: Child,
    output: Arc<Output>,
    /// From `spawn` to the ready line arriving.
    pub ready_after: Duration,
}

/// The output tail and the moment the ready line arrived, shared with the reader threads.
#[derive(Debug, Default)]
struct Output {
    state: Mutex<OutputState>,
    ready: Condvar,
}

#[derive(Debug, Default)]
struct OutputState {
    tail: VecDeque<String>,
    ready_at: Option<Instant>,
}

impl Output {
    fn tail(&self) -> String {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.tail.iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

/// Starts the bot and waits up to `timeout` for its ready line.
pub fn spawn(launch: &Launch, timeout: Duration) -> Result<BotProcess, BenchError> {
    let implementation = launch.implementation;
    let ready_marker = launch.ready_marker;
    let mut command = launch.command();
    let started = Instant::now();
    let mut child = command.spawn().map_err(BenchError::io(format!(
        "start the {implementation} bot ({command:?})"
    )))?;
    let output = Arc::new(Output::default());
    if let Some(stdout) = child.stdout.take() {
        read_lines(stdout, ready_marker, Arc::clone(&output));
    }
    if let Some(stderr) = child.stderr.take() {
        read_lines(stderr, ready_marker, Arc::clone(&output));
    }
    let mut process = BotProcess {
        implementation,
        child,
        output: Arc::clone(&output),
        ready_after: Duration::ZERO,
    };
    let deadline = started + timeout;
    loop {
        {
            let state = output.state.lock().unwrap_or_else(|p| p.into_inner());
            let (state, _) = output
                .ready
                .wait_timeout_while(state, Duration::from_millis(50), |s| s.ready_at.is_none())
                .unwrap_or_else(|p| p.into_inner());
            if let Some(ready_at) = state.ready_at {
                process.ready_after = ready_at.saturating_duration_since(started);
                return Ok(process);
            }
        }
        if let Ok(Some(status)) = process.child.try_wait() {
            // Let the readers catch the last lines.
            std::thread::sleep(Duration::from_millis(100));
            return Err(BenchError::Exited {
                implementation: implementation.name(),
                status: status.to_string(),
                output: process.output.tail(),
            });
        }
        if Instant::now() >= deadline {
            let output = process.output.tail();
            process.stop();
            return Err(BenchError::NotReady {
                implementation: implementation.name(),
                waited: timeout,
                output,
            });
        }
    }
}

fn read_lines(stream: impl Read + Send + 'static, marker: &'static str, output: Arc<Output>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let now = Instant::now();
            let mut state = output.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.ready_at.is_none() && line.contains(marker) {
                state.ready_at = Some(now);
                output.ready.notify_all();
            }
            if state.tail.len() == TAIL_LINES {
                state.tail.pop_front();
            }
            state.tail.push_back(line);
        }
    });
}

impl BotProcess {
    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Which bot it is.
    pub fn implementation(&self) -> Implementation {
        self.implementation
    }

    /// The last lines it printed.
    pub fn output_tail(&self) -> String {
        self.output.tail()
    }

    /// Stops it: SIGTERM (a clean stop), SIGKILL after 5 s.
    pub fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SAFETY: kill(2) on our own child's pid; it has not been reaped (try_wait said so).
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.stop();
    }
}
