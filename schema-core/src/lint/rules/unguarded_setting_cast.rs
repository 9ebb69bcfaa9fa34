//! `unguarded-setting-cast`: `current_setting(.., true)::type`, which raises on an empty value.

use crate::lint::context::sql_texts;
use crate::lint::names::{cast_can_fail, setting_calls};
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "unguarded-setting-cast",
    Warning,
    "a session setting cast straight to a non-text type, which raises when the setting is empty or malformed",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for site in sql_texts(cx.schema) {
        for call in setting_calls(site.text) {
            // Without missing_ok, `current-setting-without-missing-ok` reports it.
            let Some(ty) = call.cast.as_deref().filter(|t| call.missing_ok && !call.guarded && cast_can_fail(t)) else { continue };
            out.sql_text(
                &site,
                format!(
                    "{} casts {}::{ty} directly: after RESET, or once any session has used the setting, its value is '' rather than NULL, and ''::{ty} raises, failing the whole statement",
                    site.object, call.call
                ),
                format!(
                    "guard the cast: `NULLIF({}, '')::{ty}`, or check the shape first with `CASE WHEN ... ~ '<pattern>' THEN ...::{ty} END` (what `Policy::isolate_by_setting` writes)",
                    call.call
                ),
            );
        }
    }
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
            .column(Column::new("tenant_id", SqlType::Uuid))
            .row_level_security(true)
            .policy(Policy::isolate_by_setting("own", "tenant_id", &SqlType::Uuid, "app.tenant_id"))
            .policy(Policy::new("by_name").using("current_setting('app.name', true)::text = 'x'"))
            .policy(Policy::new("nullif").using("tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t")
            .column(Column::new("tenant_id", SqlType::Uuid))
            .row_level_security(true)
            .policy(Policy::new("tenant").using("tenant_id = current_setting('app.tenant_id', true)::uuid"))]);
        let found = run(&RULE, &s);
        assert_eq!(found.len(), 1);
        assert!(found[0].help.contains("NULLIF(current_setting('app.tenant_id', true), '')::uuid"));
    }
}
