//! `extension-in-public`: an extension whose functions and types land in `public`.

use crate::ident::Ident;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "extension-in-public",
    Warning,
    "an extension that adds functions, operators or types (pgcrypto, pg_trgm, uuid-ossp, citext...) installed into `public`",
    check
);

/// Relocatable extensions that put user-callable objects into their schema.
/// Others (plpgsql, pg_stat_statements, unknown ones) are not reported.
const BELONGS_ELSEWHERE: &[&str] = &[
    "btree_gin", "btree_gist", "citext", "cube", "earthdistance", "fuzzystrmatch", "hstore", "intarray", "isn", "ltree", "pg_trgm", "pgcrypto",
    "tablefunc", "unaccent", "uuid-ossp", "vector",
];

fn check(cx: &Context<'_>, out: &mut Findings) {
    for ext in cx.schema.extensions() {
        let in_public = ext.schema.as_deref().map_or(true, |s| s == "public");
        if !in_public || !BELONGS_ELSEWHERE.contains(&ext.name.as_str()) {
            continue;
        }
        out.object(
            format!("extension {}", Ident(&ext.name)),
            format!(
                "extension {} installs its functions (and operators or types) into public: they mix with the application's objects in dumps and docs, a role that can create objects in public can shadow them (CVE-2018-1058), and an API layer that exposes public exposes them too",
                ext.name
            ),
            format!(
                "install it in its own schema, `Extension::new(\"{}\").in_schema(\"extensions\")` (CREATE EXTENSION ... WITH SCHEMA extensions), and put that schema on the database's search_path or qualify its objects (`extensions.gin_trgm_ops`, `extensions.citext`)",
                ext.name
            ),
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
        let s = build(
            Schema::builder()
                .add_table(table("t"))
                .extension(Extension::new("pg_trgm").in_schema("extensions"))
                .extension(Extension::new("pg_stat_statements")),
        );
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = build(Schema::builder().add_table(table("t")).extension(Extension::new("uuid-ossp")).extension(Extension::new("pgcrypto").in_schema("public")));
        assert_eq!(objects(&RULE, &s), ["extension \"uuid-ossp\"", "extension pgcrypto"]);
    }
}
