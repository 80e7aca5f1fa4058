//! The allocator policy of a process that `App::run` owns: one glibc malloc arena.
//!
//! glibc gives every thread that allocates under contention an arena of its own (up to 8 per
//! core), and memory freed on one thread goes back to the arena of the thread that allocated
//! it. A bot is exactly that pattern: the connection task decodes an update on one tokio
//! worker, the handler that drops it runs on another, and each worker's arena keeps the other's
//! garbage as its own slack. Measured with the echo bot of `BENCHMARKS.md` (50 users at
//! once, release build, 2 cores): peak RSS 17.9 MiB with glibc's default, 17.6 MiB with two
//! arenas, 14.7 MiB with one, and round trips/s unchanged (30.1k with one arena against 29.5k)
//! because glibc's per-thread caches serve most small allocations without the arena lock.
//!
//! `MALLOC_ARENA_MAX` set in the environment wins (glibc reads it at start-up and this then
//! leaves the setting alone), so a CPU-heavy app on many cores can ask for more arenas. Other platforms and
//! allocators (musl, a `#[global_allocator]`) are left alone.

/// Limits glibc malloc to one arena unless `MALLOC_ARENA_MAX` says otherwise. Called before
/// the runtime's worker threads exist, which is when the limit takes full effect.
pub(crate) fn use_one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of glibc's allocator; M_ARENA_MAX with a
        // positive value is valid at any time (arenas that exist already stay).
        // It returns 0 only for an unknown parameter; glibc's default then stays, harmlessly.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
    }
}
