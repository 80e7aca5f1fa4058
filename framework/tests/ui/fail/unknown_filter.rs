use oxygram::handler;
use oxygram::prelude::*;

#[handler(message, filter = text & privat)]
async fn echo(_msg: Message) {}

fn main() {}
