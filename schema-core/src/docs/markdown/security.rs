//! Security: row-level security and every policy in words, roles, the role ×
//! table privilege matrix, and the personal data.

use std::fmt::{self, Write};

use crate::model::{DefaultPrivileges, GrantTarget, Privilege, Table};
use crate::schema::Schema;

use super::super::describe::{ancestors, policy_in_words, privilege_matrix, privilege_word};
use super::super::text::{and_list, write_row, write_table_head, Cell, Code, CodeList, Text};
use super::Doc;

pub(super) fn security(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h2("Security")?;
    row_level_security(doc, schema)?;
    roles(doc, schema)?;
    privileges(doc, schema)?;
    personal_data(doc, schema)
}

fn row_level_security(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h3("Row-level security")?;
    let secured: Vec<&Table> = schema.tables().iter().filter(|t| t.rls.enabled || !t.policies.is_empty()).collect();
    if secured.is_empty() {
        return doc.write_str("No table has row-level security: access is governed by the privileges below alone.\n");
    }
    doc.write_str("Policies decide which rows a role sees and writes once row-level security is enabled. Superusers and roles with `BYPASSRLS` always bypass them, and so does the table owner unless row-level security is forced.\n\n")?;
    write_table_head(doc, &["Table", "Row-level security", "Forced", "Policies"])?;
    for t in &secured {
        write_row(
            doc,
            &[
                Code(&t.name.to_string()).to_string(),
                if t.rls.enabled { "enabled".to_owned() } else { "**not enabled**: the policies have no effect".to_owned() },
                if t.rls.forced { "yes".to_owned() } else { "no: the owner bypasses the policies".to_owned() },
                t.policies.len().to_string(),
            ],
        )?;
    }
    let matrix = privilege_matrix(schema);
    for t in &secured {
        writeln!(doc, "\n**{}**\n", Code(&t.name.to_string()))?;
        if t.policies.is_empty() {
            doc.write_str("- No policy: no row is visible to or writable by roles subject to row-level security.\n")?;
        }
        for p in &t.policies {
            write!(
                doc,
                "- {} ({}, FOR {}): {}",
                Code(&p.name),
                if p.permissive { "permissive" } else { "restrictive" },
                p.command.as_sql(),
                policy_in_words(t, p)
            )?;
            if let Some(c) = &p.comment {
                write!(doc, " {}", Text(c))?;
            }
            doc.write_str("\n")?;
        }
        if t.partitioning.is_some() && (t.rls.enabled || t.rls.forced) {
            writeln!(
                doc,
                "- Its partitions, the default one and those `ensure_partitions` creates included, have row-level security {} too and no policy: a role that queries a partition by name sees and writes no rows; through {} the policies above apply.",
                if t.rls.forced { "enabled and forced" } else { "enabled" },
                Code(&t.name.to_string())
            )?;
        }
        // Roles with privileges on the table that no permissive policy covers see no rows.
        if t.rls.enabled {
            let uncovered: Vec<String> = matrix
                .roles
                .iter()
                .filter(|role| matrix.cells.contains_key(&(t.name.clone(), (*role).clone())))
                .filter(|role| {
                    let mut holders = ancestors(schema, role);
                    holders.push((*role).clone());
                    !t.policies
                        .iter()
                        .filter(|p| p.permissive)
                        .any(|p| p.roles.is_empty() || p.roles.iter().any(|r| r.eq_ignore_ascii_case("public") || holders.contains(r)))
                })
                .map(|r| Code(r).to_string())
                .collect();
            if !uncovered.is_empty() {
                writeln!(
                    doc,
                    "- {} {} privileges on this table but no permissive policy applies to {}: {} no rows.",
                    and_list(&uncovered),
                    if uncovered.len() == 1 { "holds" } else { "hold" },
                    if uncovered.len() == 1 { "it" } else { "them" },
                    if uncovered.len() == 1 { "it sees and changes" } else { "they see and change" }
                )?;
            }
        }
    }
    Ok(())
}

fn roles(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    if schema.roles().is_empty() {
        return Ok(());
    }
    doc.h3("Roles")?;
    doc.write_str("Roles belong to the whole server: the script creates the missing ones and leaves existing ones as they are. Passwords are set outside the schema.\n\n")?;
    write_table_head(doc, &["Role", "Login", "Member of", "Description"])?;
    for r in schema.roles() {
        write_row(
            doc,
            &[
                Code(&r.name).to_string(),
                if r.login { "yes".to_owned() } else { "no (group)".to_owned() },
                CodeList(&r.member_of).to_string(),
                r.comment.as_deref().map(|c| Cell(c).to_string()).unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

fn privileges(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h3("Privileges")?;
    let matrix = privilege_matrix(schema);
    if matrix.cells.is_empty() {
        doc.write_str("No table privileges are granted: only the owner (the role that applies the script) and superusers can use the tables.\n")?;
    } else {
        doc.write_str("Table privileges by role, from the grants on each table or view, `ALL TABLES IN SCHEMA`, column grants, and role membership (\"via\").\n\n")?;
        let mut head = vec!["Table or view".to_owned()];
        head.extend(matrix.roles.iter().map(|r| Code(r).to_string()));
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        write_table_head(doc, &head)?;
        for rel in &matrix.relations {
            let mut row = vec![Code(&rel.to_string()).to_string()];
            for role in &matrix.roles {
                let Some(held) = matrix.cells.get(&(rel.clone(), role.clone())) else {
                    row.push(String::new());
                    continue;
                };
                row.push(held.describe());
            }
            write_row(doc, &row)?;
        }
    }
    let others: Vec<String> = schema
        .grants()
        .iter()
        .filter_map(|g| {
            let target = match &g.target {
                GrantTarget::Schema(s) => format!("schema {}", Code(s)),
                GrantTarget::AllSequencesInSchema(s) => format!("all sequences in schema {}", Code(s)),
                GrantTarget::AllFunctionsInSchema(s) => format!("all functions in schema {}", Code(s)),
                GrantTarget::Table { .. } | GrantTarget::AllTablesInSchema(_) => return None,
            };
            Some(format!(
                "{} on {target} to {}",
                words(g.privileges.iter().copied()),
                and_list(&g.roles.iter().map(|r| Code(r).to_string()).collect::<Vec<_>>())
            ))
        })
        .collect();
    if !others.is_empty() {
        doc.write_str("\nOther grants:\n\n")?;
        for o in others {
            writeln!(doc, "- {o}")?;
        }
    }
    let non_public: Vec<&String> = schema.namespaces().iter().collect();
    if !non_public.is_empty() {
        writeln!(
            doc,
            "\nA role also needs `USAGE` on a schema to reach the objects in it; schemas here besides `public`: {}.",
            CodeList(&non_public)
        )?;
    }
    if schema.grants().iter().any(|g| matches!(g.target, GrantTarget::AllTablesInSchema(_))) {
        doc.write_str("\n`ALL TABLES IN SCHEMA` covers the tables and views that exist when the grant runs (the script grants after creating them all); tables created later get only the default privileges below.\n")?;
    }
    if !schema.default_privileges().is_empty() {
        doc.write_str("\nDefault privileges for objects created later:\n\n")?;
        for d in schema.default_privileges() {
            writeln!(doc, "- {}", default_privileges(d))?;
        }
    }
    Ok(())
}

fn default_privileges(d: &DefaultPrivileges) -> String {
    let creator = match &d.for_role {
        Some(r) => format!("by {}", Code(r)),
        None => "by the role that applies the script".to_owned(),
    };
    format!(
        "{} created in {} {creator}: {} to {}",
        d.objects.as_sql().to_ascii_lowercase(),
        Code(&d.schema),
        words(d.privileges.iter().copied()),
        and_list(&d.roles.iter().map(|r| Code(r).to_string()).collect::<Vec<_>>())
    )
}

fn words(privileges: impl Iterator<Item = Privilege>) -> String {
    privileges.map(privilege_word).collect::<Vec<_>>().join(", ")
}

fn personal_data(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h3("Personal data")?;
    let columns: Vec<_> = schema.tables().iter().flat_map(|t| t.columns.iter().filter(|c| c.personal_data).map(move |c| (t, c))).collect();
    if columns.is_empty() {
        return doc.write_str("No column is marked as personal data.\n");
    }
    write_table_head(doc, &["Column", "Type", "Protection", "Description"])?;
    let mut unprotected = 0;
    for (t, c) in &columns {
        if c.protection.is_none() {
            unprotected += 1;
        }
        write_row(
            doc,
            &[
                Code(&format!("{}.{}", t.name, crate::ident::Ident(&c.name))).to_string(),
                Code(&c.ty.to_string()).to_string(),
                c.protection.as_deref().map(|p| Cell(p).to_string()).unwrap_or_else(|| "**not recorded**".to_owned()),
                c.comment.as_deref().map(|d| Cell(d).to_string()).unwrap_or_default(),
            ],
        )?;
    }
    if unprotected > 0 {
        writeln!(
            doc,
            "\n{} of {} personal-data columns have no recorded protection (hashing, encryption, row-level security, or a reason none is needed).",
            unprotected,
            columns.len()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::{Column, Partitioning, Policy, Table};
    use crate::schema::Schema;
    use crate::types::SqlType;

    #[test]
    fn partitions_of_a_table_with_row_level_security_are_described() {
        let table = |force: Option<bool>| {
            let t = Table::new("events")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("region", SqlType::Text))
                .primary_key(["id", "region"])
                .partition_by(Partitioning::list("region").values("events_eu", ["'eu'"]).with_default())
                .policy(Policy::new("all_rows").using("true"));
            match force {
                Some(force) => t.row_level_security(force),
                None => t,
            }
        };
        let md = |force| Schema::builder().add_table(table(force)).build().unwrap().to_markdown();
        let forced = md(Some(true));
        assert!(
            forced.contains("- Its partitions, the default one and those `ensure_partitions` creates included, have row-level security enabled and forced too and no policy: a role that queries a partition by name sees and writes no rows; through `public.events` the policies above apply.\n"),
            "{forced}"
        );
        assert!(md(Some(false)).contains("have row-level security enabled too and no policy"));
        assert!(!md(None).contains("Its partitions"), "policies without row-level security say nothing of partitions");
    }
}
