//! `unbounded-short-text`: unbounded text for a value whose name says it is short.

use crate::lint::names::{identifiers, words};
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{Column, Table};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "unbounded-short-text",
    Info,
    "an unbounded text column whose name says it holds a short value (code, slug, username, country, currency, status, phone, email...)",
    check
);

/// Last words that name a short, bounded value.
const SHORT: &[&str] = &[
    "code", "slug", "username", "handle", "login", "country", "currency", "status", "state", "phone", "mobile", "email", "zip", "zipcode",
    "postcode", "locale", "language", "lang", "timezone", "tz", "sku", "iban", "bic", "isbn", "ean", "gender", "initials", "ticker",
    "abbreviation", "acronym", "color", "colour", "hex",
];

fn is_short_name(name: &str) -> bool {
    words(name).last().is_some_and(|w| SHORT.contains(&w.as_str()))
}

/// A CHECK that mentions the column bounds it (length, pattern or value list).
fn is_checked(table: &Table, column: &Column) -> bool {
    table.checks.iter().any(|c| c.column.as_deref() == Some(column.name.as_str()) || identifiers(&c.expr).contains(&column.name))
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let unbounded = matches!(column.ty, SqlType::Text | SqlType::Varchar(None));
            if !unbounded || column.generated.is_some() || !is_short_name(&column.name) || is_checked(table, column) {
                continue;
            }
            let help = if words(&column.name).last().is_some_and(|w| w == "status" || w == "state") {
                "a fixed set of values belongs in an enum (`#[derive(PgEnum)]`) or a CHECK (col IN (...)); otherwise bound it with varchar(n) or CHECK (length(col) <= n)"
            } else {
                "bound it with varchar(n) or CHECK (length(col) <= n) (a pattern CHECK or a domain is even better), so a bug or an attacker cannot store a megabyte where ten characters belong"
            };
            out.column(
                table,
                column,
                format!("`{}` is unbounded {} but its name says it is short: nothing stops an arbitrarily long value", column.name, column.ty),
                help,
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
        let s = schema([table("t")
            .column(Column::new("country_code", SqlType::Varchar(Some(2))))
            .column(Column::new("slug", SqlType::Text))
            .column(Column::new("bio", SqlType::Text))
            .check(CheckConstraint::new("slug ~ '^[a-z0-9-]{1,64}$'"))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t")
            .column(Column::new("currency", SqlType::Text))
            .column(Column::new("order_status", SqlType::Varchar(None)))
            .column(Column::new("email", SqlType::Text))]);
        let found = run(&RULE, &s);
        assert_eq!(found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["public.t.currency", "public.t.email", "public.t.order_status"]);
        assert!(found[2].help.contains("enum"));
    }
}
