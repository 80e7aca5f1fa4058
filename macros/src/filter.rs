//! Turning `filter = <expr>` into calls on `oxygram::__private::Filter`.
//!
//! The expression keeps Rust's operator syntax and precedence (`!` binds tighter than `&`,
//! which binds tighter than `|`), but the operators mean filter combinators, not booleans.
//! Every generated token carries the span of the user's token it came from, so rustc reports
//! an unknown name or a function with the wrong signature on that leaf.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{BinOp, Error, Expr, ExprCall, ExprLit, Lit, UnOp};

use crate::errors::Errors;
use crate::expand::{generated, on};

/// Single-name leaves that mean oxygram's built-in filters (`__private::filters::<name>`).
///
/// A user's own filter with one of these names must be written as a path (`self::text`).
pub(crate) const BUILTIN_FILTERS: &[&str] = &[
    "private",
    "group",
    "channel",
    "incoming",
    "outgoing",
    "me",
    "bot",
    "text",
    "caption",
    "reply",
    "forwarded",
    "media",
    "photo",
    "video",
    "document",
    "audio",
    "voice",
    "video_note",
    "sticker",
    "animation",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
    "mentioned",
    "via_bot",
    "service",
    "command",
];

const OPERATORS: &str = "filters combine with `&` (and), `|` (or), `!` (not) and parentheses";

/// The body of the generated `__filter()`, for a handler's `filter = <expr>`.
pub(crate) fn body(expr: &Expr, errors: &mut Errors) -> TokenStream {
    let filter = expand(expr, errors);
    if !has_bare_custom_leaf(expr) {
        return filter;
    }
    // A single name that is not a builtin is the user's own filter, or a misspelled builtin.
    // With the builtins glob-imported (an import that never shadows the user's filter, since
    // every builtin name is already rewritten), rustc's "cannot find value `privat`" gains
    // "a constant with a similar name exists: `private`".
    quote_spanned! {generated()=>
        #[allow(unused_imports)]
        use __o::filters::*;
        #filter
    }
}

/// Whether a leaf is a single name that is neither a builtin nor `user`/`chat`.
fn has_bare_custom_leaf(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(paren) => has_bare_custom_leaf(&paren.expr),
        Expr::Group(group) => has_bare_custom_leaf(&group.expr),
        Expr::Binary(binary) => {
            has_bare_custom_leaf(&binary.left) || has_bare_custom_leaf(&binary.right)
        }
        Expr::Unary(unary) => has_bare_custom_leaf(&unary.expr),
        Expr::Path(path) => {
            path.qself.is_none()
                && path
                    .path
                    .get_ident()
                    .is_some_and(|ident| !is_builtin(ident) && ident != "user" && ident != "chat")
        }
        _ => false,
    }
}

fn expand(expr: &Expr, errors: &mut Errors) -> TokenStream {
    match expr {
        Expr::Paren(paren) => expand(&paren.expr, errors),
        Expr::Group(group) => expand(&group.expr, errors),
        Expr::Binary(binary) => {
            let left = expand(&binary.left, errors);
            let right = expand(&binary.right, errors);
            match &binary.op {
                BinOp::BitAnd(op) => quote_spanned!(on(op.span)=> __o::Filter::and(#left, #right)),
                BinOp::BitOr(op) => quote_spanned!(on(op.span)=> __o::Filter::or(#left, #right)),
                BinOp::And(op) => {
                    errors.push(Error::new_spanned(
                        op,
                        "use `&` to combine filters, not `&&`: filters are not booleans; \
                         `a & b` matches when both match",
                    ));
                    TokenStream::new()
                }
                BinOp::Or(op) => {
                    errors.push(Error::new_spanned(
                        op,
                        "use `|` to combine filters, not `||`: filters are not booleans; \
                         `a | b` matches when either matches",
                    ));
                    TokenStream::new()
                }
                op => {
                    errors.push(Error::new_spanned(
                        op,
                        format!(
                            "unsupported operator `{}` in a filter: {OPERATORS}",
                            op.to_token_stream()
                        ),
                    ));
                    TokenStream::new()
                }
            }
        }
        Expr::Unary(unary) => match &unary.op {
            UnOp::Not(op) => {
                let inner = expand(&unary.expr, errors);
                quote_spanned!(on(op.span)=> __o::Filter::not(#inner))
            }
            op => {
                errors.push(Error::new_spanned(
                    op,
                    format!(
                        "unsupported operator `{}` in a filter: {OPERATORS}",
                        op.to_token_stream()
                    ),
                ));
                TokenStream::new()
            }
        },
        Expr::Path(path) => match path.path.get_ident() {
            Some(ident) if path.qself.is_none() && is_builtin(ident) => {
                let name = syn::Ident::new(&ident.to_string(), on(ident.span()));
                leaf(expr, quote_spanned!(on(ident.span())=> __o::filters::#name))
            }
            _ => leaf(expr, expr.to_token_stream()),
        },
        Expr::Call(call) => match builtin_call(call) {
            Some("user") => match user_filter(call) {
                Ok(tokens) => leaf(expr, tokens),
                Err(error) => {
                    errors.push(error);
                    TokenStream::new()
                }
            },
            Some(_) => match chat_filter(call) {
                Ok(tokens) => leaf(expr, tokens),
                Err(error) => {
                    errors.push(error);
                    TokenStream::new()
                }
            },
            None => leaf(expr, expr.to_token_stream()),
        },
        Expr::MethodCall(_) | Expr::Closure(_) | Expr::Macro(_) | Expr::Field(_) => {
            leaf(expr, expr.to_token_stream())
        }
        Expr::Reference(reference) => {
            errors.push(Error::new_spanned(
                reference.and_token,
                format!("unexpected `&` before a filter: {OPERATORS}"),
            ));
            TokenStream::new()
        }
        other => {
            errors.push(Error::new_spanned(
                other,
                "expected a filter: a built-in name (`private`), a path to your own filter \
                 function (`is_admin`, `crate::filters::is_admin`) or a call that returns one \
                 (`user(1234)`)",
            ));
            TokenStream::new()
        }
    }
}

fn is_builtin(ident: &syn::Ident) -> bool {
    BUILTIN_FILTERS.iter().any(|name| ident == name)
}

/// Every leaf goes through `IntoFilter`, which accepts built-ins and sync or async functions.
fn leaf(expr: &Expr, tokens: TokenStream) -> TokenStream {
    quote_spanned!(on(expr.span())=> __o::IntoFilter::into_filter(#tokens))
}

/// `Some("user")` / `Some("chat")` when the call is one of the built-in filters with arguments.
fn builtin_call(call: &ExprCall) -> Option<&'static str> {
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let ident = path.path.get_ident()?;
    ["user", "chat"]
        .into_iter()
        .find(|name| ident == name && path.qself.is_none())
}

fn ungroup(mut expr: &Expr) -> &Expr {
    while let Expr::Group(group) = expr {
        expr = &group.expr;
    }
    expr
}

/// An integer literal, possibly negated, as `(negative, literal)`.
fn int_literal(expr: &Expr) -> Option<(bool, &syn::LitInt)> {
    match ungroup(expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => Some((false, int)),
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => match ungroup(&unary.expr) {
            Expr::Lit(ExprLit {
                lit: Lit::Int(int), ..
            }) => Some((true, int)),
            _ => None,
        },
        _ => None,
    }
}

/// `user(1234, "alice")` → `__o::filters::user(&[__o::UserRef::Id(1234), __o::UserRef::Username("alice")])`.
fn user_filter(call: &ExprCall) -> syn::Result<TokenStream> {
    const USAGE: &str = "`user(..)` takes user ids (integer literals or `i64` constants) and \
                         usernames (string literals), as in `user(1234, \"alice\", ADMIN_ID)`; \
                         for values known only at runtime write your own filter function";
    if call.args.is_empty() {
        return Err(Error::new(call.paren_token.span.join(), USAGE));
    }
    let mut refs = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        if let Some((negative, int)) = int_literal(arg) {
            if negative || int.base10_parse::<i64>().map_or(true, |id| id <= 0) {
                return Err(Error::new_spanned(
                    arg,
                    "user ids are positive integers (negative ids are chats: use `chat(..)`)",
                ));
            }
            refs.push(quote_spanned!(on(int.span())=> __o::UserRef::Id(#int)));
            continue;
        }
        // A constant is an id; rustc checks that it is an `i64`, on the constant's name.
        if let Expr::Path(path) = ungroup(arg) {
            refs.push(quote_spanned!(on(path.span())=> __o::UserRef::Id(#path)));
            continue;
        }
        let Expr::Lit(ExprLit {
            lit: Lit::Str(username),
            ..
        }) = ungroup(arg)
        else {
            return Err(Error::new_spanned(arg, USAGE));
        };
        let value = username.value();
        let bare = value.strip_prefix('@').unwrap_or(&value);
        if bare.is_empty()
            || bare.len() > 32
            || !bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Error::new(
                username.span(),
                format!(
                    "`{value}` is not a Telegram username: up to 32 characters of a-z, A-Z, \
                     0-9 and _, with or without a leading @"
                ),
            ));
        }
        let bare = syn::LitStr::new(bare, username.span());
        refs.push(quote_spanned!(on(username.span())=> __o::UserRef::Username(#bare)));
    }
    let func = &call.func;
    Ok(quote_spanned!(on(func.span())=> __o::filters::user(&[#(#refs),*])))
}

/// `chat(-1001234, 42)` → `__o::filters::chat(&[-1001234, 42])`.
fn chat_filter(call: &ExprCall) -> syn::Result<TokenStream> {
    const USAGE: &str = "`chat(..)` takes chat ids (integer literals or `i64` constants), as in \
                         `chat(-1001234567890, NEWS_CHAT)`; for values known only at runtime \
                         write your own filter function";
    if call.args.is_empty() {
        return Err(Error::new(call.paren_token.span.join(), USAGE));
    }
    let mut ids = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        if let Expr::Path(path) = ungroup(arg) {
            // A constant; rustc checks that it is an `i64`, on the constant's name.
            ids.push(quote!(#path));
            continue;
        }
        let Some((negative, int)) = int_literal(arg) else {
            return Err(Error::new_spanned(arg, USAGE));
        };
        let valid = int
            .base10_parse::<i64>()
            .is_ok_and(|id| id != 0 && (!negative || id.checked_neg().is_some()));
        if !valid {
            return Err(Error::new_spanned(
                arg,
                "chat ids are non-zero i64 integers",
            ));
        }
        ids.push(if negative {
            quote_spanned!(on(arg.span())=> -#int)
        } else {
            quote!(#int)
        });
    }
    let func = &call.func;
    Ok(quote_spanned!(on(func.span())=> __o::filters::chat(&[#(#ids),*])))
}
