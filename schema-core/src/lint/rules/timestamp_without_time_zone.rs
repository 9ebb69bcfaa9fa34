//! `timestamp-without-time-zone`: `timestamp` where `timestamptz` is meant.

use crate::lint::context::type_sites;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "timestamp-without-time-zone",
    Warning,
    "a `timestamp` (without time zone) column or domain, where `timestamptz` records an instant",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (site, ty) in type_sites(cx.schema) {
        if *ty == SqlType::Timestamp {
            out.site(
                &site,
                format!(
                    "{} is `timestamp` without time zone: it stores a wall-clock reading with no zone, so the same instant written from sessions with different TimeZone settings compares unequal, and DST changes create duplicate or missing hours",
                    site.describe()
                ),
                "use timestamptz (`chrono::DateTime<Utc>`, `time::OffsetDateTime`): it stores an instant and converts to the session's zone on output; keep `timestamp` only for local wall-clock values such as a recurring 09:00 opening time, and allow the rule with that reason",
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
        let s = schema([table("t").column(Column::new("at", SqlType::Timestamptz)).column(Column::new("on_day", SqlType::Date))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder()
                .domain(Domain::new("moment", SqlType::Timestamp))
                .add_table(
                    table("t")
                        .column(Column::new("at", SqlType::Timestamp))
                        .column(Column::new("history", SqlType::Timestamp.array()))
                        .column(Column::new("via_domain", SqlType::Named(QualifiedName::public("moment")))),
                ),
        );
        assert_eq!(objects(&RULE, &s), ["domain public.moment", "public.t.at", "public.t.history"]);
    }
}
