//! `int-primary-key`: an `integer` or `smallint` surrogate key that can run out.

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
            let ty = cx.base_type(&column.ty).storage();
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

    #[test]
    fn err() {
        let s = schema([
            Table::new("a").column(Column::new("id", SqlType::Integer).identity(Identity::Always)).primary_key(["id"]),
            Table::new("b").column(Column::new("id", SqlType::Serial)).primary_key(["id"]),
        ]);
        assert_eq!(objects(&RULE, &s), ["public.a.id", "public.b.id"]);
    }
}
