//! `cross-tenant-foreign-key`: a foreign key between two tenant-isolated tables that leaves out the tenant column.

use std::collections::BTreeMap;

use crate::ident::Ident;
use crate::lint::names::setting_calls;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{ForeignKey, Table};

pub(crate) const RULE: Rule = lint_rule!(
    "cross-tenant-foreign-key",
    Warning,
    "a foreign key between two tables that row-level security isolates by the same tenant setting, without the tenant column: a row can reference another tenant's row",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let own = isolation(table);
        if own.is_empty() {
            continue;
        }
        for fk in &table.foreign_keys {
            let Some(parent) = cx.schema.table(&fk.references) else { continue };
            let theirs = isolation(parent);
            // The first setting both tables isolate by that the key does not carry.
            let open = own.iter().find_map(|(setting, mine)| {
                let other = theirs.get(setting)?;
                let paired = fk.columns.iter().zip(&fk.referenced_columns).any(|(c, r)| mine.contains(c) && other.contains(r));
                (!paired).then_some((setting, mine[0].as_str(), other[0].as_str()))
            });
            let Some((setting, tenant, parent_tenant)) = open else { continue };
            report(table, parent, fk, setting, tenant, parent_tenant, out);
        }
    }
}

fn report(table: &Table, parent: &Table, fk: &ForeignKey, setting: &str, tenant: &str, parent_tenant: &str, out: &mut Findings) {
    let name = fk.name.as_deref().unwrap_or_default();
    let (object, column) = crate::lint::foreign_key_object(table, fk);
    let list = |cols: &[String]| cols.iter().map(|c| Ident(c).to_string()).collect::<Vec<_>>().join(", ");
    // The composite key to suggest: the tenant column first, then the key's own
    // columns (less any tenant column already in it).
    let mut columns = vec![tenant.to_owned()];
    let mut referenced = vec![parent_tenant.to_owned()];
    for (c, r) in fk.columns.iter().zip(&fk.referenced_columns) {
        if c != tenant && r != parent_tenant {
            columns.push(c.clone());
            referenced.push(r.clone());
        }
    }
    let has_key = crate::docs::describe::unique_keys(parent)
        .any(|key| key.len() == referenced.len() && key.iter().all(|k| referenced.contains(k)));
    let unique = if has_key {
        String::new()
    } else {
        let quoted = referenced.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ");
        format!(
            ", after adding the unique key ({}) it references to {} (`UniqueConstraint::new([{quoted}])`, `#[table(unique(columns({})))]`)",
            list(&referenced),
            parent.name,
            referenced.join(", ")
        )
    };
    let set_null = match fk.on_delete {
        Some(crate::model::ReferentialAction::SetNull | crate::model::ReferentialAction::SetDefault) => format!(
            "; keep its ON DELETE from clearing the tenant column by listing the others: `ON DELETE SET NULL ({})` (`ForeignKey::on_delete_set_columns`)",
            list(&columns[1..])
        ),
        _ => String::new(),
    };
    out.on_table(
        table,
        object,
        column,
        format!(
            "foreign key {} ({}) → {} ({}) leaves out the tenant column: the row-level security of both tables isolates rows by the session setting {setting} ({}.{} and {}.{}), but the key does not pair them, so a row of one tenant can reference another tenant's row. RLS hides that row from the application, yet the key check does not apply RLS, so the insert succeeds (and a missing id fails with 23503, telling one tenant which ids another has)",
            Ident(name),
            list(&fk.columns),
            fk.references,
            list(&fk.referenced_columns),
            table.name.name,
            Ident(tenant),
            parent.name.name,
            Ident(parent_tenant)
        ),
        format!(
            "make the key composite, with the tenant column: `FOREIGN KEY ({}) REFERENCES {} ({})`{unique}; then PostgreSQL refuses a reference to another tenant's row (23503){set_null}",
            list(&columns),
            fk.references,
            list(&referenced)
        ),
    );
}

/// Setting → the columns of `table` that its row-level security compares with
/// it, when RLS is enabled: `tenant_id = <current_setting('app.tenant_id')>`,
/// as `Policy::isolate_by_setting` writes it, by hand or read back from a
/// database.
fn isolation(table: &Table) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !table.rls.enabled {
        return out;
    }
    for policy in &table.policies {
        for expr in [&policy.using, &policy.with_check].into_iter().flatten() {
            if let Some((column, setting)) = isolating_comparison(table, expr) {
                let columns = out.entry(setting).or_default();
                if !columns.contains(&column) {
                    columns.push(column);
                }
            }
        }
    }
    out
}

/// `column = ...` where the right side reads exactly one session setting:
/// the column (of `table`) and the setting's name.
fn isolating_comparison(table: &Table, expr: &str) -> Option<(String, String)> {
    let rest = expr.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
    let (column, rest) = leading_identifier(rest)?;
    let column = table.find_column(&column)?.name.clone();
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("::text").map_or(rest, str::trim_start);
    let rest = rest.strip_prefix('=')?;
    if rest.starts_with(['=', '>', '<']) {
        return None;
    }
    let calls = setting_calls(rest);
    let setting = setting_name(&calls.first()?.setting)?;
    calls.iter().all(|c| setting_name(&c.setting).as_deref() == Some(setting.as_str())).then_some((column, setting))
}

/// `tenant_id` or `"Tenant"` at the start of `s`, and what follows.
fn leading_identifier(s: &str) -> Option<(String, &str)> {
    if let Some(quoted) = s.strip_prefix('"') {
        let end = quoted.find('"')?;
        return Some((quoted[..end].to_owned(), &quoted[end + 1..]));
    }
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    let word = &s[..end];
    (!word.is_empty() && !word.starts_with(|c: char| c.is_ascii_digit())).then(|| (word.to_ascii_lowercase(), &s[end..]))
}

/// `'app.tenant_id'` or `'app.tenant_id'::text` → `app.tenant_id`; `None`
/// for a setting that is not a constant.
fn setting_name(arg: &str) -> Option<String> {
    let arg = arg.trim();
    let arg = arg.strip_suffix("::text").unwrap_or(arg).trim();
    let inner = arg.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'')).then(|| inner.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    fn tenant_table(name: &str) -> Table {
        table(name)
            .column(Column::new("tenant_id", SqlType::BigInt))
            .row_level_security(true)
            .policy(Policy::isolate_by_setting(format!("{name}_tenant"), "tenant_id", &SqlType::BigInt, "app.tenant_id"))
    }

    fn projects() -> Table {
        tenant_table("projects").unique(UniqueConstraint::new(["tenant_id", "id"]))
    }

    fn tasks(fk: ForeignKey) -> Table {
        tenant_table("tasks").column(Column::new("project_id", SqlType::BigInt).nullable()).foreign_key(fk)
    }

    fn by_id() -> ForeignKey {
        ForeignKey::new(["project_id"], QualifiedName::public("projects"), ["id"])
    }

    fn composite() -> ForeignKey {
        ForeignKey::new(["tenant_id", "project_id"], QualifiedName::public("projects"), ["tenant_id", "id"])
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &schema([projects(), tasks(composite())])).is_empty());
        // The tenant column second, and the referenced key in another order.
        let swapped = ForeignKey::new(["project_id", "tenant_id"], QualifiedName::public("projects"), ["id", "tenant_id"]);
        assert!(run(&RULE, &schema([projects(), tasks(swapped)])).is_empty());
        // Only one side is isolated, or they are isolated by different settings, or RLS is off.
        let shared = table("projects").column(Column::new("tenant_id", SqlType::BigInt)).unique(UniqueConstraint::new(["tenant_id", "id"]));
        assert!(run(&RULE, &schema([shared, tasks(by_id())])).is_empty());
        let by_user = table("projects")
            .column(Column::new("owner_id", SqlType::BigInt))
            .row_level_security(true)
            .policy(Policy::isolate_by_setting("own", "owner_id", &SqlType::BigInt, "app.user_id"));
        assert!(run(&RULE, &schema([by_user, tasks(by_id())])).is_empty());
        let mut off = projects();
        off.rls = RowLevelSecurity::default();
        assert!(run(&RULE, &schema([off, tasks(by_id())])).is_empty());
        // The tenants table itself: its id is the tenant column.
        let tenants = table("tenants").row_level_security(true).policy(Policy::isolate_by_setting("own", "id", &SqlType::BigInt, "app.tenant_id"));
        let members = tenant_table("members").foreign_key(ForeignKey::new(["tenant_id"], QualifiedName::public("tenants"), ["id"]));
        assert!(run(&RULE, &schema([tenants, members])).is_empty());
    }

    #[test]
    fn err() {
        let found = run(&RULE, &schema([projects(), tasks(by_id())]));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].object, "public.tasks.project_id");
        assert!(found[0].message.contains("by the session setting app.tenant_id (tasks.tenant_id and projects.tenant_id)"), "{}", found[0].message);
        assert!(found[0].message.contains("the key check does not apply RLS"), "{}", found[0].message);
        assert_eq!(
            found[0].help,
            "make the key composite, with the tenant column: `FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)`; then PostgreSQL refuses a reference to another tenant's row (23503)"
        );
        // Without the unique key on the parent, the help says to add it; with SET NULL, to list project_id.
        let bare = tenant_table("projects");
        let found = run(&RULE, &schema([bare, tasks(by_id().on_delete(ReferentialAction::SetNull))]));
        assert!(found[0].help.contains("after adding the unique key (tenant_id, id) it references to public.projects (`UniqueConstraint::new([\"tenant_id\", \"id\"])`"), "{}", found[0].help);
        assert!(found[0].help.ends_with("`ON DELETE SET NULL (project_id)` (`ForeignKey::on_delete_set_columns`)"), "{}", found[0].help);
        // A self-reference, and a composite key whose tenant column pairs with another column.
        let nested = tenant_table("folders")
            .unique(UniqueConstraint::new(["tenant_id", "id"]))
            .column(Column::new("parent_id", SqlType::BigInt).nullable())
            .column(Column::new("owner_tenant", SqlType::BigInt))
            .foreign_key(ForeignKey::new(["parent_id"], QualifiedName::public("folders"), ["id"]))
            .foreign_key(ForeignKey::new(["owner_tenant", "parent_id"], QualifiedName::public("folders"), ["tenant_id", "id"]));
        assert_eq!(objects(&RULE, &schema([nested])), ["foreign key folders_owner_tenant_parent_id_fkey on public.folders", "public.folders.parent_id"]);
    }

    #[test]
    fn isolation_is_recognised_as_written_by_hand_and_as_read_back() {
        let t = tenant_table("t").column(Column::new("Org", SqlType::Uuid));
        let found = |expr: &str| isolating_comparison(&t, expr);
        let tenant = Some(("tenant_id".to_owned(), "app.tenant_id".to_owned()));
        assert_eq!(found(&session_setting_equals("tenant_id", &SqlType::BigInt, "app.tenant_id")), tenant);
        assert_eq!(found("tenant_id = current_setting('app.tenant_id')::bigint"), tenant);
        // What pg_get_expr gives back for the isolate_by_setting policy.
        assert_eq!(
            found("(tenant_id = CASE WHEN (current_setting('app.tenant_id'::text, true) ~ '^-?[0-9]{1,18}$'::text) THEN (current_setting('app.tenant_id'::text, true))::bigint ELSE NULL::bigint END)"),
            tenant
        );
        assert_eq!(found(r#""Org"::text = NULLIF(current_setting('App.Org', true), '')"#), Some(("Org".to_owned(), "app.org".to_owned())));
        for not in [
            "tenant_id >= current_setting('app.tenant_id')::bigint",
            "tenant_id = 1",
            "nope = current_setting('app.tenant_id')::bigint",
            "tenant_id = current_setting('app.a')::bigint + current_setting('app.b')::bigint",
            "current_setting('app.tenant_id')::bigint = tenant_id",
        ] {
            assert_eq!(found(not), None, "{not}");
        }
    }
}
