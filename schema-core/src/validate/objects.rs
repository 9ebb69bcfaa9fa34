//! Checks of partitioning, policies, triggers, functions, views and grants.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::{check_index_expression, ident, name_of, nul_check, Catalog, Owner};
use crate::error::SchemaError;
use crate::model::{
    DefaultObjects, GrantTarget, IndexTarget, PartitionBound, PartitionStrategy, PolicyCommand, Privilege, QualifiedName, Table,
    TriggerEvent, TriggerTiming,
};
use crate::schema::Schema;
use crate::types::SqlType;

pub(super) fn check_partitioning<'a>(table: &'a Table, catalog: &mut Catalog<'a>, errors: &mut Vec<SchemaError>) {
    let Some(p) = &table.partitioning else { return };
    let tn = &table.name;
    let problem = |problem: String| SchemaError::InvalidPartitioning { table: tn.clone(), problem };
    if p.columns.is_empty() {
        errors.push(problem("the partition key has no columns".into()));
    }
    for c in &p.columns {
        match table.find_column(c) {
            None => errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.clone(), used_by: "the partition key".into() }),
            Some(col) if col.generated.is_some() => errors.push(problem(format!(
                "the partition key column `{c}` is a generated column, which PostgreSQL does not allow; partition by the columns it is computed from"
            ))),
            Some(_) => {}
        }
    }
    if p.strategy == PartitionStrategy::List && p.columns.len() > 1 {
        errors.push(problem("LIST partitioning takes exactly one key column".into()));
    }
    // Uniqueness is enforced per partition, so every unique key must contain the partition key.
    let mut unique_keys: Vec<(&str, Vec<&str>)> = Vec::new();
    if let Some(pk) = &table.primary_key {
        unique_keys.push((name_of(&pk.name), pk.columns.iter().map(String::as_str).collect()));
    }
    for u in &table.uniques {
        unique_keys.push((name_of(&u.name), u.columns.iter().map(String::as_str).collect()));
    }
    for i in table.indexes.iter().filter(|i| i.unique) {
        let cols = i.keys.iter().filter_map(|k| match &k.target {
            IndexTarget::Column(c) => Some(c.as_str()),
            IndexTarget::Expression(_) => None,
        });
        unique_keys.push((name_of(&i.name), cols.collect()));
    }
    for (constraint, cols) in unique_keys {
        let missing: Vec<String> = p.columns.iter().filter(|c| !cols.contains(&c.as_str())).cloned().collect();
        if !missing.is_empty() {
            errors.push(SchemaError::PartitionKeyNotInUniqueKey { table: tn.clone(), constraint: constraint.to_owned(), missing });
        }
    }
    if let Some(w) = p.window {
        if p.strategy != PartitionStrategy::Range || p.columns.len() != 1 {
            errors.push(problem("a period window needs RANGE partitioning on one column".into()));
        } else if let Some(col) = table.find_column(&p.columns[0]) {
            if !matches!(col.ty.storage(), SqlType::Date | SqlType::Timestamp | SqlType::Timestamptz) {
                errors.push(problem(format!(
                    "a period window needs a date, timestamp or timestamptz key, but `{}` is {}",
                    col.name, col.ty
                )));
            }
        }
        if w.ahead > 0 {
            // ensure_partitions names them at apply time; check the longest now.
            let longest = format!("{}_{}", tn.name, crate::model::CivilDate { year: 2000, month: 1, day: 1 }.suffix(w.period));
            ident(|| format!("partition of {tn} made by ensure_partitions"), &longest, true, errors);
        }
    }
    if p.default_partition && p.strategy == PartitionStrategy::Hash {
        errors.push(problem("HASH partitioning cannot have a DEFAULT partition".into()));
    }
    for part in &p.partitions {
        let name = part.name.as_str();
        ident(|| format!("partition of {tn}"), name, true, errors);
        // A partition has a row type of its name too; a name already taken by a
        // relation is reported once, as that.
        if catalog.relation(&tn.schema, name, Owner::Partition { name, of: tn }, errors) {
            catalog.type_name(&tn.schema, name, Owner::Partition { name, of: tn }, errors);
        }
    }
    if p.default_partition {
        let name = crate::model::Partitioning::default_partition_name(&tn.name);
        ident(|| format!("partition of {tn}"), &name, true, errors);
        if catalog.relation(&tn.schema, name.clone(), Owner::DefaultPartition(tn), errors) {
            catalog.type_name(&tn.schema, name, Owner::DefaultPartition(tn), errors);
        }
    }
    for part in &p.partitions {
        let fits = match (&part.bound, p.strategy) {
            (PartitionBound::Range { from, to }, PartitionStrategy::Range) => {
                from.len() == p.columns.len() && to.len() == p.columns.len()
            }
            (PartitionBound::List(values), PartitionStrategy::List) => !values.is_empty(),
            (PartitionBound::Hash { modulus, remainder }, PartitionStrategy::Hash) => *modulus > 0 && remainder < modulus,
            _ => false,
        };
        if !fits {
            errors.push(problem(format!(
                "partition `{}` has bounds that do not fit {} partitioning on ({})",
                part.name,
                p.strategy.as_sql(),
                p.columns.join(", ")
            )));
        }
    }
    if p.strategy == PartitionStrategy::Range {
        check_ranges(table, errors);
    }
}

/// One value of a range bound that can be ordered without the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum BoundValue {
    MinValue,
    /// A value of one kind (see [`Kind`]): comparable only with the same kind.
    Value(Kind, i128),
    MaxValue,
}

/// What a literal's number means: values of different kinds are not compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Integer,
    /// A date, or a timestamp without a zone, in microseconds.
    Local,
    /// A timestamp with an explicit UTC offset, in UTC microseconds.
    Zoned,
}

/// Reads a range bound value as written (`MINVALUE`, `42`, `'2026-01-01'`,
/// `'2026-01-01 00:00:00+00'`) for a key column of type `ty`; `None` when it is
/// anything else (an expression, a cast), which only the server can order.
fn bound_value(text: &str, ty: &SqlType) -> Option<BoundValue> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("minvalue") {
        return Some(BoundValue::MinValue);
    }
    if text.eq_ignore_ascii_case("maxvalue") {
        return Some(BoundValue::MaxValue);
    }
    match ty {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 30 {
                return None;
            }
            Some(BoundValue::Value(Kind::Integer, text.parse().ok()?))
        }
        SqlType::Date | SqlType::Timestamp | SqlType::Timestamptz => {
            let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
            let (micros, offset) = parse_timestamp(inner)?;
            match (ty, offset) {
                (SqlType::Date, None) if micros % 86_400_000_000 == 0 => Some(BoundValue::Value(Kind::Local, micros)),
                (SqlType::Date, _) => None,
                // A timestamp without time zone ignores a written offset.
                (SqlType::Timestamp, _) => Some(BoundValue::Value(Kind::Local, micros)),
                // Without an offset the session's time zone applies: comparable only with others like it.
                (_, None) => Some(BoundValue::Value(Kind::Local, micros)),
                (_, Some(offset)) => Some(BoundValue::Value(Kind::Zoned, micros - offset)),
            }
        }
        _ => None,
    }
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][(+|-)HH[:MM]|Z]`: microseconds since
/// 1970-01-01 as written, and the offset in microseconds if one is written.
fn parse_timestamp(text: &str) -> Option<(i128, Option<i128>)> {
    let number = |s: &str, len: usize| -> Option<i128> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (date, time) = match text.find([' ', 'T']) {
        Some(i) => (&text[..i], Some(text[i + 1..].trim_start())),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let (y, m, d) = (number(parts.next()?, 4)?, number(parts.next()?, 2)?, number(parts.next()?, 2)?);
    crate::model::CivilDate::new(y as i32, m as u32, d as u32)?;
    let days = days_from_civil(y, m, d);
    let mut micros = days * 86_400_000_000;
    let mut offset = None;
    if let Some(time) = time {
        let (clock, zone) = match time.find(['+', '-', 'Z', 'z']) {
            Some(i) => (&time[..i], Some(&time[i..])),
            None => (time, None),
        };
        let (hms, fraction) = match clock.split_once('.') {
            Some((hms, f)) if !f.is_empty() && f.len() <= 6 && f.bytes().all(|b| b.is_ascii_digit()) => {
                (hms, f.parse::<i128>().ok()? * 10i128.pow(6 - f.len() as u32))
            }
            Some(_) => return None,
            None => (clock, 0),
        };
        let mut fields = hms.trim_end().split(':');
        let h = number(fields.next()?, 2)?;
        let mi = number(fields.next()?, 2)?;
        let s = match fields.next() {
            Some(s) => number(s, 2)?,
            None => 0,
        };
        if fields.next().is_some() || h > 24 || mi > 59 || s > 60 {
            return None;
        }
        micros += ((h * 60 + mi) * 60 + s) * 1_000_000 + fraction;
        if let Some(zone) = zone {
            offset = Some(if zone.eq_ignore_ascii_case("z") {
                0
            } else {
                let sign = if zone.starts_with('-') { -1 } else { 1 };
                let rest = &zone[1..];
                let (oh, om) = match rest.split_once(':') {
                    Some((h, m)) => (number(h, 2)?, number(m, 2)?),
                    None if rest.len() == 4 => (number(&rest[..2], 2)?, number(&rest[2..], 2)?),
                    None => (number(rest, 2)?, 0),
                };
                sign * (oh * 60 + om) * 60_000_000
            });
        }
    }
    Some((micros, offset))
}

/// Days from 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i128, m: i128, d: i128) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Orders two bounds the way PostgreSQL does (column by column, `MINVALUE` below
/// and `MAXVALUE` above everything); `None` when a column's values are of kinds
/// that cannot be compared here.
fn compare_bounds(a: &[BoundValue], b: &[BoundValue]) -> Option<Ordering> {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (BoundValue::Value(k1, v1), BoundValue::Value(k2, v2)) if k1 == k2 => v1.cmp(v2),
            (BoundValue::Value(..), BoundValue::Value(..)) => return None,
            _ => x.cmp(y),
        };
        if order != Ordering::Equal {
            return Some(order);
        }
        // After MINVALUE or MAXVALUE the remaining columns do not matter.
        if !matches!(x, BoundValue::Value(..)) {
            return Some(Ordering::Equal);
        }
    }
    Some(Ordering::Equal)
}

/// Empty and overlapping range partitions, where every bound is a literal that can
/// be ordered here (dates, timestamps, integers); others are left to the server.
fn check_ranges(table: &Table, errors: &mut Vec<SchemaError>) {
    let Some(p) = &table.partitioning else { return };
    let tn = &table.name;
    let types: Option<Vec<SqlType>> = p.columns.iter().map(|c| table.find_column(c).map(|c| c.ty.storage())).collect();
    let Some(types) = types else { return };
    let read = |values: &[String]| -> Option<Vec<BoundValue>> {
        (values.len() == types.len()).then_some(())?;
        values.iter().zip(&types).map(|(v, ty)| bound_value(v, ty)).collect()
    };
    let mut ranges = Vec::new();
    for part in &p.partitions {
        let PartitionBound::Range { from, to } = &part.bound else { continue };
        let (Some(lower), Some(upper)) = (read(from), read(to)) else { continue };
        match compare_bounds(&lower, &upper) {
            Some(Ordering::Less) => ranges.push((part, lower, upper)),
            Some(_) => errors.push(SchemaError::InvalidPartitioning {
                table: tn.clone(),
                problem: format!(
                    "partition `{}` is empty: its lower bound ({}) is not below its upper bound ({}), and PostgreSQL refuses an empty range; make FROM less than TO",
                    part.name,
                    from.join(", "),
                    to.join(", ")
                ),
            }),
            None => {}
        }
    }
    // Sorted by lower bound, a partition overlaps an earlier one exactly when it
    // starts below the highest upper bound so far. Sorting needs every pair
    // comparable: one kind per column.
    for column in 0..types.len() {
        let mut kinds = ranges.iter().flat_map(|(_, l, u)| [l[column], u[column]]).filter_map(|v| match v {
            BoundValue::Value(kind, _) => Some(kind),
            _ => None,
        });
        if let Some(first) = kinds.next() {
            if kinds.any(|k| k != first) {
                return;
            }
        }
    }
    ranges.sort_by(|a, b| compare_bounds(&a.1, &b.1).unwrap_or(Ordering::Equal).then_with(|| a.0.name.cmp(&b.0.name)));
    let mut highest: Option<usize> = None;
    for i in 0..ranges.len() {
        if let Some(h) = highest {
            let (earlier, _, earlier_upper) = &ranges[h];
            let (part, lower, _) = &ranges[i];
            if compare_bounds(lower, earlier_upper) == Some(Ordering::Less) {
                let bounds = |part: &crate::model::Partition| match &part.bound {
                    PartitionBound::Range { from, to } => format!("FROM ({}) TO ({})", from.join(", "), to.join(", ")),
                    _ => String::new(),
                };
                errors.push(SchemaError::InvalidPartitioning {
                    table: tn.clone(),
                    problem: format!(
                        "partition `{}` ({}) overlaps partition `{}` ({}), and PostgreSQL refuses overlapping ranges; change the bounds (or the period window's start or count) so each value has one partition",
                        part.name,
                        bounds(part),
                        earlier.name,
                        bounds(earlier)
                    ),
                });
            }
        }
        let higher = match highest {
            None => true,
            Some(h) => compare_bounds(&ranges[i].2, &ranges[h].2) == Some(Ordering::Greater),
        };
        if higher {
            highest = Some(i);
        }
    }
}

pub(super) fn check_policies(table: &Table, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let mut names = HashSet::new();
    for policy in &table.policies {
        ident(|| format!("policy on {tn}"), &policy.name, false, errors);
        if !names.insert(&policy.name) {
            errors.push(SchemaError::DuplicateName { kind: "policy", scope: format!("table {tn}"), name: policy.name.clone() });
        }
        let invalid = |problem| SchemaError::InvalidPolicy { table: tn.clone(), policy: policy.name.clone(), problem };
        match policy.command {
            PolicyCommand::Insert if policy.using.is_some() => {
                errors.push(invalid("an INSERT policy takes only WITH CHECK, not USING"))
            }
            PolicyCommand::Select | PolicyCommand::Delete if policy.with_check.is_some() => {
                errors.push(invalid("SELECT and DELETE policies take only USING, not WITH CHECK"))
            }
            _ => {}
        }
        if policy.using.is_none() && policy.with_check.is_none() {
            errors.push(invalid("a policy needs USING or WITH CHECK"));
        }
        for text in [&policy.using, &policy.with_check, &policy.comment] {
            nul_check(text.as_deref(), || format!("policy `{}` on {tn}", policy.name), errors);
        }
        for role in &policy.roles {
            ident(|| format!("role of policy `{}`", policy.name), role, false, errors);
        }
    }
}

pub(super) fn check_triggers(table: &Table, schema: &Schema, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let mut names = HashSet::new();
    for trigger in &table.triggers {
        ident(|| format!("trigger on {tn}"), &trigger.name, false, errors);
        if !names.insert(&trigger.name) {
            errors.push(SchemaError::DuplicateName { kind: "trigger", scope: format!("table {tn}"), name: trigger.name.clone() });
        }
        let invalid = |problem: String| SchemaError::InvalidTrigger { table: tn.clone(), trigger: trigger.name.clone(), problem };
        if !schema.functions.iter().any(|f| f.name == trigger.function && f.returns.eq_ignore_ascii_case("trigger")) {
            errors.push(SchemaError::UnknownObject {
                used_by: format!("trigger `{}` on {tn}", trigger.name),
                name: trigger.function.clone(),
            });
        }
        if trigger.events.is_empty() {
            errors.push(invalid("it has no events".into()));
        }
        if trigger.timing == TriggerTiming::InsteadOf {
            errors.push(invalid("INSTEAD OF triggers are for views, not tables".into()));
        }
        if trigger.for_each_row && trigger.events.contains(&TriggerEvent::Truncate) {
            errors.push(invalid("TRUNCATE triggers must be FOR EACH STATEMENT".into()));
        }
        for event in &trigger.events {
            if let TriggerEvent::Update(cols) = event {
                for c in cols.iter().filter(|c| table.find_column(c).is_none()) {
                    errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.clone(), used_by: format!("trigger `{}`", trigger.name) });
                }
            }
        }
        nul_check(trigger.when.as_deref(), || format!("WHEN of trigger `{}` on {tn}", trigger.name), errors);
        for a in &trigger.arguments {
            nul_check(Some(a), || format!("argument of trigger `{}` on {tn}", trigger.name), errors);
        }
    }
}

/// What a grant or default privileges can be on, for the privileges that fit it.
#[derive(Clone, Copy)]
enum PrivilegeTarget {
    Table,
    Columns,
    Sequence,
    Function,
    Schema,
}

impl PrivilegeTarget {
    fn allows(self, privilege: Privilege) -> bool {
        use Privilege::*;
        match self {
            Self::Table => matches!(privilege, Select | Insert | Update | Delete | Truncate | References | Trigger | All),
            Self::Columns => matches!(privilege, Select | Insert | Update | References | All),
            Self::Sequence => matches!(privilege, Usage | Select | Update | All),
            Self::Function => matches!(privilege, Execute | All),
            Self::Schema => matches!(privilege, Usage | All),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Table => "tables and views take SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER",
            Self::Columns => "columns take SELECT, INSERT, UPDATE, REFERENCES",
            Self::Sequence => "sequences take USAGE, SELECT, UPDATE",
            Self::Function => "functions take EXECUTE",
            Self::Schema => "schemas take USAGE (and CREATE)",
        }
    }
}

/// Privileges that PostgreSQL refuses for the target (`invalid privilege type`),
/// and grants without privileges or grantees.
fn check_privileges(
    grant: impl Fn() -> String,
    privileges: &[Privilege],
    roles: &[String],
    target: PrivilegeTarget,
    errors: &mut Vec<SchemaError>,
) {
    if privileges.is_empty() {
        errors.push(SchemaError::InvalidGrant { grant: grant(), problem: "it lists no privileges; add at least one".into() });
    }
    if roles.is_empty() {
        errors.push(SchemaError::InvalidGrant { grant: grant(), problem: "it names no role to grant to; add at least one".into() });
    }
    for role in roles {
        ident(|| format!("grantee of {}", grant()), role, false, errors);
    }
    let wrong: Vec<&str> = privileges.iter().filter(|p| !target.allows(**p)).map(|p| p.as_sql()).collect();
    if !wrong.is_empty() {
        errors.push(SchemaError::InvalidGrant {
            grant: grant(),
            problem: format!(
                "{} {} not apply here ({}); PostgreSQL refuses it, so remove {} or grant {} on the kind of object {} for",
                wrong.join(", "),
                if wrong.len() == 1 { "does" } else { "do" },
                target.describe(),
                if wrong.len() == 1 { "it" } else { "them" },
                if wrong.len() == 1 { "it" } else { "them" },
                if wrong.len() == 1 { "it is" } else { "they are" },
            ),
        });
    }
}

fn privilege_list(privileges: &[Privilege]) -> String {
    privileges.iter().map(|p| p.as_sql()).collect::<Vec<_>>().join(", ")
}

pub(super) fn check_schema_objects<'a>(schema: &'a Schema, catalog: &mut Catalog<'a>, errors: &mut Vec<SchemaError>) {
    let relation_exists = |name: &QualifiedName| schema.table(name).is_some() || schema.views.iter().any(|v| &v.name == name);

    let mut functions = HashSet::new();
    for f in &schema.functions {
        ident(|| format!("function {}", f.name), &f.name.name, false, errors);
        if !functions.insert((&f.name, &f.arguments)) {
            errors.push(SchemaError::DuplicateName { kind: "function", scope: format!("schema {}", f.name.schema), name: f.name.name.clone() });
        }
        for text in [&f.body, &f.arguments, &f.returns] {
            nul_check(Some(text), || format!("function {}", f.name), errors);
        }
        for dep in f.depends_on.iter().filter(|d| !relation_exists(d)) {
            errors.push(SchemaError::UnknownObject { used_by: format!("function {}", f.name), name: dep.clone() });
        }
    }

    for v in &schema.views {
        let kind = if v.materialized { "materialized view" } else { "view" };
        let owner = Owner::View { name: &v.name, materialized: v.materialized };
        ident(|| format!("{kind} {}", v.name), &v.name.name, false, errors);
        if catalog.relation(&v.name.schema, v.name.name.as_str(), owner, errors) {
            catalog.type_name(&v.name.schema, v.name.name.as_str(), owner, errors);
        }
        nul_check(Some(&v.query), || format!("query of {kind} {}", v.name), errors);
        for dep in v.depends_on.iter().filter(|d| !relation_exists(d)) {
            errors.push(SchemaError::UnknownObject { used_by: format!("{kind} {}", v.name), name: dep.clone() });
        }
        for index in &v.indexes {
            let name = name_of(&index.name);
            ident(|| format!("index `{name}`"), name, true, errors);
            catalog.relation(&v.name.schema, name, Owner::Index { name, on: &v.name }, errors);
            for key in &index.keys {
                if let IndexTarget::Expression(e) = &key.target {
                    check_index_expression(e, || format!("expression of index `{name}` on {}", v.name), "index expression", errors);
                }
            }
            if let Some(p) = &index.predicate {
                check_index_expression(p, || format!("predicate of index `{name}` on {}", v.name), "index predicate", errors);
            }
        }
        if !v.materialized && !v.indexes.is_empty() {
            errors.push(SchemaError::UnsupportedIndexOption {
                table: v.name.clone(),
                index: v.indexes[0].name.clone().unwrap_or_default(),
                method: "a plain view",
                option: "indexes (only materialized views can be indexed)",
            });
        }
    }

    for cycle in crate::depend::schema_order(schema).cycles {
        errors.push(SchemaError::DependencyCycle { objects: cycle.into_iter().map(|n| crate::depend::describe(n, &schema.functions, &schema.views)).collect() });
    }

    let mut roles = HashSet::new();
    for r in &schema.roles {
        ident(|| "role".into(), &r.name, false, errors);
        if !roles.insert(&r.name) {
            errors.push(SchemaError::DuplicateName { kind: "role", scope: "the cluster".into(), name: r.name.clone() });
        }
    }
    for g in &schema.grants {
        let on = || match &g.target {
            GrantTarget::Table { table, columns } if columns.is_empty() => format!("TABLE {table}"),
            GrantTarget::Table { table, columns } => format!("({}) ON TABLE {table}", columns.join(", ")),
            GrantTarget::AllTablesInSchema(s) => format!("ALL TABLES IN SCHEMA {s}"),
            GrantTarget::AllSequencesInSchema(s) => format!("ALL SEQUENCES IN SCHEMA {s}"),
            GrantTarget::AllFunctionsInSchema(s) => format!("ALL FUNCTIONS IN SCHEMA {s}"),
            GrantTarget::Schema(s) => format!("SCHEMA {s}"),
        };
        let describe = || {
            let on = on();
            let on = if on.starts_with('(') { on } else { format!("ON {on}") };
            format!("GRANT {} {on} TO {}", privilege_list(&g.privileges), g.roles.join(", "))
        };
        let target = match &g.target {
            GrantTarget::Table { columns, .. } if !columns.is_empty() => PrivilegeTarget::Columns,
            GrantTarget::Table { .. } | GrantTarget::AllTablesInSchema(_) => PrivilegeTarget::Table,
            GrantTarget::AllSequencesInSchema(_) => PrivilegeTarget::Sequence,
            GrantTarget::AllFunctionsInSchema(_) => PrivilegeTarget::Function,
            GrantTarget::Schema(_) => PrivilegeTarget::Schema,
        };
        check_privileges(describe, &g.privileges, &g.roles, target, errors);
        if let GrantTarget::Table { table, columns } = &g.target {
            match schema.table(table) {
                Some(t) => {
                    for c in columns.iter().filter(|c| t.find_column(c).is_none()) {
                        errors.push(SchemaError::UnknownColumn { table: table.clone(), column: c.clone(), used_by: "a column grant".into() });
                    }
                }
                None if schema.views.iter().any(|v| &v.name == table) => {}
                None => errors.push(SchemaError::UnknownObject { used_by: "a grant".into(), name: table.clone() }),
            }
        }
    }
    for d in &schema.default_privileges {
        let describe = || {
            format!(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON {} TO {}",
                d.schema,
                privilege_list(&d.privileges),
                d.objects.as_sql(),
                d.roles.join(", ")
            )
        };
        let target = match d.objects {
            DefaultObjects::Tables => PrivilegeTarget::Table,
            DefaultObjects::Sequences => PrivilegeTarget::Sequence,
            DefaultObjects::Functions => PrivilegeTarget::Function,
        };
        check_privileges(describe, &d.privileges, &d.roles, target, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_read_only_when_they_can_be_ordered() {
        let v = |text, ty| bound_value(text, &ty);
        assert_eq!(v("MINVALUE", SqlType::Date), Some(BoundValue::MinValue));
        assert_eq!(v(" maxvalue ", SqlType::Integer), Some(BoundValue::MaxValue));
        assert_eq!(v("-42", SqlType::BigInt), Some(BoundValue::Value(Kind::Integer, -42)));
        assert_eq!(v("'1970-01-02'", SqlType::Date), Some(BoundValue::Value(Kind::Local, 86_400_000_000)));
        assert_eq!(v("'1970-01-01 01:00:00+01'", SqlType::Timestamptz), Some(BoundValue::Value(Kind::Zoned, 0)));
        assert_eq!(v("'1970-01-01 01:00:00+01'", SqlType::Timestamp), Some(BoundValue::Value(Kind::Local, 3_600_000_000)));
        assert_eq!(v("'1970-01-01 00:00:00.5Z'", SqlType::Timestamptz), Some(BoundValue::Value(Kind::Zoned, 500_000)));
        assert_eq!(v("'1970-01-01'", SqlType::Timestamptz), Some(BoundValue::Value(Kind::Local, 0)));
        for (text, ty) in [
            ("'2024-01-01'::date", SqlType::Date),
            ("now()", SqlType::Timestamptz),
            ("'2023-02-29'", SqlType::Date),
            ("'2024-01-01 12:00'", SqlType::Date),
            ("1.5", SqlType::Integer),
            ("'a'", SqlType::Text),
            ("'5'", SqlType::Integer),
        ] {
            assert_eq!(v(text, ty.clone()), None, "{text} for {ty}");
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn bounds_compare_column_by_column() {
        use BoundValue::*;
        let i = |n| Value(Kind::Integer, n);
        assert_eq!(compare_bounds(&[i(1), MinValue], &[i(1), MaxValue]), Some(Ordering::Less));
        assert_eq!(compare_bounds(&[i(1), i(5)], &[i(2), i(0)]), Some(Ordering::Less));
        assert_eq!(compare_bounds(&[MinValue, i(5)], &[MinValue, i(0)]), Some(Ordering::Equal));
        assert_eq!(compare_bounds(&[Value(Kind::Local, 0)], &[Value(Kind::Zoned, 1)]), None);
        assert_eq!(compare_bounds(&[Value(Kind::Local, 0)], &[MaxValue]), Some(Ordering::Less));
    }
}
