//! Round trips through a real PostgreSQL: a schema's DDL is applied, the database
//! is introspected back into a graph, and that graph is diffed against the
//! server's normalisation of the declaration (`live::normalize`): the diff must be
//! empty. The introspected graph must also regenerate itself: its own DDL,
//! applied and introspected again, gives the same graph (nothing read is lost).

// Only the extensible parts are used here, not `hand_built()` itself.
#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;
mod support;

use std::time::Instant;

use pgarchitect::live::{self, IntrospectOptions};
use pgarchitect::migrate;
use pgarchitect::model::*;
use pgarchitect::{Schema, SqlType};

/// The hand-built fixture of `tests/hand_built.rs`, plus what it lacks: a trigger
/// with WHEN and UPDATE OF, column grants, a domain with a default, an enum in
/// another schema, a view on a view, a security-invoker view, row-level security
/// on partitioned tables (forced on one with partitions made when the DDL runs).
fn everything() -> Schema {
    let mut parts = fixtures::HandBuilt::new();
    parts.accounts = parts
        .accounts
        .column(Column::new("legacy_no", SqlType::Serial))
        .column(Column::new("code", SqlType::Char(Some(3))).nullable())
        .column(Column::new("ratio", SqlType::DoublePrecision).default_expr("0.5"))
        .check(CheckConstraint::new("first_name IS NOT NULL OR last_name IS NULL").named("accounts_names"))
        .index(Index::with_keys([IndexKey::column("code").nulls(NullsOrder::First), IndexKey::column("ratio").desc()]).named("accounts_code_ratio"))
        .index(Index::on(["tenant_id", "code"]).unique().nulls_not_distinct().named("accounts_tenant_code"))
        .policy(
            Policy::new("accounts_no_closed_delete")
                .command(PolicyCommand::Delete)
                .restrictive()
                .using("state <> 'closed'")
                .comment("Closed accounts are kept"),
        )
        .trigger(
            Trigger::new("accounts_touch_balance", TriggerTiming::Before, [TriggerEvent::Update(vec!["balance".into(), "state".into()])], QualifiedName::public("set_updated_at"))
                .when("OLD.balance IS DISTINCT FROM NEW.balance"),
        );
    let richest_first = parts.accounts.indexes.iter_mut().find(|i| !i.include.is_empty()).expect("the balance index with INCLUDE");
    richest_first.comment = Some("Richest first".into());
    parts.invoices = parts
        .invoices
        .column(Column::new("kind", SqlType::Named(QualifiedName::new("billing", "invoice_kind"))).default_text("standard"))
        .row_level_security(true)
        .policy(Policy::isolate_by_setting("invoices_account", "account_id", &SqlType::BigInt, "app.account_id"));
    parts.events = parts.events.column(Column::new("at", SqlType::Timestamptz).default_expr("now()")).row_level_security(false);
    fn foreign_key<'t>(table: &'t mut Table, column: &str) -> &'t mut ForeignKey {
        let name = table.name.to_string();
        table.foreign_keys.iter_mut().find(|fk| fk.columns == [column]).unwrap_or_else(|| panic!("{name} has no foreign key on {column}"))
    }
    foreign_key(&mut parts.nodes, "peer_id").on_update = Some(ReferentialAction::Cascade);
    foreign_key(&mut parts.peers, "node_id").deferrable = Deferrable::InitiallyImmediate;
    parts
        .builder()
        .enum_type(EnumType::in_schema("billing", "invoice_kind", ["standard", "credit note"]))
        .domain({
            let mut d = Domain::new("positive_cents", SqlType::BigInt).check(CheckConstraint::new("VALUE > 0").named("positive"));
            d.default = Some("1".into());
            d.not_null = true;
            d
        })
        .function({
            let mut f = Function::new(QualifiedName::public("account_count"), "bigint", "sql", "SELECT count(*) FROM public.accounts")
                .depends_on(QualifiedName::public("accounts"))
                .comment("How many accounts");
            f.volatility = Some(Volatility::Stable);
            f
        })
        .function(
            Function::new(QualifiedName::new("billing", "add_tax"), "numeric", "sql", "SELECT amount * (1 + rate)")
                .arguments("amount numeric, rate numeric DEFAULT 0.2"),
        )
        .view({
            let mut v = View::new(QualifiedName::public("open_account_ids"), "SELECT id FROM public.open_accounts").depends_on(QualifiedName::public("open_accounts"));
            v.security_invoker = true;
            v.comment("A view on a view")
        })
        .grant(Grant::new([Privilege::Update], GrantTarget::Table { table: QualifiedName::public("peers"), columns: vec!["node_id".into()] }, ["app_readwrite"]))
        .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("open_accounts"), columns: vec![] }, ["public"]))
        .version("1", "live round trip fixture")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn show(diff: &migrate::SchemaDiff) -> String {
    diff.to_string()
}

#[test]
fn hand_built_fixture_round_trips() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow) = support::pg::test_db() else { return };
    let schema = everything();
    let options = IntrospectOptions::for_schema(&schema);
    let mut client = db.client();
    let mut shadow_client = shadow.client();

    let started = Instant::now();
    live::apply(&mut client, &schema).unwrap_or_else(|e| panic!("apply: {e}"));
    let found = live::introspect_detailed(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
    assert!(found.unsupported.is_empty(), "unsupported: {:#?}", found.unsupported);
    assert_eq!(found.queries, live::query::CATALOG_QUERIES.len());
    let actual = found.schema;

    // Nothing was lost on the way: every object kind is there, by name.
    let names = |s: &Schema| -> Vec<String> { s.tables().iter().map(|t| t.name.to_string()).collect() };
    assert_eq!(names(&actual), names(&schema));
    assert_eq!(actual.enums().len(), schema.enums().len());
    assert_eq!(actual.domains().len(), schema.domains().len());
    assert_eq!(actual.views().len(), schema.views().len());
    assert_eq!(actual.functions().len(), schema.functions().len());
    assert_eq!(actual.extensions().len(), schema.extensions().len());
    let roles: Vec<&str> = actual.roles().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(roles, ["app_readonly", "app_readwrite", "app_user"]);
    let accounts = actual.table(&QualifiedName::public("accounts")).unwrap();
    let declared_accounts = schema.table(&QualifiedName::public("accounts")).unwrap();
    assert_eq!(accounts.indexes.len(), declared_accounts.indexes.len());
    assert_eq!(accounts.policies.len(), 2);
    assert_eq!(accounts.triggers.len(), declared_accounts.triggers.len());
    assert_eq!(accounts.rls, RowLevelSecurity { enabled: true, forced: true });
    let invoices = actual.table(&QualifiedName::new("billing", "invoices")).unwrap();
    let partitions = invoices.partitioning.as_ref().unwrap();
    assert!(partitions.default_partition);
    assert!(partitions.partitions.iter().any(|p| p.name == "invoices_2026_01"));

    let declared = live::normalize(&mut shadow_client, &schema).unwrap_or_else(|e| panic!("normalize: {e}"));
    let diff = migrate::diff(&declared, &actual);
    assert!(diff.is_empty(), "normalized declaration vs live database:\n{}", show(&diff));

    // The introspected graph regenerates itself: its DDL, applied again, reads
    // back the same once both sides are canonical (PostgreSQL's rendering of an
    // expression is not always a fixed point: see live::canonicalize).
    let canonical_actual = live::canonicalize(&mut shadow_client, &actual).unwrap_or_else(|e| panic!("canonicalize live: {e}"));
    let canonical_declared = live::canonicalize(&mut shadow_client, &schema).unwrap_or_else(|e| panic!("canonicalize declared: {e}"));
    let diff = migrate::diff(&canonical_actual, &canonical_declared);
    assert!(diff.is_empty(), "canonical introspected graph vs canonical declaration:\n{}", show(&diff));

    // And verify() agrees.
    let report = live::verify(&schema, &mut client, &mut shadow_client).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_clean(), "{}", report.diff);
    eprintln!("hand-built round trip in {:.2?}", started.elapsed());
}

/// The graph gives each partition its parent's row-level security (the DDL and
/// ensure_partitions set it so); a partition whose own flags differ in the
/// database is reported as unsupported, by verify() too, and is not a diff.
#[test]
fn partition_row_level_security_unlike_the_parent_is_reported() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow) = support::pg::test_db() else { return };
    let schema = Schema::builder()
        .add_table(
            Table::new("logs")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("region", SqlType::Text))
                .primary_key(["id", "region"])
                .partition_by(Partitioning::list("region").values("logs_eu", ["'eu'"]).with_default())
                .row_level_security(true),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut client = db.client();
    let mut shadow_client = shadow.client();
    live::apply(&mut client, &schema).unwrap_or_else(|e| panic!("apply: {e}"));
    let options = IntrospectOptions::for_schema(&schema);
    live::introspect(&mut client, &options).unwrap_or_else(|e| panic!("partitions with their parent's RLS are the expected state: {e}"));

    db.batch("ALTER TABLE public.logs_default NO FORCE ROW LEVEL SECURITY; ALTER TABLE public.logs_eu DISABLE ROW LEVEL SECURITY");
    let found = live::introspect_detailed(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
    let what: Vec<String> = found.unsupported.iter().map(|u| u.to_string()).collect();
    assert_eq!(what.len(), 2, "{what:#?}");
    assert!(what[0].starts_with("partition public.logs_default of public.logs: row-level security enabled, not forced where its parent has it enabled and forced"), "{what:#?}");
    assert!(what[1].starts_with("partition public.logs_eu of public.logs: row-level security forced but not enabled"), "{what:#?}");
    assert!(matches!(live::introspect(&mut client, &options), Err(live::LiveError::Unsupported(_))));
    let report = live::verify(&schema, &mut client, &mut shadow_client).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.diff.is_empty(), "{}", report.diff);
    assert_eq!(report.unsupported.len(), 2, "{:#?}", report.unsupported);

    // A policy of a partition's own is reported too, not dropped.
    db.batch("CREATE POLICY eu_only ON public.logs_eu USING (region = 'eu')");
    let found = live::introspect_detailed(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
    let what: Vec<String> = found.unsupported.iter().map(|u| u.to_string()).collect();
    assert_eq!(what.len(), 3, "{what:#?}");
    assert!(what.iter().any(|w| w.starts_with("policy eu_only on partition public.logs_eu: a partition's own policy")), "{what:#?}");
    assert!(found.schema.tables().iter().all(|t| t.policies.is_empty()), "the parent has no policy");
}

/// SQL-language functions calling others (PostgreSQL checks their bodies
/// when they are created, and records no dependency between them, so
/// introspection gives the callers none): read back and applied to another
/// database, each is created after those it calls. It was created first,
/// before the tables, as one reading nothing: `ERROR 42883: function
/// public.b_count() does not exist`. A plpgsql caller needs no order.
#[test]
fn introspected_sql_functions_calling_functions_apply_after_them() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(copy) = support::pg::test_db() else { return };
    db.batch(
        "CREATE TABLE public.t (id bigint PRIMARY KEY);
         INSERT INTO public.t VALUES (1), (2), (3);
         CREATE FUNCTION public.b_count() RETURNS bigint LANGUAGE sql AS $$SELECT count(*) FROM public.t$$;
         CREATE FUNCTION public.a_twice() RETURNS bigint LANGUAGE sql AS $$SELECT 2 * public.b_count()$$;
         CREATE FUNCTION public.c_one() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;
         CREATE FUNCTION public.a_plus_one(n integer) RETURNS integer LANGUAGE sql AS $$SELECT n + c_one()$$;
         CREATE FUNCTION public.a_loop() RETURNS bigint LANGUAGE plpgsql AS $$BEGIN RETURN public.z_later(); END$$;
         CREATE FUNCTION public.z_later() RETURNS bigint LANGUAGE plpgsql AS $$BEGIN RETURN public.a_twice(); END$$;",
    );
    let mut client = db.client();
    let found = live::introspect(&mut client, &IntrospectOptions::default()).unwrap_or_else(|e| panic!("introspect: {e}"));
    let reads: Vec<(String, usize)> = found.functions().iter().map(|f| (f.name.name.clone(), f.depends_on.len())).collect();
    assert!(reads.contains(&("a_twice".to_owned(), 0)) && reads.contains(&("b_count".to_owned(), 1)), "only b_count reads a table: {reads:?}");
    let ddl = found.to_ddl();
    let mut other = copy.client();
    live::apply(&mut other, &found).unwrap_or_else(|e| panic!("apply: {e}\n--- DDL ---\n{ddl}"));
    let row = other.query_one("SELECT public.a_twice(), public.a_plus_one(1), public.a_loop()", &[]).unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i32>(1), row.get::<_, i64>(2)), (0, 2, 0), "the copy has no rows");
}

#[test]
fn introspection_query_count_does_not_grow_with_tables() {
    let Some(db) = support::pg::test_db() else { return };
    let mut client = db.client();
    let table = |i: usize| format!("CREATE TABLE public.t{i} (id bigint PRIMARY KEY, name text NOT NULL, parent bigint REFERENCES public.t0 (id));\nCREATE INDEX t{i}_name ON public.t{i} (lower(name));\nCOMMENT ON TABLE public.t{i} IS 'table {i}';\n");
    db.batch(&table(0));
    let one = live::introspect_detailed(&mut client, &IntrospectOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one.schema.tables().len(), 1);
    db.batch(&(1..50).map(table).collect::<String>());
    let fifty = live::introspect_detailed(&mut client, &IntrospectOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fifty.schema.tables().len(), 50);
    assert_eq!(fifty.schema.tables().iter().map(|t| t.indexes.len() + t.foreign_keys.len()).sum::<usize>(), 50 + 50);
    assert_eq!(one.queries, fifty.queries);
    assert_eq!(fifty.queries, live::query::CATALOG_QUERIES.len());
    assert!(fifty.queries <= 16, "{} catalog queries", fifty.queries);
}

// ---------------------------------------------------------------------------
// Random schemas
// ---------------------------------------------------------------------------

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const TABLE_NAMES: &[&str] = &["accounts", "order", "Line Items", "café", "select", "a\"b", "t", "user", "Événements", "x_1"];
const COLUMN_NAMES: &[&str] = &["name", "value", "from", "Mixed Case", "desc", "é", "it's", "c1", "group", "notes", "x y", "limit"];
const LABELS: &[&str] = &["a", "b", "it's", "with space", "UPPER", "ü", "\"q\"", "x,y", "", "z"];

/// A primary key type: (type, a default for the key when not identity/serial).
fn pk_types() -> Vec<(SqlType, Option<&'static str>)> {
    vec![
        (SqlType::BigInt, None),
        (SqlType::Integer, None),
        (SqlType::Uuid, Some("gen_random_uuid()")),
        (SqlType::Text, None),
        (SqlType::Varchar(Some(40)), None),
        (SqlType::Date, Some("CURRENT_DATE")),
    ]
}

/// Column types, by index: (type, default, check on `{c}`, expression index on `{c}`, gin-able, brin-able, hashable).
struct Kind {
    ty: SqlType,
    default: &'static str,
    check: &'static str,
    expression: &'static str,
    gin: bool,
    brin: bool,
    hash: bool,
}

fn kinds() -> Vec<Kind> {
    let k = |ty, default, check, expression, gin, brin, hash| Kind { ty, default, check, expression, gin, brin, hash };
    vec![
        k(SqlType::BigInt, "42", "{c} > 0", "({c} + 1)", false, true, true),
        k(SqlType::Integer, "-1", "{c} BETWEEN -5 AND 500", "abs({c})", false, true, true),
        k(SqlType::SmallInt, "7", "{c} <> 3", "({c} * 2)", false, true, true),
        k(SqlType::Text, "'x''y'", "{c} IN ('a', 'b''c')", "lower({c})", false, false, true),
        k(SqlType::Varchar(Some(40)), "'ab'", "{c} IN ('a', 'b')", "upper({c})", false, false, true),
        k(SqlType::Char(Some(2)), "'zz'", "{c} <> 'qq'", "trim({c})", false, false, true),
        k(SqlType::Numeric(Some((10, Some(2)))), "1.50", "{c} >= 0", "round({c})", false, true, true),
        k(SqlType::Numeric(None), "0", "{c} < 1e9", "({c} / 2)", false, true, true),
        k(SqlType::Boolean, "true", "{c} IS NOT NULL OR true", "(NOT {c})", false, false, true),
        k(SqlType::Timestamptz, "now()", "{c} > '2000-01-01 00:00:00+00'", "date_trunc('day', {c} AT TIME ZONE 'UTC')", false, true, true),
        k(SqlType::Timestamp, "'2026-01-02 03:04:05'", "{c} > '2000-01-01'", "date_trunc('month', {c})", false, true, true),
        k(SqlType::Date, "CURRENT_DATE", "{c} > '2000-01-01'", "({c} + 1)", false, true, true),
        k(SqlType::Uuid, "gen_random_uuid()", "{c} <> '00000000-0000-0000-0000-000000000000'", "({c}::text)", false, false, true),
        k(SqlType::Jsonb, "'{\"a\": 1}'::jsonb", "jsonb_typeof({c}) = 'object'", "({c} ->> 'a')", true, false, true),
        k(SqlType::Text.array(), "'{a,b}'", "cardinality({c}) < 10", "array_length({c}, 1)", true, false, true),
        k(SqlType::Integer.array(), "ARRAY[1, 2]", "cardinality({c}) > 0", "({c}[1])", true, false, true),
        k(SqlType::Interval, "'1 day'", "{c} > '0 seconds'", "extract(epoch from {c})", false, false, true),
        k(SqlType::Inet, "'127.0.0.1'", "family({c}) = 4", "host({c})", false, true, true),
        k(SqlType::DoublePrecision, "0.25", "{c} < 1e300", "floor({c})", false, true, true),
        k(SqlType::Bytea, "'\\x00ff'", "length({c}) < 100", "md5({c})", false, false, true),
    ]
}

#[derive(Clone, Debug)]
struct ColumnSpec {
    name: usize,
    kind: usize,
    nullable: bool,
    default: bool,
    generated: bool,
    comment: Option<String>,
}

#[derive(Clone, Debug)]
struct TableSpec {
    name: usize,
    pk_type: usize,
    pk_mode: u8,
    columns: Vec<ColumnSpec>,
    unique: Option<(usize, bool)>,
    check: Option<usize>,
    fk: Option<(usize, u8, u8)>,
    indexes: Vec<(usize, u8)>,
    partition: u8,
    security: u8,
    view: u8,
    grant: u8,
    timestamps: bool,
    comment: Option<String>,
    app_schema: bool,
}

#[derive(Clone, Debug)]
struct SchemaSpec {
    enums: Vec<Vec<usize>>,
    tables: Vec<TableSpec>,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just("plain".to_owned()), Just("it's \"quoted\"".to_owned()), Just("back\\slash".to_owned()), "[a-zé ]{0,12}"]
}

fn column_spec() -> impl Strategy<Value = ColumnSpec> {
    (0..COLUMN_NAMES.len(), 0..kinds().len() + 2, any::<bool>(), prop::bool::weighted(0.4), prop::bool::weighted(0.1), prop::option::weighted(0.2, text()))
        .prop_map(|(name, kind, nullable, default, generated, comment)| ColumnSpec { name, kind, nullable, default, generated, comment })
}

fn table_spec() -> impl Strategy<Value = TableSpec> {
    (
        (0..TABLE_NAMES.len(), 0..pk_types().len(), 0u8..4, prop::collection::vec(column_spec(), 1..5)),
        (prop::option::weighted(0.3, (0..8usize, any::<bool>())), prop::option::weighted(0.3, 0..8usize), prop::option::weighted(0.4, (0..8usize, 0u8..5, 0u8..3))),
        (prop::collection::vec((0..8usize, 0u8..8), 0..3), 0u8..6, 0u8..4, 0u8..4, 0u8..4),
        (prop::bool::weighted(0.15), prop::option::weighted(0.2, text()), prop::bool::weighted(0.2)),
    )
        .prop_map(|((name, pk_type, pk_mode, columns), (unique, check, fk), (indexes, partition, security, view, grant), (timestamps, comment, app_schema))| TableSpec {
            name,
            pk_type,
            pk_mode,
            columns,
            unique,
            check,
            fk,
            indexes,
            partition,
            security,
            view,
            grant,
            timestamps,
            comment,
            app_schema,
        })
}

fn schema_spec() -> impl Strategy<Value = SchemaSpec> {
    (prop::collection::vec(prop::collection::vec(0..LABELS.len(), 1..4), 0..3), prop::collection::vec(table_spec(), 1..4))
        .prop_map(|(enums, tables)| SchemaSpec { enums, tables })
}

fn fill(template: &str, column: &str) -> String {
    template.replace("{c}", &pgarchitect::ident::Ident(column).to_string())
}

/// Turns a spec into a valid schema, skipping what would not be.
fn realize(spec: &SchemaSpec) -> Schema {
    let kinds = kinds();
    let mut builder = Schema::builder();
    let mut enums: Vec<EnumType> = Vec::new();
    for (i, labels) in spec.enums.iter().enumerate() {
        let mut values: Vec<String> = Vec::new();
        for &l in labels {
            let label = LABELS[l].to_owned();
            if !values.contains(&label) {
                values.push(label);
            }
        }
        let e = EnumType::new(format!("mood_{i}"), values).comment(format!("enum {i}"));
        enums.push(e.clone());
        builder = builder.enum_type(e);
    }
    builder = builder.domain(Domain::new("positive_int", SqlType::Integer).check(CheckConstraint::new("VALUE > 0")));
    let mut tables: Vec<Table> = Vec::new();
    let mut used_names: Vec<String> = Vec::new();
    let mut views: Vec<View> = Vec::new();
    for (ti, ts) in spec.tables.iter().enumerate() {
        let mut tname = TABLE_NAMES[ts.name].to_owned();
        if used_names.contains(&tname) {
            tname = format!("{tname}_{ti}");
        }
        used_names.push(tname.clone());
        let schema_name = if ts.app_schema { "app" } else { "public" };
        let qn = QualifiedName::new(schema_name, &tname);
        let mut t = Table::in_schema(schema_name, &tname);
        t.comment = ts.comment.clone();
        let (pk_ty, pk_default) = pk_types()[ts.pk_type].clone();
        let mut pk = Column::new("id", pk_ty.clone());
        match (ts.pk_mode, &pk_ty) {
            (1, SqlType::BigInt | SqlType::Integer) => pk = pk.identity(Identity::Always),
            (2, SqlType::BigInt | SqlType::Integer) => pk = pk.identity(Identity::ByDefault),
            (3, SqlType::Integer) => pk = Column::new("id", SqlType::Serial),
            (3, SqlType::BigInt) => pk = Column::new("id", SqlType::BigSerial),
            _ => {
                if let Some(d) = pk_default {
                    pk = pk.default_expr(d);
                }
            }
        }
        t = t.column(pk);
        let mut kinds_of: Vec<(String, SqlType, Option<usize>)> = Vec::new();
        for cs in &ts.columns {
            let name = COLUMN_NAMES[cs.name].to_owned();
            if t.find_column(&name).is_some() {
                continue;
            }
            let (ty, kind_index, enum_default) = if cs.kind < kinds.len() {
                (kinds[cs.kind].ty.clone(), Some(cs.kind), None)
            } else if cs.kind == kinds.len() && !enums.is_empty() {
                let e = &enums[cs.name % enums.len()];
                (SqlType::Named(e.name.clone()), None, Some(pgarchitect::ident::Literal(&e.values[0]).to_string()))
            } else {
                (SqlType::Named(QualifiedName::public("positive_int")), None, Some("1".to_owned()))
            };
            let mut c = Column::new(&name, ty.clone());
            c.nullable = cs.nullable;
            c.comment = cs.comment.clone();
            if cs.generated && kind_index == Some(0) && matches!(t.columns[0].ty, SqlType::BigInt | SqlType::BigSerial) {
                c.generated = Some("id * 2".into());
            } else if cs.default {
                c.default = match kind_index {
                    Some(k) => Some(kinds[k].default.to_owned()),
                    None => enum_default,
                };
            }
            kinds_of.push((name, ty, kind_index));
            t = t.column(c);
        }
        let mut pk_cols = vec!["id".to_owned()];
        let partitioned = ts.partition > 0 && ts.partition < 4;
        match ts.partition {
            1 => {
                t = t.column(Column::new("day", SqlType::Date));
                pk_cols.push("day".into());
                t = t.partition_by(
                    Partitioning::range(["day"])
                        .partition(Partition::new(format!("{tname}_p2026"), PartitionBound::Range { from: vec!["'2026-01-01'".into()], to: vec!["'2027-01-01'".into()] }))
                        .with_default(),
                );
            }
            2 => {
                t = t.column(Column::new("region", SqlType::Text));
                pk_cols.push("region".into());
                t = t.partition_by(Partitioning::list("region").values(format!("{tname}_eu"), ["'eu'", "'uk'"]).with_default());
            }
            3 => t = t.partition_by(Partitioning::hash(["id"], 3)),
            _ => {}
        }
        t = t.primary_key(pk_cols);
        if let (Some((col, nnd)), false) = (ts.unique, partitioned) {
            if let Some((name, _, Some(_))) = kinds_of.get(col % kinds_of.len().max(1)) {
                let mut u = UniqueConstraint::new([name.clone()]);
                u.nulls_not_distinct = nnd;
                t = t.unique(u);
            }
        }
        if let Some(col) = ts.check {
            if let Some((name, _, Some(k))) = kinds_of.get(col % kinds_of.len().max(1)) {
                t = t.check(CheckConstraint::on_column(name.clone(), fill(kinds[*k].check, name)));
            }
        }
        if let Some((target, action, deferrable)) = ts.fk {
            let candidates: Vec<&Table> = tables.iter().filter(|x| x.partitioning.is_none()).collect();
            if !candidates.is_empty() {
                let target = candidates[target % candidates.len()];
                let ty = target.columns[0].ty.storage();
                let col = format!("{}_ref", target.name.name);
                if t.find_column(&col).is_none() {
                    t = t.column(Column::new(&col, ty).nullable());
                    let actions = [None, Some(ReferentialAction::Cascade), Some(ReferentialAction::SetNull), Some(ReferentialAction::Restrict), Some(ReferentialAction::NoAction)];
                    let mut fk = ForeignKey::new([col.clone()], target.name.clone(), ["id"]);
                    fk.on_delete = actions[action as usize];
                    fk.on_update = actions[(action as usize + deferrable as usize) % actions.len()];
                    fk.deferrable = [Deferrable::No, Deferrable::InitiallyImmediate, Deferrable::InitiallyDeferred][deferrable as usize];
                    t = t.foreign_key(fk);
                }
            }
        }
        for (i, &(col, kind)) in ts.indexes.iter().enumerate() {
            let Some((name, _, Some(k))) = kinds_of.get(col % kinds_of.len().max(1)).cloned() else { continue };
            let kd = &kinds[k];
            let index = match kind {
                0 => Index::on([name.clone()]),
                1 => Index::with_keys([IndexKey::column(&name).desc().nulls(NullsOrder::Last)]).include(["id"]),
                2 => Index::on([name.clone()]).where_(format!("{} IS NOT NULL", pgarchitect::ident::Ident(&name))),
                3 => Index::with_keys([IndexKey::expression(fill(kd.expression, &name))]),
                4 if kd.gin => Index::on([name.clone()]).using(IndexMethod::Gin),
                5 if kd.brin => Index::on([name.clone()]).using(IndexMethod::Brin),
                6 if kd.hash => Index::on([name.clone()]).using(IndexMethod::Hash),
                7 if kd.ty == SqlType::Text => Index::with_keys([IndexKey::column(&name).opclass("gin_trgm_ops")]).using(IndexMethod::Gin),
                _ => Index::with_keys([IndexKey::column(&name).nulls(NullsOrder::First)]),
            };
            t = t.index(index.named(format!("ix_{ti}_{i}")).comment(format!("index {i}")));
        }
        match ts.security {
            1 => t = t.row_level_security(false).policy(Policy::new("own").using("id IS NOT NULL")),
            2 => {
                t = t
                    .row_level_security(true)
                    .policy(Policy::new("readers").command(PolicyCommand::Select).using("true").comment("everyone reads"))
                    .policy(Policy::new("no delete").command(PolicyCommand::Delete).restrictive().using("false"))
            }
            _ => {}
        }
        if ts.timestamps {
            t = t.timestamps();
        }
        match ts.grant {
            1 => builder = builder.grant(Grant::new([Privilege::Select, Privilege::Insert], GrantTarget::Table { table: qn.clone(), columns: vec![] }, ["public"])),
            2 => {
                let cols: Vec<String> = kinds_of.iter().take(2).map(|k| k.0.clone()).collect();
                if !cols.is_empty() {
                    builder = builder.grant(Grant::new([Privilege::Update], GrantTarget::Table { table: qn.clone(), columns: cols }, ["public"]));
                }
            }
            _ => {}
        }
        match ts.view {
            1 => views.push(View::new(QualifiedName::new(schema_name, format!("v_{tname}")), format!("SELECT id FROM {qn} WHERE id IS NOT NULL")).depends_on(qn.clone())),
            2 => views.push(
                View::materialized(QualifiedName::new(schema_name, format!("mv_{tname}")), format!("SELECT id, count(*) AS n FROM {qn} GROUP BY id"))
                    .depends_on(qn.clone())
                    .index(Index::on(["id"]).unique().named(format!("mv_{ti}_id")))
                    .comment("counts"),
            ),
            _ => {}
        }
        tables.push(t);
    }
    for t in tables {
        builder = builder.add_table(t);
    }
    for v in views {
        builder = builder.view(v);
    }
    builder.build().unwrap_or_else(|e| panic!("generator made an invalid schema: {e}\n{spec:#?}"))
}

/// Every object's identity and shape, without expression text.
fn shape(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for t in s.tables() {
        out.push(format!("table {} rls={:?} comment={:?}", t.name, t.rls, t.comment));
        for c in &t.columns {
            out.push(format!("column {}.{} {} null={} identity={:?} default={} generated={} comment={:?}", t.name, c.name, c.ty, c.nullable, c.identity, c.default.is_some(), c.generated.is_some(), c.comment));
        }
        for c in t.primary_key.iter().map(|p| format!("pk {:?} {:?}", p.name, p.columns)) {
            out.push(c);
        }
        out.extend(t.uniques.iter().map(|u| format!("unique {:?} {:?} {}", u.name, u.columns, u.nulls_not_distinct)));
        out.extend(t.checks.iter().map(|c| format!("check {:?}", c.name)));
        out.extend(t.foreign_keys.iter().map(|f| format!("fk {:?}", f)));
        out.extend(t.indexes.iter().map(|i| format!("index {:?} {:?} {} keys={} include={:?} unique={} nnd={} partial={} comment={:?}", i.name, i.method, t.name, i.keys.len(), i.include, i.unique, i.nulls_not_distinct, i.predicate.is_some(), i.comment)));
        if let Some(p) = &t.partitioning {
            out.push(format!("partitioning {:?} {:?} {:?} default={}", p.strategy, p.columns, p.partitions, p.default_partition));
        }
        out.extend(t.policies.iter().map(|p| format!("policy {} {:?} {} {:?} {:?}", p.name, p.command, p.permissive, p.roles, p.comment)));
        out.extend(t.triggers.iter().map(|tr| format!("trigger {:?}", tr)));
    }
    out.extend(s.enums().iter().map(|e| format!("{e:?}")));
    out.extend(s.domains().iter().map(|d| format!("domain {} {} {}", d.name, d.base, d.checks.len())));
    out.extend(s.views().iter().map(|v| format!("view {} {} {:?} {}", v.name, v.materialized, v.comment, v.indexes.len())));
    out.extend(s.functions().iter().map(|f| format!("function {} {}", f.name, f.arguments)));
    out.extend(s.grants().iter().map(|g| format!("{g:?}")));
    out
}

#[test]
fn random_schemas_round_trip() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow) = support::pg::test_db() else { return };
    let client = std::cell::RefCell::new(db.client());
    let shadow_client = std::cell::RefCell::new(shadow.client());
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let config = Config { cases, max_shrink_iters: 200, failure_persistence: None, ..Config::default() };
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&schema_spec(), |spec| {
        let schema = realize(&spec);
        let options = IntrospectOptions::for_schema(&schema);
        // Apply and introspect in one transaction that is rolled back, so the
        // database is empty again for the next case.
        let mut client = client.borrow_mut();
        let mut shadow_client = shadow_client.borrow_mut();
        let mut tx = client.transaction().map_err(|e| TestCaseError::fail(e.to_string()))?;
        tx.batch_execute(&schema.to_ddl()).map_err(|e| TestCaseError::fail(format!("apply: {e:?}\n{}", schema.to_ddl())))?;
        let found = live::introspect_in(&mut tx, &options).map_err(|e| TestCaseError::fail(format!("introspect: {e}")))?;
        tx.rollback().map_err(|e| TestCaseError::fail(e.to_string()))?;
        if !found.unsupported.is_empty() {
            return Err(TestCaseError::fail(format!("unsupported: {:?}", found.unsupported)));
        }
        let declared = live::normalize(&mut shadow_client, &schema).map_err(|e| TestCaseError::fail(format!("normalize: {e}")))?;
        let diff = migrate::diff(&declared, &found.schema);
        if !diff.is_empty() {
            return Err(TestCaseError::fail(format!("diff not empty:\n{diff}")));
        }
        // The introspected graph applies again and keeps every object's shape.
        let again = live::normalize_with(&mut shadow_client, &found.schema, &options).map_err(|e| TestCaseError::fail(format!("re-apply introspected: {e}")))?;
        let (a, b) = (shape(&found.schema), shape(&again));
        if a != b {
            let first = a.iter().zip(&b).find(|(x, y)| x != y);
            return Err(TestCaseError::fail(format!("shape changed on re-apply: {first:?} ({} vs {} items)", a.len(), b.len())));
        }
        // The shapes the declaration asked for are there (types up to the server's spelling).
        if found.schema.tables().len() != schema.tables().len() || found.schema.views().len() != schema.views().len() {
            return Err(TestCaseError::fail("objects lost".to_owned()));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("random_schemas_round_trip: {cases} cases in {:.2?}", started.elapsed());
}

// ---- brownfield review (session 2026-12-02) ----

/// A serial widened by hand with `ALTER TABLE ... ALTER COLUMN id TYPE
/// bigint` keeps its sequence `AS integer` (PostgreSQL does not change it),
/// so inserts fail past 2147483647 (2200H). It was read as a bigserial, and
/// diffed clean against a declared bigserial, hiding the overflow the widening
/// was for; the sequence's type is reported now. A real bigserial is not.
#[test]
fn a_serial_whose_sequence_type_is_not_the_columns_is_reported() {
    let Some(db) = support::pg::test_db() else { return };
    let mut client = db.client();
    db.batch(
        "CREATE TABLE public.events (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE public.hits (id bigserial PRIMARY KEY);",
    );
    let options = IntrospectOptions::default();
    live::introspect(&mut client, &options).unwrap_or_else(|e| panic!("serials as created: {e}"));

    db.batch("ALTER TABLE public.events ALTER COLUMN id TYPE bigint");
    let found = live::introspect_detailed(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
    let what: Vec<String> = found.unsupported.iter().map(|u| u.to_string()).collect();
    assert_eq!(what.len(), 1, "{what:#?}");
    assert!(what[0].starts_with("column public.events.id: a bigint column whose serial sequence public.events_id_seq is integer"), "{what:#?}");
    assert!(matches!(live::introspect(&mut client, &options), Err(live::LiveError::Unsupported(_))));

    // Widening the sequence too makes it a bigserial again.
    db.batch("ALTER SEQUENCE public.events_id_seq AS bigint");
    let schema = live::introspect(&mut client, &options).unwrap_or_else(|e| panic!("widened with its sequence: {e}"));
    let events = schema.table(&QualifiedName::public("events")).expect("events");
    assert_eq!(events.columns[0].ty, SqlType::BigSerial);
}

/// PUBLIC's USAGE on schema `public` is what `CREATE DATABASE` gives (PostgreSQL
/// 15's template), so the shadow database normalising a declaration always
/// has it. A database hardened with `REVOKE USAGE ON SCHEMA public FROM PUBLIC`
/// (its application role granted USAGE by name) therefore diffed as `Grant
/// USAGE on schema public to public`: a declaration that cannot say "revoke"
/// never matched it, and the plan undid the hardening. That privilege is not
/// read now, on either side; a role's is.
#[test]
fn a_database_revoking_public_usage_on_schema_public_is_not_granted_it_back() {
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow) = support::pg::test_db() else { return };
    let role = format!("hardened_{}", std::process::id());
    let schema = Schema::builder()
        .role(Role::group(&role))
        .add_table(Table::new("notes").column(Column::new("id", SqlType::BigInt)).column(Column::new("body", SqlType::Text)).primary_key(["id"]))
        .grant(Grant::new([Privilege::Usage], GrantTarget::Schema("public".into()), [role.as_str()]))
        .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("notes"), columns: vec![] }, [role.as_str()]))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut client, mut shadow_client) = (db.client(), shadow.client());
    live::apply(&mut client, &schema).unwrap_or_else(|e| panic!("apply: {e}"));
    db.batch("REVOKE USAGE ON SCHEMA public FROM PUBLIC");
    let options = IntrospectOptions::for_schema(&schema);
    let declared = live::normalize(&mut shadow_client, &schema).unwrap_or_else(|e| panic!("normalize: {e}"));
    let found = live::introspect(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
    let diff = migrate::diff(&found, &declared);
    assert!(diff.is_empty(), "{diff}");
    let report = live::verify(&schema, &mut client, &mut shadow_client).unwrap_or_else(|e| panic!("verify: {e}"));
    assert!(report.is_clean(), "{}", report.diff);
    // The role's own USAGE is read, and a revoke of it is a difference.
    db.batch(&format!("REVOKE USAGE ON SCHEMA public FROM {}", support::pg::q(&role)));
    let found = live::introspect(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
    let diff = migrate::diff(&found, &declared);
    let granted: Vec<&migrate::Change> = diff.iter().collect();
    assert!(
        matches!(&granted[..], [migrate::Change::Grant(g)] if g.grantee == role && g.privilege == Privilege::Usage && g.object == migrate::GrantObject::Schema("public".into())),
        "{diff}"
    );
    // Said the way GRANT names it (it was `on Schema("public")`).
    assert_eq!(diff.to_string().trim(), format!("grant USAGE on schema public to {role}"));
    db.batch(&format!("DROP OWNED BY {0}; DROP ROLE {0}", support::pg::q(&role)));
}

// ---- tenant keys (session 2026-12-02) ----

/// `folders (tenant_id, id)` and `notes` whose key `(tenant_id, folder_id)`
/// sets `set` on delete (all its columns when empty).
fn tenant_notes(action: ReferentialAction, set: &[&str]) -> Schema {
    Schema::builder()
        .add_table(
            Table::new("folders")
                .column(Column::new("tenant_id", SqlType::BigInt))
                .column(Column::new("id", SqlType::BigInt))
                .primary_key(["tenant_id", "id"]),
        )
        .add_table(
            Table::new("notes")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("tenant_id", SqlType::BigInt))
                .column(Column::new("folder_id", SqlType::BigInt).nullable().default_expr("0"))
                .primary_key(["id"])
                .index(Index::on(["tenant_id", "folder_id"]))
                .foreign_key(
                    ForeignKey::new(["tenant_id", "folder_id"], QualifiedName::public("folders"), ["tenant_id", "id"])
                        .named("notes_folder_fkey")
                        .on_delete(action)
                        .on_delete_set_columns(set.iter().copied()),
                ),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// ON DELETE SET NULL (folder_id) and SET DEFAULT (folder_id, tenant_id) read
/// back as declared (they were reported as unsupported), and diff to nothing.
#[test]
fn set_null_column_lists_round_trip() {
    let Some(shadow) = support::pg::test_db() else { return };
    let mut shadow_client = shadow.client();
    for (action, set) in [(ReferentialAction::SetNull, &["folder_id"][..]), (ReferentialAction::SetDefault, &["folder_id", "tenant_id"][..])] {
        let schema = tenant_notes(action, set);
        let Some(db) = support::pg::test_db() else { return };
        let mut client = db.client();
        live::apply(&mut client, &schema).unwrap_or_else(|e| panic!("apply: {e}"));
        let options = IntrospectOptions::for_schema(&schema);
        let found = live::introspect_detailed(&mut client, &options).unwrap_or_else(|e| panic!("introspect: {e}"));
        assert!(found.unsupported.is_empty(), "unsupported: {:#?}", found.unsupported);
        let fk = &found.schema.table(&QualifiedName::public("notes")).unwrap().foreign_keys[0];
        assert_eq!(fk.on_delete, Some(action));
        assert_eq!(fk.on_delete_set_columns, set);
        let declared = live::normalize(&mut shadow_client, &schema).unwrap_or_else(|e| panic!("normalize: {e}"));
        let diff = migrate::diff(&declared, &found.schema);
        assert!(diff.is_empty(), "{}", show(&diff));
        let report = live::verify(&schema, &mut client, &mut shadow_client).unwrap_or_else(|e| panic!("verify: {e}"));
        assert!(report.is_clean(), "{}", report.diff);
    }
}

/// A key that sets every column, migrated to one that sets only folder_id: the
/// plan replaces the key, the database then clears only the reference on
/// delete, nothing is left to do, and the down steps bring the old key back.
#[test]
fn a_set_null_column_list_is_migrated_and_undone() {
    use pgarchitect::live::runner::Runner;
    let Some(db) = support::pg::test_db() else { return };
    let Some(shadow) = support::pg::test_db() else { return };
    let mut client = db.client();
    let mut shadow_client = shadow.client();
    let (before, after) = (tenant_notes(ReferentialAction::SetNull, &[]), tenant_notes(ReferentialAction::SetNull, &["folder_id"]));
    live::apply(&mut client, &before).unwrap_or_else(|e| panic!("apply: {e}"));
    client.batch_execute("INSERT INTO folders VALUES (1, 10), (2, 10); INSERT INTO notes VALUES (1, 1, 10), (2, 2, 10);").unwrap();
    let plan_to = |client: &mut postgres::Client, shadow: &mut postgres::Client, target: &Schema| {
        let found = live::introspect(client, &IntrospectOptions::for_schema(target)).unwrap_or_else(|e| panic!("introspect: {e}"));
        let from = live::canonicalize(shadow, &found).unwrap_or_else(|e| panic!("{e}"));
        let to = live::canonicalize(shadow, target).unwrap_or_else(|e| panic!("{e}"));
        migrate::plan(&migrate::diff(&from, &to), &migrate::PlanOptions::default()).unwrap_or_else(|e| panic!("plan: {e}"))
    };
    let plan = plan_to(&mut client, &mut shadow_client, &after);
    let up = plan.up_script();
    assert!(up.contains("ON DELETE SET NULL (folder_id) NOT VALID") && up.contains("VALIDATE CONSTRAINT notes_folder_fkey"), "{up}");
    let migrations = plan.migrations(2, "set null of folder_id only");
    Runner::new().run(&mut client, &migrations).unwrap_or_else(|e| panic!("run: {e}\n{up}"));
    assert!(live::verify(&after, &mut client, &mut shadow_client).unwrap().is_clean());
    assert!(plan_to(&mut client, &mut shadow_client, &after).is_empty());
    client.execute("DELETE FROM folders WHERE tenant_id = 1", &[]).unwrap();
    let rows: Vec<(i64, i64, Option<i64>)> =
        client.query("SELECT id, tenant_id, folder_id FROM notes ORDER BY id", &[]).unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(rows, [(1, 1, None), (2, 2, Some(10))]);

    for m in migrations.iter().rev() {
        let down = m.down.as_ref().expect("reversible");
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(down).unwrap_or_else(|e| panic!("down: {e}\n{down}"));
        tx.commit().unwrap();
    }
    assert!(live::verify(&before, &mut client, &mut shadow_client).unwrap().is_clean());
    let e = client.execute("DELETE FROM folders WHERE tenant_id = 2", &[]).unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("23502"), "the old key sets tenant_id too: {e}");
}
