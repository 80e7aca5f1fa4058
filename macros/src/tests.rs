//! Expansion tests: known inputs, their exact output, and the errors bad inputs produce.
//!
//! Spans are checked by the trybuild UI tests in `framework/tests/ui/`, which compile real
//! handlers; here we check what is generated and what is said.

use proc_macro2::TokenStream;
use quote::quote;

fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    crate::expand::handler(attr, item)
}

/// The `compile_error!` messages of an expansion, in order.
fn errors(attr: TokenStream, item: TokenStream) -> Vec<String> {
    let file: syn::File = syn::parse2(expand(attr, item)).expect("expansion parses");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(mac) if mac.mac.path.segments.last()?.ident == "compile_error" => {
                Some(
                    mac.mac
                        .parse_body::<syn::LitStr>()
                        .expect("a message")
                        .value(),
                )
            }
            _ => None,
        })
        .collect()
}

fn single_error(attr: TokenStream, item: TokenStream) -> String {
    let errors = errors(attr, item);
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    errors.into_iter().next().unwrap()
}

fn echo() -> TokenStream {
    quote!(
        async fn echo(msg: Message) {}
    )
}

#[test]
fn expansion_matches_the_contract() {
    let item = quote! {
        async fn roll(msg: Message, Args((n, sides)): Args<(u8, u32)>) -> Result<()> { Ok(()) }
    };
    let expanded = expand(
        quote!(command = "roll", description = "Roll dice", group = 1),
        item.clone(),
    );
    let message_kind = "this handler receives `message` updates, and the extractor `Message` never works for them, so the handler would never run: use an extractor of this kind, or change the kind";
    let args_kind = "this handler receives `message` updates, and the extractor `Args<(u8, u32)>` never works for them, so the handler would never run: use an extractor of this kind, or change the kind";
    let answer = "a `message` handler has nothing to answer, so it cannot return an answer (`Result<()>`): send with the client instead, and return `()` or `Result<()>`";
    let expected = quote! {
        #[allow(clippy::unused_async)]
        #item
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        struct roll {}

        #[doc(hidden)]
        const _: () = {
            use ::oxygram::__private as __o;

            #[allow(clippy::large_futures)]
            fn __call(cx: __o::UpdateContext) -> __o::BoxFuture<'static, __o::Outcome> {
                ::std::boxed::Box::pin(async move {
                    let __arg0 = match <Message as __o::FromUpdate>::from_update(&cx).await {
                        ::std::result::Result::Ok(value) => value,
                        ::std::result::Result::Err(rejection) => return __o::Outcome::rejected(rejection),
                    };
                    let __arg1 = match <Args<(u8, u32)> as __o::FromUpdate>::from_update(&cx).await {
                        ::std::result::Result::Ok(value) => value,
                        ::std::result::Result::Err(rejection) => return __o::Outcome::rejected(rejection),
                    };
                    __o::IntoOutcome::into_outcome(roll(__arg0, __arg1).await, &cx).await
                })
            }

            fn __filter() -> __o::Filter {
                __o::Filter::always()
            }

            fn __check(
                startup: &__o::StartupContext<'_>,
            ) -> ::std::result::Result<(), __o::StartupError> {
                <Message as __o::FromUpdate>::check(startup)?;
                <Args<(u8, u32)> as __o::FromUpdate>::check(startup)?;
                ::std::result::Result::Ok(())
            }

            const _: () = __o::require_extractor_kind(<Message as __o::FromUpdate>::KINDS, __o::Kind::NewMessage, #message_kind);
            const _: () = __o::require_extractor_kind(<Args<(u8, u32)> as __o::FromUpdate>::KINDS, __o::Kind::NewMessage, #args_kind);
            const _: () = __o::require_answer_kind(<Result<()> as __o::IntoOutcome>::ANSWERS, __o::Kind::NewMessage, #answer);

            impl __o::Handler for roll {
                const SPEC: __o::HandlerSpec = __o::HandlerSpec::builder("roll", __o::Kind::NewMessage, __call)
                    .module_path(::std::module_path!())
                    .filter(__filter)
                    .check(__check)
                    .description("Roll dice")
                    .trigger(__o::Trigger::Commands(&["roll"]))
                    .group(1i32)
                    .usage(&["n", "sides"])
                    .location(::std::file!(), ::std::line!())
                    .build();
            }

            __o::inventory::submit! {
                <roll as __o::Handler>::SPEC
            }
        };
    };
    assert_eq!(expanded.to_string(), expected.to_string());
}

#[test]
fn handler_without_arguments_uses_underscored_parameters() {
    let expanded = expand(
        quote!(raw),
        quote!(
            async fn tick() {}
        ),
    )
    .to_string();
    assert!(
        expanded.contains("fn __call (cx : __o :: UpdateContext)"),
        "the context is read by the answer: {expanded}"
    );
    assert!(
        expanded.contains("_startup : & __o :: StartupContext"),
        "{expanded}"
    );
    assert!(expanded.contains("__o :: Kind :: Raw"), "{expanded}");
    assert!(!expanded.contains(". trigger ("), "no trigger: {expanded}");
}

#[test]
fn options_fill_the_spec() {
    let expanded = expand(
        quote!(
            commands = ["start", "help"],
            plugin = "admin",
            name = "greet",
            outgoing,
            group = -3
        ),
        echo(),
    )
    .to_string();
    assert!(
        expanded.contains(r#"__o :: Trigger :: Commands (& ["start" , "help"])"#),
        "{expanded}"
    );
    assert!(expanded.contains(r#". plugin ("admin")"#), "{expanded}");
    assert!(
        expanded.contains(r#"HandlerSpec :: builder ("greet""#),
        "{expanded}"
    );
    assert!(expanded.contains(". outgoing (true)"), "{expanded}");
    assert!(expanded.contains(". group (- 3i32)"), "{expanded}");
}

#[test]
fn group_may_name_a_constant() {
    let expanded = expand(quote!(message, group = groups::LATE), echo()).to_string();
    assert!(expanded.contains(". group (groups :: LATE)"), "{expanded}");
}

#[test]
fn custom_single_name_leaves_bring_builtins_into_scope_for_typo_hints() {
    let expanded = expand(quote!(message, filter = text & is_admin), echo()).to_string();
    assert!(expanded.contains("use __o :: filters :: * ;"), "{expanded}");
    let expanded = expand(quote!(message, filter = text & user(1) & crate::x), echo()).to_string();
    assert!(
        !expanded.contains("use __o :: filters :: * ;"),
        "{expanded}"
    );
}

#[test]
fn unknown_service_actions_suggest_the_closest() {
    let error = single_error(quote!(service = "new_chat_member"), echo());
    assert!(
        error
            .contains("unknown service action `new_chat_member`; did you mean `new_chat_members`?"),
        "{error}"
    );
    let error = single_error(quote!(service = "other", chat_member), echo());
    assert!(
        error.contains("`chat_member` conflicts with `service`"),
        "{error}"
    );
}

#[test]
fn triggers_imply_their_kind() {
    let cases = [
        (quote!(regex = "^hi"), "NewMessage", r#"Regex ("^hi")"#),
        (
            quote!(callback = "vote:*"),
            "CallbackQuery",
            r#"Callback ("vote:*")"#,
        ),
        (
            quote!(inline = "^gif "),
            "InlineQuery",
            r#"Inline ("^gif ")"#,
        ),
        (
            quote!(message, command = "a"),
            "NewMessage",
            r#"Commands (& ["a"])"#,
        ),
        (
            quote!(service = "new_chat_members"),
            "Service",
            r#"Service ("new_chat_members")"#,
        ),
        (quote!(service), "Service", "None"),
        (quote!(chat_member), "ChatMember", "None"),
        (quote!(join_request), "JoinRequest", "None"),
        (quote!(bot_stopped), "BotStopped", "None"),
    ];
    for (attr, kind, trigger) in cases {
        let expanded = expand(attr, echo()).to_string();
        assert!(
            expanded.contains(&format!("__o :: Kind :: {kind}")),
            "{expanded}"
        );
        if trigger == "None" {
            assert!(!expanded.contains(". trigger ("), "{expanded}");
        } else {
            assert!(
                expanded.contains(&format!("__o :: Trigger :: {trigger}")),
                "{expanded}"
            );
        }
    }
}

#[test]
fn every_kind_maps_to_its_variant() {
    let cases = [
        (quote!(message), "NewMessage"),
        (quote!(edited), "EditedMessage"),
        (quote!(deleted), "DeletedMessages"),
        (quote!(callback_query), "CallbackQuery"),
        (quote!(inline_query), "InlineQuery"),
        (quote!(chosen_inline), "ChosenInlineResult"),
        (quote!(raw), "Raw"),
    ];
    for (attr, variant) in cases {
        let expanded = expand(attr, echo()).to_string();
        assert!(
            expanded.contains(&format!("__o :: Kind :: {variant} ,")),
            "{expanded}"
        );
    }
}

#[test]
fn filter_operators_become_combinators() {
    let expanded = expand(quote!(message, filter = text & private & !me), echo()).to_string();
    let expected = quote! {
        fn __filter() -> __o::Filter {
            __o::Filter::and(
                __o::Filter::and(
                    __o::IntoFilter::into_filter(__o::filters::text),
                    __o::IntoFilter::into_filter(__o::filters::private)
                ),
                __o::Filter::not(__o::IntoFilter::into_filter(__o::filters::me))
            )
        }
    };
    assert!(expanded.contains(&expected.to_string()), "{expanded}");
}

#[test]
fn filter_precedence_follows_rust() {
    let expanded = expand(
        quote!(message, filter = photo | video & !(me | bot)),
        echo(),
    )
    .to_string();
    let expected = quote! {
        __o::Filter::or(
            __o::IntoFilter::into_filter(__o::filters::photo),
            __o::Filter::and(
                __o::IntoFilter::into_filter(__o::filters::video),
                __o::Filter::not(__o::Filter::or(
                    __o::IntoFilter::into_filter(__o::filters::me),
                    __o::IntoFilter::into_filter(__o::filters::bot)
                ))
            )
        )
    };
    assert!(expanded.contains(&expected.to_string()), "{expanded}");
}

#[test]
fn custom_filters_are_left_as_written() {
    let expanded = expand(
        quote!(
            message,
            filter = is_admin & crate::checks::quiet_hours & has_word("hi") & self::text
        ),
        echo(),
    )
    .to_string();
    for leaf in [
        quote!(__o::IntoFilter::into_filter(is_admin)),
        quote!(__o::IntoFilter::into_filter(crate::checks::quiet_hours)),
        quote!(__o::IntoFilter::into_filter(has_word("hi"))),
        quote!(__o::IntoFilter::into_filter(self::text)),
    ] {
        assert!(
            expanded.contains(&leaf.to_string()),
            "{leaf} not in {expanded}"
        );
    }
}

#[test]
fn user_and_chat_filters_get_typed_refs() {
    let expanded = expand(
        quote!(message, filter = user(1234, "@alice") | chat(-1001234, 42)),
        echo(),
    )
    .to_string();
    let user = quote!(__o::filters::user(&[
        __o::UserRef::Id(1234),
        __o::UserRef::Username("alice")
    ]));
    let chat = quote!(__o::filters::chat(&[-1001234, 42]));
    assert!(expanded.contains(&user.to_string()), "{expanded}");
    assert!(expanded.contains(&chat.to_string()), "{expanded}");
}

#[test]
fn user_and_chat_filters_accept_constants() {
    let expanded = expand(
        quote!(message, filter = user(ADMIN, 7) | chat(ids::NEWS)),
        echo(),
    )
    .to_string();
    let user = quote!(__o::filters::user(&[
        __o::UserRef::Id(ADMIN),
        __o::UserRef::Id(7)
    ]));
    let chat = quote!(__o::filters::chat(&[ids::NEWS]));
    assert!(expanded.contains(&user.to_string()), "{expanded}");
    assert!(expanded.contains(&chat.to_string()), "{expanded}");
}

#[test]
fn cfg_on_the_function_also_applies_to_its_registration() {
    let item = quote! {
        #[cfg(feature = "admin")]
        async fn ban(msg: Message) {}
    };
    let expanded = expand(quote!(command = "ban"), item).to_string();
    assert!(
        expanded.contains("# [cfg (feature = \"admin\")] # [doc (hidden)] const _"),
        "{expanded}"
    );
}

#[test]
fn errors_keep_the_function() {
    let expanded = expand(quote!(comand = "start"), echo()).to_string();
    assert!(expanded.starts_with(&echo().to_string()), "{expanded}");
    assert!(expanded.contains("compile_error"), "{expanded}");
    assert!(!expanded.contains("inventory"), "{expanded}");
}

#[test]
fn not_async_is_an_error() {
    let error = single_error(
        quote!(message),
        quote!(
            fn echo(msg: Message) {}
        ),
    );
    assert!(error.contains("must be an `async fn`"), "{error}");
}

#[test]
fn unknown_options_suggest_the_closest() {
    let error = single_error(quote!(comand = "start"), echo());
    assert_eq!(
        error,
        "unknown #[handler] option `comand`; did you mean `command`?"
    );
    let error = single_error(quote!(message, timeout = 5), echo());
    assert!(
        error.starts_with("unknown #[handler] option `timeout`; expected one of: message,"),
        "{error}"
    );
    let error = single_error(quote!(private), echo());
    assert_eq!(
        error,
        "`private` is a filter, not an option: write `filter = private`"
    );
}

#[test]
fn duplicate_options_are_errors() {
    let error = single_error(quote!(message, group = 1, group = 2), echo());
    assert_eq!(error, "duplicate option `group`");
    let error = single_error(quote!(command = "a", command = "b"), echo());
    assert!(error.contains("commands = [\"a\", \"b\"]"), "{error}");
}

#[test]
fn conflicting_kinds_and_triggers_are_errors() {
    let error = single_error(quote!(message, edited), echo());
    assert!(
        error.starts_with("`edited` conflicts with `message`"),
        "{error}"
    );
    let error = single_error(quote!(command = "a", regex = "b"), echo());
    assert!(
        error.starts_with("`regex` conflicts with `command`: a handler has one trigger"),
        "{error}"
    );
    let error = single_error(quote!(command = "a", commands = ["b"]), echo());
    assert!(error.contains("list every command"), "{error}");
    let error = single_error(quote!(callback = "x", message), echo());
    assert_eq!(
        error,
        "`message` conflicts with `callback`: `callback` matches callback queries (`callback_query`) only"
    );
    let error = single_error(quote!(edited, command = "a"), echo());
    assert_eq!(
        error,
        "`command` conflicts with `edited`: `command` matches new messages (`message`) only"
    );
}

#[test]
fn missing_kind_is_an_error() {
    let error = single_error(quote!(), echo());
    assert!(
        error.starts_with("#[handler] needs to know which updates to handle"),
        "{error}"
    );
    let error = single_error(quote!(group = 1), echo());
    assert!(
        error.starts_with("#[handler] needs to know which updates to handle"),
        "{error}"
    );
}

#[test]
fn option_values_have_the_right_shape() {
    let error = single_error(quote!(message = true), echo());
    assert_eq!(error, "`message` takes no value: write just `message`");
    let error = single_error(quote!(command), echo());
    assert_eq!(
        error,
        "`command` needs a value, as in `command = \"start\"`"
    );
    let error = single_error(quote!(command = start), echo());
    assert!(
        error.starts_with("`command` expects a string literal"),
        "{error}"
    );
    let error = single_error(quote!(command("start")), echo());
    assert!(
        error.contains("with `=` and without parentheses"),
        "{error}"
    );
    let error = single_error(quote!(commands = []), echo());
    assert!(error.contains("`commands` is empty"), "{error}");
    let error = single_error(quote!(commands = ["a", "a"]), echo());
    assert_eq!(error, "command `a` is listed twice");
}

#[test]
fn group_must_be_an_integer() {
    let error = single_error(quote!(message, group = "1"), echo());
    assert_eq!(
        error,
        "`group` is an integer, not a string: write `group = 1`"
    );
    let error = single_error(quote!(message, group = 1.5), echo());
    assert!(
        error.starts_with("`group` must be an integer, as in"),
        "{error}"
    );
    let error = single_error(quote!(message, group = 3000000000), echo());
    assert!(error.contains("fit in an i32"), "{error}");
}

#[test]
fn outgoing_needs_a_kind_with_own_updates() {
    let error = single_error(quote!(callback_query, outgoing), echo());
    assert!(
        error.starts_with("`outgoing` does not apply to `callback_query`"),
        "{error}"
    );
}

#[test]
fn bad_values_are_reported_together() {
    let errors = errors(
        quote!(command = "Start", filter = a && b, group = 1.5),
        quote!(
            fn echo(&self) {}
        ),
    );
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert!(errors[0].contains("did you mean `\"start\"`"));
    assert!(errors[1].starts_with("`group` must be an integer"));
    assert!(errors[2].starts_with("a #[handler] must be an `async fn`"));
    assert!(errors[3].starts_with("a #[handler] cannot take `self`"));
    assert!(errors[4].starts_with("use `&` to combine filters, not `&&`"));
}

#[test]
fn filter_misuse_is_explained() {
    let error = single_error(quote!(message, filter = text || photo), echo());
    assert!(
        error.starts_with("use `|` to combine filters, not `||`"),
        "{error}"
    );
    let error = single_error(quote!(message, filter = text + photo), echo());
    assert!(
        error.starts_with("unsupported operator `+` in a filter"),
        "{error}"
    );
    let error = single_error(quote!(message, filter = 42), echo());
    assert!(error.starts_with("expected a filter"), "{error}");
    let error = single_error(quote!(message, filter = user()), echo());
    assert!(
        error.starts_with("`user(..)` takes user ids (integer literals"),
        "{error}"
    );
    let error = single_error(quote!(message, filter = user(-5)), echo());
    assert!(error.starts_with("user ids are positive"), "{error}");
    let error = single_error(quote!(message, filter = user("not a name")), echo());
    assert!(error.contains("is not a Telegram username"), "{error}");
    let error = single_error(quote!(message, filter = user(1.5)), echo());
    assert!(error.starts_with("`user(..)` takes user ids"), "{error}");
    let error = single_error(quote!(message, filter = chat("@news")), echo());
    assert!(error.starts_with("`chat(..)` takes chat ids"), "{error}");
}

#[test]
fn signatures_the_dispatcher_cannot_call_are_errors() {
    let error = single_error(
        quote!(message),
        quote!(
            async fn f<T>(t: T) {}
        ),
    );
    assert!(
        error.starts_with("a #[handler] cannot be generic"),
        "{error}"
    );
    let error = single_error(
        quote!(message),
        quote!(
            async fn f(m: &Message) {}
        ),
    );
    assert!(
        error.starts_with("#[handler] arguments are extracted by value"),
        "{error}"
    );
    let error = single_error(
        quote!(message),
        quote!(
            async fn f(m: impl Extract) {}
        ),
    );
    assert!(
        error.contains("`impl Trait` makes the handler generic"),
        "{error}"
    );
    let error = single_error(
        quote!(message),
        quote!(
            async unsafe fn f() {}
        ),
    );
    assert!(error.contains("cannot be `unsafe`"), "{error}");
}

#[test]
fn non_functions_are_refused() {
    let error = single_error(
        quote!(message),
        quote!(
            struct Echo;
        ),
    );
    assert!(
        error.starts_with("#[handler] goes on an `async fn`"),
        "{error}"
    );
}

#[test]
fn a_renamed_crate_is_named_in_the_expansion() {
    let expanded = expand(quote!(message, crate = "my_oxygram"), echo()).to_string();
    assert!(
        expanded.contains("use my_oxygram :: __private as __o"),
        "{expanded}"
    );
    assert!(!expanded.contains(":: oxygram :: __private"), "{expanded}");
    let error = single_error(quote!(message, crate = "my oxygram"), echo());
    assert!(
        error.contains("`crate = \"my oxygram\"` is not a path"),
        "{error}"
    );
}

#[test]
fn a_string_argument_suggests_the_extractors_meant() {
    let error = single_error(
        quote!(command = "echo"),
        quote!(
            async fn echo(text: String) {}
        ),
    );
    assert!(
        error.contains("take `Text` for the message text") && error.contains("`Args<String>`"),
        "{error}"
    );
}

#[test]
fn destructured_args_name_the_usage() {
    let named = |item: TokenStream| expand(quote!(command = "roll"), item).to_string();
    let expanded = named(quote!(
        async fn roll(Args((count, sides)): Args<(u8, u32)>) {}
    ));
    assert!(
        expanded.contains(r#". usage (& ["count" , "sides"])"#),
        "{expanded}"
    );
    let expanded = named(quote!(
        async fn roll(Args(name): Args<String>) {}
    ));
    assert!(expanded.contains(r#". usage (& ["name"])"#), "{expanded}");
    let expanded = named(quote!(
        async fn roll(args: Args<(u8, u32)>) {}
    ));
    assert!(!expanded.contains(". usage ("), "{expanded}");
}
