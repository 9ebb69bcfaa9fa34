//! `complex-column-without-comment`: a jsonb, array or generated column with no comment.

use crate::lint::context::is_blank;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "complex-column-without-comment",
    Warning,
    "a json/jsonb, array or generated column without a comment explaining its shape or derivation",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let what = if column.generated.is_some() {
                "a generated column"
            } else {
                match cx.base_type(&column.ty) {
                    SqlType::Json | SqlType::Jsonb => "a JSON document",
                    SqlType::Array(_) => "an array",
                    _ => continue,
                }
            };
            if is_blank(column.comment.as_deref()) {
                out.column(
                    table,
                    column,
                    format!("`{}` is {what} with no comment: its shape or derivation is invisible to anyone reading the schema", column.name),
                    "add a comment with the expected keys or elements, or what it is computed from and why it is stored (`Column::comment(..)`; with the derive, the field's doc comment)",
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
            .column(Column::new("settings", SqlType::Jsonb).comment("{theme, locale}"))
            .column(Column::new("name", SqlType::Text))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t")
            .column(Column::new("first", SqlType::Text))
            .column(Column::new("old_data", SqlType::Jsonb).nullable())
            .column(Column::new("tags", SqlType::Text.array()))
            .column(Column::new("upper_first", SqlType::Text).generated("upper(first)"))]);
        assert_eq!(objects(&RULE, &s), ["public.t.old_data", "public.t.tags", "public.t.upper_first"]);
    }
}
