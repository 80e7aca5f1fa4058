//! Periodic checkpoints of the update state, so a crash replays seconds, not the whole run.
//!
//! grammers writes the update state (pts, qts, date, seq and each channel's pts) to the
//! session only when asked (`UpdateStream::sync_update_state`), and what it writes is how far
//! its message box has *received*, not how far the app has *handled*. oxygram calls it on a
//! clean stop, after running handlers finished. Between stops it checkpoints itself, from a
//! record of handled updates:
//!
//! - Every update that comes out of the stream carries the state "up to and including this
//!   update" for the sequence it belongs to (the account-wide `pts`, the secondary `qts`, or
//!   one channel's `pts`). Before dispatching it, the update loop registers that position;
//!   when the update's last handler has returned (or failed, or panicked), it is marked done.
//! - Per sequence, the *handled mark* is the highest position such that every registered
//!   update at or before it is done. Handlers of different chats finish out of order; the mark
//!   only moves over a contiguous run of finished updates.
//! - Every `[updates] checkpoint_interval_secs` (default 1 s) the loop writes the marks that
//!   moved since the last write: one small SQLite transaction per interval at most, never one
//!   per update, and none while nothing is handled. The stream is never paused for it. (One
//!   such write took 0.5–0.8 ms on the development machine, under the session's lock that
//!   grammers also takes to cache peers: per update, a bot at 1,000 updates/s would spend
//!   most of every second in it; once a second, well under 0.1 %.)
//!
//! The saved state therefore never covers an update whose handler has not finished:
//! **delivery stays at-least-once, nothing is lost** by a crash. What a crash (SIGKILL, power
//! loss, a panic that aborts) can repeat after the next start, the **replay window**, is:
//!
//! 1. the updates whose handlers finished after the last checkpoint: at most
//!    `checkpoint_interval_secs` (plus the few milliseconds of the write) worth of updates;
//! 2. the updates that were queued or running when the process died (they never finished, so
//!    they run again: that is the at-least-once part);
//! 3. if a handler runs longer than the interval, every later update *of the same sequence*
//!    finished meanwhile, because the mark cannot pass the unfinished one. Private chats and
//!    small groups share one sequence (the account's `pts`); each supergroup and channel has
//!    its own.
//!
//! A clean stop (Ctrl+C, SIGTERM, [`App::stop`](crate::App::stop)) replays nothing: it saves
//! grammers' full state after the handlers finished. Callback queries, inline queries and other
//! updates outside the pts/qts sequences are never re-sent by Telegram (`updates.getDifference`
//! does not return them), so a crash can neither repeat nor recover those; they are not
//! tracked. Updates are only fetched again on start when `[updates] catch_up` is on (the
//! default).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use grammers_session::storages::ErasedSession;
use grammers_session::types::{ChannelState, UpdateState};
use grammers_session::updates::{MessageBox, State};

/// One sequence of positions Telegram can replay with `updates.getDifference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Sequence {
    /// The account-wide `pts` (private chats, small groups).
    Common,
    /// The secondary `qts` (some bot updates, secret chats).
    Secondary,
    /// One channel's or supergroup's `pts`.
    Channel(i64),
}

/// A position in a sequence, with the account-wide `date`/`seq` that go with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    pts: i32,
    date: i32,
    seq: i32,
}

/// Updates registered at one position and how many of them are done.
#[derive(Debug)]
struct AtPosition {
    registered: u32,
    done: u32,
    date: i32,
    seq: i32,
}

#[derive(Debug, Default)]
struct Track {
    /// Positions with at least one update not done yet, or done but behind one that is not.
    pending: BTreeMap<i32, AtPosition>,
    /// Everything registered at or before this is done.
    handled: Option<Mark>,
    /// What was last written to the session.
    saved: Option<i32>,
}

impl Track {
    /// The position that is safe to save: the handled mark, kept below any update still
    /// pending at or before it (positions only go up within a sequence, so this is a guard).
    fn savable(&self) -> Option<Mark> {
        let mut mark = self.handled?;
        if let Some((&lowest, _)) = self.pending.first_key_value()
            && lowest <= mark.pts
        {
            mark.pts = lowest - 1;
        }
        Some(mark)
    }

    fn advance(&mut self) {
        while let Some(entry) = self.pending.first_entry() {
            let at = entry.get();
            if at.done < at.registered {
                break;
            }
            let mark = Mark {
                pts: *entry.key(),
                date: at.date,
                seq: at.seq,
            };
            entry.remove();
            if self.handled.is_none_or(|h| h.pts < mark.pts) {
                self.handled = Some(mark);
            }
        }
    }
}

/// The handled marks of every sequence, shared by the update loop and the handler tasks.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    tracks: Mutex<HashMap<Sequence, Track>>,
}

/// A registered update; [`Handled::done`] once its handlers returned. Dropping it without
/// calling `done` (a cancelled task) keeps the mark behind it: it will be delivered again.
#[derive(Debug)]
pub(crate) struct Handled {
    progress: Arc<Progress>,
    sequence: Sequence,
    pts: i32,
}

impl Handled {
    /// What the dispatcher calls once the update's handlers returned.
    pub(crate) fn on_handled(self) -> crate::dispatch::OnHandled {
        crate::dispatch::OnHandled::new(move || self.done())
    }

    /// The update's handlers all returned.
    pub(crate) fn done(self) {
        let mut tracks = self.progress.lock();
        let Some(track) = tracks.get_mut(&self.sequence) else {
            return;
        };
        if let Some(at) = track.pending.get_mut(&self.pts) {
            at.done += 1;
        }
        track.advance();
    }
}

/// What a checkpoint writes: the marks that moved since the last write.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    marks: Vec<(Sequence, Mark)>,
}

impl Changes {
    fn update_state(sequence: Sequence, mark: Mark) -> UpdateState {
        match sequence {
            Sequence::Common => UpdateState::Primary {
                pts: mark.pts,
                date: mark.date,
                seq: mark.seq,
            },
            Sequence::Secondary => UpdateState::Secondary { qts: mark.pts },
            Sequence::Channel(id) => UpdateState::Channel { id, pts: mark.pts },
        }
    }
}

impl Progress {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Sequence, Track>> {
        self.tracks.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers an update about to be dispatched. `None` for updates outside the replayable
    /// sequences (callback and inline queries, ...): there is nothing to track.
    pub(crate) fn register(self: &Arc<Self>, state: &State) -> Option<Handled> {
        let (sequence, pts) = match state.message_box? {
            MessageBox::Common { pts } => (Sequence::Common, pts),
            MessageBox::Secondary { qts } => (Sequence::Secondary, qts),
            MessageBox::Channel { channel_id, pts } => (Sequence::Channel(channel_id), pts),
        };
        if pts <= 0 {
            // Telegram's "no position" (0): nothing to resume from, and saving it would
            // rewind the stored state to the beginning.
            return None;
        }
        let mut tracks = self.lock();
        let at = tracks
            .entry(sequence)
            .or_default()
            .pending
            .entry(pts)
            .or_insert(AtPosition {
                registered: 0,
                done: 0,
                date: state.date,
                seq: state.seq,
            });
        at.registered += 1;
        at.date = at.date.max(state.date);
        at.seq = at.seq.max(state.seq);
        Some(Handled {
            progress: Arc::clone(self),
            sequence,
            pts,
        })
    }

    /// The marks that moved since they were last saved.
    pub(crate) fn changes(&self) -> Changes {
        let tracks = self.lock();
        let mut marks: Vec<_> = tracks
            .iter()
            .filter_map(|(&sequence, track)| {
                let mark = track.savable()?;
                (track.saved.is_none_or(|saved| saved < mark.pts)).then_some((sequence, mark))
            })
            .collect();
        marks.sort_by_key(|(sequence, _)| *sequence);
        Changes { marks }
    }

    /// Records that `changes` reached the session.
    fn saved(&self, changes: &Changes) {
        let mut tracks = self.lock();
        for (sequence, mark) in &changes.marks {
            if let Some(track) = tracks.get_mut(sequence) {
                track.saved = Some(track.saved.map_or(mark.pts, |s| s.max(mark.pts)));
            }
        }
    }

    /// Writes the marks that moved to `session`: one transaction for one sequence, a read and
    /// one transaction for several.
    pub(crate) async fn save(&self, session: &ErasedSession) -> Result<usize, SaveError> {
        let changes = self.changes();
        match changes.marks.as_slice() {
            [] => return Ok(0),
            [(sequence, mark)] => session
                .set_update_state(Changes::update_state(*sequence, *mark))
                .await
                .map_err(SaveError)?,
            marks => {
                let mut state = session.updates_state().await.map_err(SaveError)?;
                for (sequence, mark) in marks {
                    match *sequence {
                        Sequence::Common => {
                            state.pts = mark.pts;
                            state.date = mark.date;
                            state.seq = mark.seq;
                        }
                        Sequence::Secondary => state.qts = mark.pts,
                        Sequence::Channel(id) => {
                            state.channels.retain(|c| c.id != id);
                            state.channels.push(ChannelState { id, pts: mark.pts });
                        }
                    }
                }
                session
                    .set_update_state(UpdateState::All(state))
                    .await
                    .map_err(SaveError)?;
            }
        }
        self.saved(&changes);
        Ok(changes.marks.len())
    }
}

/// The session refused a checkpoint write (logged; the next checkpoint tries again).
#[derive(Debug, thiserror::Error)]
#[error("could not save the update state to the session: {0}")]
pub(crate) struct SaveError(Box<dyn std::error::Error + Send + Sync>);

#[cfg(test)]
mod tests {
    use super::*;

    fn common(pts: i32) -> State {
        State {
            date: 1000 + pts,
            seq: 0,
            message_box: Some(MessageBox::Common { pts }),
        }
    }

    fn channel(id: i64, pts: i32) -> State {
        State {
            date: 1,
            seq: 0,
            message_box: Some(MessageBox::Channel {
                channel_id: id,
                pts,
            }),
        }
    }

    fn saved_pts(progress: &Progress) -> Vec<(Sequence, i32)> {
        let changes = progress.changes();
        let out = changes.marks.iter().map(|(s, m)| (*s, m.pts)).collect();
        progress.saved(&changes);
        out
    }

    #[test]
    fn the_mark_waits_for_the_oldest_unfinished_update() {
        let progress = Arc::new(Progress::default());
        let a = progress.register(&common(1)).unwrap();
        let b = progress.register(&common(2)).unwrap();
        let c = progress.register(&common(3)).unwrap();
        // Later updates of other chats finish first: nothing is safe to save yet.
        c.done();
        b.done();
        assert_eq!(saved_pts(&progress), []);
        a.done();
        assert_eq!(saved_pts(&progress), [(Sequence::Common, 3)]);
        // Nothing moved: nothing to write.
        assert_eq!(saved_pts(&progress), []);
    }

    #[test]
    fn a_difference_batch_sharing_one_position_counts_every_update() {
        let progress = Arc::new(Progress::default());
        let first = progress.register(&common(7)).unwrap();
        let second = progress.register(&common(7)).unwrap();
        first.done();
        assert_eq!(saved_pts(&progress), []);
        second.done();
        assert_eq!(saved_pts(&progress), [(Sequence::Common, 7)]);
    }

    #[test]
    fn an_update_cancelled_before_it_finished_holds_the_mark_back() {
        let progress = Arc::new(Progress::default());
        let a = progress.register(&common(1)).unwrap();
        let b = progress.register(&common(2)).unwrap();
        a.done();
        drop(b);
        let c = progress.register(&common(3)).unwrap();
        c.done();
        assert_eq!(saved_pts(&progress), [(Sequence::Common, 1)]);
    }

    #[test]
    fn sequences_are_independent() {
        let progress = Arc::new(Progress::default());
        let slow = progress.register(&common(5)).unwrap();
        let chan = progress.register(&channel(77, 40)).unwrap();
        chan.done();
        assert_eq!(saved_pts(&progress), [(Sequence::Channel(77), 40)]);
        slow.done();
        assert_eq!(saved_pts(&progress), [(Sequence::Common, 5)]);
    }

    #[test]
    fn updates_outside_the_sequences_are_not_tracked() {
        let progress = Arc::new(Progress::default());
        let state = State {
            date: 1,
            seq: 0,
            message_box: None,
        };
        assert!(progress.register(&state).is_none());
        assert!(progress.register(&common(0)).is_none());
        assert!(progress.changes().marks.is_empty());
    }

    #[test]
    fn a_late_lower_position_is_never_covered_while_pending() {
        let progress = Arc::new(Progress::default());
        progress.register(&common(10)).unwrap().done();
        let late = progress.register(&common(8)).unwrap();
        // The mark reached 10, but 8 is pending: saving 10 could lose it.
        assert_eq!(saved_pts(&progress), [(Sequence::Common, 7)]);
        late.done();
        assert_eq!(saved_pts(&progress), [(Sequence::Common, 10)]);
    }

    #[tokio::test]
    async fn saving_writes_the_marks_to_the_session() {
        use grammers_session::storages::{MemorySession, erase};
        let session = erase(Arc::new(MemorySession::default()));
        let progress = Arc::new(Progress::default());
        progress.register(&common(4)).unwrap().done();
        assert_eq!(progress.save(&*session).await.unwrap(), 1);
        assert_eq!(session.updates_state().await.unwrap().pts, 4);
        progress.register(&common(5)).unwrap().done();
        progress.register(&channel(9, 30)).unwrap().done();
        assert_eq!(progress.save(&*session).await.unwrap(), 2);
        let state = session.updates_state().await.unwrap();
        assert_eq!(state.pts, 5);
        assert_eq!(state.date, 1005);
        assert_eq!(
            state
                .channels
                .iter()
                .map(|c| (c.id, c.pts))
                .collect::<Vec<_>>(),
            [(9, 30)]
        );
        assert_eq!(progress.save(&*session).await.unwrap(), 0);
    }
}
