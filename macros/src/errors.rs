//! Collecting every error of one `#[handler]` before reporting.
//!
//! Reporting all mistakes in one compile (a misspelled option *and* a missing `async`) saves
//! the user a round trip per error, so validation keeps going after the first problem.

use proc_macro2::TokenStream;

/// The errors found so far; empty means the handler is valid.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records one more error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Records the error of a failed step, if any, and passes its value on.
    pub(crate) fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    /// `compile_error!` invocations for every recorded error, or `None` when there are none.
    pub(crate) fn into_compile_errors(self) -> Option<TokenStream> {
        self.0.map(|error| error.to_compile_error())
    }
}
