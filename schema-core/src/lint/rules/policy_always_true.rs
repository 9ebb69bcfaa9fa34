//! `policy-always-true`: a policy whose expression is constantly true.

use crate::lint::context::{normalize_sql, policy_object};
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "policy-always-true",
    Warning,
    "a policy whose USING or WITH CHECK is always true (`true`, `1 = 1`), so it filters nothing",
    check
);

/// Whether `expr` is a constant true, however parenthesized.
pub(crate) fn always_true(expr: &str) -> bool {
    let mut e = normalize_sql(expr);
    while e.starts_with('(') && e.ends_with(')') && balanced(&e[1..e.len() - 1]) {
        e = e[1..e.len() - 1].to_owned();
    }
    matches!(e.as_str(), "true" | "'t'" | "'true'" | "'on'" | "'yes'" | "1=1" | "true=true" | "'a'='a'" | "nottrue=false" | "notfalse")
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for policy in &table.policies {
            let clauses = [("USING", &policy.using), ("WITH CHECK", &policy.with_check)];
            let trues: Vec<&str> = clauses.iter().filter(|(_, e)| e.as_deref().is_some_and(always_true)).map(|(c, _)| *c).collect();
            if trues.is_empty() {
                continue;
            }
            let roles = if policy.roles.is_empty() { "every role (PUBLIC)".to_owned() } else { policy.roles.join(", ") };
            let (message, help) = if policy.permissive {
                (
                    format!(
                        "permissive policy {} has {} that is always true: it grants {roles} every row of {} for {}, whatever other policies say",
                        policy.name,
                        trues.join(" and "),
                        table.name,
                        policy.command.as_sql()
                    ),
                    "write the condition that limits the rows (owner, tenant, published flag); if the table is meant to be readable by all, drop RLS for that command or allow the rule with the reason".to_owned(),
                )
            } else {
                (
                    format!("restrictive policy {} has {} that is always true: it restricts nothing", policy.name, trues.join(" and ")),
                    "drop it, or write the restriction it was meant to enforce".to_owned(),
                )
            };
            out.on_table(table, policy_object(table, policy), None, message, help);
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
        let s = schema([table("t").row_level_security(true).policy(Policy::new("p").using("(id = 1) OR (true AND id = 2)"))]);
        assert!(run(&RULE, &s).is_empty());
        assert!(!always_true("(a) = (b)") && !always_true("(true) or (x)"));
    }

    #[test]
    fn err() {
        let s = schema([table("t")
            .row_level_security(true)
            .policy(Policy::new("open").using(" ( TRUE ) "))
            .policy(Policy::new("checked").command(PolicyCommand::Insert).with_check("1 = 1"))
            .policy(Policy::new("noop").restrictive().using("true"))]);
        let found = run(&RULE, &s);
        assert_eq!(found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["policy checked on public.t", "policy noop on public.t", "policy open on public.t"]);
        assert!(found[1].message.contains("restricts nothing"));
    }
}
