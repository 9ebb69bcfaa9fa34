//! `policy-without-rls`: policies on a table whose row-level security is off.

use crate::lint::context::policy_object;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "policy-without-rls",
    Error,
    "a policy on a table without row-level security enabled: PostgreSQL ignores it",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        if table.rls.enabled {
            continue;
        }
        for policy in &table.policies {
            out.on_table(
                table,
                policy_object(table, policy),
                None,
                format!(
                    "policy {} exists but row-level security is not enabled on {}: PostgreSQL stores the policy and never applies it, so every role with SELECT sees every row",
                    policy.name, table.name
                ),
                "enable it, and force it for the owner too: `Table::row_level_security(true)`, `#[table(rls = \"force\")]` (ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY)",
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
        assert!(run(&RULE, &schema([table("t").row_level_security(false).policy(Policy::new("p").using("id > 0"))])).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &schema([table("t").policy(Policy::new("p").using("id > 0"))])), ["policy p on public.t"]);
    }
}
