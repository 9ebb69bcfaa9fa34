//! `reserved-keyword-name`: a name that is an SQL keyword, so it must be quoted.

use crate::ident::{keyword_category, KeywordCategory};
use crate::lint::context::named_objects;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "reserved-keyword-name",
    Warning,
    "a table, column or other object named with an SQL keyword (`user`, `order`, `group`, `check`...)",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for named in named_objects(cx.schema) {
        let Some(category) = keyword_category(named.name) else { continue };
        let how = match category {
            KeywordCategory::Reserved => "a reserved keyword",
            KeywordCategory::ColumnName => "a keyword that cannot name a function or type",
            KeywordCategory::TypeFuncName => "a keyword that cannot name a column or table",
        };
        out.named(
            &named,
            format!(
                "the {} name `{}` is {how} in PostgreSQL: every query must write it double-quoted (`\"{}\"`), and one unquoted use is a syntax error or, worse, means something else (`SELECT user` is the current role)",
                named.kind, named.name, named.name
            ),
            "rename it with a word that says what it holds (`user` → `account` or `author`, `order` → `purchase` or `position`, `group` → `team`)",
        );
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
        // `name`, `type` and `status` are unreserved: usable bare.
        let s = schema([table("accounts").column(Column::new("name", SqlType::Text)).column(Column::new("type", SqlType::Text))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([
            table("user").column(Column::new("order", SqlType::Integer)).column(Column::new("left", SqlType::Integer)),
            table("t").index(Index::on(["id"]).named("check")),
        ]);
        assert_eq!(objects(&RULE, &s), ["index public.\"check\"", "public.\"user\"", "public.\"user\".\"left\"", "public.\"user\".\"order\""]);
    }
}
