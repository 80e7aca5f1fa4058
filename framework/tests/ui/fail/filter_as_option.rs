use oxygram::handler;
use oxygram::prelude::*;

#[handler(message, private)]
async fn echo(_msg: Message) {}

fn main() {}
