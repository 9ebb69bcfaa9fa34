//! Derive macros for [pgarchitect](https://docs.rs/pgarchitect): `#[derive(Table)]`
//! and `#[derive(PgEnum)]`. Use them through the `pgarchitect` crate; the
//! expansions refer to `::pgarchitect::__private` and to nothing else.
//!
//! Layout: `attr` parses attributes (darling receivers), `validate` checks how
//! they combine and builds the model in `ir`, `expand` turns that model into
//! tokens. `table` and `pg_enum` run the three steps for each derive; on errors
//! they emit every error together with a stub impl, so code using the type does
//! not add unrelated errors.

mod attr;
mod case;
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
/// | `primary_key(tenant_id, id)` | composite primary key |
/// | `unique(columns(a, b), name = "...", nulls_not_distinct)` | unique constraint (repeatable) |
/// | `check(expr = "price >= 0", name = "...")` | check constraint (repeatable) |
/// | `index(columns(a, b), expression = "lower(email)", name, method = "gin", opclass, order = "desc", nulls = "last", unique, nulls_not_distinct, include(c), predicate = "...", comment)` | index (repeatable); keys are the columns, then the expression |
/// | `foreign_key(columns(a, b), references = Other, references_columns("x", "y"), name, on_delete, on_update, deferrable)` | multi-column foreign key (repeatable); columns are type-checked against `Other`'s key unless `references_columns` is given |
/// | `volume = "10M rows/year"`, `retention = "7 years"` | recorded answers, shown in docs and used by the linter |
/// | `allow(rule = "lint-id", reason = "...")` | allows a lint rule on the table (repeatable) |
/// | `timestamps`, `soft_delete`, `audited` | `created_at`/`updated_at` + trigger, `deleted_at`, audit-log trigger |
/// | `row_level_security` / `row_level_security = "forced"` | enables (and forces) RLS |
/// | `policy(name = "...", command = "select", using = "...", with_check = "...", roles("r"), restrictive, comment)` | RLS policy (repeatable) |
///
/// # `#[column(...)]`
///
/// | option | meaning |
/// |---|---|
/// | `name = "..."` | column name (default: the field name, `r#type` → `type`) |
/// | `sql_type = "varchar(50)"` / `varchar = 50` | the type, instead of the field type's `PgType` (nullable when the field is written `Option<...>`) |
/// | `primary_key` | single-column primary key |
/// | `identity` / `identity = "by_default"` | `GENERATED ALWAYS` / `BY DEFAULT AS IDENTITY` |
/// | `unique`, `check = "expr"`, `index`, `index(...)` | column constraints and an index on the column (index options as above) |
/// | `default = "now()"` / `default_text = "active"` | default: SQL expression / quoted string constant |
/// | `generated = "price * qty"` | `GENERATED ALWAYS AS (...) STORED` |
/// | `references = User`, `references_column = "uuid"` | foreign key to a `#[derive(Table)]` type (type-checked against its key) |
/// | `on_delete`, `on_update` = `"cascade"`, `"restrict"`, `"set_null"`, `"set_default"`, `"no_action"` | referential actions |
/// | `deferrable = "initially_deferred"` / `"initially_immediate"` | deferrable foreign key |
/// | `comment = "..."` | `COMMENT ON COLUMN` (default: the doc comment) |
/// | `personal_data`, `protection = "..."`, `allow(rule, reason)` | PII marking, its protection, lint allows |
/// | `skip` | not a column |
///
/// Mistakes are compile errors at the offending token: unknown options (with a
/// suggestion), conflicting options, a missing primary key, unknown fields,
/// names over 63 bytes, malformed `sql_type`, a foreign key whose field type is
/// not the referenced key's type, and more.
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
