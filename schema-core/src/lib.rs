//! The core of [pgarchitect](https://docs.rs/pgarchitect): the schema graph, the
//! Rust-to-PostgreSQL type mapping, validation, and DDL emission.
//!
//! Most users depend on the `pgarchitect` facade and write `#[derive(Table)]`; this
//! crate is what the derive expands to, and what you use to build a schema by hand:
//!
//! ```
//! use pgarchitect_core::{Schema, SqlType, model::*};
//! let schema = Schema::builder()
//!     .add_table(
//!         Table::new("users")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .column(Column::new("email", SqlType::Varchar(Some(255))))
//!             .primary_key(["id"])
//!             .unique(UniqueConstraint::new(["email"])),
//!     )
//!     .add_table(
//!         Table::new("posts")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .column(Column::new("user_id", SqlType::BigInt))
//!             .primary_key(["id"])
//!             .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]).on_delete(ReferentialAction::Cascade))
//!             .index(Index::on(["user_id"])),
//!     )
//!     .build()?;
//! let ddl = schema.to_ddl();
//! assert!(ddl.contains("REFERENCES public.users (id) ON DELETE CASCADE"));
//! # Ok::<(), pgarchitect_core::SchemaErrors>(())
//! ```
#![warn(missing_docs)]

pub mod builtin;
pub mod build_support;
pub mod ddl;
mod ddl_objects;
mod depend;
pub mod docs;
pub mod error;
mod expand;
pub mod ident;
pub mod lint;
#[cfg(feature = "postgres")]
pub mod live;
#[cfg(feature = "migrate")]
pub mod migrate;
pub mod model;
pub mod review;
mod schema;
mod traits;
pub mod types;
mod validate;

pub use error::{SchemaError, SchemaErrors};
pub use builtin::AuditLog;
pub use schema::{ReadRelation, Schema, SchemaBuilder, SchemaVersion};
pub use traits::{ForeignKeyOf, PgEnum, Table};
pub use types::{PgType, SqlType};
