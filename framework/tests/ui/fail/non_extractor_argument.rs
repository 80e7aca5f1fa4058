use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "roll")]
async fn roll(_msg: Message, _sides: u32) {}

fn main() {}
