//! Partitioning, types (enums, domains), functions, triggers and views.

use std::fmt::{self, Write};

use crate::ident::Literal;
use crate::model::{PartitionBound, PartitionStrategy, Partitioning, Period, Table, Trigger, TriggerEvent, TriggerTiming, Volatility};
use crate::schema::Schema;

use super::super::describe::key_sql;
use super::super::text::{write_fenced, write_row, write_table_head, Cell, Code, CodeList, Text};
use super::Doc;

pub(super) fn partitioning(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    let partitioned: Vec<&Table> = schema.tables().iter().filter(|t| t.partitioning.is_some()).collect();
    if partitioned.is_empty() {
        return Ok(());
    }
    doc.h2("Partitioning")?;
    for t in partitioned {
        let p = t.partitioning.as_ref().expect("filtered");
        doc.h3_code(&t.name.to_string(), "")?;
        writeln!(doc, "- **Strategy**: {} on {}.", p.strategy.as_sql(), CodeList(&p.columns))?;
        writeln!(doc, "- **How new partitions are made**: {}", how_new_partitions(t, p))?;
        if p.default_partition {
            let default = Partitioning::default_partition_name(&t.name.name);
            // Moving a row out of the default partition deletes it there, which
            // fires the ON DELETE action of the foreign keys whose rows reference it.
            let referenced_by: Vec<String> =
                schema.tables().iter().filter(|r| r.foreign_keys.iter().any(|fk| fk.references == t.name)).map(|r| r.name.to_string()).collect();
            let moves = match (ensure_call(t).is_some(), referenced_by.is_empty()) {
                (true, true) => "`ensure_partitions` moves a period's rows out of it when it creates that period's partition; creating a partition by hand fails while the default partition holds rows that belong in it, so move them first".to_owned(),
                (true, false) => format!(
                    "`ensure_partitions` moves a period's rows out of it when it creates that period's partition, but not a row that a row of {} references, as moving it fires their foreign key's `ON DELETE` action: while the default partition holds such a row of a period it would create, it stops with an error (23514) and creates no partition, so move those rows by hand (and create partitions far enough ahead that none land there)",
                    CodeList(&referenced_by)
                ),
                _ => "creating a partition fails while the default partition holds rows that belong in it, so move them out first".to_owned(),
            };
            writeln!(
                doc,
                "- **Default partition** {} takes rows no other partition accepts. {}. Watch its row count (see [Performance monitoring](#performance-monitoring)).",
                Code(&default),
                capitalized(&moves)
            )?;
        } else if p.strategy != PartitionStrategy::Hash {
            doc.write_str("- **No default partition**: inserting a row no partition accepts fails.\n")?;
        }
        if let Some(r) = &t.retention {
            writeln!(
                doc,
                "- **Retention**: {}. Drop old data a partition at a time (`ALTER TABLE {} DETACH PARTITION ... CONCURRENTLY`, then `DROP TABLE`) instead of deleting rows.",
                Text(r.trim_end_matches('.')),
                t.name
            )?;
        }
        if !p.partitions.is_empty() || p.default_partition {
            doc.write_str("\n")?;
            write_table_head(doc, &["Partition", "Bounds"])?;
            for part in &p.partitions {
                let bounds = match &part.bound {
                    PartitionBound::Range { from, to } => format!("FROM ({}) TO ({})", from.join(", "), to.join(", ")),
                    PartitionBound::List(values) => format!("IN ({})", values.join(", ")),
                    PartitionBound::Hash { modulus, remainder } => format!("WITH (MODULUS {modulus}, REMAINDER {remainder})"),
                };
                write_row(doc, &[Code(&part.name).to_string(), Code(&bounds).to_string()])?;
            }
            if p.default_partition {
                write_row(doc, &[Code(&Partitioning::default_partition_name(&t.name.name)).to_string(), "`DEFAULT`".to_owned()])?;
            }
        }
    }
    Ok(())
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn period_word(period: Period) -> (&'static str, &'static str) {
    match period {
        Period::Day => ("daily", "day"),
        Period::Month => ("monthly", "month"),
        Period::Year => ("yearly", "year"),
    }
}

/// `SELECT public.ensure_partitions('billing.invoices', 'month', 2);`
pub(crate) fn ensure_call(t: &Table) -> Option<String> {
    let w = t.partitioning.as_ref()?.window.filter(|w| w.ahead > 0)?;
    Some(format!(
        "SELECT {}({}, {}, {});",
        crate::builtin::ensure_partitions_name(),
        Literal(&t.name.to_string()),
        Literal(w.period.as_sql()),
        w.ahead
    ))
}

fn how_new_partitions(t: &Table, p: &Partitioning) -> String {
    match (p.strategy, p.window) {
        (PartitionStrategy::Range, Some(w)) => {
            let (adjective, unit) = period_word(w.period);
            let mut s = if w.count > 0 {
                let from = match w.period {
                    Period::Day => w.from.to_string(),
                    Period::Month => format!("{:04}-{:02}", w.from.year, w.from.month),
                    Period::Year => format!("{:04}", w.from.year),
                };
                format!("{adjective} partitions; the script declares {} from {from}", w.count)
            } else {
                format!("{adjective} partitions")
            };
            match ensure_call(t) {
                Some(call) => {
                    s.push_str(&format!(
                        ". When the script runs, {} creates the partitions of the current {unit} (UTC) and the next {} if missing. Run it again before each new {unit} begins, e.g. daily from pg_cron: {}",
                        Code(&call),
                        w.ahead.saturating_sub(1),
                        Code(&format!(
                            "SELECT cron.schedule({}, '0 3 * * *', {});",
                            Literal(&format!("partitions of {}", t.name)),
                            Literal(call.trim_end_matches(';'))
                        ))
                    ));
                }
                None => s.push_str(&format!(". Nothing creates later ones: add a `CREATE TABLE ... PARTITION OF {} FOR VALUES FROM (...) TO (...)` before each new {unit} begins", t.name)),
            }
            s.push('.');
            s
        }
        (PartitionStrategy::Range, None) => {
            format!("by hand: `CREATE TABLE ... PARTITION OF {} FOR VALUES FROM (...) TO (...)` for each new range.", t.name)
        }
        (PartitionStrategy::List, _) => format!("by hand: `CREATE TABLE ... PARTITION OF {} FOR VALUES IN (...)` for each new value.", t.name),
        (PartitionStrategy::Hash, _) => format!(
            "fixed at {} hash partitions; changing the modulus means creating a new table and moving the rows.",
            p.hash_modulus.map_or_else(|| p.partitions.len().to_string(), |m| m.to_string())
        ),
    }
}

/// The columns (as `table.column`) whose type is `name`.
fn used_by(schema: &Schema, name: &crate::model::QualifiedName) -> Vec<String> {
    schema
        .tables()
        .iter()
        .flat_map(|t| t.columns.iter().filter(|c| c.ty.named() == Some(name)).map(move |c| format!("{}.{}", t.name.name, c.name)))
        .chain(schema.domains().iter().filter(|d| d.base.named() == Some(name)).map(|d| format!("domain {}", d.name)))
        .collect()
}

pub(super) fn types(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    if schema.enums().is_empty() && schema.domains().is_empty() {
        return Ok(());
    }
    doc.h2("Types")?;
    if !schema.enums().is_empty() {
        doc.h3("Enums")?;
        doc.write_str("Labels sort in the order listed. A label can be added later (`ALTER TYPE ... ADD VALUE`) but not removed.\n\n")?;
        write_table_head(doc, &["Enum", "Labels", "Used by", "Description"])?;
        for e in schema.enums() {
            write_row(
                doc,
                &[
                    Code(&e.name.to_string()).to_string(),
                    CodeList(&e.values).to_string(),
                    CodeList(&used_by(schema, &e.name)).to_string(),
                    e.comment.as_deref().map(|c| Cell(c).to_string()).unwrap_or_default(),
                ],
            )?;
        }
    }
    if !schema.domains().is_empty() {
        doc.h3("Domains")?;
        write_table_head(doc, &["Domain", "Base type", "Not null", "Default", "Checks", "Used by", "Description"])?;
        for d in schema.domains() {
            let checks: Vec<String> = d.checks.iter().map(|c| Code(&c.expr).to_string()).collect();
            write_row(
                doc,
                &[
                    Code(&d.name.to_string()).to_string(),
                    Code(&d.base.to_string()).to_string(),
                    if d.not_null { "yes".to_owned() } else { "no".to_owned() },
                    d.default.as_deref().map(|x| Code(x).to_string()).unwrap_or_default(),
                    checks.join("<br>"),
                    CodeList(&used_by(schema, &d.name)).to_string(),
                    d.comment.as_deref().map(|c| Cell(c).to_string()).unwrap_or_default(),
                ],
            )?;
        }
    }
    Ok(())
}

pub(super) fn functions(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    if schema.functions().is_empty() {
        return Ok(());
    }
    doc.h2("Functions")?;
    write_table_head(doc, &["Function", "Returns", "Language", "Volatility", "Security", "Description"])?;
    for f in schema.functions() {
        let volatility = match f.volatility {
            Some(Volatility::Immutable) => "immutable",
            Some(Volatility::Stable) => "stable",
            Some(Volatility::Volatile) | None => "volatile",
        };
        let security = if f.security_definer {
            match &f.search_path {
                Some(p) => format!("definer (search_path {})", Code(p)),
                None => "definer, **no fixed search_path**".to_owned(),
            }
        } else {
            "invoker".to_owned()
        };
        write_row(
            doc,
            &[
                Code(&format!("{}({})", f.name, f.arguments)).to_string(),
                Code(&f.returns).to_string(),
                Code(&f.language).to_string(),
                volatility.to_owned(),
                security,
                f.comment.as_deref().map(|c| Cell(c).to_string()).unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

/// `BEFORE UPDATE, for each row`.
pub(super) fn trigger_when(t: &Trigger) -> String {
    let timing = match t.timing {
        TriggerTiming::Before => "BEFORE",
        TriggerTiming::After => "AFTER",
        TriggerTiming::InsteadOf => "INSTEAD OF",
    };
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => "INSERT".to_owned(),
            TriggerEvent::Update(cols) if cols.is_empty() => "UPDATE".to_owned(),
            TriggerEvent::Update(cols) => format!("UPDATE OF {}", cols.join(", ")),
            TriggerEvent::Delete => "DELETE".to_owned(),
            TriggerEvent::Truncate => "TRUNCATE".to_owned(),
        })
        .collect();
    format!("{timing} {}, for each {}", events.join(" OR "), if t.for_each_row { "row" } else { "statement" })
}

pub(super) fn triggers(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    let all: Vec<(&Table, &Trigger)> = schema.tables().iter().flat_map(|t| t.triggers.iter().map(move |tr| (t, tr))).collect();
    if all.is_empty() {
        return Ok(());
    }
    doc.h2("Triggers")?;
    write_table_head(doc, &["Trigger", "Table", "Fires", "Function", "Condition", "Description"])?;
    for (t, tr) in all {
        let args: Vec<String> = tr.arguments.iter().map(|a| Literal(a).to_string()).collect();
        write_row(
            doc,
            &[
                Code(&tr.name).to_string(),
                Code(&t.name.to_string()).to_string(),
                trigger_when(tr),
                Code(&format!("{}({})", tr.function, args.join(", "))).to_string(),
                tr.when.as_deref().map(|w| Code(w).to_string()).unwrap_or_default(),
                tr.comment.as_deref().map(|c| Cell(c).to_string()).unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

pub(super) fn views(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    if schema.views().is_empty() {
        return Ok(());
    }
    doc.h2("Views")?;
    for v in schema.views() {
        doc.h3_code(&v.name.to_string(), if v.materialized { " (materialized)" } else { "" })?;
        if let Some(c) = &v.comment {
            writeln!(doc, "{}\n", Text(c))?;
        }
        if !v.depends_on.is_empty() {
            let deps: Vec<String> = v.depends_on.iter().map(ToString::to_string).collect();
            writeln!(doc, "- **Reads**: {}.", CodeList(&deps))?;
        }
        if v.materialized {
            let concurrently = v.indexes.iter().any(|i| i.unique && i.predicate.is_none());
            if concurrently {
                writeln!(
                    doc,
                    "- **Refresh**: {} (its unique index lets readers go on during the refresh); schedule it with pg_cron or the application.",
                    Code(&format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {};", v.name))
                )?;
            } else {
                writeln!(
                    doc,
                    "- **Refresh**: {} (locks out readers while it runs; a unique index would allow `CONCURRENTLY`).",
                    Code(&format!("REFRESH MATERIALIZED VIEW {};", v.name))
                )?;
            }
            doc.write_str("- **Access**: the stored rows are read with the privileges on the view; row-level security of the underlying tables does not apply to them.\n")?;
        } else if v.security_invoker {
            doc.write_str(
                "- **Access**: `security_invoker`: the caller's privileges and row-level security policies apply to the underlying tables.\n",
            )?;
        } else {
            doc.write_str("- **Access**: runs with the privileges of the view's owner, so the underlying tables' row-level security applies to the owner, not the caller (set `security_invoker` to change that).\n")?;
        }
        if !v.indexes.is_empty() {
            let names: Vec<String> = v
                .indexes
                .iter()
                .map(|i| {
                    let keys: Vec<String> = i.keys.iter().map(key_sql).collect();
                    format!("{} ({}{})", Code(i.name.as_deref().unwrap_or_default()), if i.unique { "unique, " } else { "" }, CodeList(&keys))
                })
                .collect();
            writeln!(doc, "- **Indexes**: {}.", names.join(", "))?;
        }
        doc.write_str("\n")?;
        write_fenced(doc, "sql", v.query.trim())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::{CivilDate, Column, ForeignKey, Index, Partitioning, QualifiedName, Table};
    use crate::schema::Schema;
    use crate::types::SqlType;

    #[test]
    fn the_default_partition_of_a_referenced_table_says_ensure_partitions_cannot_move_its_referenced_rows() {
        let logs = Table::new("logs")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("at", SqlType::Timestamptz))
            .primary_key(["id", "at"])
            .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 1).ahead(2).with_default());
        let notes = Table::new("notes")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("log_id", SqlType::BigInt))
            .column(Column::new("log_at", SqlType::Timestamptz))
            .primary_key(["id"])
            .foreign_key(ForeignKey::new(["log_id", "log_at"], QualifiedName::public("logs"), ["id", "at"]))
            .index(Index::on(["log_id", "log_at"]));
        let referenced = Schema::builder().add_table(logs.clone()).add_table(notes).build().unwrap().to_markdown();
        assert!(
            referenced.contains("- **Default partition** `logs_default` takes rows no other partition accepts. `ensure_partitions` moves a period's rows out of it when it creates that period's partition, but not a row that a row of `public.notes` references, as moving it fires their foreign key's `ON DELETE` action: while the default partition holds such a row of a period it would create, it stops with an error (23514) and creates no partition, so move those rows by hand (and create partitions far enough ahead that none land there). Watch"),
            "{referenced}"
        );
        let alone = Schema::builder().add_table(logs).build().unwrap().to_markdown();
        assert!(alone.contains("`ensure_partitions` moves a period's rows out of it when it creates that period's partition"), "{alone}");
        assert!(!alone.contains("but not a row that"), "{alone}");
    }
}
