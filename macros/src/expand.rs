//! The expansion of `#[handler]`: the function unchanged, plus its registration.
//!
//! The registration is a `const _: () = { .. };` block holding three small functions
//! (`__call`, `__filter`, `__check`) and an `inventory::submit!` of a `HandlerSpec` pointing
//! at them: what a person would write by hand to register a handler without the macro.
//! Generated code only names `::oxygram::__private`, so users need no other dependency.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Error, ItemFn, LitStr};

use crate::errors::Errors;
use crate::options::{self, HandlerOptions, Trigger};
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
        Some(expr) => filter::expand(expr, &mut errors),
        None => quote!(__o::Filter::always()),
    };
    if let Some(compile_errors) = errors.into_compile_errors() {
        // The function stays, so IDEs and the rest of the crate keep working while the user
        // fixes the attribute.
        return quote!(#item #compile_errors);
    }
    let options = options.expect("options without errors are present");
    let registration = registration(&func, &handler_fn, &options, filter);
    quote! {
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
    // `#[cfg]` on the function must also remove its registration.
    let cfgs = func.attrs.iter().filter(|attr| attr.path().is_ident("cfg"));

    let args: Vec<_> = (0..handler_fn.arg_types.len())
        .map(|i| format_ident!("__arg{i}"))
        .collect();
    // Without arguments nothing reads the context; an underscore keeps that warning-free.
    let (cx, startup) = if args.is_empty() {
        (quote!(_cx), quote!(_startup))
    } else {
        (quote!(cx), quote!(startup))
    };
    // Spanned on each argument's type: a type that is not an extractor is reported there,
    // with `FromUpdate`'s `#[diagnostic::on_unimplemented]` message.
    let extractions = args.iter().zip(&handler_fn.arg_types).map(|(arg, ty)| {
        quote_spanned! {ty.span()=>
            let #arg = match <#ty as __o::FromUpdate>::from_update(&cx).await {
                ::std::result::Result::Ok(value) => value,
                ::std::result::Result::Err(rejection) => return __o::Outcome::rejected(rejection),
            };
        }
    });
    let checks = handler_fn
        .arg_types
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> <#ty as __o::FromUpdate>::check(startup)?;));
    // Spanned on the return type: one `IntoOutcome` cannot accept is reported there.
    let outcome = quote_spanned! {handler_fn.return_span=>
        __o::IntoOutcome::into_outcome(#fn_ident(#(#args),*).await)
    };

    let name = match &options.name {
        Some(name) => name.clone(),
        None => LitStr::new(&fn_ident.unraw().to_string(), fn_ident.span()),
    };
    let plugin = optional_str(options.plugin.as_ref());
    let description = optional_str(options.description.as_ref());
    let kind = format_ident!("{}", options.kind.variant());
    let trigger = match &options.trigger {
        None => quote!(__o::Trigger::None),
        Some(Trigger::Commands(names)) => quote!(__o::Trigger::Commands(&[#(#names),*])),
        Some(Trigger::Regex(regex)) => quote!(__o::Trigger::Regex(#regex)),
        Some(Trigger::Callback(pattern)) => quote!(__o::Trigger::Callback(#pattern)),
        Some(Trigger::Inline(regex)) => quote!(__o::Trigger::Inline(#regex)),
    };
    let group = options.group;
    let outgoing = options.outgoing;
    // `file!()`/`line!()` spanned on the name point at the function, not at the attribute.
    let file = quote_spanned!(fn_ident.span()=> ::std::file!());
    let line = quote_spanned!(fn_ident.span()=> ::std::line!());

    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        const _: () = {
            use ::oxygram::__private as __o;

            fn __call(#cx: __o::UpdateContext) -> __o::BoxFuture<'static, __o::Outcome> {
                ::std::boxed::Box::pin(async move {
                    #(#extractions)*
                    #outcome
                })
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

            __o::inventory::submit! {
                __o::HandlerSpec {
                    name: #name,
                    module_path: ::std::module_path!(),
                    plugin: #plugin,
                    kind: __o::Kind::#kind,
                    trigger: #trigger,
                    filter: __filter,
                    group: #group,
                    description: #description,
                    outgoing: #outgoing,
                    file: #file,
                    line: #line,
                    check: __check,
                    call: __call,
                }
            }
        };
    }
}

fn optional_str(value: Option<&LitStr>) -> TokenStream {
    match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    }
}
