//! `State<T>`: shared values the app registered with `App::state`.

use std::any::type_name;
use std::ops::Deref;
use std::sync::Arc;

use super::{FromUpdate, Rejection, StartupContext, StartupError};
use crate::context::UpdateContext;

/// A value of type `T` registered on the app with `App::new().state(value)`.
///
/// A handler taking `State<T>` for a `T` that was never registered stops the app at startup
/// with an error naming the handler and the type; it never fails per update.
///
/// ```
/// use oxygram::extract::State;
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// struct Counter(AtomicU64);
///
/// async fn count(State(counter): State<Counter>) {
///     counter.0.fetch_add(1, Ordering::Relaxed);
/// }
/// ```
#[derive(Debug)]
pub struct State<T>(pub Arc<T>);

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State(Arc::clone(&self.0))
    }
}

impl<T> Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Send + Sync + 'static> FromUpdate for State<T> {
    async fn from_update(cx: &UpdateContext) -> Result<Self, Rejection> {
        // `check` guarantees presence for registered handlers; a hand-built context may not.
        cx.states().get::<T>().map(State).ok_or_else(|| {
            Rejection::mismatch(format!(
                "no `{}` was registered with App::state",
                type_name::<T>()
            ))
        })
    }

    fn check(startup: &StartupContext<'_>) -> Result<(), StartupError> {
        if startup.states().get::<T>().is_some() {
            Ok(())
        } else {
            Err(StartupError::MissingState {
                handler: startup.describe_handler(),
                type_name: type_name::<T>(),
            })
        }
    }
}
