use oxygram::handler;
use oxygram::prelude::*;

#[handler(message, group = "1")]
async fn first(_msg: Message) {}

#[handler(message, group = 1.5)]
async fn second(_msg: Message) {}

fn main() {}
