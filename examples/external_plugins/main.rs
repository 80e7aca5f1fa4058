//! An app whose plugins all come from another crate (`examples/plugins`): naming them links
//! the crate, handlers and all.
//!
//! ```text
//! cargo run --example external_plugins -- --sandbox
//! > /about
//! > /sum 1 2 3
//! ```

use oxygram_example_plugins::{About, Dice};

fn main() -> oxygram::Result<()> {
    oxygram::App::new().plugin(About).plugin(Dice).run()
}
