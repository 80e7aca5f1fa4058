//! Checking the annotated function: what `#[handler]` can call from the dispatcher.
//!
//! The dispatcher calls a handler with no receiver and no type parameters, extracting every
//! argument by its type, so the signature must name one concrete type per argument.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Error, FnArg, Ident, ItemFn, ReturnType, Type};

use crate::errors::Errors;

/// What the expansion needs to know about the handler function.
pub(crate) struct HandlerFn<'a> {
    /// The function's name, as called from the generated code.
    pub(crate) ident: &'a Ident,
    /// The type of each argument, in order; each is extracted with `FromUpdate`.
    pub(crate) arg_types: Vec<&'a Type>,
    /// Where return-type errors are reported: the return type, or the name without one.
    pub(crate) return_span: Span,
    /// The written return type, if any.
    pub(crate) return_type: Option<&'a Type>,
    /// The names an `Args((a, b)): Args<..>` argument destructures into, for the usage
    /// reply (`Usage: /roll <n> <sides>`).
    pub(crate) usage_names: Option<Vec<String>>,
}

/// Checks the function's signature, recording every problem in `errors`.
pub(crate) fn analyze<'a>(func: &'a ItemFn, errors: &mut Errors) -> HandlerFn<'a> {
    let sig = &func.sig;
    if let Some(constness) = &sig.constness {
        errors.push(Error::new(
            constness.span,
            "a #[handler] cannot be a `const fn`",
        ));
    }
    if sig.asyncness.is_none() {
        errors.push(Error::new(
            sig.fn_token.span,
            "a #[handler] must be an `async fn`: write `async fn` (handlers await the \
             network, and the dispatcher runs them as tasks)",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(Error::new(
            unsafety.span,
            "a #[handler] cannot be `unsafe`: the dispatcher has no safety contract to uphold",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(Error::new_spanned(
            abi,
            "a #[handler] cannot have an `extern` ABI",
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(Error::new_spanned(
            &sig.generics,
            "a #[handler] cannot be generic: the dispatcher extracts each argument by its \
             concrete type",
        ));
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.push(Error::new_spanned(
            where_clause,
            "a #[handler] cannot have a `where` clause: the dispatcher extracts each argument \
             by its concrete type",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(Error::new_spanned(
            variadic,
            "a #[handler] cannot be variadic",
        ));
    }

    let mut arg_types = Vec::with_capacity(sig.inputs.len());
    let mut usage_names = None;
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.push(Error::new_spanned(
                receiver,
                "a #[handler] cannot take `self`: it is registered as a free function; move \
                 it out of the `impl` block and take what it needs as extractor arguments",
            )),
            FnArg::Typed(typed) => {
                check_arg_type(&typed.ty, errors);
                if usage_names.is_none() {
                    usage_names = args_names(&typed.pat, &typed.ty);
                }
                arg_types.push(&*typed.ty);
            }
        }
    }

    let (return_span, return_type) = match &sig.output {
        ReturnType::Default => (sig.ident.span(), None),
        ReturnType::Type(_, ty) => (ty.span(), Some(&**ty)),
    };
    HandlerFn {
        ident: &sig.ident,
        arg_types,
        return_span,
        return_type,
        usage_names,
    }
}

/// `Args((n, sides)): Args<..>` → `["n", "sides"]`; `Args(n): Args<u8>` → `["n"]`; anything
/// else (a plain `args: Args<..>`, `_` parts) → `None`, and the usage reply names the types.
fn args_names(pat: &syn::Pat, ty: &Type) -> Option<Vec<String>> {
    let Type::Path(path) = ty else { return None };
    if path.path.segments.last()?.ident != "Args" {
        return None;
    }
    let syn::Pat::TupleStruct(tuple_struct) = pat else {
        return None;
    };
    let inner = tuple_struct.elems.first()?;
    let idents: Vec<&syn::Pat> = match inner {
        syn::Pat::Tuple(tuple) => tuple.elems.iter().collect(),
        single => vec![single],
    };
    idents
        .into_iter()
        .map(|pat| match pat {
            syn::Pat::Ident(ident) => {
                Some(ident.ident.to_string().trim_start_matches("r#").to_owned())
            }
            _ => None,
        })
        .collect()
}

/// Catches argument types that can never be extractors, with a more precise message than the
/// `FromUpdate` bound error rustc would give.
fn check_arg_type(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::Reference(reference) => errors.push(Error::new_spanned(
            reference,
            "#[handler] arguments are extracted by value: remove the `&` (extractors such as \
             `Message` are cheap to clone)",
        )),
        Type::ImplTrait(impl_trait) => errors.push(Error::new(
            impl_trait.impl_token.span,
            "#[handler] arguments need a concrete type: `impl Trait` makes the handler \
             generic, and the dispatcher extracts each argument by its type",
        )),
        Type::Path(path)
            if path.qself.is_none()
                && path.path.segments.len() == 1
                && path.path.segments[0].ident == "String" =>
        {
            errors.push(Error::new_spanned(
                path,
                "a `String` argument is ambiguous: take `Text` for the message text, \
                 `CommandArgs` for the command's raw arguments, or `Args<String>` for one \
                 parsed argument",
            ));
        }
        Type::Paren(paren) => check_arg_type(&paren.elem, errors),
        Type::Group(group) => check_arg_type(&group.elem, errors),
        _ => {}
    }
}
