//! [`Schema`], the validated graph, and [`SchemaBuilder`], which assembles one.

use std::collections::BTreeSet;

use crate::error::{SchemaError, SchemaErrors};
use crate::model::{EnumType, Extension, QualifiedName, Table, DEFAULT_NAMESPACE};
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
    pub(crate) tables: Vec<Table>,
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

    /// The table called `name`.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.binary_search_by(|t| t.name.cmp(name)).ok().map(|i| &self.tables[i])
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
    tables: Vec<Table>,
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

    /// Records a problem found while adding items (derived code reports a
    /// `sql_type` it cannot parse this way); `build()` returns it with the rest.
    pub fn report(&mut self, error: SchemaError) {
        self.reported.push(error);
    }

    /// Validates the graph and returns it, or every problem found.
    pub fn build(self) -> Result<Schema, SchemaErrors> {
        let SchemaBuilder { namespaces, mut extensions, mut enums, mut tables, reported } = self;
        for table in &mut tables {
            if table.name.schema.is_empty() {
                table.name.schema = DEFAULT_NAMESPACE.to_owned();
            }
        }
        for e in &mut enums {
            if e.name.schema.is_empty() {
                e.name.schema = DEFAULT_NAMESPACE.to_owned();
            }
        }
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        enums.sort_by(|a, b| a.name.cmp(&b.name));
        extensions.sort();
        extensions.dedup();

        let mut errors = reported;
        let namespace_set: BTreeSet<String> = namespaces
            .into_iter()
            .chain(tables.iter().map(|t| t.name.schema.clone()))
            .chain(enums.iter().map(|e| e.name.schema.clone()))
            .chain(extensions.iter().filter_map(|e| e.schema.clone()))
            .filter(|s| s != DEFAULT_NAMESPACE)
            .collect();
        crate::validate::assign_names(&mut tables);
        crate::validate::check(&namespace_set, &extensions, &enums, &tables, &mut errors);
        if errors.is_empty() {
            Ok(Schema { namespaces: namespace_set.into_iter().collect(), extensions, enums, tables })
        } else {
            Err(SchemaErrors(errors))
        }
    }
}
