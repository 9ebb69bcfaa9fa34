//! Live PostgreSQL harness for integration tests.
//!
//! The server is found once per test binary:
//!
//! 1. `DATABASE_URL`, if set: a libpq URL (`postgres://user@host:port/db`) or
//!    `key=value` string of a superuser (or a role with CREATEDB) on a running
//!    server. Tests create their databases on it. TLS is not supported.
//! 2. Otherwise a throwaway cluster: `initdb` + `pg_ctl start` in a fresh temp
//!    dir, as the `postgres` account when running as root, listening only on
//!    127.0.0.1 at a free port, `trust` auth, `fsync=off`. A detached watchdog
//!    stops it and deletes the dir as soon as the test process exits (statics
//!    are never dropped, so nothing in-process could do it).
//! 3. Otherwise: with `CI=true` every live test panics (a failure, never a
//!    skip); without it, [`test_db`] returns `None` and a loud line goes to the
//!    real stderr (not libtest's captured output).
//!
//! Every test gets its own database, so tests run in parallel:
//!
//! ```ignore
//! mod support;
//!
//! #[test]
//! fn creates_a_table() {
//!     let Some(db) = support::pg::test_db() else { return };
//!     db.batch("CREATE TABLE t (id int PRIMARY KEY)");
//!     db.apply_psql("INSERT INTO t VALUES (1);").unwrap();
//! }
//! ```

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use postgres::error::{DbError, ErrorPosition};
use postgres::{Client, NoTls};

/// `let db = test_db_or_skip!();` — a fresh [`TestDb`], or `return` from the
/// (unit-returning) test when no server is available outside CI.
#[macro_export]
macro_rules! test_db_or_skip {
    () => {
        match $crate::support::pg::test_db() {
            Some(db) => db,
            None => return,
        }
    };
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// A fresh, uniquely named database on the test server, dropped (`WITH (FORCE)`)
/// when this value is dropped.
pub struct TestDb {
    name: String,
    url: String,
    server: &'static Server,
}

/// Creates a fresh database for the calling test, or `None` (after a loud
/// notice on stderr) when no server is available and `CI` is not `true`.
/// Panics in CI when no server is available, and whenever `CREATE DATABASE` fails.
pub fn test_db() -> Option<TestDb> {
    let server = server()?;
    let label = thread_label();
    let mut last_err = String::new();
    for attempt in 0..5 {
        let name = db_name(&label, attempt);
        match create_database(server, &name) {
            Ok(()) => {
                let url = url_with_dbname(&server.url, &name);
                return Some(TestDb { name, url, server });
            }
            // 42P04 duplicate_database: a leftover from a crashed run with the same pid.
            Err(e) if e.code().map(|c| c.code()) == Some("42P04") => {
                last_err = describe_error(&e);
            }
            Err(e) => panic!("pg harness: CREATE DATABASE {name} failed on {}:\n{}", server.origin, describe_error(&e)),
        }
    }
    panic!("pg harness: could not find a free database name: {last_err}")
}

/// Alias of [`test_db`].
pub fn create_db() -> Option<TestDb> {
    test_db()
}

/// URL (or `key=value` string) of the server's maintenance database, as a
/// superuser, for tests that manage databases themselves. Same `None`/panic
/// rules as [`test_db`]. Use [`url_with_dbname`] to point it at another database.
pub fn server_url() -> Option<String> {
    server().map(|s| s.url.clone())
}

/// The 5-character SQLSTATE of a database error (e.g. `"23505"`), if it is one.
pub fn sqlstate_of(err: &postgres::Error) -> Option<String> {
    err.code().map(|c| c.code().to_owned())
}

/// Full text of an error: severity, SQLSTATE, message, detail, hint, where,
/// constraint..., or the whole source chain for non-database errors.
pub fn describe_error(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => describe_db_error(db, None),
        None => {
            let mut s = err.to_string();
            let mut src = std::error::Error::source(err);
            while let Some(e) = src {
                let _ = write!(s, ": {e}");
                src = e.source();
            }
            s
        }
    }
}

/// Like [`describe_error`], plus the line of `sql` the error position points
/// at, and the SQL itself (truncated when long).
pub fn describe_error_in(err: &postgres::Error, sql: &str) -> String {
    let mut s = match err.as_db_error() {
        Some(db) => describe_db_error(db, Some(sql)),
        None => describe_error(err),
    };
    const MAX: usize = 8000;
    let shown = if sql.len() > MAX {
        let mut end = MAX;
        while !sql.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}\n... ({} more bytes)", &sql[..end], sql.len() - end)
    } else {
        sql.to_owned()
    };
    let _ = write!(s, "\n--- SQL ---\n{shown}\n--- end SQL ---");
    s
}

/// Replaces the database of a libpq URL (`postgres://.../db?opts`) or
/// `key=value` connection string.
pub fn url_with_dbname(url: &str, dbname: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        // key=value string: a later keyword wins, in libpq and in rust-postgres.
        return format!("{url} dbname={dbname}");
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let after_auth = &rest[auth_end..];
    let query = after_auth.find('?').map(|i| &after_auth[i..]).unwrap_or("");
    format!("{}{}/{dbname}{query}", &url[..rest_start], &rest[..auth_end])
}

/// Runs `sql` through `psql -X -q -1 -v ON_ERROR_STOP=1 -d <url> -f -`
/// (one transaction: nothing of a failing script persists). `Err` holds psql's stderr.
pub fn psql_apply(url: &str, sql: &str) -> Result<(), String> {
    let psql = match SERVER.get() {
        Some(Ok(s)) => s.psql.clone(),
        _ => find_psql(),
    };
    let mut cmd = Command::new(&psql);
    cmd.args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if std::env::var_os("PGCONNECT_TIMEOUT").is_none() {
        cmd.env("PGCONNECT_TIMEOUT", "10");
    }
    let mut child = cmd.spawn().map_err(|e| format!("could not run {}: {e}", psql.display()))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = sql.to_owned();
    // Write from another thread: psql may fill its output pipes before reading all input.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().map_err(|e| format!("waiting for psql failed: {e}"))?;
    let _ = writer.join();
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    if stderr.is_empty() {
        Err(format!("psql {}; stdout: {}", out.status, String::from_utf8_lossy(&out.stdout).trim()))
    } else {
        Err(stderr)
    }
}

impl TestDb {
    /// Connection URL of this database (same form as the server's: URL or key=value).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to this database; panics if connecting fails.
    pub fn client(&self) -> Client {
        self.try_client()
            .unwrap_or_else(|e| panic!("pg harness: connecting to database {} failed: {}", self.name, describe_error(&e)))
    }

    pub fn try_client(&self) -> Result<Client, postgres::Error> {
        connect(&self.url)
    }

    /// Applies `sql` with psql in one transaction; `Err(stderr)` on failure.
    pub fn apply_psql(&self, sql: &str) -> Result<(), String> {
        psql_apply(&self.url, sql)
    }

    /// `client().batch_execute(sql)`, panicking with the full error text
    /// (SQLSTATE, detail, hint, offending line, the SQL) on failure.
    pub fn batch(&self, sql: &str) {
        if let Err(e) = self.try_batch(sql) {
            panic!("pg harness: batch_execute on {} failed:\n{}", self.name, describe_error_in(&e, sql));
        }
    }

    /// `client().batch_execute(sql)`, returning the error (see [`sqlstate_of`]).
    pub fn try_batch(&self, sql: &str) -> Result<(), postgres::Error> {
        self.client().batch_execute(sql)
    }
}

/// Applies the schema's DDL to `db` with `psql -1 -v ON_ERROR_STOP=1`, panicking
/// with the error and the whole script if it fails; returns the DDL.
pub fn apply(db: &TestDb, schema: &pgarchitect::Schema) -> String {
    let ddl = schema.to_ddl();
    if let Err(e) = db.apply_psql(&ddl) {
        panic!("DDL did not apply:\n{e}\n--- DDL ---\n{ddl}");
    }
    ddl
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let _ = admin_execute(self.server, &sql);
    }
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb").field("name", &self.name).field("server", &self.server.origin).finish()
    }
}

// ---------------------------------------------------------------------------
// Server discovery
// ---------------------------------------------------------------------------

struct Server {
    /// Maintenance database of the server, as a superuser.
    url: String,
    psql: PathBuf,
    /// Where the server came from, for messages.
    origin: String,
    /// Connection used for CREATE/DROP DATABASE, shared by the binary's tests.
    admin: Mutex<Option<Client>>,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static DB_COUNTER: AtomicUsize = AtomicUsize::new(0);

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn server() -> Option<&'static Server> {
    match SERVER.get_or_init(discover) {
        Ok(s) => Some(s),
        Err(why) => {
            if is_ci() {
                panic!(
                    "pg harness: no PostgreSQL server for live tests, and CI=true makes this a \
                     failure, not a skip.\n{why}"
                );
            }
            skip_notice(why);
            None
        }
    }
}

/// Written to the real stderr: libtest captures `eprintln!` of passing tests.
fn skip_notice(why: &str) {
    static ONCE: Once = Once::new();
    let mut err = std::io::stderr().lock();
    ONCE.call_once(|| {
        let _ = writeln!(
            err,
            "\n!!!!! pg harness: live PostgreSQL tests are SKIPPED (set DATABASE_URL, or install \
             PostgreSQL server binaries; with CI=true this is a failure).\n{why}\n"
        );
    });
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    let _ = writeln!(err, "!!!!! SKIPPED live PostgreSQL test `{test}`: no server");
}

fn harness_note(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "pg harness: {msg}");
}

fn discover() -> Result<Server, String> {
    let psql = find_psql();
    if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty()) {
        let shown = redact(&url);
        let client =
            connect(&url).map_err(|e| format!("DATABASE_URL is set ({shown}) but connecting failed: {}", describe_error(&e)))?;
        return Ok(Server { url, psql, origin: format!("DATABASE_URL ({shown})"), admin: Mutex::new(Some(client)) });
    }
    let mut tried = vec!["DATABASE_URL: not set".to_owned()];
    let started = Instant::now();
    match start_cluster(&mut tried) {
        Some((url, client, bindir)) => {
            let version = client_version(&url).unwrap_or_default();
            harness_note(&format!(
                "throwaway PostgreSQL {version} cluster ({}) up at {url} in {:.2?}",
                bindir.display(),
                started.elapsed()
            ));
            let psql = if bindir.join("psql").is_file() { bindir.join("psql") } else { psql };
            Ok(Server { origin: format!("throwaway cluster at {url}"), url, psql, admin: Mutex::new(Some(client)) })
        }
        None => Err(format!("tried:\n  - {}\n(Debian: apt-get install postgresql; or set DATABASE_URL)", tried.join("\n  - "))),
    }
}

fn client_version(url: &str) -> Option<String> {
    let mut c = connect(url).ok()?;
    let row = c.query_one("SHOW server_version", &[]).ok()?;
    row.try_get(0).ok()
}

fn connect(url: &str) -> Result<Client, postgres::Error> {
    let mut cfg: postgres::Config = url.parse()?;
    if cfg.get_connect_timeout().is_none() {
        cfg.connect_timeout(Duration::from_secs(10));
    }
    if cfg.get_application_name().is_none() {
        cfg.application_name("pgarchitect-tests");
    }
    cfg.connect(NoTls)
}

fn admin_execute(server: &Server, sql: &str) -> Result<(), postgres::Error> {
    let mut guard = server.admin.lock().unwrap_or_else(|p| p.into_inner());
    if guard.as_ref().map_or(true, |c| c.is_closed()) {
        *guard = None;
        *guard = Some(connect(&server.url)?);
    }
    guard.as_mut().expect("admin client").batch_execute(sql)
}

fn create_database(server: &Server, name: &str) -> Result<(), postgres::Error> {
    // template0: nobody is ever connected to it (template1 may be busy), and it is pristine.
    let utf8 = format!("CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
    match admin_execute(server, &utf8) {
        // 22023: UTF8 incompatible with the server's locale; take its default encoding.
        Err(e) if e.code().map(|c| c.code()) == Some("22023") => {
            admin_execute(server, &format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
        }
        other => other,
    }
}

/// `user:secret@` -> `user:***@`, `password=secret` -> `password=***`.
fn redact(url: &str) -> String {
    if let Some(s) = url.find("://") {
        let rest = &url[s + 3..];
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..auth_end].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                return format!("{}{}:***{}", &url[..s + 3], &rest[..colon], &rest[at..]);
            }
        }
        return url.to_owned();
    }
    url.split(' ').map(|kv| if kv.starts_with("password=") { "password=***" } else { kv }).collect::<Vec<_>>().join(" ")
}

fn thread_label() -> String {
    let raw = std::thread::current().name().unwrap_or("thread").to_ascii_lowercase();
    let mut label = String::new();
    for ch in raw.chars() {
        let ch = if ch.is_ascii_alphanumeric() { ch } else { '_' };
        if !(ch == '_' && label.ends_with('_')) {
            label.push(ch);
        }
    }
    let label = label.trim_matches('_');
    if label.is_empty() {
        "t".to_owned()
    } else {
        label.to_owned()
    }
}

/// `pga_<test name>_<pid>_<n>[_<nonce>]`, at most 63 bytes (keeps the end of the test name).
fn db_name(label: &str, attempt: u32) -> String {
    let n = DB_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut suffix = format!("_{}_{n}", std::process::id());
    if attempt > 0 {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let _ = write!(suffix, "_{:x}", nanos & 0xff_ffff);
    }
    let room = 63 - "pga_".len() - suffix.len();
    let label = if label.len() > room { &label[label.len() - room..] } else { label };
    format!("pga_{}{suffix}", label.trim_start_matches('_'))
}

fn describe_db_error(db: &DbError, sql: Option<&str>) -> String {
    let mut s = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
    let fields = [
        ("DETAIL", db.detail()),
        ("HINT", db.hint()),
        ("WHERE", db.where_()),
        ("SCHEMA", db.schema()),
        ("TABLE", db.table()),
        ("COLUMN", db.column()),
        ("DATATYPE", db.datatype()),
        ("CONSTRAINT", db.constraint()),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            let _ = write!(s, "\n{label}: {v}");
        }
    }
    match (db.position(), sql) {
        (Some(ErrorPosition::Original(pos)), Some(sql)) => {
            s.push_str(&point_at(sql, *pos as usize));
        }
        (Some(ErrorPosition::Internal { position, query }), _) => {
            let _ = write!(s, "\nINTERNAL QUERY: {query}");
            s.push_str(&point_at(query, *position as usize));
        }
        (Some(ErrorPosition::Original(pos)), None) => {
            let _ = write!(s, "\nPOSITION: {pos}");
        }
        _ => {}
    }
    s
}

/// "at line L, column C:" plus the line and a caret; `pos` is a 1-based character index.
fn point_at(sql: &str, pos: usize) -> String {
    let (mut line_no, mut col, mut line_start) = (1, 1, 0);
    for (i, (byte, ch)) in sql.char_indices().enumerate() {
        if i + 1 == pos {
            break;
        }
        if ch == '\n' {
            line_no += 1;
            col = 1;
            line_start = byte + 1;
        } else {
            col += 1;
        }
    }
    let line = sql[line_start..].lines().next().unwrap_or("");
    format!("\nat line {line_no}, column {col}:\n    {line}\n    {}^", " ".repeat(col - 1))
}

// ---------------------------------------------------------------------------
// Throwaway cluster
// ---------------------------------------------------------------------------

/// Directories that may hold PostgreSQL binaries, best first, with how each was found.
fn candidate_bindirs() -> Vec<(PathBuf, String)> {
    let mut dirs = Vec::new();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").stdin(Stdio::null()).output() {
        if out.status.success() {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            dirs.push((PathBuf::from(dir), "pg_config --bindir".to_owned()));
        }
    }
    let mut versioned: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version = name.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u32>>>()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versioned.sort();
    for (_, dir) in versioned.into_iter().rev() {
        dirs.push((dir, "/usr/lib/postgresql/*/bin".to_owned()));
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if dir.join("initdb").is_file() || dir.join("psql").is_file() {
            dirs.push((dir.clone(), "PATH".to_owned()));
        }
        // A symlinked initdb (e.g. /usr/local/bin/initdb): its siblings are in the real dir.
        if let Ok(real) = std::fs::canonicalize(dir.join("initdb")) {
            if let Some(parent) = real.parent() {
                dirs.push((parent.to_owned(), "initdb on PATH, resolved".to_owned()));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|(dir, _)| seen.insert(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())));
    dirs
}

fn find_psql() -> PathBuf {
    candidate_bindirs()
        .into_iter()
        .map(|(dir, _)| dir.join("psql"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("psql"))
}

fn find_server_bindir(tried: &mut Vec<String>) -> Option<PathBuf> {
    let candidates = candidate_bindirs();
    if candidates.is_empty() {
        tried.push("binaries: no pg_config, no /usr/lib/postgresql/*/bin, no initdb on PATH".into());
    }
    for (dir, how) in candidates {
        if ["initdb", "pg_ctl", "postgres"].iter().all(|t| dir.join(t).is_file()) {
            return Some(dir);
        }
        tried.push(format!("binaries: {} ({how}) lacks initdb/pg_ctl/postgres", dir.display()));
    }
    None
}

fn euid_is_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            // Uid: real effective saved fs
            return line.split_whitespace().nth(2) == Some("0");
        }
    }
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// How to run a program as the cluster's owner: a prefix such as
/// `runuser -u postgres --` when root, nothing otherwise.
fn owner_prefix(tried: &mut Vec<String>) -> Option<Vec<OsString>> {
    if !euid_is_root() {
        return Some(Vec::new());
    }
    let has_postgres = Command::new("id")
        .args(["-u", "postgres"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_postgres {
        tried.push("running as root, but there is no `postgres` account to run initdb".into());
        return None;
    }
    let find = |name: &str| -> Option<PathBuf> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    };
    if let Some(runuser) = find("runuser") {
        return Some(vec![runuser.into(), "-u".into(), "postgres".into(), "--".into()]);
    }
    if let Some(setpriv) = find("setpriv") {
        let args = ["--reuid=postgres", "--regid=postgres", "--init-groups"];
        return Some(std::iter::once(setpriv.into()).chain(args.map(OsString::from)).collect());
    }
    tried.push("running as root, but neither runuser nor setpriv was found".into());
    None
}

fn owner_cmd(prefix: &[OsString], program: &Path, cwd: &Path) -> Command {
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.current_dir(cwd).stdin(Stdio::null());
    cmd
}

fn output_text(out: &Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.trim().is_empty() {
        text = format!("{text}\n{}", stdout.trim());
    }
    format!("{} ({})", text.trim(), out.status)
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n      ")
}

/// A fresh temp dir the cluster owner can write to (it must also be able to reach it).
fn make_cluster_dir(prefix: &[OsString], tried: &mut Vec<String>) -> Option<PathBuf> {
    let mut bases = vec![std::env::temp_dir()];
    if bases[0] != Path::new("/tmp") {
        bases.push(PathBuf::from("/tmp"));
    }
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    for base in bases {
        let dir = base.join(format!("pga-pg-{}-{nanos:08x}", std::process::id()));
        let text = dir.to_string_lossy();
        // The socket path dir/.s.PGSQL.NNNNN must fit in sun_path (107 bytes); pg_ctl -o quoting.
        if text.len() > 80 || text.contains(['\'', '"', ' ', '\\']) {
            tried.push(format!("temp dir {text}: path too long or has quotes/spaces"));
            continue;
        }
        if let Err(e) = std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            tried.push(format!("temp dir {text}: {e}"));
            continue;
        }
        if !prefix.is_empty() {
            let chown = Command::new("chown").arg("postgres").arg(&dir).output();
            let ok = chown.as_ref().is_ok_and(|o| o.status.success())
                && owner_cmd(prefix, Path::new("test"), Path::new("/")).arg("-w").arg(&dir).status().is_ok_and(|s| s.success());
            if !ok {
                tried.push(format!("temp dir {text}: not usable by the postgres account"));
                let _ = std::fs::remove_dir_all(&dir);
                continue;
            }
        }
        return Some(dir);
    }
    None
}

/// Detached shell that waits for this process to exit, then stops the cluster
/// and removes its dir (a zombie counts as exited). Own process group: a Ctrl-C
/// on the tests does not kill it.
fn spawn_watchdog(dir: &Path, prefix: &[OsString], pg_ctl: &Path) -> std::io::Result<()> {
    const SCRIPT: &str = r#"trap '' HUP INT
parent=$1 dir=$2; shift 2
alive() { kill -0 "$parent" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$parent/status" 2>/dev/null; }
while alive; do sleep 0.2 2>/dev/null || sleep 1; done
if [ -f "$dir/data/postmaster.pid" ]; then
  "$@" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
    kill -QUIT "$(head -n 1 "$dir/data/postmaster.pid")" 2>/dev/null
fi
rm -rf "$dir""#;
    Command::new("/bin/sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("pga-pg-watchdog")
        .arg(std::process::id().to_string())
        .arg(dir)
        .args(prefix)
        .arg(pg_ctl)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map(drop) // not waited for: it outlives this process by design
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// initdb + pg_ctl start; returns (url, admin client, bindir).
fn start_cluster(tried: &mut Vec<String>) -> Option<(String, Client, PathBuf)> {
    let bindir = find_server_bindir(tried)?;
    let prefix = owner_prefix(tried)?;
    let dir = make_cluster_dir(&prefix, tried)?;
    let pg_ctl = bindir.join("pg_ctl");
    if let Err(e) = spawn_watchdog(&dir, &prefix, &pg_ctl) {
        tried.push(format!("could not spawn the cleanup watchdog (/bin/sh): {e}"));
        let _ = std::fs::remove_dir_all(&dir);
        return None;
    }
    let data = dir.join("data");
    let mut initialized = false;
    for locale in ["C.UTF-8", "C"] {
        let out = owner_cmd(&prefix, &bindir.join("initdb"), &dir)
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .arg(format!("--locale={locale}"))
            .output();
        match out {
            Ok(o) if o.status.success() => {
                initialized = true;
                break;
            }
            Ok(o) => tried.push(format!("initdb --locale={locale}: {}", output_text(&o))),
            Err(e) => tried.push(format!("initdb: could not run: {e}")),
        }
        let _ = std::fs::remove_dir_all(&data);
    }
    if !initialized {
        return None;
    }
    let log = dir.join("postgres.log");
    for _ in 0..5 {
        let port = match free_port() {
            Ok(p) => p,
            Err(e) => {
                tried.push(format!("no free port on 127.0.0.1: {e}"));
                return None;
            }
        };
        let opts = format!("-p {port} -k '{}' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", dir.display());
        let out = owner_cmd(&prefix, &pg_ctl, &dir)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args([OsStr::new("-o"), opts.as_ref(), "-w".as_ref(), "-t".as_ref(), "60".as_ref()])
            .arg("start")
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let url = format!("postgresql://postgres@127.0.0.1:{port}/postgres");
                match connect(&url) {
                    Ok(client) => return Some((url, client, bindir)),
                    Err(e) => {
                        tried.push(format!("started on port {port}, but: {}", describe_error(&e)));
                        return None;
                    }
                }
            }
            Ok(o) => tried.push(format!("pg_ctl start on port {port}: {}\n      log: {}", output_text(&o), tail(&log, 5))),
            Err(e) => {
                tried.push(format!("pg_ctl: could not run: {e}"));
                return None;
            }
        }
    }
    None
}

/// A quoted identifier, written independently of the library's quoting.
pub fn q(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Asserts `result` failed with SQLSTATE `code`; returns the database error.
#[track_caller]
pub fn expect_sqlstate<T: std::fmt::Debug>(result: Result<T, postgres::Error>, code: &str, what: &str) -> postgres::error::DbError {
    match result {
        Ok(v) => panic!("{what}: expected SQLSTATE {code}, but it succeeded ({v:?})"),
        Err(e) => {
            let state = sqlstate_of(&e);
            assert_eq!(state.as_deref(), Some(code), "{what}: wrong SQLSTATE: {}", describe_error(&e));
            e.as_db_error().cloned().expect("a database error")
        }
    }
}

/// Runs one statement; panics with the server's full error.
#[track_caller]
pub fn exec(c: &mut postgres::Client, sql: &str) -> u64 {
    c.execute(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", describe_error(&e)))
}

/// The first column of the one row `sql` returns; panics with the server's full error.
#[track_caller]
pub fn one<T: for<'a> postgres::types::FromSql<'a>>(c: &mut postgres::Client, sql: &str) -> T {
    c.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", describe_error(&e))).get(0)
}
