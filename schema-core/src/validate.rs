//! Whole-graph checks behind `SchemaBuilder::build`, and the names it chooses for
//! unnamed constraints and indexes. Every check appends to one error list and never
//! stops early, so users see all problems in one run.

use std::borrow::Cow;
use std::collections::HashSet;

mod objects;
pub(crate) mod sql;

use crate::error::SchemaError;
use crate::ident::check_identifier;
use crate::ident::hash::{NameIndex, NameMap, NameSet};
use crate::model::{EnumType, Index, IndexMethod, IndexTarget, QualifiedName, Table};
use crate::schema::Schema;
use crate::types::SqlType;

/// Fills in `table`'s `None` names with PostgreSQL's conventions. Names are not
/// truncated: one over 63 bytes is reported by [`check`] instead.
pub(crate) fn assign_names(table: &mut Table) {
    let t = &table.name.name;
    if let Some(pk) = &mut table.primary_key {
        pk.name.get_or_insert_with(|| format!("{t}_pkey"));
    }
    for u in &mut table.uniques {
        u.name.get_or_insert_with(|| joined_name("", t, u.columns.iter().map(String::as_str), "_key"));
    }
    for fk in &mut table.foreign_keys {
        fk.name.get_or_insert_with(|| joined_name("", t, fk.columns.iter().map(String::as_str), "_fkey"));
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
    assign_index_names(t, &mut table.indexes);
}

/// `{prefix}{table}_{part}_{part}{suffix}`, written into one string.
fn joined_name<'p>(prefix: &str, table: &str, parts: impl Iterator<Item = &'p str> + Clone, suffix: &str) -> String {
    let len = prefix.len() + table.len() + parts.clone().map(|p| p.len() + 1).sum::<usize>() + suffix.len();
    let mut name = String::with_capacity(len);
    name.push_str(prefix);
    name.push_str(table);
    for part in parts {
        name.push('_');
        name.push_str(part);
    }
    name.push_str(suffix);
    name
}

/// Names unnamed indexes `idx_{table}_{keys}`.
pub(crate) fn assign_index_names(t: &str, indexes: &mut [Index]) {
    for index in indexes {
        if index.name.is_none() {
            let keys: Vec<Cow<'_, str>> = index
                .keys
                .iter()
                .map(|k| match &k.target {
                    IndexTarget::Column(c) => Cow::Borrowed(c.as_str()),
                    IndexTarget::Expression(e) => Cow::Owned(slug(e)),
                })
                .collect();
            index.name = Some(joined_name("idx_", t, keys.iter().map(|k| k.as_ref()), ""));
        }
    }
}

/// What holds a name in a catalog namespace; described only when two hold one name.
#[derive(Clone, Copy)]
pub(crate) enum Owner<'a> {
    Table(&'a QualifiedName),
    Enum(&'a QualifiedName),
    Domain(&'a QualifiedName),
    View { name: &'a QualifiedName, materialized: bool },
    PrimaryKey(&'a str),
    Unique(&'a str),
    Index { name: &'a str, on: &'a QualifiedName },
    Partition { name: &'a str, of: &'a QualifiedName },
    DefaultPartition(&'a QualifiedName),
    /// The sequence PostgreSQL creates for an identity or serial column.
    Sequence { table: &'a QualifiedName, column: &'a str, kind: &'static str },
}

impl Owner<'_> {
    fn describe(self) -> String {
        match self {
            Owner::Table(name) => format!("table {name}"),
            Owner::Enum(name) => format!("enum {name}"),
            Owner::Domain(name) => format!("domain {name}"),
            Owner::View { name, materialized: true } => format!("materialized view {name}"),
            Owner::View { name, materialized: false } => format!("view {name}"),
            Owner::PrimaryKey(name) => format!("primary key `{name}`"),
            Owner::Unique(name) => format!("unique constraint `{name}`"),
            Owner::Index { name, on } => format!("index `{name}` on {on}"),
            Owner::Partition { name, of } => format!("partition `{name}` of {of}"),
            Owner::DefaultPartition(of) => {
                format!("partition `{}` of {of}", crate::model::Partitioning::default_partition_name(&of.name))
            }
            Owner::Sequence { table, column, kind } => format!(
                "the sequence PostgreSQL creates for {kind} column {table}.{} (named when the table is created: a relation of that name created later fails, one created earlier makes PostgreSQL pick another name)",
                crate::ident::Ident(column)
            ),
        }
    }
}

/// Names that share a catalog namespace per schema: relations (`pg_class`: tables,
/// views, indexes, partitions, sequences) and types (`pg_type`: enums, domains, and
/// the row type of every table and view). Keys borrow the schema's own strings.
pub(crate) struct Catalog<'a> {
    relations: NameIndex<(&'a str, Cow<'a, str>), Owner<'a>>,
    types: NameIndex<(&'a str, Cow<'a, str>), Owner<'a>>,
}

impl<'a> Catalog<'a> {
    /// A catalog with room for the relations and types of `schema`, so it seldom rehashes.
    fn for_schema(schema: &Schema) -> Self {
        let relations: usize = schema
            .tables
            .iter()
            .map(|t| {
                1 + usize::from(t.primary_key.is_some())
                    + t.uniques.len()
                    + t.indexes.len()
                    + t.partitioning.as_ref().map_or(0, |p| p.partitions.len() + 1)
                    // The sequence of an identity or serial column, which most
                    // tables have one of (counting them would read every column).
                    + 1
            })
            .sum::<usize>()
            + schema.views.iter().map(|v| 1 + v.indexes.len()).sum::<usize>();
        let partitions: usize = schema.tables.iter().filter_map(|t| t.partitioning.as_ref()).map(|p| p.partitions.len() + 1).sum();
        let types = schema.tables.len() + partitions + schema.views.len() + schema.enums.len() + schema.domains.len();
        Self { relations: NameIndex::with_capacity(relations), types: NameIndex::with_capacity(types) }
    }

    /// A relation `name` in `schema`; `false` (and an error, unless PostgreSQL
    /// copes) when the name is taken.
    pub(crate) fn relation(&mut self, schema: &'a str, name: impl Into<Cow<'a, str>>, owner: Owner<'a>, errors: &mut Vec<SchemaError>) -> bool {
        match self.relations.insert((schema, name.into()), owner) {
            Ok(()) => true,
            // PostgreSQL names a second sequence `..._seq1`: two columns may want one name.
            Err((_, Owner::Sequence { .. })) if matches!(owner, Owner::Sequence { .. }) => false,
            Err(((schema, name), first)) => {
                errors.push(SchemaError::DuplicateRelationName {
                    name: QualifiedName::new(*schema, name.as_ref()),
                    first: first.describe(),
                    second: owner.describe(),
                });
                false
            }
        }
    }

    /// A type `name` in `schema`: an enum, a domain, or the row type of a table,
    /// partition or view (every relation with columns has one of its own name).
    pub(crate) fn type_name(&mut self, schema: &'a str, name: impl Into<Cow<'a, str>>, owner: Owner<'a>, errors: &mut Vec<SchemaError>) {
        if let Err(((schema, name), first)) = self.types.insert((schema, name.into()), owner) {
            errors.push(SchemaError::DuplicateTypeName { name: QualifiedName::new(*schema, name.as_ref()), first: first.describe(), second: owner.describe() });
        }
    }
}

/// The name PostgreSQL gives the sequence of an identity or serial column:
/// `{table}_{column}_seq`, the longer of the two names shortened first to fit 63
/// bytes (`makeObjectName`), each cut at a character boundary.
pub(crate) fn sequence_name(table: &str, column: &str) -> String {
    let available = crate::ident::MAX_IDENTIFIER_BYTES - "_seq".len() - 1;
    let (mut t, mut c) = (table.len(), column.len());
    while t + c > available {
        if t > c {
            t -= 1;
        } else {
            c -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        n
    };
    format!("{}_{}_seq", &table[..clip(table, t)], &column[..clip(column, c)])
}

/// `lower(email)` → `lower_email`: the words of an expression, for index names.
fn slug(expr: &str) -> String {
    let words: Vec<&str> = expr.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    if words.is_empty() { "expr".to_owned() } else { words.join("_").to_lowercase() }
}

fn name_of(name: &Option<String>) -> &str {
    name.as_deref().unwrap_or_default()
}

/// Checks the whole graph; returns, for each foreign key of each table in order,
/// the position of the table it references (`u32::MAX` where there is none, which
/// is also an error).
pub(crate) fn check(schema: &Schema, errors: &mut Vec<SchemaError>) -> Vec<u32> {
    let (extensions, enums, tables) = (&schema.extensions, &schema.enums, &schema.tables);
    for ns in &schema.namespaces {
        ident(|| format!("schema `{ns}`"), ns, false, errors);
    }
    for ext in extensions {
        ident(|| format!("extension `{}`", ext.name), &ext.name, false, errors);
    }

    let mut catalog = Catalog::for_schema(schema);
    let mut enums_by_name: NameMap<&QualifiedName, &EnumType> = NameMap::default();
    for e in enums {
        ident(|| format!("enum {}", e.name), &e.name.name, false, errors);
        nul_check(e.comment.as_deref(), || format!("comment of enum {}", e.name), errors);
        if let Some(prev) = enums_by_name.insert(&e.name, e) {
            if prev != e {
                errors.push(SchemaError::ConflictingEnum(e.name.clone()));
            }
            continue;
        }
        catalog.type_name(&e.name.schema, e.name.name.as_str(), Owner::Enum(&e.name), errors);
        let mut seen = HashSet::new();
        for label in &e.values {
            if !seen.insert(label) {
                errors.push(SchemaError::DuplicateEnumLabel { name: e.name.clone(), label: label.clone() });
            }
            if label.len() > crate::ident::MAX_IDENTIFIER_BYTES || label.contains('\0') {
                ident(|| format!("a label of enum {}", e.name), label, false, errors);
            }
        }
    }

    for d in &schema.domains {
        ident(|| format!("domain {}", d.name), &d.name.name, false, errors);
        catalog.type_name(&d.name.schema, d.name.name.as_str(), Owner::Domain(&d.name), errors);
        for c in &d.checks {
            if sql::has_subquery(&c.expr) {
                errors.push(SchemaError::InvalidExpression {
                    object: format!("check of domain {}", d.name),
                    problem: SUBQUERY_IN_CHECK.into(),
                });
            }
        }
    }

    let mut tables_by_name = NameIndex::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        // A name given twice is reported below; the first table keeps it.
        let _ = tables_by_name.insert((t.name.schema.as_str(), t.name.name.as_str()), i as u32);
    }
    let mut references = Vec::with_capacity(tables.iter().map(|t| t.foreign_keys.len()).sum());
    let mut previous: Option<&QualifiedName> = None;
    for table in tables {
        let tn = &table.name;
        if previous == Some(tn) {
            errors.push(SchemaError::DuplicateTable(tn.clone()));
            references.extend(table.foreign_keys.iter().map(|_| u32::MAX));
            continue;
        }
        previous = Some(tn);
        ident(|| format!("table {tn}"), &tn.name, false, errors);
        // Its row type has its name too: a name a relation took is reported once.
        if catalog.relation(&tn.schema, tn.name.as_str(), Owner::Table(tn), errors) {
            catalog.type_name(&tn.schema, tn.name.as_str(), Owner::Table(tn), errors);
        }
        nul_check(table.comment.as_deref(), || format!("comment of table {tn}"), errors);
        check_columns(table, &enums_by_name, &mut catalog, errors);

        let mut constraint_names: Vec<&str> = Vec::with_capacity(table.uniques.len() + table.checks.len() + table.foreign_keys.len() + 1);
        match &table.primary_key {
            None => errors.push(SchemaError::MissingPrimaryKey(tn.clone())),
            Some(pk) => {
                let name = name_of(&pk.name);
                if claim_constraint(&mut constraint_names, tn, name, "primary key", errors) {
                    catalog.relation(&tn.schema, name, Owner::PrimaryKey(name), errors);
                }
                key_columns(table, &pk.columns, || format!("primary key `{name}`"), errors);
                for c in &pk.columns {
                    if table.find_column(c).is_some_and(|col| col.nullable) {
                        errors.push(SchemaError::NullablePrimaryKeyColumn { table: tn.clone(), column: c.clone() });
                    }
                }
            }
        }
        for (i, u) in table.uniques.iter().enumerate() {
            let name = name_of(&u.name);
            if claim_constraint(&mut constraint_names, tn, name, "unique constraint", errors) {
                catalog.relation(&tn.schema, name, Owner::Unique(name), errors);
            }
            key_columns(table, &u.columns, || format!("unique constraint `{name}`"), errors);
            // CREATE TABLE keeps the first of equal keys, the primary key before all.
            let repeated = table
                .primary_key
                .as_ref()
                .filter(|pk| !u.nulls_not_distinct && pk.columns == u.columns)
                .map(|pk| name_of(&pk.name))
                .or_else(|| {
                    table.uniques[..i]
                        .iter()
                        .find(|v| v.columns == u.columns && v.nulls_not_distinct == u.nulls_not_distinct)
                        .map(|v| name_of(&v.name))
                });
            if let Some(first) = repeated {
                errors.push(SchemaError::DuplicateUniqueConstraint {
                    table: tn.clone(),
                    constraint: name.to_owned(),
                    duplicate_of: first.to_owned(),
                });
            }
        }
        for c in &table.checks {
            let name = name_of(&c.name);
            claim_constraint(&mut constraint_names, tn, name, "check constraint", errors);
            nul_check(Some(&c.expr), || format!("check `{name}` on {tn}"), errors);
            if sql::has_subquery(&c.expr) {
                errors.push(SchemaError::InvalidExpression {
                    object: format!("check constraint `{name}` on {tn}"),
                    problem: SUBQUERY_IN_CHECK.into(),
                });
            }
            if let Some(col) = &c.column {
                key_columns(table, std::slice::from_ref(col), || format!("check constraint `{name}`"), errors);
            }
        }
        for fk in &table.foreign_keys {
            let name = name_of(&fk.name);
            claim_constraint(&mut constraint_names, tn, name, "foreign key", errors);
            key_columns(table, &fk.columns, || format!("foreign key `{name}`"), errors);
            check_set_columns(table, fk, errors);
            let target = tables_by_name.get(&(fk.references.schema.as_str(), fk.references.name.as_str())).copied();
            check_foreign_key(target.map(|i| &tables[i as usize]), table, fk, errors);
            references.push(target.unwrap_or(u32::MAX));
        }
        for index in &table.indexes {
            let name = name_of(&index.name);
            ident(|| format!("index `{name}`"), name, true, errors);
            catalog.relation(&tn.schema, name, Owner::Index { name, on: tn }, errors);
            check_index(table, index, errors);
        }
        objects::check_partitioning(table, &mut catalog, errors);
        objects::check_policies(table, errors);
        objects::check_triggers(table, schema, errors);
    }
    objects::check_schema_objects(schema, &mut catalog, errors);
    references
}

/// Records a constraint name of `table`; `false` (and an error) when it is taken.
fn claim_constraint<'a>(
    names: &mut Vec<&'a str>,
    table: &QualifiedName,
    name: &'a str,
    kind: &'static str,
    errors: &mut Vec<SchemaError>,
) -> bool {
    ident(|| format!("{kind} `{name}`"), name, true, errors);
    // Tables have few constraints: a scan beats hashing.
    if !names.contains(&name) {
        names.push(name);
        true
    } else {
        errors.push(SchemaError::DuplicateConstraint { table: table.clone(), name: name.to_owned() });
        false
    }
}

const SUBQUERY_IN_CHECK: &str =
    "PostgreSQL does not allow subqueries (SELECT) in check constraints; check other rows with a trigger, or reference them with a foreign key";

fn check_index(table: &Table, index: &Index, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let name = name_of(&index.name);
    let what = || format!("index `{name}`");
    for key in &index.keys {
        if let IndexTarget::Expression(e) = &key.target {
            nul_check(Some(e), || format!("{} on {tn}", what()), errors);
            check_index_expression(e, || format!("expression of index `{name}` on {tn}"), "index expression", errors);
        }
    }
    if index.keys.is_empty() {
        errors.push(SchemaError::EmptyKey { table: tn.clone(), used_by: what() });
    }
    let cols: Vec<&str> = index.keys.iter().filter_map(index_column).collect();
    if !cols.is_empty() {
        key_columns(table, &cols, what, errors);
    }
    for c in &index.include {
        if table.find_column(c).is_none() {
            errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.clone(), used_by: format!("INCLUDE of {}", what()) });
        }
    }
    nul_check(index.predicate.as_deref(), || format!("predicate of {} on {tn}", what()), errors);
    if let Some(p) = &index.predicate {
        check_index_expression(p, || format!("predicate of index `{name}` on {tn}"), "index predicate", errors);
    }
    nul_check(index.comment.as_deref(), || format!("comment of {} on {tn}", what()), errors);
    check_index_method(tn, index, errors);
}

/// The column an index key is on, unless it is an expression.
fn index_column(key: &crate::model::IndexKey) -> Option<&str> {
    match &key.target {
        IndexTarget::Column(c) => Some(c),
        IndexTarget::Expression(_) => None,
    }
}

/// Index expressions and predicates may only call immutable functions and hold no subquery.
pub(crate) fn check_index_expression(expr: &str, object: impl Fn() -> String, what: &str, errors: &mut Vec<SchemaError>) {
    if let Some(call) = sql::not_immutable(expr) {
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: format!(
                "`{call}` is not immutable, and PostgreSQL allows only immutable functions in an {what} (its value must not change after the row is indexed); compare with a fixed value, or filter at query time"
            ),
        });
    }
    if sql::has_subquery(expr) {
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: format!("PostgreSQL does not allow subqueries (SELECT) in an {what}"),
        });
    }
}

pub(crate) fn check_index_method(relation: &QualifiedName, index: &Index, errors: &mut Vec<SchemaError>) {
    let method = index.method;
    let mut unsupported = |option: &'static str| {
        errors.push(SchemaError::UnsupportedIndexOption {
            table: relation.clone(),
            index: name_of(&index.name).to_owned(),
            method: method.as_sql(),
            option,
        });
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

/// Every column of a key exists and appears once; the key is not empty.
fn key_columns<S: AsRef<str>>(table: &Table, cols: &[S], used_by: impl Fn() -> String, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    if cols.is_empty() {
        errors.push(SchemaError::EmptyKey { table: tn.clone(), used_by: used_by() });
    }
    for (i, c) in cols.iter().enumerate() {
        let c = c.as_ref();
        if table.find_column(c).is_none() {
            errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.to_owned(), used_by: used_by() });
        } else if cols[..i].iter().any(|earlier| earlier.as_ref() == c) {
            errors.push(SchemaError::RepeatedKeyColumn { table: tn.clone(), column: c.to_owned(), used_by: used_by() });
        }
    }
}

pub(crate) fn ident(object: impl FnOnce() -> String, name: &str, generated: bool, errors: &mut Vec<SchemaError>) {
    if let Err(problem) = check_identifier(name) {
        errors.push(SchemaError::InvalidIdentifier { object: object(), name: name.to_owned(), problem, generated });
    }
}

/// The columns every table has already.
const SYSTEM_COLUMNS: [&str; 6] = ["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"];

fn is_serial(ty: &SqlType) -> bool {
    matches!(ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial)
}

fn innermost(ty: &SqlType) -> &SqlType {
    match ty {
        SqlType::Array(inner) => innermost(inner),
        other => other,
    }
}

fn check_columns<'a>(
    table: &'a Table,
    enums: &NameMap<&QualifiedName, &EnumType>,
    catalog: &mut Catalog<'a>,
    errors: &mut Vec<SchemaError>,
) {
    let tn = &table.name;
    // Most tables are narrow: scan earlier columns; hash only wide ones.
    let mut seen: Option<NameSet<&str>> = (table.columns.len() > 32).then(|| {
        let mut set = NameSet::default();
        set.reserve(table.columns.len());
        set
    });
    for (i, col) in table.columns.iter().enumerate() {
        ident(|| format!("column {tn}.{}", col.name), &col.name, false, errors);
        let repeated = match &mut seen {
            Some(seen) => !seen.insert(col.name.as_str()),
            None => table.columns[..i].iter().any(|c| c.name == col.name),
        };
        if repeated {
            errors.push(SchemaError::DuplicateColumn { table: tn.clone(), column: col.name.clone() });
        }
        if SYSTEM_COLUMNS.contains(&col.name.as_str()) {
            errors.push(SchemaError::SystemColumnName { table: tn.clone(), column: col.name.clone() });
        }
        nul_check(col.comment.as_deref(), || format!("comment of column {tn}.{}", col.name), errors);
        nul_check(col.default.as_deref(), || format!("default of column {tn}.{}", col.name), errors);
        nul_check(col.generated.as_deref(), || format!("generated expression of column {tn}.{}", col.name), errors);
        if let Some(name) = col.ty.named() {
            if name.name.is_empty() || name.name.len() > crate::ident::MAX_IDENTIFIER_BYTES {
                ident(|| format!("type of column {tn}.{}", col.name), &name.name, false, errors);
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
        if is_serial(&col.ty) {
            if col.default.is_some() {
                errors.push(conflict("a serial column", "given a default"));
            }
            if col.identity.is_some() {
                errors.push(conflict("a serial column", "an identity column"));
            }
            if col.nullable {
                errors.push(conflict("a serial column (PostgreSQL makes serials NOT NULL)", "nullable"));
            }
        } else if matches!(col.ty, SqlType::Array(_)) && is_serial(innermost(&col.ty)) {
            errors.push(SchemaError::InvalidType {
                object: format!("column {tn}.{}", col.name),
                message: format!(
                    "PostgreSQL has no array of serial (`{}`); use an array of smallint, integer or bigint",
                    col.ty
                ),
            });
        }
        if col.identity.is_some() || is_serial(&col.ty) {
            let kind = if col.identity.is_some() { "identity" } else { "serial" };
            catalog.relation(&tn.schema, sequence_name(&tn.name, &col.name), Owner::Sequence { table: tn, column: &col.name, kind }, errors);
        }
        if let Some(default) = &col.default {
            check_default(table, col, default, enums, errors);
        }
        if let Some(expr) = &col.generated {
            check_generated(table, col, expr, errors);
        }
    }
}

fn check_default(table: &Table, col: &crate::model::Column, default: &str, enums: &NameMap<&QualifiedName, &EnumType>, errors: &mut Vec<SchemaError>) {
    let object = || format!("default of column {}.{}", table.name, crate::ident::Ident(&col.name));
    if sql::has_subquery(default) {
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: "PostgreSQL does not allow subqueries (SELECT) in a DEFAULT; use a function or a trigger".into(),
        });
    }
    // A label that is not the enum's fails when CREATE TABLE coerces the default.
    let SqlType::Named(type_name) = &col.ty else { return };
    let Some((value, cast)) = sql::string_constant(default) else { return };
    let resolve = |n: &QualifiedName| {
        if n.schema.is_empty() {
            enums.get(&QualifiedName::public(n.name.clone())).copied()
        } else {
            enums.get(n).copied()
        }
    };
    let Some(e) = resolve(type_name) else { return };
    if let Some(cast) = cast {
        match SqlType::parse(cast) {
            Ok(SqlType::Named(n)) if resolve(&n).is_some_and(|c| c.name == e.name) => {}
            _ => return,
        }
    }
    if !e.values.contains(&value) {
        let labels: Vec<String> = e.values.iter().map(|l| crate::ident::Literal(l).to_string()).collect();
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: format!(
                "{} is not a label of enum {} ({}), so PostgreSQL refuses the table; use one of its labels",
                crate::ident::Literal(&value),
                e.name,
                labels.join(", ")
            ),
        });
    }
}

fn check_generated(table: &Table, col: &crate::model::Column, expr: &str, errors: &mut Vec<SchemaError>) {
    let object = || format!("generated column {}.{}", table.name, crate::ident::Ident(&col.name));
    let generated = table.columns.iter().filter(|c| c.generated.is_some()).map(|c| c.name.as_str());
    if let Some(other) = sql::first_reference(expr, generated) {
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: format!(
                "its expression uses the generated column {}, and PostgreSQL does not let a generated column read a generated column; write that column's expression out instead",
                crate::ident::Ident(other)
            ),
        });
    }
    if let Some(call) = sql::not_immutable(expr) {
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: format!(
                "`{call}` is not immutable, and PostgreSQL allows only immutable functions in a generated column; use a DEFAULT (set once on insert) or a trigger instead"
            ),
        });
    }
    if sql::has_subquery(expr) {
        errors.push(SchemaError::InvalidExpression {
            object: object(),
            problem: "PostgreSQL does not allow subqueries (SELECT) in a generated column".into(),
        });
    }
}

/// `target`: the referenced table, if the schema has it.
fn check_foreign_key(target: Option<&Table>, table: &Table, fk: &crate::model::ForeignKey, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let constraint = || name_of(&fk.name).to_owned();
    let referenced = &fk.references;
    let Some(target) = target else {
        errors.push(SchemaError::UnknownReferencedTable { table: tn.clone(), constraint: constraint(), referenced: referenced.clone() });
        return;
    };
    if fk.columns.len() != fk.referenced_columns.len() {
        errors.push(SchemaError::ForeignKeyArity {
            table: tn.clone(),
            constraint: constraint(),
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
                constraint: constraint(),
                referenced: referenced.clone(),
                column: ref_col.clone(),
            });
            continue;
        };
        let Some(own) = table.find_column(col) else { continue };
        if !same_storage(&own.ty, &target_col.ty) {
            errors.push(SchemaError::ForeignKeyTypeMismatch {
                table: tn.clone(),
                constraint: constraint(),
                column: col.clone(),
                column_type: own.ty.clone(),
                referenced: format!("{referenced}.{ref_col}"),
                referenced_type: target_col.ty.clone(),
            });
        } else if array_with_type_modifier(&own.ty) {
            errors.push(SchemaError::UnsupportedForeignKeyType {
                table: tn.clone(),
                constraint: constraint(),
                column: col.clone(),
                ty: own.ty.clone(),
            });
        }
    }
    if all_found {
        let wanted = &fk.referenced_columns;
        let is_key = |cols: &[String]| same_column_set(wanted, cols.iter().map(String::as_str));
        let unique = target.primary_key.as_ref().is_some_and(|pk| is_key(&pk.columns))
            || target.uniques.iter().any(|u| is_key(&u.columns))
            || target.indexes.iter().any(|i| {
                i.unique
                    && i.predicate.is_none()
                    && i.keys.iter().all(|k| matches!(k.target, IndexTarget::Column(_)))
                    && same_column_set(wanted, i.keys.iter().filter_map(index_column))
            });
        if !unique {
            errors.push(SchemaError::ForeignKeyTargetNotUnique {
                table: tn.clone(),
                constraint: constraint(),
                referenced: referenced.clone(),
                columns: fk.referenced_columns.clone(),
            });
        }
    }
}

/// `ON DELETE SET NULL (cols)` / `SET DEFAULT (cols)`: PostgreSQL 15 takes the
/// list only there (0A000 on `ON UPDATE`, a syntax error after `CASCADE`), and
/// only columns of the key (42P10). It stores a repeated column once, so a
/// list written with one would never read back as written.
fn check_set_columns(table: &Table, fk: &crate::model::ForeignKey, errors: &mut Vec<SchemaError>) {
    use crate::model::ReferentialAction;
    if fk.on_delete_set_columns.is_empty() {
        return;
    }
    let invalid = |problem: String| SchemaError::InvalidForeignKeyAction {
        table: table.name.clone(),
        constraint: name_of(&fk.name).to_owned(),
        problem,
    };
    if !matches!(fk.on_delete, Some(ReferentialAction::SetNull | ReferentialAction::SetDefault)) {
        let action = fk.on_delete.map_or("no ON DELETE action", ReferentialAction::as_sql);
        errors.push(invalid(format!(
            "it lists the columns ON DELETE sets ({}), but its ON DELETE is {action}: a column list goes only with ON DELETE SET NULL or SET DEFAULT, so choose one of those or drop the list",
            fk.on_delete_set_columns.join(", ")
        )));
    }
    for (i, c) in fk.on_delete_set_columns.iter().enumerate() {
        if !fk.columns.contains(c) {
            errors.push(invalid(format!(
                "ON DELETE sets column `{c}`, which is not a column of the key ({}); PostgreSQL refuses it (42P10), so list only the key's own columns",
                fk.columns.join(", ")
            )));
        } else if fk.on_delete_set_columns[..i].contains(c) {
            errors.push(SchemaError::RepeatedKeyColumn {
                table: table.name.clone(),
                column: c.clone(),
                used_by: format!("the ON DELETE SET column list of foreign key `{}`", name_of(&fk.name)),
            });
        }
    }
}

/// Whether `cols` and `wanted` hold the same columns, in any order (PostgreSQL
/// matches a foreign key's referenced columns to a key that way).
fn same_column_set<'c>(wanted: &[String], cols: impl Iterator<Item = &'c str> + Clone) -> bool {
    cols.clone().all(|c| wanted.iter().any(|w| w == c)) && wanted.iter().all(|w| cols.clone().any(|c| c == w))
}

/// `varchar(n)[]`, `char(n)[]`, `numeric(p,s)[]`: PostgreSQL 15 looks for an
/// `anyarray = varchar[]` operator to check such a foreign key, and finds none.
fn array_with_type_modifier(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Array(_))
        && matches!(innermost(ty), SqlType::Varchar(Some(_)) | SqlType::Char(_) | SqlType::Numeric(Some(_)))
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
    if a == b {
        return true;
    }
    norm(a) == norm(b)
}

pub(crate) fn nul_check(text: Option<&str>, object: impl FnOnce() -> String, errors: &mut Vec<SchemaError>) {
    if text.is_some_and(|t| t.contains('\0')) {
        errors.push(SchemaError::NulInText { object: object() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::SchemaBuilder;

    fn errors(builder: SchemaBuilder) -> Vec<SchemaError> {
        builder.build().err().map(|e| e.0).unwrap_or_default()
    }

    fn table(name: &str) -> Table {
        Table::new(name).column(Column::new("id", SqlType::BigInt)).primary_key(["id"])
    }

    fn one(builder: SchemaBuilder) -> SchemaError {
        let mut found = errors(builder);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.pop().unwrap()
    }

    fn expression_problem(builder: SchemaBuilder) -> (String, String) {
        match one(builder) {
            SchemaError::InvalidExpression { object, problem } => (object, problem),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sequence_names_follow_make_object_name() {
        assert_eq!(sequence_name("users", "id"), "users_id_seq");
        let long = sequence_name(&"t".repeat(60), &"c".repeat(10));
        assert_eq!(long, format!("{}_{}_seq", "t".repeat(48), "c".repeat(10)));
        assert_eq!(sequence_name(&"t".repeat(40), &"c".repeat(40)).len(), 63);
        // Cut at a character boundary: 'é' is two bytes.
        let cut = sequence_name(&"é".repeat(40), "id");
        assert!(cut.len() <= 63 && cut.ends_with("_id_seq"), "{cut}");
    }

    #[test]
    fn sequences_claim_their_names() {
        let identity = Table::new("a").column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).primary_key(["id"]);
        let e = one(Schema::builder().add_table(identity.clone()).add_table(table("a_id_seq")));
        assert!(matches!(&e, SchemaError::DuplicateRelationName { name, .. } if name.name == "a_id_seq"), "{e:?}");
        assert!(e.to_string().contains("identity column public.a.id"), "{e}");
        // Another schema, or two sequences of one name (PostgreSQL numbers the second): fine.
        assert!(errors(Schema::builder().add_table(identity).add_table(Table::in_schema("other", "a_id_seq").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))).is_empty());
        let serial = |t: &str, c: &str| Table::new(t).column(Column::new(c, SqlType::Serial)).primary_key([c]);
        assert!(errors(Schema::builder().add_table(serial("a_b", "c")).add_table(serial("a", "b_c"))).is_empty());
    }

    #[test]
    fn column_rules() {
        let e = one(Schema::builder().add_table(table("t").column(Column::new("ctid", SqlType::Text))));
        assert!(matches!(e, SchemaError::SystemColumnName { .. }), "{e:?}");
        let e = one(Schema::builder().add_table(table("t").column(Column::new("s", SqlType::BigSerial.array().array()))));
        assert!(matches!(e, SchemaError::InvalidType { .. }), "{e:?}");
        let e = one(Schema::builder().add_table(table("t").column(Column::new("s", SqlType::SmallSerial).nullable())));
        assert!(matches!(e, SchemaError::ConflictingColumnOptions { second: "nullable", .. }), "{e:?}");
        assert!(errors(Schema::builder().add_table(table("t").column(Column::new("oid", SqlType::Integer)))).is_empty());
    }

    #[test]
    fn repeated_unique_keys() {
        let t = table("t").column(Column::new("a", SqlType::Text)).column(Column::new("b", SqlType::Text));
        let e = one(Schema::builder().add_table(t.clone().unique(UniqueConstraint::new(["id"]))));
        assert!(matches!(&e, SchemaError::DuplicateUniqueConstraint { constraint, duplicate_of, .. } if constraint == "t_id_key" && duplicate_of == "t_pkey"), "{e:?}");
        let e = one(Schema::builder().add_table(t.clone().unique(UniqueConstraint::new(["a", "b"])).unique(UniqueConstraint::new(["a", "b"]).named("again"))));
        assert!(matches!(&e, SchemaError::DuplicateUniqueConstraint { constraint, .. } if constraint == "again"), "{e:?}");
        let fine = t
            .unique(UniqueConstraint::new(["a", "b"]))
            .unique(UniqueConstraint::new(["b", "a"]))
            .unique(UniqueConstraint::new(["a", "b"]).nulls_not_distinct().named("u3"))
            .unique(UniqueConstraint::new(["id"]).nulls_not_distinct());
        assert!(errors(Schema::builder().add_table(fine)).is_empty());
    }

    #[test]
    fn foreign_keys_on_arrays_with_modifiers() {
        let ty = SqlType::Numeric(Some((5, None))).array();
        let t = Table::new("t")
            .column(Column::new("k", ty.clone()))
            .column(Column::new("p", ty).nullable())
            .primary_key(["k"])
            .foreign_key(ForeignKey::new(["p"], QualifiedName::public("t"), ["k"]));
        assert!(matches!(one(Schema::builder().add_table(t)), SchemaError::UnsupportedForeignKeyType { .. }));
    }

    #[test]
    fn generated_columns() {
        let t = table("t")
            .column(Column::new("price", SqlType::Integer))
            .column(Column::new("Net", SqlType::Integer).generated("price * 2"));
        assert!(errors(Schema::builder().add_table(t.clone().column(Column::new("gross", SqlType::Integer).generated("price + \"net\"")))).is_empty());
        let (object, problem) =
            expression_problem(Schema::builder().add_table(t.clone().column(Column::new("gross", SqlType::Integer).generated("\"Net\" + 1"))));
        assert!(object.contains("public.t.gross") && problem.contains("\"Net\""), "{object}: {problem}");
        let (_, problem) = expression_problem(
            Schema::builder().add_table(table("t").column(Column::new("at", SqlType::Timestamptz).generated("now() + interval '1 day'"))),
        );
        assert!(problem.contains("`now` is not immutable"), "{problem}");
        let partitioned = Table::new("p")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("k", SqlType::Integer).generated("id % 4"))
            .primary_key(["id", "k"])
            .partition_by(Partitioning::list("k").values("p0", ["0"]));
        let e = one(Schema::builder().add_table(partitioned));
        assert!(matches!(&e, SchemaError::InvalidPartitioning { problem, .. } if problem.contains("generated")), "{e:?}");
    }

    #[test]
    fn index_expressions_and_predicates_must_be_immutable() {
        let t = || table("t").column(Column::new("at", SqlType::Timestamptz)).column(Column::new("d", SqlType::Date));
        let (object, _) = expression_problem(Schema::builder().add_table(t().index(Index::on(["at"]).where_("at > now()"))));
        assert!(object.starts_with("predicate of index"), "{object}");
        let (object, problem) =
            expression_problem(Schema::builder().add_table(t().index(Index::with_keys([IndexKey::expression("d < CURRENT_DATE")]))));
        assert!(object.starts_with("expression of index") && problem.contains("CURRENT_DATE"), "{object}: {problem}");
        assert!(errors(Schema::builder().add_table(t().index(Index::on(["at"]).where_("at > '2024-01-01'")))).is_empty());
        let view = View::materialized(QualifiedName::public("v"), "SELECT id FROM t")
            .depends_on(QualifiedName::public("t"))
            .index(Index::on(["id"]).where_("random() > 0.5"));
        expression_problem(Schema::builder().add_table(t()).view(view));
    }

    #[test]
    fn checks_and_defaults_hold_no_subquery() {
        let (_, problem) = expression_problem(Schema::builder().add_table(table("t").check(CheckConstraint::new("id IN (SELECT 1)"))));
        assert!(problem.contains("subqueries"), "{problem}");
        expression_problem(Schema::builder().domain(Domain::new("d", SqlType::Integer).check(CheckConstraint::new("VALUE > (select 0)"))));
        expression_problem(Schema::builder().add_table(table("t").column(Column::new("n", SqlType::Integer).default_expr("(SELECT 1)"))));
        assert!(errors(Schema::builder().add_table(table("t").check(CheckConstraint::new("id <> 0 AND 'SELECT' <> ''")))).is_empty());
    }

    #[test]
    fn enum_defaults_must_be_labels() {
        let status = || EnumType::new("status", ["active", "it's"]);
        let with_default = |ty: SqlType, default: &str| {
            Schema::builder().enum_type(status()).add_table(table("t").column(Column::new("s", ty).default_expr(default)))
        };
        let named = SqlType::Named(QualifiedName::public("status"));
        for ok in ["'active'", "'it''s'", "'active'::status", "'active'::public.status", "'x'::text", "lower('X')"] {
            assert!(errors(with_default(named.clone(), ok)).is_empty(), "{ok}");
        }
        let (object, problem) = expression_problem(with_default(named.clone(), "'Active'"));
        assert!(object.contains("public.t.s") && problem.contains("'Active' is not a label of enum public.status ('active', 'it''s')"), "{problem}");
        expression_problem(with_default(named, "'gone'::public.status"));
        expression_problem(with_default(SqlType::Named(QualifiedName::unqualified("status")), "'gone'"));
    }

    #[test]
    fn range_partitions_must_not_overlap_or_be_empty() {
        let date = CivilDate::new(2026, 1, 1).unwrap();
        let events = |p: Partitioning| {
            Schema::builder().add_table(
                Table::new("events")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("day", SqlType::Date))
                    .primary_key(["id", "day"])
                    .partition_by(p),
            )
        };
        let range = |name: &str, from: &str, to: &str| Partition::new(name, PartitionBound::Range { from: vec![from.into()], to: vec![to.into()] });
        assert!(errors(events(Partitioning::range(["day"]).monthly(date, 3).partition(range("old", "MINVALUE", "'2026-01-01'")))).is_empty());
        let problem = |b: SchemaBuilder| match one(b) {
            SchemaError::InvalidPartitioning { problem, .. } => problem,
            other => panic!("{other:?}"),
        };
        let p = problem(events(Partitioning::range(["day"]).monthly(date, 3).partition(range("extra", "'2026-02-15'", "'2026-03-01'"))));
        assert!(p.contains("`extra`") && p.contains("overlaps partition `events_2026_02`"), "{p}");
        let p = problem(events(Partitioning::range(["day"]).partition(range("empty", "'2026-01-01'", "'2026-01-01'"))));
        assert!(p.contains("`empty` is empty"), "{p}");
        problem(events(Partitioning::range(["day"]).partition(range("backwards", "'2026-02-01'", "'2026-01-01'"))));
        // Expressions, casts and mixed kinds are left to the server.
        assert!(errors(events(Partitioning::range(["day"]).monthly(date, 3).partition(range("x", "'2026-02-01'::date", "'2026-03-01'")))).is_empty());
        // Integers, with several key columns.
        let two = |parts: Vec<Partition>| {
            let mut p = Partitioning::range(["a", "b"]);
            p.partitions = parts;
            Schema::builder().add_table(
                Table::new("t").column(Column::new("a", SqlType::Integer)).column(Column::new("b", SqlType::Integer)).primary_key(["a", "b"]).partition_by(p),
            )
        };
        let r2 = |name: &str, from: [&str; 2], to: [&str; 2]| {
            Partition::new(name, PartitionBound::Range { from: from.map(String::from).to_vec(), to: to.map(String::from).to_vec() })
        };
        assert!(errors(two(vec![r2("p1", ["1", "MINVALUE"], ["1", "MAXVALUE"]), r2("p2", ["1", "MAXVALUE"], ["2", "0"])])).is_empty());
        problem(two(vec![r2("p1", ["1", "MINVALUE"], ["1", "MAXVALUE"]), r2("p2", ["1", "5"], ["2", "0"])]));
    }

    /// A view calling a function that returns the view's rows, and two views
    /// reading each other: no order creates them, so `build()` says so
    /// (naming each around the cycle) instead of emitting a script that fails.
    #[test]
    fn functions_and_views_needing_each_other_are_refused() {
        let v = QualifiedName::public("v");
        let rows = Function::new(QualifiedName::public("v_rows"), "SETOF public.v", "sql", "SELECT * FROM public.v").arguments("n integer DEFAULT 1");
        let e = one(Schema::builder().add_table(table("t")).function(rows.clone()).view(View::new(v.clone(), "SELECT * FROM public.v_rows()").depends_on(QualifiedName::public("t"))));
        assert_eq!(e, SchemaError::DependencyCycle { objects: vec!["function public.v_rows(n integer)".into(), "view public.v".into()] });
        let m = e.to_string();
        assert!(m.starts_with("function public.v_rows(n integer) -> view public.v -> function public.v_rows(n integer): each needs the next created first"), "{m}");
        // Declared, the same.
        let rows = Function::new(QualifiedName::public("total"), "bigint", "plpgsql", "BEGIN RETURN 1; END").depends_on(v.clone());
        assert!(matches!(one(Schema::builder().function(rows).view(View::new(v.clone(), "SELECT public.total()"))), SchemaError::DependencyCycle { .. }));
        let e = one(Schema::builder().view(View::new(v.clone(), "SELECT 1").depends_on(QualifiedName::public("w"))).view(View::materialized(QualifiedName::public("w"), "SELECT 1").depends_on(v.clone())));
        assert_eq!(e, SchemaError::DependencyCycle { objects: vec!["view public.v".into(), "materialized view public.w".into()] });
        // Without the call, it builds.
        let rows = Function::new(QualifiedName::public("v_rows"), "SETOF public.v", "sql", "SELECT * FROM public.v");
        assert!(errors(Schema::builder().function(rows).view(View::new(v, "SELECT 1 AS one"))).is_empty());
    }

    #[test]
    fn privileges_must_fit_their_target() {
        let grant = |privileges: Vec<Privilege>, target: GrantTarget| {
            Schema::builder().add_table(table("t")).grant(Grant::new(privileges, target, ["app"]))
        };
        let t = || GrantTarget::Table { table: QualifiedName::public("t"), columns: vec![] };
        let cols = || GrantTarget::Table { table: QualifiedName::public("t"), columns: vec!["id".into()] };
        let bad = |b: SchemaBuilder| match one(b) {
            SchemaError::InvalidGrant { grant, problem } => format!("{grant}: {problem}"),
            other => panic!("{other:?}"),
        };
        let m = bad(grant(vec![Privilege::Select, Privilege::Execute], t()));
        assert!(m.starts_with("GRANT SELECT, EXECUTE ON TABLE public.t TO app: EXECUTE does not apply"), "{m}");
        bad(grant(vec![Privilege::Usage], t()));
        bad(grant(vec![Privilege::Delete], cols()));
        bad(grant(vec![Privilege::Insert], GrantTarget::AllSequencesInSchema("public".into())));
        bad(grant(vec![Privilege::Insert], GrantTarget::Schema("public".into())));
        bad(grant(vec![Privilege::Select], GrantTarget::AllFunctionsInSchema("public".into())));
        bad(grant(vec![], t()));
        for (privileges, target) in [
            (vec![Privilege::All], cols()),
            (vec![Privilege::Select, Privilege::References], cols()),
            (vec![Privilege::Usage, Privilege::Select, Privilege::Update], GrantTarget::AllSequencesInSchema("public".into())),
            (vec![Privilege::Execute], GrantTarget::AllFunctionsInSchema("public".into())),
            (vec![Privilege::Usage], GrantTarget::Schema("public".into())),
            (vec![Privilege::Truncate, Privilege::Trigger], GrantTarget::AllTablesInSchema("public".into())),
        ] {
            assert!(errors(grant(privileges, target)).is_empty());
        }
        let defaults = |objects, privileges: Vec<Privilege>| {
            Schema::builder().default_privileges(DefaultPrivileges::new("public", objects, privileges, ["app"]))
        };
        bad(defaults(DefaultObjects::Tables, vec![Privilege::Execute]));
        bad(defaults(DefaultObjects::Sequences, vec![Privilege::Insert]));
        bad(defaults(DefaultObjects::Functions, vec![Privilege::Usage]));
        assert!(errors(defaults(DefaultObjects::Sequences, vec![Privilege::Usage, Privilege::Select])).is_empty());
    }

    /// `(tenant_id, parent_id) REFERENCES parents (tenant_id, id)`, with `fk` applied.
    fn tenant_kids(fk: impl FnOnce(ForeignKey) -> ForeignKey) -> SchemaBuilder {
        let parents = Table::new("parents")
            .column(Column::new("tenant_id", SqlType::BigInt))
            .column(Column::new("id", SqlType::BigInt))
            .primary_key(["tenant_id", "id"]);
        let kids = table("kids")
            .column(Column::new("tenant_id", SqlType::BigInt))
            .column(Column::new("parent_id", SqlType::BigInt).nullable())
            .foreign_key(fk(ForeignKey::new(["tenant_id", "parent_id"], QualifiedName::public("parents"), ["tenant_id", "id"])));
        Schema::builder().add_table(parents).add_table(kids)
    }

    #[test]
    fn on_delete_set_columns() {
        use ReferentialAction::*;
        for action in [SetNull, SetDefault] {
            assert!(errors(tenant_kids(|fk| fk.on_delete(action).on_delete_set_columns(["parent_id"]))).is_empty());
            // Every column of the key, in another order: PostgreSQL keeps it as written.
            assert!(errors(tenant_kids(|fk| fk.on_delete(action).on_delete_set_columns(["parent_id", "tenant_id"]))).is_empty());
        }
        // ON UPDATE has no list of its own; the ON DELETE list does not bind it.
        assert!(errors(tenant_kids(|fk| fk.on_delete(SetNull).on_update(SetNull).on_delete_set_columns(["parent_id"]))).is_empty());

        for action in [None, Some(Cascade), Some(Restrict), Some(NoAction)] {
            let e = one(tenant_kids(|mut fk| {
                fk.on_delete = action;
                fk.on_delete_set_columns(["parent_id"])
            }));
            assert!(matches!(&e, SchemaError::InvalidForeignKeyAction { constraint, .. } if constraint == "kids_tenant_id_parent_id_fkey"), "{e:?}");
            assert!(e.to_string().contains("only with ON DELETE SET NULL or SET DEFAULT"), "{e}");
        }
        let e = one(tenant_kids(|fk| fk.on_delete(SetNull).on_delete_set_columns(["id"])));
        assert!(matches!(&e, SchemaError::InvalidForeignKeyAction { problem, .. } if problem.contains("`id`, which is not a column of the key (tenant_id, parent_id)")), "{e:?}");
        let e = one(tenant_kids(|fk| fk.on_delete(SetNull).on_delete_set_columns(["parent_id", "parent_id"])));
        assert!(matches!(&e, SchemaError::RepeatedKeyColumn { column, .. } if column == "parent_id"), "{e:?}");
        assert!(e.to_string().contains("the ON DELETE SET column list of foreign key `kids_tenant_id_parent_id_fkey` on table public.kids lists column `parent_id` twice"), "{e}");
    }

    #[test]
    fn on_delete_set_columns_in_ddl() {
        let schema = tenant_kids(|fk| fk.on_delete(ReferentialAction::SetNull).on_delete_set_columns(["parent_id"]).on_update(ReferentialAction::Cascade))
            .build()
            .unwrap();
        assert!(
            schema.to_ddl().contains(
                "FOREIGN KEY (tenant_id, parent_id) REFERENCES public.parents (tenant_id, id) ON DELETE SET NULL (parent_id) ON UPDATE CASCADE"
            ),
            "{}",
            schema.to_ddl()
        );
        let kids = schema.tables().iter().find(|t| t.name.name == "kids").unwrap();
        assert_eq!(kids.foreign_keys[0].on_delete_set(), ["parent_id"]);
        let all = ForeignKey::new(["a", "b"], QualifiedName::public("p"), ["a", "b"]);
        assert_eq!(all.on_delete_set(), ["a", "b"]);
    }
}
