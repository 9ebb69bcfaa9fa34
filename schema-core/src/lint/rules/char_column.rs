//! `char-column`: `char(n)`, blank-padded and rarely what is meant.

use crate::lint::context::type_sites;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!("char-column", Warning, "a `char(n)` (blank-padded character) column or domain", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (site, ty) in type_sites(cx.schema) {
        if let SqlType::Char(n) = ty {
            out.site(
                &site,
                format!(
                    "{} is {ty}: values are padded with spaces to {} characters, trailing spaces are ignored in comparisons but not by LIKE, regular expressions or clients, and it is no faster than text in PostgreSQL",
                    site.describe(),
                    n.unwrap_or(1)
                ),
                "use text or varchar(n); for a fixed-length code add CHECK (length(col) = n), e.g. `varchar(3)` with CHECK (col ~ '^[A-Z]{3}$') for a currency",
            );
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
        assert!(run(&RULE, &schema([table("t").column(Column::new("currency", SqlType::Varchar(Some(3))))])).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &schema([table("t").column(Column::new("currency", SqlType::Char(Some(3))))])), ["public.t.currency"]);
    }
}
