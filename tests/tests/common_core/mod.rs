//! Shared harness of the core end-to-end tests: a testkit on its own runtime, a folder with
//! `Bot.toml` and the session, and the test app (`oxygram-e2e-app`) as a real process, either
//! with piped output or on a pseudo-terminal.
//!
//! The tests are plain `#[test]`s: the testkit runs on a multi-threaded runtime this harness
//! owns, so blocking calls (waiting on a process, driving a terminal) never starve it.

#![allow(dead_code)] // each test file uses part of the harness

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxygram_testkit::{ObservedMessage, ScriptedUser, TestKit, World};

pub const API_ID: i32 = 12345;
pub const API_HASH: &str = "0123456789abcdef0123456789abcdef";
pub const SESSION_NAME: &str = "app";

/// Long enough for a debug build to start, log in and answer; only reached on failure.
pub const WAIT: Duration = Duration::from_secs(30);

/// The test app binary.
pub fn app_binary() -> &'static str {
    env!("CARGO_BIN_EXE_oxygram-e2e-app")
}

/// A testkit, its runtime, and a private folder for `Bot.toml` and the session.
pub struct Env {
    pub kit: TestKit,
    pub dir: tempfile::TempDir,
    // Dropped last: the kit's tasks run on it.
    runtime: tokio::runtime::Runtime,
}

impl Env {
    /// Starts a testkit for `world` (with the test API key registered).
    pub fn start(world: World) -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let kit = runtime
            .block_on(TestKit::start(world.app(API_ID, API_HASH)))
            .expect("testkit starts");
        Env {
            kit,
            dir: tempfile::tempdir().expect("temp dir"),
            runtime,
        }
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("Bot.toml")
    }

    pub fn session_path(&self) -> PathBuf {
        self.dir.path().join(format!("{SESSION_NAME}.session"))
    }

    /// Writes `Bot.toml` with the API key, `telegram_extra` lines in `[telegram]`, and
    /// `rest` after it.
    pub fn write_config(&self, telegram_extra: &str, rest: &str) {
        let toml = format!(
            "[telegram]\napi_id = {API_ID}\napi_hash = \"{API_HASH}\"\n{telegram_extra}\n\n\
             [session]\nname = \"{SESSION_NAME}\"\ndir = \".\"\n\n{rest}\n"
        );
        std::fs::write(self.config_path(), toml).expect("write Bot.toml");
    }

    /// Writes a fresh (not logged in) session pointing at the kit.
    pub fn write_session(&self) {
        self.block_on(self.kit.write_session_file(self.session_path()))
            .expect("write session");
    }

    /// Like [`Env::write_session`], but written here so the test knows the auth key.
    pub fn write_session_with_key(&self) -> [u8; 256] {
        let data = self.kit.session_data();
        let key = data.dc_options[&oxygram_testkit::HOME_DC]
            .auth_key
            .expect("the kit issues a key");
        self.block_on(async {
            let session = oxygram_session::SqliteSession::open(self.session_path())
                .await
                .expect("create session");
            data.import_to(&session).await.expect("write session");
        });
        key
    }

    /// The test app with `--config <dir>/Bot.toml`, run in the folder, with no `OXYGRAM_*`
    /// or `RUST_LOG` inherited from the test's environment.
    pub fn command(&self) -> Command {
        self.command_of(app_binary())
    }

    /// Like [`Env::command`], for another app binary (e.g. the reliability app).
    pub fn command_of(&self, binary: &str) -> Command {
        let mut command = Command::new(binary);
        command.arg("--config").arg(self.config_path());
        command.current_dir(self.dir.path());
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("OXYGRAM_") || key == "RUST_LOG" {
                command.env_remove(key.as_ref());
            }
        }
        command
    }

    /// Starts `command` with stdin closed and stdout/stderr captured line by line.
    pub fn spawn(&self, mut command: Command) -> Process {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Process::spawn(command)
    }

    pub fn user(&self, who: &str) -> ScriptedUser {
        self.kit.user(who)
    }

    pub fn send_text(&self, from: &str, to: &str, text: &str) {
        self.block_on(self.kit.user(from).send_text(to, text))
            .expect("send text");
    }

    pub fn next_message(&self, who: &str) -> ObservedMessage {
        self.block_on(self.kit.user(who).next_message(WAIT))
            .unwrap_or_else(|e| panic!("{who} got no message: {e}"))
    }

    /// Whether the session file records a logged-in account (what a restart would trust).
    pub fn session_has_account(&self) -> bool {
        use grammers_session::Session;
        self.block_on(async {
            let session = oxygram_session::SqliteSession::open(self.session_path())
                .await
                .expect("open session");
            session
                .peer(grammers_session::types::PeerId::self_user())
                .await
                .expect("read session")
                .is_some()
        })
    }
}

/// A running test app with captured output.
pub struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
    output: Arc<Mutex<String>>,
    status: Option<ExitStatus>,
}

impl Process {
    fn spawn(mut command: Command) -> Process {
        let mut child = command.spawn().expect("spawn the test app");
        let (tx, lines) = mpsc::channel();
        let output = Arc::new(Mutex::new(String::new()));
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for stream in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let tx = tx.clone();
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    output.lock().unwrap().push_str(&format!("{line}\n"));
                    let _ = tx.send(line);
                }
            });
        }
        Process {
            child,
            lines,
            output,
            status: None,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Everything printed so far, stdout and stderr interleaved by line.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until a line containing `needle` has been printed (at any time since the start:
    /// stdout and stderr are read by separate threads, so their lines may arrive in either
    /// order); panics with the output so far on timeout.
    pub fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(line) = self.output().lines().find(|l| l.contains(needle)) {
                return line.to_owned();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "no line containing {needle:?} within {WAIT:?}; output:\n{}",
                    self.output()
                );
            }
            // Any new line (or the timeout) wakes the check above.
            let _ = self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)));
        }
    }

    /// Waits until the app is logged in and receiving updates.
    pub fn wait_ready(&mut self) {
        self.wait_for_line("receiving updates");
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid with a valid signal number.
        let rc = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(rc, 0, "kill failed");
    }

    /// Waits for the process to exit; kills it and panics if it does not within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = self.status {
            return status;
        }
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.status = Some(status);
                // Let the reader threads take the last lines.
                std::thread::sleep(Duration::from_millis(50));
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the app did not exit within {timeout:?}; output:\n{}",
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and expects a clean exit (code 0).
    pub fn stop(&mut self) {
        self.signal(libc::SIGTERM);
        let status = self.wait_exit(WAIT);
        assert!(
            status.success(),
            "exit {status:?}; output:\n{}",
            self.output()
        );
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The test app on a pseudo-terminal, with echo on as in a real terminal, and stderr (logs)
/// redirected to `log`, so the terminal shows exactly the login transcript.
pub struct Terminal {
    pub session: rexpect::session::PtySession,
    /// Everything the terminal showed, `\r` removed.
    pub transcript: String,
    pub log: PathBuf,
}

impl Terminal {
    pub fn start(env: &Env) -> Terminal {
        let log = env.dir.path().join("app.log");
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(r#"stty echo; exec "$0" --config "$1" 2>>"$2""#)
            .arg(app_binary())
            .arg(env.config_path())
            .arg(&log)
            .current_dir(env.dir.path());
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("OXYGRAM_") || key == "RUST_LOG" {
                command.env_remove(key.as_ref());
            }
        }
        let session = rexpect::session::spawn_with_options(
            command,
            rexpect::reader::Options::new()
                .timeout_ms(Some(WAIT.as_millis() as u64))
                .strip_ansi_escape_codes(true),
        )
        .expect("spawn on a pty");
        Terminal {
            session,
            transcript: String::new(),
            log,
        }
    }

    /// Waits for `text` on the terminal, recording it and what came before.
    pub fn expect(&mut self, text: &str) {
        match self.session.exp_string(text) {
            Ok(before) => {
                self.transcript.push_str(&before.replace('\r', ""));
                self.transcript.push_str(text);
            }
            Err(e) => panic!(
                "terminal never showed {text:?} ({e}); transcript so far:\n{}\nlog:\n{}",
                self.transcript,
                self.log_text()
            ),
        }
    }

    /// Types `line` and Enter.
    pub fn type_line(&mut self, line: &str) {
        self.session.send_line(line).expect("type on the pty");
        self.session.flush().expect("flush the pty");
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log shows the app receiving updates.
    pub fn wait_ready(&self) {
        let deadline = Instant::now() + WAIT;
        while !self.log_text().contains("receiving updates") {
            assert!(
                Instant::now() < deadline,
                "the app never got ready; transcript:\n{}\nlog:\n{}",
                self.transcript,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the app to exit and returns its exit code.
    pub fn exit_code(&mut self) -> i32 {
        use rexpect::process::WaitStatus;
        let deadline = Instant::now() + WAIT;
        loop {
            match self.session.process_mut().status() {
                Some(WaitStatus::Exited(_, code)) => return code,
                Some(WaitStatus::StillAlive) | None => {}
                Some(other) => panic!("unexpected end {other:?}; log:\n{}", self.log_text()),
            }
            assert!(Instant::now() < deadline, "the app did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and expects exit code 0.
    pub fn stop(&mut self) {
        use rexpect::process::{Signal, WaitStatus};
        let process = self.session.process_mut();
        process.signal(Signal::SIGTERM).expect("SIGTERM");
        let deadline = Instant::now() + WAIT;
        loop {
            match process.status() {
                Some(WaitStatus::Exited(_, code)) => {
                    assert_eq!(code, 0, "exit code; log:\n{}", self.log_text());
                    return;
                }
                Some(WaitStatus::StillAlive) | None => {}
                Some(other) => panic!("unexpected end {other:?}; log:\n{}", self.log_text()),
            }
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The lines of `text` with trailing spaces and empty lines removed, for comparing transcripts.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// `path`'s permission bits.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}
