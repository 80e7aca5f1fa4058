//! Everything `#[handler]`-generated code names, under one path (`::oxygram::__private`), so
//! users depend on `oxygram` alone and the framework can move things without breaking the
//! macro's output. Not a public API.

pub use inventory;

pub use crate::context::UpdateContext;
pub use crate::extract::{FromUpdate, Rejection, StartupContext, StartupError};
pub use crate::filters::{Filter, IntoFilter, UserRef};
pub use crate::handler::{BoxFuture, Handler, HandlerSpec, IntoOutcome, Kind, Outcome, Trigger};

/// An extractor that never works for the handler's kind stops the build (evaluated in a
/// `const`, spanned on the argument).
pub const fn require_extractor_kind(
    kinds: crate::context::Kinds,
    kind: Kind,
    message: &'static str,
) {
    if !kinds.contains(kind) {
        panic!("{}", message);
    }
}

/// A returned answer from a kind with nothing to answer stops the build (evaluated in a
/// `const`, spanned on the return type).
pub const fn require_answer_kind(answers: bool, kind: Kind, message: &'static str) {
    if answers && !crate::handler::answerable(kind) {
        panic!("{}", message);
    }
}

/// The builtin filters the macro maps single-segment names to, plus `user(..)`/`chat(..)`.
pub mod filters {
    pub use crate::filters::builtin::{
        animation, audio, bot, caption, channel, chat, command, contact, dice, document, forwarded,
        group, incoming, location, me, media, mentioned, outgoing, photo, poll, private, reply,
        service, sticker, text, user, venue, via_bot, video, video_note, voice,
    };
}

/// The contract's expansion, written by hand: if this compiles, generated code compiles.
#[cfg(test)]
mod contract {
    use crate::extract::Args;
    use grammers_client::update::Message;

    async fn roll(
        _msg: Message,
        Args((_n, _sides)): Args<(u8, u32)>,
    ) -> crate::prelude::Result<()> {
        Ok(())
    }

    fn is_even(cx: &crate::context::UpdateContext) -> bool {
        cx.text().is_some_and(|t| t.len() % 2 == 0)
    }

    async fn slow_check(_msg: Message) -> bool {
        true
    }

    #[doc(hidden)]
    #[allow(non_camel_case_types, dead_code)]
    struct roll {}

    #[doc(hidden)]
    const _: () = {
        use crate::__private as __o;
        fn __call(cx: __o::UpdateContext) -> __o::BoxFuture<'static, __o::Outcome> {
            ::std::boxed::Box::pin(async move {
                let __arg0 = match <Message as __o::FromUpdate>::from_update(&cx).await {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(rejection) => {
                        return __o::Outcome::rejected(rejection);
                    }
                };
                let __arg1 = match <Args<(u8, u32)> as __o::FromUpdate>::from_update(&cx).await {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(rejection) => {
                        return __o::Outcome::rejected(rejection);
                    }
                };
                __o::IntoOutcome::into_outcome(roll(__arg0, __arg1).await, &cx).await
            })
        }
        fn __filter() -> __o::Filter {
            __o::Filter::and(
                __o::IntoFilter::into_filter(__o::filters::text),
                __o::Filter::and(
                    __o::IntoFilter::into_filter(__o::filters::private),
                    __o::Filter::and(
                        __o::Filter::not(__o::IntoFilter::into_filter(__o::filters::me)),
                        __o::Filter::or(
                            __o::IntoFilter::into_filter(is_even),
                            __o::Filter::or(
                                __o::IntoFilter::into_filter(slow_check),
                                __o::Filter::or(
                                    __o::IntoFilter::into_filter(__o::filters::user(&[
                                        __o::UserRef::Id(1),
                                        __o::UserRef::Username("alice"),
                                    ])),
                                    __o::IntoFilter::into_filter(__o::filters::chat(&[-1001234])),
                                ),
                            ),
                        ),
                    ),
                ),
            )
        }
        fn __check(startup: &__o::StartupContext) -> ::std::result::Result<(), __o::StartupError> {
            <Message as __o::FromUpdate>::check(startup)?;
            <Args<(u8, u32)> as __o::FromUpdate>::check(startup)?;
            ::std::result::Result::Ok(())
        }
        const _: () = __o::require_extractor_kind(
            <Message as __o::FromUpdate>::KINDS,
            __o::Kind::NewMessage,
            "this handler receives `message` updates, and the extractor `Message` never works for them",
        );
        const _: () = __o::require_extractor_kind(
            <Args<(u8, u32)> as __o::FromUpdate>::KINDS,
            __o::Kind::NewMessage,
            "this handler receives `message` updates, and the extractor `Args<(u8,u32)>` never works for them",
        );
        const _: () = __o::require_answer_kind(
            <crate::prelude::Result<()> as __o::IntoOutcome>::ANSWERS,
            __o::Kind::NewMessage,
            "a `message` handler has nothing to answer",
        );
        impl __o::Handler for roll {
            const SPEC: __o::HandlerSpec =
                __o::HandlerSpec::builder("roll", __o::Kind::NewMessage, __call)
                    .module_path(::std::module_path!())
                    .filter(__filter)
                    .check(__check)
                    .description("Roll dice")
                    .trigger(__o::Trigger::Commands(&["roll"]))
                    .group(1)
                    .location(::std::file!(), ::std::line!())
                    .build();
        }
        __o::inventory::submit! {
            <roll as __o::Handler>::SPEC
        }
    };

    #[test]
    fn the_hand_expanded_handler_is_registered() {
        let spec = crate::handler::HandlerSpec::registered()
            .find(|s| s.name() == "roll" && s.module_path().ends_with("__private::contract"))
            .expect("registered through inventory");
        assert_eq!(spec.group(), 1);
        let listed = crate::handlers![roll];
        assert_eq!(listed[0].name(), "roll");
        let filter = (spec.filter)();
        assert!(filter.mentions_outgoing(), "`!me` mentions me");
        assert!(filter.is_async());
    }
}
