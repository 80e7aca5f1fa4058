use oxygram::handler;
use oxygram::prelude::*;

#[handler(message, filter = user(1234, "not a username"))]
async fn by_name(_msg: Message) {}

#[handler(message, filter = user(-1001234567890))]
async fn by_id(_msg: Message) {}

const NEWS: &str = "news";

#[handler(message, filter = chat(NEWS))]
async fn by_chat(_msg: Message) {}

fn main() {}
