//! `int-primary-key`: an `integer` or `smallint` surrogate key that can run out.
//!
//! In a composite key, an integer column counted within the rest of the key
//! (`invoice_lines (invoice_id, line_no)`) does not run out with the table's size:
//! only one drawn from a sequence (identity, serial, `nextval()`) is reported.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "int-primary-key",
    Warning,
    "a primary key column of type integer or smallint (serial included), which can run out of values",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let Some(pk) = &table.primary_key else { continue };
        for name in &pk.columns {
            // A column that is also a foreign key takes the referenced key's type; fix it there.
            if table.foreign_keys.iter().any(|fk| fk.columns.contains(name)) {
                continue;
            }
            let Some(column) = table.find_column(name) else { continue };
            let declared = cx.base_type(&column.ty);
            let from_sequence = column.identity.is_some()
                || matches!(declared, SqlType::Serial | SqlType::SmallSerial)
                || column.default.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("nextval("));
            if pk.columns.len() > 1 && !from_sequence {
                continue;
            }
            let ty = declared.storage();
            let max = match ty {
                SqlType::Integer => "2,147,483,647",
                SqlType::SmallInt => "32,767",
                _ => continue,
            };
            out.column(
                table,
                column,
                format!(
                    "primary key column `{}` is {}: it stops at {max}, and widening it later rewrites the table and every referencing column under an exclusive lock",
                    column.name, column.ty
                ),
                "use bigint (`i64`); the 4 extra bytes per row are cheap. For a small lookup table whose size is bounded by nature, allow the rule with that reason",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    #[test]
    fn ok() {
        let s = schema([
            table("users"),
            Table::new("memberships")
                .column(Column::new("user_id", SqlType::BigInt))
                .column(Column::new("slot", SqlType::SmallInt))
                .primary_key(["user_id"])
                .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"])),
            Table::new("countries").column(Column::new("id", SqlType::SmallInt)).primary_key(["id"]).allow(RULE.id, "fewer than 300 countries"),
        ]);
        assert!(run(&RULE, &s).is_empty());
    }

    // ---- user review (session 2026-12-02) ----

    /// A line number counted within its invoice is bounded by the invoice, not the
    /// table: not reported. A column of a composite key drawn from a sequence is.
    #[test]
    fn composite_key_counts_within_the_rest_of_the_key() {
        let lines = |line_no: Column| {
            schema([
                table("invoices"),
                Table::new("invoice_lines")
                    .column(Column::new("invoice_id", SqlType::BigInt))
                    .column(line_no)
                    .primary_key(["invoice_id", "line_no"])
                    .foreign_key(ForeignKey::new(["invoice_id"], QualifiedName::public("invoices"), ["id"])),
            ])
        };
        assert!(run(&RULE, &lines(Column::new("line_no", SqlType::Integer))).is_empty());
        assert!(run(&RULE, &lines(Column::new("line_no", SqlType::SmallInt).default_expr("1"))).is_empty());
        for counted in [
            Column::new("line_no", SqlType::Integer).identity(Identity::ByDefault),
            Column::new("line_no", SqlType::Serial),
            Column::new("line_no", SqlType::Integer).default_expr("nextval('invoice_lines_seq'::regclass)"),
        ] {
            assert_eq!(objects(&RULE, &lines(counted)), ["public.invoice_lines.line_no"]);
        }
        // Without the foreign key, a composite key of two plain integers is still a
        // natural key: not reported either.
        let pair = schema([Table::new("grid").column(Column::new("x", SqlType::Integer)).column(Column::new("y", SqlType::Integer)).primary_key(["x", "y"])]);
        assert!(run(&RULE, &pair).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([
            Table::new("a").column(Column::new("id", SqlType::Integer).identity(Identity::Always)).primary_key(["id"]),
            Table::new("b").column(Column::new("id", SqlType::Serial)).primary_key(["id"]),
        ]);
        assert_eq!(objects(&RULE, &s), ["public.a.id", "public.b.id"]);
    }
}
