//! CI smoke: the harness end to end in its debug build, tiny and oxygram only, so it does not
//! rot between benchmark runs. Behaviour only (every echo arrives, the report is written),
//! never timing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oxygram_bench::bot::Bins;
use oxygram_bench::{Harness, Implementation};

const DEADLINE: Duration = Duration::from_secs(60);

#[test]
fn every_message_to_the_oxygram_bot_is_echoed() {
    let bins = Bins::in_dir(
        Path::new(env!("CARGO_BIN_EXE_bench-oxygram-echo"))
            .parent()
            .expect("binary folder"),
    );
    let harness = Harness::new(bins, 1).expect("harness");
    let figures = harness
        .run_once(Implementation::Oxygram, 2, 5, 1)
        .expect("the oxygram bot runs and answers");
    assert_eq!(figures.load.sent, 10);
    assert_eq!(
        figures.load.echoed, 10,
        "problems: {:?}",
        figures.load.problems
    );
    assert!(figures.complete());
    assert!(figures.bot_peak_rss_kib > 0);
    assert!(figures.rpc_errors.is_empty(), "{:?}", figures.rpc_errors);
}

#[test]
fn the_driver_writes_a_report_with_every_section_it_measured() {
    let scratch = tempfile::tempdir().unwrap();
    let report = scratch.path().join("BENCHMARKS.md");
    std::fs::write(&report, "# Benchmarks\n\nprose that must survive\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_oxygram-bench"))
        .args([
            "all", "--rounds", "1", "--loads", "2x3", "--impls", "oxygram",
        ])
        // `cargo test` built the bots; no second build with other features.
        .args(["--starts", "2", "--no-build", "--write"])
        .arg(&report)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the driver starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("the driver did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "driver failed: {stderr}");
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(
        written.starts_with("# Benchmarks\n\nprose that must survive\n"),
        "{written}"
    );
    assert!(
        written.contains("### K = 2 user(s) × N = 3 messages"),
        "{written}"
    );
    assert!(written.contains("| oxygram |"), "{written}");
    assert!(written.contains("| 1/1 |"), "{written}");
    assert!(written.contains("### Start to ready"), "{written}");
    assert!(written.contains("oxygram ready ≤ 100 ms"), "{written}");
}

#[test]
fn missing_bots_are_named_with_the_command_that_builds_them() {
    let empty = tempfile::tempdir().unwrap();
    let error = Bins::in_dir(&empty.path().join("release"))
        .check_rust_bots()
        .expect_err("no bots in an empty folder");
    let message = error.to_string();
    assert!(
        message.contains("bench-oxygram-echo and bench-grammers-echo not in")
            && message.contains("`cargo build --release -p oxygram-bench --bins`")
            && message.contains("`cargo run --release -p oxygram-bench -- all ...`"),
        "{message}"
    );
}

#[test]
fn bad_arguments_are_named() {
    let output = Command::new(env!("CARGO_BIN_EXE_oxygram-bench"))
        .args(["all", "--impls", "oxygram,pyrogram"])
        .output()
        .expect("the driver starts");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--impls: unknown implementation \"pyrogram\""),
        "{stderr}"
    );
}
