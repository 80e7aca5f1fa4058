//! `oxygram-bench`: the benchmark driver. See `bench/run.sh` and `BENCHMARKS.md`.
//!
//! ```text
//! cargo run --release -p oxygram-bench -- all [--rounds 3] [--loads 1x20000,50x1000]
//!     [--impls oxygram,grammers,telethon,kurigram] [--starts 20] [--routing]
//!     [--template-build] [--kit-threads 1] [--write BENCHMARKS.md] [--no-build]
//! ```
//!
//! Started by cargo, the driver first builds the Rust bots it starts (`cargo run` builds only
//! the driver); `--no-build` uses them as they are (the smoke test, whose `cargo test` built
//! them). Started directly, it needs them built and says how.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use oxygram_bench::bot::Bins;
use oxygram_bench::machine::{self, Machine};
use oxygram_bench::report::{Failure, Report};
use oxygram_bench::{BenchError, Harness, Implementation, routing, startup, template};

const USAGE: &str = "usage: oxygram-bench all [--rounds R] [--loads KxN,...] \
[--impls oxygram,grammers,telethon,kurigram] [--starts S] [--routing] [--template-build] \
[--kit-threads T] [--write FILE] [--no-build]";

/// The command line of `all`.
#[derive(Debug)]
struct Options {
    rounds: usize,
    loads: Vec<(usize, usize)>,
    implementations: Vec<Implementation>,
    starts: usize,
    routing: bool,
    template_build: bool,
    kit_threads: usize,
    write: Option<PathBuf>,
    /// Use the Rust bots beside the driver as they are, without `cargo build`.
    no_build: bool,
}

fn parse(args: &[String]) -> Result<Options, BenchError> {
    let usage = |what: String| BenchError::Usage(format!("{what}\n{USAGE}"));
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        Some("all") => {}
        Some(other) => return Err(usage(format!("unknown command {other:?}"))),
        None => return Err(usage("missing command".to_owned())),
    }
    let mut options = Options {
        rounds: 3,
        loads: vec![(1, 20_000), (50, 1000)],
        implementations: Implementation::ALL.to_vec(),
        starts: 20,
        routing: false,
        template_build: false,
        kit_threads: 1,
        write: None,
        no_build: false,
    };
    while let Some(flag) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        let number = |name: &str, text: String| {
            text.parse::<usize>()
                .map_err(|_| usage(format!("{name}: {text:?} is not a number")))
        };
        match flag.as_str() {
            "--rounds" => options.rounds = number("--rounds", value("--rounds")?)?.max(1),
            "--starts" => options.starts = number("--starts", value("--starts")?)?,
            "--kit-threads" => {
                options.kit_threads = number("--kit-threads", value("--kit-threads")?)?
            }
            "--loads" => {
                options.loads = value("--loads")?
                    .split(',')
                    .map(|load| {
                        let (k, n) = load
                            .split_once('x')
                            .ok_or_else(|| usage(format!("--loads: {load:?} is not KxN")))?;
                        Ok((
                            number("--loads K", k.to_owned())?,
                            number("--loads N", n.to_owned())?,
                        ))
                    })
                    .collect::<Result<_, BenchError>>()?;
            }
            "--impls" => {
                options.implementations = value("--impls")?
                    .split(',')
                    .map(|name| {
                        Implementation::parse(name).ok_or_else(|| {
                            usage(format!("--impls: unknown implementation {name:?}"))
                        })
                    })
                    .collect::<Result<_, BenchError>>()?;
            }
            "--routing" => options.routing = true,
            "--no-build" => options.no_build = true,
            "--template-build" => options.template_build = true,
            "--write" => options.write = Some(PathBuf::from(value("--write")?)),
            "-h" | "--help" => return Err(BenchError::Usage(USAGE.to_owned())),
            other => return Err(usage(format!("unknown option {other:?}"))),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args).and_then(|options| run(&args, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oxygram-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn run(args: &[String], options: Options) -> Result<(), BenchError> {
    let machine = Machine::read();
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let bins = Bins::beside_current_exe()?;
    if options.no_build {
        bins.check_rust_bots()?;
    } else {
        bins.build_rust_bots()?;
    }
    let harness = Harness::new(bins, options.kit_threads)?;
    let mut runs = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();

    for &(users, per_user) in &options.loads {
        for round in 1..=options.rounds {
            for &implementation in &options.implementations {
                // A bot that failed under this load once is not retried every round.
                if failures
                    .iter()
                    .any(|f| f.implementation == implementation && f.users == users)
                {
                    continue;
                }
                eprint!("K={users} N={per_user} round {round}: {implementation} ... ");
                match harness.run_once(implementation, users, per_user, round) {
                    Ok(figures) => {
                        eprintln!(
                            "{:.0} round trips/s, p50 {:.2} ms, p99 {:.2} ms, CPU {:.3} s/1000, RSS {:.1} MiB{}",
                            figures.load.round_trips_per_sec(),
                            figures.load.percentile(0.5).as_secs_f64() * 1e3,
                            figures.load.percentile(0.99).as_secs_f64() * 1e3,
                            figures.bot_cpu_per_1000(),
                            figures.bot_peak_rss_kib as f64 / 1024.0,
                            if figures.complete() {
                                String::new()
                            } else {
                                format!(" INCOMPLETE: {}", figures.load.problems.join("; "))
                            }
                        );
                        runs.push(figures);
                    }
                    Err(error) => {
                        eprintln!("failed: {error}");
                        failures.push(Failure {
                            implementation,
                            users,
                            round,
                            error: error.to_string(),
                        });
                    }
                }
            }
        }
    }

    let mut startup_times = Vec::new();
    if options.starts > 0 {
        for &implementation in &options.implementations {
            eprint!("start to ready: {implementation} x{} ... ", options.starts);
            match startup::measure(&harness, implementation, options.starts) {
                Ok(times) => {
                    eprintln!(
                        "median {:.1} ms",
                        times[times.len() / 2].as_secs_f64() * 1e3
                    );
                    startup_times.push((implementation, times));
                }
                Err(error) => eprintln!("failed: {error}"),
            }
        }
    }
    let routing = options.routing.then(|| {
        eprintln!("routing: cargo bench -p oxygram --bench routing ...");
        routing::run(&workspace()).map_err(|e| e.to_string())
    });
    let template_build = options.template_build.then(|| {
        eprintln!("template: generating and building a project (minutes) ...");
        template::build_time(&workspace()).map_err(|e| e.to_string())
    });

    let report = Report {
        machine,
        load_average_after: machine::load_average(),
        date,
        command: command_line(args),
        rounds: options.rounds,
        runs,
        failures,
        startup: startup_times,
        routing,
        template_build,
    };
    let markdown = report.markdown();
    println!("{markdown}");
    if let Some(path) = &options.write {
        oxygram_bench::markdown::update(path, &markdown)?;
        eprintln!("wrote {}", path.display());
    }
    let incomplete = report.runs.iter().filter(|r| !r.complete()).count();
    if incomplete > 0 {
        return Err(BenchError::Usage(format!(
            "{incomplete} run(s) lost echoes (see the table)"
        )));
    }
    Ok(())
}

/// The command as it would be typed (the release build through cargo).
fn command_line(args: &[String]) -> String {
    format!("cargo run --release -p oxygram-bench -- {}", args.join(" "))
}
