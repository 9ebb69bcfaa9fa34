//! `money-type`: the `money` type, whose meaning depends on a server setting.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!("money-type", Warning, "a column of the `money` type, formatted and parsed by the session's lc_monetary", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            if cx.element_type(&column.ty) == SqlType::Money {
                out.column(
                    table,
                    column,
                    "`money` has a fixed fractional precision set by `lc_monetary`, stores no currency, and its text form changes with the session's locale: a dump restored under another locale reads different amounts",
                    "use numeric(p, s), with a separate currency column (an ISO 4217 code as varchar(3), or an enum) when amounts can differ in currency",
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
        assert!(run(&RULE, &schema([table("t").column(Column::new("amount", SqlType::Numeric(Some((12, Some(2))))))])).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &schema([table("t").column(Column::new("amount", SqlType::Money))])), ["public.t.amount"]);
    }
}
