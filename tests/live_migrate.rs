//! Migrations on a real PostgreSQL: plans applied to databases holding rows (no
//! row lost, the result matches the declaration), down migrations, destructive
//! changes refused, and the runner: eight at once, an edited migration, a
//! crash mid-migration, an INVALID index left by a failed concurrent build;
//! triggers whose definition changes, replaced without a moment of no trigger
//! or two.

mod support;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use pgarchitect::live::runner::Runner;
use pgarchitect::live::{self, IntrospectOptions};
use pgarchitect::migrate::{self, Backfill, Hazard, Migration, Phase, PlanError, PlanOptions, Rename};
use pgarchitect::model::*;
use pgarchitect::{Schema, SqlType};
use postgres::{Client, NoTls};

use support::build;

fn accounts_v1() -> Table {
    Table::new("accounts")
        .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
        .column(Column::new("email", SqlType::Text))
        .column(Column::new("name", SqlType::Varchar(Some(50))).nullable())
        .column(Column::new("score", SqlType::Integer).nullable())
        .column(Column::new("mood", SqlType::Named(QualifiedName::public("mood"))).default_text("ok"))
        .column(Column::new("legacy", SqlType::Text).nullable())
        .column(Column::new("created", SqlType::Date).default_expr("CURRENT_DATE"))
        .primary_key(["id"])
        .index(Index::on(["name"]).named("accounts_name"))
}

fn v1() -> Schema {
    build(
        Schema::builder()
            .enum_type(EnumType::new("mood", ["ok", "sad"]))
            .add_table(accounts_v1())
            .add_table(
                Table::new("posts")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("account_id", SqlType::BigInt))
                    .column(Column::new("title", SqlType::Text))
                    .primary_key(["id"]),
            )
            .view(View::new(QualifiedName::public("account_emails"), "SELECT id, email FROM public.accounts").depends_on(QualifiedName::public("accounts")))
            .function(Function::new(QualifiedName::public("answer"), "integer", "sql", "SELECT 1")),
    )
}

fn v2() -> Schema {
    build(
        Schema::builder()
            .enum_type(EnumType::new("mood", ["ok", "happy", "sad", "mad"]))
            .add_table(
                Table::new("accounts")
                    .comment("Accounts, version 2")
                    .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                    .column(Column::new("email", SqlType::Text))
                    .column(Column::new("name", SqlType::Varchar(Some(100))).nullable())
                    .column(Column::new("score", SqlType::Integer).default_expr("0"))
                    .column(Column::new("mood", SqlType::Named(QualifiedName::public("mood"))).default_text("happy"))
                    .column(Column::new("notes", SqlType::Text).nullable().comment("was legacy"))
                    .column(Column::new("created", SqlType::Date).default_expr("CURRENT_DATE"))
                    .column(Column::new("nickname", SqlType::Text))
                    .column(Column::new("active", SqlType::Boolean).default_expr("true"))
                    .column(Column::new("token", SqlType::Uuid).default_expr("gen_random_uuid()"))
                    .primary_key(["id"])
                    .unique(UniqueConstraint::new(["email"]))
                    .check(CheckConstraint::on_column("score", "score >= 0"))
                    .index(Index::with_keys([IndexKey::expression("lower(email)")]).named("accounts_lower_email"))
                    .row_level_security(false)
                    .policy(Policy::new("everyone").using("true")),
            )
            .add_table(
                Table::new("posts")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("account_id", SqlType::BigInt))
                    .column(Column::new("title", SqlType::Text))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["account_id"], QualifiedName::public("accounts"), ["id"]).on_delete(ReferentialAction::Cascade))
                    .index(Index::on(["account_id"])),
            )
            .add_table(
                Table::new("tags")
                    .column(Column::new("id", SqlType::BigInt).identity(Identity::ByDefault))
                    .column(Column::new("account_id", SqlType::BigInt))
                    .column(Column::new("tag", SqlType::Text))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["account_id"], QualifiedName::public("accounts"), ["id"]))
                    .index(Index::on(["account_id", "tag"]).unique()),
            )
            .add_table(
                Table::new("events")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("region", SqlType::Text))
                    .primary_key(["id", "region"])
                    .partition_by(Partitioning::list("region").values("events_eu", ["'eu'"]).with_default()),
            )
            .view(
                View::new(QualifiedName::public("account_emails"), "SELECT id, email, nickname FROM public.accounts")
                    .depends_on(QualifiedName::public("accounts")),
            )
            .function(Function::new(QualifiedName::public("answer"), "integer", "sql", "SELECT 42"))
            .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("posts"), columns: vec![] }, ["public"]))
            .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("account_emails"), columns: vec![] }, ["public"])),
    )
}

fn options_v1_to_v2() -> PlanOptions {
    PlanOptions {
        renames: vec![Rename::Column { table: QualifiedName::public("accounts"), from: "legacy".into(), to: "notes".into() }],
        backfills: vec![Backfill { table: QualifiedName::public("accounts"), column: "nickname".into(), expression: "lower(email)".into() }],
        ..PlanOptions::default()
    }
}

/// Plans the change from the live database to `target`, both sides canonical.
/// The plan from `before` to `after`: with `canonical`, from the live
/// database to the target's canonical form ([`plan_to`]); without, from the
/// declared schemas as they are.
fn plan_either(client: &mut Client, shadow: &mut Client, (before, after): (&Schema, &Schema), options: &PlanOptions, canonical: bool) -> migrate::Plan {
    if canonical {
        plan_to(client, shadow, after, options)
    } else {
        migrate::plan(&migrate::diff(before, after), options).unwrap_or_else(|e| panic!("{e}"))
    }
}

fn plan_to(client: &mut Client, shadow: &mut Client, target: &Schema, options: &PlanOptions) -> migrate::Plan {
    let live = live::introspect(client, &IntrospectOptions::for_schema(target)).unwrap_or_else(|e| panic!("introspect: {e}"));
    let from = live::canonicalize(shadow, &live).unwrap_or_else(|e| panic!("canonicalize live: {e}"));
    let to = live::canonicalize(shadow, target).unwrap_or_else(|e| panic!("canonicalize target: {e}"));
    let diff = migrate::diff(&from, &to);
    migrate::plan(&diff, options).unwrap_or_else(|e| panic!("plan: {e}\ndiff:\n{diff}"))
}

/// The relation locks that the session `pid` holds, seen from `watcher`, as
/// (name, mode) in name order: by `pg_class.relname`, so a relation moved or
/// renamed in `pid`'s open transaction shows under the name the watcher sees;
/// only relations of the kinds `relkinds` (`r`, `p`, `i`...), or of every kind
/// when it is empty; the system catalogs left out.
fn locks_held(watcher: &mut Client, pid: i32, relkinds: &[&str]) -> Vec<(String, String)> {
    let relkinds: Vec<String> = relkinds.iter().map(|k| k.to_string()).collect();
    watcher
        .query(
            "SELECT c.relname::text, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE l.pid = $1 AND l.locktype = 'relation' AND l.granted AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
               AND (cardinality($2::text[]) = 0 OR c.relkind::text = ANY ($2))
             ORDER BY 1, 2",
            &[&pid, &relkinds],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Each step's phase and description, in order.
fn phases(plan: &migrate::Plan) -> Vec<(Phase, &str)> {
    plan.steps.iter().map(|s| (s.phase, s.description.as_str())).collect()
}

/// Each step's description, in order.
fn descriptions(plan: &migrate::Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.description.as_str()).collect()
}

fn count(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

fn seed(client: &mut Client) {
    client
        .batch_execute(
            "INSERT INTO public.accounts (email, name, score, legacy)
             SELECT 'User' || i || '@Example.com', 'n' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE i END, 'legacy ' || i
             FROM generate_series(1, 1000) i;
             INSERT INTO public.posts (id, account_id, title) SELECT i, 1 + i % 1000, 'post ' || i FROM generate_series(1, 2000) i;",
        )
        .unwrap();
}

/// Runs the down migrations, last first, each as its tool would run it (in one
/// transaction, or statement by statement when it cannot run in one).
fn undo(client: &mut Client, migrations: &[Migration]) {
    for m in migrations.iter().rev() {
        let down = m.down.as_ref().expect("reversible");
        let undo = Migration::new(m.version, "down", down.clone());
        if undo.transactional {
            let mut tx = client.transaction().unwrap();
            tx.batch_execute(down).unwrap_or_else(|e| panic!("down {}: {e}\n{down}", m.version));
            tx.commit().unwrap();
        } else {
            for statement in undo.statements() {
                client.batch_execute(&statement).unwrap_or_else(|e| panic!("down {}: {e}\n{statement}", m.version));
            }
        }
    }
}

fn assert_clean(schema: &Schema, client: &mut Client, shadow: &mut Client) {
    let report = live::verify(schema, client, shadow).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_clean(), "drift after migrating:\n{}\ninvalid indexes: {:?}", report.diff, report.invalid_indexes);
}

#[test]
fn each_kind_of_change_keeps_every_row() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    live::apply(&mut client, &v1()).unwrap();
    seed(&mut client);

    let plan = plan_to(&mut client, &mut shadow, &v2(), &options_v1_to_v2());
    let hazards = plan.hazards();
    assert!(hazards.contains(&Hazard::IndexBuild) && hazards.contains(&Hazard::ValidationScan) && hazards.contains(&Hazard::Backfill));
    assert!(!hazards.contains(&Hazard::DataLoss), "{}", plan.up_script());
    assert!(plan.phase(Phase::Contract).count() >= 1, "dropping the name index is a contract step");
    let up = plan.up_script();
    for expected in [
        "CREATE INDEX CONCURRENTLY accounts_lower_email ON public.accounts",
        "CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON public.accounts (email)",
        "ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_key",
        "ADD CONSTRAINT posts_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts (id) ON DELETE CASCADE NOT VALID",
        "VALIDATE CONSTRAINT posts_account_id_fkey",
        "CHECK (nickname IS NOT NULL) NOT VALID",
        "ALTER COLUMN nickname SET NOT NULL",
        "RENAME COLUMN legacy TO notes",
        "ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok'",
        "DROP INDEX CONCURRENTLY IF EXISTS public.accounts_name",
        "SET lock_timeout = '5000ms'",
    ] {
        assert!(up.contains(expected), "missing `{expected}` in:\n{up}");
    }
    let migrations = plan.migrations(1, "v1 to v2");
    let started = Instant::now();
    let report = Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{up}"));
    assert_eq!(report.applied.len(), migrations.len());
    eprintln!("{} steps in {} migrations applied in {:.2?}", plan.steps.len(), migrations.len(), started.elapsed());

    assert_clean(&v2(), &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.accounts"), 1000);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.posts"), 2000);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.accounts WHERE nickname = lower(email)"), 1000);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.accounts WHERE notes = 'legacy ' || id"), 1000);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.accounts WHERE score = 0"), 333);
    assert_eq!(count(&mut client, "SELECT count(DISTINCT token) FROM public.accounts"), 1000);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.account_emails WHERE nickname IS NOT NULL"), 1000);
    assert_eq!(count(&mut client, "SELECT public.answer()::int8"), 42);

    // Nothing is left to do, and running again applies nothing.
    let again = plan_to(&mut client, &mut shadow, &v2(), &options_v1_to_v2());
    assert!(again.is_empty(), "{}", again.up_script());
    let rerun = Runner::new().run(&mut client, &migrations).unwrap();
    assert!(rerun.applied.is_empty() && rerun.skipped.len() == migrations.len());
}

/// v2 with what v1 -> v2 does not cover: a rewriting type change, an identity
/// added, timestamps and their trigger, a partition added, a policy altered, a
/// domain, and (allowed) drops of a column and a table.
fn v3() -> Schema {
    let v2 = v2();
    let mut accounts = v2.table(&QualifiedName::public("accounts")).unwrap().clone();
    accounts.columns.retain(|c| c.name != "name");
    accounts.columns.iter_mut().find(|c| c.name == "score").unwrap().ty = SqlType::BigInt;
    accounts.policies[0].using = Some("id > 0".into());
    let accounts = accounts.column(Column::new("age", SqlType::Named(QualifiedName::public("age")))).timestamps();
    let mut events = v2.table(&QualifiedName::public("events")).unwrap().clone();
    let partitioning = events.partitioning.take().unwrap().values("events_us", ["'us'"]);
    let events = events.partition_by(partitioning).index(Index::on(["region"]).named("events_region").comment("by region"));
    let mut posts = v2.table(&QualifiedName::public("posts")).unwrap().clone();
    posts.columns.push(Column::new("seq", SqlType::BigInt));
    let posts = posts.clone();
    let mut b = Schema::builder()
        .enum_type(v2.enums()[0].clone())
        .domain(Domain::new("age", SqlType::Integer).check(CheckConstraint::new("VALUE >= 0").named("age_check")))
        .add_table(accounts)
        .add_table(posts)
        .add_table(events)
        // The view reads `score`, whose type changes: it is rebuilt around the change.
        .view(View::new(QualifiedName::public("account_emails"), "SELECT id, email, nickname, score FROM public.accounts").depends_on(QualifiedName::public("accounts")))
        .view(View::new(QualifiedName::public("top_scores"), "SELECT id, score FROM public.account_emails WHERE score > 10").depends_on(QualifiedName::public("account_emails")))
        .function(v2.functions().iter().find(|f| f.name.name == "answer").unwrap().clone());
    for g in v2.grants() {
        b = b.grant(g.clone());
    }
    build(b)
}

#[test]
fn more_changes_including_allowed_drops_keep_every_row() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    live::apply(&mut client, &v1()).unwrap();
    seed(&mut client);
    let to_v2 = plan_to(&mut client, &mut shadow, &v2(), &options_v1_to_v2());
    Runner::new().run(&mut client, &to_v2.migrations(1, "v2")).unwrap();
    client.batch_execute("INSERT INTO public.events VALUES (1, 'eu'), (2, 'us'), (3, 'xx')").unwrap();

    let options = PlanOptions {
        backfills: vec![
            Backfill { table: QualifiedName::public("accounts"), column: "age".into(), expression: "18".into() },
            Backfill { table: QualifiedName::public("posts"), column: "seq".into(), expression: "id * 10".into() },
        ],
        ..PlanOptions::default()
    };
    // Refused by default: the drops lose data.
    let live_v2 = live::canonicalize(&mut shadow, &live::introspect(&mut client, &IntrospectOptions::for_schema(&v3())).unwrap()).unwrap();
    let target = live::canonicalize(&mut shadow, &v3()).unwrap();
    let diff = migrate::diff(&live_v2, &target);
    let refused = migrate::plan(&diff, &options).unwrap_err().to_string();
    assert!(refused.contains("drop column public.accounts.name") && refused.contains("drop table public.tags"), "{refused}");
    let plan = migrate::plan(&diff, &PlanOptions { allow_destructive: true, ..options }).unwrap_or_else(|e| panic!("{e}"));
    let up = plan.up_script();
    for expected in [
        "ALTER COLUMN score TYPE bigint USING score::bigint",
        "CREATE TABLE public.events_us PARTITION OF public.events FOR VALUES IN ('us')",
        "ALTER POLICY everyone ON public.accounts TO PUBLIC USING ((id > 0))",
        "CREATE TRIGGER accounts_set_updated_at BEFORE UPDATE ON public.accounts",
        "CREATE DOMAIN public.age AS integer",
        "UPDATE public.posts SET seq = id * 10",
        "CREATE INDEX events_region ON ONLY public.events (region)",
        "CREATE INDEX CONCURRENTLY events_eu_events_region ON public.events_eu (region)",
        "ALTER INDEX public.events_region ATTACH PARTITION public.events_default_events_region",
        "CREATE INDEX CONCURRENTLY events_us_events_region ON public.events_us (region)",
        "DROP VIEW public.account_emails",
    ] {
        assert!(up.contains(expected), "missing `{expected}` in:\n{up}");
    }
    let rewrite = plan.steps.iter().find(|s| s.description.contains("change type of public.accounts.score")).unwrap();
    assert!(rewrite.hazards.contains(&Hazard::TableRewrite) && rewrite.hazards.contains(&Hazard::LongLock));
    let contract: Vec<&str> = plan.phase(Phase::Contract).map(|s| s.description.as_str()).collect();
    assert!(contract.iter().any(|d| d.contains("drop column public.accounts.name")) && contract.iter().any(|d| d.contains("drop table public.tags")), "{contract:?}");
    let events_us_rows: i64 = count(&mut client, "SELECT count(*) FROM public.events WHERE region = 'us'");
    assert_eq!(events_us_rows, 1);
    // A row for the new list partition sits in the default partition: it moves
    // into the new partition (no 23514), the others stay where they are.
    Runner::new().run(&mut client, &plan.migrations(100, "v3")).unwrap_or_else(|e| panic!("{e}\n{up}"));
    assert_eq!(rows_by_partition(&mut client, "events"), [("events_default".into(), 1), ("events_eu".into(), 1), ("events_us".into(), 1)]);
    let moved: String = support::pg::one(&mut client, "SELECT tableoid::regclass::text FROM public.events WHERE id = 2 AND region = 'us'");
    assert_eq!(moved, "events_us");

    assert_clean(&v3(), &mut client, &mut shadow);
    let can_read: bool = client.query_one("SELECT has_table_privilege('public', 'public.account_emails', 'SELECT')", &[]).unwrap().get(0);
    assert!(can_read, "the rebuilt view keeps its privileges");
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.accounts WHERE age = 18"), 1000);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.posts WHERE seq = id * 10"), 2000);
    assert_eq!(count(&mut client, "SELECT sum(score)::int8 FROM public.accounts"), count(&mut client, "SELECT sum(CASE WHEN id % 3 = 0 THEN 0 ELSE id END)::int8 FROM public.accounts"));
}

#[test]
fn down_migrations_restore_the_previous_schema() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = build(
        Schema::builder()
            .add_table(Table::new("items").column(Column::new("id", SqlType::BigInt)).column(Column::new("label", SqlType::Varchar(Some(20)))).column(Column::new("old", SqlType::Text).nullable()).primary_key(["id"]))
            .add_table(Table::new("owners").column(Column::new("id", SqlType::BigInt)).primary_key(["id"])),
    );
    let after = build(
        Schema::builder()
            .add_table(
                Table::new("items")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("label", SqlType::Text).default_text("none"))
                    .column(Column::new("renamed", SqlType::Text).nullable().renamed_from("old"))
                    .column(Column::new("owner_id", SqlType::BigInt).nullable())
                    .column(Column::new("qty", SqlType::Integer).default_expr("1"))
                    .primary_key(["id"])
                    .check(CheckConstraint::on_column("qty", "qty > 0"))
                    .foreign_key(ForeignKey::new(["owner_id"], QualifiedName::public("owners"), ["id"]))
                    .index(Index::on(["owner_id"]))
                    .comment("items"),
            )
            .add_table(Table::new("owners").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
            .add_table(Table::new("extra").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
            .view(View::new(QualifiedName::public("labels"), "SELECT id, label FROM public.items").depends_on(QualifiedName::public("items"))),
    );
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.items (id, label, old) SELECT i, 'l' || i, 'o' || i FROM generate_series(1, 500) i").unwrap();
    // The rename is declared on the column (`renamed_from`), not in the options.
    let options = PlanOptions::default().with_declared_renames(&after);
    assert_eq!(options.renames, [Rename::Column { table: QualifiedName::public("items"), from: "old".into(), to: "renamed".into() }]);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    assert!(plan.is_reversible(), "{:#?}", plan.steps.iter().filter(|s| s.down.is_none()).collect::<Vec<_>>());
    let migrations = plan.migrations(1, "items v2");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{}", plan.up_script()));
    assert_clean(&after, &mut client, &mut shadow);

    // Undo, last migration first, each as its tool would run it.
    undo(&mut client, &migrations);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.items WHERE old = 'o' || id AND label = 'l' || id"), 500);
}

#[test]
fn destructive_changes_are_refused_unless_allowed() {
    let from = v1();
    let mut to_builder = Schema::builder().enum_type(EnumType::new("mood", ["ok", "sad"]));
    let mut accounts = accounts_v1();
    accounts.columns.retain(|c| c.name != "legacy");
    accounts.columns.iter_mut().find(|c| c.name == "name").unwrap().ty = SqlType::Varchar(Some(10));
    to_builder = to_builder.add_table(accounts).function(Function::new(QualifiedName::public("answer"), "integer", "sql", "SELECT 1"));
    let to = build(to_builder);
    let diff = migrate::diff(&from, &to);
    let errors = migrate::plan(&diff, &PlanOptions::default()).unwrap_err();
    let refused: Vec<String> = errors.0.iter().map(|e| e.to_string()).collect();
    assert!(errors.0.iter().all(|e| matches!(e, PlanError::Refused { hazard: Hazard::DataLoss, .. })), "{refused:#?}");
    for what in ["drop table public.posts", "drop column public.accounts.legacy", "varchar(50) -> varchar(10)"] {
        assert!(refused.iter().any(|r| r.contains(what)), "{what} not refused: {refused:#?}");
    }
    let allowed = migrate::plan(&diff, &PlanOptions { allow_destructive: true, ..PlanOptions::default() }).unwrap();
    let drops: Vec<_> = allowed.steps.iter().filter(|s| s.hazards.contains(&Hazard::DataLoss)).collect();
    assert!(drops.iter().filter(|s| s.description.starts_with("drop")).all(|s| s.phase == Phase::Contract && s.down.is_none()));
    assert!(drops.len() >= 3);
}

fn counting_migrations() -> Vec<Migration> {
    vec![
        Migration::new(1, "create log", "CREATE TABLE public.log (n int NOT NULL, at timestamptz DEFAULT clock_timestamp());"),
        Migration::new(2, "first row", "INSERT INTO public.log (n) VALUES (2); SELECT pg_sleep(0.05);"),
        Migration::new(3, "index the log", "-- no-transaction\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY log_n ON public.log (n);\nRESET lock_timeout;\n"),
        Migration::new(4, "second row", "INSERT INTO public.log (n) VALUES (4);"),
    ]
}

#[test]
fn eight_runners_apply_each_migration_exactly_once() {
    let Some(db) = support::pg::test_db() else { return };
    let url = db.url();
    let migrations = Arc::new(counting_migrations());
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let (url, migrations, barrier) = (url.clone(), migrations.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(&url, NoTls).unwrap();
                barrier.wait();
                Runner::new().applied_by(format!("runner {i}")).run(&mut client, &migrations).unwrap_or_else(|e| panic!("runner {i}: {e}"))
            })
        })
        .collect();
    let reports: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut applied: Vec<u64> = reports.iter().flat_map(|r| r.applied.clone()).collect();
    applied.sort();
    assert_eq!(applied, [1, 2, 3, 4], "{reports:#?}");
    assert!(reports.iter().all(|r| r.applied.len() + r.skipped.len() == 4));
    let mut client = db.client();
    let rows: Vec<i32> = client.query("SELECT n FROM public.log ORDER BY n", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(rows, [2, 4]);
    let recorded = Runner::new().applied(&mut client).unwrap();
    assert_eq!(recorded.iter().map(|m| m.version.as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4"]);
    assert!(recorded.iter().all(|m| m.applied_by.starts_with("runner ") && m.checksum.as_ref().is_some_and(|c| c.len() == 64)));
}

#[test]
fn an_edited_applied_migration_is_refused() {
    let Some(db) = support::pg::test_db() else { return };
    let mut client = db.client();
    let mut migrations = counting_migrations();
    Runner::new().run(&mut client, &migrations[..2]).unwrap();
    migrations[1] = Migration::new(2, "first row", "INSERT INTO public.log (n) VALUES (20);");
    let err = Runner::new().run(&mut client, &migrations).unwrap_err().to_string();
    assert!(err.contains("migration 2 (first row) was edited after it was applied"), "{err}");
    // Nothing ran: the later migrations are still pending.
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.schema_migrations"), 2);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.log"), 1);
}

#[test]
fn a_failed_concurrent_index_build_is_rebuilt_on_the_next_run() {
    let Some(db) = support::pg::test_db() else { return };
    let mut client = db.client();
    let migrations = vec![
        Migration::new(1, "create t", "CREATE TABLE public.t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int); INSERT INTO public.t (a) SELECT i % 100 FROM generate_series(1, 1000) i;"),
        Migration::new(2, "unique a", "-- no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY t_a ON public.t (a);\n"),
    ];
    let err = Runner::new().run(&mut client, &migrations).unwrap_err();
    assert!(err.to_string().contains("23505"), "{err}");
    let valid: bool = client.query_one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_a'::regclass", &[]).unwrap().get(0);
    assert!(!valid, "the failed build leaves an INVALID index");
    let found = live::introspect_detailed(&mut client, &IntrospectOptions::default()).unwrap();
    assert_eq!(found.invalid_indexes, [QualifiedName::public("t_a")]);

    client.batch_execute("DELETE FROM public.t a USING public.t b WHERE a.a = b.a AND a.id > b.id").unwrap();
    let report = Runner::new().run(&mut client, &migrations).unwrap();
    assert_eq!(report.applied, [2]);
    assert_eq!(report.rebuilt_indexes, ["public.t_a"]);
    let valid: bool = client.query_one("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_a'::regclass", &[]).unwrap().get(0);
    assert!(valid);
    assert!(live::introspect_detailed(&mut client, &IntrospectOptions::default()).unwrap().invalid_indexes.is_empty());
}

#[test]
fn a_runner_killed_mid_migration_is_finished_by_the_next() {
    let Some(db) = support::pg::test_db() else { return };
    let url = db.url();
    // The victim's session sleeps in migration 2; the same script is quick for the next runner.
    let migrations = Arc::new(vec![
        Migration::new(1, "create t", "CREATE TABLE public.t (n int);"),
        Migration::new(
            2,
            "slow",
            "INSERT INTO public.t VALUES (1);\nSELECT pg_sleep(CASE WHEN current_setting('test.slow', true) = 'on' THEN 60 ELSE 0 END);\nINSERT INTO public.t VALUES (2);",
        ),
        Migration::new(3, "index", "-- no-transaction\nCREATE INDEX CONCURRENTLY t_n ON public.t (n);"),
    ]);
    let victim = {
        let (url, migrations) = (url.clone(), migrations.clone());
        std::thread::spawn(move || {
            let mut client = Client::connect(&url, NoTls).unwrap();
            client.batch_execute("SET test.slow = 'on'").unwrap();
            Runner::new().applied_by("victim").run(&mut client, &migrations)
        })
    };
    let mut admin = db.client();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let killed: i64 = admin
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = current_database() AND query LIKE '%pg_sleep(CASE%' AND state = 'active' AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0);
        if killed > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the slow migration never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(victim.join().unwrap().is_err(), "the killed runner reports the failure");
    let mut client = db.client();
    let recorded: Vec<String> = Runner::new().applied(&mut client).unwrap().into_iter().map(|m| m.version).collect();
    assert_eq!(recorded, ["1"], "migration 2 was rolled back with the session");
    // The advisory lock died with the session too: the next runner is not blocked.
    let started = Instant::now();
    let report = Runner::new().applied_by("survivor").run(&mut client, &migrations).unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!((report.skipped, report.applied), (vec![1], vec![2, 3]));
    let rows: Vec<i32> = client.query("SELECT n FROM public.t ORDER BY n", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(rows, [1, 2], "the killed transaction left nothing behind; the rerun did everything once");
}

// ---------------------------------------------------------------------------
// Side by side with migra
// ---------------------------------------------------------------------------

/// One change for the comparison: the base schema with an edit.
fn base_table() -> Table {
    Table::new("items")
        .column(Column::new("id", SqlType::Integer))
        .column(Column::new("name", SqlType::Text))
        .column(Column::new("qty", SqlType::Integer).nullable())
        .column(Column::new("owner_id", SqlType::BigInt).nullable())
        .column(Column::new("mood", SqlType::Named(QualifiedName::public("mood"))).default_text("ok"))
        .primary_key(["id"])
}

fn base(edit: impl FnOnce(Table, pgarchitect::SchemaBuilder) -> (Table, pgarchitect::SchemaBuilder), mood: &[&str], view: &str, body: &str) -> Schema {
    let b = Schema::builder()
        .enum_type(EnumType::new("mood", mood.iter().copied()))
        .add_table(Table::new("owners").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
        .add_table(
            Table::new("events")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("region", SqlType::Text))
                .primary_key(["id", "region"])
                .partition_by(Partitioning::list("region").values("events_eu", ["'eu'"])),
        )
        .view(View::new(QualifiedName::public("item_names"), view).depends_on(QualifiedName::public("items")))
        .function(Function::trigger(QualifiedName::public("touch"), body));
    let (t, b) = edit(base_table(), b);
    build(b.add_table(t))
}

#[test]
#[ignore = "needs migra on PATH (pip install migra psycopg2-binary); prints the comparison table"]
fn side_by_side_with_migra() {
    let Some(_probe) = support::pg::test_db() else { return };
    let view = "SELECT id, name FROM public.items";
    let body = "\nBEGIN\n    RETURN NEW;\nEND\n";
    let from = || base(|t, b| (t, b), &["ok", "sad"], view, body);
    type Edit = Box<dyn Fn() -> (Schema, PlanOptions)>;
    let plain = |s: Schema| (s, PlanOptions::default());
    let cases: Vec<(&str, Edit)> = vec![
        ("add a nullable column", Box::new(move || plain(base(|t, b| (t.column(Column::new("note", SqlType::Text).nullable()), b), &["ok", "sad"], view, body)))),
        ("add a NOT NULL column with a default", Box::new(move || plain(base(|t, b| (t.column(Column::new("active", SqlType::Boolean).default_expr("true")), b), &["ok", "sad"], view, body)))),
        ("drop a column", Box::new(move || {
            let s = base(|mut t, b| { t.columns.retain(|c| c.name != "qty"); (t, b) }, &["ok", "sad"], view, body);
            (s, PlanOptions { allow_destructive: true, ..PlanOptions::default() })
        })),
        ("widen a type (integer to bigint)", Box::new(move || plain(base(|mut t, b| { t.columns[2].ty = SqlType::BigInt; (t, b) }, &["ok", "sad"], view, body)))),
        ("make a column NOT NULL", Box::new(move || {
            let s = base(|mut t, b| { t.columns[2].nullable = false; (t, b) }, &["ok", "sad"], view, body);
            (s, PlanOptions { backfills: vec![Backfill { table: QualifiedName::public("items"), column: "qty".into(), expression: "0".into() }], ..PlanOptions::default() })
        })),
        ("change a default", Box::new(move || plain(base(|mut t, b| { t.columns[4].default = Some("'sad'".into()); (t, b) }, &["ok", "sad"], view, body)))),
        ("add an index", Box::new(move || plain(base(|t, b| (t.index(Index::on(["name"])), b), &["ok", "sad"], view, body)))),
        ("add a unique constraint", Box::new(move || plain(base(|t, b| (t.unique(UniqueConstraint::new(["name"])), b), &["ok", "sad"], view, body)))),
        ("add a check", Box::new(move || plain(base(|t, b| (t.check(CheckConstraint::on_column("qty", "qty >= 0")), b), &["ok", "sad"], view, body)))),
        ("add a foreign key", Box::new(move || plain(base(|t, b| (t.foreign_key(ForeignKey::new(["owner_id"], QualifiedName::public("owners"), ["id"])), b), &["ok", "sad"], view, body)))),
        ("add an enum label in the middle", Box::new(move || plain(base(|t, b| (t, b), &["ok", "meh", "sad"], view, body)))),
        ("rename a column (declared)", Box::new(move || {
            let s = base(|mut t, b| { t.columns[1].name = "title".into(); (t, b) }, &["ok", "sad"], view.replace("name FROM", "title AS name FROM").as_str(), body);
            (s, PlanOptions { renames: vec![Rename::Column { table: QualifiedName::public("items"), from: "name".into(), to: "title".into() }], ..PlanOptions::default() })
        })),
        ("enable RLS with a policy", Box::new(move || plain(base(|t, b| (t.row_level_security(false).policy(Policy::new("own").using("owner_id IS NOT NULL")), b), &["ok", "sad"], view, body)))),
        ("grant SELECT", Box::new(move || plain(base(|t, b| (t, b.grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("items"), columns: vec![] }, ["public"]))), &["ok", "sad"], view, body)))),
        ("change a view's query", Box::new(move || plain(base(|t, b| (t, b), &["ok", "sad"], "SELECT id, name FROM public.items WHERE qty > 0", body)))),
        ("change a function's body", Box::new(move || plain(base(|t, b| (t, b), &["ok", "sad"], view, "\nBEGIN\n    NEW.qty := coalesce(NEW.qty, 0);\n    RETURN NEW;\nEND\n")))),
        ("add a trigger", Box::new(move || plain(base(|t, b| (t.trigger(Trigger::new("items_touch", TriggerTiming::Before, [TriggerEvent::Insert], QualifiedName::public("touch"))), b), &["ok", "sad"], view, body)))),
        ("add a partition", Box::new(move || {
            let s = base(|t, b| (t, b), &["ok", "sad"], view, body);
            let mut events = s.table(&QualifiedName::public("events")).unwrap().clone();
            let p = events.partitioning.take().unwrap().values("events_us", ["'us'"]);
            let mut b = Schema::builder().enum_type(s.enums()[0].clone()).view(s.views()[0].clone()).function(s.functions()[0].clone()).add_table(events.partition_by(p));
            for t in s.tables().iter().filter(|t| t.name.name != "events") {
                b = b.add_table(t.clone());
            }
            plain(build(b))
        })),
        ("change a comment", Box::new(move || plain(base(|t, b| (t.comment("Stock items"), b), &["ok", "sad"], view, body)))),
    ];
    let migra = |a: &str, b: &str| -> String {
        // migra goes through SQLAlchemy: name the psycopg2 driver explicitly.
        let driver = |u: &str| u.replacen("postgresql://", "postgresql+psycopg2://", 1).replacen("postgres://", "postgresql+psycopg2://", 1);
        let out = std::process::Command::new("migra").args(["--unsafe", "--with-privileges", &driver(a), &driver(b)]).output().expect("migra on PATH");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() && out.status.code() != Some(2) {
            return format!("(error: {})", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or(""));
        }
        text
    };
    let statements = |sql: &str| -> Vec<String> {
        migrate::split_statements(sql)
            .into_iter()
            .map(|s| s.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join(" "))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty() && !s.starts_with("SET ") && !s.starts_with("RESET "))
            .collect()
    };
    let cell = |v: &[String]| if v.is_empty() { "— (not detected)".to_owned() } else { v.iter().map(|s| format!("`{}`", s.replace('|', "\\|"))).collect::<Vec<_>>().join("<br>") };
    let mut table = String::from("| change | migra | pgarchitect |\n|---|---|---|\n");
    for (name, case) in &cases {
        let (target, options) = case();
        let a = support::pg::test_db().unwrap();
        let b = support::pg::test_db().unwrap();
        let shadow = support::pg::test_db().unwrap();
        live::apply(&mut a.client(), &from()).unwrap();
        live::apply(&mut b.client(), &target).unwrap();
        let theirs = statements(&migra(&a.url(), &b.url()));
        let plan = plan_to(&mut a.client(), &mut shadow.client(), &target, &options);
        let ours = statements(&plan.up_script());
        table.push_str(&format!("| {name} | {} | {} |\n", cell(&theirs), cell(&ours)));
    }
    println!("{table}");
    let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("migra-comparison.md"), &table);
}

/// Renames declared on the derive (`renamed_from`) reach the plan: rows are kept.
#[test]
fn renames_declared_with_the_derive_become_renames_in_the_plan() {
    #[derive(pgarchitect::Table)]
    #[table(name = "articles", renamed_from = "posts")]
    #[allow(dead_code)]
    struct Article {
        #[column(primary_key)]
        id: i64,
        #[column(renamed_from = "body")]
        text: String,
    }
    let to = build(Schema::builder().table::<Article>());
    let from = build(
        Schema::builder()
            .add_table(Table::new("posts").column(Column::new("id", SqlType::BigInt)).column(Column::new("body", SqlType::Text)).primary_key(["id"])),
    );
    let options = PlanOptions::default().with_declared_renames(&to);
    assert_eq!(
        options.renames,
        [
            Rename::Table { from: QualifiedName::public("posts"), to: QualifiedName::public("articles") },
            Rename::Column { table: QualifiedName::public("articles"), from: "body".into(), to: "text".into() },
        ]
    );
    let plan = migrate::plan(&migrate::diff(&from, &to), &options).unwrap_or_else(|e| panic!("{e}"));
    let up = plan.up_script();
    assert!(up.contains("RENAME TO articles"), "{up}");
    assert!(up.contains("RENAME COLUMN body TO text"), "{up}");
    assert!(!up.contains("DROP TABLE"), "{up}");
    // The key's name follows the table: renamed, not dropped and added again.
    assert!(up.contains("RENAME CONSTRAINT posts_pkey TO articles_pkey"), "{up}");
    assert!(!up.contains("DROP CONSTRAINT") && !up.contains("ADD CONSTRAINT"), "{up}");

    let Some(db) = support::pg::test_db() else { return };
    let mut client = db.client();
    live::apply(&mut client, &from).unwrap();
    client.batch_execute("INSERT INTO posts VALUES (1, 'kept')").unwrap();
    for m in plan.migrations(1, "rename") {
        for statement in m.statements() {
            client.batch_execute(&statement).unwrap_or_else(|e| panic!("{}\n{statement}\n{up}", support::pg::describe_error(&e)));
        }
    }
    let text: String = client.query_one("SELECT text FROM articles WHERE id = 1", &[]).unwrap().get(0);
    assert_eq!(text, "kept");
    let key: String = support::pg::one(&mut client, "SELECT conname::text FROM pg_constraint WHERE conrelid = 'articles'::regclass AND contype = 'p'");
    assert_eq!(key, "articles_pkey");
}

/// `posts`, or the same table under its new name, with default-named keys,
/// foreign key, checks and index, and `comments` referencing it.
fn blog(posts: &str, renamed_from: Option<&str>) -> Schema {
    let mut table = Table::new(posts)
        .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
        .column(Column::new("user_id", SqlType::BigInt))
        .column(Column::new("email", SqlType::Text))
        .column(Column::new("n", SqlType::Integer))
        .primary_key(["id"])
        .unique(UniqueConstraint::new(["email"]))
        .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]))
        .check(CheckConstraint::new("n < 1000"))
        .check(CheckConstraint::on_column("n", "n > 0"))
        .index(Index::on(["user_id"]).comment("posts of a user"));
    if let Some(from) = renamed_from {
        table = table.renamed_from(QualifiedName::public(from));
    }
    build(
        Schema::builder()
            .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
            .add_table(table)
            .add_table(
                Table::new("comments")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("post_id", SqlType::BigInt))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["post_id"], QualifiedName::public(posts), ["id"]).on_delete(ReferentialAction::Cascade))
                    .index(Index::on(["post_id"])),
            ),
    )
}

/// The names of a table's constraints and indexes, and the constraints that reference it.
fn names_of(client: &mut Client, table: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let list = |client: &mut Client, sql: &str| -> Vec<String> { client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get(0)).collect() };
    let constraints = list(client, "SELECT conname::text FROM pg_constraint WHERE conrelid = ('public.' || $1)::regclass ORDER BY 1");
    let indexes = list(client, "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ('public.' || $1)::regclass ORDER BY 1");
    let referencing = list(client, "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint WHERE confrelid = ('public.' || $1)::regclass AND conrelid <> confrelid ORDER BY 1");
    (constraints, indexes, referencing)
}

/// A declared table rename keeps the table's constraints and indexes and
/// renames them (`posts_pkey` to `articles_pkey`): no key is dropped, no index
/// rebuilt, the foreign key of another table keeps working, and the down
/// migration brings the old names back.
#[test]
fn a_table_rename_renames_its_constraints_and_indexes() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (blog("posts", None), blog("articles", Some("posts")));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.users SELECT i FROM generate_series(1, 10) i;
             INSERT INTO public.posts (user_id, email, n) SELECT 1 + i % 10, 'p' || i || '@x.io', i FROM generate_series(1, 500) i;
             INSERT INTO public.comments SELECT i, 1 + i % 500 FROM generate_series(1, 1000) i;",
        )
        .unwrap();
    let old_names = names_of(&mut client, "posts");
    assert_eq!(
        old_names,
        (
            vec!["posts_check".into(), "posts_email_key".into(), "posts_n_check".into(), "posts_pkey".into(), "posts_user_id_fkey".into()],
            vec!["idx_posts_user_id".into(), "posts_email_key".into(), "posts_pkey".into()],
            vec!["comments.comments_post_id_fkey".into()],
        )
    );

    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    for expected in [
        "ALTER TABLE public.posts RENAME TO articles",
        "ALTER TABLE public.articles RENAME CONSTRAINT posts_pkey TO articles_pkey",
        "ALTER TABLE public.articles RENAME CONSTRAINT posts_email_key TO articles_email_key",
        "ALTER TABLE public.articles RENAME CONSTRAINT posts_user_id_fkey TO articles_user_id_fkey",
        "ALTER TABLE public.articles RENAME CONSTRAINT posts_check TO articles_check",
        "ALTER TABLE public.articles RENAME CONSTRAINT posts_n_check TO articles_n_check",
        "ALTER INDEX public.idx_posts_user_id RENAME TO idx_articles_user_id",
    ] {
        assert!(up.contains(expected), "missing `{expected}` in:\n{up}");
    }
    for unwanted in ["DROP CONSTRAINT", "ADD CONSTRAINT", "VALIDATE", "CREATE INDEX", "CREATE UNIQUE INDEX", "DROP INDEX", "comments"] {
        assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
    }
    assert!(plan.is_reversible());
    let migrations = plan.migrations(1, "rename posts");
    assert_eq!(migrations.len(), 1, "one transaction:\n{up}");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{up}"));

    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());
    assert_eq!(
        names_of(&mut client, "articles"),
        (
            vec!["articles_check".into(), "articles_email_key".into(), "articles_n_check".into(), "articles_pkey".into(), "articles_user_id_fkey".into()],
            vec!["articles_email_key".into(), "articles_pkey".into(), "idx_articles_user_id".into()],
            vec!["comments.comments_post_id_fkey".into()],
        )
    );
    let comment: Option<String> = support::pg::one(&mut client, "SELECT obj_description('public.idx_articles_user_id'::regclass, 'pg_class')");
    assert_eq!(comment.as_deref(), Some("posts of a user"));
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.articles"), 500);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.comments JOIN public.articles a ON a.id = post_id"), 1000);
    // Every constraint still holds, under its new name.
    support::pg::expect_sqlstate(client.execute("INSERT INTO public.comments VALUES (5000, 9999)", &[]), "23503", "comment on a missing article");
    let e = support::pg::expect_sqlstate(client.execute("INSERT INTO public.articles (user_id, email, n) VALUES (1, 'p1@x.io', 1)", &[]), "23505", "duplicate email");
    assert_eq!(e.constraint(), Some("articles_email_key"));
    support::pg::expect_sqlstate(client.execute("INSERT INTO public.articles (user_id, email, n) VALUES (99, 'new@x.io', 1)", &[]), "23503", "missing user");
    support::pg::expect_sqlstate(client.execute("INSERT INTO public.articles (user_id, email, n) VALUES (1, 'new@x.io', 0)", &[]), "23514", "n > 0");
    support::pg::exec(&mut client, "INSERT INTO public.articles (user_id, email, n) VALUES (1, 'new@x.io', 1)");
    support::pg::exec(&mut client, "DELETE FROM public.articles WHERE email = 'new@x.io'");
    // ON DELETE CASCADE from comments still follows the renamed table.
    support::pg::exec(&mut client, "DELETE FROM public.articles WHERE id = 1");
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.comments"), 998);

    // Undo, as a tool would run the down migration.
    undo(&mut client, &migrations);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(names_of(&mut client, "posts"), old_names);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.posts"), 499);
    support::pg::expect_sqlstate(client.execute("INSERT INTO public.comments VALUES (5000, 9999)", &[]), "23503", "comment on a missing post after the undo");
}

/// `posts`, or the same table under its new name, with timestamps, the audit
/// trigger and a trigger of the user's on `UPDATE OF` its text column; `key`
/// and `body` name its key and text columns (renamed from `id` and `body`).
fn tracked(posts: &str, renamed_from: Option<&str>, key: &str, body: &str) -> Schema {
    let mut table = Table::new(posts)
        .column(Column::new(key, SqlType::BigInt).identity(Identity::Always))
        .column(Column::new(body, SqlType::Text))
        .column(Column::new("edits", SqlType::Integer).default_expr("0"))
        .primary_key([key]);
    if let Some(from) = renamed_from {
        table = table.renamed_from(QualifiedName::public(from));
        if key != "id" {
            table.columns[0] = table.columns[0].clone().renamed_from("id");
        }
        if body != "body" {
            table.columns[1] = table.columns[1].clone().renamed_from("body");
        }
    }
    let edits = Trigger::new(format!("{posts}_count_edits"), TriggerTiming::Before, [TriggerEvent::Update(vec![body.into()])], QualifiedName::public("count_edits"))
        .comment("Counts edits of the text");
    build(
        Schema::builder()
            .function(Function::trigger(QualifiedName::public("count_edits"), "\nBEGIN\n    NEW.edits := NEW.edits + 1;\n    RETURN NEW;\nEND\n"))
            .add_table(table.timestamps().audited().trigger(edits)),
    )
}

/// The names of a table's triggers (its own, not those behind its foreign keys).
fn triggers_of(client: &mut Client, table: &str) -> Vec<String> {
    let sql = "SELECT tgname::text FROM pg_trigger WHERE tgrelid = ('public.' || $1)::regclass AND NOT tgisinternal ORDER BY 1";
    client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get(0)).collect()
}

/// A declared table rename renames the triggers named after the table
/// (`posts_set_updated_at`, `posts_audit`, and the user's `posts_count_edits`)
/// instead of dropping and creating them, so they never stop firing; the
/// audit trigger's argument follows the renamed key column, `UPDATE OF`
/// follows the renamed text column, and the down migration brings the old
/// names back.
#[test]
fn a_table_rename_renames_its_triggers() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (tracked("posts", None, "id", "body"), tracked("articles", Some("posts"), "article_id", "text"));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute("INSERT INTO public.posts (body, created_at, updated_at) SELECT 'post ' || i, '2000-01-01', '2000-01-01' FROM generate_series(1, 300) i")
        .unwrap();
    let old_triggers = triggers_of(&mut client, "posts");
    assert_eq!(old_triggers, ["posts_audit", "posts_count_edits", "posts_set_updated_at"]);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.audit_logs WHERE table_name = 'public.posts' AND action = 'INSERT'"), 300);

    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    for expected in [
        "ALTER TABLE public.posts RENAME TO articles",
        "ALTER TRIGGER posts_audit ON public.articles RENAME TO articles_audit",
        "ALTER TRIGGER posts_count_edits ON public.articles RENAME TO articles_count_edits",
        "ALTER TRIGGER posts_set_updated_at ON public.articles RENAME TO articles_set_updated_at",
        "RENAME COLUMN id TO article_id",
        "RENAME COLUMN body TO text",
        "CREATE OR REPLACE TRIGGER articles_audit AFTER INSERT OR UPDATE OR DELETE ON public.articles FOR EACH ROW EXECUTE FUNCTION public.audit_row_change('article_id')",
    ] {
        assert!(up.contains(expected), "missing `{expected}` in:\n{up}");
    }
    for unwanted in ["DROP TRIGGER", "CREATE TRIGGER", "COMMENT ON TRIGGER"] {
        assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
    }
    assert!(plan.is_reversible());
    let migrations = plan.migrations(1, "rename posts");
    assert_eq!(migrations.len(), 1, "one transaction:\n{up}");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{up}"));

    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());
    assert_eq!(triggers_of(&mut client, "articles"), ["articles_audit", "articles_count_edits", "articles_set_updated_at"]);
    let comment: Option<String> = support::pg::one(&mut client, "SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = 'articles_count_edits'");
    assert_eq!(comment.as_deref(), Some("Counts edits of the text"));
    // Every trigger fires under its new name, with its new columns.
    support::pg::exec(&mut client, "UPDATE public.articles SET text = 'edited' WHERE article_id = 1");
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.articles WHERE updated_at > '2001-01-01'"), 1);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.articles WHERE article_id = 1 AND edits = 1"), 1);
    assert_eq!(
        count(
            &mut client,
            "SELECT count(*) FROM public.audit_logs WHERE table_name = 'public.articles' AND action = 'UPDATE' AND record_id = '1' AND 'text' = ANY (changed_fields)"
        ),
        1
    );
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.audit_logs"), 301);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.articles"), 300);

    // Undo, as a tool would run the down migration.
    undo(&mut client, &migrations);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(triggers_of(&mut client, "posts"), old_triggers);
    support::pg::exec(&mut client, "UPDATE public.posts SET body = 'again' WHERE id = 2");
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.posts WHERE updated_at > '2001-01-01'"), 2);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.posts WHERE id = 2 AND edits = 1"), 1);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.audit_logs WHERE table_name = 'public.posts' AND action = 'UPDATE' AND record_id = '2'"), 1);
}

/// The current UTC month (its first day), from the server's clock.
fn this_month(client: &mut Client) -> CivilDate {
    let row = client.query_one("SELECT extract(year FROM d)::int, extract(month FROM d)::int FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS d) s", &[]).unwrap();
    CivilDate::new(row.get(0), row.get::<_, i32>(1) as u32, 1).unwrap()
}

/// `logs`, or the same table under its new name: range-partitioned by month on
/// `at`, `month` and the next one declared (`ahead` asks for no more, and brings
/// `ensure_partitions`), a default partition, a key, an index, and row-level
/// security with a policy (so each partition has it enabled too).
fn monthly_logs(name: &str, renamed_from: Option<&str>, month: CivilDate) -> Schema {
    let mut table = Table::new(name)
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("at", SqlType::Timestamptz))
        .column(Column::new("note", SqlType::Text))
        .primary_key(["id", "at"])
        .partition_by(Partitioning::range(["at"]).monthly(month, 2).ahead(2).with_default())
        .index(Index::on(["at"]))
        .row_level_security(false)
        .policy(Policy::new("everyone").using("true"));
    if let Some(from) = renamed_from {
        table = table.renamed_from(QualifiedName::public(from));
    }
    build(Schema::builder().add_table(table))
}

/// The partitions of a table (pg_inherits), by name.
fn partitions_of(client: &mut Client, table: &str) -> Vec<String> {
    let sql = "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ('public.' || $1)::regclass ORDER BY 1";
    client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get(0)).collect()
}

/// Where a table's rows are: (partition, rows), by partition name.
fn rows_by_partition(client: &mut Client, table: &str) -> Vec<(String, i64)> {
    let sql = format!("SELECT tableoid::regclass::text, count(*) FROM public.{table} GROUP BY 1 ORDER BY 1");
    client.query(&sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// A declared rename of a range-partitioned table renames its partitions, the
/// default one included (`ALTER TABLE logs_2026_11 RENAME TO events_2026_11`),
/// instead of dropping them (their rows with them) and creating new ones over
/// the same bounds: no row moves or is lost, new rows find the renamed
/// partitions, the database then matches the declaration, `ensure_partitions`
/// names new partitions after the new name without colliding with the renamed
/// ones, and the down migration brings the old names back.
#[test]
fn a_table_rename_renames_its_partitions() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let month = this_month(&mut client);
    let (next, plus2) = (month.next(Period::Month), month.next(Period::Month).next(Period::Month));
    let m = |table: &str, d: CivilDate| format!("{table}_{}", d.suffix(Period::Month));
    let (before, after) = (monthly_logs("logs", None, month), monthly_logs("events", Some("logs"), month));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(&format!(
            "INSERT INTO public.logs SELECT i, '{month} 00:00:00+00'::timestamptz + (i % 20) * interval '1 day' + i * interval '1 minute', 'this month' FROM generate_series(1, 100) i;
             INSERT INTO public.logs SELECT i, '{next} 00:00:00+00'::timestamptz + (i % 20) * interval '1 day', 'next month' FROM generate_series(101, 150) i;
             INSERT INTO public.logs SELECT i, '1990-01-01 00:00:00+00'::timestamptz + i * interval '1 day', 'long ago' FROM generate_series(151, 170) i;
             INSERT INTO public.logs SELECT i, '{plus2} 12:00:00+00', 'in two months' FROM generate_series(171, 175) i;"
        ))
        .unwrap();
    let old_partitions = vec![m("logs", month), m("logs", next), "logs_default".to_owned()];
    assert_eq!(partitions_of(&mut client, "logs"), old_partitions);
    assert_eq!(rows_by_partition(&mut client, "logs"), [(m("logs", month), 100), (m("logs", next), 50), ("logs_default".into(), 25)]);

    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    for expected in [
        "ALTER TABLE public.logs RENAME TO events".to_owned(),
        format!("ALTER TABLE public.{} RENAME TO {}", m("logs", month), m("events", month)),
        format!("ALTER TABLE public.{} RENAME TO {}", m("logs", next), m("events", next)),
        "ALTER TABLE public.logs_default RENAME TO events_default".to_owned(),
        "ALTER TABLE public.events RENAME CONSTRAINT logs_pkey TO events_pkey".to_owned(),
        "ALTER INDEX public.idx_logs_at RENAME TO idx_events_at".to_owned(),
    ] {
        assert!(up.contains(&expected), "missing `{expected}` in:\n{up}");
    }
    for unwanted in ["PARTITION OF", "DETACH", "DROP TABLE", "ROW LEVEL SECURITY", "POLICY", "CREATE INDEX"] {
        assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
    }
    assert!(!plan.hazards().contains(&Hazard::DataLoss) && plan.is_reversible(), "{up}");
    let migrations = plan.migrations(1, "rename logs");
    assert_eq!(migrations.len(), 1, "one transaction:\n{up}");

    // What a partition rename locks, seen from a second session: the partition,
    // ACCESS EXCLUSIVE, and not its parent. A query of the parent that prunes the
    // partition goes on; one that reads it waits.
    let step = plan.steps.iter().find(|s| s.description.starts_with(&format!("rename partition {}", m("logs", month)))).unwrap();
    assert_eq!(step.lock, migrate::LockLevel::AccessExclusive);
    let mut watcher = db.client();
    {
        let mut tx = client.transaction().unwrap();
        let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        tx.batch_execute(&step.sql.join(";\n")).unwrap();
        let locks = locks_held(&mut watcher, pid, &[]);
        assert_eq!(locks, [(m("logs", month), "AccessExclusiveLock".to_owned())]);
        watcher.batch_execute("SET lock_timeout = '300ms'").unwrap();
        assert_eq!(count(&mut watcher, &format!("SELECT count(*) FROM public.logs WHERE at >= '{next} 00:00:00+00'")), 55);
        support::pg::expect_sqlstate(watcher.query_one("SELECT count(*) FROM public.logs", &[]), "55P03", "a read of the partition being renamed");
        tx.rollback().unwrap();
    }

    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{up}"));
    let new_partitions = vec![m("events", month), m("events", next), "events_default".to_owned()];
    assert_eq!(partitions_of(&mut client, "events"), new_partitions);
    for old in &old_partitions {
        assert!(support::pg::one::<Option<String>>(&mut client, &format!("SELECT to_regclass('public.{old}')::text")).is_none(), "{old} is still there");
    }
    // No row lost or moved, and new rows find the renamed partitions.
    assert_eq!(rows_by_partition(&mut client, "events"), [(m("events", month), 100), (m("events", next), 50), ("events_default".into(), 25)]);
    for (id, at, partition) in [(1001, format!("{month} 12:00:00+00"), m("events", month)), (1002, format!("{next} 12:00:00+00"), m("events", next)), (1003, "1990-06-01 00:00:00+00".into(), "events_default".into())] {
        let home: String = support::pg::one(&mut client, &format!("INSERT INTO public.events VALUES ({id}, '{at}', 'new') RETURNING tableoid::regclass::text"));
        assert_eq!(home, partition, "row {id} at {at}");
    }
    // Each partition keeps the row-level security it had: enabled, like its parent.
    let secured: Vec<(String, bool, bool)> = client
        .query("SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.events'::regclass ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(secured, new_partitions.iter().map(|p| (p.clone(), true, false)).collect::<Vec<_>>());
    // The partitions' own keys keep the names PostgreSQL gave them (`logs_..._pkey`):
    // they are not in the graph (introspection reads the parent's), so nothing differs.
    let key: String = support::pg::one(&mut client, &format!("SELECT conname::text FROM pg_constraint WHERE conrelid = 'public.{}'::regclass AND contype = 'p' AND conparentid <> 0", m("events", month)));
    assert_eq!(key, format!("{}_pkey", m("logs", month)));
    let report = live::verify(&after, &mut client, &mut shadow).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_clean(), "drift after migrating:\n{}", report.diff);
    assert!(report.unsupported.is_empty(), "{:?}", report.unsupported);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());

    // ensure_partitions names partitions after the table's new name: the current
    // and next months exist under it (no overlapping partition is attempted), and
    // month +2 is created, taking its rows out of the default partition.
    let made: i32 = support::pg::one(&mut client, "SELECT public.ensure_partitions('public.events', 'month', 2)");
    assert_eq!(made, 0);
    let made: i32 = support::pg::one(&mut client, "SELECT public.ensure_partitions('public.events', 'month', 3)");
    assert_eq!(made, 1);
    assert_eq!(partitions_of(&mut client, "events"), [m("events", month), m("events", next), m("events", plus2), "events_default".to_owned()]);
    assert_eq!(
        rows_by_partition(&mut client, "events"),
        [(m("events", month), 101), (m("events", next), 51), (m("events", plus2), 5), ("events_default".into(), 21)]
    );
    let home: String = support::pg::one(&mut client, &format!("INSERT INTO public.events VALUES (1004, '{plus2} 13:00:00+00', 'new') RETURNING tableoid::regclass::text"));
    assert_eq!(home, m("events", plus2));
    // What ensure_partitions made is not the plan's to undo: its rows go back to the default partition.
    client
        .batch_execute(&format!(
            "ALTER TABLE public.events DETACH PARTITION public.{p};
             INSERT INTO public.events SELECT * FROM public.{p};
             DROP TABLE public.{p};",
            p = m("events", plus2)
        ))
        .unwrap();

    // Undo, as a tool would run the down migration.
    undo(&mut client, &migrations);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(partitions_of(&mut client, "logs"), old_partitions);
    assert_eq!(rows_by_partition(&mut client, "logs"), [(m("logs", month), 101), (m("logs", next), 51), ("logs_default".into(), 27)]);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.logs"), 179);
}

/// `logs`, range-partitioned on `at` with the given explicit partitions (name, from, to).
fn ranged_logs(parts: &[(&str, &str, &str)]) -> Schema {
    let mut p = Partitioning::range(["at"]);
    for (name, from, to) in parts {
        p = p.partition(Partition::new(*name, PartitionBound::Range { from: vec![format!("'{from} 00:00:00+00'")], to: vec![format!("'{to} 00:00:00+00'")] }));
    }
    build(
        Schema::builder().add_table(
            Table::new("logs")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("at", SqlType::Timestamptz))
                .column(Column::new("note", SqlType::Text))
                .primary_key(["id", "at"])
                .partition_by(p),
        ),
    )
}

/// A monthly partition replaced by a quarterly one covering it (an overlapping
/// bound, under another name): refused by default (the month's rows go with
/// it); allowed, the old partition is dropped before the new one is created in
/// the same migration, so `CREATE TABLE ... PARTITION OF` does not fail with
/// 42P17 ("would overlap partition"). The partition left alone keeps its rows.
#[test]
fn a_partition_replaced_by_an_overlapping_one_is_dropped_first() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = ranged_logs(&[("logs_2026_01", "2026-01-01", "2026-02-01"), ("logs_2026_04", "2026-04-01", "2026-05-01")]);
    let after = ranged_logs(&[("logs_2026_q1", "2026-01-01", "2026-04-01"), ("logs_2026_04", "2026-04-01", "2026-05-01")]);
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.logs SELECT i, '2026-01-01 00:00:00+00'::timestamptz + i * interval '1 hour', 'january' FROM generate_series(1, 30) i;
             INSERT INTO public.logs SELECT i, '2026-04-01 00:00:00+00'::timestamptz + i * interval '1 hour', 'april' FROM generate_series(31, 40) i;",
        )
        .unwrap();
    assert_eq!(rows_by_partition(&mut client, "logs"), [("logs_2026_01".into(), 30), ("logs_2026_04".into(), 10)]);

    // Refused by default.
    let live_schema = live::introspect(&mut client, &IntrospectOptions::for_schema(&after)).unwrap();
    let from = live::canonicalize(&mut shadow, &live_schema).unwrap();
    let to = live::canonicalize(&mut shadow, &after).unwrap();
    let refused = migrate::plan(&migrate::diff(&from, &to), &PlanOptions::default()).unwrap_err();
    assert_eq!(refused.0, [PlanError::Refused { change: "drop partition logs_2026_01 of public.logs".into(), hazard: Hazard::DataLoss }]);

    let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    let drop = up.find("DROP TABLE public.logs_2026_01;").unwrap_or_else(|| panic!("{up}"));
    let create = up.find("CREATE TABLE public.logs_2026_q1 PARTITION OF public.logs").unwrap_or_else(|| panic!("{up}"));
assert!(drop < create, "{up}");
    assert!(plan.hazards().contains(&Hazard::DataLoss) && !plan.is_reversible(), "{up}");
    let migrations = plan.migrations(1, "quarterly logs");
assert_eq!(migrations.len(), 1, "{up}");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{up}"));

    assert_eq!(partitions_of(&mut client, "logs"), ["logs_2026_04", "logs_2026_q1"]);
    // January's rows went with its partition; April's stay.
    assert_eq!(rows_by_partition(&mut client, "logs"), [("logs_2026_04".into(), 10)]);
    let home: String = support::pg::one(&mut client, "INSERT INTO public.logs VALUES (100, '2026-02-15 00:00:00+00', 'february') RETURNING tableoid::regclass::text");
    assert_eq!(home, "logs_2026_q1");
    client.batch_execute("DELETE FROM public.logs WHERE id = 100; DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());
}

/// `public.logs`, or the same table moved to `schema` (and renamed to `name`):
/// range-partitioned by month on `at`, January to March 2026 and a default
/// partition, an identity key, an index, and row-level security enabled and
/// forced with a policy (so each partition has it enabled and forced too).
fn movable_logs(schema: &str, name: &str) -> Schema {
    let mut table = Table::in_schema(schema, name)
        .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
        .column(Column::new("at", SqlType::Timestamptz))
        .column(Column::new("note", SqlType::Text))
        .primary_key(["id", "at"])
        .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 3).with_default())
        .index(Index::on(["at"]))
        .row_level_security(true)
        .policy(Policy::new("everyone").using("true"));
    if (schema, name) != ("public", "logs") {
        table = table.renamed_from(QualifiedName::public("logs"));
    }
    build(Schema::builder().add_table(table))
}

/// A table's partitions (pg_inherits): (schema, name, RLS enabled, RLS forced), by name.
fn partitions_in(client: &mut Client, table: &str) -> Vec<(String, String, bool, bool)> {
    let sql = "SELECT n.nspname::text, c.relname::text, c.relrowsecurity, c.relforcerowsecurity
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE i.inhparent = $1::text::regclass ORDER BY 2";
    client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()
}

/// Where a table's rows are: (schema-qualified partition, rows), by partition name.
fn rows_in(client: &mut Client, table: &str) -> Vec<(String, i64)> {
    let sql = format!(
        "SELECT n.nspname || '.' || c.relname, count(*) FROM {table} t JOIN pg_class c ON c.oid = t.tableoid JOIN pg_namespace n ON n.oid = c.relnamespace GROUP BY 1, c.relname ORDER BY c.relname"
    );
    client.query(&sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// The relations (tables, partitions, their indexes, sequences) and row types in `schema`, by name.
fn relations_in(client: &mut Client, schema: &str) -> (Vec<String>, Vec<String>) {
    let list = |client: &mut Client, sql: &str| -> Vec<String> { client.query(sql, &[&schema]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get(0)).collect() };
    let relations = list(client, "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1");
    let types = list(client, "SELECT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'c' ORDER BY 1");
    (relations, types)
}

/// A declared move of a range-partitioned table to another schema (renamed
/// too when `name` is not `logs`) moves each partition with it, the default one
/// included (PostgreSQL's `SET SCHEMA` moves the table's indexes, constraints,
/// identity sequence and row type, not its partitions): every row stays where
/// it was, the partitions keep row-level security enabled and forced, nothing
/// is left in the old schema, the database then matches the declaration, and
/// the down migration brings everything back.
fn a_table_move_moves_its_partitions(name: &str) {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (movable_logs("public", "logs"), movable_logs("archive", name));
    let (parent, moved) = ("public.logs".to_owned(), format!("archive.{name}"));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.logs (at, note) SELECT '2026-01-01 00:00:00+00'::timestamptz + i * interval '5 hours', 'january' FROM generate_series(1, 100) i;
             INSERT INTO public.logs (at, note) SELECT '2026-02-01 00:00:00+00'::timestamptz + i * interval '5 hours', 'february' FROM generate_series(1, 50) i;
             INSERT INTO public.logs (at, note) SELECT '2026-03-01 00:00:00+00'::timestamptz + i * interval '5 hours', 'march' FROM generate_series(1, 30) i;
             INSERT INTO public.logs (at, note) SELECT '1990-01-01 00:00:00+00'::timestamptz + i * interval '1 day', 'long ago' FROM generate_series(1, 20) i;",
        )
        .unwrap();
    let old_parts = ["logs_2026_01", "logs_2026_02", "logs_2026_03", "logs_default"];
    let in_schema = |schema: &str, parts: &[String]| parts.iter().map(|p| (schema.to_owned(), p.clone(), true, true)).collect::<Vec<_>>();
    let old_names: Vec<String> = old_parts.iter().map(|p| p.to_string()).collect();
    let new_names: Vec<String> = old_parts.iter().map(|p| p.replacen("logs", name, 1)).collect();
    assert_eq!(partitions_in(&mut client, &parent), in_schema("public", &old_names));
    let counts = [100, 50, 30, 20];
    let rows = |schema: &str, parts: &[String]| parts.iter().zip(counts).map(|(p, n)| (format!("{schema}.{p}"), n)).collect::<Vec<_>>();
    assert_eq!(rows_in(&mut client, &parent), rows("public", &old_names));
    let public_before = relations_in(&mut client, "public");
    assert!(public_before.0.contains(&"logs_2026_01_at_idx".to_owned()) && public_before.0.contains(&"logs_id_seq".to_owned()), "{public_before:?}");

    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    let mut expected = vec!["CREATE SCHEMA IF NOT EXISTS archive".to_owned(), "ALTER TABLE public.logs SET SCHEMA archive".to_owned()];
    expected.extend(old_parts.iter().map(|p| format!("ALTER TABLE public.{p} SET SCHEMA archive")));
    if name != "logs" {
        expected.push(format!("ALTER TABLE archive.logs RENAME TO {name}"));
        expected.extend(old_parts.iter().zip(&new_names).map(|(p, n)| format!("ALTER TABLE archive.{p} RENAME TO {n}")));
    }
    for statement in &expected {
        assert_eq!(up.matches(&format!("{statement};")).count(), 1, "`{statement}` in:\n{up}");
    }
    for unwanted in ["PARTITION OF", "DETACH", "DROP TABLE", "ROW LEVEL SECURITY", "POLICY", "CREATE INDEX"] {
        assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
    }
    assert!(!plan.hazards().contains(&Hazard::DataLoss) && plan.is_reversible(), "{up}");
    let migrations = plan.migrations(1, "move logs");
    assert_eq!(migrations.len(), 1, "one transaction:\n{up}");

    // What a partition move locks, seen from a second session: the partition,
    // ACCESS EXCLUSIVE, and not its parent. A query of the parent that prunes the
    // partition goes on; one that reads it waits.
    let step = plan.steps.iter().find(|s| s.description == format!("move partition logs_2026_01 of {moved} from schema public")).unwrap_or_else(|| panic!("{up}"));
    assert_eq!((step.lock, &step.sql[..]), (migrate::LockLevel::AccessExclusive, &["ALTER TABLE public.logs_2026_01 SET SCHEMA archive".to_owned()][..]));
    let mut watcher = db.client();
    {
        let mut tx = client.transaction().unwrap();
        let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        tx.batch_execute("CREATE SCHEMA archive").unwrap();
        tx.batch_execute(&step.sql.join(";\n")).unwrap();
        // By name: the watcher does not see the move, which is not committed.
        let locks = locks_held(&mut watcher, pid, &[]);
        assert_eq!(locks, [("logs_2026_01".to_owned(), "AccessExclusiveLock".to_owned())]);
        watcher.batch_execute("SET lock_timeout = '300ms'").unwrap();
        // February and March (the default partition is read too: its rows are older).
        assert_eq!(count(&mut watcher, "SELECT count(*) FROM public.logs WHERE at >= '2026-02-01 00:00:00+00'"), 80);
        support::pg::expect_sqlstate(watcher.query_one("SELECT count(*) FROM public.logs", &[]), "55P03", "a read of the partition being moved");
        tx.rollback().unwrap();
    }

    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{up}"));
    // Every partition is in the new schema, with its rows and its row-level security.
    assert_eq!(partitions_in(&mut client, &moved), in_schema("archive", &new_names));
    assert_eq!(rows_in(&mut client, &moved), rows("archive", &new_names));
    for (at, partition) in [("2026-01-15", &new_names[0]), ("2026-03-15", &new_names[2]), ("1991-06-01", &new_names[3])] {
        let home: String = support::pg::one(&mut client, &format!("INSERT INTO {moved} (at, note) VALUES ('{at} 00:00:00+00', 'new') RETURNING tableoid::regclass::text"));
        assert_eq!(home, format!("archive.{partition}"), "a row at {at}");
    }
    // The identity sequence moved with the table (under its name) and goes on.
    let sequence: String = support::pg::one(&mut client, &format!("SELECT pg_get_serial_sequence('{moved}', 'id')"));
    assert_eq!(sequence, "archive.logs_id_seq");
    assert_eq!(count(&mut client, &format!("SELECT max(id) FROM {moved}")), 203);
    // Nothing of the table is left in the old schema: no partition, index, sequence or row type.
    let left = relations_in(&mut client, "public");
    assert!(!left.0.iter().chain(&left.1).any(|r| r.starts_with("logs") || r.starts_with("idx_logs") || r.starts_with(name)), "left in public: {left:?}");
    // The partitions' own indexes (named by PostgreSQL after their first names) and row types moved with them.
    let (relations, types) = relations_in(&mut client, "archive");
    for (old, new) in old_parts.iter().zip(&new_names) {
        for index in [format!("{old}_at_idx"), format!("{old}_pkey")] {
            assert!(relations.contains(&index), "{index} not in archive: {relations:?}");
        }
        assert!(types.contains(new), "row type {new} not in archive: {types:?}");
    }
    let report = live::verify(&after, &mut client, &mut shadow).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_clean(), "drift after migrating:\n{}", report.diff);
    assert!(report.unsupported.is_empty(), "{:?}", report.unsupported);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());
    client.batch_execute(&format!("DELETE FROM {moved} WHERE note = 'new'")).unwrap();

    // Undo, as a tool would run the down migration.
    undo(&mut client, &migrations);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(partitions_in(&mut client, &parent), in_schema("public", &old_names));
    assert_eq!(rows_in(&mut client, &parent), rows("public", &old_names));
    assert_eq!(relations_in(&mut client, "public").0, public_before.0);
    let archive: Option<String> = support::pg::one(&mut client, "SELECT to_regnamespace('archive')::text");
    assert_eq!(archive, None);
}

#[test]
fn a_table_moved_to_another_schema_moves_its_partitions() {
    a_table_move_moves_its_partitions("logs");
}

#[test]
fn a_table_moved_and_renamed_moves_and_renames_its_partitions() {
    a_table_move_moves_its_partitions("events");
}

/// `notes` with an `updated_at` trigger and `notes_stamp`, which adds `bump`
/// to `stamps` (1 before the change, 100 after, so the version that fired can
/// be told from the row, and two versions would add 101). Before: both on
/// `BEFORE UPDATE`, `notes_stamp` calling `stamp`. After: `updated_at` on
/// `BEFORE INSERT OR UPDATE` with a new comment, `notes_stamp` on
/// `BEFORE INSERT OR UPDATE OF body` calling `stamp_v2` (`stamp` is dropped),
/// its comment unchanged.
fn stamped(after: bool) -> Schema {
    let (events, function, bump) = if after {
        (vec![TriggerEvent::Insert, TriggerEvent::Update(vec!["body".into()])], "stamp_v2", 100)
    } else {
        (vec![TriggerEvent::Update(vec![])], "stamp", 1)
    };
    let mut table = Table::new("notes")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("body", SqlType::Text))
        .column(Column::new("stamps", SqlType::Integer).default_expr("0"))
        .primary_key(["id"]);
    if after {
        let events = [TriggerEvent::Insert, TriggerEvent::Update(vec![])];
        table = table.trigger(
            Trigger::new("notes_set_updated_at", TriggerTiming::Before, events, pgarchitect::builtin::set_updated_at_name())
                .comment("Keeps updated_at current on every INSERT and UPDATE"),
        );
    }
    let stamp = Trigger::new("notes_stamp", TriggerTiming::Before, events, QualifiedName::public(function)).comment("Counts edits");
    let body = format!("\nBEGIN\n    NEW.stamps := NEW.stamps + {bump};\n    RETURN NEW;\nEND\n");
    build(Schema::builder().function(Function::trigger(QualifiedName::public(function), body)).add_table(table.timestamps().trigger(stamp)))
}

/// What the triggers of `notes` do now: (stamps of a new row, whether its
/// `updated_at` was set by a trigger, what an update of its body adds to
/// `stamps`). Also checks that each trigger exists once, with its comment.
fn probe(client: &mut Client, id: i64) -> (i32, bool, i32) {
    let row = client
        .query_one("INSERT INTO public.notes (id, body, updated_at) VALUES ($1, 'new', '2000-01-01') RETURNING stamps, updated_at > '2001-01-01'", &[&id])
        .unwrap();
    let (inserted, touched): (i32, bool) = (row.get(0), row.get(1));
    let updated: i32 = client.query_one("UPDATE public.notes SET body = body || '.' WHERE id = $1 RETURNING stamps", &[&id]).unwrap().get(0);
    assert_eq!(triggers_of(client, "notes"), ["notes_set_updated_at", "notes_stamp"]);
    let comment: Option<String> = support::pg::one(client, "SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = 'notes_stamp'");
    assert_eq!(comment.as_deref(), Some("Counts edits"));
    (inserted, touched, updated - inserted)
}

/// A trigger whose definition changes (events, `UPDATE OF`, function) is
/// replaced in place: applied step by step, every moment has exactly one
/// version of each trigger, firing (an update adds 1 or 100 to `stamps`, never
/// 0 or 101), the comment survives, the replacement takes PostgreSQL's SHARE
/// ROW EXCLUSIVE lock, not ACCESS EXCLUSIVE, and the down steps, run one by one
/// too, bring the old behaviour back.
#[test]
fn a_changed_trigger_is_replaced_in_place_and_always_fires_once() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (stamped(false), stamped(true));
    live::apply(&mut client, &before).unwrap();
    let old = (0, false, 1);
    assert_eq!(probe(&mut client, 1), old);

    let options = PlanOptions::default();
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    assert!(!up.contains("DROP TRIGGER") && !up.contains("CREATE TRIGGER "), "{up}");
    let steps = phases(&plan);
    assert_eq!(
        steps,
        [
            (Phase::Expand, "create function public.stamp_v2"),
            (Phase::Expand, "replace trigger notes_set_updated_at on public.notes"),
            (Phase::Expand, "replace trigger notes_stamp on public.notes"),
            (Phase::Expand, "set 1 comments"),
            (Phase::Contract, "drop function public.stamp"),
        ],
        "{up}"
    );
    // After each step: what the triggers do, each trigger once, the comment kept.
    let expected = [(0, false, 1), (0, true, 1), (100, true, 100), (100, true, 100), (100, true, 100)];
    let mut id = 1;
    for (step, want) in plan.steps.iter().zip(expected) {
        assert!(step.transactional, "{}", step.description);
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{}: {e}\n{}", step.description, step.script()));
        if step.description.starts_with("replace trigger") {
            let modes: Vec<String> = tx
                .query("SELECT mode FROM pg_locks WHERE relation = 'public.notes'::regclass AND pid = pg_backend_pid() ORDER BY 1", &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert_eq!((step.lock, &modes[..]), (migrate::LockLevel::ShareRowExclusive, &["ShareRowExclusiveLock".to_owned()][..]), "{}", step.description);
        }
        tx.commit().unwrap();
        id += 1;
        assert_eq!(probe(&mut client, id), want, "after `{}`", step.description);
    }
    let comment: Option<String> = support::pg::one(&mut client, "SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = 'notes_set_updated_at'");
    assert_eq!(comment.as_deref(), Some("Keeps updated_at current on every INSERT and UPDATE"));
    // The new `UPDATE OF body`: an update of another column fires nothing.
    // Row 1 got its 1 from the old version's update before the migration.
    let stamps: i32 = support::pg::one(&mut client, "UPDATE public.notes SET stamps = stamps WHERE id = 1 RETURNING stamps");
    assert_eq!(stamps, 1);
    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());

    // Down, last step first, one by one: the same, backwards.
    let expected_down = [(100, true, 100), (100, true, 100), (0, true, 1), (0, false, 1), (0, false, 1)];
    for (step, want) in plan.steps.iter().rev().zip(expected_down) {
        let down = step.down_script().expect("reversible");
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&down).unwrap_or_else(|e| panic!("down {}: {e}\n{down}", step.description));
        tx.commit().unwrap();
        id += 1;
        assert_eq!(probe(&mut client, id), want, "after undoing `{}`", step.description);
    }
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.notes"), id);
}

/// `events`, hash-partitioned in two, whose `events_log` trigger writes the
/// level it fires at (`ROW` or `STATEMENT`) to `fired`, once per row or per
/// statement as `per_row` says.
fn logged_events(per_row: bool) -> Schema {
    let mut log = Trigger::new("events_log", TriggerTiming::After, [TriggerEvent::Insert], QualifiedName::public("log_event")).comment("Logs inserts");
    if !per_row {
        log = log.for_each_statement();
    }
    let events = Table::new("events").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]).partition_by(Partitioning::hash(["id"], 2));
    let fired = Table::new("fired").column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).column(Column::new("level", SqlType::Text)).primary_key(["id"]);
    let body = "\nBEGIN\n    INSERT INTO public.fired (level) VALUES (TG_LEVEL);\n    RETURN NULL;\nEND\n";
    build(Schema::builder().function(Function::trigger(QualifiedName::public("log_event"), body)).add_table(fired).add_table(events.trigger(log)))
}

/// Inserts two rows into `events` in one statement: the levels logged, in order.
fn fire_events(client: &mut Client, first: i64) -> Vec<String> {
    client.batch_execute("TRUNCATE public.fired").unwrap();
    client.execute("INSERT INTO public.events VALUES ($1), ($1 + 1)", &[&first]).unwrap();
    client.query("SELECT level FROM public.fired ORDER BY level", &[]).unwrap().iter().map(|r| r.get(0)).collect()
}

/// On a partitioned table, `CREATE OR REPLACE TRIGGER` from `FOR EACH ROW` to
/// `FOR EACH STATEMENT` leaves the row triggers PostgreSQL 15 cloned on the
/// partitions firing beside the new one; the plan drops and creates the
/// trigger in one transaction instead, so it fires once per statement only,
/// keeps its comment, and the down step brings the row trigger back.
#[test]
fn a_row_trigger_of_a_partitioned_table_becoming_a_statement_trigger_fires_once() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (logged_events(true), logged_events(false));
    live::apply(&mut client, &before).unwrap();
    assert_eq!(fire_events(&mut client, 1), ["ROW", "ROW"]);

    // Why not in place: the partitions' row clones survive and fire too.
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("CREATE OR REPLACE TRIGGER events_log AFTER INSERT ON public.events FOR EACH STATEMENT EXECUTE FUNCTION public.log_event()").unwrap();
    tx.batch_execute("TRUNCATE public.fired; INSERT INTO public.events VALUES (100), (101)").unwrap();
    let levels: Vec<String> = tx.query("SELECT level FROM public.fired ORDER BY level", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(levels, ["ROW", "ROW", "STATEMENT"], "PostgreSQL no longer keeps the clones: replace in place on partitioned tables too");
    tx.rollback().unwrap();

    let options = PlanOptions::default();
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
    let step = &plan.steps[0];
    assert_eq!(
        step.sql,
        [
            "DROP TRIGGER events_log ON public.events",
            "CREATE TRIGGER events_log AFTER INSERT ON public.events FOR EACH STATEMENT EXECUTE FUNCTION public.log_event()",
            "COMMENT ON TRIGGER events_log ON public.events IS 'Logs inserts'",
        ]
    );
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{e}\n{}", step.script()));
    tx.commit().unwrap();
    assert_eq!(fire_events(&mut client, 3), ["STATEMENT"]);
    let comment: Option<String> = support::pg::one(&mut client, "SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = 'events_log'");
    assert_eq!(comment.as_deref(), Some("Logs inserts"));
    assert_clean(&after, &mut client, &mut shadow);

    let down = step.down_script().expect("reversible");
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&down).unwrap_or_else(|e| panic!("{e}\n{down}"));
    tx.commit().unwrap();
    assert_eq!(fire_events(&mut client, 5), ["ROW", "ROW"]);
    assert_clean(&before, &mut client, &mut shadow);
}

/// `payments (id, amount <amount>, changes, note)`, hash-partitioned in two if
/// `partitioned`, with two triggers naming `amount`: `payments_on_amount`
/// (`BEFORE UPDATE OF amount`, commented "Counts amount updates") adds 1 to
/// `changes` (100 when `v2`: it then calls `count_change_v2` and also fires on
/// `UPDATE OF note`; `count_change` is dropped), and `payments_when_amount`
/// (`BEFORE UPDATE ... WHEN (OLD.amount IS DISTINCT FROM NEW.amount)`,
/// commented "Notes amount changes") writes the new amount into `note`.
fn payments(amount: SqlType, partitioned: bool, v2: bool) -> Schema {
    let mut table = Table::new("payments")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("amount", amount))
        .column(Column::new("changes", SqlType::Integer).default_expr("0"))
        .column(Column::new("note", SqlType::Text).nullable())
        .primary_key(["id"]);
    if partitioned {
        table = table.partition_by(Partitioning::hash(["id"], 2));
    }
    let (count, columns, bump) = if v2 { ("count_change_v2", vec!["amount".to_owned(), "note".to_owned()], 100) } else { ("count_change", vec!["amount".to_owned()], 1) };
    let on_amount = Trigger::new("payments_on_amount", TriggerTiming::Before, [TriggerEvent::Update(columns)], QualifiedName::public(count)).comment("Counts amount updates");
    let when_amount = Trigger::new("payments_when_amount", TriggerTiming::Before, [TriggerEvent::Update(vec![])], QualifiedName::public("note_change"))
        .when("OLD.amount IS DISTINCT FROM NEW.amount")
        .comment("Notes amount changes");
    let count_body = format!("\nBEGIN\n    NEW.changes := NEW.changes + {bump};\n    RETURN NEW;\nEND\n");
    let note_body = "\nBEGIN\n    NEW.note := 'amount ' || NEW.amount::text;\n    RETURN NEW;\nEND\n";
    build(
        Schema::builder()
            .function(Function::trigger(QualifiedName::public(count), count_body))
            .function(Function::trigger(QualifiedName::public("note_change"), note_body))
            .add_table(table.trigger(on_amount).trigger(when_amount)),
    )
}

/// The type of `payments.amount`, as `format_type` writes it.
fn amount_type(client: &mut Client) -> String {
    support::pg::one(client, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.payments'::regclass AND attname = 'amount'")
}

/// Sets the amount of payment `id` to `amount` (a SQL literal), then its note
/// alone: (`changes` and `note` after the first update, `changes` after the
/// second). Checks that each trigger exists once on `payments` (and once on
/// each partition, as the clone of the parent's, when partitioned), with its
/// comment.
fn fire_payments(client: &mut Client, id: i64, amount: &str) -> (i32, String, i32) {
    assert_eq!(triggers_of(client, "payments"), ["payments_on_amount", "payments_when_amount"]);
    let clones: Vec<(String, i64)> = client
        .query(
            "SELECT t.tgname::text, count(*) FROM pg_trigger t JOIN pg_inherits i ON i.inhrelid = t.tgrelid
             WHERE i.inhparent = 'public.payments'::regclass AND t.tgparentid <> 0 GROUP BY 1 ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let partitions = count(client, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'public.payments'::regclass");
    let expected: Vec<(String, i64)> = if partitions == 0 { vec![] } else { vec![("payments_on_amount".into(), partitions), ("payments_when_amount".into(), partitions)] };
    assert_eq!(clones, expected);
    for (name, comment) in [("payments_on_amount", "Counts amount updates"), ("payments_when_amount", "Notes amount changes")] {
        let sql = format!("SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = '{name}' AND tgrelid = 'public.payments'::regclass");
        let got: Option<String> = support::pg::one(client, &sql);
        assert_eq!(got.as_deref(), Some(comment), "{name}");
    }
    let row = client.query_one(&format!("UPDATE public.payments SET amount = {amount} WHERE id = $1 RETURNING changes, note"), &[&id]).unwrap();
    let (changes, note): (i32, String) = (row.get(0), row.get(1));
    let after_note: i32 = client.query_one("UPDATE public.payments SET note = 'edited' WHERE id = $1 RETURNING changes", &[&id]).unwrap().get(0);
    (changes, note, after_note)
}

/// Changes the type of `payments.amount` from `from` to `to` under its two
/// triggers (replacing `payments_on_amount` by its v2 at the same time if
/// `replaced`), step by step, then undoes it step by step; `small` fits both
/// types, `big` only `to` (written as `to` prints it).
fn retype_under_triggers(from: SqlType, to: SqlType, small: &str, big: &str, partitioned: bool, replaced: bool) {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (payments(from.clone(), partitioned, false), payments(to.clone(), partitioned, replaced));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.payments (id, amount) SELECT i, i FROM generate_series(1, 100) i").unwrap();
    let old_type = amount_type(&mut client);
    // Each trigger fires once: `changes` + 1 on UPDATE OF amount, none on UPDATE OF note.
    assert_eq!(fire_payments(&mut client, 1, small), (1, format!("amount {small}"), 1));
    assert!(old_type != to.to_string(), "{old_type}");

    // Why the triggers are dropped and created again: PostgreSQL refuses the
    // type change under either of them (the plan's ALTER alone used to fail so).
    let alter = format!("ALTER TABLE public.payments ALTER COLUMN amount TYPE {to} USING amount::{to}");
    for trigger in ["payments_on_amount", "payments_when_amount"] {
        let mut tx = client.transaction().unwrap();
        let other = if trigger == "payments_on_amount" { "payments_when_amount" } else { "payments_on_amount" };
        tx.batch_execute(&format!("DROP TRIGGER {other} ON public.payments")).unwrap();
        let e = tx.batch_execute(&alter).expect_err("PostgreSQL changed the type of a column a trigger names");
        assert_eq!(e.code(), Some(&postgres::error::SqlState::FEATURE_NOT_SUPPORTED), "{e}");
        assert!(e.as_db_error().is_some_and(|d| d.message() == "cannot alter type of a column used in a trigger definition"), "{e}");
        tx.rollback().unwrap();
    }

    let options = PlanOptions::default();
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    let retype = format!("change type of public.payments.amount to {to} around triggers payments_on_amount, payments_when_amount");
    let mut expected: Vec<(Phase, &str)> = vec![(Phase::Expand, retype.as_str())];
    if replaced {
        // No step replaces the trigger: the type change creates it in its new form.
        expected.insert(0, (Phase::Expand, "create function public.count_change_v2"));
        expected.push((Phase::Contract, "drop function public.count_change"));
        assert!(!up.contains("CREATE OR REPLACE TRIGGER"), "{up}");
    }
    let steps = phases(&plan);
    assert_eq!(steps, expected, "{up}");
    let step = plan.steps.iter().find(|s| s.description == retype).unwrap();
    assert_eq!((step.lock, step.transactional, step.down_transactional), (migrate::LockLevel::AccessExclusive, true, true));
    // What an update of the amount, then of the note alone, makes of `changes`.
    let fires = |v2: bool, amount: &str| if v2 { (100, format!("amount {amount}"), 200) } else { (1, format!("amount {amount}"), 1) };
    let mut id = 1;
    let mut retyped = false;
    for step in &plan.steps {
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{}: {e}\n{}", step.description, step.script()));
        tx.commit().unwrap();
        retyped |= step.description == retype;
        // After every step: both triggers there once with their comments, each firing once.
        id += 1;
        assert_eq!(fire_payments(&mut client, id, small), fires(replaced && retyped, small), "after `{}`", step.description);
    }
    assert_eq!(amount_type(&mut client), to.to_string());
    // The new type holds what the old could not, and the triggers see it.
    id += 1;
    assert_eq!(fire_payments(&mut client, id, big), fires(replaced, big));
    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.payments"), 100);

    // Down, last step first, one by one, once the big amount fits the old type again.
    client.execute(&format!("UPDATE public.payments SET amount = {small} WHERE id = $1"), &[&id]).unwrap();
    for step in plan.steps.iter().rev() {
        let down = step.down_script().expect("reversible");
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&down).unwrap_or_else(|e| panic!("down {}: {e}\n{down}", step.description));
        tx.commit().unwrap();
        retyped &= step.description != retype;
        id += 1;
        assert_eq!(fire_payments(&mut client, id, small), fires(replaced && retyped, small), "after undoing `{}`", step.description);
    }
    assert_eq!(amount_type(&mut client), old_type);
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.payments"), 100);
}

/// An integer column named by a trigger's `UPDATE OF` and by another's `WHEN`
/// becomes bigint. Before the fix the plan's `ALTER TABLE ... ALTER COLUMN
/// amount TYPE bigint` failed on PostgreSQL 15 with 0A000 ("cannot alter type
/// of a column used in a trigger definition"), rolling the migration back; the
/// test shows that refusal, then that the plan drops both triggers and creates
/// them again around the type change in one step, so after it (and after each
/// down step) each trigger exists once with its comment and fires once.
#[test]
fn a_column_named_by_triggers_changes_type_from_integer_to_bigint() {
    retype_under_triggers(SqlType::Integer, SqlType::BigInt, "77", "5000000000", false, false);
}

/// The same for numeric(10,2) to numeric(12,2), a change PostgreSQL makes
/// without rewriting the table but refuses all the same under the triggers.
#[test]
fn a_column_named_by_triggers_changes_type_from_numeric_10_2_to_numeric_12_2() {
    retype_under_triggers(SqlType::Numeric(Some((10, Some(2)))), SqlType::Numeric(Some((12, Some(2)))), "77.50", "1234567890.12", false, false);
}

/// The same on a hash-partitioned table: dropping the parent's triggers drops
/// their clones on the partitions, creating them clones them again, so each
/// partition has each trigger once after the step and after its undo.
#[test]
fn a_column_named_by_triggers_of_a_partitioned_table_changes_type() {
    retype_under_triggers(SqlType::Integer, SqlType::BigInt, "77", "5000000000", true, false);
}

/// `payments_on_amount` is replaced (new function adding 100, `UPDATE OF
/// amount, note`) in the plan that changes the type of `amount`: the type
/// change step creates it again in its new form, no step replaces it after
/// (or recreates its old form), so it fires once, as the new version, from
/// that step on; undone, the old version comes back.
#[test]
fn a_trigger_replaced_while_its_column_changes_type_fires_its_new_version_once() {
    retype_under_triggers(SqlType::Integer, SqlType::BigInt, "77", "5000000000", false, true);
}

/// `accounts (id, owner_id <owner>, note)`, row-level security enabled and
/// forced, with policy `accounts_own` (a session sees the rows of the owner
/// in `app.user_id`, commented), and `account_notes (id, account_id)` with
/// policy `notes_own` (the notes of those accounts, read in a subquery of
/// `accounts.owner_id`); both readable by `reader`.
fn owned_accounts(owner: SqlType, reader: &str) -> Schema {
    let grant = |table: &str| Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public(table), columns: vec![] }, [reader]);
    build(
        Schema::builder()
            .role(Role::group(reader))
            .add_table(
                Table::new("accounts")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("owner_id", owner))
                    .column(Column::new("note", SqlType::Text).nullable())
                    .primary_key(["id"])
                    .row_level_security(true)
                    .policy(Policy::new("accounts_own").using("owner_id = nullif(current_setting('app.user_id', true), '')::integer").comment("Each owner sees their accounts")),
            )
            .add_table(
                Table::new("account_notes")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("account_id", SqlType::BigInt))
                    .primary_key(["id"])
                    .row_level_security(true)
                    .policy(Policy::new("notes_own").using(
                        "account_id IN (SELECT a.id FROM public.accounts a WHERE a.owner_id = nullif(current_setting('app.user_id', true), '')::integer)",
                    )),
            )
            .grant(grant("accounts"))
            .grant(grant("account_notes")),
    )
}

/// What `reader` sees with `app.user_id` unset, then set to 1, then to 2:
/// (accounts, account notes) each time. Checks first that each policy exists
/// once, with its comment, and that both tables still have row-level security
/// enabled and forced.
fn seen_by(client: &mut Client, reader: &str) -> Vec<(i64, i64)> {
    let policies: Vec<(String, String, Option<String>)> = client
        .query(
            "SELECT c.relname::text, p.polname::text, obj_description(p.oid, 'pg_policy') FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid ORDER BY 1, 2",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        policies,
        [("account_notes".into(), "notes_own".into(), None), ("accounts".into(), "accounts_own".into(), Some("Each owner sees their accounts".into()))]
    );
    let rls: Vec<(String, bool, bool)> = client
        .query("SELECT relname::text, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname IN ('accounts', 'account_notes') ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(rls, [("account_notes".into(), true, true), ("accounts".into(), true, true)]);
    let mut seen = Vec::new();
    for setting in ["RESET app.user_id", "SET app.user_id = '1'", "SET app.user_id = '2'"] {
        client.batch_execute(&format!("SET ROLE {}; {setting}", support::pg::q(reader))).unwrap();
        seen.push((count(client, "SELECT count(*) FROM public.accounts"), count(client, "SELECT count(*) FROM public.account_notes")));
        client.batch_execute("RESET ROLE; RESET app.user_id").unwrap();
    }
    seen
}

fn owner_type(client: &mut Client) -> String {
    support::pg::one(client, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.accounts'::regclass AND attname = 'owner_id'")
}

/// `accounts.owner_id`, which the table's policy names and another table's
/// policy reads in a subquery, becomes bigint. PostgreSQL 15 refuses the
/// plan's bare `ALTER TABLE ... ALTER COLUMN owner_id TYPE bigint` under
/// either policy (0A000, "cannot alter type of a column used in a policy
/// definition"); the test shows that, then that the plan drops both policies
/// and creates them again around the type change in one step, so that after
/// it, and after its undo, each policy exists once with its comment,
/// row-level security is still enabled and forced, and a non-superuser role
/// sees exactly the rows of the owner it names, no more.
#[test]
fn a_column_named_by_policies_changes_type_from_integer_to_bigint() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    // Roles are cluster-wide: one of this database's own (created if missing).
    let reader = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        db.name().hash(&mut h);
        format!("migrate_reader_{:x}", h.finish())
    };
    let (before, after) = (owned_accounts(SqlType::Integer, &reader), owned_accounts(SqlType::BigInt, &reader));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute("INSERT INTO public.accounts (id, owner_id) VALUES (1, 1), (2, 1), (3, 2); INSERT INTO public.account_notes (id, account_id) VALUES (1, 1), (2, 2), (3, 3), (4, 3), (5, 3)")
        .unwrap();
    // Unset: nothing; owner 1: two accounts, two notes; owner 2: one account, three notes.
    let expected = [(0, 0), (2, 2), (1, 3)];
    assert_eq!(seen_by(&mut client, &reader), expected);
    assert_eq!(owner_type(&mut client), "integer");

    // Why the policies are dropped and created again: PostgreSQL refuses the
    // type change under either of them, the other table's included.
    let alter = "ALTER TABLE public.accounts ALTER COLUMN owner_id TYPE bigint USING owner_id::bigint";
    for (other, on) in [("notes_own", "account_notes"), ("accounts_own", "accounts")] {
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&format!("DROP POLICY {other} ON public.{on}")).unwrap();
        let e = tx.batch_execute(alter).expect_err("PostgreSQL changed the type of a column a policy names");
        assert_eq!(e.code(), Some(&postgres::error::SqlState::FEATURE_NOT_SUPPORTED), "{e}");
        assert!(e.as_db_error().is_some_and(|d| d.message() == "cannot alter type of a column used in a policy definition"), "{e}");
        tx.rollback().unwrap();
    }

    let options = PlanOptions::default();
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let retype = "change type of public.accounts.owner_id to bigint around policies notes_own on public.account_notes, accounts_own";
    let steps = phases(&plan);
    assert_eq!(steps, [(Phase::Expand, retype)], "{}", plan.up_script());
    let step = &plan.steps[0];
    assert_eq!((step.lock, step.transactional, step.down_transactional), (migrate::LockLevel::AccessExclusive, true, true));
    assert!(!plan.up_script().contains("ROW LEVEL SECURITY"), "{}", plan.up_script());
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{e}\n{}", step.script()));
    tx.commit().unwrap();
    assert_eq!(owner_type(&mut client), "bigint");
    assert_eq!(seen_by(&mut client, &reader), expected);
    // The new type holds what the old could not; the policies keep it from owner 1.
    client.batch_execute("INSERT INTO public.accounts (id, owner_id) VALUES (4, 5000000000)").unwrap();
    assert_eq!(seen_by(&mut client, &reader), expected);
    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());

    // Down, once the big owner is gone.
    client.batch_execute("DELETE FROM public.accounts WHERE id = 4").unwrap();
    let down = step.down_script().expect("reversible");
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&down).unwrap_or_else(|e| panic!("down: {e}\n{down}"));
    tx.commit().unwrap();
    assert_eq!(owner_type(&mut client), "integer");
    assert_eq!(seen_by(&mut client, &reader), expected);
    assert_clean(&before, &mut client, &mut shadow);
}

/// `ledger`, range-partitioned on `day`: January 2026 and the given months
/// (name, from, to), a default partition, an identity key, a generated column,
/// and a trigger that writes each row INSERT and DELETE to `ledger_log`; when
/// `referenced`, `ledger_notes` references its rows (ON DELETE CASCADE).
fn ledger(months: &[(&str, &str, &str)], referenced: bool) -> Schema {
    let mut p = Partitioning::range(["day"]);
    for (name, from, to) in [("ledger_2026_01", "2026-01-01", "2026-02-01")].iter().chain(months) {
        p = p.partition(Partition::new(*name, PartitionBound::Range { from: vec![format!("'{from}'")], to: vec![format!("'{to}'")] }));
    }
    let logged = Trigger::new("ledger_logged", TriggerTiming::After, [TriggerEvent::Insert, TriggerEvent::Delete], QualifiedName::public("log_ledger"));
    let mut b = Schema::builder()
        .function(Function::trigger(
            QualifiedName::public("log_ledger"),
            "\nBEGIN\n    INSERT INTO public.ledger_log (op, entry) VALUES (TG_OP, CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END);\n    RETURN NULL;\nEND\n",
        ))
        .add_table(
            Table::new("ledger_log")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("op", SqlType::Text))
                .column(Column::new("entry", SqlType::BigInt))
                .primary_key(["id"]),
        )
        .add_table(
            Table::new("ledger")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("day", SqlType::Date))
                .column(Column::new("amount", SqlType::Integer))
                .column(Column::new("doubled", SqlType::Integer).generated("amount * 2"))
                .primary_key(["id", "day"])
                .partition_by(p.with_default())
                .trigger(logged),
        );
    if referenced {
        b = b.add_table(
            Table::new("ledger_notes")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("entry", SqlType::BigInt))
                .column(Column::new("day", SqlType::Date))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["entry", "day"], QualifiedName::public("ledger"), ["id", "day"]).on_delete(ReferentialAction::Cascade))
                .index(Index::on(["entry", "day"])),
        );
    }
    build(b)
}

/// (id, day, amount, doubled, partition) of every `ledger` row, by id.
fn ledger_rows(client: &mut Client) -> Vec<(i64, String, i32, i32, String)> {
    let sql = "SELECT id, day::text, amount, doubled, tableoid::regclass::text FROM public.ledger ORDER BY id";
    client.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect()
}

/// A month added to a range-partitioned table whose default partition already
/// holds rows of that month (they arrived before the migration): the step moves
/// them into the new partition instead of failing with 23514. Rows outside the
/// month stay in the default partition, no row is lost, identity and generated
/// values are kept, and the table's trigger does not fire for the move (nor for
/// the undo, which puts the partition's rows, new ones included, back into the
/// default partition before dropping it). What the step locks is checked from
/// a second session.
#[test]
fn a_partition_added_next_to_a_default_holding_its_rows_takes_them() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (ledger(&[], false), ledger(&[("ledger_2026_02", "2026-02-01", "2026-03-01")], false));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.ledger (day, amount) SELECT '2026-01-01'::date + i % 31, i FROM generate_series(1, 10) i;
             INSERT INTO public.ledger (day, amount) SELECT '2026-02-01'::date + i % 28, i FROM generate_series(11, 17) i;
             INSERT INTO public.ledger (day, amount) VALUES ('2026-03-01', 18), ('1990-06-01', 19), ('2026-01-31', 20);
             INSERT INTO public.ledger (day, amount) VALUES ('2026-02-28', 21);",
        )
        .unwrap();
    let rows = ledger_rows(&mut client);
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 11), ("ledger_default".into(), 10)]);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log WHERE op = 'INSERT'"), 21, "the trigger fires for inserts");
    client.batch_execute("TRUNCATE public.ledger_log").unwrap();

    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    let step = plan.steps.iter().find(|s| s.description == "add partition ledger_2026_02 of public.ledger").unwrap_or_else(|| panic!("{}", plan.up_script()));
    assert_eq!((step.lock, &step.hazards[..], step.transactional), (migrate::LockLevel::AccessExclusive, &[Hazard::LongLock][..], true));
    assert_eq!(step.sql[0], "LOCK TABLE ONLY public.ledger, ONLY public.ledger_default IN ACCESS EXCLUSIVE MODE");

    // The locks the step holds until it commits, seen from a second session: the
    // parent and its default partition ACCESS EXCLUSIVE (the new partition, not
    // committed yet, is no relation the second session sees); January's
    // partition not at all, so it is still read by its name, while a read of
    // the parent waits.
    let mut watcher = db.client();
    {
        let mut tx = client.transaction().unwrap();
        let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        tx.batch_execute(&step.sql.join(";\n")).unwrap();
        let locks = locks_held(&mut watcher, pid, &["r", "p"]);
        let exclusive: Vec<&str> = locks.iter().filter(|(_, m)| m == "AccessExclusiveLock").map(|(r, _)| r.as_str()).collect();
        assert_eq!(exclusive, ["ledger", "ledger_default"], "{locks:?}");
        assert!(!locks.iter().any(|(r, _)| r == "ledger_2026_01" || r == "ledger_log"), "{locks:?}");
        watcher.batch_execute("SET lock_timeout = '300ms'").unwrap();
        assert_eq!(count(&mut watcher, "SELECT count(*) FROM public.ledger_2026_01"), 11);
        support::pg::expect_sqlstate(watcher.query_one("SELECT count(*) FROM public.ledger", &[]), "55P03", "a read of the parent");
        tx.rollback().unwrap();
    }
    assert_eq!(ledger_rows(&mut client), rows, "rolled back, nothing moved");

    let migrations = plan.migrations(1, "february");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{}", plan.up_script()));
    // February's rows (ids 11 to 17 and 21) are in the new partition, the others
    // where they were; ids, amounts and generated values unchanged.
    let moved: Vec<_> = rows
        .iter()
        .map(|(id, day, amount, doubled, home)| {
            let home = if day.starts_with("2026-02") { "ledger_2026_02".to_owned() } else { home.clone() };
            (*id, day.clone(), *amount, *doubled, home)
        })
        .collect();
    assert_eq!(ledger_rows(&mut client), moved);
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 11), ("ledger_2026_02".into(), 8), ("ledger_default".into(), 2)]);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log"), 0, "no trigger fired for the move");
    // Triggers are on again on both partitions, and February's rows now go to its partition.
    let home: String = support::pg::one(&mut client, "INSERT INTO public.ledger (day, amount) VALUES ('2026-02-14', 22) RETURNING tableoid::regclass::text");
    assert_eq!(home, "ledger_2026_02");
    client.batch_execute("INSERT INTO public.ledger (day, amount) VALUES ('2030-01-01', 23)").unwrap();
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log WHERE op = 'INSERT'"), 2);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &PlanOptions::default()).is_empty());

    // Undone: every row of the partition, the one added since included, goes back
    // to the default partition; no trigger fires; the schema is the one before.
    client.batch_execute("TRUNCATE public.ledger_log").unwrap();
    let before_undo = ledger_rows(&mut client);
    undo(&mut client, &migrations);
    let back: Vec<_> = before_undo
        .iter()
        .map(|(id, day, amount, doubled, home)| (*id, day.clone(), *amount, *doubled, if home == "ledger_2026_02" { "ledger_default".to_owned() } else { home.clone() }))
        .collect();
    assert_eq!(ledger_rows(&mut client), back);
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 11), ("ledger_default".into(), 12)]);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log"), 0, "no trigger fired for the undo");
    client.batch_execute("INSERT INTO public.ledger (day, amount) VALUES ('1999-01-01', 24)").unwrap();
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log WHERE op = 'INSERT'"), 1, "the default partition's trigger is on again");
    assert_clean(&before, &mut client, &mut shadow);

    // With an empty default partition, the same plan simply creates the partition.
    client.batch_execute("DELETE FROM public.ledger WHERE tableoid = 'public.ledger_default'::regclass").unwrap();
    Runner::new().run(&mut client, &plan.migrations(2, "february again")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 11)]);
    assert_eq!(partitions_of(&mut client, "ledger"), ["ledger_2026_01", "ledger_2026_02", "ledger_default"]);
}

/// (relation, trigger, pg_trigger.tgenabled) of the user triggers of `ledger`'s
/// partitions: 'O' enabled, 'A' ALWAYS, 'R' REPLICA, 'D' disabled.
fn ledger_trigger_modes(client: &mut Client) -> Vec<(String, String, String)> {
    let sql = "SELECT c.relname::text, t.tgname::text, t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE c.relnamespace = 'public'::regnamespace AND c.relname LIKE 'ledger\\_%' AND c.relname <> 'ledger_log' AND NOT t.tgisinternal ORDER BY 1, 2";
    client.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

/// The `ledger_log` rows written since it was last emptied, as `trigger op`
/// (what `log_named` writes), sorted.
fn ledger_log_by_trigger(client: &mut Client) -> Vec<String> {
    let sql = "SELECT op FROM public.ledger_log ORDER BY op";
    client.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get(0)).collect()
}

/// An operator's choice of trigger modes survives a partition taken from the
/// default partition and its undo: each user trigger that would fire is off
/// while rows move and gets back exactly its mode (`pg_trigger.tgenabled`), not
/// the plain `ENABLE` that `ENABLE TRIGGER USER` would give them all. The
/// parent's trigger `ledger_logged`, made ALWAYS (so each partition's clone is,
/// and the new partition's clone too), stays ALWAYS; `"Plain Logged"`, of the
/// parent too, stays enabled; the default partition's own REPLICA trigger stays
/// REPLICA and its disabled one disabled. No trigger fires for the rows that
/// move (either way, the undo run with `session_replication_role = replica`,
/// where the REPLICA and ALWAYS ones would fire), and each fires afterwards as
/// its mode says.
#[test]
fn a_partition_taken_from_a_default_keeps_each_trigger_in_its_mode() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (ledger(&[], false), ledger(&[("ledger_2026_02", "2026-02-01", "2026-03-01")], false));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.ledger (day, amount) SELECT '2026-02-01'::date + i % 28, i FROM generate_series(1, 6) i;
             INSERT INTO public.ledger (day, amount) VALUES ('2026-01-05', 7), ('2031-01-01', 8);",
        )
        .unwrap();
    // Planned first: the triggers added below are the operator's, not the declaration's.
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    client
        .batch_execute(
            &format!(
                "CREATE FUNCTION public.log_named() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 INSERT INTO public.ledger_log (op, entry) VALUES (TG_NAME || ' ' || TG_OP, CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END);
                 RETURN NULL;
             END $$;
             {}
             TRUNCATE public.ledger_log;",
                support::triggers_in_every_mode("ledger", "ledger_logged")
            ),
        )
        .unwrap();
    let t = |rel: &str, name: &str, mode: &str| (rel.to_owned(), name.to_owned(), mode.to_owned());
    let modes_before = vec![
        t("ledger_2026_01", "Plain Logged", "O"),
        t("ledger_2026_01", "ledger_logged", "A"),
        t("ledger_default", "Plain Logged", "O"),
        t("ledger_default", "ledger_logged", "A"),
        t("ledger_default", "off_logged", "D"),
        t("ledger_default", "replica_logged", "R"),
    ];
    assert_eq!(ledger_trigger_modes(&mut client), modes_before, "the operator's modes, the clones of the parent's triggers included");

    let migrations = plan.migrations(1, "february");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{}", plan.up_script()));
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_2026_02".into(), 6), ("ledger_default".into(), 1)]);
    assert_eq!(ledger_log_by_trigger(&mut client), Vec::<String>::new(), "no trigger fired for the move");
    let mut modes_after = modes_before.clone();
    // The new partition's clones take the parent's modes (PostgreSQL's cloning), and keep them.
    modes_after.insert(2, t("ledger_2026_02", "Plain Logged", "O"));
    modes_after.insert(3, t("ledger_2026_02", "ledger_logged", "A"));
    assert_eq!(ledger_trigger_modes(&mut client), modes_after, "each trigger in the mode it had");

    // They fire again, as their modes say: in a normal session the enabled and
    // ALWAYS ones; as a replica the ALWAYS and REPLICA ones; the disabled one never.
    client.batch_execute("INSERT INTO public.ledger (day, amount) VALUES ('2026-02-20', 9), ('2032-01-01', 10)").unwrap();
    assert_eq!(ledger_log_by_trigger(&mut client), ["INSERT", "INSERT", "Plain Logged INSERT", "Plain Logged INSERT"]);
    client.batch_execute("TRUNCATE public.ledger_log; SET session_replication_role = replica").unwrap();
    client.batch_execute("INSERT INTO public.ledger (day, amount) VALUES ('2026-02-21', 11), ('2033-01-01', 12)").unwrap();
    assert_eq!(ledger_log_by_trigger(&mut client), ["INSERT", "INSERT", "replica_logged INSERT"]);
    client.batch_execute("TRUNCATE public.ledger_log").unwrap();

    // Undone as a replica (where the REPLICA trigger would fire and the enabled
    // ones would not): the rows go back, nothing fires, every mode is as it was.
    undo(&mut client, &migrations);
    client.batch_execute("RESET session_replication_role").unwrap();
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_default".into(), 11)]);
    assert_eq!(ledger_log_by_trigger(&mut client), Vec::<String>::new(), "no trigger fired for the undo");
    assert_eq!(ledger_trigger_modes(&mut client), modes_before);
}

/// A role name unique to this run (roles are cluster-wide), dropped (best
/// effort) with this value: declare it before the test's databases, which must
/// be gone before the role can be.
struct TestRole(String);

impl TestRole {
    fn new(base: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        TestRole(format!("pga_{base}_{}_{nanos:x}", std::process::id()))
    }
}

impl Drop for TestRole {
    fn drop(&mut self) {
        let Some(url) = support::pg::server_url() else { return };
        if let Ok(mut c) = Client::connect(&url, NoTls) {
            let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS {}", support::pg::q(&self.0)));
        }
    }
}

/// `vault`, range-partitioned on `day`: January 2026 and the given months, a
/// default partition, and forced row-level security with one policy (so every
/// partition has it enabled and forced, with no policy); `owner` is declared
/// (the database holds it once it owns the table).
fn vault(owner: &str, months: &[(&str, &str, &str)]) -> Schema {
    let mut p = Partitioning::range(["day"]);
    for (name, from, to) in [("vault_2026_01", "2026-01-01", "2026-02-01")].iter().chain(months) {
        p = p.partition(Partition::new(*name, PartitionBound::Range { from: vec![format!("'{from}'")], to: vec![format!("'{to}'")] }));
    }
    build(
        Schema::builder().role(Role::group(owner)).add_table(
            Table::new("vault")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("day", SqlType::Date))
                .primary_key(["id", "day"])
                .partition_by(p.with_default())
                .row_level_security(true)
                .policy(Policy::new("everyone").using("true")),
        ),
    )
}

/// A partition taken from the default partition of a table with forced
/// row-level security, and its undo, both run by the table's non-superuser
/// owner (a superuser bypasses row-level security, so only the owner shows
/// this). The default partition is forced with no policy: it hides every row
/// from its owner. Without lifting FORCE, the step's look for rows to move finds
/// none, and PostgreSQL refuses the new partition (23514: its check of the
/// default partition is no query that row-level security filters). The step's
/// own down, run while the detached partition is still forced, would read its
/// rows as none and drop them with it without lifting FORCE there; without
/// lifting it on the default partition, putting them back is refused (42501).
/// With the lifting, every row moves both ways and FORCE is on again.
#[test]
fn a_partition_taken_from_a_forced_default_by_its_owner_takes_its_rows() {
    let owner = TestRole::new("vault_owner");
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let o = support::pg::q(&owner.0);
    client
        .batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE {o} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             GRANT CREATE, USAGE ON SCHEMA public TO {o};"
        ))
        .unwrap();
    let (before, after) = (vault(&owner.0, &[]), vault(&owner.0, &[("vault_2026_02", "2026-02-01", "2026-03-01")]));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(&format!("ALTER TABLE public.vault OWNER TO {o}; ALTER TABLE public.vault_2026_01 OWNER TO {o}; ALTER TABLE public.vault_default OWNER TO {o};"))
        .unwrap();
    // Written by the superuser, who bypasses row-level security.
    client.batch_execute("INSERT INTO public.vault VALUES (1, '2026-02-03'), (2, '2026-02-28'), (3, '2026-01-15'), (4, '1990-06-01')").unwrap();
    let forced = |client: &mut Client| -> Vec<(String, bool, bool)> {
        let sql = "SELECT relname::text, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'vault%' AND relkind IN ('r', 'p') ORDER BY 1";
        client.query(sql, &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
    };
    let all_forced = |names: &[&str]| names.iter().map(|n| (n.to_string(), true, true)).collect::<Vec<_>>();
    assert_eq!(forced(&mut client), all_forced(&["vault", "vault_2026_01", "vault_default"]));

    // Planned without the owner's CREATE on public (no privilege the graph holds),
    // which the step needs again for its partition.
    client.batch_execute(&format!("REVOKE CREATE ON SCHEMA public FROM {o}")).unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    let step = plan.steps.iter().find(|s| s.description == "add partition vault_2026_02 of public.vault").unwrap_or_else(|| panic!("{}", plan.up_script()));
    client.batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {o}; SET ROLE {o}")).unwrap();
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.vault_default"), 0, "FORCE and no policy: the owner sees none of its 3 rows");
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.vault"), 4, "through the parent, its policy shows them");

    // Without lifting FORCE on the default partition: nothing to move, seen from the owner, and 23514.
    let lifting = "ALTER TABLE public.vault_default NO FORCE ROW LEVEL SECURITY;";
    let up = step.script();
    assert_eq!(up.matches(lifting).count(), 1, "{up}");
    let mut tx = client.transaction().unwrap();
    support::pg::expect_sqlstate(tx.batch_execute(&up.replace(lifting, "NULL;")), "23514", "the step without lifting FORCE");
    tx.rollback().unwrap();

    let migrations = plan.migrations(1, "february");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{}", plan.up_script()));
    client.batch_execute("RESET ROLE").unwrap();
    assert_eq!(rows_by_partition(&mut client, "vault"), [("vault_2026_01".into(), 1), ("vault_2026_02".into(), 2), ("vault_default".into(), 1)]);
    assert_eq!(forced(&mut client), all_forced(&["vault", "vault_2026_01", "vault_2026_02", "vault_default"]), "FORCE is back on the default partition");

    // The undo, as the owner: first what each lifting of FORCE spares the step's
    // own down (rolled back). In the whole plan's undo the partition's
    // row-level security step is undone first, which lifts its FORCE already;
    // the step's lifting covers a partition still forced when its down runs,
    // as here, run alone.
    let down = step.down.as_ref().unwrap_or_else(|| panic!("{:?}", plan.down_script())).join(";\n");
    let (lift_part, lift_default) = ("    ALTER TABLE public.vault_2026_02 NO FORCE ROW LEVEL SECURITY;\n", "        ALTER TABLE public.vault_default NO FORCE ROW LEVEL SECURITY;\n");
    assert!(down.contains(lift_part) && down.contains(lift_default), "{down}");
    client.batch_execute(&format!("SET ROLE {o}")).unwrap();
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&down.replace(lift_part, "")).unwrap();
    let left: i64 = tx.query_one("SELECT count(*) FROM public.vault", &[]).unwrap().get(0);
    assert_eq!(left, 2, "the forced partition read as empty: its 2 rows dropped with it");
    tx.rollback().unwrap();
    let mut tx = client.transaction().unwrap();
    support::pg::expect_sqlstate(tx.batch_execute(&down.replace(lift_default, "")), "42501", "putting rows back into the forced default partition");
    tx.rollback().unwrap();

    undo(&mut client, &migrations);
    client.batch_execute("RESET ROLE").unwrap();
    assert_eq!(rows_by_partition(&mut client, "vault"), [("vault_2026_01".into(), 1), ("vault_default".into(), 3)]);
    assert_eq!(forced(&mut client), all_forced(&["vault", "vault_2026_01", "vault_default"]));
}

/// Foreign keys that reference a table with a default partition: moving a row
/// out of the default partition deletes it there, which fires their ON DELETE
/// action even with user triggers off (here CASCADE deletes the note). So the
/// step moves no row a note references: while the default partition holds one
/// of the new bound it stops with a message that says which tables reference
/// how many, and why (23514), moving none of the bound's rows (an unreferenced
/// one included); once no note references them, it moves them all.
#[test]
fn a_partition_added_to_a_referenced_table_stops_while_the_default_holds_its_rows() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (ledger(&[], true), ledger(&[("ledger_2026_02", "2026-02-01", "2026-03-01")], true));
    live::apply(&mut client, &before).unwrap();
    let entry: i64 = support::pg::one(&mut client, "INSERT INTO public.ledger (day, amount) VALUES ('2026-02-10', 1) RETURNING id");
    client.batch_execute(&format!("INSERT INTO public.ledger_notes VALUES (1, {entry}, '2026-02-10')")).unwrap();
    client.batch_execute("INSERT INTO public.ledger (day, amount) VALUES ('2026-01-10', 2), ('2027-05-01', 3), ('2026-02-11', 4)").unwrap();

    // Why its rows cannot move: the delete half of a move cascades, user triggers off or not.
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("ALTER TABLE public.ledger_default DISABLE TRIGGER USER; DELETE FROM public.ledger_default WHERE day = '2026-02-10'").unwrap();
    let notes: i64 = tx.query_one("SELECT count(*) FROM public.ledger_notes", &[]).unwrap().get(0);
    assert_eq!(notes, 0);
    tx.rollback().unwrap();
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_notes"), 1);

    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    let step = plan.steps.iter().find(|s| s.description == "add partition ledger_2026_02 of public.ledger").unwrap_or_else(|| panic!("{}", plan.up_script()));
    // While February's referenced row waits in the default partition, the step
    // stops with what and why, and nothing changes (the note keeps its row).
    let mut tx = client.transaction().unwrap();
    let err = tx.batch_execute(&step.script()).expect_err("February's row is in the default partition");
    tx.rollback().unwrap();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23514"), "{}", support::pg::describe_error(&err));
    let db_error = err.as_db_error().expect("a server error");
    assert!(
        db_error.message().contains("holds rows of the bound of the new partition public.ledger_2026_02")
            && db_error.message().contains("foreign keys of public.ledger_notes reference 1 of them"),
        "{}",
        db_error.message()
    );
    assert!(db_error.hint().is_some_and(|h| h.contains("ensure_partitions")), "{db_error:?}");
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_default".into(), 3)]);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_notes"), 1);

    // Once no note references it, the same step moves February's rows, and the
    // rows of other months stay where they are.
    client.batch_execute("DELETE FROM public.ledger_notes").unwrap();
    let migrations = plan.migrations(1, "february");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{}", plan.up_script()));
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_2026_02".into(), 2), ("ledger_default".into(), 1)]);
    let home: String = support::pg::one(&mut client, "INSERT INTO public.ledger (day, amount) VALUES ('2026-02-12', 5) RETURNING tableoid::regclass::text");
    assert_eq!(home, "ledger_2026_02");
}

// ---- down steps and renames in the same plan ----

/// Runs a step's up or down script as the runner would (in one transaction,
/// or statement by statement), panicking with the server's error.
fn run_script(client: &mut Client, script: &str, transactional: bool, what: &str) {
    if transactional {
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(script).unwrap_or_else(|e| panic!("{what}: {}\n{script}", support::pg::describe_error(&e)));
        tx.commit().unwrap();
    } else {
        for statement in Migration::new(1, "step", script).statements() {
            client.batch_execute(&statement).unwrap_or_else(|e| panic!("{what}: {}\n{statement}", support::pg::describe_error(&e)));
        }
    }
}

/// Applies `plan` step by step, checking `probe` after each against the
/// next of `up`, then undoes it step by step, last first, checking it against
/// the next of `down`; `before` is what `probe` gives before the plan.
fn step_through<T: PartialEq + std::fmt::Debug>(client: &mut Client, plan: &migrate::Plan, before: T, up: &[T], down: &[T], probe: &mut dyn FnMut(&mut Client) -> T) {
    assert_eq!(probe(client), before, "before the plan");
    assert_eq!((plan.steps.len(), plan.steps.len()), (up.len(), down.len()), "{}", plan.up_script());
    walk_up(client, None, plan, up, probe);
    walk_down(client, plan, down, probe);
}

/// Applies one step as the runner does: a transactional one in a transaction
/// of its own, where, with a `watcher` (another session of the database),
/// the relations it holds locks on before it commits are compared with those
/// it reports ([`assert_locks_reported`]); the others statement by statement.
fn apply_step(client: &mut Client, watcher: Option<&mut Client>, step: &migrate::Step) {
    match watcher {
        Some(watcher) if step.transactional => {
            let mut tx = client.transaction().unwrap();
            let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
            tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{}: {}\n{}", step.description, support::pg::describe_error(&e), step.script()));
            assert_locks_reported(watcher, pid, step);
            tx.commit().unwrap();
        }
        _ => run_script(client, &step.script(), step.transactional, &step.description),
    }
}

/// Applies every step of `plan` ([`apply_step`]), checking `probe` after each against the next of `up`.
fn walk_up<T: PartialEq + std::fmt::Debug>(client: &mut Client, mut watcher: Option<&mut Client>, plan: &migrate::Plan, up: &[T], probe: &mut dyn FnMut(&mut Client) -> T) {
    for (step, want) in plan.steps.iter().zip(up) {
        apply_step(client, watcher.as_deref_mut(), step);
        assert_eq!(&probe(client), want, "after `{}`", step.description);
    }
}

/// Undoes every step of `plan`, last first, checking `probe` after each against the next of `down`.
fn walk_down<T: PartialEq + std::fmt::Debug>(client: &mut Client, plan: &migrate::Plan, down: &[T], probe: &mut dyn FnMut(&mut Client) -> T) {
    for (step, want) in plan.steps.iter().rev().zip(down) {
        let script = step.down_script().unwrap_or_else(|| panic!("`{}` cannot be undone", step.description));
        run_script(client, &script, step.down_transactional, &format!("down {}", step.description));
        assert_eq!(&probe(client), want, "after undoing `{}`", step.description);
    }
}

/// A role of this database's own (roles are cluster-wide), named after it.
fn own_role(db: &support::pg::TestDb, prefix: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    db.name().hash(&mut h);
    format!("{prefix}_{:x}", h.finish())
}

/// The column of `table` called one of `names` (which one it is called now).
fn column_called(client: &mut Client, table: &str, names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let sql = "SELECT attname::text FROM pg_attribute WHERE attrelid = ('public.' || $1)::regclass AND attname::text = ANY ($2) AND NOT attisdropped";
    client.query_one(sql, &[&table, &names]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

/// Names of triggers or policies with their comments.
type Commented = Vec<(String, Option<String>)>;

/// The triggers of `table` with their comments.
fn commented_triggers(client: &mut Client, table: &str) -> Commented {
    let sql = "SELECT tgname::text, obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgrelid = ('public.' || $1)::regclass AND NOT tgisinternal ORDER BY 1";
    client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// The policies of `table` with their comments.
fn commented_policies(client: &mut Client, table: &str) -> Commented {
    let sql = "SELECT polname::text, obj_description(oid, 'pg_policy') FROM pg_policy WHERE polrelid = ('public.' || $1)::regclass ORDER BY 1";
    client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// `bump`: a BEFORE row trigger adding its argument to `NEW.changes`.
fn bump() -> Function {
    Function::trigger(QualifiedName::public("bump"), "\nBEGIN\n    NEW.changes := NEW.changes + TG_ARGV[0]::integer;\n    RETURN NEW;\nEND\n")
}

/// A BEFORE UPDATE trigger of `table` calling `bump(<by>)`, on `UPDATE OF
/// <of>` (every update if empty), `WHEN (<when>)` if given, commented.
fn bumping(table: &str, name: &str, of: &[&str], when: Option<&str>, by: i32) -> Trigger {
    let of = of.iter().map(|c| c.to_string()).collect();
    let t = Trigger::new(format!("{table}_{name}"), TriggerTiming::Before, [TriggerEvent::Update(of)], QualifiedName::public("bump")).argument(by.to_string());
    let t = t.comment(format!("{name} of {table}"));
    match when {
        Some(w) => t.when(w),
        None => t,
    }
}

/// `stock (id, qty integer, changes, note)`, with `qty` renamed `quantity`
/// in v2. v1: `stock_on_qty` (UPDATE OF qty, +1), `stock_when_qty` (WHEN
/// OLD.qty IS DISTINCT FROM NEW.qty, +10), `stock_big_qty` (WHEN NEW.qty >
/// 1000, +100), `stock_seen_qty` (UPDATE OF qty, +1000). v2: the first two
/// on `quantity`, adding 10000 and 100000; the other two dropped.
fn stock(v2: bool) -> Schema {
    let qty = if v2 { Column::new("quantity", SqlType::Integer).renamed_from("qty") } else { Column::new("qty", SqlType::Integer) };
    let mut table = Table::new("stock")
        .column(Column::new("id", SqlType::BigInt))
        .column(qty)
        .column(Column::new("changes", SqlType::Integer).default_expr("0"))
        .column(Column::new("note", SqlType::Text).nullable())
        .primary_key(["id"]);
    table = if v2 {
        table
            .trigger(bumping("stock", "on_qty", &["quantity"], None, 10000))
            .trigger(bumping("stock", "when_qty", &[], Some("OLD.quantity IS DISTINCT FROM NEW.quantity"), 100000))
    } else {
        table
            .trigger(bumping("stock", "on_qty", &["qty"], None, 1))
            .trigger(bumping("stock", "when_qty", &[], Some("OLD.qty IS DISTINCT FROM NEW.qty"), 10))
            .trigger(bumping("stock", "big_qty", &[], Some("NEW.qty > 1000"), 100))
            .trigger(bumping("stock", "seen_qty", &["qty"], None, 1000))
    };
    build(Schema::builder().function(bump()).add_table(table))
}

/// What the triggers of `stock` add to `changes` when a row's quantity (by
/// its name now) is set to a small value, then to a big one, then when only
/// its note is set; with the triggers there and their comments.
fn fire_stock(client: &mut Client, id: &mut i64) -> (Commented, i32, i32, i32) {
    let qty = column_called(client, "stock", &["qty", "quantity"]);
    *id += 1;
    client.execute(&format!("INSERT INTO public.stock (id, {qty}) VALUES ($1, 1)"), &[&*id]).unwrap();
    let mut set = |what: String| -> i32 { client.query_one(&format!("UPDATE public.stock SET {what} WHERE id = $1 RETURNING changes"), &[&*id]).unwrap().get(0) };
    let small = set(format!("{qty} = 5"));
    let big = set(format!("{qty} = 5000"));
    let note = set("note = 'edited'".into());
    (commented_triggers(client, "stock"), small, big - small, note - big)
}

/// A column rename in the plan that replaces triggers naming the column (in
/// `UPDATE OF` and in `WHEN`) and drops two more (one naming it in `UPDATE
/// OF`, one in `WHEN`): every up step, then every down step, leaves each
/// trigger there once, commented, firing once, in its version of that moment,
/// and the undo brings back the old triggers on the old column name.
/// PostgreSQL rewrites a trigger's `UPDATE OF` and `WHEN` on a column rename,
/// but not the text of a definition still to be run: the down steps, which
/// run before the column is renamed back, failed creating the old
/// definitions (42703: `column "qty" of relation "stock" does not exist` for
/// the dropped `UPDATE OF qty` one, `column old.qty does not exist` for a
/// `WHEN`).
#[test]
fn triggers_replaced_or_dropped_in_a_plan_renaming_their_column_come_back_on_its_old_name() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (stock(false), stock(true));
    live::apply(&mut client, &before).unwrap();
    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let steps = phases(&plan);
    assert_eq!(
        steps,
        [
            (Phase::Expand, "rename column public.stock.qty to quantity"),
            (Phase::Expand, "replace trigger stock_on_qty on public.stock"),
            (Phase::Expand, "replace trigger stock_when_qty on public.stock"),
            (Phase::Contract, "drop trigger stock_big_qty on public.stock"),
            (Phase::Contract, "drop trigger stock_seen_qty on public.stock"),
        ],
        "{}",
        plan.up_script()
    );
    let comment = |name: &str| Some(format!("{name} of stock"));
    let all = |names: &[&str]| names.iter().map(|n| (format!("stock_{n}"), comment(n))).collect::<Vec<_>>();
    let v1 = all(&["big_qty", "on_qty", "seen_qty", "when_qty"]);
    let three = all(&["on_qty", "seen_qty", "when_qty"]);
    let v2 = all(&["on_qty", "when_qty"]);
    // (triggers, what setting a small quantity adds, then a big one, then the note alone).
    // `stock_big_qty` fires on the note alone too, the quantity being big.
    let old = (v1.clone(), 1011, 1111, 100);
    let up = [
        old.clone(),
        (v1.clone(), 11010, 11110, 100),
        (v1.clone(), 111000, 111100, 100),
        (three.clone(), 111000, 111000, 0),
        (v2, 110000, 110000, 0),
    ];
    let down = [(three, 111000, 111000, 0), (v1.clone(), 111000, 111100, 100), (v1.clone(), 11010, 11110, 100), old.clone(), old.clone()];
    let mut id = 0;
    step_through(&mut client, &plan, old, &up, &down, &mut |c| fire_stock(c, &mut id));
    assert_eq!(column_called(&mut client, "stock", &["qty", "quantity"]), "qty");
    assert_clean(&before, &mut client, &mut shadow);
}

/// `docs (id, owner_name text, title)`, `owner_name` renamed `owner` in v2,
/// and `doc_notes (id, doc_id)`, both with row-level security enabled and
/// forced, readable by `reader` (`docs` insertable too). `docs_own` (a
/// session sees the docs of the user in `app.login`; v2: and the docs titled
/// `public`), `docs_insert` (FOR INSERT WITH CHECK: only as that user) and
/// `doc_notes_own` (the notes of that user's docs, in a subquery of
/// `docs.owner_name`) name the column.
fn shared_docs(v2: bool, reader: &str) -> Schema {
    let owner = if v2 { "owner" } else { "owner_name" };
    let column = if v2 { Column::new("owner", SqlType::Text).renamed_from("owner_name") } else { Column::new("owner_name", SqlType::Text) };
    let me = "current_setting('app.login', true)";
    let using = if v2 { format!("{owner} = {me} OR title = 'public'") } else { format!("{owner} = {me}") };
    let table = |name: &str| QualifiedName::public(name);
    let grant = |privileges: Vec<Privilege>, name: &str| Grant::new(privileges, GrantTarget::Table { table: table(name), columns: vec![] }, [reader]);
    build(
        Schema::builder()
            .role(Role::group(reader))
            .add_table(
                Table::new("docs")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(column)
                    .column(Column::new("title", SqlType::Text))
                    .primary_key(["id"])
                    .row_level_security(true)
                    .policy(Policy::new("docs_own").using(using).comment("Owners see their docs"))
                    .policy(Policy::new("docs_insert").for_command(PolicyCommand::Insert).with_check(format!("{owner} = {me}")).comment("Owners add their own docs")),
            )
            .add_table(
                Table::new("doc_notes")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("doc_id", SqlType::BigInt))
                    .primary_key(["id"])
                    .row_level_security(true)
                    .policy(Policy::new("doc_notes_own").using(format!("doc_id IN (SELECT d.id FROM public.docs d WHERE d.{owner} = {me})"))),
            )
            .grant(grant(vec![Privilege::Select, Privilege::Insert], "docs"))
            .grant(grant(vec![Privilege::Select], "doc_notes")),
    )
}

/// What `reader` sees as no one, then as ann, then as bob: (docs, notes)
/// each time; then whether ann may add a doc of hers, and one of bob's
/// (each rolled back); with the policies and their comments.
fn seen_in_docs(client: &mut Client, reader: &str) -> (Commented, Vec<(i64, i64)>, bool, Option<String>) {
    let mut policies = commented_policies(client, "docs");
    policies.extend(commented_policies(client, "doc_notes"));
    let owner = column_called(client, "docs", &["owner_name", "owner"]);
    let mut seen = Vec::new();
    for user in ["", "ann", "bob"] {
        client.batch_execute(&format!("SET ROLE {}; SET app.login = '{user}'", support::pg::q(reader))).unwrap();
        seen.push((count(client, "SELECT count(*) FROM public.docs"), count(client, "SELECT count(*) FROM public.doc_notes")));
        client.batch_execute("RESET ROLE; RESET app.login").unwrap();
    }
    let mut insert = |by: &str| {
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&format!("SET LOCAL ROLE {}; SET LOCAL app.login = 'ann'", support::pg::q(reader))).unwrap();
        let result = tx.batch_execute(&format!("INSERT INTO public.docs (id, {owner}, title) VALUES (99, '{by}', 'new')"));
        tx.rollback().unwrap();
        result
    };
    let own = insert("ann").is_ok();
    let other = insert("bob").err().and_then(|e| support::pg::sqlstate_of(&e));
    (policies, seen, own, other)
}

/// A column rename in the plan that alters row-level security policies
/// naming the column (in `USING`, in `WITH CHECK`, and in another table's
/// subquery): after every up step and every down step each policy is there
/// once with its comment, row-level security is on, and a non-superuser role
/// sees the rows of that moment's version, no more; the undo brings back the
/// old policies on the old column name. The down steps run before the column
/// is renamed back, and used to fail re-creating the old expressions (42703,
/// `column "owner_name" does not exist`).
#[test]
fn policies_altered_in_a_plan_renaming_their_column_come_back_on_its_old_name() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let reader = own_role(&db, "docs_reader");
    let (before, after) = (shared_docs(false, &reader), shared_docs(true, &reader));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.docs VALUES (1, 'ann', 'a1'), (2, 'ann', 'a2'), (3, 'bob', 'public'), (4, 'bob', 'b');
             INSERT INTO public.doc_notes VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 4)",
        )
        .unwrap();
    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let steps = phases(&plan);
    assert_eq!(
        steps,
        [
            (Phase::Expand, "rename column public.docs.owner_name to owner"),
            (Phase::Expand, "alter policy doc_notes_own on public.doc_notes"),
            (Phase::Expand, "alter policy docs_insert on public.docs"),
            (Phase::Expand, "alter policy docs_own on public.docs"),
        ],
        "{}",
        plan.up_script()
    );
    let policies = vec![
        ("docs_insert".to_owned(), Some("Owners add their own docs".to_owned())),
        ("docs_own".to_owned(), Some("Owners see their docs".to_owned())),
        ("doc_notes_own".to_owned(), None),
    ];
    // No one sees nothing (v2: the public doc), ann her 2 docs and their 2
    // notes (v2: and the public doc), bob his 2 and their 3; ann adds only her docs.
    let old = (policies.clone(), vec![(0, 0), (2, 2), (2, 3)], true, Some("42501".to_owned()));
    let new = (policies, vec![(1, 0), (3, 2), (2, 3)], true, Some("42501".to_owned()));
    let up = [old.clone(), old.clone(), old.clone(), new.clone()];
    let down = [old.clone(), old.clone(), old.clone(), old.clone()];
    step_through(&mut client, &plan, old, &up, &down, &mut |c| seen_in_docs(c, &reader));
    assert_eq!(column_called(&mut client, "docs", &["owner_name", "owner"]), "owner_name");
    assert_clean(&before, &mut client, &mut shadow);
}

/// `orders (id, amt integer, changes, note)`, in v2 `amount bigint` renamed
/// from `amt`, row-level security enabled and forced. v1: triggers
/// `orders_on_amt` (UPDATE OF amt, +1), `orders_when_amt` (WHEN OLD.amt IS
/// DISTINCT FROM NEW.amt, +10), `orders_big_amt` (WHEN NEW.amt > 1000, +100)
/// and policy `orders_small` (`reader` sees the orders of an amount below a
/// million). v2: the same on `amount`, without `orders_big_amt`.
fn orders(v2: bool, reader: &str) -> Schema {
    let (amt, column) = if v2 { ("amount", Column::new("amount", SqlType::BigInt).renamed_from("amt")) } else { ("amt", Column::new("amt", SqlType::Integer)) };
    let mut table = Table::new("orders")
        .column(Column::new("id", SqlType::BigInt))
        .column(column)
        .column(Column::new("changes", SqlType::Integer).default_expr("0"))
        .column(Column::new("note", SqlType::Text).nullable())
        .primary_key(["id"])
        .row_level_security(true)
        .trigger(bumping("orders", "on_amt", &[amt], None, 1))
        .trigger(bumping("orders", "when_amt", &[], Some(&format!("OLD.{amt} IS DISTINCT FROM NEW.{amt}")), 10))
        .policy(Policy::new("orders_small").using(format!("{amt} < 1000000")).comment("Small orders only"));
    if !v2 {
        table = table.trigger(bumping("orders", "big_amt", &[], Some("NEW.amt > 1000"), 100));
    }
    let grant = Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("orders"), columns: vec![] }, [reader]);
    build(Schema::builder().role(Role::group(reader)).function(bump()).add_table(table).grant(grant))
}

/// The type of the amount of `orders`, what its triggers add to `changes`
/// on a small then a big amount then a note alone, how many orders `reader`
/// sees, with the triggers and policies there and their comments.
fn fire_orders(client: &mut Client, reader: &str, id: &mut i64) -> (String, Commented, (i32, i32, i32), i64) {
    let amt = column_called(client, "orders", &["amt", "amount"]);
    let ty: String = support::pg::one(client, &format!("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.orders'::regclass AND attname = '{amt}'"));
    let mut objects = commented_triggers(client, "orders");
    objects.extend(commented_policies(client, "orders"));
    *id += 1;
    client.execute(&format!("INSERT INTO public.orders (id, {amt}) VALUES ($1, 1)"), &[&*id]).unwrap();
    let mut set = |what: String| -> i32 { client.query_one(&format!("UPDATE public.orders SET {what} WHERE id = $1 RETURNING changes"), &[&*id]).unwrap().get(0) };
    let small = set(format!("{amt} = 5"));
    let big = set(format!("{amt} = 5000"));
    let note = set("note = 'edited'".into());
    client.batch_execute(&format!("SET ROLE {}", support::pg::q(reader))).unwrap();
    let seen = count(client, "SELECT count(*) FROM public.orders");
    client.batch_execute("RESET ROLE").unwrap();
    (ty, objects, (small, big - small, note - big), seen)
}

/// A column renamed and changing type in the same plan, under triggers and a
/// policy naming it, one of the triggers dropped by the plan: the type change
/// step drops and creates again every trigger and policy naming the column,
/// by its old name too, and creates the old definitions under the old name.
/// Before, PostgreSQL refused the type change (0A000, "cannot alter type of a
/// column used in a trigger definition"): the triggers whose `WHEN` names the
/// column by its old name were not seen as naming it.
#[test]
fn a_column_renamed_and_changing_type_under_triggers_and_a_policy_comes_back_on_its_old_name() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let reader = own_role(&db, "orders_reader");
    let (before, after) = (orders(false, &reader), orders(true, &reader));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.orders (id, amt) SELECT -i, i * 1000 FROM generate_series(1, 3) i; INSERT INTO public.orders (id, amt) VALUES (-4, 2000000)").unwrap();
    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let steps = phases(&plan);
    let retype = "change type of public.orders.amount to bigint around triggers orders_on_amt, orders_when_amt, orders_big_amt and policy orders_small";
    assert_eq!(
        steps,
        [
            (Phase::Expand, "rename column public.orders.amt to amount"),
            (Phase::Expand, retype),
            (Phase::Contract, "drop trigger orders_big_amt on public.orders"),
        ],
        "{}",
        plan.up_script()
    );
    let comment = |name: &str| Some(format!("{name} of orders"));
    let mut objects = vec![("orders_big_amt".to_owned(), comment("big_amt")), ("orders_on_amt".to_owned(), comment("on_amt"))];
    objects.push(("orders_when_amt".to_owned(), comment("when_amt")));
    objects.push(("orders_small".to_owned(), Some("Small orders only".to_owned())));
    let mut fewer = objects.clone();
    fewer.remove(0);
    // Each probe adds a row of a big amount, seen: 3 small orders before, one more after each probe.
    let state = |ty: &str, objects: &Commented, seen: i64| {
        let big = objects.len() == 4;
        (ty.to_owned(), objects.clone(), (11, if big { 111 } else { 11 }, if big { 100 } else { 0 }), seen)
    };
    let up = [state("integer", &objects, 5), state("bigint", &objects, 6), state("bigint", &fewer, 7)];
    let down = [state("bigint", &objects, 8), state("integer", &objects, 9), state("integer", &objects, 10)];
    let mut id = 0;
    step_through(&mut client, &plan, state("integer", &objects, 4), &up, &down, &mut |c| fire_orders(c, &reader, &mut id));
    assert_eq!(column_called(&mut client, "orders", &["amt", "amount"]), "amt");
    assert_clean(&before, &mut client, &mut shadow);
}

/// `parcels (id, grams, kilos generated from grams, note)` and `parcel_log`:
/// AFTER triggers `parcels_on_kilos` (UPDATE OF kilos) and `parcels_when_kilos`
/// (WHEN OLD.kilos IS DISTINCT FROM NEW.kilos) log their name, policy
/// `parcels_light` lets `reader` see the parcels under 10 kilos. v1: kilos
/// = grams / 1000.0; v2: rounded to a kilo.
fn parcels(v2: bool, reader: &str) -> Schema {
    let kilos = if v2 { "round(grams / 1000.0)" } else { "grams / 1000.0" };
    let logged = |name: &str, of: Vec<String>| {
        Trigger::new(format!("parcels_{name}"), TriggerTiming::After, [TriggerEvent::Update(of)], QualifiedName::public("log_parcel")).comment(format!("Logs {name}"))
    };
    let table = Table::new("parcels")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("grams", SqlType::Integer))
        .column(Column::new("kilos", SqlType::Numeric(None)).nullable().generated(kilos))
        .column(Column::new("note", SqlType::Text).nullable())
        .primary_key(["id"])
        .row_level_security(true)
        .trigger(logged("on_kilos", vec!["kilos".into()]))
        .trigger(logged("when_kilos", vec![]).when("OLD.kilos IS DISTINCT FROM NEW.kilos"))
        .policy(Policy::new("parcels_light").using("kilos < 10").comment("Light parcels"));
    let log = Table::new("parcel_log").column(Column::new("trigger", SqlType::Text)).column(Column::new("id", SqlType::BigInt)).primary_key(["trigger", "id"]);
    let body = "\nBEGIN\n    INSERT INTO public.parcel_log VALUES (TG_NAME, NEW.id);\n    RETURN NULL;\nEND\n";
    let grant = Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("parcels"), columns: vec![] }, [reader]);
    build(Schema::builder().role(Role::group(reader)).function(Function::trigger(QualifiedName::public("log_parcel"), body)).add_table(log).add_table(table).grant(grant))
}

/// The kilos of a new parcel of 2600 grams, the triggers that fire (in
/// order) when its grams then its note alone change, how many parcels
/// `reader` sees; with the triggers and the policy there, and their comments.
fn fire_parcels(client: &mut Client, reader: &str, id: &mut i64) -> (Commented, String, Vec<String>, Vec<String>, i64) {
    let mut objects = commented_triggers(client, "parcels");
    objects.extend(commented_policies(client, "parcels"));
    *id += 1;
    let kilos: String = client.query_one("INSERT INTO public.parcels (id, grams) VALUES ($1, 2600) RETURNING kilos::text", &[&*id]).unwrap().get(0);
    let mut fired = |what: &str| -> Vec<String> {
        client.batch_execute("DELETE FROM public.parcel_log").unwrap();
        client.execute(&format!("UPDATE public.parcels SET {what} WHERE id = $1"), &[&*id]).unwrap();
        client.query("SELECT trigger FROM public.parcel_log ORDER BY 1", &[]).unwrap().iter().map(|r| r.get(0)).collect()
    };
    let grams = fired("grams = 3900");
    let note = fired("note = 'fragile'");
    client.batch_execute(&format!("SET ROLE {}", support::pg::q(reader))).unwrap();
    let seen = count(client, "SELECT count(*) FROM public.parcels");
    client.batch_execute("RESET ROLE").unwrap();
    (objects, kilos, grams, note, seen)
}

/// A generated column whose expression changes is dropped and added again;
/// PostgreSQL 15 refuses to drop it under a trigger naming it in `UPDATE OF`
/// or `WHEN`, or a policy naming it (2BP01, "cannot drop column kilos of
/// table parcels because other objects depend on it"). The step drops them
/// just before and creates them again just after, with their comments, in
/// its one transaction, both ways: after the step and after its undo each
/// fires once, the policy filters the rows by the column's values then.
#[test]
fn a_generated_column_named_by_triggers_and_a_policy_is_rebuilt_around_them() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let reader = own_role(&db, "parcels_reader");
    let (before, after) = (parcels(false, &reader), parcels(true, &reader));
    live::apply(&mut client, &before).unwrap();
    // 9.6 kilos: under 10, rounded to 10 in v2.
    client.batch_execute("INSERT INTO public.parcels (id, grams) VALUES (-1, 9600), (-2, 500), (-3, 20000)").unwrap();
    let mut tx = client.transaction().unwrap();
    let e = tx.batch_execute("ALTER TABLE public.parcels DROP COLUMN kilos").expect_err("PostgreSQL dropped a column triggers and a policy name");
    assert_eq!(support::pg::sqlstate_of(&e).as_deref(), Some("2BP01"), "{e}");
    tx.rollback().unwrap();

    let options = PlanOptions::default();
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let steps = phases(&plan);
    let rebuild = "rebuild generated column public.parcels.kilos around triggers parcels_on_kilos, parcels_when_kilos and policy parcels_light";
    assert_eq!(steps, [(Phase::Expand, rebuild)], "{}", plan.up_script());
    let step = &plan.steps[0];
    assert_eq!((step.lock, step.transactional, step.down_transactional), (migrate::LockLevel::AccessExclusive, true, true));
    let objects = vec![
        ("parcels_on_kilos".to_owned(), Some("Logs on_kilos".to_owned())),
        ("parcels_when_kilos".to_owned(), Some("Logs when_kilos".to_owned())),
        ("parcels_light".to_owned(), Some("Light parcels".to_owned())),
    ];
    let both = vec!["parcels_on_kilos".to_owned(), "parcels_when_kilos".to_owned()];
    // v1: 9.6 and 0.5 kilos seen, and the new parcel (3.9); v2: 10 is not under 10.
    let old = (objects.clone(), "2.6000000000000000".to_owned(), both.clone(), vec![], 3);
    let new = (objects.clone(), "3".to_owned(), both.clone(), vec![], 3);
    // After the undo: the two probes' parcels, at 3.9 kilos, seen again with 9.6.
    let undone = (objects, "2.6000000000000000".to_owned(), both, vec![], 5);
    let mut id = 0;
    step_through(&mut client, &plan, old, &[new], &[undone], &mut |c| fire_parcels(c, &reader, &mut id));
    assert_clean(&before, &mut client, &mut shadow);
}

// ---- names of partitions and of their indexes across renames and schema moves ----

/// `logs` in `schema` under `name` (renamed from `from`, if given): an identity
/// key, range-partitioned by month on `at` (January to March 2026 and a default
/// partition), an index, and row-level security enabled and forced.
fn named_logs(schema: &str, name: &str, from: Option<QualifiedName>) -> Table {
    let mut table = Table::in_schema(schema, name)
        .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
        .column(Column::new("at", SqlType::Timestamptz))
        .column(Column::new("note", SqlType::Text))
        .primary_key(["id", "at"])
        .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 3).with_default())
        .index(Index::on(["at"]))
        .row_level_security(true)
        .policy(Policy::new("everyone").using("true"));
    if let Some(from) = from {
        table = table.renamed_from(from);
    }
    table
}

/// 100 rows in January 2026, 50 in February, 30 in March and 20 long before (the default partition).
fn fill_logs(client: &mut Client, table: &str) {
    client
        .batch_execute(&format!(
            "INSERT INTO {table} (at, note) SELECT '2026-01-01 00:00:00+00'::timestamptz + i * interval '5 hours', 'january' FROM generate_series(1, 100) i;
             INSERT INTO {table} (at, note) SELECT '2026-02-01 00:00:00+00'::timestamptz + i * interval '5 hours', 'february' FROM generate_series(1, 50) i;
             INSERT INTO {table} (at, note) SELECT '2026-03-01 00:00:00+00'::timestamptz + i * interval '5 hours', 'march' FROM generate_series(1, 30) i;
             INSERT INTO {table} (at, note) SELECT '1990-01-01 00:00:00+00'::timestamptz + i * interval '1 day', 'long ago' FROM generate_series(1, 20) i;"
        ))
        .unwrap();
}

/// The plan from the live database to `target`, or why there is none.
fn try_plan_to(client: &mut Client, shadow: &mut Client, target: &Schema, options: &PlanOptions) -> Result<migrate::Plan, migrate::PlanErrors> {
    let live = live::introspect(client, &IntrospectOptions::for_schema(target)).unwrap_or_else(|e| panic!("introspect: {e}"));
    let from = live::canonicalize(shadow, &live).unwrap_or_else(|e| panic!("canonicalize live: {e}"));
    let to = live::canonicalize(shadow, target).unwrap_or_else(|e| panic!("canonicalize target: {e}"));
    migrate::plan(&migrate::diff(&from, &to), options)
}

/// The indexes of a table's partitions, which PostgreSQL names when it creates
/// them from the parent's: (partition, index), by name.
fn partition_indexes(client: &mut Client, table: &str) -> Vec<(String, String)> {
    let sql = "SELECT c.relname::text, ic.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid
               WHERE i.inhparent = $1::text::regclass ORDER BY 1, 2";
    client.query(sql, &[&table]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// A table moved to another schema and renamed moves each partition there under
/// its old name before renaming it. Where a relation the plan keeps holds that
/// name (here a table `archive.logs_2026_01`), PostgreSQL refuses the move
/// (42P07) and the whole migration rolls back: the plan is refused instead,
/// naming both and what to do. Done as it says (the table renamed in an earlier
/// migration, its key with it), every row stays where it was, the kept table's
/// too, the database matches the declaration, and both undo.
#[test]
fn a_partition_move_to_a_name_a_kept_table_holds_is_refused() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let kept = || Table::in_schema("archive", "logs_2026_01").column(Column::new("id", SqlType::BigInt)).column(Column::new("note", SqlType::Text)).primary_key(["id"]);
    let with_kept = |t: Table| build(Schema::builder().add_table(t).add_table(kept()));
    let before = with_kept(named_logs("public", "logs", None));
    let after = with_kept(named_logs("archive", "events", Some(QualifiedName::public("logs"))));
    live::apply(&mut client, &before).unwrap();
    fill_logs(&mut client, "public.logs");
    client.batch_execute("INSERT INTO archive.logs_2026_01 VALUES (1, 'kept'), (2, 'kept'), (3, 'kept')").unwrap();
    let old_names: Vec<String> = ["logs_2026_01", "logs_2026_02", "logs_2026_03", "logs_default"].map(String::from).to_vec();
    let new_names: Vec<String> = old_names.iter().map(|p| p.replacen("logs", "events", 1)).collect();
    let rows = |schema: &str, parts: &[String]| parts.iter().zip([100, 50, 30, 20]).map(|(p, n)| (format!("{schema}.{p}"), n)).collect::<Vec<(String, i64)>>();
    let secured = |schema: &str, parts: &[String]| parts.iter().map(|p| (schema.to_owned(), p.clone(), true, true)).collect::<Vec<_>>();
    assert_eq!(rows_in(&mut client, "public.logs"), rows("public", &old_names));

    // What one migration would run: the table moves, then January fails to.
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("ALTER TABLE public.logs SET SCHEMA archive; ALTER TABLE archive.logs RENAME TO events").unwrap();
    let e = support::pg::expect_sqlstate(tx.batch_execute("ALTER TABLE public.logs_2026_01 SET SCHEMA archive"), "42P07", "moving January next to the kept table");
    assert_eq!(e.message(), "relation \"logs_2026_01\" already exists in schema \"archive\"");
    tx.rollback().unwrap();

    // Refused at planning time, naming both and what to do; and the
    // partition's key's index, which moves with it under its name, onto the
    // kept table's key's.
    let options = PlanOptions::default().with_declared_renames(&after);
    let errors = try_plan_to(&mut client, &mut shadow, &after, &options).expect_err("a move onto a kept table's name").0;
    assert_eq!(
        errors,
        [
            PlanError::NameTaken {
                change: "move partition logs_2026_01 of archive.events from schema public".into(),
                name: QualifiedName::new("archive", "logs_2026_01"),
                holder: "table archive.logs_2026_01".into(),
                remedy: "rename or drop table archive.logs_2026_01 in an earlier migration (the table and its partitions move under their old names, then take their new ones)".into(),
            },
            PlanError::NameTaken {
                change: "move partition logs_2026_01 of archive.events from schema public".into(),
                name: QualifiedName::new("archive", "logs_2026_01_pkey"),
                holder: "the index of key archive.logs_2026_01_pkey on archive.logs_2026_01".into(),
                remedy: "rename or drop the index of key archive.logs_2026_01_pkey on archive.logs_2026_01 in an earlier migration (index public.logs_2026_01_pkey of partition public.logs_2026_01 of public.logs moves there under the name it has)".into(),
            },
        ]
    );
    assert_eq!(rows_in(&mut client, "public.logs"), rows("public", &old_names));

    // As it says: the kept table renamed first (`logs_2026_01_pkey`, which the
    // partition's own key also has, with it), then the move.
    let january = || Table::in_schema("archive", "january").column(Column::new("id", SqlType::BigInt)).column(Column::new("note", SqlType::Text)).primary_key(["id"]);
    let renamed = build(Schema::builder().add_table(named_logs("public", "logs", None)).add_table(january().renamed_from(QualifiedName::new("archive", "logs_2026_01"))));
    let moved = build(Schema::builder().add_table(named_logs("archive", "events", Some(QualifiedName::public("logs")))).add_table(january()));
    let first = plan_to(&mut client, &mut shadow, &renamed, &PlanOptions::default().with_declared_renames(&renamed));
    assert!(first.up_script().contains("ALTER TABLE archive.january RENAME CONSTRAINT logs_2026_01_pkey TO january_pkey;"), "{first}");
    let first = first.migrations(1, "rename january");
    Runner::new().run(&mut client, &first).unwrap_or_else(|e| panic!("{e}"));
    let second = plan_to(&mut client, &mut shadow, &moved, &PlanOptions::default().with_declared_renames(&moved));
    let up = second.up_script();
    assert!(up.contains("ALTER TABLE public.logs_2026_01 SET SCHEMA archive;") && up.contains("ALTER TABLE archive.logs_2026_01 RENAME TO events_2026_01;"), "{up}");
    let second = second.migrations(10, "move logs");
    Runner::new().run(&mut client, &second).unwrap_or_else(|e| panic!("{e}\n{up}"));
    assert_eq!(partitions_in(&mut client, "archive.events"), secured("archive", &new_names));
    assert_eq!(rows_in(&mut client, "archive.events"), rows("archive", &new_names));
    assert_eq!(count(&mut client, "SELECT count(*) FROM archive.january WHERE note = 'kept'"), 3);
    // The partitions' own indexes keep the names PostgreSQL gave them when they
    // were created (`logs_2026_01_at_idx`): the graph does not hold them, so
    // nothing differs from the declaration.
    let indexes = partition_indexes(&mut client, "archive.events");
    assert!(indexes.contains(&("events_2026_01".to_owned(), "logs_2026_01_at_idx".to_owned())) && indexes.contains(&("events_default".to_owned(), "logs_default_pkey".to_owned())), "{indexes:?}");
    assert_clean(&moved, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &moved, &PlanOptions::default().with_declared_renames(&moved)).is_empty());
    // Which is also why the other way round, renaming the partitioned table
    // within `public` first and moving it later, would not do: its partitions
    // keep their keys' first names, and January's (`logs_2026_01_pkey`) would
    // then meet the kept table's in `archive`. Those names are not in the graph.

    undo(&mut client, &second);
    undo(&mut client, &first);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(partitions_in(&mut client, "public.logs"), secured("public", &old_names));
    assert_eq!(rows_in(&mut client, "public.logs"), rows("public", &old_names));
    assert_eq!(count(&mut client, "SELECT count(*) FROM archive.logs_2026_01 WHERE note = 'kept'"), 3);
}

/// A renamed table's partitions take their new names even where a relation the
/// same plan drops holds them (a view `events_default`, an index
/// `events_2026_02` of another table): those are dropped first, just before the
/// partitions are renamed, so no partition is dropped and created again (its
/// rows with it) and the default partition does not keep its old name (which
/// introspection then cannot represent). The down migration renames the
/// partitions back, then creates the view and the index again.
#[test]
fn a_renamed_partition_takes_a_name_that_a_relation_the_plan_drops_held() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let notes = |indexed: bool| {
        let t = Table::new("notes").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        if indexed { t.index(Index::on(["id"]).named("events_2026_02")) } else { t }
    };
    let holder = View::new(QualifiedName::public("events_default"), "SELECT 1 AS one");
    let before = build(Schema::builder().add_table(named_logs("public", "logs", None)).add_table(notes(true)).view(holder));
    let after = build(Schema::builder().add_table(named_logs("public", "events", Some(QualifiedName::public("logs")))).add_table(notes(false)));
    live::apply(&mut client, &before).unwrap();
    fill_logs(&mut client, "public.logs");
    let old_names: Vec<String> = ["logs_2026_01", "logs_2026_02", "logs_2026_03", "logs_default"].map(String::from).to_vec();
    let new_names: Vec<String> = old_names.iter().map(|p| p.replacen("logs", "events", 1)).collect();
    let rows = |parts: &[String]| parts.iter().zip([100, 50, 30, 20]).map(|(p, n)| (format!("public.{p}"), n)).collect::<Vec<(String, i64)>>();
    let secured = |parts: &[String]| parts.iter().map(|p| ("public".to_owned(), p.clone(), true, true)).collect::<Vec<_>>();
    let before_indexes = partition_indexes(&mut client, "public.logs");

    let options = PlanOptions::default().with_declared_renames(&after);
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let up = plan.up_script();
    let at = |needle: &str| up.find(needle).unwrap_or_else(|| panic!("no `{needle}` in:\n{up}"));
    assert!(at("DROP VIEW public.events_default;") < at("ALTER TABLE public.logs_default RENAME TO events_default;"), "{up}");
    assert!(at("DROP INDEX CONCURRENTLY IF EXISTS public.events_2026_02;") < at("ALTER TABLE public.logs_2026_02 RENAME TO events_2026_02;"), "{up}");
    for unwanted in ["PARTITION OF", "DETACH", "DROP TABLE"] {
        assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
    }
    assert!(!plan.hazards().contains(&Hazard::DataLoss) && plan.is_reversible() && plan.steps.iter().all(|s| s.phase == Phase::Expand), "{up}");
    let migrations = plan.migrations(1, "rename logs");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{up}"));

    assert_eq!(partitions_in(&mut client, "public.events"), secured(&new_names));
    assert_eq!(rows_in(&mut client, "public.events"), rows(&new_names));
    for gone in ["public.logs_default", "public.notes_events_2026_02"] {
        assert_eq!(support::pg::one::<Option<String>>(&mut client, &format!("SELECT to_regclass('{gone}')::text")), None, "{gone}");
    }
    let home: String = support::pg::one(&mut client, "INSERT INTO public.events (at, note) VALUES ('1991-06-01 00:00:00+00', 'new') RETURNING tableoid::regclass::text");
    assert_eq!(home, "events_default");
    client.batch_execute("DELETE FROM public.events WHERE note = 'new'").unwrap();
    // The partitions' own indexes keep their first names, and nothing differs.
    let renamed_indexes: Vec<(String, String)> = before_indexes.iter().map(|(p, i)| (p.replacen("logs", "events", 1), i.clone())).collect();
    assert_eq!(partition_indexes(&mut client, "public.events"), renamed_indexes);
    assert!(renamed_indexes.contains(&("events_2026_02".to_owned(), "logs_2026_02_at_idx".to_owned())), "{renamed_indexes:?}");
    let report = live::verify(&after, &mut client, &mut shadow).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_clean() && report.unsupported.is_empty(), "drift after migrating:\n{}\n{:?}", report.diff, report.unsupported);
    assert!(plan_to(&mut client, &mut shadow, &after, &options).is_empty());

    undo(&mut client, &migrations);
    client.batch_execute("DROP TABLE public.schema_migrations").unwrap();
    assert_clean(&before, &mut client, &mut shadow);
    assert_eq!(partitions_in(&mut client, "public.logs"), secured(&old_names));
    assert_eq!(rows_in(&mut client, "public.logs"), rows(&old_names));
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.events_default WHERE one = 1"), 1);
    let index: String = support::pg::one(&mut client, "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'public.notes'::regclass AND NOT indisprimary");
    assert_eq!(index, "events_2026_02");
    assert_eq!(partition_indexes(&mut client, "public.logs"), before_indexes);
}

// ---- views around column type changes, and the relations a step locks ----

/// The strongest lock per relation that the session `pid` holds (seen from
/// `watcher`, by [`locks_held`]) on tables, partitions, views and
/// materialized views, and on the indexes `step` names, in the modes
/// `LockLevel` has (ROW EXCLUSIVE and stronger), as (name, mode) in name
/// order; asserted equal to what `step.locks` reports, and `step.lock` to
/// the strongest of them.
fn assert_locks_reported(watcher: &mut Client, pid: i32, step: &migrate::Step) -> Vec<(String, String)> {
    use migrate::LockLevel;
    const MODES: [&str; 8] =
        ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];
    let strength = |mode: &str| MODES.iter().position(|m| *m == mode).unwrap_or_else(|| panic!("lock mode {mode}"));
    let named = |name: &str| step.locks.iter().any(|(r, _)| r.name == name);
    let mut held: Vec<(String, String)> = locks_held(watcher, pid, &["r", "p", "v", "m"]);
    held.extend(locks_held(watcher, pid, &["i", "I"]).into_iter().filter(|(name, _)| named(name)));
    let mut strongest: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (name, mode) in held {
        let e = strongest.entry(name).or_insert_with(|| mode.clone());
        if strength(&mode) > strength(e) {
            *e = mode;
        }
    }
    let held: Vec<(String, String)> = strongest.into_iter().filter(|(_, mode)| strength(mode) >= strength("RowExclusiveLock")).collect();
    let mode = |l: LockLevel| match l {
        LockLevel::None => "none",
        LockLevel::RowExclusive => "RowExclusiveLock",
        LockLevel::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
        LockLevel::Share => "ShareLock",
        LockLevel::ShareRowExclusive => "ShareRowExclusiveLock",
        LockLevel::AccessExclusive => "AccessExclusiveLock",
    };
    let mut reported: Vec<(String, String)> = step.locks.iter().map(|(r, l)| (r.name.clone(), mode(*l).to_owned())).collect();
    reported.sort();
    assert_eq!(held, reported, "the locks `{}` takes, and those it reports:\n{}", step.description, step.script());
    assert_eq!(step.lock, step.locks.iter().map(|(_, l)| *l).max().unwrap_or(LockLevel::None), "{}", step.description);
    held
}

/// `orders (id, amount <amount>, note)`; the view `order_amounts` reads it
/// (commented, readable by PUBLIC); with `dependents`, `big_orders` reads
/// that view (PUBLIC may read its `id` column only), and so does the
/// materialized view `order_stats` (unique index, commented, readable by
/// PUBLIC). `customers` and its view `customer_names` are not touched.
fn orders_with_views(amount: SqlType, dependents: bool) -> Schema {
    let public = |view: &str, columns: Vec<String>| Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public(view), columns }, ["public"]);
    let mut b = Schema::builder()
        .add_table(
            Table::new("orders")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("amount", amount))
                .column(Column::new("note", SqlType::Text).nullable())
                .primary_key(["id"]),
        )
        .add_table(Table::new("customers").column(Column::new("id", SqlType::BigInt)).column(Column::new("name", SqlType::Text)).primary_key(["id"]))
        .view(
            View::new(QualifiedName::public("order_amounts"), "SELECT id, amount FROM public.orders")
                .depends_on(QualifiedName::public("orders"))
                .comment("Amounts by order"),
        )
        .view(View::new(QualifiedName::public("customer_names"), "SELECT name FROM public.customers").depends_on(QualifiedName::public("customers")))
        .grant(public("order_amounts", vec![]));
    if dependents {
        b = b
            .view(View::new(QualifiedName::public("big_orders"), "SELECT id, amount FROM public.order_amounts WHERE amount > 100").depends_on(QualifiedName::public("order_amounts")))
            .view(
                View::materialized(QualifiedName::public("order_stats"), "SELECT count(*) AS orders, sum(amount) AS total FROM public.order_amounts")
                    .depends_on(QualifiedName::public("order_amounts"))
                    .index(Index::on(["orders"]).unique().named("order_stats_orders"))
                    .comment("Refreshed nightly"),
            )
            .grant(public("big_orders", vec!["id".into()]))
            .grant(public("order_stats", vec![]));
    }
    build(b)
}

/// What a second session reads through the views: order_amounts rows, and
/// with `dependents` big_orders rows and the order_stats total; or the
/// SQLSTATE of the first read that fails.
fn read_views(reader: &mut Client, dependents: bool) -> Result<Vec<i64>, String> {
    let mut reads = vec!["SELECT count(*) FROM public.order_amounts"];
    if dependents {
        reads.extend(["SELECT count(*) FROM public.big_orders", "SELECT total::int8 FROM public.order_stats"]);
    }
    reads.into_iter().map(|sql| reader.query_one(sql, &[]).map(|r| r.get::<_, i64>(0)).map_err(|e| support::pg::describe_error(&e))).collect()
}

/// The views' kinds, comments and privileges, their columns' types and
/// privileges, and the materialized view's index: what a rebuild must keep.
fn view_extras(client: &mut Client) -> Vec<String> {
    let mut out: Vec<String> = client
        .query(
            "SELECT c.relname || ' ' || c.relkind::text || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '-') || ' ' || coalesce(array_to_string(c.relacl, ','), '-')
             FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    out.extend(
        client
            .query(
                "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || coalesce(array_to_string(a.attacl, ','), '-')
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') AND a.attnum > 0 ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0)),
    );
    out.extend(client.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('order_stats')", &[]).unwrap().iter().map(|r| r.get::<_, String>(0)));
    out
}

/// `orders.amount`, read by a view (and, with `dependents`, by views reading
/// that view, one materialized), becomes bigint. PostgreSQL refuses the bare
/// type change (0A000, "cannot alter type of a column used by a view or
/// rule"), so the views are dropped and created again around it. Each step
/// is applied in a transaction of its own (what `Step::transactional`
/// promises is enough), and after each one, and after each down step, a
/// second session reads every view: none is ever missing (42P01), the rows
/// are all there; at the end the views keep their comments, privileges and
/// index. While a step is open, the relations it locks (seen in `pg_locks`
/// from a third session) are those it reports, and a reader of the views
/// waits for it, then reads them as they are after it.
fn retype_under_views(dependents: bool) {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut reader, mut watcher) = (db.client(), shadow_db.client(), db.client(), db.client());
    let (before, after) = (orders_with_views(SqlType::Integer, dependents), orders_with_views(SqlType::BigInt, dependents));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.orders (id, amount) SELECT i, i * 10 FROM generate_series(1, 30) i").unwrap();
    if dependents {
        client.batch_execute("REFRESH MATERIALIZED VIEW public.order_stats").unwrap();
    }
    let rows = Ok(if dependents { vec![30, 20, 4650] } else { vec![30] });
    assert_eq!(read_views(&mut reader, dependents), rows);
    let extras = view_extras(&mut client);
    assert!(extras.contains(&"order_amounts.amount integer -".to_owned()), "{extras:?}");

    // Why the views are rebuilt.
    let e = support::pg::expect_sqlstate(client.batch_execute("ALTER TABLE public.orders ALTER COLUMN amount TYPE bigint"), "0A000", "the bare type change");
    assert_eq!(e.message(), "cannot alter type of a column used by a view or rule");

    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    eprintln!("{}", plan.up_script());
    for step in &plan.steps {
        assert!(step.transactional, "{}", step.description);
        let mut tx = client.transaction().unwrap();
        let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{}: {}\n{}", step.description, support::pg::describe_error(&e), step.script()));
        assert_locks_reported(&mut watcher, pid, step);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| read_views(&mut reader, dependents));
            std::thread::sleep(Duration::from_millis(300));
            assert!(!waiting.is_finished(), "a reader of the views waits for `{}`", step.description);
            tx.commit().unwrap();
            assert_eq!(waiting.join().unwrap(), rows, "a reader waiting for `{}`", step.description);
        });
        assert_eq!(read_views(&mut reader, dependents), rows, "after `{}`", step.description);
    }
    let retype = plan.steps.iter().find(|s| s.description.starts_with("change type of public.orders.amount to bigint around view")).unwrap_or_else(|| panic!("{}", plan.up_script()));
    let mut locked: Vec<_> = if dependents { vec!["big_orders", "order_amounts", "order_stats", "orders"] } else { vec!["order_amounts", "orders"] }
        .into_iter()
        .map(|r| (QualifiedName::public(r), migrate::LockLevel::AccessExclusive))
        .collect();
    locked.sort();
    assert_eq!((plan.steps.len(), &retype.locks), (1, &locked), "{}", plan.up_script());
    // sum(bigint) is numeric: the materialized view is created from the new column.
    let expected: Vec<String> = extras.iter().map(|e| e.replace(" integer ", " bigint ").replace("order_stats.total bigint", "order_stats.total numeric")).collect();
    assert_eq!(view_extras(&mut client), expected);
    client.batch_execute("INSERT INTO public.orders (id, amount) VALUES (31, 5000000000)").unwrap();
    assert_eq!(count(&mut client, "SELECT max(amount) FROM public.order_amounts"), 5_000_000_000);
    client.batch_execute("DELETE FROM public.orders WHERE id = 31").unwrap();
    assert_clean(&after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, &after, &PlanOptions::default()).is_empty());

    for step in plan.steps.iter().rev() {
        let down = step.down_script().expect("reversible");
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(&down).unwrap_or_else(|e| panic!("down of {}: {}\n{down}", step.description, support::pg::describe_error(&e)));
        tx.commit().unwrap();
        assert_eq!(read_views(&mut reader, dependents), rows, "after the down step of `{}`", step.description);
    }
    assert_eq!(view_extras(&mut client), extras);
    assert_clean(&before, &mut client, &mut shadow);
}

#[test]
fn a_view_over_a_retyped_column_exists_after_every_step() {
    retype_under_views(false);
}

#[test]
fn views_reading_views_over_a_retyped_column_exist_after_every_step() {
    retype_under_views(true);
}

/// `owned_accounts` (`accounts.owner_id` named by its own policy and, in a
/// subquery, by the policy of `account_notes`), and `projects`, whose
/// policy names a column `owner_id` of its own and reads `accounts` in a
/// subquery (by `id`), and `audits`, untouched.
fn owned_projects(owner: SqlType) -> Schema {
    let base = owned_accounts(owner, "migrate_projects_reader");
    let mut b = Schema::builder();
    for r in base.roles() {
        b = b.role(r.clone());
    }
    for t in base.tables() {
        b = b.add_table(t.clone());
    }
    for g in base.grants() {
        b = b.grant(g.clone());
    }
    build(
        b.add_table(
            Table::new("projects")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("owner_id", SqlType::Integer))
                .column(Column::new("account_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(true)
                .policy(Policy::new("projects_own").using(
                    "owner_id = nullif(current_setting('app.user_id', true), '')::integer AND account_id IN (SELECT a.id FROM public.accounts a)",
                )),
        )
        .add_table(Table::new("audits").column(Column::new("id", SqlType::BigInt)).primary_key(["id"])),
    )
}

/// The step changing the type of `accounts.owner_id` drops and creates again
/// the policies of `accounts`, `account_notes` (which PostgreSQL requires)
/// and `projects` (which it does not: its `owner_id` is its own column, but
/// the planner matches words, and the policy names both `owner_id` and
/// `accounts`), so it holds ACCESS EXCLUSIVE on all three tables until it
/// commits: a reader of `projects` waits (55P03 under a short
/// `lock_timeout`). The step reports exactly those locks: seen in
/// `pg_locks` from another session, up and down.
#[test]
fn a_type_change_reports_the_tables_whose_policies_it_rebuilds() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    let (before, after) = (owned_projects(SqlType::Integer), owned_projects(SqlType::BigInt));
    live::apply(&mut client, &before).unwrap();
    // Why projects' policy need not be rebuilt: PostgreSQL records no dependency of it on accounts.owner_id.
    let depends: Vec<String> = client
        .query(
            "SELECT DISTINCT c.relname || '.' || a.attname FROM pg_depend d JOIN pg_policy p ON p.oid = d.objid JOIN pg_class c ON c.oid = d.refobjid
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_policy'::regclass AND p.polname = 'projects_own' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(depends, ["accounts.id", "projects.account_id", "projects.owner_id"]);

    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    eprintln!("{}", plan.up_script());
    assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
    let step = &plan.steps[0];
    let ae = migrate::LockLevel::AccessExclusive;
    assert_eq!(step.locks, [(QualifiedName::public("account_notes"), ae), (QualifiedName::public("accounts"), ae), (QualifiedName::public("projects"), ae)]);
    let expected: Vec<(String, String)> = ["account_notes", "accounts", "projects"].iter().map(|t| (t.to_string(), "AccessExclusiveLock".to_owned())).collect();

    let mut tx = client.transaction().unwrap();
    let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{e}\n{}", step.script()));
    assert_eq!(assert_locks_reported(&mut watcher, pid, step), expected);
    watcher.batch_execute("SET lock_timeout = '300ms'").unwrap();
    support::pg::expect_sqlstate(watcher.query_one("SELECT count(*) FROM public.projects", &[]), "55P03", "a read of projects while its policy is rebuilt");
    assert_eq!(count(&mut watcher, "SELECT count(*) FROM public.audits"), 0);
    watcher.batch_execute("RESET lock_timeout").unwrap();
    tx.commit().unwrap();
    assert_clean(&after, &mut client, &mut shadow);

    let down = step.down_script().expect("reversible");
    let mut tx = client.transaction().unwrap();
    let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    tx.batch_execute(&down).unwrap_or_else(|e| panic!("down: {e}\n{down}"));
    assert_eq!(locks_held(&mut watcher, pid, &["r", "p"]).into_iter().filter(|(_, m)| m == "AccessExclusiveLock").collect::<Vec<_>>(), expected, "the down step");
    tx.commit().unwrap();
    assert_clean(&before, &mut client, &mut shadow);
}

/// Applies `plan` step by step: each transactional step in a transaction of
/// its own, where, before it commits, the relations it holds locks on are
/// compared with those it reports ([`assert_locks_reported`]); the others
/// statement by statement, as the runner runs them.
fn apply_checking_locks(client: &mut Client, watcher: &mut Client, plan: &migrate::Plan) {
    for step in &plan.steps {
        apply_step(client, Some(&mut *watcher), step);
    }
}

/// Every transactional step of the plans from `v1` to `v2` to `v3` (tables,
/// columns, keys, checks, foreign keys, NOT NULL, partitions, policies,
/// triggers, views, comments, grants, renames, drops) and of a type change
/// under the triggers of a partitioned table reports the relations it
/// locks, as `pg_locks` shows them to another session while it is open.
#[test]
fn every_transactional_step_reports_the_relations_it_locks() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    live::apply(&mut client, &v1()).unwrap();
    seed(&mut client);
    let plan = plan_to(&mut client, &mut shadow, &v2(), &options_v1_to_v2());
    apply_checking_locks(&mut client, &mut watcher, &plan);
    assert_clean(&v2(), &mut client, &mut shadow);
    client.batch_execute("INSERT INTO public.events VALUES (1, 'eu'), (2, 'us'), (3, 'xx')").unwrap();
    let options = PlanOptions {
        allow_destructive: true,
        backfills: vec![
            Backfill { table: QualifiedName::public("accounts"), column: "age".into(), expression: "18".into() },
            Backfill { table: QualifiedName::public("posts"), column: "seq".into(), expression: "id * 10".into() },
        ],
        ..PlanOptions::default()
    };
    let plan = plan_to(&mut client, &mut shadow, &v3(), &options);
    apply_checking_locks(&mut client, &mut watcher, &plan);
    assert_clean(&v3(), &mut client, &mut shadow);
    // And back (drops of columns, a partition, a trigger, a view; a type narrowed), then
    // to v1 but for the enum labels (drops of keys, a foreign key, tables, a policy; a rename).
    let back = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
    let plan = plan_to(&mut client, &mut shadow, &v2(), &back);
    apply_checking_locks(&mut client, &mut watcher, &plan);
    assert_clean(&v2(), &mut client, &mut shadow);
    let v1_labels = {
        let v1 = v1();
        let mut b = Schema::builder().enum_type(v2().enums()[0].clone());
        for t in v1.tables() {
            b = b.add_table(t.clone());
        }
        for v in v1.views() {
            b = b.view(v.clone());
        }
        for f in v1.functions() {
            b = b.function(f.clone());
        }
        build(b)
    };
    let renames = vec![Rename::Column { table: QualifiedName::public("accounts"), from: "notes".into(), to: "legacy".into() }];
    let plan = plan_to(&mut client, &mut shadow, &v1_labels, &PlanOptions { renames, ..back });
    apply_checking_locks(&mut client, &mut watcher, &plan);
    assert_clean(&v1_labels, &mut client, &mut shadow);

    let Some(other) = support::pg::test_db() else { return };
    let (mut client, mut watcher) = (other.client(), other.client());
    live::apply(&mut client, &payments(SqlType::Integer, true, false)).unwrap();
    client.batch_execute("INSERT INTO public.payments (id, amount) SELECT i, i FROM generate_series(1, 10) i").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &payments(SqlType::BigInt, true, true), &PlanOptions::default());
    apply_checking_locks(&mut client, &mut watcher, &plan);
    let retype = plan.steps.iter().find(|s| s.description.starts_with("change type of public.payments.amount")).unwrap();
    let ae = migrate::LockLevel::AccessExclusive;
    assert_eq!(retype.locks, [(QualifiedName::public("payments"), ae), (QualifiedName::public("payments_p0"), ae), (QualifiedName::public("payments_p1"), ae)]);

    // The columns of a foreign key, both sides: PostgreSQL adds the key again, locking both tables.
    let keyed = |ty: SqlType| {
        build(
            Schema::builder()
                .add_table(Table::new("parents").column(Column::new("id", ty.clone())).primary_key(["id"]))
                .add_table(
                    Table::new("children")
                        .column(Column::new("id", SqlType::BigInt))
                        .column(Column::new("parent_id", ty))
                        .primary_key(["id"])
                        .foreign_key(ForeignKey::new(["parent_id"], QualifiedName::public("parents"), ["id"])),
                ),
        )
    };
    let Some(third) = support::pg::test_db() else { return };
    let (mut client, mut watcher) = (third.client(), third.client());
    live::apply(&mut client, &keyed(SqlType::Integer)).unwrap();
    let plan = plan_to(&mut client, &mut shadow, &keyed(SqlType::BigInt), &PlanOptions::default());
    apply_checking_locks(&mut client, &mut watcher, &plan);
    let locks: Vec<&[(QualifiedName, migrate::LockLevel)]> = plan.steps.iter().filter(|s| s.description.contains("parent")).map(|s| &s.locks[..]).collect();
    let both = [(QualifiedName::public("children"), ae), (QualifiedName::public("parents"), ae)];
    assert_eq!(locks, [&both[..], &both[..]], "{}", plan.up_script());
}

// ---- views and materialized views whose own definition changes ----

/// `items (id, price <price>, kind)`; the view `priced` (materialized if
/// `materialized`, then with a unique index on `id`) reads it with `query`,
/// commented, readable by `reader`. With `readers`, the view `cheap` reads
/// `priced` (its ids up to 5; `reader` may read its `id` column). With
/// `policy`, `notes (id, item_id)` has row-level security and the policy
/// `notes_priced` (commented): a role sees the notes of the items `priced`
/// shows, read in a subquery. With `indexed`, `items.kind` has an index
/// (which a plan builds CONCURRENTLY, outside a transaction).
#[allow(clippy::too_many_arguments)]
fn priced_items(price: SqlType, query: &str, materialized: bool, readers: bool, policy: bool, indexed: bool, reader: &str) -> Schema {
    let name = QualifiedName::public("priced");
    let priced = if materialized { View::materialized(name, query).index(Index::on(["id"]).unique().named("priced_id")) } else { View::new(name, query) };
    let mut items = Table::new("items")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("price", price))
        .column(Column::new("kind", SqlType::Text))
        .primary_key(["id"]);
    if indexed {
        items = items.index(Index::on(["kind"]));
    }
    let select = |t: &str, columns: Vec<String>| Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public(t), columns }, [reader]);
    let mut b = Schema::builder()
        .role(Role::group(reader))
        .add_table(items)
        .view(priced.depends_on(QualifiedName::public("items")).comment("Prices of items"))
        .grant(select("priced", vec![]));
    if readers {
        b = b
            .view(View::new(QualifiedName::public("cheap"), "SELECT id FROM public.priced WHERE id <= 5").depends_on(QualifiedName::public("priced")).comment("The first items"))
            .grant(select("cheap", vec!["id".into()]));
    }
    if policy {
        b = b
            .add_table(
                Table::new("notes")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("item_id", SqlType::BigInt))
                    .primary_key(["id"])
                    .row_level_security(true)
                    .policy(Policy::new("notes_priced").using("item_id IN (SELECT p.id FROM public.priced p)").comment("Notes of priced items")),
            )
            .grant(select("notes", vec![]));
    }
    build(b)
}

/// Ten items (prices 10 to 100, odd ones of kind `a`) and, if there is the
/// table, 24 notes (two for each of the items 1 to 12); `priced` refreshed.
fn fill_items(client: &mut Client, policy: bool) {
    client.batch_execute("INSERT INTO public.items SELECT i, i * 10, CASE WHEN i % 2 = 1 THEN 'a' ELSE 'b' END FROM generate_series(1, 10) i").unwrap();
    if policy {
        client.batch_execute("INSERT INTO public.notes SELECT i, i % 12 + 1 FROM generate_series(1, 24) i").unwrap();
    }
    let materialized: bool = support::pg::one(client, "SELECT relkind = 'm' FROM pg_class WHERE oid = 'public.priced'::regclass");
    if materialized {
        client.batch_execute("REFRESH MATERIALIZED VIEW public.priced").unwrap();
    }
}

/// The rows of `priced` as its session's role reads them, or the error.
fn priced_rows(client: &mut Client) -> String {
    match client.query_one("SELECT coalesce(string_agg(p::text, ' ' ORDER BY p.id), '') FROM public.priced p", &[]) {
        Ok(r) => r.get(0),
        Err(e) => support::pg::describe_error(&e),
    }
}

/// What a rebuild must keep, read in `client`'s session: as `reader`, the
/// rows of `priced`, of `cheap` and, with `policy`, the number of notes it
/// may see (or the errors); then as the owner the views' kinds, comments,
/// privileges, columns with their types and privileges, the indexes of
/// `priced` and, with `policy`, every note, whether `notes` has row-level
/// security, and its policies with their comments and expressions.
fn priced_state(client: &mut Client, reader: &str, readers: bool, policy: bool) -> Vec<String> {
    let mut reads = vec!["SELECT 'cheap: ' || coalesce(string_agg(id::text, ' ' ORDER BY id), '') FROM public.cheap"];
    if !readers {
        reads.clear();
    }
    if policy {
        reads.push("SELECT 'notes seen: ' || count(*) FROM public.notes");
    }
    client.batch_execute(&format!("SET ROLE {}", support::pg::q(reader))).unwrap();
    let mut out = vec![format!("priced: {}", priced_rows(client))];
    for sql in reads {
        out.push(client.query_one(sql, &[]).map(|r| r.get(0)).unwrap_or_else(|e| support::pg::describe_error(&e)));
    }
    client.batch_execute("RESET ROLE").unwrap();
    let mut catalog = vec![
        "SELECT c.relname || ' ' || c.relkind::text || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '-') || ' ' || coalesce(array_to_string(c.relacl, ','), '-')
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') ORDER BY 1",
        "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || coalesce(array_to_string(a.attacl, ','), '-')
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1",
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'priced' ORDER BY 1",
    ];
    if policy {
        catalog.extend([
            "SELECT 'every note: ' || count(*) FROM public.notes",
            "SELECT 'notes rls: ' || relrowsecurity FROM pg_class WHERE oid = 'public.notes'::regclass",
            "SELECT polname || ' ' || coalesce(obj_description(oid, 'pg_policy'), '-') || ' ' || pg_get_expr(polqual, polrelid) FROM pg_policy ORDER BY 1",
        ]);
    }
    for sql in catalog {
        out.extend(client.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| r.get::<_, String>(0)));
    }
    out
}

/// `before` and `after` are [`priced_items`] schemas (with `readers`,
/// `policy`). First, why a plain `CREATE OR REPLACE`, or a drop of the view
/// on its own, cannot do: each of `refusals` (a statement, the SQLSTATE,
/// message and detail, if not empty, that PostgreSQL 15 answers) is tried in
/// a transaction rolled back.
/// Then the plan from `before` to `after` is applied step by step (each
/// transactional step in a transaction of its own, the others statement by
/// statement): after each step, and after each of its down steps, a session
/// of `reader` reads `priced` (and `cheap`, and with `policy` the notes its
/// policy lets it see) and finds them as before the step that rebuilds the
/// view, or as a database made from `after` holds them once it ran: never
/// missing (42P01), with the same comments, privileges and indexes. While
/// the rebuild is open, the relations it locks are those it reports, and a
/// reader of `priced` waits for it, then reads its new rows. The rebuild is
/// one transactional step, and the only one that locks `priced`.
#[allow(clippy::too_many_arguments)]
fn rebuild_priced(before: &Schema, after: &Schema, reader: &str, readers: bool, policy: bool, refusals: &[(&str, &str, &str, &str)], db: support::pg::TestDb) -> migrate::Plan {
    let Some(shadow_db) = support::pg::test_db() else { panic!("no second database") };
    let Some(target_db) = support::pg::test_db() else { panic!("no third database") };
    let (mut client, mut shadow, mut probe, mut waiter, mut watcher) = (db.client(), shadow_db.client(), db.client(), db.client(), db.client());
    // What the rebuilt views must hold: those of a database made from `after`.
    let mut target = target_db.client();
    live::apply(&mut target, after).unwrap();
    fill_items(&mut target, policy);
    let new = priced_state(&mut target, reader, readers, policy);
    live::apply(&mut client, before).unwrap();
    fill_items(&mut client, policy);
    let old = priced_state(&mut probe, reader, readers, policy);
    assert_ne!(old, new);
    assert!(!old.iter().chain(&new).any(|s| s.contains("ERROR")), "{old:#?}\n{new:#?}");

    for (sql, code, message, detail) in refusals {
        let mut tx = client.transaction().unwrap();
        let e = support::pg::expect_sqlstate(tx.batch_execute(sql), code, sql);
        assert_eq!(e.message(), *message, "{sql}");
        if !detail.is_empty() {
            assert_eq!(e.detail(), Some(*detail), "{sql}");
        }
        tx.rollback().unwrap();
    }

    let plan = plan_to(&mut client, &mut shadow, after, &PlanOptions::default());
    eprintln!("{}", plan.up_script());
    let priced = QualifiedName::public("priced");
    let rebuilds: Vec<&migrate::Step> = plan.steps.iter().filter(|s| s.locks.iter().any(|(r, _)| *r == priced)).collect();
    assert_eq!(rebuilds.len(), 1, "one step locks priced:\n{}", plan.up_script());
    assert!(rebuilds[0].transactional && rebuilds[0].down_transactional, "{}", rebuilds[0].description);
    waiter.batch_execute(&format!("SET ROLE {}", support::pg::q(reader))).unwrap();
    let new_rows = new[0].trim_start_matches("priced: ").to_owned();

    let mut rebuilt = false;
    for step in &plan.steps {
        let rebuild = step.locks.iter().any(|(r, _)| *r == priced);
        if step.transactional {
            let mut tx = client.transaction().unwrap();
            let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
            tx.batch_execute(&step.script()).unwrap_or_else(|e| panic!("{}: {}\n{}", step.description, support::pg::describe_error(&e), step.script()));
            assert_locks_reported(&mut watcher, pid, step);
            if rebuild {
                std::thread::scope(|scope| {
                    let waiting = scope.spawn(|| priced_rows(&mut waiter));
                    std::thread::sleep(Duration::from_millis(300));
                    assert!(!waiting.is_finished(), "a reader of priced waits for `{}`", step.description);
                    tx.commit().unwrap();
                    assert_eq!(waiting.join().unwrap(), new_rows, "a reader waiting for `{}`", step.description);
                });
            } else {
                tx.commit().unwrap();
            }
        } else {
            run_script(&mut client, &step.script(), false, &step.description);
        }
        rebuilt |= rebuild;
        assert_eq!(priced_state(&mut probe, reader, readers, policy), if rebuilt { new.clone() } else { old.clone() }, "after `{}`", step.description);
    }
    assert_clean(after, &mut client, &mut shadow);
    assert!(plan_to(&mut client, &mut shadow, after, &PlanOptions::default()).is_empty());

    for step in plan.steps.iter().rev() {
        let script = step.down_script().unwrap_or_else(|| panic!("`{}` cannot be undone", step.description));
        run_script(&mut client, &script, step.down_transactional, &format!("down {}", step.description));
        rebuilt &= !step.locks.iter().any(|(r, _)| *r == priced);
        assert_eq!(priced_state(&mut probe, reader, readers, policy), if rebuilt { new.clone() } else { old.clone() }, "after undoing `{}`", step.description);
    }
    assert_clean(before, &mut client, &mut shadow);
    plan
}

const PRICED: &str = "SELECT id, price FROM public.items";
/// `price` becomes numeric (which `CREATE OR REPLACE VIEW` refuses), and only items of kind `a` are left.
const PRICED_A: &str = "SELECT id, price::numeric AS price FROM public.items WHERE kind = 'a'";
const DROP_PRICED_REFUSED: &str = "cannot drop view priced because other objects depend on it";

/// A view gains a column at the end, which `CREATE OR REPLACE VIEW` allows:
/// the view is rebuilt with its reader in one step all the same (the planner
/// cannot tell from the query text which changes PostgreSQL allows).
#[test]
fn a_view_gaining_a_column_is_rebuilt_with_its_reader_in_one_step() {
    let Some(db) = support::pg::test_db() else { return };
    let reader = own_role(&db, "migrate_priced");
    let before = priced_items(SqlType::Integer, PRICED, false, true, false, false, &reader);
    let after = priced_items(SqlType::Integer, "SELECT id, price, kind FROM public.items", false, true, false, false, &reader);
    let plan = rebuild_priced(&before, &after, &reader, true, false, &[], db);
    assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
}

/// A view's column changes type: PostgreSQL refuses `CREATE OR REPLACE
/// VIEW` (42P16), and the drop of the view while `cheap` reads it (2BP01),
/// so both are dropped and created again in one step.
#[test]
fn a_view_whose_column_changes_type_is_rebuilt_with_its_reader_in_one_step() {
    let Some(db) = support::pg::test_db() else { return };
    let reader = own_role(&db, "migrate_priced");
    let before = priced_items(SqlType::Integer, PRICED, false, true, false, false, &reader);
    let after = priced_items(SqlType::Integer, PRICED_A, false, true, false, false, &reader);
    let replace = format!("CREATE OR REPLACE VIEW public.priced AS {PRICED_A}");
    let refusals = [
        (replace.as_str(), "42P16", "cannot change data type of view column \"price\" from integer to numeric", ""),
        ("DROP VIEW public.priced", "2BP01", DROP_PRICED_REFUSED, "view cheap depends on view priced"),
    ];
    let plan = rebuild_priced(&before, &after, &reader, true, false, &refusals, db);
    assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
}

/// A materialized view's query changes, in a plan that builds an index
/// CONCURRENTLY too (outside a transaction); with `readers`, a view reads
/// the materialized view.
fn a_materialized_view_is_rebuilt(readers: bool) {
    let Some(db) = support::pg::test_db() else { return };
    let reader = own_role(&db, "migrate_priced");
    let before = priced_items(SqlType::Integer, PRICED, true, readers, false, false, &reader);
    let after = priced_items(SqlType::Integer, PRICED_A, true, readers, false, true, &reader);
    let drop = [("DROP MATERIALIZED VIEW public.priced", "2BP01", "cannot drop materialized view priced because other objects depend on it", "view cheap depends on materialized view priced")];
    let plan = rebuild_priced(&before, &after, &reader, readers, false, if readers { &drop } else { &[] }, db);
    assert_eq!(plan.steps.len(), 2, "{}", plan.up_script());
    assert!(plan.steps.iter().any(|s| !s.transactional), "{}", plan.up_script());
    let rebuild = plan.steps.iter().find(|s| s.transactional).unwrap();
    // Created WITH DATA, and its unique index built, under the lock: no statement timeout.
    assert_eq!(rebuild.statement_timeout, None, "{}", rebuild.description);
    for h in [Hazard::LongLock, Hazard::IndexBuild] {
        assert!(rebuild.hazards.contains(&h), "{h:?}: {:?}", rebuild.hazards);
    }
}

#[test]
fn a_materialized_view_whose_query_changes_exists_after_every_step() {
    a_materialized_view_is_rebuilt(false);
}

#[test]
fn a_materialized_view_read_by_a_view_is_rebuilt_with_it_in_one_step() {
    a_materialized_view_is_rebuilt(true);
}

/// The policy of `notes` reads `priced` in a subquery: PostgreSQL refuses to
/// drop the view under it (2BP01), even once `cheap` is gone. The step
/// rebuilding the view drops the policy and creates it again around it,
/// reports the lock it takes on `notes`, and `reader` sees only the notes
/// of the items `priced` shows, after every step.
fn a_policy_over_a_rebuilt_view(materialized: bool, price: (SqlType, SqlType), query: &str) {
    let Some(db) = support::pg::test_db() else { return };
    let reader = own_role(&db, "migrate_priced");
    let retyped = price.0 != price.1;
    let before = priced_items(price.0, PRICED, materialized, true, true, false, &reader);
    let after = priced_items(price.1, query, materialized, true, true, false, &reader);
    let drop = format!("DROP VIEW public.cheap; DROP {}VIEW public.priced", if materialized { "MATERIALIZED " } else { "" });
    let message = if materialized { "cannot drop materialized view priced because other objects depend on it" } else { DROP_PRICED_REFUSED };
    let detail = format!("policy notes_priced on table notes depends on {}view priced", if materialized { "materialized " } else { "" });
    let plan = rebuild_priced(&before, &after, &reader, true, true, &[(drop.as_str(), "2BP01", message, detail.as_str())], db);
    assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
    let ae = migrate::LockLevel::AccessExclusive;
    let mut locks = vec![(QualifiedName::public("cheap"), ae), (QualifiedName::public("notes"), ae), (QualifiedName::public("priced"), ae)];
    if retyped {
        locks.insert(1, (QualifiedName::public("items"), ae));
    }
    assert_eq!(plan.steps[0].locks, locks, "{}", plan.up_script());
}

#[test]
fn a_policy_reading_a_rebuilt_view_is_rebuilt_around_it() {
    a_policy_over_a_rebuilt_view(false, (SqlType::Integer, SqlType::Integer), PRICED_A);
}

#[test]
fn a_policy_reading_a_rebuilt_materialized_view_is_rebuilt_around_it() {
    a_policy_over_a_rebuilt_view(true, (SqlType::Integer, SqlType::Integer), PRICED_A);
}

/// The view is rebuilt for `items.price` changes type; its query is the same.
#[test]
fn a_policy_reading_a_view_over_a_retyped_column_is_rebuilt_around_it() {
    a_policy_over_a_rebuilt_view(false, (SqlType::Integer, SqlType::BigInt), PRICED);
}

/// `items (id, <label>)` and the view `labels` reading the column, which the
/// plan renames to `title` (declared): the view's query changes with it, so
/// the view is rebuilt after the rename. Its down step runs before the
/// rename is undone, and creates the old query, which names `label`, under
/// the column's old name (renaming it back and forth in its transaction).
#[test]
fn a_view_rebuilt_over_a_renamed_column_is_undone_before_the_rename() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let labelled = |column: &str, query: &str| {
        let mut label = Column::new(column, SqlType::Text);
        if column != "label" {
            label = label.renamed_from("label");
        }
        build(
            Schema::builder()
                .add_table(Table::new("items").column(Column::new("id", SqlType::BigInt)).column(label).primary_key(["id"]))
                .view(View::new(QualifiedName::public("labels"), query).depends_on(QualifiedName::public("items")).comment("Labels")),
        )
    };
    let (before, after) = (labelled("label", "SELECT id, label FROM public.items"), labelled("title", "SELECT id, title AS label FROM public.items"));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.items VALUES (1, 'one'), (2, 'two')").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default().with_declared_renames(&after));
    eprintln!("{}", plan.up_script());
    let described: Vec<&str> = plan.steps.iter().map(|s| s.description.as_str()).collect();
    assert_eq!(described, ["rename column public.items.label to title", "rebuild view public.labels"]);
    let mut probe = |c: &mut Client| {
        let column = column_called(c, "items", &["label", "title"]);
        let rows: String = support::pg::one(c, "SELECT string_agg(l::text, ' ' ORDER BY l.id) || ' ' || obj_description('public.labels'::regclass, 'pg_class') FROM public.labels l");
        (column, rows)
    };
    let rows = "(1,one) (2,two) Labels".to_owned();
    let (old, new) = (("label".to_owned(), rows.clone()), ("title".to_owned(), rows));
    step_through(&mut client, &plan, old.clone(), &[new.clone(), new.clone()], &[new, old], &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

// ---- rows of a default partition that foreign keys reference, checked row by row ----

/// [`ledger`] with `ledger_notes` (ON DELETE CASCADE, NOT NULL key columns)
/// and `ledger_marks`, whose nullable key `(entry, day)` references it ON
/// DELETE SET NULL.
fn ledger_noted_and_marked(months: &[(&str, &str, &str)]) -> Schema {
    let base = ledger(months, true);
    let mut b = Schema::builder();
    for f in base.functions() {
        b = b.function(f.clone());
    }
    for t in base.tables() {
        b = b.add_table(t.clone());
    }
    build(
        b.add_table(
            Table::new("ledger_marks")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("entry", SqlType::BigInt).nullable())
                .column(Column::new("day", SqlType::Date).nullable())
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["entry", "day"], QualifiedName::public("ledger"), ["id", "day"]).on_delete(ReferentialAction::SetNull))
                .index(Index::on(["entry", "day"])),
        ),
    )
}

/// (table, id, entry, day) of every row of `ledger_notes` and `ledger_marks`.
fn ledger_references(client: &mut Client) -> Vec<(String, i64, Option<i64>, Option<String>)> {
    let sql = "SELECT 'notes', id, entry, day::text FROM public.ledger_notes UNION ALL SELECT 'marks', id, entry, day::text FROM public.ledger_marks ORDER BY 1, 2";
    client.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()
}

/// A partition added next to the default partition of a table that foreign
/// keys reference takes the default's rows of its bound that no row
/// references: a note references January's row 1, not February's row with the
/// same id (the key is composite: both columns must match), another a row of
/// 2027 that stays; marks name February's rows with a NULL in one of the key's
/// columns, which references nothing (MATCH SIMPLE). Every row is kept, no
/// note or mark changes, no row trigger fires on their tables (the keys'
/// actions run their DELETE and UPDATE, matching no row: each table's statement
/// trigger fires once, as for any delete of an unreferenced row). The step
/// holds SHARE ROW EXCLUSIVE on both referencing tables (PostgreSQL adds the
/// keys' triggers to the new partition), as it reports, and a new note of a
/// moving row waits for it (seen from a second session). Its undo
/// moves the rows back, refused by PostgreSQL (23503) while a note references
/// one of them in the new partition. Once notes and marks reference two of the
/// bound's rows, the step stops (23514), naming both tables and the 2 rows, and
/// nothing moves or changes. (Before the row-by-row look, the step stopped
/// whenever a key referenced the table.)
#[test]
fn a_partition_added_to_a_referenced_table_takes_the_rows_no_row_references() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (ledger_noted_and_marked(&[]), ledger_noted_and_marked(&[("ledger_2026_02", "2026-02-01", "2026-03-01")]));
    live::apply(&mut client, &before).unwrap();
    client
        .batch_execute(
            "INSERT INTO public.ledger (id, day, amount) OVERRIDING SYSTEM VALUE
                 VALUES (1, '2026-01-10', 1), (2, '2026-02-10', 2), (3, '2026-02-11', 3), (1, '2026-02-12', 4), (4, '2027-05-01', 5);
             INSERT INTO public.ledger_notes VALUES (1, 1, '2026-01-10'), (2, 4, '2027-05-01');
             INSERT INTO public.ledger_marks VALUES (1, 2, NULL), (2, NULL, '2026-02-11'), (3, 1, '2026-01-10');
             TRUNCATE public.ledger_log",
        )
        .unwrap();
    let (rows, references) = (ledger_rows(&mut client), ledger_references(&mut client));
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_default".into(), 4)]);

    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    let step = plan.steps.iter().find(|s| s.description == "add partition ledger_2026_02 of public.ledger").unwrap_or_else(|| panic!("{}", plan.up_script()));
    // The new partition gets the keys' triggers, which locks the referencing tables.
    let (ae, sre) = (migrate::LockLevel::AccessExclusive, migrate::LockLevel::ShareRowExclusive);
    let table = QualifiedName::public;
    assert_eq!(step.locks, [(table("ledger"), ae), (table("ledger_default"), ae), (table("ledger_marks"), sre), (table("ledger_notes"), sre)]);

    // The locks it holds, seen from a second session, are those it reports; a
    // note of a moving row waits for the step.
    let mut watcher = db.client();
    {
        let mut tx = client.transaction().unwrap();
        let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        tx.batch_execute(&step.sql.join(";\n")).unwrap_or_else(|e| panic!("{}\n{}", support::pg::describe_error(&e), step.script()));
        assert_locks_reported(&mut watcher, pid, step);
        watcher.batch_execute("SET lock_timeout = '300ms'").unwrap();
        support::pg::expect_sqlstate(watcher.execute("INSERT INTO public.ledger_notes VALUES (9, 2, '2026-02-10')", &[]), "55P03", "a note of a moving row");
        watcher.batch_execute("RESET lock_timeout").unwrap();
        tx.rollback().unwrap();
    }
    assert_eq!((ledger_rows(&mut client), ledger_references(&mut client)), (rows.clone(), references.clone()), "rolled back");

    // What fires on the referencing tables while the rows move.
    client
        .batch_execute(
            "CREATE TABLE public.fired (n serial, tab text, op text, level text);
             CREATE FUNCTION public.reference_fired() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.fired (tab, op, level) VALUES (TG_TABLE_NAME, TG_OP, TG_LEVEL); RETURN NULL; END $$;
             CREATE TRIGGER rows_fired AFTER DELETE OR UPDATE ON public.ledger_notes FOR EACH ROW EXECUTE FUNCTION public.reference_fired();
             CREATE TRIGGER statements_fired AFTER DELETE OR UPDATE ON public.ledger_notes FOR EACH STATEMENT EXECUTE FUNCTION public.reference_fired();
             CREATE TRIGGER rows_fired AFTER DELETE OR UPDATE ON public.ledger_marks FOR EACH ROW EXECUTE FUNCTION public.reference_fired();
             CREATE TRIGGER statements_fired AFTER DELETE OR UPDATE ON public.ledger_marks FOR EACH STATEMENT EXECUTE FUNCTION public.reference_fired();",
        )
        .unwrap();
    let migrations = plan.migrations(1, "february");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("{e}\n{}", plan.up_script()));
    let moved: Vec<_> = rows
        .iter()
        .map(|(id, day, amount, doubled, home)| (*id, day.clone(), *amount, *doubled, if day.starts_with("2026-02") { "ledger_2026_02".to_owned() } else { home.clone() }))
        .collect();
    let by_id_and_day = |mut v: Vec<(i64, String, i32, i32, String)>| {
        v.sort();
        v
    };
    assert_eq!(by_id_and_day(ledger_rows(&mut client)), by_id_and_day(moved));
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_2026_02".into(), 3), ("ledger_default".into(), 1)]);
    assert_eq!(ledger_references(&mut client), references, "no note or mark changed");
    let fired: Vec<(String, String, String)> =
        client.query("SELECT tab, op, level FROM public.fired ORDER BY n", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    let mut fired_sorted = fired.clone();
    fired_sorted.sort();
    let statement = |tab: &str, op: &str| (tab.to_owned(), op.to_owned(), "STATEMENT".to_owned());
    assert_eq!(fired_sorted, [statement("ledger_marks", "UPDATE"), statement("ledger_notes", "DELETE")], "no row trigger: {fired:?}");
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log"), 0, "no trigger of ledger fired for the move");
    client
        .batch_execute(
            "DROP TRIGGER rows_fired ON public.ledger_notes; DROP TRIGGER statements_fired ON public.ledger_notes;
             DROP TRIGGER rows_fired ON public.ledger_marks; DROP TRIGGER statements_fired ON public.ledger_marks;
             DROP FUNCTION public.reference_fired(); DROP TABLE public.fired; DROP TABLE public.schema_migrations",
        )
        .unwrap();
    assert_clean(&after, &mut client, &mut shadow);

    // Undone while a note references a row of the new partition: PostgreSQL refuses to detach it.
    client.batch_execute("INSERT INTO public.ledger_notes VALUES (3, 2, '2026-02-10')").unwrap();
    let down = step.down_script().expect("reversible");
    let mut tx = client.transaction().unwrap();
    let err = tx.batch_execute(&down).expect_err("a note references a row of the partition");
    tx.rollback().unwrap();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23503"), "{}", support::pg::describe_error(&err));
    assert_eq!(rows_by_partition(&mut client, "ledger"), [("ledger_2026_01".into(), 1), ("ledger_2026_02".into(), 3), ("ledger_default".into(), 1)]);
    client.batch_execute("DELETE FROM public.ledger_notes WHERE id = 3").unwrap();
    undo(&mut client, &migrations);
    assert_eq!(by_id_and_day(ledger_rows(&mut client)), by_id_and_day(rows.clone()), "every row back where it was");
    assert_eq!(ledger_references(&mut client), references);
    assert_eq!(count(&mut client, "SELECT count(*) FROM public.ledger_log"), 0);
    assert_clean(&before, &mut client, &mut shadow);

    // Notes and marks referencing two of February's rows: the step stops, and nothing changes.
    client.batch_execute("INSERT INTO public.ledger_notes VALUES (3, 2, '2026-02-10'), (4, 3, '2026-02-11'); INSERT INTO public.ledger_marks VALUES (4, 2, '2026-02-10')").unwrap();
    let references = ledger_references(&mut client);
    let mut tx = client.transaction().unwrap();
    let err = tx.batch_execute(&step.script()).expect_err("February's rows are referenced");
    tx.rollback().unwrap();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23514"), "{}", support::pg::describe_error(&err));
    let message = err.as_db_error().expect("a server error").message().to_owned();
    assert!(message.contains("foreign keys of public.ledger_marks, public.ledger_notes reference 2 of them, and moving a row fires their ON DELETE action"), "{message}");
    assert_eq!(by_id_and_day(ledger_rows(&mut client)), by_id_and_day(rows));
    assert_eq!(ledger_references(&mut client), references, "nothing deleted, nothing nulled");
}

// ---- what a generated column rebuild drops with the column; renames the old definitions need ----

/// Applies every step of `plan` up, checking `probe` against the next of
/// `up` after each, and the result against `after`; then every step down,
/// last first, checking `probe` against the next of `down` after each, and
/// the result against `before`. Each transactional step up is checked to
/// report the relations it locks, as `watcher` (another session of the
/// database) sees them before it commits ([`assert_locks_reported`]).
#[allow(clippy::too_many_arguments)]
fn up_and_down<T: PartialEq + std::fmt::Debug>(
    client: &mut Client,
    shadow: &mut Client,
    watcher: &mut Client,
    plan: &migrate::Plan,
    (before, after): (&Schema, &Schema),
    up: &[T],
    down: &[T],
    probe: &mut dyn FnMut(&mut Client) -> T,
) {
    assert_eq!((plan.steps.len(), plan.steps.len()), (up.len(), down.len()), "{}", plan.up_script());
    walk_up(client, Some(watcher), plan, up, probe);
    assert_clean(after, client, shadow);
    walk_down(client, plan, down, probe);
    assert_clean(before, client, shadow);
}

/// The SQLSTATE `sql` fails with in a transaction rolled back afterwards, if it fails.
fn sqlstate_in_rollback(client: &mut Client, sql: &str) -> Option<String> {
    let mut tx = client.transaction().unwrap();
    let result = tx.batch_execute(sql);
    tx.rollback().unwrap();
    result.err().map(|e| support::pg::sqlstate_of(&e).unwrap_or_else(|| panic!("{sql}: {e}")))
}

/// The indexes a query's plan scans (with sequential scans disabled).
fn indexes_scanned(client: &mut Client, query: &str) -> Vec<String> {
    client.batch_execute("SET enable_seqscan = off").unwrap();
    let lines: Vec<String> = client.query(&format!("EXPLAIN (COSTS OFF) {query}"), &[]).unwrap().iter().map(|r| r.get(0)).collect();
    client.batch_execute("RESET enable_seqscan").unwrap();
    // `Index Scan using x on t`, `Index Only Scan using x on t`, `Bitmap Index Scan on x`.
    let mut found: Vec<String> = lines
        .iter()
        .filter_map(|l| l.split_once(" Scan using ").or_else(|| l.split_once("Bitmap Index Scan on ")).map(|(_, rest)| rest.split_whitespace().next().unwrap_or_default().to_owned()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// `crates (id, label, grams, kilos generated from grams, commented)` and
/// `shipments` referencing `(label, kilos)`. On `kilos`: a unique constraint
/// with `label` (which the foreign key references), a check, an index
/// (commented), a two-column index, an expression index, a partial index
/// whose predicate names it, `reader`'s column privilege, and the view
/// `crate_weights` reading it (`reader` may select from it). v1: kilos =
/// grams / 1000.0; v2: rounded to 0.1 kilo.
fn crates(v2: bool, reader: &str) -> Schema {
    let kilos = if v2 { "round(grams / 1000.0, 1)" } else { "grams / 1000.0" };
    let crates = QualifiedName::public("crates");
    let table = Table::new("crates")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("label", SqlType::Text))
        .column(Column::new("grams", SqlType::Integer))
        .column(Column::new("kilos", SqlType::Numeric(None)).generated(kilos).comment("Weight in kilos"))
        .primary_key(["id"])
        .unique(UniqueConstraint::new(["label", "kilos"]))
        .check(CheckConstraint::on_column("kilos", "kilos < 1000"))
        .index(Index::on(["kilos"]).comment("By weight"))
        .index(Index::on(["grams", "kilos"]).named("crates_grams_kilos"))
        .index(Index::with_keys([IndexKey::expression("(kilos * 2)")]).named("crates_double"))
        .index(Index::on(["id"]).named("crates_heavy").where_("kilos > 100"));
    let shipments = Table::new("shipments")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("crate_label", SqlType::Text))
        .column(Column::new("crate_kilos", SqlType::Numeric(None)))
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["crate_label", "crate_kilos"], crates.clone(), ["label", "kilos"]));
    let view = View::new(QualifiedName::public("crate_weights"), "SELECT id, kilos FROM public.crates").depends_on(crates.clone());
    build(
        Schema::builder()
            .role(Role::group(reader))
            .add_table(table)
            .add_table(shipments)
            .view(view)
            .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: crates, columns: vec!["id".into(), "kilos".into()] }, [reader]))
            .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("crate_weights"), columns: vec![] }, [reader])),
    )
}

/// What `crates` has and does at one moment.
#[derive(Debug, PartialEq)]
struct CratesState {
    /// The indexes of `crates` (valid ones) with their comments.
    indexes: Commented,
    /// The constraints of `crates` and `shipments`, validated ones.
    constraints: Vec<String>,
    /// The comment of `kilos`.
    comment: Option<String>,
    /// Whether `reader` may select `kilos`, and the view.
    reader_reads: (bool, Option<bool>),
    /// The SQLSTATEs of a crate too heavy, a crate of a label and weight
    /// taken, a shipment of a crate there is not.
    refused: [Option<String>; 3],
    /// The indexes scanned for `kilos = 2.5` and for `kilos * 2 = 5`.
    scanned: [Vec<String>; 2],
    /// The crates (id, kilos).
    rows: Vec<(i64, String)>,
}

fn crates_state(client: &mut Client, reader: &str) -> CratesState {
    let indexes = client
        .query(
            "SELECT c.relname::text, obj_description(c.oid, 'pg_class') FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = 'public.crates'::regclass AND i.indisvalid ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let constraints = client
        .query("SELECT conname::text FROM pg_constraint WHERE conrelid IN ('public.crates'::regclass, 'public.shipments'::regclass) AND convalidated ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let comment = support::pg::one(client, "SELECT col_description('public.crates'::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = 'public.crates'::regclass AND attname = 'kilos'))");
    let column: bool = client.query_one("SELECT has_column_privilege($1, 'public.crates', 'kilos', 'SELECT')", &[&reader]).unwrap().get(0);
    let view: Option<bool> = client
        .query_one("SELECT has_table_privilege($1, to_regclass('public.crate_weights'), 'SELECT')", &[&reader])
        .unwrap()
        .get(0);
    let refused = [
        sqlstate_in_rollback(client, "INSERT INTO public.crates (id, label, grams) VALUES (100, 'x', 2000000)"),
        sqlstate_in_rollback(client, "INSERT INTO public.crates (id, label, grams) VALUES (101, 'a', 2500)"),
        sqlstate_in_rollback(client, "INSERT INTO public.shipments VALUES (100, 'a', 7)"),
    ];
    let scanned = [indexes_scanned(client, "SELECT id FROM public.crates WHERE kilos = 2.5"), indexes_scanned(client, "SELECT id FROM public.crates WHERE kilos * 2 = 5")];
    let rows = client.query("SELECT id, kilos::text FROM public.crates ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    CratesState { indexes, constraints, comment, reader_reads: (column, view), refused, scanned, rows }
}

/// A generated column whose expression changes is dropped and added again,
/// and PostgreSQL drops with it (no CASCADE needed) the indexes on it, also
/// multi-column, expression and partial ones, the constraints naming it, its
/// comment and its column privileges; and it refuses to drop it under
/// another table's foreign key referencing it (2BP01, "cannot drop column
/// kilos of table crates because other objects depend on it": constraint
/// shipments_crate_label_crate_kilos_fkey). The step drops and creates them
/// all again around it, in its one transaction, both ways: after each step
/// and each undo every one is there, valid, enforced, used by the planner.
#[test]
fn a_rebuilt_generated_column_keeps_its_indexes_constraints_comment_privileges_and_referencing_keys() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    let reader = own_role(&db, "crates_reader");
    let (before, after) = (crates(false, &reader), crates(true, &reader));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.crates VALUES (1, 'a', 2500), (2, 'b', 9600), (3, 'c', 150000); INSERT INTO public.shipments VALUES (1, 'a', 2.5), (2, 'b', 9.6)").unwrap();

    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    let steps = phases(&plan);
    assert_eq!(
        steps,
        [(
            Phase::Expand,
            "rebuild generated column public.crates.kilos around indexes crates_double, crates_grams_kilos, crates_heavy, idx_crates_kilos and constraints crates_label_kilos_key, crates_kilos_check, shipments_crate_label_crate_kilos_fkey on public.shipments and view public.crate_weights"
        )],
        "{}",
        plan.up_script()
    );
    let rebuild = &plan.steps[0];
    assert!(rebuild.transactional && rebuild.down_transactional && rebuild.hazards.contains(&Hazard::IndexBuild), "{rebuild:?}");
    // The view, the table and the other side of the key dropped and added again.
    let ae = migrate::LockLevel::AccessExclusive;
    assert_eq!(rebuild.locks, [(QualifiedName::public("crate_weights"), ae), (QualifiedName::public("crates"), ae), (QualifiedName::public("shipments"), ae)]);

    let indexes: Commented = vec![
        ("crates_double".into(), None),
        ("crates_grams_kilos".into(), None),
        ("crates_heavy".into(), None),
        ("crates_label_kilos_key".into(), None),
        ("crates_pkey".into(), None),
        ("idx_crates_kilos".into(), Some("By weight".into())),
    ];
    let constraints: Vec<String> = ["crates_kilos_check", "crates_label_kilos_key", "crates_pkey", "shipments_crate_label_crate_kilos_fkey", "shipments_pkey"].map(String::from).to_vec();
    let state = |view: bool, rows: [&str; 3]| CratesState {
        indexes: indexes.clone(),
        constraints: constraints.clone(),
        comment: Some("Weight in kilos".into()),
        reader_reads: (true, view.then_some(true)),
        refused: [Some("23514".into()), Some("23505".into()), Some("23503".into())],
        scanned: [vec!["idx_crates_kilos".into()], vec!["crates_double".into()]],
        rows: rows.iter().enumerate().map(|(i, k)| (i as i64 + 1, k.to_string())).collect(),
    };
    let (old, new) = (["2.5000000000000000", "9.6000000000000000", "150.0000000000000000"], ["2.5", "9.6", "150.0"]);
    assert_eq!(crates_state(&mut client, &reader), state(true, old));
    // The view is there after the step and its undo, as the rest.
    up_and_down(&mut client, &mut shadow, &mut watcher, &plan, (&before, &after), &[state(true, new)], &[state(true, old)], &mut |c| crates_state(c, &reader));
}

/// `bins (id, <columns>)`, every column a nullable integer, `renamed_from`
/// as given: (name, old name).
fn bins(columns: &[(&str, Option<&str>)]) -> Schema {
    let mut t = Table::new("bins").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
    for (name, from) in columns {
        let mut c = Column::new(*name, SqlType::Integer).nullable();
        if let Some(from) = from {
            c = c.renamed_from(*from);
        }
        t = t.column(c);
    }
    build(Schema::builder().add_table(t))
}

/// The rows of `bins` with the values of `columns`, by id.
fn bin_rows(client: &mut Client, columns: &[&str]) -> Vec<Vec<Option<i32>>> {
    let sql = format!("SELECT {} FROM public.bins ORDER BY id", columns.join(", "));
    client.query(&sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).iter().map(|r| (0..columns.len()).map(|i| r.get(i)).collect()).collect()
}

/// A declared column rename whose old name is still a column after the
/// migration (a new column takes it, or another rename), or whose new name is
/// one already before it (names swapped or chained), cannot be told from the
/// changes the diff sees by name: the plan used to ignore it, silently (for
/// `qty` renamed `quantity` beside a new `qty` it added an empty `quantity`
/// and kept the values in the column now meant to be the new one; for two
/// names swapped it did nothing). Nor could the rename dance of the steps
/// creating old definitions rename a column back to a name another column
/// holds (42701). Such a plan is refused, naming the rename; done in two
/// migrations (rename, then reuse the name), each step up and down keeps
/// every value under its column.
#[test]
fn a_declared_rename_whose_names_another_column_takes_is_refused() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let v1 = bins(&[("qty", None), ("cap", None)]);
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO public.bins VALUES (1, 10, 100), (2, 20, 200)").unwrap();
    let refused = |rename: &str, why: &str| format!("not planned: the declared rename of public.bins.{rename}: {why}");
    let (still, already) = (|c: &str| format!("{c} is still a column of the table after the migration"), |c: &str| format!("{c} is already a column of the table before it"));
    let cases = [
        ("reused", bins(&[("quantity", Some("qty")), ("qty", None), ("cap", None)]), vec![refused("qty to quantity", &still("qty"))]),
        (
            "swapped",
            bins(&[("qty", Some("cap")), ("cap", Some("qty"))]),
            vec![refused("cap to qty", &format!("{} and {}", still("cap"), already("qty"))), refused("qty to cap", &format!("{} and {}", still("qty"), already("cap")))],
        ),
        ("chained", bins(&[("amount", Some("qty")), ("qty", Some("cap"))]), vec![refused("qty to amount", &still("qty")), refused("cap to qty", &already("qty"))]),
    ];
    for (what, target, expected) in cases {
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&target);
        let errors = match try_plan_to(&mut client, &mut shadow, &target, &options) {
            Ok(plan) => panic!("{what}: planned, the rename ignored:\n{}", plan.up_script()),
            Err(e) => e,
        };
        let messages: Vec<String> = errors.0.iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), expected.len(), "{what}: {messages:#?}");
        assert!(errors.0.iter().all(|e| matches!(e, PlanError::Unsupported { .. })), "{what}: {errors:?}");
        for (message, expected) in messages.iter().zip(&expected) {
            assert!(message.starts_with(expected.as_str()), "{what}: {message}\nexpected: {expected}");
        }
    }
    assert_eq!(bin_rows(&mut client, &["qty", "cap"]), [[Some(10), Some(100)], [Some(20), Some(200)]], "nothing ran");

    // In two migrations: the rename, then the name taken again (the rename
    // stays declared, and is done by then).
    let renamed = bins(&[("quantity", Some("qty")), ("cap", None)]);
    let reused = bins(&[("quantity", Some("qty")), ("qty", None), ("cap", None)]);
    let first = plan_to(&mut client, &mut shadow, &renamed, &PlanOptions::default().with_declared_renames(&renamed));
    assert_eq!(descriptions(&first), ["rename column public.bins.qty to quantity"]);
    run_script(&mut client, &first.steps[0].script(), true, "rename");
    let second = plan_to(&mut client, &mut shadow, &reused, &PlanOptions::default().with_declared_renames(&reused));
    assert_eq!(descriptions(&second), ["add column public.bins.qty"]);
    run_script(&mut client, &second.steps[0].script(), true, "add");
    assert_clean(&reused, &mut client, &mut shadow);
    assert_eq!(bin_rows(&mut client, &["quantity", "qty", "cap"]), [[Some(10), None, Some(100)], [Some(20), None, Some(200)]]);
    run_script(&mut client, &second.steps[0].down_script().unwrap(), true, "down add");
    run_script(&mut client, &first.steps[0].down_script().unwrap(), true, "down rename");
    assert_eq!(bin_rows(&mut client, &["qty", "cap"]), [[Some(10), Some(100)], [Some(20), Some(200)]]);
    assert_clean(&v1, &mut client, &mut shadow);
}

/// `meters (id, amt integer, note)`, in v2 `amount bigint` renamed from
/// `amt`, with views `meter_amounts` (kept: rebuilt around the type change)
/// and `meter_notes` (dropped in v2) reading it; `gauges (id, lvl)`, in v2
/// `level` renamed from `lvl`, with the view `gauge_levels` (kept, the
/// column aliased to its old name in v2), the view `gauge_old` and three
/// indexes naming `lvl` (as a column, in an expression, in a predicate),
/// dropped in v2.
fn meters(v2: bool) -> Schema {
    let (amt, lvl) = if v2 { ("amount", "level") } else { ("amt", "lvl") };
    let mut amount = Column::new(amt, if v2 { SqlType::BigInt } else { SqlType::Integer });
    let mut level = Column::new(lvl, SqlType::Integer);
    if v2 {
        amount = amount.renamed_from("amt");
        level = level.renamed_from("lvl");
    }
    let meters = Table::new("meters").column(Column::new("id", SqlType::BigInt)).column(amount).column(Column::new("note", SqlType::Text).nullable()).primary_key(["id"]);
    let mut gauges = Table::new("gauges").column(Column::new("id", SqlType::BigInt)).column(level).primary_key(["id"]);
    let view = |name: &str, query: String, on: &str| View::new(QualifiedName::public(name), query).depends_on(QualifiedName::public(on));
    let mut b = Schema::builder()
        .view(view("meter_amounts", format!("SELECT id, {amt} FROM public.meters WHERE {amt} > 1"), "meters"))
        .view(view("gauge_levels", if v2 { "SELECT id, level AS lvl FROM public.gauges".into() } else { "SELECT id, lvl FROM public.gauges".into() }, "gauges"));
    if !v2 {
        gauges = gauges
            .index(Index::on(["lvl"]).named("gauges_lvl"))
            .index(Index::with_keys([IndexKey::expression("(lvl * 2)")]).named("gauges_double"))
            .index(Index::on(["id"]).named("gauges_high").where_("lvl > 10"));
        b = b
            .view(view("meter_notes", "SELECT id, note FROM public.meters WHERE amt > 10".into(), "meters"))
            .view(view("gauge_old", "SELECT id FROM public.gauges WHERE lvl > 10".into(), "gauges"));
    }
    build(b.add_table(meters).add_table(gauges))
}

/// ((amount column, its type, level column), (view, rows) of each view there, indexes of `gauges`).
type MetersState = ((String, String, String), Vec<(String, i64)>, Vec<String>);

/// The names of the amount and level columns, with the type of the amount,
/// the rows of each view there (by name), and the indexes of `gauges`.
fn meters_state(client: &mut Client) -> MetersState {
    let amt = column_called(client, "meters", &["amt", "amount"]);
    let ty = support::pg::one(client, &format!("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.meters'::regclass AND attname = '{amt}'"));
    let lvl = column_called(client, "gauges", &["lvl", "level"]);
    let mut views = Vec::new();
    for v in ["gauge_levels", "gauge_old", "meter_amounts", "meter_notes"] {
        let there: Option<String> = support::pg::one(client, &format!("SELECT to_regclass('public.{v}')::text"));
        if there.is_some() {
            views.push((v.to_owned(), count(client, &format!("SELECT count(*) FROM public.{v}"))));
        }
    }
    let indexes = client.query("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'public.gauges'::regclass AND indisvalid ORDER BY 1", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    ((amt, ty, lvl), views, indexes)
}

/// The down steps of a view and of indexes dropped after the deploy, and
/// of views rebuilt around a type change or for their own query, run before
/// the column renames are undone, and create the old definitions, which
/// name the columns by their old names: they failed (42703, `column "lvl"
/// does not exist` for the index on it, and alike for the views and the
/// other indexes). And a view the plan drops after the deploy blocked the
/// type change of a column it reads (0A000, "cannot alter type of a column
/// used by a view or rule"): the type change's step drops it. Each step up
/// (reporting the relations it locks) then down leaves each view there
/// reading its rows and each index valid, and the undo gives back the old
/// columns, views and indexes.
#[test]
fn old_views_and_indexes_naming_renamed_columns_are_created_again_under_their_old_names() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    let (before, after) = (meters(false), meters(true));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.meters (id, amt) SELECT i, i FROM generate_series(1, 20) i; INSERT INTO public.gauges SELECT i, i FROM generate_series(1, 15) i").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default().with_declared_renames(&after));
    let steps = phases(&plan);
    use Phase::{Contract, Expand};
    assert_eq!(
        steps,
        [
            (Expand, "rename column public.meters.amt to amount"),
            (Expand, "rename column public.gauges.lvl to level"),
            (Expand, "change type of public.meters.amount to bigint around view public.meter_amounts (dropping view public.meter_notes, which the plan drops)"),
            (Expand, "rebuild view public.gauge_levels"),
            (Contract, "drop view public.gauge_old"),
            (Contract, "drop index public.gauges_double"),
            (Contract, "drop index public.gauges_high"),
            (Contract, "drop index public.gauges_lvl"),
        ],
        "{}",
        plan.up_script()
    );
    // The index on the column is built again concurrently, by its new name;
    // those whose text names it, in the transaction renaming it back.
    let undone_in_a_transaction: Vec<bool> = plan.steps[5..].iter().map(|s| s.down_transactional).collect();
    assert_eq!(undone_in_a_transaction, [true, true, false]);

    let views = |names: &[&str]| -> Vec<(String, i64)> {
        let rows = |v: &str| match v {
            "gauge_levels" => 15,
            "gauge_old" => 5,
            "meter_amounts" => 19,
            _ => 10,
        };
        names.iter().map(|v| (v.to_string(), rows(v))).collect()
    };
    let all = ["gauge_levels", "gauge_old", "meter_amounts", "meter_notes"];
    let indexes = |names: &[&str]| -> Vec<String> { names.iter().map(|i| format!("gauges_{i}")).collect() };
    let every_index = indexes(&["double", "high", "lvl", "pkey"]);
    let state = |amt: &str, ty: &str, lvl: &str, v: &[&str], i: &[String]| ((amt.to_owned(), ty.to_owned(), lvl.to_owned()), views(v), i.to_vec());
    let old = state("amt", "integer", "lvl", &all, &every_index);
    assert_eq!(meters_state(&mut client), old);
    let renamed = |ty: &str, v: &[&str]| state("amount", ty, "level", v, &every_index);
    let up = [
        state("amount", "integer", "lvl", &all, &every_index),
        renamed("integer", &all),
        renamed("bigint", &["gauge_levels", "gauge_old", "meter_amounts"]),
        renamed("bigint", &["gauge_levels", "gauge_old", "meter_amounts"]),
        renamed("bigint", &["gauge_levels", "meter_amounts"]),
        state("amount", "bigint", "level", &["gauge_levels", "meter_amounts"], &indexes(&["high", "lvl", "pkey"])),
        state("amount", "bigint", "level", &["gauge_levels", "meter_amounts"], &indexes(&["lvl", "pkey"])),
        state("amount", "bigint", "level", &["gauge_levels", "meter_amounts"], &indexes(&["pkey"])),
    ];
    let down = [
        state("amount", "bigint", "level", &["gauge_levels", "meter_amounts"], &indexes(&["lvl", "pkey"])),
        state("amount", "bigint", "level", &["gauge_levels", "meter_amounts"], &indexes(&["high", "lvl", "pkey"])),
        renamed("bigint", &["gauge_levels", "meter_amounts"]),
        renamed("bigint", &["gauge_levels", "gauge_old", "meter_amounts"]),
        renamed("bigint", &["gauge_levels", "gauge_old", "meter_amounts"]),
        renamed("integer", &all),
        state("amount", "integer", "lvl", &all, &every_index),
        old,
    ];
    up_and_down(&mut client, &mut shadow, &mut watcher, &plan, (&before, &after), &up, &down, &mut meters_state);
}

// ---- comments and privileges come back in down steps ----

/// Runs every step of `plan` up, then every step down, last first, each as
/// the runner would; gives what `probe` sees before, after the up steps and
/// after the down steps.
fn up_then_down<T>(client: &mut Client, plan: &migrate::Plan, probe: &mut dyn FnMut(&mut Client) -> T) -> [T; 3] {
    let before = probe(client);
    for step in &plan.steps {
        run_script(client, &step.script(), step.transactional, &step.description);
    }
    let after = probe(client);
    for step in plan.steps.iter().rev() {
        let script = step.down_script().unwrap_or_else(|| panic!("`{}` cannot be undone", step.description));
        run_script(client, &script, step.down_transactional, &format!("down {}", step.description));
    }
    [before, after, probe(client)]
}

fn ticket_board(indexed: bool) -> Schema {
    let t = Table::new("tickets").column(Column::new("id", SqlType::BigInt)).column(Column::new("owner", SqlType::BigInt)).primary_key(["id"]);
    build(Schema::builder().add_table(if indexed { t.index(Index::on(["owner"]).named("tickets_owner").comment("Tickets by owner")) } else { t }))
}

#[test]
fn a_dropped_index_comes_back_with_its_comment() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (before, after) = (ticket_board(true), ticket_board(false));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.tickets SELECT i, i % 7 FROM generate_series(1, 50) i").unwrap();
    for concurrently in [true, false] {
        let options = PlanOptions { allow_destructive: true, concurrently, ..PlanOptions::default() };
        let plan = plan_to(&mut client, &mut shadow, &after, &options);
        let described: Vec<(&str, bool)> = plan.steps.iter().map(|s| (s.description.as_str(), s.down_transactional)).collect();
        assert_eq!(described, [("drop index public.tickets_owner", !concurrently)], "{}", plan.up_script());
        let mut probe = |c: &mut Client| -> (bool, Option<String>) {
            let row = c.query_one("SELECT to_regclass('public.tickets_owner') IS NOT NULL, obj_description(to_regclass('public.tickets_owner'), 'pg_class')", &[]).unwrap();
            (row.get(0), row.get(1))
        };
        let commented = (true, Some("Tickets by owner".to_owned()));
        assert_eq!(up_then_down(&mut client, &plan, &mut probe), [commented.clone(), (false, None), commented], "concurrently: {concurrently}");
        assert_clean(&before, &mut client, &mut shadow);
    }
}

/// `members` (or `people`, renamed from it) with `email` (or `mail`, renamed
/// from it) that `reader` may select (unless not `select`), and rows it may insert.
fn members_of(reader: &str, renamed: bool, select: bool) -> Schema {
    let (table, column) = if renamed { ("people", "mail") } else { ("members", "email") };
    let mut email = Column::new(column, SqlType::Text);
    let mut t = Table::new(table).column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
    if renamed {
        email = email.renamed_from("email");
        t = t.renamed_from(QualifiedName::public("members"));
    }
    let t = t.column(email);
    let name = t.name.clone();
    let mut b = Schema::builder().role(Role::group(reader)).add_table(t).grant(Grant::new([Privilege::Insert], GrantTarget::Table { table: name.clone(), columns: vec![] }, [reader]));
    if select {
        b = b.grant(Grant::new([Privilege::Select], GrantTarget::Table { table: name, columns: vec![column.into()] }, [reader]));
    }
    build(b)
}

#[test]
fn privileges_on_a_renamed_table_and_column_are_kept_after_undoing() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let reader = own_role(&db, "members_reader");
    let before = members_of(&reader, false, true);
    live::apply(&mut client, &before).unwrap();
    let oid: u32 = client.query_one("SELECT 'public.members'::regclass::oid", &[]).unwrap().get(0);
    // (table name, its columns with whether `reader` may select them, whether it may insert).
    let mut probe = |c: &mut Client| -> (String, Vec<(String, bool)>, bool) {
        let sql = "SELECT a.attname::text, has_column_privilege($1, a.attrelid, a.attname::text, 'SELECT') FROM pg_attribute a WHERE a.attrelid = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        let columns = c.query(sql, &[&reader, &postgres::types::Oid::from(oid)]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
        let row = c.query_one("SELECT relname::text, has_table_privilege($1, oid, 'INSERT') FROM pg_class WHERE oid = $2", &[&reader, &oid]).unwrap();
        (row.get(0), columns, row.get(1))
    };
    let state = |table: &str, column: &str, select: bool| (table.to_owned(), vec![("id".to_owned(), false), (column.to_owned(), select)], true);
    // Kept: nothing granted again, nothing revoked.
    let after = members_of(&reader, true, true);
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default().with_declared_renames(&after));
    assert_eq!(up_then_down(&mut client, &plan, &mut probe), [state("members", "email", true), state("people", "mail", true), state("members", "email", true)], "{}", plan.up_script());
    assert_clean(&before, &mut client, &mut shadow);
    assert!(plan.steps.iter().all(|s| s.hazards.iter().all(|h| *h != Hazard::AuthorizationChange)), "{}", plan.up_script());
    // Revoked in the same plan: by the new names, granted again by them when undone.
    let after = members_of(&reader, true, false);
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default().with_declared_renames(&after));
    assert_eq!(up_then_down(&mut client, &plan, &mut probe), [state("members", "email", true), state("people", "mail", false), state("members", "email", true)], "{}", plan.up_script());
    assert_clean(&before, &mut client, &mut shadow);
}

// ---- new views that a rebuilt view's new form reads ----

/// `t (id, x <x>)` with three rows and `views` (name, query, what it reads).
fn t_and_views(x: SqlType, views: &[(&str, &str, &[&str])]) -> Schema {
    let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", x)).primary_key(["id"]);
    let mut b = Schema::builder().add_table(t);
    for (name, query, reads) in views {
        b = b.view(reads.iter().fold(View::new(QualifiedName::public(*name), *query), |v, r| v.depends_on(QualifiedName::public(*r))));
    }
    build(b)
}

/// The rows of the views `a`, `b` and `c` (or that one is missing) and the type of `t.x`.
fn t_views_state(client: &mut Client) -> String {
    let mut out = Vec::new();
    for v in ["a", "b", "c"] {
        let exists: bool = support::pg::one(client, &format!("SELECT to_regclass('public.{v}') IS NOT NULL"));
        out.push(if exists {
            let rows: String = support::pg::one(client, &format!("SELECT coalesce(string_agg(v::text, ' ' ORDER BY v::text), '') FROM public.{v} v"));
            format!("{v}: {rows}")
        } else {
            format!("{v}: missing")
        });
    }
    out.push(support::pg::one(client, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attname = 'x'"));
    out.join("; ")
}

/// Migrates a database made from `before` to `after` step by step, then
/// back, checking the views after each step against `up` and `down`.
fn migrate_t_views(before: &Schema, after: &Schema, options: &PlanOptions, up: &[&str], down: &[&str]) -> migrate::Plan {
    let Some(db) = support::pg::test_db() else { panic!("no database") };
    let Some(shadow_db) = support::pg::test_db() else { panic!("no second database") };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    live::apply(&mut client, before).unwrap();
    client.batch_execute("INSERT INTO public.t VALUES (1, -5), (2, 3), (3, 7)").unwrap();
    let start = t_views_state(&mut client);
    let plan = plan_to(&mut client, &mut shadow, after, options);
    eprintln!("{}", plan.up_script());
    let (up, down): (Vec<String>, Vec<String>) = (up.iter().map(|s| s.to_string()).collect(), down.iter().map(|s| s.to_string()).collect());
    step_through(&mut client, &plan, start, &up, &down, &mut t_views_state);
    assert_clean(before, &mut client, &mut shadow);
    plan
}

#[test]
fn a_rebuilt_view_reading_a_new_view_over_a_retyped_column_is_created_after_it() {
    let _db = test_db_or_skip!();
    let v1 = t_and_views(SqlType::Integer, &[("a", "SELECT id, x FROM public.t", &["t"])]);
    let v2 = t_and_views(SqlType::BigInt, &[("b", "SELECT id, x FROM public.t WHERE x > 0", &["t"]), ("a", "SELECT id, x FROM public.b", &["b"])]);
    let old = "a: (1,-5) (2,3) (3,7); b: missing; c: missing; integer";
    let new = "a: (2,3) (3,7); b: (2,3) (3,7); c: missing; bigint";
    // Without the fix: CREATE VIEW public.a fails, relation "public.b" does not exist (42P01).
    let plan = migrate_t_views(&v1, &v2, &PlanOptions::default(), &[new], &[old]);
    assert_eq!(phases(&plan), [(Phase::Expand, "change type of public.t.x to bigint around view public.a (creating view public.b)")]);
    // Back: b reads the retyped column, so the step drops it too.
    let destructive = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
    let plan = migrate_t_views(&v2, &v1, &destructive, &[old], &[new]);
    assert_eq!(phases(&plan), [(Phase::Expand, "change type of public.t.x to integer around view public.a (dropping view public.b, which the plan drops)")]);
}

#[test]
fn views_rebuilt_for_their_query_create_the_new_views_they_read_first() {
    let _db = test_db_or_skip!();
    let v1 = t_and_views(SqlType::Integer, &[("b", "SELECT id, x FROM public.t", &["t"]), ("a", "SELECT id FROM public.b", &["b"])]);
    // The diff gives b's rebuild, c's creation, then a's rebuild: a, rebuilt with b, reads c.
    let v2 = t_and_views(
        SqlType::Integer,
        &[
            ("b", "SELECT id, x * 2 AS x FROM public.t", &["t"]),
            ("c", "SELECT id FROM public.t WHERE x > 0", &["t"]),
            ("a", "SELECT c.id FROM public.c JOIN public.b USING (id) WHERE b.x > 6", &["b", "c"]),
        ],
    );
    let old = "a: (1) (2) (3); b: (1,-5) (2,3) (3,7); c: missing; integer";
    let new = "a: (3); b: (1,-10) (2,6) (3,14); c: (2) (3); integer";
    // Without the fix: CREATE VIEW public.a fails, relation "public.c" does not exist (42P01).
    let plan = migrate_t_views(&v1, &v2, &PlanOptions::default(), &[new], &[old]);
    assert_eq!(phases(&plan), [(Phase::Expand, "rebuild views public.b, public.a (creating view public.c)")]);
    // Back: a's old form reads b alone; c is dropped after the rebuild.
    let kept = old.replace("c: missing", "c: (2) (3)");
    let plan = migrate_t_views(&v2, &v1, &PlanOptions::default(), &[&kept, old], &[&kept, new]);
    assert_eq!(phases(&plan), [(Phase::Expand, "rebuild views public.b, public.a"), (Phase::Contract, "drop view public.c")]);
}

// ---- domain validation (session 2026-12-02) ----

/// Domains `points` (integer, at least 0) and `bonus` over it; `players.score`
/// holds `points`, `teams.total` (renamed to `squads` with `renamed`) too,
/// `rounds` (partitioned by list) holds `bonus`, `archive` (dropped with
/// `dropped`) holds `points`; with `arrays`, `history.scores` holds arrays of
/// `points`. With `strict`, `points` is also at most 100 and NOT NULL.
fn points_schema(strict: bool, renamed: bool, dropped: bool, arrays: bool) -> Schema {
    let points = QualifiedName::public("points");
    let mut domain = Domain::new("points", SqlType::Integer).check(CheckConstraint::new("VALUE >= 0").named("points_min"));
    if strict {
        domain = domain.check(CheckConstraint::new("VALUE <= 100").named("points_max")).not_null();
    }
    let keyed = |name: &str, column: &str, ty: SqlType| Table::new(name).column(Column::new("id", SqlType::BigInt)).column(Column::new(column, ty).nullable()).primary_key(["id"]);
    let mut teams = keyed(if renamed { "squads" } else { "teams" }, "total", SqlType::Named(points.clone()));
    if renamed {
        teams = teams.renamed_from(QualifiedName::public("teams"));
    }
    let rounds = Table::new("rounds")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("region", SqlType::Text))
        .column(Column::new("extra", SqlType::Named(QualifiedName::public("bonus"))).nullable())
        .primary_key(["id", "region"])
        .partition_by(Partitioning::list("region").values("rounds_eu", ["'eu'"]).values("rounds_us", ["'us'"]));
    let mut b = Schema::builder()
        .domain(domain)
        .domain(Domain::new("bonus", SqlType::Named(points.clone())))
        .add_table(keyed("players", "score", SqlType::Named(points.clone())))
        .add_table(teams)
        .add_table(rounds);
    if !dropped {
        b = b.add_table(keyed("archive", "old_score", SqlType::Named(points.clone())));
    }
    if arrays {
        b = b.add_table(keyed("history", "scores", SqlType::Named(points).array()));
    }
    build(b)
}

/// Validating a domain's new check or NOT NULL scans every table with a column
/// of it, or of a domain over it, under a SHARE lock (a partitioned table's
/// partitions; a table renamed or dropped by the same plan too): the steps
/// report those locks as `pg_locks` shows them, the checks hold afterwards and
/// are gone after undoing. With a column holding arrays of the domain,
/// PostgreSQL refuses the validation (0A000) and the plan is refused.
#[test]
fn validating_a_domain_reports_the_tables_it_scans_and_is_refused_over_arrays_of_it() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    live::apply(&mut client, &points_schema(false, false, false, false)).unwrap();
    client
        .batch_execute(
            "INSERT INTO players VALUES (1, 10), (2, NULL); INSERT INTO teams VALUES (1, 20); \
             INSERT INTO rounds VALUES (1, 'eu', 5), (2, 'us', 100); INSERT INTO archive VALUES (1, 0)",
        )
        .unwrap();
    let target = points_schema(true, true, true, false);
    let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&target);
    // Players' NULL score would stop NOT NULL: fill it first.
    client.batch_execute("UPDATE players SET score = 0 WHERE score IS NULL").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &target, &options);
    let share = migrate::LockLevel::Share;
    let public = QualifiedName::public;
    let scanned = [public("players"), public("rounds_eu"), public("rounds_us"), public("squads"), public("archive")];
    let mut want: Vec<(QualifiedName, migrate::LockLevel)> = scanned.iter().map(|t| (t.clone(), share)).collect();
    want.sort();
    for description in ["validate the new checks of domain public.points", "SET NOT NULL on domain public.points"] {
        let step = plan.steps.iter().find(|s| s.description == description).unwrap_or_else(|| panic!("no step `{description}`: {:#?}", plan.steps));
        let mut locks = step.locks.clone();
        locks.sort();
        assert_eq!(locks, want, "{description}");
    }
    let strict = |client: &mut Client| -> (Option<String>, Option<String>) {
        // Each insert in a transaction rolled back, so nothing is kept.
        let mut refused = |sql: &str| {
            client.batch_execute("BEGIN").unwrap();
            let e = client.batch_execute(sql).err().map(|e| e.code().map_or("?".into(), |c| c.code().to_owned()));
            client.batch_execute("ROLLBACK").unwrap();
            e
        };
        let over = refused("INSERT INTO players VALUES (10, 101)");
        let null = refused("INSERT INTO rounds VALUES (10, 'eu', NULL)");
        (over, null)
    };
    for step in &plan.steps {
        apply_step(&mut client, Some(&mut watcher), step);
    }
    assert_eq!(strict(&mut client), (Some("23514".into()), Some("23502".into())), "a value over 100 and a NULL are refused, through bonus too");
    assert_clean(&target, &mut client, &mut shadow);
    // The domain's steps undone (the table dropped cannot be).
    for step in plan.steps.iter().rev().filter(|s| s.description.ends_with("domain public.points")) {
        run_script(&mut client, &step.down_script().unwrap(), step.down_transactional, &step.description);
    }
    assert_eq!(strict(&mut client), (None, None), "undone");

    // An array of the domain: refused at planning time, as PostgreSQL refuses the SQL.
    client.batch_execute("CREATE TABLE history (id bigint PRIMARY KEY, scores points[])").unwrap();
    let target = points_schema(true, true, true, true);
    let live = live::introspect(&mut client, &IntrospectOptions::for_schema(&target)).unwrap();
    let diff = migrate::diff(&live::canonicalize(&mut shadow, &live).unwrap(), &live::canonicalize(&mut shadow, &target).unwrap());
    let refused = migrate::plan(&diff, &PlanOptions::default()).unwrap_err();
    assert!(
        matches!(&refused.0[..], [PlanError::Unsupported { why, .. }] if why.contains("public.history.scores")),
        "{refused}"
    );
    let e = client.batch_execute("ALTER DOMAIN points ADD CONSTRAINT points_max CHECK (VALUE <= 100)").unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("0A000"), "{e}");
}

// ---- derive: nullability of `sql_type` columns from the field's type ----

/// A field type the crate does not map, stored as `bigint` through `sql_type`.
#[allow(dead_code)]
struct Cents(i64);
type MaybeNote = Option<String>;
type MaybeCents = Option<Cents>;
type MaybeAuthor = Option<i64>;

#[derive(pgarchitect::Table)]
#[table(name = "note_authors")]
#[allow(dead_code)]
struct NoteAuthor {
    #[column(primary_key)]
    id: i64,
}

#[derive(pgarchitect::Table)]
#[table(name = "notes")]
#[allow(dead_code)]
struct Note {
    #[column(primary_key)]
    id: i64,
    #[column(sql_type = "varchar(20)")]
    body: MaybeNote,
    #[column(sql_type = "bigint")]
    amount: Cents,
    #[column(sql_type = "bigint")]
    refund: MaybeCents,
    #[column(sql_type = "text[]")]
    tags: Vec<String>,
    #[column(references = NoteAuthor, on_delete = "set_null")]
    author_id: MaybeAuthor,
    #[column(sql_type = "bigint", references = NoteAuthor, on_delete = "set_null")]
    reviewer_id: MaybeAuthor,
}

/// An `sql_type` column whose field is an alias of `Option<_>` accepts NULL on
/// PostgreSQL, one whose field is a user type or a `Vec` refuses it (23502);
/// `on_delete = "set_null"` works through such an alias; the database matches
/// the declaration.
#[test]
fn sql_type_columns_are_nullable_as_their_field_types_say() {
    let schema = build(Schema::builder().table::<NoteAuthor>().table::<Note>());
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow.client());
    live::apply(&mut client, &schema).unwrap();
    let not_null: Vec<(String, bool)> = client
        .query("SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'public.notes'::regclass AND attnum > 0 ORDER BY attnum", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected = [("id", true), ("body", false), ("amount", true), ("refund", false), ("tags", true), ("author_id", false), ("reviewer_id", false)];
    assert_eq!(not_null, expected.map(|(c, n)| (c.to_owned(), n)));
    // Without the fix: null value in column "body" of relation "notes" violates not-null constraint (23502).
    client
        .batch_execute("INSERT INTO notes (id, body, amount, refund, tags) VALUES (1, NULL, 5, NULL, '{}')")
        .unwrap_or_else(|e| panic!("{}", support::pg::describe_error(&e)));
    for column in ["amount", "tags"] {
        let values = if column == "amount" { "(2, 'x', NULL, 1, '{}')" } else { "(2, 'x', 5, 1, NULL)" };
        let e = support::pg::expect_sqlstate(client.batch_execute(&format!("INSERT INTO notes (id, body, amount, refund, tags) VALUES {values}")), "23502", column);
        assert_eq!(e.column(), Some(column));
    }
    // `set_null` through an alias of `Option`: deleting the author empties both keys
    // (without the fix the derive refused both: "`set_null` needs a nullable column").
    client.batch_execute("INSERT INTO note_authors VALUES (7); INSERT INTO notes VALUES (3, 'y', 5, NULL, '{}', 7, 7); DELETE FROM note_authors").unwrap_or_else(|e| panic!("{}", support::pg::describe_error(&e)));
    assert_eq!(count(&mut client, "SELECT count(*) FROM notes WHERE id = 3 AND author_id IS NULL AND reviewer_id IS NULL"), 1);
    assert_clean(&schema, &mut client, &mut shadow);
}

// ---- view rebuilds (session 2026-12-02) ----

/// The columns of each view of `public` (`view.column type`, in order) and
/// each view's rows.
fn view_columns_and_rows(client: &mut Client) -> Vec<String> {
    let mut out: Vec<String> = client
        .query(
            "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let views: Vec<String> = client.query("SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm') ORDER BY 1", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    for v in views {
        out.push(support::pg::one(client, &format!("SELECT '{v}: ' || coalesce(string_agg(v::text, ' ' ORDER BY v::text), '') FROM public.{v} v")));
    }
    out
}

/// `t (id, <a> text, x <x>)` with the views `views` of `everything`
/// (`SELECT *`) and `named` (naming the columns); in v2 `a` is renamed to
/// `b` (declared) and `x` becomes bigint, which rebuilds the views.
fn renamed_under_views(v2: bool, views: &[&str]) -> Schema {
    let mut a = Column::new(if v2 { "b" } else { "a" }, SqlType::Text);
    if v2 {
        a = a.renamed_from("a");
    }
    let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(a).column(Column::new("x", if v2 { SqlType::BigInt } else { SqlType::Integer })).primary_key(["id"]);
    let mut b = Schema::builder().add_table(t);
    for name in views {
        let query = match (*name, v2) {
            ("everything", _) => "SELECT * FROM public.t",
            (_, false) => "SELECT id, a, x FROM public.t",
            (_, true) => "SELECT id, b, x FROM public.t",
        };
        b = b.view(View::new(QualifiedName::public(*name), query).depends_on(QualifiedName::public("t")));
    }
    build(b)
}

/// A view over a column the plan renames, rebuilt around a type change:
/// undone, it has its old columns again (`a`, not `b`), whether the plan is
/// made from the canonical forms (`plan_to`, where PostgreSQL spells `*`
/// out) or from the declared schemas themselves (`SELECT *` as written,
/// whose text names no column). Without the fix, the declared `SELECT *`
/// was created again after the rename and before it was undone, and kept
/// the column `b` (`everything.b text` where `everything.a text` was).
#[test]
fn a_view_over_a_renamed_column_rebuilt_around_a_type_change_gets_its_old_columns_back() {
    for (views, canonical) in [(&["everything"][..], true), (&["everything"], false), (&["named"], true), (&["named"], false), (&["everything", "named"], false)] {
        let Some(db) = support::pg::test_db() else { return };
        let Some(shadow_db) = support::pg::test_db() else { return };
        let (mut client, mut shadow) = (db.client(), shadow_db.client());
        let (before, after) = (renamed_under_views(false, views), renamed_under_views(true, views));
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.t VALUES (1, 'one', 10), (2, 'two', 20)").unwrap();
        let options = PlanOptions::default().with_declared_renames(&after);
        let plan = plan_either(&mut client, &mut shadow, (&before, &after), &options, canonical);
        eprintln!("{views:?}, canonical: {canonical}\n{}\n{}", plan.up_script(), plan.down_script().unwrap());
        let columns = |a: &str, x: &str| {
            let mut v: Vec<String> = views.iter().flat_map(|n| [format!("{n}.id bigint"), format!("{n}.{a} text"), format!("{n}.x {x}")]).collect();
            v.extend(views.iter().map(|n| format!("{n}: (1,one,10) (2,two,20)")));
            v
        };
        let (old, new) = (columns("a", "integer"), columns("b", "bigint"));
        assert_eq!(plan.steps.len(), 2, "{}", plan.up_script());
        assert_eq!(plan.steps[0].description, "rename column public.t.a to b");
        // Renamed, the column keeps its name in the views; the rebuild gives them the new one.
        step_through(&mut client, &plan, old.clone(), &[old.clone(), new.clone()], &[old.clone(), old.clone()], &mut view_columns_and_rows);
        assert_clean(&before, &mut client, &mut shadow);
    }
}

/// `<table> (id, <label> text)` (renamed from `public.items` when it is not
/// that table, `<label>` from `label` when it is not `label`, both declared)
/// and the view `public.labels` reading it with `query`.
fn renamed_table_with_view(table: &QualifiedName, label: &str, query: &str) -> Schema {
    let mut column = Column::new(label, SqlType::Text);
    if label != "label" {
        column = column.renamed_from("label");
    }
    let mut t = Table::in_schema(&table.schema, &table.name).column(Column::new("id", SqlType::BigInt)).column(column).primary_key(["id"]);
    if *table != QualifiedName::public("items") {
        t = t.renamed_from(QualifiedName::public("items"));
    }
    build(Schema::builder().add_table(t).view(View::new(QualifiedName::public("labels"), query).depends_on(table.clone()).comment("Labels")))
}

/// A view rebuilt for its query in a plan renaming (or moving) the table its
/// old query names: the down step, which runs before the table is renamed
/// back, creates the old query. Both for a query that changes and for one
/// that only names the table by its new name (the canonical forms differ,
/// so the view is rebuilt all the same), and for a table moved to another
/// schema and renamed whose column is renamed too. Without the fix the down
/// step failed: `ERROR 42P01: relation "public.items" does not exist`.
/// Each step (reporting the relations it locks) then its down step leaves
/// the view reading its rows, with the columns it had.
#[test]
fn a_view_rebuilt_in_a_plan_renaming_its_table_is_undone_before_the_rename() {
    let goods = QualifiedName::public("goods");
    let moved = QualifiedName::new("shop", "goods");
    let old_rows = ["labels.id bigint", "labels.label text", "labels: (1,one) (2,two)"];
    for (table, label, query, new_rows) in [
        (&goods, "label", "SELECT id, upper(label) AS label, 1 AS one FROM public.goods", &["labels.id bigint", "labels.label text", "labels.one integer", "labels: (1,ONE,1) (2,TWO,1)"][..]),
        (&goods, "label", "SELECT id, label FROM public.goods", &old_rows),
        (&moved, "title", "SELECT id, title AS label, 1 AS one FROM shop.goods", &["labels.id bigint", "labels.label text", "labels.one integer", "labels: (1,one,1) (2,two,1)"]),
    ] {
        let Some(db) = support::pg::test_db() else { return };
        let Some(shadow_db) = support::pg::test_db() else { return };
        let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
        let (before, after) = (renamed_table_with_view(&QualifiedName::public("items"), "label", "SELECT id, label FROM public.items"), renamed_table_with_view(table, label, query));
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.items VALUES (1, 'one'), (2, 'two')").unwrap();
        let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default().with_declared_renames(&after));
        eprintln!("{}\n{}", plan.up_script(), plan.down_script().unwrap());
        let old: Vec<String> = old_rows.iter().map(|s| s.to_string()).collect();
        assert_eq!(view_columns_and_rows(&mut client), old);
        let new: Vec<String> = new_rows.iter().map(|s| s.to_string()).collect();
        let described: Vec<&str> = plan.steps.iter().map(|s| s.description.as_str()).collect();
        assert!(described.contains(&format!("rename table public.items to {table}").as_str()), "{}", plan.up_script());
        assert_eq!(described.last(), Some(&"rebuild view public.labels"), "{}", plan.up_script());
        let n = plan.steps.len();
        let up: Vec<Vec<String>> = (1..=n).map(|i| if i == n { new.clone() } else { old.clone() }).collect();
        let down: Vec<Vec<String>> = (1..=n).map(|_| old.clone()).collect();
        up_and_down(&mut client, &mut shadow, &mut watcher, &plan, (&before, &after), &up, &down, &mut view_columns_and_rows);
    }
}

/// `t (id, x <x>)` with three rows and the view `v` reading it, then, by
/// SQL (pgarchitect's DDL creates functions before views, so it cannot
/// create them: 42704, type "public.v" does not exist), `functions`.
fn t_v_and_functions(db: &support::pg::TestDb, x: SqlType, functions: &str) -> Client {
    let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", x)).primary_key(["id"]);
    let schema = build(Schema::builder().add_table(t).view(View::new(QualifiedName::public("v"), "SELECT id, x FROM public.t").depends_on(QualifiedName::public("t"))));
    let mut client = db.client();
    live::apply(&mut client, &schema).unwrap();
    client.batch_execute("INSERT INTO public.t VALUES (1, -5), (2, 3), (3, 7)").unwrap();
    client.batch_execute(functions).unwrap();
    client
}

/// The functions of `public` with their signatures, comments and
/// privileges, what each returns when called, and [`view_columns_and_rows`].
fn functions_over_v(client: &mut Client) -> Vec<String> {
    let mut out: Vec<String> = client
        .query(
            "SELECT p.oid::regprocedure::text || ' -> ' || pg_get_function_result(p.oid) || ' ' || coalesce(obj_description(p.oid, 'pg_proc'), '-') || ' ' || coalesce(array_to_string(p.proacl, ','), 'default')
             FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let calls = [("positive", "SELECT string_agg(p::text, ' ' ORDER BY p.id) FROM public.positive() p"), ("doubled", "SELECT string_agg(public.doubled(v)::text, ' ' ORDER BY v.id) FROM public.v")];
    for (name, call) in calls {
        let there: bool = support::pg::one(client, &format!("SELECT to_regproc('public.{name}') IS NOT NULL"));
        if there {
            out.push(format!("{name}: {}", support::pg::one::<String>(client, call)));
        }
    }
    out.extend(view_columns_and_rows(client));
    out
}

/// A function whose signature uses a view's row type (`RETURNS SETOF v`,
/// an argument of type `v`): PostgreSQL refuses to drop the view under it
/// (2BP01), which the step rebuilding the view around the type change of
/// `t.x` did: `ERROR 2BP01: cannot drop view v because other objects depend
/// on it`. The step drops and creates again the functions, with their
/// comments and privileges (`positive` is not for PUBLIC, a role may
/// grant it), and undone gives them back as they were.
#[test]
fn functions_using_a_rebuilt_views_row_type_are_created_again_around_it() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(target_db) = support::pg::test_db() else { return };
    let role = own_role(&db, "migrate_fn");
    db.batch(&format!("CREATE ROLE {role}"));
    let functions = format!(
        "CREATE FUNCTION public.positive() RETURNS SETOF public.v LANGUAGE sql STABLE AS 'SELECT * FROM public.v WHERE x > 0';
        COMMENT ON FUNCTION public.positive() IS 'Rows of v with a positive x';
        REVOKE EXECUTE ON FUNCTION public.positive() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION public.positive() TO {role} WITH GRANT OPTION;
        CREATE FUNCTION public.doubled(r public.v) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT r.x * 2';"
    );
    let mut client = t_v_and_functions(&db, SqlType::Integer, &functions);
    let mut target = t_v_and_functions(&target_db, SqlType::BigInt, &functions);
    let e = support::pg::expect_sqlstate(client.batch_execute("BEGIN; DROP VIEW public.v"), "2BP01", "drop view");
    client.batch_execute("ROLLBACK").unwrap();
    assert_eq!(e.detail(), Some("function positive() depends on type v\nfunction doubled(v) depends on type v"));
    let old = functions_over_v(&mut client);
    let new = functions_over_v(&mut target);
    assert_ne!(old, new);
    let introspected = |c: &mut Client| live::introspect(c, &IntrospectOptions::default()).unwrap_or_else(|e| panic!("introspect: {e}"));
    let (from, to) = (introspected(&mut client), introspected(&mut target));
    let plan = migrate::plan(&migrate::diff(&from, &to), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{}\n{}", plan.up_script(), plan.down_script().unwrap());
    assert_eq!(phases(&plan).len(), 1, "{}", plan.up_script());
    assert!(old.iter().any(|f| f.starts_with("positive() -> SETOF v Rows of v with a positive x postgres=X/postgres,migrate_fn_")), "{old:?}");
    step_through(&mut client, &plan, old.clone(), std::slice::from_ref(&new), &[old], &mut functions_over_v);
    assert!(migrate::diff(&introspected(&mut client), &from).is_empty());
}

/// `t (id, x <x>)` with three rows' worth of schema, the view `v` reading it
/// with `query`, and `functions`.
fn t_v_query(x: SqlType, query: &str, functions: Vec<Function>) -> Schema {
    let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", x)).primary_key(["id"]);
    let b = Schema::builder().add_table(t).view(View::new(QualifiedName::public("v"), query).depends_on(QualifiedName::public("t")));
    build(functions.into_iter().fold(b, |b, f| b.function(f)))
}

/// A view rebuilt around a type change whose new query calls a function
/// new in the plan that reads tables (created late, after the column
/// steps; with `through`, through another such function, `a_sum`, which
/// the view does not call) is created after them in the step: the rebuild
/// created the new query before the function was there, `ERROR 42883:
/// function public.total() does not exist`. Each step up (reporting the
/// relations it locks) and down leaves the view reading its rows, with the
/// function there or not.
#[test]
fn a_view_rebuilt_around_a_type_change_calling_a_new_function_is_created_after_it() {
    for through in [false, true] {
        let Some(db) = support::pg::test_db() else { return };
        let Some(shadow_db) = support::pg::test_db() else { return };
        let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
        let reading = |name: &str, body: &str| {
            let mut f = Function::new(QualifiedName::public(name), "bigint", "sql", body);
            f.depends_on = vec![QualifiedName::public("t")];
            f
        };
        let mut functions = vec![reading("total", if through { "SELECT public.a_sum() FROM public.t LIMIT 1" } else { "SELECT sum(x)::bigint FROM public.t" })];
        if through {
            // Reading t, both are late; the schema's DDL creates a SQL
            // function after those its body calls, whatever the declaration order.
            functions.insert(0, reading("a_sum", "SELECT sum(x)::bigint FROM public.t"));
        }
        let before = t_v_query(SqlType::Integer, "SELECT id, x FROM public.t", vec![]);
        let after = t_v_query(SqlType::BigInt, "SELECT id, x, public.total() AS total FROM public.t", functions);
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.t VALUES (1, -5), (2, 3), (3, 7)").unwrap();
        let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
        let probe = &mut |c: &mut Client| {
            let mut out = view_columns_and_rows(c);
            out.push(support::pg::one(c, "SELECT coalesce(string_agg(oid::regprocedure::text, ' ' ORDER BY 1), '-') FROM pg_proc WHERE pronamespace = 'public'::regnamespace"));
            out
        };
        let old = probe(&mut client);
        assert_eq!(old, ["v.id bigint", "v.x integer", "v: (1,-5) (2,3) (3,7)", "-"]);
        let functions = if through { "a_sum() total()" } else { "total()" };
        let new: Vec<String> = ["v.id bigint", "v.x bigint", "v.total bigint", "v: (1,-5,5) (2,3,5) (3,7,5)", functions].map(String::from).to_vec();
        let created = if through { "functions public.a_sum(), public.total()" } else { "function public.total()" };
        let (up, down) = (vec![new; plan.steps.len()], vec![old; plan.steps.len()]);
        up_and_down(&mut client, &mut shadow, &mut watcher, &plan, (&before, &after), &up, &down, probe);
        assert_eq!(phases(&plan), [(Phase::Expand, format!("change type of public.t.x to bigint around view public.v (creating {created})").as_str())]);
    }
}

// ---- predicted names (session 2026-12-02) ----

/// `posts`-like: an identity key and a title, in `schema` under `name`.
fn titled(schema: &str, name: &str) -> Table {
    Table::in_schema(schema, name).column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).column(Column::new("title", SqlType::Text)).primary_key(["id"])
}

/// The sequence of `table`'s `id`, as PostgreSQL finds it.
fn id_sequence(client: &mut Client, table: &str) -> String {
    support::pg::one(client, &format!("SELECT pg_get_serial_sequence('{table}', 'id')"))
}

/// PostgreSQL keeps an identity sequence's name across a table rename
/// (`public.posts_id_seq` of `articles`) and moves it with the table to
/// another schema: where a sequence of that name is there already, the move
/// fails (42P07). The plan used to predict `articles_id_seq` and let it
/// fail; introspection reads the sequence's name, so the plan is refused,
/// naming both. Renamed by hand as it says, the move runs, up and down,
/// rows and sequences kept.
#[test]
fn a_table_moved_with_a_sequence_named_before_its_rename_is_refused_where_that_name_is_taken() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    live::apply(&mut client, &build(Schema::builder().add_table(titled("public", "posts")))).unwrap();
    client.batch_execute("INSERT INTO public.posts (title) SELECT 'post ' || i FROM generate_series(1, 20) i").unwrap();
    let renamed = build(Schema::builder().add_table(titled("public", "articles").renamed_from(QualifiedName::public("posts"))).add_table(titled("archive", "posts")));
    let first = plan_to(&mut client, &mut shadow, &renamed, &PlanOptions::default().with_declared_renames(&renamed));
    for step in &first.steps {
        apply_step(&mut client, None, step);
    }
    assert_eq!((id_sequence(&mut client, "public.articles"), id_sequence(&mut client, "archive.posts")), ("public.posts_id_seq".to_owned(), "archive.posts_id_seq".to_owned()));

    let moved = build(Schema::builder().add_table(titled("archive", "articles").renamed_from(QualifiedName::public("articles"))).add_table(titled("archive", "posts")));
    // What the plan would run first.
    assert_eq!(sqlstate_in_rollback(&mut client, "ALTER TABLE public.articles SET SCHEMA archive").as_deref(), Some("42P07"));
    let options = PlanOptions::default().with_declared_renames(&moved);
    let errors = try_plan_to(&mut client, &mut shadow, &moved, &options).expect_err("the sequence's name is taken in archive").0;
    assert_eq!(
        errors,
        [PlanError::NameTaken {
            change: "rename table public.articles to archive.articles".into(),
            name: QualifiedName::new("archive", "posts_id_seq"),
            holder: "sequence archive.posts_id_seq of column archive.posts.id".into(),
            remedy: "rename or drop sequence archive.posts_id_seq of column archive.posts.id in an earlier migration (sequence public.posts_id_seq of column public.articles.id moves there under the name it has)".into(),
        }]
    );

    // As it says: the sequence in archive renamed by hand.
    client.batch_execute("ALTER SEQUENCE archive.posts_id_seq RENAME TO archived_posts_id_seq").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &moved, &options);
    assert_eq!(phases(&plan), [(Phase::Expand, "rename table public.articles to archive.articles")], "{}", plan.up_script());
    // (schema of articles, its sequence, its rows, the id a new row gets)
    let mut next = 20;
    let mut probe = |c: &mut Client| {
        let schema: String = support::pg::one(c, "SELECT relnamespace::regnamespace::text FROM pg_class WHERE relname = 'articles'");
        let table = format!("{schema}.articles");
        let sequence = id_sequence(c, &table);
        let rows: i64 = support::pg::one(c, &format!("SELECT count(*) FROM {table}"));
        next += 1;
        let id: i64 = support::pg::one(c, &format!("INSERT INTO {table} (title) VALUES ('new') RETURNING id"));
        c.batch_execute(&format!("DELETE FROM {table} WHERE id = {id}")).unwrap();
        (sequence, rows, id == next)
    };
    let moved_state = ("archive.posts_id_seq".to_owned(), 20, true);
    let back = ("public.posts_id_seq".to_owned(), 20, true);
    step_through(&mut client, &plan, back.clone(), &[moved_state], &[back], &mut probe);
    assert_clean(&renamed, &mut client, &mut shadow);
}

/// An identity dropped is added again by the down step, with a new sequence,
/// which starts after the values the rows have (it started at 1, and the next
/// insert failed on the key, 23505).
#[test]
fn an_identity_dropped_comes_back_after_the_rows_values() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = build(Schema::builder().add_table(titled("public", "posts")));
    let mut plain = titled("public", "posts");
    plain.columns[0].identity = None;
    let after = build(Schema::builder().add_table(plain));
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.posts (title) SELECT 'post ' || i FROM generate_series(1, 20) i").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    assert_eq!(phases(&plan), [(Phase::Expand, "identity of public.posts.id")]);
    let mut probe = |c: &mut Client| -> Option<String> {
        let identity: String = support::pg::one(c, "SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'public.posts'::regclass AND attname = 'id'");
        if identity.is_empty() {
            return None;
        }
        let mut tx = c.transaction().unwrap();
        let id = tx.query_one("INSERT INTO public.posts (title) VALUES ('new') RETURNING id", &[]).map(|r| r.get::<_, i64>(0).to_string()).unwrap_or_else(|e| support::pg::sqlstate_of(&e).unwrap());
        tx.rollback().unwrap();
        Some(id)
    };
    step_through(&mut client, &plan, Some("21".to_owned()), &[None], &[Some("21".to_owned())], &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

/// Where a relation of one schema called `name` is now: (kind, table of an index), or missing.
fn relation_called(client: &mut Client, name: &str) -> Option<(String, Option<String>)> {
    let sql = "SELECT c.relkind::text, (SELECT t.relname::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = c.oid)
               FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = $1";
    client.query_opt(sql, &[&name]).unwrap().map(|r| (r.get(0), r.get(1)))
}

/// The unique constraints of `table`.
fn unique_constraints(client: &mut Client, table: &str) -> Vec<String> {
    let sql = "SELECT conname::text FROM pg_constraint WHERE conrelid = $1::text::regclass AND contype = 'u' ORDER BY 1";
    client.query(sql, &[&table]).unwrap().iter().map(|r| r.get(0)).collect()
}

/// A unique constraint over exactly the columns of a unique index the plan
/// drops takes that index over (`ADD CONSTRAINT ... USING INDEX`, which
/// renames it to the constraint's name): no index is built, and a duplicate
/// is refused after every step, up and down. Before, the constraint's index
/// was built while the old one held its name (42P07), and then, dropped
/// first, the rows were not unique until the new index was built. Under
/// another name, the index is renamed; its comment goes (the graph holds
/// none for a key's index) and comes back when undone. A partial unique
/// index cannot back a constraint: it is dropped first and a new index built.
#[test]
fn a_unique_constraint_over_a_dropped_unique_index_takes_it_over() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    let members = || Table::new("members").column(Column::new("id", SqlType::BigInt)).column(Column::new("email", SqlType::Text)).primary_key(["id"]);
    let after = build(Schema::builder().add_table(members().unique(UniqueConstraint::new(["email"]))));
    let duplicate = "INSERT INTO public.members VALUES (100, 'm1@example.com')";
    let cases = [
        (Index::on(["email"]).unique().named("members_email_key"), "attach index public.members_email_key as UNIQUE members_email_key of public.members"),
        (Index::on(["email"]).unique().named("members_email_uq").comment("one account per address"), "attach index public.members_email_uq as UNIQUE members_email_key of public.members"),
    ];
    for (index, attach) in cases {
        let old_name = index.name.clone().unwrap();
        let before = build(Schema::builder().add_table(members().index(index)));
        client.batch_execute("DROP TABLE IF EXISTS public.members").unwrap();
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.members SELECT i, 'm' || i || '@example.com' FROM generate_series(1, 30) i").unwrap();
        let oid = |c: &mut Client| support::pg::one::<u32>(c, "SELECT indexrelid::oid FROM pg_index WHERE indrelid = 'public.members'::regclass AND indisunique AND NOT indisprimary");
        let built = oid(&mut client);
        let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
        assert_eq!(phases(&plan), [(Phase::Expand, attach)], "{}", plan.up_script());
        assert!(!plan.steps[0].hazards.contains(&Hazard::IndexBuild), "{:?}", plan.steps[0].hazards);
        apply_step(&mut client, Some(&mut watcher), &plan.steps[0]);
        assert_eq!(unique_constraints(&mut client, "public.members"), ["members_email_key"]);
        assert_eq!(oid(&mut client), built, "the same index, not a new one");
        assert_eq!(sqlstate_in_rollback(&mut client, duplicate).as_deref(), Some("23505"));
        assert_clean(&after, &mut client, &mut shadow);
        walk_down(&mut client, &plan, &[()], &mut |_| ());
        assert_eq!((unique_constraints(&mut client, "public.members"), relation_called(&mut client, &old_name)), (vec![], Some(("i".to_owned(), Some("members".to_owned())))));
        assert_eq!(sqlstate_in_rollback(&mut client, duplicate).as_deref(), Some("23505"), "the old index is unique again");
        assert_clean(&before, &mut client, &mut shadow);
    }

    // Partial: not a key's index. Dropped first, as its name is taken.
    let before = build(Schema::builder().add_table(members().index(Index::on(["email"]).unique().named("members_email_key").where_("id > 0"))));
    client.batch_execute("DROP TABLE IF EXISTS public.members").unwrap();
    live::apply(&mut client, &before).unwrap();
    client.batch_execute("INSERT INTO public.members SELECT i, 'm' || i || '@example.com' FROM generate_series(1, 30) i").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    assert_eq!(
        phases(&plan),
        [
            (Phase::Expand, "drop index public.members_email_key"),
            (Phase::Expand, "build the index of members_email_key on public.members"),
            (Phase::Expand, "attach members_email_key as UNIQUE of public.members"),
        ],
        "{}",
        plan.up_script()
    );
    let mut probe = |c: &mut Client| (relation_called(c, "members_email_key"), unique_constraints(c, "public.members"));
    let index = Some(("i".to_owned(), Some("members".to_owned())));
    let (old, none, built, new) = ((index.clone(), vec![]), (None, vec![]), (index.clone(), vec![]), (index, vec!["members_email_key".to_owned()]));
    // Undoing the attach drops the constraint with its index.
    step_through(&mut client, &plan, old.clone(), &[none.clone(), built, new], &[none.clone(), none, old], &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

/// `drafts` and `posts (id, at, title)`, with the given indexes.
fn drafted(drafts: Vec<Index>, posts: Vec<Index>, posts_name: &str) -> Schema {
    let t = |n: &str| Table::new(n).column(Column::new("id", SqlType::BigInt)).column(Column::new("at", SqlType::Timestamptz)).column(Column::new("title", SqlType::Text)).primary_key(["id"]);
    let mut p = t(posts_name);
    if posts_name != "posts" {
        p = p.renamed_from(QualifiedName::public("posts"));
    }
    build(Schema::builder().add_table(drafts.into_iter().fold(t("drafts"), Table::index)).add_table(posts.into_iter().fold(p, Table::index)))
}

/// An index whose name another table's index takes (moved from `drafts` to
/// `posts`): the new one was built while the old held the name (42P07). The
/// old one is dropped first, just before.
#[test]
fn an_index_moved_to_another_table_under_its_name_is_dropped_first() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = drafted(vec![Index::on(["at"]).named("recent")], vec![], "posts");
    let after = drafted(vec![], vec![Index::on(["at"]).named("recent")], "posts");
    live::apply(&mut client, &before).unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    assert_eq!(phases(&plan), [(Phase::Expand, "drop index public.recent"), (Phase::Expand, "create index public.recent")], "{}", plan.up_script());
    let on = |t: &str| Some(("i".to_owned(), Some(t.to_owned())));
    step_through(&mut client, &plan, on("drafts"), &[None, on("posts")], &[None, on("drafts")], &mut |c| relation_called(c, "recent"));
    assert_clean(&before, &mut client, &mut shadow);
}

/// An index following its table's rename (`idx_posts_title` to
/// `idx_articles_title`) onto the name of an index the plan drops from
/// another table: the rename stays a drop and a create (renames run before
/// every drop), and the create failed (42P07) until the other index was
/// dropped first. Rows, indexes and the rename all undo.
#[test]
fn an_index_following_a_table_rename_onto_the_name_of_a_dropped_index_is_built_after_its_drop() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = drafted(vec![Index::on(["title"]).named("idx_articles_title")], vec![Index::on(["title"])], "posts");
    let after = drafted(vec![], vec![Index::on(["title"])], "articles");
    live::apply(&mut client, &before).unwrap();
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default().with_declared_renames(&after));
    assert_eq!(
        phases(&plan),
        [
            (Phase::Expand, "rename table public.posts to public.articles"),
            (Phase::Expand, "rename constraint posts_pkey on public.articles to articles_pkey"),
            (Phase::Expand, "drop index public.idx_articles_title"),
            (Phase::Expand, "create index public.idx_articles_title"),
            (Phase::Contract, "drop index public.idx_posts_title"),
        ],
        "{}",
        plan.up_script()
    );
    let mut probe = |c: &mut Client| (relation_called(c, "idx_articles_title"), relation_called(c, "idx_posts_title"));
    let on = |t: &str| Some(("i".to_owned(), Some(t.to_owned())));
    let (old, renamed, freed, built, new) = ((on("drafts"), on("posts")), (on("drafts"), on("articles")), (None, on("articles")), (on("articles"), on("articles")), (on("articles"), None));
    step_through(&mut client, &plan, old.clone(), &[renamed.clone(), renamed.clone(), freed.clone(), built.clone(), new], &[built, freed, renamed.clone(), renamed, old], &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

/// The indexes of `logs`' partitions keep the names PostgreSQL gave them
/// (`logs_2026_01_pkey`) when the table and its partitions are renamed
/// (`events`, `events_2026_01`). A new table `logs_2026_01` then takes a
/// free table name but its key's name is held (42P07): introspection did not
/// read the partitions' indexes, so nothing refused it. It is now refused,
/// naming both; with another name for its key the plan runs, up and down.
#[test]
fn a_new_table_whose_key_takes_the_name_of_a_partitions_index_is_refused() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = build(Schema::builder().add_table(named_logs("public", "logs", None)));
    live::apply(&mut client, &before).unwrap();
    fill_logs(&mut client, "public.logs");
    let january = || Table::new("logs_2026_01").column(Column::new("id", SqlType::BigInt)).column(Column::new("note", SqlType::Text)).primary_key(["id"]);
    let events = || named_logs("public", "events", Some(QualifiedName::public("logs")));
    let after = build(Schema::builder().add_table(events()).add_table(january()));
    assert_eq!(sqlstate_in_rollback(&mut client, "CREATE TABLE public.t (id bigint, CONSTRAINT logs_2026_01_pkey PRIMARY KEY (id))").as_deref(), Some("42P07"));
    let options = PlanOptions::default().with_declared_renames(&after);
    let errors = try_plan_to(&mut client, &mut shadow, &after, &options).expect_err("the key's name is a partition's index's").0;
    assert_eq!(
        errors,
        [PlanError::NameTaken {
            change: "create table public.logs_2026_01".into(),
            name: QualifiedName::public("logs_2026_01_pkey"),
            holder: "index public.logs_2026_01_pkey of partition public.logs_2026_01 of public.logs".into(),
            remedy: "declare another name, or rename or drop it in an earlier migration (PostgreSQL named it, and renames of its table, column or partition keep that name)".into(),
        }]
    );

    let mut renamed_key = january();
    renamed_key.primary_key = Some(PrimaryKey::new(["id"]).named("january_pkey"));
    let after = build(Schema::builder().add_table(events()).add_table(renamed_key));
    let plan = plan_to(&mut client, &mut shadow, &after, &options);
    let old_parts = ["logs_2026_01", "logs_2026_02", "logs_2026_03", "logs_default"];
    let kept_indexes: Vec<(String, String)> = old_parts.iter().flat_map(|p| [(p.to_string(), format!("{p}_at_idx")), (p.to_string(), format!("{p}_pkey"))]).collect();
    // (rows by partition, the partitions' indexes, whether the new table is there)
    let mut probe = |c: &mut Client| {
        let table = if support::pg::one::<bool>(c, "SELECT to_regclass('public.events') IS NOT NULL") { "public.events" } else { "public.logs" };
        let rows: Vec<i64> = rows_in(c, table).into_iter().map(|(_, n)| n).collect();
        let indexes: Vec<String> = partition_indexes(c, table).into_iter().map(|(_, i)| i).collect();
        (rows, indexes, support::pg::one::<bool>(c, "SELECT to_regclass('public.january_pkey') IS NOT NULL"))
    };
    let indexes: Vec<String> = kept_indexes.iter().map(|(_, i)| i.clone()).collect();
    let old = (vec![100, 50, 30, 20], indexes.clone(), false);
    let new = (vec![100, 50, 30, 20], indexes, true);
    let created = plan.steps.iter().position(|s| s.description == "create table public.logs_2026_01").unwrap_or_else(|| panic!("{}", plan.up_script()));
    let up: Vec<_> = (0..plan.steps.len()).map(|i| if i < created { old.clone() } else { new.clone() }).collect();
    let down: Vec<_> = (0..plan.steps.len()).map(|i| if i < plan.steps.len() - 1 - created { new.clone() } else { old.clone() }).collect();
    step_through(&mut client, &plan, old.clone(), &up, &down, &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

/// An index built partition by partition names each partition's index
/// `{partition}_{index}`: for an index `at_idx` that is
/// `logs_2026_01_at_idx`, the name PostgreSQL gave the partition's copy of
/// the existing index on `at` (42P07). The partitions' indexes are read
/// back, so the new ones take the next free name. Undone, the partitions'
/// indexes go with the parent's when the attach is undone.
#[test]
fn an_index_built_partition_by_partition_names_its_copies_around_the_partitions_own_indexes() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = build(Schema::builder().add_table(named_logs("public", "logs", None)));
    let after = build(Schema::builder().add_table(named_logs("public", "logs", None).index(Index::on(["at", "note"]).named("at_idx"))));
    live::apply(&mut client, &before).unwrap();
    fill_logs(&mut client, "public.logs");
    let plan = plan_to(&mut client, &mut shadow, &after, &PlanOptions::default());
    let up = plan.up_script();
    for p in ["logs_2026_01", "logs_2026_02", "logs_2026_03", "logs_default"] {
        assert!(up.contains(&format!("CREATE INDEX CONCURRENTLY {p}_at_idx1 ON public.{p} (at, note);")), "{up}");
    }
    let old_parts = ["logs_2026_01", "logs_2026_02", "logs_2026_03", "logs_default"];
    let mut probe = |c: &mut Client| partition_indexes(c, "public.logs").into_iter().map(|(_, i)| i).collect::<Vec<String>>();
    let old: Vec<String> = old_parts.iter().flat_map(|p| [format!("{p}_at_idx"), format!("{p}_pkey")]).collect();
    let mut states = vec![old.clone()];
    for step in &plan.steps {
        let mut last = states.last().unwrap().clone();
        if let Some(p) = step.description.strip_prefix("create index public.").and_then(|d| d.split_once(" on partition ")).map(|(_, p)| p.to_owned()) {
            last.push(format!("{p}_at_idx1"));
            last.sort();
        }
        states.push(last);
    }
    // Undoing the attach drops the parent's index, and the partitions' with
    // it (an attached index cannot be dropped on its own, 2BP01).
    let down = vec![old.clone(); plan.steps.len()];
    step_through(&mut client, &plan, old, &states[1..], &down, &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

// ---- user review (session 2026-12-02) ----

/// `char(3)` to `varchar(3)`, the change the char-column lint recommends for a
/// currency code, was refused as DataLoss ("refused (DataLoss): alter column
/// public.prices.currency Type: char(3) -> varchar(3)"), though char(n) to text
/// was not: the values only lose their padding, which char ignores. It rewrites
/// the table; rows are kept. A varchar shorter than the char is still refused.
#[test]
fn char_to_a_varchar_at_least_as_long_keeps_every_row() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let prices = |currency: SqlType, grade: SqlType| {
        build(
            Schema::builder().add_table(
                Table::new("prices")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("currency", currency))
                    .column(Column::new("grade", grade).nullable())
                    .primary_key(["id"])
                    .check(CheckConstraint::new("length(currency) BETWEEN 2 AND 3")),
            ),
        )
    };
    let v1 = prices(SqlType::Char(Some(3)), SqlType::Char(None));
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO prices SELECT i, CASE WHEN i % 2 = 0 THEN 'EUR' ELSE 'EU' END, CASE WHEN i % 3 = 0 THEN NULL ELSE 'a' END FROM generate_series(1, 500) i").unwrap();
    let filenode = |c: &mut Client| -> u32 { c.query_one("SELECT pg_relation_filenode('public.prices')::oid", &[]).unwrap().get(0) };
    let before = filenode(&mut client);

    let v2 = prices(SqlType::Varchar(Some(3)), SqlType::Varchar(None));
    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    assert!(!plan.hazards().contains(&Hazard::DataLoss), "{}", plan.up_script());
    assert!(plan.hazards().contains(&Hazard::TableRewrite), "{:?}", plan.hazards());
    let up = plan.up_script();
    assert!(up.contains("ALTER COLUMN currency TYPE varchar(3)") && up.contains("ALTER COLUMN grade TYPE varchar"), "{up}");
    let migrations = plan.migrations(1, "char to varchar");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{up}"));
    assert_clean(&v2, &mut client, &mut shadow);
    assert_ne!(filenode(&mut client), before, "a rewrite, as the plan says");
    assert_eq!(count(&mut client, "SELECT count(*) FROM prices"), 500);
    assert_eq!(count(&mut client, "SELECT count(*) FROM prices WHERE currency = 'EUR' AND id % 2 = 0"), 250);
    // 'EU' was stored padded as 'EU '; as varchar it is 'EU', two characters.
    assert_eq!(count(&mut client, "SELECT count(*) FROM prices WHERE currency = 'EU' AND octet_length(currency) = 2"), 250);
    assert_eq!(count(&mut client, "SELECT count(*) FROM prices WHERE grade = 'a'"), 334);
    // Undone: char(3) again, every row kept.
    undo(&mut client, &migrations);
    assert_clean(&v1, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM prices WHERE currency = 'EU' AND grade = 'a'"), 167);

    // Narrower than the char: values may not fit, refused unless allowed.
    let errors = {
        let live = live::introspect(&mut client, &IntrospectOptions::for_schema(&v1)).unwrap();
        let from = live::canonicalize(&mut shadow, &live).unwrap();
        let to = live::canonicalize(&mut shadow, &prices(SqlType::Varchar(Some(2)), SqlType::Char(None))).unwrap();
        migrate::plan(&migrate::diff(&from, &to), &PlanOptions::default()).expect_err("char(3) to varchar(2) may not fit")
    };
    assert!(errors.0.iter().any(|e| matches!(e, PlanError::Refused { hazard: Hazard::DataLoss, .. })), "{errors}");
}

/// `UNIQUE (slug)` replaced by a unique index on live rows (`WHERE deleted_at IS
/// NULL`), so that a deleted organization's slug can be taken again: the plan
/// dropped the constraint first and built the index CONCURRENTLY in a later
/// migration, so in between nothing refused a duplicate slug, and one written
/// then made the build fail (23505) with the old key already gone. Now the index
/// is built first: after every migration, up and down, a duplicate live slug is
/// refused.
#[test]
fn a_unique_key_replaced_by_a_partial_unique_index_is_never_missing() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let organizations = || {
        Table::new("organizations")
            .column(Column::new("id", SqlType::BigInt).identity(Identity::ByDefault))
            .column(Column::new("slug", SqlType::Varchar(Some(63))))
            .column(Column::new("deleted_at", SqlType::Timestamptz).nullable())
            .primary_key(["id"])
    };
    let v1 = build(Schema::builder().add_table(organizations().unique(UniqueConstraint::new(["slug"]))));
    let v2 = build(Schema::builder().add_table(
        organizations().index(Index::on(["slug"]).unique().where_("deleted_at IS NULL").named("idx_organizations_slug_live")),
    ));
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO organizations (slug) SELECT 'org-' || i FROM generate_series(1, 200) i").unwrap();

    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let at = |what: &str| plan.steps.iter().position(|s| s.description.starts_with(what)).unwrap_or_else(|| panic!("no step {what}:\n{}", plan.up_script()));
    assert!(at("create index public.idx_organizations_slug_live") < at("drop constraint organizations_slug_key"), "{}", plan.up_script());

    let duplicate_refused = |client: &mut Client, when: &str| {
        let err = client.execute("INSERT INTO organizations (slug) VALUES ('org-7')", &[]).expect_err(when);
        assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23505"), "{when}: {err}");
    };
    let migrations = plan.migrations(1, "slug unique among live rows");
    assert!(migrations.len() >= 2, "the index is built in a migration of its own");
    for m in &migrations {
        Runner::new().run(&mut client, std::slice::from_ref(m)).unwrap_or_else(|e| panic!("run {}: {e}\n{}", m.version, m.up));
        duplicate_refused(&mut client, &format!("after migration {} ({})", m.version, m.description));
    }
    assert_clean(&v2, &mut client, &mut shadow);
    // What the change is for: a deleted organization's slug can be taken again.
    client.batch_execute("UPDATE organizations SET deleted_at = now() WHERE slug = 'org-9'; INSERT INTO organizations (slug) VALUES ('org-9')").unwrap();
    assert_eq!(count(&mut client, "SELECT count(*) FROM organizations WHERE slug = 'org-9'"), 2);

    client.batch_execute("DELETE FROM organizations WHERE slug = 'org-9' AND deleted_at IS NOT NULL").unwrap();
    for (i, m) in migrations.iter().enumerate().rev() {
        undo(&mut client, std::slice::from_ref(m));
        duplicate_refused(&mut client, &format!("after undoing migration {}", i + 1));
    }
    client.batch_execute("DELETE FROM public.schema_migrations").unwrap();
    assert_clean(&v1, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM organizations"), 200);
}

// ---- function order (session 2026-12-02) ----

/// The functions and views of `public` (`function f`, `view v`), by name.
fn routines_in(client: &mut Client) -> Vec<String> {
    client
        .query(
            "SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
             UNION ALL SELECT 'view ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('v', 'm')
             ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// What `routines_in` gives after each step of `plan`, from `before`: each
/// `create function` or `create view` step adds its object.
fn routines_after_steps(plan: &migrate::Plan, before: &[String]) -> Vec<Vec<String>> {
    let mut now = before.to_vec();
    let mut out = Vec::new();
    for step in &plan.steps {
        for kind in ["function", "view"] {
            if let Some(name) = step.description.strip_prefix(&format!("create {kind} public.")) {
                now.push(format!("{kind} {name}"));
                now.sort();
            }
        }
        out.push(now.clone());
    }
    out
}

/// Applies `plan` step by step and undoes it, checking the functions and
/// views after each step ([`routines_after_steps`]) and that the database
/// matches `after`, then `before`.
fn step_through_routines(client: &mut Client, shadow: &mut Client, plan: &migrate::Plan, (before, after): (&Schema, &Schema), check: &mut dyn FnMut(&mut Client)) {
    let old = routines_in(client);
    let up = routines_after_steps(plan, &old);
    let mut down: Vec<Vec<String>> = up.iter().rev().skip(1).cloned().collect();
    down.push(old.clone());
    walk_up(client, None, plan, &up, &mut routines_in);
    assert_clean(after, client, shadow);
    check(client);
    walk_down(client, plan, &down, &mut routines_in);
    assert_clean(before, client, shadow);
}

/// `t (id, x)`, and with `views` the view `v` over it, functions on `v`
/// (reading it and returning its rows, declared; taking its row type,
/// found from the signature), a view `w` calling one of them and a
/// function reading `w`, each declared before what it needs.
fn on_views(views: bool) -> Schema {
    let public = |name: &str| QualifiedName::public(name);
    let sql_fn = |name: &str, arguments: &str, returns: &str, body: &str| Function::new(public(name), returns, "sql", body).arguments(arguments);
    let mut b = Schema::builder().add_table(Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", SqlType::BigInt)).primary_key(["id"]));
    if views {
        b = b
            .function(sql_fn("v_rows", "", "SETOF public.v", "SELECT * FROM public.v ORDER BY id").depends_on(public("v")))
            .function(sql_fn("doubled", "r public.v", "bigint", "SELECT r.x * 2"))
            .function(sql_fn("w_total", "", "bigint", "SELECT sum(d)::bigint FROM public.w").depends_on(public("w")))
            .view(View::new(public("w"), "SELECT v.id, public.doubled(v) AS d FROM public.v").depends_on(public("v")))
            .view(View::new(public("v"), "SELECT id, x FROM public.t").depends_on(public("t")));
    }
    build(b)
}

/// A plan creating a view and functions on it (and a view calling one of
/// those) creates each after what it needs, whether made from the declared
/// schemas or from the canonical ones: it created every function before
/// every view, `ERROR 42704: type public.v does not exist`. Each step
/// applies and is undone; the functions return the view's rows.
#[test]
fn a_plan_creates_functions_on_new_views_after_them() {
    for canonical in [false, true] {
        let Some(db) = support::pg::test_db() else { return };
        let Some(shadow_db) = support::pg::test_db() else { return };
        let (mut client, mut shadow) = (db.client(), shadow_db.client());
        let (before, after) = (on_views(false), on_views(true));
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.t VALUES (1, 10), (2, 20), (3, 30)").unwrap();
        let plan = plan_either(&mut client, &mut shadow, (&before, &after), &PlanOptions::default(), canonical);
        eprintln!("canonical: {canonical}\n{}", plan.up_script());
        assert_eq!(descriptions(&plan), ["create view public.v", "create function public.doubled", "create function public.v_rows", "create view public.w", "create function public.w_total"]);
        step_through_routines(&mut client, &mut shadow, &plan, (&before, &after), &mut |c| {
            assert_eq!(support::pg::one::<String>(c, "SELECT string_agg(id || ':' || x, ' ' ORDER BY id) FROM public.v_rows()"), "1:10 2:20 3:30");
            assert_eq!(support::pg::one::<i64>(c, "SELECT public.w_total()"), 120);
        });
    }
}

/// The other way: a plan dropping the views and the functions on them
/// drops each before what it needs (a function using a view's row type
/// before the view: it dropped the views first, `ERROR 2BP01: cannot drop
/// view v because other objects depend on it`, "function doubled(v)
/// depends on type v"; a view calling a function before the function; a
/// SQL function reading a view before it), so undone each is created after
/// what it needs (42P01 and 42704 otherwise).
#[test]
fn a_plan_drops_functions_on_dropped_views_before_them() {
    for canonical in [false, true] {
        let Some(db) = support::pg::test_db() else { return };
        let Some(shadow_db) = support::pg::test_db() else { return };
        let (mut client, mut shadow) = (db.client(), shadow_db.client());
        let (before, after) = (on_views(true), on_views(false));
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.t VALUES (1, 10), (2, 20), (3, 30)").unwrap();
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let plan = plan_either(&mut client, &mut shadow, (&before, &after), &options, canonical);
        eprintln!("canonical: {canonical}\n{}", plan.up_script());
        let old = routines_in(&mut client);
        let mut up = Vec::new();
        let mut now = old.clone();
        for step in &plan.steps {
            for kind in ["function", "view"] {
                if let Some(name) = step.description.strip_prefix(&format!("drop {kind} public.")) {
                    now.retain(|o| o != &format!("{kind} {name}"));
                }
            }
            up.push(now.clone());
        }
        let mut down: Vec<Vec<String>> = up.iter().rev().skip(1).cloned().collect();
        down.push(old.clone());
        assert_eq!(descriptions(&plan), ["drop function public.v_rows", "drop function public.w_total", "drop view public.w", "drop function public.doubled", "drop view public.v"]);
        walk_up(&mut client, None, &plan, &up, &mut routines_in);
        assert_clean(&after, &mut client, &mut shadow);
        walk_down(&mut client, &plan, &down, &mut routines_in);
        assert_clean(&before, &mut client, &mut shadow);
        assert_eq!(support::pg::one::<i64>(&mut client, "SELECT public.w_total()"), 120);
    }
}

/// `t (id)`, and with `functions` SQL functions calling others: one reading
/// `t` through a function declared after it, one calling a function that
/// reads nothing.
fn calling(functions: bool) -> Schema {
    let public = |name: &str| QualifiedName::public(name);
    let mut b = Schema::builder().add_table(Table::new("t").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]));
    if functions {
        let sql_fn = |name: &str, body: &str| Function::new(public(name), "bigint", "sql", body);
        b = b
            .function(sql_fn("a_twice", "SELECT 2 * public.b_count()"))
            .function(sql_fn("b_count", "SELECT count(*) FROM public.t").depends_on(public("t")))
            .function(sql_fn("a_plus_one", "SELECT public.c_one() + 1"))
            .function(sql_fn("c_one", "SELECT 1::bigint"));
    }
    build(b)
}

/// A plan creating SQL functions and the functions they call creates each
/// after its callees (in the plan made from the declared schemas and in the
/// one made from the canonical forms, where introspection gives the callers
/// no `depends_on`): a caller reading no table itself was created before
/// the tables and before a callee reading one, `ERROR 42883: function
/// public.b_count() does not exist`. Each step applies and is undone.
#[test]
fn a_plan_creates_sql_functions_after_the_functions_they_call() {
    for canonical in [false, true] {
        let Some(db) = support::pg::test_db() else { return };
        let Some(shadow_db) = support::pg::test_db() else { return };
        let (mut client, mut shadow) = (db.client(), shadow_db.client());
        let (before, after) = (calling(false), calling(true));
        live::apply(&mut client, &before).unwrap();
        client.batch_execute("INSERT INTO public.t VALUES (1), (2), (3)").unwrap();
        let plan = plan_either(&mut client, &mut shadow, (&before, &after), &PlanOptions::default(), canonical);
        eprintln!("canonical: {canonical}\n{}", plan.up_script());
        assert_eq!(descriptions(&plan), ["create function public.c_one", "create function public.a_plus_one", "create function public.b_count", "create function public.a_twice"]);
        step_through_routines(&mut client, &mut shadow, &plan, (&before, &after), &mut |c| {
            assert_eq!(support::pg::one::<i64>(c, "SELECT public.a_twice() + public.a_plus_one()"), 8);
        });
    }
}

/// Steps creating a function with its comment and a domain with its
/// comment (statements the DDL writes ending with `;`) show one `;` after
/// each statement, up and down: they showed `$body$;;` and `;;` after the
/// comments. Each step applies and is undone, and the comments are there.
#[test]
fn plan_scripts_of_functions_and_domains_end_each_statement_once() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let before = calling(false);
    let after = build(
        Schema::builder()
            .add_table(Table::new("t").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
            .function(Function::new(QualifiedName::public("answer"), "integer", "sql", "SELECT 42").comment("the answer"))
            .domain(Domain::new("positive", SqlType::Integer).check(CheckConstraint::new("VALUE > 0")).comment("above zero")),
    );
    live::apply(&mut client, &before).unwrap();
    let plan = migrate::plan(&migrate::diff(&before, &after), &PlanOptions::default()).unwrap();
    let (up, down) = (plan.up_script(), plan.down_script().unwrap());
    assert!(!up.contains(";;") && !down.contains(";;"), "{up}\n{down}");
    assert!(up.contains("AS $body$SELECT 42$body$;\nCOMMENT ON FUNCTION public.answer() IS 'the answer';\n"), "{up}");
    let mut probe = |c: &mut Client| {
        support::pg::one::<String>(
            c,
            "SELECT coalesce(string_agg(d, ', ' ORDER BY d), '-') FROM (SELECT obj_description(oid, 'pg_proc') AS d FROM pg_proc WHERE proname = 'answer'
             UNION ALL SELECT obj_description(oid, 'pg_type') FROM pg_type WHERE typname = 'positive') x",
        )
    };
    assert_eq!(plan.steps.len(), 2, "{up}");
    let first = if plan.steps[0].description.starts_with("create domain") { "above zero" } else { "the answer" };
    let both = String::from("above zero, the answer");
    walk_up(&mut client, None, &plan, &[first.to_owned(), both.clone()], &mut probe);
    assert_clean(&after, &mut client, &mut shadow);
    walk_down(&mut client, &plan, &[first.to_owned(), "-".to_owned()], &mut probe);
    assert_clean(&before, &mut client, &mut shadow);
}

// ---- brownfield review (session 2026-12-02) ----

/// A legacy `customers (id serial)` with the `orders` referencing it, as an
/// existing database has them, and the application's role.
fn serial_shop(id: Column, app: &str) -> Schema {
    build(
        Schema::builder()
            .role(Role::group(app))
            .grant(Grant::new([Privilege::Select, Privilege::Insert], GrantTarget::Table { table: QualifiedName::public("customers"), columns: vec![] }, [app]))
            .add_table(Table::new("customers").column(id).column(Column::new("email", SqlType::Text)).primary_key(["id"]))
            .add_table(
                Table::new("orders")
                    .column(Column::new("id", SqlType::Serial))
                    .column(Column::new("customer_id", SqlType::Integer))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["customer_id"], QualifiedName::public("customers"), ["id"]).on_delete(ReferentialAction::Cascade))
                    .index(Index::on(["customer_id"])),
            ),
    )
}

/// serial to identity, what the serial-column lint recommends, failed on the
/// first run: `ALTER TABLE public.customers ALTER COLUMN id ADD GENERATED BY
/// DEFAULT AS IDENTITY` gave `ERROR 55000: column "id" of relation
/// "customers" already has a default value` (the serial's `nextval`), after a
/// step that changed the type from integer to integer. Now one step drops the
/// default and the serial's sequence and adds the identity under the
/// sequence's name, going on from the sequence's next value (not from the
/// largest key: ids of deleted rows are not handed out again), with the
/// sequence's privileges, so legacy `currval('customers_id_seq')` and roles
/// granted USAGE on it keep working; undone, the serial comes back the same way.
#[test]
fn a_serial_key_becomes_an_identity_keeping_its_numbering_and_privileges() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let app = TestRole::new("shop_app");
    let a = support::pg::q(&app.0);
    let v1 = serial_shop(Column::new("id", SqlType::Serial), &app.0);
    let v2 = serial_shop(Column::new("id", SqlType::Integer).identity(Identity::ByDefault), &app.0);
    live::apply(&mut client, &v1).unwrap();
    client
        .batch_execute(&format!(
            "GRANT USAGE ON SEQUENCE public.customers_id_seq TO {a};
             INSERT INTO customers (email) SELECT 'c' || i || '@example.com' FROM generate_series(1, 60) i;
             INSERT INTO orders (customer_id) SELECT 1 + i % 50 FROM generate_series(1, 300) i;
             DELETE FROM customers WHERE id > 50;"
        ))
        .unwrap();

    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let up = plan.up_script();
    let migrations = plan.migrations(1, "identity key");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{up}"));
    assert!(!up.contains("TYPE integer"), "serial and integer are the same type: no ALTER TYPE\n{up}");
    assert_clean(&v2, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM customers"), 50);
    assert_eq!(count(&mut client, "SELECT count(*) FROM orders"), 300);
    let sequence = |c: &mut Client| -> Option<String> { c.query_one("SELECT pg_get_serial_sequence('public.customers', 'id')", &[]).unwrap().get(0) };
    assert_eq!(sequence(&mut client).as_deref(), Some("public.customers_id_seq"), "the identity took the serial sequence's name");
    let granted = |c: &mut Client| -> bool {
        c.query_one("SELECT has_sequence_privilege($1, 'public.customers_id_seq', 'USAGE')", &[&app.0]).unwrap().get(0)
    };
    assert!(granted(&mut client), "USAGE on the sequence kept");
    // Numbering goes on after the deleted 51..60; code written for the serial still runs.
    client.batch_execute(&format!("SET ROLE {a}")).unwrap();
    let id: i32 = client.query_one("INSERT INTO customers (email) VALUES ('new@example.com') RETURNING id", &[]).unwrap().get(0);
    assert_eq!(id, 61);
    assert_eq!(count(&mut client, "SELECT currval('customers_id_seq')"), 61);
    client.batch_execute("RESET ROLE").unwrap();
    let identity: String = client.query_one("SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'public.customers'::regclass AND attname = 'id'", &[]).unwrap().get(0);
    assert_eq!(identity, "d");

    undo(&mut client, &migrations);
    client.batch_execute("DELETE FROM public.schema_migrations").unwrap();
    assert_clean(&v1, &mut client, &mut shadow);
    assert_eq!(sequence(&mut client).as_deref(), Some("public.customers_id_seq"));
    assert!(granted(&mut client), "USAGE on the serial sequence given back");
    client.batch_execute(&format!("SET ROLE {a}")).unwrap();
    let id: i32 = client.query_one("INSERT INTO customers (email) VALUES ('newer@example.com') RETURNING id", &[]).unwrap().get(0);
    client.batch_execute("RESET ROLE").unwrap();
    assert_eq!(id, 62, "the serial goes on after the identity's values");
    assert_eq!(count(&mut client, "SELECT count(*) FROM customers"), 52);
    assert_eq!(count(&mut client, "SELECT count(*) FROM orders"), 300);
    client.batch_execute(&format!("DROP OWNED BY {a}")).unwrap();
}

/// serial to bigserial was `ALTER COLUMN id TYPE bigint` alone, which leaves
/// the serial's sequence `AS integer`: past 2,147,483,647 rows every insert
/// failed with `ERROR 2200H: nextval: reached maximum value of sequence
/// "events_id_seq" (2147483647)`, the very failure the widening is for.
/// The step widens the sequence with the column; undone, both narrow again.
#[test]
fn a_serial_key_widened_to_bigserial_widens_its_sequence() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let events = |id: SqlType| build(Schema::builder().add_table(Table::new("events").column(Column::new("id", id)).column(Column::new("at", SqlType::Timestamptz).default_expr("now()")).primary_key(["id"])));
    let (v1, v2) = (events(SqlType::Serial), events(SqlType::BigSerial));
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO events (at) SELECT now() FROM generate_series(1, 100)").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let migrations = plan.migrations(1, "bigserial");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{}", plan.up_script()));
    assert_clean(&v2, &mut client, &mut shadow);
    let sequence_type = |c: &mut Client| -> String {
        c.query_one("SELECT format_type(seqtypid, NULL) FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('public.events', 'id')::regclass", &[]).unwrap().get(0)
    };
    assert_eq!(sequence_type(&mut client), "bigint");
    client.batch_execute("SELECT setval(pg_get_serial_sequence('public.events', 'id'), 2147483647)").unwrap();
    let id: i64 = client.query_one("INSERT INTO events DEFAULT VALUES RETURNING id", &[]).unwrap().get(0);
    assert_eq!(id, 2_147_483_648);
    client.batch_execute("DELETE FROM events WHERE id > 100; SELECT setval(pg_get_serial_sequence('public.events', 'id'), 100)").unwrap();

    undo(&mut client, &migrations);
    client.batch_execute("DELETE FROM public.schema_migrations").unwrap();
    assert_clean(&v1, &mut client, &mut shadow);
    assert_eq!(sequence_type(&mut client), "integer");
    assert_eq!(count(&mut client, "SELECT count(*) FROM events"), 100);
}

/// serial to integer (the ids then come from the application) was `ALTER
/// COLUMN id TYPE integer`, which changes nothing: the default and the
/// sequence stayed, and the database never matched the declaration (the
/// same plan again after every run). Now the step drops them; undone (and
/// integer to serial), the sequence is created again after the largest id.
#[test]
fn a_serial_key_made_plain_drops_its_sequence_and_undone_gets_it_back() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let tickets = |id: SqlType| build(Schema::builder().add_table(Table::new("tickets").column(Column::new("id", id)).column(Column::new("title", SqlType::Text)).primary_key(["id"])));
    let (v1, v2) = (tickets(SqlType::Serial), tickets(SqlType::Integer));
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO tickets (title) SELECT 't' || i FROM generate_series(1, 40) i").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let migrations = plan.migrations(1, "plain ids");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{}", plan.up_script()));
    assert_clean(&v2, &mut client, &mut shadow);
    assert_eq!(count(&mut client, "SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"), 0);
    let err = client.execute("INSERT INTO tickets (title) VALUES ('no id')", &[]).expect_err("no default any more");
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23502"), "{err}");
    client.batch_execute("INSERT INTO tickets VALUES (100, 'by hand')").unwrap();

    undo(&mut client, &migrations);
    client.batch_execute("DELETE FROM public.schema_migrations").unwrap();
    assert_clean(&v1, &mut client, &mut shadow);
    let id: i32 = client.query_one("INSERT INTO tickets (title) VALUES ('serial again') RETURNING id", &[]).unwrap().get(0);
    assert_eq!(id, 101, "after the largest id");
    assert_eq!(count(&mut client, "SELECT count(*) FROM tickets"), 42);
}

/// An existing database's indexes have PostgreSQL's names
/// (`orders_customer_id_idx`, from `CREATE INDEX ON orders (customer_id)`);
/// the same index declared without a name is `idx_orders_customer_id`. The
/// plan built a second copy CONCURRENTLY and dropped the first (hours of I/O
/// on a large table, for a name); now it renames the index, keeping it.
#[test]
fn an_index_declared_under_another_name_is_renamed_not_built_again() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let orders = |index: Index| {
        build(Schema::builder().add_table(
            Table::new("orders")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::ByDefault))
                .column(Column::new("customer_id", SqlType::BigInt))
                .column(Column::new("status", SqlType::Text))
                .primary_key(["id"])
                .index(index),
        ))
    };
    let v1 = orders(Index::on(["customer_id"]).where_("status <> 'done'").named("orders_customer_id_idx"));
    let v2 = orders(Index::on(["customer_id"]).where_("status <> 'done'"));
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO orders (customer_id, status) SELECT i % 100, CASE WHEN i % 3 = 0 THEN 'done' ELSE 'open' END FROM generate_series(1, 3000) i").unwrap();
    let index_node = |c: &mut Client, name: &str| -> Option<u32> {
        c.query_one("SELECT (SELECT relfilenode::oid FROM pg_class WHERE oid = to_regclass($1))", &[&format!("public.{name}")]).unwrap().get(0)
    };
    let before = index_node(&mut client, "orders_customer_id_idx").expect("the index");

    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let up = plan.up_script();
    assert!(!up.contains("CREATE INDEX") && up.contains("ALTER INDEX public.orders_customer_id_idx RENAME TO idx_orders_customer_id"), "{up}");
    let migrations = plan.migrations(1, "index names");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{up}"));
    assert_clean(&v2, &mut client, &mut shadow);
    assert_eq!(index_node(&mut client, "idx_orders_customer_id"), Some(before), "the same index, not a new build");
    assert_eq!(index_node(&mut client, "orders_customer_id_idx"), None);

    undo(&mut client, &migrations);
    client.batch_execute("DELETE FROM public.schema_migrations").unwrap();
    assert_clean(&v1, &mut client, &mut shadow);
    assert_eq!(index_node(&mut client, "orders_customer_id_idx"), Some(before));
}

// ---- foreign keys replaced in place (session 2026-12-02) ----

/// `parents` and `kids` (partitioned by region if `partitioned`), `kids`
/// referencing `parents` through `fk` (on `parent_id`).
fn kin(fk: ForeignKey, partitioned: bool) -> Schema {
    let parents = Table::new("parents").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
    let mut kids = Table::new("kids")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("region", SqlType::Text))
        .column(Column::new("parent_id", SqlType::BigInt).nullable())
        .index(Index::on(["parent_id"]))
        .foreign_key(fk);
    kids = if partitioned {
        kids.primary_key(["id", "region"]).partition_by(Partitioning::list("region").values("kids_eu", ["'eu'"]).with_default())
    } else {
        kids.primary_key(["id"])
    };
    build(Schema::builder().add_table(parents).add_table(kids))
}

/// The SQLSTATE of inserting a kid whose parent does not exist (in its own
/// transaction, so a deferred key is checked too), `None` if it is accepted.
fn orphan_refused(client: &mut Client, id: &mut i64) -> Option<String> {
    *id += 1;
    let sql = format!("INSERT INTO kids (id, region, parent_id) VALUES ({id}, 'eu', -{id})");
    client.batch_execute(&sql).err().map(|e| e.code().map_or_else(|| format!("{e}"), |c| c.code().to_owned()))
}

/// A foreign key whose action or deferrability changes was dropped in one step
/// and added NOT VALID in a later one: in between, an orphan row went in, and
/// VALIDATE then failed with 23503. Now it is replaced in one statement (the
/// old key dropped and the new one added in one transaction), then
/// validated; after every step up and down an orphan is refused (23503).
fn a_foreign_key_replaced_in_place_is_always_enforced(from: ForeignKey, to: ForeignKey, partitioned: bool) {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow, mut watcher) = (db.client(), shadow_db.client(), db.client());
    let (v1, v2) = (kin(from, partitioned), kin(to, partitioned));
    live::apply(&mut client, &v1).unwrap();
    client
        .batch_execute(
            "INSERT INTO parents SELECT i FROM generate_series(1, 100) i;
             INSERT INTO kids SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, CASE WHEN i % 5 = 0 THEN NULL ELSE 1 + i % 100 END FROM generate_series(1, 1000) i",
        )
        .unwrap();
    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let up = plan.up_script();
    let mut id = 1_000_000;
    let refused = vec![Some("23503".to_owned()); plan.steps.len()];
    walk_up(&mut client, Some(&mut watcher), &plan, &refused, &mut |c| orphan_refused(c, &mut id));
    assert_eq!(count(&mut client, "SELECT count(*) FROM kids"), 1000, "{up}");
    assert_eq!(count(&mut client, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"), 0, "{up}");
    assert_clean(&v2, &mut client, &mut shadow);
    walk_down(&mut client, &plan, &refused, &mut |c| orphan_refused(c, &mut id));
    assert_eq!(count(&mut client, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"), 0);
    assert_clean(&v1, &mut client, &mut shadow);
}

fn parent_key() -> ForeignKey {
    ForeignKey::new(["parent_id"], QualifiedName::public("parents"), ["id"])
}

#[test]
fn a_foreign_key_whose_on_delete_changes_is_always_enforced() {
    a_foreign_key_replaced_in_place_is_always_enforced(parent_key(), parent_key().on_delete(ReferentialAction::Cascade), false);
}

#[test]
fn a_foreign_key_becoming_deferrable_is_always_enforced() {
    let to = parent_key().on_update(ReferentialAction::Cascade).deferrable(Deferrable::InitiallyDeferred);
    a_foreign_key_replaced_in_place_is_always_enforced(parent_key().on_delete(ReferentialAction::SetNull), to, false);
}

#[test]
fn a_foreign_key_renamed_with_a_new_action_is_always_enforced() {
    let from = parent_key().named("kids_parent_fk");
    a_foreign_key_replaced_in_place_is_always_enforced(from, parent_key().named("kids_parent_ref").on_delete(ReferentialAction::Restrict), false);
}

#[test]
fn a_foreign_key_of_a_partitioned_table_whose_on_delete_changes_is_always_enforced() {
    a_foreign_key_replaced_in_place_is_always_enforced(parent_key(), parent_key().on_delete(ReferentialAction::SetNull), true);
}

// ---- timestamp to timestamptz (session 2026-12-02) ----

fn readings(at: SqlType) -> Schema {
    build(Schema::builder().add_table(Table::new("readings").column(Column::new("id", SqlType::BigInt)).column(Column::new("at", at).nullable()).primary_key(["id"])))
}

/// A session of its own on `db` with `TimeZone` set to `zone`, as a client
/// (psql, a JDBC driver sending the JVM's zone, a container in UTC) sets it.
fn session_in(db: &support::pg::TestDb, zone: &str) -> Client {
    let mut c = db.client();
    c.batch_execute(&format!("SET TimeZone = '{zone}'")).unwrap();
    c
}

fn run_in_tx(client: &mut Client, script: &str) {
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(script).unwrap_or_else(|e| panic!("{}\n{script}", support::pg::describe_error(&e)));
    tx.commit().unwrap();
}

/// `(id, extract(epoch FROM at), at rendered as the wall clock of zone)`, by id.
fn instants(client: &mut Client, zone: &str) -> Vec<(i64, Option<String>, Option<String>)> {
    let sql = format!("SELECT id, extract(epoch FROM at)::text, (at AT TIME ZONE '{zone}')::text FROM readings ORDER BY id");
    client.query(&sql, &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
}

fn texts(client: &mut Client) -> Vec<(i64, Option<String>)> {
    client.query("SELECT id, at::text FROM readings ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// `timestamp` to `timestamptz` (what the timestamp-without-time-zone lint
/// recommends) was `USING at::timestamptz`, which reads the stored wall-clock
/// values in the migrating session's TimeZone: the same step run by a
/// session in UTC and one in America/New_York stored instants 5 hours (4 in
/// summer) apart. Now the step reads them `AT TIME ZONE` the zone of
/// `PlanOptions::timestamp_zone`, UTC when unset (said in the description),
/// whatever the session's zone, and its down step writes them back in that
/// zone, so up then down gives the stored values back exactly.
#[test]
fn timestamp_to_timestamptz_gives_the_same_instants_whatever_the_session_zone() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (v1, v2) = (readings(SqlType::Timestamp), readings(SqlType::Timestamptz));
    live::apply(&mut client, &v1).unwrap();
    client
        .batch_execute(
            "INSERT INTO readings VALUES (1, '2026-01-15 08:30:00.123456'), (2, '2026-07-01 12:00:00'), (3, '2026-11-01 01:30:00'),
             (4, NULL), (5, 'infinity'), (6, '1969-12-31 23:59:59.999999')",
        )
        .unwrap();
    let original = texts(&mut client);
    // (option, the instants it gives, as UTC wall clocks, by id)
    let cases: [(Option<&str>, [Option<&str>; 6]); 2] = [
        (None, [Some("2026-01-15 08:30:00.123456"), Some("2026-07-01 12:00:00"), Some("2026-11-01 01:30:00"), None, Some("infinity"), Some("1969-12-31 23:59:59.999999")]),
        // 01:30 on 2026-11-01 happens twice in New York: PostgreSQL takes the
        // second one (EST), whoever runs it.
        (Some("America/New_York"), [Some("2026-01-15 13:30:00.123456"), Some("2026-07-01 16:00:00"), Some("2026-11-01 06:30:00"), None, Some("infinity"), Some("1970-01-01 04:59:59.999999")]),
    ];
    for (zone, expected) in cases {
        let options = PlanOptions { timestamp_zone: zone.map(str::to_owned), ..PlanOptions::default() };
        let plan = plan_to(&mut client, &mut shadow, &v2, &options);
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        let down = step.down_script().expect("reversible");
        let mut epochs = Vec::new();
        for (session, other) in [("UTC", "America/New_York"), ("America/New_York", "Asia/Tokyo")] {
            let mut up_session = session_in(&db, session);
            run_in_tx(&mut up_session, &step.script());
            let got = instants(&mut up_session, "UTC");
            let utc: Vec<Option<&str>> = got.iter().map(|(_, _, w)| w.as_deref()).collect();
            assert_eq!(utc, expected, "option {zone:?}, migrated in a session in {session}:\n{}", step.script());
            epochs.push(got.into_iter().map(|(id, e, _)| (id, e)).collect::<Vec<_>>());
            assert_clean(&v2, &mut client, &mut shadow);
            // Undone from a session in yet another zone: the very values stored before.
            let mut down_session = session_in(&db, other);
            run_in_tx(&mut down_session, &down);
            assert_eq!(texts(&mut client), original, "option {zone:?}, undone in a session in {other}:\n{down}");
            assert_clean(&v1, &mut client, &mut shadow);
        }
        assert_eq!(epochs[0], epochs[1], "option {zone:?}: the same instants from sessions in UTC and in New York");
        let said = zone.unwrap_or("UTC");
        assert!(step.sql.iter().any(|s| s.ends_with(&format!("TYPE timestamptz USING at AT TIME ZONE '{said}'"))), "{:?}", step.sql);
        assert!(step.description.contains(said), "{}", step.description);
    }
}

/// The reverse, `timestamptz` to `timestamp`, planned on its own: the wall
/// clocks kept are those of `PlanOptions::timestamp_zone` whatever the
/// session's zone, and the down step reads them in that zone again, giving
/// the stored instants back.
#[test]
fn timestamptz_to_timestamp_keeps_the_wall_clock_of_the_zone_whatever_the_session_zone() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let (v1, v2) = (readings(SqlType::Timestamptz), readings(SqlType::Timestamp));
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO readings VALUES (1, '2026-01-15 08:30:00.5+00'), (2, '2026-07-01 12:00:00+00'), (3, NULL), (4, '-infinity')").unwrap();
    let original: Vec<_> = instants(&mut client, "UTC").into_iter().map(|(id, e, _)| (id, e)).collect();
    let options = PlanOptions { timestamp_zone: Some("Europe/Paris".into()), ..PlanOptions::default() };
    let plan = plan_to(&mut client, &mut shadow, &v2, &options);
    assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
    let step = &plan.steps[0];
    let down = step.down_script().expect("reversible");
    for (session, other) in [("UTC", "Asia/Tokyo"), ("America/New_York", "UTC")] {
        let mut up_session = session_in(&db, session);
        run_in_tx(&mut up_session, &step.script());
        let walls: Vec<_> = texts(&mut client);
        assert_eq!(
            walls,
            [(1, Some("2026-01-15 09:30:00.5".to_owned())), (2, Some("2026-07-01 14:00:00".to_owned())), (3, None), (4, Some("-infinity".to_owned()))],
            "migrated in a session in {session}"
        );
        assert_clean(&v2, &mut client, &mut shadow);
        let mut down_session = session_in(&db, other);
        run_in_tx(&mut down_session, &down);
        let back: Vec<_> = instants(&mut client, "UTC").into_iter().map(|(id, e, _)| (id, e)).collect();
        assert_eq!(back, original, "undone in a session in {other}");
        assert_clean(&v1, &mut client, &mut shadow);
    }
    assert!(step.sql.iter().any(|s| s.ends_with("TYPE timestamp USING at AT TIME ZONE 'Europe/Paris'")), "{:?}", step.sql);
}

// ---- view order (session 2026-12-02) ----

/// Views created by one plan, each reading one declared after it with no
/// `depends_on` (a materialized view reading a view reading a view): the
/// plan creates each after what its query names (it created them in
/// declaration order: `ERROR 42P01: relation "public.a" does not exist`),
/// and undone drops them, readers first.
#[test]
fn a_plan_creates_views_after_the_views_their_queries_read() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow_db) = support::pg::test_db() else { return };
    let (mut client, mut shadow) = (db.client(), shadow_db.client());
    let t = || Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", SqlType::BigInt)).primary_key(["id"]);
    let v1 = Schema::builder().add_table(t()).build().unwrap();
    let v2 = Schema::builder()
        .view(View::materialized(QualifiedName::public("m"), "SELECT id, doubled FROM public.a"))
        .view(View::new(QualifiedName::public("a"), "SELECT id, x * 2 AS doubled FROM b"))
        .view(View::new(QualifiedName::public("b"), "SELECT id, x FROM public.t"))
        .add_table(t())
        .build()
        .unwrap();
    live::apply(&mut client, &v1).unwrap();
    client.batch_execute("INSERT INTO t VALUES (1, 10), (2, 20)").unwrap();
    let plan = plan_to(&mut client, &mut shadow, &v2, &PlanOptions::default());
    let up = plan.up_script();
    let at = |name: &str| up.find(name).unwrap_or_else(|| panic!("no `{name}` in:\n{up}"));
    assert!(at("VIEW public.b") < at("VIEW public.a") && at("VIEW public.a") < at("MATERIALIZED VIEW public.m"), "{up}");
    let migrations = plan.migrations(1, "views");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{up}"));
    assert_eq!(count(&mut client, "SELECT sum(doubled)::int8 FROM public.m"), 60);
    assert_clean(&v2, &mut client, &mut shadow);
    undo(&mut client, &migrations);
    assert_eq!(count(&mut client, "SELECT count(*) FROM pg_class WHERE relname IN ('a', 'b', 'm')"), 0);
    assert_clean(&v1, &mut client, &mut shadow);
}
