//! One `#[column(...)]` field, and the index options it shares with `#[table(index(...))]`.

use syn::ext::IdentExt;

use super::table::{self_to_ident, set_null_check, ColumnFacts, ColumnKey, Fields};
use super::{allows, check_name, is_option, named, non_empty, Errors};
use crate::attr::value::{keyword_name, Str};
use crate::attr::{doc_comment, ColumnAttrs, IndexOptions, KeyOptions};
use crate::ir::{self, Method};
use crate::sql_type;

/// One `#[column(...)]` field.
pub(super) fn column(
    errors: &mut Errors,
    field: &syn::Ident,
    ty: &syn::Type,
    attrs: &ColumnAttrs,
    complete: bool,
    table: &mut ir::Table,
    facts: &mut ColumnFacts,
) -> ir::Column {
    let field_name = field.unraw().to_string();
    let name = match &attrs.name {
        Some(n) => {
            check_name(errors, "column", &n.value, n.span, "");
            n.value.clone()
        }
        None => {
            check_name(errors, "column", &field_name, field.span(), "; name the column with `#[column(name = \"...\")]`");
            field_name.clone()
        }
    };
    // Written `Option<_>`: certainly nullable. Other types may still be (an alias
    // of `Option`); the generated code lets the compiler decide.
    let option = is_option(ty);

    let sql_type = column_type(errors, attrs);

    let (default, generated) = value_source(errors, attrs);

    if attrs.primary_key.is_present() {
        if option {
            errors.at(
                attrs.primary_key.span(),
                format!("a primary key column cannot be NULL, but `{field_name}` is an `Option<_>`; remove the `Option` or the `primary_key`"),
            );
        }
        facts.keys.push(ColumnKey { field: field.clone(), column: name.clone(), ty: ty.clone(), span: attrs.primary_key.span() });
    }
    if attrs.unique.is_present() {
        table.uniques.push(ir::Unique {
            name: None,
            columns: vec![name.clone()],
            nulls_not_distinct: false,
            span: attrs.unique.span(),
            origin: ir::KeyOrigin::Column,
        });
    }
    if let Some(check) = &attrs.check {
        table.checks.push(ir::Check {
            name: None,
            expr: non_empty(errors, check, "check", "price >= 0"),
            column: Some(name.clone()),
        });
    }

    if let Some(fk) = foreign_key(errors, attrs, complete, &name, ty, option, &table.ident) {
        table.foreign_keys.push(fk);
    }

    if let Some(index) = &attrs.index {
        // Resolved after every field is known (`include(...)` may name later fields).
        facts.indexes.push((name.clone(), index.value.clone()));
    }

    let comment = match &attrs.comment {
        Some(c) if c.value.is_empty() => None,
        Some(c) => Some(c.value.clone()),
        None => doc_comment(&attrs.attrs),
    };
    ir::Column {
        personal_data: attrs.personal_data.is_present(),
        protection: attrs.protection.as_ref().map(|p| p.value.clone()),
        renamed_from: attrs.renamed_from.as_ref().map(|r| {
            check_name(errors, "previous column", &r.value, r.span, "");
            r.value.clone()
        }),
        allows: allows(errors, &attrs.allow),
        name,
        ty: ty.clone(),
        sql_type,
        identity: attrs.identity.map(|i| i.value),
        default,
        generated,
        comment,
    }
}

/// The column type: from the Rust type, or `sql_type`/`varchar`.
fn column_type(errors: &mut Errors, attrs: &ColumnAttrs) -> ir::ColumnType {
    match (&attrs.sql_type, &attrs.varchar) {
        (Some(s), varchar) => {
            if let Some(v) = varchar {
                errors.at(v.key, "`varchar` and `sql_type` both set the column type; keep one (`varchar = 50` means `sql_type = \"varchar(50)\"`)");
            }
            if let Err(reason) = sql_type::check_syntax(&s.value) {
                errors.at(
                    s.span,
                    format!(
                        "invalid `sql_type` {:?}: {reason}; write a PostgreSQL type such as \
                         `varchar(50)`, `numeric(12, 2)`, `text[]` or `app.my_domain`",
                        s.value
                    ),
                );
            }
            ir::ColumnType::Sql { text: s.value.trim().to_owned() }
        }
        (None, Some(v)) => {
            if !(1..=10_485_760).contains(&v.value) {
                errors.at(v.span, "a `varchar` length must be between 1 and 10485760");
            }
            ir::ColumnType::Sql { text: format!("varchar({})", v.value) }
        }
        (None, None) => ir::ColumnType::Rust,
    }
}

/// What fills the column: at most one of `identity`, `generated`, and
/// `default`/`default_text`. Returns the default and the generation expression.
fn value_source(errors: &mut Errors, attrs: &ColumnAttrs) -> (Option<ir::Default>, Option<String>) {
    if attrs.identity.is_some() {
        for (key, s) in [("default", &attrs.default), ("default_text", &attrs.default_text)] {
            if let Some(s) = s {
                errors.at(
                    s.key,
                    format!(
                        "`{key}` conflicts with `identity`: an identity column's default is its sequence; \
                         remove `{key}` (use `identity = \"by_default\"` to also accept explicit values)"
                    ),
                );
            }
        }
        if let Some(g) = &attrs.generated {
            errors
                .at(g.key, "`generated` conflicts with `identity`: a column is either an identity column or a generated column");
        }
    } else if attrs.generated.is_some() {
        for (key, s) in [("default", &attrs.default), ("default_text", &attrs.default_text)] {
            if let Some(s) = s {
                errors.at(
                    s.key,
                    format!("`{key}` conflicts with `generated`: a generated column always holds the value of its expression; remove `{key}`"),
                );
            }
        }
    }
    if let (Some(_), Some(text)) = (&attrs.default, &attrs.default_text) {
        errors.at(
            text.key,
            "`default_text` and `default` both set the default; keep one (`default` is a SQL expression, `default_text` a string constant)",
        );
    }
    let default = match (&attrs.default, &attrs.default_text) {
        (Some(d), _) => Some(ir::Default::Expr(non_empty(errors, d, "default", "now()"))),
        (None, Some(t)) => Some(ir::Default::Text(t.value.clone())),
        (None, None) => None,
    };
    let generated = attrs.generated.as_ref().map(|g| non_empty(errors, g, "generated", "price * quantity"));
    (default, generated)
}

/// The foreign key of `references = ...`, checking the options that need one.
#[allow(clippy::too_many_arguments)]
fn foreign_key(
    errors: &mut Errors,
    attrs: &ColumnAttrs,
    complete: bool,
    name: &str,
    ty: &syn::Type,
    option: bool,
    owner: &syn::Ident,
) -> Option<ir::ForeignKey> {
    let Some(target) = &attrs.references else {
        // With options that did not parse, `references` may be one of them.
        if complete {
            let fk_options = [
                ("references_column", attrs.references_column.as_ref().map(|s| s.key)),
                ("on_delete", attrs.on_delete.map(|k| k.key)),
                ("on_update", attrs.on_update.map(|k| k.key)),
                ("deferrable", attrs.deferrable.map(|k| k.key)),
            ];
            for (key, span) in fk_options.into_iter().filter_map(|(k, s)| Some((k, s?))) {
                errors.at(
                    span,
                    format!(
                        "`{key}` only applies to a foreign key; add `references = OtherTable` \
                         (e.g. `#[column(references = User, {key} = ...)]`)"
                    ),
                );
            }
        }
        return None;
    };
    let set_null_checks = set_null_check([&attrs.on_delete, &attrs.on_update], ty, option, None).into_iter().collect();
    let target_columns = attrs.references_column.as_ref().map(|c| {
        check_name(errors, "column", &c.value, c.span, "");
        vec![c.value.clone()]
    });
    Some(ir::ForeignKey {
        name: None,
        columns: vec![name.to_owned()],
        target: self_to_ident(&target.path, owner),
        typed_check: if target_columns.is_some() { None } else { Some(vec![(ty.clone(), target.span())]) },
        target_columns,
        span: target.span(),
        set_null_checks,
        on_delete: attrs.on_delete.map(|k| k.value),
        on_update: attrs.on_update.map(|k| k.value),
        on_delete_set_columns: Vec::new(),
        deferrable: attrs.deferrable.map(|k| k.value),
    })
}

/// Index options shared by table- and column-level indexes. `columns` are the
/// column keys, each with the options written for it alone (none on a column's
/// own index).
pub(super) fn index(
    errors: &mut Errors,
    fields: &Fields<'_>,
    columns: Vec<(String, KeyOptions)>,
    expression: Option<String>,
    o: &IndexOptions,
    origin: ir::KeyOrigin,
) -> ir::Index {
    let method = o.method.map(|m| m.value);
    let method_name = o.method.map(|m| m.value).unwrap_or(Method::BTree);
    let is_btree = method_name == Method::BTree;
    let method_str = keyword_name(method_name);
    if o.unique.is_present() && !is_btree {
        errors.at(o.unique.span(), format!("only btree indexes can be unique, but this index uses `{method_str}`"));
    }
    if o.nulls_not_distinct.is_present() && !o.unique.is_present() {
        errors
            .at(o.nulls_not_distinct.span(), "`nulls_not_distinct` only applies to a `unique` index; add `unique` or remove it");
    }
    let sorted = |errors: &mut Errors, key: &str, span: Option<proc_macro2::Span>| {
        if let (false, Some(span)) = (is_btree, span) {
            errors.at(span, format!("`{key}` only applies to btree indexes; `{method_str}` index keys have no order"));
        }
    };
    sorted(errors, "order", o.order.map(|k| k.key));
    sorted(errors, "nulls", o.nulls.map(|k| k.key));
    let mut names = Vec::new();
    let mut column_keys = Vec::new();
    for (column, k) in columns {
        let own = [
            ("opclass", k.opclass.as_ref().map(|s| s.key), o.opclass.as_ref().map(|s| s.key)),
            ("order", k.order.map(|k| k.key), o.order.map(|k| k.key)),
            ("nulls", k.nulls.map(|k| k.key), o.nulls.map(|k| k.key)),
        ];
        for (key, span, whole) in own {
            let Some(span) = span else { continue };
            if whole.is_some() {
                errors.at(
                    span,
                    format!(
                        "`{key}` is given both for this key and for the whole index; keep the one on the key \
                         and remove the index's `{key} = ...` (it applies to every key), or remove this one"
                    ),
                );
            } else if key != "opclass" {
                sorted(errors, key, Some(span));
            }
        }
        if let Some(s) = &k.opclass {
            non_empty_opclass(errors, s);
        }
        names.push(column);
        column_keys.push(ir::KeyOptions {
            opclass: k.opclass.as_ref().map(|s| s.value.clone()),
            order: k.order.map(|k| k.value),
            nulls: k.nulls.map(|k| k.value),
        });
    }
    if let Some(s) = &o.opclass {
        non_empty_opclass(errors, s);
    }
    let include = o.include.as_ref().map(|i| fields.columns(errors, i)).unwrap_or_default();
    ir::Index {
        name: named(errors, &o.name, "index"),
        method,
        columns: names,
        column_keys,
        expression,
        opclass: o.opclass.as_ref().map(|s| s.value.clone()),
        order: o.order.map(|k| k.value),
        nulls: o.nulls.map(|k| k.value),
        unique: o.unique.is_present(),
        nulls_not_distinct: o.nulls_not_distinct.is_present(),
        include,
        predicate: o.predicate.as_ref().map(|p| non_empty(errors, p, "predicate", "deleted_at IS NULL")),
        comment: o.comment.as_ref().map(|c| c.value.clone()),
        unique_span: o.unique.0.map(|span| (span, origin)),
    }
}

/// An operator class must name one: `opclass = ""` would emit a key PostgreSQL cannot parse.
fn non_empty_opclass(errors: &mut Errors, s: &Str) {
    if s.value.trim().is_empty() {
        errors.at(s.span, "`opclass` is empty; name an operator class, e.g. `opclass = \"text_pattern_ops\"`");
    }
}
