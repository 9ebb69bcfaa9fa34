//! `#[derive(PgEnum)]`'s and `#[derive(Domain)]`'s `ToSql`/`FromSql` against a
//! live PostgreSQL: the type is created from the emitted DDL, Rust values go in
//! as parameters and come back out, and `accepts` refuses any other type.
#![cfg(feature = "postgres-types")]

#[cfg(all(feature = "chrono", feature = "uuid", feature = "serde_json", feature = "rust_decimal"))]
mod derive_blog;
mod support;

use pgarchitect::{Domain, PgEnum, Schema, Table};
use postgres::types::{FromSql, Kind, ToSql, Type};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PgEnum)]
enum TicketState {
    Open,
    OnHold,
    #[pg_enum(rename = "closed for good")]
    Closed,
}

const ALL: [TicketState; 3] = [TicketState::Open, TicketState::OnHold, TicketState::Closed];

#[derive(Table)]
#[table(name = "tickets")]
#[allow(dead_code)]
struct Ticket {
    #[column(primary_key, identity)]
    id: i64,
    #[column(default_text = "open")]
    state: TicketState,
    previous: Option<TicketState>,
    #[column(default = "'{}'")]
    history: Vec<TicketState>,
}

fn ddl() -> String {
    Schema::builder().table::<Ticket>().build().unwrap().to_ddl()
}

fn param_type(client: &mut postgres::Client, cast: &str) -> Type {
    client.prepare(&format!("SELECT $1::{cast}")).unwrap().params()[0].clone()
}

#[test]
fn enum_values_round_trip() {
    let Some(db) = support::pg::test_db() else { return };
    db.batch(&ddl());
    let mut client = db.client();

    for (state, label) in ALL.into_iter().zip(TicketState::LABELS) {
        let row = client
            .query_one(
                "INSERT INTO tickets (state, previous, history) VALUES ($1, $2, ARRAY[$1, $1]::ticket_state[]) \
                 RETURNING state, previous, state::text",
                &[&state, &Some(TicketState::OnHold)],
            )
            .unwrap();
        assert_eq!(row.get::<_, TicketState>(0), state);
        assert_eq!(row.get::<_, Option<TicketState>>(1), Some(TicketState::OnHold));
        // On the wire an enum is its label.
        assert_eq!(row.get::<_, String>(2), *label);
    }

    // The column default, NULL, and comparison with a parameter in SQL.
    let row = client.query_one("INSERT INTO tickets DEFAULT VALUES RETURNING state, previous", &[]).unwrap();
    assert_eq!(row.get::<_, TicketState>(0), TicketState::Open);
    assert_eq!(row.get::<_, Option<TicketState>>(1), None);
    let open: i64 = client.query_one("SELECT count(*) FROM tickets WHERE state = $1", &[&TicketState::Open]).unwrap().get(0);
    assert_eq!(open, 2);

    // Once the database type has a label the Rust enum lacks, the types no longer
    // match, and reading even a known label is refused rather than guessed.
    db.batch("ALTER TYPE ticket_state ADD VALUE 'escalated'");
    let mut client = db.client(); // a new session sees the new label
    let row = client.query_one("SELECT 'open'::ticket_state", &[]).unwrap();
    let err = row.try_get::<_, TicketState>(0).unwrap_err();
    let message = support::pg::describe_error(&err);
    assert!(message.contains("cannot convert") && message.contains("ticket_state"), "{message}");
}

#[test]
fn accepts_only_its_own_type() {
    let Some(db) = support::pg::test_db() else { return };
    db.batch(&ddl());
    db.batch(
        "CREATE TYPE other_state AS ENUM ('open', 'on_hold', 'closed for good');
         CREATE SCHEMA shadow;
         CREATE TYPE shadow.ticket_state AS ENUM ('open', 'on_hold');",
    );
    let mut client = db.client();

    let ours = param_type(&mut client, "ticket_state");
    assert!(<TicketState as ToSql>::accepts(&ours));
    assert!(<TicketState as FromSql>::accepts(&ours));

    // Another name, even with the same labels.
    let other = param_type(&mut client, "other_state");
    assert!(!<TicketState as ToSql>::accepts(&other));
    assert!(!<TicketState as FromSql>::accepts(&other));
    let err = client.query_one("SELECT $1::other_state", &[&TicketState::Open]).unwrap_err();
    let message = support::pg::describe_error(&err);
    assert!(message.contains("TicketState") && message.contains("other_state"), "{message}");

    // The same name with other labels.
    let shadow = param_type(&mut client, "shadow.ticket_state");
    assert!(!<TicketState as ToSql>::accepts(&shadow));
    assert!(!<TicketState as FromSql>::accepts(&shadow));

    // Not an enum at all.
    assert!(!<TicketState as ToSql>::accepts(&Type::TEXT));
    assert!(!<TicketState as ToSql>::accepts(&param_type(&mut client, "text")));

    // Labels are compared as a set: `ALTER TYPE ... ADD VALUE ... BEFORE` reorders them.
    let reordered = Type::new(
        "ticket_state".into(),
        0,
        Kind::Enum(vec!["closed for good".into(), "open".into(), "on_hold".into()]),
        "public".into(),
    );
    assert!(<TicketState as ToSql>::accepts(&reordered));
}

/// The derived impls name every path in full: a module that shadows prelude names
/// (`Box`, `Result`, `Option`, `Ok`, `Err`, `String`) still compiles them.
#[allow(dead_code, non_camel_case_types)]
mod shadowed {
    pub struct Box;
    pub struct Result;
    pub struct Option;
    pub struct Ok;
    pub struct Err;
    pub struct String;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, pgarchitect::PgEnum)]
    pub enum Light {
        Red,
        Green,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, pgarchitect::Domain)]
    #[domain(check = "VALUE >= 0")]
    pub struct Lumens(pub i32);
}

#[test]
fn to_sql_checked_refuses_another_type_and_writes_its_own() {
    use bytes::BytesMut;
    use postgres::types::IsNull;
    use shadowed::{Light, Lumens};

    let light = Type::new("light".into(), 0, Kind::Enum(vec!["red".into(), "green".into()]), "public".into());
    let mut out = BytesMut::new();
    assert!(matches!(Light::Green.to_sql_checked(&light, &mut out), Ok(IsNull::No)));
    assert_eq!(&out[..], b"green");

    let Err(err) = Light::Red.to_sql_checked(&Type::TEXT, &mut BytesMut::new()) else { panic!("text accepted for Light") };
    assert!(err.to_string().contains("Light") && err.to_string().contains("text"), "{err}");

    let mut out = BytesMut::new();
    assert!(matches!(Lumens(7).to_sql_checked(&Type::INT4, &mut out), Ok(IsNull::No)));
    assert_eq!(&out[..], 7i32.to_be_bytes());
    let Err(err) = Lumens(7).to_sql_checked(&Type::TEXT, &mut BytesMut::new()) else { panic!("text accepted for Lumens") };
    assert!(err.to_string().contains("Lumens"), "{err}");
}

/// An email address, as the database checks it.
#[derive(Debug, Clone, PartialEq, Eq, Domain)]
#[domain(sql_type = "varchar(255)", check(name = "wire_email_format", expr = "VALUE LIKE '_%@_%'"))]
struct WireEmail(String);

/// A domain over the domain above (its name sorts after it: domains are emitted by name).
#[derive(Debug, Clone, PartialEq, Eq, Domain)]
#[domain(check = "VALUE LIKE '%@example.com'")]
struct WorkEmail(WireEmail);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Domain)]
#[domain(check = "VALUE > 0")]
struct Seats(i32);

#[derive(Table)]
#[table(name = "subscribers")]
#[allow(dead_code)]
struct Subscriber {
    #[column(primary_key, identity)]
    id: i64,
    email: WireEmail,
    backup: Option<WireEmail>,
    work: Option<WorkEmail>,
    seats: Seats,
}

fn domain_ddl() -> String {
    Schema::builder().table::<Subscriber>().build().unwrap().to_ddl()
}

#[test]
fn domain_values_round_trip() {
    let Some(db) = support::pg::test_db() else { return };
    db.batch(&domain_ddl());
    let mut client = db.client();

    let ann = WireEmail("ann@example.com".into());
    let work = WorkEmail(WireEmail("ann@example.com".into()));
    let row = client
        .query_one(
            "INSERT INTO subscribers (email, backup, work, seats) VALUES ($1, $2, $3, $4) RETURNING email, backup, work, seats",
            &[&ann, &None::<WireEmail>, &Some(work.clone()), &Seats(3)],
        )
        .unwrap();
    assert_eq!(row.get::<_, WireEmail>(0), ann);
    assert_eq!(row.get::<_, Option<WireEmail>>(1), None);
    assert_eq!(row.get::<_, Option<WorkEmail>>(2), Some(work));
    assert_eq!(row.get::<_, Seats>(3), Seats(3));

    // A parameter compared with a column of the domain, and the domain's own checks.
    let n: i64 = client.query_one("SELECT count(*) FROM subscribers WHERE email = $1", &[&ann]).unwrap().get(0);
    assert_eq!(n, 1);
    let err = client
        .execute("INSERT INTO subscribers (email, seats) VALUES ($1, $2)", &[&WireEmail("nobody".into()), &Seats(1)])
        .unwrap_err();
    let db_err = err.as_db_error().unwrap_or_else(|| panic!("{err}"));
    assert_eq!((db_err.code().code(), db_err.constraint()), ("23514", Some("wire_email_format")));
    let err = client.execute("INSERT INTO subscribers (email, seats) VALUES ($1, $2)", &[&ann, &Seats(0)]).unwrap_err();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23514"), "{}", support::pg::describe_error(&err));
    let err = client
        .execute(
            "INSERT INTO subscribers (email, work, seats) VALUES ($1, $2, $3)",
            &[&ann, &WorkEmail(WireEmail("b@elsewhere.org".into())), &Seats(1)],
        )
        .unwrap_err();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23514"), "the outer domain's check");

    // The base type itself: a domain value read from, and bound to, a plain varchar.
    let plain: WireEmail = client.query_one("SELECT 'cy@example.com'::varchar", &[]).unwrap().get(0);
    assert_eq!(plain.0, "cy@example.com");
    let text: String = client.query_one("SELECT $1::varchar || ''", &[&ann]).unwrap().get(0);
    assert_eq!(text, "ann@example.com");
}

#[test]
fn domains_accept_their_own_type_and_its_base() {
    let Some(db) = support::pg::test_db() else { return };
    db.batch(&domain_ddl());
    db.batch("CREATE DOMAIN other_email AS varchar(255); CREATE SCHEMA shadow; CREATE DOMAIN shadow.seats AS bigint;");
    let mut client = db.client();

    let domain = param_type(&mut client, "wire_email");
    assert!(matches!(domain.kind(), Kind::Domain(base) if *base == Type::VARCHAR), "{domain:?}");
    assert!(<WireEmail as ToSql>::accepts(&domain));
    assert!(<WireEmail as FromSql>::accepts(&domain));
    assert!(<WireEmail as ToSql>::accepts(&Type::VARCHAR), "the base type");
    assert!(<WireEmail as FromSql>::accepts(&Type::TEXT), "any type the wrapped String accepts");
    assert!(!<WireEmail as ToSql>::accepts(&Type::INT4));
    let other = param_type(&mut client, "other_email");
    assert!(!<WireEmail as ToSql>::accepts(&other), "another domain, even over the same type");
    assert!(!<WireEmail as FromSql>::accepts(&other));

    let work = param_type(&mut client, "work_email");
    assert!(<WorkEmail as ToSql>::accepts(&work), "a domain over a domain");
    assert!(!<WorkEmail as ToSql>::accepts(&other));

    let seats = param_type(&mut client, "seats");
    assert!(<Seats as ToSql>::accepts(&seats));
    assert!(<Seats as ToSql>::accepts(&Type::INT4));
    assert!(!<Seats as ToSql>::accepts(&Type::INT8));
    // Same name, but over bigint, which an i32 does not accept.
    let shadow = param_type(&mut client, "shadow.seats");
    assert!(!<Seats as ToSql>::accepts(&shadow));
    let err = client.query_one("SELECT $1::shadow.seats", &[&Seats(1)]).unwrap_err();
    assert!(support::pg::describe_error(&err).contains("Seats"), "{}", support::pg::describe_error(&err));
}

/// The whole derived blog schema (enums, composite and self-referencing keys,
/// gin and partial indexes, generated columns, RLS policies, timestamps, soft
/// delete, audit) applies to PostgreSQL as emitted.
#[cfg(all(feature = "chrono", feature = "uuid", feature = "serde_json", feature = "rust_decimal"))]
#[test]
fn derived_blog_schema_applies() {
    let Some(db) = support::pg::test_db() else { return };
    // Roles are cluster-wide and tests run in parallel.
    db.batch("DO $$ BEGIN CREATE ROLE app_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    let ddl = derive_blog::schema().to_ddl();
    if let Err(e) = db.apply_psql(&ddl) {
        panic!("the derived DDL does not apply: {e}\n{ddl}");
    }
    let mut client = db.client();
    let tables: i64 = client
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'app') AND tablename <> 'audit_log'", &[])
        .unwrap()
        .get(0);
    assert!(tables >= 7, "{tables} tables");
    let policies: i64 = client.query_one("SELECT count(*) FROM pg_policies WHERE tablename = 'sessions'", &[]).unwrap().get(0);
    assert_eq!(policies, 2);
}
