//! `default-without-not-null`: a nullable column with a default.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "default-without-not-null",
    Warning,
    "a column with a DEFAULT that still allows NULL, so an explicit NULL bypasses the default",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let Some(default) = &column.default else { continue };
            if !column.nullable || default.trim().eq_ignore_ascii_case("null") {
                continue;
            }
            out.column(
                table,
                column,
                format!(
                    "`{}` has DEFAULT {default} but allows NULL: the default applies only when the column is omitted, so an ORM that sends every field writes NULL, and readers must handle a value the default was meant to rule out",
                    column.name
                ),
                "add NOT NULL (a non-`Option` field); if NULL means something distinct from the default, document it in the column's comment and allow the rule",
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
        let s = schema([table("t")
            .column(Column::new("applied_by", SqlType::Text).default_expr("CURRENT_USER"))
            .column(Column::new("note", SqlType::Text).nullable())]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t").column(Column::new("applied_by", SqlType::Varchar(Some(100))).nullable().default_expr("CURRENT_USER"))]);
        assert_eq!(objects(&RULE, &s), ["public.t.applied_by"]);
    }
}
