//! DDL for the objects around tables: roles, domains, functions, views, triggers,
//! row-level security, grants.

use std::fmt::{self, Write};

use crate::ddl::{constraint_name, write_idents, write_index_on};
use crate::ident::{Ident, Literal};
use crate::model::{Domain, Function, GrantTarget, Privilege, Role, TriggerEvent, TriggerTiming, View, Volatility};
use crate::schema::Schema;

/// A body in dollar quotes, with a tag that does not occur in it, so no body can
/// end the string early.
struct DollarQuoted<'a>(&'a str, &'a str);

impl fmt::Display for DollarQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let DollarQuoted(base, body) = *self;
        let tag = (0..)
            .map(|n| if n == 0 { format!("${base}$") } else { format!("${base}{n}$") })
            .find(|tag| !body.contains(tag.as_str()))
            .expect("some tag is absent from any finite body");
        // A body ending in `$` would run into the closing tag.
        let separator = if body.ends_with('$') { "\n" } else { "" };
        write!(f, "{tag}{body}{separator}{tag}")
    }
}

/// A role name as a grantee: `PUBLIC` and the session keywords stay bare.
struct Grantee<'a>(&'a str);

impl fmt::Display for Grantee<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.to_ascii_lowercase().as_str() {
            "public" => f.write_str("PUBLIC"),
            "current_user" => f.write_str("CURRENT_USER"),
            "current_role" => f.write_str("CURRENT_ROLE"),
            "session_user" => f.write_str("SESSION_USER"),
            _ => Ident(self.0).write_to(f),
        }
    }
}

fn write_list<W: Write, T>(out: &mut W, items: &[T], mut each: impl FnMut(&mut W, &T) -> fmt::Result) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        each(out, item)?;
    }
    Ok(())
}

pub(crate) fn write_role<W: Write>(out: &mut W, role: &Role) -> fmt::Result {
    let body = format!(
        "\nBEGIN\n    CREATE ROLE {} {};\nEXCEPTION WHEN duplicate_object OR unique_violation THEN\n    NULL; -- exists already, or was created concurrently\nEND\n",
        Ident(&role.name),
        if role.login { "LOGIN" } else { "NOLOGIN" }
    );
    writeln!(out, "DO {};", DollarQuoted("role", &body))?;
    for parent in &role.member_of {
        // Two concurrent applies may both add the membership: the loser sees 23505.
        let body = format!(
            "\nBEGIN\n    GRANT {} TO {};\nEXCEPTION WHEN unique_violation THEN\n    NULL;\nEND\n",
            Ident(parent),
            Ident(&role.name)
        );
        writeln!(out, "DO {};", DollarQuoted("grant", &body))?;
    }
    if let Some(c) = &role.comment {
        writeln!(out, "COMMENT ON ROLE {} IS {};", Ident(&role.name), Literal(c))?;
    }
    Ok(())
}

pub(crate) fn write_domain<W: Write>(out: &mut W, d: &Domain) -> fmt::Result {
    write!(out, "CREATE DOMAIN {} AS {}", d.name, d.base)?;
    if let Some(default) = &d.default {
        write!(out, " DEFAULT {default}")?;
    }
    if d.not_null {
        out.write_str(" NOT NULL")?;
    }
    for c in &d.checks {
        if let Some(name) = &c.name {
            write!(out, "\n    CONSTRAINT {}", Ident(name))?;
            write!(out, " CHECK ({})", c.expr)?;
        } else {
            write!(out, "\n    CHECK ({})", c.expr)?;
        }
    }
    out.write_str(";\n")?;
    if let Some(c) = &d.comment {
        writeln!(out, "COMMENT ON DOMAIN {} IS {};", d.name, Literal(c))?;
    }
    Ok(())
}

/// The argument list without defaults, as `COMMENT ON FUNCTION` needs it.
pub(crate) fn signature(arguments: &str) -> String {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    let bytes = arguments.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&arguments[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&arguments[start..]);
    parts
        .iter()
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            let cut = [lower.find(" default "), lower.find('=')].into_iter().flatten().min().unwrap_or(p.len());
            p[..cut].trim().to_owned()
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn write_function<W: Write>(out: &mut W, f: &Function) -> fmt::Result {
    write!(out, "CREATE OR REPLACE FUNCTION {}({})\nRETURNS {}\nLANGUAGE {}", f.name, f.arguments, f.returns, Ident(&f.language))?;
    match f.volatility {
        Some(Volatility::Immutable) => out.write_str("\nIMMUTABLE")?,
        Some(Volatility::Stable) => out.write_str("\nSTABLE")?,
        Some(Volatility::Volatile) => out.write_str("\nVOLATILE")?,
        None => {}
    }
    if f.security_definer {
        out.write_str("\nSECURITY DEFINER")?;
    }
    if let Some(path) = &f.search_path {
        write!(out, "\nSET search_path = {path}")?;
    }
    writeln!(out, "\nAS {};", DollarQuoted("body", &f.body))?;
    if let Some(c) = &f.comment {
        writeln!(out, "COMMENT ON FUNCTION {}({}) IS {};", f.name, signature(&f.arguments), Literal(c))?;
    }
    Ok(())
}

/// One view, with its indexes and comments (the order is
/// [`crate::depend::order`]'s).
pub(crate) fn write_view<W: Write>(out: &mut W, v: &View) -> fmt::Result {
    let query = v.query.trim().trim_end_matches(';').trim_end();
    let end = crate::ddl::statement_end(query);
    if v.materialized {
        writeln!(out, "CREATE MATERIALIZED VIEW {} AS\n{query}\nWITH DATA;", v.name)?;
    } else if v.security_invoker {
        writeln!(out, "CREATE VIEW {} WITH (security_invoker = true) AS\n{query}{end}", v.name)?;
    } else {
        writeln!(out, "CREATE VIEW {} AS\n{query}{end}", v.name)?;
    }
    for index in &v.indexes {
        write_index_on(out, &v.name, index)?;
    }
    let kind = if v.materialized { "MATERIALIZED VIEW" } else { "VIEW" };
    if let Some(c) = &v.comment {
        writeln!(out, "COMMENT ON {kind} {} IS {};", v.name, Literal(c))?;
    }
    for index in &v.indexes {
        if let Some(c) = &index.comment {
            writeln!(out, "COMMENT ON INDEX {}.{} IS {};", Ident(&v.name.schema), Ident(constraint_name(&index.name)), Literal(c))?;
        }
    }
    Ok(())
}

pub(crate) fn write_triggers<W: Write>(out: &mut W, schema: &Schema) -> fmt::Result {
    let mut first = true;
    for table in schema.tables() {
        for t in &table.triggers {
            if first {
                out.write_str("\n-- Triggers\n")?;
                first = false;
            }
            let timing = match t.timing {
                TriggerTiming::Before => "BEFORE",
                TriggerTiming::After => "AFTER",
                TriggerTiming::InsteadOf => "INSTEAD OF",
            };
            write!(out, "CREATE TRIGGER {} {timing} ", Ident(&t.name))?;
            for (i, event) in t.events.iter().enumerate() {
                if i > 0 {
                    out.write_str(" OR ")?;
                }
                match event {
                    TriggerEvent::Insert => out.write_str("INSERT")?,
                    TriggerEvent::Update(cols) if cols.is_empty() => out.write_str("UPDATE")?,
                    TriggerEvent::Update(cols) => {
                        out.write_str("UPDATE OF ")?;
                        write_idents(out, cols)?;
                    }
                    TriggerEvent::Delete => out.write_str("DELETE")?,
                    TriggerEvent::Truncate => out.write_str("TRUNCATE")?,
                }
            }
            write!(out, " ON {} FOR EACH {}", table.name, if t.for_each_row { "ROW" } else { "STATEMENT" })?;
            if let Some(when) = &t.when {
                write!(out, " WHEN ({when})")?;
            }
            write!(out, " EXECUTE FUNCTION {}(", t.function)?;
            write_list(out, &t.arguments, |out, a| Literal(a).write_to(out))?;
            out.write_str(");\n")?;
            if let Some(c) = &t.comment {
                writeln!(out, "COMMENT ON TRIGGER {} ON {} IS {};", Ident(&t.name), table.name, Literal(c))?;
            }
        }
    }
    Ok(())
}

fn write_privileges<W: Write>(out: &mut W, privileges: &[Privilege]) -> fmt::Result {
    write_list(out, privileges, |out, p| out.write_str(p.as_sql()))
}

pub(crate) fn write_row_level_security<W: Write>(out: &mut W, schema: &Schema) -> fmt::Result {
    let secured: Vec<_> = schema.tables().iter().filter(|t| t.rls.enabled || !t.policies.is_empty()).collect();
    if !secured.is_empty() {
        out.write_str("\n-- Row-level security\n")?;
    }
    for table in secured {
        if table.rls.enabled {
            writeln!(out, "ALTER TABLE {} ENABLE ROW LEVEL SECURITY;", table.name)?;
        }
        if table.rls.forced {
            writeln!(out, "ALTER TABLE {} FORCE ROW LEVEL SECURITY;", table.name)?;
        }
        write_partitions_row_level_security(out, table)?;
        for p in &table.policies {
            write!(
                out,
                "CREATE POLICY {} ON {} AS {} FOR {}",
                Ident(&p.name),
                table.name,
                if p.permissive { "PERMISSIVE" } else { "RESTRICTIVE" },
                p.command.as_sql()
            )?;
            if !p.roles.is_empty() {
                out.write_str(" TO ")?;
                write_list(out, &p.roles, |out, r| write!(out, "{}", Grantee(r)))?;
            }
            if let Some(using) = &p.using {
                write!(out, "\n    USING ({using})")?;
            }
            if let Some(check) = &p.with_check {
                write!(out, "\n    WITH CHECK ({check})")?;
            }
            out.write_str(";\n")?;
            if let Some(c) = &p.comment {
                writeln!(out, "COMMENT ON POLICY {} ON {} IS {};", Ident(&p.name), table.name, Literal(c))?;
            }
        }
    }
    Ok(())
}

/// A partition can be queried by its own name, and then only its own row-level
/// security applies, not its parent's. So each partition of a table with
/// row-level security gets the parent's ENABLE (and FORCE) and no policy: direct
/// access sees and writes no rows, access through the parent keeps the parent's
/// policies. `ensure_partitions` does the same for the partitions it creates.
fn write_partitions_row_level_security<W: Write>(out: &mut W, table: &crate::model::Table) -> fmt::Result {
    let Some(p) = table.partitioning.as_ref().filter(|_| table.rls.enabled || table.rls.forced) else { return Ok(()) };
    let mut names = p.partition_names(&table.name.name).peekable();
    if names.peek().is_none() {
        return Ok(());
    }
    writeln!(
        out,
        "-- Partitions of {} can be queried by name, bypassing its policies: row-level security with no policy denies that",
        table.name
    )?;
    for name in names {
        let partition = crate::model::QualifiedName::new(&table.name.schema, name);
        if table.rls.enabled {
            writeln!(out, "ALTER TABLE {partition} ENABLE ROW LEVEL SECURITY;")?;
        }
        if table.rls.forced {
            writeln!(out, "ALTER TABLE {partition} FORCE ROW LEVEL SECURITY;")?;
        }
    }
    Ok(())
}

/// Grants and default privileges.
pub(crate) fn write_grants<W: Write>(out: &mut W, schema: &Schema) -> fmt::Result {
    if !schema.grants().is_empty() || !schema.default_privileges().is_empty() {
        out.write_str("\n-- Privileges\n")?;
    }
    for g in schema.grants() {
        out.write_str("GRANT ")?;
        write_privileges(out, &g.privileges)?;
        match &g.target {
            GrantTarget::Table { table, columns } if columns.is_empty() => write!(out, " ON TABLE {table}")?,
            GrantTarget::Table { table, columns } => {
                out.write_str(" (")?;
                write_idents(out, columns)?;
                write!(out, ") ON TABLE {table}")?;
            }
            GrantTarget::AllTablesInSchema(s) => write!(out, " ON ALL TABLES IN SCHEMA {}", Ident(s))?,
            GrantTarget::AllSequencesInSchema(s) => write!(out, " ON ALL SEQUENCES IN SCHEMA {}", Ident(s))?,
            GrantTarget::AllFunctionsInSchema(s) => write!(out, " ON ALL FUNCTIONS IN SCHEMA {}", Ident(s))?,
            GrantTarget::Schema(s) => write!(out, " ON SCHEMA {}", Ident(s))?,
        }
        out.write_str(" TO ")?;
        write_list(out, &g.roles, |out, r| write!(out, "{}", Grantee(r)))?;
        out.write_str(";\n")?;
    }
    for d in schema.default_privileges() {
        out.write_str("ALTER DEFAULT PRIVILEGES")?;
        if let Some(r) = &d.for_role {
            write!(out, " FOR ROLE {}", Ident(r))?;
        }
        write!(out, " IN SCHEMA {} GRANT ", Ident(&d.schema))?;
        write_privileges(out, &d.privileges)?;
        write!(out, " ON {} TO ", d.objects.as_sql())?;
        write_list(out, &d.roles, |out, r| write!(out, "{}", Grantee(r)))?;
        out.write_str(";\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_quote_tag_avoids_body() {
        assert_eq!(DollarQuoted("body", "x").to_string(), "$body$x$body$");
        assert_eq!(DollarQuoted("body", "a $body$ b").to_string(), "$body1$a $body$ b$body1$");
        assert_eq!(DollarQuoted("body", "ends with $").to_string(), "$body$ends with $\n$body$");
    }

    fn tenant_events(force: bool) -> crate::model::Table {
        use crate::model::{Partitioning, Policy, Table};
        use crate::types::SqlType;
        Table::in_schema("ops", "events")
            .column(crate::model::Column::new("id", SqlType::BigInt))
            .column(crate::model::Column::new("region", SqlType::Text))
            .column(crate::model::Column::new("tenant_id", SqlType::BigInt))
            .primary_key(["id", "region"])
            .partition_by(Partitioning::list("region").values("events_eu", ["'eu'"]).values("events_us", ["'us'", "'ca'"]).with_default())
            .row_level_security(force)
            .policy(Policy::isolate_by_setting("tenant", "tenant_id", &SqlType::BigInt, "app.tenant_id"))
    }

    fn section<'a>(ddl: &'a str, title: &str) -> &'a str {
        let start = ddl.find(&format!("\n-- {title}\n")).unwrap_or_else(|| panic!("no {title} section:\n{ddl}"));
        let rest = &ddl[start + 1..];
        rest.find("\n\n").map_or(rest, |end| &rest[..end])
    }

    #[test]
    fn partitions_of_a_table_with_rls_get_it_without_policies() {
        let schema = Schema::builder().add_table(tenant_events(true)).build().unwrap();
        let ddl = schema.to_ddl();
        let rls = section(&ddl, "Row-level security");
        let head = "-- Row-level security
ALTER TABLE ops.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.events FORCE ROW LEVEL SECURITY;
-- Partitions of ops.events can be queried by name, bypassing its policies: row-level security with no policy denies that
ALTER TABLE ops.events_eu ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.events_eu FORCE ROW LEVEL SECURITY;
ALTER TABLE ops.events_us ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.events_us FORCE ROW LEVEL SECURITY;
ALTER TABLE ops.events_default ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.events_default FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON ops.events ";
        assert!(rls.starts_with(head), "{rls}");
        assert_eq!(rls.matches("CREATE POLICY").count(), 1, "no policy on a partition:\n{rls}");

        let unforced = Schema::builder().add_table(tenant_events(false)).build().unwrap().to_ddl();
        let rls = section(&unforced, "Row-level security");
        assert!(rls.contains("ALTER TABLE ops.events_us ENABLE ROW LEVEL SECURITY;\nALTER TABLE ops.events_default ENABLE ROW LEVEL SECURITY;\nCREATE POLICY"), "{rls}");
        assert!(!rls.contains("FORCE"), "{rls}");

        let mut plain = tenant_events(false);
        plain.rls = crate::model::RowLevelSecurity::default();
        plain.policies.clear();
        assert!(!Schema::builder().add_table(plain).build().unwrap().to_ddl().contains("ROW LEVEL SECURITY"));
    }

    #[test]
    fn partitions_made_when_the_script_runs_come_after_row_level_security() {
        use crate::model::{CivilDate, Grant, GrantTarget, Partitioning, Privilege, Table};
        use crate::types::SqlType;
        let logs = Table::new("logs")
            .column(crate::model::Column::new("id", SqlType::BigInt))
            .column(crate::model::Column::new("at", SqlType::Timestamptz))
            .primary_key(["id", "at"])
            .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 1).ahead(2))
            .row_level_security(false);
        let schema = Schema::builder()
            .add_table(logs)
            .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["reader"]))
            .build()
            .unwrap();
        let ddl = schema.to_ddl();
        let at = |needle: &str| ddl.find(needle).unwrap_or_else(|| panic!("{needle} missing:\n{ddl}"));
        assert!(at("ALTER TABLE public.logs ENABLE ROW LEVEL SECURITY;") < at("ALTER TABLE public.logs_2026_01 ENABLE ROW LEVEL SECURITY;"));
        // ensure_partitions copies the parent's row-level security, so it runs after
        // it; the grant on all tables covers what it created.
        assert!(at("ALTER TABLE public.logs_2026_01 ENABLE ROW LEVEL SECURITY;") < at("SELECT public.ensure_partitions('public.logs', 'month', 2);"));
        assert!(at("SELECT public.ensure_partitions('public.logs', 'month', 2);") < at("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;"));
    }

    #[test]
    fn comment_signature_drops_defaults() {
        assert_eq!(signature("parent regclass, period text, ahead integer DEFAULT 3"), "parent regclass, period text, ahead integer");
        assert_eq!(signature("a numeric(10, 2) = 1"), "a numeric(10, 2)");
        assert_eq!(signature(""), "");
    }
}
