//! Every extractor can be an argument, argument patterns work, and every supported return
//! type is accepted.

use std::collections::HashMap;
use std::fmt;

use oxygram::dispatch::Me;
use oxygram::handler;
use oxygram::handler::HandlerSpec;
use oxygram::prelude::*;

struct Catalog;

/// `[plugins.admin]` of Bot.toml, e.g. `owners = [1234]`.
type AdminConfig = HashMap<String, Vec<i64>>;

#[handler(command = "roll")]
async fn roll(msg: Message, Args((n, sides)): Args<(u8, u32)>) -> Result<()> {
    let _ = (msg, n, sides);
    Ok(())
}

#[handler(message)]
async fn everything(
    _msg: Message,
    _update: Update,
    _raw: RawUpdate,
    _client: Client,
    Chat(_chat): Chat,
    Sender(_sender): Sender,
    Text(_text): Text,
    CommandArgs(_args): CommandArgs,
    _me: Me,
    _maybe: Option<CallbackQuery>,
) {
}

#[handler(regex = r"^(\w+) (\d+)$")]
async fn captured(_captures: Captures) -> Propagation {
    Propagation::Continue
}

#[handler(callback = "page:*")]
async fn page(_query: CallbackQuery, CallbackData(page): CallbackData<u32>) -> Result<Propagation> {
    let _ = page;
    Ok(Propagation::Stop)
}

#[handler(inline_query)]
async fn search(_query: InlineQuery, _catalog: State<Catalog>) -> std::result::Result<(), String> {
    Ok(())
}

#[derive(Debug)]
struct MyError;

impl fmt::Display for MyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("my error")
    }
}

impl std::error::Error for MyError {}

#[handler(command = "ban", plugin = "admin")]
async fn ban(_msg: Message, PluginConfig(_config): PluginConfig<AdminConfig>) -> std::result::Result<(), MyError> {
    Err(MyError)
}

#[handler(chosen_inline)]
async fn chosen(_chosen: InlineSend) {}

// Answers: a reply to the message, or the button press's answer.
#[handler(command = "hi")]
async fn hi() -> &'static str {
    "Hi!"
}

#[handler(command = "name")]
async fn name(Text(text): Text) -> Result<String> {
    Ok(format!("you said {text}"))
}

#[handler(callback = "more")]
async fn more() -> Option<InputMessage> {
    Some(InputMessage::new().text("more"))
}

// A renamed dependency names its path (here the real one).
#[handler(command = "renamed", crate = "::oxygram")]
async fn renamed() {}

fn main() {
    let names: Vec<&str> = HandlerSpec::registered().map(|spec| spec.name()).collect();
    for name in [
        "roll", "everything", "captured", "page", "search", "ban", "chosen", "hi", "name", "more",
        "renamed",
    ] {
        assert!(names.contains(&name), "`{name}` is not registered: {names:?}");
    }
    // Handlers as values, by their function names.
    let listed = oxygram::handlers![hi, name, more];
    assert_eq!(listed.iter().map(|s| s.name()).collect::<Vec<_>>(), ["hi", "name", "more"]);
}
