//! The test app's plugins (plugin name = module name under `plugins`).

pub mod admin;
pub mod burst;
pub mod chain;
pub mod crash;
pub mod dice;
pub mod echo;
pub mod edits;
pub mod greet;
pub mod members;
pub mod mirror;
pub mod order;
pub mod overhear;
pub mod regulars;
pub mod rooms;
pub mod search;
pub mod vote;
pub mod whoami;

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Texts of the messages the `chain` plugin's group -1 handler saw.
#[derive(Clone, Default)]
pub struct Audit(pub Arc<Mutex<Vec<String>>>);

/// Texts of the bot's own messages the `mirror` plugin's observer saw.
#[derive(Clone, Default)]
pub struct SeenOwn(pub Arc<Mutex<Vec<String>>>);

impl SeenOwn {
    /// Whether an own message with this text was seen.
    pub fn contains(&self, text: &str) -> bool {
        self.0.lock().unwrap().iter().any(|t| t == text)
    }
}

/// What the `members` plugin recorded, in order; tests wait on it.
#[derive(Clone)]
pub struct Events(pub Arc<tokio::sync::watch::Sender<Vec<String>>>);

impl Default for Events {
    fn default() -> Self {
        Self(Arc::new(tokio::sync::watch::Sender::new(Vec::new())))
    }
}

impl Events {
    /// Records one event.
    pub fn push(&self, event: String) {
        self.0.send_modify(|events| events.push(event));
    }

    /// Waits up to `timeout` for an event equal to `event`; returns every event so far.
    pub async fn wait_for(&self, event: &str, timeout: std::time::Duration) -> Vec<String> {
        let mut rx = self.0.subscribe();
        let found =
            tokio::time::timeout(timeout, rx.wait_for(|e| e.iter().any(|x| x == event))).await;
        let events = self.0.borrow().clone();
        assert!(
            matches!(found, Ok(Ok(_))),
            "no event {event:?} within {timeout:?}; events: {events:?}"
        );
        events
    }

    /// Every event so far.
    pub fn all(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// Opened by bob's `/open`, awaited by alice's `/wait` (the `order` plugin).
#[derive(Default)]
pub struct Gate(pub Notify);

/// Inline results the `search` plugin saw chosen, as `"<result id> for <query>"`.
#[derive(Clone, Default)]
pub struct Chosen(pub Arc<Mutex<Vec<String>>>);

/// Message ids the `edits` plugin saw deleted.
#[derive(Clone, Default)]
pub struct Deleted(pub Arc<Mutex<Vec<i32>>>);
