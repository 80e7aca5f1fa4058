use oxygram::handler;
use oxygram::prelude::*;

#[handler(message)]
async fn echo<T: FromUpdate>(_value: T) {}

fn main() {}
