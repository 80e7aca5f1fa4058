//! The routing cost per update with 1 and 200 handlers: runs oxygram's criterion bench
//! (`cargo bench -p oxygram --bench routing`) and reads its point estimates.

use std::path::Path;
use std::process::Command;

use crate::error::BenchError;

/// One criterion result: the bench id (`route/command/200`) and its point estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// The criterion id.
    pub id: String,
    /// The point estimate, nanoseconds per routed update.
    pub nanos: f64,
}

/// Runs the bench in `workspace` and returns its results.
pub fn run(workspace: &Path) -> Result<Vec<Routing>, BenchError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["bench", "-p", "oxygram", "--bench", "routing"])
        .current_dir(workspace)
        .output()
        .map_err(BenchError::io("run cargo bench"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(BenchError::Tool {
            tool: "cargo bench -p oxygram --bench routing".to_owned(),
            status: output.status.to_string(),
            output: tail(&format!(
                "{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            )),
        });
    }
    Ok(parse(&stdout))
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Reads criterion's `id  time: [low mid high]` lines (the id may stand on the line before).
pub fn parse(stdout: &str) -> Vec<Routing> {
    let mut results = Vec::new();
    let mut last_id: Option<String> = None;
    for line in stdout.lines() {
        let trimmed = line.trim();
        let Some((head, rest)) = trimmed.split_once("time:") else {
            if !trimmed.is_empty() && !line.starts_with(' ') && !trimmed.contains(':') {
                last_id = Some(trimmed.to_owned());
            }
            continue;
        };
        let id = match head.trim() {
            "" => last_id.take(),
            id => Some(id.to_owned()),
        };
        let Some(id) = id else { continue };
        let values: Vec<&str> = rest
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split_whitespace()
            .collect();
        // [low unit mid unit high unit]
        if let (Some(value), Some(unit)) = (values.get(2), values.get(3))
            && let Ok(value) = value.parse::<f64>()
        {
            let scale = match *unit {
                "ps" => 1e-3,
                "ns" => 1.0,
                "µs" | "us" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                _ => continue,
            };
            results.push(Routing {
                id,
                nanos: value * scale,
            });
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inline_and_wrapped_ids() {
        let out = "Benchmarking route/command/1: Analyzing\n\
                   route/command/1         time:   [1.2205 µs 1.2312 µs 1.2428 µs]\n\
                   route/a_very_long_benchmark_name/200\n                        time:   [980.1 ns 990.5 ns 1.0010 µs]\n";
        let parsed = parse(out);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].id, "route/command/1");
        assert!((parsed[0].nanos - 1231.2).abs() < 1e-6);
        assert_eq!(parsed[1].id, "route/a_very_long_benchmark_name/200");
        assert!((parsed[1].nanos - 990.5).abs() < 1e-6);
    }
}
