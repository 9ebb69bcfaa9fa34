//! Catalog rows as plain data: what [`super::query`] reads and [`super::parse`]
//! turns into a schema graph. Nothing here touches a server, so parsing is
//! unit-tested from hand-written rows.

/// Every row one introspection reads, one vector per catalog query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogRows {
    /// Schemas asked for that exist.
    pub namespaces: Vec<String>,
    /// Installed extensions (but `plpgsql`).
    pub extensions: Vec<ExtensionRow>,
    /// Roles the objects refer to, their parents, and the roles asked for by name.
    pub roles: Vec<RoleRow>,
    /// Enum types.
    pub enums: Vec<EnumRow>,
    /// Domains.
    pub domains: Vec<DomainRow>,
    /// Tables (not partitions).
    pub tables: Vec<TableRow>,
    /// Partitions of those tables.
    pub partitions: Vec<PartitionRow>,
    /// Columns of those tables, in `attnum` order.
    pub columns: Vec<ColumnRow>,
    /// Primary key, unique, check, foreign key and exclusion constraints.
    pub constraints: Vec<ConstraintRow>,
    /// Indexes that no constraint owns, on tables and materialized views.
    pub indexes: Vec<IndexRow>,
    /// Views and materialized views.
    pub views: Vec<ViewRow>,
    /// Functions and procedures.
    pub functions: Vec<FunctionRow>,
    /// User triggers.
    pub triggers: Vec<TriggerRow>,
    /// Row-level security policies.
    pub policies: Vec<PolicyRow>,
    /// One privilege of one grantee on a relation, a column or a schema.
    pub grants: Vec<GrantRow>,
    /// One privilege of `ALTER DEFAULT PRIVILEGES`.
    pub default_privileges: Vec<DefaultPrivilegeRow>,
}

impl CatalogRows {
    /// Drops the rows of `tables` and of what belongs to them.
    pub fn exclude_tables(&mut self, tables: &[crate::model::QualifiedName]) {
        let out = |schema: &str, name: &str| tables.iter().any(|t| t.schema == schema && t.name == name);
        self.tables.retain(|r| !out(&r.schema, &r.name));
        self.partitions.retain(|r| !out(&r.parent_schema, &r.parent));
        self.columns.retain(|r| !out(&r.schema, &r.table));
        self.constraints.retain(|r| !out(&r.schema, &r.table));
        self.indexes.retain(|r| !out(&r.schema, &r.table));
        self.triggers.retain(|r| !out(&r.schema, &r.table));
        self.policies.retain(|r| !out(&r.schema, &r.table));
        self.grants.retain(|r| r.object == GrantObject::Schema || !out(&r.schema, &r.relation));
    }
}

/// `pg_extension`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionRow {
    /// `extname`.
    pub name: String,
    /// The schema its objects are in.
    pub schema: String,
}

/// `pg_roles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleRow {
    /// `rolname`.
    pub name: String,
    /// `rolcanlogin`.
    pub login: bool,
    /// Roles it is a direct member of, sorted.
    pub member_of: Vec<String>,
    /// `COMMENT ON ROLE`.
    pub comment: Option<String>,
}

/// An enum `pg_type` with its labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumRow {
    /// Schema.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// Labels in `enumsortorder`.
    pub labels: Vec<String>,
    /// Comment.
    pub comment: Option<String>,
}

/// A domain `pg_type` with its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainRow {
    /// Schema.
    pub schema: String,
    /// Type name.
    pub name: String,
    /// `format_type` of the base type.
    pub base: String,
    /// `typnotnull`.
    pub not_null: bool,
    /// Default expression.
    pub default: Option<String>,
    /// Check constraint names, sorted.
    pub check_names: Vec<String>,
    /// Their expressions (`pg_get_expr(conbin)`), same order.
    pub check_exprs: Vec<String>,
    /// Comment.
    pub comment: Option<String>,
}

/// A table (`relkind` `r` or `p`, not a partition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// `relrowsecurity`.
    pub rls_enabled: bool,
    /// `relforcerowsecurity`.
    pub rls_forced: bool,
    /// Comment.
    pub comment: Option<String>,
    /// `pg_get_partkeydef` of a partitioned table.
    pub partition_key: Option<String>,
    /// `partstrat`: `r`, `l`, `h`.
    pub partition_strategy: Option<String>,
    /// Partition key columns (expressions are missing from it).
    pub partition_columns: Vec<String>,
    /// The key has expressions or operator classes the model cannot hold.
    pub partition_key_unsupported: bool,
    /// `relpersistence` (`p` permanent, `u` unlogged).
    pub persistence: String,
    /// Whether it inherits from a table (old-style inheritance).
    pub inherits: bool,
}

/// A partition of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionRow {
    /// The parent's schema.
    pub parent_schema: String,
    /// The parent's name.
    pub parent: String,
    /// The partition's schema.
    pub schema: String,
    /// The partition's name.
    pub name: String,
    /// `pg_get_expr(relpartbound)`: `FOR VALUES ...` or `DEFAULT`.
    pub bound: String,
    /// The partition is itself partitioned.
    pub sub_partitioned: bool,
    /// The partition's own `relrowsecurity` (the DDL sets its parent's).
    pub rls_enabled: bool,
    /// The partition's own `relforcerowsecurity` (the DDL sets its parent's).
    pub rls_forced: bool,
    /// The names of its indexes (those of its keys included), sorted.
    pub indexes: Vec<String>,
    /// For each of `indexes`, the parent's index it is attached to (empty if none).
    pub index_parents: Vec<String>,
}

/// A column (`pg_attribute` with its default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRow {
    /// Table schema.
    pub schema: String,
    /// Table name.
    pub table: String,
    /// Column name.
    pub name: String,
    /// `format_type(atttypid, atttypmod)`.
    pub ty: String,
    /// `attnotnull`.
    pub not_null: bool,
    /// `attidentity`: empty, `a` or `d`.
    pub identity: String,
    /// `attgenerated`: empty or `s`.
    pub generated: String,
    /// `pg_get_expr(adbin)`: the default, or the generation expression.
    pub default: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// It owns a sequence through an `a` dependency: a serial column.
    pub owns_sequence: bool,
    /// A collation other than the type's.
    pub collation: Option<String>,
    /// The sequence of an identity column, or the one a serial column owns
    /// (schema, name), under the name it has.
    pub sequence: Option<(String, String)>,
    /// The type of the sequence a serial column owns (`integer`...), which
    /// `ALTER COLUMN ... TYPE` leaves as it was.
    pub sequence_type: Option<String>,
}

/// A `pg_constraint` row of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintRow {
    /// Table schema.
    pub schema: String,
    /// Table name.
    pub table: String,
    /// Constraint name.
    pub name: String,
    /// `contype`: `p`, `u`, `c`, `f`, `x`.
    pub kind: String,
    /// Its columns (`conkey`) in order.
    pub columns: Vec<String>,
    /// Referenced table schema (foreign keys).
    pub ref_schema: Option<String>,
    /// Referenced table (foreign keys).
    pub ref_table: Option<String>,
    /// Referenced columns (`confkey`) in order.
    pub ref_columns: Vec<String>,
    /// `confdeltype`.
    pub on_delete: String,
    /// `confupdtype`.
    pub on_update: String,
    /// `confmatchtype`.
    pub match_type: String,
    /// `condeferrable`.
    pub deferrable: bool,
    /// `condeferred`.
    pub deferred: bool,
    /// `convalidated`.
    pub validated: bool,
    /// Check expression (`pg_get_expr(conbin)`).
    pub check: Option<String>,
    /// `NULLS NOT DISTINCT` of the unique index.
    pub nulls_not_distinct: bool,
    /// `pg_get_constraintdef`, for messages and the options the model lacks.
    pub definition: String,
    /// `connoinherit`.
    pub no_inherit: bool,
    /// `confdelsetcols` (PostgreSQL 15+): the columns `ON DELETE SET NULL (...)`
    /// / `SET DEFAULT (...)` sets, in order; empty when it sets them all.
    pub on_delete_set_columns: Vec<String>,
}

/// An index no constraint owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    /// Schema of the indexed relation.
    pub schema: String,
    /// The indexed relation.
    pub table: String,
    /// The indexed relation's `relkind`.
    pub table_kind: String,
    /// Index name.
    pub name: String,
    /// Access method.
    pub method: String,
    /// `indisunique`.
    pub unique: bool,
    /// `indnullsnotdistinct`.
    pub nulls_not_distinct: bool,
    /// `indnkeyatts`.
    pub key_count: i32,
    /// Per index column (keys then INCLUDE): the column name, `None` for an expression.
    pub columns: Vec<Option<String>>,
    /// Per index column: `pg_get_indexdef(oid, k, true)` for expressions, empty for columns.
    pub definitions: Vec<String>,
    /// Per key: the operator class when it is not the default.
    pub opclasses: Vec<Option<String>>,
    /// Per key: `indoption` bits (1 DESC, 2 NULLS FIRST).
    pub options: Vec<i32>,
    /// Predicate.
    pub predicate: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// `indisvalid`: false after a failed `CREATE INDEX CONCURRENTLY`.
    pub valid: bool,
}

/// A view or materialized view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewRow {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// `relkind = 'm'`.
    pub materialized: bool,
    /// `pg_get_viewdef(oid, true)`.
    pub query: String,
    /// `reloptions`.
    pub options: Vec<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Relations the query reads: schemas.
    pub depends_on_schemas: Vec<String>,
    /// Relations the query reads: names, same order.
    pub depends_on_names: Vec<String>,
}

/// A `pg_proc` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionRow {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// `pg_get_function_arguments`.
    pub arguments: String,
    /// `pg_get_function_result`.
    pub returns: String,
    /// Language.
    pub language: String,
    /// `prosrc`.
    pub body: String,
    /// `provolatile`.
    pub volatility: String,
    /// `prosecdef`.
    pub security_definer: bool,
    /// `proconfig` (`name=value`).
    pub config: Vec<String>,
    /// Comment.
    pub comment: Option<String>,
    /// `prokind`: `f`, `p`, `a`, `w`.
    pub kind: String,
    /// `proisstrict`.
    pub strict: bool,
    /// `proleakproof`.
    pub leakproof: bool,
    /// `proparallel`.
    pub parallel: String,
    /// A SQL-standard body (`BEGIN ATOMIC`), which `prosrc` does not hold.
    pub sql_body: bool,
}

/// A user trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerRow {
    /// Table schema.
    pub schema: String,
    /// Table name.
    pub table: String,
    /// The relation's `relkind`.
    pub table_kind: String,
    /// Trigger name.
    pub name: String,
    /// `tgtype` bits.
    pub tgtype: i32,
    /// `UPDATE OF` columns (`tgattr`).
    pub columns: Vec<String>,
    /// Function schema.
    pub function_schema: String,
    /// Function name.
    pub function: String,
    /// `tgargs`: NUL-terminated arguments.
    pub args: Vec<u8>,
    /// `tgnargs`.
    pub nargs: i32,
    /// `pg_get_triggerdef(oid, true)`, for the `WHEN` condition.
    pub definition: String,
    /// It has a `WHEN` condition.
    pub has_when: bool,
    /// Comment.
    pub comment: Option<String>,
    /// A constraint trigger.
    pub constraint: bool,
    /// It declares transition tables (`REFERENCING`).
    pub transition_tables: bool,
    /// `tgenabled`.
    pub enabled: String,
}

/// A `pg_policy` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRow {
    /// Table schema.
    pub schema: String,
    /// Table name.
    pub table: String,
    /// Policy name.
    pub name: String,
    /// `polcmd`: `*`, `r`, `a`, `w`, `d`.
    pub command: String,
    /// `polpermissive`.
    pub permissive: bool,
    /// Role names; `public` for PUBLIC.
    pub roles: Vec<String>,
    /// `USING`.
    pub using: Option<String>,
    /// `WITH CHECK`.
    pub with_check: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// The table is a partition: the graph has no policies of a partition's own.
    pub on_partition: bool,
}

/// What a [`GrantRow`] is on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GrantObject {
    /// A table, view or materialized view.
    Relation,
    /// One column of a table.
    Column,
    /// A schema.
    Schema,
}

/// One privilege from `aclexplode`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantRow {
    /// What it is on.
    pub object: GrantObject,
    /// Schema (of the relation, or the schema itself).
    pub schema: String,
    /// Relation name (empty for a schema).
    pub relation: String,
    /// Column name (column grants).
    pub column: Option<String>,
    /// Grantee; `public` for PUBLIC.
    pub grantee: String,
    /// `privilege_type`.
    pub privilege: String,
    /// `WITH GRANT OPTION`.
    pub grantable: bool,
}

/// One privilege from `pg_default_acl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultPrivilegeRow {
    /// The role whose future objects are covered.
    pub for_role: String,
    /// Schema; `None` for database-wide defaults.
    pub schema: Option<String>,
    /// `defaclobjtype`: `r`, `S`, `f`, `T`, `n`.
    pub object_type: String,
    /// Grantee; `public` for PUBLIC.
    pub grantee: String,
    /// `privilege_type`.
    pub privilege: String,
    /// `WITH GRANT OPTION`.
    pub grantable: bool,
}
