use std::rc::Rc;

use oxygram::handler;
use oxygram::prelude::*;

async fn pause() {}

#[handler(message)]
async fn echo(_msg: Message) {
    let counter = Rc::new(1);
    pause().await;
    let _ = counter;
}

fn main() {}
