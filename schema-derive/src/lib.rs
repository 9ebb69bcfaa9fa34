//! Derive macros for [pgarchitect](https://docs.rs/pgarchitect): `#[derive(Table)]`,
//! `#[derive(PgEnum)]` and `#[derive(Domain)]`. Use them through the `pgarchitect` crate; the
//! expansions refer to `::pgarchitect::__private` and to nothing else.
//!
//! Layout: `attr` parses attributes (darling receivers), `validate` checks how
//! they combine and builds the model in `ir`, `expand` turns that model into
//! tokens. `table`, `pg_enum` and `domain` run the three steps for each derive; on errors
//! they emit every error together with a stub impl, so code using the type does
//! not add unrelated errors.

mod attr;
mod case;
mod domain;
mod expand;
mod ir;
mod pg_enum;
mod sql_type;
mod suggest;
mod table;
mod validate;

use proc_macro::TokenStream;

/// Implements `pgarchitect::Table` for a struct with named fields: one column
/// per field, named after it, typed by `PgType` (`Option<T>` is nullable,
/// anything else `NOT NULL`).
///
/// Field references in `#[table(...)]` are Rust field names; they map to the
/// columns' names. Constraint and index names left out are chosen by
/// `Schema::build()` the way PostgreSQL does (`users_pkey`, `posts_user_id_fkey`).
///
/// # `#[table(...)]`
///
/// | option | meaning |
/// |---|---|
/// | `name = "users"` | table name (default: the struct name in snake_case) |
/// | `schema = "app"` | schema (default `public`) |
/// | `comment = "..."` | `COMMENT ON TABLE` (default: the doc comment; `""` for none) |
/// | `renamed_from = "posts"` / `"app.posts"` | the table's previous name: migrations rename it instead of dropping it |
/// | `primary_key(tenant_id, id)` | composite primary key |
/// | `unique(columns(a, b), name = "...", nulls_not_distinct)` | unique constraint (repeatable) |
/// | `check(expr = "price >= 0", name = "...")` | check constraint (repeatable) |
/// | `index(columns(a, b), expression = "lower(email)", name, method = "gin", opclass, order = "desc", nulls = "last", unique, nulls_not_distinct, include(c), predicate = "...", comment)` | index (repeatable); keys are the columns, then the expression; `opclass`, `order` and `nulls` here apply to every key |
/// | `index(columns(tenant_id, created_at(order = "desc", nulls = "last"), name(opclass = "text_pattern_ops")))` | a column key with options of its own (`order`, `nulls`: btree only; `opclass`); an option may be given for a key or for the whole index, not both |
/// | `foreign_key(columns(a, b), references = Other, references_columns("x", "y"), name, on_delete, on_update, on_delete_set_columns(b), deferrable)` | multi-column foreign key (repeatable); columns are type-checked against `Other`'s key unless `references_columns` is given; `on_delete_set_columns(b)` with `on_delete = "set_null"` or `"set_default"` sets only `b` (PostgreSQL 15's `ON DELETE SET NULL (b)`: a tenant column stays), and only `b` need be an `Option<_>` |
/// | `volume = "10M rows/year"`, `retention = "7 years"` | recorded answers, shown in docs and used by the linter |
/// | `allow(rule = "lint-id", reason = "...")` | allows a lint rule on the table (repeatable) |
/// | `timestamps`, `soft_delete`, `audited` | `created_at`/`updated_at` + trigger, `deleted_at`, audit-log trigger |
/// | `row_level_security` / `row_level_security = "forced"` | enables (and forces) RLS |
/// | `policy(name = "...", command = "select", using = "...", with_check = "...", roles("r"), restrictive, comment)` | RLS policy (repeatable) |
/// | `isolate(column = user_id, setting = "app.user_id", name, command, roles("r"), restrictive, comment)` | policy: rows whose column equals the session setting, denying (never raising) when it is missing or malformed; named `{table}_{column}_isolation` by default (repeatable) |
/// | `partition(range(created_at), monthly(from = "2026-01-01", count = 3, ahead = 3), default_partition)` | `PARTITION BY RANGE` with a window of `daily`/`monthly`/`yearly` partitions: `count` from `from`, and `ahead` from the current period created when the DDL runs |
/// | `partition(list(region), values(name = "events_eu", values("'eu'"), labels("uk")), default_partition)` | `PARTITION BY LIST`; `values` are SQL literals, `labels` strings quoted for you |
/// | `partition(range(id), values(name = "t_old", from("MINVALUE"), to("1000")))` | an explicit range partition |
/// | `partition(hash(id), modulus = 8)` | `PARTITION BY HASH` with 8 partitions |
/// | `trigger(name = "...", timing = "before", events("insert", "update"), update_of(a, b), for_each = "statement", when = "...", function = "audit.log_change", arguments("x"), comment)` | trigger (repeatable); declare the function with `SchemaBuilder::function`, `build()` reports a missing one |
/// | `full_text(column = "search_vector", config = "english", source(title, weight = "A"), source(body, weight = "B"))` | stored `tsvector` column over the fields (weight `A`..`D`, default `D`) and its GIN index |
///
/// # `#[column(...)]`
///
/// | option | meaning |
/// |---|---|
/// | `name = "..."` | column name (default: the field name, `r#type` → `type`) |
/// | `sql_type = "varchar(50)"` / `varchar = 50` | the type, instead of the field type's `PgType` (nullable when the field's type is an `Option<_>`, through aliases too; the type need not be a `PgType`) |
/// | `primary_key` | single-column primary key |
/// | `identity` / `identity = "by_default"` | `GENERATED ALWAYS` / `BY DEFAULT AS IDENTITY` |
/// | `unique`, `check = "expr"`, `index`, `index(...)` | column constraints and an index on the column (index options as above) |
/// | `default = "now()"` / `default_text = "active"` | default: SQL expression / quoted string constant |
/// | `generated = "price * qty"` | `GENERATED ALWAYS AS (...) STORED` |
/// | `references = User`, `references_column = "uuid"` | foreign key to a `#[derive(Table)]` type (type-checked against its key) |
/// | `on_delete`, `on_update` = `"cascade"`, `"restrict"`, `"set_null"`, `"set_default"`, `"no_action"` | referential actions |
/// | `deferrable = "initially_deferred"` / `"initially_immediate"` | deferrable foreign key |
/// | `comment = "..."` | `COMMENT ON COLUMN` (default: the doc comment) |
/// | `renamed_from = "body"` | the column's previous name: migrations rename it instead of dropping it |
/// | `personal_data`, `protection = "..."`, `allow(rule, reason)` | PII marking, its protection, lint allows |
/// | `skip` | not a column |
///
/// Mistakes are compile errors at the offending token: unknown options (with a
/// suggestion), conflicting options, a missing primary key, unknown fields,
/// names over 63 bytes, malformed `sql_type`, a foreign key whose field type is
/// not the referenced key's type, a primary key or unique key of a partitioned
/// table that lacks the partition key, and more.
#[proc_macro_derive(Table, attributes(table, column))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    table::derive(input.into()).into()
}

/// Implements `pgarchitect::PgEnum` and `pgarchitect::PgType` for a fieldless
/// enum: `CREATE TYPE name AS ENUM (labels)`, added to a schema by any table
/// that uses it.
///
/// - `#[pg_enum(name = "user_status", schema = "app", rename_all = "snake_case", comment = "...")]`
///   on the enum: the type name (default: the enum name in snake_case), schema
///   (default `public`), how variant names become labels (`snake_case` by default;
///   also `lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`,
///   `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`), and the comment
///   (default: the doc comment).
/// - `#[pg_enum(rename = "...")]` on a variant: its label.
///
/// With pgarchitect's `postgres-types` feature, also implements
/// `postgres_types::ToSql` and `FromSql` (labels on the wire, accepting only the
/// type of that name with exactly these labels), which need the enum to
/// implement `Debug`.
#[proc_macro_derive(PgEnum, attributes(pg_enum))]
pub fn derive_pg_enum(input: TokenStream) -> TokenStream {
    pg_enum::derive(input.into()).into()
}

/// Implements `pgarchitect::PgType` for a newtype over one value: a column of
/// that type is a column of a domain, and adding a table that uses it adds
/// `CREATE DOMAIN` to the schema.
///
/// ```text
/// /// An email address, validated by the database.
/// #[derive(Debug, Domain)]
/// #[domain(sql_type = "varchar(255)", check(name = "email_address_format", expr = "VALUE ~ '^[^@]+@[^@]+$'"))]
/// struct EmailAddress(String);
/// ```
///
/// `#[domain(...)]` options, all optional:
///
/// | option | meaning |
/// |---|---|
/// | `name = "email_address"`, `schema = "app"` | the domain's name (default: the struct name in snake_case) and schema (default `public`) |
/// | `sql_type = "varchar(255)"` | the base type (default: the wrapped type's `PgType`) |
/// | `check = "VALUE <> ''"` / `check(name = "...", expr = "...")` | a check on `VALUE` (repeatable) |
/// | `not_null` | the domain refuses NULL |
/// | `default = "''"` | default SQL expression for columns of the domain |
/// | `comment = "..."` | `COMMENT ON DOMAIN` (default: the doc comment) |
///
/// With pgarchitect's `postgres-types` feature, also implements
/// `postgres_types::ToSql` and `FromSql` by delegating to the wrapped type,
/// accepting the domain (by name, over a base type the wrapped type accepts) and
/// the base type itself; these need the struct to implement `Debug`.
#[proc_macro_derive(Domain, attributes(domain))]
pub fn derive_domain(input: TokenStream) -> TokenStream {
    domain::derive(input.into()).into()
}
