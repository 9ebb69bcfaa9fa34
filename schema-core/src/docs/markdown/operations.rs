//! The overview, volume and retention, accepted lint exceptions, the design
//! review, migration instructions and performance monitoring.

use std::fmt::{self, Write};

use crate::ident::Literal;
use crate::model::{PartitionStrategy, Partitioning};
use crate::schema::Schema;

use super::super::describe::key_features;
use super::super::findings::Level;
use super::super::text::{count, write_fenced, write_row, write_table_head, Cell, Code, CodeList, Text};
use super::{Doc, MarkdownOptions};

pub(super) fn overview(doc: &mut Doc, schema: &Schema, options: &MarkdownOptions) -> fmt::Result {
    doc.h2("Schema overview")?;
    let mut namespaces = vec![crate::model::DEFAULT_NAMESPACE.to_owned()];
    namespaces.extend(schema.namespaces().iter().cloned());
    let partitioned = schema.tables().iter().filter(|t| t.partitioning.is_some()).count();
    let materialized = schema.views().iter().filter(|v| v.materialized).count();
    write_table_head(doc, &["", ""])?;
    write_row(doc, &["**PostgreSQL version**".to_owned(), format!("{}+", Text(&options.postgres_version))])?;
    write_row(doc, &["**Schemas**".to_owned(), CodeList(&namespaces).to_string()])?;
    let mut tables = count(schema.tables().len(), "table", "tables");
    if partitioned > 0 {
        tables.push_str(&format!(" ({partitioned} partitioned)"));
    }
    write_row(doc, &["**Tables**".to_owned(), tables])?;
    if !schema.views().is_empty() {
        write_row(
            doc,
            &[
                "**Views**".to_owned(),
                format!(
                    "{}, {}",
                    count(schema.views().len() - materialized, "view", "views"),
                    count(materialized, "materialized view", "materialized views")
                ),
            ],
        )?;
    }
    if !schema.extensions().is_empty() {
        let names: Vec<&String> = schema.extensions().iter().map(|e| &e.name).collect();
        write_row(doc, &["**Extensions**".to_owned(), CodeList(&names).to_string()])?;
    }
    if let Some(v) = schema.version() {
        write_row(doc, &["**Schema version**".to_owned(), format!("{}: {}", Code(&v.version), Cell(&v.description))])?;
    }
    let features = key_features(schema);
    if !features.is_empty() {
        doc.write_str("\n**Key features**:\n\n")?;
        for f in features {
            writeln!(doc, "- {f}")?;
        }
    }
    Ok(())
}

pub(super) fn volume_and_retention(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    if schema.tables().is_empty() {
        return Ok(());
    }
    doc.h2("Data volume and retention")?;
    doc.write_str("The recorded answers to the scale and data-management questions, per table.\n\n")?;
    write_table_head(doc, &["Table", "Expected volume", "Retention", "Partitioning"])?;
    let mut undecided = Vec::new();
    for t in schema.tables() {
        if t.volume.is_none() && t.retention.is_none() {
            undecided.push(t.name.to_string());
        }
        let partitioning = match &t.partitioning {
            Some(p) => format!("{} on {}", p.strategy.as_sql(), CodeList(&p.columns)),
            None => String::new(),
        };
        write_row(
            doc,
            &[
                Code(&t.name.to_string()).to_string(),
                t.volume.as_deref().map_or_else(|| "not recorded".to_owned(), |v| Cell(v).to_string()),
                t.retention.as_deref().map_or_else(|| "not recorded".to_owned(), |v| Cell(v).to_string()),
                partitioning,
            ],
        )?;
    }
    if !undecided.is_empty() {
        writeln!(doc, "\nNo volume or retention decision is recorded for {}.", CodeList(&undecided))?;
    }
    Ok(())
}

pub(super) fn lint_allows(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    let mut rows = Vec::new();
    for t in schema.tables() {
        for a in &t.allows {
            rows.push((t.name.to_string(), a));
        }
        for c in &t.columns {
            for a in &c.allows {
                rows.push((format!("{}.{}", t.name, crate::ident::Ident(&c.name)), a));
            }
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    doc.h2("Accepted lint exceptions")?;
    doc.write_str("Design rules switched off for one object, with the reason recorded in the declarations.\n\n")?;
    write_table_head(doc, &["Object", "Rule", "Reason"])?;
    for (object, a) in rows {
        write_row(doc, &[Code(&object).to_string(), Code(&a.rule).to_string(), Cell(&a.reason).to_string()])?;
    }
    Ok(())
}

pub(super) fn design_review(doc: &mut Doc, options: &MarkdownOptions) -> fmt::Result {
    if options.findings.is_none() && options.open_questions.is_empty() {
        return Ok(());
    }
    doc.h2("Design review")?;
    if let Some(findings) = &options.findings {
        doc.h3("Lint summary")?;
        if findings.is_empty() {
            doc.write_str("No findings.\n")?;
        } else {
            let n = |level: Level| findings.iter().filter(|f| f.level == level).count();
            writeln!(
                doc,
                "{}, {}, {}.\n",
                count(n(Level::Deny), "error", "errors"),
                count(n(Level::Warn), "warning", "warnings"),
                count(n(Level::Note), "note", "notes")
            )?;
            let mut sorted: Vec<_> = findings.iter().collect();
            sorted.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.rule.cmp(&b.rule)).then_with(|| a.object.cmp(&b.object)));
            write_table_head(doc, &["Level", "Rule", "Object", "Finding"])?;
            for f in sorted {
                let mut text = Cell(&f.message).to_string();
                if let Some(h) = &f.help {
                    text.push_str(&format!("<br>Help: {}", Cell(h)));
                }
                write_row(
                    doc,
                    &[
                        f.level.as_str().to_owned(),
                        Code(&f.rule).to_string(),
                        f.object.as_deref().map(|o| Code(o).to_string()).unwrap_or_default(),
                        text,
                    ],
                )?;
            }
        }
    }
    if !options.open_questions.is_empty() {
        doc.h3("Open questions")?;
        for (i, q) in options.open_questions.iter().enumerate() {
            writeln!(doc, "{}. **{}**: {}", i + 1, Text(&q.topic), Text(&q.question))?;
        }
    }
    Ok(())
}

pub(super) fn migration(doc: &mut Doc, schema: &Schema, options: &MarkdownOptions) -> fmt::Result {
    doc.h2("Migration instructions")?;
    doc.write_str("**Prerequisites**:\n\n")?;
    writeln!(doc, "- PostgreSQL {} or higher.", Text(&options.postgres_version))?;
    if !schema.extensions().is_empty() {
        let names: Vec<&String> = schema.extensions().iter().map(|e| &e.name).collect();
        writeln!(
            doc,
            "- Extensions {}: the script creates them, so they must be installed on the server (on Debian, `postgresql-contrib` has the standard ones) and the applying role must be allowed to create them.",
            CodeList(&names)
        )?;
    }
    if !schema.roles().is_empty() {
        writeln!(
            doc,
            "- The applying role needs `CREATEROLE`: the script creates the roles {} where they are missing.",
            CodeList(&schema.roles().iter().map(|r| r.name.clone()).collect::<Vec<_>>())
        )?;
    }
    let db = &options.database_name;
    let file = &options.ddl_file;
    let quote = |s: &str| -> String {
        if s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')) && !s.is_empty() {
            s.to_owned()
        } else {
            format!("'{}'", s.replace('\'', r"'\''"))
        }
    };
    let mut script = String::new();
    writeln!(script, "# 1. Create the database")?;
    writeln!(script, "createdb {}", quote(db))?;
    writeln!(script)?;
    writeln!(script, "# 2. Apply the schema in one transaction, stopping at the first error")?;
    writeln!(script, "psql -d {} -1 -v ON_ERROR_STOP=1 -f {}", quote(db), quote(file))?;
    writeln!(script)?;
    if schema.version().is_some() {
        writeln!(script, "# 3. Verify: the applied version is recorded")?;
        writeln!(
            script,
            "psql -d {} -c \"SELECT version, description, applied_by, applied_at FROM public.schema_migrations ORDER BY applied_at;\"",
            quote(db)
        )?;
    } else {
        let mut namespaces = vec![crate::model::DEFAULT_NAMESPACE.to_owned()];
        namespaces.extend(schema.namespaces().iter().cloned());
        let list: Vec<String> = namespaces.iter().map(|n| Literal(n).to_string()).collect();
        writeln!(script, "# 3. Verify: the tables exist")?;
        writeln!(
            script,
            "psql -d {} -c \"SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ({}) ORDER BY 1, 2;\"",
            quote(db),
            list.join(", ")
        )?;
    }
    let scheduled: Vec<String> = schema.tables().iter().filter_map(super::objects::ensure_call).collect();
    if !scheduled.is_empty() {
        writeln!(script)?;
        writeln!(script, "# 4. Keep future partitions coming: run regularly (cron, pg_cron), at least daily")?;
        for call in scheduled {
            writeln!(script, "psql -d {} -c \"{call}\"", quote(db))?;
        }
    }
    doc.write_str("\n**Deployment**:\n\n")?;
    write_fenced(doc, "bash", &script)?;
    doc.write_str("\nThe script creates the schema in an empty database. To change a database that already has it, write a migration (Flyway, Liquibase, sqlx, refinery...), ")?;
    if schema.version().is_some() {
        doc.write_str("record its version in `public.schema_migrations`, ")?;
    }
    doc.write_str("and test it on a copy of production first.\n")?;
    doc.write_str("\n**Zero-downtime changes**:\n\n")?;
    doc.write_str("- Add a column as nullable (or with a constant default), backfill it in batches, then add `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT`, and `SET NOT NULL`.\n")?;
    doc.write_str("- Create indexes with `CREATE INDEX CONCURRENTLY`, which cannot run inside a transaction: apply such migrations without `-1`.\n")?;
    doc.write_str("- Add foreign keys and checks as `NOT VALID`, then `VALIDATE CONSTRAINT` in a separate step.\n")?;
    doc.write_str(
        "- Deploy additive schema changes before the application code that uses them, and remove old columns only after no code reads them.\n",
    )?;
    Ok(())
}

/// One query of the performance-monitoring section.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MonitoringQuery {
    /// What it shows (written as a `--` comment above it).
    pub title: String,
    /// The query, ending in `;`.
    pub sql: String,
    /// It reads `pg_stat_statements`, which needs the extension and
    /// `shared_preload_libraries = 'pg_stat_statements'`.
    pub needs_pg_stat_statements: bool,
}

/// The monitoring queries for `schema`: slowest statements, index usage, table
/// sizes, and (when it has them) partitioned-table sizes and rows in default partitions.
pub fn monitoring_queries(schema: &Schema) -> Vec<MonitoringQuery> {
    let mut namespaces = vec![crate::model::DEFAULT_NAMESPACE.to_owned()];
    namespaces.extend(schema.namespaces().iter().cloned());
    let list = namespaces.iter().map(|n| Literal(n).to_string()).collect::<Vec<_>>().join(", ");
    let q = |title: &str, sql: String, needs: bool| MonitoringQuery { title: title.to_owned(), sql, needs_pg_stat_statements: needs };
    let mut queries = vec![
        q(
            "Slowest statements by mean execution time",
            "SELECT queryid, calls, round(mean_exec_time::numeric, 2) AS mean_ms,\n       round(total_exec_time::numeric, 2) AS total_ms, rows, left(query, 200) AS query\nFROM pg_stat_statements\nORDER BY mean_exec_time DESC\nLIMIT 10;".to_owned(),
            true,
        ),
        q(
            "Index usage: rarely scanned indexes first (candidates for removal), largest first among equals",
            format!(
                "SELECT schemaname, relname AS table_name, indexrelname AS index_name, idx_scan,\n       pg_size_pretty(pg_relation_size(indexrelid)) AS index_size\nFROM pg_stat_user_indexes\nWHERE schemaname IN ({list})\nORDER BY idx_scan ASC, pg_relation_size(indexrelid) DESC;"
            ),
            false,
        ),
        q(
            "Table sizes with indexes and TOAST, and dead rows awaiting vacuum",
            format!(
                "SELECT schemaname, relname AS table_name,\n       pg_size_pretty(pg_total_relation_size(relid)) AS total_size,\n       n_live_tup, n_dead_tup, last_autovacuum\nFROM pg_stat_user_tables\nWHERE schemaname IN ({list})\nORDER BY pg_total_relation_size(relid) DESC;"
            ),
            false,
        ),
    ];
    if schema.tables().iter().any(|t| t.partitioning.is_some()) {
        queries.push(q(
            "Partitioned tables: total size and number of partitions",
            format!(
                "SELECT c.oid::regclass AS partitioned_table, count(*) AS partitions,\n       pg_size_pretty(sum(pg_total_relation_size(p.relid))) AS total_size\nFROM pg_class c\nJOIN pg_namespace n ON n.oid = c.relnamespace\nCROSS JOIN LATERAL pg_partition_tree(c.oid) p\nWHERE c.relkind = 'p' AND p.isleaf AND n.nspname IN ({list})\nGROUP BY c.oid\nORDER BY sum(pg_total_relation_size(p.relid)) DESC;"
            ),
            false,
        ));
    }
    let defaults: Vec<String> = schema
        .tables()
        .iter()
        .filter(|t| t.partitioning.as_ref().is_some_and(|p| p.default_partition && p.strategy != PartitionStrategy::Hash))
        .map(|t| {
            let name =
                format!("{}.{}", crate::ident::Ident(&t.name.schema), crate::ident::Ident(&Partitioning::default_partition_name(&t.name.name)));
            format!("SELECT {} AS default_partition, count(*) AS row_count FROM {name}", Literal(&name))
        })
        .collect();
    if !defaults.is_empty() {
        queries.push(q(
            "Rows in default partitions (should be 0: each belongs in a partition of its own)",
            format!("{};", defaults.join("\nUNION ALL\n")),
            false,
        ));
    }
    queries
}

pub(super) fn monitoring(doc: &mut Doc, schema: &Schema) -> fmt::Result {
    doc.h2("Performance monitoring")?;
    let has_statements = schema.extensions().iter().any(|e| e.name == "pg_stat_statements");
    if has_statements {
        doc.write_str("`pg_stat_statements` is created by the script; it also needs `shared_preload_libraries = 'pg_stat_statements'` in `postgresql.conf` (and a restart).\n\n")?;
    } else {
        doc.write_str("The first query needs the `pg_stat_statements` extension: set `shared_preload_libraries = 'pg_stat_statements'` in `postgresql.conf`, restart, and run `CREATE EXTENSION pg_stat_statements;`.\n\n")?;
    }
    let mut sql = String::new();
    for (i, q) in monitoring_queries(schema).iter().enumerate() {
        if i > 0 {
            sql.push('\n');
        }
        writeln!(sql, "-- {}\n{}", q.title, q.sql)?;
    }
    write_fenced(doc, "sql", &sql)?;
    doc.write_str("\nTest query plans with `EXPLAIN (ANALYZE, BUFFERS)` on representative data, and compare the index usage above with the purposes in [Indexing strategy](#indexing-strategy).\n")
}
