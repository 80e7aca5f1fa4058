//! `oxygram-testkit`: run the local Telegram from the command line.
//!
//! ```text
//! oxygram-testkit serve [--listen ADDR] [--world FILE] [--session PATH]... [--state FILE]
//! ```
//!
//! Prints `listening on ADDR` once clients can connect, logs every RPC and every login code
//! (the testkit is its users' phone), and stops cleanly on Ctrl+C.

use std::path::PathBuf;
use std::process::ExitCode;

use oxygram_testkit::{TestKit, World};

const USAGE: &str = "\
usage: oxygram-testkit serve [--listen ADDR] [--world FILE] [--session PATH]... [--state FILE]

  --listen ADDR    address to listen on (default 127.0.0.1:8443; port 0 picks one)
  --world FILE     the world as TOML (apps, bots, users, groups; see the crate docs)
  --session PATH   make this grammers SQLite session file point at this server with a key
                   it accepts (created if missing); repeatable
  --state FILE     keep messages, update state and logins in FILE across restarts

Environment: RUST_LOG overrides the log filter (default: info).";

struct ServeArgs {
    listen: String,
    world: Option<PathBuf>,
    sessions: Vec<PathBuf>,
    state: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<ServeArgs, String> {
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("serve") => {}
        Some("-h" | "--help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command {other:?}")),
    }
    let mut parsed = ServeArgs {
        listen: "127.0.0.1:8443".into(),
        world: None,
        sessions: Vec::new(),
        state: None,
    };
    while let Some(flag) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--listen" => parsed.listen = value("--listen")?,
            "--world" => parsed.world = Some(value("--world")?.into()),
            "--session" => parsed.sessions.push(value("--session")?.into()),
            "--state" => parsed.state = Some(value("--state")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("error: {problem}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), oxygram_testkit::Error> {
    let world = match &args.world {
        Some(path) => World::from_file(path)?,
        None => {
            tracing::warn!("no --world given: the world has no accounts");
            World::new()
        }
    };
    let kit = match &args.state {
        Some(path) => TestKit::start_persistent(world, &args.listen, path).await?,
        None => TestKit::start_on(world, &args.listen).await?,
    };
    for path in &args.sessions {
        kit.write_session_file(path).await?;
        tracing::info!(path = %path.display(), "session file points at this server");
    }
    println!("listening on {}", kit.addr());
    if tokio::signal::ctrl_c().await.is_err() {
        tracing::warn!("cannot listen for Ctrl+C; stopping");
    }
    kit.shutdown().await;
    println!("stopped");
    Ok(())
}
