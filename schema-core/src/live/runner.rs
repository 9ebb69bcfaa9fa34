//! The migration runner: applies pending [`Migration`]s under a PostgreSQL
//! advisory lock and records each in `public.schema_migrations` (version,
//! description, checksum, applied_by, applied_at: the built-in version table).
//!
//! - Several instances starting at once apply each migration exactly once: they
//!   take turns on the lock (polled with `pg_try_advisory_lock`, so a waiting
//!   runner holds no snapshot that a concurrent index build would wait for),
//!   and whoever gets it next sees what was applied.
//! - An applied migration whose script changed is refused (checksum), before
//!   anything runs.
//! - A transactional migration is applied and recorded in one transaction, so a
//!   crash leaves it either done or not started. A non-transactional one runs
//!   statement by statement and is recorded at the end; its statements are
//!   idempotent (`IF NOT EXISTS`, `IF EXISTS`, backfills of NULLs only,
//!   validation), and a `CREATE INDEX CONCURRENTLY` that failed or was
//!   interrupted, leaving an INVALID index, is detected (`pg_index.indisvalid`),
//!   dropped and built again; a valid one is kept. So after a crash, run again.

use postgres::Client;

use super::LiveError;
use crate::migrate::Migration;

/// The table the runner records applied migrations in (in `public`).
pub const DEFAULT_TABLE: &str = "schema_migrations";

/// The advisory lock key every runner takes (`'pgarchitect'` in ASCII).
pub const LOCK_KEY: i64 = 0x7067_6172_6368_6974;

/// Applies migrations (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Runner {
    applied_by: Option<String>,
}

/// A migration recorded as applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedMigration {
    /// Version.
    pub version: String,
    /// Description.
    pub description: Option<String>,
    /// Checksum of the script.
    pub checksum: Option<String>,
    /// Who applied it.
    pub applied_by: String,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Versions applied by this run.
    pub applied: Vec<u64>,
    /// Versions already applied before.
    pub skipped: Vec<u64>,
    /// INVALID indexes (left by an interrupted `CREATE INDEX CONCURRENTLY`) dropped and rebuilt.
    pub rebuilt_indexes: Vec<String>,
}

impl Runner {
    /// A runner recording the database user as `applied_by`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `who` (a host, a deploy id) as `applied_by` instead of the database user.
    pub fn applied_by(mut self, who: impl Into<String>) -> Self {
        self.applied_by = Some(who.into());
        self
    }

    /// The migrations recorded as applied, by version.
    pub fn applied(&self, client: &mut Client) -> Result<Vec<AppliedMigration>, LiveError> {
        ensure_table(client)?;
        let rows = client.query(
            "SELECT version::text, description, checksum, applied_by FROM public.schema_migrations ORDER BY applied_at, version",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| AppliedMigration { version: r.get(0), description: r.get(1), checksum: r.get(2), applied_by: r.get(3) })
            .collect())
    }

    /// Applies the pending migrations in version order, under the advisory lock.
    pub fn run(&self, client: &mut Client, migrations: &[Migration]) -> Result<RunReport, LiveError> {
        // Polled, not waited for: a session blocked in pg_advisory_lock() holds a
        // snapshot, and CREATE INDEX CONCURRENTLY in the session holding the lock
        // waits for every such snapshot: a deadlock.
        let mut wait = std::time::Duration::from_millis(20);
        while !client.query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])?.get::<_, bool>(0) {
            std::thread::sleep(wait);
            wait = (wait * 2).min(std::time::Duration::from_millis(500));
        }
        let result = self.run_locked(client, migrations);
        // The lock is released with the session too, should this fail.
        let unlocked = client.query_one("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]);
        let report = result?;
        unlocked?;
        Ok(report)
    }

    fn run_locked(&self, client: &mut Client, migrations: &[Migration]) -> Result<RunReport, LiveError> {
        ensure_table(client)?;
        let applied = self.applied(client)?;
        let mut sorted: Vec<&Migration> = migrations.iter().collect();
        sorted.sort_by_key(|m| m.version);
        let mut report = RunReport::default();
        // Refuse edited migrations before running anything.
        for m in &sorted {
            if let Some(a) = applied.iter().find(|a| a.version == m.version.to_string()) {
                if a.checksum.as_deref() != Some(m.checksum().as_str()) {
                    return Err(LiveError::Migration(format!(
                        "migration {} ({}) was edited after it was applied: its checksum is {}, {} was recorded; \
                         revert the edit and write a new migration",
                        m.version,
                        m.description,
                        m.checksum(),
                        a.checksum.as_deref().unwrap_or("none")
                    )));
                }
            }
        }
        for m in sorted {
            if applied.iter().any(|a| a.version == m.version.to_string()) {
                report.skipped.push(m.version);
                continue;
            }
            if m.transactional {
                let mut tx = client.transaction()?;
                tx.batch_execute(&m.up)?;
                self.record(&mut tx, m)?;
                tx.commit()?;
            } else {
                for statement in m.statements() {
                    if let Some((index, table)) = concurrent_index(&statement) {
                        let row = client.query_opt(
                            "SELECT i.indisvalid, quote_ident(n.nspname) || '.' || quote_ident(ic.relname)
                             FROM pg_catalog.pg_index i
                             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                             JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
                             WHERE ic.relname = $1 AND i.indrelid = pg_catalog.to_regclass($2)",
                            &[&index, &table],
                        )?;
                        match row {
                            Some(r) if r.get::<_, bool>(0) => continue,
                            Some(r) => {
                                let name: String = r.get(1);
                                client.batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))?;
                                report.rebuilt_indexes.push(name);
                            }
                            None => {}
                        }
                    }
                    client.batch_execute(&statement)?;
                }
                self.record(client, m)?;
            }
            report.applied.push(m.version);
        }
        Ok(report)
    }

    fn record(&self, client: &mut impl postgres::GenericClient, m: &Migration) -> Result<(), LiveError> {
        client.execute(
            "INSERT INTO public.schema_migrations (version, description, checksum, applied_by) VALUES ($1, $2, $3, coalesce($4, current_user))",
            &[&m.version.to_string(), &m.description, &m.checksum(), &self.applied_by],
        )?;
        Ok(())
    }
}

/// Creates the version table if it is missing (the built-in table's DDL).
fn ensure_table(client: &mut Client) -> Result<(), LiveError> {
    let exists: bool = client.query_one("SELECT pg_catalog.to_regclass('public.schema_migrations') IS NOT NULL", &[])?.get(0);
    if exists {
        return Ok(());
    }
    let table = crate::builtin::version_table(crate::model::DEFAULT_NAMESPACE);
    let statements = crate::migrate::sql::create_table(&table, |_| true);
    let script = statements.iter().map(|s| format!("{s};\n")).collect::<String>().replacen("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1);
    let mut tx = client.transaction()?;
    tx.batch_execute(&script)?;
    tx.commit()?;
    Ok(())
}

/// `(index name, table)` of a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table ...`.
pub(crate) fn concurrent_index(statement: &str) -> Option<(String, String)> {
    let code: String = statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join(" ");
    let tokens = tokens(&code);
    let word = |i: usize| tokens.get(i).map(|t| t.to_ascii_uppercase());
    let mut i = 0;
    if word(i)? != "CREATE" {
        return None;
    }
    i += 1;
    if word(i)? == "UNIQUE" {
        i += 1;
    }
    if word(i)? != "INDEX" || word(i + 1)? != "CONCURRENTLY" {
        return None;
    }
    i += 2;
    if word(i)? == "IF" {
        i += 3;
    }
    let name = unquote(tokens.get(i)?);
    if word(i + 1)? != "ON" {
        return None;
    }
    i += 2;
    if word(i)? == "ONLY" {
        i += 1;
    }
    Some((name, tokens.get(i)?.clone()))
}

/// Words and quoted identifiers; a qualified name (`a."b c"`) stays one token.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                current.push(c);
                while let Some(d) = chars.next() {
                    current.push(d);
                    if d == '"' {
                        if chars.peek() == Some(&'"') {
                            current.push(chars.next().expect("peeked"));
                        } else {
                            break;
                        }
                    }
                }
            }
            c if c.is_whitespace() || c == '(' => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                if c == '(' {
                    out.push("(".into());
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn unquote(token: &str) -> String {
    match token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => token.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_concurrent_index_builds() {
        assert_eq!(
            concurrent_index("-- build\nCREATE UNIQUE INDEX CONCURRENTLY \"Odd \"\"Name\" ON ONLY app.\"T t\" USING btree (a)"),
            Some(("Odd \"Name".to_owned(), "app.\"T t\"".to_owned()))
        );
        assert_eq!(concurrent_index("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON public.t(a)"), Some(("ix".into(), "public.t".into())));
        assert_eq!(concurrent_index("CREATE INDEX ix ON t (a)"), None);
        assert_eq!(concurrent_index("DROP INDEX CONCURRENTLY ix"), None);
    }
}
