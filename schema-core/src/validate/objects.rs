//! Checks of partitioning, policies, triggers, functions, views and grants.

use std::collections::HashSet;

use super::{ident, nul_check, Catalog};
use crate::error::SchemaError;
use crate::model::{GrantTarget, IndexTarget, PartitionBound, PartitionStrategy, PolicyCommand, QualifiedName, Table, TriggerEvent, TriggerTiming};
use crate::schema::Schema;
use crate::types::SqlType;

pub(super) fn check_partitioning(table: &Table, catalog: &mut Catalog, errors: &mut Vec<SchemaError>) {
    let Some(p) = &table.partitioning else { return };
    let tn = &table.name;
    let problem = |problem: String| SchemaError::InvalidPartitioning { table: tn.clone(), problem };
    if p.columns.is_empty() {
        errors.push(problem("the partition key has no columns".into()));
    }
    for c in &p.columns {
        if table.find_column(c).is_none() {
            errors.push(SchemaError::UnknownColumn { table: tn.clone(), column: c.clone(), used_by: "the partition key".into() });
        }
    }
    if p.strategy == PartitionStrategy::List && p.columns.len() > 1 {
        errors.push(problem("LIST partitioning takes exactly one key column".into()));
    }
    // Uniqueness is enforced per partition, so every unique key must contain the partition key.
    let mut unique_keys: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(pk) = &table.primary_key {
        unique_keys.push((pk.name.clone().unwrap_or_default(), pk.columns.clone()));
    }
    for u in &table.uniques {
        unique_keys.push((u.name.clone().unwrap_or_default(), u.columns.clone()));
    }
    for i in table.indexes.iter().filter(|i| i.unique) {
        let cols = i.keys.iter().filter_map(|k| match &k.target {
            IndexTarget::Column(c) => Some(c.clone()),
            IndexTarget::Expression(_) => None,
        });
        unique_keys.push((i.name.clone().unwrap_or_default(), cols.collect()));
    }
    for (constraint, cols) in unique_keys {
        let missing: Vec<String> = p.columns.iter().filter(|c| !cols.contains(c)).cloned().collect();
        if !missing.is_empty() {
            errors.push(SchemaError::PartitionKeyNotInUniqueKey { table: tn.clone(), constraint, missing });
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
            ident(format!("partition of {tn} made by ensure_partitions"), &longest, true, errors);
        }
    }
    if p.default_partition && p.strategy == PartitionStrategy::Hash {
        errors.push(problem("HASH partitioning cannot have a DEFAULT partition".into()));
    }
    let mut names: Vec<String> = p.partitions.iter().map(|x| x.name.clone()).collect();
    if p.default_partition {
        names.push(crate::model::Partitioning::default_partition_name(&tn.name));
    }
    for name in names {
        ident(format!("partition of {tn}"), &name, true, errors);
        catalog.relation(QualifiedName::new(&tn.schema, &name), format!("partition `{name}` of {tn}"), errors);
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
}

pub(super) fn check_policies(table: &Table, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let mut names = HashSet::new();
    for policy in &table.policies {
        ident(format!("policy on {tn}"), &policy.name, false, errors);
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
            ident(format!("role of policy `{}`", policy.name), role, false, errors);
        }
    }
}

pub(super) fn check_triggers(table: &Table, schema: &Schema, errors: &mut Vec<SchemaError>) {
    let tn = &table.name;
    let mut names = HashSet::new();
    for trigger in &table.triggers {
        ident(format!("trigger on {tn}"), &trigger.name, false, errors);
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

pub(super) fn check_schema_objects(schema: &Schema, catalog: &mut Catalog, errors: &mut Vec<SchemaError>) {
    let relation_exists = |name: &QualifiedName| schema.table(name).is_some() || schema.views.iter().any(|v| &v.name == name);

    let mut functions = HashSet::new();
    for f in &schema.functions {
        ident(format!("function {}", f.name), &f.name.name, false, errors);
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
        ident(format!("{kind} {}", v.name), &v.name.name, false, errors);
        catalog.relation(v.name.clone(), format!("{kind} {}", v.name), errors);
        catalog.type_name(v.name.clone(), format!("{kind} {}", v.name), errors);
        nul_check(Some(&v.query), || format!("query of {kind} {}", v.name), errors);
        for dep in v.depends_on.iter().filter(|d| !relation_exists(d)) {
            errors.push(SchemaError::UnknownObject { used_by: format!("{kind} {}", v.name), name: dep.clone() });
        }
        for index in &v.indexes {
            let name = index.name.clone().unwrap_or_default();
            ident(format!("index `{name}`"), &name, true, errors);
            catalog.relation(QualifiedName::new(&v.name.schema, &name), format!("index `{name}` on {}", v.name), errors);
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

    let mut roles = HashSet::new();
    for r in &schema.roles {
        ident("role".into(), &r.name, false, errors);
        if !roles.insert(&r.name) {
            errors.push(SchemaError::DuplicateName { kind: "role", scope: "the cluster".into(), name: r.name.clone() });
        }
    }
    for g in &schema.grants {
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
}
