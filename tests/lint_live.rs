//! The lint's error-level claims, checked on a real PostgreSQL: each test builds a
//! schema the linter reports, applies its DDL, and shows the failure the rule
//! predicts (and, where there is one, that the suggested fix does not fail).

mod support;

use std::hash::{Hash, Hasher};

use pgarchitect_core::lint::{Diagnostic, LintConfig};
use pgarchitect_core::model::*;
use pgarchitect_core::{Schema, SchemaBuilder, SqlType};
use support::pg;

/// A role name unique to this test database (roles are cluster-wide).
fn role(db: &pg::TestDb, what: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    db.name().hash(&mut h);
    format!("lint_{what}_{:x}", h.finish())
}

fn lint(schema: &Schema, rule: &str) -> Vec<Diagnostic> {
    let today = CivilDate::new(2026, 11, 25).unwrap();
    schema.lint_with(&LintConfig::new().today(today)).of_rule(rule).cloned().collect()
}

fn id() -> Column {
    Column::new("id", SqlType::BigInt).identity(Identity::ByDefault)
}

fn select_to(builder: SchemaBuilder, table: &str, role: &str) -> SchemaBuilder {
    builder.grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public(table), columns: vec![] }, [role]))
}

/// Runs `setup` then `SELECT count(*) FROM table` as `role`; the SQLSTATE on failure.
fn count_as(db: &pg::TestDb, role: &str, setup: &str, table: &str) -> Result<i64, String> {
    let mut client = db.client();
    client.batch_execute(&format!("SET ROLE {role}; {setup}")).map_err(|e| pg::describe_error(&e))?;
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .map(|row| row.get(0))
        .map_err(|e| pg::sqlstate_of(&e).unwrap_or_else(|| pg::describe_error(&e)))
}

#[test]
fn current_setting_without_missing_ok_fails_queries() {
    let Some(db) = pg::test_db() else { return };
    let reader = role(&db, "reader");
    let builder = Schema::builder()
        .role(Role::group(&reader))
        .add_table(
            Table::new("docs")
                .column(id())
                .column(Column::new("owner_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(true)
                .policy(Policy::new("docs_own").using("owner_id = current_setting('app.user_id')::bigint")),
        )
        .add_table(
            Table::new("safe_docs")
                .column(id())
                .column(Column::new("owner_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(true)
                .policy(Policy::isolate_by_setting("safe_docs_own", "owner_id", &SqlType::BigInt, "app.user_id")),
        );
    let schema = select_to(select_to(builder, "docs", &reader), "safe_docs", &reader).build().unwrap();
    let found = lint(&schema, "current-setting-without-missing-ok");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].object, "policy docs_own on public.docs");
    pg::apply(&db, &schema);
    db.batch("INSERT INTO docs (owner_id) VALUES (1); INSERT INTO safe_docs (owner_id) VALUES (1);");

    // A session that never set app.user_id: 42704 undefined_object.
    assert_eq!(count_as(&db, &reader, "", "docs"), Err("42704".into()));
    assert_eq!(count_as(&db, &reader, "", "safe_docs"), Ok(0));
    assert_eq!(count_as(&db, &reader, "SET app.user_id = '1';", "docs"), Ok(1));
}

#[test]
fn unguarded_setting_cast_fails_after_reset() {
    let Some(db) = pg::test_db() else { return };
    let reader = role(&db, "reader");
    let builder = Schema::builder()
        .role(Role::group(&reader))
        .add_table(
            Table::new("notes")
                .column(id())
                .column(Column::new("tenant_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(true)
                .policy(Policy::new("notes_tenant").using("tenant_id = current_setting('app.tenant_id', true)::bigint")),
        )
        .add_table(
            Table::new("safe_notes")
                .column(id())
                .column(Column::new("tenant_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(true)
                .policy(Policy::isolate_by_setting("safe_notes_tenant", "tenant_id", &SqlType::BigInt, "app.tenant_id")),
        );
    let schema = select_to(select_to(builder, "notes", &reader), "safe_notes", &reader).build().unwrap();
    assert_eq!(lint(&schema, "unguarded-setting-cast").len(), 1);
    assert!(lint(&schema, "current-setting-without-missing-ok").is_empty());
    pg::apply(&db, &schema);

    // Never set: NULL, no row, no error.
    assert_eq!(count_as(&db, &reader, "", "notes"), Ok(0));
    // Set, then RESET (what a pool does between clients): '' and 22P02 invalid_text_representation.
    let reset = "SET app.tenant_id = '7'; RESET app.tenant_id;";
    assert_eq!(count_as(&db, &reader, reset, "notes"), Err("22P02".into()));
    assert_eq!(count_as(&db, &reader, reset, "safe_notes"), Ok(0));
}

#[test]
fn set_null_on_a_not_null_column_blocks_deletes() {
    let Some(db) = pg::test_db() else { return };
    let schema = Schema::builder()
        .add_table(Table::new("authors").column(id()).primary_key(["id"]))
        .add_table(
            Table::new("books")
                .column(id())
                .column(Column::new("author_id", SqlType::BigInt))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["author_id"], QualifiedName::public("authors"), ["id"]).on_delete(ReferentialAction::SetNull))
                .index(Index::on(["author_id"])),
        )
        .build()
        .unwrap();
    assert_eq!(lint(&schema, "set-null-on-not-null-column").len(), 1);
    pg::apply(&db, &schema);
    db.batch("INSERT INTO authors (id) VALUES (1); INSERT INTO books (author_id) VALUES (1);");
    let err = db.try_batch("DELETE FROM authors WHERE id = 1").expect_err("the delete cannot set author_id to NULL");
    assert_eq!(pg::sqlstate_of(&err).as_deref(), Some("23502"), "{}", pg::describe_error(&err));
}

#[test]
fn partitions_not_covering_today_reject_current_rows() {
    let Some(db) = pg::test_db() else { return };
    let month = |name: &str, from: &str, to: &str| {
        Partition::new(name, PartitionBound::Range { from: vec![format!("'{from}'")], to: vec![format!("'{to}'")] })
    };
    let schema = Schema::builder()
        .add_table(
            Table::new("audit_logs")
                .column(id())
                .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
                .primary_key(["id", "created_at"])
                .partition_by(
                    Partitioning::range(["created_at"])
                        .partition(month("audit_logs_2026_02", "2026-02-01", "2026-03-01"))
                        .partition(month("audit_logs_2026_03", "2026-03-01", "2026-04-01")),
                ),
        )
        .build()
        .unwrap();
    // Judged against the real clock: the brief's partitions are in the past from April 2026 on.
    let report = schema.lint_with(&LintConfig::new());
    let now_covered = report.of_rule("partition-not-covering-today").next().is_none();
    pg::apply(&db, &schema);
    let result = db.try_batch("INSERT INTO audit_logs DEFAULT VALUES");
    match result {
        Ok(()) => assert!(now_covered, "the insert worked, yet the lint said no partition covers today"),
        Err(e) => {
            assert!(!now_covered, "the lint missed it: {}", pg::describe_error(&e));
            // 23514 check_violation: "no partition of relation found for row".
            assert_eq!(pg::sqlstate_of(&e).as_deref(), Some("23514"), "{}", pg::describe_error(&e));
        }
    }
}

#[test]
fn policies_without_rls_and_unforced_rls_let_rows_through() {
    let Some(db) = pg::test_db() else { return };
    let reader = role(&db, "reader");
    let owner = role(&db, "owner");
    let own = |name: &str| Policy::isolate_by_setting(name, "owner_id", &SqlType::BigInt, "app.user_id");
    let table = |name: &str| Table::new(name).column(id()).column(Column::new("owner_id", SqlType::BigInt)).primary_key(["id"]);
    let builder = Schema::builder()
        .role(Role::group(&reader))
        .role(Role::group(&owner))
        .add_table(table("no_rls").policy(own("no_rls_own")))
        .add_table(table("not_forced").row_level_security(false).policy(own("not_forced_own")))
        .add_table(table("forced").row_level_security(true).policy(own("forced_own")));
    let schema = select_to(builder, "no_rls", &reader).build().unwrap();
    assert_eq!(lint(&schema, "policy-without-rls").len(), 1);
    let not_forced: Vec<String> = lint(&schema, "rls-not-forced").into_iter().map(|d| d.object).collect();
    assert_eq!(not_forced, ["public.not_forced"]);
    pg::apply(&db, &schema);
    db.batch(&format!(
        "INSERT INTO no_rls (owner_id) VALUES (1), (2);
         INSERT INTO not_forced (owner_id) VALUES (1), (2);
         INSERT INTO forced (owner_id) VALUES (1), (2);
         ALTER TABLE not_forced OWNER TO {owner};
         ALTER TABLE forced OWNER TO {owner};"
    ));
    // The policy is stored but never applied: every row, with no setting at all.
    assert_eq!(count_as(&db, &reader, "", "no_rls"), Ok(2));
    // The owner (not a superuser) bypasses unforced RLS, and not forced RLS.
    assert_eq!(count_as(&db, &owner, "", "not_forced"), Ok(2));
    assert_eq!(count_as(&db, &owner, "", "forced"), Ok(0));
    assert_eq!(count_as(&db, &owner, "SET app.user_id = '1';", "forced"), Ok(1));
}

#[test]
fn regex_class_with_pipe_accepts_a_pipe() {
    let Some(db) = pg::test_db() else { return };
    // The brief's email check, and the fix the rule suggests.
    let brief = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}$";
    let fixed = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$";
    let schema = Schema::builder()
        .domain(Domain::new("email_address", SqlType::Varchar(Some(255))).check(CheckConstraint::new(format!("VALUE ~ '{brief}'"))))
        .domain(Domain::new("fixed_email_address", SqlType::Varchar(Some(255))).check(CheckConstraint::new(format!("VALUE ~ '{fixed}'"))))
        .build()
        .unwrap();
    let found = lint(&schema, "regex-class-with-pipe");
    assert_eq!(found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["domain public.email_address"], "{found:#?}");
    assert!(found[0].help.contains("`[A-Za-z]`"), "{}", found[0].help);
    pg::apply(&db, &schema);

    let mut client = db.client();
    let matches = |client: &mut postgres::Client, value: &str, re: &str| -> bool {
        client.query_one(&format!("SELECT '{value}' ~ '{re}'"), &[]).unwrap().get(0)
    };
    // Inside brackets `|` is a member: the TLD may hold a pipe.
    assert!(matches(&mut client, "a@b.c|m", brief));
    assert!(!matches(&mut client, "a@b.c|m", fixed));
    assert!(matches(&mut client, "a@b.cm", brief) && matches(&mut client, "a@b.cm", fixed));
    // So the domain's check lets the value in; the fixed one refuses it (23514 check_violation).
    client.batch_execute("SELECT 'a@b.c|m'::email_address").expect("the brief's check accepts a pipe");
    let err = client.batch_execute("SELECT 'a@b.c|m'::fixed_email_address").expect_err("the fixed check refuses it");
    assert_eq!(pg::sqlstate_of(&err).as_deref(), Some("23514"), "{}", pg::describe_error(&err));
}

#[test]
fn comparing_current_user_with_an_undeclared_role_never_holds() {
    let Some(db) = pg::test_db() else { return };
    let reader = role(&db, "reader");
    // Stands for the brief's 'admin': a name no server has (roles are cluster-wide,
    // so an improbable unique name, never created, rather than `admin` itself).
    let absent = role(&db, "absent_admin");
    let table = |name: &str| Table::new(name).column(id()).primary_key(["id"]).row_level_security(true);
    let builder = Schema::builder()
        .role(Role::group(&reader))
        .add_table(table("admin_only").policy(Policy::new("admin_only_admin").using(format!("current_user = '{absent}'"))))
        .add_table(table("reader_only").policy(Policy::new("reader_only_reader").using(format!("current_user = '{reader}'"))))
        .add_table(table("case_admin").policy(Policy::new("case_admin_admin").using(format!("CASE current_user WHEN '{absent}' THEN true ELSE false END"))))
        .add_table(table("case_reader").policy(Policy::new("case_reader_reader").using(format!("CASE current_user WHEN '{reader}' THEN true ELSE false END"))));
    let builder = ["admin_only", "reader_only", "case_admin", "case_reader"].into_iter().fold(builder, |b, t| select_to(b, t, &reader));
    let schema = builder.build().unwrap();
    let found = lint(&schema, "unknown-role-in-expression");
    assert_eq!(
        found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(),
        ["policy admin_only_admin on public.admin_only", "policy case_admin_admin on public.case_admin"],
        "{found:#?}"
    );
    assert!(found[1].message.contains(&format!("`CASE current_user WHEN '{absent}'`")), "{}", found[1].message);
    pg::apply(&db, &schema);
    db.batch(
        "INSERT INTO admin_only DEFAULT VALUES; INSERT INTO admin_only DEFAULT VALUES; INSERT INTO reader_only DEFAULT VALUES;
         INSERT INTO case_admin DEFAULT VALUES; INSERT INTO case_reader DEFAULT VALUES;",
    );
    let exists: bool = db.client().query_one("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", &[&absent]).unwrap().get(0);
    assert!(!exists, "role {absent} must not exist");

    // No role has that name, so the comparison never holds: every row is hidden, silently.
    assert_eq!(count_as(&db, &reader, "", "admin_only"), Ok(0));
    // The same policy naming a role that exists lets it through.
    assert_eq!(count_as(&db, &reader, "", "reader_only"), Ok(1));
    // Written as CASE current_user WHEN '...', the same.
    assert_eq!(count_as(&db, &reader, "", "case_admin"), Ok(0));
    assert_eq!(count_as(&db, &reader, "", "case_reader"), Ok(1));
}

// ---- user review (session 2026-12-02) ----

/// A policy (the derive's `isolate(roles(...))` writes one), a grant or default
/// privileges naming a role the schema does not declare: `build()` accepts it and
/// the lint said nothing, but on a server without the role the script fails with
/// 42704 and rolls back (the README's quick start did so). Declaring the role, as
/// the help says, makes the same script apply.
#[test]
fn undeclared_roles_fail_the_script_on_a_fresh_server() {
    let Some(db) = pg::test_db() else { return };
    let app = role(&db, "undeclared_app");
    let reporting = role(&db, "undeclared_reporting");
    let owner_id = SqlType::BigInt;
    let build = |declare: bool| {
        let mut builder = Schema::builder()
            .add_table(
                Table::new("invoices")
                    .column(id())
                    .column(Column::new("org_id", SqlType::BigInt))
                    .primary_key(["id"])
                    .row_level_security(true)
                    .policy(Policy::isolate_by_setting("invoices_isolation", "org_id", &owner_id, "app.org_id").roles([app.as_str()])),
            )
            .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), [reporting.as_str()]))
            .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], [reporting.as_str()]));
        if declare {
            builder = builder.role(Role::group(&app)).role(Role::group(&reporting));
        }
        builder.build().unwrap()
    };
    let undeclared = build(false);
    let found = lint(&undeclared, "undeclared-role");
    assert_eq!(
        found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(),
        [
            format!("default privileges on TABLES in schema public to {reporting}"),
            format!("grant SELECT ON ALL TABLES IN SCHEMA public TO {reporting}"),
            "policy invoices_isolation on public.invoices".to_owned(),
        ],
        "{found:#?}"
    );
    assert!(found[2].message.contains(&format!("CREATE POLICY fails with 42704 (role \"{app}\" does not exist)")), "{}", found[2].message);

    let exists = |name: &str| -> bool { db.client().query_one("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", &[&name]).unwrap().get(0) };
    assert!(!exists(&app) && !exists(&reporting));
    let err = db.apply_psql(&undeclared.to_ddl()).expect_err("the script names roles that do not exist");
    assert!(err.contains(&format!("role \"{app}\" does not exist")), "{err}");
    // One transaction: nothing of it stayed.
    let tables: i64 = db.client().query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[]).unwrap().get(0);
    assert_eq!(tables, 0);
    // The same error through live::apply, with its SQLSTATE.
    let mut client = db.client();
    match pgarchitect_core::live::apply(&mut client, &undeclared) {
        Err(pgarchitect_core::live::LiveError::Postgres(e)) => assert_eq!(pg::sqlstate_of(&e).as_deref(), Some("42704"), "{e}"),
        other => panic!("expected 42704, got {other:?}"),
    }

    let declared = build(true);
    assert!(lint(&declared, "undeclared-role").is_empty());
    pg::apply(&db, &declared);
    assert!(exists(&app) && exists(&reporting));
    let roles: Vec<String> = db.client().query_one("SELECT polroles::regrole[]::text[] FROM pg_policy WHERE polname = 'invoices_isolation'", &[]).unwrap().get(0);
    assert_eq!(roles, std::slice::from_ref(&app));
    assert!(db.client().query_one("SELECT has_table_privilege($1, 'public.invoices', 'SELECT')", &[&reporting]).unwrap().get::<_, bool>(0));
}

// ---- tenant keys (session 2026-12-02) ----

/// `projects` and `tasks`, both with forced row-level security isolating rows by
/// `app.tenant_id` for `app`; `tasks` references `projects` through `fk`.
fn tenant_tasks(app: &str, fk: ForeignKey) -> Schema {
    let isolated = |name: &str| {
        Table::new(name)
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("tenant_id", SqlType::BigInt))
            .primary_key(["id"])
            .row_level_security(true)
            .policy(Policy::isolate_by_setting(format!("{name}_tenant"), "tenant_id", &SqlType::BigInt, "app.tenant_id").roles([app]))
    };
    let all = [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete];
    let grant = |table: &str| Grant::new(all, GrantTarget::Table { table: QualifiedName::public(table), columns: vec![] }, [app]);
    Schema::builder()
        .role(Role::group(app))
        .add_table(isolated("projects").unique(UniqueConstraint::new(["tenant_id", "id"])))
        .add_table(
            isolated("tasks")
                .column(Column::new("project_id", SqlType::BigInt).nullable())
                .index(Index::on(["tenant_id", "project_id"]))
                .foreign_key(fk.named("tasks_project_fkey")),
        )
        .grant(grant("projects"))
        .grant(grant("tasks"))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `sql` as `role` with `app.tenant_id` set to `tenant`; the SQLSTATE on failure.
fn as_tenant(db: &pg::TestDb, role: &str, tenant: i64, sql: &str) -> Result<u64, String> {
    let mut client = db.client();
    client.batch_execute(&format!("SET ROLE {role}; SET app.tenant_id = '{tenant}'")).unwrap();
    client.execute(sql, &[]).map_err(|e| pg::sqlstate_of(&e).unwrap_or_else(|| e.to_string()))
}

/// The premise of cross-tenant-foreign-key: with RLS forced on both tables, the
/// application of tenant 1 can attach a task to tenant 2's project (which it
/// cannot see), tell taken ids from free ones, and so block tenant 2's delete.
/// The composite key the rule suggests refuses the reference (23503).
#[test]
fn foreign_keys_without_the_tenant_column_reach_into_other_tenants() {
    let Some(db) = pg::test_db() else { return };
    let app = role(&db, "app");
    let loose = tenant_tasks(&app, ForeignKey::new(["project_id"], QualifiedName::public("projects"), ["id"]).on_delete(ReferentialAction::SetNull));
    let found = lint(&loose, "cross-tenant-foreign-key");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].help.contains("`FOREIGN KEY (tenant_id, project_id) REFERENCES public.projects (tenant_id, id)`"), "{}", found[0].help);
    assert!(found[0].help.contains("`ON DELETE SET NULL (project_id)`"), "{}", found[0].help);
    pg::apply(&db, &loose);
    db.batch("INSERT INTO projects VALUES (1, 1), (2, 2)");

    assert_eq!(as_tenant(&db, &app, 1, "SELECT 1 FROM projects WHERE id = 2"), Ok(0), "RLS hides tenant 2's project");
    assert_eq!(as_tenant(&db, &app, 1, "INSERT INTO tasks VALUES (1, 1, 2)"), Ok(1), "and yet the key accepts it");
    assert_eq!(as_tenant(&db, &app, 1, "INSERT INTO tasks VALUES (2, 1, 99)"), Err("23503".into()), "an id no tenant has");
    assert_eq!(as_tenant(&db, &app, 1, "SELECT 1 FROM tasks t JOIN projects p ON p.id = t.project_id"), Ok(0));
    // Tenant 2's delete reaches tenant 1's row it cannot see: SET NULL clears it.
    assert_eq!(as_tenant(&db, &app, 2, "DELETE FROM projects WHERE id = 2"), Ok(1));
    let cleared: Option<i64> = db.client().query_one("SELECT project_id FROM tasks WHERE id = 1", &[]).unwrap().get(0);
    assert_eq!(cleared, None, "tenant 2 changed tenant 1's task");

    let Some(fixed_db) = pg::test_db() else { return };
    let fixed = tenant_tasks(
        &app,
        ForeignKey::new(["tenant_id", "project_id"], QualifiedName::public("projects"), ["tenant_id", "id"])
            .on_delete(ReferentialAction::SetNull)
            .on_delete_set_columns(["project_id"]),
    );
    assert!(lint(&fixed, "cross-tenant-foreign-key").is_empty());
    assert!(lint(&fixed, "set-null-on-not-null-column").is_empty());
    pg::apply(&fixed_db, &fixed);
    fixed_db.batch("INSERT INTO projects VALUES (1, 1), (2, 2)");
    assert_eq!(as_tenant(&fixed_db, &app, 1, "INSERT INTO tasks VALUES (1, 1, 2)"), Err("23503".into()), "another tenant's project is refused");
    assert_eq!(as_tenant(&fixed_db, &app, 1, "INSERT INTO tasks VALUES (1, 1, 1)"), Ok(1));
    // Deleting its own project clears the reference and keeps the tenant.
    assert_eq!(as_tenant(&fixed_db, &app, 1, "DELETE FROM projects WHERE id = 1"), Ok(1));
    let row: (i64, Option<i64>) = fixed_db.client().query_one("SELECT tenant_id, project_id FROM tasks WHERE id = 1", &[]).map(|r| (r.get(0), r.get(1))).unwrap();
    assert_eq!(row, (1, None));
}
