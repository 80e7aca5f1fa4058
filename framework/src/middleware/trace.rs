//! [`TraceUpdates`]: one tracing span per update.

use tracing::Instrument;

use super::{Middleware, Next, Routed};
use crate::context::UpdateContext;
use crate::util::BoxFuture;

/// Puts every update's handling, handlers' own log lines included, in an `update` span
/// carrying its kind, chat, sender and message id (never the text), and logs at debug how
/// many handlers ran.
///
/// ```no_run
/// oxygram::App::new()
///     .middleware(oxygram::middleware::TraceUpdates)
///     .run()
///     .unwrap();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceUpdates;

impl Middleware for TraceUpdates {
    fn handle<'a>(&'a self, cx: UpdateContext, next: Next<'a>) -> BoxFuture<'a, Routed> {
        let span = tracing::info_span!("update", update = %cx.summary());
        Box::pin(
            async move {
                let routed = next.run(cx).await;
                tracing::debug!(handlers = routed.ran(), "update handled");
                routed
            }
            .instrument(span),
        )
    }
}
