//! From runs to tables: medians over rounds per implementation and load, oxygram's ratios to
//! each other implementation, the issue's floors, and the oxygram-only figures.
//!
//! Ratios are the median of per-round ratios: runs of the same round ran back to back, so a
//! burst of load from another process on the shared machine hits both sides of a ratio alike.

use std::fmt::Write as _;
use std::time::Duration;

use crate::harness::RunFigures;
use crate::implementation::Implementation;
use crate::machine::Machine;
use crate::routing::Routing;

/// A run that could not finish, kept for the report.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Which bot.
    pub implementation: Implementation,
    /// Users (K).
    pub users: usize,
    /// Round (from 1).
    pub round: usize,
    /// What went wrong.
    pub error: String,
}

/// Everything one invocation measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// The machine, read at the start.
    pub machine: Machine,
    /// The load average at the end.
    pub load_average_after: String,
    /// When it started (UTC).
    pub date: String,
    /// The exact command.
    pub command: String,
    /// Rounds of interleaved runs.
    pub rounds: usize,
    /// Every finished run.
    pub runs: Vec<RunFigures>,
    /// Every run that failed.
    pub failures: Vec<Failure>,
    /// Start-to-ready times per implementation, sorted.
    pub startup: Vec<(Implementation, Vec<Duration>)>,
    /// The routing bench, if it was run.
    pub routing: Option<Result<Vec<Routing>, String>>,
    /// The template build time, if it was measured.
    pub template_build: Option<Result<Duration, String>>,
}

/// Medians over rounds of one implementation under one load.
#[derive(Debug, Clone, Copy)]
pub struct Medians {
    /// Round trips per second.
    pub rps: f64,
    /// p50 latency, ms.
    pub p50_ms: f64,
    /// p99 latency, ms.
    pub p99_ms: f64,
    /// Bot CPU seconds per 1000 messages.
    pub cpu_per_1000: f64,
    /// Bot peak RSS, MiB.
    pub rss_mib: f64,
    /// Bot anonymous RSS at the end of the load, MiB.
    pub anon_mib: f64,
    /// Testkit CPU seconds per 1000 messages.
    pub kit_cpu_per_1000: f64,
    /// Testkit CPU as a share of one core during the load.
    pub kit_core_share: f64,
}

/// The median of `values` (mean of the middle two for an even count); NaN when empty.
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl Report {
    /// The loads measured, as (K, N), in the order first run.
    pub fn loads(&self) -> Vec<(usize, usize)> {
        let mut loads: Vec<(usize, usize)> = Vec::new();
        for run in &self.runs {
            if !loads.contains(&(run.users, run.per_user)) {
                loads.push((run.users, run.per_user));
            }
        }
        loads
    }

    /// The implementations that finished at least one run, in report order.
    pub fn implementations(&self) -> Vec<Implementation> {
        Implementation::ALL
            .into_iter()
            .filter(|i| self.runs.iter().any(|r| r.implementation == *i))
            .collect()
    }

    fn runs_of(
        &self,
        implementation: Implementation,
        load: (usize, usize),
    ) -> impl Iterator<Item = &RunFigures> {
        self.runs
            .iter()
            .filter(move |r| r.implementation == implementation && (r.users, r.per_user) == load)
    }

    /// Medians over rounds of `implementation` under `load`, if it ran.
    pub fn medians(&self, implementation: Implementation, load: (usize, usize)) -> Option<Medians> {
        let runs: Vec<&RunFigures> = self.runs_of(implementation, load).collect();
        if runs.is_empty() {
            return None;
        }
        let of = |f: &dyn Fn(&RunFigures) -> f64| median(runs.iter().map(|r| f(r)).collect());
        Some(Medians {
            rps: of(&|r| r.load.round_trips_per_sec()),
            p50_ms: of(&|r| ms(r.load.percentile(0.5))),
            p99_ms: of(&|r| ms(r.load.percentile(0.99))),
            cpu_per_1000: of(&|r| r.bot_cpu_per_1000()),
            rss_mib: of(&|r| r.bot_peak_rss_kib as f64 / 1024.0),
            anon_mib: of(&|r| r.bot_anon_rss_kib as f64 / 1024.0),
            kit_cpu_per_1000: of(&|r| r.kit_cpu_per_1000()),
            kit_core_share: of(&|r| {
                r.kit_cpu.as_secs_f64() / r.load.elapsed.as_secs_f64().max(1e-9)
            }),
        })
    }

    /// The median over rounds of `oxygram's figure / other's figure` for one load.
    pub fn ratio(
        &self,
        other: Implementation,
        load: (usize, usize),
        figure: impl Fn(&RunFigures) -> f64,
    ) -> f64 {
        let ratios = self
            .runs_of(Implementation::Oxygram, load)
            .filter_map(|ours| {
                self.runs_of(other, load)
                    .find(|theirs| theirs.round == ours.round)
                    .map(|theirs| figure(ours) / figure(theirs))
            })
            .collect();
        median(ratios)
    }

    /// Median start-to-ready of `implementation`, if measured.
    pub fn startup_median(&self, implementation: Implementation) -> Option<Duration> {
        self.startup
            .iter()
            .find(|(i, times)| *i == implementation && !times.is_empty())
            .map(|(_, times)| times[times.len() / 2])
    }

    /// The whole report as Markdown (also readable as plain text on a terminal).
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "Measured {} on {} ({} cores), load average {} at the start and {} at the end \
             (1/5/15 min); {}; {}.\n",
            self.date,
            m.cpu_model,
            m.cores,
            m.load_average,
            self.load_average_after,
            m.rustc,
            m.python
        );
        let _ = writeln!(out, "```text\n{}\n```\n", self.command);
        let _ = writeln!(
            out,
            "{} round(s), implementations interleaved within each round; figures are medians \
             over rounds, ratios medians of per-round ratios.\n",
            self.rounds
        );
        for load in self.loads() {
            self.write_load(&mut out, load);
        }
        self.write_ratios(&mut out);
        self.write_floors(&mut out);
        self.write_startup(&mut out);
        self.write_routing(&mut out);
        self.write_template(&mut out);
        self.write_rpc_methods(&mut out);
        self.write_rpc_errors(&mut out);
        self.write_failures(&mut out);
        out
    }

    fn write_load(&self, out: &mut String, load: (usize, usize)) {
        let (users, per_user) = load;
        let _ = writeln!(
            out,
            "### K = {users} user(s) × N = {per_user} messages ({} round trips per run)\n",
            users * per_user
        );
        let _ = writeln!(
            out,
            "| implementation | round trips/s | p50 ms | p99 ms | bot CPU s/1000 msgs | bot peak RSS MiB | bot anon RSS MiB | testkit CPU s/1000 msgs (share of a core) | runs complete |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for implementation in self.implementations() {
            let Some(md) = self.medians(implementation, load) else {
                continue;
            };
            let runs: Vec<&RunFigures> = self.runs_of(implementation, load).collect();
            let complete = runs.iter().filter(|r| r.complete()).count();
            let _ = writeln!(
                out,
                "| {implementation} | {:.0} | {:.2} | {:.2} | {:.3} | {:.1} | {:.1} | {:.3} ({:.0} %) | {complete}/{} |",
                md.rps,
                md.p50_ms,
                md.p99_ms,
                md.cpu_per_1000,
                md.rss_mib,
                md.anon_mib,
                md.kit_cpu_per_1000,
                md.kit_core_share * 100.0,
                runs.len()
            );
        }
        let _ = writeln!(out);
    }

    fn write_ratios(&self, out: &mut String) {
        let others: Vec<Implementation> = self
            .implementations()
            .into_iter()
            .filter(|i| *i != Implementation::Oxygram)
            .collect();
        if others.is_empty() || !self.implementations().contains(&Implementation::Oxygram) {
            return;
        }
        let _ = writeln!(
            out,
            "### oxygram / other (round trips/s: higher is better for oxygram; p50, CPU and RSS: lower is better)\n"
        );
        let _ = writeln!(
            out,
            "| load | other | round trips/s | p50 | p99 | CPU/1000 msgs | peak RSS | anon RSS |\n|---|---|---:|---:|---:|---:|---:|---:|"
        );
        for load in self.loads() {
            for &other in &others {
                if self.medians(other, load).is_none() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "| K={} | {other} | {:.2}× | {:.2}× | {:.2}× | {:.2}× | {:.2}× | {:.2}× |",
                    load.0,
                    self.ratio(other, load, |r| r.load.round_trips_per_sec()),
                    self.ratio(other, load, |r| ms(r.load.percentile(0.5))),
                    self.ratio(other, load, |r| ms(r.load.percentile(0.99))),
                    self.ratio(other, load, |r| r.bot_cpu_per_1000()),
                    self.ratio(other, load, |r| r.bot_peak_rss_kib as f64),
                    self.ratio(other, load, |r| r.bot_anon_rss_kib as f64),
                );
            }
        }
        let _ = writeln!(out);
    }

    fn write_floors(&self, out: &mut String) {
        let mut rows: Vec<(String, String, Option<bool>)> = Vec::new();
        let loads = self.loads();
        let heaviest = loads.iter().copied().max_by_key(|l| l.0);
        let has = |i: Implementation| self.implementations().contains(&i);
        if let Some(load) = heaviest
            && has(Implementation::Oxygram)
            && has(Implementation::Grammers)
        {
            let r = self.ratio(Implementation::Grammers, load, |r| {
                r.load.round_trips_per_sec()
            });
            rows.push((
                format!("oxygram ≥ 0.97× grammers round trips/s at K={}", load.0),
                format!("{r:.3}×"),
                Some(r >= 0.97),
            ));
        }
        if has(Implementation::Oxygram) && has(Implementation::Telethon) {
            for &load in &loads {
                if self.medians(Implementation::Telethon, load).is_none() {
                    continue;
                }
                let r = self.ratio(Implementation::Telethon, load, |r| {
                    r.load.round_trips_per_sec()
                });
                rows.push((
                    format!("oxygram ≥ 10× Telethon round trips/s at K={}", load.0),
                    format!("{r:.1}×"),
                    Some(r >= 10.0),
                ));
                let rss = self.ratio(Implementation::Telethon, load, |r| {
                    r.bot_peak_rss_kib as f64
                });
                rows.push((
                    format!("oxygram ≤ 1/4 of Telethon's peak RSS at K={}", load.0),
                    format!("{rss:.3}× (1/{:.1})", 1.0 / rss),
                    Some(rss <= 0.25),
                ));
            }
        }
        if let Some(Ok(routing)) = &self.routing {
            for kind in ["command", "text"] {
                let find = |n: usize| {
                    routing
                        .iter()
                        .find(|r| r.id.ends_with(&format!("{kind}/{n}")))
                        .map(|r| r.nanos)
                };
                if let (Some(one), Some(many)) = (find(1), find(200)) {
                    let r = many / one;
                    rows.push((
                        format!("routing a {kind} update: 200 handlers ≤ 1.2× 1 handler"),
                        format!("{r:.2}× ({many:.0} ns vs {one:.0} ns)"),
                        Some(r <= 1.2),
                    ));
                }
            }
        }
        if let Some(ready) = self.startup_median(Implementation::Oxygram) {
            rows.push((
                "oxygram ready ≤ 100 ms after start (existing session, loopback)".to_owned(),
                format!("{:.1} ms (median)", ms(ready)),
                Some(ready <= Duration::from_millis(100)),
            ));
        }
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "### Floors (issue 6)\n\n| floor | measured | met |\n|---|---:|---|"
        );
        for (floor, measured, met) in rows {
            let met = match met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "-",
            };
            let _ = writeln!(out, "| {floor} | {measured} | {met} |");
        }
        let _ = writeln!(out);
    }

    fn write_startup(&self, out: &mut String) {
        if self.startup.iter().all(|(_, t)| t.is_empty()) {
            return;
        }
        let _ = writeln!(
            out,
            "### Start to ready (existing session; process spawn → ready line)\n\n\
             | implementation | median ms | min ms | max ms | starts |\n|---|---:|---:|---:|---:|"
        );
        for (implementation, times) in &self.startup {
            if times.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "| {implementation} | {:.1} | {:.1} | {:.1} | {} |",
                ms(times[times.len() / 2]),
                ms(times[0]),
                ms(times[times.len() - 1]),
                times.len()
            );
        }
        let _ = writeln!(out);
    }

    fn write_routing(&self, out: &mut String) {
        let Some(routing) = &self.routing else { return };
        let _ = writeln!(
            out,
            "### Routing one update (criterion, `cargo bench -p oxygram --bench routing`)\n"
        );
        match routing {
            Ok(results) => {
                let _ = writeln!(out, "| bench | time per update |\n|---|---:|");
                for r in results {
                    let _ = writeln!(out, "| {} | {:.0} ns |", r.id, r.nanos);
                }
            }
            Err(e) => {
                let _ = writeln!(out, "Not measured: {e}");
            }
        }
        let _ = writeln!(out);
    }

    fn write_template(&self, out: &mut String) {
        let Some(build) = &self.template_build else {
            return;
        };
        let _ = writeln!(out, "### Clean build of a generated template project\n");
        match build {
            Ok(time) => {
                let _ = writeln!(
                    out,
                    "`cargo generate` of `templates/bot`, then `cargo build` (debug) into an empty \
                     `CARGO_TARGET_DIR`, registry cache warm (dependencies fetched beforehand, \
                     untimed): **{:.0} s**.\n",
                    time.as_secs_f64()
                );
            }
            Err(e) => {
                let _ = writeln!(out, "Not measured: {e}\n");
            }
        }
    }

    fn write_rpc_methods(&self, out: &mut String) {
        // The first run of each implementation under the lightest load: what a bot calls
        // besides the echo itself (startup, update state, replies).
        let mut seen = Vec::new();
        let mut rows = Vec::new();
        for run in &self.runs {
            if seen.contains(&run.implementation) {
                continue;
            }
            seen.push(run.implementation);
            let methods: Vec<String> = run
                .rpc_methods
                .iter()
                .map(|(method, count)| format!("`{method}` ×{count}"))
                .collect();
            rows.push(format!(
                "- {} (K={}, N={}): {}",
                run.implementation,
                run.users,
                run.per_user,
                methods.join(", ")
            ));
        }
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "### RPCs each bot made in its first run (warm-up and load included)\n"
        );
        for row in rows {
            let _ = writeln!(out, "{row}");
        }
        let _ = writeln!(out);
    }

    fn write_rpc_errors(&self, out: &mut String) {
        let mut rows: Vec<(Implementation, &str)> = self
            .runs
            .iter()
            .flat_map(|r| {
                r.rpc_errors
                    .iter()
                    .map(move |e| (r.implementation, e.as_str()))
            })
            .collect();
        rows.sort();
        rows.dedup();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "### RPC errors the bots got from the testkit\n");
        for (implementation, error) in rows {
            let _ = writeln!(out, "- {implementation}: `{error}`");
        }
        let _ = writeln!(out);
    }

    fn write_failures(&self, out: &mut String) {
        if self.failures.is_empty() {
            return;
        }
        let _ = writeln!(out, "### Runs that failed\n");
        for f in &self.failures {
            let _ = writeln!(
                out,
                "{} at K={}, round {}:\n\n```text\n{}\n```\n",
                f.implementation,
                f.users,
                f.round,
                f.error.trim_end()
            );
        }
    }
}
