//! The bot's secondary updates (`qts`) that grammers drops, fetched back.
//!
//! Telegram numbers some updates of a bot account in a second sequence, `qts`:
//! `updateChatParticipant`, `updateChannelParticipant`, `updateBotChatInviteRequester`,
//! `updateBotStopped` (and reactions, boosts, business messages). A difference
//! (`updates.getDifference`) brings the ones the account missed in `other_updates`.
//!
//! grammers 0.11 loses them when it fetched that difference for the *common* box only (after
//! a dropped connection, the watchdog's signal, a `seq` or `pts` gap, `updatesTooLong`, and at
//! startup when the saved `qts` is 0): `apply_difference_type` (`grammers-session`
//! `message_box/mod.rs`) sets its `qts` to the difference's `state.qts` *before* it applies
//! `other_updates`, so each of them looks applied already and is skipped. A `qts` gap seen on
//! a push is caught up correctly (that difference is fetched for the secondary box).
//! oxygram cannot patch grammers, so it notices and fetches them itself:
//!
//! - **What was dispatched.** The highest `qts` such that every update up to it was
//!   dispatched (the *floor*; at start the `qts` saved in the session, which the checkpoints
//!   keep at handled updates), and the ones dispatched above it.
//! - **When to look.** (a) A *probe* (a marker update) goes into grammers' queue at start and,
//!   from the watchdog stage, right behind every `ConnectionClosed` (a dropped connection or
//!   the watchdog) and `updatesTooLong`. grammers fetches and applies a difference before it
//!   reads the next item of its queue, so when the probe comes out of the stream, whatever
//!   that difference lost is behind. (b) A `qts` update that grammers delivers above a hole
//!   (its `qts - count` past the floor: a difference begun by a `pts`/`seq` gap lost the ones
//!   in between).
//! - **Looking.** `updates.getState`; if its `qts` is past the floor,
//!   `updates.getDifference { pts, date: <from getState>, qts: <floor> }`: the current `pts`,
//!   so the answer holds (almost) only the `qts` updates, sliced if Telegram slices them.
//!   Only the `qts` updates above the floor are kept; the `pts` part is grammers' business.
//! - **Delivering.** Their users and chats go through grammers' own queue in a container of
//!   their own (a status of user 0 marks it, as in [`super::too_long`]), so the session caches
//!   the access hashes (`JoinRequest::approve` needs the user's); when that container comes
//!   out of the stream the updates are dispatched in `qts` order, each with the state of its
//!   position, so checkpoints track them like any other.
//! - **Exactly once.** A `qts` update at or below the floor or dispatched already (a live push
//!   racing the fetch, or grammers delivering the same ones in a difference it did fetch for
//!   the secondary box) is dropped: every `qts` is dispatched once.
//! - **Checkpoints.** While a hole is known and not filled, a placeholder registered at the
//!   hole's first position keeps the saved `qts` below it; a clean stop while a hole is open
//!   saves the floor (grammers' own state would say the lost ones were seen). A crash or stop before
//!   they were handled fetches them again at the next start.
//!
//! Bounds: at most [`MAX_ABOVE`] dispatched positions are remembered above the floor (beyond
//! that the oldest hole is given up, with a warning), at most [`MAX_SLICES`] difference slices
//! per look (the rest on the next look), [`FETCH_TIMEOUT`] per request.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use grammers_client::Client;
use grammers_client::peer::PeerMap;
use grammers_client::tl;
use grammers_client::update::Update;
use grammers_session::storages::ErasedSession;
use grammers_session::types::UpdateState;
use grammers_session::updates::{MessageBox, State, UpdatesLike};
use tokio::sync::mpsc;

use super::checkpoint::{Handled, Progress};

/// The most dispatched positions remembered above a hole.
pub(crate) const MAX_ABOVE: usize = 4096;

/// The most difference slices fetched in one look.
const MAX_SLICES: usize = 8;

/// The longest one request of a look may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The marker behind which grammers has applied any difference it fetched before.
pub(crate) fn probe() -> tl::enums::Update {
    tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
        user_id: 0,
        status: tl::enums::UserStatus::Recently(tl::types::UserStatusRecently { by_me: true }),
    })
}

/// The marker of a container carrying the recovered updates' users and chats.
fn carrier() -> tl::enums::Update {
    tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
        user_id: 0,
        status: tl::enums::UserStatus::LastWeek(tl::types::UserStatusLastWeek { by_me: true }),
    })
}

pub(crate) fn is_probe(raw: &tl::enums::Update) -> bool {
    matches!(
        raw,
        tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
            user_id: 0,
            status: tl::enums::UserStatus::Recently(tl::types::UserStatusRecently { by_me: true }),
        })
    )
}

fn is_carrier(raw: &tl::enums::Update) -> bool {
    matches!(
        raw,
        tl::enums::Update::UserStatus(tl::types::UpdateUserStatus {
            user_id: 0,
            status: tl::enums::UserStatus::LastWeek(tl::types::UserStatusLastWeek { by_me: true }),
        })
    )
}

/// The `(qts, count)` of an update of the secondary sequence; `None` for any other update
/// and for `qts = 0` (Telegram's "no position"). grammers' `PtsInfo` for `Key::Secondary`
/// (without encrypted messages: those are not in `other_updates`), and the kinds whose TL
/// has a `qts` that grammers 0.11 treats as having none (poll votes, business connections,
/// ...): it delivers those at once, from a push and again from a difference, so only the
/// repeats are dropped here.
pub(crate) fn qts_of(update: &tl::enums::Update) -> Option<(i32, i32)> {
    use tl::enums::Update::*;
    let (qts, count) = match update {
        ChatParticipant(u) => (u.qts, 1),
        ChannelParticipant(u) => (u.qts, 1),
        BotStopped(u) => (u.qts, 1),
        BotChatInviteRequester(u) => (u.qts, 1),
        BotChatBoost(u) => (u.qts, 1),
        BotMessageReaction(u) => (u.qts, 1),
        BotMessageReactions(u) => (u.qts, 1),
        BotNewBusinessMessage(u) => (u.qts, 1),
        BotEditBusinessMessage(u) => (u.qts, 1),
        BotDeleteBusinessMessage(u) => (u.qts, u.messages.len() as i32),
        BotPurchasedPaidMedia(u) => (u.qts, 1),
        MessagePollVote(u) => (u.qts, 1),
        BotBusinessConnect(u) => (u.qts, 1),
        BotStarsSubscription(u) => (u.qts, 1),
        BotGuestChatQuery(u) => (u.qts, 1),
        ManagedBot(u) => (u.qts, 1),
        _ => return None,
    };
    (qts != 0).then_some((qts, count))
}

/// What [`Qts::take`] made of an update from the stream.
pub(crate) enum Taken {
    /// Not a secondary update, or one not dispatched yet: on to the rest of the loop.
    Pass,
    /// A marker or a repeat: nothing to dispatch.
    Nothing,
    /// Recovered updates, in `qts` order: dispatch them, then call [`Qts::dispatched`].
    Recovered(Vec<Update>),
}

/// The positions of the secondary sequence dispatched so far.
#[derive(Debug, Default)]
struct Dispatched {
    /// Every position up to this one was dispatched (`None`: not known yet).
    floor: Option<i32>,
    /// Dispatched positions above the floor: the last one each update covers, and how many.
    above: BTreeMap<i32, i32>,
}

impl Dispatched {
    fn is_new(&self, qts: i32) -> bool {
        self.floor.is_none_or(|floor| qts > floor) && !self.above.contains_key(&qts)
    }

    /// Records a dispatched position `qts` covering `count` positions; the floor moves over
    /// what became contiguous.
    fn mark(&mut self, qts: i32, count: i32) {
        let Some(floor) = self.floor else {
            self.floor = Some(qts);
            return;
        };
        if qts - count <= floor {
            self.floor = Some(floor.max(qts));
        } else {
            self.above.insert(qts, count);
        }
        self.absorb();
        if self.above.len() > MAX_ABOVE {
            // A hole that never fills: give it up rather than grow without bound.
            let (lowest, _) = self.above.pop_first().expect("not empty");
            tracing::warn!(
                from = self.floor.map_or(0, |f| f + 1),
                to = lowest - 1,
                "qts updates could not be fetched back; given up"
            );
            self.floor = Some(lowest);
            self.absorb();
        }
    }

    fn absorb(&mut self) {
        let Some(mut floor) = self.floor else { return };
        while let Some((&last, &count)) = self.above.first_key_value() {
            if last - count > floor {
                break;
            }
            self.above.pop_first();
            floor = floor.max(last);
        }
        self.floor = Some(floor);
    }

    /// Everything up to `qts` was either dispatched or is no update oxygram knows (a
    /// difference up to there was read): the floor moves there.
    fn cover(&mut self, qts: i32) {
        self.floor = Some(self.floor.map_or(qts, |floor| floor.max(qts)));
        let floor = self.floor.unwrap_or(qts);
        self.above.retain(|&last, _| last > floor);
        self.absorb();
    }
}

/// The positions dispatched in the secondary sequence, and the holes grammers left in it.
pub(crate) struct Qts {
    client: Client,
    inject: Option<mpsc::WeakSender<UpdatesLike>>,
    seen: Dispatched,
    /// Fetched updates waiting for their carrier to come out of the stream, in order, with
    /// the position the difference covered.
    waiting: VecDeque<(Vec<(tl::enums::Update, i32)>, i32)>,
    /// Holds the checkpoint below a known hole.
    guard: Option<Handled>,
    /// Take the floor from the session at the first probe (no state was loaded at start).
    floor_from_session: bool,
    /// A look found more than one look fetches.
    more: bool,
    /// A probe came out while stopping (no look): a loss may be behind it.
    unchecked: bool,
}

impl Qts {
    /// `inject` reaches grammers' update queue.
    pub(crate) fn new(client: Client, inject: Option<mpsc::WeakSender<UpdatesLike>>) -> Self {
        Self {
            client,
            inject,
            seen: Dispatched::default(),
            waiting: VecDeque::new(),
            guard: None,
            floor_from_session: true,
            more: false,
            unchecked: false,
        }
    }

    /// Starts from the `qts` saved in the session when grammers catches up from it
    /// (`catch_up`); otherwise from the state grammers fetches fresh. Sends the first probe.
    pub(crate) async fn load(&mut self, session: &ErasedSession, catch_up: bool) {
        if catch_up {
            match session.updates_state().await {
                // `pts = 0`: no state yet, grammers asks Telegram for a fresh one.
                Ok(state) if state.pts != 0 => {
                    self.seen.floor = Some(state.qts.max(0));
                    self.floor_from_session = false;
                }
                Ok(_) => {}
                Err(error) => tracing::debug!("no saved qts: {error}"),
            }
        }
        self.send(UpdatesLike::Updates(tl::enums::Updates::Updates(
            tl::types::Updates {
                updates: vec![probe()],
                users: Vec::new(),
                chats: Vec::new(),
                date: 0,
                seq: 0,
            },
        )));
    }

    fn send(&self, updates: UpdatesLike) {
        let Some(sender) = self.inject.as_ref().and_then(mpsc::WeakSender::upgrade) else {
            return;
        };
        // From a task: the update loop (this caller) is what drains that queue.
        tokio::spawn(async move {
            let _ = sender.send(updates).await;
        });
    }

    /// Looks at one update from the stream (by reference: a grammers update is ~5 KB, and
    /// the usual one goes on unchanged). `may_fetch` is false while stopping.
    pub(crate) async fn take(
        &mut self,
        raw: &tl::enums::Update,
        state: &State,
        peers: &PeerMap,
        progress: &Arc<Progress>,
        session: &ErasedSession,
        may_fetch: bool,
    ) -> Taken {
        if is_probe(raw) {
            if self.seen.floor.is_none() && self.floor_from_session {
                // grammers wrote the state it fetched before it read the probe.
                if let Ok(saved) = session.updates_state().await {
                    self.seen.floor = Some(saved.qts.max(0));
                }
            }
            if may_fetch {
                self.look(progress).await;
            } else {
                self.unchecked = true;
            }
            return Taken::Nothing;
        }
        if is_carrier(raw) {
            let Some((fetched, covered)) = self.waiting.pop_front() else {
                return Taken::Nothing;
            };
            let mut out = Vec::new();
            for (update, qts) in fetched {
                if !self.seen.is_new(qts) {
                    continue;
                }
                let count = qts_of(&update).map_or(1, |(_, count)| count);
                self.seen.mark(qts, count);
                let state = State {
                    date: state.date,
                    seq: state.seq,
                    message_box: Some(MessageBox::Secondary { qts }),
                };
                out.push(Update::from_raw(
                    &self.client,
                    update,
                    state,
                    peers.handle(),
                ));
            }
            self.seen.cover(covered);
            if !out.is_empty() {
                tracing::info!(
                    recovered = out.len(),
                    floor = self.seen.floor,
                    "delivered qts updates grammers had dropped"
                );
            }
            if self.more && self.waiting.is_empty() && may_fetch {
                self.more = false;
                self.look(progress).await;
            }
            return Taken::Recovered(out);
        }
        let Some((qts, count)) = qts_of(raw) else {
            return Taken::Pass;
        };
        let Some(floor) = self.seen.floor else {
            // Nothing known yet (a fresh state not read): this one starts the sequence.
            self.seen.floor = Some(qts);
            return Taken::Pass;
        };
        if !self.seen.is_new(qts) {
            tracing::debug!(qts, "a qts update dispatched already came again; dropped");
            return Taken::Nothing;
        }
        let hole = qts - count > floor;
        if hole && self.guard.is_none() {
            // Before this one is registered: no checkpoint may pass the missing ones.
            self.guard = progress.register(&State {
                date: state.date,
                seq: state.seq,
                message_box: Some(MessageBox::Secondary { qts: floor + 1 }),
            });
        }
        self.seen.mark(qts, count);
        if hole && may_fetch && self.waiting.is_empty() {
            tracing::debug!(floor, qts, "qts updates missing before this one");
            self.look(progress).await;
        }
        Taken::Pass
    }

    /// After the recovered updates were registered and dispatched: lifts the checkpoint guard
    /// once no hole is left.
    pub(crate) fn dispatched(&mut self) {
        if self.waiting.is_empty()
            && self.seen.above.is_empty()
            && let Some(guard) = self.guard.take()
        {
            guard.done();
        }
    }

    /// Asks Telegram whether secondary updates are missing and fetches them back.
    async fn look(&mut self, progress: &Arc<Progress>) {
        let Some(floor) = self.seen.floor else { return };
        let state = match self.call(&tl::functions::updates::GetState {}).await {
            Some(tl::enums::updates::State::State(state)) => state,
            None => return,
        };
        if state.qts <= floor {
            return;
        }
        let target = state.qts;
        if self.guard.is_none() {
            self.guard = progress.register(&State {
                date: state.date,
                seq: state.seq,
                message_box: Some(MessageBox::Secondary { qts: floor + 1 }),
            });
        }
        let (mut pts, mut date, mut qts) = (state.pts, state.date, floor);
        let mut fetched = Vec::new();
        let mut users = Vec::new();
        let mut chats = Vec::new();
        let mut done = false;
        let mut covered = floor;
        for _ in 0..MAX_SLICES {
            let request = tl::functions::updates::GetDifference {
                pts,
                pts_limit: None,
                pts_total_limit: None,
                date,
                qts,
                qts_limit: None,
            };
            let (other, u, c, next) = match self.call(&request).await {
                Some(tl::enums::updates::Difference::Difference(d)) => {
                    let tl::enums::updates::State::State(s) = &d.state;
                    covered = s.qts;
                    (d.other_updates, d.users, d.chats, None)
                }
                Some(tl::enums::updates::Difference::Slice(d)) => {
                    let tl::enums::updates::State::State(s) = d.intermediate_state;
                    covered = s.qts;
                    (d.other_updates, d.users, d.chats, Some(s))
                }
                Some(tl::enums::updates::Difference::Empty(_)) => {
                    // Nothing after `qts`: Telegram's positions up to `target` hold nothing
                    // a bot is given.
                    covered = target;
                    done = true;
                    break;
                }
                // The pts part outgrew the request (or it failed): the next probe or hole
                // tries again; the guard stays meanwhile.
                Some(tl::enums::updates::Difference::TooLong(_)) | None => {
                    done = true;
                    break;
                }
            };
            fetched.extend(other.into_iter().filter_map(|update| {
                let (at, _) = qts_of(&update)?;
                (at > floor).then_some((update, at))
            }));
            users.extend(u);
            chats.extend(c);
            match next {
                Some(s) if s.qts < target => (pts, date, qts) = (s.pts, s.date, s.qts),
                _ => {
                    done = true;
                    break;
                }
            }
        }
        self.more = !done;
        fetched.sort_by_key(|(_, at)| *at);
        fetched.dedup_by_key(|(_, at)| *at);
        tracing::info!(
            floor,
            telegram = target,
            fetched = fetched.len(),
            "grammers dropped qts updates; fetched them back"
        );
        self.waiting.push_back((fetched, covered));
        self.send(UpdatesLike::Updates(tl::enums::Updates::Updates(
            tl::types::Updates {
                updates: vec![carrier()],
                users,
                chats,
                date: 0,
                seq: 0,
            },
        )));
    }

    async fn call<R: tl::RemoteCall>(&self, request: &R) -> Option<R::Return> {
        match tokio::time::timeout(FETCH_TIMEOUT, self.client.invoke(request)).await {
            Ok(Ok(answer)) => Some(answer),
            Ok(Err(error)) => {
                tracing::warn!(
                    "could not check for qts updates grammers dropped: {error}; retrying at the \
                     next one"
                );
                None
            }
            Err(_) => {
                tracing::warn!(
                    "Telegram did not answer within {FETCH_TIMEOUT:?} while checking for qts \
                     updates grammers dropped; retrying at the next one"
                );
                None
            }
        }
    }

    /// On a clean stop, after grammers saved its state: while a hole is open (a look pending
    /// or failed, or a probe seen while stopping), grammers' `qts` is past updates oxygram
    /// never dispatched, so the saved one goes back to the floor. Only then: without a known
    /// hole the session's `qts` may lawfully be past the floor (kinds oxygram does not track,
    /// such as a user account's secret-chat messages).
    pub(crate) async fn save_floor(&self, session: &ErasedSession) {
        let open = self.guard.is_some() || !self.waiting.is_empty() || self.unchecked;
        let Some(floor) = self.seen.floor.filter(|_| open) else {
            return;
        };
        let Ok(saved) = session.updates_state().await else {
            return;
        };
        if saved.qts > floor {
            tracing::info!(
                floor,
                grammers = saved.qts,
                "saving the qts of the last update dispatched, not grammers' (it is past updates \
                 never delivered)"
            );
            if let Err(error) = session
                .set_update_state(UpdateState::Secondary { qts: floor })
                .await
            {
                tracing::error!("could not save the qts: {error}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stopped(qts: i32) -> tl::enums::Update {
        tl::types::UpdateBotStopped {
            user_id: 7,
            date: 0,
            stopped: true,
            qts,
        }
        .into()
    }

    #[test]
    fn markers_are_recognised_and_nothing_telegram_sends_is() {
        assert!(is_probe(&probe()));
        assert!(is_carrier(&carrier()));
        assert!(!is_probe(&carrier()));
        let status = tl::types::UpdateUserStatus {
            user_id: 42,
            status: tl::types::UserStatusRecently { by_me: true }.into(),
        };
        assert!(!is_probe(&status.into()));
    }

    #[test]
    fn each_position_is_new_once_and_the_floor_closes_over_holes() {
        let mut seen = Dispatched {
            floor: Some(10),
            ..Dispatched::default()
        };
        assert!(!seen.is_new(10));
        assert!(seen.is_new(11));
        seen.mark(11, 1);
        assert_eq!(seen.floor, Some(11));
        // grammers delivers 14 after a difference dropped 12 and 13: a hole.
        seen.mark(14, 1);
        assert_eq!(seen.floor, Some(11));
        assert!(!seen.is_new(14));
        assert!(seen.is_new(12) && seen.is_new(13));
        // Fetched back: the floor moves over 14 too.
        seen.mark(12, 1);
        seen.mark(13, 1);
        assert_eq!(seen.floor, Some(14));
        assert!(seen.above.is_empty());
        // A repeat of a fetched one (a live push racing the fetch) is not new.
        assert!(!seen.is_new(13));
        // A business deletion of 3 messages covers 3 positions, also above a hole.
        seen.mark(17, 3);
        assert_eq!(seen.floor, Some(17));
        seen.mark(23, 3);
        assert_eq!(seen.floor, Some(17));
        seen.mark(20, 3);
        assert_eq!(seen.floor, Some(23));
        assert!(seen.above.is_empty());
    }

    #[test]
    fn a_difference_read_up_to_a_position_covers_it() {
        let mut seen = Dispatched {
            floor: Some(10),
            ..Dispatched::default()
        };
        seen.mark(15, 1);
        // The difference up to 20 held 12 and 15 only (the rest: kinds no bot handler gets).
        seen.mark(12, 1);
        seen.cover(20);
        assert_eq!(seen.floor, Some(20));
        assert!(seen.above.is_empty());
        assert!(!seen.is_new(15) && seen.is_new(21));
        // Never backwards.
        seen.cover(5);
        assert_eq!(seen.floor, Some(20));
    }

    #[test]
    fn a_hole_that_never_fills_is_given_up_beyond_the_bound() {
        let mut seen = Dispatched {
            floor: Some(0),
            ..Dispatched::default()
        };
        for qts in 0..=MAX_ABOVE as i32 {
            seen.mark(qts + 2, 1);
        }
        // Position 1 never came: given up, everything above is contiguous.
        assert_eq!(seen.floor, Some(MAX_ABOVE as i32 + 2));
        assert!(seen.above.is_empty());
    }

    #[test]
    fn an_unknown_floor_starts_at_the_first_update() {
        let mut seen = Dispatched::default();
        assert!(seen.is_new(5));
        seen.mark(5, 1);
        assert_eq!(seen.floor, Some(5));
    }

    #[test]
    fn qts_zero_has_no_position() {
        assert_eq!(qts_of(&stopped(5)), Some((5, 1)));
        assert_eq!(qts_of(&stopped(0)), None);
    }
}
