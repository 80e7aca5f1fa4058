//! The DSL test app: several plugins exercising routing, groups, extractors, errors and
//! ordering, and a harness that runs them as a real bot (`App`) against the testkit.
//!
//! The handlers are plain `#[handler]` fns collected with `inventory`; every test binary that
//! links this crate sees all of them, so each test picks plugins with `[plugins] include`.

mod harness;
pub mod plugins;

pub use harness::{BOT, DslApp, TIMEOUT};
