//! The `#[handler]` attribute of oxygram.
