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
            // ON DELETE sets only the listed columns (`SET NULL (parent_id)`), ON UPDATE all.
            for (event, action, set) in [("DELETE", fk.on_delete, fk.on_delete_set()), ("UPDATE", fk.on_update, &fk.columns[..])] {
                let Some(action @ (ReferentialAction::SetNull | ReferentialAction::SetDefault)) = action else { continue };
                // SET DEFAULT writes NULL for a column without a default.
                let broken: Vec<&str> = set
                    .iter()
                    .filter_map(|c| table.find_column(c))
                    .filter(|c| !c.nullable && (action == ReferentialAction::SetNull || c.default.is_none()))
                    .map(|c| c.name.as_str())
                    .collect();
                if broken.is_empty() {
                    continue;
                }
                let name = fk.name.as_deref().unwrap_or_default();
                let (object, column) = crate::lint::foreign_key_object(table, fk);
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
                    if event == "DELETE" && fk.columns.len() > 1 {
                        "make the column nullable if an orphaned row is meaningful, list only the columns to clear (`ON DELETE SET NULL (parent_id)`, `ForeignKey::on_delete_set_columns`) so a NOT NULL tenant column is kept, or choose CASCADE or RESTRICT"
                    } else {
                        "make the column nullable if an orphaned row is meaningful, or choose CASCADE or RESTRICT"
                    },
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

    /// `(tenant_id, parent_id) REFERENCES parents (tenant_id, id)`; tenant_id is NOT NULL.
    fn kids(fk: impl FnOnce(ForeignKey) -> ForeignKey) -> crate::Schema {
        let parents = table("parents").column(Column::new("tenant_id", SqlType::BigInt)).unique(UniqueConstraint::new(["tenant_id", "id"]));
        let kids = table("kids")
            .column(Column::new("tenant_id", SqlType::BigInt))
            .column(Column::new("parent_id", SqlType::BigInt).nullable())
            .foreign_key(fk(ForeignKey::new(["tenant_id", "parent_id"], QualifiedName::public("parents"), ["tenant_id", "id"])));
        schema([parents, kids])
    }

    #[test]
    fn only_the_listed_columns_count() {
        use ReferentialAction::*;
        assert!(run(&RULE, &kids(|fk| fk.on_delete(SetNull).on_delete_set_columns(["parent_id"]))).is_empty());
        // Every column of the key is set: the NOT NULL tenant column breaks it.
        let found = run(&RULE, &kids(|fk| fk.on_delete(SetNull)));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("ON DELETE SET NULL but (tenant_id) is NOT NULL"), "{}", found[0].message);
        assert!(found[0].help.contains("on_delete_set_columns"), "{}", found[0].help);
        assert_eq!(run(&RULE, &kids(|fk| fk.on_delete(SetNull).on_delete_set_columns(["parent_id", "tenant_id"]))).len(), 1);
        // SET DEFAULT (parent_id): a nullable column without a default gets NULL, which it takes.
        assert!(run(&RULE, &kids(|fk| fk.on_delete(SetDefault).on_delete_set_columns(["parent_id"]))).is_empty());
        // ON UPDATE has no column list: it sets the tenant column too.
        let found = run(&RULE, &kids(|fk| fk.on_delete(SetNull).on_delete_set_columns(["parent_id"]).on_update(SetNull)));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("ON UPDATE SET NULL but (tenant_id)"), "{}", found[0].message);
    }
}
