//! The `#[handler]` attribute of oxygram.
//!
//! Users depend on `oxygram`, which re-exports [`macro@handler`]; the documentation of the
//! attribute lives here.

mod errors;
mod expand;
mod filter;
mod options;
mod signature;
mod suggest;
mod validate;

use proc_macro::TokenStream;

/// Registers an `async fn` as a handler of Telegram updates.
#[proc_macro_attribute]
pub fn handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::handler(attr.into(), item.into()).into()
}

#[cfg(test)]
mod tests;
