use oxygram::handler;
use oxygram::prelude::*;

#[handler(callback = "vote:*", outgoing)]
async fn vote(_query: CallbackQuery) {}

fn main() {}
