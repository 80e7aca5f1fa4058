//! The app-wide error hook: where handler errors and panics go after being logged.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::UpdateContext;
use crate::handler::HandlerError;
use crate::util::BoxFuture;

/// A handler that returned an error or panicked.
#[derive(Debug, Clone)]
pub struct HandlerFailure {
    /// The handler's name.
    pub handler: &'static str,
    /// The handler's plugin.
    pub plugin: String,
    /// What went wrong.
    pub error: HandlerError,
    /// The update it failed on (with the client, to tell someone about it).
    pub context: UpdateContext,
}

impl fmt::Display for HandlerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "handler `{}` (plugin `{}`) {} on {}",
            self.handler,
            self.plugin,
            self.error,
            self.context.summary()
        )
    }
}

/// Called with every [`HandlerFailure`], after it has been logged (set with `App::on_error`).
///
/// The hook runs in the failing update's task; a panic in the hook is caught and logged too.
///
/// ```
/// use oxygram::dispatch::ErrorHook;
///
/// let hook = ErrorHook::new(|failure| async move {
///     eprintln!("{failure}");
/// });
/// ```
#[derive(Clone)]
pub struct ErrorHook(Arc<dyn Fn(HandlerFailure) -> BoxFuture<'static, ()> + Send + Sync>);

impl ErrorHook {
    /// A hook from an async function.
    pub fn new<F, Fut>(f: F) -> Self
    where
        F: Fn(HandlerFailure) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        ErrorHook(Arc::new(move |failure| Box::pin(f(failure))))
    }

    /// Runs the hook.
    pub async fn call(&self, failure: HandlerFailure) {
        (self.0)(failure).await
    }
}

impl fmt::Debug for ErrorHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErrorHook")
    }
}
