//! Reading `#[handler(...)]`'s options.
//!
//! Two passes: a syntactic one reads the comma-separated `name` / `name = <expr>` items (a
//! syntax error stops there, as it would in rustc), then a semantic one checks each option and
//! keeps going after an error, so one compile shows every mistake in the attribute.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Error, Expr, ExprLit, Ident, Lit, LitStr, Token, UnOp, parenthesized, token};

use crate::errors::Errors;
use crate::suggest;
use crate::validate;

/// Every option `#[handler]` understands, in the order the docs list them.
pub(crate) const OPTION_NAMES: &[&str] = &[
    "message",
    "edited",
    "deleted",
    "callback_query",
    "inline_query",
    "chosen_inline",
    "raw",
    "service",
    "chat_member",
    "join_request",
    "bot_stopped",
    "command",
    "commands",
    "regex",
    "callback",
    "inline",
    "filter",
    "group",
    "description",
    "plugin",
    "name",
    "outgoing",
    "crate",
];

/// Which updates a handler receives (`HandlerSpec::kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Message,
    Edited,
    Deleted,
    CallbackQuery,
    InlineQuery,
    ChosenInline,
    Raw,
    Service,
    ChatMember,
    JoinRequest,
    BotStopped,
}

impl Kind {
    const ALL: [Kind; 11] = [
        Kind::Message,
        Kind::Edited,
        Kind::Deleted,
        Kind::CallbackQuery,
        Kind::InlineQuery,
        Kind::ChosenInline,
        Kind::Raw,
        Kind::Service,
        Kind::ChatMember,
        Kind::JoinRequest,
        Kind::BotStopped,
    ];

    /// The option that selects this kind.
    pub(crate) fn option(self) -> &'static str {
        match self {
            Kind::Message => "message",
            Kind::Edited => "edited",
            Kind::Deleted => "deleted",
            Kind::CallbackQuery => "callback_query",
            Kind::InlineQuery => "inline_query",
            Kind::ChosenInline => "chosen_inline",
            Kind::Raw => "raw",
            Kind::Service => "service",
            Kind::ChatMember => "chat_member",
            Kind::JoinRequest => "join_request",
            Kind::BotStopped => "bot_stopped",
        }
    }

    /// The `oxygram::__private::Kind` variant.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Kind::Message => "NewMessage",
            Kind::Edited => "EditedMessage",
            Kind::Deleted => "DeletedMessages",
            Kind::CallbackQuery => "CallbackQuery",
            Kind::InlineQuery => "InlineQuery",
            Kind::ChosenInline => "ChosenInlineResult",
            Kind::Raw => "Raw",
            Kind::Service => "Service",
            Kind::ChatMember => "ChatMember",
            Kind::JoinRequest => "JoinRequest",
            Kind::BotStopped => "BotStopped",
        }
    }

    fn from_option(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.option() == name)
    }

    /// Whether the account's own outgoing updates of this kind exist at all.
    fn has_outgoing(self) -> bool {
        matches!(
            self,
            Kind::Message | Kind::Edited | Kind::Deleted | Kind::Raw | Kind::Service
        )
    }
}

/// A handler's group: an integer literal, or a path to an `i32` constant.
#[derive(Debug, Clone)]
pub(crate) enum Group {
    Literal(i32),
    /// Type-checked by rustc where the spec is built, with the path's span.
    Const(syn::ExprPath),
}

/// What selects updates within a kind (`HandlerSpec::trigger`).
#[derive(Debug, Clone)]
pub(crate) enum Trigger {
    /// Validated command names, from `command` or `commands`.
    Commands(Vec<String>),
    Regex(LitStr),
    Callback(LitStr),
    Inline(LitStr),
    /// A validated service action name, from `service = ".."`.
    Service(LitStr),
}

impl Trigger {
    /// The kind a trigger implies.
    fn kind(&self) -> Kind {
        match self {
            Trigger::Commands(_) | Trigger::Regex(_) => Kind::Message,
            Trigger::Callback(_) => Kind::CallbackQuery,
            Trigger::Inline(_) => Kind::InlineQuery,
            Trigger::Service(_) => Kind::Service,
        }
    }
}

/// The validated options of one `#[handler]`.
#[derive(Debug)]
pub(crate) struct HandlerOptions {
    pub(crate) kind: Kind,
    pub(crate) trigger: Option<Trigger>,
    pub(crate) filter: Option<Expr>,
    pub(crate) group: Group,
    pub(crate) description: Option<LitStr>,
    pub(crate) plugin: Option<LitStr>,
    pub(crate) name: Option<LitStr>,
    pub(crate) outgoing: bool,
    /// The path to the `oxygram` crate (`crate = "my_oxygram"`), for a renamed dependency.
    pub(crate) krate: Option<syn::Path>,
}

/// One `name`, `name = <expr>` or `name(..)` item, before any checking.
struct RawOption {
    name: Ident,
    value: RawValue,
}

enum RawValue {
    Flag,
    Assign(Token![=], Expr),
    Parens(token::Paren),
}

impl Parse for RawOption {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if !input.peek(Ident::peek_any) {
            return Err(input.error(
                "expected a #[handler] option, such as `message` or `command = \"start\"`",
            ));
        }
        // `parse_any` so that a keyword (`type`, `in`) is reported as an unknown option.
        let name = Ident::parse_any(input)?;
        if input.peek(Token![::]) {
            return Err(Error::new(
                name.span(),
                "expected a #[handler] option name, found a path",
            ));
        }
        let value = if input.peek(Token![=]) {
            RawValue::Assign(input.parse()?, input.parse()?)
        } else if input.peek(token::Paren) {
            let content;
            let parens = parenthesized!(content in input);
            // Read (and drop) the contents: the option is reported as misused later.
            content.parse::<TokenStream>()?;
            RawValue::Parens(parens)
        } else {
            RawValue::Flag
        };
        Ok(RawOption { name, value })
    }
}

/// Reads and checks the attribute's options; `None` when they are too broken to use.
pub(crate) fn parse(attr: TokenStream, errors: &mut Errors) -> Option<HandlerOptions> {
    let raw = Punctuated::<RawOption, Token![,]>::parse_terminated.parse2(attr);
    let raw = errors.ok(raw)?;
    let mut builder = Builder::default();
    for option in raw {
        let result = builder.apply(option);
        builder.failed |= errors.ok(result).is_none();
    }
    builder.finish(errors)
}

#[derive(Default)]
struct Builder {
    /// Whether an option was refused; a missing kind is then likely that option's fault.
    failed: bool,
    seen: HashMap<String, Ident>,
    kind: Option<(Kind, Ident)>,
    trigger: Option<(Trigger, Ident)>,
    filter: Option<Expr>,
    group: Option<Group>,
    description: Option<LitStr>,
    plugin: Option<LitStr>,
    name: Option<LitStr>,
    outgoing: Option<Ident>,
    krate: Option<syn::Path>,
}

impl Builder {
    fn apply(&mut self, option: RawOption) -> syn::Result<()> {
        let ident = &option.name;
        let key = ident.unraw().to_string();
        if !OPTION_NAMES.contains(&key.as_str()) {
            return Err(unknown_option(ident, &key));
        }
        if self.seen.contains_key(&key) {
            let hint = if key == "command" {
                "; to match several commands write `commands = [\"a\", \"b\"]`"
            } else {
                ""
            };
            return Err(Error::new(
                ident.span(),
                format!("duplicate option `{key}`{hint}"),
            ));
        }
        self.seen.insert(key.clone(), ident.clone());

        if key == "service" && matches!(option.value, RawValue::Assign(..)) {
            let lit = expect_str(&option, &key, "service = \"new_chat_members\"")?;
            validate::service_action(&lit)?;
            return self.set_trigger(Trigger::Service(lit), ident);
        }
        if let Some(kind) = Kind::from_option(&key) {
            expect_flag(&option, &key)?;
            return self.set_kind(kind, ident);
        }
        match key.as_str() {
            "command" => {
                let lit = expect_str(&option, &key, "command = \"start\"")?;
                let name = validate::command_name(&lit)?;
                self.set_trigger(Trigger::Commands(vec![name]), ident)
            }
            "commands" => {
                let names = expect_commands(&option)?;
                self.set_trigger(Trigger::Commands(names), ident)
            }
            "regex" => {
                let lit = expect_str(&option, &key, r#"regex = "^hi (\\w+)$""#)?;
                validate::regex(&key, &lit)?;
                self.set_trigger(Trigger::Regex(lit), ident)
            }
            "callback" => {
                let lit = expect_str(&option, &key, "callback = \"vote:*\"")?;
                validate::callback_pattern(&lit)?;
                self.set_trigger(Trigger::Callback(lit), ident)
            }
            "inline" => {
                let lit = expect_str(&option, &key, "inline = \"^gif \"")?;
                validate::regex(&key, &lit)?;
                self.set_trigger(Trigger::Inline(lit), ident)
            }
            "filter" => {
                self.filter = Some(expect_value(&option, &key, "filter = private & !me")?.clone());
                Ok(())
            }
            "group" => {
                self.group = Some(expect_group(&option)?);
                Ok(())
            }
            "description" => {
                self.description = Some(expect_str(&option, &key, "description = \"Say hello\"")?);
                Ok(())
            }
            "plugin" | "name" => {
                let lit = expect_str(&option, &key, &format!("{key} = \"admin\""))?;
                validate::plugin_or_handler_name(&key, &lit)?;
                if key == "plugin" {
                    self.plugin = Some(lit);
                } else {
                    self.name = Some(lit);
                }
                Ok(())
            }
            "outgoing" => {
                expect_flag(&option, &key)?;
                self.outgoing = Some(ident.clone());
                Ok(())
            }
            "crate" => {
                let lit = expect_str(&option, &key, "crate = \"my_oxygram\"")?;
                let path = lit.parse::<syn::Path>().map_err(|_| {
                    Error::new(
                        lit.span(),
                        format!(
                            "`crate = {:?}` is not a path: name the oxygram crate as your \
                             Cargo.toml renamed it, e.g. `crate = \"my_oxygram\"` or \
                             `crate = \"::my_oxygram\"`",
                            lit.value()
                        ),
                    )
                })?;
                self.krate = Some(path);
                Ok(())
            }
            _ => unreachable!("every name in OPTION_NAMES is handled above"),
        }
    }

    fn set_kind(&mut self, kind: Kind, ident: &Ident) -> syn::Result<()> {
        if let Some((previous, _)) = &self.kind {
            return Err(Error::new(
                ident.span(),
                format!(
                    "`{}` conflicts with `{}`: a handler receives one kind of update; write \
                     one handler per kind",
                    kind.option(),
                    previous.option()
                ),
            ));
        }
        if let Some((trigger, trigger_ident)) = &self.trigger
            && trigger.kind() != kind
        {
            return Err(kind_conflict(trigger, trigger_ident, kind, ident));
        }
        self.kind = Some((kind, ident.clone()));
        Ok(())
    }

    fn set_trigger(&mut self, trigger: Trigger, ident: &Ident) -> syn::Result<()> {
        if let Some((_, previous)) = &self.trigger {
            let both_commands = matches!(trigger, Trigger::Commands(_))
                && matches!(self.trigger, Some((Trigger::Commands(_), _)));
            let hint = if both_commands {
                "; list every command in `commands = [\"a\", \"b\"]`"
            } else {
                "; write one handler per trigger"
            };
            return Err(Error::new(
                ident.span(),
                format!(
                    "`{}` conflicts with `{}`: a handler has one trigger{hint}",
                    ident.unraw(),
                    previous.unraw()
                ),
            ));
        }
        if let Some((kind, _)) = &self.kind
            && trigger.kind() != *kind
        {
            return Err(kind_conflict(&trigger, ident, *kind, ident));
        }
        self.trigger = Some((trigger, ident.clone()));
        Ok(())
    }

    fn finish(self, errors: &mut Errors) -> Option<HandlerOptions> {
        let kind = match (&self.trigger, &self.kind) {
            (Some((trigger, _)), _) => trigger.kind(),
            (None, Some((kind, _))) => *kind,
            // The refused option was probably meant to set it; its error is already recorded,
            // so nothing is generated, but the filter still gets checked.
            (None, None) if self.failed => Kind::Message,
            (None, None) => {
                errors.push(Error::new(
                    Span::call_site(),
                    "#[handler] needs to know which updates to handle: add a kind (`message`, \
                     `edited`, `deleted`, `callback_query`, `inline_query`, `chosen_inline`, \
                     `service`, `chat_member`, `join_request`, `bot_stopped`, `raw`) or a \
                     trigger (`command = \"start\"`, `commands = [..]`, `regex = \"..\"`, \
                     `callback = \"..\"`, `inline = \"..\"`, `service = \"..\"`)",
                ));
                return None;
            }
        };
        if let Some(ident) = &self.outgoing
            && !kind.has_outgoing()
        {
            errors.push(Error::new(
                ident.span(),
                format!(
                    "`outgoing` does not apply to `{}`: those updates never come from the \
                     account itself",
                    kind.option()
                ),
            ));
        }
        let is_command = matches!(self.trigger, Some((Trigger::Commands(_), _)));
        if let Some(description) = &self.description {
            errors.ok(validate::description(description, is_command));
        }
        Some(HandlerOptions {
            kind,
            trigger: self.trigger.map(|(trigger, _)| trigger),
            filter: self.filter,
            group: self.group.unwrap_or(Group::Literal(0)),
            description: self.description,
            plugin: self.plugin,
            name: self.name,
            outgoing: self.outgoing.is_some(),
            krate: self.krate,
        })
    }
}

fn unknown_option(ident: &Ident, key: &str) -> Error {
    if crate::filter::BUILTIN_FILTERS.contains(&key) {
        return Error::new(
            ident.span(),
            format!("`{key}` is a filter, not an option: write `filter = {key}`"),
        );
    }
    let message = match suggest::closest(key, OPTION_NAMES) {
        Some(option) => format!("unknown #[handler] option `{key}`; did you mean `{option}`?"),
        None => format!(
            "unknown #[handler] option `{key}`; expected one of: {}",
            OPTION_NAMES.join(", ")
        ),
    };
    Error::new(ident.span(), message)
}

/// A kind and a trigger that imply different kinds, reported on whichever came `later`.
fn kind_conflict(trigger: &Trigger, trigger_ident: &Ident, kind: Kind, later: &Ident) -> Error {
    let what = match trigger.kind() {
        Kind::Message => "new messages (`message`)",
        Kind::CallbackQuery => "callback queries (`callback_query`)",
        Kind::Service => "service messages (`service`)",
        _ => "inline queries (`inline_query`)",
    };
    let earlier = if later == trigger_ident {
        kind.option().to_owned()
    } else {
        trigger_ident.unraw().to_string()
    };
    Error::new(
        later.span(),
        format!(
            "`{}` conflicts with `{earlier}`: `{}` matches {what} only",
            later.unraw(),
            trigger_ident.unraw(),
        ),
    )
}

fn expect_flag(option: &RawOption, key: &str) -> syn::Result<()> {
    match &option.value {
        RawValue::Flag => Ok(()),
        RawValue::Assign(eq, _) => Err(Error::new(
            eq.span,
            format!("`{key}` takes no value: write just `{key}`"),
        )),
        RawValue::Parens(parens) => Err(Error::new(
            parens.span.join(),
            format!("`{key}` takes no arguments: write just `{key}`"),
        )),
    }
}

fn expect_value<'a>(option: &'a RawOption, key: &str, example: &str) -> syn::Result<&'a Expr> {
    match &option.value {
        RawValue::Assign(_, expr) => Ok(expr),
        RawValue::Flag => Err(Error::new(
            option.name.span(),
            format!("`{key}` needs a value, as in `{example}`"),
        )),
        RawValue::Parens(parens) => Err(Error::new(
            parens.span.join(),
            format!("write `{example}`, with `=` and without parentheses"),
        )),
    }
}

/// Strips the invisible groups a `macro_rules!` fragment (`$x:expr`) leaves around a value.
fn ungroup(mut expr: &Expr) -> &Expr {
    while let Expr::Group(group) = expr {
        expr = &group.expr;
    }
    expr
}

fn expect_str(option: &RawOption, key: &str, example: &str) -> syn::Result<LitStr> {
    match ungroup(expect_value(option, key, example)?) {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit.clone()),
        other => Err(Error::new_spanned(
            other,
            format!("`{key}` expects a string literal, as in `{example}`"),
        )),
    }
}

fn expect_commands(option: &RawOption) -> syn::Result<Vec<String>> {
    const EXAMPLE: &str = r#"commands = ["start", "help"]"#;
    let Expr::Array(array) = ungroup(expect_value(option, "commands", EXAMPLE)?) else {
        let value = expect_value(option, "commands", EXAMPLE)?;
        return Err(Error::new_spanned(
            value,
            format!("`commands` expects a list of string literals, as in `{EXAMPLE}`"),
        ));
    };
    if array.elems.is_empty() {
        return Err(Error::new(
            array.bracket_token.span.join(),
            "`commands` is empty: list at least one command",
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(array.elems.len());
    for elem in &array.elems {
        let Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) = ungroup(elem)
        else {
            return Err(Error::new_spanned(
                elem,
                format!("`commands` expects string literals, as in `{EXAMPLE}`"),
            ));
        };
        let name = validate::command_name(lit)?;
        if names.contains(&name) {
            return Err(Error::new(
                lit.span(),
                format!("command `{name}` is listed twice"),
            ));
        }
        names.push(name);
    }
    Ok(names)
}

fn expect_group(option: &RawOption) -> syn::Result<Group> {
    let value = ungroup(expect_value(option, "group", "group = 1")?);
    let (negative, lit) = match value {
        Expr::Path(path) if path.qself.is_none() => return Ok(Group::Const(path.clone())),
        Expr::Lit(ExprLit { lit, .. }) => (false, lit),
        Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => match ungroup(&unary.expr) {
            Expr::Lit(ExprLit { lit, .. }) => (true, lit),
            _ => return Err(group_error(value)),
        },
        _ => return Err(group_error(value)),
    };
    match lit {
        Lit::Int(int) => {
            let digits = if negative {
                format!("-{}", int.base10_digits())
            } else {
                int.base10_digits().to_owned()
            };
            digits.parse::<i32>().map(Group::Literal).map_err(|_| {
                Error::new_spanned(
                    value,
                    "`group` must fit in an i32 (groups are ordered i32s)",
                )
            })
        }
        Lit::Str(text) if text.value().trim().parse::<i32>().is_ok() => Err(Error::new(
            text.span(),
            format!(
                "`group` is an integer, not a string: write `group = {}`",
                text.value().trim()
            ),
        )),
        _ => Err(group_error(value)),
    }
}

fn group_error(value: &Expr) -> Error {
    Error::new_spanned(
        value,
        "`group` must be an integer, as in `group = 1` or `group = -1`, or the name of an `i32` \
         constant; groups run in ascending order",
    )
}
