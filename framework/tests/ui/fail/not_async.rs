use oxygram::handler;
use oxygram::prelude::*;

#[handler(command = "start")]
fn start(_msg: Message) -> Result<()> {
    Ok(())
}

fn main() {}
