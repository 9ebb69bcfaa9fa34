//! The traits `#[derive(Table)]` and `#[derive(PgEnum)]` implement.

use crate::model;
use crate::schema::SchemaBuilder;

/// A Rust type that declares a table. Implemented by `#[derive(Table)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a table",
    label = "not a `#[derive(Table)]` type",
    note = "`references = ...` and `Schema::builder().table::<T>()` need a struct with `#[derive(Table)]`"
)]
pub trait Table {
    /// The schema (namespace) the table lives in.
    const SCHEMA: &'static str;
    /// The table name.
    const NAME: &'static str;
    /// The primary key columns, in order.
    const PRIMARY_KEY: &'static [&'static str];
    /// The Rust type of the primary key (a tuple for a composite key); foreign keys
    /// to this table must have the same type.
    type PrimaryKey;

    /// The table's definition.
    fn definition() -> model::Table;

    /// Adds the types the columns use (enums) to the schema.
    fn register(_schema: &mut SchemaBuilder) {}
}

/// A Rust enum that declares a PostgreSQL enum type. Implemented by `#[derive(PgEnum)]`.
#[diagnostic::on_unimplemented(message = "`{Self}` is not a PostgreSQL enum", note = "add `#[derive(PgEnum)]` to it")]
pub trait PgEnum {
    /// The schema of the type.
    const SCHEMA: &'static str;
    /// The type name.
    const NAME: &'static str;
    /// Labels in declaration (sort) order.
    const LABELS: &'static [&'static str];

    /// The type's definition.
    fn definition() -> model::EnumType;
}

/// Checks, at compile time, that a foreign key field's type matches the referenced
/// primary key. `Option<K>` matches `K` (a nullable foreign key).
#[diagnostic::on_unimplemented(
    message = "this foreign key column has type `{Self}`, but the referenced primary key has type `{K}`",
    label = "expected `{K}` (or `Option<{K}>`)",
    note = "a foreign key column must have the type of the key it references"
)]
pub trait ForeignKeyOf<K> {}

impl<K> ForeignKeyOf<K> for K {}
impl<K> ForeignKeyOf<K> for Option<K> {}
