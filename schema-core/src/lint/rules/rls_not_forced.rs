//! `rls-not-forced`: row-level security that the table owner bypasses.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "rls-not-forced",
    Warning,
    "row-level security enabled but not forced, so the table's owner (often the application's role) bypasses every policy",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        if table.rls.enabled && !table.rls.forced {
            out.table(
                table,
                format!(
                    "row-level security on {} is enabled but not forced: the owner of the table bypasses its policies, and applications often connect as the role that ran the migrations, so the policies silently never apply",
                    table.name
                ),
                "force it (`#[table(row_level_security = \"forced\")]`, `Table::row_level_security(true)`, ALTER TABLE ... FORCE ROW LEVEL SECURITY) and let maintenance jobs use a BYPASSRLS role; if the application connects as a separate role and owner access is deliberate, allow the rule with that reason",
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
        assert!(run(&RULE, &schema([table("t").row_level_security(true).policy(Policy::new("p").using("id > 0")), table("u")])).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &schema([table("t").row_level_security(false).policy(Policy::new("p").using("id > 0"))])), ["public.t"]);
    }

    // ---- user review (session 2026-12-02) ----

    /// The help names the derive's way to force it too: a derive user was told only
    /// `Table::row_level_security(true)`, a builder method.
    #[test]
    fn help_names_the_derive_attribute() {
        let found = run(&RULE, &schema([table("t").row_level_security(false).policy(Policy::new("p").using("id > 0"))]));
        assert!(found[0].help.contains(r#"`#[table(row_level_security = "forced")]`"#), "{}", found[0].help);
        assert!(found[0].help.contains("`Table::row_level_security(true)`"), "{}", found[0].help);
    }
}
