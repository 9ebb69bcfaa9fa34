//! `generic-column-name`: a column name that says nothing about what it holds.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "generic-column-name",
    Warning,
    "a column named `data`, `value`, `info`, `type`, `item`, a type name (`uuid`, `date`), or `id` when it is not the primary key",
    check
);

/// Names that never say what the column holds, whatever the table.
const GENERIC: &[&str] = &[
    "data", "value", "values", "val", "info", "information", "details", "detail", "misc", "item", "items", "object", "obj", "stuff",
    "thing", "field", "attribute", "attr", "flag", "type", "kind", "tmp", "temp", "other", "extra", "content", "payload", "blob",
    // A type's name instead of the column's meaning.
    "uuid", "date", "time", "timestamp", "number", "text", "json", "jsonb", "int", "string",
];

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let pk = table.primary_key.as_ref().map(|pk| pk.columns.as_slice()).unwrap_or_default();
        for column in &table.columns {
            let name = column.name.as_str();
            if name == "id" && !pk.iter().any(|c| c == "id") {
                out.column(
                    table,
                    column,
                    format!("a column called `id` that is not {}'s primary key: every reader will assume it is", table.name),
                    "name it after what it identifies (`external_id`, `stripe_id`), or make it the primary key",
                );
            } else if GENERIC.contains(&name) {
                out.column(
                    table,
                    column,
                    format!(
                        "`{}.{name}` does not say what it holds: queries joining several tables end up with `value`, `value`, `data` and aliases everywhere",
                        table.name.name
                    ),
                    "name what it holds (`settings`, `shipping_address`, `event_kind`, `public_id`, `birth_date` rather than `data`, `type`, `uuid`, `date`); `name`, `status` and `title` are fine, the table gives them context",
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
    use crate::SqlType;

    #[test]
    fn ok() {
        let s = schema([table("tags")
            .column(Column::new("name", SqlType::Text))
            .column(Column::new("status", SqlType::Text))
            .column(Column::new("public_id", SqlType::Uuid))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([
            table("events").column(Column::new("data", SqlType::Jsonb)).column(Column::new("type", SqlType::Text)).column(Column::new("uuid", SqlType::Uuid)),
            Table::new("links").column(Column::new("link_id", SqlType::BigInt)).column(Column::new("id", SqlType::Text)).primary_key(["link_id"]),
            // `id` in a composite key (a partitioned table's) is still the key.
            Table::new("logs").column(Column::new("id", SqlType::BigInt)).column(Column::new("at", SqlType::Date)).primary_key(["id", "at"]),
        ]);
        assert_eq!(objects(&RULE, &s), ["public.events.data", "public.events.type", "public.events.uuid", "public.links.id"]);
    }
}
