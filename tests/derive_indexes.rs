//! Per-key index options of `#[derive(Table)]`
//! (`index(columns(tenant_id, created_at(order = "desc", nulls = "last")))`): the
//! keys the derive builds, and the index PostgreSQL creates from them, read back
//! from `pg_index` / `pg_get_indexdef` and used by the planner.
#![allow(dead_code)] // The structs exist to be derived; their fields are never read.

mod support;

use std::time::SystemTime;

use pgarchitect::model::{IndexKey, NullsOrder};
use pgarchitect::{Schema, Table};
use postgres::Client;

#[derive(Table)]
#[table(
    name = "events",
    index(columns(tenant_id, created_at(order = "desc", nulls = "last")), name = "events_tenant_recent"),
    index(columns(name(opclass = "text_pattern_ops")), name = "events_name_prefix"),
    index(
        columns(tenant_id(order = "desc"), name(opclass = "varchar_pattern_ops", nulls = "first")),
        expression = "lower(name)",
        name = "events_mixed"
    ),
    // The index-wide form still sorts every key.
    index(columns(created_at, id), order = "desc", name = "events_all_desc")
)]
struct Event {
    #[column(primary_key, identity)]
    id: i64,
    tenant_id: i64,
    created_at: Option<SystemTime>,
    name: String,
}

#[test]
fn each_key_has_its_own_options() {
    let t = Event::definition();
    let keys = |name: &str| t.indexes.iter().find(|i| i.name.as_deref() == Some(name)).unwrap().keys.clone();
    assert_eq!(
        keys("events_tenant_recent"),
        [IndexKey::column("tenant_id"), IndexKey::column("created_at").desc().nulls(NullsOrder::Last)]
    );
    assert_eq!(keys("events_name_prefix"), [IndexKey::column("name").opclass("text_pattern_ops")]);
    // The expression key has no options: none was written for it, and none for the whole index.
    assert_eq!(
        keys("events_mixed"),
        [
            IndexKey::column("tenant_id").desc(),
            IndexKey::column("name").opclass("varchar_pattern_ops").nulls(NullsOrder::First),
            IndexKey::expression("lower(name)"),
        ]
    );
    assert_eq!(keys("events_all_desc"), [IndexKey::column("created_at").desc(), IndexKey::column("id").desc()]);
}

/// The index's definition as `pg_get_indexdef` prints it, and from the catalog each
/// key's operator class and `indoption` (bit 1: DESC, bit 2: NULLS FIRST).
fn read_back(c: &mut Client, name: &str) -> (String, Vec<String>, Vec<i16>) {
    let row = c
        .query_one(
            "SELECT pg_get_indexdef(i.indexrelid), \
                    ARRAY(SELECT o.opcname::text FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS u(oid, n) \
                          JOIN pg_opclass o ON o.oid = u.oid ORDER BY u.n), \
                    i.indoption::int2[] \
             FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
            &[&name],
        )
        .unwrap_or_else(|e| panic!("index {name}: {}", support::pg::describe_error(&e)));
    (row.get(0), row.get(1), row.get(2))
}

/// The plan of `sql` with sequential scans and sorts discouraged, as text.
fn plan(c: &mut Client, sql: &str) -> String {
    c.batch_execute("SET enable_seqscan = off; SET enable_sort = off").unwrap();
    let rows = c.query(&format!("EXPLAIN (COSTS OFF) {sql}"), &[]).unwrap();
    rows.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>().join("\n")
}

#[test]
fn per_key_options_reach_postgres() {
    let Some(db) = support::pg::test_db() else { return };
    let ddl = Schema::builder().table::<Event>().build().unwrap().to_ddl();
    if let Err(e) = db.apply_psql(&ddl) {
        panic!("the derived DDL does not apply: {e}\n{ddl}");
    }
    let mut c = db.client();
    let (def, opclasses, options) = read_back(&mut c, "events_tenant_recent");
    assert_eq!(def, "CREATE INDEX events_tenant_recent ON public.events USING btree (tenant_id, created_at DESC NULLS LAST)");
    assert_eq!(opclasses, ["int8_ops", "timestamptz_ops"]);
    // DESC NULLS LAST on the second key only (DESC alone would sort NULLs first: 3).
    assert_eq!(options, [0, 1]);
    let (def, opclasses, _) = read_back(&mut c, "events_name_prefix");
    assert_eq!(def, "CREATE INDEX events_name_prefix ON public.events USING btree (name text_pattern_ops)");
    assert_eq!(opclasses, ["text_pattern_ops"]);
    let (def, opclasses, options) = read_back(&mut c, "events_mixed");
    assert_eq!(
        def,
        "CREATE INDEX events_mixed ON public.events USING btree (tenant_id DESC, name varchar_pattern_ops NULLS FIRST, lower(name))"
    );
    assert_eq!(opclasses, ["int8_ops", "varchar_pattern_ops", "text_ops"]);
    assert_eq!(options, [3, 2, 0]);
    let (def, _, options) = read_back(&mut c, "events_all_desc");
    assert_eq!(def, "CREATE INDEX events_all_desc ON public.events USING btree (created_at DESC, id DESC)");
    assert_eq!(options, [3, 3]);

    // The order serves the query it was declared for: no sort above the scan.
    c.batch_execute(
        "INSERT INTO events (tenant_id, created_at, name) \
         SELECT n % 10, CASE WHEN n % 7 = 0 THEN NULL ELSE now() - n * interval '1 minute' END, 'ev' || n \
         FROM generate_series(1, 2000) AS n; ANALYZE events",
    )
    .unwrap();
    let recent = plan(&mut c, "SELECT id FROM events WHERE tenant_id = 3 ORDER BY created_at DESC NULLS LAST LIMIT 5");
    assert!(recent.contains("events_tenant_recent") && !recent.contains("Sort"), "{recent}");
    // The operator class serves prefix matches whatever the database's collation.
    let prefix = plan(&mut c, "SELECT id FROM events WHERE name LIKE 'ev12%'");
    assert!(prefix.contains("events_name_prefix"), "{prefix}");
}
