use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "start", timeout = 5)]
async fn start(_msg: Message) {}

fn main() {}
