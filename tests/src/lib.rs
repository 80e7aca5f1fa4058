//! End-to-end tests live in `tests/tests/`.
pub mod core_app;
pub mod dsl_app;

/// The Rust blocks of `docs/COMING_FROM_PYROGRAM.md`, compiled as doctests so the page stays
/// true to the API.
#[cfg(doctest)]
#[doc = include_str!("../../docs/COMING_FROM_PYROGRAM.md")]
pub struct ComingFromPyrogram;
