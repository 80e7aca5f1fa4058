use oxygram::handler;
use oxygram::prelude::*;

#[handler(callback = "this-callback-pattern-is-much-longer-than-the-sixty-four-bytes-telegram-allows")]
async fn vote(_query: CallbackQuery) {}

fn main() {}
