//! Routing updates to handlers. CONTRACT SKELETON (owned by the DSL engineer): the
//! signatures of `Dispatcher`, `DispatcherSetup` and `Me` are what the runtime calls.

use std::sync::Arc;
use std::time::Duration;

use grammers_client::Client;
use grammers_client::update::Update;

use crate::config::Config;
use crate::error::Result;
use crate::state::States;

/// Who the logged-in account is; filters like `me` and `/cmd@ThisBot` need it.
#[derive(Debug, Clone)]
pub struct Me {
    /// The account's user id.
    pub id: i64,
    /// The account's username, without `@`.
    pub username: Option<String>,
    /// Whether the account is a bot.
    pub is_bot: bool,
}

/// What the dispatcher needs from the app, handed over once logged in.
pub struct DispatcherSetup {
    /// The logged-in client handlers talk through.
    pub client: Client,
    /// The logged-in account.
    pub me: Me,
    /// The loaded configuration.
    pub config: Arc<Config>,
    /// Shared state registered on the app.
    pub states: States,
}

/// What shutdown achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Updates whose handlers were still running when the grace period ended.
    pub abandoned: usize,
}

/// Routes each update to the registered handlers.
pub struct Dispatcher {
    _setup: DispatcherSetup,
}

impl Dispatcher {
    /// Validates the registered handlers against the setup and builds the routing tables.
    pub fn new(setup: DispatcherSetup) -> Result<Self> {
        Ok(Self { _setup: setup })
    }

    /// Accepts one update; returns once it is queued (waits while `max_in_flight` are busy).
    pub async fn dispatch(&self, update: Update) {
        let _ = update;
    }

    /// Stops accepting updates and waits up to `grace` for queued and running handlers.
    pub async fn shutdown(&self, grace: Duration) -> ShutdownReport {
        let _ = grace;
        ShutdownReport { abandoned: 0 }
    }
}
