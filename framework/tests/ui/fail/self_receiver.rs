use oxygram::handler;
use oxygram::prelude::*;

struct Bot;

impl Bot {
    #[handler(message)]
    async fn echo(&self, _msg: Message) {}
}

fn main() {
    let _ = Bot;
}
