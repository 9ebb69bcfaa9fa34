//! `current-setting-without-missing-ok`: `current_setting('x')`, which raises when `x` was never set.

use crate::lint::context::sql_texts;
use crate::lint::names::setting_calls;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "current-setting-without-missing-ok",
    Error,
    "`current_setting('name')` without `missing_ok => true`, which raises an error in any session that has not set it",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for site in sql_texts(cx.schema) {
        for call in setting_calls(site.text) {
            // PostgreSQL's own parameters (`role`, `search_path`) always exist; only
            // a custom one (`app.user_id`: always with a dot) can be unset.
            if call.missing_ok || is_built_in_parameter(&call.setting) {
                continue;
            }
            out.sql_text(
                &site,
                format!(
                    "{} reads {} without missing_ok: in any session that has not set it (a psql session, a migration, a cron job, a pool connection before its first SET) the statement fails with \"unrecognized configuration parameter\" instead of matching no row",
                    site.object, call.call
                ),
                {
                    let (s, ty) = (&call.setting, call.cast.as_deref().unwrap_or("bigint"));
                    format!(
                        "pass true as the second argument, `current_setting({s}, true)`, so a missing setting is NULL, and guard the cast of an empty value: `CASE WHEN current_setting({s}, true) ~ '^[0-9]+$' THEN current_setting({s}, true)::{ty} END` (what `Policy::isolate_by_setting` writes)"
                    )
                },
            );
        }
    }
}

/// A string constant naming a parameter without a dot: one of PostgreSQL's own,
/// which every session has (a custom parameter's name always holds one).
fn is_built_in_parameter(setting: &str) -> bool {
    setting.len() >= 2 && setting.starts_with('\'') && setting.ends_with('\'') && !setting.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    #[test]
    fn ok() {
        let s = schema([table("t")
            .column(Column::new("owner_id", SqlType::BigInt))
            .row_level_security(true)
            .policy(Policy::isolate_by_setting("own", "owner_id", &SqlType::BigInt, "app.user_id"))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("users")
            .column(Column::new("tenant", SqlType::Text).default_expr("current_setting('app.tenant')"))
            .row_level_security(true)
            .policy(Policy::new("users_select_own").command(PolicyCommand::Select).using("id = current_setting('app.user_id')::BIGINT OR current_user = 'admin'"))]);
        let found = run(&RULE, &s);
        assert_eq!(found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["policy users_select_own on public.users", "public.users.tenant"]);
        assert!(found[0].message.contains("current_setting('app.user_id')"));
        assert!(found[0].help.contains("THEN current_setting('app.user_id', true)::bigint END"), "{}", found[0].help);
    }

    #[test]
    fn built_in_parameters_always_exist() {
        let s = schema([table("t")
            .column(Column::new("acting", SqlType::Text).default_expr("CASE current_setting('role') WHEN 'none' THEN session_user ELSE current_setting('role') END"))
            .column(Column::new("app", SqlType::Text).nullable().default_expr("current_setting('app.name')"))]);
        assert_eq!(run(&RULE, &s).iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["public.t.app"]);
    }
}
