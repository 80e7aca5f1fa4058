use oxygram::prelude::*;

#[handler(command = "start", crate = "my oxygram")]
async fn start() -> &'static str {
    "Hi!"
}

fn main() {}
