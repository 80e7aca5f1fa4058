use oxygram::prelude::*;

#[handler(command = "echo")]
async fn echo(text: String) -> String {
    text
}

fn main() {}
