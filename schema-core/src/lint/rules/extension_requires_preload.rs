//! `extension-requires-preload`: an extension that only works when preloaded by the server.

use crate::ident::Ident;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "extension-requires-preload",
    Warning,
    "an extension that needs `shared_preload_libraries` (pg_stat_statements, pg_cron, pgaudit, timescaledb...): server configuration, not schema",
    check
);

const PRELOADED: &[&str] = &["pg_stat_statements", "pg_cron", "pgaudit", "timescaledb", "pg_stat_monitor", "pg_wait_sampling", "pg_squeeze", "pg_partman_bgw", "citus", "pg_hint_plan"];

fn check(cx: &Context<'_>, out: &mut Findings) {
    for ext in cx.schema.extensions() {
        if !PRELOADED.contains(&ext.name.as_str()) {
            continue;
        }
        out.object(
            format!("extension {}", Ident(&ext.name)),
            format!(
                "{} works only when the server loads it at start (shared_preload_libraries = '{}', then a restart): CREATE EXTENSION succeeds without it, and the failure comes later, when it is used",
                ext.name, ext.name
            ),
            "configure it where the server is provisioned (postgresql.conf, the managed service's parameter group) and create the extension there; keep it out of the application schema, or allow the rule with the reason it belongs here",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    #[test]
    fn ok() {
        assert!(run(&RULE, &build(Schema::builder().add_table(table("t")).extension(Extension::new("pgcrypto")))).is_empty());
    }

    #[test]
    fn err() {
        let s = build(Schema::builder().add_table(table("t")).extension(Extension::new("pg_stat_statements")));
        assert_eq!(objects(&RULE, &s), ["extension pg_stat_statements"]);
    }
}
