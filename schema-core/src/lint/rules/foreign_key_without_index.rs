//! `foreign-key-without-index`: a foreign key whose columns do not lead any index.

use crate::ident::Ident;
use crate::lint::context::{has_leading_index, indexes_of, leads_with, IndexLike};
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "foreign-key-without-index",
    Warning,
    "a foreign key whose columns are not the leading columns of an index, primary key or unique constraint",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for fk in &table.foreign_keys {
            let columns: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
            if has_leading_index(table, &columns) {
                continue;
            }
            let name = fk.name.as_deref().unwrap_or_default();
            let list = fk.columns.iter().map(|c| Ident(c).to_string()).collect::<Vec<_>>().join(", ");
            // A partial index leading with the columns serves only the rows of
            // its predicate: the key's checks scan the table all the same.
            let partial: Vec<String> = indexes_of(table)
                .into_iter()
                .filter(|ix| ix.predicate.is_some() && leads_with(&IndexLike { predicate: None, ..ix.clone() }, &columns))
                .map(|ix| format!("{} (WHERE {})", Ident(ix.name), ix.predicate.unwrap_or_default()))
                .collect();
            let indexed = match partial.as_slice() {
                [] => format!("no index starts with ({list})"),
                [one] => format!("only the partial index {one} starts with ({list}), which covers only those rows"),
                many => format!("only the partial indexes {} start with ({list}), which cover only those rows", many.join(", ")),
            };
            let message = format!(
                "foreign key {} references {} but {indexed}: every DELETE or key UPDATE on {} scans {} to check it, and joins from the parent cannot use an index",
                Ident(name),
                fk.references,
                fk.references,
                table.name
            );
            let help = format!(
                "add an index whose leading columns are ({list}) (`Index::on([{}])`, or `#[column(index)]`), or allow the rule with the reason the scan is acceptable",
                fk.columns.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
            );
            match fk.columns.as_slice() {
                [single] => match table.find_column(single) {
                    Some(column) => out.column(table, column, message, help),
                    None => out.table(table, message, help),
                },
                _ => out.on_table(table, format!("foreign key {} on {}", Ident(name), table.name), None, message, help),
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

    fn posts(extra: impl FnOnce(Table) -> Table) -> crate::Schema {
        let posts = table("posts")
            .column(Column::new("user_id", SqlType::BigInt))
            .column(Column::new("slug", SqlType::Text))
            .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]));
        schema([table("users"), extra(posts)])
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &posts(|t| t.index(Index::on(["user_id"])))).is_empty());
        // A longer index or a unique constraint leading with the column covers it.
        assert!(run(&RULE, &posts(|t| t.index(Index::on(["user_id", "slug"])))).is_empty());
        assert!(run(&RULE, &posts(|t| t.unique(UniqueConstraint::new(["user_id", "slug"])))).is_empty());
        // Composite keys: the leading columns may come in any order.
        let s = schema([
            table("a").column(Column::new("x", SqlType::BigInt)).unique(UniqueConstraint::new(["id", "x"])),
            table("b")
                .column(Column::new("a_id", SqlType::BigInt))
                .column(Column::new("a_x", SqlType::BigInt))
                .foreign_key(ForeignKey::new(["a_id", "a_x"], QualifiedName::public("a"), ["id", "x"]))
                .primary_key(["a_x", "a_id"]),
        ]);
        assert!(run(&RULE, &s).is_empty());
        // Allowed with a reason.
        assert!(run(&RULE, &posts(|t| t.allow(RULE.id, "posts are never deleted"))).is_empty());
    }

    #[test]
    fn err() {
        let found = run(&RULE, &posts(|t| t));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].object, "public.posts.user_id");
        assert!(found[0].message.contains("references public.users"));
        // Not covered: the column is second, or the index is partial.
        assert_eq!(run(&RULE, &posts(|t| t.index(Index::on(["slug", "user_id"])))).len(), 1);
        assert_eq!(run(&RULE, &posts(|t| t.index(Index::on(["user_id"]).where_("slug <> ''")))).len(), 1);
    }
}
