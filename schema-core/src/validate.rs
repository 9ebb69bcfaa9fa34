//! Whole-graph checks behind `SchemaBuilder::build`, and the names it chooses for
//! unnamed constraints and indexes. Every check appends to one error list and never
//! stops early, so users see all problems in one run.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod objects;

use crate::error::SchemaError;
use crate::ident::check_identifier;
use crate::model::{EnumType, Index, IndexMethod, IndexTarget, QualifiedName, Table};
use crate::schema::Schema;
use crate::types::SqlType;

/// Fills in `None` names with PostgreSQL's conventions. Names are not truncated:
/// one over 63 bytes is reported by [`check`] instead.
pub(crate) fn assign_names(tables: &mut [Table]) {
    for table in tables {
        let t = table.name.name.clone();
        if let Some(pk) = &mut table.primary_key {
            pk.name.get_or_insert_with(|| format!("{t}_pkey"));
        }
        for u in &mut table.uniques {
            u.name.get_or_insert_with(|| format!("{t}_{}_key", u.columns.join("_")));
        }
        for fk in &mut table.foreign_keys {
            fk.name.get_or_insert_with(|| format!("{t}_{}_fkey", fk.columns.join("_")));
        }
        let mut table_checks = 0;
        for c in &mut table.checks {
            if c.name.is_none() {
                c.name = Some(match &c.column {
                    Some(col) => format!("{t}_{col}_check"),
                    None => {
                        table_checks += 1;
                        match table_checks {
                            1 => format!("{t}_check"),
                            n => format!("{t}_check{}", n - 1),
                        }
                    }
                });
            }
        }
        assign_index_names(&t, &mut table.indexes);
    }
}

/// Names unnamed indexes `idx_{table}_{keys}`.
pub(crate) fn assign_index_names(t: &str, indexes: &mut [Index]) {
    for index in indexes {
        if index.name.is_none() {
            let keys: Vec<String> = index
                .keys
                .iter()
                .map(|k| match &k.target {
                    IndexTarget::Column(c) => c.clone(),
                    IndexTarget::Expression(e) => slug(e),
                })
                .collect();
            index.name = Some(format!("idx_{t}_{}", keys.join("_")));
        }
    }
}

/// Names that share a catalog namespace per schema: relations (`pg_class`: tables,
/// views, indexes, partitions) and types (`pg_type`: enums, domains, and the row
/// type of every table and view).
#[derive(Default)]
pub(crate) struct Catalog {
    relations: BTreeMap<QualifiedName, String>,
    types: BTreeMap<QualifiedName, String>,
}

impl Catalog {
    pub(crate) fn relation(&mut self, name: QualifiedName, what: String, errors: &mut Vec<SchemaError>) {
        match self.relations.get(&name) {
            Some(first) => errors.push(SchemaError::DuplicateRelationName { name, first: first.clone(), second: what }),
            None => {
                self.relations.insert(name, what);
            }
        }
    }

    pub(crate) fn type_name(&mut self, name: QualifiedName, what: String, errors: &mut Vec<SchemaError>) {
        match self.types.get(&name) {
            Some(first) => errors.push(SchemaError::DuplicateTypeName { name, first: first.clone(), second: what }),
            None => {
                self.types.insert(name, what);
            }
        }
    }
}

/// `lower(email)` → `lower_email`: the words of an expression, for index names.
fn slug(expr: &str) -> String {
    let words: Vec<&str> = expr.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    if words.is_empty() { "expr".to_owned() } else { words.join("_").to_lowercase() }
}

fn name_of(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or_default()
}

pub(crate) fn check(schema: &Schema, errors: &mut Vec<SchemaError>) {
    let (extensions, enums, tables) = (&schema.extensions, &schema.enums, &schema.tables);
    for ns in &schema.namespaces {
        ident(format!("schema `{ns}`"), ns, false, errors);
    }
    for ext in extensions {
        ident(format!("extension `{}`", ext.name), &ext.name, false, errors);
    }

    let mut catalog = Catalog::default();
    let mut enums_by_name: HashMap<&QualifiedName, &EnumType> = HashMap::new();
    for e in enums {
        ident(format!("enum {}", e.name), &e.name.name, false, errors);
        nul_check(e.comment.as_deref(), || format!("comment of enum {}", e.name), errors);
        if let Some(prev) = enums_by_name.insert(&e.name, e) {
            if prev != e {
                errors.push(SchemaError::ConflictingEnum(e.name.clone()));
            }
            continue;
        }
        catalog.type_name(e.name.clone(), format!("enum {}", e.name), errors);
        let mut seen = HashSet::new();
        for label in &e.values {
            if !seen.insert(label) {
                errors.push(SchemaError::DuplicateEnumLabel { name: e.name.clone(), label: label.clone() });
            }
            if label.len() > crate::ident::MAX_IDENTIFIER_BYTES || label.contains('\0') {
                ident(format!("a label of enum {}", e.name), label, false, errors);
            }
        }
    }

    for d in &schema.domains {
        ident(format!("domain {}", d.name), &d.name.name, false, errors);
        catalog.type_name(d.name.clone(), format!("domain {}", d.name), errors);
    }

    let by_name: HashMap<&QualifiedName, &Table> = tables.iter().map(|t| (&t.name, t)).collect();
    let mut previous: Option<&QualifiedName> = None;
    for table in tables {
        let tn = &table.name;
        if previous == Some(tn) {
            errors.push(SchemaError::DuplicateTable(tn.clone()));
            continue;
        }
        previous = Some(tn);
        ident(format!("table {tn}"), &tn.name, false, errors);
        catalog.relation(tn.clone(), format!("table {tn}"), errors);
        catalog.type_name(tn.clone(), format!("table {tn}"), errors);
        nul_check(table.comment.as_deref(), || format!("comment of table {tn}"), errors);
        check_columns(table, errors);

        let columns: HashMap<&str, &crate::model::Column> = table.columns.iter().map(|c| (c.name.as_str(), c)).collect();
        let key_columns = |cols: &[String], used_by: &str, errors: &mut Vec<SchemaError>| {
            if cols.is_empty() {
                errors.push(SchemaError::EmptyKey { table: tn.clone(), used_by: used_by.to_owned() });
            }
            let mut seen = HashSet::new();
            for c in cols {
                if !columns.contains_key(c.as_str()) {
                    errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.clone(), used_by: used_by.to_owned() });
                } else if !seen.insert(c) {
                    errors.push(SchemaError::RepeatedKeyColumn { table: tn.clone(), column: c.clone(), used_by: used_by.to_owned() });
                }
            }
        };

        let mut constraint_names: HashSet<String> = HashSet::new();
        let mut constraint = |name: &str, what: String, is_index: bool, errors: &mut Vec<SchemaError>| {
            ident(what.clone(), name, true, errors);
            if !constraint_names.insert(name.to_owned()) {
                errors.push(SchemaError::DuplicateConstraint { table: tn.clone(), name: name.to_owned() });
            } else if is_index {
                catalog.relation(QualifiedName::new(&tn.schema, name), what, errors);
            }
        };

        match &table.primary_key {
            None => errors.push(SchemaError::MissingPrimaryKey(tn.clone())),
            Some(pk) => {
                let name = name_of(&pk.name);
                constraint(name, format!("primary key `{name}`"), true, errors);
                key_columns(&pk.columns, &format!("primary key `{name}`"), errors);
                for c in &pk.columns {
                    if columns.get(c.as_str()).is_some_and(|col| col.nullable) {
                        errors.push(SchemaError::NullablePrimaryKeyColumn { table: tn.clone(), column: c.clone() });
                    }
                }
            }
        }
        for u in &table.uniques {
            let name = name_of(&u.name);
            constraint(name, format!("unique constraint `{name}`"), true, errors);
            key_columns(&u.columns, &format!("unique constraint `{name}`"), errors);
        }
        for c in &table.checks {
            let name = name_of(&c.name);
            constraint(name, format!("check constraint `{name}`"), false, errors);
            nul_check(Some(&c.expr), || format!("check `{name}` on {tn}"), errors);
            if let Some(col) = &c.column {
                key_columns(std::slice::from_ref(col), &format!("check constraint `{name}`"), errors);
            }
        }
        for fk in &table.foreign_keys {
            let name = name_of(&fk.name);
            constraint(name, format!("foreign key `{name}`"), false, errors);
            key_columns(&fk.columns, &format!("foreign key `{name}`"), errors);
            check_foreign_key(table, fk, &by_name, errors);
        }
        for index in &table.indexes {
            let name = name_of(&index.name);
            let what = format!("index `{name}`");
            ident(what.clone(), name, true, errors);
            catalog.relation(QualifiedName::new(&tn.schema, name), format!("index `{name}` on {tn}"), errors);
            let cols: Vec<String> = index
                .keys
                .iter()
                .filter_map(|k| match &k.target {
                    IndexTarget::Column(c) => Some(c.clone()),
                    IndexTarget::Expression(e) => {
                        nul_check(Some(e), || format!("{what} on {tn}"), errors);
                        None
                    }
                })
                .collect();
            if index.keys.is_empty() {
                errors.push(SchemaError::EmptyKey { table: tn.clone(), used_by: what.clone() });
            }
            if !cols.is_empty() {
                key_columns(&cols, &what, errors);
            }
            for c in &index.include {
                if !columns.contains_key(c.as_str()) {
                    errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.clone(), used_by: format!("INCLUDE of {what}") });
                }
            }
            nul_check(index.predicate.as_deref(), || format!("predicate of {what} on {tn}"), errors);
            nul_check(index.comment.as_deref(), || format!("comment of {what} on {tn}"), errors);
            let method = index.method;
            let mut unsupported = |option: &'static str| {
                errors.push(SchemaError::UnsupportedIndexOption { table: tn.clone(), index: name.to_owned(), method: method.as_sql(), option });
            };
            if index.unique && method != IndexMethod::BTree {
                unsupported("UNIQUE");
            }
            if index.nulls_not_distinct && !index.unique {
                unsupported("NULLS NOT DISTINCT without UNIQUE");
            }
            if !index.include.is_empty() && !matches!(method, IndexMethod::BTree | IndexMethod::Gist | IndexMethod::SpGist) {
                unsupported("INCLUDE");
            }
            if method != IndexMethod::BTree && index.keys.iter().any(|k| k.order.is_some() || k.nulls.is_some()) {
                unsupported("ASC/DESC or NULLS FIRST/LAST");
            }
            if matches!(method, IndexMethod::Hash | IndexMethod::SpGist) && index.keys.len() > 1 {
                unsupported("more than one key column");
            }
        }
        objects::check_partitioning(table, &mut catalog, errors);
        objects::check_policies(table, errors);
        objects::check_triggers(table, schema, errors);
    }
    objects::check_schema_objects(schema, &mut catalog, errors);
}

fn ident(object: String, name: &str, generated: bool, errors: &mut Vec<SchemaError>) {
    if let Err(problem) = check_identifier(name) {
        errors.push(SchemaError::InvalidIdentifier { object, name: name.to_owned(), problem, generated });
    }
}

fn check_columns(table: &Table, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let mut seen = HashSet::new();
    for col in &table.columns {
        ident(format!("column {tn}.{}", col.name), &col.name, false, errors);
        if !seen.insert(col.name.as_str()) {
            errors.push(SchemaError::DuplicateColumn { table: tn.clone(), column: col.name.clone() });
        }
        nul_check(col.comment.as_deref(), || format!("comment of column {tn}.{}", col.name), errors);
        nul_check(col.default.as_deref(), || format!("default of column {tn}.{}", col.name), errors);
        nul_check(col.generated.as_deref(), || format!("generated expression of column {tn}.{}", col.name), errors);
        if let Some(name) = col.ty.named() {
            if name.name.is_empty() || name.name.len() > crate::ident::MAX_IDENTIFIER_BYTES {
                ident(format!("type of column {tn}.{}", col.name), &name.name, false, errors);
            }
        }
        let conflict = |first, second| SchemaError::ConflictingColumnOptions { table: tn.clone(), column: col.name.clone(), first, second };
        if col.identity.is_some() {
            if !col.ty.is_integer() {
                errors.push(SchemaError::IdentityNotInteger { table: tn.clone(), column: col.name.clone(), ty: col.ty.clone() });
            }
            if col.default.is_some() {
                errors.push(conflict("an identity column", "given a default"));
            }
            if col.nullable {
                errors.push(conflict("an identity column", "nullable"));
            }
            if col.generated.is_some() {
                errors.push(conflict("an identity column", "a generated column"));
            }
        }
        if col.generated.is_some() && col.default.is_some() {
            errors.push(conflict("a generated column", "given a default"));
        }
        if matches!(col.ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial) {
            if col.default.is_some() {
                errors.push(conflict("a serial column", "given a default"));
            }
            if col.identity.is_some() {
                errors.push(conflict("a serial column", "an identity column"));
            }
        }
    }
}

fn check_foreign_key(
    table: &Table,
    fk: &crate::model::ForeignKey,
    tables: &HashMap<&QualifiedName, &Table>,
    errors: &mut Vec<SchemaError>,
) {
    let tn = &table.name;
    let constraint = name_of(&fk.name).to_owned();
    let referenced = fk.references.clone();
    let Some(target) = tables.get(&referenced) else {
        errors.push(SchemaError::UnknownReferencedTable { table: tn.clone(), constraint, referenced });
        return;
    };
    if fk.columns.len() != fk.referenced_columns.len() {
        errors.push(SchemaError::ForeignKeyArity {
            table: tn.clone(),
            constraint,
            columns: fk.columns.len(),
            referenced_columns: fk.referenced_columns.len(),
        });
        return;
    }
    let mut all_found = true;
    for (col, ref_col) in fk.columns.iter().zip(&fk.referenced_columns) {
        let Some(target_col) = target.find_column(ref_col) else {
            all_found = false;
            errors.push(SchemaError::UnknownReferencedColumn {
                table: tn.clone(),
                constraint: constraint.clone(),
                referenced: referenced.clone(),
                column: ref_col.clone(),
            });
            continue;
        };
        let Some(own) = table.find_column(col) else { continue };
        if !same_storage(&own.ty, &target_col.ty) {
            errors.push(SchemaError::ForeignKeyTypeMismatch {
                table: tn.clone(),
                constraint: constraint.clone(),
                column: col.clone(),
                column_type: own.ty.clone(),
                referenced: format!("{referenced}.{ref_col}"),
                referenced_type: target_col.ty.clone(),
            });
        }
    }
    if all_found {
        let wanted: BTreeSet<&String> = fk.referenced_columns.iter().collect();
        let is_key = |cols: &[String]| cols.iter().collect::<BTreeSet<_>>() == wanted;
        let unique = target.primary_key.as_ref().is_some_and(|pk| is_key(&pk.columns))
            || target.uniques.iter().any(|u| is_key(&u.columns))
            || target.indexes.iter().any(|i| {
                i.unique
                    && i.predicate.is_none()
                    && i.keys.iter().all(|k| matches!(k.target, IndexTarget::Column(_)))
                    && is_key(&i.keys.iter().filter_map(|k| match &k.target { IndexTarget::Column(c) => Some(c.clone()), _ => None }).collect::<Vec<_>>())
            });
        if !unique {
            errors.push(SchemaError::ForeignKeyTargetNotUnique {
                table: tn.clone(),
                constraint,
                referenced,
                columns: fk.referenced_columns.clone(),
            });
        }
    }
}

/// Types compare by what they store; an unqualified named type matches the same name
/// in `public`.
fn same_storage(a: &SqlType, b: &SqlType) -> bool {
    fn norm(t: &SqlType) -> SqlType {
        match t.storage() {
            SqlType::Named(mut n) if n.schema.is_empty() => {
                n.schema = crate::model::DEFAULT_NAMESPACE.to_owned();
                SqlType::Named(n)
            }
            SqlType::Array(inner) => SqlType::Array(Box::new(norm(&inner))),
            other => other,
        }
    }
    norm(a) == norm(b)
}

fn nul_check(text: Option<&str>, object: impl FnOnce() -> String, errors: &mut Vec<SchemaError>) {
    if text.is_some_and(|t| t.contains('\0')) {
        errors.push(SchemaError::NulInText { object: object() });
    }
}
