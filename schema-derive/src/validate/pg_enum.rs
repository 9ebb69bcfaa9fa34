//! `#[derive(PgEnum)]`: labels, renames, and the enum's shape.

use std::collections::HashMap;

use darling::{FromDeriveInput, FromVariant};
use syn::ext::IdentExt;

use super::{sql_identity, unsupported_generics, Errors, MAX_NAME_BYTES};
use crate::attr::{EnumAttrs, VariantAttrs};
use crate::case;
use crate::ir::{self, RenameRule};

/// Checks a `#[derive(PgEnum)]` input and builds its model.
pub fn pg_enum(input: &syn::DeriveInput) -> (ir::PgEnum, Option<darling::Error>) {
    let mut errors = Errors::new();
    let ident = &input.ident;
    let variants: Vec<&syn::Variant> = match &input.data {
        syn::Data::Enum(e) => e.variants.iter().collect(),
        syn::Data::Struct(s) => {
            errors.at(
                s.struct_token.span,
                "`#[derive(PgEnum)]` needs a fieldless enum, whose variants become the labels of `CREATE TYPE ... AS ENUM`; \
                 to declare a table, use `#[derive(Table)]`",
            );
            Vec::new()
        }
        syn::Data::Union(u) => {
            errors.at(u.union_token.span, "`#[derive(PgEnum)]` needs a fieldless enum, not a union");
            Vec::new()
        }
    };
    unsupported_generics(&mut errors, &input.generics, "PgEnum", "enum");

    let attrs = match EnumAttrs::from_derive_input(input) {
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (name, schema, comment) = sql_identity(
        &mut errors,
        input,
        "type",
        "pg_enum",
        attrs.as_ref().and_then(|a| a.name.as_ref()),
        attrs.as_ref().and_then(|a| a.schema.as_ref()),
        attrs.as_ref().and_then(|a| a.comment.as_ref()),
    );
    let rule = attrs.as_ref().and_then(|a| a.rename_all).map_or(RenameRule::Snake, |k| k.value);

    if matches!(input.data, syn::Data::Enum(_)) && variants.is_empty() {
        errors.at(ident.span(), format!("enum `{ident}` has no variants, but a PostgreSQL enum needs at least one label"));
    }
    let mut labels: Vec<(syn::Ident, String)> = Vec::new();
    let mut seen: HashMap<String, syn::Ident> = HashMap::new();
    for variant in variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            errors.at(
                variant.ident.span(),
                format!(
                    "variant `{}` carries data, but a PostgreSQL enum value is only a label; \
                     `#[derive(PgEnum)]` needs unit variants (store the data in a table instead)",
                    variant.ident
                ),
            );
        }
        let attrs = match VariantAttrs::from_variant(variant) {
            Ok(a) => a,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let (label, span) = match &attrs.rename {
            Some(r) => (r.value.clone(), r.span),
            None => (case::rename(&attrs.ident.unraw().to_string(), rule), attrs.ident.span()),
        };
        if label.is_empty() {
            errors.at(span, "an enum label cannot be empty");
        } else if label.len() > MAX_NAME_BYTES {
            errors.at(
                span,
                format!(
                    "the label `{label}` is {} bytes long, but PostgreSQL enum labels are at most {MAX_NAME_BYTES} bytes; \
                     shorten it with `#[pg_enum(rename = \"...\")]`",
                    label.len()
                ),
            );
        }
        if let Some(first) = seen.get(&label) {
            errors.at(
                span,
                format!(
                    "variants `{first}` and `{}` both have the label `{label}`; give one another with `#[pg_enum(rename = \"...\")]`",
                    attrs.ident
                ),
            );
        } else {
            seen.insert(label.clone(), attrs.ident.clone());
        }
        labels.push((attrs.ident, label));
    }
    (
        ir::PgEnum { ident: ident.clone(), generics: input.generics.clone(), schema, name, comment, variants: labels },
        errors.finish(),
    )
}
