//! Live tests (issue 2): every constraint, index, comment and identifier the model
//! can declare, applied to a real PostgreSQL 15 and checked by BEHAVIOUR (a bad row
//! is refused with the right SQLSTATE) and by structured catalog read-back, not by
//! comparing DDL strings.
//!
//! Schemas are built with the hand builders (`pgarchitect::model::*`). Each test
//! gets its own database (`support::pg::test_db()`), so they run in parallel.

mod support;

use std::collections::BTreeSet;

use pgarchitect::model::*;
use pgarchitect::{Schema, SchemaBuilder, SqlType};
use postgres::Client;
use support::build;
use support::pg::{self, apply, exec, expect_sqlstate, one, q, TestDb};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------



/// A string constant, written here independently of the library's escaping.
fn lit(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}




fn bigint(name: &str) -> Column {
    Column::new(name, SqlType::BigInt)
}

fn fk(cols: &[&str], table: &str, refs: &[&str]) -> ForeignKey {
    ForeignKey::new(cols.iter().copied(), QualifiedName::public(table), refs.iter().copied())
}

// ---------------------------------------------------------------------------
// Constraints
// ---------------------------------------------------------------------------

/// UNIQUE on one column, on two columns, plain (two NULLs allowed) and
/// NULLS NOT DISTINCT (a second NULL refused): 23505 with the generated name.
#[test]
fn unique_constraints_reject_duplicates_with_23505() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("members")
                .column(bigint("id"))
                .column(Column::new("email", SqlType::Varchar(Some(120))))
                .column(bigint("tenant_id"))
                .column(Column::new("code", SqlType::Text))
                .column(Column::new("nickname", SqlType::Text).nullable())
                .column(Column::new("badge", SqlType::Text).nullable())
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["email"]))
                .unique(UniqueConstraint::new(["tenant_id", "code"]))
                .unique(UniqueConstraint::new(["nickname"]))
                .unique(UniqueConstraint::new(["badge"]).nulls_not_distinct()),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO members VALUES (1, 'a@x.io', 1, 'alpha', NULL, NULL)");

    let e =
        expect_sqlstate(c.execute("INSERT INTO members VALUES (1, 'b@x.io', 1, 'beta', 'b', 'b')", &[]), "23505", "duplicate primary key");
    assert_eq!(e.constraint(), Some("members_pkey"));
    let e = expect_sqlstate(c.execute("INSERT INTO members VALUES (2, 'a@x.io', 1, 'beta', 'b', 'b')", &[]), "23505", "duplicate email");
    assert_eq!(e.constraint(), Some("members_email_key"));

    // Composite: either column may repeat alone, never both together.
    exec(&mut c, "INSERT INTO members VALUES (3, 'c@x.io', 2, 'alpha', 'c', 'c')");
    exec(&mut c, "INSERT INTO members VALUES (4, 'd@x.io', 1, 'gamma', 'd', 'd')");
    let e = expect_sqlstate(
        c.execute("INSERT INTO members VALUES (5, 'e@x.io', 2, 'alpha', 'e', 'e')", &[]),
        "23505",
        "duplicate (tenant_id, code)",
    );
    assert_eq!(e.constraint(), Some("members_tenant_id_code_key"));

    // Plain unique: NULLs are distinct, so a second NULL nickname is fine.
    exec(&mut c, "INSERT INTO members VALUES (6, 'f@x.io', 3, 'f', NULL, 'f')");
    let nulls: i64 = one(&mut c, "SELECT count(*) FROM members WHERE nickname IS NULL");
    assert_eq!(nulls, 2);

    // NULLS NOT DISTINCT: member 1 already holds the one NULL badge.
    let e = expect_sqlstate(c.execute("INSERT INTO members VALUES (7, 'g@x.io', 3, 'g', 'g', NULL)", &[]), "23505", "second NULL badge");
    assert_eq!(e.constraint(), Some("members_badge_key"));
    let e = expect_sqlstate(c.execute("UPDATE members SET badge = NULL WHERE id = 3", &[]), "23505", "UPDATE to a second NULL badge");
    assert_eq!(e.constraint(), Some("members_badge_key"));

    let nnd: bool = one(&mut c, "SELECT indnullsnotdistinct FROM pg_index WHERE indexrelid = 'members_badge_key'::regclass");
    assert!(nnd, "members_badge_key must be NULLS NOT DISTINCT in pg_index");
}

/// Column checks and table checks (named and generated names) refuse rows with 23514,
/// both on INSERT and on UPDATE; rows that pass (including NULL, which CHECK accepts) are kept.
#[test]
fn check_constraints_reject_bad_rows_with_23514() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("bookings")
                .column(bigint("id"))
                .column(Column::new("seats", SqlType::Integer))
                .column(Column::new("price", SqlType::Numeric(Some((10, Some(2))))).nullable())
                .column(Column::new("starts_on", SqlType::Date))
                .column(Column::new("ends_on", SqlType::Date))
                .column(Column::new("status", SqlType::Text))
                .primary_key(["id"])
                .check(CheckConstraint::on_column("seats", "seats BETWEEN 1 AND 10"))
                .check(CheckConstraint::on_column("price", "price >= 0"))
                .check(CheckConstraint::new("starts_on < ends_on"))
                .check(CheckConstraint::new("status IN ('held', 'paid')").named("bookings_status_known")),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO bookings VALUES (1, 2, 10.50, '2026-01-01', '2026-01-03', 'held')");
    exec(&mut c, "INSERT INTO bookings VALUES (2, 10, NULL, '2026-01-01', '2026-01-02', 'paid')");

    let cases = [
        ("INSERT INTO bookings VALUES (3, 0, 1, '2026-01-01', '2026-01-03', 'held')", "bookings_seats_check"),
        ("INSERT INTO bookings VALUES (3, 11, 1, '2026-01-01', '2026-01-03', 'held')", "bookings_seats_check"),
        ("INSERT INTO bookings VALUES (3, 1, -0.01, '2026-01-01', '2026-01-03', 'held')", "bookings_price_check"),
        ("INSERT INTO bookings VALUES (3, 1, 1, '2026-01-03', '2026-01-03', 'held')", "bookings_check"),
        ("INSERT INTO bookings VALUES (3, 1, 1, '2026-01-01', '2026-01-03', 'lost')", "bookings_status_known"),
        ("UPDATE bookings SET ends_on = '2025-12-31' WHERE id = 1", "bookings_check"),
        ("UPDATE bookings SET seats = seats + 1 WHERE id = 2", "bookings_seats_check"),
    ];
    for (sql, constraint) in cases {
        let e = expect_sqlstate(c.execute(sql, &[]), "23514", sql);
        assert_eq!(e.constraint(), Some(constraint), "{sql}");
    }
    let n: i64 = one(&mut c, "SELECT count(*) FROM bookings");
    assert_eq!(n, 2);
    let kinds: Vec<String> = c
        .query("SELECT conname::text FROM pg_constraint WHERE conrelid = 'bookings'::regclass AND contype = 'c' ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kinds, ["bookings_check", "bookings_price_check", "bookings_seats_check", "bookings_status_known"]);
}

/// Foreign keys: orphans refused (23503), including composite keys and keys to a
/// UNIQUE (not primary) column; RESTRICT and NO ACTION refuse deleting a referenced
/// parent; CASCADE deletes (and ON UPDATE CASCADE updates) children; SET NULL and
/// SET DEFAULT rewrite them; DEFERRABLE INITIALLY DEFERRED accepts an orphan until
/// commit and fails the COMMIT.
#[test]
fn foreign_keys_are_enforced_with_their_actions() {
    let Some(db) = pg::test_db() else { return };
    let child = |name: &str, key: ForeignKey| {
        let nullable = matches!(key.on_delete, Some(ReferentialAction::SetNull));
        let parent_col = if nullable { bigint("parent_id").nullable() } else { bigint("parent_id") };
        let parent_col =
            if matches!(key.on_delete, Some(ReferentialAction::SetDefault)) { parent_col.default_expr("0") } else { parent_col };
        Table::new(name).column(bigint("id")).column(parent_col).primary_key(["id"]).foreign_key(key).index(Index::on(["parent_id"]))
    };
    let schema = build(
        Schema::builder()
            .add_table(
                Table::new("parents")
                    .column(bigint("id"))
                    .column(Column::new("code", SqlType::Text))
                    .primary_key(["id"])
                    .unique(UniqueConstraint::new(["code"])),
            )
            .add_table(child("c_restrict", fk(&["parent_id"], "parents", &["id"]).on_delete(ReferentialAction::Restrict)))
            .add_table(child("c_noaction", fk(&["parent_id"], "parents", &["id"])))
            .add_table(child(
                "c_cascade",
                fk(&["parent_id"], "parents", &["id"]).on_delete(ReferentialAction::Cascade).on_update(ReferentialAction::Cascade),
            ))
            .add_table(child("c_setnull", fk(&["parent_id"], "parents", &["id"]).on_delete(ReferentialAction::SetNull)))
            .add_table(child("c_setdefault", fk(&["parent_id"], "parents", &["id"]).on_delete(ReferentialAction::SetDefault)))
            .add_table(child("c_deferred", fk(&["parent_id"], "parents", &["id"]).deferrable(Deferrable::InitiallyDeferred)))
            .add_table(
                Table::new("c_by_code")
                    .column(bigint("id"))
                    .column(Column::new("parent_code", SqlType::Text))
                    .primary_key(["id"])
                    .foreign_key(fk(&["parent_code"], "parents", &["code"])),
            )
            .add_table(
                Table::new("pairs")
                    .column(Column::new("a", SqlType::Integer))
                    .column(Column::new("b", SqlType::Text))
                    .primary_key(["a", "b"]),
            )
            .add_table(
                Table::new("pair_refs")
                    .column(bigint("id"))
                    .column(Column::new("pa", SqlType::Integer))
                    .column(Column::new("pb", SqlType::Text))
                    .primary_key(["id"])
                    .foreign_key(fk(&["pa", "pb"], "pairs", &["a", "b"]).on_delete(ReferentialAction::Cascade)),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO parents VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four'), (5, 'five'), (6, 'six')");
    exec(&mut c, "INSERT INTO pairs VALUES (1, 'x'), (2, 'y')");

    // Orphans.
    for (sql, constraint) in [
        ("INSERT INTO c_restrict VALUES (1, 99)", "c_restrict_parent_id_fkey"),
        ("INSERT INTO c_noaction VALUES (1, 99)", "c_noaction_parent_id_fkey"),
        ("INSERT INTO c_cascade VALUES (1, 99)", "c_cascade_parent_id_fkey"),
        ("INSERT INTO c_setnull VALUES (1, 99)", "c_setnull_parent_id_fkey"),
        ("INSERT INTO c_by_code VALUES (1, 'ninety-nine')", "c_by_code_parent_code_fkey"),
        ("INSERT INTO pair_refs VALUES (1, 1, 'y')", "pair_refs_pa_pb_fkey"),
    ] {
        let e = expect_sqlstate(c.execute(sql, &[]), "23503", sql);
        assert_eq!(e.constraint(), Some(constraint), "{sql}");
    }

    exec(&mut c, "INSERT INTO c_restrict VALUES (1, 1)");
    exec(&mut c, "INSERT INTO c_noaction VALUES (1, 2)");
    exec(&mut c, "INSERT INTO c_cascade VALUES (1, 3), (2, 3), (3, 6)");
    exec(&mut c, "INSERT INTO c_setnull VALUES (1, 4), (2, 4)");
    exec(&mut c, "INSERT INTO c_setdefault VALUES (1, 5)");
    exec(&mut c, "INSERT INTO c_by_code VALUES (1, 'two')");
    exec(&mut c, "INSERT INTO pair_refs VALUES (1, 1, 'x'), (2, 2, 'y')");

    // RESTRICT and NO ACTION keep the parent.
    expect_sqlstate(c.execute("DELETE FROM parents WHERE id = 1", &[]), "23503", "delete parent under RESTRICT");
    expect_sqlstate(c.execute("DELETE FROM parents WHERE id = 2", &[]), "23503", "delete parent under NO ACTION (and c_by_code)");
    expect_sqlstate(c.execute("UPDATE parents SET code = 'TWO' WHERE id = 2", &[]), "23503", "update a referenced unique key");

    // CASCADE on delete and on update.
    exec(&mut c, "UPDATE parents SET id = 60 WHERE id = 6");
    let moved: i64 = one(&mut c, "SELECT parent_id FROM c_cascade WHERE id = 3");
    assert_eq!(moved, 60, "ON UPDATE CASCADE");
    assert_eq!(exec(&mut c, "DELETE FROM parents WHERE id = 3"), 1);
    let left: Vec<i64> = c.query("SELECT id FROM c_cascade ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(left, [3], "ON DELETE CASCADE removes only the deleted parent's children");
    exec(&mut c, "DELETE FROM pairs WHERE a = 1");
    let left: i64 = one(&mut c, "SELECT count(*) FROM pair_refs");
    assert_eq!(left, 1, "composite ON DELETE CASCADE");

    // SET NULL and SET DEFAULT.
    exec(&mut c, "DELETE FROM parents WHERE id = 4");
    let nulls: i64 = one(&mut c, "SELECT count(*) FROM c_setnull WHERE parent_id IS NULL");
    assert_eq!(nulls, 2, "ON DELETE SET NULL");
    exec(&mut c, "DELETE FROM parents WHERE id = 5");
    let d: i64 = one(&mut c, "SELECT parent_id FROM c_setdefault WHERE id = 1");
    assert_eq!(d, 0, "ON DELETE SET DEFAULT");

    // DEFERRABLE INITIALLY DEFERRED: the orphan is accepted until COMMIT...
    let mut tx = c.transaction().unwrap();
    tx.execute("INSERT INTO c_deferred VALUES (1, 777)", &[]).expect("a deferred FK accepts an orphan inside the transaction");
    let seen: i64 = tx.query_one("SELECT count(*) FROM c_deferred", &[]).unwrap().get(0);
    assert_eq!(seen, 1);
    expect_sqlstate(tx.commit(), "23503", "COMMIT with a deferred orphan");
    // ...and a parent inserted later in the same transaction satisfies it.
    let mut tx = c.transaction().unwrap();
    tx.execute("INSERT INTO c_deferred VALUES (1, 777)", &[]).unwrap();
    tx.execute("INSERT INTO parents VALUES (777, 'late')", &[]).unwrap();
    tx.commit().expect("the deferred FK is satisfied at commit");
    // A non-deferrable FK fails at the statement, inside a transaction too.
    let mut tx = c.transaction().unwrap();
    expect_sqlstate(tx.execute("INSERT INTO c_restrict VALUES (2, 888)", &[]), "23503", "immediate FK inside a transaction");
    drop(tx);

    let deferrable: Vec<(String, bool, bool)> = c
        .query(
            "SELECT conname::text, condeferrable, condeferred FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('c_deferred'::regclass, 'c_restrict'::regclass) ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(deferrable, [("c_deferred_parent_id_fkey".to_owned(), true, true), ("c_restrict_parent_id_fkey".to_owned(), false, false)]);
    let actions: Vec<(String, String, String)> = c
        .query(
            "SELECT conrelid::regclass::text, confdeltype::text, confupdtype::text FROM pg_constraint WHERE contype = 'f' AND confrelid = 'parents'::regclass ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected = [
        ("c_by_code", "a", "a"),
        ("c_cascade", "c", "c"),
        ("c_deferred", "a", "a"),
        ("c_noaction", "a", "a"),
        ("c_restrict", "r", "a"),
        ("c_setdefault", "d", "a"),
        ("c_setnull", "n", "a"),
    ];
    let expected: Vec<(String, String, String)> = expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(actions, expected, "confdeltype/confupdtype as declared");
}

/// NOT NULL columns refuse NULL (explicit, or omitted without a default) with 23502
/// naming the column; nullable columns take NULL; primary key columns are NOT NULL.
#[test]
fn not_null_rejects_null_with_23502() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("profiles")
                .column(bigint("id"))
                .column(Column::new("handle", SqlType::Varchar(Some(30))))
                .column(Column::new("bio", SqlType::Text).nullable())
                .column(Column::new("tags", SqlType::Text.array()).default_expr("'{}'"))
                .primary_key(["id"]),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO profiles (id, handle) VALUES (1, 'ann')");
    let tags: Vec<String> = one(&mut c, "SELECT tags FROM profiles WHERE id = 1");
    assert!(tags.is_empty(), "the default fills a NOT NULL column that was omitted");
    let bio: Option<String> = one(&mut c, "SELECT bio FROM profiles WHERE id = 1");
    assert_eq!(bio, None);

    for (sql, column) in [
        ("INSERT INTO profiles (id, handle) VALUES (2, NULL)", "handle"),
        ("INSERT INTO profiles (id) VALUES (2)", "handle"),
        ("INSERT INTO profiles (id, handle) VALUES (NULL, 'bob')", "id"),
        ("INSERT INTO profiles (id, handle, tags) VALUES (2, 'bob', NULL)", "tags"),
        ("UPDATE profiles SET handle = NULL", "handle"),
    ] {
        let e = expect_sqlstate(c.execute(sql, &[]), "23502", sql);
        assert_eq!(e.column(), Some(column), "{sql}");
    }
    let not_null: Vec<(String, bool)> = c
        .query(
            "SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'profiles'::regclass AND attnum > 0 ORDER BY attnum",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected = [("id", true), ("handle", true), ("bio", false), ("tags", true)];
    assert_eq!(not_null, expected.iter().map(|(n, b)| (n.to_string(), *b)).collect::<Vec<_>>());
}

/// GENERATED ALWAYS AS IDENTITY refuses an explicit value (428C9) unless
/// OVERRIDING SYSTEM VALUE; BY DEFAULT takes an explicit value; both generate 1, 2, ...
#[test]
fn identity_always_refuses_explicit_values_by_default_accepts_them() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .add_table(
                Table::new("always_ids")
                    .column(bigint("id").identity(Identity::Always))
                    .column(Column::new("note", SqlType::Text))
                    .primary_key(["id"]),
            )
            .add_table(
                Table::new("default_ids")
                    .column(Column::new("id", SqlType::Integer).identity(Identity::ByDefault))
                    .column(Column::new("note", SqlType::Text))
                    .primary_key(["id"]),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    let a: i64 = one(&mut c, "INSERT INTO always_ids (note) VALUES ('a') RETURNING id");
    let b: i64 = one(&mut c, "INSERT INTO always_ids (note) VALUES ('b') RETURNING id");
    assert_eq!((a, b), (1, 2));
    expect_sqlstate(c.execute("INSERT INTO always_ids (id, note) VALUES (100, 'x')", &[]), "428C9", "explicit value into ALWAYS");
    expect_sqlstate(c.execute("UPDATE always_ids SET id = 100 WHERE id = 1", &[]), "428C9", "UPDATE of an ALWAYS identity");
    let forced: i64 = one(&mut c, "INSERT INTO always_ids (id, note) OVERRIDING SYSTEM VALUE VALUES (100, 'x') RETURNING id");
    assert_eq!(forced, 100);

    let x: i32 = one(&mut c, "INSERT INTO default_ids (id, note) VALUES (50, 'explicit') RETURNING id");
    assert_eq!(x, 50);
    let g: i32 = one(&mut c, "INSERT INTO default_ids (note) VALUES ('generated') RETURNING id");
    assert_eq!(g, 1);
    exec(&mut c, "UPDATE default_ids SET id = 51 WHERE id = 50");

    let kinds: Vec<(String, String)> = c
        .query(
            "SELECT attrelid::regclass::text, attidentity::text FROM pg_attribute WHERE attname = 'id' AND attrelid IN ('always_ids'::regclass, 'default_ids'::regclass) ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(kinds, [("always_ids".to_owned(), "a".to_owned()), ("default_ids".to_owned(), "d".to_owned())]);
}

/// Default expressions and `default_text` literals produce exactly the intended
/// values, including quotes, backslashes, `E'...'`-looking text, psql `:variables`,
/// dollar quotes, newlines and unicode; also when the script is applied with
/// `standard_conforming_strings = off`.
#[test]
fn defaults_produce_exact_values() {
    let texts: &[&str] = &[
        "plain",
        "",
        "it's",
        "''",
        r"back\slash",
        r"\\double\\",
        r"trailing\",
        r"\'",
        r"E'\x41'",
        "'; DROP TABLE victims; --",
        "$$dollar$$ $body$",
        ":ON_ERROR_STOP :'x' :\"y\"",
        "line1\nline2\r\n\ttabbed",
        "naïve — ☃ 日本語 🎉",
        "\u{1F600}\u{200B}zero-width",
    ];
    let mut table = Table::new("defaults")
        .column(bigint("id"))
        .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
        .column(Column::new("counter", SqlType::Integer).default_expr("0"))
        .column(Column::new("product", SqlType::Integer).default_expr("6 * 7"))
        .column(Column::new("doc", SqlType::Jsonb).default_expr("'{\"a\": [1, 2]}'::jsonb"))
        .column(Column::new("tags", SqlType::Text.array()).default_expr("'{}'"))
        .column(Column::new("token", SqlType::Uuid).default_expr("gen_random_uuid()"))
        .column(Column::new("flag", SqlType::Boolean).default_expr("true"))
        .column(Column::new("code", SqlType::Varchar(Some(10))).default_text("v-1"))
        .column(Column::new("mood", SqlType::Named(QualifiedName::public("mood"))).default_text("it's ok"))
        .primary_key(["id"]);
    for (i, t) in texts.iter().enumerate() {
        table = table.column(Column::new(format!("t{i}"), SqlType::Text).default_text(t));
    }
    let schema = build(
        Schema::builder()
            .enum_type(EnumType::new("mood", ["fine", "it's ok"]))
            .add_table(table)
            .add_table(Table::new("victims").column(bigint("id")).primary_key(["id"])),
    );
    let ddl = schema.to_ddl();

    for scs in ["on", "off"] {
        let Some(db) = pg::test_db() else { return };
        let script = format!("SET standard_conforming_strings = {scs};\n{ddl}");
        db.apply_psql(&script).unwrap_or_else(|e| panic!("standard_conforming_strings={scs}: {e}\n{ddl}"));
        let mut c = db.client();
        let mut tx = c.transaction().unwrap();
        tx.execute("INSERT INTO defaults (id) VALUES (1), (2)", &[]).unwrap();
        let row = tx
            .query_one(
                "SELECT created_at = now(), counter, product, doc = '{\"a\": [1, 2]}'::jsonb, tags, token IS NOT NULL, flag, code, mood::text \
                 FROM defaults WHERE id = 1",
                &[],
            )
            .unwrap();
        assert!(row.get::<_, bool>(0), "created_at DEFAULT now() is the transaction time");
        assert_eq!(row.get::<_, i32>(1), 0);
        assert_eq!(row.get::<_, i32>(2), 42);
        assert!(row.get::<_, bool>(3), "jsonb default");
        assert!(row.get::<_, Vec<String>>(4).is_empty());
        assert!(row.get::<_, bool>(5));
        assert!(row.get::<_, bool>(6));
        assert_eq!(row.get::<_, String>(7), "v-1");
        assert_eq!(row.get::<_, String>(8), "it's ok", "enum default_text");
        let distinct: i64 = tx.query_one("SELECT count(DISTINCT token) FROM defaults", &[]).unwrap().get(0);
        assert_eq!(distinct, 2, "gen_random_uuid() is evaluated per row");
        for (i, t) in texts.iter().enumerate() {
            let got: String = tx.query_one(&format!("SELECT t{i} FROM defaults WHERE id = 1"), &[]).unwrap().get(0);
            assert_eq!(&got, t, "default_text({t:?}) with standard_conforming_strings={scs}");
        }
        tx.commit().unwrap();
        let victims: bool = one(&mut c, "SELECT to_regclass('public.victims') IS NOT NULL");
        assert!(victims, "a default broke out of its literal");
    }
}

// ---------------------------------------------------------------------------
// Indexes
// ---------------------------------------------------------------------------

#[derive(Debug)]
struct IndexInfo {
    am: String,
    unique: bool,
    key_atts: i16,
    all_atts: i16,
    partial: bool,
    has_expressions: bool,
    nulls_not_distinct: bool,
    /// `opclass/am` of each key column.
    opclasses: Vec<String>,
    /// `indoption` per key column: bit 1 = DESC, bit 2 = NULLS FIRST.
    options: Vec<i16>,
    /// Each column or expression, key columns then INCLUDE columns.
    columns: Vec<String>,
    def: String,
    table: String,
    predicate: Option<String>,
}

fn index_info(c: &mut Client, name: &str) -> IndexInfo {
    let sql = "SELECT am.amname::text, i.indisunique, i.indnkeyatts, i.indnatts, i.indpred IS NOT NULL, i.indexprs IS NOT NULL, \
                      i.indnullsnotdistinct, \
                      ARRAY(SELECT o.opcname::text || '/' || oam.amname::text \
                              FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS u(oid, n) \
                              JOIN pg_opclass o ON o.oid = u.oid JOIN pg_am oam ON oam.oid = o.opcmethod ORDER BY u.n), \
                      i.indoption::int2[], \
                      ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) AS k), \
                      pg_get_indexdef(i.indexrelid), i.indrelid::regclass::text, pg_get_expr(i.indpred, i.indrelid, true) \
               FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam \
               WHERE c.oid = to_regclass($1)";
    let rows = c.query(sql, &[&name]).unwrap_or_else(|e| panic!("{}", pg::describe_error(&e)));
    assert_eq!(rows.len(), 1, "index {name} does not exist");
    let r = &rows[0];
    IndexInfo {
        am: r.get(0),
        unique: r.get(1),
        key_atts: r.get(2),
        all_atts: r.get(3),
        partial: r.get(4),
        has_expressions: r.get(5),
        nulls_not_distinct: r.get(6),
        opclasses: r.get(7),
        options: r.get(8),
        columns: r.get(9),
        def: r.get(10),
        table: r.get(11),
        predicate: r.get(12),
    }
}

/// Every access method and index option, read back from pg_index / pg_am /
/// pg_opclass as structured columns (method, uniqueness, key vs INCLUDE columns,
/// operator classes, DESC/NULLS bits, expressions, predicate), plus
/// `pg_get_indexdef`; and the NULLS NOT DISTINCT index refuses a second NULL.
#[test]
fn every_index_kind_exists_as_declared() {
    let Some(db) = pg::test_db() else { return };
    let range = SqlType::Named(QualifiedName::unqualified("tstzrange"));
    let schema = build(
        Schema::builder().add_table(
            Table::new("items")
                .column(bigint("id"))
                .column(Column::new("email", SqlType::Text))
                .column(Column::new("title", SqlType::Text))
                .column(Column::new("label", SqlType::Text).nullable())
                .column(Column::new("score", SqlType::Integer).nullable())
                .column(Column::new("tags", SqlType::Text.array()))
                .column(Column::new("doc", SqlType::Jsonb))
                .column(Column::new("ip", SqlType::Inet))
                .column(Column::new("during", range).nullable())
                .column(Column::new("created_at", SqlType::Timestamptz))
                .column(Column::new("deleted_at", SqlType::Timestamptz).nullable())
                .primary_key(["id"])
                .index(
                    Index::with_keys([
                        IndexKey::column("score").desc().nulls(NullsOrder::Last),
                        IndexKey::column("created_at").nulls(NullsOrder::First),
                        IndexKey::column("title").desc(),
                        IndexKey::column("email").asc(),
                    ])
                    .include(["label", "id"])
                    .named("ix_btree_cover"),
                )
                .index(Index::on(["email"]).using(IndexMethod::Hash))
                .index(Index::on(["tags"]).using(IndexMethod::Gin))
                .index(Index::with_keys([IndexKey::column("doc").opclass("jsonb_path_ops")]).using(IndexMethod::Gin))
                .index(Index::with_keys([IndexKey::column("title").opclass("gin_trgm_ops")]).using(IndexMethod::Gin).named("ix_title_trgm"))
                .index(Index::on(["during"]).using(IndexMethod::Gist))
                .index(Index::with_keys([IndexKey::column("ip").opclass("inet_ops")]).using(IndexMethod::Gist).named("ix_ip_gist"))
                .index(Index::on(["created_at"]).using(IndexMethod::Brin))
                .index(Index::on(["ip"]).using(IndexMethod::SpGist).named("ix_ip_spgist"))
                .index(Index::on(["title"]).using(IndexMethod::SpGist).named("ix_title_spgist"))
                .index(Index::with_keys([IndexKey::expression("lower(email)")]))
                .index(Index::on(["email"]).unique().live_rows().named("ix_email_live"))
                .index(Index::on(["label"]).unique().nulls_not_distinct().named("ix_label_nnd")),
        ),
    );
    assert!(schema.extensions().iter().any(|e| e.name == "pg_trgm"), "gin_trgm_ops must pull in pg_trgm");
    assert!(
        !schema.extensions().iter().any(|e| e.name == "btree_gist"),
        "no btree_gist needed: the GiST keys are a range and inet with an explicit opclass"
    );
    apply(&db, &schema);
    let mut c = db.client();

    let i = index_info(&mut c, "ix_btree_cover");
    assert_eq!((i.am.as_str(), i.unique, i.key_atts, i.all_atts), ("btree", false, 4, 6), "{i:?}");
    assert_eq!(i.options, [1, 2, 3, 0], "DESC NULLS LAST=1, ASC NULLS FIRST=2, DESC (NULLS FIRST)=3, ASC=0: {i:?}");
    assert_eq!(i.opclasses, ["int4_ops/btree", "timestamptz_ops/btree", "text_ops/btree", "text_ops/btree"]);
    assert_eq!(i.columns, ["score", "created_at", "title", "email", "label", "id"]);
    assert_eq!(i.table, "items");
    assert!(
        i.def.ends_with("USING btree (score DESC NULLS LAST, created_at NULLS FIRST, title DESC, email) INCLUDE (label, id)"),
        "{}",
        i.def
    );

    let i = index_info(&mut c, "idx_items_email");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice(), i.key_atts), ("hash", &["text_ops/hash".to_owned()][..], 1), "{i:?}");

    let i = index_info(&mut c, "idx_items_tags");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("gin", &["array_ops/gin".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "idx_items_doc");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("gin", &["jsonb_path_ops/gin".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "ix_title_trgm");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("gin", &["gin_trgm_ops/gin".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "idx_items_during");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("gist", &["range_ops/gist".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "ix_ip_gist");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("gist", &["inet_ops/gist".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "idx_items_created_at");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("brin", &["timestamptz_minmax_ops/brin".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "ix_ip_spgist");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("spgist", &["inet_ops/spgist".to_owned()][..]), "{i:?}");
    let i = index_info(&mut c, "ix_title_spgist");
    assert_eq!((i.am.as_str(), i.opclasses.as_slice()), ("spgist", &["text_ops/spgist".to_owned()][..]), "{i:?}");

    let i = index_info(&mut c, "idx_items_lower_email");
    assert_eq!(i.am, "btree");
    assert!(i.has_expressions && !i.partial && !i.unique, "{i:?}");
    assert_eq!(i.columns, ["lower(email)"]);
    let keys: Vec<i16> = one(&mut c, "SELECT indkey::int2[] FROM pg_index WHERE indexrelid = 'idx_items_lower_email'::regclass");
    assert_eq!(keys, [0], "an expression key has attnum 0 in indkey");

    let i = index_info(&mut c, "ix_email_live");
    assert!(i.unique && i.partial && !i.nulls_not_distinct, "{i:?}");
    assert_eq!(i.predicate.as_deref(), Some("deleted_at IS NULL"));

    let i = index_info(&mut c, "ix_label_nnd");
    assert!(i.unique && i.nulls_not_distinct && !i.partial, "{i:?}");
    assert!(i.def.ends_with("(label) NULLS NOT DISTINCT"), "{}", i.def);

    // Exactly these indexes (and the primary key's), nothing else.
    let names: BTreeSet<String> = c
        .query("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'items'::regclass", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected: BTreeSet<String> = [
        "items_pkey",
        "ix_btree_cover",
        "idx_items_email",
        "idx_items_tags",
        "idx_items_doc",
        "ix_title_trgm",
        "idx_items_during",
        "ix_ip_gist",
        "idx_items_created_at",
        "ix_ip_spgist",
        "ix_title_spgist",
        "idx_items_lower_email",
        "ix_email_live",
        "ix_label_nnd",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(names, expected);

    // Behaviour: the unique NULLS NOT DISTINCT index refuses a second NULL label.
    exec(
        &mut c,
        "INSERT INTO items SELECT g, 'u' || g || '@x.io', 'title ' || g, NULL, g, ARRAY['t' || (g % 10)], jsonb_build_object('k', g), \
         ('10.0.' || (g / 250) || '.' || (g % 250))::inet, NULL, now(), NULL FROM generate_series(1, 1) g",
    );
    let e = expect_sqlstate(
        c.execute("INSERT INTO items VALUES (2, 'v@x.io', 't', NULL, 1, '{}', '{}', '10.9.9.9', NULL, now(), NULL)", &[]),
        "23505",
        "second NULL label",
    );
    assert_eq!(e.constraint(), Some("ix_label_nnd"));
}

/// A partial unique index (`live_rows()`): two live rows cannot share an email,
/// a soft-deleted row can share it with a live one, and restoring the deleted row
/// while a live one holds the email is refused.
#[test]
fn partial_unique_index_applies_only_to_live_rows() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder().add_table(
            Table::new("accounts")
                .column(bigint("id"))
                .column(Column::new("email", SqlType::Text))
                .primary_key(["id"])
                .soft_delete()
                .index(Index::on(["email"]).unique().live_rows()),
        ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    exec(&mut c, "INSERT INTO accounts (id, email) VALUES (1, 'a@x.io')");
    let e = expect_sqlstate(c.execute("INSERT INTO accounts (id, email) VALUES (2, 'a@x.io')", &[]), "23505", "two live rows");
    assert_eq!(e.constraint(), Some("idx_accounts_email"));
    exec(&mut c, "UPDATE accounts SET deleted_at = now() WHERE id = 1");
    exec(&mut c, "INSERT INTO accounts (id, email) VALUES (2, 'a@x.io')");
    exec(&mut c, "INSERT INTO accounts (id, email, deleted_at) VALUES (3, 'a@x.io', now())");
    expect_sqlstate(c.execute("UPDATE accounts SET deleted_at = NULL WHERE id = 1", &[]), "23505", "restoring a deleted duplicate");
    let n: i64 = one(&mut c, "SELECT count(*) FROM accounts WHERE email = 'a@x.io'");
    assert_eq!(n, 3);
}

// ---------------------------------------------------------------------------
// Comments and identifiers
// ---------------------------------------------------------------------------

/// Comments on a table, columns, an index, an enum type and a domain read back
/// through obj_description / col_description byte-for-byte, whatever they contain;
/// a comment that tries to break out of its literal does not run SQL.
#[test]
fn comments_read_back_exactly() {
    let tricky: &[&str] = &[
        "it's \"quoted\" ''twice''",
        r"back\slash \\ double \n not-a-newline \x41",
        "'; DROP TABLE victims; --",
        "'); DROP TABLE victims; --\\",
        "naïve — ☃ 日本語 🎉 \u{200B}",
        "line one\nline two\r\n\tindented\n",
        "$$ $body$ $comment$ dollar-quote tags",
        ":ON_ERROR_STOP :'ON_ERROR_STOP' :\"ON_ERROR_STOP\" \\gexec \\! echo",
        r"E'\'' U&'\0041'",
        "",
    ];
    let mut table = Table::new("notes").column(bigint("id")).primary_key(["id"]).comment(tricky.join(" | "));
    for (i, t) in tricky.iter().enumerate() {
        table = table.column(Column::new(format!("c{i}"), SqlType::Text).nullable().comment(*t));
        table = table.index(Index::on([format!("c{i}")]).comment(*t));
    }
    let schema = build(
        Schema::builder()
            .enum_type(EnumType::new("note_kind", ["a", "b"]).comment(tricky[1]))
            .domain(Domain::new("short_text", SqlType::Varchar(Some(10))).comment(tricky[2]))
            .add_table(table)
            .add_table(Table::new("victims").column(bigint("id")).primary_key(["id"]).comment(tricky[3])),
    );
    let Some(db) = pg::test_db() else { return };
    apply(&db, &schema);
    let mut c = db.client();

    let table_comment: Option<String> = one(&mut c, "SELECT obj_description('notes'::regclass, 'pg_class')");
    assert_eq!(table_comment.as_deref(), Some(tricky.join(" | ").as_str()));
    for (i, t) in tricky.iter().enumerate() {
        let col: Option<String> = c
            .query_one(
                "SELECT col_description('notes'::regclass, attnum) FROM pg_attribute WHERE attrelid = 'notes'::regclass AND attname = $1",
                &[&format!("c{i}")],
            )
            .unwrap()
            .get(0);
        let idx: Option<String> =
            c.query_one("SELECT obj_description(to_regclass($1), 'pg_class')", &[&format!("idx_notes_c{i}")]).unwrap().get(0);
        // PostgreSQL stores an empty comment as no comment at all.
        let expected = if t.is_empty() { None } else { Some(t.to_string()) };
        assert_eq!(col, expected, "column comment {i}");
        assert_eq!(idx, expected, "index comment {i}");
    }
    let enum_comment: Option<String> = one(&mut c, "SELECT obj_description('note_kind'::regtype, 'pg_type')");
    assert_eq!(enum_comment.as_deref(), Some(tricky[1]));
    let domain_comment: Option<String> = one(&mut c, "SELECT obj_description('short_text'::regtype, 'pg_type')");
    assert_eq!(domain_comment.as_deref(), Some(tricky[2]));
    let victims: Option<String> = one(&mut c, "SELECT obj_description(to_regclass('public.victims'), 'pg_class')");
    assert_eq!(victims.as_deref(), Some(tricky[3]), "the victims table must still exist, with its comment");
}

/// Tables, columns, enum types and labels named with reserved words, mixed case,
/// spaces, quotes, psql-variable syntax, unicode and exactly 63 bytes (ASCII and
/// multibyte) round-trip exactly through information_schema / pg_attribute /
/// pg_enum, and the keys between them work.
#[test]
fn odd_identifiers_round_trip_exactly() {
    let long_ascii = format!("t{}", "x".repeat(62));
    let long_multi = "表".repeat(21); // 63 bytes
    let long_col = format!("C{}", "o".repeat(62));
    assert_eq!((long_ascii.len(), long_multi.len(), long_col.len()), (63, 63, 63));
    let table_names: Vec<String> = [
        "user",
        "order",
        "select",
        "MixedCase",
        "with space",
        "quo\"te",
        "ünï_表",
        ":ON_ERROR_STOP",
        "1st",
        "$dollar",
        long_ascii.as_str(),
        long_multi.as_str(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let column_names: Vec<String> =
        ["select", "Order", "from where", "\"", "col 😀", "user", "a'b", long_col.as_str()].iter().map(|s| s.to_string()).collect();
    let enum_name = "Status \"Kind\"";
    let labels = ["it's", r"a\b", "☃", "UPPER", "with space", "select"];

    let mut builder = Schema::builder().enum_type(EnumType::new(enum_name, labels));
    for (n, t) in table_names.iter().enumerate() {
        let mut table = Table::new(t.as_str());
        for col in &column_names {
            table = table.column(Column::new(col.as_str(), SqlType::Text));
        }
        table = table.column(Column::new("state", SqlType::Named(QualifiedName::public(enum_name))).nullable());
        let mut pk = PrimaryKey::new(["select"]);
        if t.len() > 50 {
            pk = pk.named(format!("long_pk_{n}"));
        }
        table.primary_key = Some(pk);
        if t.len() <= 40 {
            table = table.index(Index::on(["from where"])).unique(UniqueConstraint::new(["Order", "col 😀"]));
        }
        if t != "user" {
            table = table.foreign_key(fk(&["user"], "user", &["select"]).named(format!("fk_user_{n}")));
        }
        builder = builder.add_table(table);
    }
    let schema = build(builder);
    let Some(db) = pg::test_db() else { return };
    apply(&db, &schema);
    let mut c = db.client();

    let found: BTreeSet<(String, String, i32)> = c
        .query(
            "SELECT table_name::text, column_name::text, ordinal_position::int FROM information_schema.columns WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let mut expected = BTreeSet::new();
    for t in &table_names {
        for (i, col) in column_names.iter().chain(std::iter::once(&"state".to_owned())).enumerate() {
            expected.insert((t.clone(), col.clone(), i as i32 + 1));
        }
    }
    assert_eq!(found, expected, "tables and columns in information_schema");

    let attnames: Vec<String> = c
        .query(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = (SELECT oid FROM pg_class WHERE relname = $1) AND attnum > 0 ORDER BY attnum",
            &[&long_multi],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(attnames.len(), column_names.len() + 1);
    assert_eq!(attnames[column_names.len() - 1], long_col);
    let octets: i32 = c.query_one("SELECT octet_length(relname::text) FROM pg_class WHERE relname = $1", &[&long_multi]).unwrap().get(0);
    assert_eq!(octets, 63, "the 63-byte multibyte name is stored whole, not truncated");

    let got_labels: Vec<String> = c
        .query(
            "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder",
            &[&enum_name],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(got_labels, labels);

    // Behaviour through the odd names: insert, read back, FK and unique enforced.
    let cols = column_names.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    let row = |key: &str, user: &str| {
        let vals: Vec<String> = column_names
            .iter()
            .map(|c| {
                if c == "select" {
                    lit(key)
                } else if c == "user" {
                    lit(user)
                } else {
                    lit(&format!("{key}:{c}"))
                }
            })
            .collect();
        vals.join(", ")
    };
    exec(&mut c, &format!("INSERT INTO {} ({cols}, state) VALUES ({}, {})", q("user"), row("u1", "u1"), lit("it's")));
    for t in table_names.iter().filter(|t| t.as_str() != "user") {
        exec(&mut c, &format!("INSERT INTO {} ({cols}, state) VALUES ({}, {})", q(t), row("k1", "u1"), lit(r"a\b")));
        expect_sqlstate(
            c.execute(&format!("INSERT INTO {} ({cols}) VALUES ({})", q(t), row("k2", "nobody")), &[]),
            "23503",
            &format!("FK from {t:?}"),
        );
        expect_sqlstate(
            c.execute(&format!("INSERT INTO {} ({cols}) VALUES ({})", q(t), row("k1", "u1")), &[]),
            "23505",
            &format!("PK of {t:?}"),
        );
        let back: String = one(&mut c, &format!("SELECT {} || '/' || state::text FROM {} WHERE {} = 'k1'", q("col 😀"), q(t), q("select")));
        assert_eq!(back, r"k1:col 😀/a\b");
    }
}

/// Every keyword the server knows (`pg_get_keywords()`: reserved, column-name,
/// type/function-name and unreserved) works as a column name, an index name and a
/// constraint name, and round-trips exactly.
#[test]
fn every_server_keyword_works_as_a_name() {
    let Some(db) = pg::test_db() else { return };
    let mut c = db.client();
    let keywords: Vec<String> =
        c.query("SELECT word FROM pg_get_keywords() ORDER BY word", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert!(keywords.len() > 400, "{}", keywords.len());
    let mut table = Table::new("keywords").column(bigint("pk_id")).primary_key(["pk_id"]);
    for k in &keywords {
        table = table.column(Column::new(k.as_str(), SqlType::Integer).nullable());
    }
    for k in keywords.iter().step_by(7) {
        table = table.index(Index::on([k.as_str()]).named(k.as_str()));
        table = table.check(CheckConstraint::on_column(k.as_str(), format!("{} > 0", q(k))).named(k.as_str()));
    }
    let schema = build(Schema::builder().add_table(table));
    apply(&db, &schema);
    let columns: Vec<String> = c
        .query("SELECT attname::text FROM pg_attribute WHERE attrelid = 'keywords'::regclass AND attnum > 1 ORDER BY attnum", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(columns, keywords);
    let indexes: i64 = one(&mut c, "SELECT count(*) FROM pg_index WHERE indrelid = 'keywords'::regclass");
    assert_eq!(indexes as usize, 1 + keywords.iter().step_by(7).count());
    let k = &keywords[7];
    expect_sqlstate(c.execute(&format!("INSERT INTO keywords (pk_id, {}) VALUES (1, 0)", q(k)), &[]), "23514", "check named by a keyword");
}

/// A foreign-key cycle (nodes -> peers -> nodes, and a three-table cycle a -> b ->
/// c -> a) is emitted with ALTER TABLE after the tables, applies, and every FK in
/// the cycle is enforced; the deferred one lets both rows of a pair be inserted in
/// one transaction in either order.
#[test]
fn foreign_key_cycles_apply_and_are_enforced() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .add_table(
                Table::new("nodes")
                    .column(bigint("id"))
                    .column(bigint("parent_id").nullable())
                    .column(bigint("peer_id").nullable())
                    .primary_key(["id"])
                    .foreign_key(fk(&["parent_id"], "nodes", &["id"]).on_delete(ReferentialAction::Cascade))
                    .foreign_key(
                        fk(&["peer_id"], "peers", &["id"]).on_delete(ReferentialAction::SetNull).deferrable(Deferrable::InitiallyDeferred),
                    ),
            )
            .add_table(Table::new("peers").column(bigint("id")).column(bigint("node_id")).primary_key(["id"]).foreign_key(fk(
                &["node_id"],
                "nodes",
                &["id"],
            )))
            .add_table(Table::new("a").column(bigint("id")).column(bigint("b_id").nullable()).primary_key(["id"]).foreign_key(fk(
                &["b_id"],
                "b",
                &["id"],
            )))
            .add_table(Table::new("b").column(bigint("id")).column(bigint("c_id").nullable()).primary_key(["id"]).foreign_key(fk(
                &["c_id"],
                "c",
                &["id"],
            )))
            .add_table(Table::new("c").column(bigint("id")).column(bigint("a_id").nullable()).primary_key(["id"]).foreign_key(fk(
                &["a_id"],
                "a",
                &["id"],
            ))),
    );
    let ddl = apply(&db, &schema);
    assert!(ddl.contains("ALTER TABLE public.nodes ADD CONSTRAINT nodes_peer_id_fkey"), "{ddl}");
    assert!(ddl.matches("ALTER TABLE ").count() >= 2, "both cycles need an ALTER TABLE:\n{ddl}");
    let mut c = db.client();
    let fks: i64 = one(&mut c, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace");
    assert_eq!(fks, 6);

    // Deferred side: node and peer referencing each other, inserted in either order.
    let mut tx = c.transaction().unwrap();
    tx.execute("INSERT INTO nodes VALUES (1, NULL, 10)", &[]).unwrap();
    tx.execute("INSERT INTO peers VALUES (10, 1)", &[]).unwrap();
    tx.commit().unwrap();
    // Immediate side: a peer must reference an existing node at once.
    expect_sqlstate(c.execute("INSERT INTO peers VALUES (11, 2)", &[]), "23503", "peer to a missing node");
    let mut tx = c.transaction().unwrap();
    tx.execute("INSERT INTO nodes VALUES (2, 1, 99)", &[]).unwrap();
    expect_sqlstate(tx.commit(), "23503", "deferred orphan peer_id at commit");
    // SET NULL through the cycle, CASCADE on the self-reference.
    exec(&mut c, "INSERT INTO nodes VALUES (3, 1, NULL)");
    exec(&mut c, "DELETE FROM peers WHERE id = 10");
    let peer: Option<i64> = one(&mut c, "SELECT peer_id FROM nodes WHERE id = 1");
    assert_eq!(peer, None);
    exec(&mut c, "DELETE FROM nodes WHERE id = 1");
    let left: i64 = one(&mut c, "SELECT count(*) FROM nodes");
    assert_eq!(left, 0, "deleting the root cascades to its child");

    // The three-table cycle: each edge enforced.
    for sql in ["INSERT INTO a VALUES (1, 5)", "INSERT INTO b VALUES (1, 5)", "INSERT INTO c VALUES (1, 5)"] {
        expect_sqlstate(c.execute(sql, &[]), "23503", sql);
    }
    exec(&mut c, "INSERT INTO a VALUES (1, NULL)");
    exec(&mut c, "INSERT INTO c VALUES (1, 1)");
    exec(&mut c, "INSERT INTO b VALUES (1, 1)");
    exec(&mut c, "UPDATE a SET b_id = 1 WHERE id = 1");
    expect_sqlstate(c.execute("DELETE FROM c WHERE id = 1", &[]), "23503", "delete inside the cycle");
}

// ---------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------

fn explain_json(c: &mut Client, query: &str) -> serde_json::Value {
    let sql = format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, FORMAT JSON) {query}");
    let messages = c.simple_query(&sql).unwrap_or_else(|e| panic!("{sql}: {}", pg::describe_error(&e)));
    let text = messages
        .iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .expect("EXPLAIN returns a row");
    serde_json::from_str(&text).expect("EXPLAIN JSON")
}

fn plan_nodes<'a>(plan: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    out.push(plan);
    if let Some(children) = plan.get("Plans").and_then(|p| p.as_array()) {
        for child in children {
            plan_nodes(child, out);
        }
    }
}

/// The brief's testing phase: with ~10k rows and fresh statistics, a query on an
/// indexed foreign-key column is planned (EXPLAIN ANALYZE) as a scan of that index,
/// returns the right rows, and a join on the key uses it too.
#[test]
fn explain_uses_the_index_on_a_foreign_key_column() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(
        Schema::builder()
            .add_table(
                Table::new("users")
                    .column(bigint("id").identity(Identity::Always))
                    .column(Column::new("name", SqlType::Text))
                    .primary_key(["id"]),
            )
            .add_table(
                Table::new("posts")
                    .column(bigint("id").identity(Identity::Always))
                    .column(bigint("user_id"))
                    .column(Column::new("title", SqlType::Text))
                    .primary_key(["id"])
                    .foreign_key(fk(&["user_id"], "users", &["id"]).on_delete(ReferentialAction::Cascade))
                    .index(Index::on(["user_id"])),
            ),
    );
    apply(&db, &schema);
    let mut c = db.client();
    c.batch_execute(
        "INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 1000) g;
         INSERT INTO posts (user_id, title) SELECT 1 + (g % 1000), 'post ' || g FROM generate_series(1, 10000) g;
         ANALYZE users; ANALYZE posts;",
    )
    .unwrap();

    let plan = explain_json(&mut c, "SELECT * FROM posts WHERE user_id = 42");
    let root = &plan[0]["Plan"];
    let mut nodes = Vec::new();
    plan_nodes(root, &mut nodes);
    let scan = nodes
        .iter()
        .find(|n| n.get("Index Name").and_then(|v| v.as_str()) == Some("idx_posts_user_id"))
        .unwrap_or_else(|| panic!("the plan does not use idx_posts_user_id:\n{plan:#}"));
    assert!(matches!(scan["Node Type"].as_str(), Some("Index Scan" | "Bitmap Index Scan" | "Index Only Scan")), "{plan:#}");
    assert!(!nodes.iter().any(|n| n["Node Type"] == "Seq Scan"), "no sequential scan of posts:\n{plan:#}");
    assert_eq!(root["Actual Rows"].as_i64(), Some(10), "user 42 has 10 posts:\n{plan:#}");

    let plan = explain_json(&mut c, "SELECT p.title FROM users u JOIN posts p ON p.user_id = u.id WHERE u.id = 7");
    let mut nodes = Vec::new();
    plan_nodes(&plan[0]["Plan"], &mut nodes);
    let used: BTreeSet<&str> = nodes.iter().filter_map(|n| n.get("Index Name").and_then(|v| v.as_str())).collect();
    assert!(used.contains("idx_posts_user_id") && used.contains("users_pkey"), "join plan uses {used:?}:\n{plan:#}");
}

// ---------------------------------------------------------------------------
// What PostgreSQL refuses, build() refuses first (with a message saying how to
// fix it); what it accepts, build() accepts. Each refused case is also run on the
// server as hand-written SQL, so the check is neither missing nor stricter.
// ---------------------------------------------------------------------------

/// `build()` refuses `builder` with errors for which `expected` holds, and the
/// server refuses `sql` with a message containing `server_says`.
#[track_caller]
fn refused_like_the_server(db: &TestDb, builder: SchemaBuilder, expected: fn(&pgarchitect::SchemaError) -> bool, sql: &str, server_says: &str) {
    match builder.build() {
        Ok(schema) => panic!("build() accepted what PostgreSQL refuses ({server_says}):\n{}", schema.to_ddl()),
        Err(errors) => assert!(errors.iter().all(expected), "unexpected errors: {errors}"),
    }
    match db.apply_psql(sql) {
        Ok(()) => panic!("PostgreSQL accepted:\n{sql}"),
        Err(e) => assert!(e.contains(server_says), "PostgreSQL refused it for another reason:\n{e}\n--- SQL ---\n{sql}"),
    }
}

/// `build()` accepts `builder`, and its DDL applies to an empty `public`.
#[track_caller]
fn accepted_like_the_server(db: &TestDb, builder: SchemaBuilder) {
    let schema = build(builder);
    db.batch("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    apply(db, &schema);
}

fn invalid_partitioning(e: &pgarchitect::SchemaError) -> bool {
    matches!(e, pgarchitect::SchemaError::InvalidPartitioning { .. })
}

fn invalid_expression(e: &pgarchitect::SchemaError) -> bool {
    matches!(e, pgarchitect::SchemaError::InvalidExpression { .. })
}

fn invalid_grant(e: &pgarchitect::SchemaError) -> bool {
    matches!(e, pgarchitect::SchemaError::InvalidGrant { .. })
}

#[test]
fn overlapping_and_empty_range_partitions_are_refused() {
    let Some(db) = pg::test_db() else { return };
    let events = |p: Partitioning| {
        Schema::builder().add_table(
            Table::new("events").column(bigint("id")).column(Column::new("day", SqlType::Date)).primary_key(["id", "day"]).partition_by(p),
        )
    };
    let range = |name: &str, from: &str, to: &str| Partition::new(name, PartitionBound::Range { from: vec![from.into()], to: vec![to.into()] });
    let jan = CivilDate::new(2026, 1, 1).unwrap();
    let table = "CREATE TABLE events (id bigint, day date NOT NULL, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);";
    // An explicit partition inside a window's month.
    refused_like_the_server(
        &db,
        events(Partitioning::range(["day"]).monthly(jan, 3).partition(range("extra", "'2026-02-15'", "'2026-03-01'"))),
        invalid_partitioning,
        &format!(
            "{table} CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
             CREATE TABLE extra PARTITION OF events FOR VALUES FROM ('2026-02-15') TO ('2026-03-01');"
        ),
        "would overlap partition",
    );
    // Two explicit ones.
    refused_like_the_server(
        &db,
        events(Partitioning::range(["day"]).partition(range("a", "MINVALUE", "'2026-06-01'")).partition(range("b", "'2026-01-01'", "MAXVALUE"))),
        invalid_partitioning,
        &format!(
            "{table} CREATE TABLE a PARTITION OF events FOR VALUES FROM (MINVALUE) TO ('2026-06-01');
             CREATE TABLE b PARTITION OF events FOR VALUES FROM ('2026-01-01') TO (MAXVALUE);"
        ),
        "would overlap partition",
    );
    // Empty: FROM = TO.
    refused_like_the_server(
        &db,
        events(Partitioning::range(["day"]).partition(range("empty", "'2026-01-01'", "'2026-01-01'"))),
        invalid_partitioning,
        &format!("{table} CREATE TABLE empty PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-01-01');"),
        "empty range bound",
    );
    // Touching ranges and a timestamptz window with a partition before it apply.
    accepted_like_the_server(&db, events(Partitioning::range(["day"]).monthly(jan, 3).partition(range("before", "MINVALUE", "'2026-01-01'"))));
    accepted_like_the_server(
        &db,
        Schema::builder().add_table(
            Table::new("logs")
                .column(bigint("id"))
                .column(Column::new("at", SqlType::Timestamptz))
                .primary_key(["id", "at"])
                .partition_by(
                    Partitioning::range(["at"]).daily(jan, 2).partition(range("older", "MINVALUE", "'2026-01-01 00:00:00+00'")),
                ),
        ),
    );
}

#[test]
fn generated_columns_reading_generated_columns_or_keying_partitions_are_refused() {
    let Some(db) = pg::test_db() else { return };
    let base = || Table::new("t").column(bigint("id")).column(Column::new("price", SqlType::Integer)).primary_key(["id"]);
    refused_like_the_server(
        &db,
        Schema::builder().add_table(
            base()
                .column(Column::new("net", SqlType::Integer).generated("price * 2"))
                .column(Column::new("gross", SqlType::Integer).generated("net + 1")),
        ),
        invalid_expression,
        "CREATE TABLE t (id bigint PRIMARY KEY, price integer NOT NULL,
            net integer GENERATED ALWAYS AS (price * 2) STORED, gross integer GENERATED ALWAYS AS (net + 1) STORED);",
        "cannot use generated column",
    );
    refused_like_the_server(
        &db,
        Schema::builder().add_table(
            Table::new("p")
                .column(bigint("id"))
                .column(Column::new("bucket", SqlType::BigInt).generated("id % 4"))
                .primary_key(["id", "bucket"])
                .partition_by(Partitioning::list("bucket").values("p0", ["0"])),
        ),
        |e| matches!(e, pgarchitect::SchemaError::InvalidPartitioning { .. }),
        "CREATE TABLE p (id bigint, bucket bigint GENERATED ALWAYS AS (id % 4) STORED, PRIMARY KEY (id, bucket)) PARTITION BY LIST (bucket);",
        "cannot use generated column in partition key",
    );
    // A column named in a string, or a non-generated column of a similar name, is fine.
    accepted_like_the_server(
        &db,
        Schema::builder().add_table(
            base()
                .column(Column::new("net", SqlType::Integer).generated("price * 2"))
                .column(Column::new("Net", SqlType::Integer).nullable())
                .column(Column::new("label", SqlType::Text).generated("'net: ' || \"Net\"::text || price::text")),
        ),
    );
}

#[test]
fn functions_that_are_not_immutable_are_refused_in_generated_columns_and_indexes() {
    let Some(db) = pg::test_db() else { return };
    let base = || Table::new("t").column(bigint("id")).column(Column::new("at", SqlType::Timestamptz)).primary_key(["id"]);
    let table = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz NOT NULL);";
    refused_like_the_server(
        &db,
        Schema::builder().add_table(base().column(Column::new("seen", SqlType::Timestamptz).generated("now()"))),
        invalid_expression,
        "CREATE TABLE t (id bigint PRIMARY KEY, seen timestamptz GENERATED ALWAYS AS (now()) STORED);",
        "generation expression is not immutable",
    );
    refused_like_the_server(
        &db,
        Schema::builder().add_table(base().column(Column::new("r", SqlType::DoublePrecision).generated("random()"))),
        invalid_expression,
        "CREATE TABLE t (id bigint PRIMARY KEY, r float8 GENERATED ALWAYS AS (random()) STORED);",
        "generation expression is not immutable",
    );
    refused_like_the_server(
        &db,
        Schema::builder().add_table(base().index(Index::on(["at"]).where_("at > now() - interval '1 day'"))),
        invalid_expression,
        &format!("{table} CREATE INDEX recent ON t (at) WHERE (at > now() - interval '1 day');"),
        "functions in index predicate must be marked IMMUTABLE",
    );
    refused_like_the_server(
        &db,
        Schema::builder().add_table(base().index(Index::with_keys([IndexKey::expression("at < CURRENT_TIMESTAMP")]))),
        invalid_expression,
        &format!("{table} CREATE INDEX past ON t ((at < CURRENT_TIMESTAMP));"),
        "functions in index expression must be marked IMMUTABLE",
    );
    refused_like_the_server(
        &db,
        Schema::builder().add_table(base().index(Index::with_keys([IndexKey::expression("clock_timestamp() - at")]))),
        invalid_expression,
        &format!("{table} CREATE INDEX age ON t ((clock_timestamp() - at));"),
        "functions in index expression must be marked IMMUTABLE",
    );
    // Immutable functions, and `now` in strings or as a quoted column name, are fine.
    accepted_like_the_server(
        &db,
        Schema::builder().add_table(
            base()
                .column(Column::new("now", SqlType::Integer))
                .column(Column::new("twice", SqlType::Integer).generated("\"now\" * 2"))
                .index(Index::on(["at"]).where_("at > '2026-01-01 00:00:00+00' AND \"now\" > 0"))
                .index(Index::with_keys([IndexKey::expression("lower('now()')")]).named("constant_key")),
        ),
    );
}

#[test]
fn privileges_that_do_not_fit_their_target_are_refused() {
    let Some(db) = pg::test_db() else { return };
    let t = || GrantTarget::Table { table: QualifiedName::public("t"), columns: vec![] };
    let with = |g: Grant| Schema::builder().add_table(Table::new("t").column(bigint("id")).primary_key(["id"])).grant(g);
    let table = "CREATE TABLE t (id bigint PRIMARY KEY);";
    for (privilege, target, sql, says) in [
        (Privilege::Execute, t(), "GRANT EXECUTE ON TABLE t TO PUBLIC", "invalid privilege type EXECUTE for relation"),
        (Privilege::Usage, t(), "GRANT USAGE ON TABLE t TO PUBLIC", "invalid privilege type USAGE for table"),
        (
            Privilege::Delete,
            GrantTarget::Table { table: QualifiedName::public("t"), columns: vec!["id".into()] },
            "GRANT DELETE (id) ON TABLE t TO PUBLIC",
            "invalid privilege type DELETE for column",
        ),
        (
            Privilege::Insert,
            GrantTarget::AllSequencesInSchema("public".into()),
            "GRANT INSERT ON ALL SEQUENCES IN SCHEMA public TO PUBLIC",
            "invalid privilege type INSERT for sequence",
        ),
        (Privilege::Insert, GrantTarget::Schema("public".into()), "GRANT INSERT ON SCHEMA public TO PUBLIC", "invalid privilege type INSERT for schema"),
        (
            Privilege::Select,
            GrantTarget::AllFunctionsInSchema("public".into()),
            "GRANT SELECT ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC",
            "invalid privilege type SELECT for function",
        ),
    ] {
        refused_like_the_server(&db, with(Grant::new([privilege], target, ["public"])), invalid_grant, &format!("{table} {sql};"), says);
    }
    for (objects, privilege, sql, says) in [
        (DefaultObjects::Tables, Privilege::Execute, "GRANT EXECUTE ON TABLES", "invalid privilege type EXECUTE for relation"),
        (DefaultObjects::Sequences, Privilege::Insert, "GRANT INSERT ON SEQUENCES", "invalid privilege type INSERT for sequence"),
        (DefaultObjects::Functions, Privilege::Usage, "GRANT USAGE ON FUNCTIONS", "invalid privilege type USAGE for function"),
    ] {
        refused_like_the_server(
            &db,
            Schema::builder().default_privileges(DefaultPrivileges::new("public", objects, [privilege], ["public"])),
            invalid_grant,
            &format!("ALTER DEFAULT PRIVILEGES IN SCHEMA public {sql} TO PUBLIC;"),
            says,
        );
    }
    let mut ok = with(Grant::new([Privilege::Select, Privilege::Truncate, Privilege::Trigger], t(), ["public"]))
        .grant(Grant::new(
            [Privilege::All],
            GrantTarget::Table { table: QualifiedName::public("t"), columns: vec!["id".into()] },
            ["public"],
        ))
        .grant(Grant::new([Privilege::Usage, Privilege::Select, Privilege::Update], GrantTarget::AllSequencesInSchema("public".into()), ["public"]))
        .grant(Grant::new([Privilege::Execute], GrantTarget::AllFunctionsInSchema("public".into()), ["public"]))
        .grant(Grant::new([Privilege::Usage], GrantTarget::Schema("public".into()), ["public"]));
    for (objects, privileges) in [
        (DefaultObjects::Tables, vec![Privilege::Select, Privilege::References]),
        (DefaultObjects::Sequences, vec![Privilege::Usage]),
        (DefaultObjects::Functions, vec![Privilege::Execute]),
    ] {
        ok = ok.default_privileges(DefaultPrivileges::new("public", objects, privileges, ["public"]));
    }
    accepted_like_the_server(&db, ok);
}

#[test]
fn enum_defaults_that_are_not_labels_are_refused() {
    let Some(db) = pg::test_db() else { return };
    let with = |default: &str| {
        Schema::builder()
            .enum_type(EnumType::new("status", ["active", "it's"]))
            .add_table(
                Table::new("t")
                    .column(bigint("id"))
                    .column(Column::new("s", SqlType::Named(QualifiedName::public("status"))).default_expr(default))
                    .primary_key(["id"]),
            )
    };
    let types = "CREATE TYPE status AS ENUM ('active', 'it''s');";
    for default in ["'Active'", "'gone'::status", "'gone'::public.status"] {
        refused_like_the_server(
            &db,
            with(default),
            invalid_expression,
            &format!("{types} CREATE TABLE t (id bigint PRIMARY KEY, s status NOT NULL DEFAULT {default});"),
            "invalid input value for enum status",
        );
    }
    for default in ["'active'", "'it''s'::public.status"] {
        accepted_like_the_server(&db, with(default));
    }
}

#[test]
fn subqueries_in_checks_are_refused() {
    let Some(db) = pg::test_db() else { return };
    refused_like_the_server(
        &db,
        Schema::builder().add_table(
            Table::new("t").column(bigint("id")).primary_key(["id"]).check(CheckConstraint::new("id IN (SELECT 1)")),
        ),
        invalid_expression,
        "CREATE TABLE t (id bigint PRIMARY KEY, CHECK (id IN (SELECT 1)));",
        "cannot use subquery in check constraint",
    );
    refused_like_the_server(
        &db,
        Schema::builder().domain(Domain::new("positive", SqlType::Integer).check(CheckConstraint::new("VALUE > (select 0)"))),
        invalid_expression,
        "CREATE DOMAIN positive AS integer CHECK (VALUE > (select 0));",
        "cannot use subquery in check constraint",
    );
    refused_like_the_server(
        &db,
        Schema::builder()
            .add_table(Table::new("t").column(bigint("id")).column(Column::new("n", SqlType::Integer).default_expr("(SELECT 1)")).primary_key(["id"])),
        invalid_expression,
        "CREATE TABLE t (id bigint PRIMARY KEY, n integer NOT NULL DEFAULT (SELECT 1));",
        "cannot use subquery in DEFAULT expression",
    );
    accepted_like_the_server(
        &db,
        Schema::builder().add_table(
            Table::new("t")
                .column(bigint("id"))
                .column(Column::new("word", SqlType::Text))
                .primary_key(["id"])
                .check(CheckConstraint::new("word <> 'SELECT' /* select */ AND id > 0")),
        ),
    );
}

// ---- tenant keys (session 2026-12-02) ----

/// `folders (tenant_id, id)` with an inbox row `0` per tenant, and `notes`
/// referencing it through `(tenant_id, folder_id)` with `on_delete` and the
/// columns `set` lists; `tenant_id` is NOT NULL, `folder_id` nullable with default 0.
fn tenant_notes(on_delete: ReferentialAction, set: &[&str]) -> SchemaBuilder {
    Schema::builder()
        .add_table(Table::new("folders").column(bigint("tenant_id")).column(bigint("id")).primary_key(["tenant_id", "id"]))
        .add_table(
            Table::new("notes")
                .column(bigint("id"))
                .column(bigint("tenant_id"))
                .column(bigint("folder_id").nullable().default_expr("0"))
                .primary_key(["id"])
                .foreign_key(fk(&["tenant_id", "folder_id"], "folders", &["tenant_id", "id"]).on_delete(on_delete).on_delete_set_columns(set.iter().copied())),
        )
}

const TENANT_ROWS: &str = "INSERT INTO folders VALUES (1, 0), (1, 10), (2, 0), (2, 10);
     INSERT INTO notes VALUES (1, 1, 10), (2, 2, 10), (3, 1, 0)";

/// ON DELETE SET NULL (folder_id): deleting a folder clears the notes'
/// reference and keeps their tenant; the same key setting every column cannot
/// delete the folder at all (23502 on tenant_id).
#[test]
fn set_null_on_listed_columns_keeps_the_tenant_column() {
    let Some(db) = pg::test_db() else { return };
    let schema = build(tenant_notes(ReferentialAction::SetNull, &["folder_id"]));
    let ddl = apply(&db, &schema);
    assert!(ddl.contains("ON DELETE SET NULL (folder_id)"), "{ddl}");
    let mut c = db.client();
    let def: String = one(&mut c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'notes_tenant_id_folder_id_fkey'");
    assert!(def.ends_with("ON DELETE SET NULL (folder_id)"), "{def}");
    c.batch_execute(TENANT_ROWS).unwrap();
    exec(&mut c, "DELETE FROM folders WHERE tenant_id = 1 AND id = 10");
    let rows: Vec<(i64, i64, Option<i64>)> =
        c.query("SELECT id, tenant_id, folder_id FROM notes ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(rows, [(1, 1, None), (2, 2, Some(10)), (3, 1, Some(0))], "only tenant 1's reference to folder 10 is cleared");
    // The key still holds: tenant 1 has no folder 10 any more, though tenant 2 has.
    expect_sqlstate(c.execute("INSERT INTO notes VALUES (4, 1, 10)", &[]), "23503", "folder 10 of tenant 1 is gone");

    // Without the list, SET NULL writes NULL into tenant_id too: the delete fails.
    let Some(all) = pg::test_db() else { return };
    apply(&all, &build(tenant_notes(ReferentialAction::SetNull, &[])));
    let mut c = all.client();
    c.batch_execute(TENANT_ROWS).unwrap();
    let e = expect_sqlstate(c.execute("DELETE FROM folders WHERE tenant_id = 1 AND id = 10", &[]), "23502", "SET NULL of every column");
    assert_eq!(e.column(), Some("tenant_id"));
}

/// ON DELETE SET DEFAULT (folder_id): the notes move to their own tenant's inbox.
#[test]
fn set_default_on_listed_columns_keeps_the_tenant_column() {
    let Some(db) = pg::test_db() else { return };
    apply(&db, &build(tenant_notes(ReferentialAction::SetDefault, &["folder_id"])));
    let mut c = db.client();
    c.batch_execute(TENANT_ROWS).unwrap();
    exec(&mut c, "DELETE FROM folders WHERE tenant_id = 2 AND id = 10");
    let rows: Vec<(i64, i64, Option<i64>)> =
        c.query("SELECT id, tenant_id, folder_id FROM notes ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(rows, [(1, 1, Some(10)), (2, 2, Some(0)), (3, 1, Some(0))]);
}

fn invalid_foreign_key_action(e: &pgarchitect::SchemaError) -> bool {
    matches!(e, pgarchitect::SchemaError::InvalidForeignKeyAction { .. })
}

/// What PostgreSQL 15 refuses of a column list, `build()` refuses too: a
/// column outside the key (42P10), a list after another action (a syntax
/// error); ON UPDATE cannot carry one in the model at all (PostgreSQL: 0A000).
#[test]
fn set_column_lists_postgresql_refuses_are_refused() {
    let Some(db) = pg::test_db() else { return };
    let tables = "CREATE TABLE folders (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id));
        CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, folder_id bigint";
    refused_like_the_server(
        &db,
        tenant_notes(ReferentialAction::SetNull, &["id"]),
        invalid_foreign_key_action,
        &format!("{tables}, FOREIGN KEY (tenant_id, folder_id) REFERENCES folders (tenant_id, id) ON DELETE SET NULL (id));"),
        "column \"id\" referenced in ON DELETE SET action must be part of foreign key",
    );
    refused_like_the_server(
        &db,
        tenant_notes(ReferentialAction::Cascade, &["folder_id"]),
        invalid_foreign_key_action,
        &format!("{tables}, FOREIGN KEY (tenant_id, folder_id) REFERENCES folders (tenant_id, id) ON DELETE CASCADE (folder_id));"),
        "syntax error at or near \"(\"",
    );
    let e = db
        .apply_psql(&format!("{tables}, FOREIGN KEY (tenant_id, folder_id) REFERENCES folders (tenant_id, id) ON UPDATE SET NULL (folder_id));"))
        .unwrap_err();
    assert!(e.contains("a column list with SET NULL is only supported for ON DELETE actions"), "{e}");
    // Every column of the key, in another order: accepted, and kept as written.
    accepted_like_the_server(&db, tenant_notes(ReferentialAction::SetNull, &["folder_id", "tenant_id"]));
    let def: String = one(&mut db.client(), "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'notes_tenant_id_folder_id_fkey'");
    assert!(def.ends_with("ON DELETE SET NULL (folder_id, tenant_id)"), "{def}");
}
