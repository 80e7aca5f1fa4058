use oxygram::prelude::*;

// Deleted messages have nothing to reply to: returning an answer is refused on the type.
#[handler(deleted)]
async fn gone() -> &'static str {
    "bye"
}

fn main() {}
