//! The indexing strategy: what the indexes cover, and each index with what it serves.

use std::fmt::{self, Write};

use crate::model::{Index, IndexMethod, IndexTarget, Table};
use crate::schema::Schema;

use super::super::describe::{fk_columns_text, fk_index, index_purpose, key_sql};
use super::super::text::{and_list, count, write_row, write_table_head, Code, CodeList};
use super::Doc;

pub(super) fn indexing(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h2("Indexing strategy")?;
    let all: Vec<(&Table, &Index)> = schema.tables().iter().flat_map(|t| t.indexes.iter().map(move |i| (t, i))).collect();
    let fks: Vec<_> = schema.tables().iter().flat_map(|t| t.foreign_keys.iter().map(move |fk| (t, fk))).collect();

    let mut summary = Vec::new();
    if !fks.is_empty() {
        let missing: Vec<String> = fks.iter().filter(|(t, fk)| fk_index(t, fk).is_none()).map(|(t, fk)| fk_columns_text(t, fk)).collect();
        if missing.is_empty() {
            summary.push(format!(
                "Every foreign key ({}) has an index on its referencing columns, for joins and for deletes of referenced rows.",
                fks.len()
            ));
        } else {
            summary.push(format!(
                "{} of {} foreign keys have an index on their referencing columns; without one: {}.",
                fks.len() - missing.len(),
                fks.len(),
                CodeList(&missing)
            ));
        }
    }
    let named =
        |f: &dyn Fn(&Table, &Index) -> bool| -> Vec<String> { all.iter().filter(|(t, i)| f(t, i)).filter_map(|(_, i)| i.name.clone()).collect() };
    let kinds: [(&str, Vec<String>); 6] = [
        ("Partial indexes (only the rows queries filter for)", named(&|_, i| i.predicate.is_some())),
        ("GIN indexes (jsonb, arrays, full-text, trigrams)", named(&|_, i| i.method == IndexMethod::Gin)),
        ("Expression indexes (computed lookups)", named(&|_, i| i.keys.iter().any(|k| matches!(k.target, IndexTarget::Expression(_))))),
        ("Covering indexes (INCLUDE, for index-only scans)", named(&|_, i| !i.include.is_empty())),
        ("BRIN indexes (large, naturally ordered tables)", named(&|_, i| i.method == IndexMethod::Brin)),
        ("Unique indexes (rules the constraints cannot state)", named(&|_, i| i.unique)),
    ];
    for (what, names) in kinds {
        if !names.is_empty() {
            summary.push(format!("{what}: {}.", CodeList(&names)));
        }
    }
    summary.push("Primary keys and unique constraints are backed by their own unique btree indexes, listed below with the rest.".to_owned());
    doc.write_str("**Performance**:\n\n")?;
    for s in &summary {
        writeln!(doc, "- {s}")?;
    }

    doc.write_str("\n")?;
    write_table_head(doc, &["Index", "On", "Method", "Keys", "Include", "Predicate", "Unique", "Serves"])?;
    for t in schema.tables() {
        if let Some(pk) = &t.primary_key {
            constraint_row(doc, t, pk.name.as_deref().unwrap_or_default(), &pk.columns, "yes (primary key)", "primary key".to_owned())?;
        }
        for u in &t.uniques {
            let extra = if u.nulls_not_distinct { ", NULLS NOT DISTINCT" } else { "" };
            constraint_row(
                doc,
                t,
                u.name.as_deref().unwrap_or_default(),
                &u.columns,
                &format!("yes (constraint{extra})"),
                "unique constraint".to_owned(),
            )?;
        }
        for i in &t.indexes {
            index_row(doc, &t.name.to_string(), i, index_purpose(t, i))?;
        }
    }
    for v in schema.views() {
        for i in &v.indexes {
            let mut serves = Vec::new();
            match &i.comment {
                Some(c) => serves.push(super::super::text::Text(c).to_string()),
                None if i.unique && v.materialized => serves.push("lets `REFRESH MATERIALIZED VIEW CONCURRENTLY` run".to_owned()),
                None => serves.push(format!("lookups by {}", and_list(&i.keys.iter().map(|k| Code(&key_sql(k)).to_string()).collect::<Vec<_>>()))),
            }
            index_row(doc, &v.name.to_string(), i, serves)?;
        }
    }

    doc.write_str("\n**Index maintenance**:\n\n")?;
    doc.write_str("- Check usage with `pg_stat_user_indexes` (see [Performance monitoring](#performance-monitoring)); drop indexes that are never scanned, since every index slows down writes.\n")?;
    doc.write_str("- Add indexes to a live table with `CREATE INDEX CONCURRENTLY` (outside a transaction block), and rebuild bloated ones with `REINDEX INDEX CONCURRENTLY`.\n")?;
    if schema.tables().iter().any(|t| t.partitioning.is_some()) {
        doc.write_str("- An index on a partitioned table is created on every partition, and `CONCURRENTLY` is not available on the parent: create it `ON ONLY` the parent, build it `CONCURRENTLY` on each partition, then `ALTER INDEX ... ATTACH PARTITION` each one.\n")?;
    }
    if !all.is_empty() {
        writeln!(doc, "- {} declared besides the key and unique-constraint indexes.", count(all.len(), "index is", "indexes are"))?;
    }
    Ok(())
}

fn constraint_row(doc: &mut Doc, t: &Table, name: &str, columns: &[String], unique: &str, what: String) -> fmt::Result {
    let mut serves = vec![what];
    for fk in &t.foreign_keys {
        if fk_index(t, fk) == Some(name) {
            serves.push(format!("covers foreign key {} → {}", Code(&fk_columns_text(t, fk)), Code(&fk.references.to_string())));
        }
    }
    write_row(
        doc,
        &[
            Code(name).to_string(),
            Code(&t.name.to_string()).to_string(),
            "btree".to_owned(),
            CodeList(columns).to_string(),
            String::new(),
            String::new(),
            unique.to_owned(),
            serves.join("; "),
        ],
    )
}

fn index_row(doc: &mut Doc, on: &str, i: &Index, serves: Vec<String>) -> fmt::Result {
    let keys: Vec<String> = i.keys.iter().map(key_sql).collect();
    let unique = match (i.unique, i.nulls_not_distinct) {
        (true, true) => "yes (NULLS NOT DISTINCT)",
        (true, false) => "yes",
        (false, _) => "",
    };
    write_row(
        doc,
        &[
            Code(i.name.as_deref().unwrap_or_default()).to_string(),
            Code(on).to_string(),
            i.method.as_sql().to_owned(),
            CodeList(&keys).to_string(),
            CodeList(&i.include).to_string(),
            i.predicate.as_deref().map(|p| Code(p).to_string()).unwrap_or_default(),
            unique.to_owned(),
            serves.join("; "),
        ],
    )
}
