//! End-to-end tests live in `tests/tests/`.
pub mod dsl_app;
