//! `undeclared-role`: a policy, grant or default privilege naming a role the
//! schema does not declare, so the script fails (42704) where that role is missing.

use std::collections::BTreeSet;

use super::grant_without_default_privileges::grant_object;
use crate::ident::Ident;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::DefaultPrivileges;

pub(crate) const RULE: Rule = lint_rule!(
    "undeclared-role",
    Warning,
    "a policy's `TO`, a grant, default privileges or a role's parent naming a role the schema does not declare, so the script fails with 42704 on a server without it",
    check
);

/// `default privileges on TABLES in schema public to app_readonly`.
fn default_privileges_object(d: &DefaultPrivileges) -> String {
    let roles = d.roles.iter().map(|r| Ident(r).to_string()).collect::<Vec<_>>().join(", ");
    let owner = d.for_role.as_deref().map(|r| format!(" for role {}", Ident(r))).unwrap_or_default();
    format!("default privileges{owner} on {} in schema {} to {roles}", d.objects.as_sql(), Ident(&d.schema))
}

/// Names that are no role of the schema's but exist everywhere: `PUBLIC`, the
/// session keywords, the bootstrap superuser `postgres` (by convention) and the
/// predefined `pg_*` roles.
fn exists_everywhere(role: &str) -> bool {
    let lower = role.to_ascii_lowercase();
    matches!(lower.as_str(), "public" | "current_user" | "current_role" | "session_user" | "postgres") || role.starts_with("pg_")
}

fn message(object: &str, statement: &str, missing: &[&str]) -> (String, String) {
    let names = missing.iter().map(|r| Ident(r).to_string()).collect::<Vec<_>>().join(", ");
    let (one, it) = if missing.len() == 1 { ("role", "it") } else { ("roles", "them") };
    let first = Ident(missing[0]);
    (
        format!(
            "{object} names the {one} {names}, which the schema does not declare: on a server without {it} (a new environment, a fresh test cluster) {statement} fails with 42704 (role \"{}\" does not exist) and the whole script rolls back",
            missing[0]
        ),
        format!(
            "declare {it} (`SchemaBuilder::role(Role::group(\"{first}\"))`, or `Role::login` for a login): the script creates a role only where it is missing; if the platform creates {it} in every environment, allow the rule with that reason"
        ),
    )
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    let declared: BTreeSet<&str> = cx.schema.roles().iter().map(|r| r.name.as_str()).collect();
    fn missing<'r>(declared: &BTreeSet<&str>, roles: &'r [String]) -> Vec<&'r str> {
        let mut seen = BTreeSet::new();
        roles.iter().map(String::as_str).filter(|r| !declared.contains(r) && !exists_everywhere(r) && seen.insert(*r)).collect()
    }
    for role in cx.schema.roles() {
        let parents = missing(&declared, &role.member_of);
        if !parents.is_empty() {
            let (m, h) = message(&format!("role {}", Ident(&role.name)), "its GRANT of membership", &parents);
            out.object(format!("role {}", Ident(&role.name)), m, h);
        }
    }
    for table in cx.schema.tables() {
        for policy in &table.policies {
            let roles = missing(&declared, &policy.roles);
            if !roles.is_empty() {
                let object = crate::lint::context::policy_object(table, policy);
                let (m, h) = message(&object, "CREATE POLICY", &roles);
                out.on_table(table, object, None, m, h);
            }
        }
    }
    for grant in cx.schema.grants() {
        let roles = missing(&declared, &grant.roles);
        if !roles.is_empty() {
            let object = grant_object(grant);
            let (m, h) = message(&object, "the GRANT", &roles);
            out.object(object, m, h);
        }
    }
    for d in cx.schema.default_privileges() {
        let mut named = d.roles.clone();
        named.extend(d.for_role.clone());
        let roles = missing(&declared, &named);
        if !roles.is_empty() {
            let object = default_privileges_object(d);
            let (m, h) = message(&object, "ALTER DEFAULT PRIVILEGES", &roles);
            out.object(object, m, h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    fn owned_by(mut d: DefaultPrivileges, owner: &str) -> DefaultPrivileges {
        d.for_role = Some(owner.into());
        d
    }

    fn tenant_table() -> Table {
        table("invoices").column(Column::new("org_id", SqlType::BigInt)).row_level_security(true)
    }

    #[test]
    fn ok() {
        let s = build(
            Schema::builder()
                .role(Role::group("billing_app"))
                .role(Role::login("billing_svc").member_of("billing_app"))
                .add_table(
                    tenant_table()
                        .policy(Policy::isolate_by_setting("own", "org_id", &SqlType::BigInt, "app.org_id").roles(["billing_app"]))
                        .policy(Policy::new("everyone").using("false").roles(["public"]))
                        .policy(Policy::new("me").using("false").roles(["CURRENT_USER"])),
                )
                .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["billing_app", "pg_read_all_data"]))
                .grant(Grant::new([Privilege::Usage], GrantTarget::Schema("public".into()), ["PUBLIC"]))
                .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["billing_app"]))
                .default_privileges(owned_by(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["billing_app"]), "postgres")),
        );
        assert!(run(&RULE, &s).is_empty(), "{:?}", run(&RULE, &s));
        // A policy without roles applies to PUBLIC.
        assert!(run(&RULE, &schema([tenant_table().policy(Policy::new("p").using("false"))])).is_empty());
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder()
                .role(Role::login("billing_svc").member_of("billing_app"))
                .add_table(
                    tenant_table()
                        .policy(Policy::isolate_by_setting("own", "org_id", &SqlType::BigInt, "app.org_id").roles(["billing_app", "auditor", "billing_app"])),
                )
                .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["reporting"]))
                .default_privileges(owned_by(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["billing_svc"]), "migrator")),
        );
        let found = run(&RULE, &s);
        let objects: Vec<&str> = found.iter().map(|d| d.object.as_str()).collect();
        assert_eq!(
            objects,
            [
                "default privileges for role migrator on TABLES in schema public to billing_svc",
                "grant SELECT ON ALL TABLES IN SCHEMA public TO reporting",
                "policy own on public.invoices",
                "role billing_svc",
            ]
        );
        let policy = &found[2];
        assert_eq!(policy.table, Some(QualifiedName::public("invoices")));
        assert!(
            policy.message.starts_with("policy own on public.invoices names the roles billing_app, auditor, which the schema does not declare"),
            "{}",
            policy.message
        );
        assert!(policy.message.contains("CREATE POLICY fails with 42704 (role \"billing_app\" does not exist)"), "{}", policy.message);
        assert!(policy.help.contains("`SchemaBuilder::role(Role::group(\"billing_app\"))`"), "{}", policy.help);
        assert!(found[3].message.contains("names the role billing_app,"), "{}", found[3].message);
        // Allowed on the table, for a role the platform creates.
        let allowed = schema([tenant_table()
            .policy(Policy::new("p").using("false").roles(["rds_iam"]))
            .allow(RULE.id, "created by the platform in every environment")]);
        assert!(run(&RULE, &allowed).is_empty());
    }
}
