use oxygram::handler;
use oxygram::prelude::*;

#[handler(message, edited)]
async fn both(_msg: Message) {}

#[handler(edited, command = "fix")]
async fn fix(_msg: Message) {}

fn main() {}
