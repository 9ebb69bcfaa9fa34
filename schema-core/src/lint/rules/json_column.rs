//! `json-column`: `json` where `jsonb` is meant.

use crate::lint::context::type_sites;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!("json-column", Warning, "a `json` column or domain, where `jsonb` is almost always meant", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for (site, ty) in type_sites(cx.schema) {
        if *ty == SqlType::Json {
            out.site(
                &site,
                format!(
                    "{} is json: it stores the text as written and reparses it on every access, has no equality operator (so no DISTINCT, GROUP BY or unique index) and no GIN index support",
                    site.describe()
                ),
                "use jsonb (`serde_json::Value` maps to it); keep json only to preserve key order, duplicate keys or exact formatting, and allow the rule with that reason",
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
        assert!(run(&RULE, &schema([table("t").column(Column::new("doc", SqlType::Jsonb))])).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t").column(Column::new("doc", SqlType::Json)).column(Column::new("raw", SqlType::Json).allow(RULE.id, "webhook bodies kept byte for byte"))]);
        assert_eq!(objects(&RULE, &s), ["public.t.doc"]);
    }
}
