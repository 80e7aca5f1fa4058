//! CPU time and peak RSS of another process, from `/proc` (Linux).
//!
//! The bot runs as its own process so these figures are its alone: `utime + stime` of
//! `/proc/<pid>/stat` covers every thread it ever had, and `VmHWM` of `/proc/<pid>/status` is
//! the peak resident set since it started.

use std::time::Duration;

/// User + system CPU time `pid` has used so far (all its threads).
pub fn cpu_time(pid: u32) -> std::io::Result<Duration> {
    parse_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat"))?)
}

/// User + system CPU time of this process so far.
pub fn own_cpu_time() -> std::io::Result<Duration> {
    parse_cpu(&std::fs::read_to_string("/proc/self/stat")?)
}

/// Peak resident set size of `pid` in KiB (`VmHWM`).
pub fn peak_rss_kib(pid: u32) -> std::io::Result<u64> {
    status_kib(pid, "VmHWM:")
}

/// Anonymous resident memory of `pid` now, in KiB (`RssAnon`): the heap and stacks, without
/// the mapped executable and libraries that `VmHWM` also counts.
pub fn anon_rss_kib(pid: u32) -> std::io::Result<u64> {
    status_kib(pid, "RssAnon:")
}

fn status_kib(pid: u32, field: &str) -> std::io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no {field} in /proc/{pid}/status")))
}

fn parse_cpu(stat: &str) -> std::io::Result<Duration> {
    // The command name (field 2) may hold spaces and parentheses: count from the last `)`.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    // After the `)`: state is index 0, utime index 11, stime index 12 (fields 14 and 15).
    let (Some(user), Some(system)) = (ticks(11), ticks(12)) else {
        return Err(std::io::Error::other("unexpected /proc stat format"));
    };
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(Duration::from_nanos(
        (user + system) * 1_000_000_000 / per_second,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_command_name_with_spaces_and_parentheses() {
        let stat = "42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0";
        let cpu = parse_cpu(stat).unwrap();
        // SAFETY: as above.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        assert_eq!(cpu, Duration::from_nanos(300 * 1_000_000_000 / hz));
    }

    #[test]
    fn own_process_has_a_peak_rss() {
        assert!(peak_rss_kib(std::process::id()).unwrap() > 0);
        assert!(anon_rss_kib(std::process::id()).unwrap() > 0);
    }
}
