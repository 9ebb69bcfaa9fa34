//! [`diff`]: the changes that turn one schema graph into another.
//!
//! Objects are matched by name (tables, columns, constraints, indexes, policies,
//! triggers, views, enums, domains, roles), functions by name and argument
//! types, grants privilege by privilege. Expressions are compared as text, so
//! both sides should be the server's rendering (see `live::normalize`): the
//! diff never guesses whether two spellings mean the same thing.
//!
//! Ignored, because the database does not hold them: lint metadata (volume,
//! retention, allows, personal data, protection), `audited`/`soft_delete`
//! markers, `depends_on` lists, a check's `column` (only used for naming), the
//! window and hash modulus a partition list was expanded from, and the schema
//! version. `ON DELETE`/`ON UPDATE` not chosen equals `NO ACTION`; no volatility
//! equals `VOLATILE`; an extension without a schema matches any schema.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::{
    CheckConstraint, Column, DefaultObjects, DefaultPrivileges, Domain, EnumType, Extension, ForeignKey, Function,
    GrantTarget, Index, Partition, Policy, PrimaryKey, Privilege, QualifiedName, ReferentialAction, Role, RowLevelSecurity,
    Table, Trigger, UniqueConstraint, View, Volatility,
};
use crate::schema::Schema;

/// The changes from one schema graph to another, in a canonical order (plans
/// reorder them by dependency).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaDiff {
    /// The changes.
    pub changes: Vec<Change>,
    /// Tables partitioned on either side (some statements differ for them:
    /// no `CONCURRENTLY`, no `NOT VALID` foreign keys).
    pub partitioned: BTreeSet<QualifiedName>,
    /// The partitions (by name, the default one included) each partitioned table
    /// has on both sides, so indexes can be built on them one by one.
    pub partitions: BTreeMap<QualifiedName, Vec<String>>,
    /// The tables that have a default partition before the migration (by their
    /// old names): a partition added next to it takes the default partition's
    /// rows of its bound first, which PostgreSQL would refuse to create otherwise.
    pub defaults: BTreeMap<QualifiedName, DefaultPartition>,
    /// The triggers of each table of the target schema that has any (by its new
    /// name): PostgreSQL refuses to change the type of a column a trigger names
    /// in `UPDATE OF` or in its `WHEN` condition (0A000), so the plan drops the
    /// triggers naming it and creates them again around the type change, in
    /// the same transaction.
    pub triggers: BTreeMap<QualifiedName, Vec<Trigger>>,
    /// The row-level security policies of each table of the target schema that
    /// has any (by its new name): PostgreSQL refuses to change the type of a
    /// column a policy's `USING` or `WITH CHECK` expression names, on its own
    /// table or through a subquery on another (0A000), so the plan drops those
    /// policies and creates them again around the type change, in the same
    /// transaction.
    pub policies: BTreeMap<QualifiedName, Vec<Policy>>,
    /// What PostgreSQL drops with a column, of each table of the target
    /// schema that has a generated column (by its new name): a generated
    /// column whose expression changes is dropped and added again, and the
    /// plan creates them again around it (see [`ColumnDependents`]).
    pub generated: BTreeMap<QualifiedName, ColumnDependents>,
    /// The columns of each table before the migration (by its name then), and
    /// after it (by its new name): a declared column rename is planned only
    /// when its old name is no column after the migration and its new name
    /// none before it.
    pub columns: [BTreeMap<QualifiedName, Vec<String>>; 2],
    /// The views before and after the migration, and the privileges on
    /// them: the plan rebuilds the views reading a table whose columns change
    /// type across the renames it applies, which the diff does not see.
    pub views: [Vec<View>; 2],
    /// See [`SchemaDiff::views`].
    pub view_grants: [Vec<GrantItem>; 2],
    /// The functions before and after the migration: PostgreSQL refuses to
    /// drop a view whose row type a function's arguments or result use
    /// (2BP01), so the plan drops those functions and creates them again
    /// around the views it rebuilds.
    pub functions: [Vec<Function>; 2],
    /// The privileges on tables and columns before and after the migration:
    /// PostgreSQL keeps them across a table or column rename, which the diff
    /// sees as a drop and a create, so the plan compares them across the
    /// renames it applies.
    pub grants: [Vec<GrantItem>; 2],
    /// The foreign keys of each table of the target schema that has any (by
    /// its new name): PostgreSQL adds a key again when the type of one of its
    /// columns changes, on either side, which locks the other table too
    /// (ACCESS EXCLUSIVE), so the plan reports that lock.
    pub foreign_keys: BTreeMap<QualifiedName, Vec<ForeignKey>>,
    /// The names held before the migration, in each schema: by relations
    /// (tables, partitions, indexes, the indexes of keys, views, identity
    /// and serial sequences, and the partitions' own indexes), and by enums
    /// and domains (type names, which the row type of a table or partition
    /// needs too). The sequences and the partitions' indexes under the names
    /// a schema read from a database gives ([`Schema::read_relations`]:
    /// PostgreSQL keeps them across renames), else under those PostgreSQL
    /// gives them when the table is created (sequences). A rename, move or
    /// creation that takes a name held by something the plan keeps would fail
    /// on PostgreSQL (42P07, or 42710 for a type): the plan refuses it; one
    /// held by something the plan drops is dropped first, or refused.
    pub names: BTreeMap<QualifiedName, NameHolder>,
    /// The columns holding values of each domain the migration alters (by
    /// its new name), directly or through a domain over it, before and after
    /// the migration: validating a new check or `NOT NULL` scans their
    /// tables under a SHARE lock, and PostgreSQL refuses it while one of them
    /// holds an array of the domain (0A000).
    pub domain_columns: BTreeMap<QualifiedName, [Vec<DomainColumn>; 2]>,
}

/// What PostgreSQL drops with a column of a table: the table's indexes and
/// constraints (those naming the column go with it) and the privileges on
/// its columns (a column's go with it). Its comment is the column's own; the
/// foreign keys of other tables referencing it, under which PostgreSQL
/// refuses to drop it (2BP01), are in [`SchemaDiff::foreign_keys`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnDependents {
    /// The table's indexes.
    pub indexes: Vec<Index>,
    /// The table's constraints, as the diff compares them.
    pub constraints: Vec<Constraint>,
    /// The privileges on the table's columns.
    pub grants: Vec<GrantItem>,
}

/// A column holding values of a domain (see [`SchemaDiff::domain_columns`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainColumn {
    /// Its table, by its name on that side of the migration.
    pub table: QualifiedName,
    /// The column.
    pub column: String,
    /// Whether it holds an array of the domain rather than its values.
    pub array: bool,
}

/// What holds a name in a schema (see [`SchemaDiff::names`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameHolder {
    /// What it is.
    pub kind: NameKind,
    /// The table or view it belongs to: of an index, a key, a partition or a
    /// sequence; the partition (in its table's schema) of a partition's index.
    pub of: Option<QualifiedName>,
    /// Of a partition's index, the index (or key) of the partitioned table it
    /// is attached to, which PostgreSQL drops it with.
    pub parent_index: Option<String>,
    /// How errors name it (`table archive.logs_2026_01`, `index archive.idx_t_at on archive.t`).
    pub what: String,
}

/// The kind of a [`NameHolder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// A table (a relation and a row type).
    Table,
    /// A partition, the default one included (a relation and a row type).
    Partition,
    /// A view or materialized view (a relation and a row type).
    View,
    /// An index, or the index of a primary key or unique constraint (a relation only).
    Index,
    /// The sequence of an identity or serial column (a relation only).
    Sequence,
    /// An enum or a domain (a type only).
    Type,
}

impl NameKind {
    /// Whether it is a relation (`pg_class`); a table, partition or view holds its row type's name too.
    pub fn is_relation(self) -> bool {
        self != NameKind::Type
    }

    /// Whether it holds a type name (`pg_type`).
    pub fn is_type(self) -> bool {
        matches!(self, NameKind::Table | NameKind::Partition | NameKind::View | NameKind::Type)
    }
}

/// See [`SchemaDiff::names`]; a relation first when a type has its name too.
fn names_held(schema: &Schema) -> BTreeMap<QualifiedName, NameHolder> {
    let mut out: BTreeMap<QualifiedName, NameHolder> = BTreeMap::new();
    let mut held = |schema: &str, name: &str, kind: NameKind, of: Option<&QualifiedName>, what: String, parent_index: Option<&String>| {
        out.entry(QualifiedName::new(schema, name)).or_insert(NameHolder { kind, of: of.cloned(), parent_index: parent_index.cloned(), what });
    };
    // The names a database gives, where the schema was read from one.
    let mut read_sequences = BTreeSet::new();
    for r in schema.read_relations() {
        match r {
            crate::ReadRelation::Sequence { name, table, column } => {
                read_sequences.insert((table, column.as_str()));
                held(&name.schema, &name.name, NameKind::Sequence, Some(table), format!("sequence {name} of column {table}.{}", crate::ident::Ident(column)), None);
            }
            crate::ReadRelation::PartitionIndex { name, table, partition, parent } => {
                let of = QualifiedName::new(&table.schema, partition);
                held(&name.schema, &name.name, NameKind::Index, Some(&of), format!("index {name} of partition {of} of {table}"), parent.as_ref());
            }
        }
    }
    let mut hold = |schema: &str, name: &str, kind: NameKind, of: Option<&QualifiedName>, what: String| held(schema, name, kind, of, what, None);
    for t in schema.tables() {
        let (tn, s) = (&t.name, t.name.schema.as_str());
        hold(s, &tn.name, NameKind::Table, None, format!("table {tn}"));
        for part in t.partitioning.iter().flat_map(|p| p.partition_names(&tn.name)) {
            hold(s, &part, NameKind::Partition, Some(tn), format!("partition {} of {tn}", QualifiedName::new(s, part.as_ref())));
        }
        for key in t.primary_key.iter().filter_map(|k| k.name.as_deref()).chain(t.uniques.iter().filter_map(|u| u.name.as_deref())) {
            hold(s, key, NameKind::Index, Some(tn), format!("the index of key {} on {tn}", QualifiedName::new(s, key)));
        }
        for index in t.indexes.iter().filter_map(|i| i.name.as_deref()) {
            hold(s, index, NameKind::Index, Some(tn), format!("index {} on {tn}", QualifiedName::new(s, index)));
        }
        for c in t.columns.iter().filter(|c| !read_sequences.contains(&(tn, c.name.as_str()))) {
            if c.identity.is_some() || matches!(c.ty, crate::SqlType::SmallSerial | crate::SqlType::Serial | crate::SqlType::BigSerial) {
                let seq = crate::validate::sequence_name(&tn.name, &c.name);
                hold(s, &seq, NameKind::Sequence, Some(tn), format!("sequence {} of column {tn}.{}", QualifiedName::new(s, &seq), crate::ident::Ident(&c.name)));
            }
        }
    }
    for v in schema.views() {
        let kind = if v.materialized { "materialized view" } else { "view" };
        hold(&v.name.schema, &v.name.name, NameKind::View, None, format!("{kind} {}", v.name));
        for index in v.indexes.iter().filter_map(|i| i.name.as_deref()) {
            hold(&v.name.schema, index, NameKind::Index, Some(&v.name), format!("index {} on {}", QualifiedName::new(&v.name.schema, index), v.name));
        }
    }
    for e in schema.enums() {
        hold(&e.name.schema, &e.name.name, NameKind::Type, None, format!("enum {}", e.name));
    }
    for d in schema.domains() {
        hold(&d.name.schema, &d.name.name, NameKind::Type, None, format!("domain {}", d.name));
    }
    out
}

/// What moving rows out of a table's default partition needs to know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DefaultPartition {
    /// The partition key columns of the table.
    pub key: Vec<String>,
    /// Tables whose foreign keys reference the table (itself included): a row
    /// moved out of the default partition is deleted there, which fires their
    /// `ON DELETE` action.
    pub referenced_by: Vec<QualifiedName>,
}

impl SchemaDiff {
    /// No change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The number of changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// The changes.
    pub fn iter(&self) -> std::slice::Iter<'_, Change> {
        self.changes.iter()
    }
}

impl fmt::Display for SchemaDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return f.write_str("no changes");
        }
        for (i, c) in self.changes.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// A constraint of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// `PRIMARY KEY`.
    PrimaryKey(PrimaryKey),
    /// `UNIQUE`.
    Unique(UniqueConstraint),
    /// `CHECK`.
    Check(CheckConstraint),
    /// `FOREIGN KEY`.
    ForeignKey(ForeignKey),
}

impl Constraint {
    /// Its name (every constraint of a built schema has one).
    pub fn name(&self) -> &str {
        let name = match self {
            Self::PrimaryKey(c) => &c.name,
            Self::Unique(c) => &c.name,
            Self::Check(c) => &c.name,
            Self::ForeignKey(c) => &c.name,
        };
        name.as_deref().unwrap_or_default()
    }
}

/// What changed about a column (the [`Change::AlterColumn`] holds both versions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnChange {
    /// The type.
    Type,
    /// `NOT NULL` added or dropped.
    Nullability,
    /// The default expression.
    Default,
    /// Identity added, dropped or switched between ALWAYS and BY DEFAULT.
    Identity,
    /// The generation expression.
    Generated,
}

/// Where a new enum label goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumPosition {
    /// After the last label.
    End,
    /// `BEFORE label`.
    Before(String),
    /// `AFTER label`.
    After(String),
}

/// What a privilege is on, one object at a time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantObject {
    /// A table or view.
    Table(QualifiedName),
    /// One column of a table.
    Column(QualifiedName, String),
    /// A schema.
    Schema(String),
    /// `ALL SEQUENCES IN SCHEMA` (kept as declared: sequences are not in the graph).
    AllSequencesInSchema(String),
    /// `ALL FUNCTIONS IN SCHEMA` (kept as declared).
    AllFunctionsInSchema(String),
}

impl fmt::Display for GrantObject {
    /// As `GRANT ... ON` names it: `table public.posts`, `column public.posts.title`, `schema public`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Table(t) => write!(f, "table {t}"),
            Self::Column(t, c) => write!(f, "column {t}.{}", crate::ident::Ident(c)),
            Self::Schema(s) => write!(f, "schema {}", crate::ident::Ident(s)),
            Self::AllSequencesInSchema(s) => write!(f, "all sequences in schema {}", crate::ident::Ident(s)),
            Self::AllFunctionsInSchema(s) => write!(f, "all functions in schema {}", crate::ident::Ident(s)),
        }
    }
}

/// One privilege of one grantee on one object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GrantItem {
    /// The object.
    pub object: GrantObject,
    /// The privilege.
    pub privilege: Privilege,
    /// The grantee (`public` for PUBLIC).
    pub grantee: String,
}

/// One privilege of `ALTER DEFAULT PRIVILEGES`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefaultGrantItem {
    /// The creating role (the applying role when `None`).
    pub for_role: Option<String>,
    /// Schema.
    pub schema: String,
    /// Object kind.
    pub objects: DefaultObjects,
    /// Privilege.
    pub privilege: Privilege,
    /// Grantee.
    pub grantee: String,
}

/// What a comment is on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommentTarget {
    /// A table.
    Table(QualifiedName),
    /// A column of a table.
    Column(QualifiedName, String),
    /// An index (schema-qualified index name).
    Index(QualifiedName),
    /// An enum type.
    Type(QualifiedName),
    /// A domain.
    Domain(QualifiedName),
    /// A function, with its argument types.
    Function(QualifiedName, String),
    /// A view; `true` for a materialized one.
    View(QualifiedName, bool),
    /// A trigger on a table.
    Trigger(QualifiedName, String),
    /// A policy on a table.
    Policy(QualifiedName, String),
    /// A role.
    Role(String),
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// `CREATE SCHEMA`.
    CreateSchema(String),
    /// `DROP SCHEMA`.
    DropSchema(String),
    /// `CREATE EXTENSION`.
    CreateExtension(Extension),
    /// `DROP EXTENSION`.
    DropExtension(Extension),
    /// `ALTER EXTENSION ... SET SCHEMA`.
    AlterExtensionSchema {
        /// Extension.
        name: String,
        /// Old schema.
        from: String,
        /// New schema.
        to: String,
    },
    /// `CREATE ROLE`.
    CreateRole(Role),
    /// `DROP ROLE`.
    DropRole(Role),
    /// Login or membership changed.
    AlterRole {
        /// Before.
        from: Role,
        /// After.
        to: Role,
    },
    /// `CREATE TYPE ... AS ENUM`.
    CreateEnum(EnumType),
    /// `DROP TYPE`.
    DropEnum(EnumType),
    /// `ALTER TYPE ... ADD VALUE`.
    AddEnumValue {
        /// The enum.
        name: QualifiedName,
        /// The new label.
        value: String,
        /// Where it goes.
        position: EnumPosition,
    },
    /// Labels removed or reordered: the type must be rebuilt.
    RecreateEnum {
        /// Before.
        from: EnumType,
        /// After.
        to: EnumType,
    },
    /// `CREATE DOMAIN`.
    CreateDomain(Domain),
    /// `DROP DOMAIN`.
    DropDomain(Domain),
    /// Base type, default, NOT NULL or checks changed.
    AlterDomain {
        /// Before.
        from: Domain,
        /// After.
        to: Domain,
    },
    /// `CREATE TABLE` with columns, keys, checks, foreign keys, partitions and
    /// comments; its indexes, triggers, RLS and policies come as their own changes.
    CreateTable(Table),
    /// `DROP TABLE`.
    DropTable(Table),
    /// `ALTER TABLE ... RENAME TO` (a declared rename).
    RenameTable {
        /// Old name.
        from: QualifiedName,
        /// New name.
        to: QualifiedName,
    },
    /// `ADD COLUMN`.
    AddColumn {
        /// Table.
        table: QualifiedName,
        /// The column.
        column: Column,
    },
    /// `DROP COLUMN`.
    DropColumn {
        /// Table.
        table: QualifiedName,
        /// The column as it was.
        column: Column,
    },
    /// `RENAME COLUMN` (a declared rename).
    RenameColumn {
        /// Table.
        table: QualifiedName,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// One aspect of a column changed.
    AlterColumn {
        /// Table.
        table: QualifiedName,
        /// Before.
        from: Column,
        /// After.
        to: Column,
        /// What changed.
        change: ColumnChange,
    },
    /// `ADD CONSTRAINT`.
    AddConstraint {
        /// Table.
        table: QualifiedName,
        /// The constraint.
        constraint: Constraint,
    },
    /// `DROP CONSTRAINT`.
    DropConstraint {
        /// Table.
        table: QualifiedName,
        /// The constraint as it was.
        constraint: Constraint,
    },
    /// `RENAME CONSTRAINT`: a constraint whose definition is unchanged but whose
    /// name follows a declared rename (`posts_pkey` to `articles_pkey`). Renaming
    /// a primary or unique key renames its index too.
    RenameConstraint {
        /// Table (its new name, if it is renamed).
        table: QualifiedName,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `CREATE INDEX` on a table or materialized view.
    CreateIndex {
        /// The table or materialized view.
        table: QualifiedName,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table or materialized view.
        table: QualifiedName,
        /// The index as it was.
        index: Index,
    },
    /// `ALTER INDEX ... RENAME TO`: an index whose definition is unchanged but
    /// whose name follows a declared rename (`idx_posts_user_id` to `idx_articles_user_id`).
    RenameIndex {
        /// The table (its new name, if it is renamed); the index is in its schema.
        table: QualifiedName,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// A new partition.
    AddPartition {
        /// The partitioned table.
        table: QualifiedName,
        /// The partition.
        partition: Partition,
    },
    /// A partition removed (its rows with it).
    DropPartition {
        /// The partitioned table.
        table: QualifiedName,
        /// The partition.
        partition: Partition,
    },
    /// `ALTER TABLE ... RENAME TO` on a partition: a partition whose bound is
    /// unchanged but whose name follows a declared table rename
    /// (`posts_2026_01` to `articles_2026_01`, `posts_default` to `articles_default`).
    RenamePartition {
        /// The partitioned table (its new name); the partition is in its schema.
        table: QualifiedName,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `ALTER TABLE ... SET SCHEMA` on a partition of a table moved to another
    /// schema by a declared rename, which PostgreSQL does not move with its
    /// parent. It keeps its name (and rows, indexes, row-level security); a
    /// [`Change::RenamePartition`] follows when its name follows the table's.
    MovePartition {
        /// The partitioned table (its new name); the partition moves to its schema.
        table: QualifiedName,
        /// The schema the partition is in (the table's old schema).
        from_schema: String,
        /// The partition's name (its old name, when it is renamed too).
        name: String,
    },
    /// The `DEFAULT` partition added (`true`) or removed.
    SetDefaultPartition {
        /// The partitioned table.
        table: QualifiedName,
        /// Whether it exists afterwards.
        present: bool,
    },
    /// Partitioning strategy or key changed: the table must be rebuilt.
    ChangePartitioning {
        /// Before.
        from: Box<Table>,
        /// After.
        to: Box<Table>,
    },
    /// `ENABLE`/`DISABLE`/`FORCE`/`NO FORCE ROW LEVEL SECURITY`. Also on each
    /// partition of a partitioned table, which follows its parent's (with no
    /// policy, so querying the partition by name sees and writes no rows).
    SetRowLevelSecurity {
        /// Table (or partition).
        table: QualifiedName,
        /// Before.
        from: RowLevelSecurity,
        /// After.
        to: RowLevelSecurity,
    },
    /// `CREATE POLICY`.
    CreatePolicy {
        /// Table.
        table: QualifiedName,
        /// The policy.
        policy: Policy,
    },
    /// `DROP POLICY`.
    DropPolicy {
        /// Table.
        table: QualifiedName,
        /// The policy as it was.
        policy: Policy,
    },
    /// A policy's roles, expressions, command or kind changed.
    AlterPolicy {
        /// Table.
        table: QualifiedName,
        /// Before.
        from: Policy,
        /// After.
        to: Policy,
    },
    /// `CREATE TRIGGER`.
    CreateTrigger {
        /// Table.
        table: QualifiedName,
        /// The trigger.
        trigger: Trigger,
    },
    /// `DROP TRIGGER`.
    DropTrigger {
        /// Table.
        table: QualifiedName,
        /// The trigger as it was.
        trigger: Trigger,
    },
    /// `ALTER TRIGGER ... RENAME TO`: a trigger whose definition is unchanged but
    /// whose name follows a declared rename (`posts_audit` to `articles_audit`).
    RenameTrigger {
        /// Table (its new name, if it is renamed).
        table: QualifiedName,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `CREATE OR REPLACE TRIGGER`: a trigger of the same name (or renamed with
    /// its table) whose definition changed: timing, events, `UPDATE OF`
    /// columns, row or statement, `WHEN`, function or arguments. Also a trigger
    /// kept across a declared column rename whose arguments name the column
    /// (the audit trigger's are the key columns): PostgreSQL follows a renamed
    /// column in `UPDATE OF` and `WHEN`, not in the arguments, which are
    /// strings. A changed comment is a [`Change::SetComment`] of its own.
    ReplaceTrigger {
        /// Table.
        table: QualifiedName,
        /// Before (under its current name).
        from: Trigger,
        /// After.
        to: Trigger,
    },
    /// `CREATE FUNCTION`.
    CreateFunction(Function),
    /// `DROP FUNCTION`.
    DropFunction(Function),
    /// `CREATE OR REPLACE FUNCTION` (or drop and create when the result type changes).
    ReplaceFunction {
        /// Before.
        from: Function,
        /// After.
        to: Function,
    },
    /// `CREATE [MATERIALIZED] VIEW` with its indexes.
    CreateView(View),
    /// `DROP [MATERIALIZED] VIEW`.
    DropView(View),
    /// A plain view's `security_invoker` changed, its query did not:
    /// `CREATE OR REPLACE VIEW` (a query change is a [`Change::RebuildView`]).
    ReplaceView {
        /// Before.
        from: View,
        /// After.
        to: View,
    },
    /// A view dropped and created again (with its comments, indexes and
    /// privileges) in one step: its query changes, or whether it is
    /// materialized (`CREATE OR REPLACE VIEW` only appends columns, 42P16 for
    /// a column dropped, renamed or retyped, which the query text does not
    /// tell; a materialized view has no `OR REPLACE`), or its tables' columns
    /// change type (PostgreSQL refuses to change the type of a column a view
    /// reads, 0A000). Views reading a rebuilt view are rebuilt too (its drop
    /// fails under them, 2BP01).
    RebuildView {
        /// The view as it is.
        from: View,
        /// The view as it will be.
        to: View,
        /// Its privileges before.
        from_grants: Vec<GrantItem>,
        /// Its privileges after, granted again when it is created.
        to_grants: Vec<GrantItem>,
    },
    /// `GRANT`.
    Grant(GrantItem),
    /// `REVOKE`.
    Revoke(GrantItem),
    /// `ALTER DEFAULT PRIVILEGES ... GRANT`.
    GrantDefault(DefaultGrantItem),
    /// `ALTER DEFAULT PRIVILEGES ... REVOKE`.
    RevokeDefault(DefaultGrantItem),
    /// `COMMENT ON`.
    SetComment {
        /// What it is on.
        target: CommentTarget,
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateSchema(s) => write!(f, "create schema {s}"),
            Self::DropSchema(s) => write!(f, "drop schema {s}"),
            Self::CreateExtension(e) => write!(f, "create extension {}", e.name),
            Self::DropExtension(e) => write!(f, "drop extension {}", e.name),
            Self::AlterExtensionSchema { name, from, to } => write!(f, "move extension {name} from schema {from} to {to}"),
            Self::CreateRole(r) => write!(f, "create role {}", r.name),
            Self::DropRole(r) => write!(f, "drop role {}", r.name),
            Self::AlterRole { from, to } => write!(f, "alter role {}: {from:?} -> {to:?}", from.name),
            Self::CreateEnum(e) => write!(f, "create enum {} {:?}", e.name, e.values),
            Self::DropEnum(e) => write!(f, "drop enum {}", e.name),
            Self::AddEnumValue { name, value, position } => write!(f, "add value {value:?} to enum {name} ({position:?})"),
            Self::RecreateEnum { from, to } => write!(f, "rebuild enum {}: {:?} -> {:?}", from.name, from.values, to.values),
            Self::CreateDomain(d) => write!(f, "create domain {}", d.name),
            Self::DropDomain(d) => write!(f, "drop domain {}", d.name),
            Self::AlterDomain { from, to } => write!(f, "alter domain {}: {from:?} -> {to:?}", from.name),
            Self::CreateTable(t) => write!(f, "create table {}", t.name),
            Self::DropTable(t) => write!(f, "drop table {}", t.name),
            Self::RenameTable { from, to } => write!(f, "rename table {from} to {to}"),
            Self::AddColumn { table, column } => write!(f, "add column {table}.{} {}", column.name, column.ty),
            Self::DropColumn { table, column } => write!(f, "drop column {table}.{}", column.name),
            Self::RenameColumn { table, from, to } => write!(f, "rename column {table}.{from} to {to}"),
            Self::AlterColumn { table, from, to, change } => {
                let (a, b) = match change {
                    ColumnChange::Type => (from.ty.to_string(), to.ty.to_string()),
                    ColumnChange::Nullability => (nullability(from), nullability(to)),
                    ColumnChange::Default => (format!("{:?}", from.default), format!("{:?}", to.default)),
                    ColumnChange::Identity => (format!("{:?}", from.identity), format!("{:?}", to.identity)),
                    ColumnChange::Generated => (format!("{:?}", from.generated), format!("{:?}", to.generated)),
                };
                write!(f, "alter column {table}.{} {change:?}: {a} -> {b}", from.name)
            }
            Self::AddConstraint { table, constraint } => write!(f, "add constraint {} on {table}: {constraint:?}", constraint.name()),
            Self::DropConstraint { table, constraint } => write!(f, "drop constraint {} on {table}", constraint.name()),
            Self::RenameConstraint { table, from, to } => write!(f, "rename constraint {from} on {table} to {to}"),
            Self::CreateIndex { table, index } => write!(f, "create index {} on {table}: {index:?}", index.name.as_deref().unwrap_or("")),
            Self::DropIndex { table, index } => write!(f, "drop index {} on {table}", index.name.as_deref().unwrap_or("")),
            Self::RenameIndex { table, from, to } => write!(f, "rename index {from} on {table} to {to}"),
            Self::AddPartition { table, partition } => write!(f, "add partition {} of {table}: {:?}", partition.name, partition.bound),
            Self::DropPartition { table, partition } => write!(f, "drop partition {} of {table}", partition.name),
            Self::RenamePartition { table, from, to } => write!(f, "rename partition {from} of {table} to {to}"),
            Self::MovePartition { table, from_schema, name } => write!(f, "move partition {name} of {table} from schema {from_schema}"),
            Self::SetDefaultPartition { table, present } => {
                write!(f, "{} the default partition of {table}", if *present { "add" } else { "drop" })
            }
            Self::ChangePartitioning { from, .. } => write!(f, "change the partitioning of {}", from.name),
            Self::SetRowLevelSecurity { table, from, to } => write!(f, "row-level security on {table}: {from:?} -> {to:?}"),
            Self::CreatePolicy { table, policy } => write!(f, "create policy {} on {table}: {policy:?}", policy.name),
            Self::DropPolicy { table, policy } => write!(f, "drop policy {} on {table}", policy.name),
            Self::AlterPolicy { table, from, to } => write!(f, "alter policy {} on {table}: {from:?} -> {to:?}", from.name),
            Self::CreateTrigger { table, trigger } => write!(f, "create trigger {} on {table}: {trigger:?}", trigger.name),
            Self::DropTrigger { table, trigger } => write!(f, "drop trigger {} on {table}", trigger.name),
            Self::RenameTrigger { table, from, to } => write!(f, "rename trigger {from} on {table} to {to}"),
            Self::ReplaceTrigger { table, from, to } => write!(f, "replace trigger {} on {table}: {from:?} -> {to:?}", to.name),
            Self::CreateFunction(func) => write!(f, "create function {}({})", func.name, func.arguments),
            Self::DropFunction(func) => write!(f, "drop function {}({})", func.name, func.arguments),
            Self::ReplaceFunction { from, to } => write!(f, "replace function {}({}): {from:?} -> {to:?}", from.name, from.arguments),
            Self::CreateView(v) => write!(f, "create view {}", v.name),
            Self::DropView(v) => write!(f, "drop view {}", v.name),
            Self::ReplaceView { from, to } => write!(f, "replace view {}: {:?} -> {:?}", from.name, from.query, to.query),
            Self::RebuildView { from, to, .. } if from.query != to.query => write!(f, "rebuild view {}: {:?} -> {:?}", from.name, from.query, to.query),
            Self::RebuildView { from, .. } => write!(f, "rebuild view {}", from.name),
            Self::Grant(g) => write!(f, "grant {} on {} to {}", g.privilege.as_sql(), g.object, g.grantee),
            Self::Revoke(g) => write!(f, "revoke {} on {} from {}", g.privilege.as_sql(), g.object, g.grantee),
            Self::GrantDefault(g) => write!(f, "default privilege {} on {} in {} to {}", g.privilege.as_sql(), g.objects.as_sql(), g.schema, g.grantee),
            Self::RevokeDefault(g) => write!(f, "revoke default privilege {} on {} in {} from {}", g.privilege.as_sql(), g.objects.as_sql(), g.schema, g.grantee),
            Self::SetComment { target, from, to } => write!(f, "comment on {target:?}: {from:?} -> {to:?}"),
        }
    }
}

fn nullability(c: &Column) -> String {
    if c.nullable { "NULL".into() } else { "NOT NULL".into() }
}

/// The changes that turn `from` into `to`.
///
/// ```
/// use pgarchitect_core::{migrate, Schema, SqlType, model::*};
/// let v1 = Schema::builder()
///     .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]))
///     .build().unwrap();
/// let v2 = Schema::builder()
///     .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt)).column(Column::new("email", SqlType::Text).nullable()).primary_key(["id"]))
///     .build().unwrap();
/// let diff = migrate::diff(&v1, &v2);
/// assert_eq!(diff.to_string(), "add column public.users.email text");
/// assert!(migrate::diff(&v2, &v2).is_empty());
/// ```
pub fn diff(from: &Schema, to: &Schema) -> SchemaDiff {
    let mut out = Vec::new();
    diff_namespaces(from, to, &mut out);
    diff_extensions(from, to, &mut out);
    diff_roles(from, to, &mut out);
    diff_enums(from, to, &mut out);
    diff_domains(from, to, &mut out);
    diff_functions(from, to, &mut out);
    diff_tables(from, to, &mut out);
    diff_views(from, to, &mut out);
    rebuild_views_over_rebuilt_relations(from, to, &mut out);
    diff_grants(from, to, &mut out);
    let partitioned = from
        .tables()
        .iter()
        .chain(to.tables())
        .filter(|t| t.partitioning.is_some())
        .map(|t| t.name.clone())
        .collect();
    // Every partition that exists while indexes are built: new ones are created
    // before, dropped ones only in the contract phase.
    let mut partitions: BTreeMap<QualifiedName, Vec<String>> = BTreeMap::new();
    for t in from.tables() {
        let (Some(p), Some(new)) = (&t.partitioning, to.table(&t.name).and_then(|n| n.partitioning.as_ref())) else { continue };
        let mut names: BTreeSet<String> = p.partitions.iter().chain(&new.partitions).map(|x| x.name.clone()).collect();
        if p.default_partition || new.default_partition {
            names.insert(crate::model::Partitioning::default_partition_name(&t.name.name));
        }
        partitions.insert(t.name.clone(), names.into_iter().collect());
    }
    let defaults = from
        .tables()
        .iter()
        .filter_map(|t| {
            let p = t.partitioning.as_ref().filter(|p| p.default_partition)?;
            let referenced_by: BTreeSet<QualifiedName> =
                from.tables().iter().filter(|r| r.foreign_keys.iter().any(|fk| fk.references == t.name)).map(|r| r.name.clone()).collect();
            Some((t.name.clone(), DefaultPartition { key: p.columns.clone(), referenced_by: referenced_by.into_iter().collect() }))
        })
        .collect();
    let triggers = to.tables().iter().filter(|t| !t.triggers.is_empty()).map(|t| (t.name.clone(), t.triggers.clone())).collect();
    let policies = to.tables().iter().filter(|t| !t.policies.is_empty()).map(|t| (t.name.clone(), t.policies.clone())).collect();
    let generated = column_dependents(to);
    let column_names = |s: &Schema| s.tables().iter().map(|t| (t.name.clone(), t.columns.iter().map(|c| c.name.clone()).collect())).collect();
    let views = [from.views().to_vec(), to.views().to_vec()];
    let view_grants = [view_privileges(from), view_privileges(to)];
    let foreign_keys = to.tables().iter().filter(|t| !t.foreign_keys.is_empty()).map(|t| (t.name.clone(), t.foreign_keys.clone())).collect();
    let domain_columns = out
        .iter()
        .filter_map(|c| match c {
            Change::AlterDomain { to: d, .. } => Some((d.name.clone(), [domain_columns(from, &d.name), domain_columns(to, &d.name)])),
            _ => None,
        })
        .collect();
    let functions = [from.functions().to_vec(), to.functions().to_vec()];
    SchemaDiff {
        changes: out,
        partitioned,
        partitions,
        defaults,
        triggers,
        policies,
        names: names_held(from),
        foreign_keys,
        generated,
        columns: [column_names(from), column_names(to)],
        views,
        view_grants,
        functions,
        grants: [relation_grants(from), relation_grants(to)],
        domain_columns,
    }
}

/// The columns of `schema`'s tables holding values of `domain`, or of a
/// domain over it (at any depth), or arrays of either.
fn domain_columns(schema: &Schema, domain: &QualifiedName) -> Vec<DomainColumn> {
    let names = |n: &QualifiedName, d: &QualifiedName| n.name == d.name && (n.schema.is_empty() || n.schema == d.schema);
    let mut domains = vec![domain.clone()];
    // Domains over the domains found so far, until no new one turns up.
    let mut i = 0;
    while i < domains.len() {
        let found = domains[i].clone();
        for d in schema.domains() {
            if matches!(&d.base, crate::SqlType::Named(b) if names(b, &found)) && !domains.contains(&d.name) {
                domains.push(d.name.clone());
            }
        }
        i += 1;
    }
    let mut out = Vec::new();
    for t in schema.tables() {
        for c in &t.columns {
            let Some(n) = c.ty.named() else { continue };
            if domains.iter().any(|d| names(n, d)) {
                out.push(DomainColumn { table: t.name.clone(), column: c.name.clone(), array: matches!(c.ty, crate::SqlType::Array(_)) });
            }
        }
    }
    out
}

/// See [`SchemaDiff::generated`].
fn column_dependents(to: &Schema) -> BTreeMap<QualifiedName, ColumnDependents> {
    let grants = grant_items(to);
    to.tables()
        .iter()
        .filter(|t| t.columns.iter().any(|c| c.generated.is_some()))
        .map(|t| {
            let grants = grants.iter().filter(|g| matches!(&g.object, GrantObject::Column(on, _) if *on == t.name)).cloned().collect();
            (t.name.clone(), ColumnDependents { indexes: t.indexes.clone(), constraints: table_constraints(t), grants })
        })
        .collect()
}

/// Pairs items of two lists by key: (only in `a`, in both, only in `b`), in key order.
fn pair<'a, T, K: Ord>(a: &'a [T], b: &'a [T], key: impl Fn(&T) -> K) -> (Vec<&'a T>, Vec<(&'a T, &'a T)>, Vec<&'a T>) {
    let mut left: BTreeMap<K, &T> = a.iter().map(|x| (key(x), x)).collect();
    let mut both = Vec::new();
    let mut right = Vec::new();
    let mut b_sorted: Vec<(K, &T)> = b.iter().map(|x| (key(x), x)).collect();
    b_sorted.sort_by(|x, y| x.0.cmp(&y.0));
    for (k, y) in b_sorted {
        match left.remove(&k) {
            Some(x) => both.push((x, y)),
            None => right.push(y),
        }
    }
    (left.into_values().collect(), both, right)
}

fn comment(out: &mut Vec<Change>, target: CommentTarget, from: &Option<String>, to: &Option<String>) {
    if from != to {
        out.push(Change::SetComment { target, from: from.clone(), to: to.clone() });
    }
}

fn diff_namespaces(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let a: BTreeSet<&String> = from.namespaces().iter().collect();
    let b: BTreeSet<&String> = to.namespaces().iter().collect();
    out.extend(b.difference(&a).map(|s| Change::CreateSchema((*s).clone())));
    out.extend(a.difference(&b).map(|s| Change::DropSchema((*s).clone())));
}

fn diff_extensions(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(from.extensions(), to.extensions(), |e| e.name.clone());
    out.extend(added.into_iter().map(|e| Change::CreateExtension(e.clone())));
    for (a, b) in both {
        if let (Some(x), Some(y)) = (&a.schema, &b.schema) {
            if x != y {
                out.push(Change::AlterExtensionSchema { name: a.name.clone(), from: x.clone(), to: y.clone() });
            }
        }
    }
    out.extend(dropped.into_iter().map(|e| Change::DropExtension(e.clone())));
}

fn diff_roles(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(from.roles(), to.roles(), |r| r.name.clone());
    out.extend(added.into_iter().map(|r| Change::CreateRole(r.clone())));
    for (a, b) in both {
        let members = |r: &Role| r.member_of.iter().cloned().collect::<BTreeSet<_>>();
        if a.login != b.login || members(a) != members(b) {
            out.push(Change::AlterRole { from: a.clone(), to: b.clone() });
        }
        comment(out, CommentTarget::Role(a.name.clone()), &a.comment, &b.comment);
    }
    out.extend(dropped.into_iter().map(|r| Change::DropRole(r.clone())));
}

fn diff_enums(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(from.enums(), to.enums(), |e| e.name.clone());
    out.extend(added.into_iter().map(|e| Change::CreateEnum(e.clone())));
    for (a, b) in both {
        if a.values != b.values {
            out.extend(enum_additions(a, b).unwrap_or_else(|| vec![Change::RecreateEnum { from: a.clone(), to: b.clone() }]));
        }
        comment(out, CommentTarget::Type(a.name.clone()), &a.comment, &b.comment);
    }
    out.extend(dropped.into_iter().map(|e| Change::DropEnum(e.clone())));
}

/// `ADD VALUE`s that turn `a`'s labels into `b`'s, if `a`'s are all kept in order.
fn enum_additions(a: &EnumType, b: &EnumType) -> Option<Vec<Change>> {
    let kept: Vec<&String> = b.values.iter().filter(|v| a.values.contains(v)).collect();
    if kept.len() != a.values.len() || kept.iter().zip(&a.values).any(|(x, y)| *x != y) {
        return None;
    }
    let mut changes = Vec::new();
    for (i, v) in b.values.iter().enumerate() {
        if a.values.contains(v) {
            continue;
        }
        // Anchor on the previous label (which exists by then), else on the next old one.
        let position = match i.checked_sub(1).map(|j| &b.values[j]) {
            Some(prev) => EnumPosition::After(prev.clone()),
            None => match b.values.iter().find(|x| a.values.contains(x)) {
                Some(next) => EnumPosition::Before(next.clone()),
                None => EnumPosition::End,
            },
        };
        let position = match &position {
            EnumPosition::After(prev) if Some(prev) == a.values.last() && i == b.values.len() - 1 => EnumPosition::End,
            _ => position,
        };
        changes.push(Change::AddEnumValue { name: b.name.clone(), value: v.clone(), position });
    }
    Some(changes)
}

fn diff_domains(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(from.domains(), to.domains(), |d| d.name.clone());
    out.extend(added.into_iter().map(|d| Change::CreateDomain(d.clone())));
    for (a, b) in both {
        let strip = |d: &Domain| {
            let mut d = d.clone();
            d.comment = None;
            d.checks.sort_by(|x, y| x.name.cmp(&y.name));
            for c in &mut d.checks {
                c.column = None;
            }
            d
        };
        if strip(a) != strip(b) {
            out.push(Change::AlterDomain { from: a.clone(), to: b.clone() });
        }
        comment(out, CommentTarget::Domain(a.name.clone()), &a.comment, &b.comment);
    }
    out.extend(dropped.into_iter().map(|d| Change::DropDomain(d.clone())));
}

/// A function's identity: name and argument types (defaults and names stripped).
pub(crate) fn function_key(f: &Function) -> (QualifiedName, String) {
    (f.name.clone(), function_signature(&f.arguments))
}

/// `a integer, b text DEFAULT 'x'` → `a integer, b text`: what `DROP`/`COMMENT ON FUNCTION` take.
pub(crate) fn function_signature(arguments: &str) -> String {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = arguments.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&arguments[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&arguments[start..]);
    parts
        .iter()
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            let cut = [lower.find(" default "), lower.find('=')].into_iter().flatten().min().unwrap_or(p.len());
            p[..cut].split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn volatility(f: &Function) -> Volatility {
    f.volatility.unwrap_or(Volatility::Volatile)
}

fn diff_functions(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(from.functions(), to.functions(), function_key);
    out.extend(added.into_iter().map(|f| Change::CreateFunction(f.clone())));
    for (a, b) in both {
        let same = a.arguments == b.arguments
            && a.returns == b.returns
            && a.language == b.language
            && a.body == b.body
            && volatility(a) == volatility(b)
            && a.security_definer == b.security_definer
            && a.search_path == b.search_path;
        if !same {
            out.push(Change::ReplaceFunction { from: a.clone(), to: b.clone() });
        }
        comment(out, CommentTarget::Function(a.name.clone(), function_signature(&a.arguments)), &a.comment, &b.comment);
    }
    out.extend(dropped.into_iter().map(|f| Change::DropFunction(f.clone())));
}

/// A table as `CREATE TABLE` makes it: without indexes, triggers, RLS and
/// policies, which come as their own changes.
pub(crate) fn bare_table(t: &Table) -> Table {
    let mut t = t.clone();
    t.indexes.clear();
    t.triggers.clear();
    t.policies.clear();
    t.rls = RowLevelSecurity::default();
    t
}

/// What a new table brings besides `CREATE TABLE`.
pub(crate) fn table_extras(t: &Table, out: &mut Vec<Change>) {
    for index in &t.indexes {
        out.push(Change::CreateIndex { table: t.name.clone(), index: index.clone() });
    }
    if t.rls != RowLevelSecurity::default() {
        out.push(Change::SetRowLevelSecurity { table: t.name.clone(), from: RowLevelSecurity::default(), to: t.rls });
    }
    partitions_rls(None, t, out);
    for policy in &t.policies {
        out.push(Change::CreatePolicy { table: t.name.clone(), policy: policy.clone() });
    }
    for trigger in &t.triggers {
        out.push(Change::CreateTrigger { table: t.name.clone(), trigger: trigger.clone() });
    }
}

fn diff_tables(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(from.tables(), to.tables(), |t| t.name.clone());
    for t in added {
        out.push(Change::CreateTable(bare_table(t)));
        table_extras(t, out);
    }
    for (a, b) in both {
        diff_table(a, b, out);
    }
    out.extend(dropped.into_iter().map(|t| Change::DropTable(t.clone())));
}

/// The constraints of a table as the diff compares them: a check without
/// its column, `NO ACTION` as not chosen.
fn table_constraints(t: &Table) -> Vec<Constraint> {
    let mut v: Vec<Constraint> = t.primary_key.iter().cloned().map(Constraint::PrimaryKey).collect();
    v.extend(t.uniques.iter().cloned().map(Constraint::Unique));
    v.extend(t.checks.iter().cloned().map(|mut c| {
        c.column = None;
        Constraint::Check(c)
    }));
    v.extend(t.foreign_keys.iter().cloned().map(|mut fk| {
        fk.on_delete = fk.on_delete.filter(|a| *a != ReferentialAction::NoAction);
        fk.on_update = fk.on_update.filter(|a| *a != ReferentialAction::NoAction);
        Constraint::ForeignKey(fk)
    }));
    v
}

/// The changes between two versions of one table (of the same name, or renamed).
pub(crate) fn diff_table(a: &Table, b: &Table, out: &mut Vec<Change>) {
    let name = &b.name;
    let (dropped, both, added) = pair(&a.columns, &b.columns, |c| c.name.clone());
    for c in added {
        out.push(Change::AddColumn { table: name.clone(), column: c.clone() });
    }
    for (x, y) in both {
        diff_column(name, x, y, out);
    }
    for c in dropped {
        out.push(Change::DropColumn { table: name.clone(), column: c.clone() });
    }

    let (ca, cb) = (table_constraints(a), table_constraints(b));
    let (dropped, both, added) = pair(&ca, &cb, |c| c.name().to_owned());
    let mut adds = Vec::new();
    for c in dropped {
        out.push(Change::DropConstraint { table: name.clone(), constraint: c.clone() });
    }
    for (x, y) in both {
        if x != y {
            out.push(Change::DropConstraint { table: name.clone(), constraint: x.clone() });
            adds.push(y.clone());
        }
    }
    adds.extend(added.into_iter().cloned());
    for c in adds {
        out.push(Change::AddConstraint { table: name.clone(), constraint: c });
    }

    diff_indexes(name, &a.indexes, &b.indexes, out);
    diff_partitions(a, b, out);

    if a.rls != b.rls {
        out.push(Change::SetRowLevelSecurity { table: name.clone(), from: a.rls, to: b.rls });
    }
    partitions_rls(Some(a), b, out);
    let (dropped, both, added) = pair(&a.policies, &b.policies, |p| p.name.clone());
    for p in dropped {
        out.push(Change::DropPolicy { table: name.clone(), policy: p.clone() });
    }
    for (x, y) in both {
        let mut xs = x.clone();
        let mut ys = y.clone();
        xs.comment = None;
        ys.comment = None;
        xs.roles.sort();
        ys.roles.sort();
        if xs != ys {
            out.push(Change::AlterPolicy { table: name.clone(), from: x.clone(), to: y.clone() });
        }
        comment(out, CommentTarget::Policy(name.clone(), x.name.clone()), &x.comment, &y.comment);
    }
    for p in added {
        out.push(Change::CreatePolicy { table: name.clone(), policy: p.clone() });
    }

    let (dropped, both, added) = pair(&a.triggers, &b.triggers, |t| t.name.clone());
    for t in dropped {
        out.push(Change::DropTrigger { table: name.clone(), trigger: t.clone() });
    }
    for (x, y) in both {
        let strip = |t: &Trigger| {
            let mut t = t.clone();
            t.comment = None;
            t.events.sort_by_key(|e| format!("{e:?}"));
            t
        };
        // Replaced in place, so one version of the trigger fires at every
        // moment; `CREATE OR REPLACE` keeps the comment, which changes apart.
        if strip(x) != strip(y) {
            out.push(Change::ReplaceTrigger { table: name.clone(), from: x.clone(), to: y.clone() });
        }
        comment(out, CommentTarget::Trigger(name.clone(), x.name.clone()), &x.comment, &y.comment);
    }
    for t in added {
        out.push(Change::CreateTrigger { table: name.clone(), trigger: t.clone() });
    }
    comment(out, CommentTarget::Table(name.clone()), &a.comment, &b.comment);
}

/// The changes between two versions of one column (of the same name, or renamed).
pub(crate) fn diff_column(table: &QualifiedName, x: &Column, y: &Column, out: &mut Vec<Change>) {
    let mut alter = |change| out.push(Change::AlterColumn { table: table.clone(), from: x.clone(), to: y.clone(), change });
    if x.generated != y.generated {
        // A generation expression cannot be altered in place (before PostgreSQL 17):
        // the column is rebuilt, which also covers its type and nullability.
        alter(ColumnChange::Generated);
    } else {
        if x.ty != y.ty {
            alter(ColumnChange::Type);
        }
        if x.identity != y.identity {
            alter(ColumnChange::Identity);
        }
        if x.default != y.default {
            alter(ColumnChange::Default);
        }
        if x.nullable != y.nullable {
            alter(ColumnChange::Nullability);
        }
    }
    comment(out, CommentTarget::Column(table.clone(), y.name.clone()), &x.comment, &y.comment);
}

pub(crate) fn diff_indexes(table: &QualifiedName, a: &[Index], b: &[Index], out: &mut Vec<Change>) {
    let (dropped, both, added) = pair(a, b, |i| i.name.clone());
    for i in dropped {
        out.push(Change::DropIndex { table: table.clone(), index: i.clone() });
    }
    for (x, y) in both {
        let strip = |i: &Index| Index { comment: None, ..i.clone() };
        if strip(x) != strip(y) {
            out.push(Change::DropIndex { table: table.clone(), index: x.clone() });
            out.push(Change::CreateIndex { table: table.clone(), index: y.clone() });
        } else {
            let index_name = QualifiedName::new(&table.schema, y.name.clone().unwrap_or_default());
            comment(out, CommentTarget::Index(index_name), &x.comment, &y.comment);
        }
    }
    for i in added {
        out.push(Change::CreateIndex { table: table.clone(), index: i.clone() });
    }
}

fn diff_partitions(a: &Table, b: &Table, out: &mut Vec<Change>) {
    let name = &b.name;
    match (&a.partitioning, &b.partitioning) {
        (None, None) => {}
        (Some(x), Some(y)) if x.strategy == y.strategy && x.columns == y.columns => {
            let (dropped, both, added) = pair(&x.partitions, &y.partitions, |p| p.name.clone());
            for p in dropped {
                out.push(Change::DropPartition { table: name.clone(), partition: p.clone() });
            }
            for (p, q) in both {
                if p.bound != q.bound {
                    out.push(Change::DropPartition { table: name.clone(), partition: p.clone() });
                    out.push(Change::AddPartition { table: name.clone(), partition: q.clone() });
                }
            }
            for p in added {
                out.push(Change::AddPartition { table: name.clone(), partition: p.clone() });
            }
            if x.default_partition != y.default_partition {
                out.push(Change::SetDefaultPartition { table: name.clone(), present: y.default_partition });
            }
        }
        _ => out.push(Change::ChangePartitioning { from: Box::new(a.clone()), to: Box::new(b.clone()) }),
    }
}

/// Row-level security of the partitions of `b` (a new table when `a` is `None`).
/// The graph gives each partition its parent's row-level security and no policy
/// (queried by name, a partition has only its own: that access is denied), so
/// partitions kept from `a` follow the parent's change, and partitions created
/// by this diff (new, or again with other bounds) get the parent's from scratch.
/// Nothing when the partitioning itself changes (the table is rebuilt).
fn partitions_rls(a: Option<&Table>, b: &Table, out: &mut Vec<Change>) {
    let Some(new) = &b.partitioning else { return };
    let old = match a.map(|a| &a.partitioning) {
        None => None,
        Some(Some(old)) if old.strategy == new.strategy && old.columns == new.columns => Some(old),
        Some(_) => return,
    };
    let before = |kept: bool| match a {
        Some(a) if kept => a.rls,
        _ => RowLevelSecurity::default(),
    };
    let mut push = |name: &str, from: RowLevelSecurity| {
        if from != b.rls {
            out.push(Change::SetRowLevelSecurity { table: QualifiedName::new(&b.name.schema, name), from, to: b.rls });
        }
    };
    for p in &new.partitions {
        let kept = old.is_some_and(|old| old.partitions.iter().any(|q| q.name == p.name && q.bound == p.bound));
        push(&p.name, before(kept));
    }
    if new.default_partition {
        let kept = old.is_some_and(|old| old.default_partition);
        push(&crate::model::Partitioning::default_partition_name(&b.name.name), before(kept));
    }
}

/// Views in dependency order: those a view reads come before it (those
/// its `depends_on` lists, and those its query names, see
/// [`crate::depend::reads_view`]).
fn view_order(views: &[View]) -> Vec<&View> {
    fn visit<'a>(v: &'a View, views: &'a [View], done: &mut BTreeSet<QualifiedName>, order: &mut Vec<&'a View>) {
        if !done.insert(v.name.clone()) {
            return;
        }
        for dep in &v.depends_on {
            if let Some(d) = views.iter().find(|x| &x.name == dep) {
                visit(d, views, done, order);
            }
        }
        for d in views.iter().filter(|x| crate::depend::reads_view(v, &x.name)) {
            visit(d, views, done, order);
        }
        order.push(v);
    }
    let mut done = BTreeSet::new();
    let mut order = Vec::with_capacity(views.len());
    for v in views {
        visit(v, views, &mut done, &mut order);
    }
    order
}

/// The privileges of `items` on `view` (on it, and on its columns).
fn view_grants<'a>(items: impl IntoIterator<Item = &'a GrantItem>, view: &QualifiedName) -> Vec<GrantItem> {
    items.into_iter().filter(|g| matches!(&g.object, GrantObject::Table(t) | GrantObject::Column(t, _) if t == view)).cloned().collect()
}

fn diff_views(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (before, after) = (grant_items(from), grant_items(to));
    for b in view_order(to.views()) {
        let Some(a) = from.view(&b.name) else {
            out.push(Change::CreateView(b.clone()));
            continue;
        };
        if a.query != b.query || a.materialized != b.materialized || b.materialized && a.security_invoker != b.security_invoker {
            out.push(Change::RebuildView { from: a.clone(), to: b.clone(), from_grants: view_grants(&before, &a.name), to_grants: view_grants(&after, &b.name) });
            continue;
        }
        if a.security_invoker != b.security_invoker {
            out.push(Change::ReplaceView { from: a.clone(), to: b.clone() });
            continue;
        }
        diff_indexes(&a.name, &a.indexes, &b.indexes, out);
        comment(out, CommentTarget::View(a.name.clone(), a.materialized), &a.comment, &b.comment);
    }
    // Dropped views go dependents first.
    for a in view_order(from.views()).into_iter().rev() {
        if to.view(&a.name).is_none() {
            out.push(Change::DropView(a.clone()));
        }
    }
}

/// Views reading (directly or through other views) a table whose columns
/// change type or generation, or a view rebuilt for its own change, become
/// [`Change::RebuildView`]s (see [`rebuild_views`]; the plan does the same
/// for the columns that do so across the renames it applies).
fn rebuild_views_over_rebuilt_relations(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let rebuilt: BTreeSet<QualifiedName> = out
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumn { table, change: ColumnChange::Type | ColumnChange::Generated, .. } => Some(table.clone()),
            Change::RebuildView { from, .. } => Some(from.name.clone()),
            _ => None,
        })
        .collect();
    rebuild_views(&[from.views().to_vec(), to.views().to_vec()], &[view_privileges(from), view_privileges(to)], rebuilt, out);
}

/// The privileges on the views of `schema` (on them, and on their columns).
/// The privileges on tables, views and columns (see [`SchemaDiff::grants`]).
fn relation_grants(schema: &Schema) -> Vec<GrantItem> {
    grant_items(schema).into_iter().filter(|g| matches!(g.object, GrantObject::Table(_) | GrantObject::Column(..))).collect()
}

fn view_privileges(schema: &Schema) -> Vec<GrantItem> {
    let views: BTreeSet<&QualifiedName> = schema.views().iter().map(|v| &v.name).collect();
    grant_items(schema).into_iter().filter(|g| matches!(&g.object, GrantObject::Table(t) | GrantObject::Column(t, _) if views.contains(t))).collect()
}

/// The views of `views` (before, after the migration) reading, directly or
/// through other views, one of the relations `affected` (tables by their
/// names before the migration, views rebuilt for their own change) become
/// [`Change::RebuildView`]s, with their privileges (`grants`, before and
/// after), in place of what else `out` does to them; those that are one
/// already are left as they are. A view the migration drops stays a
/// [`Change::DropView`]: the plan drops it in the step rebuilding the
/// relations it reads (see its `ViewRebuild`).
pub(crate) fn rebuild_views(views: &[Vec<View>; 2], grants: &[Vec<GrantItem>; 2], mut affected: BTreeSet<QualifiedName>, out: &mut Vec<Change>) {
    if affected.is_empty() {
        return;
    }
    let [from, to] = views;
    let mut rebuilt: BTreeSet<QualifiedName> = BTreeSet::new();
    loop {
        let more: Vec<QualifiedName> =
            from.iter().filter(|v| !rebuilt.contains(&v.name) && v.depends_on.iter().any(|d| affected.contains(d))).map(|v| v.name.clone()).collect();
        if more.is_empty() {
            break;
        }
        for v in more {
            affected.insert(v.clone());
            rebuilt.insert(v);
        }
    }
    for v in view_order(from) {
        // Rebuilt for its own change already, where the diff found it.
        if !rebuilt.contains(&v.name) || out.iter().any(|c| matches!(c, Change::RebuildView { from, .. } if from.name == v.name)) {
            continue;
        }
        let Some(new) = to.iter().find(|x| x.name == v.name) else { continue };
        // The rebuild replaces whatever else the diff planned for the view.
        out.retain(|c| match c {
            Change::ReplaceView { from, .. } => from.name != v.name,
            Change::CreateIndex { table, .. } | Change::DropIndex { table, .. } => table != &v.name,
            Change::SetComment { target: CommentTarget::View(n, _), .. } => n != &v.name,
            _ => true,
        });
        out.push(Change::RebuildView { from: v.clone(), to: new.clone(), from_grants: view_grants(&grants[0], &v.name), to_grants: view_grants(&grants[1], &v.name) });
    }
}

const TABLE_PRIVILEGES: [Privilege; 7] = [
    Privilege::Select,
    Privilege::Insert,
    Privilege::Update,
    Privilege::Delete,
    Privilege::Truncate,
    Privilege::References,
    Privilege::Trigger,
];

/// A schema's grants, one privilege of one grantee on one object at a time:
/// `ALL TABLES IN SCHEMA` becomes each table and view of that schema in the graph,
/// `ALL PRIVILEGES` each privilege of the object.
pub fn grant_items(schema: &Schema) -> BTreeSet<GrantItem> {
    let mut items = BTreeSet::new();
    for g in schema.grants() {
        for role in &g.roles {
            let grantee = if role.eq_ignore_ascii_case("public") { "public".to_owned() } else { role.clone() };
            let mut add = |object: GrantObject, all: &[Privilege]| {
                for p in &g.privileges {
                    let expanded: Vec<Privilege> = if *p == Privilege::All { all.to_vec() } else { vec![*p] };
                    for privilege in expanded {
                        items.insert(GrantItem { object: object.clone(), privilege, grantee: grantee.clone() });
                    }
                }
            };
            match &g.target {
                GrantTarget::Table { table, columns } if columns.is_empty() => add(GrantObject::Table(table.clone()), &TABLE_PRIVILEGES),
                GrantTarget::Table { table, columns } => {
                    for c in columns {
                        add(
                            GrantObject::Column(table.clone(), c.clone()),
                            &[Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::References],
                        );
                    }
                }
                GrantTarget::AllTablesInSchema(s) => {
                    let relations = schema
                        .tables()
                        .iter()
                        .map(|t| &t.name)
                        .chain(schema.views().iter().map(|v| &v.name))
                        .filter(|n| &n.schema == s)
                        .cloned()
                        .collect::<Vec<_>>();
                    for r in relations {
                        add(GrantObject::Table(r), &TABLE_PRIVILEGES);
                    }
                }
                GrantTarget::AllSequencesInSchema(s) => {
                    add(GrantObject::AllSequencesInSchema(s.clone()), &[Privilege::Usage, Privilege::Select, Privilege::Update])
                }
                GrantTarget::AllFunctionsInSchema(s) => add(GrantObject::AllFunctionsInSchema(s.clone()), &[Privilege::Execute]),
                GrantTarget::Schema(s) => add(GrantObject::Schema(s.clone()), &[Privilege::Usage]),
            }
        }
    }
    items
}

fn default_items(d: &[DefaultPrivileges]) -> BTreeSet<DefaultGrantItem> {
    let mut items = BTreeSet::new();
    for dp in d {
        for role in &dp.roles {
            for p in &dp.privileges {
                items.insert(DefaultGrantItem {
                    for_role: dp.for_role.clone(),
                    schema: dp.schema.clone(),
                    objects: dp.objects,
                    privilege: *p,
                    grantee: if role.eq_ignore_ascii_case("public") { "public".into() } else { role.clone() },
                });
            }
        }
    }
    items
}

fn diff_grants(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let (a, b) = (grant_items(from), grant_items(to));
    // Privileges on a dropped object go with it.
    let gone = |o: &GrantObject| match o {
        GrantObject::Table(t) => to.table(t).is_none() && to.view(t).is_none(),
        GrantObject::Column(t, c) => to.table(t).map_or(to.view(t).is_none(), |t| t.find_column(c).is_none()),
        GrantObject::Schema(s) => s != crate::model::DEFAULT_NAMESPACE && !to.namespaces().contains(s),
        _ => false,
    };
    // A view that is rebuilt loses its privileges: its step grants them again
    // (`RebuildView::to_grants`), and `CREATE OR REPLACE VIEW` keeps them.
    out.extend(b.difference(&a).cloned().map(Change::Grant));
    out.extend(a.difference(&b).filter(|g| !gone(&g.object)).cloned().map(Change::Revoke));
    let (a, b) = (default_items(from.default_privileges()), default_items(to.default_privileges()));
    out.extend(b.difference(&a).cloned().map(Change::GrantDefault));
    out.extend(a.difference(&b).cloned().map(Change::RevokeDefault));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::SqlType;

    fn users() -> Table {
        Table::new("users")
            .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
            .column(Column::new("email", SqlType::Text))
            .primary_key(["id"])
    }

    fn build(b: crate::SchemaBuilder) -> Schema {
        b.build().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn same_schema_no_changes() {
        let s = build(Schema::builder().add_table(users()).enum_type(EnumType::new("mood", ["a", "b"])));
        assert!(diff(&s, &s).is_empty());
    }

    #[test]
    fn column_changes_are_granular() {
        let a = build(Schema::builder().add_table(users()));
        let mut t = users();
        t.columns[1] = Column::new("email", SqlType::Varchar(Some(100))).nullable().default_expr("''").comment("mail");
        let b = build(Schema::builder().add_table(t.column(Column::new("name", SqlType::Text).nullable())));
        let d = diff(&a, &b);
        let text = d.to_string();
        assert!(text.contains("add column public.users.name text"), "{text}");
        assert!(text.contains("Type: text -> varchar(100)"), "{text}");
        assert!(text.contains("Nullability: NOT NULL -> NULL"), "{text}");
        assert!(text.contains("Default: None -> Some(\"''\")"), "{text}");
        assert!(text.contains("comment on Column"), "{text}");
        assert_eq!(d.len(), 5, "{text}");
        let back = diff(&b, &a);
        assert!(back.to_string().contains("drop column public.users.name"));
    }

    #[test]
    fn enum_values_appended_or_rebuilt() {
        let a = build(Schema::builder().enum_type(EnumType::new("mood", ["ok", "sad"])));
        let b = build(Schema::builder().enum_type(EnumType::new("mood", ["meh", "ok", "happy", "sad", "mad"])));
        let d = diff(&a, &b);
        assert_eq!(
            d.changes,
            vec![
                Change::AddEnumValue { name: QualifiedName::public("mood"), value: "meh".into(), position: EnumPosition::Before("ok".into()) },
                Change::AddEnumValue { name: QualifiedName::public("mood"), value: "happy".into(), position: EnumPosition::After("ok".into()) },
                Change::AddEnumValue { name: QualifiedName::public("mood"), value: "mad".into(), position: EnumPosition::End },
            ]
        );
        let c = build(Schema::builder().enum_type(EnumType::new("mood", ["sad", "ok"])));
        assert!(matches!(diff(&a, &c).changes[..], [Change::RecreateEnum { .. }]));
    }

    #[test]
    fn constraints_indexes_and_grants() {
        let a = build(
            Schema::builder()
                .add_table(users().index(Index::on(["email"])))
                .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["reader"])),
        );
        let b = build(
            Schema::builder()
                .add_table(users().index(Index::on(["email"]).unique()).check(CheckConstraint::new("length(email) > 3")))
                .grant(Grant::new([Privilege::Select, Privilege::Insert], GrantTarget::Table { table: QualifiedName::public("users"), columns: vec![] }, ["reader"])),
        );
        let text = diff(&a, &b).to_string();
        assert!(text.contains("drop index idx_users_email"), "{text}");
        assert!(text.contains("create index idx_users_email"), "{text}");
        assert!(text.contains("add constraint users_check"), "{text}");
        assert!(text.contains("grant INSERT on table public.users to reader"), "{text}");
        assert!(!text.contains("revoke"), "{text}");
    }

    #[test]
    fn views_come_in_dependency_order() {
        let t = users();
        let v = |name: &str, dep: &str| View::new(QualifiedName::public(name), format!("SELECT * FROM public.{dep}")).depends_on(QualifiedName::public(dep));
        let a = build(Schema::builder().add_table(t.clone()));
        let b = build(Schema::builder().add_table(t).view(v("a_top", "m_mid")).view(v("m_mid", "z_base")).view(v("z_base", "users")));
        let created: Vec<String> = diff(&a, &b).changes.iter().filter_map(|c| match c { Change::CreateView(v) => Some(v.name.name.clone()), _ => None }).collect();
        assert_eq!(created, ["z_base", "m_mid", "a_top"]);
        let dropped: Vec<String> = diff(&b, &a).changes.iter().filter_map(|c| match c { Change::DropView(v) => Some(v.name.name.clone()), _ => None }).collect();
        assert_eq!(dropped, ["a_top", "m_mid", "z_base"]);
    }

    /// A list-partitioned table with a policy, RLS per `rls`, and the given
    /// partitions (name, value) plus a default partition.
    fn tenant_logs(name: &str, rls: Option<bool>, parts: &[(&str, &str)]) -> Table {
        let mut p = Partitioning::list("region").with_default();
        for (part, value) in parts {
            p = p.values(*part, [*value]);
        }
        let mut t = Table::new(name)
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("region", SqlType::Text))
            .primary_key(["id", "region"])
            .partition_by(p)
            .policy(Policy::new("own").using("true"));
        if let Some(force) = rls {
            t = t.row_level_security(force);
        }
        t
    }

    fn rls_changes(d: &SchemaDiff) -> Vec<(String, RowLevelSecurity, RowLevelSecurity)> {
        d.changes
            .iter()
            .filter_map(|c| match c {
                Change::SetRowLevelSecurity { table, from, to } => Some((table.name.clone(), *from, *to)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn partitions_follow_their_parents_row_level_security() {
        let off = RowLevelSecurity::default();
        let on = RowLevelSecurity { enabled: true, forced: false };
        let forced = RowLevelSecurity { enabled: true, forced: true };
        let schema = |rls, parts: &[(&str, &str)]| build(Schema::builder().add_table(tenant_logs("logs", rls, parts)));
        let two = [("logs_eu", "'eu'"), ("logs_us", "'us'")];

        // A new table: its partitions get the parent's, the default one too.
        let d = diff(&build(Schema::builder()), &schema(Some(true), &two));
        assert_eq!(
            rls_changes(&d),
            [("logs".into(), off, forced), ("logs_eu".into(), off, forced), ("logs_us".into(), off, forced), ("logs_default".into(), off, forced)]
        );
        // Enabled on an existing table, then forced.
        let d = diff(&schema(None, &two), &schema(Some(false), &two));
        assert_eq!(rls_changes(&d), [("logs".into(), off, on), ("logs_eu".into(), off, on), ("logs_us".into(), off, on), ("logs_default".into(), off, on)]);
        let d = diff(&schema(Some(false), &two), &schema(Some(true), &two));
        assert_eq!(rls_changes(&d).len(), 4, "{d}");
        assert_eq!(rls_changes(&diff(&schema(Some(true), &two), &schema(None, &two))).len(), 4, "disabled on all of them");
        // Partitions added (or created again with other bounds) to a table with RLS get it; the others already have it.
        let d = diff(&schema(Some(true), &two), &schema(Some(true), &[("logs_eu", "'eu'"), ("logs_us", "'ca'"), ("logs_uk", "'uk'")]));
        assert_eq!(rls_changes(&d), [("logs_us".into(), off, forced), ("logs_uk".into(), off, forced)]);
        let no_default = |rls| {
            let mut t = tenant_logs("logs", rls, &two);
            t.partitioning.as_mut().unwrap().default_partition = false;
            build(Schema::builder().add_table(t))
        };
        assert_eq!(rls_changes(&diff(&no_default(Some(true)), &schema(Some(true), &two))), [("logs_default".into(), off, forced)]);
        assert!(rls_changes(&diff(&no_default(None), &schema(None, &two))).is_empty());
        assert!(diff(&schema(Some(true), &two), &schema(Some(true), &two)).is_empty());

        // The plan runs them after the partitions exist, and undoes them.
        let plan = crate::migrate::plan(&diff(&schema(None, &two), &schema(Some(true), &[("logs_eu", "'eu'"), ("logs_us", "'us'"), ("logs_uk", "'uk'")])), &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let up = plan.up_script();
        let at = |needle: &str| up.find(needle).unwrap_or_else(|| panic!("{needle} missing:\n{up}"));
        for part in ["logs", "logs_eu", "logs_us", "logs_uk", "logs_default"] {
            at(&format!("ALTER TABLE public.{part} ENABLE ROW LEVEL SECURITY;\nALTER TABLE public.{part} FORCE ROW LEVEL SECURITY;"));
        }
        assert!(at("CREATE TABLE public.logs_uk PARTITION OF") < at("ALTER TABLE public.logs_uk ENABLE ROW LEVEL SECURITY"), "{up}");
        let down = plan.down_script().unwrap();
        assert!(down.contains("ALTER TABLE public.logs_eu DISABLE ROW LEVEL SECURITY;"), "{down}");
    }

    #[test]
    fn a_renamed_partitioned_table_keeps_its_partitions_row_level_security() {
        let a = build(Schema::builder().add_table(tenant_logs("logs", Some(true), &[("logs_eu", "'eu'")])));
        let mut renamed = tenant_logs("events", Some(true), &[("logs_eu", "'eu'")]);
        renamed.renamed_from = Some(QualifiedName::public("logs"));
        let b = build(Schema::builder().add_table(renamed));
        let options = crate::migrate::PlanOptions::default().with_declared_renames(&b);
        let plan = crate::migrate::plan(&diff(&a, &b), &options).unwrap_or_else(|e| panic!("{e}"));
        let up = plan.up_script();
        assert!(up.contains("ALTER TABLE public.logs RENAME TO events"), "{up}");
        // logs_eu is kept with its RLS; the default partition is renamed (to events_default) and keeps its RLS.
        assert!(up.contains("ALTER TABLE public.logs_default RENAME TO events_default"), "{up}");
        assert!(!up.contains("ROW LEVEL SECURITY"), "nothing to change:\n{up}");
        assert!(!plan.down_script().unwrap().contains("ROW LEVEL SECURITY"), "the undo must not disable it");
    }

    #[test]
    fn signatures_drop_defaults() {
        assert_eq!(function_signature("parent regclass, period text, ahead integer DEFAULT 3"), "parent regclass, period text, ahead integer");
        assert_eq!(function_signature("a numeric(10, 2) = 1, b text DEFAULT 'x, y'"), "a numeric(10, 2), b text");
    }
}
