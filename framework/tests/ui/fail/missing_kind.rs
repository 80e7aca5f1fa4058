use oxygram::handler;
use oxygram::prelude::*;

#[handler(group = 1)]
async fn echo(_msg: Message) {}

fn main() {}
