use oxygram::handler;
use oxygram::prelude::*;

#[handler(message, filter = text && private)]
async fn echo(_msg: Message) {}

fn main() {}
