//! `missing-foreign-key`: a `<table>_id` column with no foreign key to that table.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::Table;

pub(crate) const RULE: Rule = lint_rule!(
    "missing-foreign-key",
    Info,
    "a column named after another table (`user_id` next to a `users` table) that has no foreign key",
    check
);

/// The table a `<name>_id` column points to by convention: `user_id` → `users`,
/// `category_id` → `categories`, `address_id` → `addresses`, or the singular.
fn target<'a>(cx: &Context<'a>, table: &Table, column: &str) -> Option<&'a Table> {
    let stem = column.strip_suffix("_id")?;
    if stem.is_empty() {
        return None;
    }
    let mut candidates = vec![stem.to_owned(), format!("{stem}s"), format!("{stem}es")];
    if let Some(y) = stem.strip_suffix('y') {
        candidates.push(format!("{y}ies"));
    }
    cx.schema.tables().iter().filter(|t| t.name.schema == table.name.schema).find(|t| candidates.contains(&t.name.name))
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            if table.foreign_keys.iter().any(|fk| fk.columns.contains(&column.name)) {
                continue;
            }
            let Some(target) = target(cx, table, &column.name) else { continue };
            // Only a single-column key of the same type can be referenced this way.
            let Some([key]) = target.primary_key.as_ref().map(|pk| pk.columns.as_slice()) else { continue };
            let same_type = target.find_column(key).is_some_and(|k| cx.base_type(&k.ty).storage() == cx.base_type(&column.ty).storage());
            if !same_type || target.name == table.name && table.primary_key.as_ref().is_some_and(|pk| pk.columns.contains(&column.name)) {
                continue;
            }
            out.column(
                table,
                column,
                format!("`{}` looks like a reference to {}.{key} but has no foreign key: nothing stops it from pointing at a row that does not exist", column.name, target.name),
                format!(
                    "declare the foreign key (`ForeignKey::new([\"{}\"], {:?}, [\"{key}\"])`, `#[column(references = ...)]`) with the ON DELETE action you want; if the reference is deliberately loose (a log that outlives its subjects), allow the rule with that reason",
                    column.name, target.name.name
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
    use crate::SqlType;

    #[test]
    fn ok() {
        let s = schema([
            table("users"),
            table("posts").column(Column::new("user_id", SqlType::BigInt)).foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"])),
            table("events").column(Column::new("record_id", SqlType::BigInt)).column(Column::new("user_id", SqlType::Text)),
        ]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([
            table("users"),
            table("categories"),
            table("posts").column(Column::new("user_id", SqlType::BigInt)).column(Column::new("category_id", SqlType::BigInt).nullable()),
        ]);
        assert_eq!(objects(&RULE, &s), ["public.posts.category_id", "public.posts.user_id"]);
    }
}
