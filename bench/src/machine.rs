//! The machine a report was measured on: CPU model, cores, load average, toolchain.

use std::process::Command;

/// What the report says about the machine.
#[derive(Debug, Clone)]
pub struct Machine {
    /// `lscpu`'s model name.
    pub cpu_model: String,
    /// Cores available to this process.
    pub cores: usize,
    /// `/proc/loadavg`'s 1, 5 and 15 minute averages.
    pub load_average: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `python3 --version` with the Telethon and kurigram versions found.
    pub python: String,
}

impl Machine {
    /// Reads the machine now (the load average is a snapshot).
    pub fn read() -> Machine {
        let cpu_model = command_output("lscpu", &[])
            .lines()
            .find_map(|l| l.strip_prefix("Model name:"))
            .map(|m| m.trim().to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        Machine {
            cpu_model,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_average: load_average(),
            rustc: command_output("rustc", &["--version"]).trim().to_owned(),
            python: command_output(
                "python3",
                &[
                    "-c",
                    "import sys, importlib.metadata as m\n\
                     def v(p):\n    try: return m.version(p)\n    except Exception: return 'missing'\n\
                     print(f\"Python {sys.version.split()[0]}, Telethon {v('telethon')}, \
                     kurigram {v('kurigram')}, TgCrypto {v('tgcrypto')}, cryptg {v('cryptg')}\")",
                ],
            )
            .trim()
            .to_owned(),
        }
    }
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}
