//! Proves the live PostgreSQL harness in `tests/support/pg.rs` itself.

mod support;

use support::pg;

fn table_exists(db: &pg::TestDb, table: &str) -> bool {
    db.client()
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .expect("to_regclass")
        .get(0)
}

#[test]
fn databases_are_distinct_and_isolated() {
    let Some(a) = pg::test_db() else { return };
    let Some(b) = pg::test_db() else { return };
    assert_ne!(a.name(), b.name());
    assert_ne!(a.url(), b.url());
    assert!(a.name().len() <= 63, "{}", a.name());

    let current: String = a
        .client()
        .query_one("SELECT current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(current, a.name());

    a.batch("CREATE TABLE only_in_a (id int PRIMARY KEY)");
    assert!(table_exists(&a, "only_in_a"));
    assert!(
        !table_exists(&b, "only_in_a"),
        "table leaked from {} into {}",
        a.name(),
        b.name()
    );
}

#[test]
fn dropping_test_db_drops_the_database() {
    let Some(db) = pg::test_db() else { return };
    let Some(url) = pg::server_url() else { return };
    let name = db.name().to_owned();
    let _held_open = db.client(); // WITH (FORCE) must cope with open connections
    drop(db);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let n: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "database {name} still exists after drop");
}

#[test]
fn apply_psql_applies_a_script() {
    let Some(db) = pg::test_db() else { return };
    db.apply_psql("CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1), (2);\n")
        .unwrap();
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM t", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
}

#[test]
fn apply_psql_reports_errors_and_rolls_back_the_whole_script() {
    let Some(db) = pg::test_db() else { return };
    let err = db
        .apply_psql("CREATE TABLE first_half (id int);\nCREATE TABLE broken (id no_such_type);\n")
        .expect_err("bad SQL must fail");
    assert!(err.contains("ERROR"), "stderr: {err}");
    assert!(err.contains("no_such_type"), "stderr: {err}");
    assert!(
        !table_exists(&db, "first_half"),
        "psql -1 must roll back the whole script"
    );
}

#[test]
fn sqlstate_of_reports_unique_violation() {
    let Some(db) = pg::test_db() else { return };
    db.batch("CREATE TABLE u (id int PRIMARY KEY); INSERT INTO u VALUES (1);");
    let err = db
        .try_batch("INSERT INTO u VALUES (1)")
        .expect_err("duplicate key");
    assert_eq!(pg::sqlstate_of(&err).as_deref(), Some("23505"));
    let text = pg::describe_error(&err);
    assert!(text.contains("23505") && text.contains("u_pkey"), "{text}");
}

#[test]
fn batch_panics_with_the_full_error() {
    let Some(db) = pg::test_db() else { return };
    let panic = std::panic::catch_unwind(|| db.batch("SELECT 1;\nSELEC 2;"))
        .expect_err("batch must panic on bad SQL");
    let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("42601"), "{msg}");
    assert!(msg.contains("at line 2"), "{msg}");
}

#[test]
fn server_is_postgres_15_or_newer() {
    let Some(db) = pg::test_db() else { return };
    let v: String = db
        .client()
        .query_one("SHOW server_version_num", &[])
        .unwrap()
        .get(0);
    let v: u32 = v.parse().unwrap();
    assert!(v >= 150_000, "server_version_num = {v}");
}

#[test]
fn url_with_dbname_replaces_only_the_database() {
    assert_eq!(
        pg::url_with_dbname("postgres://u:p@h:5432/postgres?sslmode=disable", "x"),
        "postgres://u:p@h:5432/x?sslmode=disable"
    );
    assert_eq!(
        pg::url_with_dbname("postgresql://h", "x"),
        "postgresql://h/x"
    );
    assert_eq!(
        pg::url_with_dbname("host=h dbname=a", "x"),
        "host=h dbname=a dbname=x"
    );
}
