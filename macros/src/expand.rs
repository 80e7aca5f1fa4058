//! The expansion of `#[handler]`: the function unchanged, plus its registration.
//!
//! The registration is a unit-less struct named like the function (the handler as a value,
//! for `oxygram::handlers![..]`) and a `const _: () = { .. };` block holding three small
//! functions (`__call`, `__filter`, `__check`), compile-time checks that each extractor and
//! the return type fit the handler's kind, and an `inventory::submit!` of the `HandlerSpec`
//! built from them: what a person would write by hand to register a handler without the
//! macro. Generated code only names `::oxygram::__private` (or `crate = ".."`'s path), so
//! users need no other dependency.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Error, ItemFn, LitStr};

use crate::errors::Errors;
use crate::options::{self, Group, HandlerOptions, Trigger};
use crate::{filter, signature};

/// Expands `#[handler(attr)] item`; on any error, the item unchanged plus `compile_error!`s.
pub(crate) fn handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => {
            let error = Error::new(
                Span::call_site(),
                "#[handler] goes on an `async fn`, as in `#[handler(message)] async fn echo(msg: Message)`",
            )
            .to_compile_error();
            return quote!(#item #error);
        }
    };

    let mut errors = Errors::default();
    let options = options::parse(attr, &mut errors);
    let handler_fn = signature::analyze(&func, &mut errors);
    let filter = match options.as_ref().and_then(|o| o.filter.as_ref()) {
        Some(expr) => filter::body(expr, &mut errors),
        None => quote_spanned!(generated()=> __o::Filter::always()),
    };
    if let Some(compile_errors) = errors.into_compile_errors() {
        // The function stays, so IDEs and the rest of the crate keep working while the user
        // fixes the attribute.
        return quote!(#item #compile_errors);
    }
    let options = options.expect("options without errors are present");
    let registration = registration(&func, &handler_fn, &options, filter);
    // The only addition to the function: `#[handler]` requires `async` even when the body
    // awaits nothing, so clippy's pedantic `unused_async` would ask for the impossible.
    quote! {
        #[allow(clippy::unused_async)]
        #item
        #registration
    }
}

fn registration(
    func: &ItemFn,
    handler_fn: &signature::HandlerFn<'_>,
    options: &HandlerOptions,
    filter: TokenStream,
) -> TokenStream {
    let fn_ident = handler_fn.ident;
    let vis = &func.vis;
    // `#[cfg]` on the function must also remove its registration.
    let cfgs: Vec<_> = func
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .collect();
    let krate = match &options.krate {
        Some(path) => quote!(#path),
        None => quote_spanned!(generated()=> ::oxygram),
    };
    let kind = format_ident!("{}", options.kind.variant());

    let args: Vec<_> = (0..handler_fn.arg_types.len())
        .map(|i| format_ident!("__arg{i}", span = generated()))
        .collect();
    // Call-site hygiene, like the user-spanned calls below that read them.
    let cx = quote!(cx);
    // Without arguments nothing reads the startup context; an underscore keeps that
    // warning-free.
    let startup = if args.is_empty() {
        quote!(_startup)
    } else {
        quote!(startup)
    };
    // The call `<Type as FromUpdate>::..(..)` carries the argument type's own span, in both
    // places it is made: a type that is not an extractor is reported once, on that type, with
    // `FromUpdate`'s `#[diagnostic::on_unimplemented]` message.
    // The trait path alone is macro output for lints: `FromUpdate` may well be in scope, and
    // `unused_qualifications` must not flag the user's argument type.
    let from_update_trait = |ty: &syn::Type| quote_spanned!(on(ty.span())=> __o::FromUpdate);
    let extractions = args.iter().zip(&handler_fn.arg_types).map(|(arg, ty)| {
        let trait_ = from_update_trait(ty);
        let from_update = quote_spanned!(ty.span()=> <#ty as #trait_>::from_update(&cx).await);
        quote_spanned! {generated()=>
            let #arg = match #from_update {
                ::std::result::Result::Ok(value) => value,
                ::std::result::Result::Err(rejection) => return __o::Outcome::rejected(rejection),
            };
        }
    });
    let checks = handler_fn.arg_types.iter().map(|ty| {
        let trait_ = from_update_trait(ty);
        let check = quote_spanned!(ty.span()=> <#ty as #trait_>::check(startup));
        quote_spanned!(generated()=> #check?;)
    });
    // An extractor that never works for this kind of update is a compile error on the
    // argument's type: evaluated as a constant, spanned there.
    let kind_checks = handler_fn.arg_types.iter().map(|ty| {
        let trait_ = from_update_trait(ty);
        let message = format!(
            "this handler receives `{}` updates, and the extractor `{}` never works for them, \
             so the handler would never run: use an extractor of this kind, or change the kind",
            options.kind.option(),
            type_text(ty)
        );
        let check = quote_spanned! {ty.span()=>
            __o::require_extractor_kind(<#ty as #trait_>::KINDS, __o::Kind::#kind, #message)
        };
        quote_spanned!(ty.span()=> const _: () = #check;)
    });
    // An answer (`-> &'static str`) from a kind with nothing to answer, likewise, on the
    // return type.
    let answer_check = handler_fn.return_type.filter(|ty| !mentions_impl(ty)).map(|ty| {
        let message = format!(
            "a `{}` handler has nothing to answer, so it cannot return an answer (`{}`): send \
             with the client instead, and return `()` or `Result<()>`",
            options.kind.option(),
            type_text(ty)
        );
        let trait_ = quote_spanned!(on(ty.span())=> __o::IntoOutcome);
        quote_spanned! {ty.span()=>
            const _: () = __o::require_answer_kind(<#ty as #trait_>::ANSWERS, __o::Kind::#kind, #message);
        }
    });
    // Spanned on the return type, name included: a type `IntoOutcome` does not accept is
    // reported there rather than across the whole signature.
    let mut callee = fn_ident.clone();
    callee.set_span(handler_fn.return_span);
    let outcome = quote_spanned! {handler_fn.return_span=>
        __o::IntoOutcome::into_outcome(#callee(#(#args),*).await, &cx).await
    };

    // Placed on the function's name: a handler whose future is not `Send` (an `Rc` held
    // across an `.await`) is reported there, with rustc's note on the offending value.
    let boxed_future = quote_spanned! {on(fn_ident.span())=>
        ::std::boxed::Box::pin(async move {
            #(#extractions)*
            #outcome
        })
    };

    let name = match &options.name {
        Some(name) => name.clone(),
        None => LitStr::new(&fn_ident.unraw().to_string(), fn_ident.span()),
    };
    let mut builder = quote_spanned! {generated()=>
        __o::HandlerSpec::builder(#name, __o::Kind::#kind, __call)
            .module_path(::std::module_path!())
            .filter(__filter)
            .check(__check)
    };
    let mut push = |method: TokenStream| builder.extend(quote_spanned!(generated()=> .#method));
    if let Some(plugin) = &options.plugin {
        push(quote_spanned!(generated()=> plugin(#plugin)));
    }
    if let Some(description) = &options.description {
        push(quote_spanned!(generated()=> description(#description)));
    }
    match &options.trigger {
        None => {}
        Some(Trigger::Commands(names)) => {
            push(quote_spanned!(generated()=> trigger(__o::Trigger::Commands(&[#(#names),*]))));
        }
        Some(Trigger::Regex(regex)) => {
            push(quote_spanned!(generated()=> trigger(__o::Trigger::Regex(#regex))));
        }
        Some(Trigger::Callback(pattern)) => {
            push(quote_spanned!(generated()=> trigger(__o::Trigger::Callback(#pattern))));
        }
        Some(Trigger::Inline(regex)) => {
            push(quote_spanned!(generated()=> trigger(__o::Trigger::Inline(#regex))));
        }
        Some(Trigger::Service(action)) => {
            push(quote_spanned!(generated()=> trigger(__o::Trigger::Service(#action))));
        }
    }
    match &options.group {
        Group::Literal(0) => {}
        Group::Literal(group) => push(quote_spanned!(generated()=> group(#group))),
        Group::Const(path) => push(quote_spanned!(generated()=> group(#path))),
    }
    if options.outgoing {
        push(quote_spanned!(generated()=> outgoing(true)));
    }
    if let Some(names) = &handler_fn.usage_names {
        push(quote_spanned!(generated()=> usage(&[#(#names),*])));
    }
    // `file!()`/`line!()` spanned on the name point at the function, not at the attribute.
    let file = quote_spanned!(fn_ident.span()=> ::std::file!());
    let line = quote_spanned!(fn_ident.span()=> ::std::line!());
    push(quote_spanned!(generated()=> location(#file, #line)));

    quote_spanned! {generated()=>
        // The handler as a value, in the type namespace under the function's own name, for
        // `oxygram::handlers![name]`.
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #fn_ident {}

        #(#cfgs)*
        #[doc(hidden)]
        const _: () = {
            use #krate::__private as __o;

            // The handler's future lives inside this boxed one; how large it is is the
            // handler's business, not a reason to box it twice.
            #[allow(clippy::large_futures)]
            fn __call(#cx: __o::UpdateContext) -> __o::BoxFuture<'static, __o::Outcome> {
                #boxed_future
            }

            fn __filter() -> __o::Filter {
                #filter
            }

            fn __check(
                #startup: &__o::StartupContext<'_>,
            ) -> ::std::result::Result<(), __o::StartupError> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }

            #(#kind_checks)*
            #answer_check

            impl __o::Handler for #fn_ident {
                const SPEC: __o::HandlerSpec = #builder.build();
            }

            __o::inventory::submit! {
                <#fn_ident as __o::Handler>::SPEC
            }
        };
    }
}

/// A type as a person writes it (`Args<(u8, u32)>`, `&'static str`), for messages.
fn type_text(ty: &syn::Type) -> String {
    let mut text = quote!(#ty).to_string();
    for (from, to) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("( ", "("),
        (" )", ")"),
        ("& '", "&'"),
        (" ::", "::"),
        (":: ", "::"),
    ] {
        text = text.replace(from, to);
    }
    text
}

/// Whether a type mentions `impl Trait`, which a constant cannot name.
fn mentions_impl(ty: &syn::Type) -> bool {
    quote!(#ty)
        .into_iter()
        .any(|token| matches!(&token, proc_macro2::TokenTree::Ident(i) if i == "impl"))
}

/// The span of tokens the macro makes up: locals (`cx`, `__arg0`) resolve inside the macro,
/// so they never clash with the user's names, while items (`__o`, the handler itself)
/// resolve where the attribute is.
pub(crate) fn generated() -> Span {
    Span::mixed_site()
}

/// A made-up token placed on a user's token: rustc reports errors there, but treats the token
/// as macro output for lints (no `unused_qualifications` on `__o::Filter::and` in user code).
pub(crate) fn on(span: Span) -> Span {
    span.resolved_at(Span::mixed_site())
}
