//! Filter expressions: builtins, `user(..)`/`chat(..)`, custom sync and async functions,
//! paths, and a user's own function shadowed by a builtin name reached through `self::`.

use oxygram::handler;
use oxygram::handler::HandlerSpec;
use oxygram::prelude::*;

fn is_even(cx: &UpdateContext) -> bool {
    cx.text().is_some_and(|text| text.len() % 2 == 0)
}

fn short(msg: &Message) -> bool {
    msg.text().len() < 10
}

async fn slow_check(_cx: UpdateContext) -> bool {
    true
}

async fn slow_message_check(_msg: Message) -> bool {
    true
}

/// Shares its name with the builtin `text`; reachable as `self::text`.
fn text(cx: &UpdateContext) -> bool {
    cx.text().is_some()
}

mod checks {
    use oxygram::prelude::*;

    pub fn quiet_hours(_cx: &UpdateContext) -> bool {
        false
    }

    pub fn word(word: &'static str) -> Filter {
        Filter::from_fn(move |cx| cx.text().is_some_and(|text| text.contains(word)))
    }
}

#[handler(message, filter = text & private & !me)]
async fn echo(_msg: Message) {}

#[handler(message, filter = (photo | video | animation) & !forwarded | (group & mentioned))]
async fn media(_msg: Message) {}

const ADMIN: i64 = 99;
const NEWS: i64 = -1009876543210;

#[handler(message, filter = user(1234, "alice", "@bob", ADMIN) | chat(-1001234567890, 42, NEWS))]
async fn people(_msg: Message) {}

#[handler(
    message,
    filter = is_even & short & slow_check & !slow_message_check & !checks::quiet_hours
        & checks::word("hi") & self::text
)]
async fn custom(_msg: Message) {}

#[handler(edited, filter = outgoing)]
async fn own_edits(_msg: Message) {}

fn main() {
    for name in ["echo", "media", "people", "custom", "own_edits"] {
        let spec = HandlerSpec::registered()
            .find(|spec| spec.name() == name)
            .unwrap_or_else(|| panic!("`{name}` is not registered"));
        // Building the filter tree is what the dispatcher does at startup.
        let _filter = spec.filter();
    }
}
