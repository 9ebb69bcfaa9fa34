//! The schema graph: plain data describing tables, columns, constraints, indexes and types.
//!
//! Every item is built with chained methods (the structs are `#[non_exhaustive]`,
//! so new fields never break your code); [`crate::Schema::builder`] collects them
//! and validates the whole graph at once. Names left as `None` (constraints,
//! indexes) are chosen by `build()`, following PostgreSQL's own conventions
//! (`users_pkey`, `users_email_key`, `posts_user_id_fkey`).
//!
//! Everything around the tables, by hand:
//!
//! ```
//! use pgarchitect_core::{Schema, SqlType, model::*};
//! let schema = Schema::builder()
//!     .domain(Domain::new("email_address", SqlType::Text).check(CheckConstraint::new("VALUE ~ '@'")))
//!     .role(Role::group("app_readwrite"))
//!     .role(Role::login("app_user").member_of("app_readwrite"))
//!     .add_table(
//!         Table::new("users")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .column(Column::new("email", SqlType::Named(QualifiedName::public("email_address"))))
//!             .primary_key(["id"])
//!             .timestamps()                      // created_at, updated_at and the trigger
//!             .soft_delete()                     // deleted_at
//!             .audited()                         // rows of every change in public.audit_logs
//!             .index(Index::on(["email"]).unique().live_rows())
//!             .row_level_security(true)          // ENABLE and FORCE
//!             .policy(Policy::isolate_by_setting("users_own", "id", &SqlType::BigInt, "app.user_id").roles(["app_readwrite"])),
//!     )
//!     .add_table(
//!         Table::new("events")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .column(Column::new("at", SqlType::Timestamptz).default_expr("now()"))
//!             .primary_key(["id", "at"])        // the partition key must be in it
//!             .partition_by(Partitioning::range(["at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 3).ahead(3).with_default()),
//!     )
//!     .view(
//!         View::materialized(QualifiedName::public("user_counts"), "SELECT count(*) AS users FROM public.users")
//!             .depends_on(QualifiedName::public("users"))
//!             .index(Index::on(["users"]).unique()),  // REFRESH ... CONCURRENTLY needs it
//!     )
//!     .grant(Grant::new([Privilege::Select, Privilege::Insert], GrantTarget::AllTablesInSchema("public".into()), ["app_readwrite"]))
//!     .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["app_readwrite"]))
//!     .version("1", "first version")
//!     .build()
//!     .unwrap();
//! let ddl = schema.to_ddl();
//! assert!(ddl.contains("CREATE TABLE public.events_2026_01 PARTITION OF public.events"));
//! assert!(ddl.contains("CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON public.users"));
//! assert!(ddl.contains("ALTER TABLE public.users FORCE ROW LEVEL SECURITY;"));
//! assert!(ddl.contains("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_readwrite;"));
//! ```

use crate::types::SqlType;

mod partition;
mod routine;
mod security;
mod view;

pub use partition::{CivilDate, Partition, PartitionBound, PartitionStrategy, Partitioning, Period, PeriodWindow};
pub use routine::{Function, Trigger, TriggerEvent, TriggerTiming, Volatility};
pub use security::{
    session_setting_equals, DefaultObjects, DefaultPrivileges, Grant, GrantTarget, Policy, PolicyCommand, Privilege, Role,
    RowLevelSecurity,
};
pub use view::{Domain, View};

/// The schema a name lives in when none is given.
pub const DEFAULT_NAMESPACE: &str = "public";

/// A schema-qualified name. An empty `schema` means unqualified (found through
/// `search_path`), which only type references use; tables always have a schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    /// The namespace (`public`, `app`), or empty for an unqualified type reference.
    pub schema: String,
    /// The object's name within it.
    pub name: String,
}

impl QualifiedName {
    /// `schema.name`.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self { schema: schema.into(), name: name.into() }
    }

    /// A name in the `public` schema.
    pub fn public(name: impl Into<String>) -> Self {
        Self::new(DEFAULT_NAMESPACE, name)
    }

    /// A name resolved through `search_path` (for extension types such as `citext`).
    pub fn unqualified(name: impl Into<String>) -> Self {
        Self::new("", name)
    }
}

/// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    /// Values always come from the sequence; an explicit value needs `OVERRIDING SYSTEM VALUE`.
    Always,
    /// The sequence supplies a value only when none is given.
    ByDefault,
}

/// A column of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Column {
    /// The column name.
    pub name: String,
    /// Its type, with modifiers.
    pub ty: SqlType,
    /// Whether NULL is allowed (`false` emits `NOT NULL`).
    pub nullable: bool,
    /// A SQL expression for `DEFAULT` (not a value: write `'active'` with its quotes,
    /// or use [`Column::default_text`]).
    pub default: Option<String>,
    /// An identity column.
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<String>,
    /// `COMMENT ON COLUMN`.
    pub comment: Option<String>,
    /// Holds personal data (PII): documented, and reviewed for a protection decision.
    pub personal_data: bool,
    /// How sensitive data in this column is protected (`"argon2id hash"`,
    /// `"pgcrypto pgp_sym_encrypt"`, `"RLS: own row only"`): the recorded decision.
    pub protection: Option<String>,
    /// Lint rules allowed on this column, with the reason.
    pub allows: Vec<LintAllow>,
    /// The column's previous name: migrations rename it instead of dropping it.
    pub renamed_from: Option<String>,
}

impl Column {
    /// A `NOT NULL` column of type `ty`.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Self {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            identity: None,
            generated: None,
            comment: None,
            personal_data: false,
            protection: None,
            allows: Vec::new(),
            renamed_from: None,
        }
    }

    /// Allows NULL.
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Sets a default SQL expression (`now()`, `'active'`, `0`).
    pub fn default_expr(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(expr.into());
        self
    }

    /// Sets a default string constant, quoted and escaped.
    pub fn default_text(mut self, value: &str) -> Self {
        self.default = Some(crate::ident::Literal(value).to_string());
        self
    }

    /// Makes the column an identity column.
    pub fn identity(mut self, identity: Identity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// Makes the column `GENERATED ALWAYS AS (expr) STORED`.
    pub fn generated(mut self, expr: impl Into<String>) -> Self {
        self.generated = Some(expr.into());
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Marks the column as personal data.
    pub fn personal_data(mut self) -> Self {
        self.personal_data = true;
        self
    }

    /// Records how the column's data is protected.
    pub fn protection(mut self, how: impl Into<String>) -> Self {
        self.protection = Some(how.into());
        self
    }

    /// Declares the column's previous name, so migrations keep its data.
    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.renamed_from = Some(old.into());
        self
    }

    /// Allows a lint rule on this column, saying why.
    pub fn allow(mut self, rule: impl Into<String>, reason: impl Into<String>) -> Self {
        self.allows.push(LintAllow::new(rule, reason));
        self
    }
}

/// A lint rule switched off for one table or column, with the reason (shown in the docs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LintAllow {
    /// The rule id (`foreign-key-without-index`).
    pub rule: String,
    /// Why the rule does not apply here.
    pub reason: String,
}

impl LintAllow {
    /// Allows `rule` because of `reason`.
    pub fn new(rule: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { rule: rule.into(), reason: reason.into() }
    }
}

/// `PRIMARY KEY (columns)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrimaryKey {
    /// Constraint name; `{table}_pkey` when `None`.
    pub name: Option<String>,
    /// Key columns in order.
    pub columns: Vec<String>,
}

impl PrimaryKey {
    /// A primary key over `columns`.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Self { name: None, columns: columns.into_iter().map(Into::into).collect() }
    }

    /// Sets the constraint name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// `UNIQUE [NULLS NOT DISTINCT] (columns)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UniqueConstraint {
    /// Constraint name; `{table}_{columns}_key` when `None`.
    pub name: Option<String>,
    /// Columns in order.
    pub columns: Vec<String>,
    /// Treat NULLs as equal (PostgreSQL 15+), so at most one row may have NULL.
    pub nulls_not_distinct: bool,
}

impl UniqueConstraint {
    /// A unique constraint over `columns`.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Self { name: None, columns: columns.into_iter().map(Into::into).collect(), nulls_not_distinct: false }
    }

    /// Sets the constraint name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Treats NULLs as equal (`NULLS NOT DISTINCT`).
    pub fn nulls_not_distinct(mut self) -> Self {
        self.nulls_not_distinct = true;
        self
    }
}

/// `CHECK (expr)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckConstraint {
    /// Constraint name; `{table}_{column}_check` (column checks) or `{table}_check{n}` when `None`.
    pub name: Option<String>,
    /// The boolean SQL expression.
    pub expr: String,
    /// The column a column-level check belongs to (used for its default name).
    pub column: Option<String>,
}

impl CheckConstraint {
    /// A table-level check.
    pub fn new(expr: impl Into<String>) -> Self {
        Self { name: None, expr: expr.into(), column: None }
    }

    /// A check written on a column (named `{table}_{column}_check` by default).
    pub fn on_column(column: impl Into<String>, expr: impl Into<String>) -> Self {
        Self { name: None, expr: expr.into(), column: Some(column.into()) }
    }

    /// Sets the constraint name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A referential action for `ON DELETE` / `ON UPDATE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    /// `NO ACTION` (PostgreSQL's default; checked at the end of the statement).
    NoAction,
    /// `RESTRICT` (checked immediately, even when deferrable).
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl ReferentialAction {
    /// The SQL keywords.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
        }
    }
}

/// Whether a constraint's check can be postponed to commit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Deferrable {
    /// `NOT DEFERRABLE` (the default).
    #[default]
    No,
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    InitiallyImmediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    InitiallyDeferred,
}

/// `FOREIGN KEY (columns) REFERENCES table (referenced_columns)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForeignKey {
    /// Constraint name; `{table}_{columns}_fkey` when `None`.
    pub name: Option<String>,
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: QualifiedName,
    /// The referenced columns: its primary key or a unique constraint, in order.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE`; `None` means not chosen (PostgreSQL applies `NO ACTION`).
    pub on_delete: Option<ReferentialAction>,
    /// `ON UPDATE`; `None` means not chosen (PostgreSQL applies `NO ACTION`).
    pub on_update: Option<ReferentialAction>,
    /// The columns `ON DELETE SET NULL (...)` / `SET DEFAULT (...)` sets
    /// (PostgreSQL 15+): some of [`columns`](Self::columns), in the order
    /// written. Empty sets every column of the key. PostgreSQL takes the list
    /// only on `ON DELETE`, so `ON UPDATE SET NULL` always sets them all.
    pub on_delete_set_columns: Vec<String>,
    /// Deferrability.
    pub deferrable: Deferrable,
}

impl ForeignKey {
    /// A foreign key from `columns` to `references (referenced_columns)`.
    pub fn new<A: Into<String>, B: Into<String>>(
        columns: impl IntoIterator<Item = A>,
        references: QualifiedName,
        referenced_columns: impl IntoIterator<Item = B>,
    ) -> Self {
        Self {
            name: None,
            columns: columns.into_iter().map(Into::into).collect(),
            references,
            referenced_columns: referenced_columns.into_iter().map(Into::into).collect(),
            on_delete: None,
            on_update: None,
            on_delete_set_columns: Vec::new(),
            deferrable: Deferrable::No,
        }
    }

    /// Sets `ON DELETE`.
    pub fn on_delete(mut self, action: ReferentialAction) -> Self {
        self.on_delete = Some(action);
        self
    }

    /// Sets `ON UPDATE`.
    pub fn on_update(mut self, action: ReferentialAction) -> Self {
        self.on_update = Some(action);
        self
    }

    /// Limits `ON DELETE SET NULL` / `SET DEFAULT` to some columns of the key
    /// (PostgreSQL 15+): a tenant-scoped key keeps its tenant column, which is
    /// `NOT NULL`, and clears only the reference.
    ///
    /// ```
    /// use pgarchitect_core::model::*;
    /// let fk = ForeignKey::new(["tenant_id", "parent_id"], QualifiedName::public("parents"), ["tenant_id", "id"])
    ///     .on_delete(ReferentialAction::SetNull)
    ///     .on_delete_set_columns(["parent_id"]);
    /// assert_eq!(fk.on_delete_set_columns, ["parent_id"]);
    /// ```
    ///
    /// `build()` refuses a column that is not one of the key's, one listed
    /// twice, and a list with an `ON DELETE` other than `SET NULL` or `SET DEFAULT`.
    pub fn on_delete_set_columns<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.on_delete_set_columns = columns.into_iter().map(Into::into).collect();
        self
    }

    /// The columns `ON DELETE` writes NULL or their default into: those listed
    /// in [`on_delete_set_columns`](Self::on_delete_set_columns), or every
    /// column of the key when none is.
    pub fn on_delete_set(&self) -> &[String] {
        if self.on_delete_set_columns.is_empty() {
            &self.columns
        } else {
            &self.on_delete_set_columns
        }
    }

    /// Sets the constraint name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets deferrability.
    pub fn deferrable(mut self, deferrable: Deferrable) -> Self {
        self.deferrable = deferrable;
        self
    }
}

/// An index access method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexMethod {
    /// B-tree: equality, ranges, ordering; the only method for unique indexes.
    #[default]
    BTree,
    /// Hash: equality only.
    Hash,
    /// GIN: containment in arrays, jsonb, full-text, trigrams.
    Gin,
    /// GiST: geometric, ranges, exclusion, trigram similarity.
    Gist,
    /// BRIN: block ranges for huge, naturally ordered tables.
    Brin,
    /// SP-GiST: space-partitioned trees.
    SpGist,
}

impl IndexMethod {
    /// The `USING` name.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::BTree => "btree",
            Self::Hash => "hash",
            Self::Gin => "gin",
            Self::Gist => "gist",
            Self::Brin => "brin",
            Self::SpGist => "spgist",
        }
    }

    /// Parses a method name (case-insensitive).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "btree" => Self::BTree,
            "hash" => Self::Hash,
            "gin" => Self::Gin,
            "gist" => Self::Gist,
            "brin" => Self::Brin,
            "spgist" => Self::SpGist,
            _ => return None,
        })
    }
}

/// What an index key indexes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IndexTarget {
    /// A column, by name.
    Column(String),
    /// A SQL expression (`lower(email)`), written in parentheses.
    Expression(String),
}

/// Sort direction of an index key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// `ASC`.
    Asc,
    /// `DESC`.
    Desc,
}

/// Where NULLs sort in an index key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NullsOrder {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

/// One key of an index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IndexKey {
    /// The column or expression.
    pub target: IndexTarget,
    /// An operator class (`gin_trgm_ops`, `jsonb_path_ops`, `text_pattern_ops`).
    pub opclass: Option<String>,
    /// `ASC` / `DESC` (btree only).
    pub order: Option<SortOrder>,
    /// `NULLS FIRST` / `NULLS LAST` (btree only).
    pub nulls: Option<NullsOrder>,
}

impl IndexKey {
    /// A key on a column.
    pub fn column(name: impl Into<String>) -> Self {
        Self { target: IndexTarget::Column(name.into()), opclass: None, order: None, nulls: None }
    }

    /// A key on an expression.
    pub fn expression(expr: impl Into<String>) -> Self {
        Self { target: IndexTarget::Expression(expr.into()), opclass: None, order: None, nulls: None }
    }

    /// Sets the operator class.
    pub fn opclass(mut self, opclass: impl Into<String>) -> Self {
        self.opclass = Some(opclass.into());
        self
    }

    /// Sorts descending.
    pub fn desc(mut self) -> Self {
        self.order = Some(SortOrder::Desc);
        self
    }

    /// Sorts ascending (explicitly).
    pub fn asc(mut self) -> Self {
        self.order = Some(SortOrder::Asc);
        self
    }

    /// Sets where NULLs sort.
    pub fn nulls(mut self, nulls: NullsOrder) -> Self {
        self.nulls = Some(nulls);
        self
    }
}

/// `CREATE [UNIQUE] INDEX name ON table USING method (keys) INCLUDE (...) WHERE ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Index {
    /// Index name; `idx_{table}_{keys}` when `None`.
    pub name: Option<String>,
    /// Access method.
    pub method: IndexMethod,
    /// Keys in order.
    pub keys: Vec<IndexKey>,
    /// Non-key columns stored in the index (`INCLUDE`), for index-only scans.
    pub include: Vec<String>,
    /// Partial index predicate (`WHERE ...`).
    pub predicate: Option<String>,
    /// `UNIQUE`.
    pub unique: bool,
    /// `NULLS NOT DISTINCT` for a unique index (PostgreSQL 15+).
    pub nulls_not_distinct: bool,
    /// `COMMENT ON INDEX`: the query or rule the index serves.
    pub comment: Option<String>,
}

impl Index {
    /// A btree index over `columns`.
    pub fn on<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Self::with_keys(columns.into_iter().map(IndexKey::column))
    }

    /// An index over the given keys.
    pub fn with_keys(keys: impl IntoIterator<Item = IndexKey>) -> Self {
        Self {
            name: None,
            method: IndexMethod::BTree,
            keys: keys.into_iter().collect(),
            include: Vec::new(),
            predicate: None,
            unique: false,
            nulls_not_distinct: false,
            comment: None,
        }
    }

    /// Sets the name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the access method.
    pub fn using(mut self, method: IndexMethod) -> Self {
        self.method = method;
        self
    }

    /// Makes the index unique.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Treats NULLs as equal in a unique index.
    pub fn nulls_not_distinct(mut self) -> Self {
        self.nulls_not_distinct = true;
        self
    }

    /// Scopes the index to live rows of a soft-deleted table (`WHERE deleted_at IS NULL`).
    pub fn live_rows(self) -> Self {
        self.where_("deleted_at IS NULL")
    }

    /// Makes the index partial.
    pub fn where_(mut self, predicate: impl Into<String>) -> Self {
        self.predicate = Some(predicate.into());
        self
    }

    /// Adds `INCLUDE` columns.
    pub fn include<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.include.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// A table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Table {
    /// Qualified name.
    pub name: QualifiedName,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// The primary key.
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints.
    pub uniques: Vec<UniqueConstraint>,
    /// Check constraints.
    pub checks: Vec<CheckConstraint>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes (besides those PostgreSQL creates for keys and unique constraints).
    pub indexes: Vec<Index>,
    /// `COMMENT ON TABLE`.
    pub comment: Option<String>,
    /// Expected volume (`"10M rows/year"`): the recorded answer to the scale question.
    pub volume: Option<String>,
    /// Retention policy (`"7 years"`): the recorded answer to the data-management question.
    pub retention: Option<String>,
    /// Lint rules allowed on this table, with the reason.
    pub allows: Vec<LintAllow>,
    /// `PARTITION BY ...` and the partitions.
    pub partitioning: Option<Partitioning>,
    /// Row-level security state.
    pub rls: RowLevelSecurity,
    /// Row-level security policies.
    pub policies: Vec<Policy>,
    /// Triggers.
    pub triggers: Vec<Trigger>,
    /// Row changes are written to the schema's audit log by a trigger.
    pub audited: bool,
    /// Rows are soft-deleted through a `deleted_at` column.
    pub soft_delete: bool,
    /// The table's previous name: migrations rename it instead of dropping it.
    pub renamed_from: Option<QualifiedName>,
}

impl Table {
    /// An empty table in `public`.
    pub fn new(name: impl Into<String>) -> Self {
        Self::in_schema(DEFAULT_NAMESPACE, name)
    }

    /// An empty table in `schema`.
    pub fn in_schema(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            name: QualifiedName::new(schema, name),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            volume: None,
            retention: None,
            allows: Vec::new(),
            partitioning: None,
            rls: RowLevelSecurity::default(),
            policies: Vec::new(),
            triggers: Vec::new(),
            audited: false,
            soft_delete: false,
            renamed_from: None,
        }
    }

    /// Adds a column.
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Sets the primary key.
    pub fn primary_key<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.primary_key = Some(PrimaryKey { name: None, columns: columns.into_iter().map(Into::into).collect() });
        self
    }

    /// Adds a unique constraint.
    pub fn unique(mut self, unique: UniqueConstraint) -> Self {
        self.uniques.push(unique);
        self
    }

    /// Adds a check constraint.
    pub fn check(mut self, check: CheckConstraint) -> Self {
        self.checks.push(check);
        self
    }

    /// Adds a foreign key.
    pub fn foreign_key(mut self, fk: ForeignKey) -> Self {
        self.foreign_keys.push(fk);
        self
    }

    /// Adds an index.
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Records the expected volume.
    pub fn volume(mut self, volume: impl Into<String>) -> Self {
        self.volume = Some(volume.into());
        self
    }

    /// Records the retention policy.
    pub fn retention(mut self, retention: impl Into<String>) -> Self {
        self.retention = Some(retention.into());
        self
    }

    /// Allows a lint rule on this table, saying why.
    pub fn allow(mut self, rule: impl Into<String>, reason: impl Into<String>) -> Self {
        self.allows.push(LintAllow::new(rule, reason));
        self
    }

    /// Declares the table's previous name, so migrations keep its rows.
    pub fn renamed_from(mut self, old: QualifiedName) -> Self {
        self.renamed_from = Some(old);
        self
    }

    /// Partitions the table.
    pub fn partition_by(mut self, partitioning: Partitioning) -> Self {
        self.partitioning = Some(partitioning);
        self
    }

    /// Enables row-level security; `force` applies it to the table owner too.
    pub fn row_level_security(mut self, force: bool) -> Self {
        self.rls = RowLevelSecurity { enabled: true, forced: force };
        self
    }

    /// Adds a policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policies.push(policy);
        self
    }

    /// Adds a trigger.
    pub fn trigger(mut self, trigger: Trigger) -> Self {
        self.triggers.push(trigger);
        self
    }

    /// Adds `created_at` and `updated_at` (`timestamptz NOT NULL DEFAULT now()`),
    /// unless declared already, and a `BEFORE UPDATE` trigger that sets `updated_at`.
    pub fn timestamps(mut self) -> Self {
        for name in ["created_at", "updated_at"] {
            if self.find_column(name).is_none() {
                self.columns.push(Column::new(name, SqlType::Timestamptz).default_expr("now()"));
            }
        }
        let trigger = format!("{}_set_updated_at", self.name.name);
        if !self.triggers.iter().any(|t| t.name == trigger) {
            self.triggers.push(
                Trigger::new(trigger, TriggerTiming::Before, [TriggerEvent::Update(Vec::new())], crate::builtin::set_updated_at_name())
                    .comment("Keeps updated_at current on every UPDATE"),
            );
        }
        self
    }

    /// Adds a nullable `deleted_at timestamptz` (unless declared) and marks the table
    /// soft-deleted; indexes can then be scoped to live rows with [`Index::live_rows`].
    pub fn soft_delete(mut self) -> Self {
        if self.find_column("deleted_at").is_none() {
            self.columns.push(Column::new("deleted_at", SqlType::Timestamptz).nullable().comment("Soft delete: set instead of deleting the row"));
        }
        self.soft_delete = true;
        self
    }

    /// Writes every INSERT, UPDATE and DELETE to the schema's audit log.
    pub fn audited(mut self) -> Self {
        self.audited = true;
        self
    }

    /// Adds a stored `tsvector` column computed from `sources` (column, weight
    /// `'A'..='D'`) with the text search configuration `config` (`english`,
    /// `simple`), and a GIN index on it.
    pub fn full_text_search(mut self, column: &str, config: &str, sources: &[(&str, char)]) -> Self {
        let config = crate::ident::Literal(config).to_string();
        let parts: Vec<String> = sources
            .iter()
            .map(|(col, weight)| {
                format!(
                    "setweight(to_tsvector({config}::regconfig, coalesce({}, '')), {})",
                    crate::ident::Ident(col),
                    crate::ident::Literal(&weight.to_string())
                )
            })
            .collect();
        self.columns.push(
            Column::new(column, SqlType::TsVector)
                .generated(parts.join(" || "))
                .comment(format!("Full-text search vector over {}", sources.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "))),
        );
        self.indexes.push(Index::on([column]).using(IndexMethod::Gin).comment("Full-text search (@@ queries)"));
        self
    }

    /// The column called `name`.
    pub fn find_column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// `CREATE TYPE name AS ENUM (...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnumType {
    /// Qualified name.
    pub name: QualifiedName,
    /// Labels in sort order.
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    pub comment: Option<String>,
}

impl EnumType {
    /// An enum in `public`.
    pub fn new<S: Into<String>>(name: impl Into<String>, values: impl IntoIterator<Item = S>) -> Self {
        Self::in_schema(DEFAULT_NAMESPACE, name, values)
    }

    /// An enum in `schema`.
    pub fn in_schema<S: Into<String>>(schema: impl Into<String>, name: impl Into<String>, values: impl IntoIterator<Item = S>) -> Self {
        Self { name: QualifiedName::new(schema, name), values: values.into_iter().map(Into::into).collect(), comment: None }
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// `CREATE EXTENSION IF NOT EXISTS name [SCHEMA schema]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Extension {
    /// Extension name (`pg_trgm`, `uuid-ossp`).
    pub name: String,
    /// The schema its objects go into; the first schema on `search_path` when `None`.
    pub schema: Option<String>,
}

impl Extension {
    /// An extension installed in the default schema.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), schema: None }
    }

    /// Installs the extension's objects in `schema`.
    pub fn in_schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}
