//! The tables, one section each, and the relationships between them.

use std::fmt::{self, Write};

use crate::model::{Column, Deferrable, ForeignKey, Identity, ReferentialAction, Table};
use crate::schema::Schema;

use super::super::describe::{cardinality, fk_index};
use super::super::text::{count, write_row, write_table_head, Cell, Code, CodeList, Text};
use super::Doc;

pub(super) fn tables(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h2("Tables")?;
    if schema.tables().is_empty() {
        return doc.write_str("The schema declares no table.\n");
    }
    write_table_head(doc, &["Table", "Description", "Columns", "Notes"])?;
    // The index links to the table headings that follow it directly.
    let anchors: Vec<String> = schema.tables().iter().map(|t| doc.reserve(&t.name.to_string())).collect();
    for (t, anchor) in schema.tables().iter().zip(&anchors) {
        write_row(
            doc,
            &[
                format!("[{}](#{anchor})", Code(&t.name.to_string())),
                t.comment.as_deref().map(|c| Cell(c).to_string()).unwrap_or_default(),
                t.columns.len().to_string(),
                table_notes(schema, t).join(", "),
            ],
        )?;
    }
    for t in schema.tables() {
        table(doc, schema, t)?;
    }
    Ok(())
}

/// Short tags for the table index.
fn table_notes(schema: &Schema, t: &Table) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(p) = &t.partitioning {
        notes.push(format!("partitioned ({})", p.strategy.as_sql().to_ascii_lowercase()));
    }
    if t.rls.enabled {
        notes.push(if t.rls.forced { "RLS (forced)".to_owned() } else { "RLS".to_owned() });
    }
    if t.audited {
        notes.push("audited".to_owned());
    }
    if t.soft_delete {
        notes.push("soft delete".to_owned());
    }
    if schema.audit_log() == Some(&t.name) {
        notes.push("audit log".to_owned());
    }
    if t.columns.iter().any(|c| c.personal_data) {
        notes.push("personal data".to_owned());
    }
    notes
}

fn table(doc: &mut Doc, schema: &Schema, t: &Table) -> fmt::Result {
    doc.h3_code_reserved(&t.name.to_string(), "")?;
    if let Some(c) = &t.comment {
        writeln!(doc, "{}\n", Text(c))?;
    }
    let mut facts = Vec::new();
    if let Some(p) = &t.partitioning {
        facts.push(format!("**Partitioned** by {} on {}: see [Partitioning](#partitioning).", p.strategy.as_sql(), CodeList(&p.columns)));
    }
    if t.rls.enabled {
        facts.push(format!(
            "**Row-level security** enabled{}, {}: see [Row-level security](#row-level-security).",
            if t.rls.forced { " and forced (applies to the owner too)" } else { "" },
            count(t.policies.len(), "policy", "policies")
        ));
    }
    if t.audited {
        if let Some(log) = schema.audit_log() {
            facts.push(format!("**Audited**: every INSERT, UPDATE and DELETE is written to {}.", Code(&log.to_string())));
        }
    }
    if t.soft_delete {
        facts.push("**Soft delete**: rows are marked with `deleted_at` instead of being deleted; queries and indexes for live rows filter on `deleted_at IS NULL`.".to_owned());
    }
    if let Some(v) = &t.volume {
        facts.push(format!("**Expected volume**: {}.", Text(v.trim_end_matches('.'))));
    }
    if let Some(r) = &t.retention {
        facts.push(format!("**Retention**: {}.", Text(r.trim_end_matches('.'))));
    }
    for f in &facts {
        writeln!(doc, "- {f}")?;
    }
    if !facts.is_empty() {
        doc.write_str("\n")?;
    }

    let pii = t.columns.iter().any(|c| c.personal_data);
    let mut head = vec!["Column", "Type", "Nullable", "Default", "Constraints", "Description"];
    if pii {
        head.push("Personal data");
    }
    write_table_head(doc, &head)?;
    for c in &t.columns {
        let mut row = vec![
            Code(&c.name).to_string(),
            Code(&c.ty.to_string()).to_string(),
            if c.nullable { "yes".to_owned() } else { "no".to_owned() },
            c.default.as_deref().map(|d| Code(d).to_string()).unwrap_or_default(),
            column_constraints(t, c).join("<br>"),
            c.comment.as_deref().map(|d| Cell(d).to_string()).unwrap_or_default(),
        ];
        if pii {
            row.push(match (c.personal_data, &c.protection) {
                (false, _) => String::new(),
                (true, Some(p)) => format!("yes: {}", Cell(p)),
                (true, None) => "yes: **protection not recorded**".to_owned(),
            });
        }
        write_row(doc, &row)?;
    }

    let mut constraints = Vec::new();
    if let Some(pk) = &t.primary_key {
        constraints.push(format!("Primary key {}: {}", Code(pk.name.as_deref().unwrap_or_default()), CodeList(&pk.columns)));
    }
    for u in &t.uniques {
        constraints.push(format!(
            "Unique {}: {}{}",
            Code(u.name.as_deref().unwrap_or_default()),
            CodeList(&u.columns),
            if u.nulls_not_distinct { " (NULLS NOT DISTINCT: at most one row with NULL)" } else { "" }
        ));
    }
    for c in &t.checks {
        constraints.push(format!("Check {}: {}", Code(c.name.as_deref().unwrap_or_default()), Code(&c.expr)));
    }
    for fk in &t.foreign_keys {
        constraints.push(format!(
            "Foreign key {}: {} → {} ({}), {}",
            Code(fk.name.as_deref().unwrap_or_default()),
            CodeList(&fk.columns),
            Code(&fk.references.to_string()),
            CodeList(&fk.referenced_columns),
            actions(fk)
        ));
    }
    if !constraints.is_empty() {
        doc.write_str("\n**Constraints**\n\n")?;
        for c in constraints {
            writeln!(doc, "- {c}")?;
        }
    }
    if !t.indexes.is_empty() {
        let names: Vec<String> = t.indexes.iter().filter_map(|i| i.name.clone()).collect();
        writeln!(doc, "\n**Indexes**: {} (see [Indexing strategy](#indexing-strategy)).", CodeList(&names))?;
    }
    if !t.triggers.is_empty() {
        doc.write_str("\n**Triggers**\n\n")?;
        for tr in &t.triggers {
            write!(doc, "- {} ({}): calls {}", Code(&tr.name), super::objects::trigger_when(tr), Code(&format!("{}()", tr.function)))?;
            match &tr.comment {
                Some(c) if c.trim_end().ends_with(['.', '!', '?']) => writeln!(doc, ". {}", Text(c))?,
                Some(c) => writeln!(doc, ". {}.", Text(c))?,
                None => doc.write_str(".\n")?,
            }
        }
    }
    Ok(())
}

/// The constraint notes of one column: keys, references, checks, identity, generation.
fn column_constraints(t: &Table, c: &Column) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(pk) = &t.primary_key {
        if pk.columns.contains(&c.name) {
            notes.push(if pk.columns.len() == 1 { "PK".to_owned() } else { format!("PK ({})", CodeList(&pk.columns)) });
        }
    }
    for u in t.uniques.iter().filter(|u| u.columns.contains(&c.name)) {
        notes.push(if u.columns.len() == 1 { "UNIQUE".to_owned() } else { format!("UNIQUE ({})", CodeList(&u.columns)) });
    }
    for fk in t.foreign_keys.iter().filter(|fk| fk.columns.contains(&c.name)) {
        let i = fk.columns.iter().position(|x| x == &c.name).expect("filtered");
        let target = fk.referenced_columns.get(i).map(String::as_str).unwrap_or_default();
        notes.push(format!("FK → {}", Code(&format!("{}.{target}", fk.references))));
    }
    for check in t.checks.iter().filter(|k| k.column.as_deref() == Some(c.name.as_str())) {
        notes.push(format!("CHECK {}", Code(&check.expr)));
    }
    match c.identity {
        Some(Identity::Always) => notes.push("identity (always)".to_owned()),
        Some(Identity::ByDefault) => notes.push("identity (by default)".to_owned()),
        None => {}
    }
    if let Some(g) = &c.generated {
        notes.push(format!("generated: {}", Code(g)));
    }
    notes
}

/// `ON DELETE CASCADE, ON UPDATE NO ACTION (default)`.
fn actions(fk: &ForeignKey) -> String {
    let on_update = fk.on_update.map_or("NO ACTION (default)", ReferentialAction::as_sql);
    let mut s = format!("ON DELETE {}, ON UPDATE {on_update}", on_delete(fk));
    match fk.deferrable {
        Deferrable::No => {}
        Deferrable::InitiallyImmediate => s.push_str(", deferrable"),
        Deferrable::InitiallyDeferred => s.push_str(", deferrable, checked at commit"),
    }
    s
}

/// `SET NULL (`parent_id`; keeps `tenant_id`)`: the action, and the columns it
/// sets when it does not set them all.
fn on_delete(fk: &ForeignKey) -> String {
    let Some(action) = fk.on_delete else { return "NO ACTION (default)".to_owned() };
    if fk.on_delete_set_columns.is_empty() {
        return action.as_sql().to_owned();
    }
    let kept: Vec<&String> = fk.columns.iter().filter(|c| !fk.on_delete_set_columns.contains(c)).collect();
    let mut s = format!("{} ({}", action.as_sql(), CodeList(&fk.on_delete_set_columns));
    if !kept.is_empty() {
        s.push_str(&format!("; keeps {}", CodeList(&kept)));
    }
    s.push(')');
    s
}

pub(super) fn relationships(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    let fks: Vec<_> = schema.tables().iter().flat_map(|t| t.foreign_keys.iter().map(move |fk| (t, fk))).collect();
    doc.h2("Relationships")?;
    if fks.is_empty() {
        return doc.write_str("No foreign keys.\n");
    }
    write_table_head(doc, &["Foreign key", "From", "To", "On delete", "On update", "Cardinality", "Index on the referencing side"])?;
    for (t, fk) in fks {
        let card = cardinality(t, fk);
        let child = &t.name.name;
        let parent = &fk.references.name;
        let mut cardinality = if card.unique {
            format!("one-to-one: each {} row has at most one {} row", Code(parent), Code(child))
        } else {
            format!("many-to-one: each {} row has any number of {} rows", Code(parent), Code(child))
        };
        cardinality.push_str(if card.mandatory { "; the reference is required" } else { "; the reference is optional (NULL)" });
        let action = |a: Option<ReferentialAction>| a.map_or("NO ACTION (default)", ReferentialAction::as_sql).to_owned();
        let mut name = Code(fk.name.as_deref().unwrap_or_default()).to_string();
        match fk.deferrable {
            Deferrable::No => {}
            Deferrable::InitiallyImmediate => name.push_str(" (deferrable)"),
            Deferrable::InitiallyDeferred => name.push_str(" (deferrable, checked at commit)"),
        }
        let index = match fk_index(t, fk) {
            Some(i) => Code(i).to_string(),
            None if t.allows.iter().any(|a| a.rule == "foreign-key-without-index") => {
                "none (allowed, see [Accepted lint exceptions](#accepted-lint-exceptions))".to_owned()
            }
            None => "**none**: deleting or updating a referenced row scans the referencing table".to_owned(),
        };
        write_row(
            doc,
            &[
                name,
                format!("{} ({})", Code(&t.name.to_string()), CodeList(&fk.columns)),
                format!("{} ({})", Code(&fk.references.to_string()), CodeList(&fk.referenced_columns)),
                on_delete(fk),
                action(fk.on_update),
                cardinality,
                index,
            ],
        )?;
    }
    Ok(())
}
