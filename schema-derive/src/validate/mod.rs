//! Cross-attribute checks, and the checked model (`ir`) they produce.
//!
//! Every check pushes onto one `darling::Error` accumulator and carries on, so a
//! user sees every mistake of a derive in one compiler run. Each error points at
//! the token to change and says what to write instead. The model is built on a
//! best-effort basis even when errors are found: the stub impl emitted beside the
//! errors uses its names and key type.
//!
//! - `table`: `#[derive(Table)]`: shape, names, the primary key, table-level constraints
//! - `column`: one `#[column(...)]` field, and index options
//! - `partition`: `#[table(partition(...))]`, and the unique keys a partitioned table may have
//! - `features`: `#[table(trigger(...), full_text(...), isolate(...))]`
//! - `pg_enum`: `#[derive(PgEnum)]`
//! - `domain`: `#[derive(Domain)]`

mod column;
mod domain;
mod features;
mod partition;
mod pg_enum;
mod table;
#[cfg(test)]
mod tests;

pub use domain::domain;
pub use pg_enum::pg_enum;
pub use table::table;

use proc_macro2::Span;

use crate::attr::value::Str;

/// PostgreSQL's identifier limit (NAMEDATALEN - 1); longer names are truncated.
const MAX_NAME_BYTES: usize = 63;

/// Errors found, in the order found.
struct Errors(darling::error::Accumulator);

impl Errors {
    fn new() -> Self {
        Errors(darling::Error::accumulator())
    }

    fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, message).into());
    }

    fn push(&mut self, error: darling::Error) {
        self.0.push(error);
    }

    /// The accumulated errors, or `None` when the input is fine.
    fn finish(self) -> Option<darling::Error> {
        self.0.finish().err()
    }
}

/// The SQL name, schema and comment of what a derive declares: `name = "..."` or
/// the Rust ident in snake_case, `schema = "..."` or `public`, `comment = "..."`
/// (empty: none) or the doc comment. `kind` names it in errors (`table`, `type`);
/// `attribute` is where to rename it (`#[table(name = "...")]`).
fn sql_identity(
    errors: &mut Errors,
    input: &syn::DeriveInput,
    kind: &str,
    attribute: &str,
    name: Option<&Str>,
    schema: Option<&Str>,
    comment: Option<&Str>,
) -> (String, String, Option<String>) {
    use syn::ext::IdentExt;
    let name = match name {
        Some(n) => {
            check_name(errors, kind, &n.value, n.span, "");
            n.value.clone()
        }
        None => {
            let ident = &input.ident;
            let n = crate::case::snake_case(&ident.unraw().to_string());
            check_name(errors, kind, &n, ident.span(), &format!("; name the {kind} with `#[{attribute}(name = \"...\")]`"));
            n
        }
    };
    let schema = match schema {
        Some(s) => {
            check_name(errors, "schema", &s.value, s.span, "");
            s.value.clone()
        }
        None => "public".to_owned(),
    };
    let comment = match comment {
        Some(c) if c.value.is_empty() => None,
        Some(c) => Some(c.value.clone()),
        None => crate::attr::doc_comment(&input.attrs),
    };
    (name, schema, comment)
}

/// Reports an empty or over-long SQL name.
fn check_name(errors: &mut Errors, kind: &str, name: &str, span: Span, rename_hint: &str) {
    if name.is_empty() {
        errors.at(span, format!("the {kind} name is empty"));
    } else if name.len() > MAX_NAME_BYTES {
        errors.at(
            span,
            format!(
                "the {kind} name `{name}` is {} bytes long, but PostgreSQL names are at most {MAX_NAME_BYTES} bytes \
                 (longer ones are silently truncated){rename_hint}",
                name.len()
            ),
        );
    } else if name.contains('\0') {
        errors.at(span, format!("the {kind} name contains a NUL character"));
    }
}

/// A SQL expression option's text, reporting it when blank.
fn non_empty(errors: &mut Errors, s: &Str, what: &str, example: &str) -> String {
    if s.value.trim().is_empty() {
        errors.at(s.span, format!("`{what}` is empty; write a SQL expression, e.g. `{what} = \"{example}\"`"));
    }
    s.value.clone()
}

/// An optional constraint or index name, checked.
fn named(errors: &mut Errors, s: &Option<Str>, kind: &str) -> Option<String> {
    s.as_ref().map(|s| {
        check_name(errors, kind, &s.value, s.span, "");
        s.value.clone()
    })
}

/// `allow(rule = "...", reason = "...")` options: both must say something.
fn allows(errors: &mut Errors, list: &[crate::attr::value::List<crate::attr::AllowAttr>]) -> Vec<(String, String)> {
    list.iter()
        .map(|a| {
            let a = &a.value;
            if a.rule.value.trim().is_empty() {
                errors
                    .at(a.rule.span, "`rule` is empty; name the lint rule to allow, e.g. `rule = \"foreign-key-without-index\"`");
            }
            if a.reason.value.trim().is_empty() {
                errors.at(a.reason.span, "`reason` is empty; say why the rule does not apply here");
            }
            (a.rule.value.clone(), a.reason.value.clone())
        })
        .collect()
}

/// `Option<...>` as written (the derive cannot resolve type aliases).
fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            let last_is_option = p
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "Option" && matches!(s.arguments, syn::PathArguments::AngleBracketed(_)));
            let prefix: Vec<String> = p.path.segments.iter().rev().skip(1).map(|s| s.ident.to_string()).collect();
            let prefix: Vec<&str> = prefix.iter().rev().map(String::as_str).collect();
            last_is_option && matches!(prefix.as_slice(), [] | ["option"] | ["std" | "core", "option"])
        }
        syn::Type::Group(g) => is_option(&g.elem),
        syn::Type::Paren(p) => is_option(&p.elem),
        _ => false,
    }
}

fn unsupported_generics(errors: &mut Errors, generics: &syn::Generics, derive: &str, what: &str) {
    for param in &generics.params {
        match param {
            syn::GenericParam::Lifetime(_) => {}
            syn::GenericParam::Type(t) => errors.at(
                t.ident.span(),
                format!(
                    "`#[derive({derive})]` does not support generic {what}s: a PostgreSQL {} has one fixed definition; \
                     remove the type parameter `{}` (lifetime parameters are fine)",
                    if derive == "Table" { "table" } else { "type" },
                    t.ident
                ),
            ),
            syn::GenericParam::Const(c) => errors.at(
                c.ident.span(),
                format!("`#[derive({derive})]` does not support const generic {what}s; remove the parameter `{}`", c.ident),
            ),
        }
    }
}

/// The options of every `#[name(...)]` attribute that still parse, for guessing
/// what a derive with errors meant.
fn salvage(attrs: &[syn::Attribute], name: &str) -> Vec<syn::Meta> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident(name))
        .filter_map(|a| a.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated).ok())
        .flatten()
        .collect()
}
