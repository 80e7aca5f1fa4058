use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "Start")]
async fn start(_msg: Message) {}

fn main() {}
