use oxygram::handler;
use oxygram::prelude::*;

#[handler(commands = ["help", "/start"])]
async fn start(_msg: Message) {}

fn main() {}
