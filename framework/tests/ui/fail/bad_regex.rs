use oxygram::handler;
use oxygram::prelude::*;

#[handler(regex = r"^hi (\w+$")]
async fn hi(_msg: Message) {}

fn main() {}
