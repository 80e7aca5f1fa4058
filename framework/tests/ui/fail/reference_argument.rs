use oxygram::handler;
use oxygram::prelude::*;

#[handler(message)]
async fn echo(_msg: &Message) {}

fn main() {}
