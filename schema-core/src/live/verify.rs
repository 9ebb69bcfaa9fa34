//! Drift: the differences between the declared schema and a live database.

use postgres::Client;

use super::{canonicalize, introspect_detailed, IntrospectOptions, LiveError, Unsupported};
use crate::migrate::{diff, SchemaDiff};
use crate::model::QualifiedName;
use crate::schema::Schema;

/// What [`verify`] found.
#[derive(Debug)]
pub struct Verification {
    /// Changes that would turn the live database into the declaration.
    pub diff: SchemaDiff,
    /// Indexes left INVALID by a failed `CREATE INDEX CONCURRENTLY`.
    pub invalid_indexes: Vec<QualifiedName>,
    /// What the live database holds that the graph cannot represent (not compared).
    pub unsupported: Vec<Unsupported>,
}

impl Verification {
    /// The database matches the declaration and has no invalid index.
    pub fn is_clean(&self) -> bool {
        self.diff.is_empty() && self.invalid_indexes.is_empty()
    }
}

/// The differences between `schema` and the database behind `client`, for a
/// test or a deploy check: the changes that would turn the live database into
/// the declaration. Both sides are canonicalised on `shadow`, an empty scratch
/// database on the same server (see [`super::canonicalize`] and [`super::ShadowDatabase`]).
///
/// The migration runner's own `public.schema_migrations` table is ignored unless
/// the schema declares it.
pub fn verify(schema: &Schema, client: &mut Client, shadow: &mut Client) -> Result<Verification, LiveError> {
    let options = IntrospectOptions::for_schema(schema);
    let declared = canonicalize(shadow, schema)?;
    let found = introspect_detailed(client, &options)?;
    let live = canonicalize(shadow, &found.schema)?;
    Ok(Verification { diff: diff(&live, &declared), invalid_indexes: found.invalid_indexes, unsupported: found.unsupported })
}
