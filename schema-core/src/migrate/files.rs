//! A plan as numbered migrations, and as the files of the tools that run them:
//! Flyway and refinery (`V{n}__{description}.sql`, Flyway's undo `U{n}__...`)
//! and sqlx (`{version}_{description}.up.sql` / `.down.sql`).
//!
//! Consecutive transactional steps of one phase share a migration (one
//! transaction); each non-transactional step (`CONCURRENTLY`, a batched
//! backfill, an enum label) is a migration of its own, marked so each tool runs
//! it outside a transaction: `-- no-transaction` (sqlx), an
//! `executeInTransaction=false` script configuration (Flyway). refinery always
//! wraps a migration in a transaction: plan with `concurrently: false` for it,
//! or run those migrations with the `live` runner.

use std::fmt::Write as _;

use super::checksum::sha256_hex;
use super::plan::{Phase, Plan, Step};
use super::sql::split_statements;

/// One migration: a transaction's worth of steps, or one non-transactional step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// Version (ordering key).
    pub version: u64,
    /// What it does (a slug in file names).
    pub description: String,
    /// The script.
    pub up: String,
    /// The undo script, or `None` if some step cannot be undone.
    pub down: Option<String>,
    /// Whether it runs in one transaction.
    pub transactional: bool,
    /// Expand or contract.
    pub phase: Phase,
}

impl Migration {
    /// A migration from a script, as read from a file: a first line
    /// `-- no-transaction` makes it non-transactional (the sqlx convention).
    pub fn new(version: u64, description: impl Into<String>, up: impl Into<String>) -> Self {
        let up = up.into();
        let transactional = !up.trim_start().starts_with("-- no-transaction");
        Self { version, description: description.into(), up, down: None, transactional, phase: Phase::Expand }
    }

    /// The checksum the runner records and checks (SHA-256 of the script).
    pub fn checksum(&self) -> String {
        sha256_hex(self.up.as_bytes())
    }

    /// The script's statements, one by one (how non-transactional migrations run).
    pub fn statements(&self) -> Vec<String> {
        split_statements(&self.up)
    }
}

/// A file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationFile {
    /// File name.
    pub name: String,
    /// Contents.
    pub contents: String,
}

/// A migration tool's file layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationFormat {
    /// `V{n}__{description}.sql`, undo `U{n}__{description}.sql`, and a
    /// `.sql.conf` with `executeInTransaction=false` for non-transactional ones.
    Flyway,
    /// `V{n}__{description}.sql` (no undo files: refinery has none).
    Refinery,
    /// `{version}_{description}.up.sql` and `.down.sql`, `-- no-transaction` where needed.
    Sqlx,
}

/// `add_users_email` from any text.
pub(crate) fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    let s = s.trim_end_matches('_');
    let mut s = s.chars().take(60).collect::<String>();
    while s.ends_with('_') {
        s.pop();
    }
    if s.is_empty() { "migration".into() } else { s }
}

impl Plan {
    /// The plan as migrations numbered from `first_version`.
    pub fn migrations(&self, first_version: u64, description: &str) -> Vec<Migration> {
        let mut groups: Vec<Vec<&Step>> = Vec::new();
        for step in &self.steps {
            let joins = groups.last().is_some_and(|g| {
                let last = g[g.len() - 1];
                step.transactional && last.transactional && last.phase == step.phase
            });
            if joins {
                groups.last_mut().expect("checked").push(step);
            } else {
                groups.push(vec![step]);
            }
        }
        groups
            .into_iter()
            .enumerate()
            .map(|(i, steps)| {
                let transactional = steps[0].transactional;
                let phase = steps[0].phase;
                let what = if steps.len() == 1 { steps[0].description.clone() } else { format!("{} ({} steps)", description, steps.len()) };
                let mut up = String::new();
                if !transactional {
                    up.push_str("-- no-transaction\n");
                }
                let _ = writeln!(up, "-- {description}: {} phase", if phase == Phase::Expand { "expand (before deploying the new code)" } else { "contract (after deploying it)" });
                for s in &steps {
                    up.push_str(&s.script());
                }
                let down = steps.iter().rev().map(|s| s.down_script()).collect::<Option<Vec<_>>>().map(|parts| {
                    let mut d = String::new();
                    if steps.iter().any(|s| !s.down_transactional) {
                        d.push_str("-- no-transaction\n");
                    }
                    d.push_str(&parts.join(""));
                    d
                });
                Migration { version: first_version + i as u64, description: what, up, down, transactional, phase }
            })
            .collect()
    }

    /// The plan as the files of `format`, numbered from `first_version`.
    ///
    /// ```
    /// use pgarchitect_core::{migrate, Schema, SqlType, model::*};
    /// let v1 = Schema::builder().add_table(Table::new("t").column(Column::new("id", SqlType::BigInt)).primary_key(["id"])).build().unwrap();
    /// let v2 = Schema::builder()
    ///     .add_table(Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("n", SqlType::Text).nullable()).primary_key(["id"]).index(Index::on(["n"])))
    ///     .build().unwrap();
    /// let plan = migrate::plan(&migrate::diff(&v1, &v2), &Default::default()).unwrap();
    /// let files = plan.files(migrate::MigrationFormat::Sqlx, 20260101000000, "add n");
    /// let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    /// assert_eq!(names, [
    ///     "20260101000000_add_column_public_t_n.up.sql", "20260101000000_add_column_public_t_n.down.sql",
    ///     "20260101000001_create_index_public_idx_t_n.up.sql", "20260101000001_create_index_public_idx_t_n.down.sql",
    /// ]);
    /// assert!(files[2].contents.starts_with("-- no-transaction\n"));
    /// ```
    pub fn files(&self, format: MigrationFormat, first_version: u64, description: &str) -> Vec<MigrationFile> {
        migration_files(&self.migrations(first_version, description), format)
    }
}

/// The files of `format` for `migrations`.
pub fn migration_files(migrations: &[Migration], format: MigrationFormat) -> Vec<MigrationFile> {
    let mut files = Vec::new();
    for m in migrations {
        let name = slug(&m.description);
        match format {
            MigrationFormat::Flyway | MigrationFormat::Refinery => {
                // Flyway and refinery run the file as is; `-- no-transaction` is sqlx's marker.
                let up = m.up.strip_prefix("-- no-transaction\n").unwrap_or(&m.up).to_owned();
                files.push(MigrationFile { name: format!("V{}__{name}.sql", m.version), contents: up });
                if format == MigrationFormat::Flyway {
                    if !m.transactional {
                        files.push(MigrationFile { name: format!("V{}__{name}.sql.conf", m.version), contents: "executeInTransaction=false\n".into() });
                    }
                    if let Some(down) = &m.down {
                        let down = down.strip_prefix("-- no-transaction\n").unwrap_or(down).to_owned();
                        files.push(MigrationFile { name: format!("U{}__{name}.sql", m.version), contents: down });
                    }
                }
            }
            MigrationFormat::Sqlx => {
                let up = if m.transactional { m.up.clone() } else { sqlx_single_statement(&m.up) };
                files.push(MigrationFile { name: format!("{}_{name}.up.sql", m.version), contents: up });
                let down = match &m.down {
                    Some(d) if d.starts_with("-- no-transaction\n") => sqlx_single_statement(d),
                    Some(d) => d.clone(),
                    None => format!(
                        "-- This migration cannot be undone (see the up migration's steps).\nDO $$ BEGIN RAISE EXCEPTION 'migration {} ({}) is irreversible'; END $$;\n",
                        m.version,
                        m.description.replace('\'', "''")
                    ),
                };
                files.push(MigrationFile { name: format!("{}_{name}.down.sql", m.version), contents: down });
            }
        }
    }
    files
}

/// sqlx sends a no-transaction file as one multi-statement query, which
/// PostgreSQL runs as an implicit transaction: `CONCURRENTLY` would fail next to
/// the `SET`s, so the timeouts become comments (set them on the connection).
fn sqlx_single_statement(script: &str) -> String {
    let mut out = String::from("-- no-transaction\n");
    for statement in split_statements(script) {
        let code: Vec<&str> = statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
        let code = code.join("\n");
        let comments: Vec<&str> = statement.lines().filter(|l| l.trim_start().starts_with("--")).collect();
        for c in comments {
            if c.trim() != "-- no-transaction" {
                let _ = writeln!(out, "{c}");
            }
        }
        let lower = code.trim().to_ascii_lowercase();
        if lower.starts_with("set ") || lower.starts_with("reset ") {
            let _ = writeln!(out, "-- {} (set it on the connection: a no-transaction file must hold one statement)", code.trim());
        } else if !code.trim().is_empty() {
            let _ = writeln!(out, "{};", code.trim());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flyway_files_mark_non_transactional_migrations_and_undo() {
        use crate::model::{Column, EnumType, Index, Table};
        use crate::{Schema, SqlType};
        let t = || Table::new("t").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let v1 = Schema::builder().add_table(t()).enum_type(EnumType::new("e", ["a"])).build().unwrap();
        let v2 = Schema::builder()
            .add_table(t().column(Column::new("n", SqlType::Text).nullable()).index(Index::on(["n"])))
            .enum_type(EnumType::new("e", ["a", "b"]))
            .build()
            .unwrap();
        let plan = crate::migrate::plan(&crate::migrate::diff(&v1, &v2), &Default::default()).unwrap();
        let files = plan.files(MigrationFormat::Flyway, 7, "v2");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "V7__add_label_b_to_enum_public_e.sql",
                "V7__add_label_b_to_enum_public_e.sql.conf",
                "V8__add_column_public_t_n.sql",
                "U8__add_column_public_t_n.sql",
                "V9__create_index_public_idx_t_n.sql",
                "V9__create_index_public_idx_t_n.sql.conf",
                "U9__create_index_public_idx_t_n.sql",
            ]
        );
        assert_eq!(files[1].contents, "executeInTransaction=false\n");
        assert!(files[4].contents.contains("SET lock_timeout = '5000ms';\nSET statement_timeout = 0;\nCREATE INDEX CONCURRENTLY idx_t_n ON public.t (n);"));
        assert!(files[2].contents.contains("SET LOCAL lock_timeout"));
        let sqlx = plan.files(MigrationFormat::Sqlx, 7, "v2");
        assert!(sqlx[1].contents.contains("RAISE EXCEPTION 'migration 7 (add label \"b\" to enum public.e) is irreversible'"), "{}", sqlx[1].contents);
        let refinery = plan.files(MigrationFormat::Refinery, 7, "v2");
        assert_eq!(refinery.len(), 3);
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Create index public.idx_t_n"), "create_index_public_idx_t_n");
        assert_eq!(slug("—"), "migration");
    }

    #[test]
    fn sqlx_no_transaction_files_hold_one_statement() {
        let f = sqlx_single_statement("-- no-transaction\n-- create index\nSET lock_timeout = '5000ms';\nSET statement_timeout = 0;\nCREATE INDEX CONCURRENTLY i ON t (a);\nRESET lock_timeout;\n");
        assert_eq!(split_statements(&f), vec!["-- no-transaction\n-- create index\n-- SET lock_timeout = '5000ms' (set it on the connection: a no-transaction file must hold one statement)\n-- SET statement_timeout = 0 (set it on the connection: a no-transaction file must hold one statement)\nCREATE INDEX CONCURRENTLY i ON t (a)".to_owned()]);
    }
}
