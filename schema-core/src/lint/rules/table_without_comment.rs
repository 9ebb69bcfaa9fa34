//! `table-without-comment`: a table with no `COMMENT ON TABLE`.

use crate::lint::context::is_blank;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!("table-without-comment", Warning, "a table without a comment saying what one row is", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        if is_blank(table.comment.as_deref()) {
            out.table(
                table,
                format!("{} has no comment: psql's \\d+, every database IDE and the generated docs show nothing about what a row means", table.name),
                "add a comment saying what one row is and who writes it (`Table::comment(..)`; with the derive, the struct's doc comment)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn ok() {
        assert!(run(&RULE, &schema([table("t").comment("One row per thing")])).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &schema([table("t"), table("u").comment("  ")])), ["public.t", "public.u"]);
    }
}
