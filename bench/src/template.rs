//! Clean build time of a project generated from `templates/bot`: render it with cargo-generate
//! (as `tests/tests/template.rs` does), fetch its dependencies (untimed: the registry cache is
//! warm, the network is not measured), then time `cargo build` into an empty target folder.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::BenchError;
use crate::{API_HASH, API_ID, BOT_TOKEN};

/// Renders the template into a temporary folder and returns the clean debug build time.
pub fn build_time(workspace: &Path) -> Result<Duration, BenchError> {
    let scratch = tempfile::Builder::new()
        .prefix("oxygram-bench-template-")
        .tempdir()
        .map_err(BenchError::io("create a scratch folder"))?;
    let mut render = Command::new("cargo-generate");
    render
        .arg("generate")
        .arg("--path")
        .arg(workspace)
        .arg("templates/bot")
        .args(["--name", "bench-template", "--silent", "--vcs", "none"])
        .arg("--no-workspace")
        .arg("--destination")
        .arg(scratch.path())
        .arg("-d")
        .arg(format!("oxygram_path={}", workspace.display()))
        .args(["-d", "account=bot", "-d", &format!("api_id={API_ID}")])
        .args(["-d", &format!("api_hash={API_HASH}")])
        .args([
            "-d",
            &format!("bot_token={BOT_TOKEN}"),
            "-d",
            "session_name=bot",
        ]);
    if std::env::var_os("USER").is_none() && std::env::var_os("CARGO_NAME").is_none() {
        render.env("CARGO_NAME", "oxygram bench");
    }
    run(render, "cargo-generate")?;
    let project = scratch.path().join("bench-template");
    std::fs::copy(workspace.join("Cargo.lock"), project.join("Cargo.lock"))
        .map_err(BenchError::io("copy Cargo.lock into the generated project"))?;
    let target = scratch.path().join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cargo_in_project = |subcommand: &str| {
        let mut command = Command::new(&cargo);
        command
            .arg(subcommand)
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0");
        command
    };
    run(cargo_in_project("fetch"), "cargo fetch")?;
    let started = Instant::now();
    run(cargo_in_project("build"), "cargo build (generated project)")?;
    Ok(started.elapsed())
}

fn run(mut command: Command, tool: &str) -> Result<(), BenchError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(BenchError::io(format!("run {tool}")))?;
    if output.status.success() {
        return Ok(());
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    Err(BenchError::Tool {
        tool: tool.to_owned(),
        status: output.status.to_string(),
        output: lines[lines.len().saturating_sub(30)..].join("\n"),
    })
}
