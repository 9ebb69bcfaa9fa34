//! `#[derive(Domain)]`: a one-field tuple struct becomes `CREATE DOMAIN`.

use darling::FromDeriveInput;
use syn::spanned::Spanned;

use super::{is_option, named, non_empty, sql_identity, unsupported_generics, Errors};
use crate::attr::{parse_lenient, DomainAttrs};
use crate::ir;
use crate::sql_type;

/// Checks a `#[derive(Domain)]` input and builds its model.
pub fn domain(input: &syn::DeriveInput) -> (ir::Domain, Option<darling::Error>) {
    let mut errors = Errors::new();
    let ident = &input.ident;
    const SHAPE: &str = "a domain is a newtype over the type it constrains: write `struct EmailAddress(String);`";
    let inner = match &input.data {
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => Some(u.unnamed[0].ty.clone()),
            syn::Fields::Unnamed(u) => {
                errors.at(
                    u.span(),
                    format!("`#[derive(Domain)]` needs exactly one field, but `{ident}` has {}; {SHAPE}", u.unnamed.len()),
                );
                None
            }
            syn::Fields::Named(_) => {
                errors.at(ident.span(), format!("`#[derive(Domain)]` needs a tuple struct with one field; {SHAPE}"));
                None
            }
            syn::Fields::Unit => {
                errors.at(
                    ident.span(),
                    format!("`#[derive(Domain)]` needs the type it constrains, but a unit struct has none; {SHAPE}"),
                );
                None
            }
        },
        syn::Data::Enum(e) => {
            errors.at(
                e.enum_token.span,
                format!("`#[derive(Domain)]` needs a struct; {SHAPE} (for an enum type, use `#[derive(PgEnum)]`)"),
            );
            None
        }
        syn::Data::Union(u) => {
            errors.at(u.union_token.span, format!("`#[derive(Domain)]` cannot be used on a union; {SHAPE}"));
            None
        }
    };
    if let Some(ty) = &inner {
        if is_option(ty) {
            errors.at(
                ty.span(),
                format!(
                    "a domain's value cannot be an `Option`: a column allows NULL when its field is `Option<{ident}>`, \
                     and `#[domain(not_null)]` makes the domain refuse NULL everywhere; remove the `Option`"
                ),
            );
        }
    }
    unsupported_generics(&mut errors, &input.generics, "Domain", "struct");

    let parsed = parse_lenient(&input.attrs, "domain", |attrs| {
        let mut input = input.clone();
        input.attrs = attrs;
        DomainAttrs::from_derive_input(&input)
    });
    let attrs = match parsed {
        Ok(a) => Some(a),
        Err((e, partial)) => {
            errors.push(e);
            partial
        }
    };
    let (name, schema, comment) = sql_identity(
        &mut errors,
        input,
        "domain",
        "domain",
        attrs.as_ref().and_then(|a| a.name.as_ref()),
        attrs.as_ref().and_then(|a| a.schema.as_ref()),
        attrs.as_ref().and_then(|a| a.comment.as_ref()),
    );
    let sql_type = attrs.as_ref().and_then(|a| a.sql_type.as_ref()).map(|s| {
        if let Err(reason) = sql_type::check_syntax(&s.value) {
            errors.at(
                s.span,
                format!(
                    "invalid `sql_type` {:?}: {reason}; write the domain's base type, such as `varchar(255)`, \
                     `numeric(12, 2)` or `text`",
                    s.value
                ),
            );
        }
        s.value.trim().to_owned()
    });
    let checks = attrs
        .as_ref()
        .map(|a| {
            a.check
                .iter()
                .map(|c| ir::Check {
                    name: named(&mut errors, &c.name, "constraint"),
                    expr: non_empty(&mut errors, &c.expr, "check", "VALUE <> ''"),
                    column: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let default = attrs.as_ref().and_then(|a| a.default.as_ref()).map(|d| non_empty(&mut errors, d, "default", "''"));
    (
        ir::Domain {
            ident: ident.clone(),
            generics: input.generics.clone(),
            schema,
            name,
            inner,
            sql_type,
            not_null: attrs.as_ref().is_some_and(|a| a.not_null.is_present()),
            default,
            checks,
            comment,
        },
        errors.finish(),
    )
}
