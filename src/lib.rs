//! # pgarchitect
//!
//! Annotated Rust structs in, a production-grade PostgreSQL schema out.
//!
//! ```
//! use pgarchitect::{PgEnum, Schema, Table};
//!
//! /// Lifecycle of an account.
//! #[derive(Debug, PgEnum)]
//! enum UserStatus { Active, Suspended }
//!
//! /// Registered accounts.
//! #[derive(Table)]
//! #[table(name = "users")]
//! struct User {
//!     #[column(primary_key, identity)]
//!     id: i64,
//!     #[column(sql_type = "varchar(255)", unique)]
//!     email: String,
//!     #[column(default = "'active'")]
//!     status: UserStatus,
//! }
//!
//! #[derive(Table)]
//! #[table(name = "posts")]
//! struct Post {
//!     #[column(primary_key, identity)]
//!     id: i64,
//!     #[column(references = User, on_delete = "cascade", index)]
//!     user_id: i64,
//!     title: String,
//! }
//!
//! let schema = Schema::builder().table::<User>().table::<Post>().build().unwrap();
//! let ddl = schema.to_ddl();
//! assert!(ddl.contains("CREATE TYPE public.user_status AS ENUM ('active', 'suspended');"));
//! assert!(ddl.contains("REFERENCES public.users (id) ON DELETE CASCADE"));
//! ```
#![warn(missing_docs)]

pub use pgarchitect_core::{
    builtin, lint, review, AuditLog, ReadRelation, SchemaVersion,
    ddl, error, ident, model, types, ForeignKeyOf, PgType, Schema, SchemaBuilder, SchemaError, SchemaErrors, SqlType,
};
/// Diff two schemas, plan zero-downtime migrations, write migration files.
#[cfg(feature = "migrate")]
pub use pgarchitect_core::migrate;
/// Apply, introspect, normalise and migrate a live PostgreSQL.
#[cfg(feature = "postgres")]
pub use pgarchitect_core::live;
/// The trait behind `#[derive(Table)]`.
pub use pgarchitect_core::Table;
/// The trait behind `#[derive(PgEnum)]`.
pub use pgarchitect_core::PgEnum;
/// Generated files from `build.rs`: `schema.sql`, `SCHEMA.md`, `schema.mmd`, `schema.dot`.
pub use pgarchitect_core::build_support;
/// Markdown documentation, Mermaid and DOT diagrams, and DDL diffs for tests.
pub use pgarchitect_core::docs;

/// `#[derive(Table)]`: a struct declares a table. See the crate README for every attribute.
#[cfg(feature = "derive")]
pub use pgarchitect_derive::Table;
/// `#[derive(PgEnum)]`: a fieldless enum declares `CREATE TYPE ... AS ENUM`.
#[cfg(feature = "derive")]
pub use pgarchitect_derive::PgEnum;
/// `#[derive(Domain)]`: a newtype (`struct EmailAddress(String)`) declares `CREATE DOMAIN`.
///
/// ```
/// use pgarchitect::{Domain, Schema, Table};
///
/// /// An email address, checked by the database.
/// #[derive(Debug, Domain)]
/// #[domain(sql_type = "varchar(255)", check(name = "email_address_format", expr = "VALUE ~ '^[^@]+@[^@]+$'"))]
/// struct EmailAddress(String);
///
/// #[derive(Table)]
/// struct Account {
///     #[column(primary_key, identity)]
///     id: i64,
///     email: EmailAddress,
/// }
///
/// let ddl = Schema::builder().table::<Account>().build().unwrap().to_ddl();
/// assert!(ddl.contains("CREATE DOMAIN public.email_address AS varchar(255)"));
/// assert!(ddl.contains("email public.email_address NOT NULL"));
/// ```
#[cfg(feature = "derive")]
pub use pgarchitect_derive::Domain;

/// Paths the derive macros expand to. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use core::marker::PhantomData;
    pub use core::option::Option::{self, None, Some};
    pub use core::result::Result::{self, Err, Ok};
    pub use pgarchitect_core::model;
    pub use pgarchitect_core::{ForeignKeyOf, PgEnum, PgType, SchemaBuilder, SchemaError, SqlType, Table};
    pub use std::string::String;
    pub use std::vec::Vec;

    #[cfg(feature = "postgres-types")]
    pub use bytes;
    #[cfg(feature = "postgres-types")]
    pub use postgres_types;

    /// Compile-time check that a foreign key field matches the referenced key.
    pub fn assert_foreign_key<F: ?Sized + ForeignKeyOf<K>, K>() {}

    /// [`assert_foreign_key`] for one column `F` of a composite key, whose part `K`
    /// of the key type comes from a destructured key value (never called). `K` is
    /// inferred before `F` is known, so a mismatch reports the trait's message.
    pub fn assert_foreign_key_part<K, F: ?Sized + ForeignKeyOf<K>>(_part: &K, _column: PhantomData<F>) {}

    /// A column whose nullability comes from its field type (`Option<_>`).
    pub fn column(name: &str, ty: SqlType, nullable: bool) -> model::Column {
        let mut column = model::Column::new(name, ty);
        column.nullable = nullable;
        column
    }

    /// Whether a field of type `T` holds a nullable column, for a column typed by
    /// `sql_type` (whose field type need not implement [`PgType`]), decided by the
    /// compiler rather than by how the type is written, so aliases resolve:
    /// `(&&&Field::<T>(PhantomData)).__pgarchitect_nullable()` finds the method of
    /// [`OptionField`] for an `Option<_>`, else the one of [`MappedField`] (its
    /// `PgType::NULLABLE`) for a mapped type, else the one of [`OtherField`] (NOT NULL).
    /// Each is one reference further from the receiver, so the first that applies wins.
    pub struct Field<T: ?Sized>(pub PhantomData<T>);

    /// An `Option<_>` field: nullable, whatever it wraps.
    pub trait OptionField {
        /// True.
        fn __pgarchitect_nullable(&self) -> bool {
            true
        }
    }
    impl<T> OptionField for &&Field<Option<T>> {}

    /// A field of a mapped type: nullable as its `PgType` says.
    pub trait MappedField {
        /// `PgType::NULLABLE`.
        fn __pgarchitect_nullable(&self) -> bool;
    }
    impl<T: PgType + ?Sized> MappedField for &Field<T> {
        fn __pgarchitect_nullable(&self) -> bool {
            T::NULLABLE
        }
    }

    /// Any other field type: NOT NULL.
    pub trait OtherField {
        /// False.
        fn __pgarchitect_nullable(&self) -> bool {
            false
        }
    }
    impl<T: ?Sized> OtherField for Field<T> {}

    /// What `on_delete`/`on_update = "set_null"` needs of a foreign key field
    /// (checked by the compiler, so an alias of `Option<_>` qualifies).
    #[diagnostic::on_unimplemented(
        message = "`set_null` needs a nullable column, but this foreign key column has type `{Self}`, which is not an `Option<_>`",
        label = "the column is NOT NULL, so this referential action would fail",
        note = "make the field an `Option<_>`, or use `cascade`, `restrict` or `no_action`"
    )]
    pub trait SetNullColumn {}
    impl<T> SetNullColumn for Option<T> {}

    /// Compile-time check that a field whose foreign key sets it to NULL is nullable.
    pub fn assert_set_null<F: ?Sized + SetNullColumn>() {}

    /// Owned copies of `&'static` names (a referenced table's `PRIMARY_KEY`, an
    /// enum's `LABELS`), for the model's constructors.
    pub fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| String::from(*n)).collect()
    }

    /// The type of a `#[column(sql_type = "...")]`. The derive has checked its
    /// syntax; what it could not check is reported by [`check_sql_type`] when the
    /// table is added to a schema, and `text` stands in meanwhile.
    pub fn sql_type(text: &str) -> SqlType {
        SqlType::parse(text).unwrap_or(SqlType::Text)
    }

    /// Reports a `sql_type` that does not parse.
    pub fn check_sql_type(schema: &mut SchemaBuilder, table: &str, column: &str, text: &str) {
        if let Err(e) = SqlType::parse(text) {
            schema.report(SchemaError::InvalidType { object: format!("column {table}.{column}"), message: e.to_string() });
        }
    }

    /// A string constant as a SQL literal (`labels("eu")` of a list partition).
    pub fn literal(value: &str) -> String {
        pgarchitect_core::ident::Literal(value).to_string()
    }

    /// A partition window's first day, which the derive has checked exists.
    pub fn civil_date(year: i32, month: u32, day: u32) -> model::CivilDate {
        model::CivilDate::new(year, month, day).expect("the derive checks that the day exists")
    }

    /// A trigger fired once per statement (`for_each = "statement"`).
    pub fn statement_trigger(mut trigger: model::Trigger) -> model::Trigger {
        trigger.for_each_row = false;
        trigger
    }

    /// A `#[derive(Domain)]` domain, before its checks and comment.
    pub fn domain(schema: &str, name: &str, base: SqlType, not_null: bool, default: Option<&str>) -> model::Domain {
        let mut domain = model::Domain::new(name, base);
        domain.name = model::QualifiedName::new(schema, name);
        domain.not_null = not_null;
        domain.default = default.map(String::from);
        domain
    }

    /// Reports a domain's `sql_type` that does not parse.
    pub fn check_domain_sql_type(schema: &mut SchemaBuilder, domain: &str, text: &str) {
        if let Err(e) = SqlType::parse(text) {
            schema.report(SchemaError::InvalidType { object: format!("domain {domain}"), message: e.to_string() });
        }
    }

    /// What `#[derive(Domain)]`'s `ToSql`/`FromSql` impls call: the wire format of
    /// a domain is its base type's.
    #[cfg(feature = "postgres-types")]
    pub mod pg_domain {
        use postgres_types::{Kind, Type};

        use super::pg_enum::BoxError;

        /// The base type of a domain; any other type as it is.
        pub fn base(ty: &Type) -> &Type {
            match ty.kind() {
                Kind::Domain(base) => base,
                _ => ty,
            }
        }

        /// True for the domain called `name` (in any schema) whose base type the
        /// wrapped type accepts, and for any type the wrapped type accepts.
        pub fn accepts(ty: &Type, name: &str, inner: fn(&Type) -> bool) -> bool {
            match ty.kind() {
                Kind::Domain(base) if ty.name() == name => inner(base),
                _ => inner(ty),
            }
        }

        /// The error of the placeholder impls emitted beside compile errors.
        pub fn not_a_newtype() -> BoxError {
            "not a #[derive(Domain)] newtype".into()
        }
    }

    /// What `#[derive(PgEnum)]`'s `ToSql`/`FromSql` impls call: the same wire
    /// behaviour as postgres-types' own derive for enums.
    #[cfg(feature = "postgres-types")]
    pub mod pg_enum {
        use postgres_types::{IsNull, Kind, Type};

        /// The error type of `ToSql`/`FromSql`.
        pub type BoxError = Box<dyn std::error::Error + Sync + Send>;

        /// True for a type called `name` (in any schema) that is an enum with exactly `labels`.
        pub fn accepts(ty: &Type, name: &str, labels: &[&str]) -> bool {
            if ty.name() != name {
                return false;
            }
            match ty.kind() {
                Kind::Enum(values) => values.len() == labels.len() && values.iter().all(|v| labels.contains(&v.as_str())),
                _ => false,
            }
        }

        /// Writes a label: enums are sent as their label's text.
        pub fn to_sql(label: &str, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
            out.extend_from_slice(label.as_bytes());
            Ok(IsNull::No)
        }

        /// Reads a label.
        pub fn from_sql(raw: &[u8]) -> Result<&str, BoxError> {
            Ok(std::str::from_utf8(raw)?)
        }

        /// `ToSql::to_sql_checked` of the derived impls: `to_sql` after `accepts`, as
        /// postgres-types' `to_sql_checked!` does, written out here so the generated
        /// code names every path in full (that macro names `Box` as found in scope).
        pub fn to_sql_checked<T: postgres_types::ToSql>(value: &T, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
            if !T::accepts(ty) {
                return Err(Box::new(postgres_types::WrongType::new::<T>(ty.clone())));
            }
            value.to_sql(ty, out)
        }

        /// The error for a label the Rust enum does not have.
        pub fn unknown_label(ty: &Type, label: &str) -> BoxError {
            format!("invalid value `{label}` for enum type `{}`", ty.name()).into()
        }
    }
}
