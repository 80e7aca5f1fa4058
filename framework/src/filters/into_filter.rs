//! [`IntoFilter`]: what may stand as a leaf of a filter expression.
//!
//! The marker type parameter (axum's `Handler<T>` trick) lets one trait accept sync and async
//! functions over the context or the message without overlapping impls.

use std::future::Future;

use grammers_client::update::Message;

use super::Filter;
use crate::context::UpdateContext;

/// Converts a filter leaf into a [`Filter`]: a `Filter`, a sync `fn(&UpdateContext) -> bool`
/// or `fn(&Message) -> bool`, or an async `fn(UpdateContext) -> bool` or
/// `fn(Message) -> bool`. Message filters are false on updates that are not messages.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a filter",
    label = "not a filter",
    note = "filters are builtins (`text`, `private`, ...), `Filter` values, or fns: `fn(&UpdateContext) -> bool`, `fn(&Message) -> bool`, `async fn(UpdateContext) -> bool`, `async fn(Message) -> bool`"
)]
pub trait IntoFilter<Marker> {
    /// Performs the conversion.
    fn into_filter(self) -> Filter;
}

/// Markers selecting an [`IntoFilter`] impl; never named by users.
#[doc(hidden)]
pub mod markers {
    /// `Filter` itself.
    pub enum Itself {}
    /// `fn(&UpdateContext) -> bool`.
    pub enum SyncContext {}
    /// `fn(&Message) -> bool` (grammers' message).
    pub enum SyncMessage {}
    /// `fn(&oxygram::Message) -> bool` (the prelude's message).
    pub enum SyncThrottledMessage {}
    /// `async fn(oxygram::Message) -> bool` (the prelude's message).
    pub enum AsyncThrottledMessage {}
    /// `async fn(UpdateContext) -> bool`.
    pub enum AsyncContext {}
    /// `async fn(Message) -> bool`.
    pub enum AsyncMessage {}
}

impl IntoFilter<markers::Itself> for Filter {
    fn into_filter(self) -> Filter {
        self
    }
}

impl<F> IntoFilter<markers::SyncContext> for F
where
    F: Fn(&UpdateContext) -> bool + Send + Sync + 'static,
{
    fn into_filter(self) -> Filter {
        Filter::from_fn(self)
    }
}

impl<F> IntoFilter<markers::SyncMessage> for F
where
    F: Fn(&Message) -> bool + Send + Sync + 'static,
{
    fn into_filter(self) -> Filter {
        Filter::from_fn(move |cx| cx.message().is_some_and(&self))
    }
}

/// A filter over the prelude's message gets a clone of the update's message (the filter may
/// keep it); filters over grammers' message or the context borrow it instead.
impl<F> IntoFilter<markers::SyncThrottledMessage> for F
where
    F: Fn(&crate::Message) -> bool + Send + Sync + 'static,
{
    fn into_filter(self) -> Filter {
        Filter::from_fn(move |cx| cx.throttled_message().is_some_and(|m| self(&m)))
    }
}

impl<F, Fut> IntoFilter<(markers::AsyncThrottledMessage, Fut)> for F
where
    F: Fn(crate::Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    fn into_filter(self) -> Filter {
        let f = std::sync::Arc::new(self);
        Filter::from_async_fn(move |cx: UpdateContext| {
            let f = std::sync::Arc::clone(&f);
            let message = cx.throttled_message();
            async move {
                match message {
                    Some(m) => f(m).await,
                    None => false,
                }
            }
        })
    }
}

impl<F, Fut> IntoFilter<(markers::AsyncContext, Fut)> for F
where
    F: Fn(UpdateContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    fn into_filter(self) -> Filter {
        Filter::from_async_fn(self)
    }
}

impl<F, Fut> IntoFilter<(markers::AsyncMessage, Fut)> for F
where
    F: Fn(Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    fn into_filter(self) -> Filter {
        let f = std::sync::Arc::new(self);
        Filter::from_async_fn(move |cx: UpdateContext| {
            let f = std::sync::Arc::clone(&f);
            let message = cx.message().cloned();
            async move {
                match message {
                    Some(m) => f(m).await,
                    None => false,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::IntoFilter;

    fn short(msg: &crate::Message) -> bool {
        msg.text().len() < 10
    }

    async fn slow(_msg: crate::Message) -> bool {
        true
    }

    fn raw_short(msg: &grammers_client::update::Message) -> bool {
        msg.text().len() < 10
    }

    #[test]
    fn filters_over_either_message_type_convert() {
        // The prelude's `Message` is oxygram's; filters written against it, or against
        // grammers' own, both stay filters.
        let _ = short.into_filter();
        let _ = slow.into_filter();
        let _ = raw_short.into_filter();
    }
}
