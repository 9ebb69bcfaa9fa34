//! A live PostgreSQL (feature `postgres`): apply a schema, read a database back
//! into the same graph, normalise declared expressions, run migrations, check drift.
//!
//! - [`apply`] runs the emitted DDL in one transaction. sqlx (or any other client)
//!   users run the same script through their own pool:
//!   `sqlx::raw_sql(&schema.to_ddl()).execute(&pool)` inside a transaction.
//! - [`introspect`] reads tables, columns, constraints, indexes, enums, domains,
//!   partitions, RLS and policies, roles and grants, triggers, functions, views,
//!   comments and extensions with a fixed number of catalog queries
//!   ([`query::CATALOG_QUERIES`], one per kind of object) whatever the number of
//!   tables. Rows become the graph in [`parse`], a pure function.
//! - [`normalize`] answers "what would the server make of this declaration?":
//!   see below.
//! - [`runner`] applies migration files under an advisory lock; [`verify`] diffs
//!   the code against a live database.
//!
//! # Normalisation
//!
//! PostgreSQL stores expressions as parse trees and prints them back its own way:
//! `DEFAULT 0` on a numeric column reads back as `0`, `CHECK (balance >= 0)` as
//! `balance >= 0::numeric`, `'open'` as `'open'::account_state`, a view's query
//! fully re-written. Comparing declared text with catalog text would report
//! changes that are not there. So declarations are never compared raw:
//! [`normalize`] applies the declared schema's DDL inside a transaction on a
//! *shadow* database (an empty scratch database on the same server, as Prisma's
//! shadow database), introspects it there with the same queries and settings
//! as the live side, and rolls back. Both sides of a diff are then the server's
//! own rendering, made under identical settings (`search_path = pg_catalog`, so
//! every non-catalog name is schema-qualified; `TimeZone = UTC`; ISO dates), and
//! `diff(normalize(declared), introspect(live))` is empty exactly when the live
//! database matches the declaration. Roles created by the shadow transaction are
//! rolled back with it.
//!
//! The server's rendering is not always a fixed point (see [`canonicalize`]):
//! when the live database may have been built from rendered text (by generated
//! migrations) rather than from the declaration itself, compare
//! `canonicalize(declared)` with `canonicalize(introspect(live))`, as [`verify`] does.
//!
//! ```no_run
//! use pgarchitect_core::{live, migrate, Schema, SqlType, model::*};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let schema = Schema::builder()
//!     .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
//!     .build()?;
//! let mut db = postgres::Client::connect("postgresql://postgres@localhost/app", postgres::NoTls)?;
//! let mut shadow = postgres::Client::connect("postgresql://postgres@localhost/app_shadow", postgres::NoTls)?;
//! live::apply(&mut db, &schema)?;
//! let options = live::IntrospectOptions::for_schema(&schema);
//! let declared = live::normalize(&mut shadow, &schema)?;
//! let actual = live::introspect(&mut db, &options)?;
//! assert!(migrate::diff(&declared, &actual).is_empty());
//! # Ok(()) }
//! ```

use std::fmt;

use postgres::{Client, IsolationLevel, Transaction};

use crate::model::{QualifiedName, DEFAULT_NAMESPACE};
use crate::schema::Schema;
use crate::SchemaErrors;

pub mod parse;
pub mod query;
pub mod rows;
pub mod runner;
mod shadow;
mod verify;

pub use parse::Unsupported;
pub use shadow::ShadowDatabase;
pub use verify::verify;

/// What to read from a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// Schemas (namespaces) whose objects are read.
    pub schemas: Vec<String>,
    /// Roles read by name, besides those the objects' privileges and policies
    /// refer to (roles are cluster-wide, so only these are read).
    pub roles: Vec<String>,
    /// Tables left out (with their columns, constraints, indexes, triggers,
    /// policies and grants), such as a migration tool's bookkeeping table.
    pub exclude_tables: Vec<QualifiedName>,
}

impl Default for IntrospectOptions {
    /// `public` only.
    fn default() -> Self {
        Self { schemas: vec![DEFAULT_NAMESPACE.to_owned()], roles: Vec::new(), exclude_tables: Vec::new() }
    }
}

impl IntrospectOptions {
    /// The given schemas.
    pub fn schemas<S: Into<String>>(schemas: impl IntoIterator<Item = S>) -> Self {
        Self { schemas: schemas.into_iter().map(Into::into).collect(), ..Self::default() }
    }

    /// What a declared schema covers: `public`, its other namespaces, and its
    /// roles; the migration runner's `public.schema_migrations` is left out
    /// unless the schema declares it.
    pub fn for_schema(schema: &Schema) -> Self {
        let mut schemas = vec![DEFAULT_NAMESPACE.to_owned()];
        schemas.extend(schema.namespaces().iter().cloned());
        let bookkeeping = QualifiedName::public(runner::DEFAULT_TABLE);
        let exclude_tables = if schema.table(&bookkeeping).is_some() { Vec::new() } else { vec![bookkeeping] };
        Self { schemas, roles: schema.roles().iter().map(|r| r.name.clone()).collect(), exclude_tables }
    }
}

/// A failure talking to or reading from a live database.
#[derive(Debug)]
#[non_exhaustive]
pub enum LiveError {
    /// The server or the connection failed.
    Postgres(postgres::Error),
    /// What was read does not make a valid schema graph (a table without a
    /// primary key, a foreign key to a schema that was not read...).
    Invalid(SchemaErrors),
    /// The database holds objects or attributes the graph cannot represent;
    /// [`introspect_detailed`] returns the graph without them.
    Unsupported(Vec<Unsupported>),
    /// A migration runner problem.
    Migration(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "PostgreSQL error {}: {}", db.code().code(), db.message())?,
                None => write!(f, "PostgreSQL error: {e}")?,
            },
            Self::Invalid(e) => write!(f, "the database does not make a valid schema graph:\n{e}")?,
            Self::Unsupported(items) => {
                write!(f, "the database holds what the schema graph cannot represent:")?;
                for item in items {
                    write!(f, "\n  - {item}")?;
                }
            }
            Self::Migration(m) => f.write_str(m)?,
        }
        Ok(())
    }
}

impl std::error::Error for LiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Postgres(e) => Some(e),
            Self::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl From<postgres::Error> for LiveError {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(e)
    }
}

/// Runs `schema`'s DDL in one transaction: all of it is applied, or nothing.
///
/// The script needs no client-side features, so sqlx users can run
/// `schema.to_ddl()` through their own pool instead (in a transaction).
pub fn apply(client: &mut Client, schema: &Schema) -> Result<(), LiveError> {
    apply_sql(client, &schema.to_ddl())
}

/// Runs an arbitrary script in one transaction.
pub fn apply_sql(client: &mut Client, sql: &str) -> Result<(), LiveError> {
    let mut tx = client.transaction()?;
    tx.batch_execute(sql)?;
    tx.commit()?;
    Ok(())
}

/// A database read back: the graph, what it leaves out, and how many catalog
/// queries it took.
#[derive(Debug)]
pub struct Introspection {
    /// The graph.
    pub schema: Schema,
    /// Objects and attributes the graph cannot hold, left out of it.
    pub unsupported: Vec<Unsupported>,
    /// Indexes marked INVALID (a failed `CREATE INDEX CONCURRENTLY`); they are in the graph.
    pub invalid_indexes: Vec<QualifiedName>,
    /// Catalog queries sent (always [`query::CATALOG_QUERIES`]`.len()`).
    pub queries: usize,
}

/// Reads the database into a schema graph, failing if it holds anything the
/// graph cannot represent (see [`introspect_detailed`] for the lenient form).
pub fn introspect(client: &mut Client, options: &IntrospectOptions) -> Result<Schema, LiveError> {
    let found = introspect_detailed(client, options)?;
    if found.unsupported.is_empty() {
        Ok(found.schema)
    } else {
        Err(LiveError::Unsupported(found.unsupported))
    }
}

/// Reads the database into a schema graph in one read-only, repeatable-read
/// snapshot, and says what was left out.
pub fn introspect_detailed(client: &mut Client, options: &IntrospectOptions) -> Result<Introspection, LiveError> {
    let mut tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
    let found = introspect_in(&mut tx, options)?;
    tx.rollback()?;
    Ok(found)
}

/// [`introspect_detailed`] inside a transaction the caller holds (it sees the
/// transaction's own uncommitted changes). Settings are scoped to a savepoint.
pub fn introspect_in(tx: &mut Transaction<'_>, options: &IntrospectOptions) -> Result<Introspection, LiveError> {
    let mut inner = tx.transaction()?;
    inner.batch_execute(query::SESSION_SETUP)?;
    let mut queries = 0;
    let mut rows = query::read_catalog(&mut inner, &options.schemas, &options.roles, &mut queries)?;
    inner.rollback()?;
    if !options.exclude_tables.is_empty() {
        rows.exclude_tables(&options.exclude_tables);
    }
    let parsed = parse::parse(&rows, &options.schemas);
    let schema = parsed.schema.map_err(LiveError::Invalid)?;
    Ok(Introspection { schema, unsupported: parsed.unsupported, invalid_indexes: parsed.invalid_indexes, queries })
}

/// The server's rendering of `schema`: its DDL applied in a transaction on
/// `shadow` (an empty scratch database on the same server: see the module docs
/// and [`ShadowDatabase`]), introspected, and rolled back.
pub fn normalize(shadow: &mut Client, schema: &Schema) -> Result<Schema, LiveError> {
    normalize_with(shadow, schema, &IntrospectOptions::for_schema(schema))
}

/// The fixed point of [`normalize`]: the server's rendering of its own rendering,
/// repeated until it no longer changes (at most four rounds).
///
/// PostgreSQL's deparsing is not always idempotent: `action IN ('a', 'b')` on a
/// varchar column reads back as `(action)::text = ANY (ARRAY['a'::character
/// varying, ...])`, and that text, applied again, reads back with one more cast.
/// A database built from rendered text (by a migration generated from a
/// normalised graph) therefore differs from one built from the declaration.
/// Canonicalising both sides compares them by meaning; [`verify`] does that.
pub fn canonicalize(shadow: &mut Client, schema: &Schema) -> Result<Schema, LiveError> {
    let options = IntrospectOptions::for_schema(schema);
    let mut current = normalize_with(shadow, schema, &options)?;
    for _ in 0..3 {
        let next = normalize_with(shadow, &current, &options)?;
        if crate::migrate::diff(&current, &next).is_empty() {
            return Ok(next);
        }
        current = next;
    }
    Ok(current)
}

/// [`normalize`], reading the schemas and roles of `options`.
///
/// The result's [`Schema::read_relations`] are those PostgreSQL gives the
/// objects the DDL creates (the names of new sequences and partitions'
/// indexes), unless `schema` has its own (it was read from a database,
/// where renames may have left other names): it keeps those.
pub fn normalize_with(shadow: &mut Client, schema: &Schema, options: &IntrospectOptions) -> Result<Schema, LiveError> {
    let mut tx = shadow.transaction()?;
    tx.batch_execute(&schema.to_ddl())?;
    let mut found = introspect_in(&mut tx, options)?;
    tx.rollback()?;
    if !schema.read_relations.is_empty() {
        found.schema.read_relations = schema.read_relations.clone();
    }
    if found.unsupported.is_empty() {
        Ok(found.schema)
    } else {
        Err(LiveError::Unsupported(found.unsupported))
    }
}
