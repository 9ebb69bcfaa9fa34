//! `naming-convention`: a name that is not lower-case snake_case.

use crate::lint::context::{named_objects, Named};
use crate::lint::names::is_snake_case;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "naming-convention",
    Warning,
    "a name that is not lower-case snake_case (`[a-z_][a-z0-9_]*`), so it needs double quotes forever",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    let objects = named_objects(cx.schema);
    // Constraint and index names derived from a table or column name repeat its
    // problem; report them only when the table and its columns are fine.
    let table_ok = |n: &Named<'_>| n.table.map_or(true, |t| is_snake_case(&t.name.name) && t.columns.iter().all(|c| is_snake_case(&c.name)));
    for named in &objects {
        if is_snake_case(named.name) {
            continue;
        }
        if matches!(named.kind, "constraint" | "index") && !table_ok(named) {
            continue;
        }
        let suggestion = snake(named.name);
        out.named(
            named,
            format!(
                "the {} name `{}` is not lower-case snake_case: PostgreSQL folds unquoted names to lower case, so it must be double-quoted in every query, and `{}` without quotes names a different object",
                named.kind,
                named.name,
                named.name.to_lowercase()
            ),
            if suggestion.is_empty() { "use lower-case letters, digits and underscores, starting with a letter".to_owned() } else { format!("rename it `{suggestion}`") },
        );
    }
}

/// `UserAccount` → `user_account`, `user-id` → `user_id`.
fn snake(name: &str) -> String {
    let words = crate::lint::names::words(name);
    let s = words.join("_");
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{s}")
    } else {
        s
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
        assert!(run(&RULE, &schema([table("user_accounts").column(Column::new("email_2", SqlType::Text))])).is_empty());
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder()
                .add_table(table("UserAccounts").column(Column::new("firstName", SqlType::Text)).index(Index::on(["firstName"])))
                .add_table(table("orders").index(Index::on(["id"]).named("Orders-By-Id")))
                .enum_type(EnumType::new("Mood", ["ok"])),
        );
        let found = run(&RULE, &s);
        let objects: Vec<&str> = found.iter().map(|d| d.object.as_str()).collect();
        // The index named after the bad table is not reported twice.
        assert_eq!(objects, ["index public.\"Orders-By-Id\"", "public.\"UserAccounts\"", "public.\"UserAccounts\".\"firstName\"", "type public.\"Mood\""]);
        assert!(found[0].help.contains("orders_by_id"));
        assert!(found[2].help.contains("first_name"));
    }
}
