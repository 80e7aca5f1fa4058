use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "hi", regex = "^hi")]
async fn hi(_msg: Message) {}

fn main() {}
