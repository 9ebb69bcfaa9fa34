//! [`Schema`], the validated graph, and [`SchemaBuilder`], which assembles one.

use std::collections::BTreeSet;

use crate::error::{SchemaError, SchemaErrors};
use crate::builtin::AuditLog;
use crate::model::{
    DefaultPrivileges, Domain, EnumType, Extension, Function, Grant, QualifiedName, Role, Table, View, DEFAULT_NAMESPACE,
};
use crate::traits;

/// A validated schema: every name resolved, every reference checked.
///
/// Only [`SchemaBuilder::build`] makes one, so emitters and the linter can rely on
/// its invariants. Items are kept sorted by name, so the same declarations give
/// the same output whatever order they were added in.
///
/// ```
/// use pgarchitect_core::{Schema, SqlType, model::{Column, Identity, Table}};
/// let schema = Schema::builder()
///     .add_table(
///         Table::new("users")
///             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
///             .column(Column::new("email", SqlType::Text))
///             .primary_key(["id"]),
///     )
///     .build()
///     .unwrap();
/// assert!(schema.to_ddl().contains("CONSTRAINT users_pkey PRIMARY KEY (id)"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub(crate) namespaces: Vec<String>,
    pub(crate) extensions: Vec<Extension>,
    pub(crate) enums: Vec<EnumType>,
    pub(crate) domains: Vec<Domain>,
    pub(crate) tables: Vec<Table>,
    pub(crate) functions: Vec<Function>,
    pub(crate) views: Vec<View>,
    pub(crate) roles: Vec<Role>,
    pub(crate) grants: Vec<Grant>,
    pub(crate) default_privileges: Vec<DefaultPrivileges>,
    pub(crate) version: Option<SchemaVersion>,
    pub(crate) audit_log: Option<QualifiedName>,
    /// For each foreign key of each table, in order: the position in `tables` of
    /// the table it references, resolved once by `build()`.
    pub(crate) references: Vec<u32>,
    /// See [`Schema::read_relations`].
    pub(crate) read_relations: Vec<ReadRelation>,
}

/// A relation of a database, read back by introspection, that the graph does
/// not hold, under the name it has there: the diff does not compare them, the
/// DDL does not create them; migration plans check the names they take
/// against them (`42P07` otherwise).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ReadRelation {
    /// The sequence of an identity or serial column. PostgreSQL names it
    /// `{table}_{column}_seq` when the column gets it and keeps that name
    /// across table and column renames, and a table's `SET SCHEMA` takes it along.
    Sequence {
        /// Its name.
        name: QualifiedName,
        /// Its table.
        table: QualifiedName,
        /// Its column.
        column: String,
    },
    /// An index of a partition, the one of its primary key or of a unique
    /// constraint included, named by PostgreSQL (`logs_2026_01_pkey`,
    /// `logs_2026_01_at_idx`) or by the plan that built it: it keeps its name
    /// across renames of the partition, and moves with it to another schema.
    PartitionIndex {
        /// Its name (in the partition's schema).
        name: QualifiedName,
        /// The partitioned table.
        table: QualifiedName,
        /// The partition (in the table's schema).
        partition: String,
        /// The index of the partitioned table it is attached to, if any (in the table's schema).
        parent: Option<String>,
    },
}

impl ReadRelation {
    /// Its name.
    pub fn name(&self) -> &QualifiedName {
        match self {
            Self::Sequence { name, .. } | Self::PartitionIndex { name, .. } => name,
        }
    }
}

/// The version recorded in `schema_migrations` when the DDL is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaVersion {
    /// Version string (`"2026.11.25"`, `"3"`).
    pub version: String,
    /// What this version is.
    pub description: String,
}

impl Schema {
    /// Starts an empty schema.
    pub fn builder() -> SchemaBuilder {
        SchemaBuilder::default()
    }

    /// Schemas (namespaces) other than `public` that the DDL creates, sorted.
    pub fn namespaces(&self) -> &[String] {
        &self.namespaces
    }

    /// Extensions, sorted by name.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// Enum types, sorted by qualified name.
    pub fn enums(&self) -> &[EnumType] {
        &self.enums
    }

    /// Tables, sorted by qualified name; every constraint and index has its name.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// Domains, sorted by qualified name.
    pub fn domains(&self) -> &[Domain] {
        &self.domains
    }

    /// Functions, sorted by qualified name (including the built-in ones the schema uses).
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// Views and materialized views, sorted by qualified name.
    pub fn views(&self) -> &[View] {
        &self.views
    }

    /// Roles, sorted by name.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// Grants, in declaration order.
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// Default privileges, in declaration order.
    pub fn default_privileges(&self) -> &[DefaultPrivileges] {
        &self.default_privileges
    }

    /// The relations that the database this graph was read from holds and the
    /// graph does not (see [`ReadRelation`]); empty for a declared schema.
    pub fn read_relations(&self) -> &[ReadRelation] {
        &self.read_relations
    }

    /// The version the DDL records in `schema_migrations`, if any.
    pub fn version(&self) -> Option<&SchemaVersion> {
        self.version.as_ref()
    }

    /// The audit log table, when some table is audited.
    pub fn audit_log(&self) -> Option<&QualifiedName> {
        self.audit_log.as_ref()
    }

    /// The view called `name`.
    pub fn view(&self, name: &QualifiedName) -> Option<&View> {
        self.views.iter().find(|v| &v.name == name)
    }

    /// The table called `name`.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.binary_search_by(|t| t.name.cmp(name)).ok().map(|i| &self.tables[i])
    }

    /// The position in [`Schema::tables`] of the table each foreign key of each
    /// table references: `tables()[i].foreign_keys[k]` is entry `k` of item `i`.
    pub(crate) fn referenced_tables(&self) -> impl Iterator<Item = &[u32]> {
        let mut rest = self.references.as_slice();
        self.tables.iter().map(move |t| {
            let (mine, others) = rest.split_at(t.foreign_keys.len());
            rest = others;
            mine
        })
    }

    /// The DDL script (see [`crate::ddl`]).
    pub fn to_ddl(&self) -> String {
        crate::ddl::emit_ddl(self)
    }
}

/// Collects tables, types and extensions, then validates them together.
#[derive(Clone, Debug, Default)]
pub struct SchemaBuilder {
    namespaces: Vec<String>,
    extensions: Vec<Extension>,
    enums: Vec<EnumType>,
    domains: Vec<Domain>,
    tables: Vec<Table>,
    functions: Vec<Function>,
    views: Vec<View>,
    roles: Vec<Role>,
    grants: Vec<Grant>,
    default_privileges: Vec<DefaultPrivileges>,
    audit_log: Option<AuditLog>,
    version: Option<SchemaVersion>,
    reported: Vec<SchemaError>,
}

impl SchemaBuilder {
    /// Adds a table declared with `#[derive(Table)]`, with the types its columns use.
    pub fn table<T: traits::Table>(mut self) -> Self {
        T::register(&mut self);
        self.tables.push(T::definition());
        self
    }

    /// Adds an enum declared with `#[derive(PgEnum)]`.
    pub fn pg_enum<E: traits::PgEnum>(mut self) -> Self {
        self.register_enum(E::definition());
        self
    }

    /// Adds a table built by hand.
    pub fn add_table(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }

    /// Adds an enum type built by hand.
    pub fn enum_type(mut self, enum_type: EnumType) -> Self {
        self.enums.push(enum_type);
        self
    }

    /// Adds a domain built by hand.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.register_domain(domain);
        self
    }

    /// Adds a function (a trigger function, a helper used by policies or views).
    pub fn function(mut self, function: Function) -> Self {
        self.functions.push(function);
        self
    }

    /// Adds a view or materialized view.
    pub fn view(mut self, view: View) -> Self {
        self.views.push(view);
        self
    }

    /// Adds a role (created idempotently: roles are shared by every database of a server).
    pub fn role(mut self, role: Role) -> Self {
        self.roles.push(role);
        self
    }

    /// Adds a grant.
    pub fn grant(mut self, grant: Grant) -> Self {
        self.grants.push(grant);
        self
    }

    /// Adds default privileges for objects created later.
    pub fn default_privileges(mut self, default_privileges: DefaultPrivileges) -> Self {
        self.default_privileges.push(default_privileges);
        self
    }

    /// Configures the audit log that [`Table::audited`] tables write to (a default
    /// one is used when a table is audited and none is configured).
    pub fn audit_log(mut self, audit_log: AuditLog) -> Self {
        self.audit_log = Some(audit_log);
        self
    }

    /// Adds the `schema_migrations` table and records `version` in it when the DDL runs.
    pub fn version(mut self, version: impl Into<String>, description: impl Into<String>) -> Self {
        self.version = Some(SchemaVersion { version: version.into(), description: description.into() });
        self
    }

    /// Adds an extension.
    pub fn extension(mut self, extension: Extension) -> Self {
        self.extensions.push(extension);
        self
    }

    /// Declares a schema (namespace). Schemas that tables or types use are added
    /// automatically; this is for empty ones.
    pub fn namespace(mut self, name: impl Into<String>) -> Self {
        self.namespaces.push(name.into());
        self
    }

    /// Adds an enum unless the same one is already there (used by derived code,
    /// where several columns may use one enum). A different enum of the same name
    /// is kept, and `build()` reports the conflict.
    pub fn register_enum(&mut self, enum_type: EnumType) {
        if !self.enums.contains(&enum_type) {
            self.enums.push(enum_type);
        }
    }

    /// Adds a domain unless the same one is already there (used by derived code).
    pub fn register_domain(&mut self, domain: Domain) {
        if !self.domains.contains(&domain) {
            self.domains.push(domain);
        }
    }

    /// Records a problem found while adding items (derived code reports a
    /// `sql_type` it cannot parse this way); `build()` returns it with the rest.
    pub fn report(&mut self, error: SchemaError) {
        self.reported.push(error);
    }

    /// Validates the graph and returns it, or every problem found.
    pub fn build(self) -> Result<Schema, SchemaErrors> {
        let SchemaBuilder {
            namespaces,
            extensions,
            enums,
            domains,
            tables,
            functions,
            views,
            roles,
            grants,
            default_privileges,
            audit_log,
            version,
            reported,
        } = self;
        let mut schema = Schema {
            namespaces: Vec::new(),
            extensions,
            enums,
            domains,
            tables,
            functions,
            views,
            roles,
            grants,
            default_privileges,
            version,
            audit_log: None,
            references: Vec::new(),
            read_relations: Vec::new(),
        };
        crate::expand::expand(&mut schema, audit_log);

        let mut errors = reported;
        let namespace_set: BTreeSet<&str> = namespaces
            .iter()
            .map(String::as_str)
            .chain(schema.tables.iter().map(|t| t.name.schema.as_str()))
            .chain(schema.enums.iter().map(|e| e.name.schema.as_str()))
            .chain(schema.domains.iter().map(|e| e.name.schema.as_str()))
            .chain(schema.functions.iter().map(|e| e.name.schema.as_str()))
            .chain(schema.views.iter().map(|e| e.name.schema.as_str()))
            .chain(schema.extensions.iter().filter_map(|e| e.schema.as_deref()))
            .filter(|s| *s != DEFAULT_NAMESPACE && !s.is_empty())
            .collect();
        schema.namespaces = namespace_set.into_iter().map(str::to_owned).collect();
        schema.references = crate::validate::check(&schema, &mut errors);
        if errors.is_empty() {
            Ok(schema)
        } else {
            Err(SchemaErrors(errors))
        }
    }
}
