//! A userbot: a user account (not a bot) that reacts to its own messages.
//!
//! Type `.ping` in any chat from your own Telegram app and the userbot edits it to `pong`.
//! Log in as a user by leaving `bot_token` out of `Bot.toml` (you are asked for the phone
//! number and the code on the first run). In the sandbox, lines you type are sent as the
//! account itself:
//!
//! ```text
//! cargo run --example userbot -- --sandbox=user
//! > .ping
//! > :in hello         (someone else writes to you: the userbot stays quiet)
//! > .count
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use oxygram::prelude::*;

/// Messages seen from others, shared between handlers through `State`.
#[derive(Default)]
struct Seen {
    incoming: AtomicU64,
}

/// `.ping` in an outgoing message: edit it in place. Own messages reach only handlers whose
/// filter mentions `outgoing` (or `me`); someone else's `.ping` is incoming and ignored.
#[handler(regex = r"^\.ping$", filter = outgoing)]
async fn ping(msg: Message) -> Result<()> {
    msg.edit("pong").await?;
    Ok(())
}

/// `.count`: how many messages others sent since the start.
#[handler(regex = r"^\.count$", filter = outgoing)]
async fn count(msg: Message, seen: State<Seen>) -> Result<()> {
    let n = seen.incoming.load(Ordering::Relaxed);
    msg.edit(format!("{n} incoming messages so far")).await?;
    Ok(())
}

/// Counts incoming messages without answering them.
#[handler(message, filter = incoming)]
async fn tally(seen: State<Seen>) {
    seen.incoming.fetch_add(1, Ordering::Relaxed);
}

fn main() -> oxygram::Result<()> {
    oxygram::App::new().state(Seen::default()).run()
}
