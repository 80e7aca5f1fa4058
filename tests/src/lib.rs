//! End-to-end tests live in `tests/tests/`.
pub mod core_app;
pub mod dsl_app;
