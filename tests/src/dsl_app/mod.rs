//! The DSL test app: several plugins exercising routing, groups, extractors, errors and
//! ordering, and a harness that runs them as a real bot (`App`) against the testkit.
//!
//! The handlers are registered with `inventory` like `#[handler]` does; every test binary
//! that links this crate sees them, so tests pick plugins with `[plugins] include`.

/// Registers an async fn as a handler, expanding to what `#[handler]` generates
/// (see DSL-CONTRACT.md): one `FromUpdate` extraction per argument type, then the call.
macro_rules! register {
    (
        $func:ident: $kind:ident, $trigger:expr,
        group = $group:expr, filter = $filter:expr, description = $desc:expr, outgoing = $out:expr;
        ($($arg:ty),*)
    ) => {
        const _: () = {
            use ::oxygram::__private as __o;
            fn __call(cx: __o::UpdateContext) -> __o::BoxFuture<'static, __o::Outcome> {
                ::std::boxed::Box::pin(async move {
                    __o::IntoOutcome::into_outcome($func($(
                        match <$arg as __o::FromUpdate>::from_update(&cx).await {
                            ::std::result::Result::Ok(v) => v,
                            ::std::result::Result::Err(r) => return __o::Outcome::rejected(r),
                        }
                    ),*).await)
                })
            }
            fn __filter() -> __o::Filter {
                __o::IntoFilter::into_filter($filter)
            }
            fn __check(_s: &__o::StartupContext) -> ::std::result::Result<(), __o::StartupError> {
                $(<$arg as __o::FromUpdate>::check(_s)?;)*
                ::std::result::Result::Ok(())
            }
            __o::inventory::submit! {
                __o::HandlerSpec {
                    name: stringify!($func),
                    module_path: ::std::module_path!(),
                    plugin: ::std::option::Option::None,
                    kind: __o::Kind::$kind,
                    trigger: $trigger,
                    filter: __filter,
                    group: $group,
                    description: $desc,
                    outgoing: $out,
                    file: ::std::file!(),
                    line: ::std::line!(),
                    check: __check,
                    call: __call,
                }
            }
        };
    };
}

mod harness;
pub mod plugins;

pub use harness::{BOT, DslApp, TIMEOUT};
