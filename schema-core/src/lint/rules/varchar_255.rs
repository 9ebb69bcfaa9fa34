//! `varchar-255`: `varchar(255)`, the length chosen by habit rather than by the data.

use crate::lint::context::type_sites;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!("varchar-255", Warning, "`varchar(255)`, a length picked by habit (MySQL's old index limit) rather than from the data", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (site, ty) in type_sites(cx.schema) {
        if *ty == SqlType::Varchar(Some(255)) {
            out.site(
                &site,
                format!(
                    "{} is varchar(255): 255 is a MySQL-era habit, not a limit of the data; PostgreSQL stores varchar(n) exactly like text, so the number only constrains, and here it constrains nothing deliberate",
                    site.describe()
                ),
                "state the real bound (`varchar(320)` for an e-mail address per RFC 5321, `varchar(50)` for a username), or use text, with a CHECK (length(...) <= n) when the bound is a business rule; a password hash needs no bound: text",
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
        let s = schema([table("t").column(Column::new("username", SqlType::Varchar(Some(50)))).column(Column::new("bio", SqlType::Text))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder()
                .domain(Domain::new("email_address", SqlType::Varchar(Some(255))))
                .add_table(
                    table("users")
                        .column(Column::new("email", SqlType::Named(QualifiedName::public("email_address"))))
                        .column(Column::new("password_hash", SqlType::Varchar(Some(255)))),
                ),
        );
        assert_eq!(objects(&RULE, &s), ["domain public.email_address", "public.users.password_hash"]);
    }
}
