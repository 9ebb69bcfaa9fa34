//! `sensitive-column-unprotected`: a secret or personal-data column with no recorded protection.

use crate::lint::names::words;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::Column;
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "sensitive-column-unprotected",
    Warning,
    "a column holding a secret (password, token, secret, key, SSN, card number...) or marked personal data, with no `protection` recorded",
    check
);

/// Words that mark a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "password", "passwd", "pwd", "passphrase", "secret", "token", "ssn", "cvv", "cvc", "pin", "otp", "totp", "apikey", "iban", "passport",
];
/// Word pairs that mark a secret together.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key"), ("credit", "card"), ("card", "number"), ("social", "security"),
    ("tax", "id"), ("national", "id"), ("account", "number"), ("recovery", "code"), ("refresh", "token"),
];

/// Whether the column's name says it holds a secret. Timestamps, flags and counts
/// about a secret (`password_changed_at`, `has_password`, `token_count`) do not.
pub(crate) fn is_secret(column: &Column) -> bool {
    if matches!(
        column.ty,
        SqlType::Timestamptz | SqlType::Timestamp | SqlType::Date | SqlType::Boolean | SqlType::SmallInt | SqlType::Integer | SqlType::BigInt
    ) {
        return false;
    }
    let w = words(&column.name);
    if w.last().is_some_and(|l| matches!(l.as_str(), "at" | "on" | "count" | "version" | "id" | "type" | "kind" | "expires" | "expiry")) {
        return false;
    }
    w.iter().any(|x| SECRET_WORDS.contains(&x.as_str())) || w.windows(2).any(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            if column.protection.is_some() {
                continue;
            }
            if is_secret(column) {
                out.column(
                    table,
                    column,
                    format!(
                        "`{}` looks like a secret, and no protection is recorded: stored in clear it is readable by every role with SELECT, and ends up in backups, replicas, logs and the audit trail",
                        column.name
                    ),
                    "store a slow hash for passwords (argon2id, bcrypt) or encrypt (pgcrypto, application-side envelope encryption), restrict it with a column grant or RLS, and record the decision: `Column::protection(\"argon2id hash\")`, `#[column(protection = \"...\")]`",
                );
            } else if column.personal_data {
                out.column(
                    table,
                    column,
                    format!("`{}` is marked personal data, and no protection is recorded", column.name),
                    "record how it is protected (encryption, masking, a column grant, an RLS policy limiting who reads it): `Column::protection(\"...\")`, `#[column(protection = \"...\")]`",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn ok() {
        let s = schema([table("users")
            .column(Column::new("password_hash", SqlType::Text).protection("argon2id hash"))
            .column(Column::new("password_changed_at", SqlType::Timestamptz))
            .column(Column::new("api_key_id", SqlType::Uuid))
            .column(Column::new("email", SqlType::Text).personal_data().protection("RLS: own row only"))
            .column(Column::new("display_name", SqlType::Text))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("users")
            .column(Column::new("password_hash", SqlType::Varchar(Some(255))))
            .column(Column::new("reset_token", SqlType::Text))
            .column(Column::new("credit_card_number", SqlType::Text))
            .column(Column::new("birth_date", SqlType::Date).personal_data())]);
        assert_eq!(objects(&RULE, &s), ["public.users.birth_date", "public.users.credit_card_number", "public.users.password_hash", "public.users.reset_token"]);
    }
}
