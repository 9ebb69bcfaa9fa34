//! The blog example (`examples/blog.rs`): its DDL snapshot, its design review, and
//! its behaviour on a real PostgreSQL 15.

#[path = "../examples/blog.rs"]
#[allow(dead_code)]
mod blog;
mod support;

use pgarchitect::lint::Severity;
use support::pg::{self, one};

#[test]
fn ddl_snapshot() {
    insta::assert_snapshot!(blog::schema().to_ddl());
}

#[test]
fn ddl_is_deterministic() {
    assert_eq!(blog::schema().to_ddl(), blog::schema().to_ddl());
}

/// The repaired schema has no errors, and every warning is allowed with a reason.
#[test]
fn design_review_is_clean() {
    let report = blog::schema().lint_with(&blog::lint_config());
    let unallowed: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
        .map(|d| d.to_string())
        .collect();
    assert!(unallowed.is_empty(), "findings not allowed with a reason:\n{}", unallowed.join("\n"));
    assert!(report.allowed.iter().all(|a| !a.reason.trim().is_empty()));
    assert!(!report.allowed.is_empty(), "the blog records its exceptions");
}


/// Applies with psql -1 to an empty database, then again to a second database on
/// the same server (roles exist by then).
#[test]
fn applies_to_two_databases() {
    let ddl = blog::schema().to_ddl();
    let Some(first) = pg::test_db() else { return };
    first.apply_psql(&ddl).unwrap_or_else(|e| panic!("{e}"));
    let Some(second) = pg::test_db() else { return };
    second.apply_psql(&ddl).unwrap_or_else(|e| panic!("second database: {e}"));
}

#[test]
fn behaviour_audit_timestamps_and_row_level_security() {
    let Some(db) = pg::test_db() else { return };
    db.apply_psql(&blog::schema().to_ddl()).unwrap_or_else(|e| panic!("{e}"));
    let mut c = db.client();
    db.batch(
        "INSERT INTO users (email, username, password_hash) VALUES
             ('ann@example.com', 'ann', 'h1'), ('bob@example.com', 'bob', 'h2')",
    );

    // An audit row written today finds its month's partition, not the default.
    let partition: String = one(&mut c, "SELECT tableoid::regclass::text FROM audit_logs ORDER BY id LIMIT 1");
    let expected: String = one(&mut c, "SELECT 'audit_logs_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')");
    assert_eq!(partition, expected);

    // An UPDATE in a later transaction moves updated_at and writes an audit row.
    let before: std::time::SystemTime = one(&mut c, "SELECT updated_at FROM users WHERE username = 'ann'");
    std::thread::sleep(std::time::Duration::from_millis(20));
    db.batch("UPDATE users SET login_count = login_count + 1 WHERE username = 'ann'");
    let after: std::time::SystemTime = one(&mut c, "SELECT updated_at FROM users WHERE username = 'ann'");
    assert!(after > before, "updated_at moved");
    let changed: Vec<String> =
        one(&mut c, "SELECT changed_fields FROM audit_logs WHERE action = 'UPDATE' AND table_name = 'public.users'");
    assert_eq!(changed, ["login_count", "updated_at"]);

    // The application login is not the owner: it sees only its own row when
    // app.user_id is set, and no row, without an error, when it is not.
    let ann: i64 = one(&mut c, "SELECT id FROM users WHERE username = 'ann'");
    c.batch_execute("SET ROLE app_user").unwrap();
    let visible: Vec<String> = c
        .query("SELECT username FROM users", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(visible.is_empty(), "no setting: no rows, and no error");
    c.batch_execute(&format!("SET app.user_id = '{ann}'")).unwrap();
    let visible: Vec<String> = c
        .query("SELECT username FROM users", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(visible, ["ann"]);
    c.batch_execute("SET app.user_id = ''").unwrap();
    assert_eq!(c.query("SELECT 1 FROM users", &[]).unwrap().len(), 0, "empty setting: no rows");
    c.batch_execute("RESET ROLE").unwrap();

    // The materialized view refreshes concurrently thanks to its unique index.
    db.batch("REFRESH MATERIALIZED VIEW CONCURRENTLY user_statistics");
    let counted: i64 = one(&mut c, "SELECT sum(user_count)::bigint FROM user_statistics");
    assert_eq!(counted, 2);
}
