//! `#[derive(Table)]`: the struct's shape, the table's names, its fields (each
//! checked by `column`), the primary key, and table-level constraints.

use std::collections::HashMap;

use darling::{FromDeriveInput, FromField};
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::column::{column, index};
use super::{allows, check_name, is_option, named, non_empty, salvage, sql_identity, unsupported_generics, Errors};
use super::{features, partition};
use crate::attr::value::{FieldRefs, Keyword};
use crate::attr::{parse_lenient, ColumnAttrs, ForeignKeyAttr, IndexOptions, KeyOptions, TableAttrs};
use crate::ir::{self, PolicyCommand, RefAction};
use crate::suggest;

/// What table-level attributes need to know about each field.
pub(super) struct FieldInfo {
    pub ident: syn::Ident,
    pub ty: syn::Type,
    /// `None` for `#[column(skip)]`.
    pub column: Option<String>,
    /// Written `Option<_>`, so certainly nullable (an alias of `Option` is
    /// nullable too, which only the compiler sees).
    pub option: bool,
}

/// The struct's fields, for resolving the field idents table attributes name.
pub(super) struct Fields<'a> {
    pub owner: &'a syn::Ident,
    pub fields: Vec<FieldInfo>,
}

impl Fields<'_> {
    /// The field `ident` names, or an error at `ident`.
    pub fn resolve(&self, errors: &mut Errors, ident: &syn::Ident) -> Option<&FieldInfo> {
        let wanted = ident.unraw().to_string();
        match self.fields.iter().find(|f| f.ident.unraw() == wanted) {
            Some(f) if f.column.is_some() => Some(f),
            Some(_) => {
                errors.at(ident.span(), format!("field `{wanted}` is `#[column(skip)]`, so it is not a column"));
                None
            }
            None => {
                let names: Vec<String> = self.fields.iter().map(|f| f.ident.unraw().to_string()).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let hint = match suggest::closest(&wanted, &refs) {
                    Some(best) => format!("; did you mean `{best}`?"),
                    None if refs.is_empty() => String::new(),
                    None => format!("; its fields are {}", refs.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
                };
                errors.at(
                    ident.span(),
                    format!(
                        "no field `{wanted}` in `{}`{hint} (table attributes name Rust fields, which map to their column names)",
                        self.owner
                    ),
                );
                None
            }
        }
    }

    /// The column names of `refs`, reporting the ones that are not columns.
    pub fn columns(&self, errors: &mut Errors, refs: &FieldRefs) -> Vec<String> {
        refs.fields.iter().filter_map(|i| self.resolve(errors, i)).filter_map(|f| f.column.clone()).collect()
    }
}

/// A field flagged `#[column(primary_key)]`.
pub(super) struct ColumnKey {
    pub field: syn::Ident,
    pub column: String,
    pub ty: syn::Type,
    /// The `primary_key` flag.
    pub span: Span,
}

/// What the column pass collects besides the columns.
#[derive(Default)]
pub(super) struct ColumnFacts {
    /// Fields flagged `#[column(primary_key)]`.
    pub keys: Vec<ColumnKey>,
    /// `#[column(index...)]`, resolved once every field is known (`include(...)`
    /// may name later fields).
    pub indexes: Vec<(String, Option<IndexOptions>)>,
    /// False when some attribute did not parse: checks that need every option
    /// ("no primary key") are then skipped.
    pub all_parsed: bool,
}

/// Checks a `#[derive(Table)]` input and builds its model.
pub fn table(input: &syn::DeriveInput) -> (ir::Table, Option<darling::Error>) {
    let mut errors = Errors::new();
    let ident = &input.ident;
    let (syn_fields, shape_ok) = shape(&mut errors, input);
    unsupported_generics(&mut errors, &input.generics, "Table", "struct");
    let parsed = parse_lenient(&input.attrs, "table", |attrs| {
        let mut input = input.clone();
        input.attrs = attrs;
        TableAttrs::from_derive_input(&input)
    });
    let (attrs, attrs_complete) = match parsed {
        Ok(a) => (Some(a), true),
        Err((e, partial)) => {
            errors.push(e);
            (partial, false)
        }
    };

    let mut table = ir::Table {
        ident: ident.clone(),
        generics: input.generics.clone(),
        schema: String::new(),
        name: String::new(),
        comment: None,
        columns: Vec::new(),
        primary_key: ir::PrimaryKey { columns: Vec::new(), types: Vec::new(), declared: None },
        uniques: Vec::new(),
        checks: Vec::new(),
        foreign_keys: Vec::new(),
        indexes: Vec::new(),
        volume: None,
        renamed_from: None,
        retention: None,
        allows: Vec::new(),
        timestamps: false,
        soft_delete: false,
        audited: false,
        rls: None,
        policies: Vec::new(),
        isolations: Vec::new(),
        partitioning: None,
        triggers: Vec::new(),
        full_text: Vec::new(),
    };
    names(&mut errors, input, attrs.as_ref(), &mut table);
    let mut fields = Fields { owner: ident, fields: Vec::new() };
    let mut facts = columns(&mut errors, &syn_fields, &mut table, &mut fields);
    facts.all_parsed &= attrs_complete;
    for (col, options) in &facts.indexes {
        table.indexes.push(match options {
            Some(o) => index(&mut errors, &fields, vec![(col.clone(), KeyOptions::default())], None, o, ir::KeyOrigin::Column),
            None => ir::Index::on_column(col.clone()),
        });
    }

    let Some(attrs) = attrs else {
        table.primary_key = salvaged_key(input, &fields, &facts.keys);
        return (table, errors.finish());
    };
    table.primary_key = primary_key(&mut errors, &attrs, &fields, &facts, shape_ok, &table.name);
    constraints(&mut errors, &attrs, &fields, &mut table);
    foreign_keys(&mut errors, &attrs, &fields, &mut table);
    operations(&mut errors, &attrs, &mut table);
    partition::partitioning(&mut errors, &attrs, &fields, &mut table);
    features::triggers(&mut errors, &attrs, &fields, &mut table);
    features::full_text(&mut errors, &attrs, &fields, &mut table);
    features::isolations(&mut errors, &attrs, &fields, &mut table);
    (table, errors.finish())
}

/// The named fields of a struct; any other shape is an error.
fn shape<'a>(errors: &mut Errors, input: &'a syn::DeriveInput) -> (Vec<&'a syn::Field>, bool) {
    let message = match &input.data {
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Named(n) => return (n.named.iter().collect(), true),
            syn::Fields::Unnamed(u) => (
                u.span(),
                "`#[derive(Table)]` needs a struct with named fields: each field is a column named after it; \
                 write `struct Name { id: i64, ... }`",
            ),
            syn::Fields::Unit => (
                input.ident.span(),
                "`#[derive(Table)]` needs a struct with named fields, one per column, but a unit struct has none; \
                 write `struct Name { id: i64, ... }`",
            ),
        },
        syn::Data::Enum(e) => (
            e.enum_token.span,
            "`#[derive(Table)]` cannot be used on an enum: a table is a struct with one field per column; \
             to declare a PostgreSQL enum type, use `#[derive(PgEnum)]`",
        ),
        syn::Data::Union(u) => {
            (u.union_token.span, "`#[derive(Table)]` cannot be used on a union: a table is a struct with named fields")
        }
    };
    errors.at(message.0, message.1);
    (Vec::new(), false)
}

/// The table's name, schema and comment.
fn names(errors: &mut Errors, input: &syn::DeriveInput, attrs: Option<&TableAttrs>, table: &mut ir::Table) {
    (table.name, table.schema, table.comment) = sql_identity(
        errors,
        input,
        "table",
        "table",
        attrs.and_then(|a| a.name.as_ref()),
        attrs.and_then(|a| a.schema.as_ref()),
        attrs.and_then(|a| a.comment.as_ref()),
    );
}

/// Parses and checks every field's `#[column(...)]`, adding the columns (and
/// their column-level constraints) to `table` and the fields to `fields`.
fn columns(errors: &mut Errors, syn_fields: &[&syn::Field], table: &mut ir::Table, fields: &mut Fields<'_>) -> ColumnFacts {
    let mut facts = ColumnFacts { all_parsed: true, ..ColumnFacts::default() };
    let mut column_names: HashMap<String, syn::Ident> = HashMap::new();
    for field in syn_fields {
        let field_ident = field.ident.clone().expect("named field");
        let parsed = parse_lenient(&field.attrs, "column", |attrs| {
            let mut field = (*field).clone();
            field.attrs = attrs;
            ColumnAttrs::from_field(&field)
        });
        let (attrs, complete) = match parsed {
            Ok(a) => (a, true),
            Err((e, partial)) => {
                errors.push(e);
                facts.all_parsed = false;
                match partial {
                    Some(a) => (a, false),
                    None => {
                        // Nothing usable: guess the key flag for the stub; the field is
                        // still known by its ident, so table attributes naming it add no errors.
                        if salvage(&field.attrs, "column")
                            .iter()
                            .any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("primary_key")))
                        {
                            facts.keys.push(ColumnKey {
                                field: field_ident.clone(),
                                column: field_ident.unraw().to_string(),
                                ty: field.ty.clone(),
                                span: field_ident.span(),
                            });
                        }
                        fields.fields.push(FieldInfo {
                            column: Some(field_ident.unraw().to_string()),
                            option: is_option(&field.ty),
                            ident: field_ident,
                            ty: field.ty.clone(),
                        });
                        continue;
                    }
                }
            }
        };
        if attrs.skip.is_present() {
            if let Some((key, span)) = attrs.first_column_option() {
                errors.at(
                    span,
                    format!("`{key}` has no effect on a `#[column(skip)]` field, which is not a column; remove one of them"),
                );
            }
            fields.fields.push(FieldInfo { ident: field_ident, ty: field.ty.clone(), column: None, option: false });
            continue;
        }
        let column = column(errors, &field_ident, &field.ty, &attrs, complete, table, &mut facts);
        let name_span = attrs.name.as_ref().map_or(field_ident.span(), |n| n.span);
        if let Some(first) = column_names.get(&column.name) {
            errors.at(
                name_span,
                format!(
                    "two fields map to the column `{}`: `{}` and `{}`; rename one with `#[column(name = \"...\")]`",
                    column.name,
                    first.unraw(),
                    field_ident.unraw()
                ),
            );
        } else {
            column_names.insert(column.name.clone(), field_ident.clone());
        }
        fields.fields.push(FieldInfo {
            ident: field_ident,
            ty: field.ty.clone(),
            column: Some(column.name.clone()),
            option: is_option(&field.ty),
        });
        table.columns.push(column);
    }
    facts
}

/// The primary key: `#[table(primary_key(...))]` or one `#[column(primary_key)]`.
fn primary_key(
    errors: &mut Errors,
    attrs: &TableAttrs,
    fields: &Fields<'_>,
    facts: &ColumnFacts,
    shape_ok: bool,
    table_name: &str,
) -> ir::PrimaryKey {
    let mut key = ir::PrimaryKey { columns: Vec::new(), types: Vec::new(), declared: None };
    match (&attrs.primary_key, facts.keys.as_slice()) {
        (Some(refs), column_keys) => {
            key.declared = Some((refs.key, ir::KeyOrigin::Table));
            for k in column_keys {
                errors.at(
                    k.span,
                    "the primary key is declared twice: here and in `#[table(primary_key(...))]`; \
                     keep `#[table(primary_key(...))]` for a composite key, or this flag for a single-column key",
                );
            }
            for field_ident in &refs.fields {
                let Some(f) = fields.resolve(errors, field_ident) else { continue };
                let col = f.column.clone().unwrap_or_default();
                if key.columns.contains(&col) {
                    errors.at(field_ident.span(), format!("`{field_ident}` is listed twice in `primary_key(...)`"));
                    continue;
                }
                if f.option {
                    errors.at(
                        field_ident.span(),
                        format!(
                            "primary key columns cannot be NULL, but `{field_ident}` is an `Option<_>`; \
                             remove the `Option` or leave it out of the key"
                        ),
                    );
                }
                key.columns.push(col);
                key.types.push(f.ty.clone());
            }
        }
        (None, [_, rest @ ..]) if !rest.is_empty() => {
            let key_fields: Vec<String> = facts.keys.iter().map(|k| k.field.unraw().to_string()).collect();
            for k in rest {
                errors.at(
                    k.span,
                    format!(
                        "more than one field has `#[column(primary_key)]`, but a table has one primary key; \
                         for a composite key, remove these flags and write `#[table(primary_key({}))]` on the struct",
                        key_fields.join(", ")
                    ),
                );
            }
            key = guess_key(&facts.keys);
        }
        (None, [only]) => {
            key = guess_key(&facts.keys);
            key.declared = Some((only.span, ir::KeyOrigin::Column));
        }
        (None, _) => {
            if shape_ok && facts.all_parsed {
                errors.at(
                    fields.owner.span(),
                    format!(
                        "table `{table_name}` has no primary key; add `#[column(primary_key)]` to its key field, \
                         or `#[table(primary_key(a, b))]` to the struct for a composite key"
                    ),
                );
            }
        }
    }
    key
}

/// The key a struct with errors most likely meant, for its stub impl.
fn guess_key(keys: &[ColumnKey]) -> ir::PrimaryKey {
    ir::PrimaryKey {
        columns: keys.iter().map(|k| k.column.clone()).collect(),
        types: keys.iter().map(|k| k.ty.clone()).collect(),
        declared: None,
    }
}

/// The key when `#[table(...)]` did not parse: a `primary_key(...)` list that
/// still reads, else the column flags.
fn salvaged_key(input: &syn::DeriveInput, fields: &Fields<'_>, keys: &[ColumnKey]) -> ir::PrimaryKey {
    let listed = salvage(&input.attrs, "table").into_iter().find_map(|m| match m {
        syn::Meta::List(l) if l.path.is_ident("primary_key") => {
            l.parse_args_with(syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated).ok()
        }
        _ => None,
    });
    let Some(idents) = listed else { return guess_key(keys) };
    let found: Vec<&FieldInfo> = idents.iter().filter_map(|i| fields.fields.iter().find(|f| f.ident == *i)).collect();
    ir::PrimaryKey {
        columns: found.iter().filter_map(|f| f.column.clone()).collect(),
        types: found.iter().map(|f| f.ty.clone()).collect(),
        declared: None,
    }
}

/// `#[table(unique(...), check(...), index(...))]`.
fn constraints(errors: &mut Errors, attrs: &TableAttrs, fields: &Fields<'_>, table: &mut ir::Table) {
    for u in &attrs.unique {
        let span = u.key;
        let u = &u.value;
        let columns = fields.columns(errors, &u.columns);
        table.uniques.push(ir::Unique {
            name: named(errors, &u.name, "constraint"),
            columns,
            nulls_not_distinct: u.nulls_not_distinct.is_present(),
            span,
            origin: ir::KeyOrigin::Table,
        });
    }
    for c in &attrs.check {
        let c = &c.value;
        table.checks.push(ir::Check {
            name: named(errors, &c.name, "constraint"),
            expr: non_empty(errors, &c.expr, "expr", "price >= 0"),
            column: None,
        });
    }
    for i in &attrs.index {
        let keys = i.value.columns.as_ref().map_or(&[][..], |c| &c.keys[..]);
        let columns = keys
            .iter()
            .filter_map(|k| Some((fields.resolve(errors, &k.field)?.column.clone()?, k.options.clone())))
            .collect();
        let expression = i.value.expression.as_ref().map(|e| non_empty(errors, e, "expression", "lower(email)"));
        if i.value.columns.is_none() && expression.is_none() {
            errors.at(i.key, "this index has no keys; give it `columns(a, b)`, an `expression = \"lower(email)\"`, or both");
        }
        table.indexes.push(index(errors, fields, columns, expression, &i.value.options, ir::KeyOrigin::Table));
    }
}

/// `#[table(foreign_key(...))]`: multi-column foreign keys.
fn foreign_keys(errors: &mut Errors, attrs: &TableAttrs, fields: &Fields<'_>, table: &mut ir::Table) {
    for fk in &attrs.foreign_key {
        let fk = &fk.value;
        let listed = set_columns(errors, fk);
        let mut columns = Vec::new();
        let mut types = Vec::new();
        let mut set_null = Vec::new();
        let mut resolved = HashMap::new();
        for field_ident in &fk.columns.fields {
            let Some(f) = fields.resolve(errors, field_ident) else { continue };
            resolved.insert(field_ident.unraw(), f.column.clone().unwrap_or_default());
            columns.push(f.column.clone().unwrap_or_default());
            types.push((f.ty.clone(), field_ident.span()));
            // ON DELETE sets only the listed fields (all without a list), ON UPDATE all.
            let on_delete = if listed.is_empty() || listed.contains(&field_ident.unraw()) { &fk.on_delete } else { &None };
            // At the field in `columns(...)`: the action is the same for all.
            set_null.extend(set_null_check([on_delete, &fk.on_update], &f.ty, f.option, Some(field_ident.span())));
        }
        let on_delete_set_columns = listed.iter().filter_map(|i| resolved.get(i).cloned()).collect();
        let target_columns = fk.references_columns.as_ref().map(|list| {
            if list.values.len() != fk.columns.fields.len() {
                errors.at(
                    list.key,
                    format!(
                        "`references_columns` lists {} column(s) but `columns` lists {}; they pair up in order",
                        list.values.len(),
                        fk.columns.fields.len()
                    ),
                );
            }
            list.values
                .iter()
                .map(|s| {
                    check_name(errors, "column", &s.value(), s.span(), "");
                    s.value()
                })
                .collect()
        });
        table.foreign_keys.push(ir::ForeignKey {
            name: named(errors, &fk.name, "constraint"),
            columns,
            target: self_to_ident(&fk.references.path, &table.ident),
            typed_check: if target_columns.is_some() { None } else { Some(types) },
            target_columns,
            span: fk.references.span(),
            set_null_checks: set_null,
            on_delete: fk.on_delete.map(|k| k.value),
            on_update: fk.on_update.map(|k| k.value),
            on_delete_set_columns,
            deferrable: fk.deferrable.map(|k| k.value),
        });
    }
}

/// The fields of `on_delete_set_columns(...)`: each one of `columns(...)`, once,
/// and only with `on_delete = "set_null"` or `"set_default"` (what PostgreSQL 15
/// accepts: 42P10 for a column outside the key, a syntax error after the other
/// actions). Those reported are left out.
fn set_columns(errors: &mut Errors, fk: &ForeignKeyAttr) -> Vec<syn::Ident> {
    let Some(list) = &fk.on_delete_set_columns else { return Vec::new() };
    if !matches!(fk.on_delete.map(|k| k.value), Some(RefAction::SetNull | RefAction::SetDefault)) {
        errors.at(
            list.key,
            "`on_delete_set_columns(...)` says which columns ON DELETE SET NULL or SET DEFAULT sets; add `on_delete = \"set_null\"` (or `\"set_default\"`), or remove the list",
        );
        return Vec::new();
    }
    let mut out: Vec<syn::Ident> = Vec::new();
    for field in &list.fields {
        let name = field.unraw();
        if !fk.columns.fields.iter().any(|c| c.unraw() == name) {
            let key: Vec<String> = fk.columns.fields.iter().map(|c| c.unraw().to_string()).collect();
            errors.at(
                field.span(),
                format!("`{name}` is not one of this foreign key's `columns({})`; ON DELETE can set only columns of the key", key.join(", ")),
            );
        } else if out.contains(&name) {
            errors.at(field.span(), format!("`{name}` is listed twice in `on_delete_set_columns(...)`"));
        } else {
            out.push(name);
        }
    }
    out
}

/// Recorded decisions, lint allows, row-level security and policies, and the
/// conventional columns (`timestamps`, `soft_delete`) and audit trigger.
fn operations(errors: &mut Errors, attrs: &TableAttrs, table: &mut ir::Table) {
    table.volume = attrs.volume.as_ref().map(|v| v.value.clone());
    table.retention = attrs.retention.as_ref().map(|r| r.value.clone());
    table.renamed_from = attrs.renamed_from.as_ref().map(|r| {
        let (schema, name) = r.value.split_once('.').unwrap_or(("", &r.value));
        super::check_name(errors, "previous table", name, r.span, "");
        (schema.to_owned(), name.to_owned())
    });
    table.allows = allows(errors, &attrs.allow);
    table.timestamps = attrs.timestamps.is_present();
    table.soft_delete = attrs.soft_delete.is_present();
    table.audited = attrs.audited.is_present();
    table.rls = attrs.row_level_security.map(|r| r.value);
    for p in &attrs.policy {
        let key = p.key;
        let p = &p.value;
        check_name(errors, "policy", &p.name.value, p.name.span, "");
        let command = p.command.map(|c| c.value);
        match (command, &p.using, &p.with_check) {
            (Some(PolicyCommand::Insert), Some(using), _) => errors.at(
                using.key,
                "an `insert` policy takes only `with_check` (rows being inserted), not `using`; rename `using` to `with_check`",
            ),
            (Some(PolicyCommand::Select | PolicyCommand::Delete), _, Some(check)) => errors.at(
                check.key,
                "`select` and `delete` policies take only `using` (rows visible), not `with_check`; rename it to `using`",
            ),
            (_, None, None) => errors
                .at(key, "this policy needs `using = \"...\"` (rows visible), `with_check = \"...\"` (rows written), or both"),
            _ => {}
        }
        table.policies.push(ir::Policy {
            name: p.name.value.clone(),
            command,
            restrictive: p.restrictive.is_present(),
            roles: p.roles.as_ref().map(|r| r.values.iter().map(|s| s.value()).collect()).unwrap_or_default(),
            using: p.using.as_ref().map(|u| non_empty(errors, u, "using", "owner_id = current_user_id()")),
            with_check: p.with_check.as_ref().map(|c| non_empty(errors, c, "with_check", "owner_id = current_user_id()")),
            comment: p.comment.as_ref().map(|c| c.value.clone()),
        });
    }
}

/// `Self` is not usable inside the generated checks; name the struct instead.
pub(super) fn self_to_ident(path: &syn::Path, ident: &syn::Ident) -> syn::Path {
    if path.is_ident("Self") {
        let mut own = syn::Path::from(ident.clone());
        own.segments[0].ident.set_span(path.span());
        own
    } else {
        path.clone()
    }
}

/// The check that `set_null` (`on_delete` or `on_update`) needs: the field's
/// type `ty` must be an `Option<_>`, which the compiler checks unless it is
/// written as one (an alias of `Option` passes), reported at `at` or else at
/// the first `set_null`.
pub(super) fn set_null_check(
    actions: [&Option<Keyword<RefAction>>; 2],
    ty: &syn::Type,
    option: bool,
    at: Option<Span>,
) -> Option<(syn::Type, Span)> {
    let action = actions.into_iter().flatten().find(|action| action.value == RefAction::SetNull)?;
    (!option).then(|| (ty.clone(), at.unwrap_or(action.span)))
}
