//! Records the text of every message the bot is given, and nothing else (group -1), so a test
//! can compare what Telegram delivered with what was said.

use oxygram::prelude::*;

use super::Audit;

#[handler(message, group = -1)]
async fn overhear(Text(text): Text, State(audit): State<Audit>) {
    audit.0.lock().unwrap().push(text);
}
