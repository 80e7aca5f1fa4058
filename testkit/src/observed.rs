//! What tests observe: messages as a scripted user sees them, and the record of RPCs.

use grammers_tl_types as tl;

use crate::state::StoredMessage;

/// A message as the scripted user who received it sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedMessage {
    /// The message id in the receiver's box (use it to reply, edit or press buttons).
    pub id: i32,
    /// The chat it is in: for a private chat, the other user's id.
    pub chat_id: i64,
    /// Who sent it.
    pub sender_id: i64,
    /// The text (or caption).
    pub text: String,
    /// Formatting entities, as Telegram sends them.
    pub entities: Vec<tl::enums::MessageEntity>,
    /// Inline keyboard buttons, row by row.
    pub buttons: Vec<Vec<Button>>,
    /// The id (in the receiver's box) of the message it replies to.
    pub reply_to: Option<i32>,
    /// Unix time it was sent.
    pub date: i32,
}

impl ObservedMessage {
    pub(crate) fn from_stored(m: &StoredMessage) -> Self {
        let chat_id = m.peer.bare_id();
        Self {
            id: m.id,
            chat_id,
            sender_id: m.from,
            text: m.text.clone(),
            entities: m.entities.clone(),
            buttons: buttons(m.reply_markup.as_ref()),
            reply_to: m.reply_to,
            date: m.date,
        }
    }

    /// The button with this text, if the message has one.
    pub fn button(&self, text: &str) -> Option<&Button> {
        self.buttons.iter().flatten().find(|b| b.text == text)
    }
}

/// One inline keyboard button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// The label.
    pub text: String,
    /// Callback data, for callback buttons.
    pub data: Option<Vec<u8>>,
    /// The URL, for URL buttons.
    pub url: Option<String>,
}

fn buttons(markup: Option<&tl::enums::ReplyMarkup>) -> Vec<Vec<Button>> {
    let Some(tl::enums::ReplyMarkup::ReplyInlineMarkup(markup)) = markup else {
        return Vec::new();
    };
    markup
        .rows
        .iter()
        .map(|tl::enums::KeyboardInlineButtonRow::Row(row)| {
            row.buttons
                .iter()
                .map(|tl::enums::KeyboardInlineButton::Button(b)| Button {
                    text: b.text.clone(),
                    data: match &b.r#type {
                        tl::enums::InlineButtonType::Callback(c) => Some(c.data.clone()),
                        _ => None,
                    },
                    url: match &b.r#type {
                        tl::enums::InlineButtonType::Url(u) => Some(u.url.clone()),
                        _ => None,
                    },
                })
                .collect()
        })
        .collect()
}

/// One RPC a client made, as recorded by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcCall {
    /// The account the calling key was logged in as (before the call).
    pub account: Option<i64>,
    /// The TL method name, e.g. `messages.sendMessage`.
    pub method: String,
    /// The error name when the call failed, e.g. `PHONE_CODE_INVALID`.
    pub error: Option<String>,
}
