//! `rls-without-policies`: row-level security enabled on a table with no policy.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "rls-without-policies",
    Warning,
    "row-level security enabled on a table that has no policy, so every non-owner sees no rows",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        if table.rls.enabled && table.policies.is_empty() {
            out.table(
                table,
                format!(
                    "{} has row-level security enabled and no policy: PostgreSQL then denies every row to every role except the owner and BYPASSRLS roles, so application queries return nothing and writes fail",
                    table.name
                ),
                "add the policies that say who sees which rows (`Policy::isolate_by_setting`, `#[table(policy(...))]`); if denying everyone but the owner is the intent, allow the rule with that reason",
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
        let s = schema([table("t").row_level_security(true).policy(Policy::new("everyone").using("true")), table("u")]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &schema([table("t").row_level_security(true)])), ["public.t"]);
    }
}
