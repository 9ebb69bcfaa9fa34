//! `missing-timestamps`: a table without `created_at` or `updated_at`.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{Column, Table};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!("missing-timestamps", Warning, "a table without a creation timestamp (`created_at`) or an `updated_at` column", check);

/// A column that records when the row was created: `created_at`, or any
/// timestamptz defaulting to the current time (`applied_at DEFAULT now()`).
fn records_creation(column: &Column) -> bool {
    if column.name == "created_at" {
        return true;
    }
    let now = column.default.as_deref().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        ["now()", "current_timestamp", "transaction_timestamp()", "statement_timestamp()", "clock_timestamp()"].iter().any(|f| d.contains(f))
    });
    now && matches!(column.ty, SqlType::Timestamptz | SqlType::Timestamp)
}

fn missing(table: &Table) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !table.columns.iter().any(records_creation) {
        missing.push("created_at");
    }
    if !table.columns.iter().any(|c| c.name == "updated_at" || c.name == "modified_at") {
        missing.push("updated_at");
    }
    missing
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let missing = missing(table);
        if missing.is_empty() {
            continue;
        }
        out.table(
            table,
            format!(
                "{} has no {}: when a row appeared or last changed is the first question of every incident, sync job and audit, and it cannot be recovered afterwards",
                table.name,
                missing.join(" or ")
            ),
            "add `created_at timestamptz NOT NULL DEFAULT now()` and `updated_at` maintained by a trigger (`Table::timestamps()`, `#[table(timestamps)]`); for an append-only table (a log, a junction table), allow the rule with that reason",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn ok() {
        let s = schema([
            table("posts").timestamps(),
            table("migrations").column(Column::new("applied_at", SqlType::Timestamptz).default_expr("CURRENT_TIMESTAMP")).column(Column::new("updated_at", SqlType::Timestamptz)),
            table("post_tags").allow(RULE.id, "junction rows are inserted and deleted, never updated"),
        ]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("a"), table("b").column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))]);
        let found = run(&RULE, &s);
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("no created_at or updated_at"));
        assert!(found[1].message.contains("no updated_at:"));
    }
}
