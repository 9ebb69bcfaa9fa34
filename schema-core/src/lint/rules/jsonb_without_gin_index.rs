//! `jsonb-without-gin-index`: a jsonb column no GIN index covers.

use crate::lint::names::identifiers;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{IndexMethod, IndexTarget};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "jsonb-without-gin-index",
    Info,
    "a jsonb column without a GIN index, so containment and key queries scan the table",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            if cx.base_type(&column.ty) != SqlType::Jsonb || column.generated.is_some() {
                continue;
            }
            let indexed = table.indexes.iter().filter(|i| i.method == IndexMethod::Gin).flat_map(|i| &i.keys).any(|k| match &k.target {
                IndexTarget::Column(c) => *c == column.name,
                IndexTarget::Expression(e) => identifiers(e).contains(&column.name),
            });
            if !indexed {
                out.column(
                    table,
                    column,
                    format!(
                        "jsonb column `{}` has no GIN index: `@>`, `?` and jsonpath queries on it read every row",
                        column.name
                    ),
                    "if it is queried by content, add `Index::with_keys([IndexKey::column(..).opclass(\"jsonb_path_ops\")]).using(IndexMethod::Gin)` (or the default jsonb_ops for key-existence queries); if it is only read whole with its row, allow the rule with that reason",
                );
            }
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
        let s = schema([table("t")
            .column(Column::new("doc", SqlType::Jsonb))
            .column(Column::new("settings", SqlType::Jsonb))
            .index(Index::on(["doc"]).using(IndexMethod::Gin))
            .index(Index::with_keys([IndexKey::expression("(settings -> 'tags')")]).using(IndexMethod::Gin))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t").column(Column::new("doc", SqlType::Jsonb)).index(Index::on(["doc"]).using(IndexMethod::Hash))]);
        assert_eq!(objects(&RULE, &s), ["public.t.doc"]);
    }
}
