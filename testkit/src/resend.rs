//! Resent sends: deduplication by `random_id`, as Telegram does it.
//!
//! A client that loses its connection while a `messages.sendMessage` is in flight cannot know
//! whether the message was sent, so it sends the same request again on a new connection, with
//! the same `random_id` (grammers retries an I/O failure once; Telethon and TDLib do the
//! same). Telegram never creates a second message for a `random_id` that account already
//! used: it answers with the original message, as
//! `updates { updateMessageID { id, random_id }, updateNewMessage { message, pts, pts_count: 0 } }`
//! (`updateNewChannelMessage` in supergroups and channels), where pts is the box's current
//! pts, so the client applies nothing new and maps its `random_id` to the original id. Only
//! when the original message is gone does Telegram answer `500 RANDOM_ID_DUPLICATE`.
//!
//! Without this, every reply in flight during a dropped connection would reach its chat twice,
//! and no exactly-once test could pass against the testkit while it would pass against
//! Telegram. The map lives in memory only: it does not survive a testkit restart (a client
//! resending across one is not a case tests need).

use grammers_tl_types as tl;

use crate::delivery::Sent;
use crate::rpc::RpcFail;
use crate::state::State;
use crate::tl_build::{self, PeerRef};

/// Where the message an account sent with a given `random_id` is, as the sender sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SentRef {
    pub(crate) peer: PeerRef,
    pub(crate) id: i32,
}

impl State {
    /// Records that `from` sent `sent` with `random_id` (0, which Telegram refuses as
    /// `RANDOM_ID_EMPTY` and no client sends, is not recorded).
    pub(crate) fn remember_random_id(&mut self, from: i64, random_id: i64, sent: &Sent) {
        if random_id != 0 {
            self.random_ids.insert(
                (from, random_id),
                SentRef {
                    peer: sent.copy.peer,
                    id: sent.copy.id,
                },
            );
        }
    }

    /// The answer to a resent request: `None` when `from` never used `random_id` (send it),
    /// the original message's updates when it did, `500 RANDOM_ID_DUPLICATE` when that
    /// message was deleted since.
    pub(crate) fn resent_answer(
        &self,
        from: i64,
        random_id: i64,
    ) -> Option<Result<tl::enums::Updates, RpcFail>> {
        let sent = *self.random_ids.get(&(from, random_id))?;
        tracing::debug!(
            account = from,
            random_id,
            id = sent.id,
            "resent request answered with the original message"
        );
        Some(
            self.original_updates(from, random_id, sent)
                .map(|(updates, users, chats)| self.updates_for(from, updates, &users, &chats))
                .ok_or_else(|| RpcFail::new(500, "RANDOM_ID_DUPLICATE")),
        )
    }

    /// `updateMessageID` and the original message (pts_count 0), with the users and chats it
    /// mentions; `None` when the message is gone.
    pub(crate) fn original_updates(
        &self,
        from: i64,
        random_id: i64,
        sent: SentRef,
    ) -> Option<(Vec<tl::enums::Update>, Vec<i64>, Vec<PeerRef>)> {
        let original = self.message_in(from, sent.peer, sent.id).ok()?;
        let message = tl_build::message(original, from);
        let update = match sent.peer {
            PeerRef::Channel(channel) => {
                tl::enums::Update::NewChannelMessage(tl::types::UpdateNewChannelMessage {
                    message,
                    pts: self.rooms.get(&channel)?.pts,
                    pts_count: 0,
                })
            }
            _ => tl::enums::Update::NewMessage(tl::types::UpdateNewMessage {
                message,
                pts: self.account(from).pts,
                pts_count: 0,
            }),
        };
        Some((
            vec![tl_build::update_message_id(original.id, random_id), update],
            original.user_ids(),
            original.chat_refs(),
        ))
    }

    /// The earlier send of `random_id` by `from`, if any.
    pub(crate) fn sent_with_random_id(&self, from: i64, random_id: i64) -> Option<SentRef> {
        self.random_ids.get(&(from, random_id)).copied()
    }
}
