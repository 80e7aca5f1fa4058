//! The test app's plugins (plugin name = module name under `plugins`).

pub mod admin;
pub mod burst;
pub mod chain;
pub mod crash;
pub mod dice;
pub mod echo;
pub mod edits;
pub mod greet;
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

/// Opened by bob's `/open`, awaited by alice's `/wait` (the `order` plugin).
#[derive(Default)]
pub struct Gate(pub Notify);

/// Inline results the `search` plugin saw chosen, as `"<result id> for <query>"`.
#[derive(Clone, Default)]
pub struct Chosen(pub Arc<Mutex<Vec<String>>>);

/// Message ids the `edits` plugin saw deleted.
#[derive(Clone, Default)]
pub struct Deleted(pub Arc<Mutex<Vec<i32>>>);
