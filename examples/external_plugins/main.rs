//! An app whose handlers all come from another crate (`examples/plugins`).
//!
//! ```text
//! cargo run --example external_plugins -- --sandbox
//! > /about
//! > /sum 1 2 3
//! ```

// Without this line the linker drops the library, and its handlers with it.
use oxygram_example_plugins as _;

fn main() -> oxygram::Result<()> {
    oxygram::App::new().run()
}
