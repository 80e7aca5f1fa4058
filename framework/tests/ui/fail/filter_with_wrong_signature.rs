use oxygram::handler;
use oxygram::prelude::*;

fn long_enough(text: &str) -> bool {
    text.len() > 3
}

#[handler(message, filter = text & long_enough)]
async fn echo(_msg: Message) {}

fn main() {}
