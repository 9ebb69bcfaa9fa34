//! `unmarked-personal-data`: a column whose name says personal data, not marked as such.

use crate::lint::names::words;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::Column;

pub(crate) const RULE: Rule = lint_rule!(
    "unmarked-personal-data",
    Info,
    "a column whose name says it holds personal data (email, phone, name, birth date, address, IP address...) that is not marked `personal_data`",
    check
);

const PII_WORDS: &[&str] = &["email", "phone", "mobile", "surname", "birthday", "birthdate", "dob", "address", "street", "ssn", "passport", "gender", "ip"];
const PII_PAIRS: &[(&str, &str)] = &[
    ("first", "name"), ("last", "name"), ("full", "name"), ("given", "name"), ("family", "name"), ("middle", "name"), ("birth", "date"),
    ("date", "of"), ("postal", "code"), ("zip", "code"), ("national", "id"), ("tax", "id"), ("user", "agent"),
];

fn looks_personal(column: &Column) -> bool {
    let w = words(&column.name);
    if w.last().is_some_and(|l| matches!(l.as_str(), "at" | "verified" | "count" | "confirmed")) {
        return false;
    }
    w.iter().any(|x| PII_WORDS.contains(&x.as_str())) || w.windows(2).any(|p| PII_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            if column.personal_data || column.protection.is_some() || super::sensitive_column_unprotected::is_secret(column) {
                continue;
            }
            if looks_personal(column) {
                out.column(
                    table,
                    column,
                    format!("`{}` looks like personal data but is not marked as such, so the review asks no protection or retention question about it", column.name),
                    "mark it (`Column::personal_data()`, `#[column(personal_data)]`) so docs list it and the review asks how it is protected and how long it is kept; if it is not personal, allow the rule with the reason",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::SqlType;

    #[test]
    fn ok() {
        let s = schema([table("users")
            .column(Column::new("email", SqlType::Text).personal_data())
            .column(Column::new("email_verified_at", SqlType::Timestamptz).nullable())
            .column(Column::new("company_name", SqlType::Text))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("users")
            .column(Column::new("email", SqlType::Text))
            .column(Column::new("first_name", SqlType::Text))
            .column(Column::new("ip_address", SqlType::Inet))]);
        assert_eq!(objects(&RULE, &s), ["public.users.email", "public.users.first_name", "public.users.ip_address"]);
    }
}
