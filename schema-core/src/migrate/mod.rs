//! Migrations (feature `migrate`): the [`diff`] between two schema graphs, a
//! zero-downtime [`plan`] of the steps that apply it, and migration files in
//! the formats Flyway, refinery and sqlx run.
//!
//! Everything here is pure: no client, no server. The `live` module (feature
//! `postgres`) reads graphs from databases, normalises declarations, and runs
//! migrations under an advisory lock.
//!
//! Renames: declare them with `renamed_from` on tables and columns (then
//! [`PlanOptions::with_declared_renames`] picks them up), or list them in
//! [`PlanOptions::renames`]. A renamed table's constraints and indexes follow it.

mod checksum;
mod diff;
mod files;
mod plan;
pub(crate) mod sql;

pub use checksum::sha256_hex;
pub use diff::{
    diff, grant_items, Change, ColumnChange, ColumnDependents, CommentTarget, Constraint, DefaultGrantItem, DefaultPartition, DomainColumn, EnumPosition, GrantItem,
    GrantObject, NameHolder, NameKind, SchemaDiff,
};
pub use files::{migration_files, Migration, MigrationFile, MigrationFormat};
pub use plan::{plan, Backfill, Hazard, LockLevel, Phase, Plan, PlanError, PlanErrors, PlanOptions, Rename, Step};
pub use sql::split_statements;
