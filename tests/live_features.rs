//! Live tests (issue 3): the brief's whole feature set — row-level security,
//! timestamps, audit, partitioning, generated columns, full-text search, soft
//! delete, roles and grants, views, domains, extensions, schema version, user
//! functions and triggers — applied to a real PostgreSQL 15 and checked by what it
//! DOES (rows seen, rows refused, rows written, partitions chosen, plans used).
//!
//! Roles are cluster-wide and tests run in parallel (possibly on a shared server),
//! so every role a test creates gets a unique name and is dropped afterwards; role
//! behaviour is exercised with `SET ROLE` from the superuser session.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use pgarchitect::model::*;
use pgarchitect::{Schema, SchemaError, SqlType};
use postgres::Client;
use support::build;
use support::pg::{self, apply, exec, expect_sqlstate, one, q, TestDb};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------


/// Applies the DDL as `role` (`SET ROLE` at the top of the script), so that role
/// owns what it creates.
fn apply_as(db: &TestDb, role: &str, schema: &Schema) -> String {
    let ddl = schema.to_ddl();
    let script = format!("SET ROLE {};\n{ddl}", q(role));
    if let Err(e) = db.apply_psql(&script) {
        panic!("DDL did not apply as {role}:\n{e}\n--- DDL ---\n{ddl}");
    }
    ddl
}




#[track_caller]
fn batch(c: &mut Client, sql: &str) {
    c.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e)))
}


#[track_caller]
fn col<T: for<'a> postgres::types::FromSql<'a>>(c: &mut Client, sql: &str) -> Vec<T> {
    c.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e))).iter().map(|r| r.get(0)).collect()
}

fn set_setting(c: &mut Client, name: &str, value: &str) {
    c.execute("SELECT set_config($1, $2, false)", &[&name, &value]).unwrap();
}

fn bigint(name: &str) -> Column {
    Column::new(name, SqlType::BigInt)
}

fn text(name: &str) -> Column {
    Column::new(name, SqlType::Text)
}

fn public(name: &str) -> QualifiedName {
    QualifiedName::public(name)
}

fn table_grant(privileges: &[Privilege], table: &str, roles: &[&str]) -> Grant {
    Grant::new(privileges.iter().copied(), GrantTarget::Table { table: public(table), columns: vec![] }, roles.iter().copied())
}

const CRUD: [Privilege; 4] = [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete];

/// Unique role names for one test, dropped (best effort) when this value is dropped.
/// Declare it BEFORE the test's databases: locals drop in reverse order, and a
/// role can only be dropped once the databases holding its privileges are gone.
struct Roles(Vec<String>);

impl Roles {
    fn new() -> Self {
        Roles(Vec::new())
    }

    fn make(&mut self, base: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("pga_{base}_{}_{}_{:x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos & 0xfffff);
        assert!(name.len() <= 63, "{name}");
        self.0.push(name.clone());
        name
    }
}

impl Drop for Roles {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let Some(url) = pg::server_url() else { return };
        if let Ok(mut c) = postgres::Client::connect(&url, postgres::NoTls) {
            for name in self.0.iter().rev() {
                let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS {}", q(name)));
            }
        }
    }
}

/// A role that may create tables in `public` (PostgreSQL 15 no longer lets PUBLIC).
fn create_owner(db: &TestDb, owner: &str) {
    db.batch(&format!(
        "DO $$ BEGIN CREATE ROLE {o} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
         GRANT CREATE, USAGE ON SCHEMA public TO {o};",
        o = q(owner)
    ));
}

/// The current UTC date as a `CivilDate`, from the server's clock.
fn today(c: &mut Client) -> CivilDate {
    let row = c
        .query_one(
            "SELECT extract(year FROM d)::int, extract(month FROM d)::int, extract(day FROM d)::int FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS d) s",
            &[],
        )
        .unwrap();
    CivilDate::new(row.get(0), row.get::<_, i32>(1) as u32, row.get::<_, i32>(2) as u32).unwrap()
}

fn explain_json(c: &mut Client, query: &str) -> String {
    let sql = format!("EXPLAIN (COSTS OFF, FORMAT JSON) {query}");
    c.simple_query(&sql)
        .unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e)))
        .iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .expect("EXPLAIN returns a row")
}

fn ids(c: &mut Client, sql: &str) -> Vec<i64> {
    col(c, sql)
}

// ---------------------------------------------------------------------------
// Row-level security
// ---------------------------------------------------------------------------

fn users_with_isolation(rls_force: bool) -> Table {
    Table::new("users")
        .column(bigint("id"))
        .column(text("name"))
        .primary_key(["id"])
        .row_level_security(rls_force)
        .policy(Policy::isolate_by_setting("users_own", "id", &SqlType::BigInt, "app.user_id"))
}

/// `isolate_by_setting`: a non-owner role sees only its own row when app.user_id is
/// set, and NO rows and NO error when the setting is missing, RESET, empty, set
/// transaction-locally and then out of scope, or garbage; writes are limited to its
/// own row and WITH CHECK refuses other users' rows with 42501.
#[test]
fn rls_isolates_rows_by_setting_and_never_errors() {
    let mut roles = Roles::new();
    let app = roles.make("app");
    let Some(db) = pg::test_db() else { return };
    let schema =
        build(Schema::builder().role(Role::login(&app)).add_table(users_with_isolation(false)).grant(table_grant(&CRUD, "users", &[&app])));
    apply(&db, &schema);
    let mut c = db.client();
    batch(&mut c, "INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')");
    batch(&mut c, &format!("SET ROLE {}", q(&app)));
    let visible = |c: &mut Client| ids(c, "SELECT id FROM users ORDER BY id");

    let missing: Option<String> = one(&mut c, "SELECT current_setting('app.user_id', true)");
    assert_eq!(missing, None, "the setting is really missing at this point");
    assert_eq!(visible(&mut c), Vec::<i64>::new(), "missing setting: no rows");

    set_setting(&mut c, "app.user_id", "2");
    assert_eq!(visible(&mut c), [2]);
    batch(&mut c, "RESET app.user_id");
    let after_reset: Option<String> = one(&mut c, "SELECT current_setting('app.user_id', true)");
    assert_eq!(after_reset.as_deref(), Some(""), "after RESET the setting is '' (not NULL)");
    assert_eq!(visible(&mut c), Vec::<i64>::new(), "after RESET: no rows");

    for garbage in ["", "abc", "1; drop table users", "2 OR true", " 2", "2 ", "2.0", "0x2", "+2", "99999999999999999999", "-1", "１"] {
        set_setting(&mut c, "app.user_id", garbage);
        let rows =
            c.query("SELECT id FROM users", &[]).unwrap_or_else(|e| panic!("app.user_id={garbage:?} raised: {}", pg::describe_error(&e)));
        assert!(rows.is_empty(), "app.user_id={garbage:?} showed {} rows", rows.len());
        let n = c.execute("UPDATE users SET name = 'hacked'", &[]).unwrap_or_else(|e| panic!("UPDATE with {garbage:?}: {e}"));
        assert_eq!(n, 0);
    }

    // Transaction-local setting (the connection-pool pattern), then out of scope.
    let mut tx = c.transaction().unwrap();
    tx.execute("SELECT set_config('app.user_id', '3', true)", &[]).unwrap();
    let seen: Vec<i64> = tx.query("SELECT id FROM users", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(seen, [3]);
    tx.commit().unwrap();
    assert_eq!(visible(&mut c), Vec::<i64>::new(), "after the transaction the local setting is gone");

    // Writes.
    set_setting(&mut c, "app.user_id", "2");
    assert_eq!(exec(&mut c, "UPDATE users SET name = 'bobby'"), 1, "only the own row is updated");
    assert_eq!(exec(&mut c, "DELETE FROM users WHERE id = 1"), 0, "another user's row cannot be deleted");
    expect_sqlstate(c.execute("INSERT INTO users VALUES (7, 'eve')", &[]), "42501", "INSERT of another user's row");
    expect_sqlstate(c.execute("UPDATE users SET id = 8 WHERE id = 2", &[]), "42501", "UPDATE moving the own row to another user");
    set_setting(&mut c, "app.user_id", "7");
    exec(&mut c, "INSERT INTO users VALUES (7, 'eve')");
    assert_eq!(visible(&mut c), [7]);

    batch(&mut c, "RESET ROLE");
    let all: Vec<(i64, String)> =
        c.query("SELECT id, name FROM users ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(all, [(1, "ann".into()), (2, "bobby".into()), (3, "cy".into()), (7, "eve".into())]);
}

/// BUG (library): `session_setting_equals` promises "it never raises", but for an
/// `integer` or `smallint` column it casts any 1..18-digit setting straight to the
/// column type, so `app.user_id = '99999999999'` raises 22003 (integer out of
/// range) instead of hiding every row. Suggested fix: cast to bigint for every
/// integer width (`col = CASE WHEN v ~ '^-?[0-9]{1,18}$' THEN v::bigint END`;
/// int4 = int8 is a cross-type btree operator, so indexes still serve it).
#[test]
fn rls_setting_helper_never_raises_for_integer_uuid_and_text_columns() {
    let mut roles = Roles::new();
    let app = roles.make("app");
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .role(Role::group(&app))
            .add_table(
                Table::new("by_int")
                    .column(Column::new("id", SqlType::Integer))
                    .primary_key(["id"])
                    .row_level_security(false)
                    .policy(Policy::isolate_by_setting("own", "id", &SqlType::Integer, "app.key")),
            )
            .add_table(
                Table::new("by_small")
                    .column(Column::new("id", SqlType::SmallInt))
                    .primary_key(["id"])
                    .row_level_security(false)
                    .policy(Policy::isolate_by_setting("own", "id", &SqlType::SmallInt, "app.key")),
            )
            .add_table(
                Table::new("by_uuid")
                    .column(Column::new("id", SqlType::Uuid))
                    .primary_key(["id"])
                    .row_level_security(false)
                    .policy(Policy::isolate_by_setting("own", "id", &SqlType::Uuid, "app.key")),
            )
            .add_table(
                Table::new("by_text").column(text("id")).primary_key(["id"]).row_level_security(false).policy(Policy::isolate_by_setting(
                    "own",
                    "id",
                    &SqlType::Text,
                    "app.key",
                )),
            )
            .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), [app.as_str()])),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(
        &mut c,
        "INSERT INTO by_int VALUES (1), (2); INSERT INTO by_small VALUES (1), (2);
         INSERT INTO by_uuid VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), ('00000000-0000-0000-0000-000000000001');
         INSERT INTO by_text VALUES ('acme'), ('');",
    );
    batch(&mut c, &format!("SET ROLE {}", q(&app)));
    let count = |c: &mut Client, table: &str, value: &str| -> Result<i64, String> {
        set_setting(c, "app.key", value);
        c.query_one(&format!("SELECT count(*) FROM {table}"), &[]).map(|r| r.get(0)).map_err(|e| pg::describe_error(&e))
    };

    assert_eq!(count(&mut c, "by_uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), Ok(1));
    assert_eq!(count(&mut c, "by_uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), Ok(1), "upper-case uuid text");
    assert_eq!(count(&mut c, "by_uuid", "a0eebc999c0b4ef8bb6d6bb9bd380a11"), Ok(1), "uuid without hyphens");
    for garbage in [
        "",
        "abc",
        "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
        "1",
    ] {
        assert_eq!(count(&mut c, "by_uuid", garbage), Ok(0), "uuid setting {garbage:?}");
    }
    assert_eq!(count(&mut c, "by_text", "acme"), Ok(1));
    assert_eq!(count(&mut c, "by_text", ""), Ok(0), "an empty text setting matches nothing, not the '' row");
    assert_eq!(count(&mut c, "by_text", "ACME"), Ok(0));

    assert_eq!(count(&mut c, "by_int", "2"), Ok(1));
    assert_eq!(count(&mut c, "by_small", "2"), Ok(1));
    let mut failures = Vec::new();
    for (table, value) in [("by_int", "99999999999"), ("by_int", "-2147483649"), ("by_small", "40000"), ("by_small", "999999999999999999")]
    {
        match count(&mut c, table, value) {
            Ok(0) => {}
            other => failures.push(format!("{table} with app.key={value:?}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "BUG: the isolation helper raised (or matched) for out-of-range integers:\n{}", failures.join("\n"));
}

/// BUG (library, security): for a `varchar(n)` key `session_setting_equals` casts the
/// setting with `::varchar(n)`, and an explicit cast to varchar(n) silently
/// TRUNCATES: with tenants keyed `acme` in a varchar(4) column, a session whose
/// app.tenant_id is `acme-evil` (say, a subdomain slug) sees acme's rows. Suggested
/// fix: compare string keys as text without the type modifier
/// (`col = NULLIF(current_setting(...), '')`, which still uses the column's btree
/// index), and never cast the setting to a type with a length modifier.
#[test]
fn rls_setting_helper_does_not_truncate_into_another_tenant() {
    let mut roles = Roles::new();
    let app = roles.make("app");
    let Some(db) = pg::test_db() else { return };
    let key = SqlType::Varchar(Some(4));
    let schema = build(
        Schema::builder()
            .role(Role::group(&app))
            .add_table(
                Table::new("tenants")
                    .column(Column::new("code", key.clone()))
                    .primary_key(["code"])
                    .row_level_security(false)
                    .policy(Policy::isolate_by_setting("own", "code", &key, "app.tenant_id")),
            )
            .grant(table_grant(&[Privilege::Select], "tenants", &[&app])),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(&mut c, &format!("INSERT INTO tenants VALUES ('acme'), ('beta'); SET ROLE {}", q(&app)));
    set_setting(&mut c, "app.tenant_id", "acme");
    assert_eq!(col::<String>(&mut c, "SELECT code FROM tenants"), ["acme"]);
    set_setting(&mut c, "app.tenant_id", "acme-evil");
    let seen: Vec<String> = col(&mut c, "SELECT code FROM tenants");
    assert!(seen.is_empty(), "BUG: app.tenant_id = 'acme-evil' sees tenant rows {seen:?} (the setting was truncated to varchar(4))");
}

/// Without FORCE the (non-superuser) owner bypasses the policies and sees every row;
/// with FORCE the owner is restricted like everyone else, including WITH CHECK.
#[test]
fn rls_force_restricts_the_table_owner() {
    let mut roles = Roles::new();
    let owner = roles.make("owner");
    let Some(db) = pg::test_db() else { return };
    create_owner(&db, &owner);
    let policy = || Policy::isolate_by_setting("own", "id", &SqlType::BigInt, "app.user_id");
    let schema = build(
        Schema::builder()
            .add_table(Table::new("open_t").column(bigint("id")).primary_key(["id"]).row_level_security(false).policy(policy()))
            .add_table(Table::new("forced_t").column(bigint("id")).primary_key(["id"]).row_level_security(true).policy(policy())),
    );
    apply_as(&db, &owner, &schema);
    let mut c = db.client();
    let flags: Vec<(String, bool, bool, String)> = c
        .query(
            "SELECT relname::text, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner)::text FROM pg_class WHERE relname IN ('open_t', 'forced_t') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(flags, [("forced_t".into(), true, true, owner.clone()), ("open_t".into(), true, false, owner.clone())]);
    batch(&mut c, "INSERT INTO open_t VALUES (1), (2), (3); INSERT INTO forced_t VALUES (1), (2), (3);");

    batch(&mut c, &format!("SET ROLE {}", q(&owner)));
    assert_eq!(ids(&mut c, "SELECT id FROM open_t ORDER BY id"), [1, 2, 3], "owner without FORCE");
    assert_eq!(ids(&mut c, "SELECT id FROM forced_t ORDER BY id"), Vec::<i64>::new(), "owner with FORCE, no setting");
    set_setting(&mut c, "app.user_id", "1");
    assert_eq!(ids(&mut c, "SELECT id FROM open_t ORDER BY id"), [1, 2, 3]);
    assert_eq!(ids(&mut c, "SELECT id FROM forced_t ORDER BY id"), [1], "owner with FORCE sees only its row");
    exec(&mut c, "INSERT INTO open_t VALUES (9)");
    expect_sqlstate(c.execute("INSERT INTO forced_t VALUES (9)", &[]), "42501", "FORCE applies WITH CHECK to the owner");
    assert_eq!(exec(&mut c, "DELETE FROM forced_t"), 1, "the owner deletes only its own row under FORCE");
}

/// A RESTRICTIVE policy narrows the permissive ones (AND), permissive policies
/// widen each other (OR), policy roles limit whom a policy applies to (a role no
/// policy names sees nothing), and a per-command restrictive policy limits DELETE.
#[test]
fn rls_restrictive_policies_and_policy_roles() {
    let mut roles = Roles::new();
    let (a, b, cc) = (roles.make("reader_a"), roles.make("reader_b"), roles.make("reader_c"));
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .role(Role::group(&a))
            .role(Role::group(&b))
            .role(Role::group(&cc))
            .add_table(
                Table::new("docs")
                    .column(bigint("id"))
                    .column(bigint("tenant_id"))
                    .column(Column::new("is_public", SqlType::Boolean))
                    .column(Column::new("archived", SqlType::Boolean))
                    .primary_key(["id"])
                    .row_level_security(false)
                    .policy(Policy::isolate_by_setting("tenant", "tenant_id", &SqlType::BigInt, "app.tenant_id").roles([&a, &b]))
                    .policy(Policy::new("public_read").command(PolicyCommand::Select).using("is_public").roles([&a]))
                    .policy(Policy::new("hide_archived").command(PolicyCommand::Select).restrictive().using("NOT archived").roles([&b]))
                    .policy(
                        Policy::new("delete_archived_only").command(PolicyCommand::Delete).restrictive().using("archived").roles([&a, &b]),
                    ),
            )
            .grant(table_grant(&CRUD, "docs", &[&a, &b, &cc])),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(
        &mut c,
        "INSERT INTO docs VALUES (1, 1, false, false), (2, 1, false, true), (3, 2, true, false), (4, 2, false, false), (5, 2, true, true)",
    );
    let policies: Vec<(String, String, String)> = c
        .query("SELECT policyname::text, permissive, cmd FROM pg_policies WHERE tablename = 'docs' ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected = [
        ("delete_archived_only", "RESTRICTIVE", "DELETE"),
        ("hide_archived", "RESTRICTIVE", "SELECT"),
        ("public_read", "PERMISSIVE", "SELECT"),
        ("tenant", "PERMISSIVE", "ALL"),
    ];
    assert_eq!(policies, expected.iter().map(|(x, y, z)| (x.to_string(), y.to_string(), z.to_string())).collect::<Vec<_>>());

    set_setting(&mut c, "app.tenant_id", "1");
    let as_role = |c: &mut Client, role: &str, sql: &str| -> Vec<i64> {
        batch(c, &format!("SET ROLE {}", q(role)));
        let out = ids(c, sql);
        batch(c, "RESET ROLE");
        out
    };
    assert_eq!(as_role(&mut c, &a, "SELECT id FROM docs ORDER BY id"), [1, 2, 3, 5], "tenant rows OR public rows");
    assert_eq!(as_role(&mut c, &b, "SELECT id FROM docs ORDER BY id"), [1], "tenant rows AND not archived");
    assert_eq!(as_role(&mut c, &cc, "SELECT id FROM docs ORDER BY id"), Vec::<i64>::new(), "no policy names reader_c");
    assert_eq!(as_role(&mut c, &a, "DELETE FROM docs RETURNING id"), [2], "DELETE only archived rows of the tenant");
    batch(&mut c, &format!("SET ROLE {}", q(&cc)));
    expect_sqlstate(c.execute("INSERT INTO docs VALUES (9, 1, false, false)", &[]), "42501", "INSERT with no applicable policy");
}

/// A partition can be queried by its own name, and then only ITS row-level
/// security applies, not the parent's policies. Every partition of a table with
/// (forced) row-level security gets it enabled and forced with no policy: the
/// declared one, the one `ensure_partitions` made when the DDL ran, the DEFAULT
/// partition, and those `ensure_partitions` makes later (run by the non-superuser
/// owner, moving rows out of the forced default partition). A login holding
/// SELECT, INSERT on ALL TABLES IN SCHEMA public (and by default privileges on
/// later tables) sees its tenant's rows through the parent and no row by a
/// partition's name, and cannot insert there (42501, a policy violation, not a
/// missing privilege); under FORCE the owner cannot read a partition directly either.
#[test]
fn rls_covers_partitions_queried_by_name() {
    let mut roles = Roles::new();
    let owner = roles.make("owner");
    let app = roles.make("app");
    let Some(db) = pg::test_db() else { return };
    create_owner(&db, &owner);
    db.batch(&format!("CREATE ROLE {} LOGIN", q(&app)));
    let mut c = db.client();
    let this_month = today(&mut c).truncate(Period::Month);
    let next = this_month.next(Period::Month);
    let (plus2, plus3) = (next.next(Period::Month), next.next(Period::Month).next(Period::Month));
    let m = |d: CivilDate| format!("events_{}", d.suffix(Period::Month));
    let schema = build(
        Schema::builder()
            .add_table(
                Table::new("events")
                    .column(bigint("id"))
                    .column(bigint("tenant_id"))
                    .column(Column::new("at", SqlType::Timestamptz))
                    .primary_key(["id", "at"])
                    .partition_by(Partitioning::range(["at"]).monthly(this_month, 1).ahead(2).with_default())
                    .row_level_security(true)
                    .policy(Policy::isolate_by_setting("events_tenant", "tenant_id", &SqlType::BigInt, "app.tenant_id")),
            )
            .grant(Grant::new([Privilege::Select, Privilege::Insert], GrantTarget::AllTablesInSchema("public".into()), [app.as_str()]))
            .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select, Privilege::Insert], [app.as_str()])),
    );
    let ddl = apply_as(&db, &owner, &schema);
    assert!(ddl.contains("ALTER TABLE public.events_default FORCE ROW LEVEL SECURITY;"), "{ddl}");

    let flags = |c: &mut Client| -> Vec<(String, bool, bool)> {
        c.query(
            "SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname LIKE 'events%' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
    };
    let secured = |names: &[String]| -> Vec<(String, bool, bool)> {
        let mut v: Vec<(String, bool, bool)> = names.iter().map(|n| (n.clone(), true, true)).collect();
        v.sort();
        v
    };
    let partitions = [m(this_month), m(next), "events_default".to_owned()];
    let mut all = vec!["events".to_owned()];
    all.extend(partitions.iter().cloned());
    assert_eq!(flags(&mut c), secured(&all), "the parent and every partition, the one made by ensure_partitions included");

    // Two tenants' rows in every partition (written by the superuser, who bypasses RLS).
    let at = |d: CivilDate| format!("'{d} 12:00:00+00'");
    for (tenant, base) in [(1, 0), (2, 10)] {
        for (k, when) in [(1, at(this_month)), (2, at(next)), (3, "'1990-01-02 00:00:00+00'".to_owned()), (4, at(plus2))] {
            exec(&mut c, &format!("INSERT INTO events VALUES ({}, {tenant}, {when})", base + k));
        }
    }
    let home: String = one(&mut c, "SELECT tableoid::regclass::text FROM events WHERE id = 4");
    assert_eq!(home, "events_default", "no partition for month +2 yet");

    let direct_access_is_denied = |c: &mut Client, partitions: &[String], who: &str| {
        for p in partitions {
            let n: i64 = one(c, &format!("SELECT count(*) FROM public.{}", q(p)));
            assert_eq!(n, 0, "{who} read {n} row(s) of partition {p} by its name");
        }
    };

    batch(&mut c, &format!("SET ROLE {}", q(&app)));
    set_setting(&mut c, "app.tenant_id", "1");
    assert_eq!(ids(&mut c, "SELECT id FROM events ORDER BY id"), [1, 2, 3, 4], "through the parent: the tenant's rows");
    direct_access_is_denied(&mut c, &partitions, "the app login");
    for (p, when) in [(m(this_month), "now()"), ("events_default".to_owned(), "'1990-01-03 00:00:00+00'")] {
        let e = expect_sqlstate(c.execute(&format!("INSERT INTO public.{} VALUES (21, 1, {when})", q(&p)), &[]), "42501", &format!("INSERT into partition {p}"));
        assert!(e.message().contains("row-level security"), "refused by RLS, not for a missing privilege: {}", e.message());
    }
    exec(&mut c, "INSERT INTO events VALUES (23, 1, now())");
    assert_eq!(ids(&mut c, "SELECT id FROM events ORDER BY id"), [1, 2, 3, 4, 23]);

    // The forced owner: through the parent with its policy, never by a partition's name.
    batch(&mut c, &format!("RESET ROLE; SET ROLE {}", q(&owner)));
    assert_eq!(ids(&mut c, "SELECT id FROM events ORDER BY id"), [1, 2, 3, 4, 23]);
    direct_access_is_denied(&mut c, &partitions, "the owner (FORCE)");
    // ensure_partitions, run by the owner, creates months +2 and +3 and moves the
    // rows of month +2 out of the forced default partition.
    let made: i32 = one(&mut c, "SELECT public.ensure_partitions('events', 'month', 4)");
    assert_eq!(made, 2);
    let again: i32 = one(&mut c, "SELECT public.ensure_partitions('events', 'month', 4)");
    assert_eq!(again, 0, "idempotent");

    batch(&mut c, "RESET ROLE");
    let moved: Vec<String> = col(&mut c, "SELECT tableoid::regclass::text FROM events WHERE id IN (4, 14)");
    assert_eq!(moved, [m(plus2), m(plus2)], "the rows moved out of the default partition");
    let later = [m(plus2), m(plus3)];
    all.extend(later.iter().cloned());
    assert_eq!(flags(&mut c), secured(&all), "the new partitions get it, the default partition keeps FORCE");
    let count: i64 = one(&mut c, "SELECT count(*) FROM events");
    assert_eq!(count, 9, "no row lost");
    let privileged: bool = one(&mut c, &format!("SELECT has_table_privilege('{app}', 'public.{}', 'SELECT, INSERT')", m(plus2)));
    assert!(privileged, "default privileges cover the new partition");

    batch(&mut c, &format!("SET ROLE {}", q(&app)));
    set_setting(&mut c, "app.tenant_id", "1");
    assert_eq!(ids(&mut c, "SELECT id FROM events ORDER BY id"), [1, 2, 3, 4, 23]);
    direct_access_is_denied(&mut c, &later, "the app login");
    let e = expect_sqlstate(c.execute(&format!("INSERT INTO public.{} VALUES (24, 1, {})", q(&m(plus3)), at(plus3)), &[]), "42501", "INSERT into a later partition");
    assert!(e.message().contains("row-level security"), "{}", e.message());
    batch(&mut c, "RESET ROLE");
}

// ---------------------------------------------------------------------------
// Timestamps, audit, soft delete
// ---------------------------------------------------------------------------

/// `timestamps()`: both columns default to the transaction time; an UPDATE in a
/// later transaction moves updated_at forward (even when the UPDATE tries to set
/// it) and leaves created_at alone.
#[test]
fn timestamps_move_updated_at_and_keep_created_at() {
    let Some(db) = pg::test_db() else { return };
    let schema =
        build(Schema::builder().add_table(Table::new("posts").column(bigint("id")).column(text("title")).primary_key(["id"]).timestamps()));
    apply(&db, &schema);
    let mut c = db.client();
    let row = c.query_one("INSERT INTO posts (id, title) VALUES (1, 'a') RETURNING created_at = now(), updated_at = now()", &[]).unwrap();
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1), "defaults are now()");
    std::thread::sleep(std::time::Duration::from_millis(5));
    exec(&mut c, "UPDATE posts SET title = 'b' WHERE id = 1");
    let moved: bool = one(&mut c, "SELECT updated_at > created_at FROM posts");
    assert!(moved, "updated_at moved forward");
    let before: String = one(&mut c, "SELECT created_at::text || '|' || updated_at::text FROM posts");
    std::thread::sleep(std::time::Duration::from_millis(5));
    exec(&mut c, "UPDATE posts SET title = 'c', updated_at = '2000-01-01', created_at = created_at WHERE id = 1");
    let row = c
        .query_one(
            "SELECT created_at::text, updated_at::text, updated_at > $1::text::timestamptz FROM posts",
            &[&before.split('|').nth(1).unwrap()],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), before.split('|').next().unwrap(), "created_at unchanged");
    assert!(row.get::<_, bool>(2), "the trigger overrides an explicit updated_at");
    let trig: Vec<String> = col(&mut c, "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'posts'::regclass AND NOT tgisinternal");
    assert_eq!(trig, ["posts_set_updated_at"]);
}

fn audited_accounts() -> Table {
    Table::new("accounts")
        .column(bigint("id"))
        .column(text("name"))
        .column(Column::new("balance", SqlType::Numeric(Some((12, Some(2))))).default_expr("0"))
        .primary_key(["id"])
        .audited()
}

/// Audit trail: INSERT, UPDATE and DELETE each write one row with the right action,
/// record_id, old/new data and changed_fields (only the changed columns); user_id
/// comes from app.user_id when it is a number and is NULL (no error) otherwise; a
/// no-op UPDATE writes nothing; rows land in the current month's partition (made by
/// ensure_partitions while the DDL ran), not the default; unaudited tables write nothing.
#[test]
fn audit_records_every_change() {
    let Some(db) = pg::test_db() else { return };
    let schema =
        build(Schema::builder().add_table(audited_accounts()).add_table(Table::new("quiet").column(bigint("id")).primary_key(["id"])));
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO accounts (id, name) VALUES (1, 'ann')");
    set_setting(&mut c, "app.user_id", "42");
    exec(&mut c, "UPDATE accounts SET balance = 10 WHERE id = 1");
    exec(&mut c, "UPDATE accounts SET balance = balance, name = name WHERE id = 1"); // no-op
    set_setting(&mut c, "app.user_id", "abc");
    exec(&mut c, "UPDATE accounts SET name = 'anne', balance = 11 WHERE id = 1");
    batch(&mut c, "RESET app.user_id");
    exec(&mut c, "DELETE FROM accounts WHERE id = 1");
    exec(&mut c, "INSERT INTO quiet VALUES (1)");

    let rows = c
        .query(
            "SELECT action::text, record_id, table_name, old_data::text, new_data::text, changed_fields, user_id, tableoid::regclass::text
             FROM audit_logs ORDER BY id",
            &[],
        )
        .unwrap();
    assert_eq!(rows.len(), 4, "INSERT, UPDATE, UPDATE, DELETE (the no-op UPDATE and the unaudited table write nothing)");
    type Row = (String, Option<String>, String, Option<String>, Option<String>, Option<Vec<String>>, Option<i64>, String);
    let got: Vec<Row> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7))).collect();
    let month: String = one(&mut c, "SELECT 'audit_logs_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')");
    let j = |s: &str| Some(s.to_owned());
    let expected: Vec<Row> = vec![
        (
            "INSERT".into(),
            j("1"),
            "public.accounts".into(),
            None,
            j(r#"{"id": 1, "name": "ann", "balance": 0.00}"#),
            None,
            None,
            month.clone(),
        ),
        (
            "UPDATE".into(),
            j("1"),
            "public.accounts".into(),
            j(r#"{"id": 1, "name": "ann", "balance": 0.00}"#),
            j(r#"{"id": 1, "name": "ann", "balance": 10.00}"#),
            Some(vec!["balance".into()]),
            Some(42),
            month.clone(),
        ),
        (
            "UPDATE".into(),
            j("1"),
            "public.accounts".into(),
            j(r#"{"id": 1, "name": "ann", "balance": 10.00}"#),
            j(r#"{"id": 1, "name": "anne", "balance": 11.00}"#),
            Some(vec!["balance".into(), "name".into()]),
            None,
            month.clone(),
        ),
        (
            "DELETE".into(),
            j("1"),
            "public.accounts".into(),
            j(r#"{"id": 1, "name": "anne", "balance": 11.00}"#),
            None,
            None,
            None,
            month.clone(),
        ),
    ];
    assert_eq!(got, expected);
    let partitions: Vec<String> =
        col(&mut c, "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass ORDER BY 1");
    assert!(partitions.contains(&month) && partitions.contains(&"audit_logs_default".to_owned()), "{partitions:?}");
}

/// A composite primary key is logged as a JSON array of the key values, in the
/// key's order (not the columns' order): the same text `jsonb_build_array(...)`
/// gives, and unambiguous whatever the values hold (a comma-joined `42,a,b`
/// could be `(42, 'a,b')` or `(42, 'a')` and `'b'`).
#[test]
fn audit_record_id_of_a_composite_key_is_a_json_array() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("memberships")
                .column(text("org"))
                .column(bigint("person"))
                .column(text("role"))
                .primary_key(["person", "org"])
                .audited(),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO memberships VALUES ('acme', 42, 'admin'), ('a,\"b', 42, 'admin')");
    exec(&mut c, "UPDATE memberships SET role = 'member' WHERE org = 'acme'");
    let ids: Vec<String> = col(&mut c, "SELECT record_id FROM audit_logs ORDER BY id");
    assert_eq!(ids, [r#"[42, "acme"]"#, r#"[42, "a,\"b"]"#, r#"[42, "acme"]"#]);
    // A row's history, found by the key as an application writes it.
    let history: i64 =
        one(&mut c, "SELECT count(*) FROM audit_logs WHERE table_name = 'public.memberships' AND record_id = jsonb_build_array(42, 'acme')::text");
    assert_eq!(history, 2);
    let trigger_args: String = one(&mut c, "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'memberships_audit'");
    assert!(trigger_args.ends_with("audit_row_change('person', 'org')"), "{trigger_args}");
}

/// BUG (library): on an audited PARTITIONED table the trigger fires on the
/// partition, and `TG_TABLE_NAME` is the partition's name, so audit_logs.table_name
/// says `public.orders_2026_05` (a different name every month) instead of
/// `public.orders`, and the history of one row cannot be found by its table name
/// (the `(table_name, record_id)` index is keyed on it). Suggested fix: log
/// `pg_partition_root(TG_RELID)` (NULL for plain tables, so
/// `coalesce(pg_partition_root(TG_RELID), TG_RELID)`), formatted schema-qualified.
#[test]
fn audit_of_a_partitioned_table_names_the_parent_table() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("orders")
                .column(bigint("id"))
                .column(Column::new("placed_on", SqlType::Date))
                .column(text("state"))
                .primary_key(["id", "placed_on"])
                .partition_by(Partitioning::range(["placed_on"]).yearly(CivilDate::new(2025, 1, 1).unwrap(), 2).with_default())
                .audited(),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO orders VALUES (1, '2025-03-01', 'new'), (2, '2026-03-01', 'new')");
    exec(&mut c, "UPDATE orders SET state = 'paid'");
    let logged: Vec<(String, String, String)> = c
        .query("SELECT action::text, record_id, table_name FROM audit_logs ORDER BY record_id, id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected = [
        ("INSERT", r#"[1, "2025-03-01"]"#),
        ("UPDATE", r#"[1, "2025-03-01"]"#),
        ("INSERT", r#"[2, "2026-03-01"]"#),
        ("UPDATE", r#"[2, "2026-03-01"]"#),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, r)| (a.to_string(), r.to_string(), "public.orders".to_owned())).collect();
    assert_eq!(logged, expected, "BUG: the audit log names the partition, not the audited table");
}

fn audit_writer_setup(roles: &mut Roles) -> Option<(TestDb, String)> {
    let writer = roles.make("writer");
    let db = pg::test_db()?;
    let schema =
        build(Schema::builder().role(Role::login(&writer)).add_table(audited_accounts()).grant(table_grant(&CRUD, "accounts", &[&writer])));
    apply(&db, &schema);
    Some((db, writer))
}

/// The audit trigger function is SECURITY DEFINER: a role with privileges on the
/// audited table but NONE on audit_logs can still change rows (and they are
/// logged), while it can neither read nor forge audit rows itself.
#[test]
fn audit_works_for_a_role_without_privileges_on_audit_logs() {
    let mut roles = Roles::new();
    let Some((db, writer)) = audit_writer_setup(&mut roles) else { return };
    let mut c = db.client();
    batch(&mut c, &format!("SET ROLE {}", q(&writer)));
    let has: bool = one(&mut c, "SELECT has_table_privilege('audit_logs', 'SELECT') OR has_table_privilege('audit_logs', 'INSERT')");
    assert!(!has, "the writer has no privileges on audit_logs");
    exec(&mut c, "INSERT INTO accounts (id, name) VALUES (1, 'ann')");
    exec(&mut c, "UPDATE accounts SET balance = 5");
    exec(&mut c, "DELETE FROM accounts");
    expect_sqlstate(c.query("SELECT * FROM audit_logs", &[]), "42501", "writer reads audit_logs");
    expect_sqlstate(
        c.execute("INSERT INTO audit_logs (table_name, action) VALUES ('public.accounts', 'DELETE')", &[]),
        "42501",
        "writer forges an audit row",
    );
    batch(&mut c, "RESET ROLE");
    let actions: Vec<String> = col(&mut c, "SELECT action::text FROM audit_logs ORDER BY id");
    assert_eq!(actions, ["INSERT", "UPDATE", "DELETE"]);
}

/// BUG (library): audit_logs.db_user is documented as "Database role that made the
/// change", but its default `current_user` is evaluated inside the SECURITY DEFINER
/// trigger function, where current_user is the function's OWNER. Every row records
/// the role that applied the DDL, never the writer. Suggested fix: record
/// `session_user` (the login role, right for applications that log in as
/// themselves), or split the function: a SECURITY INVOKER trigger function that
/// captures `current_user` and passes it to a SECURITY DEFINER helper that inserts
/// the row (EXECUTE on the helper revoked from PUBLIC and granted only to the roles
/// that write audited tables).
#[test]
fn audit_db_user_records_the_role_that_made_the_change() {
    let mut roles = Roles::new();
    let Some((db, writer)) = audit_writer_setup(&mut roles) else { return };
    let mut c = db.client();
    batch(&mut c, &format!("SET ROLE {}", q(&writer)));
    exec(&mut c, "INSERT INTO accounts (id, name) VALUES (1, 'ann')");
    batch(&mut c, "RESET ROLE");
    let db_user: String = one(&mut c, "SELECT db_user FROM audit_logs");
    assert_eq!(db_user, writer, "BUG: db_user records the audit function's owner, not the role that made the change");
}

/// `soft_delete()` adds a nullable deleted_at once; a unique `.live_rows()` index lets
/// a deleted row and a live row share a value but never two live rows, and a
/// live-rows partial index serves `WHERE deleted_at IS NULL` queries.
#[test]
fn soft_delete_scopes_unique_indexes_to_live_rows() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("users")
                .column(bigint("id"))
                .column(text("username"))
                .column(text("status"))
                .primary_key(["id"])
                .soft_delete()
                .soft_delete()
                .timestamps()
                .index(Index::on(["username"]).unique().live_rows())
                .index(Index::on(["status"]).live_rows()),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    let deleted_cols: Vec<(String, bool)> = c
        .query(
            "SELECT format_type(atttypid, atttypmod), attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'deleted_at'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(deleted_cols, [("timestamp with time zone".to_owned(), false)]);
    exec(&mut c, "INSERT INTO users (id, username, status) VALUES (1, 'ann', 'x')");
    expect_sqlstate(c.execute("INSERT INTO users (id, username, status) VALUES (2, 'ann', 'x')", &[]), "23505", "two live 'ann'");
    exec(&mut c, "UPDATE users SET deleted_at = now() WHERE id = 1");
    exec(&mut c, "INSERT INTO users (id, username, status) VALUES (2, 'ann', 'x')");
    exec(&mut c, "INSERT INTO users (id, username, status, deleted_at) VALUES (3, 'ann', 'x', now())");
    expect_sqlstate(c.execute("UPDATE users SET deleted_at = NULL WHERE id = 3", &[]), "23505", "undeleting a duplicate");
    batch(&mut c, "INSERT INTO users (id, username, status) SELECT g, 'u' || g, 's' || (g % 50) FROM generate_series(10, 3000) g; ANALYZE users; SET enable_seqscan = off;");
    let plan = explain_json(&mut c, "SELECT id FROM users WHERE status = 's7' AND deleted_at IS NULL");
    assert!(plan.contains("idx_users_status"), "{plan}");
}

// ---------------------------------------------------------------------------
// Partitioning
// ---------------------------------------------------------------------------

fn partitions_of(c: &mut Client, parent: &str) -> Vec<(String, String)> {
    c.query(
        "SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = to_regclass($1) ORDER BY 1",
        &[&parent],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// Monthly RANGE partitions with a default: today's row lands in this month's
/// partition, last month's row in last month's, and rows far outside every range
/// (past and future) in the DEFAULT partition.
#[test]
fn range_partitions_route_rows_and_outliers_go_to_default() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    let this_month = now.truncate(Period::Month);
    let last_month = if this_month.month == 1 {
        CivilDate::new(this_month.year - 1, 12, 1)
    } else {
        CivilDate::new(this_month.year, this_month.month - 1, 1)
    }
    .unwrap();
    let schema = build(
        Schema::builder().add_table(
            Table::new("measurements")
                .column(bigint("id"))
                .column(Column::new("taken_at", SqlType::Timestamptz))
                .primary_key(["id", "taken_at"])
                .partition_by(Partitioning::range(["taken_at"]).monthly(last_month, 3).ahead(2).with_default()),
        ),
    );
    apply(&db, &schema);
    batch(&mut c, "SET TimeZone = 'UTC'");
    let parts = partitions_of(&mut c, "measurements");
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    let m = |d: CivilDate| format!("measurements_{}", d.suffix(Period::Month));
    let next_month = this_month.next(Period::Month);
    let mut expected = vec![m(last_month), m(this_month), m(next_month), "measurements_default".to_owned()];
    expected.sort();
    assert_eq!(names, expected, "{parts:?}");
    let bound = &parts.iter().find(|(n, _)| *n == m(this_month)).unwrap().1;
    assert_eq!(bound, &format!("FOR VALUES FROM ('{this_month} 00:00:00+00') TO ('{next_month} 00:00:00+00')"));

    let route = |c: &mut Client, id: i64, at: &str| -> String {
        c.query_one(&format!("INSERT INTO measurements VALUES ({id}, {at}) RETURNING tableoid::regclass::text"), &[]).unwrap().get(0)
    };
    assert_eq!(route(&mut c, 1, "now()"), m(this_month));
    assert_eq!(route(&mut c, 2, &format!("'{last_month} 12:00:00+00'")), m(last_month));
    assert_eq!(route(&mut c, 3, &format!("'{this_month} 00:00:00+00'")), m(this_month), "lower bound is inclusive");
    assert_eq!(route(&mut c, 4, &format!("'{this_month} 00:00:00+00'::timestamptz - interval '1 microsecond'")), m(last_month));
    assert_eq!(route(&mut c, 5, "'1990-06-01 00:00:00+00'"), "measurements_default");
    assert_eq!(route(&mut c, 6, "'2999-01-01 00:00:00+00'"), "measurements_default");
    let dup = format!("INSERT INTO measurements VALUES (3, '{this_month} 00:00:00+00')");
    expect_sqlstate(c.execute(&dup, &[]), "23505", "duplicate (id, taken_at) within a partition");
    exec(&mut c, &format!("INSERT INTO measurements VALUES (3, '{last_month} 00:00:00+00')"));
    // same id, other partition
}

/// LIST partitions route by value (and unknown values go to DEFAULT, or are refused
/// with 23514 when there is none); HASH partitions spread rows over every remainder.
#[test]
fn list_and_hash_partitions_route_rows() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .add_table(Table::new("events").column(bigint("id")).column(text("region")).primary_key(["id", "region"]).partition_by(
                Partitioning::list("region").values("events_eu", ["'eu'"]).values("events_na", ["'us'", "'ca'"]).with_default(),
            ))
            .add_table(
                Table::new("strict_events")
                    .column(bigint("id"))
                    .column(text("region"))
                    .primary_key(["id", "region"])
                    .partition_by(Partitioning::list("region").values("strict_events_eu", ["'eu'"])),
            )
            .add_table(
                Table::new("sessions")
                    .column(bigint("id"))
                    .column(text("data"))
                    .primary_key(["id"])
                    .partition_by(Partitioning::hash(["id"], 4))
                    .timestamps(),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    let routed: Vec<(String, String)> = c
        .query("INSERT INTO events VALUES (1, 'eu'), (2, 'us'), (3, 'ca'), (4, 'xx') RETURNING region, tableoid::regclass::text", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected = [("eu", "events_eu"), ("us", "events_na"), ("ca", "events_na"), ("xx", "events_default")];
    assert_eq!(routed, expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
    exec(&mut c, "INSERT INTO strict_events VALUES (1, 'eu')");
    expect_sqlstate(c.execute("INSERT INTO strict_events VALUES (2, 'us')", &[]), "23514", "no partition for 'us' and no default");

    exec(&mut c, "INSERT INTO sessions (id, data) SELECT g, 'x' FROM generate_series(1, 400) g");
    let spread: Vec<(String, i64)> = c
        .query("SELECT tableoid::regclass::text, count(*) FROM sessions GROUP BY 1 ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(spread.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["sessions_p0", "sessions_p1", "sessions_p2", "sessions_p3"]);
    assert!(spread.iter().all(|(_, n)| *n > 40), "every hash partition takes a share: {spread:?}");
    assert_eq!(spread.iter().map(|(_, n)| n).sum::<i64>(), 400);
    let bounds = partitions_of(&mut c, "sessions");
    assert_eq!(bounds[2], ("sessions_p2".to_owned(), "FOR VALUES WITH (modulus 4, remainder 2)".to_owned()));
    expect_sqlstate(c.execute("INSERT INTO sessions (id, data) VALUES (7, 'dup')", &[]), "23505", "hash-partitioned PK");
    std::thread::sleep(std::time::Duration::from_millis(2));
    exec(&mut c, "UPDATE sessions SET data = 'y' WHERE id = 7");
    let moved: bool = one(&mut c, "SELECT updated_at > created_at FROM sessions WHERE id = 7");
    assert!(moved, "timestamps() works on a partitioned table (the BEFORE UPDATE trigger is cloned to partitions)");
}

/// `ensure_partitions(parent, 'month', 6)` creates the missing current and next
/// months (UTC) and is idempotent (a second call returns 0); the new partitions'
/// bounds are exact month boundaries in UTC whatever the session TimeZone.
#[test]
fn ensure_partitions_creates_missing_months_idempotently() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    let schema = build(
        Schema::builder().add_table(
            Table::new("logs")
                .column(bigint("id"))
                .column(Column::new("at", SqlType::Timestamptz))
                .primary_key(["id", "at"])
                .partition_by(Partitioning::range(["at"]).monthly(now, 1).ahead(1)),
        ),
    );
    let ddl = apply(&db, &schema);
    assert!(ddl.contains("SELECT public.ensure_partitions('public.logs', 'month', 1);"), "{ddl}");
    assert_eq!(partitions_of(&mut c, "logs").len(), 1);
    batch(&mut c, "SET TimeZone = 'Asia/Kathmandu'");
    let created: i32 = one(&mut c, "SELECT public.ensure_partitions('logs', 'month', 6)");
    assert_eq!(created, 5, "this month existed; the next five are new");
    let again: i32 = one(&mut c, "SELECT public.ensure_partitions('logs', 'month', 6)");
    assert_eq!(again, 0, "idempotent");
    let expected: Vec<String> = col(
        &mut c,
        "SELECT 'logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i), 'YYYY_MM') FROM generate_series(0, 5) i ORDER BY 1",
    );
    let names: Vec<String> = partitions_of(&mut c, "logs").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, expected);
    for i in 1..=5 {
        // The first instant of month +i in UTC, rendered in the session's (non-UTC) zone.
        let t: String = one(
            &mut c,
            &format!("SELECT ((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => {i})) AT TIME ZONE 'UTC')::text"),
        );
        let route = |c: &mut Client, id: i64, expr: &str| -> String {
            c.query_one(&format!("INSERT INTO logs VALUES ({id}, {expr}) RETURNING tableoid::regclass::text"), &[&t]).unwrap().get(0)
        };
        let lower = route(&mut c, i, "$1::text::timestamptz");
        let before = route(&mut c, 100 + i, "$1::text::timestamptz - interval '1 microsecond'");
        assert_eq!(lower, expected[i as usize], "the first instant of month +{i} (UTC)");
        assert_eq!(before, expected[i as usize - 1], "the last instant before month +{i} (UTC)");
    }
}

/// `ensure_partitions` creates a period's partition while the DEFAULT partition
/// already holds rows of it (rows written before the scheduler ran: exactly what
/// the default partition is there to catch): they move into the new partition,
/// where PostgreSQL alone would refuse `CREATE TABLE ... PARTITION OF` (23514).
#[test]
fn ensure_partitions_moves_rows_out_of_the_default_partition() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    let schema = build(
        Schema::builder().add_table(
            Table::new("logs")
                .column(bigint("id"))
                .column(Column::new("at", SqlType::Timestamptz))
                .primary_key(["id", "at"])
                .partition_by(Partitioning::range(["at"]).monthly(now, 1).ahead(1).with_default()),
        ),
    );
    apply(&db, &schema);
    // Next month has no partition yet: this row is caught by the default partition.
    let caught: String = one(&mut c, "INSERT INTO logs VALUES (1, now() + interval '32 days') RETURNING tableoid::regclass::text");
    assert_eq!(caught, "logs_default");
    let made = c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).map(|r| r.get::<_, i32>(0));
    let made = made.unwrap_or_else(|e| panic!("ensure_partitions with a row of a new period in the default partition: {}", pg::describe_error(&e)));
    assert_eq!(made, 2);
    let moved: String = one(&mut c, "SELECT tableoid::regclass::text FROM logs WHERE id = 1");
    let expected: String = one(&mut c, "SELECT 'logs_' || to_char(now() AT TIME ZONE 'UTC' + interval '32 days', 'YYYY_MM')");
    assert_eq!(moved, expected, "the row moved out of the default partition");
}

/// A row of the new period written to the default partition by a transaction
/// still open when `ensure_partitions` starts is moved too, not lost: the
/// function locks the parent and the default partition before it reads them,
/// so it waits for that transaction, then sees its row. (Copying the period's
/// rows before taking a lock, as it once did, deleted such a row without having
/// copied it, or failed with 23514 when no user trigger made it wait.)
#[test]
fn ensure_partitions_moves_a_row_committed_while_it_waits() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    let log = Trigger::new("logs_audit", TriggerTiming::After, [TriggerEvent::Insert, TriggerEvent::Delete], QualifiedName::public("logs_note"));
    let note = Function::trigger(QualifiedName::public("logs_note"), "\nBEGIN\n    RETURN NULL;\nEND\n");
    let schema = build(
        Schema::builder().function(note).add_table(
            Table::new("logs")
                .column(bigint("id"))
                .column(Column::new("at", SqlType::Timestamptz))
                .primary_key(["id", "at"])
                .partition_by(Partitioning::range(["at"]).monthly(now, 1).ahead(1).with_default())
                .trigger(log),
        ),
    );
    apply(&db, &schema);
    c.batch_execute("INSERT INTO logs VALUES (1, now() + interval '32 days')").unwrap();
    // A second session writes a row of next month (caught by the default
    // partition) and commits only once ensure_partitions has started and waits.
    let mut writer = db.client();
    writer.batch_execute("BEGIN; INSERT INTO logs VALUES (2, now() + interval '33 days')").unwrap();
    let (mut c, made) = ensure_partitions_once_writer_commits(&db, c, &mut writer, "the writer's transaction");
    let made = made.unwrap_or_else(|e| panic!("ensure_partitions: {}", pg::describe_error(&e)));
    assert_eq!(made, 2);
    let expected: String = one(&mut c, "SELECT 'logs_' || to_char(now() AT TIME ZONE 'UTC' + interval '32 days', 'YYYY_MM')");
    let homes: Vec<(i64, String)> =
        c.query("SELECT id, tableoid::regclass::text FROM logs ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(homes, [(1, expected.clone()), (2, expected)], "both rows of next month moved, none lost");
}

/// `logs`, partitioned by month with a default partition (this month's
/// partition made when the DDL runs), and `notes`, whose foreign key
/// `(log_id, log_at)` references it with `on_delete` (`None`: NO ACTION).
fn referenced_logs(now: CivilDate, on_delete: Option<ReferentialAction>) -> Schema {
    let mut fk = ForeignKey::new(["log_id", "log_at"], public("logs"), ["id", "at"]);
    fk.on_delete = on_delete;
    build(
        Schema::builder()
            .add_table(
                Table::new("logs")
                    .column(bigint("id"))
                    .column(Column::new("at", SqlType::Timestamptz))
                    .primary_key(["id", "at"])
                    .partition_by(Partitioning::range(["at"]).monthly(now, 1).ahead(1).with_default()),
            )
            .add_table(
                Table::new("notes")
                    .column(bigint("id"))
                    .column(Column::new("log_id", SqlType::BigInt).nullable())
                    .column(Column::new("log_at", SqlType::Timestamptz).nullable())
                    .primary_key(["id"])
                    .foreign_key(fk)
                    .index(Index::on(["log_id", "log_at"])),
            ),
    )
}

/// Every row of `notes` (id, log_id, log_at as text), in id order.
fn notes_rows(c: &mut Client) -> Vec<(i64, Option<i64>, Option<String>)> {
    c.query("SELECT id, log_id, log_at::text FROM notes ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

/// Every row of `logs` (id, the partition holding it), in id order.
fn logs_homes(c: &mut Client) -> Vec<(i64, String)> {
    c.query("SELECT id, tableoid::regclass::text FROM logs ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// `ensure_partitions` on `logs` (see [`referenced_logs`]) while its default
/// partition holds a row of the month after next that a note references (and
/// one of that month that only a note with a NULL `log_at` names, which
/// references nothing): moving the referenced row would delete it from the
/// default partition, which fires the foreign key's `ON DELETE` action even
/// with user triggers off. So the call stops (23514) with a message naming the
/// default partition, the period, the referencing table and how many of the
/// rows it references, and a hint; no note changes, no row moves, and no
/// partition is made (the call is one statement: next month's partition, made
/// before it failed, is rolled back with it). As the hint says, the call with a
/// smaller `ahead` it names still makes next month's partition.
fn ensure_partitions_refuses_to_move_referenced_rows(on_delete: Option<ReferentialAction>) {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    apply(&db, &referenced_logs(now, on_delete));
    batch(
        &mut c,
        "INSERT INTO logs VALUES (1, now()), (2, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '2 months 1 day');
         INSERT INTO notes SELECT id * 10, id, at FROM logs;
         INSERT INTO logs VALUES (3, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '2 months 2 days');
         INSERT INTO notes VALUES (30, 3, NULL)",
    );
    let month = |c: &mut Client, i: i32| -> String {
        one(c, &format!("SELECT 'logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '{i} months', 'YYYY_MM')"))
    };
    let (next, after_next) = (month(&mut c, 1), month(&mut c, 2));
    let (notes, homes, partitions) = (notes_rows(&mut c), logs_homes(&mut c), partitions_of(&mut c, "logs"));
    assert_eq!(homes[1], (2, "logs_default".to_owned()), "the month after next has no partition yet: the default partition caught row 2");
    let result = c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).map(|r| r.get::<_, i32>(0));
    assert_eq!(notes_rows(&mut c), notes, "the notes are untouched ({on_delete:?}; ensure_partitions: {result:?})");
    assert_eq!(logs_homes(&mut c), homes, "no row moved");
    assert_eq!(partitions_of(&mut c, "logs"), partitions, "no partition made");
    let e = expect_sqlstate(result, "23514", "ensure_partitions with a referenced row of next month in the default partition");
    let message = e.message();
    assert!(message.contains("logs_default") && message.contains(&after_next) && message.contains("foreign keys of public.notes reference 1 of them"), "{message}");
    assert!(message.contains("ON DELETE"), "{message}");
    let hint = e.hint().unwrap_or_else(|| panic!("a hint: {e:?}"));
    assert!(hint.contains("by hand") && hint.contains("Until then ensure_partitions('logs', 'month', 2) makes the partitions of the periods before this one"), "{hint}");
    let made = c.query_one("SELECT public.ensure_partitions('logs', 'month', 2)", &[]).map(|r| r.get::<_, i32>(0));
    assert_eq!(made.unwrap_or_else(|e| panic!("ensure_partitions with a smaller ahead: {}", pg::describe_error(&e))), 1);
    let names: Vec<String> = partitions_of(&mut c, "logs").into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&next) && !names.contains(&after_next), "{names:?}");
    assert_eq!((notes_rows(&mut c), logs_homes(&mut c)), (notes, homes), "still untouched");
}

/// See [`ensure_partitions_refuses_to_move_referenced_rows`]: ON DELETE CASCADE
/// would delete the note.
#[test]
fn ensure_partitions_refuses_to_move_rows_an_on_delete_cascade_key_references() {
    ensure_partitions_refuses_to_move_referenced_rows(Some(ReferentialAction::Cascade));
}

/// See [`ensure_partitions_refuses_to_move_referenced_rows`]: ON DELETE SET
/// NULL would null the note's reference.
#[test]
fn ensure_partitions_refuses_to_move_rows_an_on_delete_set_null_key_references() {
    ensure_partitions_refuses_to_move_referenced_rows(Some(ReferentialAction::SetNull));
}

/// See [`ensure_partitions_refuses_to_move_referenced_rows`]: NO ACTION (the
/// default) would fail with a bare 23503.
#[test]
fn ensure_partitions_refuses_to_move_rows_a_no_action_key_references() {
    ensure_partitions_refuses_to_move_referenced_rows(None);
}

/// A table that a foreign key references still gets its partitions from
/// `ensure_partitions` while its default partition holds none of their rows:
/// a referenced row far ahead stays in the default partition, and the notes
/// are untouched.
#[test]
fn ensure_partitions_creates_partitions_of_a_referenced_table_with_nothing_to_move() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    apply(&db, &referenced_logs(now, Some(ReferentialAction::Cascade)));
    batch(&mut c, "INSERT INTO logs VALUES (1, now()), (2, now() + interval '400 days'); INSERT INTO notes SELECT id * 10, id, at FROM logs");
    let notes = notes_rows(&mut c);
    let made = c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).map(|r| r.get::<_, i32>(0));
    let made = made.unwrap_or_else(|e| panic!("ensure_partitions with no row of its periods in the default partition: {}", pg::describe_error(&e)));
    assert_eq!(made, 2);
    let expected: Vec<String> = col(
        &mut c,
        "SELECT 'logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i), 'YYYY_MM') FROM generate_series(0, 2) i ORDER BY 1",
    );
    let names: Vec<String> = partitions_of(&mut c, "logs").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, [expected.clone(), vec!["logs_default".to_owned()]].concat());
    assert_eq!(logs_homes(&mut c), [(1, expected[0].clone()), (2, "logs_default".to_owned())]);
    assert_eq!(notes_rows(&mut c), notes, "the notes are untouched");
    // The new partitions are referenced like the others: a note of next month's row.
    let home: String = one(&mut c, "INSERT INTO logs VALUES (3, now() + interval '32 days') RETURNING tableoid::regclass::text");
    assert!(expected[1..].contains(&home), "{home}");
    exec(&mut c, "INSERT INTO notes SELECT 30, id, at FROM logs WHERE id = 3");
    exec(&mut c, "DELETE FROM logs WHERE id = 3");
    assert_eq!(notes_rows(&mut c), notes, "the cascade reaches the new partition's rows");
}

/// The first instant of month `months` from this one (UTC), plus `days` days, as SQL.
fn month_at(months: i32, days: i32) -> String {
    format!("(date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '{months} months {days} days')")
}

/// Every row of `logs` (id, at as text, the partition holding it), in (id, at) order.
fn logs_rows(c: &mut Client) -> Vec<(i64, String, String)> {
    let sql = "SELECT id, at::text, tableoid::regclass::text FROM logs ORDER BY id, at";
    c.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e))).iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

/// A row trigger and a statement trigger on `notes`, after DELETE or UPDATE,
/// each writing (TG_OP, TG_LEVEL) into `fired` when it fires.
fn watch_notes(c: &mut Client) {
    batch(
        c,
        "CREATE TABLE fired (n serial, op text, level text);
         CREATE FUNCTION note_fired() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO fired (op, level) VALUES (TG_OP, TG_LEVEL); RETURN NULL; END $$;
         CREATE TRIGGER notes_rows AFTER DELETE OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION note_fired();
         CREATE TRIGGER notes_statements AFTER DELETE OR UPDATE ON notes FOR EACH STATEMENT EXECUTE FUNCTION note_fired();",
    );
}

fn fired(c: &mut Client) -> Vec<(String, String)> {
    c.query("SELECT op, level FROM fired ORDER BY n", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// `ensure_partitions` looks at the rows a foreign key references, not at
/// whether one exists: with an ON DELETE CASCADE key on `logs` (see
/// [`referenced_logs`]), the default partition's rows of next month and the
/// month after move although notes reference other rows of `logs`: row (1,
/// this month), with the same id as the moving (1, next month) (the key is
/// composite: both columns must match), and a row far ahead that stays in the
/// default partition; two notes name moving rows with a NULL in one of the
/// key's columns, which references nothing (MATCH SIMPLE). Every row is kept,
/// no note changes, and no row trigger of `notes` fires. The key's action still
/// runs its DELETE on `notes` for each period's move (PostgreSQL's internal
/// triggers fire for every deleted row, and only a superuser could switch
/// them off): it deletes nothing, and `notes`'s statement trigger fires once
/// per move, as for any delete of an unreferenced row. The cascade reaches the
/// moved rows afterwards. Before the row-by-row look, the call refused (23514).
#[test]
fn ensure_partitions_moves_the_rows_no_row_references() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    apply(&db, &referenced_logs(now, Some(ReferentialAction::Cascade)));
    batch(
        &mut c,
        &format!(
            "INSERT INTO logs VALUES (1, {}), (1, {}), (2, {}), (3, {}), (4, {});
             INSERT INTO notes VALUES (10, 1, {}), (20, 4, {}), (30, 2, NULL), (40, NULL, {})",
            month_at(0, 1),
            month_at(1, 1),
            month_at(1, 2),
            month_at(2, 3),
            month_at(14, 0),
            month_at(0, 1),
            month_at(14, 0),
            month_at(2, 3)
        ),
    );
    watch_notes(&mut c);
    let (notes, rows) = (notes_rows(&mut c), logs_rows(&mut c));
    let homes: Vec<&str> = rows.iter().map(|(_, _, home)| home.as_str()).collect();
    assert_eq!(homes[1..], ["logs_default"; 4], "{rows:?}");
    let made = c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).map(|r| r.get::<_, i32>(0));
    assert_eq!(made.unwrap_or_else(|e| panic!("ensure_partitions with no moving row referenced: {}", pg::describe_error(&e))), 2);
    let month = |c: &mut Client, i: i32| -> String {
        one(c, &format!("SELECT 'logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '{i} months', 'YYYY_MM')"))
    };
    let (next, after_next) = (month(&mut c, 1), month(&mut c, 2));
    let moved: Vec<(i64, String, String)> = rows
        .iter()
        .zip([None, Some(&next), Some(&next), Some(&after_next), None])
        .map(|((id, at, home), new)| (*id, at.clone(), new.cloned().unwrap_or_else(|| home.clone())))
        .collect();
    assert_eq!(logs_rows(&mut c), moved, "every row kept, those of the new months in their partitions");
    assert_eq!(notes_rows(&mut c), notes, "the notes are untouched");
    let statement = ("DELETE".to_owned(), "STATEMENT".to_owned());
    assert_eq!(fired(&mut c), [statement.clone(), statement], "the cascade deleted nothing: no row trigger fired");
    // The key holds for the moved rows: deleting one cascades to its new note.
    batch(&mut c, &format!("INSERT INTO notes VALUES (50, 2, {}); DELETE FROM logs WHERE id = 2", month_at(1, 2)));
    assert_eq!(notes_rows(&mut c), notes);
}

/// `ensure_partitions` looks at every kind of key row by row: a key of the
/// table on itself (`parent`), and a `DEFERRABLE INITIALLY DEFERRED` key of a
/// partitioned table (`tags`, whose rows are in its partitions). A moving row
/// one of them references refuses the call (23514, naming that table); once
/// they reference only rows that stay, the rows move in a transaction that
/// commits (the deferred key's check, queued by the move, finds them in their
/// new partition), a moving row keeps its own reference to a row that stays,
/// and nothing else changes.
#[test]
fn ensure_partitions_looks_at_the_rows_of_a_self_reference_and_of_a_deferred_key_of_a_partitioned_table() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    apply(&db, &referenced_logs(now, Some(ReferentialAction::Cascade)));
    batch(
        &mut c,
        &format!(
            "ALTER TABLE logs ADD COLUMN parent_id bigint, ADD COLUMN parent_at timestamptz,
                 ADD FOREIGN KEY (parent_id, parent_at) REFERENCES logs;
             CREATE TABLE tags (id bigint, log_id bigint, log_at timestamptz, PRIMARY KEY (id, log_at),
                 FOREIGN KEY (log_id, log_at) REFERENCES logs DEFERRABLE INITIALLY DEFERRED) PARTITION BY RANGE (log_at);
             CREATE TABLE tags_early PARTITION OF tags FOR VALUES FROM (MINVALUE) TO ({});
             CREATE TABLE tags_late PARTITION OF tags DEFAULT;
             INSERT INTO logs VALUES (1, {}), (2, {}), (3, {}), (4, {});
             INSERT INTO logs SELECT 5, {}, id, at FROM logs WHERE id = 2",
            month_at(1, 0),
            month_at(1, 1),
            month_at(1, 2),
            month_at(2, 1),
            month_at(14, 0),
            month_at(14, 1)
        ),
    );
    let refused = |c: &mut Client, by: &str| {
        let (rows, partitions) = (logs_rows(c), partitions_of(c, "logs"));
        let e = expect_sqlstate(c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]), "23514", by);
        assert!(e.message().contains(&format!("foreign keys of public.{by} reference 1 of them")), "{}", e.message());
        assert_eq!((logs_rows(c), partitions_of(c, "logs")), (rows, partitions), "nothing moved, nothing made");
    };
    // Row 5, which stays, references row 2, which would move.
    refused(&mut c, "logs");
    // A tag, in a partition of tags, references row 3.
    batch(&mut c, &format!("UPDATE logs SET (parent_id, parent_at) = (4, {}) WHERE id = 5", month_at(14, 0)));
    batch(&mut c, &format!("BEGIN; INSERT INTO tags VALUES (1, 3, {}); COMMIT", month_at(2, 1)));
    assert_eq!(one::<String>(&mut c, "SELECT tableoid::regclass::text FROM tags"), "tags_late");
    refused(&mut c, "tags");
    // Referencing only row 4, which stays; row 1 (moving) references it too.
    batch(&mut c, &format!("UPDATE tags SET (log_id, log_at) = (4, {0}); UPDATE logs SET (parent_id, parent_at) = (4, {0}) WHERE id = 1", month_at(14, 0)));
    let rows = logs_rows(&mut c);
    let tags: Vec<(i64, i64, String)> = col_rows(&mut c, "SELECT id, log_id, tableoid::regclass::text FROM tags");
    let mut tx = c.transaction().unwrap();
    let made: i32 = tx.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).unwrap_or_else(|e| panic!("{}", pg::describe_error(&e))).get(0);
    assert_eq!(made, 2);
    tx.commit().unwrap_or_else(|e| panic!("the deferred check at commit: {}", pg::describe_error(&e)));
    let homes: Vec<String> = logs_rows(&mut c).into_iter().map(|(_, _, home)| home).collect();
    let month = |c: &mut Client, i: i32| -> String {
        one(c, &format!("SELECT 'logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '{i} months', 'YYYY_MM')"))
    };
    let (next, after_next) = (month(&mut c, 1), month(&mut c, 2));
    assert_eq!(homes, [next.clone(), next, after_next, "logs_default".to_owned(), "logs_default".to_owned()], "{rows:?}");
    assert_eq!(logs_rows(&mut c).len(), rows.len());
    let parents: Vec<(i64, Option<i64>)> = col_rows(&mut c, "SELECT id, parent_id FROM logs ORDER BY id");
    assert_eq!(parents, [(1, Some(4)), (2, None), (3, None), (4, None), (5, Some(4))]);
    assert_eq!(col_rows::<(i64, i64, String)>(&mut c, "SELECT id, log_id, tableoid::regclass::text FROM tags"), tags);
}

/// Rows of a query as tuples.
fn col_rows<T: for<'a> FromRow<'a>>(c: &mut Client, sql: &str) -> Vec<T> {
    c.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e))).iter().map(T::from_row).collect()
}

/// A row as a tuple.
trait FromRow<'a>: Sized {
    fn from_row(row: &'a postgres::Row) -> Self;
}

impl<'a, A: postgres::types::FromSql<'a>, B: postgres::types::FromSql<'a>> FromRow<'a> for (A, B) {
    fn from_row(row: &'a postgres::Row) -> Self {
        (row.get(0), row.get(1))
    }
}

impl<'a, A: postgres::types::FromSql<'a>, B: postgres::types::FromSql<'a>, C: postgres::types::FromSql<'a>> FromRow<'a> for (A, B, C) {
    fn from_row(row: &'a postgres::Row) -> Self {
        (row.get(0), row.get(1), row.get(2))
    }
}

/// PostgreSQL checks a foreign key as the referencing table's owner, past its
/// row-level security: a policy that hid a referencing row from the caller of
/// `ensure_partitions` would let the look miss it, and the move cascade it
/// away. So the function reads the referencing tables with `row_security` off,
/// and a policy that applies to it makes the call refuse (23514, with the
/// reason), the hidden note kept; a copy of the function without that setting,
/// run by the same owner, moves the row and deletes the hidden note. The
/// superuser, past every policy, sees the note: 23514, one row referenced.
#[test]
fn ensure_partitions_refuses_to_move_rows_when_row_level_security_hides_the_rows_referencing_them() {
    let mut roles = Roles::new();
    let owner = roles.make("notes_owner");
    let Some(db) = pg::test_db() else { return };
    create_owner(&db, &owner);
    let mut c = db.client();
    let now = today(&mut c);
    apply_as(&db, &owner, &referenced_logs(now, Some(ReferentialAction::Cascade)));
    batch(&mut c, &format!("SET ROLE {}; ALTER TABLE notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY; CREATE POLICY small ON notes USING (id < 100); RESET ROLE", q(&owner)));
    batch(&mut c, &format!("INSERT INTO logs VALUES (1, {}), (2, {}); INSERT INTO notes VALUES (100, 2, {})", month_at(1, 1), month_at(1, 2), month_at(1, 2)));
    let (notes, rows) = (notes_rows(&mut c), logs_rows(&mut c));
    batch(&mut c, &format!("SET ROLE {}", q(&owner)));
    assert_eq!(notes_rows(&mut c), [], "the policy hides the note from its owner");
    let e = expect_sqlstate(c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]), "23514", "a referencing row hidden from the caller");
    assert!(e.message().contains("whether foreign keys of public.notes reference them cannot be checked (query would be affected by row-level security policy for table \"notes\")"), "{}", e.message());
    assert_eq!(one::<String>(&mut c, "SELECT current_setting('row_security')"), "on");
    batch(&mut c, "RESET ROLE");
    assert_eq!((notes_rows(&mut c), logs_rows(&mut c)), (notes.clone(), rows.clone()), "nothing moved, the note kept");

    // Without row-level security off: the look misses the note, and the move cascades it away.
    let definition: String = one(&mut c, "SELECT pg_get_functiondef('public.ensure_partitions(regclass, text, integer)'::regprocedure)");
    let off = "PERFORM set_config('row_security', 'off', true);";
    assert_eq!(definition.matches(off).count(), 1, "{definition}");
    let on = definition.replace(off, "NULL;").replace("FUNCTION public.ensure_partitions(", "FUNCTION public.ensure_partitions_seeing_less(");
    batch(&mut c, &format!("{on};\nGRANT EXECUTE ON FUNCTION public.ensure_partitions_seeing_less(regclass, text, integer) TO {}", q(&owner)));
    let mut tx = c.transaction().unwrap();
    tx.batch_execute(&format!("SET LOCAL ROLE {}", q(&owner))).unwrap();
    let made: i32 = tx.query_one("SELECT public.ensure_partitions_seeing_less('logs', 'month', 3)", &[]).unwrap_or_else(|e| panic!("{}", pg::describe_error(&e))).get(0);
    assert_eq!(made, 2);
    tx.batch_execute("RESET ROLE").unwrap();
    let left: i64 = tx.query_one("SELECT count(*) FROM notes", &[]).unwrap().get(0);
    assert_eq!(left, 0, "the hidden note was cascaded away");
    tx.rollback().unwrap();

    let e = expect_sqlstate(c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]), "23514", "the superuser sees the note");
    assert!(e.message().contains("foreign keys of public.notes reference 1 of them"), "{}", e.message());
    assert_eq!((notes_rows(&mut c), logs_rows(&mut c)), (notes, rows));
}

/// No reference to a moving row slips in between the look and the move: a
/// note inserted by a transaction still open when `ensure_partitions` starts
/// holds a lock on `logs` (its key's check reads it), so the function waits for
/// it, then sees the note and refuses (23514). And while the transaction that
/// moved the rows is open, a note referencing a moved row waits for it (the
/// check of its key reads `logs`, locked ACCESS EXCLUSIVE from before the look,
/// and creating the partitions locked `notes` too; here it gives up after its
/// `lock_timeout`, 55P03); once it commits, the note finds its row in the new
/// partition.
#[test]
fn ensure_partitions_and_a_new_reference_to_a_moving_row_wait_for_each_other() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let now = today(&mut c);
    apply(&db, &referenced_logs(now, Some(ReferentialAction::Cascade)));
    batch(&mut c, &format!("INSERT INTO logs VALUES (1, {}), (2, {})", month_at(1, 1), month_at(1, 2)));
    let rows = logs_rows(&mut c);
    let mut writer = db.client();
    writer.batch_execute(&format!("BEGIN; INSERT INTO notes VALUES (10, 2, {})", month_at(1, 2))).unwrap();
    let (mut c, result) = ensure_partitions_once_writer_commits(&db, c, &mut writer, "the transaction writing the note");
    let e = expect_sqlstate(result, "23514", "the note committed while ensure_partitions waited");
    assert!(e.message().contains("foreign keys of public.notes reference 1 of them"), "{}", e.message());
    assert_eq!(logs_rows(&mut c), rows, "nothing moved");
    assert_eq!(notes_rows(&mut c).len(), 1, "the note kept");

    batch(&mut c, "DELETE FROM notes");
    let mut tx = c.transaction().unwrap();
    let made: i32 = tx.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).unwrap_or_else(|e| panic!("{}", pg::describe_error(&e))).get(0);
    assert_eq!(made, 2);
    writer.batch_execute("SET lock_timeout = '300ms'").unwrap();
    let note = format!("INSERT INTO notes VALUES (20, 2, {})", month_at(1, 2));
    expect_sqlstate(writer.execute(note.as_str(), &[]), "55P03", "a note of a moved row while the move is not committed");
    tx.commit().unwrap();
    writer.batch_execute(&note).unwrap_or_else(|e| panic!("{}", pg::describe_error(&e)));
    let home: String = one(&mut c, "SELECT l.tableoid::regclass::text FROM notes n JOIN logs l ON (l.id, l.at) = (n.log_id, n.log_at)");
    let next: String = one(&mut c, "SELECT 'logs_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month', 'YYYY_MM')");
    assert_eq!(home, next);
}

/// Runs `ensure_partitions('logs', 'month', 3)` on `c` in another thread
/// while `writer` holds an open transaction; once the call waits for a lock
/// (`writing`: what holds it, for the assertion) commits `writer`, and returns
/// `c` and the call's result.
fn ensure_partitions_once_writer_commits(db: &TestDb, mut c: Client, writer: &mut Client, writing: &str) -> (Client, Result<i32, postgres::Error>) {
    let pid: i32 = one(&mut c, "SELECT pg_backend_pid()");
    let ensure = std::thread::spawn(move || {
        let r = c.query_one("SELECT public.ensure_partitions('logs', 'month', 3)", &[]).map(|r| r.get::<_, i32>(0));
        (c, r)
    });
    let mut monitor = db.client();
    // Until ensure_partitions waits for a lock the writer holds.
    let waiting = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(25));
        monitor.query_one("SELECT EXISTS (SELECT FROM pg_locks WHERE pid = $1 AND NOT granted)", &[&pid]).unwrap().get::<_, bool>(0)
    });
    assert!(waiting, "ensure_partitions waits for {writing}");
    writer.batch_execute("COMMIT").unwrap();
    ensure.join().unwrap()
}

/// (relation, trigger, pg_trigger.tgenabled) of the user triggers of `logs`'s
/// partitions: 'O' enabled, 'A' ALWAYS, 'R' REPLICA, 'D' disabled.
fn logs_trigger_modes(c: &mut Client) -> Vec<(String, String, String)> {
    let sql = "SELECT c.relname::text, t.tgname::text, t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE c.relnamespace = 'public'::regnamespace AND c.relname LIKE 'logs\\_%' AND NOT t.tgisinternal ORDER BY 1, 2";
    c.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e))).iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

/// `ensure_partitions` moves rows out of the default partition with the user
/// triggers that would fire off, and gives each back exactly its mode
/// (`pg_trigger.tgenabled`), not the plain `ENABLE` of `ENABLE TRIGGER USER`:
/// the parent's declared trigger, made ALWAYS (so are its clones on every
/// partition, the new ones included), stays ALWAYS; `"Plain Logged"`, of the
/// parent too, stays enabled; the default partition's own REPLICA trigger stays
/// REPLICA and its disabled one disabled. No trigger fires for the rows that
/// move (nor in a second run as a replica, where the REPLICA and ALWAYS ones
/// would fire), and each fires afterwards as its mode says.
#[test]
fn ensure_partitions_keeps_each_trigger_in_its_mode() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let this_month = today(&mut c).truncate(Period::Month);
    let m = |d: CivilDate| format!("logs_{}", d.suffix(Period::Month));
    let (plus1, plus2) = (this_month.next(Period::Month), this_month.next(Period::Month).next(Period::Month));
    let plus3 = plus2.next(Period::Month);
    let schema = build(
        Schema::builder()
            .function(Function::trigger(
                public("log_named"),
                "\nBEGIN\n    INSERT INTO public.trail (what) VALUES (TG_NAME || ' ' || TG_OP);\n    RETURN NULL;\nEND\n",
            ))
            .add_table(Table::new("trail").column(bigint("id").identity(Identity::Always)).column(text("what")).primary_key(["id"]))
            .add_table(
                Table::new("logs")
                    .column(bigint("id"))
                    .column(Column::new("at", SqlType::Timestamptz))
                    .primary_key(["id", "at"])
                    .partition_by(Partitioning::range(["at"]).monthly(this_month, 1).ahead(1).with_default())
                    .trigger(Trigger::new("logs_logged", TriggerTiming::After, [TriggerEvent::Insert, TriggerEvent::Delete], public("log_named"))),
            ),
    );
    apply(&db, &schema);
    let at = |d: CivilDate| format!("'{d} 12:00:00+00'");
    batch(
        &mut c,
        &format!(
            "INSERT INTO logs VALUES (1, {}), (2, {}), (3, {}), (4, '1990-01-02 00:00:00+00');
             {}
             TRUNCATE trail;",
            at(plus1),
            at(plus2),
            at(plus2),
            support::triggers_in_every_mode("logs", "logs_logged")
        ),
    );
    let t = |rel: &str, name: &str, mode: &str| (rel.to_owned(), name.to_owned(), mode.to_owned());
    let clones = |rel: &str| vec![t(rel, "Plain Logged", "O"), t(rel, "logs_logged", "A")];
    let own = [t("logs_default", "off_logged", "D"), t("logs_default", "replica_logged", "R")];
    let expected = |partitions: &[CivilDate]| {
        let mut v: Vec<(String, String, String)> = partitions.iter().flat_map(|d| clones(&m(*d))).collect();
        v.extend(clones("logs_default"));
        v.extend(own.iter().cloned());
        v.sort();
        v
    };
    assert_eq!(logs_trigger_modes(&mut c), expected(&[this_month]), "the operator's modes, the clones of the parent's triggers included");

    let made: i32 = one(&mut c, "SELECT public.ensure_partitions('logs', 'month', 3)");
    assert_eq!(made, 2);
    let homes: Vec<String> = col(&mut c, "SELECT tableoid::regclass::text FROM logs ORDER BY id");
    assert_eq!(homes, [m(plus1), m(plus2), m(plus2), "logs_default".to_owned()], "the rows moved out of the default partition");
    let trail: Vec<String> = col(&mut c, "SELECT what FROM trail ORDER BY what");
    assert_eq!(trail, Vec::<String>::new(), "no trigger fired for the move");
    assert_eq!(logs_trigger_modes(&mut c), expected(&[this_month, plus1, plus2]), "each trigger in the mode it had (new partitions: the parent's)");

    // They fire again as their modes say: in a normal session the enabled and
    // ALWAYS ones; as a replica the ALWAYS and REPLICA ones; the disabled one never.
    batch(&mut c, &format!("INSERT INTO logs VALUES (5, {}), (6, '1991-01-01 00:00:00+00')", at(plus1)));
    let trail: Vec<String> = col(&mut c, "SELECT what FROM trail ORDER BY what");
    assert_eq!(trail, ["Plain Logged INSERT", "Plain Logged INSERT", "logs_logged INSERT", "logs_logged INSERT"]);
    batch(&mut c, &format!("TRUNCATE trail; INSERT INTO logs VALUES (7, {}); TRUNCATE trail; SET session_replication_role = replica", at(plus3)));
    batch(&mut c, "INSERT INTO logs VALUES (8, '1992-01-01 00:00:00+00')");
    let trail: Vec<String> = col(&mut c, "SELECT what FROM trail ORDER BY what");
    assert_eq!(trail, ["logs_logged INSERT", "replica_logged INSERT"]);

    // A run as a replica (month +3's row waits in the default partition): the
    // ALWAYS and REPLICA triggers, which would fire, are off for the move, and
    // every mode is as it was.
    batch(&mut c, "TRUNCATE trail");
    let made: i32 = one(&mut c, "SELECT public.ensure_partitions('logs', 'month', 4)");
    batch(&mut c, "RESET session_replication_role");
    assert_eq!(made, 1);
    let home: String = one(&mut c, "SELECT tableoid::regclass::text FROM logs WHERE id = 7");
    assert_eq!(home, m(plus3));
    let trail: Vec<String> = col(&mut c, "SELECT what FROM trail ORDER BY what");
    assert_eq!(trail, Vec::<String>::new(), "no trigger fired for the move as a replica");
    assert_eq!(logs_trigger_modes(&mut c), expected(&[this_month, plus1, plus2, plus3]));
}

/// `ensure_partitions` run by the non-superuser owner of a table with forced
/// row-level security moves the rows of a new period out of the default
/// partition. The default partition, like every partition of such a table, has
/// row-level security enabled and forced and no policy: it hides every row from
/// its owner (a superuser would bypass it, which is why only a test as the
/// owner shows this). So the function lifts FORCE on it while rows move, in the
/// same transaction: a copy of the function without that lifting, run by the
/// same owner, sees no row to move, and PostgreSQL then refuses the new
/// partition (23514), its check of the default partition's rows being no query
/// that row-level security filters.
#[test]
fn ensure_partitions_run_by_the_owner_moves_rows_out_of_a_forced_default_partition() {
    let mut roles = Roles::new();
    let owner = roles.make("vault_owner");
    let Some(db) = pg::test_db() else { return };
    create_owner(&db, &owner);
    let mut c = db.client();
    let this_month = today(&mut c).truncate(Period::Month);
    let (plus1, plus2) = (this_month.next(Period::Month), this_month.next(Period::Month).next(Period::Month));
    let m = |d: CivilDate| format!("vault_{}", d.suffix(Period::Month));
    let schema = build(
        Schema::builder().add_table(
            Table::new("vault")
                .column(bigint("id"))
                .column(Column::new("at", SqlType::Timestamptz))
                .primary_key(["id", "at"])
                .partition_by(Partitioning::range(["at"]).monthly(this_month, 1).ahead(1).with_default())
                .row_level_security(true)
                .policy(Policy::new("everyone").using("true")),
        ),
    );
    apply_as(&db, &owner, &schema);
    let at = |d: CivilDate| format!("'{d} 12:00:00+00'");
    // Written by the superuser, who bypasses row-level security.
    batch(&mut c, &format!("INSERT INTO vault VALUES (1, {}), (2, {}), (3, {}), (4, '1990-01-02 00:00:00+00')", at(plus1), at(plus1), at(plus2)));
    let forced: Vec<bool> = col(&mut c, "SELECT relforcerowsecurity FROM pg_class WHERE oid IN ('vault'::regclass, 'vault_default'::regclass) ORDER BY relname");
    assert_eq!(forced, [true, true]);

    batch(&mut c, &format!("SET ROLE {}", q(&owner)));
    let seen: i64 = one(&mut c, "SELECT count(*) FROM public.vault_default");
    assert_eq!(seen, 0, "FORCE and no policy: the owner sees none of the default partition's 4 rows");
    let through_parent: i64 = one(&mut c, "SELECT count(*) FROM vault");
    assert_eq!(through_parent, 4, "through the parent, its policy lets the owner see them");

    // Without lifting FORCE: nothing moves and the new partition is refused.
    batch(&mut c, "RESET ROLE");
    let definition: String = one(&mut c, "SELECT pg_get_functiondef('public.ensure_partitions(regclass, text, integer)'::regprocedure)");
    let lifting = "EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', default_part);";
    assert_eq!(definition.matches(lifting).count(), 1, "{definition}");
    let unlifted = definition.replace(lifting, "NULL;").replace("FUNCTION public.ensure_partitions(", "FUNCTION public.ensure_partitions_unlifted(");
    batch(&mut c, &format!("{unlifted};\nGRANT EXECUTE ON FUNCTION public.ensure_partitions_unlifted(regclass, text, integer) TO {}", q(&owner)));
    let mut tx = c.transaction().unwrap();
    tx.batch_execute(&format!("SET LOCAL ROLE {}", q(&owner))).unwrap();
    expect_sqlstate(tx.query_one("SELECT public.ensure_partitions_unlifted('vault', 'month', 3)", &[]), "23514", "ensure_partitions without lifting FORCE");
    tx.rollback().unwrap();

    batch(&mut c, &format!("SET ROLE {}", q(&owner)));
    let made: i32 = one(&mut c, "SELECT public.ensure_partitions('vault', 'month', 3)");
    assert_eq!(made, 2);
    batch(&mut c, "RESET ROLE");
    let homes: Vec<String> = col(&mut c, "SELECT tableoid::regclass::text FROM vault ORDER BY id");
    assert_eq!(homes, [m(plus1), m(plus1), m(plus2), "vault_default".to_owned()], "the rows moved, none lost");
    let flags: Vec<(String, bool, bool)> = c
        .query(
            "SELECT relname::text, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'vault\\_%' AND relkind = 'r' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let mut expected: Vec<(String, bool, bool)> = [m(this_month), m(plus1), m(plus2), "vault_default".to_owned()].into_iter().map(|n| (n, true, true)).collect();
    expected.sort();
    assert_eq!(flags, expected, "the default partition forced again, the new ones enabled and forced");
}

/// BUG (library): partitions made at apply time (`ahead`) are named
/// `{table}_yyyy_mm` by ensure_partitions, and build() does not check that length.
/// With a 57-byte table name the names are 65 bytes; PostgreSQL truncates them to
/// 63 (`..._2026_`), so all months of one year map to the SAME name,
/// `to_regclass` finds it, and ensure_partitions silently skips them, leaving a
/// hole (seen: November 2026 and January 2027 created, December missing; rows for
/// December fail with 23514). Either outcome below is acceptable.
/// Suggested fix: in build(), check `{table}_{longest suffix of the period}`
/// (11 bytes for days) for windows with `ahead > 0` as a generated identifier, and
/// in ensure_partitions RAISE when `octet_length(part_name) > 63`.
#[test]
fn ahead_partitions_of_a_long_table_name_are_refused_or_all_created() {
    let name = format!("t{}", "x".repeat(56));
    let result = Schema::builder()
        .add_table(
            Table::new(name.as_str())
                .column(bigint("id"))
                .column(Column::new("at", SqlType::Timestamptz))
                .primary_key(["id", "at"])
                .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 0).ahead(3)),
        )
        .build();
    let Ok(schema) = result else {
        let err = result.unwrap_err();
        assert!(err.iter().any(|e| matches!(e, SchemaError::InvalidIdentifier { generated: true, .. })), "{err}");
        return;
    };
    let Some(db) = pg::test_db() else { return };
    apply(&db, &schema);
    let mut c = db.client();
    let parts = partitions_of(&mut c, &name);
    assert_eq!(parts.len(), 3, "BUG: ahead(3) made {} partition(s): {parts:?}", parts.len());
}

/// Daily, monthly (across a year end) and yearly windows name their partitions
/// `_yyyy_mm_dd`, `_yyyy_mm`, `_yyyy` with exact bounds for date, timestamptz and
/// timestamp keys (including 29 February), and ensure_partitions with 'day' and
/// 'year' uses the same names.
#[test]
fn daily_monthly_yearly_windows_name_partitions() {
    let Some(db) = pg::test_db() else { return };
    let key = |ty: SqlType| Column::new("at", ty);
    let schema = build(
        Schema::builder()
            .add_table(
                Table::new("d")
                    .column(bigint("id"))
                    .column(key(SqlType::Date))
                    .primary_key(["id", "at"])
                    .partition_by(Partitioning::range(["at"]).daily(CivilDate::new(2024, 2, 27).unwrap(), 4).ahead(2)),
            )
            .add_table(
                Table::new("m")
                    .column(bigint("id"))
                    .column(key(SqlType::Timestamptz))
                    .primary_key(["id", "at"])
                    .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 11, 20).unwrap(), 3)),
            )
            .add_table(
                Table::new("y")
                    .column(bigint("id"))
                    .column(key(SqlType::Timestamp))
                    .primary_key(["id", "at"])
                    .partition_by(Partitioning::range(["at"]).yearly(CivilDate::new(2020, 6, 15).unwrap(), 2).ahead(1)),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(&mut c, "SET TimeZone = 'UTC'");
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    let today_suffix: String = one(&mut c, "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM_DD')");
    let tomorrow_suffix: String = one(&mut c, "SELECT to_char(now() AT TIME ZONE 'UTC' + interval '1 day', 'YYYY_MM_DD')");
    let d: Vec<(String, String)> = partitions_of(&mut c, "d").into_iter().filter(|(n, _)| n.starts_with("d_2024")).collect();
    assert_eq!(
        d,
        pairs(&[
            ("d_2024_02_27", "FOR VALUES FROM ('2024-02-27') TO ('2024-02-28')"),
            ("d_2024_02_28", "FOR VALUES FROM ('2024-02-28') TO ('2024-02-29')"),
            ("d_2024_02_29", "FOR VALUES FROM ('2024-02-29') TO ('2024-03-01')"),
            ("d_2024_03_01", "FOR VALUES FROM ('2024-03-01') TO ('2024-03-02')"),
        ])
    );
    let d_names: Vec<String> = partitions_of(&mut c, "d").into_iter().map(|(n, _)| n).collect();
    assert!(
        d_names.contains(&format!("d_{today_suffix}")) && d_names.contains(&format!("d_{tomorrow_suffix}")),
        "ahead(2) daily: {d_names:?}"
    );
    assert_eq!(
        partitions_of(&mut c, "m"),
        pairs(&[
            ("m_2026_11", "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')"),
            ("m_2026_12", "FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')"),
            ("m_2027_01", "FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00')"),
        ])
    );
    let y: Vec<(String, String)> = partitions_of(&mut c, "y").into_iter().filter(|(n, _)| n == "y_2020" || n == "y_2021").collect();
    assert_eq!(
        y,
        pairs(&[
            ("y_2020", "FOR VALUES FROM ('2020-01-01 00:00:00') TO ('2021-01-01 00:00:00')"),
            ("y_2021", "FOR VALUES FROM ('2021-01-01 00:00:00') TO ('2022-01-01 00:00:00')"),
        ])
    );
    let this_year: String = one(&mut c, "SELECT 'y_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY')");
    assert!(partitions_of(&mut c, "y").iter().any(|(n, _)| *n == this_year), "ahead(1) yearly creates {this_year}");
    let made: i32 = one(&mut c, "SELECT public.ensure_partitions('y', 'year', 2)");
    assert_eq!(made, 1, "next year's partition");

    let route = |c: &mut Client, t: &str, at: &str| -> String {
        c.query_one(&format!("INSERT INTO {t} VALUES (1, {at}) RETURNING tableoid::regclass::text"), &[]).unwrap().get(0)
    };
    assert_eq!(route(&mut c, "d", "'2024-02-29'"), "d_2024_02_29");
    assert_eq!(route(&mut c, "m", "'2026-12-31 23:59:59.999999+00'"), "m_2026_12");
    assert_eq!(route(&mut c, "y", "'2021-12-31 23:59:59'"), "y_2021");
}

/// A primary key that includes the partition key works (duplicates refused, an
/// index declared on the parent exists on every partition); `build()` REFUSES a
/// primary key, unique constraint or unique index without the partition key with
/// `SchemaError::PartitionKeyNotInUniqueKey`, naming the missing column.
#[test]
fn partitioned_primary_keys_must_contain_the_partition_key() {
    let base = || {
        Table::new("orders")
            .column(bigint("id"))
            .column(Column::new("email", SqlType::Text))
            .column(Column::new("placed_at", SqlType::Timestamptz))
            .partition_by(Partitioning::range(["placed_at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 2).with_default())
    };
    let err = Schema::builder()
        .add_table(
            base()
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["email"]))
                .index(Index::on(["email"]).unique().named("orders_email_idx")),
        )
        .build()
        .expect_err("a PK without the partition key must be refused");
    let mut missing: Vec<(String, String, Vec<String>)> = err
        .iter()
        .filter_map(|e| match e {
            SchemaError::PartitionKeyNotInUniqueKey { table, constraint, missing } => {
                Some((table.to_string(), constraint.clone(), missing.clone()))
            }
            _ => None,
        })
        .collect();
    missing.sort();
    let placed = vec!["placed_at".to_owned()];
    assert_eq!(
        missing,
        [
            ("public.orders".to_owned(), "orders_email_idx".to_owned(), placed.clone()),
            ("public.orders".to_owned(), "orders_email_key".to_owned(), placed.clone()),
            ("public.orders".to_owned(), "orders_pkey".to_owned(), placed.clone()),
        ],
        "{err}"
    );
    assert_eq!(err.iter().count(), 3, "nothing else is wrong: {err}");
    assert!(err.to_string().contains("placed_at"), "the message names the missing column: {err}");

    let Some(db) = pg::test_db() else { return };
    let schema = build(Schema::builder().add_table(base().primary_key(["id", "placed_at"]).index(Index::on(["email"]))));
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO orders VALUES (1, 'a', '2026-01-05'), (1, 'a', '2026-02-05'), (2, 'b', '2030-01-01')");
    expect_sqlstate(c.execute("INSERT INTO orders VALUES (1, 'a', '2026-01-05')", &[]), "23505", "duplicate (id, placed_at)");
    let per_partition: i64 = one(&mut c, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'idx_orders_email'::regclass");
    assert_eq!(per_partition, 3, "the parent index has a child index on each of the 3 partitions");
}

/// Foreign keys from a partitioned table to a plain table, and from a plain table
/// to a partitioned one, are enforced (orphans 23503, CASCADE through partitions).
#[test]
fn foreign_keys_to_and_from_partitioned_tables_are_enforced() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .add_table(Table::new("customers").column(bigint("id")).primary_key(["id"]))
            .add_table(
                Table::new("invoices")
                    .column(bigint("id"))
                    .column(bigint("customer_id"))
                    .column(Column::new("issued_on", SqlType::Date))
                    .primary_key(["id", "issued_on"])
                    .foreign_key(ForeignKey::new(["customer_id"], public("customers"), ["id"]).on_delete(ReferentialAction::Cascade))
                    .index(Index::on(["customer_id"]))
                    .partition_by(Partitioning::range(["issued_on"]).yearly(CivilDate::new(2025, 1, 1).unwrap(), 2).with_default()),
            )
            .add_table(
                Table::new("payments")
                    .column(bigint("id"))
                    .column(bigint("invoice_id"))
                    .column(Column::new("invoice_issued_on", SqlType::Date))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["invoice_id", "invoice_issued_on"], public("invoices"), ["id", "issued_on"]))
                    .index(Index::on(["invoice_id", "invoice_issued_on"])),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO customers VALUES (1), (2)");
    exec(&mut c, "INSERT INTO invoices VALUES (10, 1, '2025-03-01'), (11, 1, '2026-03-01'), (12, 2, '2031-01-01')");
    expect_sqlstate(c.execute("INSERT INTO invoices VALUES (13, 99, '2025-03-01')", &[]), "23503", "orphan invoice");
    exec(&mut c, "INSERT INTO payments VALUES (1, 12, '2031-01-01')");
    expect_sqlstate(c.execute("INSERT INTO payments VALUES (2, 12, '2025-03-01')", &[]), "23503", "payment for a missing invoice");
    expect_sqlstate(c.execute("DELETE FROM customers WHERE id = 2", &[]), "23503", "cascade blocked by a payment of the invoice");
    exec(&mut c, "DELETE FROM customers WHERE id = 1");
    let left: Vec<i64> = ids(&mut c, "SELECT id FROM invoices ORDER BY id");
    assert_eq!(left, [12], "ON DELETE CASCADE removed the customer's invoices from both partitions");
}

/// Odd schema and table names (a space, upper case) work through static partitions,
/// the default partition, the apply-time ensure_partitions call and a later one.
#[test]
fn partitioning_quotes_odd_schema_and_table_names() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::in_schema("Ops Data", "Events")
                .column(bigint("id"))
                .column(Column::new("At", SqlType::Timestamptz))
                .primary_key(["id", "At"])
                .partition_by(Partitioning::range(["At"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 1).ahead(2).with_default()),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    let names: Vec<String> = partitions_of(&mut c, "\"Ops Data\".\"Events\"").into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"Events_2026_01".to_owned()) && names.contains(&"Events_default".to_owned()), "{names:?}");
    let current: String = one(&mut c, "SELECT 'Events_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')");
    assert!(names.contains(&current), "{names:?}");
    let made: i32 = one(&mut c, "SELECT public.ensure_partitions('\"Ops Data\".\"Events\"', 'month', 3)");
    assert_eq!(made, 1);
    let routed: String = one(&mut c, "INSERT INTO \"Ops Data\".\"Events\" VALUES (1, now()) RETURNING tableoid::regclass::text");
    assert_eq!(routed, format!("\"Ops Data\".\"{current}\""));
}

// ---------------------------------------------------------------------------
// Generated columns, full-text search, extensions
// ---------------------------------------------------------------------------

/// The brief's generated `full_name` computes on INSERT and recomputes on UPDATE;
/// writing it directly is refused (428C9).
#[test]
fn generated_column_computes_full_name() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("people")
                .column(bigint("id"))
                .column(Column::new("username", SqlType::Varchar(Some(50))))
                .column(Column::new("first_name", SqlType::Varchar(Some(100))).nullable())
                .column(Column::new("last_name", SqlType::Varchar(Some(100))).nullable())
                .column(Column::new("full_name", SqlType::Varchar(Some(201))).nullable().generated(
                    "CASE WHEN first_name IS NOT NULL AND last_name IS NOT NULL THEN first_name || ' ' || last_name ELSE COALESCE(first_name, last_name, username) END",
                ))
                .primary_key(["id"]),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO people (id, username, first_name, last_name) VALUES (1, 'ada', 'Ada', 'Lovelace'), (2, 'cher', 'Cher', NULL), (3, 'anon', NULL, NULL)");
    let names: Vec<String> = col(&mut c, "SELECT full_name FROM people ORDER BY id");
    assert_eq!(names, ["Ada Lovelace", "Cher", "anon"]);
    exec(&mut c, "UPDATE people SET last_name = 'King' WHERE id = 1");
    let n: String = one(&mut c, "SELECT full_name FROM people WHERE id = 1");
    assert_eq!(n, "Ada King");
    expect_sqlstate(
        c.execute("INSERT INTO people (id, username, full_name) VALUES (4, 'x', 'forged')", &[]),
        "428C9",
        "write to a generated column",
    );
    expect_sqlstate(c.execute("UPDATE people SET full_name = 'forged'", &[]), "428C9", "update of a generated column");
    let gen: String =
        one(&mut c, "SELECT attgenerated::text FROM pg_attribute WHERE attrelid = 'people'::regclass AND attname = 'full_name'");
    assert_eq!(gen, "s");
}

/// `full_text_search`: the stored tsvector (title weight A, body weight B, NULL body
/// tolerated) finds rows with `@@ to_tsquery`, stems English words, ranks title
/// matches above body matches, and the query uses its GIN index.
#[test]
fn full_text_search_finds_rows_and_uses_the_gin_index() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("posts")
                .column(bigint("id"))
                .column(text("title"))
                .column(text("body").nullable())
                .primary_key(["id"])
                .full_text_search("search_vector", "english", &[("title", 'A'), ("body", 'B')]),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(
        &mut c,
        "INSERT INTO posts (id, title, body) VALUES
           (1, 'Indexing databases', 'notes on storage'),
           (2, 'Cooking', 'a database of recipes, indexed by taste'),
           (3, 'Gardening', NULL);
         INSERT INTO posts (id, title, body) SELECT g, 'filler ' || g, 'lorem ipsum ' || g FROM generate_series(10, 3000) g;
         ANALYZE posts;",
    );
    let found = ids(&mut c, "SELECT id FROM posts WHERE search_vector @@ to_tsquery('english', 'database & index') ORDER BY ts_rank(search_vector, to_tsquery('english', 'database & index')) DESC");
    assert_eq!(found, [1, 2], "both match (stemmed); the title match ranks first");
    let garden = ids(&mut c, "SELECT id FROM posts WHERE search_vector @@ to_tsquery('english', 'gardens')");
    assert_eq!(garden, [3], "a NULL body still indexes the title");
    batch(&mut c, "SET enable_seqscan = off");
    let plan = explain_json(&mut c, "SELECT id FROM posts WHERE search_vector @@ to_tsquery('english', 'database')");
    assert!(plan.contains("idx_posts_search_vector"), "{plan}");
    let am: String =
        one(&mut c, "SELECT am.amname::text FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'idx_posts_search_vector'");
    assert_eq!(am, "gin");
}

/// An index with `gin_trgm_ops` makes build() add pg_trgm (and a GiST index on a
/// bigint adds btree_gist) without being asked; the DDL creates them, and
/// ILIKE / similarity queries find rows through the trigram index.
#[test]
fn trigram_index_adds_pg_trgm_and_serves_fuzzy_queries() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("people")
                .column(bigint("id"))
                .column(text("name"))
                .primary_key(["id"])
                .index(Index::with_keys([IndexKey::column("name").opclass("gin_trgm_ops")]).using(IndexMethod::Gin))
                .index(Index::on(["id"]).using(IndexMethod::Gist).named("people_id_gist")),
        ),
    );
    let exts: Vec<&str> = schema.extensions().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(exts, ["btree_gist", "pg_trgm"]);
    apply(&db, &schema);
    let mut c = db.client();
    let installed: Vec<String> =
        col(&mut c, "SELECT extname::text FROM pg_extension WHERE extname IN ('pg_trgm', 'btree_gist') ORDER BY 1");
    assert_eq!(installed, ["btree_gist", "pg_trgm"]);
    batch(
        &mut c,
        "INSERT INTO people VALUES (1, 'John Smith'), (2, 'Joan Smythe');
         INSERT INTO people SELECT g, md5(g::text) FROM generate_series(10, 3000) g;
         ANALYZE people;",
    );
    assert_eq!(ids(&mut c, "SELECT id FROM people WHERE name ILIKE '%ohn sm%'"), [1]);
    assert_eq!(ids(&mut c, "SELECT id FROM people WHERE name % 'Jon Smith' ORDER BY similarity(name, 'Jon Smith') DESC LIMIT 1"), [1]);
    batch(&mut c, "SET enable_seqscan = off");
    let plan = explain_json(&mut c, "SELECT id FROM people WHERE name ILIKE '%ohn sm%'");
    assert!(plan.contains("idx_people_name"), "{plan}");
}

// ---------------------------------------------------------------------------
// Roles and grants
// ---------------------------------------------------------------------------

fn grants_schema(reader: &str, writer: &str, group: &str, member: &str) -> Schema {
    build(
        Schema::builder()
            .role(Role::group(reader).comment("read-only"))
            .role(Role::group(writer))
            .role(Role::group(group).comment("a group"))
            .role(Role::login(member).member_of(group).comment("a member"))
            .add_table(
                Table::new("items")
                    .column(Column::new("id", SqlType::BigSerial))
                    .column(text("name"))
                    .column(text("secret"))
                    .primary_key(["id"]),
            )
            .add_table(Table::new("counters").column(Column::new("id", SqlType::BigSerial)).primary_key(["id"]))
            .grant(table_grant(&[Privilege::Select], "items", &[reader]))
            .grant(Grant::new(
                [Privilege::Select],
                GrantTarget::Table { table: public("items"), columns: vec!["id".into(), "name".into()] },
                [writer],
            ))
            .grant(table_grant(&[Privilege::Insert], "items", &[writer]))
            .grant(table_grant(&[Privilege::Insert], "counters", &[writer]))
            .grant(Grant::new([Privilege::Usage], GrantTarget::AllSequencesInSchema("public".into()), [writer]))
            .grant(table_grant(&[Privilege::Select, Privilege::Update], "items", &[group]))
            .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], [reader])),
    )
}

/// Roles are cluster-wide: the same DDL applies to a second database of the same
/// server (the roles exist by then), and to several databases at once from
/// concurrent threads while the roles do not exist yet.
#[test]
fn roles_apply_to_two_databases_and_concurrently() {
    let mut roles = Roles::new();
    let names: Vec<String> = ["reader", "writer", "group", "member"].iter().map(|b| roles.make(b)).collect();
    let schema = grants_schema(&names[0], &names[1], &names[2], &names[3]);
    let Some(first) = pg::test_db() else { return };
    let Some(second) = pg::test_db() else { return };
    apply(&first, &schema);
    apply(&second, &schema);
    let mut c = second.client();
    let n: i64 = c.query_one("SELECT count(*) FROM pg_roles WHERE rolname = ANY($1)", &[&names]).unwrap().get(0);
    assert_eq!(n, 4);

    // Concurrent applies, first while the roles do not exist yet (CREATE ROLE races),
    // then again once they do (GRANT membership and COMMENT ON ROLE race).
    let fresh: Vec<String> = ["reader", "writer", "group", "member"].iter().map(|b| roles.make(&format!("c{b}"))).collect();
    let ddl = grants_schema(&fresh[0], &fresh[1], &fresh[2], &fresh[3]).to_ddl();
    let mut failures = Vec::new();
    let mut all_dbs = Vec::new();
    for round in ["roles missing", "roles present"] {
        let Some((dbs, errors)) = apply_concurrently(&ddl, 3) else { return };
        failures.extend(errors.into_iter().map(|e| format!("{round}: {e}")));
        all_dbs.extend(dbs);
    }
    assert!(failures.is_empty(), "concurrent applies failed:\n{}", failures.join("\n---\n"));
    for db in &all_dbs {
        let mut c = db.client();
        let member_of: bool = c.query_one("SELECT pg_has_role($1, $2, 'MEMBER')", &[&fresh[3], &fresh[2]]).unwrap().get(0);
        assert!(member_of);
    }
}

/// Applies `ddl` to `n` fresh databases at once; returns psql's errors.
fn apply_concurrently(ddl: &str, n: usize) -> Option<(Vec<TestDb>, Vec<String>)> {
    let dbs: Vec<TestDb> = (0..n).map(|_| pg::test_db()).collect::<Option<_>>()?;
    let barrier = std::sync::Barrier::new(dbs.len());
    let errors = std::thread::scope(|s| {
        let handles: Vec<_> = dbs
            .iter()
            .map(|db| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    db.apply_psql(ddl)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().unwrap().err()).collect()
    });
    Some((dbs, errors))
}

/// BUG (library): when the roles already exist but the membership does not (roles
/// made by a DBA, or `member_of` added in a later version of the schema), two
/// concurrent applies both run `GRANT group TO member`; the second waits for the
/// first's uncommitted pg_auth_members row and then fails with 23505
/// (`pg_auth_members_role_member_index`), aborting its whole script. Suggested
/// fix: emit the membership like the role itself, in a DO block that ignores
/// `unique_violation` (and skips the GRANT when `pg_has_role(member, group,
/// 'MEMBER')` already holds).
#[test]
fn roles_apply_concurrently_when_roles_exist_without_membership() {
    let mut roles = Roles::new();
    let (group, member) = (roles.make("group"), roles.make("member"));
    let Some(admin) = pg::test_db() else { return };
    admin.batch(&format!("CREATE ROLE {} NOLOGIN; CREATE ROLE {} LOGIN;", q(&group), q(&member)));
    let ddl = build(
        Schema::builder()
            .role(Role::group(&group))
            .role(Role::login(&member).member_of(&group))
            .add_table(Table::new("t").column(bigint("id")).primary_key(["id"]).timestamps().audited()),
    )
    .to_ddl();
    let Some((_dbs, errors)) = apply_concurrently(&ddl, 3) else { return };
    assert!(errors.is_empty(), "BUG: concurrent applies failed on the role membership:\n{}", errors.join("\n---\n"));
}

/// Table grants: a role granted SELECT reads but its INSERT is refused (42501); a
/// column grant allows exactly those columns; a sequence grant lets a writer insert
/// into a bigserial table; role membership gives the member the group's privileges.
#[test]
fn grants_allow_exactly_what_they_say() {
    let mut roles = Roles::new();
    let (reader, writer, group, member) = (roles.make("reader"), roles.make("writer"), roles.make("group"), roles.make("member"));
    let Some(db) = pg::test_db() else { return };
    apply(&db, &grants_schema(&reader, &writer, &group, &member));
    let mut c = db.client();
    exec(&mut c, "INSERT INTO items (name, secret) VALUES ('a', 's')");
    let as_role = |c: &mut Client, role: &str| batch(c, &format!("RESET ROLE; SET ROLE {}", q(role)));

    as_role(&mut c, &reader);
    let n: i64 = one(&mut c, "SELECT count(*) FROM items");
    assert_eq!(n, 1);
    expect_sqlstate(c.execute("INSERT INTO items (name, secret) VALUES ('b', 't')", &[]), "42501", "reader inserts");
    expect_sqlstate(c.execute("UPDATE items SET name = 'z'", &[]), "42501", "reader updates");
    expect_sqlstate(c.query("SELECT * FROM counters", &[]), "42501", "reader reads an ungranted table");

    as_role(&mut c, &writer);
    let name: String = one(&mut c, "SELECT name FROM items WHERE id = 1");
    assert_eq!(name, "a", "column grant covers name");
    expect_sqlstate(c.query("SELECT secret FROM items", &[]), "42501", "column grant excludes secret");
    expect_sqlstate(c.query("SELECT * FROM items", &[]), "42501", "SELECT * needs every column");
    exec(&mut c, "INSERT INTO items (name, secret) VALUES ('b', 't')");
    exec(&mut c, "INSERT INTO counters DEFAULT VALUES");

    as_role(&mut c, &member);
    exec(&mut c, "UPDATE items SET name = 'via group' WHERE id = 1");
    let n: i64 = one(&mut c, "SELECT count(*) FROM items");
    assert_eq!(n, 2, "the member reads through the group's grant");
    batch(&mut c, &format!("SET ROLE {}", q(&group)));
    expect_sqlstate(c.execute("DELETE FROM items", &[]), "42501", "the group was not granted DELETE");

    batch(&mut c, "RESET ROLE");
    let comment: Option<String> =
        c.query_one("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = $1", &[&member]).unwrap().get(0);
    assert_eq!(comment.as_deref(), Some("a member"));
    let login: Vec<bool> = c
        .query(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname = $2",
            &[&vec![group.clone(), member.clone()], &member],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(login, [false, true], "group is NOLOGIN, member is LOGIN");
}

/// ALTER DEFAULT PRIVILEGES: a table the applying role creates AFTER the DDL is
/// readable by the grantee; with `for_role`, tables a named owner creates later are
/// covered; a table created by some other role is not.
#[test]
fn default_privileges_cover_tables_created_later() {
    let mut roles = Roles::new();
    let (reader, reader2, owner) = (roles.make("reader"), roles.make("reader2"), roles.make("owner"));
    let Some(db) = pg::test_db() else { return };
    create_owner(&db, &owner);
    let mut owner_default = DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], [reader2.as_str()]);
    owner_default.for_role = Some(owner.clone());
    let schema = build(
        Schema::builder()
            .role(Role::group(&reader))
            .role(Role::group(&reader2))
            .add_table(Table::new("existing").column(bigint("id")).primary_key(["id"]))
            .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], [reader.as_str()]))
            .default_privileges(owner_default),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(&mut c, "CREATE TABLE later_by_applier (id int); INSERT INTO later_by_applier VALUES (1);");
    batch(
        &mut c,
        &format!("SET ROLE {}; CREATE TABLE later_by_owner (id int); INSERT INTO later_by_owner VALUES (2); RESET ROLE;", q(&owner)),
    );

    batch(&mut c, &format!("SET ROLE {}", q(&reader)));
    let n: i64 = one(&mut c, "SELECT count(*) FROM later_by_applier");
    assert_eq!(n, 1, "covered by the applying role's default privileges");
    expect_sqlstate(c.query("SELECT * FROM later_by_owner", &[]), "42501", "another role's new table is not covered");
    expect_sqlstate(c.query("SELECT * FROM existing", &[]), "42501", "default privileges do not reach back to existing tables");
    batch(&mut c, &format!("RESET ROLE; SET ROLE {}", q(&reader2)));
    let n: i64 = one(&mut c, "SELECT count(*) FROM later_by_owner");
    assert_eq!(n, 1, "covered by FOR ROLE owner");
    expect_sqlstate(c.query("SELECT * FROM later_by_applier", &[]), "42501", "reader2 is only granted the owner's tables");
}

// ---------------------------------------------------------------------------
// Views, domains, version, functions and triggers, comments
// ---------------------------------------------------------------------------

/// A materialized view with a unique index refreshes CONCURRENTLY and shows new
/// rows afterwards (and not before); one without a unique index cannot; a plain
/// view reads through at once; a `security_invoker` view applies the caller's RLS.
#[test]
fn views_and_materialized_views_behave() {
    let mut roles = Roles::new();
    let app = roles.make("app");
    let Some(db) = pg::test_db() else { return };
    let mut invoker = View::new(public("my_users"), "SELECT id, name FROM public.users").depends_on(public("users"));
    invoker.security_invoker = true;
    let schema = build(
        Schema::builder()
            .role(Role::group(&app))
            .add_table(users_with_isolation(false))
            .view(
                View::materialized(public("name_counts"), "SELECT name, count(*) AS n FROM public.users GROUP BY name")
                    .depends_on(public("users"))
                    .index(Index::on(["name"]).unique())
                    .comment("refresh concurrently"),
            )
            .view(
                View::materialized(public("name_counts_plain"), "SELECT name, count(*) AS n FROM public.users GROUP BY name")
                    .depends_on(public("users")),
            )
            .view(View::new(public("user_names"), "SELECT name FROM public.name_counts ORDER BY name").depends_on(public("name_counts")))
            .view(invoker)
            .grant(table_grant(&[Privilege::Select], "users", &[&app]))
            .grant(table_grant(&[Privilege::Select], "my_users", &[&app])),
    );
    apply(&db, &schema);
    let mut c = db.client();
    batch(&mut c, "INSERT INTO users VALUES (1, 'ann'), (2, 'bob')");
    let before: Vec<String> = col(&mut c, "SELECT name FROM name_counts ORDER BY name");
    assert!(before.is_empty(), "WITH DATA at creation time, when users was empty");
    batch(&mut c, "REFRESH MATERIALIZED VIEW CONCURRENTLY name_counts");
    let after: Vec<String> = col(&mut c, "SELECT name FROM user_names");
    assert_eq!(after, ["ann", "bob"], "the view over the matview reads the refreshed rows");
    batch(&mut c, "INSERT INTO users VALUES (3, 'ann'); REFRESH MATERIALIZED VIEW CONCURRENTLY name_counts;");
    let ann: i64 = one(&mut c, "SELECT n FROM name_counts WHERE name = 'ann'");
    assert_eq!(ann, 2);
    expect_sqlstate(
        c.batch_execute("REFRESH MATERIALIZED VIEW CONCURRENTLY name_counts_plain"),
        "55000",
        "CONCURRENTLY without a unique index",
    );

    batch(&mut c, &format!("SET ROLE {}", q(&app)));
    set_setting(&mut c, "app.user_id", "2");
    assert_eq!(ids(&mut c, "SELECT id FROM my_users ORDER BY id"), [2], "security_invoker view applies the caller's policy");
}

/// A CHECK on a domain rejects a bad value in a column of that domain (23514, named
/// by PostgreSQL after the domain); a NOT NULL domain refuses NULL (23502); the
/// domain's default fills an omitted column.
#[test]
fn domains_check_their_values() {
    let Some(db) = pg::test_db() else { return };
    let mut tier = Domain::new("tier", SqlType::Text).check(CheckConstraint::new("VALUE IN ('free', 'pro')").named("tier_known"));
    tier.not_null = true;
    tier.default = Some("'free'".into());
    let schema = build(
        Schema::builder()
            .domain(
                Domain::new("email_address", SqlType::Varchar(Some(255)))
                    .check(CheckConstraint::new(r"VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'")),
            )
            .domain(Domain::new("phone_number", SqlType::Varchar(Some(20))).check(CheckConstraint::new(r"VALUE ~ '^\+?[1-9]\d{1,14}$'")))
            .domain(tier)
            .add_table(
                Table::new("contacts")
                    .column(bigint("id"))
                    .column(Column::new("email", SqlType::Named(public("email_address"))))
                    .column(Column::new("phone", SqlType::Named(public("phone_number"))).nullable())
                    .column(Column::new("tier", SqlType::Named(public("tier"))).nullable())
                    .primary_key(["id"]),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO contacts (id, email, phone) VALUES (1, 'ann@example.com', '+4915112345678')");
    let t: String = one(&mut c, "SELECT tier FROM contacts WHERE id = 1");
    assert_eq!(t, "free", "the domain default");
    let e = expect_sqlstate(c.execute("INSERT INTO contacts (id, email) VALUES (2, 'not-an-email')", &[]), "23514", "bad email");
    assert_eq!(e.constraint(), Some("email_address_check"));
    expect_sqlstate(c.execute("INSERT INTO contacts (id, email, phone) VALUES (2, 'b@example.com', '0123')", &[]), "23514", "bad phone");
    let e =
        expect_sqlstate(c.execute("INSERT INTO contacts (id, email, tier) VALUES (2, 'b@example.com', 'gold')", &[]), "23514", "bad tier");
    assert_eq!(e.constraint(), Some("tier_known"));
    expect_sqlstate(
        c.execute("INSERT INTO contacts (id, email, tier) VALUES (2, 'b@example.com', NULL)", &[]),
        "23502",
        "NULL into a NOT NULL domain",
    );
    expect_sqlstate(c.execute("UPDATE contacts SET email = 'x@y'", &[]), "23514", "UPDATE to a bad email");
    let ty: String = one(
        &mut c,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'contacts'::regclass AND attname = 'email'",
    );
    assert_eq!(ty, "email_address");
}

/// `.version(..)` records one schema_migrations row with applied_by = the applying
/// role; re-running the version INSERT, or the whole script, keeps one row.
#[test]
fn schema_version_records_who_applied_it() {
    let mut roles = Roles::new();
    let owner = roles.make("owner");
    let Some(db) = pg::test_db() else { return };
    create_owner(&db, &owner);
    let schema = build(
        Schema::builder().add_table(Table::new("things").column(bigint("id")).primary_key(["id"])).version("2026.05.1", "it's the first"),
    );
    let ddl = apply_as(&db, &owner, &schema);
    let mut c = db.client();
    let row = c.query_one("SELECT version::text, description, applied_by, applied_at <= now() FROM schema_migrations", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), "2026.05.1");
    assert_eq!(row.get::<_, Option<String>>(1).as_deref(), Some("it's the first"));
    assert_eq!(row.get::<_, String>(2), owner, "applied_by = current_user of the apply");
    assert!(row.get::<_, bool>(3));

    let insert = ddl.lines().find(|l| l.starts_with("INSERT INTO public.schema_migrations")).expect("the version INSERT").to_owned();
    db.apply_psql(&insert).unwrap();
    let _ = db.apply_psql(&ddl); // the whole script again: whatever it does, no second row
    let n: i64 = one(&mut c, "SELECT count(*) FROM schema_migrations");
    assert_eq!(n, 1);
}

/// User-defined functions and triggers with `depends_on`: an AFTER trigger keeps a
/// per-author counter in another table on INSERT, DELETE and UPDATE OF author_id; a
/// SQL function reading that table (checked at creation, so it must come after it)
/// works; a BEFORE trigger with WHEN and a quoted argument fills a column.
#[test]
fn user_functions_and_triggers_fire() {
    let Some(db) = pg::test_db() else { return };
    let counter = Function::trigger(
        QualifiedName::public("bump_author_posts"),
        r#"
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE public.author_stats SET posts = posts - 1 WHERE author_id = OLD.author_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO public.author_stats AS s (author_id, posts) VALUES (NEW.author_id, 1)
        ON CONFLICT (author_id) DO UPDATE SET posts = s.posts + 1;
    END IF;
    RETURN NULL;
END
"#,
    )
    .depends_on(public("author_stats"))
    .comment("keeps author_stats.posts current");
    let mut posts_of = Function::new(
        QualifiedName::public("posts_of"),
        "integer",
        "sql",
        "SELECT coalesce((SELECT posts FROM public.author_stats WHERE author_id = author), 0)",
    )
    .arguments("author bigint")
    .depends_on(public("author_stats"));
    posts_of.volatility = Some(Volatility::Stable);
    let tagger = Function::trigger(QualifiedName::public("default_note"), "\nBEGIN\n    NEW.note := TG_ARGV[0];\n    RETURN NEW;\nEND\n");
    let schema = build(
        Schema::builder()
            .function(counter)
            .function(posts_of)
            .function(tagger)
            .add_table(
                Table::new("author_stats")
                    .column(bigint("author_id"))
                    .column(Column::new("posts", SqlType::Integer))
                    .primary_key(["author_id"]),
            )
            .add_table(
                Table::new("posts")
                    .column(bigint("id"))
                    .column(bigint("author_id"))
                    .column(text("note").nullable())
                    .primary_key(["id"])
                    .trigger(Trigger::new(
                        "posts_count",
                        TriggerTiming::After,
                        [TriggerEvent::Insert, TriggerEvent::Delete, TriggerEvent::Update(vec!["author_id".into()])],
                        public("bump_author_posts"),
                    ))
                    .trigger(
                        Trigger::new("posts_note", TriggerTiming::Before, [TriggerEvent::Insert], public("default_note"))
                            .argument("it's \"tagged\" \\o/")
                            .when("NEW.note IS NULL"),
                    ),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO posts (id, author_id) VALUES (1, 7), (2, 7), (3, 8)");
    exec(&mut c, "INSERT INTO posts VALUES (4, 8, 'mine')");
    let counts: Vec<(i64, i32)> =
        c.query("SELECT author_id, posts FROM author_stats ORDER BY 1", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(counts, [(7, 2), (8, 2)]);
    exec(&mut c, "DELETE FROM posts WHERE id = 1");
    exec(&mut c, "UPDATE posts SET author_id = 9 WHERE id = 3");
    exec(&mut c, "UPDATE posts SET note = 'edited' WHERE id = 4"); // not UPDATE OF author_id: no change
    let counts: Vec<(i64, i32)> =
        c.query("SELECT author_id, posts FROM author_stats ORDER BY 1", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(counts, [(7, 1), (8, 1), (9, 1)]);
    let via_fn: i32 = one(&mut c, "SELECT public.posts_of(9)");
    assert_eq!(via_fn, 1);
    let notes: Vec<Option<String>> = col(&mut c, "SELECT note FROM posts ORDER BY id");
    assert_eq!(notes, [Some("it's \"tagged\" \\o/".to_owned()), Some("it's \"tagged\" \\o/".to_owned()), Some("edited".to_owned())]);
    let volatile: String = one(&mut c, "SELECT provolatile::text FROM pg_proc WHERE proname = 'posts_of'");
    assert_eq!(volatile, "s");
}

/// Functions on views and views calling functions, each declared before what
/// it needs: a SQL function reading a view and returning its rows (declared
/// `depends_on`), SQL and plpgsql functions taking or returning its row type
/// (found from the signature), a view calling one of those, and a function
/// reading that view. The script creates each after what it needs, so it
/// applies (it created every function before every view: `ERROR 42704: type
/// "public.v" does not exist`) and each returns the view's rows.
#[test]
fn functions_on_views_and_views_calling_them_apply_in_dependency_order() {
    let Some(db) = pg::test_db() else { return };
    let sql_fn = |name: &str, arguments: &str, returns: &str, body: &str| Function::new(public(name), returns, "sql", body).arguments(arguments);
    let schema = build(
        Schema::builder()
            .function(sql_fn("v_rows", "", "SETOF public.v", "SELECT * FROM public.v ORDER BY id").depends_on(public("v")))
            .function(sql_fn("doubled", "r public.v", "bigint", "SELECT r.x * 2"))
            .function(sql_fn("w_total", "", "bigint", "SELECT sum(d)::bigint FROM public.w").depends_on(public("w")))
            .function(Function::new(
                public("latest"),
                "public.v",
                "plpgsql",
                "\nDECLARE\n    r public.v;\nBEGIN\n    SELECT * INTO r FROM public.v ORDER BY id DESC LIMIT 1;\n    RETURN r;\nEND\n",
            ))
            .add_table(Table::new("t").column(bigint("id")).column(bigint("x")).primary_key(["id"]))
            .view(View::new(public("w"), "SELECT v.id, public.doubled(v) AS d FROM public.v").depends_on(public("v")))
            .view(View::new(public("v"), "SELECT id, x FROM public.t").depends_on(public("t"))),
    );
    let ddl = schema.to_ddl();
    let mut c = db.client();
    pgarchitect::live::apply(&mut c, &schema).unwrap_or_else(|e| panic!("{e}\n--- DDL ---\n{ddl}"));
    batch(&mut c, "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
    let rows: String = one(&mut c, "SELECT string_agg(id || ':' || x, ' ' ORDER BY id) FROM public.v_rows()");
    assert_eq!(rows, "1:10 2:20 3:30");
    let total: i64 = one(&mut c, "SELECT public.w_total()");
    assert_eq!(total, 120);
    let latest: i64 = one(&mut c, "SELECT (public.latest()).id");
    assert_eq!(latest, 3);
    // The same script through psql, on a database of its own.
    let Some(other) = pg::test_db() else { return };
    apply(&other, &schema);
}

/// A SQL function calling one declared after it (a function cannot be named
/// in `depends_on`): its body is checked when it is created, so it comes
/// after its callee, after the tables when that one reads one (it came
/// first, before the tables, reading no table itself: `ERROR 42883:
/// function public.t_count() does not exist`), before them otherwise (a
/// column default calls it).
#[test]
fn sql_functions_calling_functions_declared_after_them_apply() {
    let Some(db) = pg::test_db() else { return };
    let sql_fn = |name: &str, returns: &str, body: &str| Function::new(public(name), returns, "sql", body);
    let schema = build(
        Schema::builder()
            .function(sql_fn("twice_count", "bigint", "SELECT 2 * public.t_count()"))
            .function(sql_fn("t_count", "bigint", "SELECT count(*) FROM public.t").depends_on(public("t")))
            .function(sql_fn("plus_one", "integer", "SELECT one() + n").arguments("n integer"))
            .function(sql_fn("one", "integer", "SELECT 1"))
            .add_table(Table::new("t").column(bigint("id")).column(Column::new("n", SqlType::Integer).default_expr("public.plus_one(1)")).primary_key(["id"])),
    );
    let ddl = schema.to_ddl();
    let mut c = db.client();
    pgarchitect::live::apply(&mut c, &schema).unwrap_or_else(|e| panic!("{e}\n--- DDL ---\n{ddl}"));
    batch(&mut c, "INSERT INTO t (id) VALUES (1), (2)");
    let row = c.query_one("SELECT public.twice_count(), (SELECT sum(n) FROM t)", &[]).unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (4, 4));
}

/// `COMMENT ON` every other object kind the model has (view, materialized view and
/// its index, function, trigger, policy, role, domain, schema-qualified table in a
/// non-public schema) reads back exactly.
#[test]
fn comments_on_every_object_kind_read_back() {
    let mut roles = Roles::new();
    let role = roles.make("commented");
    let Some(db) = pg::test_db() else { return };
    let text_of = |kind: &str| format!("{kind}: it's \\ \"odd\" — ☃\nsecond line");
    let mut trigger_fn = Function::trigger(QualifiedName::new("app", "noop"), "\nBEGIN\n    RETURN NEW;\nEND\n");
    trigger_fn.comment = Some(text_of("function"));
    let schema = build(
        Schema::builder()
            .role(Role::group(&role).comment(text_of("role")))
            .domain(Domain::new("positive", SqlType::Integer).check(CheckConstraint::new("VALUE > 0")).comment(text_of("domain")))
            .function(trigger_fn)
            .add_table(
                Table::in_schema("app", "t")
                    .column(bigint("id"))
                    .primary_key(["id"])
                    .comment(text_of("table"))
                    .trigger(
                        Trigger::new("t_noop", TriggerTiming::Before, [TriggerEvent::Insert], QualifiedName::new("app", "noop"))
                            .comment(text_of("trigger")),
                    )
                    .row_level_security(false)
                    .policy(Policy::new("all_rows").using("true").comment(text_of("policy"))),
            )
            .view(
                View::new(QualifiedName::new("app", "v"), "SELECT id FROM app.t")
                    .depends_on(QualifiedName::new("app", "t"))
                    .comment(text_of("view")),
            )
            .view(
                View::materialized(QualifiedName::new("app", "mv"), "SELECT id FROM app.t")
                    .depends_on(QualifiedName::new("app", "t"))
                    .index(Index::on(["id"]).unique().comment(text_of("index")))
                    .comment(text_of("matview")),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    let checks = [
        ("table", "SELECT obj_description('app.t'::regclass, 'pg_class')"),
        ("view", "SELECT obj_description('app.v'::regclass, 'pg_class')"),
        ("matview", "SELECT obj_description('app.mv'::regclass, 'pg_class')"),
        ("index", "SELECT obj_description('app.idx_mv_id'::regclass, 'pg_class')"),
        ("function", "SELECT obj_description('app.noop()'::regprocedure, 'pg_proc')"),
        ("trigger", "SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = 't_noop'"),
        ("policy", "SELECT obj_description(oid, 'pg_policy') FROM pg_policy WHERE polname = 'all_rows'"),
        ("domain", "SELECT obj_description('positive'::regtype, 'pg_type')"),
    ];
    for (kind, sql) in checks {
        let got: Option<String> = one(&mut c, sql);
        assert_eq!(got, Some(text_of(kind)), "{kind}");
    }
    let got: Option<String> =
        c.query_one("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = $1", &[&role]).unwrap().get(0);
    assert_eq!(got, Some(text_of("role")));
}

/// Every brief feature in one schema, applied as a non-superuser owner: the DDL
/// applies, then applies again to a second database on the same server.
#[test]
fn everything_together_applies_twice_as_a_non_superuser() {
    let mut roles = Roles::new();
    let (owner, app) = (roles.make("owner"), roles.make("app"));
    let Some(first) = pg::test_db() else { return };
    let Some(second) = pg::test_db() else { return };
    // The owner creates roles and extensions: CREATEROLE, and pg_trgm is trusted.
    first.batch(&format!(
        "DO $$ BEGIN CREATE ROLE {o} NOLOGIN CREATEROLE; EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
        o = q(&owner)
    ));
    for db in [&first, &second] {
        db.batch(&format!(
            "GRANT CREATE, USAGE ON SCHEMA public TO {o}; GRANT CREATE ON DATABASE {d} TO {o};",
            o = q(&owner),
            d = q(db.name())
        ));
    }
    let schema = build(
        Schema::builder()
            .role(Role::login(&app))
            .add_table(
                users_with_isolation(true)
                    .column(Column::new("email", SqlType::Text))
                    .timestamps()
                    .soft_delete()
                    .audited()
                    .index(Index::on(["email"]).unique().live_rows())
                    .index(Index::with_keys([IndexKey::column("name").opclass("gin_trgm_ops")]).using(IndexMethod::Gin)),
            )
            .add_table(
                Table::new("posts")
                    .column(bigint("id"))
                    .column(bigint("user_id"))
                    .column(text("title"))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["user_id"], public("users"), ["id"]).on_delete(ReferentialAction::Cascade))
                    .index(Index::on(["user_id"]))
                    .full_text_search("search_vector", "english", &[("title", 'A')])
                    .audited(),
            )
            .view(
                View::materialized(public("post_counts"), "SELECT user_id, count(*) AS n FROM public.posts GROUP BY user_id")
                    .depends_on(public("posts"))
                    .index(Index::on(["user_id"]).unique()),
            )
            .grant(table_grant(&CRUD, "users", &[&app]))
            .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], [app.as_str()]))
            .version("1", "all features"),
    );
    apply_as(&first, &owner, &schema);
    apply_as(&second, &owner, &schema);
    let mut c = second.client();
    exec(&mut c, "INSERT INTO users (id, name, email) VALUES (1, 'ann', 'a@x.io')");
    let logged: i64 = one(&mut c, "SELECT count(*) FROM audit_logs");
    assert_eq!(logged, 1);
}

// ---- view order (session 2026-12-02) ----

/// A view reading a view declared after it, with no `depends_on`: its query
/// names it, so it is created after it (it came first: `ERROR 42P01:
/// relation "b" does not exist`), as is a materialized view reading such a
/// view, bare or qualified; a name in a string or a comment, or after `AS`,
/// orders nothing.
#[test]
fn views_reading_views_declared_after_them_apply() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .view(View::materialized(public("m"), "SELECT id, doubled FROM public.a"))
            .view(View::new(public("a"), "SELECT id, x * 2 AS doubled, 'm' AS note -- not m\nFROM b"))
            .view(View::new(public("b"), "SELECT id, x, 1 AS a FROM public.t"))
            .add_table(Table::new("t").column(bigint("id")).column(bigint("x")).primary_key(["id"])),
    );
    let ddl = schema.to_ddl();
    let mut c = db.client();
    pgarchitect::live::apply(&mut c, &schema).unwrap_or_else(|e| panic!("{e}\n--- DDL ---\n{ddl}"));
    batch(&mut c, "INSERT INTO t VALUES (1, 10), (2, 20); REFRESH MATERIALIZED VIEW public.m");
    let rows: String = one(&mut c, "SELECT string_agg(id || ':' || doubled, ' ' ORDER BY id) FROM public.m");
    assert_eq!(rows, "1:20 2:40");
    let Some(other) = pg::test_db() else { return };
    apply(&other, &schema);
}

// ---- queries ending in a line comment (session 2026-12-02) ----

/// A view whose query ends in a `--` comment: the `;` after it went into the
/// comment, so the next statement ran on (`ERROR 42601: syntax error at or
/// near "CREATE"`). It is now on a line of its own, in the DDL and in the
/// steps of a plan creating the view.
#[test]
fn a_view_query_ending_in_a_line_comment_ends_its_statement() {
    let Some(db) = pg::test_db() else { return };
    let t = || Table::new("t").column(bigint("id")).column(bigint("x")).primary_key(["id"]);
    let with_views = build(
        Schema::builder()
            .add_table(t())
            .view(View::new(public("plain"), "SELECT id, x FROM public.t -- every row"))
            .view(View::new(public("doubled"), "SELECT id, x * 2 AS x FROM public.t -- twice;").depends_on(public("t")))
            .view(View::materialized(public("summed"), "SELECT sum(x) AS total FROM public.t -- one row")),
    );
    let mut c = db.client();
    pgarchitect::live::apply(&mut c, &with_views).unwrap_or_else(|e| panic!("{e}\n{}", with_views.to_ddl()));
    batch(&mut c, "INSERT INTO t VALUES (1, 10), (2, 20)");
    let rows: String = one(&mut c, "SELECT (SELECT count(*) FROM public.plain) || ' ' || (SELECT sum(x) FROM public.doubled)");
    assert_eq!(rows, "2 60");

    let Some(other) = pg::test_db() else { return };
    let base = build(Schema::builder().add_table(t()));
    let mut c = other.client();
    pgarchitect::live::apply(&mut c, &base).unwrap();
    let plan = pgarchitect::migrate::plan(&pgarchitect::migrate::diff(&base, &with_views), &pgarchitect::migrate::PlanOptions::default()).unwrap();
    for step in &plan.steps {
        c.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{}: {e}\n{}", step.description, step.script()));
    }
    let views: i64 = one(&mut c, "SELECT count(*) FROM pg_class WHERE relname IN ('plain', 'doubled', 'summed') AND relkind IN ('v', 'm')");
    assert_eq!(views, 3);
}
