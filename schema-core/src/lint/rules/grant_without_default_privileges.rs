//! `grant-without-default-privileges`: `GRANT ... ON ALL TABLES IN SCHEMA` with no matching default privileges.

use crate::ident::Ident;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{DefaultObjects, Grant, GrantTarget, Privilege};

pub(crate) const RULE: Rule = lint_rule!(
    "grant-without-default-privileges",
    Warning,
    "a grant on ALL TABLES / SEQUENCES / FUNCTIONS IN SCHEMA without ALTER DEFAULT PRIVILEGES, so objects created later are not covered",
    check
);

/// `GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO app_readwrite`.
pub(crate) fn grant_object(grant: &Grant) -> String {
    let privileges = grant.privileges.iter().map(|p| p.as_sql()).collect::<Vec<_>>().join(", ");
    let target = match &grant.target {
        GrantTarget::Table { table, columns } if columns.is_empty() => format!("TABLE {table}"),
        GrantTarget::Table { table, columns } => format!("TABLE {table} ({})", columns.join(", ")),
        GrantTarget::AllTablesInSchema(s) => format!("ALL TABLES IN SCHEMA {}", Ident(s)),
        GrantTarget::AllSequencesInSchema(s) => format!("ALL SEQUENCES IN SCHEMA {}", Ident(s)),
        GrantTarget::AllFunctionsInSchema(s) => format!("ALL FUNCTIONS IN SCHEMA {}", Ident(s)),
        GrantTarget::Schema(s) => format!("SCHEMA {}", Ident(s)),
    };
    let roles = grant.roles.iter().map(|r| Ident(r).to_string()).collect::<Vec<_>>().join(", ");
    format!("grant {privileges} ON {target} TO {roles}")
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for grant in cx.schema.grants() {
        let (schema, objects) = match &grant.target {
            GrantTarget::AllTablesInSchema(s) => (s, DefaultObjects::Tables),
            GrantTarget::AllSequencesInSchema(s) => (s, DefaultObjects::Sequences),
            GrantTarget::AllFunctionsInSchema(s) => (s, DefaultObjects::Functions),
            _ => continue,
        };
        let covered = |role: &String, privilege: Privilege| {
            cx.schema.default_privileges().iter().any(|d| {
                d.schema == *schema
                    && d.objects == objects
                    && d.roles.contains(role)
                    && (d.privileges.contains(&privilege) || d.privileges.contains(&Privilege::All))
            })
        };
        let missing: Vec<&String> = grant.roles.iter().filter(|r| !grant.privileges.iter().all(|&p| covered(r, p))).collect();
        if missing.is_empty() {
            continue;
        }
        let kind = objects.as_sql();
        let privileges = grant.privileges.iter().map(|p| p.as_sql()).collect::<Vec<_>>().join(", ");
        let roles = missing.iter().map(|r| Ident(r).to_string()).collect::<Vec<_>>().join(", ");
        out.object(
            grant_object(grant),
            format!(
                "this grant covers only the {kinds} that exist when it runs: {kinds} created in schema {} by later migrations are not granted to {roles}, and that shows up as \"permission denied\" in production",
                Ident(schema),
                kinds = kind.to_lowercase(),
            ),
            format!(
                "add `ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {privileges} ON {kind} TO {roles}` (`DefaultPrivileges::new(\"{schema}\", DefaultObjects::{kind_variant}, ..)`) for the role that runs migrations",
                Ident(schema),
                kind_variant = match objects {
                    DefaultObjects::Tables => "Tables",
                    DefaultObjects::Sequences => "Sequences",
                    DefaultObjects::Functions => "Functions",
                }
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    fn with(default: Option<DefaultPrivileges>) -> crate::Schema {
        let mut b = Schema::builder()
            .add_table(table("t"))
            .role(Role::group("app_readonly"))
            .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["app_readonly"]));
        if let Some(d) = default {
            b = b.default_privileges(d);
        }
        build(b)
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &with(Some(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["app_readonly"])))).is_empty());
        assert!(run(&RULE, &with(Some(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::All], ["app_readonly"])))).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &with(None)), ["grant SELECT ON ALL TABLES IN SCHEMA public TO app_readonly"]);
        // Default privileges for sequences do not cover tables.
        assert_eq!(run(&RULE, &with(Some(DefaultPrivileges::new("public", DefaultObjects::Sequences, [Privilege::Select], ["app_readonly"])))).len(), 1);
    }
}
