//! `set-null-on-not-null-column`: ON DELETE SET NULL (or SET DEFAULT) that cannot succeed.

use crate::ident::Ident;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::ReferentialAction;

pub(crate) const RULE: Rule = lint_rule!(
    "set-null-on-not-null-column",
    Error,
    "a foreign key whose ON DELETE/ON UPDATE SET NULL or SET DEFAULT would write NULL into a NOT NULL column",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for fk in &table.foreign_keys {
            for (event, action) in [("DELETE", fk.on_delete), ("UPDATE", fk.on_update)] {
                let Some(action @ (ReferentialAction::SetNull | ReferentialAction::SetDefault)) = action else { continue };
                // SET DEFAULT writes NULL for a column without a default.
                let broken: Vec<&str> = fk
                    .columns
                    .iter()
                    .filter_map(|c| table.find_column(c))
                    .filter(|c| !c.nullable && (action == ReferentialAction::SetNull || c.default.is_none()))
                    .map(|c| c.name.as_str())
                    .collect();
                if broken.is_empty() {
                    continue;
                }
                let name = fk.name.as_deref().unwrap_or_default();
                let column = match fk.columns.as_slice() {
                    [single] => table.find_column(single),
                    _ => None,
                };
                let object = match column {
                    Some(c) => crate::lint::column_object(table, &c.name),
                    None => format!("foreign key {} on {}", Ident(name), table.name),
                };
                out.on_table(
                    table,
                    object,
                    column,
                    format!(
                        "foreign key {} says ON {event} {} but ({}) is NOT NULL{}: PostgreSQL accepts the declaration, and then every {} of a referenced row in {} fails with a not-null violation",
                        Ident(name),
                        action.as_sql(),
                        broken.join(", "),
                        if action == ReferentialAction::SetDefault { " without a default" } else { "" },
                        event.to_lowercase(),
                        fk.references
                    ),
                    "make the column nullable if an orphaned row is meaningful, or choose CASCADE or RESTRICT",
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

    fn posts(column: Column, action: ReferentialAction) -> crate::Schema {
        schema([table("users"), table("posts").column(column).foreign_key(ForeignKey::new(["author_id"], QualifiedName::public("users"), ["id"]).on_delete(action))])
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &posts(Column::new("author_id", SqlType::BigInt).nullable(), ReferentialAction::SetNull)).is_empty());
        assert!(run(&RULE, &posts(Column::new("author_id", SqlType::BigInt).default_expr("0"), ReferentialAction::SetDefault)).is_empty());
        assert!(run(&RULE, &posts(Column::new("author_id", SqlType::BigInt), ReferentialAction::Cascade)).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &posts(Column::new("author_id", SqlType::BigInt), ReferentialAction::SetNull)), ["public.posts.author_id"]);
        assert_eq!(run(&RULE, &posts(Column::new("author_id", SqlType::BigInt), ReferentialAction::SetDefault)).len(), 1);
    }
}
