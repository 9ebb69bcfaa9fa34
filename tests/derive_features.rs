//! The derive options that declare objects around a table's columns
//! (`partition`, `trigger`, `full_text`, `isolate`) and `#[derive(Domain)]`:
//! the model each builds, the DDL, and what the objects do on PostgreSQL.
#![allow(dead_code)] // The structs exist to be derived; their fields are never read.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use pgarchitect::model::{
    CivilDate, Function, IndexMethod, IndexTarget, PartitionBound, PartitionStrategy, Period, PolicyCommand, QualifiedName,
    TriggerEvent, TriggerTiming,
};
use pgarchitect::{Domain, PgType, Schema, SchemaBuilder, SqlType, Table};
use postgres::Client;

// ---------------------------------------------------------------------------
// The declarations
// ---------------------------------------------------------------------------

/// Sensor readings, one partition per month.
#[derive(Table)]
#[table(
    name = "readings",
    primary_key(id, taken_at),
    partition(range(taken_at), monthly(from = "2026-01-15", count = 3, ahead = 2), default_partition),
    index(columns(sensor_id, taken_at), unique)
)]
struct Reading {
    #[column(identity)]
    id: i64,
    sensor_id: i64,
    taken_at: SystemTime,
    value: f64,
}

/// Events by region: literal values and quoted labels, and a default partition.
#[derive(Table)]
#[table(
    name = "regional_events",
    partition(
        list(region),
        values(name = "regional_events_eu", values("'eu'", "'ch'"), labels("uk")),
        values(name = "regional_events_na", labels("us", "ca", "it's")),
        default_partition
    )
)]
struct RegionalEvent {
    #[column(primary_key)]
    region: String,
}

/// Unique keys that hold the partition key, in each form the derive checks.
#[derive(Table)]
#[table(
    name = "regional_orders",
    primary_key(id, region),
    unique(columns(region, code)),
    index(columns(code, region), expression = "lower(code)", unique),
    partition(list(region), values(name = "regional_orders_eu", labels("eu")))
)]
struct RegionalOrder {
    id: i64,
    #[column(unique)]
    region: String,
    code: String,
}

/// Rows spread over four hash partitions.
#[derive(Table)]
#[table(partition(hash(id), modulus = 4))]
struct Shard {
    #[column(primary_key)]
    id: i64,
    payload: String,
}

/// Explicit range partitions, on an integer key.
#[derive(Table)]
#[table(
    name = "ledger",
    partition(
        range(entry),
        values(name = "ledger_low", from("MINVALUE"), to("1000")),
        values(name = "ledger_high", from("1000"), to("MAXVALUE"))
    )
)]
struct Ledger {
    #[column(primary_key)]
    entry: i32,
}

/// Yearly and daily windows.
#[derive(Table)]
#[table(partition(range(day), daily(from = "2024-02-28", count = 3)))]
struct DailyStat {
    #[column(primary_key, sql_type = "date")]
    day: String,
}

#[derive(Table)]
#[table(partition(range(year_start), yearly(ahead = 1)))]
struct YearlyStat {
    #[column(primary_key, sql_type = "date")]
    year_start: String,
}

/// Articles: triggers calling user functions, and a full-text search column.
#[derive(Table)]
#[table(
    name = "articles",
    trigger(
        name = "articles_slug",
        timing = "before",
        events("insert"),
        when = "NEW.slug IS NULL",
        function = "public.slugify",
        arguments("-a"),
        comment = "Fills a missing slug"
    ),
    trigger(
        name = "articles_reslug",
        timing = "BEFORE",
        events("update"),
        update_of(title),
        function = "slugify",
        arguments("-u")
    ),
    trigger(
        name = "articles_truncated",
        timing = "after",
        events("truncate"),
        for_each = "statement",
        function = "audit.note_truncate"
    ),
    full_text(column = "search", config = "english", source(title, weight = "A"), source(body, weight = "b"), source(slug))
)]
struct Article {
    #[column(primary_key, identity)]
    id: i64,
    title: String,
    body: Option<String>,
    slug: String,
    views: i32,
}

/// Notes: visible and writable only by their owner.
#[derive(Table)]
#[table(name = "notes", row_level_security = "forced", isolate(column = owner_id, setting = "app.user_id"))]
struct Note {
    #[column(primary_key, identity)]
    id: i64,
    #[column(index)]
    owner_id: i64,
    body: String,
}

/// Documents: several isolation policies with their options.
#[derive(Table)]
#[table(
    row_level_security,
    isolate(column = tenant, setting = "app.tenant", name = "documents_tenant", restrictive, comment = "One tenant at a time"),
    isolate(column = author_key, setting = "app.author", command = "select", roles("readers", "auditors")),
    isolate(column = author_key, setting = "app.author", command = "insert", name = "document_insert_own")
)]
struct Document {
    #[column(primary_key)]
    id: i64,
    #[column(sql_type = "varchar(20)")]
    tenant: String,
    author_key: Option<i32>,
}

/// An email address, checked by the database.
#[derive(Debug, Clone, PartialEq, Domain)]
#[domain(sql_type = "varchar(255)", check(name = "email_address_format", expr = "VALUE ~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$'"))]
struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Domain)]
#[domain(name = "plan_tier", schema = "billing", not_null, default = "'free'", check = "VALUE IN ('free', 'pro')", comment = "")]
/// Ignored: `comment = ""` means none.
struct Tier(String);

/// A positive quantity.
#[derive(Debug, Clone, Copy, PartialEq, Domain)]
#[domain(check = "VALUE > 0", check = "VALUE < 1000000")]
struct Quantity(i32);

#[derive(Table)]
#[table(name = "contacts")]
struct Contact {
    #[column(primary_key, identity)]
    id: i64,
    email: EmailAddress,
    backup_email: Option<EmailAddress>,
    tier: Tier,
    seats: Quantity,
    history: Vec<Quantity>,
}

// ---------------------------------------------------------------------------
// Model and DDL
// ---------------------------------------------------------------------------

fn functions(schema: SchemaBuilder) -> SchemaBuilder {
    schema
        .function(Function::trigger(
            QualifiedName::public("slugify"),
            "\nBEGIN\n    NEW.slug := lower(regexp_replace(NEW.title, '[^a-zA-Z0-9]+', '-', 'g')) || TG_ARGV[0];\n    RETURN NEW;\nEND\n",
        ))
        .function(
            Function::trigger(
                QualifiedName::new("audit", "note_truncate"),
                "\nBEGIN\n    INSERT INTO audit.truncations (table_name) VALUES (TG_TABLE_NAME);\n    RETURN NULL;\nEND\n",
            )
            .depends_on(QualifiedName::new("audit", "truncations")),
        )
}

#[derive(Table)]
#[table(schema = "audit")]
struct Truncations {
    #[column(primary_key, identity)]
    id: i64,
    table_name: String,
}

/// Every declaration but `Document`, whose policies name roles that exist only
/// in its model test.
fn builder() -> SchemaBuilder {
    functions(Schema::builder())
        .table::<Reading>()
        .table::<RegionalEvent>()
        .table::<RegionalOrder>()
        .table::<Shard>()
        .table::<Ledger>()
        .table::<DailyStat>()
        .table::<YearlyStat>()
        .table::<Article>()
        .table::<Note>()
        .table::<Contact>()
        .table::<Truncations>()
}

fn schema() -> Schema {
    builder().build().unwrap_or_else(|e| panic!("{e}"))
}

fn table(schema: &Schema, name: &str) -> pgarchitect::model::Table {
    schema.tables().iter().find(|t| t.name.name == name).unwrap_or_else(|| panic!("no table {name}")).clone()
}

#[test]
fn partitioning_model() {
    let readings = Reading::definition();
    let p = readings.partitioning.as_ref().expect("partitioned");
    assert_eq!(p.strategy, PartitionStrategy::Range);
    assert_eq!(p.columns, ["taken_at"]);
    let w = p.window.unwrap();
    assert_eq!(
        (w.period, w.from, w.count, w.ahead),
        (Period::Month, CivilDate::new(2026, 1, 1).unwrap(), 3, 2),
        "from is truncated to its month"
    );
    assert!(p.default_partition);
    assert_eq!(readings.primary_key.as_ref().unwrap().columns, ["id", "taken_at"]);

    let events = RegionalEvent::definition();
    let p = events.partitioning.as_ref().unwrap();
    assert_eq!((p.strategy, p.columns.as_slice()), (PartitionStrategy::List, &["region".to_owned()][..]));
    let bounds: Vec<(&str, &PartitionBound)> = p.partitions.iter().map(|x| (x.name.as_str(), &x.bound)).collect();
    assert_eq!(
        bounds,
        [
            ("regional_events_eu", &PartitionBound::List(vec!["'eu'".into(), "'ch'".into(), "'uk'".into()])),
            ("regional_events_na", &PartitionBound::List(vec!["'us'".into(), "'ca'".into(), "'it''s'".into()])),
        ]
    );
    assert!(p.default_partition);

    let shards = Shard::definition();
    let p = shards.partitioning.as_ref().unwrap();
    assert_eq!((p.strategy, p.hash_modulus, p.default_partition), (PartitionStrategy::Hash, Some(4), false));

    let ledger = Ledger::definition();
    let p = ledger.partitioning.as_ref().unwrap();
    assert_eq!(p.partitions[0].bound, PartitionBound::Range { from: vec!["MINVALUE".into()], to: vec!["1000".into()] });

    assert_eq!(DailyStat::definition().partitioning.unwrap().window.unwrap().period, Period::Day);
    let yearly = YearlyStat::definition().partitioning.unwrap().window.unwrap();
    assert_eq!((yearly.period, yearly.count, yearly.ahead), (Period::Year, 0, 1));

    // build() expands the window and the modulus into partitions.
    let schema = schema();
    let names: Vec<String> = table(&schema, "readings").partitioning.unwrap().partitions.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["readings_2026_01", "readings_2026_02", "readings_2026_03"]);
    assert_eq!(table(&schema, "shard").partitioning.unwrap().partitions.len(), 4);
    let days: Vec<String> =
        table(&schema, "daily_stat").partitioning.unwrap().partitions.iter().map(|p| p.name.clone()).collect();
    assert_eq!(days, ["daily_stat_2024_02_28", "daily_stat_2024_02_29", "daily_stat_2024_03_01"]);
}

#[test]
fn trigger_and_full_text_model() {
    let articles = Article::definition();
    let t = &articles.triggers;
    assert_eq!(t.len(), 3);
    assert_eq!(t[0].name, "articles_slug");
    assert_eq!(t[0].timing, TriggerTiming::Before);
    assert_eq!(t[0].events, [TriggerEvent::Insert]);
    assert!(t[0].for_each_row);
    assert_eq!(t[0].when.as_deref(), Some("NEW.slug IS NULL"));
    assert_eq!(t[0].function, QualifiedName::public("slugify"));
    assert_eq!(t[0].arguments, ["-a"]);
    assert_eq!(t[0].comment.as_deref(), Some("Fills a missing slug"));
    assert_eq!(t[1].events, [TriggerEvent::Update(vec!["title".into()])]);
    assert_eq!(t[1].function, QualifiedName::public("slugify"), "an unqualified function is in public");
    assert_eq!(t[2].events, [TriggerEvent::Truncate]);
    assert!(!t[2].for_each_row);
    assert_eq!(t[2].function, QualifiedName::new("audit", "note_truncate"));

    let search = articles.find_column("search").expect("the tsvector column");
    assert_eq!(search.ty, SqlType::TsVector);
    let generated = search.generated.as_deref().unwrap();
    for part in ["coalesce(title, '')), 'A')", "coalesce(body, '')), 'B')", "coalesce(slug, '')), 'D')", "'english'::regconfig"] {
        assert!(generated.contains(part), "{generated}");
    }
    let gin = articles.indexes.iter().find(|i| i.method == IndexMethod::Gin).expect("a GIN index");
    assert_eq!(gin.keys[0].target, IndexTarget::Column("search".into()));
}

#[test]
fn isolation_model() {
    let notes = Note::definition();
    let p = &notes.policies[0];
    assert_eq!(p.name, "notes_owner_id_isolation");
    assert_eq!(p.command, PolicyCommand::All);
    assert!(p.permissive && p.roles.is_empty());
    let expr = p.using.as_deref().unwrap();
    assert_eq!(p.with_check.as_deref(), Some(expr));
    // The bigint form: a missing or malformed setting gives NULL, never an error.
    assert!(expr.contains("current_setting('app.user_id', true)") && expr.contains("::bigint"), "{expr}");
    assert!(expr.starts_with("owner_id = CASE WHEN") && !expr.contains("= current_setting("), "never the unguarded cast: {expr}");

    let docs = Document::definition();
    let tenant = &docs.policies[0];
    assert_eq!(tenant.name, "documents_tenant");
    assert!(!tenant.permissive);
    assert_eq!(tenant.comment.as_deref(), Some("One tenant at a time"));
    // A varchar column compares as text.
    assert_eq!(tenant.using.as_deref(), Some("tenant = NULLIF(current_setting('app.tenant', true), '')"));
    let select = &docs.policies[1];
    assert_eq!(select.name, "document_author_key_isolation");
    assert_eq!(select.command, PolicyCommand::Select);
    assert_eq!(select.roles, ["readers", "auditors"]);
    assert!(select.using.is_some() && select.with_check.is_none(), "SELECT takes only USING");
    let insert = &docs.policies[2];
    assert!(insert.using.is_none() && insert.with_check.is_some(), "INSERT takes only WITH CHECK");
    // `Option<i32>`: an integer column, so the guarded cast.
    assert!(insert.with_check.as_deref().unwrap().contains("^-?[0-9]{1,18}$"));
}

#[test]
fn domain_model() {
    assert_eq!(<EmailAddress as PgType>::sql_type(), SqlType::Named(QualifiedName::public("email_address")));
    assert_eq!(<Tier as PgType>::sql_type(), SqlType::Named(QualifiedName::new("billing", "plan_tier")));
    const { assert!(!<Quantity as PgType>::NULLABLE) };
    const { assert!(<Option<EmailAddress> as PgType>::NULLABLE) };

    let schema = schema();
    let domains: Vec<String> = schema.domains().iter().map(|d| d.name.to_string()).collect();
    assert_eq!(domains, ["billing.plan_tier", "public.email_address", "public.quantity"], "each registered once");
    let email = &schema.domains()[1];
    assert_eq!(email.base, SqlType::Varchar(Some(255)));
    assert!(!email.not_null);
    assert_eq!(email.checks[0].name.as_deref(), Some("email_address_format"));
    assert_eq!(email.comment.as_deref(), Some("An email address, checked by the database."));
    let tier = &schema.domains()[0];
    assert_eq!(tier.base, SqlType::Text, "the wrapped type's");
    assert!(tier.not_null);
    assert_eq!(tier.default.as_deref(), Some("'free'"));
    assert_eq!(tier.comment, None);
    let quantity = &schema.domains()[2];
    assert_eq!(quantity.base, SqlType::Integer);
    let checks: Vec<&str> = quantity.checks.iter().map(|c| c.expr.as_str()).collect();
    assert_eq!(checks, ["VALUE > 0", "VALUE < 1000000"]);

    let contacts = table(&schema, "contacts");
    let col = |n: &str| contacts.find_column(n).unwrap().clone();
    assert_eq!(col("email").ty, SqlType::Named(QualifiedName::public("email_address")));
    assert!(!col("email").nullable);
    assert!(col("backup_email").nullable);
    assert_eq!(col("history").ty, SqlType::Named(QualifiedName::public("quantity")).array());
}

#[test]
fn ddl() {
    let ddl = builder().table::<Document>().build().unwrap_or_else(|e| panic!("{e}")).to_ddl();
    for expected in [
        "PARTITION BY RANGE (taken_at)",
        "CREATE TABLE public.readings_2026_02 PARTITION OF public.readings FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00');",
        "CREATE TABLE public.readings_default PARTITION OF public.readings DEFAULT;",
        "SELECT public.ensure_partitions('public.readings', 'month', 2);",
        "PARTITION BY LIST (region)",
        "PARTITION OF public.regional_events FOR VALUES IN ('us', 'ca', 'it''s');",
        "PARTITION BY HASH (id)",
        "CREATE TABLE public.shard_p3 PARTITION OF public.shard FOR VALUES WITH (MODULUS 4, REMAINDER 3);",
        "CREATE TABLE public.ledger_low PARTITION OF public.ledger FOR VALUES FROM (MINVALUE) TO (1000);",
        "CREATE DOMAIN public.email_address AS varchar(255)\n    CONSTRAINT email_address_format CHECK (VALUE ~ '^[^@\\s]+@[^@\\s]+\\.[a-z]+$');",
        "COMMENT ON DOMAIN public.email_address IS 'An email address, checked by the database.';",
        "CREATE DOMAIN billing.plan_tier AS text DEFAULT 'free' NOT NULL\n    CHECK (VALUE IN ('free', 'pro'));",
        "    email public.email_address NOT NULL,",
        "    history public.quantity[] NOT NULL,",
        "    search tsvector GENERATED ALWAYS AS (",
        "CREATE INDEX idx_articles_search ON public.articles USING gin (search);",
        "CREATE TRIGGER articles_slug BEFORE INSERT ON public.articles FOR EACH ROW WHEN (NEW.slug IS NULL) EXECUTE FUNCTION public.slugify('-a');",
        "CREATE TRIGGER articles_reslug BEFORE UPDATE OF title ON public.articles FOR EACH ROW EXECUTE FUNCTION public.slugify('-u');",
        "CREATE TRIGGER articles_truncated AFTER TRUNCATE ON public.articles FOR EACH STATEMENT EXECUTE FUNCTION audit.note_truncate();",
        "CREATE POLICY notes_owner_id_isolation ON public.notes",
        "ALTER TABLE public.notes FORCE ROW LEVEL SECURITY;",
        "AS RESTRICTIVE",
        "TO readers, auditors",
    ] {
        assert!(ddl.contains(expected), "DDL lacks {expected:?}:\n{ddl}");
    }
}

#[test]
fn build_reports_a_trigger_function_that_is_not_declared() {
    let err = Schema::builder().table::<Article>().build().unwrap_err().to_string();
    assert!(err.contains("slugify") && err.contains("articles_slug"), "{err}");
}

// ---------------------------------------------------------------------------
// Behaviour on PostgreSQL
// ---------------------------------------------------------------------------

/// Cluster-wide roles with names no other test (or run) uses, dropped at the end.
/// Declare it before the database, so the database (whose grants refer to the
/// roles) is dropped first.
struct Roles(Vec<String>);

impl Roles {
    fn make(&mut self, base: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name =
            format!("pga_df_{base}_{}_{}_{:x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos & 0xfffff);
        self.0.push(name.clone());
        name
    }
}

impl Drop for Roles {
    fn drop(&mut self) {
        let Some(url) = support::pg::server_url() else { return };
        if let Ok(mut c) = Client::connect(&url, postgres::NoTls) {
            for name in self.0.iter().rev() {
                let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS \"{name}\""));
            }
        }
    }
}

fn apply(db: &support::pg::TestDb) -> Client {
    let ddl = schema().to_ddl();
    if let Err(e) = db.apply_psql(&ddl) {
        panic!("the derived DDL does not apply: {e}\n{ddl}");
    }
    db.client()
}

fn partition_of(c: &mut Client, sql: &str) -> String {
    c.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", support::pg::describe_error(&e))).get(0)
}

fn sqlstate(result: Result<u64, postgres::Error>, what: &str) -> (String, Option<String>) {
    let e = result.expect_err(what);
    let db = e.as_db_error().unwrap_or_else(|| panic!("{what}: {e}"));
    (db.code().code().to_owned(), db.constraint().map(str::to_owned))
}

#[test]
fn rows_land_in_their_partitions() {
    let Some(db) = support::pg::test_db() else { return };
    let mut c = apply(&db);

    let into = |c: &mut Client, at: &str| {
        partition_of(
            c,
            &format!(
                "INSERT INTO readings (sensor_id, taken_at, value) VALUES (1, {at}, 0.5) RETURNING tableoid::regclass::text"
            ),
        )
    };
    assert_eq!(into(&mut c, "'2026-02-15 12:00:00+00'"), "readings_2026_02");
    assert_eq!(into(&mut c, "'1999-12-31 23:59:59+00'"), "readings_default", "outside every range");
    let today = into(&mut c, "now()");
    assert!(today.starts_with("readings_20") && today != "readings_default", "`ahead` covers today: {today}");

    // The unique index holds the partition key, so it is enforced across partitions.
    c.execute("INSERT INTO readings (sensor_id, taken_at, value) VALUES (7, '2026-03-01 00:00:00+00', 1)", &[]).unwrap();
    let (code, _) = sqlstate(
        c.execute("INSERT INTO readings (sensor_id, taken_at, value) VALUES (7, '2026-03-01 00:00:00+00', 2)", &[]),
        "duplicate sensor reading",
    );
    assert_eq!(code, "23505");

    let region = |c: &mut Client, r: &str| {
        partition_of(c, &format!("INSERT INTO regional_events VALUES ('{r}') RETURNING tableoid::regclass::text"))
    };
    assert_eq!(region(&mut c, "ch"), "regional_events_eu");
    assert_eq!(region(&mut c, "uk"), "regional_events_eu", "a label");
    assert_eq!(region(&mut c, "it''s"), "regional_events_na", "a label with a quote");
    assert_eq!(region(&mut c, "mars"), "regional_events_default");

    for id in 0..40 {
        c.execute("INSERT INTO shard VALUES ($1, 'x')", &[&(id as i64)]).unwrap();
    }
    let used: i64 = c.query_one("SELECT count(DISTINCT tableoid) FROM shard", &[]).unwrap().get(0);
    assert_eq!(used, 4, "40 rows spread over all 4 hash partitions");

    assert_eq!(partition_of(&mut c, "INSERT INTO ledger VALUES (999) RETURNING tableoid::regclass::text"), "ledger_low");
    assert_eq!(partition_of(&mut c, "INSERT INTO ledger VALUES (1000) RETURNING tableoid::regclass::text"), "ledger_high");
    assert_eq!(
        partition_of(&mut c, "INSERT INTO daily_stat VALUES ('2024-02-29') RETURNING tableoid::regclass::text"),
        "daily_stat_2024_02_29"
    );
    let year = partition_of(&mut c, "INSERT INTO yearly_stat VALUES (current_date) RETURNING tableoid::regclass::text");
    assert!(year.starts_with("yearly_stat_20"), "{year}");
}

#[test]
fn triggers_fire_and_full_text_finds_rows() {
    let Some(db) = support::pg::test_db() else { return };
    let mut c = apply(&db);

    let slug: String = c
        .query_one("INSERT INTO articles (title, views) VALUES ('Partitioning, explained', 0) RETURNING slug", &[])
        .unwrap()
        .get(0);
    assert_eq!(slug, "partitioning-explained-a", "BEFORE INSERT filled the slug, with the trigger's argument");
    let kept: String =
        c.query_one("INSERT INTO articles (title, slug, views) VALUES ('Kept', 'mine', 0) RETURNING slug", &[]).unwrap().get(0);
    assert_eq!(kept, "mine", "WHEN (NEW.slug IS NULL) skips a given slug");

    c.execute("UPDATE articles SET views = views + 1", &[]).unwrap();
    let unchanged: String = c.query_one("SELECT slug FROM articles WHERE title = 'Kept'", &[]).unwrap().get(0);
    assert_eq!(unchanged, "mine", "UPDATE OF title only");
    c.execute("UPDATE articles SET title = 'Row level security' WHERE slug = 'mine'", &[]).unwrap();
    let renamed: String = c.query_one("SELECT slug FROM articles WHERE title = 'Row level security'", &[]).unwrap().get(0);
    assert_eq!(renamed, "row-level-security-u");

    // The stored tsvector: stemmed English, title ranked above the slug.
    let found: Vec<String> = c
        .query("SELECT title FROM articles WHERE search @@ to_tsquery('english', 'partitions') ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(found, ["Partitioning, explained"]);
    c.execute("UPDATE articles SET body = 'all about security policies' WHERE title = 'Row level security'", &[]).unwrap();
    let n: i64 =
        c.query_one("SELECT count(*) FROM articles WHERE search @@ to_tsquery('english', 'policy')", &[]).unwrap().get(0);
    assert_eq!(n, 1, "the generated column follows the body");

    c.batch_execute("TRUNCATE articles").unwrap();
    let logged: Vec<String> =
        c.query("SELECT table_name FROM audit.truncations", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(logged, ["articles"], "the statement trigger fired once");
}

#[test]
fn isolation_hides_other_owners_rows() {
    let mut roles = Roles(Vec::new());
    let app = roles.make("app");
    let Some(db) = support::pg::test_db() else { return };
    db.batch(&format!("DO $$ BEGIN CREATE ROLE \"{app}\" NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"));
    let mut c = apply(&db);
    c.batch_execute(&format!(
        "INSERT INTO notes (owner_id, body) VALUES (1, 'ann'), (2, 'bob'), (2, 'bob again');
         GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO \"{app}\";"
    ))
    .unwrap();
    c.batch_execute(&format!("SET ROLE \"{app}\"")).unwrap();
    let bodies = |c: &mut Client| -> Vec<String> {
        c.query("SELECT body FROM notes ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect()
    };
    assert!(bodies(&mut c).is_empty(), "no setting: no rows, and no error");
    c.batch_execute("SET app.user_id = '2'").unwrap();
    assert_eq!(bodies(&mut c), ["bob", "bob again"]);
    c.batch_execute("SET app.user_id = 'not a number'").unwrap();
    assert!(bodies(&mut c).is_empty(), "a malformed setting: no rows, and no error");
    c.batch_execute("SET app.user_id = '1'").unwrap();
    assert_eq!(bodies(&mut c), ["ann"]);
    let (code, _) =
        sqlstate(c.execute("INSERT INTO notes (owner_id, body) VALUES (2, 'forged')", &[]), "writing another owner's row");
    assert_eq!(code, "42501");
    assert_eq!(c.execute("DELETE FROM notes WHERE owner_id = 2", &[]).unwrap(), 0);

    // The superuser that applied the DDL owns the table and bypasses RLS, forced or not.
    c.batch_execute("RESET ROLE").unwrap();
    let visible: i64 = c.query_one("SELECT count(*) FROM notes", &[]).unwrap().get(0);
    assert_eq!(visible, 3, "a superuser bypasses RLS");
}

#[test]
fn domain_checks_reject_bad_values() {
    let Some(db) = support::pg::test_db() else { return };
    let mut c = apply(&db);
    c.execute("INSERT INTO contacts (email, seats, history) VALUES ('ann@example.com', 3, '{1,2}')", &[]).unwrap();
    let tier: String = c.query_one("SELECT tier FROM contacts", &[]).unwrap().get(0);
    assert_eq!(tier, "free", "the domain's default");

    let (code, constraint) =
        sqlstate(c.execute("INSERT INTO contacts (email, seats, history) VALUES ('not an email', 3, '{}')", &[]), "bad email");
    assert_eq!((code.as_str(), constraint.as_deref()), ("23514", Some("email_address_format")));
    let (code, _) =
        sqlstate(c.execute("INSERT INTO contacts (email, seats, history) VALUES ('b@example.com', 0, '{}')", &[]), "zero seats");
    assert_eq!(code, "23514");
    let (code, _) = sqlstate(
        c.execute("INSERT INTO contacts (email, seats, history) VALUES ('b@example.com', 1, '{5,-1}')", &[]),
        "an array element outside the domain",
    );
    assert_eq!(code, "23514");
    let (code, _) = sqlstate(
        c.execute("INSERT INTO contacts (email, seats, history, tier) VALUES ('b@example.com', 1, '{}', 'gold')", &[]),
        "unknown tier",
    );
    assert_eq!(code, "23514");
    let (code, _) = sqlstate(
        c.execute("INSERT INTO contacts (email, seats, history, tier) VALUES ('b@example.com', 1, '{}', NULL)", &[]),
        "NULL into a NOT NULL domain",
    );
    assert_eq!(code, "23502");
    let ty: String = c
        .query_one("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'contacts'::regclass AND attname = 'email'", &[])
        .unwrap()
        .get(0);
    assert_eq!(ty, "email_address");
}
