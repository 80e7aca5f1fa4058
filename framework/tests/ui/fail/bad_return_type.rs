use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "count")]
async fn count(_msg: Message) -> u32 {
    42
}

fn main() {}
