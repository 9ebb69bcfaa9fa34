//! `view-bypasses-rls`: a view or materialized view over a row-level-secured table.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "view-bypasses-rls",
    Warning,
    "a view (without security_invoker) or materialized view reading a table with row-level security, which exposes rows the policies hide",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for view in cx.schema.views() {
        if !view.materialized && view.security_invoker {
            continue;
        }
        let secured: Vec<String> = view
            .depends_on
            .iter()
            .filter(|d| cx.schema.table(d).is_some_and(|t| t.rls.enabled))
            .map(|d| d.to_string())
            .collect();
        if secured.is_empty() {
            continue;
        }
        let (kind, how, help) = if view.materialized {
            (
                "materialized view",
                "is filled by REFRESH with its owner's privileges, so it holds rows of every user, and anyone granted SELECT on it reads them",
                "keep it out of reach: revoke SELECT from application roles (note that GRANT ... ON ALL TABLES includes it) and expose it through a function or view that filters, or aggregate so no row identifies a user, and allow the rule with that reason",
            )
        } else {
            (
                "view",
                "runs with its owner's privileges, and an owner (usually the migration role) bypasses row-level security",
                "create it WITH (security_invoker = true) (PostgreSQL 15+), so the caller's policies apply",
            )
        };
        out.object(
            format!("{kind} {}", view.name),
            format!("{kind} {} reads {}, which has row-level security, but {how}", view.name, secured.join(", ")),
            help,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    fn with(view: View) -> crate::Schema {
        build(
            Schema::builder()
                .add_table(table("users").row_level_security(true).policy(Policy::new("own").using("id = 1")))
                .add_table(table("tags"))
                .view(view),
        )
    }

    #[test]
    fn ok() {
        let mut v = View::new(QualifiedName::public("my_users"), "SELECT id FROM public.users").depends_on(QualifiedName::public("users"));
        v.security_invoker = true;
        assert!(run(&RULE, &with(v)).is_empty());
        let tags = View::materialized(QualifiedName::public("tag_ids"), "SELECT id FROM public.tags").depends_on(QualifiedName::public("tags"));
        assert!(run(&RULE, &with(tags)).is_empty());
    }

    #[test]
    fn err() {
        let v = View::materialized(QualifiedName::public("user_statistics"), "SELECT count(*) FROM public.users").depends_on(QualifiedName::public("users"));
        assert_eq!(objects(&RULE, &with(v)), ["materialized view public.user_statistics"]);
        let v = View::new(QualifiedName::public("all_users"), "SELECT id FROM public.users").depends_on(QualifiedName::public("users"));
        assert_eq!(objects(&RULE, &with(v)), ["view public.all_users"]);
    }
}
