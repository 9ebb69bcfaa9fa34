//! Every way a schema graph can be invalid, reported all at once by `build()`.

use std::fmt;

use crate::ident::IdentifierProblem;
use crate::model::QualifiedName;
use crate::types::SqlType;

/// One problem found while validating a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaError {
    /// A name PostgreSQL cannot store as written.
    InvalidIdentifier {
        /// What the name belongs to (`column public.users.email`).
        object: String,
        /// The name.
        name: String,
        /// Why it is invalid.
        problem: IdentifierProblem,
        /// Whether pgarchitect chose the name (a constraint or index left unnamed).
        generated: bool,
    },
    /// Text (a comment, default, expression) containing a NUL character.
    NulInText {
        /// Where the text is.
        object: String,
    },
    /// A SQL type string that could not be parsed.
    InvalidType {
        /// Where the type is.
        object: String,
        /// The parser's message.
        message: String,
    },
    /// Two tables with one name.
    DuplicateTable(QualifiedName),
    /// Two relations (tables, indexes, key and unique constraints' indexes) with one
    /// name in one schema: PostgreSQL keeps them all in `pg_class`.
    DuplicateRelationName {
        /// The shared name.
        name: QualifiedName,
        /// The first object using it.
        first: String,
        /// The second object using it.
        second: String,
    },
    /// Two types with one name in one schema (every table also defines a row type).
    DuplicateTypeName {
        /// The shared name.
        name: QualifiedName,
        /// The first object.
        first: String,
        /// The second object.
        second: String,
    },
    /// Two columns with one name.
    DuplicateColumn {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// Two constraints with one name on one table.
    DuplicateConstraint {
        /// The table.
        table: QualifiedName,
        /// The name.
        name: String,
    },
    /// A table without a primary key.
    MissingPrimaryKey(QualifiedName),
    /// A reference to a column the table does not have.
    UnknownColumn {
        /// The table.
        table: QualifiedName,
        /// The missing column.
        column: String,
        /// What refers to it.
        used_by: String,
    },
    /// A column listed twice in one key.
    RepeatedKeyColumn {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
        /// The key.
        used_by: String,
    },
    /// A key or index with no columns.
    EmptyKey {
        /// The table.
        table: QualifiedName,
        /// The key.
        used_by: String,
    },
    /// A nullable column in a primary key (PostgreSQL would silently make it NOT NULL).
    NullablePrimaryKeyColumn {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// A foreign key to a table that is not in the schema.
    UnknownReferencedTable {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// The missing table.
        referenced: QualifiedName,
    },
    /// A foreign key to a column the referenced table does not have.
    UnknownReferencedColumn {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// The referenced table.
        referenced: QualifiedName,
        /// The missing column.
        column: String,
    },
    /// A foreign key whose column lists differ in length.
    ForeignKeyArity {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// Number of referencing columns.
        columns: usize,
        /// Number of referenced columns.
        referenced_columns: usize,
    },
    /// A foreign key column whose type differs from the referenced column's.
    ForeignKeyTypeMismatch {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// The referencing column.
        column: String,
        /// Its type.
        column_type: SqlType,
        /// The referenced table and column.
        referenced: String,
        /// Its type.
        referenced_type: SqlType,
    },
    /// A foreign key whose referenced columns are not a primary key or unique constraint.
    ForeignKeyTargetNotUnique {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// The referenced table.
        referenced: QualifiedName,
        /// The referenced columns.
        columns: Vec<String>,
    },
    /// An identity column whose type is not smallint, integer or bigint.
    IdentityNotInteger {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
        /// Its type.
        ty: SqlType,
    },
    /// Two column options that cannot be combined.
    ConflictingColumnOptions {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
        /// One option.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// An index option its access method does not support.
    UnsupportedIndexOption {
        /// The table.
        table: QualifiedName,
        /// The index.
        index: String,
        /// The method.
        method: &'static str,
        /// The option.
        option: &'static str,
    },
    /// An enum label listed twice.
    DuplicateEnumLabel {
        /// The enum.
        name: QualifiedName,
        /// The label.
        label: String,
    },
    /// Two different definitions of one enum.
    ConflictingEnum(QualifiedName),
    /// Two objects of one kind with one name in one scope (policies or triggers of a
    /// table, functions with the same arguments, roles).
    DuplicateName {
        /// The kind (`policy`, `trigger`, `function`, `role`).
        kind: &'static str,
        /// Where names must be unique.
        scope: String,
        /// The name.
        name: String,
    },
    /// A primary key or unique constraint (or unique index) of a partitioned table
    /// that does not contain every partition key column: PostgreSQL refuses it,
    /// because uniqueness can only be enforced within each partition.
    PartitionKeyNotInUniqueKey {
        /// The table.
        table: QualifiedName,
        /// The constraint or index.
        constraint: String,
        /// The partition key columns it lacks.
        missing: Vec<String>,
    },
    /// A partition declaration PostgreSQL would reject.
    InvalidPartitioning {
        /// The table.
        table: QualifiedName,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// A policy clause not allowed for its command.
    InvalidPolicy {
        /// The table.
        table: QualifiedName,
        /// The policy.
        policy: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A trigger PostgreSQL would reject.
    InvalidTrigger {
        /// The table.
        table: QualifiedName,
        /// The trigger.
        trigger: String,
        /// What is wrong.
        problem: String,
    },
    /// A reference to a table, view or function that is not in the schema.
    UnknownObject {
        /// What refers to it.
        used_by: String,
        /// The missing object.
        name: QualifiedName,
    },
    /// A column named like one of the system columns every table has
    /// (`tableoid`, `xmin`, `cmin`, `xmax`, `cmax`, `ctid`).
    SystemColumnName {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// A unique constraint with the same columns, in the same order and with the
    /// same `NULLS NOT DISTINCT`, as the primary key or an earlier unique
    /// constraint: `CREATE TABLE` silently drops it, so it would never exist.
    DuplicateUniqueConstraint {
        /// The table.
        table: QualifiedName,
        /// The redundant constraint.
        constraint: String,
        /// The key it repeats.
        duplicate_of: String,
    },
    /// A foreign key on a column type whose referential checks PostgreSQL 15
    /// cannot run: arrays of `varchar(n)`, `char(n)` or `numeric(p,s)`.
    UnsupportedForeignKeyType {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// The column (of this table or the referenced one).
        column: String,
        /// Its type.
        ty: SqlType,
    },
    /// A referential action PostgreSQL refuses: a column list on `ON DELETE`
    /// that is not `SET NULL` / `SET DEFAULT`, or that names a column outside the key.
    InvalidForeignKeyAction {
        /// The referencing table.
        table: QualifiedName,
        /// The foreign key.
        constraint: String,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// An expression PostgreSQL refuses where it is used (a generated column
    /// reading another, a function that is not immutable in an index, a subquery
    /// in a check, a default that is not a label of its enum).
    InvalidExpression {
        /// Where the expression is (`generated column public.t.total`).
        object: String,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// Functions and views that need each other created first: a function
    /// reading a view (`depends_on`) or using its row type, a view calling
    /// a function (a word of its query), a view reading a view; no order
    /// creates them.
    DependencyCycle {
        /// The objects around the cycle (`view public.w`, `function
        /// public.f(integer)`), each needing the next, the last the first.
        objects: Vec<String>,
    },
    /// A privilege that does not apply to what a grant (or default privileges) is on.
    InvalidGrant {
        /// The grant (`GRANT ... ON TABLE public.users`).
        grant: String,
        /// What is wrong and how to fix it.
        problem: String,
    },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SchemaError::*;
        match self {
            InvalidIdentifier { object, name, problem, generated: false } => {
                write!(f, "the name `{name}` of {object} {problem}; choose a shorter name")
            }
            InvalidIdentifier { object, name, problem, generated: true } => write!(
                f,
                "the generated name `{name}` of {object} {problem}; give it an explicit `name`"
            ),
            NulInText { object } => write!(f, "{object} contains a NUL character, which PostgreSQL cannot store"),
            InvalidType { object, message } => write!(f, "{object}: {message}"),
            DuplicateTable(name) => write!(f, "table {name} is declared twice"),
            DuplicateRelationName { name, first, second } => write!(
                f,
                "{first} and {second} are both named {name}; tables, views, indexes, sequences and the indexes behind keys share one namespace per schema, so rename one"
            ),
            DuplicateTypeName { name, first, second } => write!(
                f,
                "{first} and {second} both define the type {name} (every table defines a row type of its own name); rename one"
            ),
            DuplicateColumn { table, column } => write!(f, "column `{column}` is declared twice in table {table}"),
            DuplicateConstraint { table, name } => {
                write!(f, "two constraints of table {table} are named `{name}`; give one another name")
            }
            MissingPrimaryKey(table) => write!(
                f,
                "table {table} has no primary key; mark a column `primary_key` or declare a composite key"
            ),
            UnknownColumn { table, column, used_by } => {
                write!(f, "{used_by} uses column `{column}`, which table {table} does not have")
            }
            RepeatedKeyColumn { table, column, used_by } => {
                write!(f, "{used_by} on table {table} lists column `{column}` twice")
            }
            EmptyKey { table, used_by } => write!(f, "{used_by} on table {table} has no columns"),
            NullablePrimaryKeyColumn { table, column } => write!(
                f,
                "primary key column {table}.{column} is nullable; PostgreSQL would silently make it NOT NULL, so declare it NOT NULL (not `Option<T>`)"
            ),
            UnknownReferencedTable { table, constraint, referenced } => write!(
                f,
                "foreign key `{constraint}` on {table} references table {referenced}, which is not in the schema; add it to the builder"
            ),
            UnknownReferencedColumn { table, constraint, referenced, column } => write!(
                f,
                "foreign key `{constraint}` on {table} references column `{column}`, which table {referenced} does not have"
            ),
            ForeignKeyArity { table, constraint, columns, referenced_columns } => write!(
                f,
                "foreign key `{constraint}` on {table} has {columns} column(s) but references {referenced_columns}"
            ),
            ForeignKeyTypeMismatch { table, constraint, column, column_type, referenced, referenced_type } => write!(
                f,
                "foreign key `{constraint}` on {table}: column `{column}` is {column_type} but {referenced} is {referenced_type}; make the types equal"
            ),
            ForeignKeyTargetNotUnique { table, constraint, referenced, columns } => write!(
                f,
                "foreign key `{constraint}` on {table} references ({}) of {referenced}, which is neither its primary key nor a unique constraint",
                columns.join(", ")
            ),
            IdentityNotInteger { table, column, ty } => write!(
                f,
                "identity column {table}.{column} has type {ty}; identity needs smallint, integer or bigint"
            ),
            ConflictingColumnOptions { table, column, first, second } => {
                write!(f, "column {table}.{column} cannot be both {first} and {second}; keep one")
            }
            UnsupportedIndexOption { table, index, method, option } => {
                write!(f, "index `{index}` on {table}: access method {method} does not support {option}")
            }
            DuplicateEnumLabel { name, label } => write!(f, "enum {name} lists the label '{label}' twice"),
            ConflictingEnum(name) => write!(f, "enum {name} is declared twice with different labels"),
            DuplicateName { kind, scope, name } => write!(f, "two {kind}s named `{name}` in {scope}; rename one"),
            PartitionKeyNotInUniqueKey { table, constraint, missing } => write!(
                f,
                "`{constraint}` on partitioned table {table} lacks the partition key column(s) {}: PostgreSQL can only enforce uniqueness within a partition, so add them to the key (e.g. `primary_key(id, {})`)",
                missing.join(", "),
                missing.join(", ")
            ),
            InvalidPartitioning { table, problem } => write!(f, "partitioning of {table}: {problem}"),
            InvalidPolicy { table, policy, problem } => write!(f, "policy `{policy}` on {table}: {problem}"),
            InvalidTrigger { table, trigger, problem } => write!(f, "trigger `{trigger}` on {table}: {problem}"),
            UnknownObject { used_by, name } => write!(f, "{used_by} refers to {name}, which is not in the schema"),
            SystemColumnName { table, column } => write!(
                f,
                "column `{column}` of table {table} has the name of a PostgreSQL system column (tableoid, xmin, cmin, xmax, cmax, ctid), which every table already has; rename it"
            ),
            DuplicateUniqueConstraint { table, constraint, duplicate_of } => write!(
                f,
                "unique constraint `{constraint}` on {table} repeats `{duplicate_of}` (same columns in the same order): PostgreSQL would silently drop it, so remove it"
            ),
            UnsupportedForeignKeyType { table, constraint, column, ty } => write!(
                f,
                "foreign key `{constraint}` on {table}: column `{column}` is {ty}, and PostgreSQL 15 cannot check foreign keys on arrays of varchar(n), char(n) or numeric(p,s); use text[], varchar[] or numeric[] on both sides"
            ),
            InvalidForeignKeyAction { table, constraint, problem } => write!(f, "foreign key `{constraint}` on {table}: {problem}"),
            InvalidExpression { object, problem } => write!(f, "{object}: {problem}"),
            DependencyCycle { objects } => {
                let first = objects.first().map_or("", String::as_str);
                write!(
                    f,
                    "{} -> {first}: each needs the next created first (a table or view in a function's depends_on or its signature's row types, a function a view's query or a SQL function's body calls, a view in a view's depends_on), so PostgreSQL can create none of them; remove one of these dependencies",
                    objects.join(" -> ")
                )
            }
            InvalidGrant { grant, problem } => write!(f, "{grant}: {problem}"),
        }
    }
}

impl std::error::Error for SchemaError {}

/// Every problem `build()` found, in a stable order. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaErrors(pub Vec<SchemaError>);

impl SchemaErrors {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, SchemaError> {
        self.0.iter()
    }
}

impl fmt::Display for SchemaErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "the schema has {n} problem{}:", if n == 1 { "" } else { "s" })?;
        for error in &self.0 {
            write!(f, "\n  - {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaErrors {}

impl<'a> IntoIterator for &'a SchemaErrors {
    type Item = &'a SchemaError;
    type IntoIter = std::slice::Iter<'a, SchemaError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
