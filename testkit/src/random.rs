//! Randomness from the operating system (keys, codes, SRP secrets, ids).

/// Fills `buf` with OS randomness.
pub(crate) fn fill(buf: &mut [u8]) {
    // The OS RNG failing is not a condition a test server can recover from.
    getrandom::fill(buf).expect("operating-system randomness is unavailable");
}

/// A random i64.
pub(crate) fn i64() -> i64 {
    let mut b = [0u8; 8];
    fill(&mut b);
    i64::from_le_bytes(b)
}

/// A random u32 below `bound`.
pub(crate) fn below(bound: u32) -> u32 {
    let mut b = [0u8; 4];
    fill(&mut b);
    u32::from_le_bytes(b) % bound
}

/// `len` random lowercase hex characters.
pub(crate) fn hex(len: usize) -> String {
    let mut b = vec![0u8; len.div_ceil(2)];
    fill(&mut b);
    let mut s: String = b.iter().map(|x| format!("{x:02x}")).collect();
    s.truncate(len);
    s
}
