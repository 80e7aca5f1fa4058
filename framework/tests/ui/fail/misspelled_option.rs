use oxygram::handler;
use oxygram::prelude::*;

#[handler(comand = "start")]
async fn start(_msg: Message) {}

fn main() {}
