use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "start", command = "begin")]
async fn start(_msg: Message) {}

fn main() {}
