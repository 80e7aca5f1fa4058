use oxygram::prelude::*;

#[handler(service = "new_members")]
async fn welcome(_msg: Message) {}

fn main() {}
