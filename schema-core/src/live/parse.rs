//! Catalog rows to the schema graph: a pure function, tested without a server.
//!
//! What the model cannot hold is not dropped silently: each such object or
//! attribute is reported as an [`Unsupported`] item beside the graph.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::rows::*;
use crate::model::{
    CheckConstraint, Column, DefaultObjects, DefaultPrivileges, Deferrable, Domain, EnumType, Extension, ForeignKey, Function,
    Grant, GrantTarget, Identity, Index, IndexKey, IndexMethod, NullsOrder, Partition, PartitionBound,
    PartitionStrategy, Partitioning, Policy, PolicyCommand, PrimaryKey, Privilege, QualifiedName, ReferentialAction, Role,
    RowLevelSecurity, SortOrder, Table, Trigger, TriggerEvent, TriggerTiming, UniqueConstraint, View, Volatility,
};
use crate::schema::{ReadRelation, Schema, SchemaBuilder};
use crate::types::SqlType;
use crate::SchemaErrors;

/// Something in the database the schema graph cannot represent (yet).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unsupported {
    /// The object (`table public.t`, `index public.i`).
    pub object: String,
    /// What about it is not represented.
    pub what: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.object, self.what)
    }
}

/// The graph read from catalog rows, and what it leaves out.
#[derive(Debug)]
pub struct Parsed {
    /// The validated graph, or why it does not validate.
    pub schema: Result<Schema, SchemaErrors>,
    /// Objects and attributes the graph does not hold.
    pub unsupported: Vec<Unsupported>,
    /// Indexes left INVALID by a failed `CREATE INDEX CONCURRENTLY` (`schema.name`).
    pub invalid_indexes: Vec<QualifiedName>,
}

struct Notes(Vec<Unsupported>);

impl Notes {
    fn add(&mut self, object: impl fmt::Display, what: impl Into<String>) {
        self.0.push(Unsupported { object: object.to_string(), what: what.into() });
    }
}

/// Builds the schema graph from the rows of one introspection of `schemas`.
pub fn parse(rows: &CatalogRows, schemas: &[String]) -> Parsed {
    let mut notes = Notes(Vec::new());
    let mut invalid_indexes = Vec::new();
    let mut builder = Schema::builder();
    for ns in &rows.namespaces {
        builder = builder.namespace(ns.clone());
    }
    for e in &rows.extensions {
        builder = builder.extension(Extension::new(e.name.clone()).in_schema(e.schema.clone()));
    }
    for r in &rows.roles {
        let mut role = if r.login { Role::login(r.name.clone()) } else { Role::group(r.name.clone()) };
        role.member_of = r.member_of.clone();
        role.comment = r.comment.clone();
        builder = builder.role(role);
    }
    for e in &rows.enums {
        let mut t = EnumType::in_schema(e.schema.clone(), e.name.clone(), e.labels.clone());
        t.comment = e.comment.clone();
        builder = builder.enum_type(t);
    }
    for d in &rows.domains {
        let name = QualifiedName::new(&d.schema, &d.name);
        let base = parse_type(&d.base, &format!("domain {name}"), &mut notes);
        let mut domain = Domain::new(d.name.clone(), base);
        domain.name = name;
        domain.not_null = d.not_null;
        domain.default = d.default.clone();
        domain.comment = d.comment.clone();
        for (n, e) in d.check_names.iter().zip(&d.check_exprs) {
            domain.checks.push(CheckConstraint::new(e.clone()).named(n.clone()));
        }
        builder = builder.domain(domain);
    }
    for t in build_tables(rows, &mut notes, &mut invalid_indexes) {
        builder = builder.add_table(t);
    }
    for v in build_views(rows, schemas, &mut notes, &mut invalid_indexes) {
        builder = builder.view(v);
    }
    let relations: Vec<QualifiedName> = rows
        .tables
        .iter()
        .map(|t| QualifiedName::new(&t.schema, &t.name))
        .chain(rows.views.iter().map(|v| QualifiedName::new(&v.schema, &v.name)))
        .collect();
    for f in &rows.functions {
        if let Some(mut function) = build_function(f, &mut notes) {
            function.depends_on = body_reads(&function, &relations);
            builder = builder.function(function);
        }
    }
    builder = add_grants(builder, rows, &mut notes);
    notes.0.sort();
    notes.0.dedup();
    let schema = builder.build().map(|mut schema| {
        schema.read_relations = read_relations(rows);
        schema
    });
    Parsed { schema, unsupported: notes.0, invalid_indexes }
}

/// The relations the graph does not hold whose names the rows give: the
/// sequences of identity and serial columns (of the tables read) and the
/// indexes of partitions.
fn read_relations(rows: &CatalogRows) -> Vec<ReadRelation> {
    let tables: std::collections::HashSet<(&str, &str)> = rows.tables.iter().map(|t| (t.schema.as_str(), t.name.as_str())).collect();
    let mut out = Vec::new();
    for c in rows.columns.iter().filter(|c| tables.contains(&(c.schema.as_str(), c.table.as_str()))) {
        if let Some((schema, name)) = &c.sequence {
            out.push(ReadRelation::Sequence { name: QualifiedName::new(schema, name), table: QualifiedName::new(&c.schema, &c.table), column: c.name.clone() });
        }
    }
    for p in rows.partitions.iter().filter(|p| tables.contains(&(p.parent_schema.as_str(), p.parent.as_str()))) {
        for (i, index) in p.indexes.iter().enumerate() {
            let parent = p.index_parents.get(i).filter(|n| !n.is_empty()).cloned();
            out.push(ReadRelation::PartitionIndex {
                name: QualifiedName::new(&p.schema, index),
                table: QualifiedName::new(&p.parent_schema, &p.parent),
                partition: p.name.clone(),
                parent,
            });
        }
    }
    out.sort();
    out
}

/// A type as `format_type` prints it, read back by [`SqlType::parse`].
fn parse_type(text: &str, object: &str, notes: &mut Notes) -> SqlType {
    match SqlType::parse(text) {
        Ok(t) => t,
        Err(e) => {
            notes.add(object, format!("type `{text}` has no SqlType ({})", e.reason));
            SqlType::Text
        }
    }
}

type Key = (String, String);

fn group<T>(items: &[T], key: impl Fn(&T) -> Key) -> HashMap<Key, Vec<&T>> {
    let mut map: HashMap<Key, Vec<&T>> = HashMap::new();
    for item in items {
        map.entry(key(item)).or_default().push(item);
    }
    map
}

fn build_tables(rows: &CatalogRows, notes: &mut Notes, invalid: &mut Vec<QualifiedName>) -> Vec<Table> {
    let columns = group(&rows.columns, |c| (c.schema.clone(), c.table.clone()));
    let constraints = group(&rows.constraints, |c| (c.schema.clone(), c.table.clone()));
    let indexes = group(&rows.indexes, |c| (c.schema.clone(), c.table.clone()));
    let partitions = group(&rows.partitions, |c| (c.parent_schema.clone(), c.parent.clone()));
    let triggers = group(&rows.triggers, |c| (c.schema.clone(), c.table.clone()));
    let policies = group(&rows.policies, |c| (c.schema.clone(), c.table.clone()));
    let mut tables = Vec::new();
    for row in &rows.tables {
        let key = (row.schema.clone(), row.name.clone());
        let qn = QualifiedName::new(&row.schema, &row.name);
        let object = format!("table {qn}");
        let mut table = Table::in_schema(row.schema.clone(), row.name.clone());
        table.comment = row.comment.clone();
        table.rls = RowLevelSecurity { enabled: row.rls_enabled, forced: row.rls_forced };
        if row.persistence != "p" {
            notes.add(&object, "UNLOGGED");
        }
        if row.inherits {
            notes.add(&object, "table inheritance (INHERITS)");
        }
        for c in columns.get(&key).into_iter().flatten() {
            table.columns.push(build_column(c, notes));
        }
        for c in constraints.get(&key).into_iter().flatten() {
            add_constraint(&mut table, c, notes);
        }
        for i in indexes.get(&key).into_iter().flatten() {
            if !i.valid {
                invalid.push(QualifiedName::new(&i.schema, &i.name));
            }
            if let Some(index) = build_index(i, notes) {
                table.indexes.push(index);
            }
        }
        if let Some(strategy) = &row.partition_strategy {
            let strategy = match strategy.as_str() {
                "r" => PartitionStrategy::Range,
                "l" => PartitionStrategy::List,
                _ => PartitionStrategy::Hash,
            };
            if row.partition_key_unsupported {
                notes.add(&object, format!("partition key `{}` (expressions or operator classes)", row.partition_key.as_deref().unwrap_or("")));
            }
            let mut p = Partitioning::range(row.partition_columns.clone());
            p.strategy = strategy;
            for part in partitions.get(&key).into_iter().flatten() {
                add_partition(&mut p, &qn, part, notes);
                check_partition_rls(&table.rls, &qn, part, notes);
            }
            table.partitioning = Some(p);
        }
        for t in triggers.get(&key).into_iter().flatten() {
            if let Some(trigger) = build_trigger(t, notes) {
                table.triggers.push(trigger);
            }
        }
        for p in policies.get(&key).into_iter().flatten() {
            table.policies.push(build_policy(p));
        }
        tables.push(table);
    }
    for p in rows.policies.iter().filter(|p| p.on_partition) {
        notes.add(
            format!("policy {} on partition {}.{}", p.name, p.schema, p.table),
            "a partition's own policy (queries through the parent use the parent's policies; the graph gives partitions none, so access by name is denied)",
        );
    }
    tables
}

fn build_column(c: &ColumnRow, notes: &mut Notes) -> Column {
    let object = format!("column {}.{}.{}", c.schema, c.table, c.name);
    let mut ty = parse_type(&c.ty, &object, notes);
    let mut default = c.default.clone();
    let serial = c.owns_sequence && default.as_deref().is_some_and(|d| d.starts_with("nextval("));
    if serial {
        match ty {
            SqlType::SmallInt => ty = SqlType::SmallSerial,
            SqlType::Integer => ty = SqlType::Serial,
            SqlType::BigInt => ty = SqlType::BigSerial,
            _ => {}
        }
        if matches!(ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial) {
            default = None;
            // A serial widened by `ALTER COLUMN ... TYPE` alone: its values
            // still stop at its sequence's maximum, which a serial of the
            // column's type would not.
            let storage = ty.storage().to_string();
            if let Some(seq) = c.sequence_type.as_deref().filter(|t| *t != storage) {
                let name = c.sequence.as_ref().map_or_else(String::new, |(schema, name)| format!(" {}", QualifiedName::new(schema, name)));
                notes.add(&object, format!("a {storage} column whose serial sequence{name} is {seq} (nextval stops at the {seq} maximum; ALTER SEQUENCE ... AS {storage})"));
            }
        }
    }
    let mut column = Column::new(c.name.clone(), ty);
    column.nullable = !c.not_null;
    column.comment = c.comment.clone();
    column.identity = match c.identity.as_str() {
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        _ => None,
    };
    if c.generated == "s" {
        column.generated = default.take();
    } else if !c.generated.is_empty() {
        notes.add(&object, format!("generated column kind `{}`", c.generated));
    }
    column.default = default;
    if let Some(coll) = &c.collation {
        notes.add(&object, format!("COLLATE {coll}"));
    }
    column
}

fn action(code: &str) -> Option<ReferentialAction> {
    match code {
        "r" => Some(ReferentialAction::Restrict),
        "c" => Some(ReferentialAction::Cascade),
        "n" => Some(ReferentialAction::SetNull),
        "d" => Some(ReferentialAction::SetDefault),
        _ => None, // `a`: NO ACTION, PostgreSQL's default, which the model writes as not chosen
    }
}

fn add_constraint(table: &mut Table, c: &ConstraintRow, notes: &mut Notes) {
    let object = format!("constraint {} on {}", c.name, table.name);
    if !c.validated {
        notes.add(&object, "NOT VALID");
    }
    if c.deferrable && c.kind != "f" {
        notes.add(&object, "DEFERRABLE (only foreign keys hold it)");
    }
    match c.kind.as_str() {
        "p" => table.primary_key = Some(PrimaryKey::new(c.columns.clone()).named(c.name.clone())),
        "u" => {
            let mut u = UniqueConstraint::new(c.columns.clone()).named(c.name.clone());
            u.nulls_not_distinct = c.nulls_not_distinct;
            table.uniques.push(u);
        }
        "c" => {
            if c.no_inherit {
                notes.add(&object, "NO INHERIT");
            }
            let mut check = CheckConstraint::new(c.check.clone().unwrap_or_default()).named(c.name.clone());
            if c.columns.len() == 1 {
                check.column = Some(c.columns[0].clone());
            }
            table.checks.push(check);
        }
        "f" => {
            if c.match_type == "f" {
                notes.add(&object, "MATCH FULL");
            }
            let references = QualifiedName::new(c.ref_schema.clone().unwrap_or_default(), c.ref_table.clone().unwrap_or_default());
            let mut fk = ForeignKey::new(c.columns.clone(), references, c.ref_columns.clone()).named(c.name.clone());
            fk.on_delete = action(&c.on_delete);
            fk.on_update = action(&c.on_update);
            fk.on_delete_set_columns = c.on_delete_set_columns.clone();
            fk.deferrable = match (c.deferrable, c.deferred) {
                (true, true) => Deferrable::InitiallyDeferred,
                (true, false) => Deferrable::InitiallyImmediate,
                _ => Deferrable::No,
            };
            table.foreign_keys.push(fk);
        }
        _ => notes.add(&object, format!("exclusion constraint `{}`", c.definition)),
    }
}

fn build_index(i: &IndexRow, notes: &mut Notes) -> Option<Index> {
    let object = format!("index {}.{}", i.schema, i.name);
    let Some(method) = IndexMethod::parse(&i.method) else {
        notes.add(&object, format!("access method `{}`", i.method));
        return None;
    };
    let key_count = i.key_count.max(0) as usize;
    let mut keys = Vec::with_capacity(key_count);
    for k in 0..key_count.min(i.columns.len()) {
        let mut key = match &i.columns[k] {
            Some(col) => IndexKey::column(col.clone()),
            None => IndexKey::expression(i.definitions.get(k).cloned().unwrap_or_default()),
        };
        key.opclass = i.opclasses.get(k).cloned().flatten();
        let bits = i.options.get(k).copied().unwrap_or(0);
        let (desc, nulls_first) = (bits & 1 != 0, bits & 2 != 0);
        key.order = desc.then_some(SortOrder::Desc);
        key.nulls = match (desc, nulls_first) {
            (true, false) => Some(NullsOrder::Last),
            (false, true) => Some(NullsOrder::First),
            _ => None,
        };
        keys.push(key);
    }
    let mut index = Index::with_keys(keys).named(i.name.clone()).using(method);
    for col in i.columns.iter().skip(key_count) {
        match col {
            Some(c) => index.include.push(c.clone()),
            None => notes.add(&object, "an expression in INCLUDE"),
        }
    }
    index.unique = i.unique;
    index.nulls_not_distinct = i.nulls_not_distinct;
    index.predicate = i.predicate.clone();
    index.comment = i.comment.clone();
    Some(index)
}

fn add_partition(p: &mut Partitioning, parent: &QualifiedName, row: &PartitionRow, notes: &mut Notes) {
    let object = format!("partition {}.{} of {parent}", row.schema, row.name);
    if row.schema != parent.schema {
        notes.add(&object, "a partition in another schema than its parent");
    }
    if row.sub_partitioned {
        notes.add(&object, "sub-partitioning");
    }
    let bound = row.bound.trim();
    if bound == "DEFAULT" {
        if row.name == Partitioning::default_partition_name(&parent.name) {
            p.default_partition = true;
        } else {
            notes.add(&object, format!("a DEFAULT partition not named {}", Partitioning::default_partition_name(&parent.name)));
        }
        return;
    }
    match parse_bound(bound) {
        Some(b) => p.partitions.push(Partition::new(row.name.clone(), b)),
        None => notes.add(&object, format!("bound `{bound}`")),
    }
}

/// The graph has no row-level security of a partition's own: a partition gets
/// its parent's (enabled and forced alike, no policies), which denies access to
/// it by name. A partition whose flags differ is noted, not lost.
fn check_partition_rls(parent_rls: &RowLevelSecurity, parent: &QualifiedName, row: &PartitionRow, notes: &mut Notes) {
    let own = RowLevelSecurity { enabled: row.rls_enabled, forced: row.rls_forced };
    if own == *parent_rls {
        return;
    }
    let words = |rls: &RowLevelSecurity| match (rls.enabled, rls.forced) {
        (true, true) => "enabled and forced",
        (true, false) => "enabled, not forced",
        (false, true) => "forced but not enabled",
        (false, false) => "disabled",
    };
    notes.add(
        format!("partition {}.{} of {parent}", row.schema, row.name),
        format!(
            "row-level security {} where its parent has it {} (a partition queried by name has only its own; the graph gives it its parent's)",
            words(&own),
            words(parent_rls)
        ),
    );
}

/// `FOR VALUES FROM (a) TO (b)`, `FOR VALUES IN (a, b)`, `FOR VALUES WITH (modulus m, remainder r)`.
pub(crate) fn parse_bound(text: &str) -> Option<PartitionBound> {
    let rest = text.strip_prefix("FOR VALUES ")?.trim();
    if let Some(rest) = rest.strip_prefix("FROM ") {
        let (from, rest) = parenthesized(rest.trim())?;
        let rest = rest.trim().strip_prefix("TO ")?;
        let (to, rest) = parenthesized(rest.trim())?;
        rest.trim().is_empty().then(|| PartitionBound::Range { from: split_top_level(from), to: split_top_level(to) })
    } else if let Some(rest) = rest.strip_prefix("IN ") {
        let (values, rest) = parenthesized(rest.trim())?;
        rest.trim().is_empty().then(|| PartitionBound::List(split_top_level(values)))
    } else if let Some(rest) = rest.strip_prefix("WITH ") {
        let (inner, _) = parenthesized(rest.trim())?;
        let mut modulus = None;
        let mut remainder = None;
        for part in split_top_level(inner) {
            let mut words = part.split_whitespace();
            match (words.next()?.to_ascii_lowercase().as_str(), words.next()?.parse::<u32>().ok()?) {
                ("modulus", m) => modulus = Some(m),
                ("remainder", r) => remainder = Some(r),
                _ => return None,
            }
        }
        Some(PartitionBound::Hash { modulus: modulus?, remainder: remainder? })
    } else {
        None
    }
}

/// The contents of the parenthesized group at the start of `text`, and what follows it.
fn parenthesized(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('(') {
        return None;
    }
    let end = matching_paren(text, 0)?;
    Some((&text[1..end], &text[end + 1..]))
}

/// The index of the `)` closing the `(` at `open`, skipping quoted text.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => i = skip_quoted(bytes, i),
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// From the opening quote at `i`, the index of its closing quote (doubled quotes stay inside).
fn skip_quoted(bytes: &[u8], mut i: usize) -> usize {
    let quote = bytes[i];
    i += 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i;
        }
        i += 1;
    }
    i
}

/// Splits `a, f(b, c), 'd,e'` at its top-level commas.
pub(crate) fn split_top_level(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => i = skip_quoted(bytes, i),
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(text[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = text[start..].trim();
    if !last.is_empty() || !parts.is_empty() {
        parts.push(last.to_owned());
    }
    parts
}

const TRIGGER_ROW: i32 = 1;
const TRIGGER_BEFORE: i32 = 2;
const TRIGGER_INSERT: i32 = 4;
const TRIGGER_DELETE: i32 = 8;
const TRIGGER_UPDATE: i32 = 16;
const TRIGGER_TRUNCATE: i32 = 32;
const TRIGGER_INSTEAD: i32 = 64;

fn build_trigger(t: &TriggerRow, notes: &mut Notes) -> Option<Trigger> {
    let object = format!("trigger {} on {}.{}", t.name, t.schema, t.table);
    if !matches!(t.table_kind.as_str(), "r" | "p") {
        notes.add(&object, "a trigger on a view");
        return None;
    }
    if t.constraint {
        notes.add(&object, "CONSTRAINT TRIGGER");
    }
    if t.transition_tables {
        notes.add(&object, "REFERENCING transition tables");
    }
    if t.enabled != "O" {
        notes.add(&object, format!("enabled state `{}` (ALTER TABLE ... DISABLE/ENABLE TRIGGER)", t.enabled));
    }
    let timing = if t.tgtype & TRIGGER_INSTEAD != 0 {
        TriggerTiming::InsteadOf
    } else if t.tgtype & TRIGGER_BEFORE != 0 {
        TriggerTiming::Before
    } else {
        TriggerTiming::After
    };
    let mut events = Vec::new();
    if t.tgtype & TRIGGER_INSERT != 0 {
        events.push(TriggerEvent::Insert);
    }
    if t.tgtype & TRIGGER_UPDATE != 0 {
        events.push(TriggerEvent::Update(t.columns.clone()));
    }
    if t.tgtype & TRIGGER_DELETE != 0 {
        events.push(TriggerEvent::Delete);
    }
    if t.tgtype & TRIGGER_TRUNCATE != 0 {
        events.push(TriggerEvent::Truncate);
    }
    let mut trigger = Trigger::new(t.name.clone(), timing, events, QualifiedName::new(&t.function_schema, &t.function));
    trigger.for_each_row = t.tgtype & TRIGGER_ROW != 0;
    trigger.arguments = trigger_arguments(&t.args, t.nargs);
    if t.has_when {
        match trigger_when(&t.definition) {
            Some(w) => trigger.when = Some(w),
            None => notes.add(&object, format!("WHEN condition not found in `{}`", t.definition)),
        }
    }
    trigger.comment = t.comment.clone();
    Some(trigger)
}

/// `tgargs`: each argument followed by a NUL byte.
fn trigger_arguments(args: &[u8], nargs: i32) -> Vec<String> {
    args.split(|&b| b == 0).take(nargs.max(0) as usize).map(|a| String::from_utf8_lossy(a).into_owned()).collect()
}

/// The condition of `... WHEN (cond) EXECUTE FUNCTION ...` in a trigger definition,
/// found outside quoted names and strings.
pub(crate) fn trigger_when(definition: &str) -> Option<String> {
    let bytes = definition.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => i = skip_quoted(bytes, i),
            b'W' if definition[i..].starts_with("WHEN (") && (i == 0 || bytes[i - 1] == b' ') => {
                let open = i + "WHEN ".len();
                let close = matching_paren(definition, open)?;
                let inner = definition[open + 1..close].trim();
                // pg_get_triggerdef wraps the condition in one more pair of parentheses.
                return Some(strip_outer_parens(inner).to_owned());
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `(x)` → `x` when the parentheses enclose the whole text.
fn strip_outer_parens(text: &str) -> &str {
    let t = text.trim();
    if t.starts_with('(') && matching_paren(t, 0) == Some(t.len() - 1) {
        t[1..t.len() - 1].trim()
    } else {
        t
    }
}

fn build_policy(p: &PolicyRow) -> Policy {
    let mut policy = Policy::new(p.name.clone());
    policy.command = match p.command.as_str() {
        "r" => PolicyCommand::Select,
        "a" => PolicyCommand::Insert,
        "w" => PolicyCommand::Update,
        "d" => PolicyCommand::Delete,
        _ => PolicyCommand::All,
    };
    policy.permissive = p.permissive;
    policy.roles = p.roles.iter().filter(|r| r.as_str() != "public").cloned().collect();
    policy.using = p.using.clone();
    policy.with_check = p.with_check.clone();
    policy.comment = p.comment.clone();
    policy
}

fn build_views(rows: &CatalogRows, schemas: &[String], notes: &mut Notes, invalid: &mut Vec<QualifiedName>) -> Vec<View> {
    let indexes = group(&rows.indexes, |c| (c.schema.clone(), c.table.clone()));
    let mut views = Vec::new();
    for v in &rows.views {
        let name = QualifiedName::new(&v.schema, &v.name);
        let object = format!("view {name}");
        let query = v.query.trim().trim_end_matches(';').trim_end().to_owned();
        let mut view = if v.materialized { View::materialized(name.clone(), query) } else { View::new(name.clone(), query) };
        for option in &v.options {
            let (key, value) = option.split_once('=').unwrap_or((option.as_str(), ""));
            match key {
                "security_invoker" => view.security_invoker = matches!(value.to_ascii_lowercase().as_str(), "true" | "on" | "1" | "yes"),
                _ => notes.add(&object, format!("option {option}")),
            }
        }
        view.comment = v.comment.clone();
        for (s, n) in v.depends_on_schemas.iter().zip(&v.depends_on_names) {
            if schemas.contains(s) {
                view.depends_on.push(QualifiedName::new(s, n));
            }
        }
        for i in indexes.get(&(v.schema.clone(), v.name.clone())).into_iter().flatten() {
            if !i.valid {
                invalid.push(QualifiedName::new(&i.schema, &i.name));
            }
            if let Some(index) = build_index(i, notes) {
                view.indexes.push(index);
            }
        }
        views.push(view);
    }
    views
}

fn build_function(f: &FunctionRow, notes: &mut Notes) -> Option<Function> {
    let name = QualifiedName::new(&f.schema, &f.name);
    let object = format!("function {name}({})", f.arguments);
    match f.kind.as_str() {
        "f" => {}
        "p" => {
            notes.add(&object, "a procedure");
            return None;
        }
        _ => {
            notes.add(&object, "an aggregate or window function");
            return None;
        }
    }
    if matches!(f.language.as_str(), "c" | "internal") {
        notes.add(&object, format!("LANGUAGE {}", f.language));
        return None;
    }
    if f.sql_body {
        notes.add(&object, "a SQL-standard body (BEGIN ATOMIC)");
    }
    if f.strict {
        notes.add(&object, "STRICT");
    }
    if f.leakproof {
        notes.add(&object, "LEAKPROOF");
    }
    if f.parallel != "u" {
        notes.add(&object, format!("PARALLEL {}", if f.parallel == "s" { "SAFE" } else { "RESTRICTED" }));
    }
    let mut function = Function::new(name, f.returns.clone(), f.language.clone(), f.body.clone()).arguments(f.arguments.clone());
    function.volatility = match f.volatility.as_str() {
        "i" => Some(Volatility::Immutable),
        "s" => Some(Volatility::Stable),
        _ => None,
    };
    function.security_definer = f.security_definer;
    for setting in &f.config {
        match setting.split_once('=') {
            Some(("search_path", path)) => function.search_path = Some(path.to_owned()),
            _ => notes.add(&object, format!("SET {setting}")),
        }
    }
    function.comment = f.comment.clone();
    Some(function)
}

/// The relations a SQL-language body names (PostgreSQL checks those bodies when
/// the function is created, so it must come after them; other languages are
/// checked when called). The catalog does not record this for string bodies:
/// every word of the body that names a relation counts.
fn body_reads(f: &Function, relations: &[QualifiedName]) -> Vec<QualifiedName> {
    if !f.language.eq_ignore_ascii_case("sql") {
        return Vec::new();
    }
    let words: std::collections::HashSet<String> = f
        .body
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    relations.iter().filter(|r| words.contains(&r.name.to_lowercase())).cloned().collect()
}

fn privilege(text: &str) -> Option<Privilege> {
    Some(match text {
        "SELECT" => Privilege::Select,
        "INSERT" => Privilege::Insert,
        "UPDATE" => Privilege::Update,
        "DELETE" => Privilege::Delete,
        "TRUNCATE" => Privilege::Truncate,
        "REFERENCES" => Privilege::References,
        "TRIGGER" => Privilege::Trigger,
        "USAGE" => Privilege::Usage,
        "EXECUTE" => Privilege::Execute,
        _ => return None,
    })
}

/// Grants become one [`Grant`] per object and grantee (per privilege for column grants).
fn add_grants(mut builder: SchemaBuilder, rows: &CatalogRows, notes: &mut Notes) -> SchemaBuilder {
    let mut tables: BTreeMap<(QualifiedName, String), Vec<Privilege>> = BTreeMap::new();
    let mut columns: BTreeMap<(QualifiedName, String, Privilege), Vec<String>> = BTreeMap::new();
    let mut schemas: BTreeMap<(String, String), Vec<Privilege>> = BTreeMap::new();
    for g in &rows.grants {
        let object = match g.object {
            GrantObject::Schema => format!("schema {}", g.schema),
            _ => format!("grants on {}.{}", g.schema, g.relation),
        };
        if g.grantable {
            notes.add(&object, format!("{} to {} WITH GRANT OPTION", g.privilege, g.grantee));
        }
        let Some(p) = privilege(&g.privilege) else {
            notes.add(&object, format!("privilege {} to {}", g.privilege, g.grantee));
            continue;
        };
        match g.object {
            GrantObject::Relation => tables.entry((QualifiedName::new(&g.schema, &g.relation), g.grantee.clone())).or_default().push(p),
            GrantObject::Column => columns
                .entry((QualifiedName::new(&g.schema, &g.relation), g.grantee.clone(), p))
                .or_default()
                .push(g.column.clone().unwrap_or_default()),
            GrantObject::Schema => schemas.entry((g.schema.clone(), g.grantee.clone())).or_default().push(p),
        }
    }
    let mut grants = Vec::new();
    for ((schema, grantee), mut privileges) in schemas {
        privileges.sort();
        privileges.dedup();
        grants.push(Grant::new(privileges, GrantTarget::Schema(schema), [grantee]));
    }
    for ((table, grantee), mut privileges) in tables {
        privileges.sort();
        privileges.dedup();
        grants.push(Grant::new(privileges, GrantTarget::Table { table, columns: Vec::new() }, [grantee]));
    }
    for ((table, grantee, p), mut cols) in columns {
        cols.sort();
        grants.push(Grant::new([p], GrantTarget::Table { table, columns: cols }, [grantee]));
    }
    grants.sort();
    for g in grants {
        builder = builder.grant(g);
    }

    let mut defaults: BTreeMap<(String, String, DefaultObjects, String), Vec<Privilege>> = BTreeMap::new();
    for d in &rows.default_privileges {
        let object = format!("default privileges of {} in {}", d.for_role, d.schema.as_deref().unwrap_or("the database"));
        let Some(schema) = &d.schema else {
            notes.add(&object, format!("{} to {} (database-wide)", d.privilege, d.grantee));
            continue;
        };
        let objects = match d.object_type.as_str() {
            "r" => DefaultObjects::Tables,
            "S" => DefaultObjects::Sequences,
            "f" => DefaultObjects::Functions,
            other => {
                notes.add(&object, format!("object type `{other}`"));
                continue;
            }
        };
        if d.grantable {
            notes.add(&object, format!("{} to {} WITH GRANT OPTION", d.privilege, d.grantee));
        }
        let Some(p) = privilege(&d.privilege) else {
            notes.add(&object, format!("privilege {}", d.privilege));
            continue;
        };
        defaults.entry((d.for_role.clone(), schema.clone(), objects, d.grantee.clone())).or_default().push(p);
    }
    for ((for_role, schema, objects, grantee), mut privileges) in defaults {
        privileges.sort();
        privileges.dedup();
        let mut d = DefaultPrivileges::new(schema, objects, privileges, [grantee]);
        d.for_role = Some(for_role);
        builder = builder.default_privileges(d);
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndexTarget;

    fn table_row(name: &str) -> TableRow {
        TableRow {
            schema: "public".into(),
            name: name.into(),
            rls_enabled: false,
            rls_forced: false,
            comment: None,
            partition_key: None,
            partition_strategy: None,
            partition_columns: vec![],
            partition_key_unsupported: false,
            persistence: "p".into(),
            inherits: false,
        }
    }

    fn column_row(table: &str, name: &str, ty: &str) -> ColumnRow {
        ColumnRow {
            schema: "public".into(),
            table: table.into(),
            name: name.into(),
            ty: ty.into(),
            not_null: true,
            identity: String::new(),
            generated: String::new(),
            default: None,
            comment: None,
            owns_sequence: false,
            collation: None,
            sequence: None,
            sequence_type: None,
        }
    }

    fn pk_row(table: &str, cols: &[&str]) -> ConstraintRow {
        ConstraintRow {
            schema: "public".into(),
            table: table.into(),
            name: format!("{table}_pkey"),
            kind: "p".into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            ref_schema: None,
            ref_table: None,
            ref_columns: vec![],
            on_delete: " ".into(),
            on_update: " ".into(),
            match_type: " ".into(),
            deferrable: false,
            deferred: false,
            validated: true,
            check: None,
            nulls_not_distinct: false,
            definition: String::new(),
            no_inherit: false,
            on_delete_set_columns: vec![],
        }
    }

    #[test]
    fn bounds_parse() {
        assert_eq!(
            parse_bound("FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')"),
            Some(PartitionBound::Range { from: vec!["'2026-01-01'".into()], to: vec!["'2026-02-01'".into()] })
        );
        assert_eq!(parse_bound("FOR VALUES FROM (MINVALUE, 1) TO (10, MAXVALUE)").unwrap(), PartitionBound::Range {
            from: vec!["MINVALUE".into(), "1".into()],
            to: vec!["10".into(), "MAXVALUE".into()]
        });
        assert_eq!(parse_bound("FOR VALUES IN ('us', 'c,a', 'it''s')"), Some(PartitionBound::List(vec!["'us'".into(), "'c,a'".into(), "'it''s'".into()])));
        assert_eq!(parse_bound("FOR VALUES WITH (modulus 4, remainder 3)"), Some(PartitionBound::Hash { modulus: 4, remainder: 3 }));
        assert_eq!(parse_bound("DEFAULT"), None);
    }

    #[test]
    fn when_conditions_are_found_outside_quotes() {
        let def = "CREATE TRIGGER \"WHEN (x)\" BEFORE UPDATE ON public.t FOR EACH ROW WHEN ((old.a IS DISTINCT FROM new.a)) EXECUTE FUNCTION public.f('WHEN (y)')";
        assert_eq!(trigger_when(def).as_deref(), Some("old.a IS DISTINCT FROM new.a"));
        assert_eq!(trigger_when("CREATE TRIGGER t AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f()"), None);
        assert_eq!(trigger_arguments(b"id\0a b\0", 2), vec!["id".to_owned(), "a b".to_owned()]);
    }

    #[test]
    #[allow(clippy::field_reassign_with_default)]
    fn rows_become_a_valid_schema() {
        let mut rows = CatalogRows::default();
        rows.namespaces = vec!["public".into()];
        rows.tables = vec![table_row("users"), table_row("posts")];
        let mut id = column_row("users", "id", "bigint");
        id.identity = "a".into();
        let mut email = column_row("users", "email", "character varying(255)");
        email.not_null = false;
        email.comment = Some("mail".into());
        let mut serial = column_row("posts", "id", "integer");
        serial.owns_sequence = true;
        serial.default = Some("nextval('public.posts_id_seq'::regclass)".into());
        let author = column_row("posts", "author", "bigint");
        rows.columns = vec![id, email, serial, author];
        let mut fk = pk_row("posts", &["author"]);
        fk.name = "posts_author_fkey".into();
        fk.kind = "f".into();
        fk.ref_schema = Some("public".into());
        fk.ref_table = Some("users".into());
        fk.ref_columns = vec!["id".into()];
        fk.on_delete = "c".into();
        fk.on_update = "a".into();
        fk.deferrable = true;
        rows.constraints = vec![pk_row("users", &["id"]), pk_row("posts", &["id"]), fk];
        rows.indexes = vec![IndexRow {
            schema: "public".into(),
            table: "users".into(),
            table_kind: "r".into(),
            name: "users_lower_email".into(),
            method: "btree".into(),
            unique: true,
            nulls_not_distinct: false,
            key_count: 2,
            columns: vec![None, Some("id".into()), Some("email".into())],
            definitions: vec!["lower(email::text)".into(), "id".into(), "email".into()],
            opclasses: vec![Some("text_pattern_ops".into()), None],
            options: vec![0, 3],
            predicate: Some("email IS NOT NULL".into()),
            comment: None,
            valid: false,
        }];
        let parsed = parse(&rows, &["public".into()]);
        assert!(parsed.unsupported.is_empty(), "{:?}", parsed.unsupported);
        assert_eq!(parsed.invalid_indexes, vec![QualifiedName::public("users_lower_email")]);
        let schema = parsed.schema.unwrap_or_else(|e| panic!("{e}"));
        let users = schema.table(&QualifiedName::public("users")).unwrap();
        assert_eq!(users.columns[0].identity, Some(Identity::Always));
        assert_eq!(users.columns[1].ty, SqlType::Varchar(Some(255)));
        assert!(users.columns[1].nullable);
        let index = &users.indexes[0];
        assert_eq!(index.keys[0].target, IndexTarget::Expression("lower(email::text)".into()));
        assert_eq!(index.keys[0].opclass.as_deref(), Some("text_pattern_ops"));
        assert_eq!((index.keys[1].order, index.keys[1].nulls), (Some(SortOrder::Desc), None));
        assert_eq!(index.include, vec!["email".to_owned()]);
        let posts = schema.table(&QualifiedName::public("posts")).unwrap();
        assert_eq!(posts.columns[0].ty, SqlType::Serial);
        assert_eq!(posts.columns[0].default, None);
        let fk = &posts.foreign_keys[0];
        assert_eq!((fk.on_delete, fk.on_update, fk.deferrable), (Some(ReferentialAction::Cascade), None, Deferrable::InitiallyImmediate));
    }

    #[test]
    #[allow(clippy::field_reassign_with_default)]
    fn set_null_column_lists_are_read_back() {
        let mut rows = CatalogRows::default();
        rows.namespaces = vec!["public".into()];
        rows.tables = vec![table_row("parents"), table_row("kids")];
        let mut parent = column_row("kids", "parent_id", "bigint");
        parent.not_null = false;
        rows.columns = vec![
            column_row("parents", "tenant_id", "bigint"),
            column_row("parents", "id", "bigint"),
            column_row("kids", "id", "bigint"),
            column_row("kids", "tenant_id", "bigint"),
            parent,
        ];
        let mut fk = pk_row("kids", &["tenant_id", "parent_id"]);
        fk.name = "kids_parent_fkey".into();
        fk.kind = "f".into();
        fk.ref_schema = Some("public".into());
        fk.ref_table = Some("parents".into());
        fk.ref_columns = vec!["tenant_id".into(), "id".into()];
        fk.on_delete = "n".into();
        fk.on_update = "a".into();
        fk.on_delete_set_columns = vec!["parent_id".into()];
        fk.definition = "FOREIGN KEY (tenant_id, parent_id) REFERENCES parents(tenant_id, id) ON DELETE SET NULL (parent_id)".into();
        rows.constraints = vec![pk_row("parents", &["tenant_id", "id"]), pk_row("kids", &["id"]), fk];
        let parsed = parse(&rows, &["public".into()]);
        assert!(parsed.unsupported.is_empty(), "{:?}", parsed.unsupported);
        let schema = parsed.schema.unwrap_or_else(|e| panic!("{e}"));
        let fk = &schema.table(&QualifiedName::public("kids")).unwrap().foreign_keys[0];
        assert_eq!((fk.on_delete, fk.on_update), (Some(ReferentialAction::SetNull), None));
        assert_eq!(fk.on_delete_set_columns, ["parent_id"]);
    }

    #[test]
    #[allow(clippy::field_reassign_with_default)]
    fn partition_rls_like_the_parent_is_expected_and_any_other_is_reported() {
        let mut rows = CatalogRows::default();
        rows.namespaces = vec!["public".into()];
        let mut t = table_row("logs");
        (t.rls_enabled, t.rls_forced) = (true, true);
        t.partition_strategy = Some("r".into());
        t.partition_columns = vec!["at".into()];
        rows.tables = vec![t];
        rows.columns = vec![column_row("logs", "at", "date")];
        rows.constraints = vec![pk_row("logs", &["at"])];
        let part = |name: &str, bound: &str, enabled: bool, forced: bool| PartitionRow {
            parent_schema: "public".into(),
            parent: "logs".into(),
            schema: "public".into(),
            name: name.into(),
            bound: bound.into(),
            sub_partitioned: false,
            rls_enabled: enabled,
            rls_forced: forced,
            indexes: vec![],
            index_parents: vec![],
        };
        rows.partitions = vec![
            part("logs_2026_01", "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')", true, true),
            part("logs_2026_02", "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')", false, false),
            part("logs_2026_03", "FOR VALUES FROM ('2026-03-01') TO ('2026-04-01')", true, false),
            part("logs_default", "DEFAULT", true, true),
        ];
        let parsed = parse(&rows, &["public".into()]);
        let what: Vec<String> = parsed.unsupported.iter().map(|u| u.to_string()).collect();
        assert_eq!(
            what,
            [
                "partition public.logs_2026_02 of public.logs: row-level security disabled where its parent has it enabled and forced (a partition queried by name has only its own; the graph gives it its parent's)",
                "partition public.logs_2026_03 of public.logs: row-level security enabled, not forced where its parent has it enabled and forced (a partition queried by name has only its own; the graph gives it its parent's)",
            ]
        );
        let schema = parsed.schema.unwrap_or_else(|e| panic!("{e}"));
        let p = schema.table(&QualifiedName::public("logs")).unwrap().partitioning.clone().unwrap();
        assert_eq!(p.partitions.len(), 3, "every partition stays in the graph");
        assert!(p.default_partition);
    }

    #[test]
    #[allow(clippy::field_reassign_with_default)]
    fn a_policy_of_a_partition_is_reported_not_lost() {
        let mut rows = CatalogRows::default();
        rows.namespaces = vec!["public".into()];
        let mut t = table_row("logs");
        t.partition_strategy = Some("r".into());
        t.partition_columns = vec!["at".into()];
        rows.tables = vec![t];
        rows.columns = vec![column_row("logs", "at", "date")];
        rows.constraints = vec![pk_row("logs", &["at"])];
        let policy = |table: &str, name: &str, on_partition: bool| PolicyRow {
            schema: "public".into(),
            table: table.into(),
            name: name.into(),
            command: "*".into(),
            permissive: true,
            roles: vec!["public".into()],
            using: Some("true".into()),
            with_check: None,
            comment: None,
            on_partition,
        };
        rows.policies = vec![policy("logs", "everyone", false), policy("logs_2026_01", "january_only", true)];
        let parsed = parse(&rows, &["public".into()]);
        let what: Vec<String> = parsed.unsupported.iter().map(|u| u.to_string()).collect();
        assert_eq!(
            what,
            ["policy january_only on partition public.logs_2026_01: a partition's own policy (queries through the parent use the parent's policies; the graph gives partitions none, so access by name is denied)"]
        );
        let schema = parsed.schema.unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = schema.table(&QualifiedName::public("logs")).unwrap().policies.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["everyone"]);
    }

    #[test]
    #[allow(clippy::field_reassign_with_default)]
    fn unrepresentable_things_are_reported() {
        let mut rows = CatalogRows::default();
        let mut t = table_row("t");
        t.persistence = "u".into();
        rows.tables = vec![t];
        rows.columns = vec![column_row("t", "at", "timestamp(3) with time zone")];
        let mut x = pk_row("t", &["at"]);
        x.kind = "x".into();
        x.name = "t_excl".into();
        rows.constraints = vec![pk_row("t", &["at"]), x];
        let parsed = parse(&rows, &["public".into()]);
        let what: Vec<String> = parsed.unsupported.iter().map(|u| u.to_string()).collect();
        assert_eq!(what.len(), 3, "{what:?}");
        assert!(what.iter().any(|w| w.contains("UNLOGGED")));
        assert!(what.iter().any(|w| w.contains("timestamp(3)")));
        assert!(what.iter().any(|w| w.contains("exclusion")));
    }
}
