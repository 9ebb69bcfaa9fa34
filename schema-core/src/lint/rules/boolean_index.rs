//! `boolean-index`: a full B-tree index on a lone boolean column.

use crate::lint::context::index_object;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{IndexMethod, IndexTarget};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "boolean-index",
    Warning,
    "a non-partial index whose only key is a boolean column, which the planner almost never uses",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for index in &table.indexes {
            if index.predicate.is_some() || index.unique || index.method != IndexMethod::BTree || index.keys.len() != 1 {
                continue;
            }
            let IndexTarget::Column(name) = &index.keys[0].target else { continue };
            let Some(column) = table.find_column(name) else { continue };
            if cx.base_type(&column.ty) != SqlType::Boolean {
                continue;
            }
            let index_name = index.name.as_deref().unwrap_or_default();
            out.on_table(
                table,
                index_object(table, index_name),
                Some(column),
                format!(
                    "{index_name} indexes only the boolean `{name}`: with two values, each matches a large share of the table, so the planner prefers a sequential scan, and the index only costs writes"
                ),
                format!(
                    "if queries look for the rare value, index those rows only: `Index::on([\"id\"]).where_(\"{name}\")` (CREATE INDEX ... WHERE {name}); otherwise drop it, or add `{name}` as a later key of an index that leads with a selective column"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    fn users(index: Index) -> crate::Schema {
        schema([table("users").column(Column::new("is_active", SqlType::Boolean)).column(Column::new("email", SqlType::Text)).index(index)])
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &users(Index::on(["email"]).where_("is_active"))).is_empty());
        assert!(run(&RULE, &users(Index::on(["email", "is_active"]))).is_empty());
        assert!(run(&RULE, &users(Index::on(["id"]).where_("NOT is_active"))).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &users(Index::on(["is_active"]))), ["index public.idx_users_is_active"]);
    }
}
