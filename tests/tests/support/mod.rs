//! Running the example binaries for end-to-end tests: build them once, run them with a
//! deadline, and (for the sandbox) drive them through a pipe or a pseudo-terminal.
//!
//! Examples are `[[example]]` targets of another package, so the tests build them with the
//! same cargo (`cargo build -p oxygram-examples --examples`) into the same target folder;
//! when they are already built this takes a moment.

#![allow(dead_code)] // each test file uses a part of this module

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a sandbox script may run before the test fails (each line waits for replies).
pub const RUN_DEADLINE: Duration = Duration::from_secs(120);

/// First-reply wait given to the sandbox in tests: generous, since CI machines are loaded.
pub const SANDBOX_WAIT_MS: &str = "12000";

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The cargo target folder the workspace builds into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_relative() {
                workspace().join(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| workspace().join("target"))
}

/// The cargo running these tests (falls back to `cargo` on the PATH).
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The path of example `name`, built (once per test process) if needed.
pub fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let output = cargo()
            .current_dir(workspace())
            .args(["build", "--quiet", "-p", "oxygram-examples", "--examples"])
            .output()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    });
    if let Err(e) = built {
        panic!("building the examples failed:\n{e}");
    }
    let path = target_dir()
        .join("debug")
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "example binary {} is missing",
        path.display()
    );
    path
}

/// What a finished process printed.
#[derive(Debug)]
pub struct Finished {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Waits for `child` until `deadline`, killing it (and failing) after that.
pub fn wait_with_deadline(mut child: Child, deadline: Duration) -> Finished {
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            break Some(status);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let finished = Finished {
        success: status.is_some_and(|s| s.success()),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    };
    assert!(
        status.is_some(),
        "the process did not finish within {deadline:?}\nstdout:\n{}\nstderr:\n{}",
        finished.stdout,
        finished.stderr
    );
    finished
}

/// Runs example `name` in the sandbox with `script` on stdin, from an empty folder (so no
/// `Bot.toml` is picked up), and returns what it printed. Fails the test if it fails.
pub fn sandbox_script(name: &str, args: &[&str], script: &str) -> Finished {
    let folder = tempfile::tempdir().expect("temp folder");
    let mut child = Command::new(example(name))
        .args(args)
        .current_dir(folder.path())
        .env("OXYGRAM_SANDBOX_WAIT_MS", SANDBOX_WAIT_MS)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the example");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(script.as_bytes())
        .expect("writing the script");
    let finished = wait_with_deadline(child, RUN_DEADLINE);
    assert!(
        finished.success,
        "{name} --sandbox failed\nstdout:\n{}\nstderr:\n{}",
        finished.stdout, finished.stderr
    );
    finished
}

/// Asserts that `lines` appear in `text` in this order (other lines may come between).
pub fn assert_in_order(text: &str, lines: &[&str]) {
    let mut rest = text;
    for line in lines {
        match rest.find(line) {
            Some(at) => rest = &rest[at + line.len()..],
            None => panic!("expected {line:?} (in this order) in:\n{text}"),
        }
    }
}
