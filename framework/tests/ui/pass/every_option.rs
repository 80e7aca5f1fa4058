//! Every option of `#[handler]` compiles and ends up in the registered `HandlerSpec`.

use oxygram::handler;
use oxygram::handler::{HandlerSpec, Kind, Trigger};
use oxygram::prelude::*;

#[handler(command = "start", description = "Say hello")]
async fn start(_msg: Message) -> Result<()> {
    Ok(())
}

const EARLY: i32 = -1;

#[handler(commands = ["help", "about"], group = EARLY)]
async fn help(_msg: Message) {}

#[handler(regex = r"^hi (\w+)$", plugin = "greet", name = "say_hi")]
async fn hi(_captures: Captures) {}

#[handler(callback = "vote:*", group = 1)]
async fn vote(_query: CallbackQuery, _data: CallbackData<String>) {}

#[handler(inline = "^gif ")]
async fn gif(_query: InlineQuery) {}

#[handler(message, outgoing)]
async fn everything(_msg: Message) {}

#[handler(edited)]
async fn edited(_msg: Message) {}

#[handler(deleted)]
async fn deleted(_deletion: MessageDeletion) {}

#[handler(callback_query)]
async fn any_button(_query: CallbackQuery) {}

#[handler(inline_query)]
async fn any_query(_query: InlineQuery) {}

#[handler(chosen_inline)]
async fn chosen(_chosen: InlineSend) {}

#[handler(raw)]
async fn raw_update(_update: RawUpdate) {}

// The option names are plain identifiers; a raw one works too.
#[handler(r#message)]
async fn r#type(_msg: Message) {}

fn spec(name: &str) -> &'static HandlerSpec {
    HandlerSpec::registered()
        .find(|spec| spec.name() == name)
        .unwrap_or_else(|| panic!("handler `{name}` is not registered"))
}

fn main() {
    let start = spec("start");
    assert_eq!(start.kind(), Kind::NewMessage);
    assert_eq!(start.trigger(), Trigger::Commands(&["start"]));
    assert_eq!(start.description(), Some("Say hello"));
    assert_eq!(start.group(), 0);
    assert!(!start.outgoing());
    assert_eq!(start.plugin(), None);
    assert!(start.file().ends_with("every_option.rs"), "{}", start.file());
    assert_eq!(start.line(), 8, "the line of the function, not of the attribute");
    assert_eq!(start.module_path(), module_path!());

    assert_eq!(spec("help").trigger(), Trigger::Commands(&["help", "about"]));
    assert_eq!(spec("help").group(), -1);

    let hi = spec("say_hi");
    assert_eq!(hi.trigger(), Trigger::Regex(r"^hi (\w+)$"));
    assert_eq!(hi.plugin(), Some("greet"));

    assert_eq!(spec("vote").kind(), Kind::CallbackQuery);
    assert_eq!(spec("vote").trigger(), Trigger::Callback("vote:*"));
    assert_eq!(spec("vote").group(), 1);
    assert_eq!(spec("gif").kind(), Kind::InlineQuery);
    assert_eq!(spec("gif").trigger(), Trigger::Inline("^gif "));
    assert!(spec("everything").outgoing());
    assert_eq!(spec("everything").trigger(), Trigger::None);

    let kinds = [
        ("edited", Kind::EditedMessage),
        ("deleted", Kind::DeletedMessages),
        ("any_button", Kind::CallbackQuery),
        ("any_query", Kind::InlineQuery),
        ("chosen", Kind::ChosenInlineResult),
        ("raw_update", Kind::Raw),
        ("type", Kind::NewMessage),
    ];
    for (name, kind) in kinds {
        assert_eq!(spec(name).kind(), kind, "{name}");
    }
    assert_eq!(HandlerSpec::registered().count(), 13);
}
