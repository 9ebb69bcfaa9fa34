//! [`plan`]: a [`SchemaDiff`] as ordered steps, each with the lock it takes, its
//! hazards, its timeouts and its reverse, zero-downtime by default.
//!
//! - Indexes on existing tables are built and dropped `CONCURRENTLY`, each in its
//!   own non-transactional step; unique and primary keys are built the same way
//!   and attached with `ADD CONSTRAINT ... USING INDEX`.
//! - Checks and foreign keys are added `NOT VALID`, then validated in a later
//!   step (which takes only a `SHARE UPDATE EXCLUSIVE` lock).
//!   A foreign key changed in place (same columns, referenced table and
//!   columns) is dropped and added again in one `ALTER TABLE`, so one of the
//!   two is enforced at every moment.
//! - `NOT NULL` is enforced through `CHECK (c IS NOT NULL) NOT VALID`, `VALIDATE`,
//!   `SET NOT NULL` (which uses the valid check instead of scanning) and dropping
//!   the check. A new `NOT NULL` column without a constant default is added
//!   nullable, backfilled in batches (one transaction per batch), then enforced so.
//! - Enum labels are appended (`ADD VALUE IF NOT EXISTS`), each committed before use.
//! - Every step sets `lock_timeout`, and `statement_timeout` (unlimited for index
//!   builds, validations and backfills, which are expected to take time).
//! - Steps come in two phases: [`Phase::Expand`] before the new code is deployed
//!   (additions, relaxations), [`Phase::Contract`] after (drops, revokes).
//! - A trigger whose definition changes (timing, events, `UPDATE OF`, row or
//!   statement, `WHEN`, function, arguments) is replaced in place with
//!   `CREATE OR REPLACE TRIGGER`, in one step after the functions and columns
//!   it needs and before the contract phase drops the old ones, so exactly one
//!   version of it fires at every moment; its comment is kept. On a
//!   partitioned table a row trigger becoming a statement trigger is dropped
//!   and created in one transaction instead (PostgreSQL 15 would leave the row
//!   triggers it cloned on the partitions firing).
//! - A column whose type changes while triggers name it in `UPDATE OF` or in
//!   their `WHEN` condition (PostgreSQL refuses the type change then, 0A000)
//!   has those triggers dropped just before and created again just after, with
//!   their comments, in the same step (one transaction), so none is missing
//!   outside it; a trigger whose definition changes in the plan takes its new
//!   definition there instead of being replaced by a step of its own.
//! - Likewise for the row-level security policies whose `USING` or `WITH
//!   CHECK` expression names the column, on its table or, through a subquery,
//!   on another table (0A000 too): dropped just before and created again just
//!   after in the same step, with their comments; a policy altered in the plan
//!   takes its new form there. Row-level security stays enabled throughout:
//!   in between, the table denies more rows, never fewer, and no other
//!   session sees it before the step commits. A generated column whose
//!   expression changes is dropped and added again, which PostgreSQL refuses
//!   under the same triggers and policies and under other tables' foreign
//!   keys referencing it (2BP01), and which drops the indexes on it (partial
//!   ones naming it too), the constraints naming it, its comment and its
//!   privileges: the step drops and creates them all again around it, in
//!   its one transaction (indexes built there, under the lock the rewrite
//!   holds anyway, not concurrently later: no moment lacks them).
//! - A definition from before the plan that a step creates after the column
//!   renames (a down step, which runs before they are undone; the step
//!   around a type change) may name renamed columns by their old names,
//!   which no longer exist (42703): a trigger's `WHEN`, a policy, a view, an
//!   index's expressions or predicate. The step renames them back, creates
//!   it, and renames them forward again, in its one transaction, and
//!   PostgreSQL rewrites it to the new names itself (so an index dropped
//!   after the deploy whose text names them is built again in the down step
//!   in that transaction, not concurrently; one naming them as key columns
//!   only is built concurrently by their new names).
//! - Likewise for the views (and materialized views) reading a table whose
//!   column type changes (0A000 too), and the views reading those: dropped
//!   just before, those reading others first, and created again just after
//!   in their new form, those read by others first, with their comments,
//!   indexes and privileges, in the same step, so no reader ever finds one
//!   missing (42P01); readers wait for the step instead. That includes a
//!   column whose type changes across a rename (the diff saw a drop and an
//!   add); a view the plan drops that reads them is dropped in that step.
//! - A view whose query changes, or a materialized view (no `OR REPLACE`;
//!   `CREATE OR REPLACE VIEW` fails with 42P16 unless columns are only
//!   appended, which the query text does not tell), is dropped and created
//!   again the same way in one step, with the views reading it. The
//!   row-level security policies reading a rebuilt view in a subquery
//!   (which block its drop, 2BP01) are dropped first and created again last
//!   in that step. A materialized view is filled and indexed under the lock:
//!   that step has no statement timeout (`LongLock`, `IndexBuild`).
//! - A declared column rename whose old name is still a column after the
//!   migration (a new column takes it) or whose new name is one already
//!   before it (names swapped or chained) is refused: the diff matches
//!   columns by name and cannot tell them apart. Rename first, in a
//!   migration of its own, then reuse the name.
//! - Every step reports, besides its strongest lock, each relation it locks
//!   and in which mode ([`Step::locks`]): the other tables whose policies a
//!   type change or a view rebuild creates again, the views it rebuilds, the partitions an
//!   `ALTER TABLE` recurses to, the table a foreign key references (the
//!   tables on both sides of the foreign keys a generated column's rebuild
//!   drops and adds again, the tables with a column of a domain whose new
//!   check or `NOT NULL` is validated). Where the plan cannot tell which
//!   relations those are (materialized views with such a column), the docs
//!   of [`Step::locks`] say so. Such a validation, which PostgreSQL refuses
//!   while a column holds arrays of the domain (0A000), is refused at
//!   planning time ([`PlanError::Unsupported`]).
//! - Destructive changes (dropping a table, column, partition, schema, extension
//!   or role; a narrowing type change) are refused unless
//!   [`PlanOptions::allow_destructive`] is set. A dropped partition whose bound
//!   overlaps an added one's (a month replaced by its quarter) is dropped in
//!   the expand phase, before the new one is created, which PostgreSQL would
//!   refuse (42P17) while the old one is attached; its rows are lost.
//! - Renames are declared in [`PlanOptions::renames`]: the matching drop and add
//!   become a rename, so data is kept. Constraints and indexes named after a
//!   renamed table or column (`posts_pkey`, `idx_posts_user_id`) are renamed
//!   with it (`RENAME CONSTRAINT`, `ALTER INDEX ... RENAME TO`), not dropped and
//!   built again; foreign keys of other tables follow the table they reference.
//!   Triggers named after the table (`posts_set_updated_at`, `posts_audit`) are
//!   renamed too (`ALTER TRIGGER ... RENAME TO`), so they never stop firing, and
//!   so are partitions named after it (`posts_2026_01`, `posts_p0`,
//!   `posts_default`) whose bounds are unchanged (`ALTER TABLE ... RENAME TO`),
//!   so their rows stay where they are. A table moved to another schema
//!   (`ALTER TABLE ... SET SCHEMA`, which takes its indexes, constraints,
//!   identity and serial sequences and row type along, but not its partitions)
//!   has each partition moved after it (`ALTER TABLE old.logs_2026_01 SET
//!   SCHEMA new`), then renamed if its name follows the table's.
//!   Identity and serial sequences keep their names (the graph does not hold
//!   them), and so do the partitions' own indexes (`logs_2026_01_at_idx`,
//!   named by PostgreSQL); introspection reads both under the names they
//!   have ([`crate::Schema::read_relations`]), and names are checked against
//!   those, not against `{table}_{column}_seq` of a table renamed since.
//!   A relation this plan drops that holds a name these renames and moves take
//!   (in the new schema: the table's and each partition's old names, then
//!   their new ones, and the names of the indexes and sequences that move
//!   with them) is dropped first, just before them, in the expand phase,
//!   so the partitions keep their rows and the default one its expected name.
//!   One it keeps (a table, partition, view, index or sequence, or an enum or
//!   domain for the row type) refuses the plan ([`PlanError::NameTaken`]):
//!   PostgreSQL would fail with 42P07 and roll the migration back.
//! - Names that creations take (a table with its keys, indexes and
//!   partitions, a partition, an index, a key, a view) are checked too: one
//!   an index this plan drops holds (on another table, or one a key of its
//!   name replaces) is freed first, the drop running just before the
//!   creation in the expand phase; one a relation dropped only after the
//!   deploy holds, or one a relation the graph does not hold keeps (a
//!   sequence, a partition's index), refuses the plan. An index built
//!   partition by partition names each partition's copy
//!   `{partition}_{index}`, or `{partition}_{index}1` (and so on) where that
//!   name is held.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::time::Duration;

use super::diff::{diff_column, diff_table, Change, ColumnChange, ColumnDependents, CommentTarget, Constraint, GrantItem, GrantObject, NameHolder, NameKind, SchemaDiff};
use super::sql;
use crate::depend::{calls_function, uses_row_type};
use crate::ident::{Ident, Literal};
use crate::model::{Column, Function, Index, IndexTarget, Policy, QualifiedName, ReferentialAction, Trigger, TriggerEvent, UniqueConstraint, View};
use crate::types::SqlType;

/// When a step runs relative to deploying the code that needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Before the deploy: additions and relaxations old code tolerates.
    Expand,
    /// After the deploy: drops and revokes old code may still need.
    Contract,
}

/// The strongest table lock a step takes (PostgreSQL's lock modes, weakest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockLevel {
    /// Catalog only (grants, new types and functions), or no relation
    /// another session can see yet (a table the step creates).
    None,
    /// `ROW EXCLUSIVE`: what writes take; reads and writes continue (a batched backfill).
    RowExclusive,
    /// `SHARE UPDATE EXCLUSIVE`: reads and writes continue (concurrent index builds, validation).
    ShareUpdateExclusive,
    /// `SHARE`: blocks writes (a plain `CREATE INDEX`).
    Share,
    /// `SHARE ROW EXCLUSIVE`: blocks writes (foreign keys, triggers).
    ShareRowExclusive,
    /// `ACCESS EXCLUSIVE`: blocks everything, briefly unless a hazard says otherwise.
    AccessExclusive,
}

/// What can go wrong with a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hazard {
    /// Rows or values are lost (dropping a table, column or partition, narrowing a type).
    DataLoss,
    /// The table is rewritten (type change, volatile default, generated column).
    TableRewrite,
    /// The lock is held for as long as the table takes to scan or rewrite (or a
    /// materialized view's query takes to fill it again).
    LongLock,
    /// An index is built (CPU and I/O; `CONCURRENTLY` steps can leave an INVALID index on failure).
    IndexBuild,
    /// Existing rows are scanned to validate a constraint.
    ValidationScan,
    /// Who may read or write what changes (grants, RLS, policies, roles).
    AuthorizationChange,
    /// Every row is updated in batches (backfill of a new `NOT NULL` column).
    Backfill,
    /// A name old code uses goes away (a rename).
    BreaksOldCode,
}

/// A declared rename, so data is kept instead of dropped and re-added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rename {
    /// A table renamed (same schema, or moved). Its constraints, indexes and
    /// triggers are renamed with it when their names follow the table's
    /// (`posts_pkey` to `articles_pkey`, `posts_audit` to `articles_audit`);
    /// their definitions are kept. Its partitions of unchanged bounds are
    /// renamed too (`posts_2026_01` to `articles_2026_01`, `posts_default` to
    /// `articles_default`), and moved with it to its new schema, if it moves.
    Table {
        /// Old name.
        from: QualifiedName,
        /// New name.
        to: QualifiedName,
    },
    /// A column renamed.
    Column {
        /// The table (its new name, if it is renamed too).
        table: QualifiedName,
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
}

impl Rename {
    /// The renames `schema` declares with `renamed_from` on its tables and columns.
    pub fn declared_in(schema: &crate::Schema) -> Vec<Rename> {
        let mut out = Vec::new();
        for table in schema.tables() {
            if let Some(from) = &table.renamed_from {
                let mut from = from.clone();
                if from.schema.is_empty() {
                    from.schema = table.name.schema.clone();
                }
                out.push(Rename::Table { from, to: table.name.clone() });
            }
            for column in &table.columns {
                if let Some(from) = &column.renamed_from {
                    out.push(Rename::Column { table: table.name.clone(), from: from.clone(), to: column.name.clone() });
                }
            }
        }
        out
    }
}

/// How to fill a new or newly `NOT NULL` column's existing rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backfill {
    /// The table.
    pub table: QualifiedName,
    /// The column.
    pub column: String,
    /// A SQL expression over the row (`lower(email)`, `0`).
    pub expression: String,
}

/// How to plan.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// Allow destructive changes (drops of tables, columns, partitions, schemas,
    /// extensions, roles; narrowing type changes). Off by default: they are refused.
    pub allow_destructive: bool,
    /// Declared renames.
    pub renames: Vec<Rename>,
    /// Values for existing rows of columns that become `NOT NULL` (default: the column default).
    pub backfills: Vec<Backfill>,
    /// `lock_timeout` of every step.
    pub lock_timeout: Duration,
    /// `statement_timeout` of steps expected to be quick.
    pub statement_timeout: Duration,
    /// Build and drop indexes `CONCURRENTLY` (on by default).
    pub concurrently: bool,
    /// Rows per backfill batch.
    pub batch_size: u32,
    /// The zone whose wall clock a `timestamp` column's values are when it
    /// becomes `timestamptz` (and in whose wall clock a `timestamptz` column
    /// that becomes `timestamp` keeps its instants): the step converts with
    /// `USING col AT TIME ZONE '<zone>'`, and its down step back the same
    /// way, whatever the migrating session's `TimeZone` (which a plain cast
    /// would use). A zone name PostgreSQL knows (`Europe/Paris`; a bare
    /// offset such as `+02` is read POSIX-style, west of Greenwich). Up then
    /// down gives the values back, except wall-clock times the zone skips at
    /// a daylight-saving change (02:30 comes back as 03:30). `None` (the
    /// default): `UTC`, said in the step's description.
    pub timestamp_zone: Option<String>,
}

impl PlanOptions {
    /// Adds the renames the target schema declares (`renamed_from`).
    pub fn with_declared_renames(mut self, target: &crate::Schema) -> Self {
        for rename in Rename::declared_in(target) {
            if !self.renames.contains(&rename) {
                self.renames.push(rename);
            }
        }
        self
    }
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            allow_destructive: false,
            renames: Vec::new(),
            backfills: Vec::new(),
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(60),
            concurrently: true,
            batch_size: 1000,
            timestamp_zone: None,
        }
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Expand or contract.
    pub phase: Phase,
    /// What it does.
    pub description: String,
    /// The statements, in order.
    pub sql: Vec<String>,
    /// Whether the statements run in a transaction (`false` for `CONCURRENTLY`,
    /// batched backfills and enum labels, which run one by one in autocommit).
    pub transactional: bool,
    /// The strongest lock taken: the strongest of [`Step::locks`], or
    /// [`LockLevel::None`] when it locks no relation (catalog only).
    pub lock: LockLevel,
    /// Every existing relation (table, partition, view, materialized view)
    /// its statements lock, by the name it has when the step starts, with
    /// the strongest mode taken on it, in name order. Beyond the relation a
    /// step changes, that includes the other tables whose policies a column
    /// type change or a view rebuild drops and creates again, the views it rebuilds, the
    /// partitions a statement on a partitioned table recurses to (those the
    /// diff knows of, on either side: one the plan adds later may be listed
    /// before it exists), the table a foreign key references (and, for a
    /// type change of a column of a foreign key, the table on its other
    /// side: PostgreSQL adds the key again; for a generated column's rebuild,
    /// the tables on both sides of the foreign keys it drops and adds again),
    /// the tables whose foreign keys reference a table a partition is added
    /// to (PostgreSQL adds the keys' triggers to the partition), the tables
    /// whose columns a step renames back and forth to create a definition
    /// under their old names, and the partitions of a dropped table. An
    /// index is listed only when the step locks it without its
    /// table (`ALTER INDEX ... RENAME`, the partitions' indexes an `ALTER
    /// INDEX ... ATTACH PARTITION` takes); a relation the step creates is not
    /// listed: no other session sees it before the step commits. Locks
    /// weaker than [`LockLevel::RowExclusive`] (`ACCESS SHARE` on the tables
    /// a view or policy reads), which block no reader or writer, are left
    /// out. These are the locks of `sql`; a step's `down` statements lock
    /// the same relations and those `sql` creates, not always in the same
    /// modes, and, where they create a definition under the columns' old
    /// names, the tables whose columns they rename (ACCESS EXCLUSIVE).
    ///
    /// Not listed, for the plan does not hold what would tell them: the
    /// materialized views with a column of a domain whose new check or `NOT
    /// NULL` is validated (SHARE while they are scanned, as the tables with
    /// such a column are, which are listed).
    pub locks: Vec<(QualifiedName, LockLevel)>,
    /// What can go wrong.
    pub hazards: Vec<Hazard>,
    /// `lock_timeout`.
    pub lock_timeout: Duration,
    /// `statement_timeout`; `None` for no limit.
    pub statement_timeout: Option<Duration>,
    /// The statements that undo it, or `None` if it cannot be undone.
    pub down: Option<Vec<String>>,
    /// Whether the undo statements run in a transaction.
    pub down_transactional: bool,
    /// Why it cannot be undone.
    pub irreversible: Option<String>,
    rank: (u8, u32),
    /// The view rebuild ([`ViewRebuild`]) this column step belongs in, by index.
    rebuild: Option<usize>,
}

impl Step {
    fn lock_relation(&mut self, relation: &QualifiedName, lock: LockLevel) {
        self.lock = self.lock.max(lock);
        match self.locks.binary_search_by(|(r, _)| r.cmp(relation)) {
            Ok(i) => self.locks[i].1 = self.locks[i].1.max(lock),
            Err(i) => self.locks.insert(i, (relation.clone(), lock)),
        }
    }

    /// The step as a script: its timeouts, then its statements.
    pub fn script(&self) -> String {
        self.render(&self.sql, self.transactional)
    }

    /// The undo script, if the step can be undone.
    pub fn down_script(&self) -> Option<String> {
        self.down.as_ref().map(|d| self.render(d, self.down_transactional))
    }

    fn render(&self, statements: &[String], transactional: bool) -> String {
        let mut out = String::new();
        let hazards: Vec<String> = self.hazards.iter().map(|h| format!("{h:?}")).collect();
        let _ = writeln!(out, "-- {} (lock: {:?}{}{})", self.description, self.lock, if hazards.is_empty() { "" } else { "; hazards: " }, hazards.join(", "));
        let local = if transactional { "LOCAL " } else { "" };
        let _ = writeln!(out, "SET {local}lock_timeout = '{}ms';", self.lock_timeout.as_millis());
        match self.statement_timeout {
            Some(t) => {
                let _ = writeln!(out, "SET {local}statement_timeout = '{}ms';", t.as_millis());
            }
            None => {
                let _ = writeln!(out, "SET {local}statement_timeout = 0;");
            }
        }
        for s in statements {
            let _ = writeln!(out, "{s}{}", crate::ddl::statement_end(s));
        }
        if !transactional {
            out.push_str("RESET lock_timeout;\nRESET statement_timeout;\n");
        }
        out
    }
}

/// The ordered steps of a migration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Steps in the order they run.
    pub steps: Vec<Step>,
}

impl Plan {
    /// No step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Every hazard of every step.
    pub fn hazards(&self) -> BTreeSet<Hazard> {
        self.steps.iter().flat_map(|s| s.hazards.iter().copied()).collect()
    }

    /// Whether every step can be undone.
    pub fn is_reversible(&self) -> bool {
        self.steps.iter().all(|s| s.down.is_some())
    }

    /// The steps of one phase.
    pub fn phase(&self, phase: Phase) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.phase == phase)
    }

    /// The whole plan as one script (for review: non-transactional steps must
    /// run outside a transaction, so run it with autocommit, not `psql -1`).
    pub fn up_script(&self) -> String {
        self.steps.iter().map(|s| s.script()).collect::<Vec<_>>().join("\n")
    }

    /// The undo script, last step first; `None` if some step cannot be undone.
    pub fn down_script(&self) -> Option<String> {
        let mut parts = Vec::new();
        for s in self.steps.iter().rev() {
            parts.push(s.down_script()?);
        }
        Some(parts.join("\n"))
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.up_script())
    }
}

/// A change the plan will not make.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanError {
    /// Destructive, and [`PlanOptions::allow_destructive`] is off.
    Refused {
        /// The change.
        change: String,
        /// Why it is destructive.
        hazard: Hazard,
    },
    /// A column becomes `NOT NULL` with no default and no [`Backfill`].
    MissingBackfill {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// Not planned automatically (rebuild it by hand).
    Unsupported {
        /// The change.
        change: String,
        /// Why.
        why: String,
    },
    /// A rename or move of a table or of its partitions (and of the indexes
    /// and sequences moving with them) to a name that a relation or type the
    /// plan keeps holds in the target schema, or a creation (or an index or
    /// key rename) taking a name that a relation the graph does not hold
    /// keeps (a sequence, a partition's index) or that a drop of the plan
    /// frees only after it: PostgreSQL would refuse it (42P07 `relation ...
    /// already exists`, or 42710 for the row type) and the migration would
    /// roll back.
    NameTaken {
        /// The rename, move or creation (`move partition logs_2026_01 of archive.events from schema public`).
        change: String,
        /// The name it needs.
        name: QualifiedName,
        /// What holds it (`table archive.logs_2026_01`).
        holder: String,
        /// What to do.
        remedy: String,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused { change, hazard } => write!(f, "refused ({hazard:?}): {change}; set PlanOptions::allow_destructive to allow it"),
            Self::MissingBackfill { table, column } => {
                write!(f, "{table}.{column} becomes NOT NULL but has no default: give a Backfill for its existing rows")
            }
            Self::Unsupported { change, why } => write!(f, "not planned: {change}: {why}"),
            Self::NameTaken { change, name, holder, remedy } => {
                write!(f, "not planned: {change} needs the name {name}, which {holder} holds: PostgreSQL would fail (already exists); {remedy}")
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// Every reason a plan was not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanErrors {}

mod rank {
    pub const SCHEMA: u8 = 0;
    /// Before every step that names the table by its new name. The renames of
    /// its partitions, constraints, indexes and triggers share the rank, after every table rename.
    pub const RENAME_TABLE: u8 = 1;
    pub const EXTENSION: u8 = 1;
    pub const ROLE: u8 = 2;
    pub const ENUM: u8 = 3;
    pub const DOMAIN: u8 = 4;
    pub const FUNCTION: u8 = 5;
    pub const RELAX: u8 = 7;
    pub const RENAME: u8 = 8;
    pub const CREATE_TABLE: u8 = 9;
    pub const ADD_COLUMN: u8 = 10;
    pub const ALTER_COLUMN: u8 = 11;
    pub const PARTITION: u8 = 12;
    pub const KEY: u8 = 13;
    pub const CHECK_FK: u8 = 14;
    pub const VALIDATE: u8 = 15;
    pub const INDEX: u8 = 16;
    pub const LATE_FUNCTION: u8 = 17;
    pub const VIEW: u8 = 18;
    pub const TRIGGER: u8 = 19;
    pub const SECURITY: u8 = 20;
    pub const GRANT: u8 = 21;
    pub const COMMENT: u8 = 22;
    pub const REVOKE: u8 = 30;
    pub const DROP_TRIGGER: u8 = 31;
    pub const DROP_VIEW: u8 = 32;
    pub const DROP_INDEX: u8 = 33;
    pub const DROP_PARTITION: u8 = 34;
    pub const DROP_COLUMN: u8 = 35;
    pub const DROP_TABLE: u8 = 36;
    pub const DROP_FUNCTION: u8 = 37;
    pub const DROP_DOMAIN: u8 = 38;
    pub const DROP_ENUM: u8 = 39;
    pub const DROP_ROLE: u8 = 40;
    pub const DROP_EXTENSION: u8 = 41;
    pub const DROP_SCHEMA: u8 = 42;
}

struct Planner<'a> {
    options: &'a PlanOptions,
    /// [`SchemaDiff::foreign_keys`].
    foreign_keys: &'a BTreeMap<QualifiedName, Vec<crate::model::ForeignKey>>,
    /// The changes planned (after the renames).
    changes: &'a [Change],
    partitioned: &'a BTreeSet<QualifiedName>,
    partitions: &'a std::collections::BTreeMap<QualifiedName, Vec<String>>,
    defaults: &'a BTreeMap<QualifiedName, super::diff::DefaultPartition>,
    /// [`SchemaDiff::domain_columns`].
    domain_columns: &'a BTreeMap<QualifiedName, [Vec<super::diff::DomainColumn>; 2]>,
    /// The columns of each table after the migration (by its new name).
    columns_after: &'a BTreeMap<QualifiedName, Vec<String>>,
    new_tables: BTreeSet<QualifiedName>,
    /// Table -> (old column name -> new) of the declared column renames.
    column_renames: BTreeMap<QualifiedName, BTreeMap<String, String>>,
    /// The column renames as (table, old name, new name), in the order their steps run.
    renamed_columns: Vec<(QualifiedName, String, String)>,
    retriggers: Retriggers,
    repolicies: Repolicies,
    /// (table, generated column by its new name) -> what its rebuild drops
    /// and creates again besides triggers and policies.
    dependents: BTreeMap<(QualifiedName, String), Dependents>,
    /// Drops that free a name a rename or move takes: run just before it, in
    /// the expand phase, ranked with the table renames (`+ band`).
    promoted: Vec<(Change, u32)>,
    /// The relation names held while indexes are built (see [`check_taken_names`]).
    held_names: BTreeSet<QualifiedName>,
    /// See [`adopted_indexes`].
    adopted: Vec<Adopted>,
    rebuilds: Vec<ViewRebuild>,
    /// [`Routines::ranks`].
    function_ranks: BTreeMap<(QualifiedName, String), u8>,
    /// [`Routines::drop_ranks`].
    drop_ranks: BTreeMap<(QualifiedName, String), u8>,
    steps: Vec<Step>,
    errors: Vec<PlanError>,
    seq: u32,
}

/// Builds a step; finish it with the builder methods and [`Planner::push`].
struct StepBuilder {
    step: Step,
}

impl StepBuilder {
    fn sql(mut self, statements: impl IntoIterator<Item = String>) -> Self {
        self.step.sql.extend(statements);
        self
    }
    fn non_transactional(mut self) -> Self {
        self.step.transactional = false;
        self
    }
    /// Records that the step locks `relation` in mode `lock` (see [`Step::locks`]).
    fn lock(mut self, relation: &QualifiedName, lock: LockLevel) -> Self {
        self.step.lock_relation(relation, lock);
        self
    }
    /// [`StepBuilder::lock`] for each of `relations`.
    fn lock_all<'r>(mut self, relations: impl IntoIterator<Item = &'r QualifiedName>, lock: LockLevel) -> Self {
        for r in relations {
            self.step.lock_relation(r, lock);
        }
        self
    }
    fn hazard(mut self, hazard: Hazard) -> Self {
        if !self.step.hazards.contains(&hazard) {
            self.step.hazards.push(hazard);
        }
        if matches!(hazard, Hazard::IndexBuild | Hazard::ValidationScan | Hazard::Backfill | Hazard::TableRewrite) {
            self.step.statement_timeout = None;
        }
        self
    }
    fn down(mut self, statements: impl IntoIterator<Item = String>) -> Self {
        self.step.down = Some(statements.into_iter().collect());
        self.step.irreversible = None;
        self
    }
    fn down_non_transactional(mut self) -> Self {
        self.step.down_transactional = false;
        self
    }
    fn irreversible(mut self, why: &str) -> Self {
        self.step.down = None;
        self.step.irreversible = Some(why.to_owned());
        self
    }
    fn contract(mut self) -> Self {
        self.step.phase = Phase::Contract;
        self
    }
}

/// Plans the changes of `diff` (see the module docs for what "zero-downtime" means here).
///
/// ```
/// use pgarchitect_core::{migrate, Schema, SqlType, model::*};
/// let v1 = Schema::builder()
///     .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt)).column(Column::new("email", SqlType::Text)).primary_key(["id"]))
///     .build().unwrap();
/// let v2 = Schema::builder()
///     .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt)).column(Column::new("email", SqlType::Text)).primary_key(["id"]).index(Index::on(["email"])))
///     .build().unwrap();
/// let plan = migrate::plan(&migrate::diff(&v1, &v2), &migrate::PlanOptions::default()).unwrap();
/// assert_eq!(plan.steps[0].sql, ["CREATE INDEX CONCURRENTLY idx_users_email ON public.users (email)"]);
/// assert!(!plan.steps[0].transactional);
/// assert!(plan.up_script().contains("SET lock_timeout = '5000ms';"));
/// assert_eq!(plan.down_script().unwrap().lines().nth(3), Some("DROP INDEX CONCURRENTLY IF EXISTS public.idx_users_email;"));
/// ```
pub fn plan(diff: &SchemaDiff, options: &PlanOptions) -> Result<Plan, PlanErrors> {
    let refused = colliding_renames(diff, &options.renames);
    if !refused.is_empty() {
        return Err(PlanErrors(refused));
    }
    let Renamed { mut changes, partitions: renamed_partitions, promoted, errors: rename_errors } = apply_renames(&diff.changes, &options.renames, &diff.names);
    follow_grant_renames(&mut changes, &diff.grants, &diff.columns[1]);
    // The views reading a table whose columns change type across the renames
    // (the diff saw a drop and an add) are rebuilt around the change too.
    let old_name = |t: &QualifiedName| {
        options.renames.iter().find_map(|r| match r {
            Rename::Table { from, to } if to == t => Some(from.clone()),
            _ => None,
        })
    };
    let retyped: BTreeSet<QualifiedName> = retyped_columns(&changes).into_iter().map(|(t, _)| old_name(t).unwrap_or_else(|| t.clone())).collect();
    super::diff::rebuild_views(&diff.views, &diff.view_grants, retyped, &mut changes);
    let mut partitions = diff.partitions.clone();
    partitions.extend(renamed_partitions);
    let new_tables = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable(t) => Some(t.name.clone()),
            _ => None,
        })
        .collect();
    let mut column_renames: BTreeMap<QualifiedName, BTreeMap<String, String>> = BTreeMap::new();
    let mut renamed_columns = Vec::new();
    for c in &changes {
        if let Change::RenameColumn { table, from, to } = c {
            column_renames.entry(table.clone()).or_default().insert(from.clone(), to.clone());
            renamed_columns.push((table.clone(), from.clone(), to.clone()));
        }
    }
    // Drops followed by a create of the same name are replacements: they run
    // in the expand phase, just before the create; so are the drops of
    // indexes whose names other indexes or keys take.
    let mut replaced = replacements(&changes);
    let (held_names, taken_errors) = check_taken_names(&changes, &diff.names, &promoted, &mut replaced);
    let mut rename_errors = rename_errors;
    rename_errors.extend(taken_errors);
    // A partition dropped so (replaced by an overlapping one under another
    // name) is gone by the time indexes are built.
    for c in &changes {
        let Change::DropPartition { table, partition } = c else { continue };
        let recreated = changes.iter().any(|a| matches!(a, Change::AddPartition { table: t, partition: p } if t == table && p.name == partition.name));
        if !recreated && replaced.contains(&("partition", table.to_string(), partition.name.clone())) {
            if let Some(names) = partitions.get_mut(table) {
                names.retain(|n| n != &partition.name);
            }
        }
    }
    let adopted = if options.concurrently { adopted_indexes(&changes, &diff.partitioned, &new_tables, &column_renames) } else { Vec::new() };
    let retriggers = retriggers(&changes, &diff.triggers, &column_renames);
    let routines = routines(&changes, diff.columns[1].keys(), &diff.views[1]);
    let mut rebuilds = view_rebuilds(&changes, &options.renames);
    rebuild_functions(&mut rebuilds, &changes, &diff.functions);
    rebuild_calls(&mut rebuilds, &changes, &routines.ranks);
    let repolicies = repolicies(&changes, &diff.policies, &column_renames, &mut rebuilds);
    let dependents = dependents(&changes, &diff.generated, &diff.foreign_keys, &column_renames, &options.renames);
    let mut p = Planner {
        options,
        foreign_keys: &diff.foreign_keys,
        changes: &changes,
        partitioned: &diff.partitioned,
        partitions: &partitions,
        defaults: &diff.defaults,
        domain_columns: &diff.domain_columns,
        columns_after: &diff.columns[1],
        new_tables,
        column_renames,
        renamed_columns,
        retriggers,
        repolicies,
        dependents,
        promoted,
        held_names,
        adopted,
        rebuilds,
        function_ranks: routines.ranks,
        drop_ranks: routines.drop_ranks,
        steps: Vec::new(),
        errors: rename_errors,
        seq: 0,
    };
    for &i in &routines.order {
        p.change(&changes[i], &replaced);
    }
    p.merge_view_rebuilds();
    p.merge_catalog_steps();
    if !p.errors.is_empty() {
        return Err(PlanErrors(p.errors));
    }
    let mut steps = p.steps;
    steps.sort_by_key(|s| (s.phase, s.rank));
    Ok(Plan { steps })
}

/// The declared column renames the plan cannot make: a rename whose old
/// name is still a column of the table after the migration (a new column
/// takes it, or another rename), or whose new name is one already before it
/// (names swapped, or renamed along a chain). The diff matches columns by
/// name, so it sees no drop of the old name and no add of the new one, and
/// the rename used to be ignored without a word (the values staying under
/// the old name, now meant for another column); and nothing in the text of
/// a definition (a check, a policy, a view) tells which of the two columns
/// it means. Also a step creating a definition from before the plan under
/// the old names (see [`Planner::under_old_names`]) could not rename a
/// column back to a name another column holds (42701). A rename whose old
/// name is no column before the migration is done already and left out.
fn colliding_renames(diff: &SchemaDiff, renames: &[Rename]) -> Vec<PlanError> {
    let mut out = Vec::new();
    let [before, after] = &diff.columns;
    for rename in renames {
        let Rename::Column { table, from, to } = rename else { continue };
        let old_table = renames
            .iter()
            .find_map(|r| match r {
                Rename::Table { from: old, to: new } if new == table => Some(old),
                _ => None,
            })
            .unwrap_or(table);
        let (Some(before), Some(after)) = (before.get(old_table), after.get(table)) else { continue };
        if !before.contains(from) || !after.contains(to) {
            continue;
        }
        let mut why = Vec::new();
        if after.contains(from) {
            why.push(format!("{from} is still a column of the table after the migration"));
        }
        if before.contains(to) {
            why.push(format!("{to} is already a column of the table before it"));
        }
        if !why.is_empty() {
            out.push(PlanError::Unsupported {
                change: format!("the declared rename of {table}.{from} to {to}"),
                why: format!(
                    "{}: the diff matches columns by name and cannot tell the two apart; rename it in a migration of its own first, to a name neither version uses, then reuse the name",
                    why.join(" and ")
                ),
            });
        }
    }
    out
}

/// The triggers that column type changes drop and create again.
///
/// PostgreSQL refuses `ALTER COLUMN ... TYPE` on a column that a trigger names
/// in `UPDATE OF` or in its `WHEN` condition ("cannot alter type of a column
/// used in a trigger definition", 0A000); a whole-row `OLD.*` does not count.
/// So the step changing the type drops those triggers just before and creates
/// them again just after, with their comments, in its one transaction: no
/// moment outside it lacks them. On a partitioned table dropping the trigger
/// drops the clones on the partitions, and creating it clones it again.
///
/// A trigger is dropped in the form it has when the step runs and created in
/// the form it has after the plan: a trigger replaced in the same plan
/// ([`Change::ReplaceTrigger`]) takes its new definition there, and its own
/// replace step is left out, so it is never replaced twice nor recreated in
/// its old form. Two exceptions keep their replace step and are created again
/// as they are: a trigger replaced just after the column renames (its
/// arguments name them, see [`Planner::replace_trigger`]), which has its new
/// form by then, and one whose new function is created later in the plan
/// (it depends on tables or views). A trigger the contract phase drops is
/// created again as it is, and dropped then. When several columns of the
/// table change type, the last step whose column the trigger names gives it
/// its new form; the earlier ones create it again as it was.
///
/// A generated column whose expression changes is dropped and added again
/// (see [`Planner::alter_column`]), which PostgreSQL refuses under the same
/// triggers ("cannot drop column ... because other objects depend on it",
/// 2BP01): its step drops and creates them around it the same way.
///
/// A column renamed in the plan is named by its new name, and by its old one
/// in the definitions from before the plan (a replaced trigger's old form, a
/// dropped trigger): those are created under the old names (see
/// [`Planner::under_old_names`]).
#[derive(Debug, Default)]
struct Retriggers {
    /// (table, column by its new name) -> the triggers around its type change:
    /// (as dropped, as created), comments included.
    around: BTreeMap<(QualifiedName, String), Vec<AroundTrigger>>,
    /// (table, trigger) whose [`Change::ReplaceTrigger`] a type change makes.
    absorbed: BTreeSet<(QualifiedName, String)>,
}

/// `(as dropped, as created)`, comments included.
type AroundTrigger = (Form<Trigger>, Form<Trigger>);

/// A trigger or policy in one of its forms around a column rebuild: `old` when
/// it is its definition from before the plan, whose text may name columns the
/// plan renames by their old names (a trigger's `UPDATE OF` aside: it is
/// by their new names, as PostgreSQL holds it after the renames).
#[derive(Clone, Debug)]
struct Form<T> {
    def: T,
    old: bool,
}

impl<T> Form<T> {
    fn old(def: T) -> Self {
        Form { def, old: true }
    }
    fn new(def: T) -> Self {
        Form { def, old: false }
    }
}

/// `trigger` with its `UPDATE OF` columns by their names after the column
/// renames of its table (`renames`: old name -> new), or before them (`back`).
fn renamed_update_of(trigger: &Trigger, renames: Option<&BTreeMap<String, String>>, back: bool) -> Trigger {
    let mut t = trigger.clone();
    let Some(renames) = renames else { return t };
    for event in &mut t.events {
        if let TriggerEvent::Update(columns) = event {
            for c in columns {
                let renamed = if back { renames.iter().find(|(_, new)| *new == c).map(|(old, _)| old) } else { renames.get(c) };
                if let Some(name) = renamed {
                    *c = name.clone();
                }
            }
        }
    }
    t
}

/// The old names of the columns of a table renamed to `column` (none or one).
fn old_names<'a>(renames: Option<&'a BTreeMap<String, String>>, column: &'a str) -> impl Iterator<Item = &'a str> {
    renames.into_iter().flatten().filter(move |(_, new)| *new == column).map(|(old, _)| old.as_str())
}

/// Whether a replaced trigger only changes arguments naming renamed columns
/// (the audit trigger's key): replaced just after the renames.
fn follows_column_renames(renames: Option<&BTreeMap<String, String>>, from: &Trigger, to: &Trigger) -> bool {
    Trigger { arguments: to.arguments.clone(), comment: to.comment.clone(), ..from.clone() } == *to
        && from.arguments.len() == to.arguments.len()
        && from.arguments.iter().zip(&to.arguments).all(|(a, b)| a == b || renames.and_then(|r| r.get(a)) == Some(b))
}

/// Whether PostgreSQL records a dependency of `trigger` on `column`: it names
/// it in `UPDATE OF`, or as a word of its `WHEN` condition (a function of the
/// same name aside; a word that is not the column, `NEW.other.amount`, only
/// costs a drop and create the step's ACCESS EXCLUSIVE lock already covers).
fn trigger_names_column(trigger: &Trigger, column: &str) -> bool {
    trigger.events.iter().any(|e| matches!(e, TriggerEvent::Update(cols) if cols.iter().any(|c| c == column)))
        || trigger.when.as_deref().is_some_and(|w| crate::validate::sql::words(w).any(|word| !word.before_paren && word.is_identifier(column)))
}

/// See [`Retriggers`]; `triggers` are [`SchemaDiff::triggers`], `changes` are after the renames.
fn retriggers(changes: &[Change], triggers: &BTreeMap<QualifiedName, Vec<Trigger>>, column_renames: &BTreeMap<QualifiedName, BTreeMap<String, String>>) -> Retriggers {
    let mut out = Retriggers::default();
    let retyped = retyped_columns(changes);
    if retyped.is_empty() {
        return out;
    }
    let late: BTreeSet<&QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateFunction(f) if !f.depends_on.is_empty() => Some(&f.name),
            _ => None,
        })
        .collect();
    let tables: BTreeSet<&QualifiedName> = retyped.iter().map(|(t, _)| *t).collect();
    for table in tables {
        let created = |name: &str| changes.iter().any(|c| matches!(c, Change::CreateTrigger { table: t, trigger } if t == table && trigger.name == name));
        // Its comment before the plan (a changed one is set by a later comment step).
        let comment = |t: &Trigger| {
            changes
                .iter()
                .find_map(|c| match c {
                    Change::SetComment { target: CommentTarget::Trigger(on, name), from, .. } if on == table && *name == t.name => Some(from.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| t.comment.clone())
        };
        // The triggers on the table when its columns change type: (as they
        // are then, as they are after the step, absorbs a replace step).
        let mut present: Vec<(Form<Trigger>, Form<Trigger>, bool)> = Vec::new();
        for t in triggers.get(table).into_iter().flatten().filter(|t| !created(&t.name)) {
            let replaced = changes.iter().find_map(|c| match c {
                Change::ReplaceTrigger { table: on, from, to } if on == table && to.name == t.name => Some((from, to)),
                _ => None,
            });
            // A replaced trigger's old form: `UPDATE OF` followed the renames, `WHEN` is as it was.
            let (before, after, absorbs) = match replaced {
                Some((from, to)) if follows_column_renames(column_renames.get(table), from, to) => (Form::new(to.clone()), Form::new(to.clone()), false),
                Some((from, to)) if late.contains(&to.function) => (Form::old(from.clone()), Form::old(from.clone()), false),
                Some((from, to)) => (Form::old(from.clone()), Form::new(to.clone()), true),
                None => (Form::new(t.clone()), Form::new(t.clone()), false),
            };
            let comment = comment(t);
            let with = |f: Form<Trigger>, comment: Option<String>| Form { def: Trigger { comment, ..f.def }, ..f };
            present.push((with(before, comment.clone()), with(after, comment), absorbs));
        }
        for c in changes {
            if let Change::DropTrigger { table: on, trigger } = c {
                if on == table && !created(&trigger.name) {
                    // As PostgreSQL holds it after the renames, its `WHEN` aside.
                    let followed = Form::old(renamed_update_of(trigger, column_renames.get(table), false));
                    present.push((followed.clone(), followed, false));
                }
            }
        }
        for (before, after, absorbs) in present {
            let names = |c: &str| {
                let renames = column_renames.get(table);
                trigger_names_column(&before.def, c) || before.old && old_names(renames, c).any(|old| trigger_names_column(&before.def, old))
            };
            let columns: Vec<_> = retyped.iter().filter(|(t, c)| *t == table && names(c)).map(|(_, c)| (table.clone(), (*c).to_owned())).collect();
            let name = before.def.name.clone();
            if spread(&mut out.around, columns.into_iter(), (before.clone(), before.clone()), (before, after)) && absorbs {
                out.absorbed.insert((table.clone(), name));
            }
        }
    }
    out
}

/// The row-level security policies that column type changes drop and create again.
///
/// PostgreSQL refuses `ALTER COLUMN ... TYPE` on a column that a policy's
/// `USING` or `WITH CHECK` expression names ("cannot alter type of a column
/// used in a policy definition", 0A000): a policy of the column's own table,
/// and as well a policy of another table reading the column through a
/// subquery (`tenant_id IN (SELECT m.tenant_id FROM members m ...)` blocks
/// the type change of `members.tenant_id`); a whole-row reference does not
/// count. So the step changing the type drops those policies just before and
/// creates them again just after, with their comments, in its one
/// transaction, as it does for triggers (see [`Retriggers`]).
///
/// Row-level security itself is never disabled: it stays enabled (and
/// forced) throughout. Between the `DROP POLICY` and the `CREATE POLICY` the
/// table has row-level security on and fewer policies, which denies more, not
/// less (with none left, every row to every role it applies to): the safe
/// side. And no other session ever sees that moment: the step holds ACCESS
/// EXCLUSIVE on the table (and `DROP POLICY` on each other table whose policy
/// it drops) until it commits.
///
/// A policy created in the plan does not exist yet when the type changes (it
/// is created by a later step), and one dropped in the plan is gone already
/// (dropped in the expand phase before columns change); the policies of a
/// table the contract phase drops are still there and are created again as
/// they are. A policy altered in the same plan ([`Change::AlterPolicy`]) is
/// dropped in its old form and created in its new one there, and its own
/// alter step is left out, so it is never handled twice; unless its new
/// expressions name a function created later in the plan (one depending on
/// tables or views) or a view the plan creates: then it is created again as
/// it was, and altered by its own step. When several retyped columns are
/// named by one policy, the last of their steps gives it its new form; the
/// earlier ones create it again as it was.
#[derive(Debug, Default)]
struct Repolicies {
    /// (table, column by its new name) -> the policies around its type change.
    around: BTreeMap<(QualifiedName, String), Vec<AroundPolicy>>,
    /// (policy's table, policy) whose [`Change::AlterPolicy`] a type change makes.
    absorbed: BTreeSet<(QualifiedName, String)>,
}

/// `(the policy's table, as dropped, as created)`, comments included.
type AroundPolicy = (QualifiedName, Form<Policy>, Form<Policy>);

/// Whether PostgreSQL records a dependency of `policy`, a policy of table
/// `on`, on a column of `table` called one of `columns`: one of them is a
/// word of its `USING` or `WITH CHECK` expression (a function of the same
/// name aside) and, for a policy of another table, one of `tables` (the
/// table's names, unqualified) is one too (its subquery reads the table). A
/// word that is not that column only costs a drop and create of the policy,
/// under an ACCESS EXCLUSIVE lock on its table until the step commits, which
/// the step reports ([`Step::locks`]). This over-approximates: a policy of
/// `projects` naming its own `owner_id` beside a subquery of `accounts`
/// matches `accounts.owner_id`. Telling them apart would take the SQL's
/// scopes (which table an unqualified column of a subquery resolves to,
/// which table an alias stands for), which words cannot give, and a miss
/// would make the type change fail (0A000), so the match stays broad.
fn policy_names_column(on: &QualifiedName, policy: &Policy, table: &QualifiedName, tables: &[&str], columns: &[&str]) -> bool {
    let names = |e: &str, names: &[&str]| crate::validate::sql::words(e).any(|w| !w.before_paren && names.iter().any(|n| w.is_identifier(n)));
    policy.using.iter().chain(&policy.with_check).any(|e| names(e, columns) && (on == table || names(e, tables)))
}

/// Whether `policy`'s `USING` or `WITH CHECK` expression names `view` (as a
/// word: a function of the same name aside), so PostgreSQL records a
/// dependency of it on the view (a subquery reading it) and refuses to drop
/// the view under it (2BP01). Like [`policy_names_column`], this
/// over-approximates (a column or alias of the same name matches), which
/// only costs a drop and create of the policy in the step rebuilding the view.
fn policy_reads_view(policy: &Policy, view: &QualifiedName) -> bool {
    policy.using.iter().chain(&policy.with_check).any(|e| crate::validate::sql::words(e).any(|w| !w.before_paren && w.is_identifier(&view.name)))
}

/// See [`Repolicies`]; `policies` are [`SchemaDiff::policies`], `changes` are
/// after the renames. The policies reading a view of one of `rebuilds` go to
/// that rebuild instead ([`ViewRebuild::policies`]).
fn repolicies(
    changes: &[Change],
    policies: &BTreeMap<QualifiedName, Vec<Policy>>,
    column_renames: &BTreeMap<QualifiedName, BTreeMap<String, String>>,
    rebuilds: &mut [ViewRebuild],
) -> Repolicies {
    let mut out = Repolicies::default();
    let retyped = retyped_columns(changes);
    if retyped.is_empty() && rebuilds.is_empty() {
        return out;
    }
    // What a new policy expression cannot name yet at the type change.
    let late: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateFunction(f) if !f.depends_on.is_empty() => Some(f.name.name.as_str()),
            Change::CreateView(v) => Some(v.name.name.as_str()),
            _ => None,
        })
        .collect();
    let names_late = |p: &Policy| p.using.iter().chain(&p.with_check).any(|e| crate::validate::sql::words(e).any(|w| late.iter().any(|n| w.is_identifier(n))));
    // The policies when the columns change type: (their table, as they are
    // then, as they are after the step, absorbs an alter step).
    let mut present: Vec<(&QualifiedName, Form<Policy>, Form<Policy>, bool)> = Vec::new();
    for (on, list) in policies {
        let created = |name: &str| changes.iter().any(|c| matches!(c, Change::CreatePolicy { table, policy } if table == on && policy.name == name));
        // Its comment before the plan (a changed one is set by a later comment step).
        let comment = |p: &Policy| {
            changes
                .iter()
                .find_map(|c| match c {
                    Change::SetComment { target: CommentTarget::Policy(t, name), from, .. } if t == on && *name == p.name => Some(from.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| p.comment.clone())
        };
        for p in list.iter().filter(|p| !created(&p.name)) {
            let altered = changes.iter().find_map(|c| match c {
                Change::AlterPolicy { table, from, to } if table == on && to.name == p.name => Some((from, to)),
                _ => None,
            });
            let (before, after, absorbs) = match altered {
                Some((from, _)) if names_late(p) => (Form::old(from.clone()), Form::old(from.clone()), false),
                Some((from, to)) => (Form::old(from.clone()), Form::new(to.clone()), true),
                None => (Form::new(p.clone()), Form::new(p.clone()), false),
            };
            let comment = comment(p);
            let with = |f: Form<Policy>, comment: Option<String>| Form { def: Policy { comment, ..f.def }, ..f };
            present.push((on, with(before, comment.clone()), with(after, comment), absorbs));
        }
    }
    for c in changes {
        if let Change::DropTable(t) = c {
            for p in &t.policies {
                present.push((&t.name, Form::old(p.clone()), Form::old(p.clone()), false));
            }
        }
    }
    for (on, before, after, absorbs) in present {
        // A policy reading a rebuilt view is dropped before the views and
        // created after them, in the rebuild's step (around its column steps too).
        let mut around_views = false;
        let mut grouped: BTreeSet<&QualifiedName> = BTreeSet::new();
        for rebuild in rebuilds.iter_mut() {
            if rebuild.views.iter().any(|v| policy_reads_view(&before.def, &v.from.name)) {
                rebuild.policies.push((on.clone(), before.clone(), after.clone()));
                grouped.extend(rebuild.tables.iter());
                around_views = true;
            }
        }
        let columns = retyped
            .iter()
            .filter(|(table, _)| !grouped.contains(*table))
            .filter(|(table, column)| {
                // By their names before and after the renames.
                let mut columns = vec![*column];
                columns.extend(old_names(column_renames.get(*table), column));
                let mut tables = vec![table.name.as_str()];
                tables.extend(changes.iter().filter_map(|c| match c {
                    Change::RenameTable { from, to } if to == *table => Some(from.name.as_str()),
                    _ => None,
                }));
                policy_names_column(on, &before.def, table, &tables, &columns)
            })
            .map(|(table, column)| ((*table).clone(), (*column).to_owned()))
            .collect::<Vec<_>>();
        let name = before.def.name.clone();
        if around_views {
            // The column steps outside the rebuild, before or after it, drop
            // it too and create it in its new form, as the rebuild does.
            for column in columns {
                out.around.entry(column).or_default().push((on.clone(), before.clone(), after.clone()));
            }
            if absorbs {
                out.absorbed.insert((on.clone(), name));
            }
        } else if spread(&mut out.around, columns.into_iter(), (on.clone(), before.clone(), before.clone()), (on.clone(), before, after)) && absorbs {
            out.absorbed.insert((on.clone(), name));
        }
    }
    out
}

/// Views dropped and created again ([`Change::RebuildView`]) in one step:
/// around the type changes of the columns of `tables`, or for their own
/// change (a query, or whether a view is materialized), with the views
/// reading them.
///
/// PostgreSQL refuses to change the type of a column a view reads (0A000,
/// "cannot alter type of a column used by a view or rule"); `CREATE OR
/// REPLACE VIEW` only appends columns (42P16 for a column dropped, renamed
/// or of another type, which the query text does not tell apart), and a
/// materialized view has no `OR REPLACE`; and PostgreSQL refuses to drop a
/// view other views or row-level security policies read (2BP01). So the
/// step drops the policies reading the views, drops the views, those that
/// read others first, changes the types (each with the triggers and
/// policies around it), creates the views again in their new form, those
/// read by others first, each with its comment, indexes and privileges,
/// and creates the policies again; its down step does the reverse. A step
/// runs in one transaction, so no other session ever finds a view missing
/// (42P01), nor a policy (or a view's privilege): the step holds ACCESS
/// EXCLUSIVE on each view and each policy's table until it commits, and
/// readers wait. A materialized view is filled (`WITH DATA`) and indexed
/// under that lock, for as long as its query takes: the step has no
/// statement timeout and says so (`LongLock`, `IndexBuild`). Views and
/// tables are grouped by what the views read, so a type change that no
/// rebuilt view depends on, even through other views, stays a step of its
/// own.
///
/// A view the plan drops ([`Change::DropView`], in the contract phase) that
/// reads the retyped tables or the rebuilt views, directly or not, would
/// block the type change (0A000) or the drops (2BP01) all the same: the
/// step drops it too, in the expand phase (`BreaksOldCode`), and its down
/// step creates it again; its own drop step is left out.
#[derive(Debug, Default)]
struct ViewRebuild {
    /// In dependency order (a view after those it reads, in its old form).
    views: Vec<RebuiltView>,
    /// The tables whose column steps (type changes, generated columns) the rebuild surrounds.
    tables: BTreeSet<QualifiedName>,
    /// The row-level security policies reading its views (in a subquery of
    /// `USING` or `WITH CHECK`): PostgreSQL refuses to drop a view under one
    /// (2BP01), so the step drops them first and creates them last, in their
    /// new form, with their comments (see [`Repolicies`] for their forms).
    policies: Vec<AroundPolicy>,
    /// Where a rebuild of views alone (no column step) runs: with the views
    /// created, at the place of its first [`Change::RebuildView`].
    at: Option<(u8, u32)>,
    /// The views the plan creates ([`Change::CreateView`]) that the new form
    /// of one of its views reads, directly or through other such views.
    reads_new: Vec<View>,
    /// Those of `reads_new` the step creates, after the column steps and
    /// before the views reading them (and its down step drops): all of them
    /// when the step has column steps (it runs before the views are created,
    /// and a new view may read a retyped column, which PostgreSQL would then
    /// refuse to change, 0A000); otherwise those the diff gives after one of
    /// its views (which may read them). The others are created by their own
    /// steps before the rebuild: without them `CREATE VIEW` of a new form
    /// reading one fails (42P01).
    created: Vec<View>,
    /// The functions whose arguments or result use the row type of one of
    /// its views (or an array of it), as they are or will be: PostgreSQL
    /// refuses to drop a view under one (2BP01, "function f() depends on
    /// type v"), so the step drops each just before the first of those
    /// views, and creates it again in its new form just after the last of
    /// them, with its comment and the privileges it had (kept in the
    /// transaction before the drops and given back after, see
    /// [`sql::keep_function_acls`]); its down step does the reverse, in
    /// their old forms. One
    /// using none of them (only its other form does) is dropped after the
    /// views and created before them. A change the plan makes to one (a
    /// function created, replaced or dropped) is made there instead of by a
    /// step of its own; one dropped so is dropped in the expand phase
    /// (`BreaksOldCode`).
    functions: Vec<RebuiltFunction>,
    /// The functions the plan creates late (they read tables, see
    /// [`rank::LATE_FUNCTION`]) that the new form of one of its views (or a
    /// new view of `created`) calls, directly or through other such
    /// functions (those called first), when the step has column steps: it runs
    /// before those functions are created, and `CREATE VIEW` of a new form
    /// calling one would fail (42883). The step creates them after the
    /// column steps and before the views (its down step drops them after
    /// the views); their own steps are left out. A rebuild of views alone
    /// runs after them.
    calls_new: Vec<Function>,
}

/// The order the plan makes its changes in, and the ranks of the steps
/// creating functions: see [`routines`].
struct Routines {
    /// Positions in the changes: each once.
    order: Vec<usize>,
    /// By [`super::diff::function_key`], the rank of each function the plan
    /// creates or replaces: [`rank::FUNCTION`] (before the tables) when it
    /// needs no table or view (none in its `depends_on` or its signature's
    /// row types, and none through the functions it calls that the plan
    /// creates or replaces), [`rank::VIEW`] when it needs a view the plan
    /// creates, rebuilds or replaces (directly, or through such functions):
    /// the step comes after that view's, in [`Routines::order`]; otherwise
    /// [`rank::LATE_FUNCTION`], after the tables and before the views.
    ranks: BTreeMap<(QualifiedName, String), u8>,
    /// The functions the plan drops that need a view it drops (their
    /// arguments or result use its row type, or, SQL-language ones, their
    /// bodies read it, directly or through functions they call that the
    /// plan drops), by [`super::diff::function_key`]: dropped with the
    /// views ([`rank::DROP_VIEW`]), before that view and after the views
    /// calling them, in [`Routines::order`]. PostgreSQL refuses to drop a
    /// view whose row type a function uses (2BP01); undone, each is created
    /// after what it needs (42704, 42P01 otherwise).
    drop_ranks: BTreeMap<(QualifiedName, String), u8>,
}

/// See [`Routines`]: the changes in their order, but those creating,
/// replacing or rebuilding functions and views (each in its new form) in
/// the order [`crate::depend::order`] gives them, taking the places they
/// held (so an order in which each comes after what it needs is kept);
/// `tables` and `views` are the relations after the migration (the views
/// the plan leaves alone count as tables).
fn routines<'a>(changes: &[Change], tables: impl Iterator<Item = &'a QualifiedName>, views: &'a [View]) -> Routines {
    let mut functions: Vec<(&Function, usize)> = Vec::new();
    let mut created: Vec<(&View, usize)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        match c {
            Change::CreateFunction(f) | Change::ReplaceFunction { to: f, .. } => functions.push((f, i)),
            Change::CreateView(v) | Change::RebuildView { to: v, .. } | Change::ReplaceView { to: v, .. } => created.push((v, i)),
            _ => {}
        }
    }
    let mut order: Vec<usize> = (0..changes.len()).collect();
    let mut ranks = BTreeMap::new();
    if !functions.is_empty() {
        let kept: Vec<&QualifiedName> = tables.chain(views.iter().map(|v| &v.name).filter(|n| !created.iter().any(|(v, _)| &v.name == *n))).collect();
        let fs: Vec<&Function> = functions.iter().map(|(f, _)| *f).collect();
        let vs: Vec<&View> = created.iter().map(|(v, _)| *v).collect();
        let o = crate::depend::order(&fs, &vs, &kept);
        for &i in &o.early {
            ranks.insert(super::diff::function_key(fs[i]), rank::FUNCTION);
        }
        for &n in &o.late {
            if let crate::depend::Node::Function(i) = n {
                ranks.insert(super::diff::function_key(fs[i]), if o.after_view[i] { rank::VIEW } else { rank::LATE_FUNCTION });
            }
        }
        let mut places: Vec<usize> = functions.iter().map(|(_, i)| *i).chain(created.iter().map(|(_, i)| *i)).collect();
        places.sort_unstable();
        for (place, n) in places.into_iter().zip(&o.sequence) {
            order[place] = match *n {
                crate::depend::Node::Function(i) => functions[i].1,
                crate::depend::Node::View(i) => created[i].1,
            };
        }
    }
    // Drops: each before what it needs, in the order it would be created
    // in, reversed (visiting them last first, so an order that drops each
    // before what it needs is kept), so undone each is created after what
    // it needs. What the body of a function in another language than SQL
    // reads is not checked when it is created: its `depends_on` is left out.
    let mut visit: Vec<(crate::depend::Node, usize)> = Vec::new();
    let (mut dropped_functions, mut dropped_views): (Vec<Function>, Vec<&View>) = (Vec::new(), Vec::new());
    for (i, c) in changes.iter().enumerate().rev() {
        match c {
            Change::DropFunction(f) => {
                visit.push((crate::depend::Node::Function(dropped_functions.len()), i));
                let depends_on = if f.language.eq_ignore_ascii_case("sql") { f.depends_on.clone() } else { Vec::new() };
                dropped_functions.push(Function { depends_on, ..f.clone() });
            }
            Change::DropView(v) => {
                visit.push((crate::depend::Node::View(dropped_views.len()), i));
                dropped_views.push(v);
            }
            _ => {}
        }
    }
    let nodes: Vec<crate::depend::Node> = visit.iter().map(|(n, _)| *n).collect();
    let dropped: Vec<&Function> = dropped_functions.iter().collect();
    let o = crate::depend::order_visiting(&dropped, &dropped_views, &[], &nodes);
    let mut drop_ranks = BTreeMap::new();
    for (f, _) in dropped_functions.iter().zip(&o.after_view).filter(|(_, &after)| after) {
        drop_ranks.insert(super::diff::function_key(f), rank::DROP_VIEW);
    }
    if !drop_ranks.is_empty() {
        let mut places: Vec<usize> = visit.iter().map(|(_, i)| *i).collect();
        places.sort_unstable();
        let position = |n: crate::depend::Node| visit.iter().find(|(m, _)| *m == n).map(|(_, i)| *i).expect("every node is visited");
        for (place, &n) in places.into_iter().zip(o.sequence.iter().rev()) {
            order[place] = position(n);
        }
    }
    Routines { order, ranks, drop_ranks }
}

/// See [`ViewRebuild::calls_new`]: for each rebuild with column steps, the
/// functions `changes` creates late (not at [`rank::FUNCTION`] in `ranks`,
/// see [`Routines::ranks`]) that the new forms of its views and
/// the new views it creates call, and those their bodies call, to a fixed
/// point (those of [`ViewRebuild::functions`] aside).
fn rebuild_calls(rebuilds: &mut [ViewRebuild], changes: &[Change], ranks: &BTreeMap<(QualifiedName, String), u8>) {
    let late: Vec<&Function> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateFunction(f) if ranks.get(&super::diff::function_key(f)).map_or(!f.depends_on.is_empty(), |&r| r != rank::FUNCTION) => Some(f),
            _ => None,
        })
        .collect();
    if late.is_empty() {
        return;
    }
    for r in rebuilds.iter_mut().filter(|r| !r.tables.is_empty()) {
        let mut texts: Vec<&str> = r.views.iter().filter_map(|v| v.to.as_ref()).chain(&r.reads_new).map(|v| v.query.as_str()).collect();
        let mut called: BTreeSet<&QualifiedName> = BTreeSet::new();
        loop {
            let more: Vec<&Function> = late.iter().copied().filter(|f| !called.contains(&f.name) && texts.iter().any(|t| calls_function(t, &f.name))).collect();
            if more.is_empty() {
                break;
            }
            for f in more {
                called.insert(&f.name);
                texts.push(&f.body);
            }
        }
        let rebuilt = |f: &Function| r.functions.iter().any(|g| g.to.as_ref().is_some_and(|g| super::diff::function_key(g) == super::diff::function_key(f)));
        let called: Vec<&Function> = late.iter().copied().filter(|f| called.contains(&f.name) && !rebuilt(f)).collect();
        // Those another one's body calls first (PostgreSQL checks an SQL body when it is created).
        fn visit(i: usize, called: &[&Function], done: &mut [bool], out: &mut Vec<Function>) {
            if done[i] {
                return;
            }
            done[i] = true;
            for j in 0..called.len() {
                if j != i && calls_function(&called[i].body, &called[j].name) {
                    visit(j, called, done, out);
                }
            }
            out.push(called[i].clone());
        }
        let mut done = vec![false; called.len()];
        for i in 0..called.len() {
            visit(i, &called, &mut done, &mut r.calls_new);
        }
    }
}

/// A function of a [`ViewRebuild`]: as it is (`None` for one the plan
/// creates) and will be (`None` for one the plan drops).
#[derive(Debug)]
struct RebuiltFunction {
    from: Option<Function>,
    to: Option<Function>,
}

/// See [`ViewRebuild::functions`]: each function of the schema before the
/// migration (`functions[0]`) whose old or new form uses the row type of a
/// view of a rebuild, with its new form (the plan's replacement, none if
/// the plan drops it, or as it is after the migration), and each function
/// the plan creates that uses one; in the first rebuild whose views they use.
fn rebuild_functions(rebuilds: &mut [ViewRebuild], changes: &[Change], functions: &[Vec<Function>; 2]) {
    use super::diff::function_key;
    let mut taken: BTreeSet<(QualifiedName, String)> = BTreeSet::new();
    for r in rebuilds.iter_mut() {
        let views: Vec<QualifiedName> = r.views.iter().map(|v| v.from.name.clone()).collect();
        let uses = |f: &Function| views.iter().any(|v| uses_row_type(f, v));
        for f in &functions[0] {
            if taken.contains(&function_key(f)) {
                continue;
            }
            let to = changes
                .iter()
                .find_map(|c| match c {
                    Change::ReplaceFunction { from, to } if function_key(from) == function_key(f) => Some(Some(to)),
                    Change::DropFunction(from) if function_key(from) == function_key(f) => Some(None),
                    _ => None,
                })
                .unwrap_or_else(|| Some(functions[1].iter().find(|g| function_key(g) == function_key(f)).unwrap_or(f)));
            if uses(f) || to.is_some_and(uses) {
                taken.insert(function_key(f));
                r.functions.push(RebuiltFunction { from: Some(f.clone()), to: to.cloned() });
            }
        }
        for c in changes {
            if let Change::CreateFunction(g) = c {
                if !taken.contains(&function_key(g)) && uses(g) {
                    taken.insert(function_key(g));
                    r.functions.push(RebuiltFunction { from: None, to: Some(g.clone()) });
                }
            }
        }
    }
}

/// One view of a [`ViewRebuild`]: as it is and will be (`None` for a view
/// the plan drops), with its privileges.
#[derive(Debug)]
struct RebuiltView {
    from: View,
    to: Option<View>,
    from_grants: Vec<GrantItem>,
    to_grants: Vec<GrantItem>,
}

/// See [`ViewRebuild`]: the rebuilds of `changes` (after the renames), in the
/// order of their first view. A view's old form names the tables it reads by
/// their names before the plan: those `renames` renames are followed.
fn view_rebuilds(changes: &[Change], renames: &[Rename]) -> Vec<ViewRebuild> {
    let now = |d: &QualifiedName| -> QualifiedName {
        renames
            .iter()
            .find_map(|r| match r {
                Rename::Table { from, to } if from == d => Some(to.clone()),
                _ => None,
            })
            .unwrap_or_else(|| d.clone())
    };
    let retyped: BTreeSet<&QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumn { table, change: ColumnChange::Type | ColumnChange::Generated, .. } => Some(table),
            _ => None,
        })
        .collect();
    let mut views: Vec<RebuiltView> = changes
        .iter()
        .filter_map(|c| match c {
            Change::RebuildView { from, to, from_grants, to_grants } => {
                Some(RebuiltView { from: from.clone(), to: Some(to.clone()), from_grants: from_grants.clone(), to_grants: to_grants.clone() })
            }
            _ => None,
        })
        .collect();
    // The dropped views reading the retyped tables or the views around them, to a fixed point.
    let mut dropped: Vec<&View> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropView(v) => Some(v),
            _ => None,
        })
        .collect();
    loop {
        let reads = |v: &View| v.depends_on.iter().any(|d| retyped.contains(&now(d)) || views.iter().any(|w| &w.from.name == d));
        let Some(i) = dropped.iter().position(|v| reads(v)) else { break };
        let v = dropped.remove(i);
        views.push(RebuiltView { from: v.clone(), to: None, from_grants: Vec::new(), to_grants: Vec::new() });
    }
    if views.is_empty() {
        return Vec::new();
    }
    // The new views the new forms read, directly or not, to a fixed point (in plan order).
    let created: Vec<&View> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateView(v) => Some(v),
            _ => None,
        })
        .collect();
    let mut reads_new: BTreeSet<&QualifiedName> = views.iter().filter_map(|v| v.to.as_ref()).flat_map(|t| &t.depends_on).filter(|d| created.iter().any(|c| &c.name == *d)).collect();
    loop {
        let more: Vec<&QualifiedName> = created.iter().filter(|c| reads_new.contains(&c.name)).flat_map(|c| &c.depends_on).filter(|d| !reads_new.contains(d) && created.iter().any(|c| &c.name == *d)).collect();
        if more.is_empty() {
            break;
        }
        reads_new.extend(more);
    }
    let reads_new: Vec<&View> = created.into_iter().filter(|c| reads_new.contains(&c.name)).collect();
    // Each view and table in a group of its own, then groups joined along
    // what each view reads (as it is and as it will be), to a fixed point.
    let mut group: BTreeMap<QualifiedName, usize> = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        group.insert(v.from.name.clone(), i);
    }
    for (k, v) in reads_new.iter().enumerate() {
        group.insert(v.name.clone(), views.len() + k);
    }
    for (k, t) in retyped.iter().enumerate() {
        group.entry((*t).clone()).or_insert(views.len() + reads_new.len() + k);
    }
    // What each view reads: its old form and new one; a new view, as it will be.
    let edges: Vec<(&QualifiedName, Vec<QualifiedName>)> = views
        .iter()
        .map(|v| (&v.from.name, v.from.depends_on.iter().map(now).chain(v.to.iter().flat_map(|t| t.depends_on.iter().cloned())).collect()))
        .chain(reads_new.iter().map(|v| (&v.name, v.depends_on.clone())))
        .collect();
    loop {
        let mut joined = false;
        for (name, deps) in &edges {
            for dep in deps {
                let (Some(&a), Some(&b)) = (group.get(*name), group.get(dep)) else { continue };
                if a != b {
                    let low = a.min(b);
                    for g in group.values_mut() {
                        if *g == a || *g == b {
                            *g = low;
                        }
                    }
                    joined = true;
                }
            }
        }
        if !joined {
            break;
        }
    }
    let mut out: Vec<ViewRebuild> = Vec::new();
    let mut index: BTreeMap<usize, usize> = BTreeMap::new();
    for v in views {
        let at = *index.entry(group[&v.from.name]).or_insert_with(|| {
            out.push(ViewRebuild::default());
            out.len() - 1
        });
        out[at].views.push(v);
    }
    for v in reads_new {
        out[index[&group[&v.name]]].reads_new.push(v.clone());
    }
    for (name, g) in &group {
        if retyped.contains(name) {
            if let Some(&at) = index.get(g) {
                out[at].tables.insert(name.clone());
            }
        }
    }
    out
}

/// `views` in the dependency order of their new forms (`new`) or their old
/// ones: a view after the views of the list it reads, otherwise in list order.
fn view_order(views: &[RebuiltView], new: bool) -> Vec<&RebuiltView> {
    fn visit<'a>(i: usize, views: &'a [RebuiltView], new: bool, done: &mut [bool], out: &mut Vec<&'a RebuiltView>) {
        if done[i] {
            return;
        }
        done[i] = true;
        let v = if new { views[i].to.as_ref().unwrap_or(&views[i].from) } else { &views[i].from };
        for dep in &v.depends_on {
            if let Some(j) = views.iter().position(|w| &w.from.name == dep) {
                visit(j, views, new, done, out);
            }
        }
        out.push(&views[i]);
    }
    let mut done = vec![false; views.len()];
    let mut out = Vec::with_capacity(views.len());
    for i in 0..views.len() {
        visit(i, views, new, &mut done, &mut out);
    }
    out
}

/// The new forms of `views` and the new views `created`, in dependency
/// order (a view after those of the list it reads, otherwise in list order,
/// the rebuilt views first), each with the privileges the step grants on it.
fn new_view_order<'a>(views: &'a [RebuiltView], created: &'a [View]) -> Vec<(&'a View, &'a [GrantItem])> {
    let list: Vec<(&View, &[GrantItem])> = view_order(views, true).into_iter().filter_map(|v| Some((v.to.as_ref()?, &v.to_grants[..]))).chain(created.iter().map(|v| (v, &[][..]))).collect();
    fn visit<'a>(i: usize, list: &[(&'a View, &'a [GrantItem])], done: &mut [bool], out: &mut Vec<(&'a View, &'a [GrantItem])>) {
        if done[i] {
            return;
        }
        done[i] = true;
        for dep in &list[i].0.depends_on {
            if let Some(j) = list.iter().position(|(w, _)| &w.name == dep) {
                visit(j, list, done, out);
            }
        }
        out.push(list[i]);
    }
    let mut done = vec![false; list.len()];
    let mut out = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        visit(i, &list, &mut done, &mut out);
    }
    out
}

/// The columns whose type the plan changes, and the generated columns it drops
/// and adds again (their expression changes): (table, column by its new name).
fn retyped_columns(changes: &[Change]) -> Vec<(&QualifiedName, &str)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumn { table, to, change: ColumnChange::Type, .. } => Some((table, to.name.as_str())),
            Change::AlterColumn { table, from, to, change: ColumnChange::Generated } if rebuilds_generated(from, to) => Some((table, to.name.as_str())),
            _ => None,
        })
        .collect()
}

/// Whether a change of generation drops the column and adds it again (all
/// but a column that stops being generated, which keeps its values).
fn rebuilds_generated(from: &Column, to: &Column) -> bool {
    !(from.generated.is_some() && to.generated.is_none())
}

/// What a generated column's rebuild (dropped and added again, see
/// [`Planner::alter_column`]) drops and creates again in its step besides
/// the triggers and policies naming the column ([`Retriggers`],
/// [`Repolicies`]): PostgreSQL drops with the column the indexes on it
/// (multi-column, expression and partial ones whose predicate names it
/// too), the table's constraints naming it, its comment and its column
/// privileges, without a word; and it refuses to drop it under a foreign
/// key of another table referencing it (2BP01). Each is there before the
/// step and after it, as it was; none is missing outside the step.
///
/// They are taken as they are when the step runs, which is their form
/// before the plan, both ways: an index or constraint the plan creates (or
/// replaces) is created by a later step, one the plan drops before is gone
/// already (every constraint the plan drops is); an index the contract phase
/// drops is still there, in its old form (its column keys by the columns'
/// new names, its expressions and predicate as written before the plan,
/// created under the old names if they name a renamed column, see
/// [`Planner::under_old_names`]); comments and privileges changed by the
/// plan are set by later steps; the foreign keys of a table the contract
/// phase drops are still there.
#[derive(Debug, Default)]
struct Dependents {
    /// The indexes of the table naming the column, with their comments.
    indexes: Vec<Form<Index>>,
    /// The table's constraints naming the column.
    constraints: Vec<Constraint>,
    /// Foreign keys of other tables referencing the column: (their table, the key).
    referenced_by: Vec<(QualifiedName, Constraint)>,
    /// The column's comment.
    comment: Option<String>,
    /// The privileges on the column.
    grants: Vec<GrantItem>,
}

/// Whether `index` names a column called one of `columns`: as a key, in a
/// key expression, as an `INCLUDE` column or in its predicate.
fn index_names_column(index: &Index, columns: &[&str]) -> bool {
    index.keys.iter().any(|k| matches!(&k.target, crate::model::IndexTarget::Column(c) if columns.contains(&c.as_str())))
        || index.include.iter().any(|c| columns.contains(&c.as_str()))
        || index_text_names(index, columns)
}

/// Whether `index`'s key expressions or predicate name a column called one
/// of `columns` (a word of them, a function of the same name aside).
fn index_text_names(index: &Index, columns: &[&str]) -> bool {
    let named = |e: &str| crate::validate::sql::words(e).any(|w| !w.before_paren && columns.iter().any(|c| w.is_identifier(c)));
    index.keys.iter().any(|k| matches!(&k.target, crate::model::IndexTarget::Expression(e) if named(e))) || index.predicate.as_deref().is_some_and(named)
}

/// `index` with its column keys and `INCLUDE` columns by their names after
/// the column renames of its table (its expressions and predicate are text,
/// left as they are).
fn followed_index(index: &Index, renames: Option<&BTreeMap<String, String>>) -> Index {
    let mut i = index.clone();
    let Some(renames) = renames else { return i };
    for key in &mut i.keys {
        if let crate::model::IndexTarget::Column(c) = &mut key.target {
            if let Some(new) = renames.get(c) {
                *c = new.clone();
            }
        }
    }
    for c in &mut i.include {
        if let Some(new) = renames.get(c) {
            *c = new.clone();
        }
    }
    i
}

/// Whether `constraint`, one of `table`'s, names its column `column`.
fn constraint_names_column(table: &QualifiedName, constraint: &Constraint, column: &str) -> bool {
    let has = |v: &[String]| v.iter().any(|c| c == column);
    match constraint {
        Constraint::PrimaryKey(pk) => has(&pk.columns),
        Constraint::Unique(u) => has(&u.columns),
        Constraint::Check(c) => crate::validate::sql::words(&c.expr).any(|w| !w.before_paren && w.is_identifier(column)),
        Constraint::ForeignKey(fk) => has(&fk.columns) || fk.references == *table && has(&fk.referenced_columns),
    }
}

/// See [`Dependents`]; `generated` is [`SchemaDiff::generated`],
/// `foreign_keys` [`SchemaDiff::foreign_keys`], `changes` are after the renames.
fn dependents(
    changes: &[Change],
    generated: &BTreeMap<QualifiedName, ColumnDependents>,
    foreign_keys: &BTreeMap<QualifiedName, Vec<crate::model::ForeignKey>>,
    column_renames: &BTreeMap<QualifiedName, BTreeMap<String, String>>,
    declared: &[Rename],
) -> BTreeMap<(QualifiedName, String), Dependents> {
    let mut out = BTreeMap::new();
    for c in changes {
        let Change::AlterColumn { table, from, to, change: ColumnChange::Generated } = c else { continue };
        let Some(of) = generated.get(table).filter(|_| rebuilds_generated(from, to)) else { continue };
        let column = to.name.as_str();
        let renames = column_renames.get(table);
        let mut names = vec![column];
        names.extend(old_names(renames, column));
        let created = |name: &Option<String>| changes.iter().any(|c| matches!(c, Change::CreateIndex { table: t, index } if t == table && index.name == *name));
        let added = |on: &QualifiedName, name: &str| changes.iter().any(|c| matches!(c, Change::AddConstraint { table: t, constraint } if t == on && constraint.name() == name));
        // Its comment before the plan (a changed one is set by a later comment step).
        let comment = |i: &Index| {
            let name = QualifiedName::new(&table.schema, i.name.clone().unwrap_or_default());
            changes
                .iter()
                .find_map(|c| match c {
                    Change::SetComment { target: CommentTarget::Index(n), from, .. } if *n == name => Some(from.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| i.comment.clone())
        };
        let mut d = Dependents { comment: from.comment.clone(), ..Dependents::default() };
        for i in of.indexes.iter().filter(|i| !created(&i.name) && index_names_column(i, &[column])) {
            d.indexes.push(Form::new(Index { comment: comment(i), ..i.clone() }));
        }
        for c in changes {
            if let Change::DropIndex { table: t, index } = c {
                let followed = followed_index(index, renames);
                if t == table && !created(&index.name) && index_names_column(&followed, &names) {
                    d.indexes.push(Form::old(followed));
                }
            }
        }
        d.constraints = of.constraints.iter().filter(|c| !added(table, c.name()) && constraint_names_column(table, c, column)).cloned().collect();
        d.referenced_by = foreign_keys
            .iter()
            .filter(|(on, _)| *on != table)
            .flat_map(|(on, keys)| keys.iter().filter(|fk| fk.references == *table && fk.referenced_columns.iter().any(|r| r == column)).map(move |fk| (on.clone(), Constraint::ForeignKey(fk.clone()))))
            .filter(|(on, c)| !added(on, c.name()))
            .collect();
        // Those of a table the contract phase drops (referencing the table by
        // its old name, its columns by theirs).
        let old_table = declared.iter().find_map(|r| match r {
            Rename::Table { from, to } if to == table => Some(from),
            _ => None,
        });
        for c in changes {
            let Change::DropTable(t) = c else { continue };
            for fk in t.foreign_keys.iter().filter(|fk| fk.references == *table || Some(&fk.references) == old_table) {
                let mut fk = fk.clone();
                fk.references = table.clone();
                fk.referenced_columns = fk.referenced_columns.iter().map(|c| column_renames.get(table).and_then(|r| r.get(c)).unwrap_or(c).clone()).collect();
                if fk.referenced_columns.iter().any(|r| r == column) {
                    d.referenced_by.push((t.name.clone(), Constraint::ForeignKey(fk)));
                }
            }
        }
        // The privileges before the plan: those after, but those granted by it, and those it revokes.
        let object = GrantObject::Column(table.clone(), column.to_owned());
        let granted: Vec<&GrantItem> = changes.iter().filter_map(|c| if let Change::Grant(g) = c { Some(g) } else { None }).collect();
        d.grants = of.grants.iter().filter(|g| g.object == object && !granted.contains(g)).cloned().collect();
        d.grants.extend(changes.iter().filter_map(|c| match c {
            Change::Revoke(g) if g.object == object => Some(g.clone()),
            _ => None,
        }));
        out.insert((table.clone(), column.to_owned()), d);
    }
    out
}

/// Records an object around the type changes of `columns`, in plan order: the
/// earlier steps create it again `unchanged`, the last one `changed` (its new
/// form, if the plan changes it). Whether there was any such column.
fn spread<T: Clone>(around: &mut BTreeMap<(QualifiedName, String), Vec<T>>, columns: impl Iterator<Item = (QualifiedName, String)>, unchanged: T, changed: T) -> bool {
    let columns: Vec<_> = columns.collect();
    let Some((last, earlier)) = columns.split_last() else { return false };
    for column in earlier {
        around.entry(column.clone()).or_default().push(unchanged.clone());
    }
    around.entry(last.clone()).or_default().push(changed);
    true
}

/// Names created again after a drop in the same diff: (kind, table, name).
fn replacements(changes: &[Change]) -> BTreeSet<(&'static str, String, String)> {
    let mut created = BTreeSet::new();
    for c in changes {
        match c {
            Change::CreateIndex { table, index } => {
                created.insert(("index", table.to_string(), index.name.clone().unwrap_or_default()));
            }
            Change::AddConstraint { table, constraint } => {
                created.insert(("constraint", table.to_string(), constraint.name().to_owned()));
            }
            Change::CreateTrigger { table, trigger } => {
                created.insert(("trigger", table.to_string(), trigger.name.clone()));
            }
            Change::AddPartition { table, partition } => {
                created.insert(("partition", table.to_string(), partition.name.clone()));
            }
            _ => {}
        }
    }
    // A dropped partition whose bound overlaps an added one's (same table) is
    // replaced too, whatever the names: PostgreSQL refuses the new partition
    // while the old one is attached (42P17), so the drop runs first.
    for c in changes {
        let Change::DropPartition { table, partition: old } = c else { continue };
        let overlapped = changes.iter().any(|a| matches!(a, Change::AddPartition { table: t, partition: new } if t == table && bounds_overlap(&old.bound, &new.bound)));
        if overlapped {
            created.insert(("partition", table.to_string(), old.name.clone()));
        }
    }
    created
}

/// Whether two partitions' bounds may share a row: range intervals that
/// intersect, list value sets that intersect, hash partitions of moduli where
/// one divides the other and remainders equal modulo the smaller. Values whose
/// order or equality cannot be told from their text (text ranges, casts,
/// expressions, timestamps with and without a time zone) may overlap.
fn bounds_overlap(a: &crate::model::PartitionBound, b: &crate::model::PartitionBound) -> bool {
    use crate::model::PartitionBound as B;
    use std::cmp::Ordering::{Equal, Less};
    match (a, b) {
        (B::Range { from: f1, to: t1 }, B::Range { from: f2, to: t2 }) => {
            // Disjoint only when one ends at or before the other starts.
            let ends_before = |to: &[String], from: &[String]| matches!(compare_rows(to, from), Some(Less | Equal));
            !(ends_before(t1, f2) || ends_before(t2, f1))
        }
        (B::List(x), B::List(y)) => x.iter().any(|v| y.iter().any(|w| bound_values_may_be_equal(v, w))),
        (B::Hash { modulus: m1, remainder: r1 }, B::Hash { modulus: m2, remainder: r2 }) => {
            let (small, large) = if m1 <= m2 { (*m1, *m2) } else { (*m2, *m1) };
            small != 0 && large % small == 0 && r1 % small == r2 % small
        }
        // Strategies differ: the partitioning changed, planned elsewhere.
        _ => false,
    }
}

/// A partition bound value, as far as its text tells.
#[derive(Clone, Debug, PartialEq)]
enum BoundValue {
    MinValue,
    MaxValue,
    Int(i128),
    Float(f64),
    /// A date or timestamp: (days since 1970-01-01, nanoseconds of the day), and
    /// the UTC offset in seconds when one is written.
    Time(i64, u64, Option<i64>),
    /// A quoted string that is no number or timestamp (its order depends on a collation).
    Text(String),
    /// Anything else, compared by its text.
    Other(String),
}

fn bound_value(s: &str) -> BoundValue {
    let s = s.trim();
    if s.eq_ignore_ascii_case("MINVALUE") {
        return BoundValue::MinValue;
    }
    if s.eq_ignore_ascii_case("MAXVALUE") {
        return BoundValue::MaxValue;
    }
    let quoted = s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') && !s[1..s.len() - 1].replace("''", "").contains('\'');
    let content = if quoted { s[1..s.len() - 1].replace("''", "'") } else { s.to_owned() };
    if let Ok(i) = content.parse::<i128>() {
        return BoundValue::Int(i);
    }
    if content.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        if let Ok(f) = content.parse::<f64>() {
            if f.is_finite() {
                return BoundValue::Float(f);
            }
        }
    }
    if quoted {
        if let Some((days, nanos, offset)) = parse_timestamp(&content) {
            return BoundValue::Time(days, nanos, offset);
        }
        return BoundValue::Text(content);
    }
    BoundValue::Other(s.to_owned())
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z|UTC|(+|-)HH[:MM]]`.
fn parse_timestamp(s: &str) -> Option<(i64, u64, Option<i64>)> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit())).then(|| part.parse().ok()).flatten()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let date = crate::model::CivilDate::new(y as i32, m as u32, d as u32)?;
    let mut rest = &s[10..];
    let mut nanos = 0u64;
    if let Some(time) = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('T')) {
        let end = time.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(time.len());
        let (clock, tail) = time.split_at(end);
        let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
        let parts: Vec<&str> = hms.split(':').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit())) {
            return None;
        }
        let secs: u64 = parts.iter().fold(0u64, |acc, p| acc * 60 + p.parse::<u64>().unwrap_or(0)) * if parts.len() == 2 { 60 } else { 1 };
        if frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let frac_nanos = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse::<u64>().ok()? };
        nanos = secs * 1_000_000_000 + frac_nanos;
        rest = tail;
    }
    let offset = match rest.trim() {
        "" => None,
        "Z" | "z" | "UTC" | "utc" => Some(0),
        tz => {
            let sign = match tz.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = tz[1..].split_once(':').unwrap_or((&tz[1..], "00"));
            if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|c| c.is_ascii_digit()) {
                return None;
            }
            Some(sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60))
        }
    };
    Some((days_from_civil(date.year as i64, date.month as i64, date.day as i64), nanos, offset))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The order of two bound values, `None` when their text does not tell.
fn compare_values(a: &BoundValue, b: &BoundValue) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    use BoundValue as V;
    match (a, b) {
        (V::MinValue, V::MinValue) | (V::MaxValue, V::MaxValue) => Some(Equal),
        (V::MinValue, _) | (_, V::MaxValue) => Some(Less),
        (_, V::MinValue) | (V::MaxValue, _) => Some(Greater),
        (V::Int(x), V::Int(y)) => Some(x.cmp(y)),
        (V::Int(x), V::Float(y)) => (*x as f64).partial_cmp(y),
        (V::Float(x), V::Int(y)) => x.partial_cmp(&(*y as f64)),
        (V::Float(x), V::Float(y)) => x.partial_cmp(y),
        (V::Time(d1, n1, o1), V::Time(d2, n2, o2)) => match (o1, o2) {
            (None, None) => Some((d1, n1).cmp(&(d2, n2))),
            (Some(o1), Some(o2)) => {
                let instant = |d: i64, n: u64, o: i64| (d * 86_400 + (n / 1_000_000_000) as i64 - o, n % 1_000_000_000);
                Some(instant(*d1, *n1, *o1).cmp(&instant(*d2, *n2, *o2)))
            }
            // One is read in the session's time zone.
            _ => None,
        },
        (x, y) if x == y => Some(Equal),
        _ => None,
    }
}

/// Row-wise order of two bound tuples, `None` when it cannot be told.
fn compare_rows(a: &[String], b: &[String]) -> Option<std::cmp::Ordering> {
    if a.len() != b.len() {
        return None;
    }
    for (x, y) in a.iter().zip(b) {
        match compare_values(&bound_value(x), &bound_value(y))? {
            std::cmp::Ordering::Equal => continue,
            other => return Some(other),
        }
    }
    Some(std::cmp::Ordering::Equal)
}

/// Whether two list values may be the same value (`false` only when they surely differ).
fn bound_values_may_be_equal(a: &str, b: &str) -> bool {
    let (x, y) = (bound_value(a), bound_value(b));
    match (&x, &y) {
        // Different strings are different values (deterministic collations).
        (BoundValue::Text(s), BoundValue::Text(t)) => s == t,
        (BoundValue::Other(s), BoundValue::Other(t)) => s.eq_ignore_ascii_case(t),
        _ => compare_values(&x, &y).map_or(true, |o| o == std::cmp::Ordering::Equal),
    }
}

/// A renamed table whose partitions follow it: partitioned alike (same
/// strategy and key) before and after.
struct FollowedPartitions {
    /// The schema its partitions are in before (the table's old schema).
    from_schema: String,
    /// Its partitions before, the default one included, by their old names.
    old: Vec<String>,
    /// Its partitions after, the default one included.
    new: Vec<String>,
    /// The rename of its default partition (`logs_default` to `events_default`),
    /// which the diff compares by presence only, when it has one and the
    /// table's name changes.
    default: Option<(String, String)>,
}

/// Turns drop + add pairs that a declared rename covers into a rename and the
/// changes between the old and the new object. Also gives, for each renamed
/// partitioned table, its partitions while indexes are built (after the
/// renames and moves of its partitions, with the new ones, before any drop):
/// the diff only knows those of tables whose name is kept.
fn apply_renames(changes: &[Change], renames: &[Rename], names: &BTreeMap<QualifiedName, NameHolder>) -> Renamed {
    let mut changes = changes.to_vec();
    let mut moved = BTreeMap::new();
    // Renamed tables whose partitions follow them.
    let mut partitioned: BTreeMap<QualifiedName, FollowedPartitions> = BTreeMap::new();
    for rename in renames {
        match rename {
            Rename::Table { from, to } => {
                let old = changes.iter().position(|c| matches!(c, Change::DropTable(t) if &t.name == from));
                let new = changes.iter().position(|c| matches!(c, Change::CreateTable(t) if &t.name == to));
                let (Some(old), Some(new)) = (old, new) else { continue };
                let (Change::DropTable(old_table), Change::CreateTable(new_bare)) = (changes[old].clone(), changes[new].clone()) else { continue };
                // Rebuild the full new table from CREATE TABLE and its extras.
                let mut new_table = new_bare;
                // Its partitions' row-level security comes again from diff_table below.
                let partitions: Vec<QualifiedName> =
                    new_table.partitioning.iter().flat_map(|p| p.partition_names(&to.name)).map(|n| QualifiedName::new(&to.schema, n)).collect();
                changes.retain(|c| match c {
                    Change::SetRowLevelSecurity { table, .. } if partitions.contains(table) => false,
                    Change::CreateIndex { table, index } if table == to => {
                        new_table.indexes.push(index.clone());
                        false
                    }
                    Change::CreateTrigger { table, trigger } if table == to => {
                        new_table.triggers.push(trigger.clone());
                        false
                    }
                    Change::CreatePolicy { table, policy } if table == to => {
                        new_table.policies.push(policy.clone());
                        false
                    }
                    Change::SetRowLevelSecurity { table, to: rls, .. } if table == to => {
                        new_table.rls = *rls;
                        false
                    }
                    Change::DropTable(t) if &t.name == from => false,
                    Change::CreateTable(t) if &t.name == to => false,
                    _ => true,
                });
                let mut renamed = old_table.clone();
                renamed.name = to.clone();
                let mut rest = vec![Change::RenameTable { from: from.clone(), to: to.clone() }];
                diff_table(&renamed, &new_table, &mut rest);
                changes.splice(0..0, rest);
                moved.insert(from.clone(), to.clone());
                // Partitions follow a rename within the schema, and a move to
                // another one (which PostgreSQL does not do with the table).
                if let (Some(a), Some(b)) = (&old_table.partitioning, &new_table.partitioning) {
                    if a.strategy == b.strategy && a.columns == b.columns {
                        // The diff compares the default partition by presence, not by
                        // name: under the old name, it is no default partition of the
                        // new one. Renamed before it is dropped, if it is.
                        let default = (a.default_partition && from.name != to.name).then(|| {
                            (crate::model::Partitioning::default_partition_name(&from.name), crate::model::Partitioning::default_partition_name(&to.name))
                        });
                        let names = |p: &crate::model::Partitioning, table: &str| p.partition_names(table).map(|n| n.into_owned()).collect();
                        let followed = FollowedPartitions { from_schema: from.schema.clone(), old: names(a, &from.name), new: names(b, &to.name), default };
                        partitioned.insert(to.clone(), followed);
                    }
                }
            }
            Rename::Column { table, from, to } => {
                let old = changes.iter().position(|c| matches!(c, Change::DropColumn { table: t, column } if t == table && &column.name == from));
                let new = changes.iter().position(|c| matches!(c, Change::AddColumn { table: t, column } if t == table && &column.name == to));
                let (Some(old), Some(new)) = (old, new) else { continue };
                let (Change::DropColumn { column: old_column, .. }, Change::AddColumn { column: new_column, .. }) = (changes[old].clone(), changes[new].clone()) else {
                    continue;
                };
                changes.retain(|c| {
                    !matches!(c, Change::DropColumn { table: t, column } if t == table && &column.name == from)
                        && !matches!(c, Change::AddColumn { table: t, column } if t == table && &column.name == to)
                });
                let mut renamed = old_column.clone();
                renamed.name = to.clone();
                let mut rest = vec![Change::RenameColumn { table: table.clone(), from: from.clone(), to: to.clone() }];
                diff_column(table, &renamed, &new_column, &mut rest);
                changes.splice(0..0, rest);
            }
        }
    }
    let Followed { partition_renames, promoted, errors } = follow_renames(&mut changes, &moved, &partitioned, names);
    rename_identical_indexes(&mut changes, names);
    let mut partitions = BTreeMap::new();
    for (table, followed) in &partitioned {
        let renamed = partition_renames.get(table);
        let mut names: BTreeSet<String> = followed.old.iter().map(|old| renamed.and_then(|r| r.get(old)).unwrap_or(old).clone()).collect();
        names.extend(followed.new.iter().cloned());
        partitions.insert(table.clone(), names.into_iter().collect());
    }
    Renamed { changes, partitions, promoted, errors }
}

/// An index dropped and one of the same definition created on the same table
/// under another name become a [`Change::RenameIndex`] (and a comment change,
/// if their comments differ), on any table: nothing is built. That is an
/// existing database's index under PostgreSQL's name (`orders_customer_id_idx`)
/// declared without one (`idx_orders_customer_id`). Not when the new name is
/// held before the migration (by a relation the plan drops, or keeps): that
/// stays a drop and a create, ordered by [`check_taken_names`].
fn rename_identical_indexes(changes: &mut Vec<Change>, names: &BTreeMap<QualifiedName, NameHolder>) {
    let mut taken = vec![false; changes.len()];
    let mut renames: Vec<(usize, usize)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        let Change::DropIndex { table, index: old } = c else { continue };
        let found = changes.iter().enumerate().position(|(j, c)| {
            !taken[j]
                && matches!(c, Change::CreateIndex { table: t, index: new } if t == table
                    && new.name != old.name
                    && Index { name: new.name.clone(), comment: new.comment.clone(), ..old.clone() } == *new
                    && !names.contains_key(&QualifiedName::new(&t.schema, new.name.clone().unwrap_or_default())))
        });
        if let Some(j) = found {
            taken[j] = true;
            renames.push((i, j));
        }
    }
    if renames.is_empty() {
        return;
    }
    let mut instead: BTreeMap<usize, Vec<Change>> = BTreeMap::new();
    for (i, j) in renames {
        let (Change::DropIndex { table, index: old }, Change::CreateIndex { index: new, .. }) = (&changes[i], &changes[j]) else { continue };
        let to = new.name.clone().unwrap_or_default();
        let mut rest = vec![Change::RenameIndex { table: table.clone(), from: old.name.clone().unwrap_or_default(), to: to.clone() }];
        if old.comment != new.comment {
            rest.push(Change::SetComment { target: CommentTarget::Index(QualifiedName::new(&table.schema, to)), from: old.comment.clone(), to: new.comment.clone() });
        }
        instead.insert(i, rest);
        instead.insert(j, Vec::new());
    }
    let old = std::mem::take(changes);
    for (i, c) in old.into_iter().enumerate() {
        match instead.remove(&i) {
            Some(rest) => changes.extend(rest),
            None => changes.push(c),
        }
    }
}

/// PostgreSQL keeps the privileges on a table and its columns across a
/// table or column rename (or a move to another schema), but the diff sees a
/// dropped and a created object: it grants the privileges again by the new
/// names (whose undo would revoke them before the renames are undone, so the
/// down migration loses them), and revokes none of the old names'. Compared
/// across the renames applied (`changes`' [`Change::RenameTable`]s and
/// [`Change::RenameColumn`]s): a privilege kept is no grant, and one the
/// target no longer has is revoked by its new name (if the table and
/// column are still there after the migration: `columns`).
fn follow_grant_renames(changes: &mut Vec<Change>, grants: &[Vec<GrantItem>; 2], columns: &BTreeMap<QualifiedName, Vec<String>>) {
    let mut tables: BTreeMap<QualifiedName, QualifiedName> = BTreeMap::new();
    let mut renamed: BTreeMap<QualifiedName, BTreeMap<String, String>> = BTreeMap::new();
    for c in changes.iter() {
        match c {
            Change::RenameTable { from, to } => {
                tables.insert(from.clone(), to.clone());
            }
            Change::RenameColumn { table, from, to } => {
                renamed.entry(table.clone()).or_default().insert(from.clone(), to.clone());
            }
            _ => {}
        }
    }
    if tables.is_empty() && renamed.is_empty() {
        return;
    }
    let table = |t: &QualifiedName| tables.get(t).unwrap_or(t).clone();
    let forward = |o: &GrantObject| match o {
        GrantObject::Table(t) => GrantObject::Table(table(t)),
        GrantObject::Column(t, c) => {
            let t = table(t);
            let c = renamed.get(&t).and_then(|m| m.get(c)).unwrap_or(c).clone();
            GrantObject::Column(t, c)
        }
        o => o.clone(),
    };
    let exists = |o: &GrantObject| match o {
        GrantObject::Table(t) => columns.contains_key(t),
        GrantObject::Column(t, c) => columns.get(t).is_some_and(|cs| cs.contains(c)),
        _ => false,
    };
    for old in &grants[0] {
        let object = forward(&old.object);
        if object == old.object {
            continue;
        }
        let kept = GrantItem { object, ..old.clone() };
        if grants[1].contains(&kept) {
            changes.retain(|c| !matches!(c, Change::Grant(g) if *g == kept));
        } else if exists(&kept.object) && !changes.contains(&Change::Revoke(kept.clone())) {
            changes.push(Change::Revoke(kept));
        }
    }
}

/// What [`apply_renames`] gives back.
struct Renamed {
    /// The changes, renames in.
    changes: Vec<Change>,
    /// Each renamed partitioned table's partitions while indexes are built.
    partitions: BTreeMap<QualifiedName, Vec<String>>,
    /// Drops that run early, to free a name (see [`Followed::promoted`]).
    promoted: Vec<(Change, u32)>,
    /// Renames and moves refused.
    errors: Vec<PlanError>,
}

/// After a table or column rename PostgreSQL keeps every constraint and index,
/// and a foreign key follows the table and columns it references; only the
/// names derived from the old names (`posts_pkey`, `posts_email_key`,
/// `idx_posts_user_id`) differ from the declaration. A drop and an add of the
/// same kind on the same table whose definitions are equal once the old one
/// follows the renames become a [`Change::RenameConstraint`] or
/// [`Change::RenameIndex`], or nothing when the name is the same too.
///
/// Triggers likewise (`posts_set_updated_at`, `posts_audit`, or names of the
/// user's own): a dropped and a created trigger of the same table that differ
/// only in name once `UPDATE OF` columns and arguments follow the column
/// renames become a [`Change::RenameTrigger`], so the trigger never stops
/// firing. One named after the renamed table (`posts_notify` to
/// `articles_notify`) whose definition changed too is renamed, then replaced
/// in place ([`Change::ReplaceTrigger`]). A same-named trigger the diff
/// replaces is compared once its `UPDATE OF` columns follow the renames: if
/// that is all that changed, nothing is left to do. A comment that differs becomes a comment change. Arguments are
/// strings PostgreSQL does not rewrite on a column rename: when they name a
/// renamed column (the audit trigger passes its key columns) a
/// [`Change::ReplaceTrigger`] (`CREATE OR REPLACE TRIGGER`) sets the new ones.
///
/// Partitions of a renamed table (`partitioned`, with the rename of its
/// default partition, which the diff compares by presence only): a dropped and
/// an added partition of the same bound become a [`Change::RenamePartition`],
/// so no row moves and no bound overlaps. When the table moves to another
/// schema, every partition it had (the default one, and those this plan drops
/// later, included) moves with it first ([`Change::MovePartition`], under its
/// old name), since PostgreSQL leaves them behind and the rest of the plan
/// names them in the table's schema. They come right after the table's
/// rename, moves first, each kind in the order of the old names. The
/// partitions' row-level security is theirs already: a change the diff gave
/// them as new partitions becomes the parent's change, or nothing. Returns
/// the partitions renamed: (table, old name) to new name.
///
/// Only on renamed tables, tables with renamed columns, and foreign keys that
/// reference those: elsewhere a changed name stays a drop and an add. A
/// constraint, index or trigger rename to a name that an object dropped by
/// this plan still holds stays a drop and an add as well (the drop runs after
/// the renames; a dropped index then runs before the creation, see
/// [`check_taken_names`]). A partition takes its name anyway: what holds it is dropped
/// first, and a relation this plan keeps holding a name the table's or its
/// partitions' moves and renames take refuses the plan (see [`free_names`]).
fn follow_renames(
    changes: &mut Vec<Change>,
    moved: &BTreeMap<QualifiedName, QualifiedName>,
    partitioned: &BTreeMap<QualifiedName, FollowedPartitions>,
    names: &BTreeMap<QualifiedName, NameHolder>,
) -> Followed {
    let mut columns: BTreeMap<QualifiedName, BTreeMap<String, String>> = BTreeMap::new();
    for c in changes.iter() {
        if let Change::RenameColumn { table, from, to } = c {
            columns.entry(table.clone()).or_default().insert(from.clone(), to.clone());
        }
    }
    if moved.is_empty() && columns.is_empty() {
        return Followed::default();
    }
    let renamed_tables: BTreeSet<&QualifiedName> = moved.values().collect();
    let touched = |t: &QualifiedName| renamed_tables.contains(t) || columns.contains_key(t);
    let column = |t: &QualifiedName, c: &String| columns.get(t).and_then(|m| m.get(c)).unwrap_or(c).clone();
    let follow_constraint = |t: &QualifiedName, c: &Constraint| -> Constraint {
        let mut c = c.clone();
        let cols = |v: &mut Vec<String>, t: &QualifiedName| {
            for c in v {
                *c = column(t, c);
            }
        };
        match &mut c {
            Constraint::PrimaryKey(pk) => cols(&mut pk.columns, t),
            Constraint::Unique(u) => cols(&mut u.columns, t),
            // Expressions are text: a renamed column in one stays a drop and an add.
            Constraint::Check(_) => {}
            Constraint::ForeignKey(fk) => {
                cols(&mut fk.columns, t);
                if let Some(to) = moved.get(&fk.references) {
                    fk.references = to.clone();
                }
                cols(&mut fk.referenced_columns, &fk.references);
            }
        }
        c
    };
    let follow_index = |t: &QualifiedName, i: &Index| -> Index {
        let mut i = i.clone();
        for key in &mut i.keys {
            if let crate::model::IndexTarget::Column(c) = &mut key.target {
                *c = column(t, c);
            }
        }
        i.include = i.include.iter().map(|c| column(t, c)).collect();
        i
    };
    // A trigger as its definition is compared: under `name`, without its
    // comment, events in a fixed order (as `diff_table` compares them).
    let trigger_def = |t: &Trigger, name: &str| -> Trigger {
        let mut t = t.clone();
        t.name = name.to_owned();
        t.comment = None;
        t.events.sort_by_key(|e| format!("{e:?}"));
        t
    };
    // `UPDATE OF` columns follow a column rename in PostgreSQL; `WHEN` is text
    // (a renamed column in it stays a drop and a create, as in a check).
    let follow_trigger = |t: &QualifiedName, tr: &Trigger| -> Trigger {
        let mut tr = tr.clone();
        for event in &mut tr.events {
            if let TriggerEvent::Update(cols) = event {
                for c in cols {
                    *c = column(t, c);
                }
            }
        }
        tr
    };
    let with_name = |c: &Constraint, name: &str| -> Constraint {
        let mut c = c.clone();
        let slot = match &mut c {
            Constraint::PrimaryKey(x) => &mut x.name,
            Constraint::Unique(x) => &mut x.name,
            Constraint::Check(x) => &mut x.name,
            Constraint::ForeignKey(x) => &mut x.name,
        };
        *slot = Some(name.to_owned());
        c
    };
    // Names still held until a drop of this plan runs: (table, constraint),
    // (schema, relation), keys' indexes, partitions and dropped tables' and
    // views' relations included, and (table, trigger).
    let mut held_constraints = BTreeSet::new();
    let mut held_triggers = BTreeSet::new();
    for c in changes.iter() {
        match c {
            Change::DropTrigger { table, trigger } => {
                held_triggers.insert((table.clone(), trigger.name.clone()));
            }
            Change::DropConstraint { table, constraint } => {
                held_constraints.insert((table.clone(), constraint.name().to_owned()));
            }
            _ => {}
        }
    }
    // A renamed table's default partition still has its old name (renamed below).
    let old_defaults: BTreeSet<&QualifiedName> = partitioned.keys().collect();
    let held_relations: BTreeMap<(String, String), Vec<usize>> =
        dropped_relations(changes, names, moved, &old_defaults).into_iter().map(|(n, at)| ((n.schema, n.name), at)).collect();

    let mut gone = vec![false; changes.len()];
    let mut replaced: Vec<(usize, Vec<Change>)> = Vec::new();
    // (table, old name) -> new name, for each partition renamed.
    let mut partition_renames: BTreeMap<QualifiedName, BTreeMap<String, String>> = BTreeMap::new();
    for i in 0..changes.len() {
        match &changes[i] {
            Change::DropPartition { table, partition: old } => {
                if !partitioned.contains_key(table) {
                    continue;
                }
                let found = (0..changes.len()).find(|&j| {
                    !gone[j] && matches!(&changes[j], Change::AddPartition { table: t, partition: new } if t == table && new.bound == old.bound && new.name != old.name)
                });
                let Some(j) = found else { continue };
                let Change::AddPartition { partition: new, .. } = &changes[j] else { continue };
                // A name a drop of this plan holds: the drop runs first (see below).
                gone[j] = true;
                gone[i] = true;
                partition_renames.entry(table.clone()).or_default().insert(old.name.clone(), new.name.clone());
            }
            Change::DropConstraint { table, constraint: old } => {
                let followed = follow_constraint(table, old);
                if !touched(table) && &followed == old {
                    continue;
                }
                let found = (0..changes.len()).find(|&j| {
                    !gone[j]
                        && matches!(&changes[j], Change::AddConstraint { table: t, constraint: new } if t == table && with_name(&followed, new.name()) == *new)
                });
                let Some(j) = found else { continue };
                let Change::AddConstraint { constraint: new, .. } = &changes[j] else { continue };
                let (from, to) = (old.name().to_owned(), new.name().to_owned());
                let key = matches!(new, Constraint::PrimaryKey(_) | Constraint::Unique(_));
                if from != to && (held_constraints.contains(&(table.clone(), to.clone())) || key && held_relations.contains_key(&(table.schema.clone(), to.clone()))) {
                    continue;
                }
                gone[j] = true;
                gone[i] = true;
                if from != to {
                    replaced.push((i, vec![Change::RenameConstraint { table: table.clone(), from, to }]));
                }
            }
            Change::DropIndex { table, index: old } => {
                let followed = follow_index(table, old);
                if !touched(table) && &followed == old {
                    continue;
                }
                let found = (0..changes.len()).find(|&j| {
                    !gone[j]
                        && matches!(&changes[j], Change::CreateIndex { table: t, index: new } if t == table
                            && Index { name: new.name.clone(), comment: new.comment.clone(), ..followed.clone() } == *new)
                });
                let Some(j) = found else { continue };
                let Change::CreateIndex { index: new, .. } = &changes[j] else { continue };
                let (from, to) = (old.name.clone().unwrap_or_default(), new.name.clone().unwrap_or_default());
                if from != to && held_relations.contains_key(&(table.schema.clone(), to.clone())) {
                    continue;
                }
                gone[j] = true;
                gone[i] = true;
                let mut instead = Vec::new();
                if from != to {
                    instead.push(Change::RenameIndex { table: table.clone(), from, to: to.clone() });
                }
                if old.comment != new.comment {
                    let target = CommentTarget::Index(QualifiedName::new(&table.schema, to));
                    instead.push(Change::SetComment { target, from: old.comment.clone(), to: new.comment.clone() });
                }
                replaced.push((i, instead));
            }
            Change::DropTrigger { table, trigger: old } => {
                if !touched(table) {
                    continue;
                }
                let followed = follow_trigger(table, old);
                // Arguments kept as they are, or following the column renames.
                let mapped = Trigger { arguments: old.arguments.iter().map(|a| column(table, a)).collect(), ..followed.clone() };
                let found = (0..changes.len()).find(|&j| {
                    !gone[j]
                        && matches!(&changes[j], Change::CreateTrigger { table: t, trigger: new } if t == table
                            && (trigger_def(&followed, &new.name) == trigger_def(new, &new.name) || trigger_def(&mapped, &new.name) == trigger_def(new, &new.name)))
                });
                // Else one named after the renamed table (`posts_notify` to
                // `articles_notify`) whose definition changed: renamed, then
                // replaced in place, so it never stops firing.
                let found = found.map(|j| (j, true)).or_else(|| {
                    let old_table = moved.iter().find(|(_, to)| *to == table).map(|(from, _)| from)?;
                    let name = format!("{}{}", table.name, old.name.strip_prefix(old_table.name.as_str())?);
                    (0..changes.len())
                        .find(|&j| !gone[j] && matches!(&changes[j], Change::CreateTrigger { table: t, trigger: new } if t == table && new.name == name))
                        .map(|j| (j, false))
                });
                let Some((j, same)) = found else { continue };
                let Change::CreateTrigger { trigger: new, .. } = &changes[j] else { continue };
                let (from, to) = (old.name.clone(), new.name.clone());
                if from != to && held_triggers.contains(&(table.clone(), to.clone())) {
                    continue;
                }
                gone[j] = true;
                gone[i] = true;
                let mut instead = Vec::new();
                if from != to {
                    instead.push(Change::RenameTrigger { table: table.clone(), from, to: to.clone() });
                }
                if !same {
                    // Before: the old definition under the new name, its `UPDATE OF` columns renamed.
                    let before = Trigger { name: to.clone(), ..followed.clone() };
                    instead.push(Change::ReplaceTrigger { table: table.clone(), from: before, to: new.clone() });
                } else if old.arguments != new.arguments {
                    // Before: the new definition with the old arguments (the columns are renamed by then).
                    let before = Trigger { arguments: old.arguments.clone(), comment: old.comment.clone(), ..new.clone() };
                    instead.push(Change::ReplaceTrigger { table: table.clone(), from: before, to: new.clone() });
                }
                if old.comment != new.comment {
                    let target = CommentTarget::Trigger(table.clone(), to);
                    instead.push(Change::SetComment { target, from: old.comment.clone(), to: new.comment.clone() });
                }
                replaced.push((i, instead));
            }
            Change::ReplaceTrigger { table, from: old, to: new } if touched(table) => {
                // Compared as PostgreSQL holds it after the column renames:
                // replaced only if it still differs, from its followed form
                // (the down step runs before the columns are renamed back).
                let followed = Trigger { name: new.name.clone(), ..follow_trigger(table, old) };
                gone[i] = true;
                let mut instead = Vec::new();
                if trigger_def(&followed, &new.name) != trigger_def(new, &new.name) {
                    instead.push(Change::ReplaceTrigger { table: table.clone(), from: followed, to: new.clone() });
                }
                replaced.push((i, instead));
            }
            _ => {}
        }
    }
    for (table, followed) in partitioned {
        if let Some((from, to)) = &followed.default {
            partition_renames.entry(table.clone()).or_default().insert(from.clone(), to.clone());
        }
    }
    // (table, schema its partitions move from, their names): every partition of a moved table.
    let partition_moves: BTreeMap<&QualifiedName, (&String, BTreeSet<&String>)> = partitioned
        .iter()
        .filter(|(table, followed)| followed.from_schema != table.schema)
        .map(|(table, followed)| (table, (&followed.from_schema, followed.old.iter().collect())))
        .collect();
    let (promoted, errors) = free_names(changes, &gone, &replaced, &held_relations, names, &partition_moves, &partition_renames);
    if !gone.contains(&true) && partition_renames.is_empty() && partition_moves.is_empty() && promoted.is_empty() {
        return Followed { partition_renames, promoted: Vec::new(), errors };
    }
    // A renamed partition keeps its row-level security, which is its parent's
    // before the change: the diff, seeing a new partition, gave it the default.
    let mut partition_parents: BTreeMap<QualifiedName, &QualifiedName> = BTreeMap::new();
    for (table, renames) in &partition_renames {
        for to in renames.values() {
            partition_parents.insert(QualifiedName::new(&table.schema, to), table);
        }
    }
    let parents_rls: BTreeMap<QualifiedName, crate::model::RowLevelSecurity> = changes
        .iter()
        .filter_map(|c| match c {
            Change::SetRowLevelSecurity { table, from, .. } if partition_renames.contains_key(table) => Some((table.clone(), *from)),
            _ => None,
        })
        .collect();
    let mut replaced: BTreeMap<usize, Vec<Change>> = replaced.into_iter().collect();
    let mut old: Vec<Option<Change>> = std::mem::take(changes).into_iter().map(Some).collect();
    // The drops that free a name, by the step they run just before.
    let mut freeing: BTreeMap<(QualifiedName, NamesStep), Vec<Change>> = BTreeMap::new();
    let mut promoted_out = Vec::new();
    for (at, (table, step)) in &promoted {
        let c = old[*at].take().expect("a change promoted once");
        promoted_out.push((c.clone(), if *step == NamesStep::Table { 0 } else { 1_000_000 }));
        freeing.entry((table.clone(), *step)).or_default().push(c);
    }
    let mut free = |changes: &mut Vec<Change>, table: &QualifiedName, step: NamesStep| changes.extend(freeing.remove(&(table.clone(), step)).unwrap_or_default());
    for (i, c) in old.into_iter().enumerate() {
        let Some(mut c) = c else { continue };
        if let Some(instead) = replaced.remove(&i) {
            changes.extend(instead);
            continue;
        } else if gone[i] {
            continue;
        }
        if let Change::SetRowLevelSecurity { table, from, to } = &mut c {
            if let Some(parent) = partition_parents.get(table) {
                *from = parents_rls.get(*parent).copied().unwrap_or(*to);
                if from == to {
                    continue;
                }
            }
        }
        let renamed_table = match &c {
            Change::RenameTable { to, .. } => Some(to.clone()),
            _ => None,
        };
        let Some(table) = renamed_table else {
            changes.push(c);
            continue;
        };
        free(changes, &table, NamesStep::Table);
        changes.push(c);
        free(changes, &table, NamesStep::Moves);
        if let Some((from_schema, names)) = partition_moves.get(&table) {
            changes.extend(names.iter().map(|name| Change::MovePartition { table: table.clone(), from_schema: (*from_schema).clone(), name: (*name).clone() }));
        }
        free(changes, &table, NamesStep::Renames);
        if let Some(renames) = partition_renames.get(&table) {
            changes.extend(renames.iter().map(|(from, to)| Change::RenamePartition { table: table.clone(), from: from.clone(), to: to.clone() }));
        }
    }
    Followed { partition_renames, promoted: promoted_out, errors }
}

/// What [`follow_renames`] gives back.
#[derive(Default)]
struct Followed {
    /// The partitions renamed: (table, old name) to new name.
    partition_renames: BTreeMap<QualifiedName, BTreeMap<String, String>>,
    /// The drops that free a name a rename or move takes, moved just before
    /// it: their steps run in the expand phase with the renames, `+ band`.
    promoted: Vec<(Change, u32)>,
    /// Renames and moves to names held by what the plan keeps.
    errors: Vec<PlanError>,
}

/// Which statements of a renamed table need a name free: the table's own
/// rename or move (its indexes and sequences move with it), its partitions'
/// moves, or their renames. A drop that frees the name runs just before them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum NamesStep {
    Table,
    Moves,
    Renames,
}

/// A name that a rename or move takes.
struct Need {
    /// The renamed table (its new name), whose statements take it.
    table: QualifiedName,
    step: NamesStep,
    /// The statement, as the error names it.
    what: String,
    name: QualifiedName,
    /// A table or partition, which takes a type name too (its row type).
    row_type: bool,
    /// The partition that moves under this name, whose own drop (later in the
    /// plan, in its new schema) is not what holds it.
    own: Option<String>,
    /// Taken for a moment only: the move comes before a rename.
    passing: bool,
    /// What moves under this name with the table or partition: its index or
    /// sequence, which keeps its name (as the error names it).
    carried: Option<String>,
}

/// The names that the renames and moves of renamed tables take (see
/// [`NamesStep`]): the table's name in its new schema under its old name, then
/// its new name, its indexes' and sequences' names in the new schema, each
/// partition's old name and its indexes' names in the new schema, then its
/// new name. Sequences and partitions' indexes under the names `names` gives
/// (those a database read back has).
///
/// A name held by a relation that a drop of this plan (`held`: name to change)
/// removes is freed first: the drop is promoted, to run just before the step
/// that takes the name, in the expand phase; returned as its position in
/// `changes` to (table, step). Unless a drop that runs later depends on it (a
/// view on it, a foreign key to it): that is refused. A name held by anything else `names` lists
/// (tables, partitions, indexes, views, sequences, and enums and domains for
/// the row type of a table or partition), except names this plan's renames
/// and moves free, is refused ([`PlanError::NameTaken`]): PostgreSQL would fail
/// with 42P07 (relation already exists) or 42710 (type already exists) and
/// the whole migration would roll back.
fn free_names(
    changes: &[Change],
    gone: &[bool],
    replaced: &[(usize, Vec<Change>)],
    held: &BTreeMap<(String, String), Vec<usize>>,
    names: &BTreeMap<QualifiedName, NameHolder>,
    partition_moves: &BTreeMap<&QualifiedName, (&String, BTreeSet<&String>)>,
    partition_renames: &BTreeMap<QualifiedName, BTreeMap<String, String>>,
) -> (BTreeMap<usize, (QualifiedName, NamesStep)>, Vec<PlanError>) {
    let moves_with_table = |h: &NameHolder| matches!(h.kind, NameKind::Index | NameKind::Sequence);
    // Names that the renames and moves of this plan free.
    let mut vacated: BTreeSet<QualifiedName> = BTreeSet::new();
    let mut needs = Vec::new();
    for c in changes {
        let Change::RenameTable { from, to } = c else { continue };
        vacated.insert(from.clone());
        let what = c.to_string();
        let (renamed, moved) = (from.name != to.name, from.schema != to.schema);
        let need = |step, name: QualifiedName, row_type, own: Option<&String>, passing: bool| Need {
            table: to.clone(),
            step,
            what: what.clone(),
            name,
            row_type,
            own: own.cloned(),
            passing,
            carried: None,
        };
        if moved {
            needs.push(need(NamesStep::Table, QualifiedName::new(&to.schema, &from.name), true, None, renamed));
            for (name, h) in names.iter().filter(|(_, h)| h.of.as_ref() == Some(from) && moves_with_table(h)) {
                vacated.insert(name.clone());
                // The sequences keep their names; the indexes follow the table's.
                let passing = renamed && h.kind == NameKind::Index;
                let carried = (!passing).then(|| h.what.clone());
                needs.push(Need { carried, ..need(NamesStep::Table, QualifiedName::new(&to.schema, &name.name), false, None, passing) });
            }
        }
        if renamed {
            needs.push(need(NamesStep::Table, to.clone(), true, None, false));
        }
        let renames = partition_renames.get(to);
        if let Some((from_schema, parts)) = partition_moves.get(to) {
            for &p in parts {
                vacated.insert(QualifiedName::new(from_schema.as_str(), p.as_str()));
                let passing = renames.is_some_and(|r| r.contains_key(p));
                let what = format!("move partition {p} of {to} from schema {from_schema}");
                needs.push(Need { what: what.clone(), ..need(NamesStep::Moves, QualifiedName::new(&to.schema, p.as_str()), true, Some(p), passing) });
                // Its indexes move with it, under their names.
                let of = QualifiedName::new(from_schema.as_str(), p.as_str());
                for (name, h) in names.iter().filter(|(_, h)| h.kind == NameKind::Index && h.of.as_ref() == Some(&of)) {
                    vacated.insert(name.clone());
                    let carried = Some(h.what.clone());
                    needs.push(Need { what: what.clone(), carried, ..need(NamesStep::Moves, QualifiedName::new(&to.schema, &name.name), false, Some(p), false) });
                }
            }
        }
        for (p, q) in renames.into_iter().flatten() {
            if !moved {
                vacated.insert(QualifiedName::new(&to.schema, p));
            }
            needs.push(Need { what: format!("rename partition {p} of {to} to {q}"), ..need(NamesStep::Renames, QualifiedName::new(&to.schema, q), true, None, false) });
        }
    }
    for (_, instead) in replaced {
        for c in instead {
            if let Change::RenameIndex { table, from, .. } | Change::RenameConstraint { table, from, .. } = c {
                vacated.insert(QualifiedName::new(&table.schema, from));
            }
        }
    }
    let replaced: BTreeSet<usize> = replaced.iter().map(|(i, _)| *i).collect();
    let mut promoted: BTreeMap<usize, (QualifiedName, NamesStep)> = BTreeMap::new();
    let mut errors = Vec::new();
    for n in &needs {
        let holders = held.get(&(n.name.schema.clone(), n.name.name.clone())).map(Vec::as_slice).unwrap_or_default();
        // Not the partition's own drop (later, in its new schema), nor a drop
        // paired into a rename (which frees the name itself).
        let own = |at: usize| matches!(&changes[at], Change::DropPartition { table, partition } if *table == n.table && Some(&partition.name) == n.own.as_ref());
        if let Some(&at) = holders.iter().find(|&&at| !own(at) && !gone[at] && !replaced.contains(&at)) {
            if let std::collections::btree_map::Entry::Vacant(slot) = promoted.entry(at) {
                slot.insert((n.table.clone(), n.step));
                if let Some(dependent) = dropped_later(changes, at, &promoted) {
                    errors.push(PlanError::Unsupported {
                        change: changes[at].to_string(),
                        why: format!(
                            "it holds the name {} that `{}` takes, so it is dropped first, just before, but {dependent} depends on it and is dropped later: drop them in an earlier migration",
                            n.name, n.what
                        ),
                    });
                }
            }
            continue;
        }
        let Some(holder) = names.get(&n.name) else { continue };
        if vacated.contains(&n.name) || !(holder.kind.is_relation() || n.row_type) {
            continue;
        }
        let remedy = if n.passing {
            format!("rename or drop {} in an earlier migration (the table and its partitions move under their old names, then take their new ones)", holder.what)
        } else if let Some(carried) = &n.carried {
            format!("rename or drop {} in an earlier migration ({carried} moves there under the name it has)", holder.what)
        } else {
            format!("rename or drop {} in an earlier migration, or declare another name", holder.what)
        };
        errors.push(PlanError::NameTaken { change: n.what.clone(), name: n.name.clone(), holder: holder.what.clone(), remedy });
    }
    (promoted, errors)
}

/// Whether `names` holds `index` as an index of a partition of `table` (by
/// their names before the plan).
fn partition_index_of(names: &BTreeMap<QualifiedName, NameHolder>, index: &NameHolder, table: &QualifiedName) -> bool {
    index.kind == NameKind::Index && index.of.as_ref().and_then(|of| names.get(of)).is_some_and(|p| p.kind == NameKind::Partition && p.of.as_ref() == Some(table))
}

/// The relation names that the drops among `changes` free, in the schemas
/// the table renames and moves of `moved` (old name to new) put them in,
/// each to the positions of the drops: a dropped table's own name, its
/// partitions', indexes', keys' and sequences', and its partitions' indexes';
/// a dropped partition's and its indexes'; a dropped view's and its indexes';
/// a dropped index's or key's, and those of the partitions' indexes attached
/// to it, which PostgreSQL drops with it. Sequences and partitions' indexes
/// as `names` holds them (under the names a database read back gives). The
/// default partition of the tables in `renamed_defaults` is left out (it has
/// its old name until its rename).
fn dropped_relations(
    changes: &[Change],
    names: &BTreeMap<QualifiedName, NameHolder>,
    moved: &BTreeMap<QualifiedName, QualifiedName>,
    renamed_defaults: &BTreeSet<&QualifiedName>,
) -> BTreeMap<QualifiedName, Vec<usize>> {
    let old_name = |t: &QualifiedName| moved.iter().find(|(_, to)| *to == t).map_or_else(|| t.clone(), |(from, _)| from.clone());
    let mut out: BTreeMap<QualifiedName, Vec<usize>> = BTreeMap::new();
    for (at, c) in changes.iter().enumerate() {
        let mut hold = |schema: &str, name: &str| out.entry(QualifiedName::new(schema, name)).or_default().push(at);
        // The indexes of a partition (by its name before the plan), in the table's schema now.
        let partition_indexes = |table: &QualifiedName, partition: &str| -> Vec<String> {
            let of = QualifiedName::new(&old_name(table).schema, partition);
            names.iter().filter(|(_, h)| h.kind == NameKind::Index && h.of.as_ref() == Some(&of)).map(|(n, _)| n.name.clone()).collect()
        };
        // The partitions' indexes attached to an index of a table.
        let attached = |table: &QualifiedName, index: &str| -> Vec<String> {
            let old = old_name(table);
            names.iter().filter(|(_, h)| h.parent_index.as_deref() == Some(index) && partition_index_of(names, h, &old)).map(|(n, _)| n.name.clone()).collect()
        };
        match c {
            Change::DropPartition { table, partition } => {
                hold(&table.schema, &partition.name);
                for i in partition_indexes(table, &partition.name) {
                    hold(&table.schema, &i);
                }
            }
            Change::SetDefaultPartition { table, present: false } if !renamed_defaults.contains(table) => {
                hold(&table.schema, &crate::model::Partitioning::default_partition_name(&table.name));
                for i in partition_indexes(table, &crate::model::Partitioning::default_partition_name(&old_name(table).name)) {
                    hold(&table.schema, &i);
                }
            }
            Change::DropTable(t) => {
                let schema = &t.name.schema;
                hold(schema, &t.name.name);
                for p in t.partitioning.iter().flat_map(|p| p.partition_names(&t.name.name)) {
                    hold(schema, &p);
                }
                for i in t.indexes.iter().filter_map(|i| i.name.as_deref()) {
                    hold(schema, i);
                }
                for key in t.primary_key.iter().filter_map(|k| k.name.as_deref()).chain(t.uniques.iter().filter_map(|u| u.name.as_deref())) {
                    hold(schema, key);
                }
                // Its sequences, partitions' indexes and whatever else `names` gives it.
                for (n, _) in names.iter().filter(|(_, h)| h.of.as_ref() == Some(&t.name) || partition_index_of(names, h, &t.name)) {
                    hold(&n.schema, &n.name);
                }
            }
            Change::DropView(v) => {
                hold(&v.name.schema, &v.name.name);
                for i in v.indexes.iter().filter_map(|i| i.name.as_deref()) {
                    hold(&v.name.schema, i);
                }
            }
            Change::DropConstraint { table, constraint: key @ (Constraint::PrimaryKey(_) | Constraint::Unique(_)) } => {
                hold(&table.schema, key.name());
                for i in attached(table, key.name()) {
                    hold(&table.schema, &i);
                }
            }
            Change::DropIndex { table, index } => {
                let name = index.name.clone().unwrap_or_default();
                hold(&table.schema, &name);
                for i in attached(table, &name) {
                    hold(&table.schema, &i);
                }
            }
            _ => {}
        }
    }
    out
}

/// Checks the relation names that creations and index and key renames take
/// (a table, its keys, indexes and partitions; a partition; an index; a key;
/// a view and its indexes) against what holds them when they run: PostgreSQL
/// would fail with 42P07 (relation already exists) and roll the migration back.
///
/// - A name an index (on any table of the schema, or dropped for a key that
///   takes its name) that this plan drops holds: the drop runs first, just
///   before, in the expand phase (added to `replaced`), as for an index
///   replaced under its name. A key's drop runs there already, as do the
///   drops that free the names renamed tables take (`promoted`).
/// - A name that a relation this plan drops only after the deploy holds (a
///   table, partition or view, or their indexes, keys and sequences), or one
///   that a rename (which runs before any drop) would take from a dropped
///   index: refused ([`PlanError::NameTaken`]).
/// - A name that a relation the plan keeps and the graph does not hold (the
///   sequence of an identity or serial column, an index of a partition, under
///   the names a database read back gives them, which renames of their table,
///   column or partition do not change): refused. Those the graph holds are
///   in the target schema too, whose validation refuses two relations of one name.
///
/// Returns also the names held while indexes are built (after the renames
/// and moves, and the drops that run before): an index built partition by
/// partition names its partitions' indexes around them.
/// A unique index the plan drops that a primary key or unique constraint it
/// adds can take over (see [`adopted_indexes`]).
#[derive(Clone)]
struct Adopted {
    table: QualifiedName,
    /// The constraint's name.
    constraint: String,
    /// The index as it was.
    index: Index,
}

/// The primary keys and unique constraints added to a table that exists
/// before the migration (not partitioned: PostgreSQL refuses `USING INDEX`
/// there) whose columns, in order and under their new names, are exactly
/// the keys of a unique index of that table the plan drops: a b-tree with
/// default ordering, no expression, predicate or `INCLUDE`, and the same
/// `NULLS NOT DISTINCT`. Each such constraint takes over the index
/// ([`Planner::adopt_index`]) instead of building its own while the index
/// goes, or after it has gone. Each index is taken over once.
fn adopted_indexes(
    changes: &[Change],
    partitioned: &BTreeSet<QualifiedName>,
    new_tables: &BTreeSet<QualifiedName>,
    column_renames: &BTreeMap<QualifiedName, BTreeMap<String, String>>,
) -> Vec<Adopted> {
    use crate::model::IndexTarget;
    let mut out: Vec<Adopted> = Vec::new();
    for c in changes {
        let Change::AddConstraint { table, constraint } = c else { continue };
        let (columns, nnd) = match constraint {
            Constraint::PrimaryKey(pk) => (&pk.columns, None),
            Constraint::Unique(u) => (&u.columns, Some(u.nulls_not_distinct)),
            _ => continue,
        };
        if partitioned.contains(table) || new_tables.contains(table) {
            continue;
        }
        let fits = |index: &Index| {
            let index = followed_index(index, column_renames.get(table));
            index.unique
                && index.method == crate::model::IndexMethod::BTree
                && index.predicate.is_none()
                && index.include.is_empty()
                && nnd.map_or(true, |nnd| index.nulls_not_distinct == nnd)
                && index.keys.len() == columns.len()
                && index.keys.iter().zip(columns).all(|(k, c)| {
                    matches!(&k.target, IndexTarget::Column(n) if n == c)
                        && k.opclass.is_none()
                        && matches!(k.order, None | Some(crate::model::SortOrder::Asc))
                        && matches!(k.nulls, None | Some(crate::model::NullsOrder::Last))
                })
        };
        let found = changes.iter().find_map(|d| match d {
            Change::DropIndex { table: t, index } if t == table && fits(index) && !out.iter().any(|a| a.table == *t && a.index.name == index.name) => Some(index),
            _ => None,
        });
        if let Some(index) = found {
            out.push(Adopted { table: table.clone(), constraint: constraint.name().to_owned(), index: index.clone() });
        }
    }
    out
}

fn check_taken_names(
    changes: &[Change],
    names: &BTreeMap<QualifiedName, NameHolder>,
    promoted: &[(Change, u32)],
    replaced: &mut BTreeSet<(&'static str, String, String)>,
) -> (BTreeSet<QualifiedName>, Vec<PlanError>) {
    let mut moved = BTreeMap::new();
    for c in changes {
        if let Change::RenameTable { from, to } = c {
            moved.insert(from.clone(), to.clone());
        }
    }
    let dropped = dropped_relations(changes, names, &moved, &BTreeSet::new());
    // The relations the graph does not hold, by their names after the moves.
    let mut unmodeled: BTreeMap<QualifiedName, &NameHolder> = BTreeMap::new();
    for (n, h) in names {
        let table = match h.kind {
            NameKind::Sequence => h.of.clone(),
            NameKind::Index => h.of.as_ref().and_then(|of| names.get(of)).filter(|p| p.kind == NameKind::Partition).and_then(|p| p.of.clone()),
            _ => None,
        };
        let Some(table) = table else { continue };
        let schema = moved.get(&table).map_or(&n.schema, |to| &to.schema);
        unmodeled.insert(QualifiedName::new(schema, &n.name), h);
    }
    let old_name = |t: &QualifiedName| moved.iter().find(|(_, to)| *to == t).map_or_else(|| t.clone(), |(from, _)| from.clone());
    // (what takes it, the name, whether a rename does: those run before every drop).
    let mut taken: Vec<(String, QualifiedName, bool)> = Vec::new();
    for c in changes {
        let mut take = |what: String, schema: &str, name: &str| taken.push((what, QualifiedName::new(schema, name), false));
        match c {
            Change::CreateTable(t) => {
                let (what, schema) = (format!("create table {}", t.name), t.name.schema.as_str());
                take(what.clone(), schema, &t.name.name);
                for key in t.primary_key.iter().filter_map(|k| k.name.as_deref()).chain(t.uniques.iter().filter_map(|u| u.name.as_deref())) {
                    take(what.clone(), schema, key);
                }
                for i in t.indexes.iter().filter_map(|i| i.name.as_deref()) {
                    take(what.clone(), schema, i);
                }
                for p in t.partitioning.iter().flat_map(|p| p.partition_names(&t.name.name)) {
                    take(what.clone(), schema, &p);
                }
            }
            Change::AddPartition { table, partition } => take(format!("add partition {} of {table}", partition.name), &table.schema, &partition.name),
            Change::SetDefaultPartition { table, present: true } => {
                take(format!("add the default partition of {table}"), &table.schema, &crate::model::Partitioning::default_partition_name(&table.name));
            }
            Change::CreateIndex { table, index } => {
                let name = index.name.as_deref().unwrap_or_default();
                take(format!("create index {} on {table}", QualifiedName::new(&table.schema, name)), &table.schema, name);
            }
            Change::AddConstraint { table, constraint: key @ (Constraint::PrimaryKey(_) | Constraint::Unique(_)) } => {
                take(format!("add constraint {} on {table}", key.name()), &table.schema, key.name());
            }
            Change::CreateView(v) => {
                take(format!("create view {}", v.name), &v.name.schema, &v.name.name);
                for i in v.indexes.iter().filter_map(|i| i.name.as_deref()) {
                    take(format!("create view {}", v.name), &v.name.schema, i);
                }
            }
            Change::RenameIndex { table, from, to } => taken.push((format!("rename index {from} on {table} to {to}"), QualifiedName::new(&table.schema, to), true)),
            Change::RenameConstraint { table, from, to } => {
                let old = old_name(table);
                let key = names.get(&QualifiedName::new(&old.schema, from)).is_some_and(|h| h.kind == NameKind::Index && h.of.as_ref() == Some(&old));
                if key {
                    taken.push((format!("rename constraint {from} on {table} to {to}"), QualifiedName::new(&table.schema, to), true));
                }
            }
            _ => {}
        }
    }
    let first = |replaced: &BTreeSet<(&'static str, String, String)>, at: usize| match &changes[at] {
        c if promoted.iter().any(|(p, _)| p == c) => true,
        Change::DropConstraint { .. } => true,
        Change::DropIndex { table, index } => replaced.contains(&("index", table.to_string(), index.name.clone().unwrap_or_default())),
        Change::DropPartition { table, partition } => replaced.contains(&("partition", table.to_string(), partition.name.clone())),
        _ => false,
    };
    let mut errors = Vec::new();
    for (what, name, rename) in &taken {
        if let Some(drops) = dropped.get(name) {
            if drops.iter().any(|&at| if *rename { promoted.iter().any(|(p, _)| *p == changes[at]) } else { first(replaced, at) }) {
                continue;
            }
            if let (false, Some(Change::DropIndex { table, index })) = (*rename, drops.iter().map(|&at| &changes[at]).find(|c| matches!(c, Change::DropIndex { .. }))) {
                replaced.insert(("index", table.to_string(), index.name.clone().unwrap_or_default()));
                continue;
            }
            let drop = &changes[drops[0]];
            let holder = names.get(name).map_or_else(|| format!("what `{drop}` drops"), |h| h.what.clone());
            let when = if *rename { "runs after the renames" } else { "runs only after the deploy" };
            errors.push(PlanError::NameTaken {
                change: what.clone(),
                name: name.clone(),
                holder,
                remedy: format!("`{drop}` {when}: drop it in an earlier migration, or declare another name"),
            });
        } else if let Some(h) = unmodeled.get(name) {
            errors.push(PlanError::NameTaken {
                change: what.clone(),
                name: name.clone(),
                holder: h.what.clone(),
                remedy: "declare another name, or rename or drop it in an earlier migration (PostgreSQL named it, and renames of its table, column or partition keep that name)".into(),
            });
        }
    }
    // Held while indexes are built: what the graph does not hold, and every
    // name the plan starts from or takes, but what the drops running first free.
    let freed: BTreeSet<&QualifiedName> = dropped.iter().filter(|(_, drops)| drops.iter().any(|&at| first(replaced, at))).map(|(n, _)| n).collect();
    let held = unmodeled.keys().chain(names.keys()).chain(taken.iter().map(|(_, n, _)| n)).filter(|n| !freed.contains(n)).cloned().collect();
    (held, errors)
}

/// A drop that must run before `changes[at]` (a view on the table or view it
/// drops, a foreign key to it) and is not promoted with it, as an error names it.
fn dropped_later(changes: &[Change], at: usize, promoted: &BTreeMap<usize, (QualifiedName, NamesStep)>) -> Option<String> {
    let name = match &changes[at] {
        Change::DropTable(t) => &t.name,
        Change::DropView(v) => &v.name,
        _ => return None,
    };
    changes.iter().enumerate().filter(|(j, _)| *j != at && !promoted.contains_key(j)).find_map(|(_, c)| match c {
        Change::DropView(v) if v.depends_on.contains(name) => Some(format!("view {}", v.name)),
        Change::DropConstraint { table, constraint: Constraint::ForeignKey(fk) } if fk.references == *name => Some(format!("foreign key {} on {table}", fk.name.as_deref().unwrap_or_default())),
        Change::DropTable(t) if t.foreign_keys.iter().any(|fk| fk.references == *name) => Some(format!("table {} (its foreign key)", t.name)),
        _ => None,
    })
}

/// A default PostgreSQL evaluates per row, so adding the column rewrites the table.
fn volatile(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    ["random(", "gen_random_uuid(", "uuid_generate_v", "clock_timestamp(", "nextval(", "timeofday(", "txid_current("].iter().any(|f| e.contains(f))
}

/// How a type change affects stored data: (rewrites the table, may lose data).
fn is_serial(ty: &SqlType) -> bool {
    matches!(ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial)
}

/// Where a column's values come from, as far as sequences go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Numbering {
    /// No sequence.
    None,
    /// A serial: a sequence of this type (`integer`...) the column owns, and
    /// `DEFAULT nextval(...)`.
    Serial(&'static str),
    /// An identity.
    Identity(crate::model::Identity),
}

impl Numbering {
    fn of(column: &Column) -> Self {
        match (column.identity, &column.ty) {
            (Some(kind), _) => Numbering::Identity(kind),
            (None, SqlType::SmallSerial) => Numbering::Serial("smallint"),
            (None, SqlType::Serial) => Numbering::Serial("integer"),
            (None, SqlType::BigSerial) => Numbering::Serial("bigint"),
            (None, _) => Numbering::None,
        }
    }
}

/// One statement turning the numbering of `table.column` from `from` into
/// `to` (a serial into an identity, or back, or either into none or from
/// none), in the transaction of its step, so that no insert ever finds the
/// column without one. A new sequence takes the old one's name (an identity
/// takes the serial's, which is dropped first, and the other way round), so
/// code calling `nextval`/`currval` by that name keeps working, goes on from
/// the old one's next value (or after the largest value, if larger: ids of
/// deleted rows are not handed out again), and gets its privileges (which
/// the graph does not hold: roles granted `USAGE` on a serial's sequence
/// keep it). A new sequence without an old one is named as PostgreSQL names
/// it and starts after the largest value.
fn renumber(table: &QualifiedName, column: &str, from: Numbering, to: Numbering) -> String {
    let t = Literal(&table.to_string()).to_string();
    let c = Literal(&Ident(column).to_string()).to_string();
    let fallback = QualifiedName::new(&table.schema, crate::validate::sequence_name(&table.name, column));
    let mut body = String::new();
    if to != Numbering::None {
        let _ = writeln!(body, "    SELECT greatest(pgarchitect_next, coalesce(max({}), 0) + 1) INTO pgarchitect_next FROM {table};", Ident(column));
    }
    match from {
        Numbering::Serial(_) => {
            let _ = writeln!(body, "    EXECUTE format('ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT', {t}, {c});");
            let _ = writeln!(body, "    EXECUTE format('DROP SEQUENCE %s', pgarchitect_seq);");
        }
        Numbering::Identity(_) => {
            let _ = writeln!(body, "    EXECUTE format('ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY', {t}, {c});");
        }
        Numbering::None => {}
    }
    match to {
        Numbering::Identity(kind) => {
            let k = if kind == crate::model::Identity::Always { "ALWAYS" } else { "BY DEFAULT" };
            let _ = writeln!(
                body,
                "    EXECUTE format('ALTER TABLE %s ALTER COLUMN %s ADD GENERATED {k} AS IDENTITY (SEQUENCE NAME %s START WITH %s)', {t}, {c}, pgarchitect_name, pgarchitect_next);"
            );
        }
        Numbering::Serial(ty) => {
            let _ = writeln!(body, "    EXECUTE format('CREATE SEQUENCE %s AS {ty} START WITH %s', pgarchitect_name, pgarchitect_next);");
            // OWNED BY needs the table's owner, who may not be the role migrating.
            let _ = writeln!(body, "    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', pgarchitect_name, (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = {t}::regclass));");
            let _ = writeln!(body, "    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%s', pgarchitect_name, {t}, {c});");
            let _ = writeln!(body, "    EXECUTE format('ALTER TABLE %s ALTER COLUMN %s SET DEFAULT nextval(%L::regclass)', {t}, {c}, pgarchitect_name);");
        }
        Numbering::None => {}
    }
    if to != Numbering::None {
        let _ = writeln!(body, "    FOR pgarchitect_a IN SELECT * FROM aclexplode(pgarchitect_acl) LOOP");
        let _ = writeln!(
            body,
            "        EXECUTE format('GRANT %s ON SEQUENCE %s TO %s%s', pgarchitect_a.privilege_type, pgarchitect_name, \
             CASE WHEN pgarchitect_a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(pgarchitect_a.grantee)) END, \
             CASE WHEN pgarchitect_a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);"
        );
        let _ = writeln!(body, "    END LOOP;");
    }
    format!(
        "DO $pgarchitect$
DECLARE
    pgarchitect_seq regclass := pg_get_serial_sequence({t}, {col})::regclass;
    pgarchitect_name text := {fallback};
    pgarchitect_acl aclitem[];
    pgarchitect_next bigint;
    pgarchitect_a record;
BEGIN
    IF pgarchitect_seq IS NOT NULL THEN
        SELECT format('%I.%I', n.nspname, s.relname), s.relacl INTO pgarchitect_name, pgarchitect_acl
        FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace WHERE s.oid = pgarchitect_seq;
        pgarchitect_next := nextval(pgarchitect_seq);
    END IF;
{body}END
$pgarchitect$",
        col = Literal(column),
        fallback = Literal(&fallback.to_string()),
    )
}

/// `ALTER SEQUENCE ... AS ty` for the serial sequence of `table.column`
/// (`ALTER COLUMN ... TYPE` leaves it as it was: a serial widened to
/// bigint would still stop at 2147483647).
fn retype_serial_sequence(table: &QualifiedName, column: &str, ty: &str) -> String {
    format!(
        "DO $pgarchitect$ BEGIN EXECUTE format('ALTER SEQUENCE %s AS {ty}', pg_get_serial_sequence({}, {})::regclass); END $pgarchitect$",
        Literal(&table.to_string()),
        Literal(column)
    )
}

fn type_change(from: &SqlType, to: &SqlType) -> (bool, bool) {
    use SqlType::*;
    let (a, b) = (from.storage(), to.storage());
    if a == b {
        return (false, false);
    }
    match (&a, &b) {
        (Varchar(Some(x)), Varchar(Some(y))) => (false, y < x),
        (Varchar(_), Varchar(None) | Text) | (Text, Varchar(None)) => (false, false),
        (Text, Varchar(Some(_))) | (Varchar(None), Varchar(Some(_))) => (false, true),
        (Numeric(Some((p, s))), Numeric(Some((q, t)))) if s == t => (false, q < p),
        (Numeric(Some(_)), Numeric(None)) => (false, false),
        (SmallInt, Integer | BigInt | Numeric(None)) | (Integer, BigInt | Numeric(None)) | (BigInt, Numeric(None)) => (true, false),
        (Real, DoublePrecision) => (true, false),
        // char(n) values read as text without their padding, which char ignores
        // anyway: nothing is lost in a varchar at least as long (what the
        // char-column lint recommends).
        (Char(_), Text | Varchar(None)) => (true, false),
        (Char(n), Varchar(Some(m))) => (true, *m < n.unwrap_or(1)),
        (Timestamp, Timestamptz) | (Timestamptz, Timestamp) => (true, false),
        (Json, Jsonb) => (true, false),
        _ => (true, true),
    }
}

impl Planner<'_> {
    /// Whether the plan creates, on `table` and under another name, a unique key
    /// (index, constraint or primary key) over all the columns of the dropped
    /// unique constraint `old`, so that `old` implies it (its build cannot fail
    /// on rows `old` let in). Not when the plan changes the type of one of those
    /// columns (the old key's index would be rebuilt, or refuse the new type), nor
    /// when it adds a foreign key referencing the table (PostgreSQL could tie it
    /// to the old key's index, which could then not be dropped).
    fn replaced_by_an_implied_key(&self, table: &QualifiedName, old: &UniqueConstraint, name: &str) -> bool {
        let covers = |columns: Vec<&str>| old.columns.iter().all(|c| columns.contains(&c.as_str()));
        let mut replaced = false;
        for change in self.changes {
            match change {
                Change::CreateIndex { table: t, index } if t == table && index.unique && index.name.as_deref() != Some(name) => {
                    let columns = index.keys.iter().filter_map(|k| match &k.target {
                        IndexTarget::Column(c) => Some(c.as_str()),
                        IndexTarget::Expression(_) => None,
                    });
                    replaced |= covers(columns.collect());
                }
                Change::AddConstraint { table: t, constraint: c @ (Constraint::Unique(_) | Constraint::PrimaryKey(_)) } if t == table && c.name() != name => {
                    let columns = match c {
                        Constraint::Unique(u) => &u.columns,
                        Constraint::PrimaryKey(pk) => &pk.columns,
                        _ => unreachable!("matched above"),
                    };
                    replaced |= covers(columns.iter().map(String::as_str).collect());
                }
                Change::AlterColumn { table: t, from, change: ColumnChange::Type, .. } if t == table && old.columns.contains(&from.name) => return false,
                Change::AddConstraint { constraint: Constraint::ForeignKey(fk), .. } if fk.references == *table => return false,
                Change::CreateTable(t) if t.foreign_keys.iter().any(|fk| fk.references == *table) => return false,
                _ => {}
            }
        }
        replaced
    }

    fn step(&mut self, rank: u8, description: impl Into<String>) -> StepBuilder {
        self.seq += 1;
        StepBuilder {
            step: Step {
                phase: Phase::Expand,
                description: description.into(),
                sql: Vec::new(),
                transactional: true,
                lock: LockLevel::None,
                locks: Vec::new(),
                hazards: Vec::new(),
                lock_timeout: self.options.lock_timeout,
                statement_timeout: Some(self.options.statement_timeout),
                down: Some(Vec::new()),
                down_transactional: true,
                irreversible: None,
                rank: (rank, self.seq),
                rebuild: None,
            },
        }
    }

    fn push(&mut self, mut b: StepBuilder) {
        // Statements created under the columns' old names (see
        // `under_old_names`) rename the columns of their tables back and
        // forth: ACCESS EXCLUSIVE on those tables (and the partitions the
        // renames recurse to), whichever statements they surround.
        let danced: Vec<QualifiedName> =
            self.renamed_columns.iter().filter(|(t, from, to)| b.step.sql.contains(&rename_column(t, to, from))).flat_map(|(t, ..)| self.with_partitions(t)).collect();
        for table in &danced {
            b.step.lock_relation(table, LockLevel::AccessExclusive);
        }
        self.steps.push(b.step);
    }

    /// A rename that follows a table's (a constraint, index, trigger or partition
    /// named after it): `rename(from, to)` is the statement, the down step renames
    /// back. It runs after every table rename, since the statements name tables by
    /// their new names.
    fn follow_table_rename(&mut self, description: String, locked: &[QualifiedName], lock: LockLevel, from: &str, to: &str, rename: impl Fn(&str, &str) -> String) {
        let mut b = self.step(rank::RENAME_TABLE, description).sql([rename(from, to)]).down([rename(to, from)]).lock_all(locked, lock).hazard(Hazard::BreaksOldCode);
        b.step.rank.1 += 1_000_000;
        self.push(b);
    }

    /// A trigger whose definition changes, in one step, so that exactly one
    /// version of it fires at every moment (a separate drop and create would
    /// leave the table without its audit or `updated_at` trigger in between).
    ///
    /// `CREATE OR REPLACE TRIGGER` (PostgreSQL 14+) updates the trigger in
    /// place: same OID, so its comment is kept (a changed one is a comment step
    /// of its own); SHARE ROW EXCLUSIVE, like `CREATE TRIGGER`. On a
    /// partitioned table it replaces the clones on the partitions too, except
    /// from `FOR EACH ROW` to `FOR EACH STATEMENT`: PostgreSQL 15 then leaves
    /// the row clones on the partitions, which go on firing beside the new
    /// statement trigger. There the step drops and creates the trigger (and
    /// its comment) in one transaction instead, ACCESS EXCLUSIVE.
    ///
    /// Constraint triggers cannot be replaced (`CREATE OR REPLACE CONSTRAINT
    /// TRIGGER` is not supported, and a plain trigger does not replace one);
    /// the model has none, and introspection reports one as not supported.
    ///
    /// It runs after the functions and the columns of the new definition are
    /// created and before the contract phase drops the old ones. A trigger
    /// whose only change is arguments naming renamed columns (the audit
    /// trigger's key) runs just after the column renames instead, so it never
    /// passes a name that is gone.
    ///
    /// The down step runs before the columns are renamed back: the old
    /// definition, whose `WHEN` may name them by their old names, is created
    /// under those (see [`Planner::under_old_names`]).
    fn replace_trigger(&mut self, table: &QualifiedName, from: &Trigger, to: &Trigger) {
        let follows_renames = follows_column_renames(self.column_renames.get(table), from, to);
        let recreate = self.partitioned(table) && from.for_each_row && !to.for_each_row;
        let description = format!("replace trigger {} on {table}", to.name);
        // Its old definition as the down step creates it (one following the
        // renames has its new form but for arguments).
        let (old, under_old_names) = if follows_renames { (from.clone(), false) } else { self.trigger_to_create(table, &Form::old(from.clone())) };
        let tables: BTreeSet<QualifiedName> = under_old_names.then(|| table.clone()).into_iter().collect();
        let locked = self.with_partitions(table);
        let mut b = if recreate {
            // `old` is dropped, `new` created with its comment.
            let swap = |old: &Trigger, new: &Trigger| {
                let mut v = vec![format!("DROP TRIGGER {} ON {table}", Ident(&old.name)), sql::create_trigger(table, new)];
                if let Some(c) = &new.comment {
                    v.push(sql::comment(&CommentTarget::Trigger(table.clone(), new.name.clone()), Some(c)));
                }
                v
            };
            let down = self.under_old_names(&tables, swap(to, &old));
            self.step(rank::TRIGGER, description).sql(swap(from, to)).down(down).lock_all(&locked, LockLevel::AccessExclusive)
        } else {
            let replace = |t: &Trigger| sql::replace_trigger(table, t);
            let down = self.under_old_names(&tables, vec![replace(&old)]);
            self.step(rank::TRIGGER, description).sql([replace(to)]).down(down).lock_all(&locked, LockLevel::ShareRowExclusive)
        };
        if follows_renames {
            b.step.rank = (rank::RENAME, b.step.rank.1 + 1_000_000);
        }
        self.push(b);
    }

    /// Statements creating definitions from before the plan (a trigger's
    /// `WHEN`, a policy's expressions) that name columns of `tables` by their
    /// names before the plan renamed them, in a step that runs after the
    /// renames (or in the down step of one, which runs before they are undone):
    /// the step renames every renamed column of those tables back (last
    /// rename first), runs them, and renames the columns forward again, in its
    /// one transaction. PostgreSQL resolves the old text itself and rewrites
    /// the definitions to the new names, as it did for the rest when the plan
    /// renamed the columns; no other session sees the old names. No column
    /// holds an old name meanwhile: a plan whose new column takes the old
    /// name of a renamed one, or whose renames swap or chain names, is
    /// refused (see [`colliding_renames`]).
    fn under_old_names(&self, tables: &BTreeSet<QualifiedName>, statements: Vec<String>) -> Vec<String> {
        let renames: Vec<_> = self.renamed_columns.iter().filter(|(t, ..)| tables.contains(t)).collect();
        let mut v: Vec<String> = renames.iter().rev().map(|(t, from, to)| rename_column(t, to, from)).collect();
        v.extend(statements);
        v.extend(renames.iter().map(|(t, from, to)| rename_column(t, from, to)));
        v
    }

    /// The trigger of `table` to create for `form` after the column renames,
    /// and whether under the old names: a definition from before the plan
    /// whose `WHEN` names a renamed column by its old name is, with its
    /// `UPDATE OF` columns by their old names too.
    fn trigger_to_create(&self, table: &QualifiedName, form: &Form<Trigger>) -> (Trigger, bool) {
        let renames = self.column_renames.get(table);
        let old = form.old
            && form.def.when.as_deref().is_some_and(|w| crate::validate::sql::words(w).any(|word| !word.before_paren && renames.into_iter().flatten().any(|(old, _)| word.is_identifier(old))));
        if old {
            (renamed_update_of(&form.def, renames, true), true)
        } else {
            (form.def.clone(), false)
        }
    }

    /// The tables whose renamed columns `policy`, a policy of `on` as it was
    /// before the plan, names by their old names (see [`policy_names_column`]).
    fn policy_renamed_tables(&self, on: &QualifiedName, policy: &Policy) -> BTreeSet<QualifiedName> {
        self.column_renames
            .iter()
            .filter(|(table, renames)| {
                let old: Vec<&str> = renames.keys().map(String::as_str).collect();
                policy_names_column(on, policy, table, &[table.name.as_str()], &old)
            })
            .map(|(table, _)| table.clone())
            .collect()
    }

    /// The statements creating a trigger or policy, then the ones to create
    /// under the old names, wrapped so (see [`Planner::under_old_names`]).
    fn creates(&self, created: Vec<(Vec<String>, BTreeSet<QualifiedName>)>) -> Vec<String> {
        let mut v = Vec::new();
        let mut old = Vec::new();
        let mut tables = BTreeSet::new();
        for (statements, under) in created {
            if under.is_empty() {
                v.extend(statements);
            } else {
                old.extend(statements);
                tables.extend(under);
            }
        }
        if !old.is_empty() {
            v.extend(self.under_old_names(&tables, old));
        }
        v
    }

    /// The `ALTER` statements rebuilding a column (a type change, a generated
    /// column dropped and added again) wrapped in the drop and creation of the
    /// triggers naming the column (see [`Retriggers`]): `up` and `down` are
    /// the statements of each way, the triggers are dropped in the form they
    /// have before and created in the form they have after, each with its
    /// comment, and the other way round in the down step; a definition from
    /// before the plan naming renamed columns by their old names is created
    /// under those.
    fn around_triggers(&self, table: &QualifiedName, column: &str, up: Vec<String>, down: Vec<String>) -> (Vec<String>, Vec<String>, Vec<&str>) {
        let around = self.retriggers.around.get(&(table.clone(), column.to_owned())).map(Vec::as_slice).unwrap_or_default();
        type Pick = dyn Fn(&AroundTrigger) -> &Form<Trigger>;
        let wrap = |alter: Vec<String>, drop: &Pick, create: &Pick| {
            let mut v: Vec<String> = around.iter().map(|p| format!("DROP TRIGGER {} ON {table}", Ident(&drop(p).def.name))).collect();
            v.extend(alter);
            let created = around.iter().map(|p| {
                let (t, old) = self.trigger_to_create(table, create(p));
                let mut statements = vec![sql::create_trigger(table, &t)];
                if let Some(c) = &t.comment {
                    statements.push(sql::comment(&CommentTarget::Trigger(table.clone(), t.name.clone()), Some(c)));
                }
                (statements, old.then(|| table.clone()).into_iter().collect())
            });
            v.extend(self.creates(created.collect()));
            v
        };
        let names = around.iter().map(|(_, after)| after.def.name.as_str()).collect();
        (wrap(up, &|p| &p.0, &|p| &p.1), wrap(down, &|p| &p.1, &|p| &p.0), names)
    }

    /// `up` and `down` (the `ALTER` of a column type, its triggers around it)
    /// wrapped in the drop and creation of the policies naming the column
    /// (see [`Repolicies`]): dropped in the form they have before and created
    /// in the form they have after, each with its comment, and the other way
    /// round in the down step. Row-level security stays enabled throughout:
    /// in between, the tables deny more rows, never fewer, and no other
    /// session sees them before the step commits. The policy names come back
    /// as written in the description (`name`, or `name on table` for a policy
    /// of another table).
    fn around_policies(&self, table: &QualifiedName, column: &str, up: Vec<String>, down: Vec<String>) -> (Vec<String>, Vec<String>, Vec<String>) {
        let around = self.repolicies.around.get(&(table.clone(), column.to_owned())).map(Vec::as_slice).unwrap_or_default();
        type Pick = dyn Fn(&AroundPolicy) -> &Form<Policy>;
        let wrap = |inner: Vec<String>, drop: &Pick, create: &Pick| {
            let mut v: Vec<String> = around.iter().map(|p| format!("DROP POLICY {} ON {}", Ident(&drop(p).def.name), p.0)).collect();
            v.extend(inner);
            let created = around.iter().map(|p| {
                let (on, form) = (&p.0, create(p));
                let policy = &form.def;
                let mut statements = vec![sql::create_policy(on, policy)];
                if let Some(c) = &policy.comment {
                    statements.push(sql::comment(&CommentTarget::Policy(on.clone(), policy.name.clone()), Some(c)));
                }
                (statements, if form.old { self.policy_renamed_tables(on, policy) } else { BTreeSet::new() })
            });
            v.extend(self.creates(created.collect()));
            v
        };
        let names = around.iter().map(|(on, _, after)| if on == table { after.def.name.clone() } else { format!("{} on {on}", after.def.name) }).collect();
        (wrap(up, &|p| &p.1, &|p| &p.2), wrap(down, &|p| &p.2, &|p| &p.1), names)
    }

    /// Whether `index`, an index of `table` as it was before the plan,
    /// names renamed columns of the table by their old names in its key
    /// expressions or predicate (text, which PostgreSQL resolves when it
    /// creates the index): it is created under those names.
    fn index_under_old_names(&self, table: &QualifiedName, index: &Index) -> bool {
        let old: Vec<&str> = self.column_renames.get(table).into_iter().flatten().map(|(old, _)| old.as_str()).collect();
        !old.is_empty() && index_text_names(index, &old)
    }

    /// The tables whose renamed columns `view`, a view as it was before the
    /// plan, names by their old names: the tables it reads (by their names
    /// before or after a rename) whose old column names are words of its
    /// query, or whose columns it may take without naming them, by a `*`
    /// (`SELECT *`, `t.*`) or a `NATURAL` join. PostgreSQL names such a
    /// view's columns after the table's as they are when it is created: by
    /// the new names after the renames, which the view keeps when they are
    /// undone (the declared `SELECT *` has no old name to find; introspected,
    /// PostgreSQL spells the columns out).
    fn view_renamed_tables(&self, view: &crate::model::View) -> BTreeSet<QualifiedName> {
        use crate::validate::sql::{tokens, Token};
        let implicit = tokens(&view.query).any(|t| matches!(t, Token::Operator("*")) || matches!(t, Token::Word(w) if w.is_keyword("natural")));
        self.column_renames
            .iter()
            .filter(|(table, renames)| {
                let old_name = self.options.renames.iter().find_map(|r| match r {
                    Rename::Table { from, to } if to == *table => Some(from),
                    _ => None,
                });
                let reads = view.depends_on.iter().any(|d| d == *table || Some(d) == old_name);
                reads && (implicit || crate::validate::sql::words(&view.query).any(|w| !w.before_paren && renames.keys().any(|old| w.is_identifier(old))))
            })
            .map(|(table, _)| table.clone())
            .collect()
    }

    /// The tables the plan renames or moves that `views`, views as they were
    /// before the plan, read: their queries name them by their old names.
    fn views_renamed_from<'v>(&self, views: impl IntoIterator<Item = &'v crate::model::View>) -> BTreeSet<QualifiedName> {
        let read: BTreeSet<&QualifiedName> = views.into_iter().flat_map(|v| &v.depends_on).collect();
        self.changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, .. } if read.contains(from) => Some(from.clone()),
                _ => None,
            })
            .collect()
    }

    /// `statements` creating definitions from before the plan that name
    /// tables of `tables` by their old names (before the plan renamed or
    /// moved them), in a step running after the renames (or in the down step
    /// of one, which runs before they are undone): the step renames and moves
    /// those tables back (last first), runs them, and renames and moves the
    /// tables forward again, in its one transaction, as the table renames'
    /// own steps do. PostgreSQL resolves the old names itself and holds the
    /// tables by their OIDs; no other session sees the old names. The old
    /// names are free meanwhile: a renamed table's old name is no table of
    /// either version (the diff would see it kept and no rename).
    fn under_old_table_names(&self, tables: &BTreeSet<QualifiedName>, statements: Vec<String>) -> Vec<String> {
        let renames: Vec<(&QualifiedName, &QualifiedName)> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, to } if tables.contains(from) => Some((from, to)),
                _ => None,
            })
            .collect();
        let mut v: Vec<String> = renames.iter().rev().flat_map(|(from, to)| rename_table(from, to).1).collect();
        v.extend(statements);
        v.extend(renames.iter().flat_map(|(from, to)| rename_table(from, to).0));
        v
    }

    /// `statements` creating `views` as they were before the plan, in a step
    /// running after the renames: under the old names of the columns they
    /// name so (see [`Planner::under_old_names`]), and of the tables they
    /// read (see [`Planner::under_old_table_names`]), the columns renamed
    /// back first (by their tables' new names) and forward last.
    fn old_views(&self, views: &[&crate::model::View], statements: Vec<String>) -> Vec<String> {
        let columns: BTreeSet<QualifiedName> = views.iter().flat_map(|v| self.view_renamed_tables(v)).collect();
        let tables = self.views_renamed_from(views.iter().copied());
        self.under_old_names(&columns, self.under_old_table_names(&tables, statements))
    }

    /// `up` and `down`, the statements dropping and adding again a generated
    /// column, wrapped in the drop and creation of what PostgreSQL drops with
    /// it or refuses to drop it under, besides triggers and policies (see
    /// [`Dependents`]): the foreign keys of other tables referencing it, the
    /// table's constraints and indexes naming it are dropped just before;
    /// the column's comment, the indexes (each with its comment), the
    /// constraints, the foreign keys and the column privileges are created
    /// again just after, in that order (a key before the foreign keys
    /// referencing it), the same both ways. Then the names for the
    /// description (`name`, or `name on table` for another table's key), and
    /// whether an index is built and rows are scanned to validate a
    /// constraint.
    ///
    /// Indexes are built in the step, not `CONCURRENTLY` in a later one: the
    /// step holds ACCESS EXCLUSIVE on the table while it rewrites it anyway
    /// (as long as the table takes to write), which the builds lengthen by
    /// as long as an index takes to build; built later, the table would
    /// be without them, and its unique keys unenforced, from the commit to
    /// the end of the builds. Constraints are added validated, which scans the
    /// rows just written (a row the new expression makes violate one stops
    /// the step, and nothing is changed).
    fn around_dependents(&self, table: &QualifiedName, column: &str, up: Vec<String>, down: Vec<String>) -> (Vec<String>, Vec<String>, Vec<String>, bool, bool) {
        let Some(d) = self.dependents.get(&(table.clone(), column.to_owned())) else { return (up, down, Vec::new(), false, false) };
        let fk_first = |c: &&Constraint| !constraint_is_fk(c);
        let mut own: Vec<&Constraint> = d.constraints.iter().collect();
        own.sort_by_key(|c| !fk_first(c));
        let wrap = |inner: Vec<String>| {
            let mut v: Vec<String> = d.referenced_by.iter().map(|(on, c)| format!("ALTER TABLE {on} DROP CONSTRAINT {}", Ident(c.name()))).collect();
            v.extend(own.iter().rev().map(|c| format!("ALTER TABLE {table} DROP CONSTRAINT {}", Ident(c.name()))));
            v.extend(d.indexes.iter().map(|i| format!("DROP INDEX {}", sql::index_name(table, &i.def))));
            v.extend(inner);
            if let Some(c) = &d.comment {
                v.push(sql::comment(&CommentTarget::Column(table.clone(), column.to_owned()), Some(c)));
            }
            let created = d.indexes.iter().map(|i| {
                let mut statements = vec![sql::create_index(table, &i.def, false)];
                if let Some(c) = &i.def.comment {
                    statements.push(sql::comment(&CommentTarget::Index(QualifiedName::new(&table.schema, i.def.name.clone().unwrap_or_default())), Some(c)));
                }
                let old = i.old && self.index_under_old_names(table, &i.def);
                (statements, old.then(|| table.clone()).into_iter().collect())
            });
            v.extend(self.creates(created.collect()));
            v.extend(own.iter().map(|c| format!("ALTER TABLE {table} ADD {}", sql::constraint_def(c))));
            v.extend(d.referenced_by.iter().map(|(on, c)| format!("ALTER TABLE {on} ADD {}", sql::constraint_def(c))));
            v.extend(d.grants.iter().map(sql::grant));
            v
        };
        let mut names: Vec<String> = Vec::new();
        let plural = |n: usize, one: &str, many: &str| if n == 1 { one.to_owned() } else { many.to_owned() };
        if !d.indexes.is_empty() {
            let list: Vec<&str> = d.indexes.iter().map(|i| i.def.name.as_deref().unwrap_or_default()).collect();
            names.push(format!("{} {}", plural(list.len(), "index", "indexes"), list.join(", ")));
        }
        let keys: Vec<String> = own.iter().map(|c| c.name().to_owned()).chain(d.referenced_by.iter().map(|(on, c)| format!("{} on {on}", c.name()))).collect();
        if !keys.is_empty() {
            names.push(format!("{} {}", plural(keys.len(), "constraint", "constraints"), keys.join(", ")));
        }
        let builds = !d.indexes.is_empty() || own.iter().any(|c| matches!(c, Constraint::PrimaryKey(_) | Constraint::Unique(_)));
        let scans = own.iter().any(|c| matches!(c, Constraint::Check(_) | Constraint::ForeignKey(_))) || !d.referenced_by.is_empty();
        (wrap(up), wrap(down), names, builds, scans)
    }

    /// `up` and `down`, the statements rebuilding a column, around what
    /// depends on it (for a generated column's rebuild), its triggers and
    /// policies, and `description` naming them; whether an index is built
    /// and rows are scanned to validate a constraint.
    fn around(&self, table: &QualifiedName, column: &str, up: Vec<String>, down: Vec<String>, mut description: String) -> (Vec<String>, Vec<String>, String, bool, bool) {
        let (up, down, mut names, builds, scans) = self.around_dependents(table, column, up, down);
        let (up, down, triggers) = self.around_triggers(table, column, up, down);
        let (up, down, policies) = self.around_policies(table, column, up, down);
        if !triggers.is_empty() {
            names.push(format!("trigger{} {}", if triggers.len() == 1 { "" } else { "s" }, triggers.join(", ")));
        }
        if !policies.is_empty() {
            names.push(format!("polic{} {}", if policies.len() == 1 { "y" } else { "ies" }, policies.join(", ")));
        }
        if let Some((last, rest)) = names.split_last() {
            description.push_str(" around ");
            if !rest.is_empty() {
                let _ = write!(description, "{} and ", rest.join(", "));
            }
            description.push_str(last);
        }
        (up, down, description, builds, scans)
    }

    /// Whether a view rebuild drops or creates `f` (by its old form, or a
    /// new function by its new one), see [`ViewRebuild::functions`] and
    /// [`ViewRebuild::calls_new`].
    /// The rank of the step creating (or replacing) `f`: see [`Routines::ranks`].
    fn function_rank(&self, f: &Function) -> u8 {
        self.function_ranks.get(&super::diff::function_key(f)).copied().unwrap_or(if f.depends_on.is_empty() { rank::FUNCTION } else { rank::LATE_FUNCTION })
    }

    fn rebuilt_function(&self, f: &Function) -> bool {
        let key = super::diff::function_key(f);
        self.rebuilds.iter().any(|r| {
            r.functions.iter().any(|rf| rf.from.as_ref().or(rf.to.as_ref()).is_some_and(|g| super::diff::function_key(g) == key))
                || r.calls_new.iter().any(|g| super::diff::function_key(g) == key)
        })
    }

    fn refuse_unless_allowed(&mut self, change: &Change, hazard: Hazard) -> bool {
        if self.options.allow_destructive {
            return false;
        }
        self.errors.push(PlanError::Refused { change: change.to_string(), hazard });
        true
    }

    fn existing(&self, table: &QualifiedName) -> bool {
        !self.new_tables.contains(table)
    }

    fn partitioned(&self, table: &QualifiedName) -> bool {
        self.partitioned.contains(table)
    }

    /// Whether a policy dropped around the change of `table.column` is created
    /// in another form (one the plan alters, see [`Repolicies::absorbed`]):
    /// the step changes who may see or write which rows, as an `alter policy`
    /// step would.
    fn alters_policies(&self, table: &QualifiedName, column: &str) -> bool {
        self.repolicies.around.get(&(table.clone(), column.to_owned())).into_iter().flatten().any(|(_, before, after)| before.def != after.def)
    }

    /// The tables of the policies dropped and created again around a change of `table.column`.
    fn policy_tables(&self, table: &QualifiedName, column: &str) -> Vec<QualifiedName> {
        self.repolicies.around.get(&(table.clone(), column.to_owned())).into_iter().flatten().map(|(on, _, _)| on.clone()).collect()
    }

    /// The other tables a generated column's rebuild locks for what it drops
    /// and creates again with it (see [`Dependents`]): PostgreSQL takes ACCESS
    /// EXCLUSIVE on both sides of a foreign key it drops, so on the tables of
    /// the keys referencing the column (and their partitions, where `ALTER
    /// TABLE` recurses) and on the tables the table's own keys naming the
    /// column reference.
    fn dependent_tables(&self, table: &QualifiedName, column: &str) -> Vec<QualifiedName> {
        let Some(d) = self.dependents.get(&(table.clone(), column.to_owned())) else { return Vec::new() };
        let mut out: Vec<QualifiedName> = d.referenced_by.iter().flat_map(|(on, _)| self.with_partitions(on)).collect();
        out.extend(d.constraints.iter().filter_map(|c| match c {
            Constraint::ForeignKey(fk) if fk.references != *table => Some(fk.references.clone()),
            _ => None,
        }));
        out
    }

    /// The tables on the other side of the foreign keys that have `column` of
    /// `table` (by its new name) on one side and exist when its type changes
    /// (not those the plan adds later): PostgreSQL adds each again, which
    /// locks both tables ACCESS EXCLUSIVE.
    fn key_partners(&self, table: &QualifiedName, column: &str) -> Vec<QualifiedName> {
        let mut out = Vec::new();
        for (on, keys) in self.foreign_keys {
            for fk in keys {
                let added = self.changes.iter().any(|c| matches!(c, Change::AddConstraint { table: t, constraint: Constraint::ForeignKey(k) } if t == on && k == fk));
                if added || fk.references == *on {
                    continue;
                }
                if on == table && fk.columns.iter().any(|c| c == column) {
                    out.push(fk.references.clone());
                }
                // No referenced columns: the referenced table's primary key, whichever it is.
                if fk.references == *table && (fk.referenced_columns.is_empty() || fk.referenced_columns.iter().any(|c| c == column)) {
                    out.push(on.clone());
                }
            }
        }
        out
    }

    /// `table` and, if it is partitioned, the partitions the plan knows of
    /// (on both sides of the diff): what an `ALTER TABLE` that recurses locks.
    fn with_partitions(&self, table: &QualifiedName) -> Vec<QualifiedName> {
        let mut out = vec![table.clone()];
        if self.partitioned(table) {
            out.extend(self.partitions.get(table).into_iter().flatten().map(|p| QualifiedName::new(&table.schema, p)));
        }
        out
    }

    /// Each [`ViewRebuild`] as one step, in the place of the first column step
    /// it surrounds (or, with none, where its first view comes among the
    /// views the plan creates and replaces): the policies reading its views
    /// dropped, the views dropped (those reading others first, each after
    /// the functions using its row type, see [`ViewRebuild::functions`]), the column
    /// steps (type changes and generated column rebuilds, in plan order,
    /// each with its triggers and policies), the views created again in
    /// their new form with their comments, indexes and privileges (those
    /// read by others first), the policies created again in their new form
    /// with their comments. Its down step drops the policies and the new
    /// forms, undoes the column steps last first, and creates the old forms
    /// with their old privileges (under the columns' and tables' old names
    /// when the plan renames columns or tables they read, see
    /// [`Planner::old_views`]), then the policies as they were.
    fn merge_view_rebuilds(&mut self) {
        for (g, rebuild) in std::mem::take(&mut self.rebuilds).into_iter().enumerate() {
            let (mut inner, rest): (Vec<Step>, Vec<Step>) = std::mem::take(&mut self.steps).into_iter().partition(|s| s.rebuild == Some(g));
            self.steps = rest;
            inner.sort_by_key(|s| s.rank);
            let old_order = view_order(&rebuild.views, false);
            // The new forms: (view, its privileges), those read by others first.
            // With the new views it creates (their privileges are granted by a later step).
            let new_order: Vec<(&View, &[GrantItem])> = new_view_order(&rebuild.views, &rebuild.created);
            let names: Vec<String> = old_order.iter().filter(|v| v.to.is_some()).map(|v| v.from.name.to_string()).collect();
            let gone: Vec<String> = old_order.iter().filter(|v| v.to.is_none()).map(|v| v.from.name.to_string()).collect();
            // `views` names what the step is around; with only views the plan
            // drops (no kept one), those are said after the column steps.
            let mut views = if names.is_empty() { String::new() } else { format!("view{} {}", if names.len() == 1 { "" } else { "s" }, names.join(", ")) };
            let mut dropping = String::new();
            if !rebuild.created.is_empty() {
                let names: Vec<String> = new_order.iter().filter(|(v, _)| rebuild.created.iter().any(|c| c.name == v.name)).map(|(v, _)| v.name.to_string()).collect();
                let _ = write!(views, " (creating view{} {})", if names.len() == 1 { "" } else { "s" }, names.join(", "));
            }
            if !rebuild.calls_new.is_empty() {
                let names: Vec<String> = rebuild.calls_new.iter().map(|f| format!("{}({})", f.name, super::diff::function_signature(&f.arguments))).collect();
                let _ = write!(views, " (creating function{} {})", if names.len() == 1 { "" } else { "s" }, names.join(", "));
            }
            if !gone.is_empty() {
                let d = format!("(dropping view{} {}, which the plan drops)", if gone.len() == 1 { "" } else { "s" }, gone.join(", "));
                if views.is_empty() {
                    dropping = format!(" {d}");
                } else {
                    let _ = write!(views, " {d}");
                }
            }
            if !rebuild.functions.is_empty() {
                let name = |f: &RebuiltFunction| {
                    let f = f.from.as_ref().or(f.to.as_ref()).expect("a form or the other");
                    format!("{}({})", f.name, super::diff::function_signature(&f.arguments))
                };
                let functions: Vec<String> = rebuild.functions.iter().map(name).collect();
                let f = format!("function{} {}", if functions.len() == 1 { "" } else { "s" }, functions.join(", "));
                views = if views.is_empty() { f } else { format!("{views} and {f}") };
                let gone: Vec<String> = rebuild.functions.iter().filter(|f| f.to.is_none()).map(name).collect();
                if !gone.is_empty() {
                    let _ = write!(views, " (dropping function{} {}, which the plan drops)", if gone.len() == 1 { "" } else { "s" }, gone.join(", "));
                }
            }
            if !rebuild.policies.is_empty() {
                let policies: Vec<String> = rebuild.policies.iter().map(|(on, _, after)| format!("{} on {on}", after.def.name)).collect();
                let p = format!("polic{} {}", if policies.len() == 1 { "y" } else { "ies" }, policies.join(", "));
                views = if views.is_empty() { p } else { format!("{views} and {p}") };
            }
            let steps = inner.iter().map(|s| s.description.as_str()).collect::<Vec<_>>().join("; ");
            let description = match &inner[..] {
                [] => format!("rebuild {views}{dropping}"),
                _ if views.is_empty() => format!("{steps}{dropping}"),
                [only] if only.description.contains(" around ") => format!("{} and {views}{dropping}", only.description),
                [only] => format!("{} around {views}{dropping}", only.description),
                _ => format!("{steps}; {views} dropped and created again around them{dropping}"),
            };
            let create = |v: &View, grants: &[GrantItem]| sql::create_view(v, false).into_iter().chain(grants.iter().map(sql::grant)).collect::<Vec<_>>();
            type Pick = dyn Fn(&AroundPolicy) -> &Form<Policy>;
            let drop_policies = |pick: &Pick| rebuild.policies.iter().map(|p| format!("DROP POLICY {} ON {}", Ident(&pick(p).def.name), p.0)).collect::<Vec<_>>();
            let create_policies = |pick: &Pick| {
                let created = rebuild.policies.iter().map(|p| {
                    let (on, form) = (&p.0, pick(p));
                    let mut statements = vec![sql::create_policy(on, &form.def)];
                    if let Some(c) = &form.def.comment {
                        statements.push(sql::comment(&CommentTarget::Policy(on.clone(), form.def.name.clone()), Some(c)));
                    }
                    (statements, if form.old { self.policy_renamed_tables(on, &form.def) } else { BTreeSet::new() })
                });
                self.creates(created.collect())
            };
            // The views dropped (in `views`' order), each after the functions
            // using its row type (in the form `pick` gives) that are still
            // there; then the functions using none of them.
            type PickFunction = dyn Fn(&RebuiltFunction) -> Option<&Function>;
            let drop_views = |views: &[&View], pick: &PickFunction| {
                let functions: Vec<&Function> = rebuild.functions.iter().filter_map(pick).collect();
                let mut dropped = vec![false; functions.len()];
                let mut v = Vec::new();
                for view in views {
                    for (f, done) in functions.iter().zip(dropped.iter_mut()) {
                        if !*done && uses_row_type(f, &view.name) {
                            v.push(sql::drop_function(f));
                            *done = true;
                        }
                    }
                    v.push(sql::drop_view(view));
                }
                v.extend(functions.iter().zip(&dropped).filter(|(_, done)| !**done).map(|(f, _)| sql::drop_function(f)));
                v
            };
            // The views created (in `views`' order, with their privileges), the
            // functions using none of their row types first, each other just
            // after the last view whose row type it uses.
            let create_views = |views: &[(&View, &[GrantItem])], pick: &PickFunction| {
                let functions: Vec<&Function> = rebuild.functions.iter().filter_map(pick).collect();
                let uses = |f: &Function, views: &[(&View, &[GrantItem])]| views.iter().any(|(view, _)| uses_row_type(f, &view.name));
                let mut v: Vec<String> = functions.iter().filter(|f| !uses(f, views)).map(|f| sql::function(f)).collect();
                for (k, (view, privileges)) in views.iter().enumerate() {
                    v.extend(create(view, privileges));
                    let rest = &views[k + 1..];
                    v.extend(functions.iter().filter(|f| uses_row_type(f, &view.name) && !uses(f, rest)).map(|f| sql::function(f)));
                }
                v
            };
            // The privileges on the functions dropped and created again are
            // kept before and given back after (a created function has the
            // default ones); see `sql::keep_function_acls`.
            let function_names: BTreeSet<&QualifiedName> = rebuild.functions.iter().flat_map(|f| f.from.iter().chain(&f.to)).map(|f| &f.name).collect();
            let function_names: Vec<&QualifiedName> = function_names.into_iter().collect();
            let (keep, restore) = if function_names.is_empty() { (Vec::new(), Vec::new()) } else { (vec![sql::keep_function_acls(&function_names)], vec![sql::restore_function_acls()]) };
            let old_views: Vec<&View> = old_order.iter().rev().map(|v| &v.from).collect();
            let mut up = keep.clone();
            up.extend(drop_policies(&|p| &p.1));
            up.extend(drop_views(&old_views, &|f| f.from.as_ref()));
            up.extend(inner.iter().flat_map(|s| s.sql.iter().cloned()));
            up.extend(rebuild.calls_new.iter().map(sql::function));
            up.extend(create_views(&new_order, &|f| f.to.as_ref()));
            up.extend(restore.iter().cloned());
            up.extend(create_policies(&|p| &p.2));
            let down = match inner.iter().find(|s| s.down.is_none()) {
                Some(s) => Err(s.irreversible.clone().unwrap_or_else(|| "a column step in it cannot be undone".into())),
                None => {
                    let mut down = keep.clone();
                    down.extend(drop_policies(&|p| &p.2));
                    let new_views: Vec<&View> = new_order.iter().rev().map(|(v, _)| *v).collect();
                    down.extend(drop_views(&new_views, &|f| f.to.as_ref()));
                    down.extend(rebuild.calls_new.iter().rev().map(sql::drop_function));
                    down.extend(inner.iter().rev().flat_map(|s| s.down.iter().flatten().cloned()));
                    // After the renames, before they are undone: the old forms
                    // naming renamed columns and tables by their old names are
                    // created under those, all together (in their order, read
                    // first), with the functions using their row types.
                    let old_forms: Vec<(&View, &[GrantItem])> = old_order.iter().map(|v| (&v.from, &v.from_grants[..])).collect();
                    let views: Vec<&View> = old_forms.iter().map(|(v, _)| *v).collect();
                    down.extend(self.old_views(&views, create_views(&old_forms, &|f| f.from.as_ref())));
                    down.extend(restore.iter().cloned());
                    down.extend(create_policies(&|p| &p.1));
                    Ok(down)
                }
            };
            let mut b = self
                .step(rank::ALTER_COLUMN, description)
                .sql(up)
                .lock_all(old_order.iter().map(|v| &v.from.name), LockLevel::AccessExclusive)
                .lock_all(rebuild.policies.iter().map(|p| &p.0), LockLevel::AccessExclusive);
            b = match down {
                Ok(down) => b.down(down),
                Err(why) => b.irreversible(&why),
            };
            for s in &inner {
                for (relation, lock) in &s.locks {
                    b = b.lock(relation, *lock);
                }
                for h in &s.hazards {
                    b = b.hazard(*h);
                }
                if s.statement_timeout.is_none() {
                    b.step.statement_timeout = None;
                }
            }
            // A materialized view is created WITH DATA, and its indexes built,
            // under the lock: as long as its query takes, with no statement timeout.
            let materialized: Vec<&View> = new_order.iter().map(|(v, _)| *v).filter(|v| v.materialized).collect();
            if !materialized.is_empty() {
                b = b.hazard(Hazard::LongLock);
                b.step.statement_timeout = None;
            }
            if materialized.iter().any(|v| !v.indexes.is_empty()) {
                b = b.hazard(Hazard::IndexBuild);
            }
            if !gone.is_empty() || rebuild.functions.iter().any(|f| f.to.is_none()) {
                b = b.hazard(Hazard::BreaksOldCode);
            }
            // A policy altered in the plan takes its new form here.
            if rebuild.policies.iter().any(|(_, before, after)| before.def != after.def) {
                b = b.hazard(Hazard::AuthorizationChange);
            }
            b.step.rank = match (inner.first(), rebuild.at) {
                (Some(first), _) => first.rank,
                (None, Some(at)) => at,
                (None, None) => b.step.rank,
            };
            self.push(b);
        }
    }

    /// Grants, revokes and comments are merged into one step per kind.
    fn merge_catalog_steps(&mut self) {
        let mut merged: Vec<Step> = Vec::new();
        for step in std::mem::take(&mut self.steps) {
            let mergeable = matches!(step.rank.0, rank::GRANT | rank::REVOKE | rank::COMMENT);
            if mergeable {
                if let Some(m) = merged.iter_mut().find(|m| m.rank.0 == step.rank.0 && m.phase == step.phase) {
                    m.sql.extend(step.sql);
                    if let (Some(d), Some(more)) = (&mut m.down, step.down) {
                        d.extend(more);
                    }
                    for (relation, lock) in &step.locks {
                        m.lock_relation(relation, *lock);
                    }
                    for h in step.hazards {
                        if !m.hazards.contains(&h) {
                            m.hazards.push(h);
                        }
                    }
                    continue;
                }
            }
            merged.push(step);
        }
        for m in &mut merged {
            match m.rank.0 {
                rank::GRANT => m.description = format!("grant {} privileges", m.sql.len()),
                rank::REVOKE => m.description = format!("revoke {} privileges", m.sql.len()),
                rank::COMMENT => m.description = format!("set {} comments", m.sql.len()),
                _ => {}
            }
        }
        self.steps = merged;
    }

    fn change(&mut self, change: &Change, replaced: &BTreeSet<(&'static str, String, String)>) {
        let first = self.steps.len();
        self.plan_change(change, replaced);
        if let Some((_, band)) = self.promoted.iter().find(|(c, _)| c == change) {
            for step in &mut self.steps[first..] {
                step.phase = Phase::Expand;
                step.rank = (rank::RENAME_TABLE, step.rank.1 + band);
            }
        }
    }

    fn plan_change(&mut self, change: &Change, replaced: &BTreeSet<(&'static str, String, String)>) {
        let o = self.options;
        match change {
            Change::CreateSchema(s) => {
                let b = self.step(rank::SCHEMA, format!("create schema {s}")).sql([format!("CREATE SCHEMA IF NOT EXISTS {}", Ident(s))]).down([format!("DROP SCHEMA {}", Ident(s))]);
                self.push(b);
            }
            Change::DropSchema(s) => {
                if self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                let b = self
                    .step(rank::DROP_SCHEMA, format!("drop schema {s}"))
                    .contract()
                    .sql([format!("DROP SCHEMA {}", Ident(s))])
                    .hazard(Hazard::DataLoss)
                    .down([format!("CREATE SCHEMA IF NOT EXISTS {}", Ident(s))]);
                self.push(b);
            }
            Change::CreateExtension(e) => {
                let mut create = format!("CREATE EXTENSION IF NOT EXISTS {}", Ident(&e.name));
                if let Some(s) = &e.schema {
                    let _ = write!(create, " WITH SCHEMA {}", Ident(s));
                }
                let b = self.step(rank::EXTENSION, format!("create extension {}", e.name)).sql([create]).down([format!("DROP EXTENSION IF EXISTS {}", Ident(&e.name))]);
                self.push(b);
            }
            Change::AlterExtensionSchema { name, from, to } => {
                let b = self
                    .step(rank::EXTENSION, format!("move extension {name} to schema {to}"))
                    .sql([format!("ALTER EXTENSION {} SET SCHEMA {}", Ident(name), Ident(to))])
                    .down([format!("ALTER EXTENSION {} SET SCHEMA {}", Ident(name), Ident(from))]);
                self.push(b);
            }
            Change::DropExtension(e) => {
                if self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                let b = self
                    .step(rank::DROP_EXTENSION, format!("drop extension {}", e.name))
                    .contract()
                    .sql([format!("DROP EXTENSION IF EXISTS {}", Ident(&e.name))])
                    .hazard(Hazard::DataLoss)
                    .down([format!("CREATE EXTENSION IF NOT EXISTS {}", Ident(&e.name))]);
                self.push(b);
            }
            Change::CreateRole(r) => {
                let b = self
                    .step(rank::ROLE, format!("create role {}", r.name))
                    .sql([sql::create_role(r)])
                    .hazard(Hazard::AuthorizationChange)
                    .irreversible("roles are shared by every database of the server: drop it by hand if no database uses it");
                self.push(b);
            }
            Change::AlterRole { from, to } => {
                let mut up = Vec::new();
                let mut down = Vec::new();
                if from.login != to.login {
                    let login = |l: bool| if l { "LOGIN" } else { "NOLOGIN" };
                    up.push(format!("ALTER ROLE {} {}", Ident(&to.name), login(to.login)));
                    down.push(format!("ALTER ROLE {} {}", Ident(&to.name), login(from.login)));
                }
                for parent in to.member_of.iter().filter(|p| !from.member_of.contains(p)) {
                    up.push(format!("GRANT {} TO {}", Ident(parent), Ident(&to.name)));
                    down.push(format!("REVOKE {} FROM {}", Ident(parent), Ident(&to.name)));
                }
                for parent in from.member_of.iter().filter(|p| !to.member_of.contains(p)) {
                    up.push(format!("REVOKE {} FROM {}", Ident(parent), Ident(&to.name)));
                    down.push(format!("GRANT {} TO {}", Ident(parent), Ident(&to.name)));
                }
                let b = self.step(rank::ROLE, format!("alter role {}", to.name)).sql(up).down(down).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::DropRole(r) => {
                if self.refuse_unless_allowed(change, Hazard::AuthorizationChange) {
                    return;
                }
                let b = self
                    .step(rank::DROP_ROLE, format!("drop role {}", r.name))
                    .contract()
                    .sql([format!("DROP ROLE IF EXISTS {}", Ident(&r.name))])
                    .hazard(Hazard::AuthorizationChange)
                    .down([sql::create_role(r)]);
                self.push(b);
            }
            Change::CreateEnum(e) => {
                let b = self.step(rank::ENUM, format!("create enum {}", e.name)).sql(sql::create_enum(e)).down([format!("DROP TYPE {}", e.name)]);
                self.push(b);
            }
            Change::AddEnumValue { name, value, position } => {
                // Its own autocommit statement: a label cannot be used in the transaction that adds it.
                let b = self
                    .step(rank::ENUM, format!("add label {value:?} to enum {name}"))
                    .sql([sql::add_enum_value(name, value, position)])
                    .non_transactional()
                    .irreversible("PostgreSQL cannot remove a label from an enum");
                self.push(b);
            }
            Change::RecreateEnum { .. } => self.errors.push(PlanError::Unsupported {
                change: change.to_string(),
                why: "labels were removed or reordered: create a new type, convert the columns with USING col::text::new_type, drop the old one".into(),
            }),
            Change::DropEnum(e) => {
                let b = self.step(rank::DROP_ENUM, format!("drop enum {}", e.name)).contract().sql([format!("DROP TYPE {}", e.name)]).down(sql::create_enum(e));
                self.push(b);
            }
            Change::CreateDomain(d) => {
                let b = self.step(rank::DOMAIN, format!("create domain {}", d.name)).sql([sql::create_domain(d)]).down([format!("DROP DOMAIN {}", d.name)]);
                self.push(b);
            }
            Change::AlterDomain { from, to } => self.alter_domain(change, from, to),
            Change::DropDomain(d) => {
                let b = self.step(rank::DROP_DOMAIN, format!("drop domain {}", d.name)).contract().sql([format!("DROP DOMAIN {}", d.name)]).down([sql::create_domain(d)]);
                self.push(b);
            }
            // Made by the step rebuilding the views whose row type it uses (see `ViewRebuild::functions`).
            Change::CreateFunction(f) | Change::ReplaceFunction { from: f, .. } | Change::DropFunction(f) if self.rebuilt_function(f) => {}
            Change::CreateFunction(f) => {
                let r = self.function_rank(f);
                let b = self.step(r, format!("create function {}", f.name)).sql([sql::function(f)]).down([sql::drop_function(f)]);
                self.push(b);
            }
            Change::ReplaceFunction { from, to } => {
                let r = self.function_rank(to);
                let recreate = from.returns != to.returns || from.arguments != to.arguments;
                let (up, down) = if recreate {
                    (vec![sql::drop_function(from), sql::function(to)], vec![sql::drop_function(to), sql::function(from)])
                } else {
                    (vec![sql::function(to)], vec![sql::function(from)])
                };
                let b = self.step(r, format!("replace function {}", to.name)).sql(up).down(down);
                self.push(b);
            }
            Change::DropFunction(f) => {
                let r = self.drop_ranks.get(&super::diff::function_key(f)).copied().unwrap_or(rank::DROP_FUNCTION);
                let b = self.step(r, format!("drop function {}", f.name)).contract().sql([sql::drop_function(f)]).down([sql::function(f)]);
                self.push(b);
            }
            Change::CreateTable(t) => {
                // Foreign keys to other new tables are added once all exist.
                let new = self.new_tables.clone();
                let inline = |fk: &crate::model::ForeignKey| fk.references == t.name || !new.contains(&fk.references);
                // The new table is locked too, but no other session sees it before the step commits.
                let referenced = t.foreign_keys.iter().filter(|fk| inline(fk) && fk.references != t.name).map(|fk| &fk.references);
                let b = self
                    .step(rank::CREATE_TABLE, format!("create table {}", t.name))
                    .sql(sql::create_table(t, inline))
                    .lock_all(referenced, LockLevel::ShareRowExclusive)
                    .down([format!("DROP TABLE {}", t.name)]);
                self.push(b);
                for fk in t.foreign_keys.iter().filter(|fk| !inline(fk)) {
                    let c = Constraint::ForeignKey(fk.clone());
                    let b = self
                        .step(rank::CHECK_FK, format!("add foreign key {} on new table {}", c.name(), t.name))
                        .sql([format!("ALTER TABLE {} ADD {}", t.name, sql::constraint_def(&c))])
                        .lock_all([&t.name, &fk.references], LockLevel::ShareRowExclusive)
                        .down([format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", t.name, Ident(c.name()))]);
                    self.push(b);
                }
            }
            Change::DropTable(t) => {
                if self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                let b = self
                    .step(rank::DROP_TABLE, format!("drop table {}", t.name))
                    .contract()
                    .sql([format!("DROP TABLE {}", t.name)])
                    .lock(&t.name, LockLevel::AccessExclusive)
                    // Its partitions go with it.
                    .lock_all(&partitions_of(t), LockLevel::AccessExclusive)
                    // The triggers of its foreign keys on the tables they reference go too.
                    .lock_all(t.foreign_keys.iter().map(|fk| &fk.references), LockLevel::AccessExclusive)
                    .hazard(Hazard::DataLoss)
                    .irreversible("the table's rows are gone: restore them from a backup");
                self.push(b);
            }
            Change::RenameTable { from, to } => {
                let (up, down) = rename_table(from, to);
                let b = self.step(rank::RENAME_TABLE, format!("rename table {from} to {to}")).sql(up).down(down).lock(from, LockLevel::AccessExclusive).hazard(Hazard::BreaksOldCode);
                self.push(b);
            }
            Change::RenameColumn { table, from, to } => {
                let b = self
                    .step(rank::RENAME, format!("rename column {table}.{from} to {to}"))
                    .sql([rename_column(table, from, to)])
                    .down([rename_column(table, to, from)])
                    .lock_all(&self.with_partitions(table), LockLevel::AccessExclusive)
                    .hazard(Hazard::BreaksOldCode);
                self.push(b);
            }
            Change::AddColumn { table, column } => self.add_column(table, column),
            Change::DropColumn { table, column } => {
                if self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                let b = self
                    .step(rank::DROP_COLUMN, format!("drop column {table}.{}", column.name))
                    .contract()
                    .sql([format!("ALTER TABLE {table} DROP COLUMN {}", Ident(&column.name))])
                    .lock_all(&self.with_partitions(table), LockLevel::AccessExclusive)
                    .hazard(Hazard::DataLoss)
                    .irreversible("the column's values are gone: restore them from a backup");
                self.push(b);
            }
            Change::AlterColumn { table, from, to, change: what } => self.alter_column(change, table, from, to, *what),
            // Made by the step replacing the key it takes the place of.
            Change::AddConstraint { table, constraint: Constraint::ForeignKey(fk) } if self.foreign_key_swaps().iter().any(|(t, _, new)| t == table && new == fk) => {}
            Change::AddConstraint { table, constraint } => self.add_constraint(table, constraint),
            Change::DropConstraint { table, constraint: Constraint::ForeignKey(old) } if self.foreign_key_swaps().iter().any(|(t, k, _)| t == table && k == old) => {
                let swaps = self.foreign_key_swaps();
                let (_, _, new) = swaps.iter().find(|(t, k, _)| t == table && k == old).expect("a swap");
                self.swap_foreign_key(table, old, new);
            }
            Change::DropConstraint { table, constraint } => {
                let mut b = self
                    .step(rank::RELAX, format!("drop constraint {} on {table}", constraint.name()))
                    .sql([format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {}", Ident(constraint.name()))])
                    .lock_all(&self.with_partitions(table), LockLevel::AccessExclusive)
                    .down([format!("ALTER TABLE {table} ADD {}", sql::constraint_def(constraint))]);
                // A foreign key's triggers on the table it references go too.
                if let Constraint::ForeignKey(fk) = constraint {
                    b = b.lock(&fk.references, LockLevel::AccessExclusive);
                }
                // Foreign keys go before the keys they reference.
                b.step.rank.1 = if constraint_is_fk(constraint) { b.step.rank.1 } else { b.step.rank.1 + 1_000_000 };
                // A unique key replaced by one it implies (a partial unique index on
                // live rows instead of UNIQUE (slug)) goes once that one is built:
                // in between, nothing would refuse a duplicate, and one written
                // then makes the new index's build fail (23505).
                if let Constraint::Unique(old) = constraint {
                    if self.replaced_by_an_implied_key(table, old, constraint.name()) {
                        b.step.rank = (rank::INDEX, b.step.rank.1 + 2_000_000);
                    }
                }
                self.push(b);
            }
            Change::RenameConstraint { table, from, to } => {
                // ACCESS EXCLUSIVE on the table, briefly; a key's index is renamed with it.
                self.follow_table_rename(format!("rename constraint {from} on {table} to {to}"), std::slice::from_ref(table), LockLevel::AccessExclusive, from, to, |a, b| {
                    format!("ALTER TABLE {table} RENAME CONSTRAINT {} TO {}", Ident(a), Ident(b))
                });
            }
            Change::RenameIndex { table, from, to } => {
                // SHARE UPDATE EXCLUSIVE on the index only (PostgreSQL 12+).
                self.follow_table_rename(format!("rename index {from} on {table} to {to}"), &[QualifiedName::new(&table.schema, from)], LockLevel::ShareUpdateExclusive, from, to, |a, b| {
                    format!("ALTER INDEX {} RENAME TO {}", QualifiedName::new(&table.schema, a), Ident(b))
                });
            }
            Change::RenameTrigger { table, from, to } => {
                // ACCESS EXCLUSIVE on the table, briefly (and on each partition,
                // whose copies of the trigger PostgreSQL 15 renames with it).
                let locked = self.with_partitions(table);
                self.follow_table_rename(format!("rename trigger {from} on {table} to {to}"), &locked, LockLevel::AccessExclusive, from, to, |a, b| {
                    format!("ALTER TRIGGER {} ON {table} RENAME TO {}", Ident(a), Ident(b))
                });
            }
            // Made by the step changing the type of a column it names.
            Change::ReplaceTrigger { table, to, .. } if self.retriggers.absorbed.contains(&(table.clone(), to.name.clone())) => {}
            Change::ReplaceTrigger { table, from, to } => self.replace_trigger(table, from, to),
            Change::CreateIndex { table, index } => self.create_index(table, index),
            Change::DropIndex { table, index } if self.adopted.iter().any(|a| a.table == *table && a.index.name == index.name) => {}
            Change::DropIndex { table, index } => {
                let is_replaced = replaced.contains(&("index", table.to_string(), index.name.clone().unwrap_or_default()));
                let concurrently = o.concurrently && !self.partitioned(table);
                // A replaced one is dropped before the column renames and created
                // again after they are undone; one dropped after the deploy is
                // created again before: its column keys by their new names, under
                // the old names if its expressions or predicate name them so
                // (in the transaction the renames need, so not concurrently).
                let (created, under_old_names) = if is_replaced {
                    (index.clone(), false)
                } else {
                    let followed = followed_index(index, self.column_renames.get(table));
                    let old = self.index_under_old_names(table, &followed);
                    (followed, old)
                };
                let down_concurrently = concurrently && !under_old_names;
                // Its comment after it is built (statement by statement when
                // built concurrently: no transaction around the two).
                let mut down = vec![sql::create_index(table, &created, down_concurrently)];
                down.extend(index.comment.as_ref().map(|c| sql::comment(&CommentTarget::Index(QualifiedName::new(&table.schema, index.name.clone().unwrap_or_default())), Some(c))));
                let down = self.under_old_names(&under_old_names.then(|| table.clone()).into_iter().collect(), down);
                let mut b = self
                    .step(if is_replaced { rank::RELAX } else { rank::DROP_INDEX }, format!("drop index {}", sql::index_name(table, index)))
                    .sql([sql::drop_index(table, index, concurrently)])
                    .down(down);
                if concurrently {
                    b = b.non_transactional().lock(table, LockLevel::ShareUpdateExclusive);
                } else {
                    b = b.lock_all(&self.with_partitions(table), LockLevel::AccessExclusive);
                }
                if down_concurrently {
                    b = b.down_non_transactional();
                }
                if !is_replaced {
                    b = b.contract();
                }
                self.push(b);
            }
            Change::AddPartition { table, partition } => self.add_partition(table, partition),
            Change::DropPartition { table, partition } => {
                if self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                let is_replaced = replaced.contains(&("partition", table.to_string(), partition.name.clone()));
                let default = self.default_partition(table).map(|_| QualifiedName::new(&table.schema, crate::model::Partitioning::default_partition_name(&table.name)));
                let mut b = self
                    .step(if is_replaced { rank::RELAX } else { rank::DROP_PARTITION }, format!("drop partition {} of {table}", partition.name))
                    .sql(sql::drop_partition(table, &partition.name))
                    .lock_all([table, &QualifiedName::new(&table.schema, &partition.name)], LockLevel::AccessExclusive)
                    // Detaching next to a default partition locks that one too.
                    .lock_all(&default, LockLevel::AccessExclusive)
                    .hazard(Hazard::DataLoss)
                    .irreversible("the partition's rows are gone");
                if !is_replaced {
                    b = b.contract();
                }
                self.push(b);
            }
            Change::RenamePartition { table, from, to } => {
                // ACCESS EXCLUSIVE on the partition only, briefly (not on its
                // parent: queries of the parent that prune the partition go on).
                self.follow_table_rename(format!("rename partition {from} of {table} to {to}"), &[QualifiedName::new(&table.schema, from)], LockLevel::AccessExclusive, from, to, |a, b| {
                    format!("ALTER TABLE {} RENAME TO {}", QualifiedName::new(&table.schema, a), Ident(b))
                });
            }
            Change::MovePartition { table, from_schema, name } => {
                // ACCESS EXCLUSIVE on the partition only, briefly, as a rename; its
                // indexes and row type move with it.
                self.follow_table_rename(format!("move partition {name} of {table} from schema {from_schema}"), &[QualifiedName::new(from_schema, name)], LockLevel::AccessExclusive, from_schema, &table.schema, |a, b| {
                    format!("ALTER TABLE {} SET SCHEMA {}", QualifiedName::new(a, name), Ident(b))
                });
            }
            Change::SetDefaultPartition { table, present: true } => {
                let b = self
                    .step(rank::PARTITION, format!("add the default partition of {table}"))
                    .sql([sql::create_default_partition(table)])
                    .lock(table, LockLevel::AccessExclusive)
                    .down(sql::drop_partition(table, &crate::model::Partitioning::default_partition_name(&table.name)));
                self.push(b);
            }
            Change::SetDefaultPartition { table, present: false } => {
                if self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                let b = self
                    .step(rank::DROP_PARTITION, format!("drop the default partition of {table}"))
                    .contract()
                    .sql(sql::drop_partition(table, &crate::model::Partitioning::default_partition_name(&table.name)))
                    .lock_all([table, &QualifiedName::new(&table.schema, crate::model::Partitioning::default_partition_name(&table.name))], LockLevel::AccessExclusive)
                    .hazard(Hazard::DataLoss)
                    .irreversible("the default partition's rows are gone");
                self.push(b);
            }
            Change::ChangePartitioning { .. } => self.errors.push(PlanError::Unsupported {
                change: change.to_string(),
                why: "a table cannot be re-partitioned in place: create the new table, copy the rows, swap names".into(),
            }),
            Change::SetRowLevelSecurity { table, from, to } => {
                let mut up = Vec::new();
                let mut down = Vec::new();
                if from.enabled != to.enabled {
                    let s = |on: bool| if on { "ENABLE" } else { "DISABLE" };
                    up.push(format!("ALTER TABLE {table} {} ROW LEVEL SECURITY", s(to.enabled)));
                    down.push(format!("ALTER TABLE {table} {} ROW LEVEL SECURITY", s(from.enabled)));
                }
                if from.forced != to.forced {
                    let s = |on: bool| if on { "FORCE" } else { "NO FORCE" };
                    up.push(format!("ALTER TABLE {table} {} ROW LEVEL SECURITY", s(to.forced)));
                    down.push(format!("ALTER TABLE {table} {} ROW LEVEL SECURITY", s(from.forced)));
                }
                let b = self.step(rank::SECURITY, format!("row-level security on {table}")).sql(up).down(down).lock(table, LockLevel::AccessExclusive).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::CreatePolicy { table, policy } => {
                let mut up = vec![sql::create_policy(table, policy)];
                if let Some(c) = &policy.comment {
                    up.push(sql::comment(&CommentTarget::Policy(table.clone(), policy.name.clone()), Some(c)));
                }
                let b = self
                    .step(rank::SECURITY, format!("create policy {} on {table}", policy.name))
                    .sql(up)
                    .down([format!("DROP POLICY IF EXISTS {} ON {table}", Ident(&policy.name))])
                    .lock(table, LockLevel::AccessExclusive)
                    .hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            // Made by the step changing the type of a column it names.
            Change::AlterPolicy { table, to, .. } if self.repolicies.absorbed.contains(&(table.clone(), to.name.clone())) => {}
            Change::AlterPolicy { table, from, to } => {
                let in_place = from.command == to.command && from.permissive == to.permissive;
                let (up, down) = if in_place {
                    (vec![sql::alter_policy(table, to)], vec![sql::alter_policy(table, from)])
                } else {
                    let drop = |p: &crate::model::Policy| format!("DROP POLICY {} ON {table}", Ident(&p.name));
                    (vec![drop(from), sql::create_policy(table, to)], vec![drop(to), sql::create_policy(table, from)])
                };
                // Undone before the columns are renamed back: the old
                // expressions are set under the names they use.
                let down = self.under_old_names(&self.policy_renamed_tables(table, from), down);
                let b = self.step(rank::SECURITY, format!("alter policy {} on {table}", to.name)).sql(up).down(down).lock(table, LockLevel::AccessExclusive).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::DropPolicy { table, policy } => {
                let b = self
                    .step(rank::RELAX, format!("drop policy {} on {table}", policy.name))
                    .sql([format!("DROP POLICY IF EXISTS {} ON {table}", Ident(&policy.name))])
                    .down([sql::create_policy(table, policy)])
                    .lock(table, LockLevel::AccessExclusive)
                    .hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::CreateTrigger { table, trigger } => {
                let mut up = vec![sql::create_trigger(table, trigger)];
                if let Some(c) = &trigger.comment {
                    up.push(sql::comment(&CommentTarget::Trigger(table.clone(), trigger.name.clone()), Some(c)));
                }
                let b = self
                    .step(rank::TRIGGER, format!("create trigger {} on {table}", trigger.name))
                    .sql(up)
                    .down([format!("DROP TRIGGER IF EXISTS {} ON {table}", Ident(&trigger.name))])
                    .lock_all(&self.with_partitions(table), LockLevel::ShareRowExclusive);
                self.push(b);
            }
            Change::DropTrigger { table, trigger } => {
                let is_replaced = replaced.contains(&("trigger", table.to_string(), trigger.name.clone()));
                // A replaced one is dropped before the column renames, and created
                // again after they are undone; one dropped after the deploy is
                // created again before: by its columns' new names, under the old
                // ones if its `WHEN` names them so.
                let (created, under_old_names) = if is_replaced {
                    (trigger.clone(), false)
                } else {
                    self.trigger_to_create(table, &Form::old(renamed_update_of(trigger, self.column_renames.get(table), false)))
                };
                let mut down = vec![sql::create_trigger(table, &created)];
                down.extend(trigger.comment.as_ref().map(|c| sql::comment(&CommentTarget::Trigger(table.clone(), trigger.name.clone()), Some(c))));
                let down = self.under_old_names(&under_old_names.then(|| table.clone()).into_iter().collect(), down);
                let mut b = self
                    .step(if is_replaced { rank::RELAX } else { rank::DROP_TRIGGER }, format!("drop trigger {} on {table}", trigger.name))
                    .sql([format!("DROP TRIGGER IF EXISTS {} ON {table}", Ident(&trigger.name))])
                    .down(down)
                    .lock_all(&self.with_partitions(table), LockLevel::AccessExclusive);
                if !is_replaced {
                    b = b.contract();
                }
                self.push(b);
            }
            // Created by the step rebuilding the views reading it (see `ViewRebuild::created`).
            Change::CreateView(v) if self.rebuilds.iter().any(|r| (!r.tables.is_empty() || r.at.is_some()) && r.reads_new.iter().any(|w| w.name == v.name)) => {
                let Some(r) = self.rebuilds.iter_mut().find(|r| r.reads_new.iter().any(|w| w.name == v.name)) else { return };
                r.created.push(v.clone());
            }
            Change::CreateView(v) => {
                let b = self.step(rank::VIEW, format!("create view {}", v.name)).sql(sql::create_view(v, false)).down([sql::drop_view(v)]);
                self.push(b);
            }
            // Only `security_invoker` changes (a query change is a `RebuildView`):
            // the same query, valid under the columns' new names, both ways.
            Change::ReplaceView { from, to } if !from.materialized && !to.materialized => {
                let b = self
                    .step(rank::VIEW, format!("replace view {}", to.name))
                    .sql(sql::create_view(to, true))
                    .down(sql::create_view(from, true))
                    .lock(&from.name, LockLevel::AccessExclusive);
                self.push(b);
            }
            // The diff gives a `RebuildView` for these: it knows the privileges to grant again.
            Change::ReplaceView { .. } => self.errors.push(PlanError::Unsupported {
                change: change.to_string(),
                why: "a materialized view has no CREATE OR REPLACE: plan a Change::RebuildView (which migrate::diff gives), with its privileges".into(),
            }),
            // Made with the column steps it surrounds, or where the first of
            // its views comes in the plan: see `merge_view_rebuilds`.
            Change::RebuildView { from, .. } => {
                if let Some(g) = self.rebuilds.iter().position(|r| r.views.iter().any(|v| v.from.name == from.name)) {
                    if self.rebuilds[g].at.is_none() {
                        self.seq += 1;
                        self.rebuilds[g].at = Some((rank::VIEW, self.seq));
                    }
                }
            }
            // Dropped by the step changing the type of the columns it reads.
            Change::DropView(v) if self.rebuilds.iter().any(|r| r.views.iter().any(|w| w.from.name == v.name)) => {}
            Change::DropView(v) => {
                // Undone before the columns are renamed back: under the names its query uses.
                let b = self
                    .step(rank::DROP_VIEW, format!("drop view {}", v.name))
                    .contract()
                    .sql([sql::drop_view(v)])
                    .down(self.old_views(&[v], sql::create_view(v, false)))
                    .lock(&v.name, LockLevel::AccessExclusive);
                self.push(b);
            }
            Change::Grant(g) => {
                let b = self.step(rank::GRANT, "grant").sql([sql::grant(g)]).down([sql::revoke(g)]).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::Revoke(g) => {
                let b = self.step(rank::REVOKE, "revoke").contract().sql([sql::revoke(g)]).down([sql::grant(g)]).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::GrantDefault(d) => {
                let b = self.step(rank::GRANT, "grant").sql([sql::grant_default(d)]).down([sql::revoke_default(d)]).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::RevokeDefault(d) => {
                let b = self.step(rank::REVOKE, "revoke").contract().sql([sql::revoke_default(d)]).down([sql::grant_default(d)]).hazard(Hazard::AuthorizationChange);
                self.push(b);
            }
            Change::SetComment { target, from, to } => {
                let b = self
                    .step(rank::COMMENT, "comment")
                    .sql([sql::comment(target, to.as_ref())])
                    .down([sql::comment(target, from.as_ref())])
                    .lock_all(&commented_relation(target), LockLevel::ShareUpdateExclusive);
                self.push(b);
            }
        }
    }

    fn alter_domain(&mut self, change: &Change, from: &crate::model::Domain, to: &crate::model::Domain) {
        if from.base != to.base {
            self.errors.push(PlanError::Unsupported { change: change.to_string(), why: "a domain's base type cannot be changed in place".into() });
            return;
        }
        let d = &to.name;
        let mut up = Vec::new();
        let mut down = Vec::new();
        if from.default != to.default {
            let set = |v: &Option<String>| match v {
                Some(e) => format!("ALTER DOMAIN {d} SET DEFAULT {e}"),
                None => format!("ALTER DOMAIN {d} DROP DEFAULT"),
            };
            up.push(set(&to.default));
            down.push(set(&from.default));
        }
        let mut validate = Vec::new();
        let name = |c: &crate::model::CheckConstraint| c.name.clone().unwrap_or_default();
        for c in from.checks.iter().filter(|c| !to.checks.iter().any(|x| x.name == c.name && x.expr == c.expr)) {
            up.push(format!("ALTER DOMAIN {d} DROP CONSTRAINT IF EXISTS {}", Ident(&name(c))));
            down.push(format!("ALTER DOMAIN {d} ADD CONSTRAINT {} CHECK ({})", Ident(&name(c)), c.expr));
        }
        for c in to.checks.iter().filter(|c| !from.checks.iter().any(|x| x.name == c.name && x.expr == c.expr)) {
            up.push(format!("ALTER DOMAIN {d} ADD CONSTRAINT {} CHECK ({}) NOT VALID", Ident(&name(c)), c.expr));
            validate.push(format!("ALTER DOMAIN {d} VALIDATE CONSTRAINT {}", Ident(&name(c))));
            down.push(format!("ALTER DOMAIN {d} DROP CONSTRAINT IF EXISTS {}", Ident(&name(c))));
        }
        if !up.is_empty() {
            let b = self.step(rank::DOMAIN, format!("alter domain {d}")).sql(up).down(down);
            self.push(b);
        }
        let (scanned, arrays) = self.domain_scan(d);
        if (!validate.is_empty() || to.not_null && !from.not_null) && !arrays.is_empty() {
            let why = format!(
                "PostgreSQL validates a domain's new check or NOT NULL only where no column holds arrays of it (0A000), and {} {} (drop or retype that column first, or add the check NOT VALID by hand)",
                arrays.join(", "),
                if arrays.len() == 1 { "does" } else { "do" }
            );
            self.errors.push(PlanError::Unsupported { change: change.to_string(), why });
            return;
        }
        if !validate.is_empty() {
            let b = self.step(rank::VALIDATE, format!("validate the new checks of domain {d}")).sql(validate).hazard(Hazard::ValidationScan).lock_all(&scanned, LockLevel::Share);
            self.push(b);
        }
        if from.not_null != to.not_null {
            let (a, b) = if to.not_null { ("SET", "DROP") } else { ("DROP", "SET") };
            let mut st = self.step(rank::VALIDATE, format!("{a} NOT NULL on domain {d}")).sql([format!("ALTER DOMAIN {d} {a} NOT NULL")]).down([format!("ALTER DOMAIN {d} {b} NOT NULL")]);
            if to.not_null {
                st = st.hazard(Hazard::ValidationScan).lock_all(&scanned, LockLevel::Share);
            }
            self.push(st);
        }
    }

    /// What validating a check or `NOT NULL` of domain `d` at
    /// [`rank::VALIDATE`] scans: the tables with a column of it then (their
    /// partitions, for a partitioned one), locked SHARE; and the columns
    /// holding arrays of it then (`table.column`), under which PostgreSQL
    /// refuses the validation. Columns the plan drops later are still there.
    fn domain_scan(&self, d: &QualifiedName) -> (Vec<QualifiedName>, Vec<String>) {
        let Some([before, after]) = self.domain_columns.get(d) else { return Default::default() };
        let renamed = |t: &QualifiedName| {
            self.options
                .renames
                .iter()
                .find_map(|r| match r {
                    Rename::Table { from, to } if from == t => Some(to.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| t.clone())
        };
        let mut columns: Vec<(QualifiedName, String, bool)> = after.iter().map(|c| (c.table.clone(), c.column.clone(), c.array)).collect();
        for c in before {
            let table = renamed(&c.table);
            let column = self.column_renames.get(&table).and_then(|m| m.get(&c.column)).cloned().unwrap_or_else(|| c.column.clone());
            // A column kept has its type after the migration by then; one dropped is still there.
            if !self.columns_after.get(&table).is_some_and(|cs| cs.contains(&column)) {
                columns.push((table, column, c.array));
            }
        }
        let mut scanned = Vec::new();
        let mut arrays = Vec::new();
        for (table, column, array) in columns {
            if array {
                arrays.push(format!("{table}.{}", Ident(&column)));
                continue;
            }
            let mut relations = self.with_partitions(&table);
            if relations.len() > 1 {
                relations.remove(0);
            }
            for r in relations {
                if !scanned.contains(&r) {
                    scanned.push(r);
                }
            }
        }
        arrays.sort();
        arrays.dedup();
        (scanned, arrays)
    }

    fn add_column(&mut self, table: &QualifiedName, column: &Column) {
        let drop = format!("ALTER TABLE {table} DROP COLUMN IF EXISTS {}", Ident(&column.name));
        let description = format!("add column {table}.{}", column.name);
        let rewrites = column.generated.is_some()
            || column.identity.is_some()
            || column.default.as_deref().is_some_and(volatile)
            || matches!(column.ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial);
        let constant_default = column.default.as_deref().is_some_and(|d| !volatile(d));
        if column.nullable || constant_default || rewrites && column.default.is_none() {
            // Nullable, or NOT NULL filled by a constant default (no rewrite since PostgreSQL 11),
            // or a column whose values PostgreSQL computes itself (rewrite).
            let mut b = self.step(rank::ADD_COLUMN, description).sql([format!("ALTER TABLE {table} ADD COLUMN {}", sql::column_def(column))]).lock_all(&self.with_partitions(table), LockLevel::AccessExclusive).down([drop]);
            if rewrites {
                b = b.hazard(Hazard::TableRewrite).hazard(Hazard::LongLock);
            }
            if let Some(c) = &column.comment {
                b = b.sql([sql::comment(&CommentTarget::Column(table.clone(), column.name.clone()), Some(c))]);
            }
            self.push(b);
            return;
        }
        // NOT NULL with a volatile default, or none: add nullable, backfill, enforce.
        let mut nullable = column.clone();
        nullable.nullable = true;
        let default = nullable.default.take();
        let mut up = vec![format!("ALTER TABLE {table} ADD COLUMN {}", sql::column_def(&nullable))];
        if let Some(d) = &default {
            up.push(format!("ALTER TABLE {table} ALTER COLUMN {} SET DEFAULT {d}", Ident(&column.name)));
        }
        if let Some(c) = &column.comment {
            up.push(sql::comment(&CommentTarget::Column(table.clone(), column.name.clone()), Some(c)));
        }
        let b = self.step(rank::ADD_COLUMN, format!("{description} (nullable until backfilled)")).sql(up).lock_all(&self.with_partitions(table), LockLevel::AccessExclusive).down([drop]);
        self.push(b);
        self.enforce_not_null(table, &column.name, default.as_deref(), rank::ADD_COLUMN);
    }

    /// Backfill (when a value is known), then `CHECK NOT VALID` + `VALIDATE` + `SET NOT NULL`.
    fn enforce_not_null(&mut self, table: &QualifiedName, column: &str, default: Option<&str>, r: u8) {
        let o = self.options;
        let backfill = o
            .backfills
            .iter()
            .find(|b| &b.table == table && b.column == column)
            .map(|b| b.expression.clone())
            .or_else(|| default.map(|_| "DEFAULT".to_owned()));
        let col = Ident(column).to_string();
        match backfill {
            Some(expr) => {
                let body = format!(
                    "\nDECLARE\n    n bigint;\nBEGIN\n    LOOP\n        UPDATE {table} SET {col} = {expr}\n        WHERE {col} IS NULL AND ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {col} IS NULL LIMIT {}));\n        GET DIAGNOSTICS n = ROW_COUNT;\n        EXIT WHEN n = 0;\n        COMMIT;\n    END LOOP;\nEND\n",
                    o.batch_size
                );
                let b = self
                    .step(r, format!("backfill {table}.{column} in batches of {}", o.batch_size))
                    .sql([format!("DO $backfill${body}$backfill$")])
                    .non_transactional()
                    .lock_all(&self.with_partitions(table), LockLevel::RowExclusive)
                    .hazard(Hazard::Backfill);
                // Undoing keeps the backfilled values: the column's other steps undo the rest.
                self.push(b);
            }
            None if self.existing(table) => {
                self.errors.push(PlanError::MissingBackfill { table: table.clone(), column: column.to_owned() });
                return;
            }
            None => {}
        }
        let check = Ident(&not_null_check_name(&table.name, column)).to_string();
        let b = self
            .step(r, format!("NOT NULL on {table}.{column}: check added NOT VALID"))
            .sql([format!("ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID")])
            .lock_all(&self.with_partitions(table), LockLevel::AccessExclusive)
            .down([format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {check}")]);
        self.push(b);
        let b = self
            .step(r, format!("NOT NULL on {table}.{column}: check validated"))
            .sql([format!("ALTER TABLE {table} VALIDATE CONSTRAINT {check}")])
            .lock_all(&self.with_partitions(table), LockLevel::ShareUpdateExclusive)
            .hazard(Hazard::ValidationScan);
        self.push(b);
        let b = self
            .step(r, format!("NOT NULL on {table}.{column}: set, using the valid check"))
            .sql([format!("ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL"), format!("ALTER TABLE {table} DROP CONSTRAINT {check}")])
            .lock_all(&self.with_partitions(table), LockLevel::AccessExclusive)
            .down([format!("ALTER TABLE {table} ALTER COLUMN {col} DROP NOT NULL")]);
        self.push(b);
    }

    fn alter_column(&mut self, change: &Change, table: &QualifiedName, from: &Column, to: &Column, what: ColumnChange) {
        let col = Ident(&to.name).to_string();
        let alter = |rest: String| format!("ALTER TABLE {table} ALTER COLUMN {col} {rest}");
        // Within one column: drop identity, type, default, NOT NULL, add identity.
        let sub = match what {
            ColumnChange::Identity if to.identity.is_none() => 0,
            ColumnChange::Type => 1,
            ColumnChange::Generated => 1,
            ColumnChange::Default => 2,
            ColumnChange::Nullability => 3,
            ColumnChange::Identity => 4,
        };
        let r = rank::ALTER_COLUMN;
        // ALTER TABLE recurses to the partitions.
        let locked = self.with_partitions(table);
        let rebuild = self.rebuilds.iter().position(|g| g.tables.contains(table));
        match what {
            ColumnChange::Type => {
                let (rewrite, loss) = type_change(&from.ty, &to.ty);
                if loss && self.refuse_unless_allowed(change, Hazard::DataLoss) {
                    return;
                }
                // A serial is its storage type plus a sequence: the sequence
                // comes and goes with the serial (the identity step's, when
                // an identity takes or gives its place), and follows the
                // type when the column stays a serial.
                let (numbered, numbers) = (Numbering::of(from), Numbering::of(to));
                let (mut up, mut down) = (Vec::new(), Vec::new());
                // Between timestamp and timestamptz a cast reads (or writes)
                // the wall clock of the session's TimeZone, which depends on
                // who runs the migration: the zone is the plan's, both ways.
                let zoned = matches!((from.ty.storage(), to.ty.storage()), (SqlType::Timestamp, SqlType::Timestamptz) | (SqlType::Timestamptz, SqlType::Timestamp));
                let zone = self.options.timestamp_zone.as_deref().unwrap_or("UTC");
                if from.ty.storage() != to.ty.storage() {
                    let using = |ty: &SqlType| if zoned { format!("TYPE {ty} USING {col} AT TIME ZONE {}", Literal(zone)) } else { format!("TYPE {} USING {col}::{}", ty, ty) };
                    up.push(alter(using(&to.ty.storage())));
                    down.push(alter(using(&from.ty.storage())));
                }
                match (numbered, numbers) {
                    (Numbering::Serial(a), Numbering::Serial(b)) if a != b => {
                        up.push(retype_serial_sequence(table, &to.name, b));
                        down.push(retype_serial_sequence(table, &to.name, a));
                    }
                    (Numbering::Serial(_), Numbering::None) | (Numbering::None, Numbering::Serial(_)) => {
                        up.push(renumber(table, &to.name, numbered, numbers));
                        down.push(renumber(table, &to.name, numbers, numbered));
                    }
                    _ => {}
                }
                if up.is_empty() {
                    return;
                }
                if from.ty.storage() == to.ty.storage() {
                    let description = if is_serial(&to.ty) { format!("{table}.{} becomes {}", to.name, to.ty) } else { format!("{table}.{} stops being {}", to.name, from.ty) };
                    let mut b = self.step(r, description).sql(up).down(down).lock_all(&locked, LockLevel::AccessExclusive);
                    if is_serial(&to.ty) {
                        b = b.hazard(Hazard::ValidationScan);
                    }
                    b.step.rank.1 += sub * 100_000;
                    self.push(b);
                    return;
                }
                let (up, down, mut description, ..) = self.around(table, &to.name, up, down, format!("change type of {table}.{} to {}", to.name, to.ty));
                if zoned {
                    let unset = if self.options.timestamp_zone.is_none() { " (PlanOptions::timestamp_zone unset)" } else { "" };
                    let _ = match to.ty.storage() {
                        SqlType::Timestamptz => write!(description, ", its values read as wall-clock times in {zone}{unset}"),
                        _ => write!(description, ", its instants kept as wall-clock times in {zone}{unset}"),
                    };
                }
                // The tables of the policies dropped and created again are locked
                // too, and those on the other side of the foreign keys on the column.
                let mut others = self.policy_tables(table, &to.name);
                others.extend(self.key_partners(table, &to.name));
                let mut b = self.step(r, description).sql(up).down(down).lock_all(&locked, LockLevel::AccessExclusive).lock_all(&others, LockLevel::AccessExclusive);
                b.step.rebuild = rebuild;
                if rewrite {
                    b = b.hazard(Hazard::TableRewrite).hazard(Hazard::LongLock);
                }
                if loss {
                    b = b.hazard(Hazard::DataLoss);
                }
                if self.alters_policies(table, &to.name) {
                    b = b.hazard(Hazard::AuthorizationChange);
                }
                b.step.rank.1 += sub * 100_000;
                self.push(b);
            }
            ColumnChange::Default => {
                let set = |d: &Option<String>| match d {
                    Some(e) => alter(format!("SET DEFAULT {e}")),
                    None => alter("DROP DEFAULT".into()),
                };
                let mut b = self.step(r, format!("default of {table}.{}", to.name)).sql([set(&to.default)]).down([set(&from.default)]).lock_all(&locked, LockLevel::AccessExclusive);
                b.step.rank.1 += sub * 100_000;
                self.push(b);
            }
            ColumnChange::Nullability if to.nullable => {
                let mut b = self.step(r, format!("drop NOT NULL on {table}.{}", to.name)).sql([alter("DROP NOT NULL".into())]).down([alter("SET NOT NULL".into())]).lock_all(&locked, LockLevel::AccessExclusive);
                b.step.rank.1 += sub * 100_000;
                self.push(b);
            }
            ColumnChange::Nullability => {
                let before = self.steps.len();
                self.enforce_not_null(table, &to.name, to.default.as_deref(), r);
                for s in &mut self.steps[before..] {
                    s.rank.1 += sub * 100_000;
                }
            }
            ColumnChange::Identity => {
                // A new identity's sequence starts after the values the rows
                // have (undoing a drop too: it is a new sequence, at 1),
                // found by pg_get_serial_sequence, not by name: PostgreSQL
                // picks another when `{table}_{column}_seq` is taken, and
                // keeps it across renames.
                let add = |kind| {
                    let k = if kind == crate::model::Identity::Always { "ALWAYS" } else { "BY DEFAULT" };
                    vec![
                        alter(format!("ADD GENERATED {k} AS IDENTITY")),
                        format!("SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({col}), 0) + 1, false) FROM {table}", Literal(&table.to_string()), Literal(&to.name)),
                    ]
                };
                // A serial (its default and sequence) gives its place to an
                // identity, or takes it, in one statement.
                let (numbered, numbers) = (Numbering::of(from), Numbering::of(to));
                let (up, down) = match (from.identity, to.identity) {
                    (None, Some(_)) | (Some(_), None) if matches!(numbered, Numbering::Serial(_)) || matches!(numbers, Numbering::Serial(_)) => {
                        (vec![renumber(table, &to.name, numbered, numbers)], vec![renumber(table, &to.name, numbers, numbered)])
                    }
                    (None, Some(kind)) => (add(kind), vec![alter("DROP IDENTITY IF EXISTS".into())]),
                    (Some(kind), None) => (vec![alter("DROP IDENTITY IF EXISTS".into())], add(kind)),
                    (Some(a), Some(b)) => {
                        let k = |i| if i == crate::model::Identity::Always { "ALWAYS" } else { "BY DEFAULT" };
                        (vec![alter(format!("SET GENERATED {}", k(b)))], vec![alter(format!("SET GENERATED {}", k(a)))])
                    }
                    (None, None) => return,
                };
                let mut b = self.step(r, format!("identity of {table}.{}", to.name)).sql(up).down(down).lock_all(&locked, LockLevel::AccessExclusive);
                if from.identity.is_none() {
                    b = b.hazard(Hazard::ValidationScan);
                }
                b.step.rank.1 += sub * 100_000;
                self.push(b);
            }
            ColumnChange::Generated => {
                let mut b = match (&from.generated, &to.generated) {
                    (Some(_), None) => self
                        .step(r, format!("{table}.{} stops being generated", to.name))
                        .sql([alter("DROP EXPRESSION".into())])
                        .lock_all(&locked, LockLevel::AccessExclusive)
                        .irreversible("the stored values are kept; make the column generated again by hand"),
                    _ => {
                        if from.generated.is_none() && self.refuse_unless_allowed(change, Hazard::DataLoss) {
                            return;
                        }
                        // PostgreSQL refuses to drop the column under the triggers and
                        // policies naming it and the foreign keys of other tables
                        // referencing it (2BP01), and drops with it its indexes,
                        // constraints, comment and privileges: all dropped and created
                        // again around it.
                        let rebuild = |c: &Column| vec![format!("ALTER TABLE {table} DROP COLUMN {col}"), format!("ALTER TABLE {table} ADD COLUMN {}", sql::column_def(c))];
                        let (up, down, description, builds, scans) = self.around(table, &to.name, rebuild(to), rebuild(from), format!("rebuild generated column {table}.{}", to.name));
                        // The tables of the policies dropped and created again are
                        // locked too, and those of the foreign keys dropped and added
                        // again, on either side.
                        let mut others = self.policy_tables(table, &to.name);
                        others.extend(self.dependent_tables(table, &to.name));
                        let mut b = self
                            .step(r, description)
                            .sql(up)
                            .down(down)
                            .lock_all(&locked, LockLevel::AccessExclusive)
                            .lock_all(&others, LockLevel::AccessExclusive)
                            .hazard(Hazard::TableRewrite)
                            .hazard(Hazard::LongLock);
                        if builds {
                            b = b.hazard(Hazard::IndexBuild);
                        }
                        if scans {
                            b = b.hazard(Hazard::ValidationScan);
                        }
                        if from.generated.is_none() {
                            b = b.hazard(Hazard::DataLoss);
                        }
                        if self.alters_policies(table, &to.name) {
                            b = b.hazard(Hazard::AuthorizationChange);
                        }
                        b
                    }
                };
                b.step.rank.1 += sub * 100_000;
                b.step.rebuild = rebuild;
                self.push(b);
            }
        }
    }

    fn add_constraint(&mut self, table: &QualifiedName, constraint: &Constraint) {
        let o = self.options;
        let name = Ident(constraint.name()).to_string();
        let drop = format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}");
        // ALTER TABLE recurses to the partitions; a foreign key locks the table it references too.
        let locked = self.with_partitions(table);
        let referenced = match constraint {
            Constraint::ForeignKey(fk) if fk.references != *table => Some(&fk.references),
            _ => None,
        };
        let plain = |p: &mut Self, r: u8, lock: LockLevel, hazards: &[Hazard]| {
            let mut b = p
                .step(r, format!("add constraint {} on {table}", constraint.name()))
                .sql([format!("ALTER TABLE {table} ADD {}", sql::constraint_def(constraint))])
                .lock_all(&locked, lock)
                .lock_all(referenced, LockLevel::ShareRowExclusive)
                .down([drop.clone()]);
            for h in hazards {
                b = b.hazard(*h);
            }
            p.push(b);
        };
        if !self.existing(table) {
            let r = if constraint_is_fk(constraint) { rank::CHECK_FK } else { rank::KEY };
            plain(self, r, LockLevel::AccessExclusive, &[]);
            return;
        }
        if let Some(a) = self.adopted.iter().find(|a| a.table == *table && a.constraint == constraint.name()).cloned() {
            self.adopt_index(table, constraint, &a.index);
            return;
        }
        match constraint {
            Constraint::PrimaryKey(_) | Constraint::Unique(_) if self.partitioned(table) || !o.concurrently => {
                plain(self, rank::KEY, LockLevel::AccessExclusive, &[Hazard::IndexBuild, Hazard::LongLock]);
            }
            Constraint::PrimaryKey(pk) => self.key_via_index(table, constraint, &pk.columns, false, "PRIMARY KEY"),
            Constraint::Unique(u) => self.key_via_index(table, constraint, &u.columns, u.nulls_not_distinct, "UNIQUE"),
            Constraint::ForeignKey(_) if self.partitioned(table) => {
                // NOT VALID foreign keys are not supported on partitioned tables.
                plain(self, rank::CHECK_FK, LockLevel::ShareRowExclusive, &[Hazard::ValidationScan, Hazard::LongLock]);
            }
            Constraint::Check(_) | Constraint::ForeignKey(_) => {
                let lock = if constraint_is_fk(constraint) { LockLevel::ShareRowExclusive } else { LockLevel::AccessExclusive };
                let b = self
                    .step(rank::CHECK_FK, format!("add constraint {} on {table} NOT VALID", constraint.name()))
                    .sql([format!("ALTER TABLE {table} ADD {} NOT VALID", sql::constraint_def(constraint))])
                    .lock_all(&locked, lock)
                    .lock_all(referenced, LockLevel::ShareRowExclusive)
                    .down([drop.clone()]);
                self.push(b);
                let b = self
                    .step(rank::VALIDATE, format!("validate constraint {} on {table}", constraint.name()))
                    .sql([format!("ALTER TABLE {table} VALIDATE CONSTRAINT {name}")])
                    .lock_all(&locked, LockLevel::ShareUpdateExclusive)
                    .hazard(Hazard::ValidationScan);
                self.push(b);
            }
        }
    }

    /// The foreign keys this plan drops and adds again with the same columns,
    /// referenced table and referenced columns (only their actions,
    /// deferrability, `SET NULL` column list or name change), on an existing
    /// table, each key paired once,
    /// in the order of the drops, as (table, old key, new key). Left out (dropped and added by steps of
    /// their own, as any other constraint): those whose columns or referenced
    /// columns change type, and those referencing a table whose keys or
    /// indexes this plan drops (the key must go before the one it depends on).
    fn foreign_key_swaps(&self) -> Vec<(QualifiedName, crate::model::ForeignKey, crate::model::ForeignKey)> {
        let changes = self.changes;
        let same = |a: &crate::model::ForeignKey, b: &crate::model::ForeignKey| a.columns == b.columns && a.references == b.references && a.referenced_columns == b.referenced_columns;
        let retyped = |table: &QualifiedName, columns: &[String]| {
            changes.iter().any(|c| matches!(c, Change::AlterColumn { table: t, from, .. } if t == table && columns.contains(&from.name)))
        };
        let unkeyed = |table: &QualifiedName| {
            changes.iter().any(|c| match c {
                Change::DropConstraint { table: t, constraint: Constraint::PrimaryKey(_) | Constraint::Unique(_) } | Change::DropIndex { table: t, .. } => t == table,
                _ => false,
            })
        };
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        for c in changes {
            let Change::DropConstraint { table, constraint: Constraint::ForeignKey(old) } = c else { continue };
            if !self.existing(table) || retyped(table, &old.columns) || retyped(&old.references, &old.referenced_columns) || unkeyed(&old.references) {
                continue;
            }
            let found = changes.iter().enumerate().find(|(j, c)| {
                !taken.contains(j) && matches!(c, Change::AddConstraint { table: t, constraint: Constraint::ForeignKey(new) } if t == table && same(old, new))
            });
            if let Some((j, Change::AddConstraint { constraint: Constraint::ForeignKey(new), .. })) = found {
                taken.insert(j);
                out.push((table.clone(), old.clone(), new.clone()));
            }
        }
        out
    }

    /// A foreign key replaced by one of the same columns and referenced
    /// table and columns ([`Planner::foreign_key_swaps`]): the old one dropped
    /// and the new one added in one statement, so one of them is enforced at
    /// every moment (dropped in a step of its own and added in a later one,
    /// nothing would refuse a row referencing nothing in between, and VALIDATE
    /// would then fail, 23503). The new key is added `NOT VALID` (the rows
    /// satisfy it: they satisfied the old one, which checked the same
    /// columns against the same rows), then validated in a later step, so
    /// that PostgreSQL holds it valid; on a partitioned table, which takes no
    /// `NOT VALID` foreign key, it is validated in the statement, under the
    /// lock. The undo puts the old key back the same way, validated in the
    /// statement.
    fn swap_foreign_key(&mut self, table: &QualifiedName, old: &crate::model::ForeignKey, new: &crate::model::ForeignKey) {
        let (from, to) = (Constraint::ForeignKey(old.clone()), Constraint::ForeignKey(new.clone()));
        let partitioned = self.partitioned(table);
        let swap = |drop: &Constraint, add: &Constraint, not_valid: bool| {
            format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {}, ADD {}{}", Ident(drop.name()), sql::constraint_def(add), if not_valid { " NOT VALID" } else { "" })
        };
        let locked = self.with_partitions(table);
        let described = if from.name() == to.name() { to.name().to_owned() } else { format!("{} by {}", from.name(), to.name()) };
        // ACCESS EXCLUSIVE for the drop, on the table (and its partitions) and
        // on the table it references, whose triggers of the key go too.
        let mut b = self
            .step(rank::CHECK_FK, format!("replace foreign key {described} on {table}{}", if partitioned { "" } else { " NOT VALID" }))
            .sql([swap(&from, &to, !partitioned)])
            .lock_all(&locked, LockLevel::AccessExclusive)
            .lock(&new.references, LockLevel::AccessExclusive)
            .down([swap(&to, &from, false)]);
        if partitioned {
            b = b.hazard(Hazard::ValidationScan).hazard(Hazard::LongLock);
            self.push(b);
            return;
        }
        self.push(b);
        let b = self
            .step(rank::VALIDATE, format!("validate constraint {} on {table}", to.name()))
            .sql([format!("ALTER TABLE {table} VALIDATE CONSTRAINT {}", Ident(to.name()))])
            .lock_all(&locked, LockLevel::ShareUpdateExclusive)
            .hazard(Hazard::ValidationScan);
        self.push(b);
    }

    /// `CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT ... USING INDEX`.
    fn key_via_index(&mut self, table: &QualifiedName, constraint: &Constraint, columns: &[String], nnd: bool, kind: &str) {
        let mut index = Index::on(columns.iter().cloned()).unique().named(constraint.name());
        index.nulls_not_distinct = nnd;
        let b = self
            .step(rank::KEY, format!("build the index of {} on {table}", constraint.name()))
            .sql([sql::create_index(table, &index, true)])
            .non_transactional()
            .lock(table, LockLevel::ShareUpdateExclusive)
            .hazard(Hazard::IndexBuild)
            .down([sql::drop_index(table, &index, true)])
            .down_non_transactional();
        self.push(b);
        let name = Ident(constraint.name()).to_string();
        let b = self
            .step(rank::KEY, format!("attach {} as {kind} of {table}", constraint.name()))
            .sql([format!("ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name}")])
            .lock(table, LockLevel::AccessExclusive)
            .down([format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")]);
        self.push(b);
    }

    /// A primary key or unique constraint made of a unique index the plan
    /// drops ([`adopted_indexes`]): `ADD CONSTRAINT ... USING INDEX`, which
    /// renames the index to the constraint's name, so no index is built and
    /// the rows stay unique throughout. The index's comment, which the graph
    /// does not hold for a key's index, goes. Undone, the constraint is
    /// dropped with its index, which is built again as it was (concurrently,
    /// so not in one transaction).
    fn adopt_index(&mut self, table: &QualifiedName, constraint: &Constraint, index: &Index) {
        let kind = if matches!(constraint, Constraint::PrimaryKey(_)) { "PRIMARY KEY" } else { "UNIQUE" };
        let name = Ident(constraint.name()).to_string();
        let old_name = index.name.clone().unwrap_or_default();
        let comment_of = |n: &str| CommentTarget::Index(QualifiedName::new(&table.schema, n));
        let mut up = vec![format!("ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {}", Ident(&old_name))];
        if index.comment.is_some() {
            up.push(sql::comment(&comment_of(constraint.name()), None));
        }
        let created = followed_index(index, self.column_renames.get(table));
        let mut down = vec![format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"), sql::create_index(table, &created, true)];
        down.extend(index.comment.as_ref().map(|c| sql::comment(&comment_of(&old_name), Some(c))));
        let b = self
            .step(rank::KEY, format!("attach index {} as {kind} {} of {table}", QualifiedName::new(&table.schema, &old_name), constraint.name()))
            .sql(up)
            .lock(table, LockLevel::AccessExclusive)
            .down(down)
            .down_non_transactional();
        self.push(b);
    }

    fn create_index(&mut self, table: &QualifiedName, index: &Index) {
        let o = self.options;
        let existing = self.existing(table);
        if existing && o.concurrently && self.partitioned(table) {
            if let Some(parts) = self.partitions.get(table) {
                self.create_partitioned_index(table, index, &parts.clone());
                return;
            }
        }
        let concurrently = o.concurrently && existing && !self.partitioned(table);
        let mut b = self
            .step(rank::INDEX, format!("create index {}", sql::index_name(table, index)))
            .sql([sql::create_index(table, index, concurrently)])
            .down([sql::drop_index(table, index, concurrently)]);
        if concurrently {
            b = b.non_transactional().down_non_transactional().lock(table, LockLevel::ShareUpdateExclusive).hazard(Hazard::IndexBuild);
        } else if existing {
            b = b.lock_all(&self.with_partitions(table), LockLevel::Share).hazard(Hazard::IndexBuild).hazard(Hazard::LongLock);
        } else {
            // Created by an earlier step of the plan.
            b = b.lock_all(&self.with_partitions(table), LockLevel::Share);
        }
        self.push(b);
        if let Some(c) = &index.comment {
            let target = CommentTarget::Index(QualifiedName::new(&table.schema, index.name.clone().unwrap_or_default()));
            let b = self.step(rank::COMMENT, "comment").sql([sql::comment(&target, Some(c))]).down([sql::comment(&target, None)]).lock_all(&commented_relation(&target), LockLevel::ShareUpdateExclusive);
            self.push(b);
        }
    }
}

impl Planner<'_> {
    /// `CREATE INDEX CONCURRENTLY` does not work on a partitioned table: the
    /// parent's index is created `ON ONLY` (invalid, no scan), each partition's
    /// concurrently, and each attached; the parent's index is valid once all are.
    fn create_partitioned_index(&mut self, table: &QualifiedName, index: &Index, partitions: &[String]) {
        let name = index.name.clone().unwrap_or_default();
        let parent = sql::create_index(table, index, false).replacen(&format!(" ON {table}"), &format!(" ON ONLY {table}"), 1);
        let b = self
            .step(rank::INDEX, format!("create index {} on the parent only", sql::index_name(table, index)))
            .sql([parent])
            .lock(table, LockLevel::Share)
            .down([sql::drop_index(table, index, false)]);
        self.push(b);
        let (mut attach, mut children) = (Vec::new(), Vec::new());
        for p in partitions {
            let mut child = index.clone();
            // Not a name a relation holds (an index PostgreSQL named on the partition).
            let free = |n: &String| !self.held_names.contains(&QualifiedName::new(&table.schema, n));
            let candidate = |k: u32| if k == 0 { partition_index_name(p, &name) } else { partition_index_name(p, &format!("{name}{k}")) };
            child.name = (0..).map(candidate).find(free);
            child.comment = None;
            let relation = QualifiedName::new(&table.schema, p);
            let b = self
                .step(rank::INDEX, format!("create index {} on partition {p}", sql::index_name(&relation, &child)))
                .sql([sql::create_index(&relation, &child, true)])
                .non_transactional()
                .lock(&relation, LockLevel::ShareUpdateExclusive)
                .hazard(Hazard::IndexBuild)
                .down([sql::drop_index(&relation, &child, true)])
                .down_non_transactional();
            self.push(b);
            attach.push(format!("ALTER INDEX {} ATTACH PARTITION {}", sql::index_name(table, index), sql::index_name(&relation, &child)));
            children.push(QualifiedName::new(&table.schema, child.name.unwrap_or_default()));
        }
        if !attach.is_empty() {
            // SHARE UPDATE EXCLUSIVE on the parent's index, ACCESS EXCLUSIVE on
            // each partition's (not on the tables): until the step commits, a
            // query that would use a partition's index waits. An attached
            // index cannot be detached, nor dropped on its own (2BP01): undone,
            // the parent's index is dropped, with them.
            let b = self
                .step(rank::INDEX, format!("attach the partitions' indexes to {}", sql::index_name(table, index)))
                .sql(attach)
                .down([sql::drop_index(table, index, false)])
                .lock(&QualifiedName::new(&table.schema, &name), LockLevel::ShareUpdateExclusive)
                .lock_all(&children, LockLevel::AccessExclusive);
            self.push(b);
        }
        if let Some(c) = &index.comment {
            let target = CommentTarget::Index(QualifiedName::new(&table.schema, name));
            let b = self.step(rank::COMMENT, "comment").sql([sql::comment(&target, Some(c))]).down([sql::comment(&target, None)]).lock_all(&commented_relation(&target), LockLevel::ShareUpdateExclusive);
            self.push(b);
        }
    }
}

impl Planner<'_> {
    /// The default partition `table` has before the migration (looked up under
    /// its old name when it is renamed), if any.
    fn default_partition(&self, table: &QualifiedName) -> Option<&super::diff::DefaultPartition> {
        self.defaults.get(table).or_else(|| {
            self.options.renames.iter().find_map(|r| match r {
                Rename::Table { from, to } if to == table => self.defaults.get(from),
                _ => None,
            })
        })
    }

    /// The tables (by their new names) whose foreign keys reference `table`
    /// when a partition is added to it, itself included for a self-reference
    /// (not those the plan adds later), and whether one of their keys has an
    /// `ON DELETE` action that writes (CASCADE, SET NULL, SET DEFAULT).
    fn referencing(&self, table: &QualifiedName) -> Vec<(QualifiedName, bool)> {
        let mut out: Vec<(QualifiedName, bool)> = Vec::new();
        for (on, keys) in self.foreign_keys {
            for fk in keys.iter().filter(|fk| fk.references == *table) {
                let added = self.changes.iter().any(|c| matches!(c, Change::AddConstraint { table: t, constraint: Constraint::ForeignKey(k) } if t == on && k == fk));
                if added || !self.existing(on) {
                    continue;
                }
                let writes = matches!(fk.on_delete, Some(ReferentialAction::Cascade | ReferentialAction::SetNull | ReferentialAction::SetDefault));
                match out.iter_mut().find(|(t, _)| t == on) {
                    Some((_, w)) => *w |= writes,
                    None => out.push((on.clone(), writes)),
                }
            }
        }
        out
    }

    /// A new partition. Creating it adds the triggers of the foreign keys that
    /// reference the table to it, which locks their tables `SHARE ROW
    /// EXCLUSIVE`. Next to a default partition, the rows of its bound the
    /// default holds move into it in the same step
    /// ([`sql::create_partition_from_default`]): `ACCESS EXCLUSIVE` on the
    /// parent and its default partition (as a plain `CREATE TABLE ... PARTITION
    /// OF` takes), held while the default partition is scanned and its rows of
    /// the bound move (`LongLock`, within the statement timeout). Undone, the
    /// partition's rows go back into the default partition before it is
    /// dropped. A row that a foreign key's row references cannot move: a moved
    /// row is deleted from the default partition, which fires the key's `ON
    /// DELETE` action (cascading deletes, changed references, or a 23503
    /// failure). So the step looks, row by row, and stops with a message that
    /// says why while a moving row is referenced; rows no row references move,
    /// and a key whose action writes then runs its `DELETE` or `UPDATE` on the
    /// referencing table, changing no row but locking the partitions of a
    /// partitioned one `ROW EXCLUSIVE` (at most those the plan knows of).
    fn add_partition(&mut self, table: &QualifiedName, partition: &crate::model::Partition) {
        let description = format!("add partition {} of {table}", partition.name);
        let referencing = self.referencing(table);
        let keyed = referencing.iter().map(|(t, _)| t);
        let moving = self.default_partition(table).and_then(|d| sql::bound_condition(&d.key, &partition.bound));
        let Some(condition) = moving else {
            let b = self
                .step(rank::PARTITION, description)
                .sql([sql::create_partition(table, partition)])
                .lock_all(keyed, LockLevel::ShareRowExclusive)
                .lock(table, LockLevel::AccessExclusive)
                .down(sql::drop_partition(table, &partition.name));
            self.push(b);
            return;
        };
        let default = QualifiedName::new(&table.schema, crate::model::Partitioning::default_partition_name(&table.name));
        let mut written = Vec::new();
        for (t, _) in referencing.iter().filter(|(t, writes)| *writes && self.partitioned(t)) {
            let parts = self.partitions.get(t).into_iter().flatten().filter(|p| !(t == table && **p == partition.name));
            written.extend(parts.map(|p| QualifiedName::new(&t.schema, p)));
        }
        let b = self
            .step(rank::PARTITION, description)
            .sql(sql::create_partition_from_default(table, partition, &condition))
            .lock_all(&written, LockLevel::RowExclusive)
            .lock_all(keyed, LockLevel::ShareRowExclusive)
            .lock_all([table, &default], LockLevel::AccessExclusive)
            .hazard(Hazard::LongLock)
            .down(sql::drop_partition_into_default(table, &partition.name));
        self.push(b);
    }
}

/// `{partition}_{index}`, shortened with a hash to fit 63 bytes.
fn partition_index_name(partition: &str, index: &str) -> String {
    let name = format!("{partition}_{index}");
    if name.len() <= crate::ident::MAX_IDENTIFIER_BYTES {
        return name;
    }
    let hash = &super::checksum::sha256_hex(name.as_bytes())[..8];
    let mut cut = crate::ident::MAX_IDENTIFIER_BYTES - hash.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", &name[..cut])
}

/// The partitions `table` declares, the default one included.
fn partitions_of(table: &crate::model::Table) -> Vec<QualifiedName> {
    let Some(p) = &table.partitioning else { return Vec::new() };
    let mut out: Vec<QualifiedName> = p.partitions.iter().map(|q| QualifiedName::new(&table.name.schema, &q.name)).collect();
    if p.default_partition {
        out.push(QualifiedName::new(&table.name.schema, crate::model::Partitioning::default_partition_name(&table.name.name)));
    }
    out
}

/// The relation `COMMENT ON` locks (`SHARE UPDATE EXCLUSIVE`) for a comment
/// on `target`: the table of a column, trigger or policy, or the relation
/// itself; none for the other objects.
fn commented_relation(target: &CommentTarget) -> Option<QualifiedName> {
    match target {
        CommentTarget::Table(t) | CommentTarget::Column(t, _) | CommentTarget::Trigger(t, _) | CommentTarget::Policy(t, _) | CommentTarget::Index(t) | CommentTarget::View(t, _) => Some(t.clone()),
        CommentTarget::Type(_) | CommentTarget::Domain(_) | CommentTarget::Function(..) | CommentTarget::Role(_) => None,
    }
}

/// `ALTER TABLE table RENAME COLUMN from TO to`.
fn rename_column(table: &QualifiedName, from: &str, to: &str) -> String {
    format!("ALTER TABLE {table} RENAME COLUMN {} TO {}", Ident(from), Ident(to))
}

/// The statements renaming or moving (or both) the table `from` to `to`, and back.
fn rename_table(from: &QualifiedName, to: &QualifiedName) -> (Vec<String>, Vec<String>) {
    let mut up = Vec::new();
    let mut down = Vec::new();
    if from.schema != to.schema {
        up.push(format!("ALTER TABLE {from} SET SCHEMA {}", Ident(&to.schema)));
        down.push(format!("ALTER TABLE {} SET SCHEMA {}", QualifiedName::new(&to.schema, &from.name), Ident(&from.schema)));
    }
    if from.name != to.name {
        up.push(format!("ALTER TABLE {} RENAME TO {}", QualifiedName::new(&to.schema, &from.name), Ident(&to.name)));
        down.insert(0, format!("ALTER TABLE {to} RENAME TO {}", Ident(&from.name)));
    }
    (up, down)
}

fn constraint_is_fk(c: &Constraint) -> bool {
    matches!(c, Constraint::ForeignKey(_))
}

/// The temporary check that enforces NOT NULL before `SET NOT NULL`.
fn not_null_check_name(table: &str, column: &str) -> String {
    let name = format!("{table}_{column}_not_null");
    if name.len() <= crate::ident::MAX_IDENTIFIER_BYTES {
        return name;
    }
    let mut cut = crate::ident::MAX_IDENTIFIER_BYTES - "_not_null".len();
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_not_null", &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::diff;
    use crate::model::*;
    use crate::Schema;

    fn build(b: crate::SchemaBuilder) -> Schema {
        b.build().unwrap_or_else(|e| panic!("{e}"))
    }

    fn users() -> Table {
        Table::new("users").column(Column::new("id", SqlType::BigInt)).primary_key(["id"])
    }

    /// `posts` (or its new name) with a default-named key, unique, foreign key,
    /// checks and index, and `comments` referencing it.
    fn blog(name: &str, renamed_from: Option<&str>) -> Schema {
        let mut posts = Table::new(name)
            .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
            .column(Column::new("user_id", SqlType::BigInt))
            .column(Column::new("email", SqlType::Text))
            .column(Column::new("n", SqlType::Integer))
            .primary_key(["id"])
            .unique(UniqueConstraint::new(["email"]))
            .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]))
            .check(CheckConstraint::new("n < 100"))
            .check(CheckConstraint::on_column("n", "n > 0"))
            .index(Index::on(["user_id"]).comment("posts by user"));
        if let Some(from) = renamed_from {
            posts = posts.renamed_from(QualifiedName::public(from));
        }
        let comments = Table::new("comments")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("post_id", SqlType::BigInt))
            .primary_key(["id"])
            .foreign_key(ForeignKey::new(["post_id"], QualifiedName::public(name), ["id"]))
            .index(Index::on(["post_id"]));
        build(Schema::builder().add_table(users()).add_table(posts).add_table(comments))
    }

    fn plan_between(from: &Schema, to: &Schema) -> Plan {
        let options = PlanOptions::default().with_declared_renames(to);
        plan(&diff(from, to), &options).unwrap_or_else(|e| panic!("{e}"))
    }

    fn statements(plan: &Plan) -> Vec<&str> {
        plan.steps.iter().flat_map(|s| s.sql.iter().map(String::as_str)).collect()
    }

    /// Each step's description, in order.
    fn descriptions(plan: &Plan) -> Vec<&str> {
        plan.steps.iter().map(|s| s.description.as_str()).collect()
    }

    /// Each step's phase and description, in order.
    fn phases(plan: &Plan) -> Vec<(Phase, &str)> {
        plan.steps.iter().map(|s| (s.phase, s.description.as_str())).collect()
    }

    #[test]
    fn a_table_rename_renames_its_constraints_and_indexes() {
        let plan = plan_between(&blog("posts", None), &blog("articles", Some("posts")));
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.posts RENAME TO articles",
                // In the order of the old names.
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_check TO articles_check",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_email_key TO articles_email_key",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_n_check TO articles_n_check",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_pkey TO articles_pkey",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_user_id_fkey TO articles_user_id_fkey",
                "ALTER INDEX public.idx_posts_user_id RENAME TO idx_articles_user_id",
            ],
            "{}",
            plan.up_script()
        );
        let up = plan.up_script();
        for gone in ["DROP CONSTRAINT", "ADD CONSTRAINT", "ADD PRIMARY", "ADD UNIQUE", "ADD FOREIGN", "VALIDATE", "CREATE INDEX", "CREATE UNIQUE INDEX", "DROP INDEX", "comments"] {
            assert!(!up.contains(gone), "`{gone}` in:\n{up}");
        }
        // One expand transaction, each rename undone by renaming back (last first).
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand && s.transactional && s.down_transactional));
        assert!(plan.steps.iter().all(|s| s.hazards == [Hazard::BreaksOldCode]), "{:#?}", plan.steps);
        assert_eq!(plan.migrations(1, "rename").len(), 1);
        let key = &plan.steps[4];
        assert_eq!((key.lock, key.statement_timeout), (LockLevel::AccessExclusive, Some(PlanOptions::default().statement_timeout)));
        assert_eq!(key.down.as_deref(), Some(&["ALTER TABLE public.articles RENAME CONSTRAINT articles_pkey TO posts_pkey".to_owned()][..]));
        let index = &plan.steps[6];
        assert_eq!(index.lock, LockLevel::ShareUpdateExclusive);
        assert_eq!(index.down.as_deref(), Some(&["ALTER INDEX public.idx_articles_user_id RENAME TO idx_posts_user_id".to_owned()][..]));
        let down_script = plan.down_script().unwrap();
        let down: Vec<&str> = down_script.lines().filter(|l| l.starts_with("ALTER")).collect();
        assert_eq!(down.first(), Some(&"ALTER INDEX public.idx_articles_user_id RENAME TO idx_posts_user_id;"));
        assert_eq!(down.last(), Some(&"ALTER TABLE public.articles RENAME TO posts;"));
        assert_eq!(down.len(), 7);
        // Stable: the same diff gives the same plan.
        assert_eq!(plan, plan_between(&blog("posts", None), &blog("articles", Some("posts"))));
    }

    #[test]
    fn renamed_columns_in_keys_and_indexes_follow_a_table_rename() {
        let old = build(
            Schema::builder().add_table(
                Table::new("posts")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("body", SqlType::Text))
                    .primary_key(["id"])
                    .unique(UniqueConstraint::new(["body"]))
                    .index(Index::on(["id", "body"]).named("by_body")),
            ),
        );
        let new = build(
            Schema::builder().add_table(
                Table::new("articles")
                    .renamed_from(QualifiedName::public("posts"))
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("text", SqlType::Text).renamed_from("body"))
                    .primary_key(["id"])
                    .unique(UniqueConstraint::new(["text"]))
                    .index(Index::on(["id", "text"]).named("by_body")),
            ),
        );
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.posts RENAME TO articles",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_body_key TO articles_text_key",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_pkey TO articles_pkey",
                // `by_body` keeps its name: it follows the column by itself.
                "ALTER TABLE public.articles RENAME COLUMN body TO text",
            ],
            "{}",
            plan.up_script()
        );
    }

    #[test]
    fn a_changed_definition_is_still_dropped_and_added_after_a_table_rename() {
        let mut new = blog("articles", Some("posts"));
        let articles = new.tables().iter().find(|t| t.name.name == "articles").unwrap().clone();
        let mut articles = articles;
        articles.indexes[0] = Index::on(["user_id", "n"]).named("idx_articles_user_id");
        articles.checks[0].expr = "n < 1000".into();
        let mut b = Schema::builder();
        for t in new.tables() {
            b = b.add_table(if t.name.name == "articles" { articles.clone() } else { t.clone() });
        }
        new = build(b);
        let plan = plan_between(&blog("posts", None), &new);
        let up = plan.up_script();
        for expected in [
            "RENAME CONSTRAINT posts_pkey TO articles_pkey",
            "DROP CONSTRAINT IF EXISTS posts_check",
            "ADD CONSTRAINT articles_check CHECK (n < 1000) NOT VALID",
            "DROP INDEX CONCURRENTLY IF EXISTS public.idx_posts_user_id",
            "CREATE INDEX CONCURRENTLY idx_articles_user_id ON public.articles (user_id, n)",
        ] {
            assert!(up.contains(expected), "missing `{expected}` in:\n{up}");
        }
        assert!(!up.contains("RENAME TO idx_articles_user_id") && !up.contains("TO articles_check"), "{up}");
    }

    #[test]
    fn a_name_still_held_by_a_dropped_object_is_not_taken_by_a_rename() {
        let table = |name: &str| Table::new(name).column(Column::new("id", SqlType::BigInt)).column(Column::new("n", SqlType::Integer)).primary_key(["id"]);
        let old = build(Schema::builder().add_table(table("posts").index(Index::on(["n"])).index(Index::on(["id", "n"]).named("idx_articles_n"))));
        let new = build(Schema::builder().add_table(table("articles").renamed_from(QualifiedName::public("posts")).index(Index::on(["n"]))));
        let plan = plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&new)).unwrap();
        let up = plan.up_script();
        assert!(up.contains("RENAME CONSTRAINT posts_pkey TO articles_pkey"), "{up}");
        assert!(!up.contains("RENAME TO idx_articles_n"), "{up}");
        assert!(up.contains("DROP INDEX CONCURRENTLY IF EXISTS public.idx_articles_n") && up.contains("CREATE INDEX CONCURRENTLY idx_articles_n ON public.articles (n)"), "{up}");
    }

    /// `posts` (or its new name) with timestamps, audited, and a trigger of the
    /// user's on `UPDATE OF body`; `key` and `body` name the key and text columns.
    fn tracked(name: &str, renamed_from: Option<&str>, key: &str, body: &str, notify: Trigger) -> Schema {
        let mut posts = Table::new(name).column(Column::new(key, SqlType::BigInt)).column(Column::new(body, SqlType::Text)).primary_key([key]);
        if let Some(from) = renamed_from {
            posts = posts.renamed_from(QualifiedName::public(from));
            if key != "id" {
                posts.columns[0] = posts.columns[0].clone().renamed_from("id");
            }
            if body != "body" {
                posts.columns[1] = posts.columns[1].clone().renamed_from("body");
            }
        }
        let posts = posts.timestamps().audited().trigger(notify);
        build(Schema::builder().function(Function::trigger(QualifiedName::public("notify"), "\nBEGIN\n    RETURN NULL;\nEND\n")).add_table(posts))
    }

    fn notify(name: &str, column: &str) -> Trigger {
        Trigger::new(name, TriggerTiming::After, [TriggerEvent::Insert, TriggerEvent::Update(vec![column.into()])], QualifiedName::public("notify"))
    }

    #[test]
    fn a_table_rename_renames_its_triggers() {
        let old = tracked("posts", None, "id", "body", notify("posts_notify", "body").comment("Notifies"));
        let new = tracked("articles", Some("posts"), "id", "body", notify("articles_notify", "body").comment("Notifies listeners"));
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.posts RENAME TO articles",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_pkey TO articles_pkey",
                // In the order of the old names.
                "ALTER TRIGGER posts_audit ON public.articles RENAME TO articles_audit",
                "ALTER TRIGGER posts_notify ON public.articles RENAME TO articles_notify",
                "ALTER TRIGGER posts_set_updated_at ON public.articles RENAME TO articles_set_updated_at",
                // A comment-only change: the comment, after the rename.
                "COMMENT ON TRIGGER articles_notify ON public.articles IS 'Notifies listeners'",
            ],
            "{}",
            plan.up_script()
        );
        let up = plan.up_script();
        assert!(!up.contains("DROP TRIGGER") && !up.contains("CREATE TRIGGER"), "{up}");
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand && s.transactional && s.down_transactional));
        assert_eq!(plan.migrations(1, "rename").len(), 1);
        let audit = &plan.steps[2];
        assert_eq!((audit.lock, &audit.hazards[..], audit.statement_timeout), (LockLevel::AccessExclusive, &[Hazard::BreaksOldCode][..], Some(PlanOptions::default().statement_timeout)));
        assert_eq!(audit.down.as_deref(), Some(&["ALTER TRIGGER articles_audit ON public.articles RENAME TO posts_audit".to_owned()][..]));
        assert_eq!(plan.steps[5].down.as_deref(), Some(&["COMMENT ON TRIGGER articles_notify ON public.articles IS 'Notifies'".to_owned()][..]));
        let down_script = plan.down_script().unwrap();
        let down: Vec<&str> = down_script.lines().filter(|l| l.starts_with("ALTER") || l.starts_with("COMMENT")).collect();
        assert_eq!(
            down,
            [
                "COMMENT ON TRIGGER articles_notify ON public.articles IS 'Notifies';",
                "ALTER TRIGGER articles_set_updated_at ON public.articles RENAME TO posts_set_updated_at;",
                "ALTER TRIGGER articles_notify ON public.articles RENAME TO posts_notify;",
                "ALTER TRIGGER articles_audit ON public.articles RENAME TO posts_audit;",
                "ALTER TABLE public.articles RENAME CONSTRAINT articles_pkey TO posts_pkey;",
                "ALTER TABLE public.articles RENAME TO posts;",
            ]
        );
        assert_eq!(plan, plan_between(&old, &new));
    }

    #[test]
    fn a_changed_trigger_definition_is_renamed_then_replaced_after_a_table_rename() {
        let old = tracked("posts", None, "id", "body", notify("posts_notify", "body").comment("Notifies"));
        let before = "CREATE OR REPLACE TRIGGER articles_notify AFTER INSERT OR UPDATE OF body ON public.articles FOR EACH ROW EXECUTE FUNCTION public.notify()";
        for (changed, after) in [
            (notify("articles_notify", "body").when("NEW.body <> ''"), "AFTER INSERT OR UPDATE OF body ON public.articles FOR EACH ROW WHEN (NEW.body <> '') EXECUTE FUNCTION public.notify()"),
            (notify("articles_notify", "id"), "AFTER INSERT OR UPDATE OF id ON public.articles FOR EACH ROW EXECUTE FUNCTION public.notify()"),
            (notify("articles_notify", "body").for_each_statement(), "AFTER INSERT OR UPDATE OF body ON public.articles FOR EACH STATEMENT EXECUTE FUNCTION public.notify()"),
            (notify("articles_notify", "body").argument("x"), "AFTER INSERT OR UPDATE OF body ON public.articles FOR EACH ROW EXECUTE FUNCTION public.notify('x')"),
            (
                Trigger::new("articles_notify", TriggerTiming::Before, [TriggerEvent::Insert, TriggerEvent::Update(vec!["body".into()])], QualifiedName::public("notify")),
                "BEFORE INSERT OR UPDATE OF body ON public.articles FOR EACH ROW EXECUTE FUNCTION public.notify()",
            ),
        ] {
            let plan = plan_between(&old, &tracked("articles", Some("posts"), "id", "body", changed.clone().comment("Notifies")));
            let up = plan.up_script();
            // Renamed with the table, then replaced in place: never dropped,
            // never two versions (`posts_notify` and `articles_notify`) at once.
            assert!(!up.contains("DROP TRIGGER") && !up.contains("CREATE TRIGGER "), "{changed:?}:\n{up}");
            let rename = plan.steps.iter().position(|s| s.sql == ["ALTER TRIGGER posts_notify ON public.articles RENAME TO articles_notify"]).expect(&up);
            let replace = plan.steps.iter().position(|s| s.sql == [format!("CREATE OR REPLACE TRIGGER articles_notify {after}")]).expect(&up);
            assert!(rename < replace, "{up}");
            let step = &plan.steps[replace];
            assert_eq!((step.phase, step.lock, step.transactional), (Phase::Expand, LockLevel::ShareRowExclusive, true), "{up}");
            // Down: the old definition, under the new name (renamed back later).
            assert_eq!(step.down.as_deref(), Some(&[before.to_owned()][..]), "{changed:?}");
            // The comment is the same: no comment step.
            assert!(!up.contains("COMMENT ON TRIGGER"), "{up}");
            // The others are still renamed.
            assert!(up.contains("ALTER TRIGGER posts_audit ON public.articles RENAME TO articles_audit") && up.contains("RENAME TO articles_set_updated_at"), "{up}");
        }
    }

    #[test]
    fn renamed_columns_in_trigger_events_and_audit_arguments_still_match() {
        // `id` -> `post_id` (the key: the audit trigger's argument), `body` -> `text` (UPDATE OF).
        let old = tracked("posts", None, "id", "body", notify("posts_notify", "body"));
        let new = tracked("articles", Some("posts"), "post_id", "text", notify("articles_notify", "text"));
        let plan = plan_between(&old, &new);
        let replace = "CREATE OR REPLACE TRIGGER articles_audit AFTER INSERT OR UPDATE OR DELETE ON public.articles FOR EACH ROW EXECUTE FUNCTION public.audit_row_change";
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.posts RENAME TO articles",
                "ALTER TABLE public.articles RENAME CONSTRAINT posts_pkey TO articles_pkey",
                "ALTER TRIGGER posts_audit ON public.articles RENAME TO articles_audit",
                "ALTER TRIGGER posts_notify ON public.articles RENAME TO articles_notify",
                "ALTER TRIGGER posts_set_updated_at ON public.articles RENAME TO articles_set_updated_at",
                "ALTER TABLE public.articles RENAME COLUMN body TO text",
                "ALTER TABLE public.articles RENAME COLUMN id TO post_id",
                // PostgreSQL does not rewrite the arguments (strings) on a column rename.
                &format!("{replace}('post_id')"),
            ],
            "{}",
            plan.up_script()
        );
        let last = plan.steps.last().unwrap();
        assert_eq!((last.lock, last.hazards.is_empty(), last.phase), (LockLevel::ShareRowExclusive, true, Phase::Expand));
        assert_eq!(last.down.as_deref(), Some(&[format!("{replace}('id')")][..]));
        assert_eq!(plan.migrations(1, "rename").len(), 1);

        // Without a table rename: the trigger keeps its name; only the arguments change.
        let old = tracked("posts", None, "id", "body", notify("posts_notify", "body"));
        let mut posts = Table::new("posts").column(Column::new("post_id", SqlType::BigInt).renamed_from("id")).column(Column::new("text", SqlType::Text).renamed_from("body")).primary_key(["post_id"]);
        posts = posts.timestamps().audited().trigger(notify("posts_notify", "text"));
        let new = build(Schema::builder().function(Function::trigger(QualifiedName::public("notify"), "\nBEGIN\n    RETURN NULL;\nEND\n")).add_table(posts));
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.posts RENAME COLUMN body TO text",
                "ALTER TABLE public.posts RENAME COLUMN id TO post_id",
                "CREATE OR REPLACE TRIGGER posts_audit AFTER INSERT OR UPDATE OR DELETE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.audit_row_change('post_id')",
            ],
            "{}",
            plan.up_script()
        );
    }

    /// `posts (id, body)` (plus `extra`), its trigger, and the trigger functions named in `functions`.
    fn touched(trigger: Trigger, functions: &[&str], extra: Option<&str>) -> Schema {
        let mut posts = Table::new("posts").column(Column::new("id", SqlType::BigInt)).column(Column::new("body", SqlType::Text)).primary_key(["id"]);
        if let Some(c) = extra {
            posts = posts.column(Column::new(c, SqlType::Text).nullable());
        }
        let mut b = Schema::builder();
        for f in functions {
            b = b.function(Function::trigger(QualifiedName::public(*f), "\nBEGIN\n    RETURN NEW;\nEND\n"));
        }
        build(b.add_table(posts.trigger(trigger)))
    }

    fn touch(events: impl IntoIterator<Item = TriggerEvent>) -> Trigger {
        Trigger::new("posts_touch", TriggerTiming::Before, events, QualifiedName::public("touch")).comment("Keeps posts current")
    }

    #[test]
    fn a_changed_trigger_is_replaced_in_place_in_one_step() {
        let old = touched(touch([TriggerEvent::Update(vec![])]), &["touch"], None);
        let head = "CREATE OR REPLACE TRIGGER posts_touch";
        let before = format!("{head} BEFORE UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()");
        for (changed, after) in [
            (touch([TriggerEvent::Insert, TriggerEvent::Update(vec![])]), "BEFORE INSERT OR UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()"),
            (touch([TriggerEvent::Update(vec!["body".into()])]), "BEFORE UPDATE OF body ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()"),
            (
                touch([TriggerEvent::Update(vec![])]).when("OLD.body IS DISTINCT FROM NEW.body"),
                "BEFORE UPDATE ON public.posts FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION public.touch()",
            ),
            (touch([TriggerEvent::Update(vec![])]).for_each_statement(), "BEFORE UPDATE ON public.posts FOR EACH STATEMENT EXECUTE FUNCTION public.touch()"),
            (touch([TriggerEvent::Update(vec![])]).argument("body"), "BEFORE UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch('body')"),
            (
                Trigger { timing: TriggerTiming::After, ..touch([TriggerEvent::Update(vec![])]) },
                "AFTER UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()",
            ),
        ] {
            let plan = plan_between(&old, &touched(changed.clone(), &["touch"], None));
            assert_eq!(statements(&plan), [format!("{head} {after}")], "{changed:?}");
            let step = &plan.steps[0];
            assert_eq!(step.description, "replace trigger posts_touch on public.posts");
            // CREATE [OR REPLACE] TRIGGER takes SHARE ROW EXCLUSIVE (PostgreSQL 15).
            assert_eq!((step.phase, step.lock, &step.hazards[..], step.transactional), (Phase::Expand, LockLevel::ShareRowExclusive, &[][..], true), "{changed:?}");
            assert_eq!(step.down.as_deref(), Some(&[before.clone()][..]), "{changed:?}");
            assert!(step.down_transactional);
            // Events in another order are the same trigger.
            let reordered = Trigger { events: changed.events.iter().rev().cloned().collect(), ..changed.clone() };
            assert!(plan_between(&touched(changed, &["touch"], None), &touched(reordered, &["touch"], None)).is_empty());
        }
    }

    #[test]
    fn a_replaced_trigger_runs_after_what_it_needs_and_before_what_it_no_longer_needs_goes() {
        // `touch` on UPDATE OF body becomes `touch_title` on UPDATE OF title: the
        // new function and column come first, the old ones go after the deploy.
        let old = touched(touch([TriggerEvent::Update(vec!["body".into()])]), &["touch"], None);
        let new_trigger = Trigger { function: QualifiedName::public("touch_title"), ..touch([TriggerEvent::Update(vec!["title".into()])]) };
        let mut new = touched(new_trigger, &["touch_title"], Some("title"));
        let table = new.tables().iter().find(|t| t.name.name == "posts").unwrap().clone();
        let mut t = table.clone();
        t.columns.retain(|c| c.name != "body");
        new = build(Schema::builder().function(new.functions()[0].clone()).add_table(t));
        let plan = plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }).unwrap();
        let order = phases(&plan);
        assert_eq!(
            order,
            [
                (Phase::Expand, "create function public.touch_title"),
                (Phase::Expand, "add column public.posts.title"),
                (Phase::Expand, "replace trigger posts_touch on public.posts"),
                (Phase::Contract, "drop column public.posts.body"),
                (Phase::Contract, "drop function public.touch"),
            ],
            "{}",
            plan.up_script()
        );
        let replace = &plan.steps[2];
        assert_eq!(replace.sql, ["CREATE OR REPLACE TRIGGER posts_touch BEFORE UPDATE OF title ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch_title()"]);
        assert_eq!(
            replace.down.as_deref(),
            Some(&["CREATE OR REPLACE TRIGGER posts_touch BEFORE UPDATE OF body ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()".to_owned()][..])
        );
    }

    #[test]
    fn a_replaced_trigger_keeps_its_comment_unless_it_changes() {
        let old = touched(touch([TriggerEvent::Update(vec![])]), &["touch"], None);
        let replace = "CREATE OR REPLACE TRIGGER posts_touch BEFORE INSERT OR UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()";
        let on = "COMMENT ON TRIGGER posts_touch ON public.posts IS";
        for (comment, set) in [(Some("Keeps posts current, inserted ones too"), "'Keeps posts current, inserted ones too'"), (None, "NULL")] {
            let changed = Trigger { comment: comment.map(str::to_owned), ..touch([TriggerEvent::Insert, TriggerEvent::Update(vec![])]) };
            let plan = plan_between(&old, &touched(changed, &["touch"], None));
            // Replaced first (the comment is kept), then the comment set or reset.
            assert_eq!(statements(&plan), [replace.to_owned(), format!("{on} {set}")], "{}", plan.up_script());
            assert_eq!(plan.steps[1].down.as_deref(), Some(&[format!("{on} 'Keeps posts current'")][..]));
        }
    }

    #[test]
    fn on_a_partitioned_table_a_row_trigger_becoming_a_statement_trigger_is_dropped_and_created_in_one_step() {
        let events = |trigger: Trigger| {
            let t = Table::new("events").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]).partition_by(Partitioning::hash(["id"], 2));
            build(Schema::builder().function(Function::trigger(QualifiedName::public("touch"), "\nBEGIN\n    RETURN NULL;\nEND\n")).add_table(t.trigger(trigger)))
        };
        let row = Trigger::new("events_touch", TriggerTiming::After, [TriggerEvent::Insert], QualifiedName::public("touch")).comment("Counts");
        let statement = row.clone().for_each_statement();
        let create = |each: &str| format!("CREATE TRIGGER events_touch AFTER INSERT ON public.events FOR EACH {each} EXECUTE FUNCTION public.touch()");
        let drop = "DROP TRIGGER events_touch ON public.events".to_owned();
        let comment = "COMMENT ON TRIGGER events_touch ON public.events IS 'Counts'".to_owned();
        // PostgreSQL 15 would keep the row clones on the partitions firing.
        let plan = plan_between(&events(row.clone()), &events(statement.clone()));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.sql, [drop.clone(), create("STATEMENT"), comment.clone()]);
        assert_eq!(step.down.as_deref(), Some(&[drop, create("ROW"), comment][..]));
        assert_eq!((step.phase, step.lock, step.transactional, step.down_transactional), (Phase::Expand, LockLevel::AccessExclusive, true, true));

        // Otherwise in place: the clones follow (statement to row creates them).
        let plan = plan_between(&events(statement.clone()), &events(row.clone()));
        assert_eq!(statements(&plan), ["CREATE OR REPLACE TRIGGER events_touch AFTER INSERT ON public.events FOR EACH ROW EXECUTE FUNCTION public.touch()"]);
        let plan = plan_between(&events(row.clone()), &events(Trigger { events: vec![TriggerEvent::Insert, TriggerEvent::Delete], ..row }));
        assert_eq!(statements(&plan), ["CREATE OR REPLACE TRIGGER events_touch AFTER INSERT OR DELETE ON public.events FOR EACH ROW EXECUTE FUNCTION public.touch()"]);
        assert_eq!(plan.steps[0].lock, LockLevel::ShareRowExclusive);
    }

    /// `ledger (id, amount <amount>, note)` with `triggers`, the trigger
    /// functions `touch` and `touch_more`, partitioned by hash if `partitioned`.
    fn ledger(amount: SqlType, triggers: Vec<Trigger>, partitioned: bool) -> Schema {
        let mut t = Table::new("ledger")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("amount", amount))
            .column(Column::new("note", SqlType::Text).nullable())
            .primary_key(["id"]);
        if partitioned {
            t = t.partition_by(Partitioning::hash(["id"], 2));
        }
        for trigger in triggers {
            t = t.trigger(trigger);
        }
        let body = "\nBEGIN\n    RETURN NEW;\nEND\n";
        build(Schema::builder().function(Function::trigger(QualifiedName::public("touch"), body)).function(Function::trigger(QualifiedName::public("touch_more"), body)).add_table(t))
    }

    /// `BEFORE UPDATE OF amount`, commented.
    fn on_amount() -> Trigger {
        Trigger::new("ledger_on_amount", TriggerTiming::Before, [TriggerEvent::Update(vec!["amount".into()])], QualifiedName::public("touch")).comment("Stamps amount changes")
    }

    /// `BEFORE UPDATE ... WHEN (OLD.amount IS DISTINCT FROM NEW.amount)`, commented.
    fn when_amount() -> Trigger {
        Trigger::new("ledger_when_amount", TriggerTiming::Before, [TriggerEvent::Update(vec![])], QualifiedName::public("touch"))
            .when("OLD.amount IS DISTINCT FROM NEW.amount")
            .comment("Counts amount changes")
    }

    const ON_AMOUNT: &str = "CREATE TRIGGER ledger_on_amount BEFORE UPDATE OF amount ON public.ledger FOR EACH ROW EXECUTE FUNCTION public.touch()";
    const WHEN_AMOUNT: &str =
        "CREATE TRIGGER ledger_when_amount BEFORE UPDATE ON public.ledger FOR EACH ROW WHEN (OLD.amount IS DISTINCT FROM NEW.amount) EXECUTE FUNCTION public.touch()";

    #[test]
    fn a_type_change_drops_and_creates_again_the_triggers_naming_the_column_in_one_step() {
        // Not named: another column's `UPDATE OF`, a whole-row `WHEN`, a bare
        // `UPDATE` (PostgreSQL 15 changes the type under them), a string constant.
        let others = || {
            vec![
                Trigger::new("ledger_on_note", TriggerTiming::Before, [TriggerEvent::Update(vec!["note".into()])], QualifiedName::public("touch")),
                Trigger::new("ledger_any_change", TriggerTiming::Before, [TriggerEvent::Update(vec![])], QualifiedName::public("touch")).when("OLD.* IS DISTINCT FROM NEW.*"),
                Trigger::new("ledger_every_update", TriggerTiming::Before, [TriggerEvent::Update(vec![])], QualifiedName::public("touch")),
                Trigger::new("ledger_tagged", TriggerTiming::Before, [TriggerEvent::Update(vec![])], QualifiedName::public("touch")).when("NEW.note <> 'amount'"),
            ]
        };
        let triggers = |mut v: Vec<Trigger>| {
            v.extend(others());
            v
        };
        let alter = |ty: &str| format!("ALTER TABLE public.ledger ALTER COLUMN amount TYPE {ty} USING amount::{ty}");
        let on_amount_comment = "COMMENT ON TRIGGER ledger_on_amount ON public.ledger IS 'Stamps amount changes'".to_owned();
        let when_amount_comment = "COMMENT ON TRIGGER ledger_when_amount ON public.ledger IS 'Counts amount changes'".to_owned();
        for (from, to, rewrite) in [(SqlType::Integer, SqlType::BigInt, true), (SqlType::Numeric(Some((10, Some(2)))), SqlType::Numeric(Some((12, Some(2)))), false)] {
            let old = ledger(from.clone(), triggers(vec![on_amount(), when_amount()]), false);
            let new = ledger(to.clone(), triggers(vec![on_amount(), when_amount()]), false);
            let plan = plan_between(&old, &new);
            assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
            let step = &plan.steps[0];
            assert_eq!(step.description, format!("change type of public.ledger.amount to {to} around triggers ledger_on_amount, ledger_when_amount"));
            let around = |ty: &SqlType| {
                vec![
                    "DROP TRIGGER ledger_on_amount ON public.ledger".to_owned(),
                    "DROP TRIGGER ledger_when_amount ON public.ledger".to_owned(),
                    alter(&ty.to_string()),
                    ON_AMOUNT.to_owned(),
                    on_amount_comment.clone(),
                    WHEN_AMOUNT.to_owned(),
                    when_amount_comment.clone(),
                ]
            };
            assert_eq!(step.sql, around(&to));
            assert_eq!(step.down.as_deref(), Some(&around(&from)[..]));
            assert_eq!((step.phase, step.lock, step.transactional, step.down_transactional), (Phase::Expand, LockLevel::AccessExclusive, true, true));
            let hazards: &[Hazard] = if rewrite { &[Hazard::TableRewrite, Hazard::LongLock] } else { &[] };
            assert_eq!(step.hazards, hazards);

            // Only the trigger naming the column, each alone.
            for (trigger, create, comment) in [(on_amount(), ON_AMOUNT, &on_amount_comment), (when_amount(), WHEN_AMOUNT, &when_amount_comment)] {
                let plan = plan_between(&ledger(from.clone(), triggers(vec![trigger.clone()]), false), &ledger(to.clone(), triggers(vec![trigger.clone()]), false));
                let drop = format!("DROP TRIGGER {} ON public.ledger", trigger.name);
                assert_eq!(statements(&plan), [drop.clone(), alter(&to.to_string()), create.to_owned(), comment.clone()]);
                assert_eq!(plan.steps[0].down.as_deref(), Some(&[drop, alter(&from.to_string()), create.to_owned(), comment.clone()][..]));
            }
            // None named: the type change alone, as before.
            let plan = plan_between(&ledger(from.clone(), others(), false), &ledger(to.clone(), others(), false));
            assert_eq!(statements(&plan), [alter(&to.to_string())]);
            assert_eq!(plan.steps[0].description, format!("change type of public.ledger.amount to {to}"));
        }
        // A quoted name in `WHEN` is the column too, a function of its name is not.
        assert!(trigger_names_column(&when_amount().when(r#"OLD."amount" <> NEW."amount""#), "amount"));
        assert!(!trigger_names_column(&when_amount().when("amount(NEW.note) > 0"), "amount"));
        assert!(!trigger_names_column(&when_amount().when(r#"OLD."Amount" <> NEW."Amount""#), "amount"));
    }

    #[test]
    fn a_trigger_replaced_with_the_type_of_its_column_takes_its_new_form_in_the_type_change_step() {
        // `UPDATE OF amount` becomes `UPDATE OF amount, note` calling `touch_more`,
        // with another comment; the WHEN trigger stays as it is.
        let replaced = Trigger {
            events: vec![TriggerEvent::Update(vec!["amount".into(), "note".into()])],
            function: QualifiedName::public("touch_more"),
            ..on_amount().comment("Stamps amount and note changes")
        };
        let old = ledger(SqlType::Integer, vec![on_amount(), when_amount()], false);
        let new = ledger(SqlType::BigInt, vec![replaced, when_amount()], false);
        let plan = plan_between(&old, &new);
        let order = phases(&plan);
        // No replace step: the type change made it, once.
        assert_eq!(
            order,
            [(Phase::Expand, "change type of public.ledger.amount to bigint around triggers ledger_on_amount, ledger_when_amount"), (Phase::Expand, "set 1 comments")],
            "{}",
            plan.up_script()
        );
        let alter = |ty: &str| format!("ALTER TABLE public.ledger ALTER COLUMN amount TYPE {ty} USING amount::{ty}");
        let new_on_amount = "CREATE TRIGGER ledger_on_amount BEFORE UPDATE OF amount, note ON public.ledger FOR EACH ROW EXECUTE FUNCTION public.touch_more()";
        // Created again with the comment it has (the comment step then sets the new one).
        let old_comment = "COMMENT ON TRIGGER ledger_on_amount ON public.ledger IS 'Stamps amount changes'";
        let when_comment = "COMMENT ON TRIGGER ledger_when_amount ON public.ledger IS 'Counts amount changes'";
        let drops = ["DROP TRIGGER ledger_on_amount ON public.ledger", "DROP TRIGGER ledger_when_amount ON public.ledger"];
        let step = &plan.steps[0];
        assert_eq!(step.sql, [drops[0], drops[1], &alter("bigint"), new_on_amount, old_comment, WHEN_AMOUNT, when_comment]);
        // Undone into its old form.
        assert_eq!(step.down.as_deref().unwrap(), [drops[0], drops[1], &alter("integer"), ON_AMOUNT, old_comment, WHEN_AMOUNT, when_comment]);
        assert_eq!(step.lock, LockLevel::AccessExclusive);
        assert_eq!(plan.steps[1].sql, ["COMMENT ON TRIGGER ledger_on_amount ON public.ledger IS 'Stamps amount and note changes'"]);
        assert_eq!(plan.steps[1].down.as_deref().unwrap(), [old_comment]);

        // A trigger replaced without naming the column before keeps its replace step.
        let old = ledger(SqlType::Integer, vec![Trigger { events: vec![TriggerEvent::Update(vec!["note".into()])], ..on_amount() }], false);
        let plan = plan_between(&old, &ledger(SqlType::BigInt, vec![on_amount()], false));
        let order = descriptions(&plan);
        assert_eq!(order, ["change type of public.ledger.amount to bigint", "replace trigger ledger_on_amount on public.ledger"]);
    }

    #[test]
    fn a_trigger_whose_new_function_comes_later_is_created_again_as_it_was_then_replaced() {
        // `touch_late` reads a view, so it is created after the column changes type.
        let late = || Function::trigger(QualifiedName::public("touch_late"), "\nBEGIN\n    RETURN NEW;\nEND\n").depends_on(QualifiedName::public("ledger"));
        let old = ledger(SqlType::Integer, vec![on_amount()], false);
        let base = ledger(SqlType::BigInt, vec![], false);
        let table = base.tables()[0].clone().trigger(Trigger { function: QualifiedName::public("touch_late"), ..on_amount() });
        let new = build(Schema::builder().function(late()).function(base.functions()[0].clone()).function(base.functions()[1].clone()).add_table(table));
        let plan = plan_between(&old, &new);
        let order = descriptions(&plan);
        assert_eq!(
            order,
            ["change type of public.ledger.amount to bigint around trigger ledger_on_amount", "create function public.touch_late", "replace trigger ledger_on_amount on public.ledger"],
            "{}",
            plan.up_script()
        );
        let comment = "COMMENT ON TRIGGER ledger_on_amount ON public.ledger IS 'Stamps amount changes'";
        let drop = "DROP TRIGGER ledger_on_amount ON public.ledger";
        let alter = "ALTER TABLE public.ledger ALTER COLUMN amount TYPE bigint USING amount::bigint";
        assert_eq!(plan.steps[0].sql, [drop, alter, ON_AMOUNT, comment]);
        assert_eq!(
            plan.steps[2].sql,
            ["CREATE OR REPLACE TRIGGER ledger_on_amount BEFORE UPDATE OF amount ON public.ledger FOR EACH ROW EXECUTE FUNCTION public.touch_late()"]
        );
    }

    #[test]
    fn a_trigger_on_a_partitioned_table_and_one_dropped_after_the_deploy_are_created_again_around_the_type_change() {
        // Dropping the trigger of the partitioned table drops its clones on the
        // partitions, creating it clones it again. Its row trigger becoming a
        // statement trigger is made there too (no drop and create step of its own).
        let statement = Trigger { events: vec![TriggerEvent::Update(vec!["amount".into()])], ..on_amount() }.for_each_statement();
        let plan = plan_between(&ledger(SqlType::Integer, vec![on_amount(), when_amount()], true), &ledger(SqlType::BigInt, vec![statement], true));
        let order = phases(&plan);
        assert_eq!(
            order,
            [
                (Phase::Expand, "change type of public.ledger.amount to bigint around triggers ledger_on_amount, ledger_when_amount"),
                (Phase::Contract, "drop trigger ledger_when_amount on public.ledger"),
            ],
            "{}",
            plan.up_script()
        );
        let on_comment = "COMMENT ON TRIGGER ledger_on_amount ON public.ledger IS 'Stamps amount changes'";
        let when_comment = "COMMENT ON TRIGGER ledger_when_amount ON public.ledger IS 'Counts amount changes'";
        let drops = ["DROP TRIGGER ledger_on_amount ON public.ledger", "DROP TRIGGER ledger_when_amount ON public.ledger"];
        let alter = |ty: &str| format!("ALTER TABLE public.ledger ALTER COLUMN amount TYPE {ty} USING amount::{ty}");
        let as_statement = "CREATE TRIGGER ledger_on_amount BEFORE UPDATE OF amount ON public.ledger FOR EACH STATEMENT EXECUTE FUNCTION public.touch()";
        assert_eq!(plan.steps[0].sql, [drops[0], drops[1], &alter("bigint"), as_statement, on_comment, WHEN_AMOUNT, when_comment]);
        assert_eq!(plan.steps[0].down.as_deref().unwrap(), [drops[0], drops[1], &alter("integer"), ON_AMOUNT, on_comment, WHEN_AMOUNT, when_comment]);
        assert_eq!(plan.steps[0].lock, LockLevel::AccessExclusive);
        // The dropped one goes after the deploy, and comes back with its comment.
        assert_eq!(plan.steps[1].sql, ["DROP TRIGGER IF EXISTS ledger_when_amount ON public.ledger"]);
        assert_eq!(plan.steps[1].down.as_deref().unwrap(), [WHEN_AMOUNT, when_comment]);
    }

    #[test]
    fn several_columns_of_a_trigger_changing_type_give_it_its_new_form_in_the_last_step() {
        let both = |function: &str| {
            Trigger::new("ledger_on_both", TriggerTiming::Before, [TriggerEvent::Update(vec!["amount".into(), "note".into()])], QualifiedName::public(function))
        };
        let table = |amount: SqlType, note: SqlType, trigger: Trigger| {
            let mut s = ledger(amount, vec![trigger], false);
            let mut t = s.tables()[0].clone();
            t.columns.iter_mut().find(|c| c.name == "note").unwrap().ty = note;
            s = build(Schema::builder().function(s.functions()[0].clone()).function(s.functions()[1].clone()).add_table(t));
            s
        };
        let old = table(SqlType::Integer, SqlType::Varchar(Some(20)), both("touch"));
        let new = table(SqlType::BigInt, SqlType::Text, both("touch_more"));
        let plan = plan_between(&old, &new);
        let create = |f: &str| format!("CREATE TRIGGER ledger_on_both BEFORE UPDATE OF amount, note ON public.ledger FOR EACH ROW EXECUTE FUNCTION public.{f}()");
        let drop = "DROP TRIGGER ledger_on_both ON public.ledger".to_owned();
        let alter = |c: &str, ty: &str| format!("ALTER TABLE public.ledger ALTER COLUMN {c} TYPE {ty} USING {c}::{ty}");
        let sql: Vec<&[String]> = plan.steps.iter().map(|s| &s.sql[..]).collect();
        assert_eq!(
            sql,
            [&[drop.clone(), alter("amount", "bigint"), create("touch")][..], &[drop.clone(), alter("note", "text"), create("touch_more")][..]],
            "{}",
            plan.up_script()
        );
        let down: Vec<&[String]> = plan.steps.iter().map(|s| s.down.as_deref().unwrap()).collect();
        assert_eq!(down, [&[drop.clone(), alter("amount", "integer"), create("touch")][..], &[drop, alter("note", "varchar(20)"), create("touch")][..]]);
    }

    /// `accounts (id, owner_id <owner>, note)` with row-level security
    /// enabled and forced and `policies`.
    fn accounts(owner: SqlType, policies: Vec<Policy>) -> Schema {
        let mut t = Table::new("accounts")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("owner_id", owner))
            .column(Column::new("note", SqlType::Text).nullable())
            .primary_key(["id"])
            .row_level_security(true);
        for p in policies {
            t = t.policy(p);
        }
        build(Schema::builder().add_table(t))
    }

    /// `USING (owner_id = <the app.user_id setting>::integer)`, commented.
    fn own_rows() -> Policy {
        Policy::new("own_rows").using("owner_id = current_setting('app.user_id', true)::integer").comment("Each owner sees their rows")
    }

    /// `FOR INSERT WITH CHECK (owner_id > 0)`.
    fn positive_owner() -> Policy {
        Policy::new("positive_owner").for_command(PolicyCommand::Insert).with_check("owner_id > 0")
    }

    const OWN_ROWS: &str = "CREATE POLICY own_rows ON public.accounts AS PERMISSIVE FOR ALL USING (owner_id = current_setting('app.user_id', true)::integer)";
    const OWN_ROWS_COMMENT: &str = "COMMENT ON POLICY own_rows ON public.accounts IS 'Each owner sees their rows'";
    const POSITIVE_OWNER: &str = "CREATE POLICY positive_owner ON public.accounts AS PERMISSIVE FOR INSERT WITH CHECK (owner_id > 0)";

    #[test]
    fn a_type_change_drops_and_creates_again_the_policies_naming_the_column_in_one_step() {
        // Not named: another column, a string constant, a whole-row reference
        // (PostgreSQL 15 changes the type under them).
        let others = || vec![Policy::new("tagged").using("note <> 'owner_id'"), Policy::new("whole_row").using("accounts IS NOT NULL")];
        let policies = |mut v: Vec<Policy>| {
            v.extend(others());
            v
        };
        let alter = |ty: &str| format!("ALTER TABLE public.accounts ALTER COLUMN owner_id TYPE {ty} USING owner_id::{ty}");
        let plan = plan_between(&accounts(SqlType::Integer, policies(vec![own_rows(), positive_owner()])), &accounts(SqlType::BigInt, policies(vec![own_rows(), positive_owner()])));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "change type of public.accounts.owner_id to bigint around policies own_rows, positive_owner");
        let around = |ty: &str| {
            vec![
                "DROP POLICY own_rows ON public.accounts".to_owned(),
                "DROP POLICY positive_owner ON public.accounts".to_owned(),
                alter(ty),
                OWN_ROWS.to_owned(),
                OWN_ROWS_COMMENT.to_owned(),
                POSITIVE_OWNER.to_owned(),
            ]
        };
        assert_eq!(step.sql, around("bigint"));
        assert_eq!(step.down.as_deref(), Some(&around("integer")[..]));
        assert_eq!((step.phase, step.lock, step.transactional, step.down_transactional), (Phase::Expand, LockLevel::AccessExclusive, true, true));
        assert_eq!(step.hazards, [Hazard::TableRewrite, Hazard::LongLock]);
        // Row-level security is never switched off.
        assert!(!plan.up_script().contains("ROW LEVEL SECURITY") && !plan.down_script().unwrap().contains("ROW LEVEL SECURITY"));

        // None named: the type change alone, as before.
        let plan = plan_between(&accounts(SqlType::Integer, others()), &accounts(SqlType::BigInt, others()));
        assert_eq!(statements(&plan), [alter("bigint")]);
        assert_eq!(plan.steps[0].description, "change type of public.accounts.owner_id to bigint");

        // A quoted name is the column too, a function of its name is not, nor
        // another table's column of that name without the table.
        let on = QualifiedName::public("accounts");
        let other = QualifiedName::public("audit");
        let names = |p: Policy, on: &QualifiedName| policy_names_column(on, &p, &QualifiedName::public("accounts"), &["accounts"], &["owner_id"]);
        assert!(names(Policy::new("p").with_check(r#""owner_id" > 0"#), &on));
        assert!(!names(Policy::new("p").using("owner_id(note) > 0"), &on));
        assert!(!names(Policy::new("p").using(r#""Owner_id" > 0"#), &on));
        assert!(!names(Policy::new("p").using("owner_id > 0"), &other));
        assert!(names(Policy::new("p").using("EXISTS (SELECT 1 FROM public.accounts a WHERE a.owner_id = 1)"), &other));
    }

    /// `members (tenant_id <tenant>, user_name)` and `docs (id, tenant_id)`,
    /// whose policy `member_docs` reads `members.tenant_id` in a subquery,
    /// `docs_positive` only its own `tenant_id`; with `old_docs`, a table
    /// `old_docs` the same.
    fn tenants(tenant: SqlType, old_docs: bool) -> Schema {
        let member_docs = || Policy::new("member_docs").using("tenant_id IN (SELECT m.tenant_id FROM members m WHERE m.user_name = current_user)");
        let docs = |name: &str| {
            Table::new(name)
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("tenant_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(false)
                .policy(member_docs())
                .policy(Policy::new("docs_positive").restrictive().using("tenant_id > 0"))
        };
        let mut b = Schema::builder()
            .add_table(Table::new("members").column(Column::new("tenant_id", tenant)).column(Column::new("user_name", SqlType::Text)).primary_key(["tenant_id", "user_name"]))
            .add_table(docs("docs"));
        if old_docs {
            b = b.add_table(docs("old_docs"));
        }
        build(b)
    }

    #[test]
    fn the_policies_of_other_tables_reading_the_column_in_a_subquery_are_created_again_around_its_type_change() {
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let p = plan(&diff(&tenants(SqlType::Integer, true), &tenants(SqlType::BigInt, false)), &options).unwrap();
        let described: Vec<(Phase, &str)> = p.steps.iter().map(|s| (s.phase, s.description.as_str())).collect();
        assert_eq!(
            described,
            [
                (Phase::Expand, "change type of public.members.tenant_id to bigint around policies member_docs on public.docs, member_docs on public.old_docs"),
                (Phase::Contract, "drop table public.old_docs"),
            ]
        );
        let member_docs = |on: &str| format!("CREATE POLICY member_docs ON public.{on} AS PERMISSIVE FOR ALL USING (tenant_id IN (SELECT m.tenant_id FROM members m WHERE m.user_name = current_user))");
        let around = |ty: &str| {
            vec![
                "DROP POLICY member_docs ON public.docs".to_owned(),
                // Still there: the table is dropped after the deploy.
                "DROP POLICY member_docs ON public.old_docs".to_owned(),
                format!("ALTER TABLE public.members ALTER COLUMN tenant_id TYPE {ty} USING tenant_id::{ty}"),
                member_docs("docs"),
                member_docs("old_docs"),
            ]
        };
        let step = &p.steps[0];
        assert_eq!(step.sql, around("bigint"), "{}", p.up_script());
        assert_eq!(step.down.as_deref(), Some(&around("integer")[..]));
        assert_eq!((step.lock, step.transactional, step.down_transactional), (LockLevel::AccessExclusive, true, true));
    }

    #[test]
    fn a_policy_altered_with_the_type_of_its_column_takes_its_new_form_in_the_type_change_step_and_dropped_or_created_ones_keep_their_steps() {
        let legacy = || Policy::new("legacy").using("owner_id <> 0");
        let fresh = || Policy::new("fresh").for_command(PolicyCommand::Update).with_check("owner_id IS NOT NULL");
        let own_bigint = || Policy { using: Some("owner_id = current_setting('app.user_id', true)::bigint".into()), comment: Some("Each owner sees only their rows".into()), ..own_rows() };
        let old = accounts(SqlType::Integer, vec![own_rows(), legacy(), positive_owner()]);
        let new = accounts(SqlType::BigInt, vec![own_bigint(), positive_owner(), fresh()]);
        let plan = plan_between(&old, &new);
        let described = phases(&plan);
        // No step of its own alters own_rows.
        assert_eq!(
            described,
            [
                (Phase::Expand, "drop policy legacy on public.accounts"),
                (Phase::Expand, "change type of public.accounts.owner_id to bigint around policies own_rows, positive_owner"),
                (Phase::Expand, "create policy fresh on public.accounts"),
                (Phase::Expand, "set 1 comments"),
            ],
            "{}",
            plan.up_script()
        );
        let alter = |ty: &str| format!("ALTER TABLE public.accounts ALTER COLUMN owner_id TYPE {ty} USING owner_id::{ty}");
        let step = &plan.steps[1];
        let around = |ty: &str, own: &str| {
            vec![
                "DROP POLICY own_rows ON public.accounts".to_owned(),
                "DROP POLICY positive_owner ON public.accounts".to_owned(),
                alter(ty),
                own.to_owned(),
                // The comment it had: the comment step sets the new one.
                OWN_ROWS_COMMENT.to_owned(),
                POSITIVE_OWNER.to_owned(),
            ]
        };
        let own_new = OWN_ROWS.replace("::integer", "::bigint");
        assert_eq!(step.sql, around("bigint", &own_new));
        assert_eq!(step.down.as_deref(), Some(&around("integer", OWN_ROWS)[..]));
        assert_eq!(plan.steps[0].sql, ["DROP POLICY IF EXISTS legacy ON public.accounts"]);
        assert_eq!(plan.steps[2].sql, ["CREATE POLICY fresh ON public.accounts AS PERMISSIVE FOR UPDATE WITH CHECK (owner_id IS NOT NULL)"]);
        assert_eq!(plan.steps[3].sql, ["COMMENT ON POLICY own_rows ON public.accounts IS 'Each owner sees only their rows'"]);
        // Each policy is dropped and created at most once.
        for name in ["own_rows", "legacy", "positive_owner", "fresh"] {
            let count = |needle: String| statements(&plan).iter().filter(|s| s.starts_with(&needle)).count();
            assert!(count(format!("DROP POLICY {name} ")) + count(format!("DROP POLICY IF EXISTS {name} ")) <= 1, "{name}");
            assert!(count(format!("CREATE POLICY {name} ")) <= 1, "{name}");
        }
    }

    #[test]
    fn a_dropped_trigger_comes_back_with_its_comment() {
        let untouched = || build(Schema::builder().add_table(Table::new("posts").column(Column::new("id", SqlType::BigInt)).column(Column::new("body", SqlType::Text)).primary_key(["id"])));
        let create = "CREATE TRIGGER posts_touch BEFORE UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.touch()";
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let plan = plan(&diff(&touched(touch([TriggerEvent::Update(vec![])]), &["touch"], None), &untouched()), &options).unwrap();
        let step = plan.steps.iter().find(|s| s.description == "drop trigger posts_touch on public.posts").unwrap();
        assert_eq!((step.phase, step.lock, &step.sql[..]), (Phase::Contract, LockLevel::AccessExclusive, &["DROP TRIGGER IF EXISTS posts_touch ON public.posts".to_owned()][..]));
        assert_eq!(step.down.as_deref().unwrap(), [create, "COMMENT ON TRIGGER posts_touch ON public.posts IS 'Keeps posts current'"]);
        // Before the function it calls is dropped, and so created again after it.
        assert!(position(&plan, "drop trigger posts_touch on public.posts") < position(&plan, "drop function public.touch"));
        // Without a comment, none.
        let bare = Trigger { comment: None, ..touch([TriggerEvent::Update(vec![])]) };
        let plan = super::plan(&diff(&touched(bare, &["touch"], None), &untouched()), &options).unwrap();
        assert_eq!(plan.steps.iter().find(|s| s.description.starts_with("drop trigger")).unwrap().down.as_deref().unwrap(), [create]);
    }

    #[test]
    fn a_trigger_name_still_held_by_a_dropped_trigger_is_not_taken_by_a_rename() {
        // The old table has a trigger of its own named `articles_notify`, dropped by the plan.
        let old = tracked("posts", None, "id", "body", notify("posts_notify", "body"));
        let mut posts = old.tables().iter().find(|t| t.name.name == "posts").unwrap().clone();
        posts = posts.trigger(Trigger::new("articles_notify", TriggerTiming::Before, [TriggerEvent::Delete], QualifiedName::public("notify")));
        let old = build(Schema::builder().function(old.functions().iter().find(|f| f.name.name == "notify").unwrap().clone()).add_table(posts));
        let plan = plan_between(&old, &tracked("articles", Some("posts"), "id", "body", notify("articles_notify", "body")));
        let up = plan.up_script();
        assert!(up.contains("ALTER TRIGGER posts_audit ON public.articles RENAME TO articles_audit"), "{up}");
        assert!(!up.contains("RENAME TO articles_notify"), "{up}");
        // The table's own `articles_notify` takes the new definition in place;
        // `posts_notify` is dropped after the deploy.
        assert!(!up.contains("DROP TRIGGER IF EXISTS articles_notify ON public.articles") && up.contains("DROP TRIGGER IF EXISTS posts_notify ON public.articles"), "{up}");
        assert!(up.contains("CREATE OR REPLACE TRIGGER articles_notify AFTER INSERT OR UPDATE OF body ON public.articles"), "{up}");
    }

    #[test]
    fn without_a_declared_rename_a_new_name_is_a_drop_and_an_add() {
        let old = build(Schema::builder().add_table(users().column(Column::new("email", SqlType::Text)).unique(UniqueConstraint::new(["email"]).named("a"))));
        let new = build(Schema::builder().add_table(users().column(Column::new("email", SqlType::Text)).unique(UniqueConstraint::new(["email"]).named("b"))));
        let up = plan_between(&old, &new).up_script();
        assert!(up.contains("DROP CONSTRAINT IF EXISTS a") && up.contains("ADD CONSTRAINT b UNIQUE USING INDEX b"), "{up}");
        assert!(!up.contains("RENAME"), "{up}");
    }

    /// `logs` (or its new name), range-partitioned by month: January to March
    /// 2026 and a default partition, with a key, an index, a policy and
    /// row-level security per `rls` (forced when `Some(true)`). `explicit`
    /// partitions (name, from, to) are declared before the window, which keeps
    /// their bounds for months of the same name.
    fn monthly(name: &str, renamed_from: Option<&str>, rls: Option<bool>, explicit: &[(&str, &str, &str)]) -> Table {
        let mut p = Partitioning::range(["at"]);
        for (part, from, to) in explicit {
            p = p.partition(Partition::new(*part, PartitionBound::Range { from: vec![(*from).into()], to: vec![(*to).into()] }));
        }
        let mut t = Table::new(name)
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("at", SqlType::Timestamptz))
            .primary_key(["id", "at"])
            .partition_by(p.monthly(CivilDate::new(2026, 1, 1).unwrap(), 3).with_default())
            .index(Index::on(["at"]))
            .policy(Policy::new("everyone").using("true"));
        if let Some(force) = rls {
            t = t.row_level_security(force);
        }
        if let Some(from) = renamed_from {
            t = t.renamed_from(QualifiedName::public(from));
        }
        t
    }

    #[test]
    fn a_table_rename_renames_its_partitions() {
        let old = build(Schema::builder().add_table(monthly("logs", None, Some(true), &[])));
        let new = build(Schema::builder().add_table(monthly("events", Some("logs"), Some(true), &[])));
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.logs RENAME TO events",
                // Its partitions first, in the order of their old names, the default one with them.
                "ALTER TABLE public.logs_2026_01 RENAME TO events_2026_01",
                "ALTER TABLE public.logs_2026_02 RENAME TO events_2026_02",
                "ALTER TABLE public.logs_2026_03 RENAME TO events_2026_03",
                "ALTER TABLE public.logs_default RENAME TO events_default",
                "ALTER TABLE public.events RENAME CONSTRAINT logs_pkey TO events_pkey",
                "ALTER INDEX public.idx_logs_at RENAME TO idx_events_at",
            ],
            "{}",
            plan.up_script()
        );
        let up = plan.up_script();
        // No partition dropped or created, and their row-level security is left alone.
        for unwanted in ["PARTITION OF", "DETACH", "DROP TABLE", "ROW LEVEL SECURITY", "POLICY", "CREATE INDEX"] {
            assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
        }
        let options = PlanOptions::default().with_declared_renames(&new);
        let d = diff(&old, &new);
        let changes = apply_renames(&d.changes, &options.renames, &d.names).changes;
        assert!(
            !changes.iter().any(|c| matches!(
                c,
                Change::DropPartition { .. } | Change::AddPartition { .. } | Change::SetDefaultPartition { .. } | Change::SetRowLevelSecurity { .. }
            )),
            "{changes:#?}"
        );
        assert!(!plan.hazards().contains(&Hazard::DataLoss));
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand && s.transactional && s.down_transactional && s.hazards == [Hazard::BreaksOldCode]));
        assert_eq!(plan.migrations(1, "rename").len(), 1);
        let part = &plan.steps[1];
        assert_eq!(part.description, "rename partition logs_2026_01 of public.events to events_2026_01");
        assert_eq!((part.lock, part.statement_timeout), (LockLevel::AccessExclusive, Some(PlanOptions::default().statement_timeout)));
        assert_eq!(part.down.as_deref(), Some(&["ALTER TABLE public.events_2026_01 RENAME TO logs_2026_01".to_owned()][..]));
        let down_script = plan.down_script().unwrap();
        let down: Vec<&str> = down_script.lines().filter(|l| l.starts_with("ALTER")).collect();
        assert_eq!(
            down,
            [
                "ALTER INDEX public.idx_events_at RENAME TO idx_logs_at;",
                "ALTER TABLE public.events RENAME CONSTRAINT events_pkey TO logs_pkey;",
                "ALTER TABLE public.events_default RENAME TO logs_default;",
                "ALTER TABLE public.events_2026_03 RENAME TO logs_2026_03;",
                "ALTER TABLE public.events_2026_02 RENAME TO logs_2026_02;",
                "ALTER TABLE public.events_2026_01 RENAME TO logs_2026_01;",
                "ALTER TABLE public.events RENAME TO logs;",
            ]
        );
        assert_eq!(plan, plan_between(&old, &new));

        // Row-level security turned on with the rename: the renamed partitions get it
        // as partitions kept under their name do, and the undo turns it off again.
        let plain = build(Schema::builder().add_table(monthly("logs", None, None, &[])));
        let plan = plan_between(&plain, &new);
        let up = plan.up_script();
        assert!(!up.contains("PARTITION OF") && !up.contains("DETACH"), "{up}");
        for part in ["events", "events_2026_01", "events_2026_02", "events_2026_03", "events_default"] {
            let on = format!("ALTER TABLE public.{part} ENABLE ROW LEVEL SECURITY;\nALTER TABLE public.{part} FORCE ROW LEVEL SECURITY;");
            assert_eq!(up.matches(&on).count(), 1, "{part}:\n{up}");
            assert!(up.find(&format!("RENAME TO {part};")).unwrap() < up.find(&on).unwrap(), "renamed before:\n{up}");
        }
        let down = plan.down_script().unwrap();
        assert!(down.find("ALTER TABLE public.events_2026_01 DISABLE ROW LEVEL SECURITY").unwrap() < down.find("ALTER TABLE public.events_2026_01 RENAME TO logs_2026_01").unwrap(), "{down}");

        // Hash partitions (`{table}_p{remainder}`) likewise.
        let shards = |name: &str, renamed_from: Option<&str>| {
            let mut t = Table::new(name).column(Column::new("id", SqlType::BigInt)).primary_key(["id"]).partition_by(Partitioning::hash(["id"], 3));
            if let Some(from) = renamed_from {
                t = t.renamed_from(QualifiedName::public(from));
            }
            build(Schema::builder().add_table(t))
        };
        let plan = plan_between(&shards("shards", None), &shards("pieces", Some("shards")));
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.shards RENAME TO pieces",
                "ALTER TABLE public.shards_p0 RENAME TO pieces_p0",
                "ALTER TABLE public.shards_p1 RENAME TO pieces_p1",
                "ALTER TABLE public.shards_p2 RENAME TO pieces_p2",
                "ALTER TABLE public.pieces RENAME CONSTRAINT shards_pkey TO pieces_pkey",
            ],
            "{}",
            plan.up_script()
        );
    }

    /// [`monthly`] in `schema`, renamed from `public.{renamed_from}`.
    fn monthly_in(schema: &str, name: &str, renamed_from: &str, rls: Option<bool>, explicit: &[(&str, &str, &str)]) -> Table {
        let mut t = monthly(name, Some(renamed_from), rls, explicit);
        t.name.schema = schema.into();
        t
    }

    #[test]
    fn a_table_moved_to_another_schema_moves_its_partitions() {
        let old = build(Schema::builder().add_table(monthly("logs", None, Some(true), &[])));

        // Moved and renamed: each partition moves under its old name, then is renamed.
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", Some(true), &[])));
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "CREATE SCHEMA IF NOT EXISTS archive",
                "ALTER TABLE public.logs SET SCHEMA archive",
                "ALTER TABLE archive.logs RENAME TO events",
                // Every partition, the default one included, in the order of their old names.
                "ALTER TABLE public.logs_2026_01 SET SCHEMA archive",
                "ALTER TABLE public.logs_2026_02 SET SCHEMA archive",
                "ALTER TABLE public.logs_2026_03 SET SCHEMA archive",
                "ALTER TABLE public.logs_default SET SCHEMA archive",
                "ALTER TABLE archive.logs_2026_01 RENAME TO events_2026_01",
                "ALTER TABLE archive.logs_2026_02 RENAME TO events_2026_02",
                "ALTER TABLE archive.logs_2026_03 RENAME TO events_2026_03",
                "ALTER TABLE archive.logs_default RENAME TO events_default",
                "ALTER TABLE archive.events RENAME CONSTRAINT logs_pkey TO events_pkey",
                "ALTER INDEX archive.idx_logs_at RENAME TO idx_events_at",
            ],
            "{}",
            plan.up_script()
        );
        let up = plan.up_script();
        for unwanted in ["PARTITION OF", "DETACH", "DROP TABLE", "ROW LEVEL SECURITY", "POLICY", "CREATE INDEX"] {
            assert!(!up.contains(unwanted), "`{unwanted}` in:\n{up}");
        }
        assert!(!plan.hazards().contains(&Hazard::DataLoss) && plan.is_reversible(), "{up}");
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand && s.transactional && s.down_transactional));
        assert_eq!(plan.migrations(1, "move").len(), 1);
        let step = &plan.steps[position(&plan, "move partition logs_2026_01 of archive.events from schema public")];
        assert_eq!(step.sql, ["ALTER TABLE public.logs_2026_01 SET SCHEMA archive"]);
        assert_eq!(step.down.as_deref(), Some(&["ALTER TABLE archive.logs_2026_01 SET SCHEMA public".to_owned()][..]));
        assert_eq!((step.lock, &step.hazards[..], step.statement_timeout), (LockLevel::AccessExclusive, &[Hazard::BreaksOldCode][..], Some(PlanOptions::default().statement_timeout)));
        let step = &plan.steps[position(&plan, "move partition logs_default of archive.events from schema public")];
        assert_eq!(step.down.as_deref(), Some(&["ALTER TABLE archive.logs_default SET SCHEMA public".to_owned()][..]));
        let down_script = plan.down_script().unwrap();
        let down: Vec<&str> = down_script.lines().filter(|l| l.starts_with("ALTER") || l.starts_with("DROP")).collect();
        assert_eq!(
            down,
            [
                "ALTER INDEX archive.idx_events_at RENAME TO idx_logs_at;",
                "ALTER TABLE archive.events RENAME CONSTRAINT events_pkey TO logs_pkey;",
                "ALTER TABLE archive.events_default RENAME TO logs_default;",
                "ALTER TABLE archive.events_2026_03 RENAME TO logs_2026_03;",
                "ALTER TABLE archive.events_2026_02 RENAME TO logs_2026_02;",
                "ALTER TABLE archive.events_2026_01 RENAME TO logs_2026_01;",
                "ALTER TABLE archive.logs_default SET SCHEMA public;",
                "ALTER TABLE archive.logs_2026_03 SET SCHEMA public;",
                "ALTER TABLE archive.logs_2026_02 SET SCHEMA public;",
                "ALTER TABLE archive.logs_2026_01 SET SCHEMA public;",
                "ALTER TABLE archive.events RENAME TO logs;",
                "ALTER TABLE archive.logs SET SCHEMA public;",
                "DROP SCHEMA archive;",
            ]
        );
        assert_eq!(plan, plan_between(&old, &new));

        // Moved under the same name: moved, not renamed.
        let mut same = monthly("logs", Some("logs"), Some(true), &[]);
        same.name.schema = "archive".into();
        let new = build(Schema::builder().add_table(same));
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "CREATE SCHEMA IF NOT EXISTS archive",
                "ALTER TABLE public.logs SET SCHEMA archive",
                "ALTER TABLE public.logs_2026_01 SET SCHEMA archive",
                "ALTER TABLE public.logs_2026_02 SET SCHEMA archive",
                "ALTER TABLE public.logs_2026_03 SET SCHEMA archive",
                "ALTER TABLE public.logs_default SET SCHEMA archive",
            ],
            "{}",
            plan.up_script()
        );
        assert!(!plan.hazards().contains(&Hazard::DataLoss) && plan.is_reversible());

        // Row-level security turned on with the move: on every partition, once
        // it is in the new schema; the undo turns it off there before moving back.
        let plain = build(Schema::builder().add_table(monthly("logs", None, None, &[])));
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", Some(true), &[])));
        let plan = plan_between(&plain, &new);
        let up = plan.up_script();
        assert!(!up.contains("PARTITION OF") && !up.contains("DETACH"), "{up}");
        for part in ["events", "events_2026_01", "events_2026_02", "events_2026_03", "events_default"] {
            let on = format!("ALTER TABLE archive.{part} ENABLE ROW LEVEL SECURITY;\nALTER TABLE archive.{part} FORCE ROW LEVEL SECURITY;");
            assert_eq!(up.matches(&on).count(), 1, "{part}:\n{up}");
            assert!(up.find(&format!("RENAME TO {part};")).unwrap() < up.find(&on).unwrap(), "renamed before:\n{up}");
        }
        let down = plan.down_script().unwrap();
        let off = down.find("ALTER TABLE archive.events_2026_01 DISABLE ROW LEVEL SECURITY").unwrap_or_else(|| panic!("{down}"));
        assert!(off < down.find("ALTER TABLE archive.logs_2026_01 SET SCHEMA public").unwrap(), "{down}");
    }

    #[test]
    fn a_moved_table_drops_and_indexes_its_partitions_in_its_new_schema() {
        let old = build(Schema::builder().add_table(monthly("logs", None, Some(true), &[])));
        // February now ends on the 15th, and a new index.
        let february = [("events_2026_02", "'2026-02-01 00:00:00+00'", "'2026-02-15 00:00:00+00'")];
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", Some(true), &february).index(Index::on(["id"]))));
        let options = PlanOptions::default().with_declared_renames(&new);
        let d = diff(&old, &new);
        let refused = plan(&d, &options).unwrap_err();
        assert_eq!(refused.0, [PlanError::Refused { change: "drop partition logs_2026_02 of archive.events".into(), hazard: Hazard::DataLoss }]);
        let plan = plan(&d, &PlanOptions { allow_destructive: true, ..options }).unwrap_or_else(|e| panic!("{e}"));
        let up = plan.up_script();
        let at = |needle: &str| up.find(needle).unwrap_or_else(|| panic!("missing `{needle}` in:\n{up}"));
        // The old February moves with the others (the drop names it in the table's
        // schema), and is dropped there, before the new one is created.
        let moved = at("ALTER TABLE public.logs_2026_02 SET SCHEMA archive;");
        let dropped = at("ALTER TABLE archive.events DETACH PARTITION archive.logs_2026_02;\nDROP TABLE archive.logs_2026_02;");
        let created = at("CREATE TABLE archive.events_2026_02 PARTITION OF archive.events FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-02-15 00:00:00+00');");
        assert!(moved < dropped && dropped < created, "{up}");
        assert!(!up.contains("RENAME TO events_2026_02") && !up.contains("public.events"), "{up}");
        at("ALTER TABLE archive.events_2026_02 ENABLE ROW LEVEL SECURITY;\nALTER TABLE archive.events_2026_02 FORCE ROW LEVEL SECURITY;");
        // Only the new partition's (the step adding it next to the default
        // partition also lifts and restores the default's FORCE while rows move).
        let security: usize = plan.steps.iter().filter(|s| !s.description.starts_with("add partition")).map(|s| s.script().matches("ROW LEVEL SECURITY").count()).sum();
        assert_eq!(security, 2, "{up}");
        // The new index: on the parent only, then on each partition where it is then, concurrently.
        let builds: Vec<&str> = plan.steps.iter().filter(|s| s.hazards.contains(&Hazard::IndexBuild)).map(|s| s.sql[0].as_str()).collect();
        assert_eq!(
            builds,
            [
                "CREATE INDEX CONCURRENTLY events_2026_01_idx_events_id ON archive.events_2026_01 (id)",
                "CREATE INDEX CONCURRENTLY events_2026_02_idx_events_id ON archive.events_2026_02 (id)",
                "CREATE INDEX CONCURRENTLY events_2026_03_idx_events_id ON archive.events_2026_03 (id)",
                "CREATE INDEX CONCURRENTLY events_default_idx_events_id ON archive.events_default (id)",
            ],
            "{up}"
        );
        at("CREATE INDEX idx_events_id ON ONLY archive.events (id);");
    }

    #[test]
    fn a_new_index_on_a_renamed_partitioned_table_is_built_partition_by_partition() {
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &[])));
        let new = build(Schema::builder().add_table(monthly("events", Some("logs"), None, &[]).index(Index::on(["id"]))));
        let plan = plan_between(&old, &new);
        let index_steps: Vec<(&str, LockLevel, bool)> =
            plan.steps.iter().filter(|s| s.hazards.contains(&Hazard::IndexBuild) || s.description.contains("idx_events_id")).map(|s| (s.sql[0].as_str(), s.lock, s.transactional)).collect();
        assert_eq!(
            index_steps,
            [
                ("CREATE INDEX idx_events_id ON ONLY public.events (id)", LockLevel::Share, true),
                // Each partition under its new name: renamed before the index is built.
                ("CREATE INDEX CONCURRENTLY events_2026_01_idx_events_id ON public.events_2026_01 (id)", LockLevel::ShareUpdateExclusive, false),
                ("CREATE INDEX CONCURRENTLY events_2026_02_idx_events_id ON public.events_2026_02 (id)", LockLevel::ShareUpdateExclusive, false),
                ("CREATE INDEX CONCURRENTLY events_2026_03_idx_events_id ON public.events_2026_03 (id)", LockLevel::ShareUpdateExclusive, false),
                ("CREATE INDEX CONCURRENTLY events_default_idx_events_id ON public.events_default (id)", LockLevel::ShareUpdateExclusive, false),
                // ACCESS EXCLUSIVE on the partitions' indexes, briefly.
                ("ALTER INDEX public.idx_events_id ATTACH PARTITION public.events_2026_01_idx_events_id", LockLevel::AccessExclusive, true),
            ],
            "{}",
            plan.up_script()
        );
        assert!(!plan.hazards().contains(&Hazard::LongLock), "{}", plan.up_script());
        let attach = plan.steps.iter().find(|s| s.description == "attach the partitions' indexes to public.idx_events_id").unwrap();
        assert_eq!(attach.sql.len(), 4, "{:?}", attach.sql);
        assert!(position(&plan, "rename partition logs_default of public.events to events_default") < position(&plan, "create index public.idx_events_id on the parent only"));
    }

    #[test]
    fn a_partition_whose_bound_changed_is_still_dropped_and_added_after_a_table_rename() {
        let old = build(Schema::builder().add_table(monthly("logs", None, Some(true), &[])));
        // February now ends on the 15th.
        let february = [("events_2026_02", "'2026-02-01 00:00:00+00'", "'2026-02-15 00:00:00+00'")];
        let new = build(Schema::builder().add_table(monthly("events", Some("logs"), Some(true), &february)));
        let options = PlanOptions::default().with_declared_renames(&new);
        let d = diff(&old, &new);
        let refused = plan(&d, &options).unwrap_err();
        assert_eq!(refused.0, [PlanError::Refused { change: "drop partition logs_2026_02 of public.events".into(), hazard: Hazard::DataLoss }]);

        let plan = plan(&d, &PlanOptions { allow_destructive: true, ..options }).unwrap_or_else(|e| panic!("{e}"));
        let up = plan.up_script();
        for expected in [
            "ALTER TABLE public.logs_2026_01 RENAME TO events_2026_01;",
            "ALTER TABLE public.logs_2026_03 RENAME TO events_2026_03;",
            "ALTER TABLE public.logs_default RENAME TO events_default;",
            "CREATE TABLE public.events_2026_02 PARTITION OF public.events FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-02-15 00:00:00+00');",
            // The new partition gets the parent's row-level security; the renamed ones have it.
            "ALTER TABLE public.events_2026_02 ENABLE ROW LEVEL SECURITY;\nALTER TABLE public.events_2026_02 FORCE ROW LEVEL SECURITY;",
            "ALTER TABLE public.events DETACH PARTITION public.logs_2026_02;\nDROP TABLE public.logs_2026_02;",
        ] {
            assert!(up.contains(expected), "missing `{expected}` in:\n{up}");
        }
        assert!(!up.contains("RENAME TO events_2026_02"), "{up}");
        // (The new partition's step lifts the default partition's FORCE only while rows move.)
        let security: usize = plan.steps.iter().filter(|s| !s.description.starts_with("add partition")).map(|s| s.script().matches("ROW LEVEL SECURITY").count()).sum();
        assert_eq!(security, 2, "{up}");
        let drop = plan.steps.iter().find(|s| s.description == "drop partition logs_2026_02 of public.events").unwrap();
        // Its bound overlaps the new February's: dropped first, in the expand phase.
        assert_eq!((drop.phase, &drop.hazards[..], drop.down.is_none()), (Phase::Expand, &[Hazard::DataLoss][..], true));
        assert!(up.find("DROP TABLE public.logs_2026_02;").unwrap() < up.find("CREATE TABLE public.events_2026_02 PARTITION OF").unwrap(), "{up}");

        // A default partition dropped with the rename is still refused; allowed, it
        // is renamed first, since the drop names it after the table's new name.
        let mut no_default = monthly("events", Some("logs"), Some(true), &[]);
        no_default.partitioning.as_mut().unwrap().default_partition = false;
        let new = build(Schema::builder().add_table(no_default));
        let options = PlanOptions::default().with_declared_renames(&new);
        let refused = super::plan(&diff(&old, &new), &options).unwrap_err();
        assert_eq!(refused.0, [PlanError::Refused { change: "drop the default partition of public.events".into(), hazard: Hazard::DataLoss }]);
        let plan = super::plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..options }).unwrap_or_else(|e| panic!("{e}"));
        let up = plan.up_script();
        let rename = up.find("ALTER TABLE public.logs_default RENAME TO events_default;").unwrap_or_else(|| panic!("{up}"));
        let drop = up.find("ALTER TABLE public.events DETACH PARTITION public.events_default;\nDROP TABLE public.events_default;").unwrap_or_else(|| panic!("{up}"));
        assert!(rename < drop, "{up}");
        assert!(!up.contains("PARTITION OF") && !up.contains("ROW LEVEL SECURITY"), "{up}");
    }

    #[test]
    fn a_partition_name_held_by_a_dropped_relation_is_freed_before_the_rename() {
        // `logs` has a partition of its own named `events_2026_01` (January 2025),
        // dropped by the plan; a table named `events_2026_03` is dropped too.
        let january_2025 = [("events_2026_01", "'2025-01-01 00:00:00+00'", "'2025-02-01 00:00:00+00'")];
        let stray = Table::new("events_2026_03").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &january_2025)).add_table(stray));
        let new = build(Schema::builder().add_table(monthly("events", Some("logs"), None, &[])));
        let options = PlanOptions::default().with_declared_renames(&new);
        let refused = plan(&diff(&old, &new), &options).unwrap_err();
        assert_eq!(
            refused.0,
            [
                PlanError::Refused { change: "drop partition events_2026_01 of public.events".into(), hazard: Hazard::DataLoss },
                PlanError::Refused { change: "drop table public.events_2026_03".into(), hazard: Hazard::DataLoss },
            ]
        );
        let plan = plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..options }).unwrap_or_else(|e| panic!("{e}"));
        // Each relation holding a new name is dropped first, just before the
        // partitions are renamed, and every partition of `logs` is renamed: no
        // row of 2026 is dropped, no partition created.
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.logs RENAME TO events",
                "ALTER TABLE public.events DETACH PARTITION public.events_2026_01",
                "DROP TABLE public.events_2026_01",
                "DROP TABLE public.events_2026_03",
                "ALTER TABLE public.logs_2026_01 RENAME TO events_2026_01",
                "ALTER TABLE public.logs_2026_02 RENAME TO events_2026_02",
                "ALTER TABLE public.logs_2026_03 RENAME TO events_2026_03",
                "ALTER TABLE public.logs_default RENAME TO events_default",
                "ALTER TABLE public.events RENAME CONSTRAINT logs_pkey TO events_pkey",
                "ALTER INDEX public.idx_logs_at RENAME TO idx_events_at",
            ],
            "{}",
            plan.up_script()
        );
        for description in ["drop partition events_2026_01 of public.events", "drop table public.events_2026_03"] {
            let step = &plan.steps[position(&plan, description)];
            assert_eq!((step.phase, &step.hazards[..], step.down.is_none()), (Phase::Expand, &[Hazard::DataLoss][..], true), "{description}");
        }
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand && s.transactional), "{}", plan.up_script());
        assert_eq!(plan.migrations(1, "rename").len(), 1);
    }

    /// `logs`, range-partitioned on `at` with explicit partitions (name, from, to).
    fn ranged(parts: &[(&str, &str, &str)]) -> Schema {
        let mut p = Partitioning::range(["at"]);
        for (name, from, to) in parts {
            p = p.partition(Partition::new(*name, PartitionBound::Range { from: vec![format!("'{from} 00:00:00+00'")], to: vec![format!("'{to} 00:00:00+00'")] }));
        }
        let t = Table::new("logs").column(Column::new("id", SqlType::BigInt)).column(Column::new("at", SqlType::Timestamptz)).primary_key(["id", "at"]).partition_by(p);
        build(Schema::builder().add_table(t))
    }

    fn position(plan: &Plan, description: &str) -> usize {
        plan.steps.iter().position(|s| s.description == description).unwrap_or_else(|| panic!("no `{description}` in:\n{}", plan.up_script()))
    }

    #[test]
    fn a_partition_replaced_by_an_overlapping_one_is_dropped_before_it_is_created() {
        let april = ("logs_2026_04", "2026-04-01", "2026-05-01");
        let old = ranged(&[("logs_2026_01", "2026-01-01", "2026-02-01"), april]);
        let allowed = PlanOptions { allow_destructive: true, ..PlanOptions::default() };

        // A quarter covering January, under another name.
        let new = ranged(&[("logs_2026_q1", "2026-01-01", "2026-04-01"), april]);
        let refused = plan(&diff(&old, &new), &PlanOptions::default()).unwrap_err();
        assert_eq!(refused.0, [PlanError::Refused { change: "drop partition logs_2026_01 of public.logs".into(), hazard: Hazard::DataLoss }]);
        let p = plan(&diff(&old, &new), &allowed).unwrap_or_else(|e| panic!("{e}"));
        let (drop, add) = (position(&p, "drop partition logs_2026_01 of public.logs"), position(&p, "add partition logs_2026_q1 of public.logs"));
        assert!(drop < add, "{}", p.up_script());
        let step = &p.steps[drop];
        assert_eq!((step.phase, p.steps[add].phase), (Phase::Expand, Phase::Expand));
        assert_eq!((&step.hazards[..], step.down.is_none(), step.irreversible.as_deref()), (&[Hazard::DataLoss][..], true, Some("the partition's rows are gone")));
        assert_eq!(p.migrations(1, "quarter").len(), 1);
        assert_eq!(p, plan(&diff(&old, &new), &allowed).unwrap());

        // The same name with a wider bound: likewise.
        let new = ranged(&[("logs_2026_01", "2026-01-01", "2026-04-01"), april]);
        let p = plan(&diff(&old, &new), &allowed).unwrap_or_else(|e| panic!("{e}"));
        assert!(position(&p, "drop partition logs_2026_01 of public.logs") < position(&p, "add partition logs_2026_01 of public.logs"), "{}", p.up_script());

        // No overlap (February, which January ends where it starts): the drop
        // stays in the contract phase, after the new partition.
        let new = ranged(&[("logs_2026_02", "2026-02-01", "2026-03-01"), april]);
        let p = plan(&diff(&old, &new), &allowed).unwrap_or_else(|e| panic!("{e}"));
        let (drop, add) = (position(&p, "drop partition logs_2026_01 of public.logs"), position(&p, "add partition logs_2026_02 of public.logs"));
        assert!(add < drop, "{}", p.up_script());
        assert_eq!((p.steps[add].phase, p.steps[drop].phase), (Phase::Expand, Phase::Contract));
    }

    #[test]
    fn a_new_index_skips_a_partition_dropped_before_it_is_built() {
        let april = ("logs_2026_04", "2026-04-01", "2026-05-01");
        let old = ranged(&[("logs_2026_01", "2026-01-01", "2026-02-01"), april]);
        let mut new = ranged(&[("logs_2026_q1", "2026-01-01", "2026-04-01"), april]);
        let mut logs = new.tables()[0].clone();
        logs.indexes.push(Index::on(["id"]));
        new = build(Schema::builder().add_table(logs));
        let p = plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }).unwrap_or_else(|e| panic!("{e}"));
        // January is dropped in the expand phase (the quarter overlaps it): no index is built on it.
        let builds: Vec<&str> = p.steps.iter().filter(|s| s.hazards.contains(&Hazard::IndexBuild)).map(|s| s.sql[0].as_str()).collect();
        assert_eq!(
            builds,
            ["CREATE INDEX CONCURRENTLY logs_2026_04_idx_logs_id ON public.logs_2026_04 (id)", "CREATE INDEX CONCURRENTLY logs_2026_q1_idx_logs_id ON public.logs_2026_q1 (id)"],
            "{}",
            p.up_script()
        );
        assert!(position(&p, "drop partition logs_2026_01 of public.logs") < position(&p, "create index public.idx_logs_id on the parent only"));
    }

    #[test]
    fn partition_bounds_overlap() {
        let range = |from: &[&str], to: &[&str]| PartitionBound::Range { from: from.iter().map(|s| s.to_string()).collect(), to: to.iter().map(|s| s.to_string()).collect() };
        let list = |v: &[&str]| PartitionBound::List(v.iter().map(|s| s.to_string()).collect());
        let hash = |modulus, remainder| PartitionBound::Hash { modulus, remainder };
        let yes = |a: &PartitionBound, b: &PartitionBound| assert!(bounds_overlap(a, b) && bounds_overlap(b, a), "{a:?} {b:?}");
        let no = |a: &PartitionBound, b: &PartitionBound| assert!(!bounds_overlap(a, b) && !bounds_overlap(b, a), "{a:?} {b:?}");
        // Ranges: [from, to).
        yes(&range(&["0"], &["10"]), &range(&["5"], &["20"]));
        yes(&range(&["0"], &["10"]), &range(&["MINVALUE"], &["1"]));
        yes(&range(&["0"], &["10"]), &range(&["9.5"], &["MAXVALUE"]));
        no(&range(&["0"], &["10"]), &range(&["10"], &["20"]));
        no(&range(&["MINVALUE"], &["0"]), &range(&["0"], &["MAXVALUE"]));
        no(&range(&["'2026-01-01'"], &["'2026-02-01'"]), &range(&["'2026-02-01'"], &["'2026-03-01'"]));
        yes(&range(&["'2026-01-01'"], &["'2026-02-01'"]), &range(&["'2026-01-31 23:59:59.5'"], &["'2026-03-01'"]));
        // Time zones: 01:00+01 is midnight UTC.
        no(&range(&["'2026-01-01 00:00:00+00'"], &["'2026-02-01 00:00:00+00'"]), &range(&["'2026-02-01 01:00:00+01'"], &["'2026-03-01 00:00:00+00'"]));
        yes(&range(&["'2026-01-01 00:00:00+00'"], &["'2026-02-01 00:00:00+00'"]), &range(&["'2026-02-01 00:30:00+01'"], &["'2026-03-01 00:00:00+00'"]));
        // With and without a zone, text ranges and expressions: they may overlap.
        yes(&range(&["'2026-01-01 00:00:00+00'"], &["'2026-02-01 00:00:00+00'"]), &range(&["'2026-02-01'"], &["'2026-03-01'"]));
        yes(&range(&["'a'"], &["'n'"]), &range(&["'m'"], &["'z'"]));
        // ... but one ending where the other starts does not.
        no(&range(&["'a'"], &["'m'"]), &range(&["'m'"], &["'z'"]));
        // Several columns, row-wise.
        no(&range(&["1", "MINVALUE"], &["1", "100"]), &range(&["1", "100"], &["2", "MINVALUE"]));
        yes(&range(&["1", "0"], &["1", "100"]), &range(&["1", "50"], &["2", "0"]));
        // Lists.
        yes(&list(&["'eu'", "'us'"]), &list(&["'asia'", "'us'"]));
        yes(&list(&["NULL"]), &list(&["null", "'x'"]));
        yes(&list(&["1"]), &list(&["'1'"]));
        no(&list(&["'eu'"]), &list(&["'EU'", "'us'"]));
        no(&list(&["1", "2"]), &list(&["3"]));
        // Hash: the same slot, or one dividing the other.
        yes(&hash(4, 1), &hash(4, 1));
        no(&hash(4, 1), &hash(4, 2));
        yes(&hash(4, 1), &hash(8, 5));
        no(&hash(4, 1), &hash(8, 6));
        yes(&hash(2, 0), &hash(8, 6));
        no(&hash(3, 0), &hash(4, 0));
        // Strategies differ.
        no(&hash(2, 0), &list(&["1"]));
    }

    // ---- down steps and renames in the same plan ----

    /// `stock (id, <qty>, <n>, note)`: `qty` and `n`, or `quantity` and
    /// `amount` renamed from them; `triggers`; the functions `touch` and `touch_more`.
    fn stock(renamed: bool, triggers: Vec<Trigger>) -> Schema {
        let (qty, n) = if renamed {
            (Column::new("quantity", SqlType::Integer).renamed_from("qty"), Column::new("amount", SqlType::Integer).renamed_from("n"))
        } else {
            (Column::new("qty", SqlType::Integer), Column::new("n", SqlType::Integer))
        };
        let mut t = Table::new("stock").column(Column::new("id", SqlType::BigInt)).column(qty).column(n).column(Column::new("note", SqlType::Text).nullable()).primary_key(["id"]);
        for trigger in triggers {
            t = t.trigger(trigger);
        }
        let body = "\nBEGIN\n    RETURN NEW;\nEND\n";
        build(Schema::builder().function(Function::trigger(QualifiedName::public("touch"), body)).function(Function::trigger(QualifiedName::public("touch_more"), body)).add_table(t))
    }

    fn on_stock(name: &str, of: &[&str], when: Option<&str>) -> Trigger {
        let t = Trigger::new(format!("stock_{name}"), TriggerTiming::Before, [TriggerEvent::Update(of.iter().map(|c| c.to_string()).collect())], QualifiedName::public("touch"));
        match when {
            Some(w) => t.when(w),
            None => t,
        }
    }

    const BACK: [&str; 2] = ["ALTER TABLE public.stock RENAME COLUMN quantity TO qty", "ALTER TABLE public.stock RENAME COLUMN amount TO n"];
    const FORWARD: [&str; 2] = ["ALTER TABLE public.stock RENAME COLUMN n TO amount", "ALTER TABLE public.stock RENAME COLUMN qty TO quantity"];

    /// `statements`, between the renames of `stock`'s columns back and forward.
    fn under_old_names(statements: &[&str]) -> Vec<String> {
        BACK.iter().chain(statements).chain(&FORWARD).map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_old_definitions_of_triggers_naming_renamed_columns_in_when_are_undone_under_the_old_names() {
        let old = stock(
            false,
            vec![
                on_stock("on_qty", &["qty"], None),
                on_stock("when_qty", &[], Some("OLD.qty IS DISTINCT FROM NEW.qty")),
                on_stock("big_qty", &["qty", "note"], Some("NEW.qty > 1000")),
                on_stock("seen_qty", &["qty"], None).comment("Sees qty"),
                on_stock("noted", &[], Some("NEW.note IS NOT NULL")),
            ],
        );
        let new = stock(
            true,
            vec![
                Trigger { function: QualifiedName::public("touch_more"), ..on_stock("on_qty", &["quantity"], None) },
                on_stock("when_qty", &[], Some("OLD.quantity IS DISTINCT FROM NEW.quantity")),
                Trigger { function: QualifiedName::public("touch_more"), ..on_stock("noted", &[], Some("NEW.note IS NOT NULL")) },
            ],
        );
        let plan = plan_between(&old, &new);
        let replace = |name: &str, rest: &str| format!("CREATE OR REPLACE TRIGGER stock_{name} BEFORE UPDATE{rest}");
        let steps: Vec<(&str, Vec<&str>, Vec<String>)> = plan.steps.iter().map(|s| (s.description.as_str(), s.sql.iter().map(String::as_str).collect(), s.down.clone().unwrap())).collect();
        let when_qty = " ON public.stock FOR EACH ROW WHEN (OLD.quantity IS DISTINCT FROM NEW.quantity) EXECUTE FUNCTION public.touch()";
        let old_when_qty = replace("when_qty", " ON public.stock FOR EACH ROW WHEN (OLD.qty IS DISTINCT FROM NEW.qty) EXECUTE FUNCTION public.touch()");
        let big_qty = "CREATE TRIGGER stock_big_qty BEFORE UPDATE OF qty, note ON public.stock FOR EACH ROW WHEN (NEW.qty > 1000) EXECUTE FUNCTION public.touch()";
        assert_eq!(
            steps,
            [
                ("rename column public.stock.n to amount", vec![FORWARD[0]], vec![BACK[1].to_owned()]),
                ("rename column public.stock.qty to quantity", vec![FORWARD[1]], vec![BACK[0].to_owned()]),
                // `UPDATE OF` follows the rename: undone by the new name.
                (
                    "replace trigger stock_noted on public.stock",
                    vec![replace("noted", " ON public.stock FOR EACH ROW WHEN (NEW.note IS NOT NULL) EXECUTE FUNCTION public.touch_more()").as_str()],
                    vec![replace("noted", " ON public.stock FOR EACH ROW WHEN (NEW.note IS NOT NULL) EXECUTE FUNCTION public.touch()")],
                ),
                (
                    "replace trigger stock_on_qty on public.stock",
                    vec![replace("on_qty", " OF quantity ON public.stock FOR EACH ROW EXECUTE FUNCTION public.touch_more()").as_str()],
                    vec![replace("on_qty", " OF quantity ON public.stock FOR EACH ROW EXECUTE FUNCTION public.touch()")],
                ),
                // `WHEN` is text: the old one is set under the old names, every renamed column of the table back, last renamed first.
                ("replace trigger stock_when_qty on public.stock", vec![replace("when_qty", when_qty).as_str()], under_old_names(&[&old_when_qty])),
                ("drop trigger stock_big_qty on public.stock", vec!["DROP TRIGGER IF EXISTS stock_big_qty ON public.stock"], under_old_names(&[big_qty])),
                (
                    "drop trigger stock_seen_qty on public.stock",
                    vec!["DROP TRIGGER IF EXISTS stock_seen_qty ON public.stock"],
                    vec![
                        "CREATE TRIGGER stock_seen_qty BEFORE UPDATE OF quantity ON public.stock FOR EACH ROW EXECUTE FUNCTION public.touch()".to_owned(),
                        "COMMENT ON TRIGGER stock_seen_qty ON public.stock IS 'Sees qty'".to_owned(),
                    ],
                ),
            ],
            "{}",
            plan.up_script()
        );
        assert_eq!(plan.steps.iter().map(|s| s.phase).filter(|p| *p == Phase::Contract).count(), 2);
        assert_eq!(plan, plan_between(&old, &new));

        // Without the renames, the old definitions are undone as they are.
        let new = stock(false, vec![Trigger { function: QualifiedName::public("touch_more"), ..on_stock("when_qty", &[], Some("OLD.qty IS DISTINCT FROM NEW.qty")) }]);
        let plan = plan_between(&old, &new);
        let down: Vec<String> = plan.steps.iter().flat_map(|s| s.down.clone().unwrap()).collect();
        assert!(!down.iter().any(|s| s.contains("RENAME")), "{down:?}");
        assert!(down.contains(&big_qty.to_owned()), "{down:?}");
    }

    /// `docs (id, <owner>, title)` (`owner` renamed from `owner_name`) with
    /// `policies`, and `doc_notes (id, doc_id)` with `notes`.
    fn docs(renamed: bool, policies: Vec<Policy>, notes: Policy) -> Schema {
        let owner = if renamed { Column::new("owner", SqlType::Text).renamed_from("owner_name") } else { Column::new("owner_name", SqlType::Text) };
        let mut t = Table::new("docs").column(Column::new("id", SqlType::BigInt)).column(owner).column(Column::new("title", SqlType::Text)).primary_key(["id"]).row_level_security(true);
        for p in policies {
            t = t.policy(p);
        }
        let n = Table::new("doc_notes").column(Column::new("id", SqlType::BigInt)).column(Column::new("doc_id", SqlType::BigInt)).primary_key(["id"]).row_level_security(true).policy(notes);
        build(Schema::builder().add_table(t).add_table(n))
    }

    #[test]
    fn the_old_expressions_of_policies_naming_renamed_columns_are_undone_under_the_old_names() {
        let me = "current_setting('app.login', true)";
        let notes = |owner: &str| Policy::new("notes_own").using(format!("doc_id IN (SELECT d.id FROM public.docs d WHERE d.{owner} = {me})"));
        let old = docs(
            false,
            vec![
                Policy::new("docs_own").using(format!("owner_name = {me}")),
                Policy::new("docs_insert").for_command(PolicyCommand::Insert).with_check(format!("owner_name = {me}")),
                Policy::new("docs_titled").using("title <> ''"),
            ],
            notes("owner_name"),
        );
        let new = docs(
            true,
            vec![
                Policy::new("docs_own").for_command(PolicyCommand::Select).using(format!("owner = {me}")),
                Policy::new("docs_insert").for_command(PolicyCommand::Insert).with_check(format!("owner = {me}")),
                Policy::new("docs_titled").using("title <> 'x'"),
            ],
            notes("owner"),
        );
        let plan = plan_between(&old, &new);
        let back = "ALTER TABLE public.docs RENAME COLUMN owner TO owner_name".to_owned();
        let forward = "ALTER TABLE public.docs RENAME COLUMN owner_name TO owner".to_owned();
        let steps: Vec<(&str, Vec<String>)> = plan.steps.iter().map(|s| (s.description.as_str(), s.down.clone().unwrap())).collect();
        assert_eq!(
            steps,
            [
                ("rename column public.docs.owner_name to owner", vec![back.clone()]),
                // Another table's policy reading the column in a subquery: its table's columns are renamed back.
                (
                    "alter policy notes_own on public.doc_notes",
                    vec![back.clone(), format!("ALTER POLICY notes_own ON public.doc_notes TO PUBLIC USING (doc_id IN (SELECT d.id FROM public.docs d WHERE d.owner_name = {me}))"), forward.clone()],
                ),
                ("alter policy docs_insert on public.docs", vec![back.clone(), format!("ALTER POLICY docs_insert ON public.docs TO PUBLIC WITH CHECK (owner_name = {me})"), forward.clone()]),
                // A new command: dropped and created, in the same window.
                (
                    "alter policy docs_own on public.docs",
                    vec![back.clone(), "DROP POLICY docs_own ON public.docs".to_owned(), format!("CREATE POLICY docs_own ON public.docs AS PERMISSIVE FOR ALL USING (owner_name = {me})"), forward.clone()],
                ),
                // Naming no renamed column: as before.
                ("alter policy docs_titled on public.docs", vec!["ALTER POLICY docs_titled ON public.docs TO PUBLIC USING (title <> '')".to_owned()]),
            ],
            "{}",
            plan.down_script().unwrap()
        );
        assert_eq!(plan.steps[4].sql, ["ALTER POLICY docs_titled ON public.docs TO PUBLIC USING (title <> 'x')"]);
        assert_eq!(plan, plan_between(&old, &new));
    }

    /// `orders (id, <amt>)`, `amount bigint` renamed from `amt integer` if
    /// `renamed`, its triggers on it (`orders_big_amt` too unless `renamed`)
    /// and policy `orders_small`, commented; the function `touch`.
    fn orders(renamed: bool) -> Schema {
        let (amt, column) = if renamed { ("amount", Column::new("amount", SqlType::BigInt).renamed_from("amt")) } else { ("amt", Column::new("amt", SqlType::Integer)) };
        let trigger = |name: &str, of: Vec<String>| Trigger::new(format!("orders_{name}"), TriggerTiming::Before, [TriggerEvent::Update(of)], QualifiedName::public("touch")).comment(name);
        let mut t = Table::new("orders")
            .column(Column::new("id", SqlType::BigInt))
            .column(column)
            .primary_key(["id"])
            .row_level_security(true)
            .trigger(trigger("on_amt", vec![amt.to_owned()]))
            .trigger(trigger("when_amt", vec![]).when(format!("OLD.{amt} IS DISTINCT FROM NEW.{amt}")))
            .policy(Policy::new("orders_small").using(format!("{amt} < 1000000")).comment("small"));
        if !renamed {
            t = t.trigger(trigger("big_amt", vec![]).when("NEW.amt > 1000"));
        }
        build(Schema::builder().function(Function::trigger(QualifiedName::public("touch"), "\nBEGIN\n    RETURN NEW;\nEND\n")).add_table(t))
    }

    #[test]
    fn a_column_renamed_and_retyped_is_named_by_its_old_name_in_the_old_definitions_around_the_type_change() {
        let plan = plan_between(&orders(false), &orders(true));
        let descriptions = descriptions(&plan);
        assert_eq!(
            descriptions,
            [
                "rename column public.orders.amt to amount",
                "change type of public.orders.amount to bigint around triggers orders_on_amt, orders_when_amt, orders_big_amt and policy orders_small",
                "drop trigger orders_big_amt on public.orders",
            ]
        );
        let (back, forward) = ("ALTER TABLE public.orders RENAME COLUMN amount TO amt", "ALTER TABLE public.orders RENAME COLUMN amt TO amount");
        let create = |name: &str, rest: &str| vec![format!("CREATE TRIGGER orders_{name} BEFORE UPDATE{rest} EXECUTE FUNCTION public.touch()"), format!("COMMENT ON TRIGGER orders_{name} ON public.orders IS '{name}'")];
        let on_amt = create("on_amt", " OF amount ON public.orders FOR EACH ROW");
        let when = |amt: &str| create("when_amt", &format!(" ON public.orders FOR EACH ROW WHEN (OLD.{amt} IS DISTINCT FROM NEW.{amt})"));
        let big_amt = create("big_amt", " ON public.orders FOR EACH ROW WHEN (NEW.amt > 1000)");
        let policy = |amt: &str| vec![format!("CREATE POLICY orders_small ON public.orders AS PERMISSIVE FOR ALL USING ({amt} < 1000000)"), "COMMENT ON POLICY orders_small ON public.orders IS 'small'".to_owned()];
        let drops = ["DROP POLICY orders_small ON public.orders", "DROP TRIGGER orders_on_amt ON public.orders", "DROP TRIGGER orders_when_amt ON public.orders", "DROP TRIGGER orders_big_amt ON public.orders"];
        let alter = |ty: &str| format!("ALTER TABLE public.orders ALTER COLUMN amount TYPE {ty} USING amount::{ty}");
        let step = |ty: &str, triggers: Vec<Vec<String>>, policy: Vec<String>| -> Vec<String> {
            let mut v: Vec<String> = drops.iter().map(|s| s.to_string()).collect();
            v.push(alter(ty));
            v.extend(triggers.into_iter().flatten());
            v.extend(policy);
            v
        };
        let wrapped = |v: Vec<Vec<String>>| {
            let mut w = vec![vec![back.to_owned()]];
            w.extend(v);
            w.push(vec![forward.to_owned()]);
            w.concat()
        };
        // Up: the dropped trigger is created again as it is, under the old name; the others in their new forms.
        let up = step("bigint", vec![on_amt.clone(), when("amount"), wrapped(vec![big_amt.clone()])], policy("amount"));
        assert_eq!(plan.steps[1].sql, up);
        // Down: the old forms, under the old name; the unchanged one by the new name.
        let down = step("integer", vec![on_amt, wrapped(vec![when("amt"), big_amt.clone()])], wrapped(vec![policy("amt")]));
        assert_eq!(plan.steps[1].down.as_deref(), Some(&down[..]));
        assert_eq!(plan.steps[2].down.as_deref(), Some(&wrapped(vec![big_amt])[..]));
        assert_eq!(plan, plan_between(&orders(false), &orders(true)));
    }

    /// `parcels (id, grams, kilos <generated>)` with a trigger on `UPDATE OF
    /// kilos`, one `WHEN` it changes and a policy on it, all commented.
    fn parcels(kilos: Option<&str>) -> Schema {
        let mut column = Column::new("kilos", SqlType::Numeric(None)).nullable();
        if let Some(expr) = kilos {
            column = column.generated(expr);
        }
        let trigger = |name: &str, of: Vec<String>| Trigger::new(format!("parcels_{name}"), TriggerTiming::After, [TriggerEvent::Update(of)], QualifiedName::public("log")).comment(name);
        let t = Table::new("parcels")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("grams", SqlType::Integer))
            .column(column)
            .primary_key(["id"])
            .row_level_security(true)
            .trigger(trigger("on_kilos", vec!["kilos".into()]))
            .trigger(trigger("when_kilos", vec![]).when("OLD.kilos IS DISTINCT FROM NEW.kilos"))
            .trigger(trigger("on_grams", vec!["grams".into()]))
            .policy(Policy::new("light").using("kilos < 10").comment("light"))
            .policy(Policy::new("heavy_grams").using("grams > 10000"));
        build(Schema::builder().function(Function::trigger(QualifiedName::public("log"), "\nBEGIN\n    RETURN NULL;\nEND\n")).add_table(t))
    }

    #[test]
    fn a_generated_column_rebuilt_drops_and_creates_again_the_triggers_and_policies_naming_it_in_one_step() {
        let plan = plan_between(&parcels(Some("grams / 1000.0")), &parcels(Some("round(grams / 1000.0)")));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "rebuild generated column public.parcels.kilos around triggers parcels_on_kilos, parcels_when_kilos and policy light");
        let around = |expr: &str| {
            vec![
                "DROP POLICY light ON public.parcels".to_owned(),
                "DROP TRIGGER parcels_on_kilos ON public.parcels".to_owned(),
                "DROP TRIGGER parcels_when_kilos ON public.parcels".to_owned(),
                "ALTER TABLE public.parcels DROP COLUMN kilos".to_owned(),
                format!("ALTER TABLE public.parcels ADD COLUMN kilos numeric GENERATED ALWAYS AS ({expr}) STORED"),
                "CREATE TRIGGER parcels_on_kilos AFTER UPDATE OF kilos ON public.parcels FOR EACH ROW EXECUTE FUNCTION public.log()".to_owned(),
                "COMMENT ON TRIGGER parcels_on_kilos ON public.parcels IS 'on_kilos'".to_owned(),
                "CREATE TRIGGER parcels_when_kilos AFTER UPDATE ON public.parcels FOR EACH ROW WHEN (OLD.kilos IS DISTINCT FROM NEW.kilos) EXECUTE FUNCTION public.log()".to_owned(),
                "COMMENT ON TRIGGER parcels_when_kilos ON public.parcels IS 'when_kilos'".to_owned(),
                "CREATE POLICY light ON public.parcels AS PERMISSIVE FOR ALL USING (kilos < 10)".to_owned(),
                "COMMENT ON POLICY light ON public.parcels IS 'light'".to_owned(),
            ]
        };
        assert_eq!(step.sql, around("round(grams / 1000.0)"));
        assert_eq!(step.down.as_deref(), Some(&around("grams / 1000.0")[..]));
        assert_eq!((step.lock, step.transactional, step.down_transactional), (LockLevel::AccessExclusive, true, true));
        assert_eq!(step.hazards, [Hazard::TableRewrite, Hazard::LongLock]);

        // Stopping being generated keeps the column (and PostgreSQL its dependents): nothing around it.
        let plan = plan_between(&parcels(Some("grams / 1000.0")), &parcels(None));
        assert_eq!(statements(&plan), ["ALTER TABLE public.parcels ALTER COLUMN kilos DROP EXPRESSION"]);
    }

    /// `boxes (id, grams, label, <kilos> generated, commented)` and
    /// `shipments` referencing `(label, <kilos>)`, `reader` selecting
    /// `<kilos>`. On it: a unique key, a check, an index (commented), an
    /// expression and a partial index; v1 also `boxes_label` (INCLUDE it) and
    /// `boxes_triple` (an expression), v2 also `boxes_new`. A check and an
    /// index on `grams` only. v2 rounds the kilos, and renames `kg` to `kilos`
    /// when v1 calls it `kg`.
    fn boxes(v2: bool, kilos: &str) -> crate::SchemaBuilder {
        let mut column = Column::new(kilos, SqlType::Numeric(None)).generated(if v2 { "round(grams / 1000.0)" } else { "grams / 1000.0" }).comment("Kilos");
        if v2 && kilos == "kilos" {
            column = column.renamed_from("kg");
        }
        let mut t = Table::new("boxes")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("grams", SqlType::Integer))
            .column(Column::new("label", SqlType::Text))
            .column(column)
            .primary_key(["id"])
            .unique(UniqueConstraint::new(["label", kilos]))
            .check(CheckConstraint::new(format!("{kilos} < 1000")))
            .check(CheckConstraint::new("grams > 0").named("boxes_grams"))
            .index(Index::on([kilos]).named("boxes_kilos").comment("by weight"))
            .index(Index::on(["grams"]))
            .index(Index::with_keys([IndexKey::expression(format!("({kilos} * 2)"))]).named("boxes_double"))
            .index(Index::on(["id"]).named("boxes_heavy").where_(format!("{kilos} > 100")));
        t = if v2 {
            t.index(Index::on([kilos, "grams"]).named("boxes_new"))
        } else {
            t.index(Index::on(["label"]).include([kilos]).named("boxes_label")).index(Index::with_keys([IndexKey::expression(format!("({kilos} * 3)"))]).named("boxes_triple"))
        };
        let shipments = Table::new("shipments")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("label", SqlType::Text))
            .column(Column::new("kilos", SqlType::Numeric(None)))
            .primary_key(["id"])
            .foreign_key(ForeignKey::new(["label", "kilos"], QualifiedName::public("boxes"), ["label", kilos]));
        let grant = Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("boxes"), columns: vec![kilos.into()] }, ["reader"]);
        Schema::builder().role(Role::group("reader")).add_table(t).add_table(shipments).grant(grant)
    }

    #[test]
    fn a_generated_column_rebuilt_creates_again_what_postgres_drops_with_it() {
        let plan = plan_between(&build(boxes(false, "kilos")), &build(boxes(true, "kilos")));
        let steps = descriptions(&plan);
        assert_eq!(
            steps,
            [
                "rebuild generated column public.boxes.kilos around indexes boxes_kilos, boxes_double, boxes_heavy, boxes_label, boxes_triple and constraints boxes_label_kilos_key, boxes_check, shipments_label_kilos_fkey on public.shipments",
                "create index public.boxes_new",
                "drop index public.boxes_label",
                "drop index public.boxes_triple",
            ]
        );
        let step = &plan.steps[0];
        let rebuild = |expr: &str| -> Vec<String> {
            [
                // Another table's key first (PostgreSQL refuses the drop under it), then the table's own.
                "ALTER TABLE public.shipments DROP CONSTRAINT shipments_label_kilos_fkey",
                "ALTER TABLE public.boxes DROP CONSTRAINT boxes_check",
                "ALTER TABLE public.boxes DROP CONSTRAINT boxes_label_kilos_key",
                "DROP INDEX public.boxes_kilos",
                "DROP INDEX public.boxes_double",
                "DROP INDEX public.boxes_heavy",
                "DROP INDEX public.boxes_label",
                "DROP INDEX public.boxes_triple",
                "ALTER TABLE public.boxes DROP COLUMN kilos",
                &format!("ALTER TABLE public.boxes ADD COLUMN kilos numeric GENERATED ALWAYS AS ({expr}) STORED NOT NULL"),
                "COMMENT ON COLUMN public.boxes.kilos IS 'Kilos'",
                "CREATE INDEX boxes_kilos ON public.boxes (kilos)",
                "COMMENT ON INDEX public.boxes_kilos IS 'by weight'",
                "CREATE INDEX boxes_double ON public.boxes (((kilos * 2)))",
                "CREATE INDEX boxes_heavy ON public.boxes (id) WHERE (kilos > 100)",
                // Dropped after the deploy: there until then.
                "CREATE INDEX boxes_label ON public.boxes (label) INCLUDE (kilos)",
                "CREATE INDEX boxes_triple ON public.boxes (((kilos * 3)))",
                // Keys before the keys referencing them.
                "ALTER TABLE public.boxes ADD CONSTRAINT boxes_label_kilos_key UNIQUE (label, kilos)",
                "ALTER TABLE public.boxes ADD CONSTRAINT boxes_check CHECK (kilos < 1000)",
                "ALTER TABLE public.shipments ADD CONSTRAINT shipments_label_kilos_fkey FOREIGN KEY (label, kilos) REFERENCES public.boxes (label, kilos)",
                "GRANT SELECT (kilos) ON TABLE public.boxes TO reader",
            ]
            .map(String::from)
            .to_vec()
        };
        assert_eq!(step.sql, rebuild("round(grams / 1000.0)"));
        assert_eq!(step.down.as_deref(), Some(&rebuild("grams / 1000.0")[..]));
        assert_eq!((step.lock, step.transactional, step.down_transactional), (LockLevel::AccessExclusive, true, true));
        assert_eq!(step.hazards, [Hazard::TableRewrite, Hazard::LongLock, Hazard::IndexBuild, Hazard::ValidationScan]);
        // The other side of the key dropped and added again is locked too.
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("boxes"), ae), (QualifiedName::public("shipments"), ae)]);
        // What the plan creates is created after (concurrently), what it drops after the deploy dropped then.
        assert_eq!(plan.steps[1].sql, ["CREATE INDEX CONCURRENTLY boxes_new ON public.boxes (kilos, grams)"]);
        assert_eq!(plan.steps[3].phase, Phase::Contract);

        // Renamed too: the checks and indexes whose text names it by its old
        // name are replaced around the renames, the rest followed it; the
        // index the contract phase drops is created again under the old name.
        let plan = plan_between(&build(boxes(false, "kg")), &build(boxes(true, "kilos")));
        let step = plan.steps.iter().find(|s| s.description.starts_with("rebuild generated column")).unwrap_or_else(|| panic!("{}", plan.up_script()));
        assert_eq!(
            step.description,
            "rebuild generated column public.boxes.kilos around indexes boxes_kilos, boxes_label, boxes_triple and constraints boxes_label_kilos_key, shipments_label_kilos_fkey on public.shipments"
        );
        let created: Vec<&str> = step.sql.iter().skip_while(|s| !s.starts_with("CREATE INDEX boxes_label")).map(String::as_str).collect();
        assert_eq!(
            created,
            [
                "CREATE INDEX boxes_label ON public.boxes (label) INCLUDE (kilos)",
                "ALTER TABLE public.boxes RENAME COLUMN kilos TO kg",
                "CREATE INDEX boxes_triple ON public.boxes (((kg * 3)))",
                "ALTER TABLE public.boxes RENAME COLUMN kg TO kilos",
                "ALTER TABLE public.boxes ADD CONSTRAINT boxes_label_kilos_key UNIQUE (label, kilos)",
                "ALTER TABLE public.shipments ADD CONSTRAINT shipments_label_kilos_fkey FOREIGN KEY (label, kilos) REFERENCES public.boxes (label, kilos)",
                // The privilege on `kg` followed the rename: the rebuild grants it again, no later step.
                "GRANT SELECT (kilos) ON TABLE public.boxes TO reader",
            ]
        );
        assert!(step.down.as_deref().unwrap().last().is_some_and(|s| s == "GRANT SELECT (kilos) ON TABLE public.boxes TO reader"), "{:?}", step.down);
        assert!(plan.steps.iter().all(|s| !s.description.starts_with("grant")), "{}", plan.up_script());
        let up = plan.up_script();
        let at = |needle: &str| up.find(needle).unwrap_or_else(|| panic!("{needle} missing:\n{up}"));
        assert!(at("RENAME COLUMN kg TO kilos") < at("DROP COLUMN kilos") && at("DROP COLUMN kilos") < at("CHECK (kilos < 1000) NOT VALID"), "{up}");
        // Stopping being generated keeps the column and what depends on it.
        let stopped = build(boxes(true, "kilos"));
        let mut b = Schema::builder().role(Role::group("reader")).grant(stopped.grants()[0].clone());
        for t in stopped.tables() {
            let mut t = t.clone();
            if let Some(c) = t.columns.iter_mut().find(|c| c.generated.is_some()) {
                c.generated = None;
                c.renamed_from = None;
            }
            b = b.add_table(t);
        }
        let plan = plan_between(&stopped, &build(b));
        assert_eq!(statements(&plan), ["ALTER TABLE public.boxes ALTER COLUMN kilos DROP EXPRESSION"]);

        // A table the contract phase drops keeps its key referencing the column until then.
        let labels = Table::new("old_labels")
            .column(Column::new("label", SqlType::Text))
            .column(Column::new("kg", SqlType::Numeric(None)))
            .primary_key(["label"])
            .foreign_key(ForeignKey::new(["label", "kg"], QualifiedName::public("boxes"), ["label", "kg"]));
        let (old, new) = (build(boxes(false, "kg").add_table(labels)), build(boxes(true, "kilos")));
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&new);
        let plan = super::plan(&diff(&old, &new), &options).unwrap_or_else(|e| panic!("{e}"));
        let step = plan.steps.iter().find(|s| s.description.starts_with("rebuild generated column")).unwrap_or_else(|| panic!("{}", plan.up_script()));
        assert!(step.description.ends_with("constraints boxes_label_kilos_key, shipments_label_kilos_fkey on public.shipments, old_labels_label_kg_fkey on public.old_labels"), "{}", step.description);
        assert_eq!(step.sql[1], "ALTER TABLE public.old_labels DROP CONSTRAINT old_labels_label_kg_fkey");
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("boxes"), ae), (QualifiedName::public("old_labels"), ae), (QualifiedName::public("shipments"), ae)]);
        assert_eq!(
            step.sql[step.sql.len() - 2..],
            ["ALTER TABLE public.old_labels ADD CONSTRAINT old_labels_label_kg_fkey FOREIGN KEY (label, kg) REFERENCES public.boxes (label, kilos)", "GRANT SELECT (kilos) ON TABLE public.boxes TO reader"]
        );
        assert_eq!(plan.steps.last().map(|s| s.description.as_str()), Some("drop table public.old_labels"));
    }

    /// `bins (id, <columns>)`, nullable integers, `renamed_from` as given.
    fn bins(columns: &[(&str, Option<&str>)]) -> Schema {
        let mut t = Table::new("bins").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        for (name, from) in columns {
            let mut c = Column::new(*name, SqlType::Integer).nullable();
            if let Some(from) = from {
                c = c.renamed_from(*from);
            }
            t = t.column(c);
        }
        build(Schema::builder().add_table(t))
    }

    #[test]
    fn a_rename_whose_names_another_column_holds_is_refused() {
        let v1 = bins(&[("qty", None), ("cap", None)]);
        let refused = |to: &Schema| -> Vec<String> {
            let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(to);
            match plan(&diff(&v1, to), &options) {
                Ok(p) => panic!("planned:\n{}", p.up_script()),
                Err(e) => e.0.iter().map(|e| match e {
                    PlanError::Unsupported { change, why } => format!("{change}: {}", why.split(':').next().unwrap_or_default()),
                    other => panic!("{other}"),
                }).collect(),
            }
        };
        // A new column takes the old name: the plan added an empty `quantity` (and kept the values under `qty`).
        assert_eq!(
            refused(&bins(&[("quantity", Some("qty")), ("qty", None), ("cap", None)])),
            ["the declared rename of public.bins.qty to quantity: qty is still a column of the table after the migration"]
        );
        // Swapped: the plan did nothing.
        assert_eq!(
            refused(&bins(&[("qty", Some("cap")), ("cap", Some("qty"))])),
            [
                "the declared rename of public.bins.cap to qty: cap is still a column of the table after the migration and qty is already a column of the table before it",
                "the declared rename of public.bins.qty to cap: qty is still a column of the table after the migration and cap is already a column of the table before it",
            ]
        );
        // Chained: the plan dropped `cap` and added `amount`.
        assert_eq!(
            refused(&bins(&[("amount", Some("qty")), ("qty", Some("cap"))])),
            [
                "the declared rename of public.bins.qty to amount: qty is still a column of the table after the migration",
                "the declared rename of public.bins.cap to qty: qty is already a column of the table before it",
            ]
        );
        // Of a renamed table too.
        let renamed = |t: Schema| {
            let mut table = t.tables()[0].clone();
            table.name = QualifiedName::public("boxes");
            table.renamed_from = Some(QualifiedName::public("bins"));
            build(Schema::builder().add_table(table))
        };
        assert_eq!(
            refused(&renamed(bins(&[("quantity", Some("qty")), ("qty", None), ("cap", None)]))),
            ["the declared rename of public.boxes.qty to quantity: qty is still a column of the table after the migration"]
        );
        // Done in two migrations: the rename, then the name taken again (the
        // rename, still declared, is done by then).
        let first = plan_between(&v1, &bins(&[("quantity", Some("qty")), ("cap", None)]));
        assert_eq!(statements(&first), ["ALTER TABLE public.bins RENAME COLUMN qty TO quantity"]);
        let second = plan_between(&bins(&[("quantity", None), ("cap", None)]), &bins(&[("quantity", Some("qty")), ("qty", None), ("cap", None)]));
        assert_eq!(statements(&second), ["ALTER TABLE public.bins ADD COLUMN qty integer"]);
        // A rename from a column that is not there is done already, or moot.
        assert_eq!(statements(&plan_between(&bins(&[("cap", None)]), &bins(&[("quantity", Some("qty")), ("cap", None)]))), ["ALTER TABLE public.bins ADD COLUMN quantity integer"]);
    }

    /// `meters (id, <amt> <ty>, note)` and `gauges (id, <lvl>)` with the
    /// views and indexes of `views` and `indexes` (name, query or expression
    /// over the columns, `{amt}` and `{lvl}` replaced).
    fn meters(amt: &str, ty: SqlType, lvl: &str, views: &[(&str, &str)], indexes: &[(&str, &str)]) -> Schema {
        let renamed = |c: Column, old: &str| if c.name != old { c.renamed_from(old) } else { c };
        let meters = Table::new("meters").column(Column::new("id", SqlType::BigInt)).column(renamed(Column::new(amt, ty), "amt")).column(Column::new("note", SqlType::Text).nullable()).primary_key(["id"]);
        let mut gauges = Table::new("gauges").column(Column::new("id", SqlType::BigInt)).column(renamed(Column::new(lvl, SqlType::Integer), "lvl")).primary_key(["id"]);
        let fill = |s: &str| s.replace("{amt}", amt).replace("{lvl}", lvl);
        for (name, expr) in indexes {
            let expr = fill(expr);
            let index = if expr == lvl { Index::on([lvl]) } else if let Some(p) = expr.strip_prefix("WHERE ") { Index::on(["id"]).where_(p) } else { Index::with_keys([IndexKey::expression(expr)]) };
            gauges = gauges.index(index.named(*name));
        }
        let mut b = Schema::builder().add_table(meters).add_table(gauges);
        for (name, query) in views {
            let on = if query.contains("meters") { "meters" } else { "gauges" };
            b = b.view(View::new(QualifiedName::public(*name), fill(query)).depends_on(QualifiedName::public(on)));
        }
        build(b)
    }

    #[test]
    fn old_views_and_indexes_naming_renamed_columns_are_created_again_under_the_old_names() {
        let views = [
            ("meter_amounts", "SELECT id, {amt} FROM public.meters"),
            ("meter_notes", "SELECT id, note FROM public.meters WHERE {amt} > 10"),
            ("gauge_levels", "SELECT id, {lvl} AS lvl FROM public.gauges"),
            ("gauge_old", "SELECT id FROM public.gauges WHERE {lvl} > 10"),
        ];
        let indexes = [("gauges_lvl", "{lvl}"), ("gauges_double", "({lvl} * 2)"), ("gauges_high", "WHERE {lvl} > 10")];
        let old = meters("amt", SqlType::Integer, "lvl", &views, &indexes);
        let new = meters("amount", SqlType::BigInt, "level", &[views[0], views[2]], &[]);
        let plan = plan_between(&old, &new);
        let steps = phases(&plan);
        assert_eq!(
            steps,
            [
                (Phase::Expand, "rename column public.meters.amt to amount"),
                (Phase::Expand, "rename column public.gauges.lvl to level"),
                (Phase::Expand, "change type of public.meters.amount to bigint around view public.meter_amounts (dropping view public.meter_notes, which the plan drops)"),
                (Phase::Expand, "rebuild view public.gauge_levels"),
                (Phase::Contract, "drop view public.gauge_old"),
                (Phase::Contract, "drop index public.gauges_double"),
                (Phase::Contract, "drop index public.gauges_high"),
                (Phase::Contract, "drop index public.gauges_lvl"),
            ],
            "{}",
            plan.up_script()
        );
        let (amt_back, amt_forward) = ("ALTER TABLE public.meters RENAME COLUMN amount TO amt", "ALTER TABLE public.meters RENAME COLUMN amt TO amount");
        let (lvl_back, lvl_forward) = ("ALTER TABLE public.gauges RENAME COLUMN level TO lvl", "ALTER TABLE public.gauges RENAME COLUMN lvl TO level");
        let view = |name: &str, query: &str| format!("CREATE VIEW public.{name} WITH (security_invoker = false) AS\n{query}");
        let under = |back: &str, v: Vec<String>, forward: &str| [vec![back.to_owned()], v, vec![forward.to_owned()]].concat();
        let down = |i: usize| plan.steps[i].down.clone().unwrap();
        // The views around the type change (the one the contract phase drops
        // too) are dropped in its step, readers first; the kept one comes back
        // in its new form by the new name, and the down step creates both as
        // they were, under the old name.
        let retype = |ty: &str| format!("ALTER TABLE public.meters ALTER COLUMN amount TYPE {ty} USING amount::{ty}");
        let (drop_amounts, drop_notes) = ("DROP VIEW public.meter_amounts".to_owned(), "DROP VIEW public.meter_notes".to_owned());
        assert_eq!(plan.steps[2].sql, [drop_notes.clone(), drop_amounts.clone(), retype("bigint"), view("meter_amounts", "SELECT id, amount FROM public.meters")]);
        let old_views = vec![view("meter_amounts", "SELECT id, amt FROM public.meters"), view("meter_notes", "SELECT id, note FROM public.meters WHERE amt > 10")];
        assert_eq!(down(2), [vec![drop_amounts, retype("integer")], under(amt_back, old_views, amt_forward)].concat());
        assert!(plan.steps[2].hazards.contains(&Hazard::BreaksOldCode), "{:?}", plan.steps[2].hazards);
        let ae = LockLevel::AccessExclusive;
        assert_eq!(plan.steps[2].locks, [(QualifiedName::public("meter_amounts"), ae), (QualifiedName::public("meter_notes"), ae), (QualifiedName::public("meters"), ae)]);
        // A view whose query changes across the rename: its old query comes back under the old name.
        let drop_levels = "DROP VIEW public.gauge_levels".to_owned();
        assert_eq!(plan.steps[3].sql, [drop_levels.clone(), view("gauge_levels", "SELECT id, level AS lvl FROM public.gauges")]);
        assert_eq!(down(3), [vec![drop_levels], under(lvl_back, vec![view("gauge_levels", "SELECT id, lvl AS lvl FROM public.gauges")], lvl_forward)].concat());
        assert_eq!(down(4), under(lvl_back, vec![view("gauge_old", "SELECT id FROM public.gauges WHERE lvl > 10")], lvl_forward));
        // Indexes: by expression or predicate, in one transaction under the
        // old name; by the column, concurrently by its new name.
        assert_eq!(down(5), under(lvl_back, vec!["CREATE INDEX gauges_double ON public.gauges (((lvl * 2)))".into()], lvl_forward));
        assert_eq!(down(6), under(lvl_back, vec!["CREATE INDEX gauges_high ON public.gauges (id) WHERE (lvl > 10)".into()], lvl_forward));
        assert_eq!(down(7), ["CREATE INDEX CONCURRENTLY gauges_lvl ON public.gauges (level)"]);
        let transactional: Vec<(bool, bool)> = plan.steps[5..].iter().map(|s| (s.transactional, s.down_transactional)).collect();
        assert_eq!(transactional, [(false, true), (false, true), (false, false)]);

        // A view whose query is the same across the rename (it names no
        // renamed column) reads the table too: the diff, which saw a drop and
        // an add, left it alone; the plan rebuilds it around the type change
        // as for any other.
        let ids = [("meter_ids", "SELECT id, note FROM public.meters")];
        let plan = plan_between(&meters("amt", SqlType::Integer, "lvl", &ids, &[]), &meters("amount", SqlType::BigInt, "lvl", &ids, &[]));
        let steps = descriptions(&plan);
        assert_eq!(steps, ["rename column public.meters.amt to amount", "change type of public.meters.amount to bigint around view public.meter_ids"], "{}", plan.up_script());
        let ids = view("meter_ids", "SELECT id, note FROM public.meters");
        assert_eq!(plan.steps[1].sql, ["DROP VIEW public.meter_ids".to_owned(), retype("bigint"), ids.clone()]);
        assert_eq!(plan.steps[1].down.as_deref(), Some(&["DROP VIEW public.meter_ids".to_owned(), retype("integer"), ids][..]));

        // Without renames a view the plan drops blocks the type change before
        // the deploy all the same: dropped in its step.
        let old = meters("amt", SqlType::Integer, "lvl", &views[..2], &[]);
        let new = meters("amt", SqlType::BigInt, "lvl", &views[..1], &[]);
        let plan = plan_between(&old, &new);
        let steps = descriptions(&plan);
        assert_eq!(steps, ["change type of public.meters.amt to bigint around view public.meter_amounts (dropping view public.meter_notes, which the plan drops)"]);
        let down = plan.steps[0].down.as_ref().unwrap();
        assert_eq!(down.last(), Some(&view("meter_notes", "SELECT id, note FROM public.meters WHERE amt > 10")));
    }

    #[test]
    fn a_view_the_plan_drops_over_a_table_renamed_with_a_retyped_column_is_dropped_by_the_type_change_step() {
        // `meters (id, amt integer)` read by `meter_old`, dropped in v2, where
        // the table is `readings` and `amt` is `amount bigint`: the view reads
        // the table by its old name.
        let v1 = build(
            Schema::builder()
                .add_table(Table::new("meters").column(Column::new("id", SqlType::BigInt)).column(Column::new("amt", SqlType::Integer)).primary_key(["id"]))
                .view(View::new(QualifiedName::public("meter_old"), "SELECT id FROM public.meters WHERE amt > 1").depends_on(QualifiedName::public("meters"))),
        );
        let readings = Table::new("readings").column(Column::new("id", SqlType::BigInt)).column(Column::new("amount", SqlType::BigInt).renamed_from("amt")).primary_key(["id"]);
        let v2 = build(Schema::builder().add_table(Table { renamed_from: Some(QualifiedName::public("meters")), ..readings }));
        let plan = plan_between(&v1, &v2);
        let steps = phases(&plan);
        assert_eq!(
            steps,
            [
                (Phase::Expand, "rename table public.meters to public.readings"),
                (Phase::Expand, "rename constraint meters_pkey on public.readings to readings_pkey"),
                (Phase::Expand, "rename column public.readings.amt to amount"),
                (Phase::Expand, "change type of public.readings.amount to bigint (dropping view public.meter_old, which the plan drops)"),
            ],
            "{}",
            plan.up_script()
        );
        let step = &plan.steps[3];
        let retype = |ty: &str| format!("ALTER TABLE public.readings ALTER COLUMN amount TYPE {ty} USING amount::{ty}");
        assert_eq!(step.sql, ["DROP VIEW public.meter_old".to_owned(), retype("bigint")]);
        let (back, forward) = ("ALTER TABLE public.readings RENAME COLUMN amount TO amt".to_owned(), "ALTER TABLE public.readings RENAME COLUMN amt TO amount".to_owned());
        let old = "CREATE VIEW public.meter_old WITH (security_invoker = false) AS\nSELECT id FROM public.meters WHERE amt > 1".to_owned();
        // Under the table's old name too (its query names `public.meters`).
        let (table_back, table_forward) = ("ALTER TABLE public.readings RENAME TO meters".to_owned(), "ALTER TABLE public.meters RENAME TO readings".to_owned());
        assert_eq!(step.down.as_deref(), Some(&[retype("integer"), back, table_back, old, table_forward, forward][..]));
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("meter_old"), ae), (QualifiedName::public("readings"), ae)]);
        assert!(step.hazards.contains(&Hazard::BreaksOldCode), "{:?}", step.hazards);
    }

    /// `members (id, <uid> integer)` and `docs (id, tenant_id, org_id, of
    /// type <ty>)` with row-level security and the policy `docs_mine`
    /// naming both and, in a subquery, `members.<uid>`.
    fn member_docs(uid: &str, ty: SqlType) -> Schema {
        let mut user = Column::new(uid, SqlType::Integer);
        if uid != "uid" {
            user = user.renamed_from("uid");
        }
        let docs = Table::new("docs")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("tenant_id", ty.clone()))
            .column(Column::new("org_id", ty))
            .primary_key(["id"])
            .row_level_security(false)
            .policy(Policy::new("docs_mine").using(format!("tenant_id > 0 AND org_id > 0 AND EXISTS (SELECT 1 FROM public.members m WHERE m.{uid} = 1)")));
        build(Schema::builder().add_table(Table::new("members").column(Column::new("id", SqlType::BigInt)).column(user).primary_key(["id"])).add_table(docs))
    }

    #[test]
    fn a_step_creating_a_definition_under_old_names_reports_the_tables_it_renames_columns_of() {
        // The first of the two type changes the policy is around creates it
        // again as it is, naming members.uid, which the plan renames: under
        // that name, renaming the column of members back and forth.
        let plan = plan_between(&member_docs("uid", SqlType::Integer), &member_docs("user_id", SqlType::BigInt));
        let step = plan.steps.iter().find(|s| s.description.starts_with("change type of public.docs.org_id")).unwrap_or_else(|| panic!("{}", plan.up_script()));
        let (back, forward) = ("ALTER TABLE public.members RENAME COLUMN user_id TO uid".to_owned(), "ALTER TABLE public.members RENAME COLUMN uid TO user_id".to_owned());
        assert!(step.sql.contains(&back) && step.sql.contains(&forward), "{:?}", step.sql);
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("docs"), ae), (QualifiedName::public("members"), ae)]);
    }

    // ---- names of partitions across renames and schema moves ----

    /// `notes`, with an index named `events_2026_02` when `indexed`.
    fn notes(indexed: bool) -> Table {
        let t = Table::new("notes").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        if indexed { t.index(Index::on(["id"]).named("events_2026_02")) } else { t }
    }

    #[test]
    fn a_default_partition_takes_its_new_name_once_the_relation_holding_it_is_dropped() {
        // A view holds `events_default`, an index of another table `events_2026_02`;
        // the plan drops both, and drops them first.
        let holder = View::new(QualifiedName::public("events_default"), "SELECT 1 AS one");
        let old = build(Schema::builder().add_table(monthly("logs", None, Some(true), &[])).add_table(notes(true)).view(holder));
        let new = build(Schema::builder().add_table(monthly("events", Some("logs"), Some(true), &[])).add_table(notes(false)));
        let plan = plan_between(&old, &new);
        assert_eq!(
            statements(&plan),
            [
                "ALTER TABLE public.logs RENAME TO events",
                "DROP INDEX CONCURRENTLY IF EXISTS public.events_2026_02",
                "DROP VIEW public.events_default",
                "ALTER TABLE public.logs_2026_01 RENAME TO events_2026_01",
                "ALTER TABLE public.logs_2026_02 RENAME TO events_2026_02",
                "ALTER TABLE public.logs_2026_03 RENAME TO events_2026_03",
                "ALTER TABLE public.logs_default RENAME TO events_default",
                "ALTER TABLE public.events RENAME CONSTRAINT logs_pkey TO events_pkey",
                "ALTER INDEX public.idx_logs_at RENAME TO idx_events_at",
            ],
            "{}",
            plan.up_script()
        );
        // No partition dropped or created: no row lost, nothing destructive, and all undone.
        assert!(!plan.hazards().contains(&Hazard::DataLoss) && plan.is_reversible(), "{}", plan.up_script());
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand), "{}", plan.up_script());
        let drop = &plan.steps[position(&plan, "drop index public.events_2026_02")];
        assert!(!drop.transactional && !drop.down_transactional);
        assert_eq!(drop.down.as_deref(), Some(&["CREATE INDEX CONCURRENTLY events_2026_02 ON public.notes (id)".to_owned()][..]));
        let down = plan.down_script().unwrap();
        let at = |needle: &str| down.find(needle).unwrap_or_else(|| panic!("no `{needle}` in:\n{down}"));
        assert!(at("ALTER TABLE public.events_default RENAME TO logs_default;") < at("CREATE VIEW public.events_default"), "{down}");
        assert!(at("ALTER TABLE public.events_2026_02 RENAME TO logs_2026_02;") < at("CREATE INDEX CONCURRENTLY events_2026_02"), "{down}");
        assert_eq!(plan.migrations(1, "rename").len(), 3, "the index drop runs on its own");
    }

    #[test]
    fn a_move_drops_first_what_holds_a_name_it_takes_in_the_new_schema() {
        // A stray `archive.logs` (the table's name there until it is renamed) and
        // `archive.logs_2026_01` (January's), both dropped by the plan.
        let stray = |name: &str| Table::in_schema("archive", name).column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &[])).add_table(stray("logs")).add_table(stray("logs_2026_01")));
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", None, &[])));
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&new);
        let plan = plan(&diff(&old, &new), &options).unwrap_or_else(|e| panic!("{e}"));
        let statements = statements(&plan);
        assert_eq!(
            statements[..5],
            [
                "DROP TABLE archive.logs",
                "ALTER TABLE public.logs SET SCHEMA archive",
                "ALTER TABLE archive.logs RENAME TO events",
                "DROP TABLE archive.logs_2026_01",
                "ALTER TABLE public.logs_2026_01 SET SCHEMA archive",
            ],
            "{}",
            plan.up_script()
        );
        assert!(plan.steps.iter().all(|s| s.phase == Phase::Expand), "{}", plan.up_script());
    }

    #[test]
    fn a_rename_or_move_to_a_name_a_kept_relation_holds_is_refused() {
        let january = || Table::in_schema("archive", "logs_2026_01").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let options = |new: &Schema| PlanOptions::default().with_declared_renames(new);
        let refused = |old: &Schema, new: &Schema| plan(&diff(old, new), &options(new)).unwrap_err().0;

        // January moves to `archive` under its name, before it is renamed: a table has it there.
        let old = build(Schema::builder().add_table(monthly("logs", None, Some(true), &[])).add_table(january()));
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", Some(true), &[])).add_table(january()));
        let errors = refused(&old, &new);
        assert_eq!(
            errors,
            [PlanError::NameTaken {
                change: "move partition logs_2026_01 of archive.events from schema public".into(),
                name: QualifiedName::new("archive", "logs_2026_01"),
                holder: "table archive.logs_2026_01".into(),
                remedy: "rename or drop table archive.logs_2026_01 in an earlier migration (the table and its partitions move under their old names, then take their new ones)".into(),
            }]
        );
        assert_eq!(
            errors[0].to_string(),
            "not planned: move partition logs_2026_01 of archive.events from schema public needs the name archive.logs_2026_01, which table archive.logs_2026_01 holds: PostgreSQL would fail (already exists); rename or drop table archive.logs_2026_01 in an earlier migration (the table and its partitions move under their old names, then take their new ones)"
        );

        // The table's own name in the new schema, before its rename, held by a view.
        let view = || View::new(QualifiedName::new("archive", "logs"), "SELECT 1 AS one");
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &[])).view(view()));
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", None, &[])).view(view()));
        let errors = refused(&old, &new);
        assert!(
            matches!(&errors[..], [PlanError::NameTaken { change, name, holder, .. }] if change == "rename table public.logs to archive.events" && name.name == "logs" && holder == "view archive.logs"),
            "{errors:?}"
        );

        // A partition's new name, held by an enum (its row type would need it:
        // 42710): a schema declaring both is refused by `build()`, before any plan.
        let mood = || EnumType::in_schema("archive", "events_2026_02", ["ok"]);
        let clash = Schema::builder().add_table(monthly_in("archive", "events", "logs", None, &[])).enum_type(mood()).build().unwrap_err();
        assert!(
            matches!(&clash.0[..], [crate::SchemaError::DuplicateTypeName { name, .. }] if name == &QualifiedName::new("archive", "events_2026_02")),
            "{clash}"
        );
        // ... but an index has no row type: an enum named like one is no obstacle.
        let index_name = || EnumType::in_schema("archive", "idx_logs_at", ["ok"]);
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &[])).enum_type(index_name()));
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", None, &[])).enum_type(index_name()));
        assert!(statements(&plan_between(&old, &new)).contains(&"ALTER INDEX archive.idx_logs_at RENAME TO idx_events_at"));

        // A name that a rename of this plan frees first is free: the table
        // holding January's name in `archive` is renamed before the partitions move.
        let kept = Table::in_schema("archive", "january").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]).renamed_from(QualifiedName::new("archive", "logs_2026_01"));
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &[])).add_table(january()));
        let new = build(Schema::builder().add_table(monthly_in("archive", "events", "logs", None, &[])).add_table(kept));
        let plan = plan_between(&old, &new);
        let statements = statements(&plan);
        let at = |s: &str| statements.iter().position(|x| *x == s).unwrap_or_else(|| panic!("no `{s}` in {statements:#?}"));
        assert!(at("ALTER TABLE archive.logs_2026_01 RENAME TO january") < at("ALTER TABLE public.logs_2026_01 SET SCHEMA archive"));
    }

    #[test]
    fn a_drop_that_frees_a_name_is_refused_while_a_later_drop_depends_on_it() {
        let stray = Table::new("events_default").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let reader = View::new(QualifiedName::public("stray_ids"), "SELECT id FROM public.events_default").depends_on(QualifiedName::public("events_default"));
        let old = build(Schema::builder().add_table(monthly("logs", None, None, &[])).add_table(stray).view(reader));
        let new = build(Schema::builder().add_table(monthly("events", Some("logs"), None, &[])));
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&new);
        let errors = plan(&diff(&old, &new), &options).unwrap_err().0;
        assert_eq!(
            errors,
            [PlanError::Unsupported {
                change: "drop table public.events_default".into(),
                why: "it holds the name public.events_default that `rename partition logs_default of public.events to events_default` takes, so it is dropped first, just before, but view public.stray_ids depends on it and is dropped later: drop them in an earlier migration".into(),
            }]
        );
    }

    // ---- views around column type changes, and the relations a step locks ----

    /// `SELECT id, amount FROM public.orders`, commented.
    fn order_amounts() -> View {
        View::new(QualifiedName::public("order_amounts"), "SELECT id, amount FROM public.orders").depends_on(QualifiedName::public("orders")).comment("Amounts by order")
    }

    /// Reads `order_amounts`.
    fn big_orders() -> View {
        View::new(QualifiedName::public("big_orders"), "SELECT id, amount FROM public.order_amounts WHERE amount > 100").depends_on(QualifiedName::public("order_amounts"))
    }

    /// Materialized, reads `order_amounts`, with a unique index and a comment.
    fn order_stats() -> View {
        View::materialized(QualifiedName::public("order_stats"), "SELECT count(*) AS orders, sum(amount) AS total FROM public.order_amounts")
            .depends_on(QualifiedName::public("order_amounts"))
            .index(Index::on(["orders"]).unique().named("order_stats_orders"))
            .comment("Refreshed nightly")
    }

    /// Reads `customers`.
    fn customer_names() -> View {
        View::new(QualifiedName::public("customer_names"), "SELECT name FROM public.customers").depends_on(QualifiedName::public("customers"))
    }

    /// `orders (id, amount <amount>, note <note>)`, `customers (id, name
    /// <name>)`, `notes (id, body <body>)`, and `views`, each readable by PUBLIC.
    fn shop(amount: SqlType, note: SqlType, name: SqlType, body: SqlType, views: Vec<View>) -> Schema {
        let mut b = Schema::builder()
            .add_table(Table::new("orders").column(Column::new("id", SqlType::BigInt)).column(Column::new("amount", amount)).column(Column::new("note", note)).primary_key(["id"]))
            .add_table(Table::new("customers").column(Column::new("id", SqlType::BigInt)).column(Column::new("name", name)).primary_key(["id"]))
            .add_table(Table::new("notes").column(Column::new("id", SqlType::BigInt)).column(Column::new("body", body)).primary_key(["id"]));
        for v in views {
            b = b.grant(Grant::new([Privilege::Select], GrantTarget::Table { table: v.name.clone(), columns: vec![] }, ["public"])).view(v);
        }
        build(b)
    }

    fn create_view(v: &View) -> Vec<String> {
        let mut out = sql::create_view(v, false);
        out.push(format!("GRANT SELECT ON TABLE {} TO PUBLIC", v.name));
        out
    }

    fn retype(column: &str, ty: &str) -> String {
        format!("ALTER TABLE public.orders ALTER COLUMN {column} TYPE {ty} USING {column}::{ty}")
    }

    #[test]
    fn a_view_over_a_retyped_column_is_dropped_and_created_again_in_the_type_change_step() {
        let (text, int, big) = (SqlType::Text, SqlType::Integer, SqlType::BigInt);
        let old = shop(int.clone(), text.clone(), text.clone(), text.clone(), vec![order_amounts(), customer_names()]);
        let new = shop(big, text.clone(), text.clone(), text, vec![order_amounts(), customer_names()]);
        let plan = plan_between(&old, &new);
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "change type of public.orders.amount to bigint around view public.order_amounts");
        let view = [
            "CREATE VIEW public.order_amounts WITH (security_invoker = false) AS\nSELECT id, amount FROM public.orders".to_owned(),
            "COMMENT ON VIEW public.order_amounts IS 'Amounts by order'".to_owned(),
            "GRANT SELECT ON TABLE public.order_amounts TO PUBLIC".to_owned(),
        ];
        let around = |ty: &str| [vec!["DROP VIEW public.order_amounts".to_owned(), retype("amount", ty)], view.to_vec()].concat();
        assert_eq!(step.sql, around("bigint"));
        assert_eq!(step.down.as_deref(), Some(&around("integer")[..]));
        assert_eq!((step.phase, step.transactional, step.down_transactional), (Phase::Expand, true, true));
        assert_eq!((step.lock, &step.hazards[..], step.statement_timeout), (LockLevel::AccessExclusive, &[Hazard::TableRewrite, Hazard::LongLock][..], None));
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("order_amounts"), ae), (QualifiedName::public("orders"), ae)]);
        // The same plan every time.
        assert_eq!(plan_between(&old, &new), plan);
    }

    #[test]
    fn views_reading_views_are_dropped_readers_first_and_created_again_read_first_in_one_step() {
        let (text, int, big) = (SqlType::Text, SqlType::Integer, SqlType::BigInt);
        let views = || vec![order_stats(), big_orders(), order_amounts()];
        let plan = plan_between(&shop(int, text.clone(), text.clone(), text.clone(), views()), &shop(big, text.clone(), text.clone(), text, views()));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "change type of public.orders.amount to bigint around views public.order_amounts, public.big_orders, public.order_stats");
        let around = |ty: &str| {
            [
                vec!["DROP MATERIALIZED VIEW public.order_stats".to_owned(), "DROP VIEW public.big_orders".to_owned(), "DROP VIEW public.order_amounts".to_owned(), retype("amount", ty)],
                create_view(&order_amounts()),
                create_view(&big_orders()),
                create_view(&order_stats()),
            ]
            .concat()
        };
        assert_eq!(step.sql, around("bigint"), "{}", plan.up_script());
        assert_eq!(step.down.as_deref(), Some(&around("integer")[..]));
        assert!(step.sql.contains(&"CREATE UNIQUE INDEX order_stats_orders ON public.order_stats (orders)".to_owned()) && step.sql.contains(&"COMMENT ON MATERIALIZED VIEW public.order_stats IS 'Refreshed nightly'".to_owned()));
        // The materialized view's unique index is built again, on its new rows.
        assert_eq!(step.hazards, [Hazard::TableRewrite, Hazard::LongLock, Hazard::IndexBuild]);
        let names: Vec<&str> = step.locks.iter().map(|(r, l)| (assert_eq!(*l, LockLevel::AccessExclusive), r.name.as_str()).1).collect();
        assert_eq!(names, ["big_orders", "order_amounts", "order_stats", "orders"]);
    }

    #[test]
    fn rebuilds_group_the_type_changes_by_the_views_reading_them() {
        let (text, int, big, short) = (SqlType::Text, SqlType::Integer, SqlType::BigInt, SqlType::Varchar(Some(20)));
        let views = || vec![big_orders(), order_amounts(), customer_names()];
        // Two columns of orders, the name of customers, the body of notes (no view).
        let old = shop(int, short.clone(), short.clone(), short.clone(), views());
        let new = shop(big, text.clone(), text.clone(), text, views());
        let plan = plan_between(&old, &new);
        let described = descriptions(&plan);
        assert_eq!(
            described,
            [
                "change type of public.customers.name to text around view public.customer_names",
                "change type of public.notes.body to text",
                "change type of public.orders.amount to bigint; change type of public.orders.note to text; views public.order_amounts, public.big_orders dropped and created again around them",
            ],
            "{}",
            plan.up_script()
        );
        let orders = &plan.steps[2];
        let views = [create_view(&order_amounts()), create_view(&big_orders())].concat();
        let drops = ["DROP VIEW public.big_orders".to_owned(), "DROP VIEW public.order_amounts".to_owned()];
        assert_eq!(orders.sql, [&drops[..], &[retype("amount", "bigint"), retype("note", "text")], &views].concat());
        // Undone last first.
        assert_eq!(orders.down.as_deref(), Some(&[&drops[..], &[retype("note", "varchar(20)"), retype("amount", "integer")], &views].concat()[..]));
        assert_eq!(plan.steps[1].sql, ["ALTER TABLE public.notes ALTER COLUMN body TYPE text USING body::text"]);
        assert_eq!(plan.steps[1].locks, [(QualifiedName::public("notes"), LockLevel::AccessExclusive)]);
        assert_eq!(plan_between(&old, &new), plan);
    }

    #[test]
    fn a_view_the_plan_drops_that_reads_a_rebuilt_view_is_dropped_by_the_type_change_step() {
        let (text, int, big) = (SqlType::Text, SqlType::Integer, SqlType::BigInt);
        let old = shop(int, text.clone(), text.clone(), text.clone(), vec![order_amounts(), big_orders()]);
        let new = shop(big, text.clone(), text.clone(), text, vec![order_amounts()]);
        let plan = plan_between(&old, &new);
        let described = phases(&plan);
        assert_eq!(
            described,
            [(Phase::Expand, "change type of public.orders.amount to bigint around view public.order_amounts (dropping view public.big_orders, which the plan drops)")],
            "{}",
            plan.up_script()
        );
        let step = &plan.steps[0];
        assert_eq!(step.sql, [&["DROP VIEW public.big_orders".to_owned(), "DROP VIEW public.order_amounts".to_owned(), retype("amount", "bigint")][..], &create_view(&order_amounts())].concat());
        // Back in its old form (its privileges went with it, as a dropped view's do).
        let mut down = vec!["DROP VIEW public.order_amounts".to_owned(), retype("amount", "integer")];
        down.extend(create_view(&order_amounts()));
        down.extend(sql::create_view(&big_orders(), false));
        assert_eq!(step.down.as_deref(), Some(&down[..]));
        assert!(step.hazards.contains(&Hazard::BreaksOldCode), "{:?}", step.hazards);
        assert!(step.locks.contains(&(QualifiedName::public("big_orders"), LockLevel::AccessExclusive)));
    }

    #[test]
    fn a_type_change_reports_the_tables_of_the_policies_it_creates_again() {
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let p = plan(&diff(&tenants(SqlType::Integer, true), &tenants(SqlType::BigInt, false)), &options).unwrap();
        let ae = LockLevel::AccessExclusive;
        assert_eq!(p.steps[0].locks, [(QualifiedName::public("docs"), ae), (QualifiedName::public("members"), ae), (QualifiedName::public("old_docs"), ae)]);
        // A policy that names a column of the same name as its own and the
        // table in a subquery is matched too (PostgreSQL records no dependency
        // on members.tenant_id): created again all the same, its table reported.
        let own = |tenant: SqlType| {
            let mut s = tenants(tenant, false);
            let t = Table::new("projects")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("tenant_id", SqlType::BigInt))
                .primary_key(["id"])
                .row_level_security(false)
                .policy(Policy::new("projects_own").using("tenant_id > 0 AND EXISTS (SELECT 1 FROM members m WHERE m.user_name = current_user)"));
            let mut b = Schema::builder().add_table(t);
            for t in s.tables() {
                b = b.add_table(t.clone());
            }
            s = build(b);
            s
        };
        let p = plan(&diff(&own(SqlType::Integer), &own(SqlType::BigInt)), &options).unwrap();
        assert_eq!(p.steps[0].locks, [(QualifiedName::public("docs"), ae), (QualifiedName::public("members"), ae), (QualifiedName::public("projects"), ae)], "{}", p.up_script());
        assert!(p.steps[0].description.ends_with("projects_own on public.projects"), "{}", p.steps[0].description);
    }

    #[test]
    fn triggers_policies_and_views_around_one_type_change_share_its_step() {
        let (int, big) = (SqlType::Integer, SqlType::BigInt);
        let schema = |owner: SqlType| {
            let base = accounts(owner, vec![own_rows()]);
            let mut t = base.tables()[0].clone();
            t = t.trigger(Trigger::new("accounts_touch", TriggerTiming::Before, [TriggerEvent::Update(vec!["owner_id".into()])], QualifiedName::public("touch")));
            build(
                Schema::builder()
                    .function(Function::trigger(QualifiedName::public("touch"), "\nBEGIN\n    RETURN NEW;\nEND\n"))
                    .add_table(t)
                    .view(View::new(QualifiedName::public("owners"), "SELECT DISTINCT owner_id FROM public.accounts").depends_on(QualifiedName::public("accounts"))),
            )
        };
        let plan = plan_between(&schema(int), &schema(big));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "change type of public.accounts.owner_id to bigint around trigger accounts_touch and policy own_rows and view public.owners");
        let first: Vec<&str> = step.sql.iter().map(|s| s.split(" ON ").next().unwrap_or(s)).take(4).collect();
        assert_eq!(first, ["DROP VIEW public.owners", "DROP POLICY own_rows", "DROP TRIGGER accounts_touch", "ALTER TABLE public.accounts ALTER COLUMN owner_id TYPE bigint USING owner_id::bigint"]);
        assert!(step.sql.last().unwrap().starts_with("CREATE VIEW public.owners"), "{:?}", step.sql);
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("accounts"), ae), (QualifiedName::public("owners"), ae)]);
    }

    #[test]
    fn steps_report_the_relations_they_lock() {
        // A foreign key locks the table it references; comments lock what they comment.
        let old = blog("posts", None);
        let mut posts = old.tables().iter().find(|t| t.name.name == "posts").unwrap().clone();
        posts.comment = Some("Posts".into());
        let comments = old.tables().iter().find(|t| t.name.name == "comments").unwrap().clone();
        let users = Table::new("users").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let audits = Table::new("audits").column(Column::new("id", SqlType::BigInt)).column(Column::new("user_id", SqlType::BigInt)).primary_key(["id"]).foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]));
        let new = build(Schema::builder().add_table(users).add_table(posts).add_table(comments).add_table(audits));
        let plan = plan_between(&old, &new);
        let locks = |d: &str| plan.steps[position(&plan, d)].locks.clone();
        assert_eq!(locks("create table public.audits"), [(QualifiedName::public("users"), LockLevel::ShareRowExclusive)]);
        assert_eq!(plan.steps[position(&plan, "create table public.audits")].lock, LockLevel::ShareRowExclusive);
        assert_eq!(locks("set 1 comments"), [(QualifiedName::public("posts"), LockLevel::ShareUpdateExclusive)]);
        // Catalog only.
        let plan = plan_between(&build(Schema::builder()), &build(Schema::builder().function(Function::new(QualifiedName::public("answer"), "integer", "sql", "SELECT 42"))));
        assert_eq!((plan.steps[0].lock, &plan.steps[0].locks[..]), (LockLevel::None, &[][..]));
    }

    // ---- views and materialized views whose own definition changes ----

    /// `order_amounts` with another query (its `amount` doubled: a type
    /// `CREATE OR REPLACE VIEW` may or may not allow, which the text does not tell).
    fn doubled_amounts() -> View {
        View { query: "SELECT id, amount * 2 AS amount FROM public.orders".into(), ..order_amounts() }
    }

    /// `shop` and `tickets (id)`, whose policy `tickets_seen` reads
    /// `order_amounts` in a subquery, with `using`; and, if `orders_policy`,
    /// the policy `orders_seen` of `orders`, naming its `amount` and reading
    /// `order_amounts` too.
    fn ticketed(amount: SqlType, views: Vec<View>, using: &str, orders_policy: bool) -> Schema {
        let text = SqlType::Text;
        let base = shop(amount, text.clone(), text.clone(), text, views);
        let mut b = Schema::builder().add_table(
            Table::new("tickets").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]).row_level_security(false).policy(Policy::new("tickets_seen").using(using).comment("Tickets of orders")),
        );
        for t in base.tables() {
            let mut t = t.clone();
            if orders_policy && t.name.name == "orders" {
                t = t.row_level_security(false).policy(Policy::new("orders_seen").using("amount >= 0 AND id IN (SELECT a.id FROM public.order_amounts a)"));
            }
            b = b.add_table(t);
        }
        for v in base.views() {
            b = b.view(v.clone());
        }
        for g in base.grants() {
            b = b.grant(g.clone());
        }
        build(b)
    }

    const TICKETS_SEEN: &str = "id IN (SELECT o.id FROM public.order_amounts o)";

    #[test]
    fn a_view_whose_query_changes_is_rebuilt_with_its_readers_in_one_step() {
        let text = SqlType::Text;
        let old = shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![order_amounts(), big_orders()]);
        let new = shop(SqlType::Integer, text.clone(), text.clone(), text, vec![doubled_amounts(), big_orders()]);
        let plan = plan_between(&old, &new);
        // One step: no drop in an earlier one, no grant of the privileges the views keep in a later one.
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "rebuild views public.order_amounts, public.big_orders");
        let drops = ["DROP VIEW public.big_orders".to_owned(), "DROP VIEW public.order_amounts".to_owned()];
        assert_eq!(step.sql, [&drops[..], &create_view(&doubled_amounts()), &create_view(&big_orders())].concat());
        assert_eq!(step.down.as_deref(), Some(&[&drops[..], &create_view(&order_amounts()), &create_view(&big_orders())].concat()[..]));
        assert_eq!((step.phase, step.transactional, step.down_transactional, &step.hazards[..]), (Phase::Expand, true, true, &[][..]));
        assert_eq!(step.statement_timeout, Some(Duration::from_secs(60)));
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("big_orders"), ae), (QualifiedName::public("order_amounts"), ae)]);
        assert_eq!(plan_between(&old, &new), plan);
        // Back: the same step, the other way.
        let back = plan_between(&new, &old);
        assert_eq!((back.steps.len(), &back.steps[0].sql), (1, step.down.as_ref().unwrap()));

        // Only `security_invoker` changes: the columns stay, `CREATE OR REPLACE VIEW` does it in place.
        let invoker = View { security_invoker: true, ..order_amounts() };
        let plan = plan_between(&old, &shop(SqlType::Integer, SqlType::Text, SqlType::Text, SqlType::Text, vec![invoker.clone(), big_orders()]));
        let described = descriptions(&plan);
        assert_eq!(described, ["replace view public.order_amounts"]);
        assert_eq!(plan.steps[0].sql, sql::create_view(&invoker, true));
        assert_eq!(plan.steps[0].locks, [(QualifiedName::public("order_amounts"), ae)]);
    }

    #[test]
    fn a_materialized_view_whose_query_changes_is_rebuilt_in_one_step_without_a_statement_timeout() {
        let text = SqlType::Text;
        let topped = View { query: "SELECT count(*) AS orders, sum(amount) AS total, max(amount) AS top FROM public.order_amounts".into(), ..order_stats() };
        let old = shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![order_amounts(), order_stats()]);
        // With an index built CONCURRENTLY (outside a transaction) in the same plan.
        let mut new = shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![order_amounts(), topped.clone()]);
        let mut b = Schema::builder().view(order_amounts()).view(topped.clone());
        for t in new.tables() {
            b = b.add_table(if t.name.name == "orders" { t.clone().index(Index::on(["note"])) } else { t.clone() });
        }
        for g in new.grants() {
            b = b.grant(g.clone());
        }
        new = build(b);
        let plan = plan_between(&old, &new);
        let described: Vec<(&str, bool)> = plan.steps.iter().map(|s| (s.description.as_str(), s.transactional)).collect();
        assert_eq!(described, [("create index public.idx_orders_note", false), ("rebuild view public.order_stats", true)], "{}", plan.up_script());
        let step = &plan.steps[1];
        assert_eq!(step.sql, [&["DROP MATERIALIZED VIEW public.order_stats".to_owned()][..], &create_view(&topped)].concat());
        assert_eq!(step.down.as_deref(), Some(&[&["DROP MATERIALIZED VIEW public.order_stats".to_owned()][..], &create_view(&order_stats())].concat()[..]));
        assert!(step.sql.contains(&"CREATE UNIQUE INDEX order_stats_orders ON public.order_stats (orders)".to_owned()), "{:?}", step.sql);
        // Created WITH DATA and indexed under the lock, for as long as that takes.
        assert_eq!((&step.hazards[..], step.statement_timeout), (&[Hazard::LongLock, Hazard::IndexBuild][..], None));
        assert_eq!(step.locks, [(QualifiedName::public("order_stats"), LockLevel::AccessExclusive)]);

        // A plain view becoming materialized, under a view reading it.
        let stats = View { materialized: true, indexes: vec![], ..order_amounts() };
        let plan = plan_between(
            &shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![order_amounts(), big_orders()]),
            &shop(SqlType::Integer, text.clone(), text.clone(), text, vec![stats.clone(), big_orders()]),
        );
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let drops = ["DROP VIEW public.big_orders".to_owned(), "DROP VIEW public.order_amounts".to_owned()];
        assert_eq!(plan.steps[0].sql, [&drops[..], &create_view(&stats), &create_view(&big_orders())].concat());
        assert_eq!((&plan.steps[0].hazards[..], plan.steps[0].statement_timeout), (&[Hazard::LongLock][..], None));
    }

    #[test]
    fn a_policy_reading_a_rebuilt_view_is_dropped_before_it_and_created_after_it() {
        let int = SqlType::Integer;
        let old = ticketed(int.clone(), vec![order_amounts(), big_orders()], TICKETS_SEEN, false);
        let new = ticketed(int.clone(), vec![doubled_amounts(), big_orders()], TICKETS_SEEN, false);
        let plan = plan_between(&old, &new);
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "rebuild views public.order_amounts, public.big_orders and policy tickets_seen on public.tickets");
        let policy = Policy::new("tickets_seen").using(TICKETS_SEEN).comment("Tickets of orders");
        let tickets = QualifiedName::public("tickets");
        let create_policy = [sql::create_policy(&tickets, &policy), sql::comment(&CommentTarget::Policy(tickets.clone(), "tickets_seen".into()), Some(&"Tickets of orders".to_owned()))];
        let drops = ["DROP POLICY tickets_seen ON public.tickets".to_owned(), "DROP VIEW public.big_orders".to_owned(), "DROP VIEW public.order_amounts".to_owned()];
        assert_eq!(step.sql, [&drops[..], &create_view(&doubled_amounts()), &create_view(&big_orders()), &create_policy].concat());
        assert_eq!(step.down.as_deref(), Some(&[&drops[..], &create_view(&order_amounts()), &create_view(&big_orders()), &create_policy].concat()[..]));
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("big_orders"), ae), (QualifiedName::public("order_amounts"), ae), (tickets.clone(), ae)]);
        assert_eq!(step.hazards, []);

        // Altered in the same plan: dropped in its old form, created in its new one there, and no step of its own.
        let altered = "id IN (SELECT o.id FROM public.order_amounts o WHERE o.amount > 0)";
        let plan = plan_between(&old, &ticketed(int, vec![doubled_amounts(), big_orders()], altered, false));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        let new_policy = Policy { using: Some(altered.into()), ..policy.clone() };
        assert_eq!(step.sql[step.sql.len() - 2], sql::create_policy(&tickets, &new_policy));
        let down = step.down.as_ref().unwrap();
        assert_eq!(down[down.len() - 2], sql::create_policy(&tickets, &policy));
        assert_eq!(step.hazards, [Hazard::AuthorizationChange]);
    }

    #[test]
    fn a_policy_reading_a_view_over_a_retyped_column_is_dropped_before_the_view() {
        let (int, big) = (SqlType::Integer, SqlType::BigInt);
        let plan = plan_between(&ticketed(int, vec![order_amounts()], TICKETS_SEEN, true), &ticketed(big, vec![order_amounts()], TICKETS_SEEN, true));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        let step = &plan.steps[0];
        assert_eq!(step.description, "change type of public.orders.amount to bigint around view public.order_amounts and policies orders_seen on public.orders, tickets_seen on public.tickets");
        let heads = |sql: &[String]| sql.iter().map(|s| s.split(" AS").next().unwrap().split(" USING ").next().unwrap().to_owned()).collect::<Vec<_>>();
        // orders_seen names the retyped column too: dropped once, before the view, not around the type change.
        let expected = |ty: &str| {
            vec![
                "DROP POLICY orders_seen ON public.orders".to_owned(),
                "DROP POLICY tickets_seen ON public.tickets".to_owned(),
                "DROP VIEW public.order_amounts".to_owned(),
                format!("ALTER TABLE public.orders ALTER COLUMN amount TYPE {ty}"),
                "CREATE VIEW public.order_amounts WITH (security_invoker = false)".to_owned(),
                "COMMENT ON VIEW public.order_amounts IS 'Amounts by order'".to_owned(),
                "GRANT SELECT ON TABLE public.order_amounts TO PUBLIC".to_owned(),
                "CREATE POLICY orders_seen ON public.orders".to_owned(),
                "CREATE POLICY tickets_seen ON public.tickets".to_owned(),
                "COMMENT ON POLICY tickets_seen ON public.tickets IS 'Tickets of orders'".to_owned(),
            ]
        };
        assert_eq!(heads(&step.sql), expected("bigint"), "{}", plan.up_script());
        assert_eq!(heads(step.down.as_ref().unwrap()), expected("integer"));
        let ae = LockLevel::AccessExclusive;
        assert_eq!(step.locks, [(QualifiedName::public("order_amounts"), ae), (QualifiedName::public("orders"), ae), (QualifiedName::public("tickets"), ae)]);
    }

    #[test]
    fn a_rebuilt_view_comes_after_the_new_views_it_reads_and_before_those_reading_it() {
        let text = SqlType::Text;
        let floor = View::new(QualifiedName::public("amount_floor"), "SELECT 0 AS floor");
        let floored = View { query: "SELECT id, amount FROM public.orders WHERE amount > (SELECT floor FROM public.amount_floor)".into(), ..order_amounts() }.depends_on(floor.name.clone());
        let totals = View::new(QualifiedName::public("order_totals"), "SELECT sum(amount) AS total FROM public.order_amounts").depends_on(QualifiedName::public("order_amounts"));
        let old = shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![order_amounts()]);
        let new = shop(SqlType::Integer, text.clone(), text.clone(), text, vec![totals, floored, floor]);
        let plan = plan_between(&old, &new);
        let described = descriptions(&plan);
        assert_eq!(described, ["create view public.amount_floor", "rebuild view public.order_amounts", "create view public.order_totals", "grant 2 privileges"], "{}", plan.up_script());
    }

    #[test]
    fn a_rebuilt_view_over_a_renamed_column_comes_back_under_its_old_name() {
        let text = SqlType::Text;
        let old = shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![View::new(QualifiedName::public("order_notes"), "SELECT id, note FROM public.orders").depends_on(QualifiedName::public("orders"))]);
        let renamed = View::new(QualifiedName::public("order_notes"), "SELECT id, remark AS note FROM public.orders").depends_on(QualifiedName::public("orders"));
        let base = shop(SqlType::Integer, text.clone(), text.clone(), text.clone(), vec![renamed.clone()]);
        let mut b = Schema::builder().view(renamed.clone()).grant(base.grants()[0].clone());
        for t in base.tables() {
            let mut t = t.clone();
            if t.name.name == "orders" {
                t.columns[2] = Column::new("remark", text.clone()).renamed_from("note");
            }
            b = b.add_table(t);
        }
        let new = build(b);
        let plan = plan_between(&old, &new);
        let described = descriptions(&plan);
        assert_eq!(described, ["rename column public.orders.note to remark", "rebuild view public.order_notes"], "{}", plan.up_script());
        let step = &plan.steps[1];
        assert_eq!(step.sql, [&["DROP VIEW public.order_notes".to_owned()][..], &create_view(&renamed)].concat());
        // Its down step runs before the rename is undone: the old query names `note`.
        let old_view = old.views()[0].clone();
        let rename = |a: &str, b: &str| format!("ALTER TABLE public.orders RENAME COLUMN {a} TO {b}");
        assert_eq!(
            step.down.as_deref(),
            Some(&[&["DROP VIEW public.order_notes".to_owned(), rename("remark", "note")][..], &create_view(&old_view), &[rename("note", "remark")]].concat()[..])
        );
    }

    // ---- comments and privileges come back in down steps ----

    #[test]
    fn a_dropped_index_comes_back_with_its_comment_after_it_is_built() {
        let posts = |indexed: bool| {
            let t = Table::new("posts").column(Column::new("id", SqlType::BigInt)).column(Column::new("user_id", SqlType::BigInt)).primary_key(["id"]);
            build(Schema::builder().add_table(if indexed { t.index(Index::on(["user_id"]).comment("posts by user")) } else { t }))
        };
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let plan = plan(&diff(&posts(true), &posts(false)), &options).unwrap();
        let step = plan.steps.iter().find(|s| s.description == "drop index public.idx_posts_user_id").unwrap();
        assert_eq!((step.transactional, step.down_transactional), (false, false));
        assert_eq!(
            step.down.as_deref().unwrap(),
            ["CREATE INDEX CONCURRENTLY idx_posts_user_id ON public.posts (user_id)", "COMMENT ON INDEX public.idx_posts_user_id IS 'posts by user'"]
        );
        // Not concurrently: in the step's transaction.
        let plan = super::plan(&diff(&posts(true), &posts(false)), &PlanOptions { concurrently: false, ..options }).unwrap();
        let step = plan.steps.iter().find(|s| s.description == "drop index public.idx_posts_user_id").unwrap();
        assert!(step.down_transactional);
        assert_eq!(step.down.as_deref().unwrap(), ["CREATE INDEX idx_posts_user_id ON public.posts (user_id)", "COMMENT ON INDEX public.idx_posts_user_id IS 'posts by user'"]);
    }

    /// `members`, or `people` renamed from it, with `email`, or `mail`
    /// renamed from it; `reader` may read the column (`column`) and the table
    /// (`table`).
    fn members(renamed_table: bool, renamed_column: bool, column: bool, table: bool) -> Schema {
        let email = if renamed_column { Column::new("mail", SqlType::Text).renamed_from("email") } else { Column::new("email", SqlType::Text) };
        let mut t = Table::new(if renamed_table { "people" } else { "members" }).column(Column::new("id", SqlType::BigInt)).column(email).primary_key(["id"]);
        if renamed_table {
            t = t.renamed_from(QualifiedName::public("members"));
        }
        let name = t.name.clone();
        let mut b = Schema::builder().role(Role::group("reader")).add_table(t);
        if column {
            b = b.grant(Grant::new([Privilege::Select], GrantTarget::Table { table: name.clone(), columns: vec![if renamed_column { "mail" } else { "email" }.into()] }, ["reader"]));
        }
        if table {
            b = b.grant(Grant::new([Privilege::Insert], GrantTarget::Table { table: name, columns: vec![] }, ["reader"]));
        }
        build(b)
    }

    #[test]
    fn privileges_follow_table_and_column_renames_without_a_grant() {
        for renamed_table in [false, true] {
            let plan = plan_between(&members(false, false, true, true), &members(renamed_table, true, true, true));
            let described = descriptions(&plan);
            let mut want = vec!["rename column public.members.email to mail"];
            if renamed_table {
                want = vec!["rename table public.members to public.people", "rename constraint members_pkey on public.people to people_pkey", "rename column public.people.email to mail"];
            }
            assert_eq!(described, want, "{}", plan.up_script());
        }
        // A privilege the target no longer has is revoked by the new names.
        let plan = plan_between(&members(false, false, true, true), &members(true, true, false, false));
        let revoke = plan.steps.iter().find(|s| s.description.starts_with("revoke")).unwrap_or_else(|| panic!("{}", plan.up_script()));
        assert_eq!(revoke.sql, ["REVOKE INSERT ON TABLE public.people FROM reader", "REVOKE SELECT (mail) ON TABLE public.people FROM reader"]);
        assert_eq!(revoke.down.as_deref().unwrap(), ["GRANT INSERT ON TABLE public.people TO reader", "GRANT SELECT (mail) ON TABLE public.people TO reader"]);
        // A new one is granted by them.
        let plan = plan_between(&members(false, false, false, true), &members(true, true, true, true));
        let grant = plan.steps.iter().find(|s| s.description.starts_with("grant")).unwrap_or_else(|| panic!("{}", plan.up_script()));
        assert_eq!(grant.sql, ["GRANT SELECT (mail) ON TABLE public.people TO reader"]);
    }

    // ---- new views a rebuilt view's new form reads; policies a type change alters ----

    /// `t (id, x <x>)` and `views` over it.
    fn t_with_views(x: SqlType, views: Vec<View>) -> Schema {
        let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", x)).primary_key(["id"]);
        views.into_iter().fold(Schema::builder().add_table(t), |b, v| b.view(v)).build().unwrap_or_else(|e| panic!("{e}"))
    }

    fn t_view(name: &str, query: &str, reads: &str) -> View {
        View::new(QualifiedName::public(name), query).depends_on(QualifiedName::public(reads))
    }

    #[test]
    fn a_new_view_a_rebuilt_view_reads_is_created_by_the_rebuild_step() {
        let a_old = t_view("a", "SELECT id, x FROM public.t", "t");
        let b = t_view("b", "SELECT id, x FROM public.t WHERE x > 0", "t");
        let a_new = t_view("a", "SELECT id, x FROM public.b", "b");
        let old = t_with_views(SqlType::Integer, vec![a_old.clone()]);
        let new = t_with_views(SqlType::BigInt, vec![a_new.clone(), b.clone()]);
        let plan = plan_between(&old, &new);
        let described = descriptions(&plan);
        assert_eq!(described, ["change type of public.t.x to bigint around view public.a (creating view public.b)"], "{}", plan.up_script());
        let step = &plan.steps[0];
        let alter = |ty: &str| format!("ALTER TABLE public.t ALTER COLUMN x TYPE {ty} USING x::{ty}");
        // b after the type change (it reads x), before a.
        let up = [vec!["DROP VIEW public.a".to_owned(), alter("bigint")], sql::create_view(&b, false), sql::create_view(&a_new, false)].concat();
        assert_eq!(step.sql, up);
        let down = [vec!["DROP VIEW public.a".to_owned(), "DROP VIEW public.b".to_owned(), alter("integer")], sql::create_view(&a_old, false)].concat();
        assert_eq!(step.down.as_deref(), Some(&down[..]));
        assert_eq!(plan_between(&old, &new), plan);
        // Back: b, which reads the retyped column, is dropped by the step too.
        let back = super::plan(&diff(&new, &old), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }).unwrap_or_else(|e| panic!("{e}"));
        let described: Vec<&str> = back.steps.iter().map(|s| s.description.as_str()).collect();
        assert_eq!(described, ["change type of public.t.x to integer around view public.a (dropping view public.b, which the plan drops)"], "{}", back.up_script());

        // Views alone: c changes, a reads the new b and c; b comes after c in the diff.
        let c_old = t_view("c", "SELECT id, x FROM public.t", "t");
        let c_new = t_view("c", "SELECT id, x * 2 AS x FROM public.t", "t");
        let a_old = t_view("a", "SELECT id FROM public.c", "c");
        let a_new = t_view("a", "SELECT b.id FROM public.b JOIN public.c USING (id)", "b").depends_on(QualifiedName::public("c"));
        let b = t_view("b", "SELECT id FROM public.c WHERE x > 2", "c");
        let old = t_with_views(SqlType::Integer, vec![c_old, a_old]);
        let new = t_with_views(SqlType::Integer, vec![c_new.clone(), b.clone(), a_new.clone()]);
        let plan = plan_between(&old, &new);
        let described = descriptions(&plan);
        assert_eq!(described, ["rebuild views public.c, public.a (creating view public.b)"], "{}", plan.up_script());
        let up = [vec!["DROP VIEW public.a".to_owned(), "DROP VIEW public.c".to_owned()], sql::create_view(&c_new, false), sql::create_view(&b, false), sql::create_view(&a_new, false)].concat();
        assert_eq!(plan.steps[0].sql, up);
        // Reading the table, and after c in the diff (which orders the views
        // by what they read, in the order they name it): still created by the
        // step. Before every view of the rebuild: by its own step, before it.
        let b = t_view("b", "SELECT id FROM public.t WHERE x > 2", "t");
        let reading = |first: &str, second: &str| t_view("a", "SELECT b.id FROM public.b JOIN public.c USING (id)", first).depends_on(QualifiedName::public(second));
        let plan = plan_between(&old, &t_with_views(SqlType::Integer, vec![c_new.clone(), b.clone(), reading("c", "b")]));
        let described = descriptions(&plan);
        assert_eq!(described, ["rebuild views public.c, public.a (creating view public.b)"], "{}", plan.up_script());
        let plan = plan_between(&old, &t_with_views(SqlType::Integer, vec![c_new, b, reading("b", "c")]));
        let described = descriptions(&plan);
        assert_eq!(described, ["create view public.b", "rebuild views public.c, public.a"], "{}", plan.up_script());
    }

    #[test]
    fn a_type_change_giving_a_policy_its_new_form_changes_authorization() {
        let own_bigint = || Policy { using: Some("owner_id = current_setting('app.user_id', true)::bigint".into()), ..own_rows() };
        // Altered: the type change step creates it in its new form.
        let plan = plan_between(&accounts(SqlType::Integer, vec![own_rows()]), &accounts(SqlType::BigInt, vec![own_bigint()]));
        let described = descriptions(&plan);
        assert_eq!(described, ["change type of public.accounts.owner_id to bigint around policy own_rows"], "{}", plan.up_script());
        assert_eq!(plan.steps[0].hazards, [Hazard::TableRewrite, Hazard::LongLock, Hazard::AuthorizationChange]);
        // Created again as it was: no change of who sees what.
        let plan = plan_between(&accounts(SqlType::Integer, vec![own_rows()]), &accounts(SqlType::BigInt, vec![own_rows()]));
        assert_eq!(plan.steps.len(), 1, "{}", plan.up_script());
        assert_eq!(plan.steps[0].hazards, [Hazard::TableRewrite, Hazard::LongLock]);
    }

    // ---- view rebuilds (session 2026-12-02) ----

    /// `t (id, <a>, x <x>)`, `a` renamed to `b` when `renamed`, and `views` over it.
    fn t_renamed_with_views(renamed: bool, x: SqlType, views: Vec<View>) -> Schema {
        let a = if renamed { Column::new("b", SqlType::Text).renamed_from("a") } else { Column::new("a", SqlType::Text) };
        let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(a).column(Column::new("x", x)).primary_key(["id"]);
        views.into_iter().fold(Schema::builder().add_table(t), |b, v| b.view(v)).build().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn old_views_taking_renamed_columns_without_naming_them_are_created_under_the_old_names() {
        let dance = |sql: &[String]| {
            let back = sql.iter().position(|s| s == "ALTER TABLE public.t RENAME COLUMN b TO a");
            let create = sql.iter().position(|s| s.starts_with("CREATE VIEW public.v "));
            let forth = sql.iter().position(|s| s == "ALTER TABLE public.t RENAME COLUMN a TO b");
            matches!((back, create, forth), (Some(b), Some(c), Some(f)) if b < c && c < f)
        };
        for (query, danced) in [
            ("SELECT * FROM public.t", true),
            ("SELECT t.* FROM public.t", true),
            ("SELECT id FROM public.t NATURAL JOIN public.t u", true),
            ("SELECT id, a FROM public.t", true),
            // Neither named nor taken: created as it is.
            ("SELECT id, x FROM public.t", false),
        ] {
            // Rebuilt around the type change of x.
            let v = t_view("v", query, "t");
            let plan = plan_between(&t_renamed_with_views(false, SqlType::Integer, vec![v.clone()]), &t_renamed_with_views(true, SqlType::BigInt, vec![v.clone()]));
            let rebuild = plan.steps.iter().find(|s| s.description.contains("around view public.v")).unwrap_or_else(|| panic!("{}", plan.up_script()));
            assert_eq!(dance(rebuild.down.as_deref().unwrap()), danced, "{query}: {}", plan.down_script().unwrap());
            assert!(!dance(&rebuild.sql), "{query}");
            // Dropped after the deploy: undone before the rename is.
            let plan = super::plan(
                &diff(&t_renamed_with_views(false, SqlType::Integer, vec![v]), &t_renamed_with_views(true, SqlType::Integer, vec![])),
                &PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&t_renamed_with_views(true, SqlType::Integer, vec![])),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let drop = plan.steps.iter().find(|s| s.description == "drop view public.v").unwrap_or_else(|| panic!("{}", plan.up_script()));
            assert_eq!(dance(drop.down.as_deref().unwrap()), danced, "{query}: {}", plan.down_script().unwrap());
        }
    }

    #[test]
    fn old_views_naming_a_renamed_table_are_created_under_its_old_name() {
        // `public.items (id, label)`, renamed and moved to `shop.goods`, its
        // column to `title`, with the views `labels` (kept, its query changes)
        // and `old_labels` (dropped).
        let items = |v2: bool| {
            let t = if v2 {
                Table::in_schema("shop", "goods").renamed_from(QualifiedName::public("items")).column(Column::new("title", SqlType::Text).renamed_from("label"))
            } else {
                Table::new("items").column(Column::new("label", SqlType::Text))
            };
            let t = t.column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
            let reads = if v2 { QualifiedName::new("shop", "goods") } else { QualifiedName::public("items") };
            let mut b = Schema::builder().add_table(t).view(View::new(QualifiedName::public("labels"), if v2 { "SELECT title FROM shop.goods" } else { "SELECT label FROM public.items" }).depends_on(reads.clone()));
            if !v2 {
                b = b.view(View::new(QualifiedName::public("old_labels"), "SELECT id FROM public.items").depends_on(reads));
            }
            b.build().unwrap_or_else(|e| panic!("{e}"))
        };
        let (old, new) = (items(false), items(true));
        let plan = super::plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }.with_declared_renames(&new)).unwrap_or_else(|e| panic!("{e}"));
        let step = |d: &str| plan.steps.iter().find(|s| s.description == d).unwrap_or_else(|| panic!("{d}: {}", plan.up_script()));
        let create = |name: &str, query: &str| sql::create_view(&View::new(QualifiedName::public(name), query), false);
        let (columns_back, columns_forth) = ("ALTER TABLE shop.goods RENAME COLUMN title TO label".to_owned(), "ALTER TABLE shop.goods RENAME COLUMN label TO title".to_owned());
        let tables_back = ["ALTER TABLE shop.goods RENAME TO items".to_owned(), "ALTER TABLE shop.items SET SCHEMA public".to_owned()];
        let tables_forth = ["ALTER TABLE public.items SET SCHEMA shop".to_owned(), "ALTER TABLE shop.items RENAME TO goods".to_owned()];
        // The columns renamed back by the table's new name, then the table.
        let down = [&["DROP VIEW public.labels".to_owned(), columns_back][..], &tables_back, &create("labels", "SELECT label FROM public.items"), &tables_forth, std::slice::from_ref(&columns_forth)].concat();
        assert_eq!(step("rebuild view public.labels").down.as_deref(), Some(&down[..]));
        // Naming no renamed column: the table alone.
        let down = [&tables_back[..], &create("old_labels", "SELECT id FROM public.items"), &tables_forth].concat();
        assert_eq!(step("drop view public.old_labels").down.as_deref(), Some(&down[..]));
        // The rename's own step undoes it in the same statements.
        assert_eq!(step("rename table public.items to shop.goods").down.as_deref(), Some(&tables_back[..]));
    }

    #[test]
    fn a_function_uses_a_views_row_type_by_its_arguments_or_result() {
        let f = |arguments: &str, returns: &str| Function { arguments: arguments.into(), ..Function::new(QualifiedName::public("f"), returns, "sql", "SELECT 1") };
        let (v, shop_v) = (QualifiedName::public("v"), QualifiedName::new("shop", "v"));
        for (arguments, returns, uses) in [
            ("", "SETOF public.v", true),
            ("", "SETOF v", true),
            ("", "TABLE(a v, b integer)", true),
            ("r public.v", "bigint", true),
            ("rows public.v[]", "bigint", true),
            ("r v DEFAULT NULL", "bigint", true),
            ("IN r \"v\"", "bigint", true),
            // An argument or column named v, another type.
            ("v integer", "bigint", false),
            ("", "TABLE(v integer)", false),
            ("r public.vv", "public.v_old", false),
            ("r other.v", "bigint", false),
        ] {
            assert_eq!(uses_row_type(&f(arguments, returns), &v), uses, "({arguments}) -> {returns}");
        }
        // A view of another schema: by that schema, or bare from a function there.
        assert!(uses_row_type(&f("r shop.v", "bigint"), &shop_v));
        assert!(!uses_row_type(&f("r v", "bigint"), &shop_v));
        assert!(uses_row_type(&Function { name: QualifiedName::new("shop", "f"), ..f("r v", "bigint") }, &shop_v));
    }

    #[test]
    fn functions_using_a_rebuilt_views_row_type_are_dropped_and_created_around_it() {
        let function = |name: &str, arguments: &str, returns: &str, body: &str| Function { arguments: arguments.into(), ..Function::new(QualifiedName::public(name), returns, "sql", body) };
        let positive = function("positive", "", "SETOF public.v", "SELECT * FROM public.v WHERE x > 0");
        let positive_new = function("positive", "", "SETOF public.v", "SELECT * FROM public.v WHERE x > 1");
        let gone = function("gone", "r public.v", "bigint", "SELECT r.x");
        let added = function("added", "r public.v", "text", "SELECT r.x::text");
        let unrelated = function("unrelated", "", "integer", "SELECT 1");
        let schema = |x: SqlType, functions: Vec<Function>| {
            let v = t_view("v", "SELECT id, x FROM public.t", "t");
            let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", x)).primary_key(["id"]);
            functions.into_iter().fold(Schema::builder().add_table(t).view(v), |b, f| b.function(f)).build().unwrap_or_else(|e| panic!("{e}"))
        };
        let old = schema(SqlType::Integer, vec![positive.clone(), gone.clone(), unrelated.clone()]);
        let new = schema(SqlType::BigInt, vec![positive_new.clone(), added.clone(), unrelated]);
        let plan = super::plan(&diff(&old, &new), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }).unwrap_or_else(|e| panic!("{e}"));
        // Their changes are made by the rebuild, the drop in the expand phase.
        assert_eq!(
            phases(&plan),
            [(Phase::Expand, "change type of public.t.x to bigint around view public.v and functions public.gone(r public.v), public.positive(), public.added(r public.v) (dropping function public.gone(r public.v), which the plan drops)")],
            "{}",
            plan.up_script()
        );
        let step = &plan.steps[0];
        assert!(step.hazards.contains(&Hazard::BreaksOldCode), "{:?}", step.hazards);
        let v = t_view("v", "SELECT id, x FROM public.t", "t");
        let alter = |ty: &str| format!("ALTER TABLE public.t ALTER COLUMN x TYPE {ty} USING x::{ty}");
        let keep = sql::keep_function_acls(&[&QualifiedName::public("added"), &QualifiedName::public("gone"), &QualifiedName::public("positive")]);
        let drop = |f: &Function| sql::drop_function(f);
        let up = [
            vec![keep.clone(), drop(&gone), drop(&positive), "DROP VIEW public.v".to_owned(), alter("bigint")],
            sql::create_view(&v, false),
            vec![sql::function(&positive_new), sql::function(&added), sql::restore_function_acls()],
        ]
        .concat();
        assert_eq!(step.sql, up);
        let down = [
            vec![keep, drop(&positive_new), drop(&added), "DROP VIEW public.v".to_owned(), alter("integer")],
            sql::create_view(&v, false),
            vec![sql::function(&gone), sql::function(&positive), sql::restore_function_acls()],
        ]
        .concat();
        assert_eq!(step.down.as_deref(), Some(&down[..]));

        // A rebuild for the view's own query: the same, at the view's place.
        let query = |q: &str, functions: Vec<Function>| {
            let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", SqlType::Integer)).primary_key(["id"]);
            functions.into_iter().fold(Schema::builder().add_table(t).view(t_view("v", q, "t")), |b, f| b.function(f)).build().unwrap_or_else(|e| panic!("{e}"))
        };
        let plan = plan_between(&query("SELECT id, x FROM public.t", vec![positive.clone()]), &query("SELECT id, x * 2 AS x FROM public.t", vec![positive.clone()]));
        assert_eq!(descriptions(&plan), ["rebuild view public.v and function public.positive()"], "{}", plan.up_script());
        assert!(plan.steps[0].sql.iter().position(|s| *s == drop(&positive)) < plan.steps[0].sql.iter().position(|s| s == "DROP VIEW public.v"));
        // None uses it: no function in the step.
        let plan = plan_between(&query("SELECT id, x FROM public.t", vec![]), &query("SELECT id, x * 2 AS x FROM public.t", vec![]));
        assert_eq!(plan.steps[0].sql, [vec!["DROP VIEW public.v".to_owned()], sql::create_view(&t_view("v", "SELECT id, x * 2 AS x FROM public.t", "t"), false)].concat());
    }

    #[test]
    fn a_rebuilt_view_calling_new_functions_that_read_tables_is_created_after_them() {
        let total = QualifiedName::public("total");
        assert!(calls_function("SELECT public.total() AS n FROM public.t", &total));
        assert!(calls_function("SELECT id, TOTAL (  ) FROM public.t", &total));
        assert!(!calls_function("SELECT id, total FROM public.t", &total));
        assert!(!calls_function("SELECT other.total() FROM public.t", &total));
        assert!(!calls_function("SELECT 'total()' FROM public.t", &total));
        assert!(calls_function("SELECT shop.total()", &QualifiedName::new("shop", "total")));
        assert!(!calls_function("SELECT total()", &QualifiedName::new("shop", "total")));

        // `a_total`, which the view calls, calls `b_sum`, which the plan creates after it.
        let reading = |name: &str, body: &str| Function { depends_on: vec![QualifiedName::public("t")], ..Function::new(QualifiedName::public(name), "bigint", "sql", body) };
        let a_total = reading("a_total", "SELECT public.b_sum() FROM public.t LIMIT 1");
        let b_sum = reading("b_sum", "SELECT sum(x)::bigint FROM public.t");
        let unused = reading("c_unused", "SELECT count(*) FROM public.t");
        let schema = |x: SqlType, query: &str, functions: Vec<Function>| {
            let t = Table::new("t").column(Column::new("id", SqlType::BigInt)).column(Column::new("x", x)).primary_key(["id"]);
            functions.into_iter().fold(Schema::builder().add_table(t).view(t_view("v", query, "t")), |b, f| b.function(f)).build().unwrap_or_else(|e| panic!("{e}"))
        };
        let old = schema(SqlType::Integer, "SELECT id, x FROM public.t", vec![]);
        let query = "SELECT id, x, public.a_total() AS total FROM public.t";
        let new = schema(SqlType::BigInt, query, vec![a_total.clone(), b_sum.clone(), unused]);
        let plan = plan_between(&old, &new);
        assert_eq!(
            phases(&plan),
            [
                (Phase::Expand, "change type of public.t.x to bigint around view public.v (creating functions public.b_sum(), public.a_total())"),
                (Phase::Expand, "create function public.c_unused"),
            ],
            "{}",
            plan.up_script()
        );
        let step = &plan.steps[0];
        let alter = |ty: &str| format!("ALTER TABLE public.t ALTER COLUMN x TYPE {ty} USING x::{ty}");
        let up = [vec!["DROP VIEW public.v".to_owned(), alter("bigint"), sql::function(&b_sum), sql::function(&a_total)], sql::create_view(&t_view("v", query, "t"), false)].concat();
        assert_eq!(step.sql, up);
        let down = [
            vec!["DROP VIEW public.v".to_owned(), sql::drop_function(&a_total), sql::drop_function(&b_sum), alter("integer")],
            sql::create_view(&t_view("v", "SELECT id, x FROM public.t", "t"), false),
        ]
        .concat();
        assert_eq!(step.down.as_deref(), Some(&down[..]));
        // Views alone: the rebuild runs after the functions that read tables, which keep their steps.
        let plan = plan_between(&schema(SqlType::Integer, "SELECT id, x FROM public.t", vec![]), &schema(SqlType::Integer, "SELECT id, public.b_sum() FROM public.t", vec![b_sum]));
        assert_eq!(descriptions(&plan), ["create function public.b_sum", "rebuild view public.v"], "{}", plan.up_script());
    }

    // ---- predicted names (session 2026-12-02) ----

    /// `t (id, at)` tables of the given names, each with the given indexes.
    fn indexed(tables: &[(&str, Vec<Index>)]) -> Schema {
        let t = |n: &str| Table::new(n).column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).column(Column::new("at", SqlType::Date)).primary_key(["id"]);
        build(tables.iter().fold(Schema::builder(), |b, (n, indexes)| b.add_table(indexes.iter().cloned().fold(t(n), Table::index))))
    }

    fn taken(from: &Schema, to: &Schema, options: &PlanOptions) -> Vec<PlanError> {
        plan(&diff(from, to), options).expect_err("a name is taken").0
    }

    #[test]
    fn an_index_or_key_taking_the_name_of_an_index_the_plan_drops_runs_after_its_drop() {
        let recent = || Index::on(["at"]).named("recent");
        // Moved to another table, or becoming a key of its name: the drop runs first.
        let p = plan_between(&indexed(&[("a", vec![recent()]), ("b", vec![])]), &indexed(&[("a", vec![]), ("b", vec![recent()])]));
        assert_eq!(phases(&p), [(Phase::Expand, "drop index public.recent"), (Phase::Expand, "create index public.recent")]);
        let mut keyed = indexed(&[("a", vec![])]).tables()[0].clone();
        keyed.uniques.push(UniqueConstraint::new(["at"]).named("recent"));
        let p = plan_between(&indexed(&[("a", vec![recent()])]), &build(Schema::builder().add_table(keyed)));
        assert_eq!(descriptions(&p), ["drop index public.recent", "build the index of recent on public.a", "attach recent as UNIQUE of public.a"]);
        // A key's drop runs before the creations already.
        let mut unkeyed = indexed(&[("a", vec![])]);
        let mut keyed = unkeyed.clone();
        keyed.tables[0].uniques.push(UniqueConstraint::new(["at"]).named("recent"));
        unkeyed.tables[0].indexes.clear();
        let b = build(Schema::builder().add_table(unkeyed.tables[0].clone()).add_table(indexed(&[("b", vec![recent()])]).tables()[0].clone()));
        let p = plan_between(&build(Schema::builder().add_table(keyed.tables[0].clone()).add_table(indexed(&[("b", vec![])]).tables()[0].clone())), &b);
        assert_eq!(phases(&p), [(Phase::Expand, "drop constraint recent on public.a"), (Phase::Expand, "create index public.recent")]);
        // A dropped index's name a rename would take stays a drop and a create, the drop first.
        let before = indexed(&[("a", vec![Index::on(["at"]).named("idx_c_at")]), ("b", vec![Index::on(["at"])])]);
        let mut c = indexed(&[("c", vec![Index::on(["at"])])]).tables()[0].clone();
        c.renamed_from = Some(QualifiedName::public("b"));
        let after = build(Schema::builder().add_table(indexed(&[("a", vec![])]).tables()[0].clone()).add_table(c));
        let p = plan_between(&before, &after);
        let at = |d: &str| descriptions(&p).iter().position(|x| *x == d).unwrap_or_else(|| panic!("{d}: {p}"));
        assert!(at("drop index public.idx_c_at") < at("create index public.idx_c_at"), "{p}");
        assert_eq!(p.steps[at("drop index public.idx_b_at")].phase, Phase::Contract);
    }

    #[test]
    fn a_name_a_relation_dropped_after_the_deploy_holds_refuses_what_takes_it() {
        let destructive = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let before = indexed(&[("recent", vec![]), ("b", vec![])]);
        let after = indexed(&[("b", vec![Index::on(["at"]).named("recent")])]);
        assert_eq!(
            taken(&before, &after, &destructive),
            [PlanError::NameTaken {
                change: "create index public.recent on public.b".into(),
                name: QualifiedName::public("recent"),
                holder: "table public.recent".into(),
                remedy: "`drop table public.recent` runs only after the deploy: drop it in an earlier migration, or declare another name".into(),
            }]
        );
        // Its key's index, and its sequence, as well.
        let after = indexed(&[("b", vec![Index::on(["at"]).named("recent_pkey")]), ("c", vec![Index::on(["at"]).named("recent_id_seq")])]);
        let errors = taken(&before, &after, &destructive);
        assert_eq!(errors.iter().map(|e| match e { PlanError::NameTaken { name, .. } => name.name.as_str(), _ => "" }).collect::<Vec<_>>(), ["recent_id_seq", "recent_pkey"], "{errors:?}");
    }

    #[test]
    fn names_read_from_a_database_are_those_plans_check() {
        // `articles` was `posts`: its sequence kept the name posts_id_seq, and
        // its partitions' indexes the names PostgreSQL gave them.
        let logs = Table::new("logs")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("at", SqlType::Date))
            .primary_key(["id", "at"])
            .index(Index::on(["at"]))
            .partition_by(Partitioning::range(["at"]).partition(Partition::new("logs_2026", PartitionBound::Range { from: vec!["'2026-01-01'".into()], to: vec!["'2027-01-01'".into()] })));
        let schema = |extra: Vec<Table>| {
            let b = Schema::builder().add_table(logs.clone()).add_table(indexed(&[("articles", vec![])]).tables()[0].clone());
            build(extra.into_iter().fold(b, |b, t| b.add_table(t)))
        };
        let mut read = schema(vec![]);
        read.read_relations = vec![
            crate::ReadRelation::Sequence { name: QualifiedName::public("posts_id_seq"), table: QualifiedName::public("articles"), column: "id".into() },
            crate::ReadRelation::PartitionIndex { name: QualifiedName::public("logs_2026_at_idx"), table: QualifiedName::public("logs"), partition: "logs_2026".into(), parent: Some("idx_logs_at".into()) },
            crate::ReadRelation::PartitionIndex { name: QualifiedName::public("logs_2026_pkey"), table: QualifiedName::public("logs"), partition: "logs_2026".into(), parent: Some("logs_pkey".into()) },
        ];
        let d = diff(&read, &schema(vec![]));
        assert_eq!(d.names.get(&QualifiedName::public("posts_id_seq")).map(|h| h.what.as_str()), Some("sequence public.posts_id_seq of column public.articles.id"));
        assert!(!d.names.contains_key(&QualifiedName::public("articles_id_seq")), "the name predicted from the table's is no sequence's");
        assert_eq!(d.names.get(&QualifiedName::public("logs_2026_pkey")).and_then(|h| h.parent_index.as_deref()), Some("logs_pkey"));

        // Taken by a new table's key, or a new index.
        let new = |name: &str, index: &str| indexed(&[(name, vec![Index::on(["at"]).named(index)])]).tables()[0].clone();
        let errors = taken(&read, &schema(vec![new("posts", "logs_2026_at_idx")]), &PlanOptions::default());
        let names: Vec<&str> = errors.iter().map(|e| match e { PlanError::NameTaken { name, .. } => name.name.as_str(), _ => "" }).collect();
        assert_eq!(names, ["logs_2026_at_idx"], "{errors:?}");
        let mut keyed = new("january", "fine");
        keyed.primary_key = Some(PrimaryKey::new(["id"]).named("logs_2026_pkey"));
        let errors = taken(&read, &schema(vec![keyed]), &PlanOptions::default());
        assert!(matches!(&errors[..], [PlanError::NameTaken { change, name, holder, .. }] if change == "create table public.january" && name.name == "logs_2026_pkey" && holder == "index public.logs_2026_pkey of partition public.logs_2026 of public.logs"), "{errors:?}");
        // Not one the drop of the index they are attached to frees (that drop runs first).
        let mut unindexed = schema(vec![new("b", "logs_2026_at_idx")]);
        unindexed.tables.iter_mut().find(|t| t.name.name == "logs").unwrap().indexes.clear();
        let p = plan(&diff(&read, &unindexed), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(descriptions(&p), ["drop index public.idx_logs_at", "create table public.b", "create index public.logs_2026_at_idx"]);

        // An index built partition by partition names its copies around them.
        let mut at_idx = schema(vec![]);
        at_idx.tables.iter_mut().find(|t| t.name.name == "logs").unwrap().indexes.push(Index::on(["id"]).named("at_idx"));
        let mut read_at = read.clone();
        read_at.tables = at_idx.tables.clone();
        read_at.tables.iter_mut().find(|t| t.name.name == "logs").unwrap().indexes.pop();
        let p = plan(&diff(&read_at, &at_idx), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(statements(&p).contains(&"CREATE INDEX CONCURRENTLY logs_2026_at_idx1 ON public.logs_2026 (id)"), "{p}");
    }

    // ---- user review (session 2026-12-02) ----

    /// char(n) into a varchar at least n long loses nothing but the padding char
    /// ignores (as into text); it was refused as DataLoss.
    #[test]
    fn char_into_a_long_enough_varchar_loses_nothing() {
        use SqlType::*;
        assert_eq!(type_change(&Char(Some(3)), &Varchar(Some(3))), (true, false));
        assert_eq!(type_change(&Char(Some(3)), &Varchar(Some(10))), (true, false));
        assert_eq!(type_change(&Char(None), &Varchar(Some(1))), (true, false));
        assert_eq!(type_change(&Char(Some(3)), &Varchar(None)), (true, false));
        assert_eq!(type_change(&Char(Some(3)), &Text), (true, false));
        assert_eq!(type_change(&Char(Some(3)), &Varchar(Some(2))), (true, true));
        assert_eq!(type_change(&Varchar(Some(3)), &Char(Some(3))), (true, true));
    }

    /// A unique constraint replaced by a unique key it implies is dropped after
    /// that key is built, not before (a window with no uniqueness at all).
    #[test]
    fn a_replaced_unique_constraint_goes_after_its_replacement() {
        let orgs = || {
            Table::new("orgs")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("slug", SqlType::Varchar(Some(30))))
                .column(Column::new("region", SqlType::Text))
                .column(Column::new("deleted_at", SqlType::Timestamptz).nullable())
                .primary_key(["id"])
        };
        let schema = |t: Table| Schema::builder().add_table(t).build().unwrap_or_else(|e| panic!("{e}"));
        let v1 = schema(orgs().unique(UniqueConstraint::new(["slug"])));
        let order = |v2: &Schema| {
            let p = plan(&diff(&v1, v2), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
            let at = |what: &str| p.steps.iter().position(|s| s.description.starts_with(what)).unwrap_or_else(|| panic!("no {what} in\n{p}"));
            (at("drop constraint orgs_slug_key"), p)
        };
        for v2 in [
            schema(orgs().index(Index::on(["slug"]).unique().where_("deleted_at IS NULL").named("orgs_slug_live"))),
            schema(orgs().index(Index::on(["region", "slug"]).unique().named("orgs_slug_live"))),
            schema(orgs().unique(UniqueConstraint::new(["slug", "region"]).named("orgs_slug_live"))),
        ] {
            let (drop, p) = order(&v2);
            let build = p.steps.iter().position(|s| s.sql.iter().any(|q| q.contains("INDEX CONCURRENTLY orgs_slug_live"))).unwrap_or_else(|| panic!("{p}"));
            assert!(build < drop, "{p}");
            assert_eq!(p.steps[drop].phase, Phase::Expand);
            // Undone in the reverse order: the old key is back before the new one goes.
            let down = p.down_script().unwrap();
            assert!(down.find("ADD CONSTRAINT orgs_slug_key").unwrap() < down.find("DROP INDEX CONCURRENTLY IF EXISTS public.orgs_slug_live").unwrap(), "{down}");
        }
        let first = |v2: Schema| {
            let (drop, p) = order(&v2);
            assert_eq!(drop, 0, "{p}");
        };
        // A key the old one does not imply (not all its columns).
        first(schema(orgs().index(Index::on(["region"]).unique().named("orgs_region_key"))));
        // The same name: it must go first.
        first(schema(orgs().index(Index::on(["slug"]).unique().where_("deleted_at IS NULL").named("orgs_slug_key"))));
        // The column changes type: the old key's index would be rebuilt with it.
        let mut retyped = orgs().index(Index::on(["slug"]).unique().where_("deleted_at IS NULL").named("orgs_slug_live"));
        retyped.columns[1].ty = SqlType::Varchar(Some(63));
        first(schema(retyped));
    }

    // ---- function order (session 2026-12-02) ----

    /// `users`, and with `views` a view over it, a function returning its
    /// rows, a plpgsql function taking its row type (no `depends_on`), a
    /// function reading only `users` and one reading nothing.
    fn users_view(views: bool) -> Schema {
        let mut b = Schema::builder().add_table(users());
        if views {
            let name = QualifiedName::public;
            b = b
                .function(Function::new(name("all_ids"), "SETOF public.ids", "sql", "SELECT * FROM public.ids").depends_on(name("ids")))
                .function(Function::new(name("id_of"), "bigint", "plpgsql", "BEGIN RETURN r.id; END").arguments("r ids"))
                .function(Function::new(name("user_count"), "bigint", "sql", "SELECT count(*) FROM public.users").depends_on(name("users")))
                .function(Function::new(name("zero"), "integer", "sql", "SELECT 0"))
                .view(View::new(name("ids"), "SELECT id FROM public.users").depends_on(name("users")));
        }
        build(b)
    }

    #[test]
    fn functions_on_new_views_are_created_after_them_and_dropped_before_them() {
        let up = plan_between(&users_view(false), &users_view(true));
        assert_eq!(descriptions(&up), ["create function public.zero", "create function public.user_count", "create view public.ids", "create function public.all_ids", "create function public.id_of"]);
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        let down = plan(&diff(&users_view(true), &users_view(false)), &options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            phases(&down),
            [
                (Phase::Contract, "drop function public.all_ids"),
                (Phase::Contract, "drop function public.id_of"),
                (Phase::Contract, "drop view public.ids"),
                (Phase::Contract, "drop function public.user_count"),
                (Phase::Contract, "drop function public.zero"),
            ]
        );
    }

    /// No statement of a step ends with `;` (the script adds one): a
    /// function's, with its comment or not, ended with one, and the scripts
    /// showed `;;`, up and down.
    #[test]
    fn no_statement_of_a_plan_ends_with_a_semicolon() {
        let name = QualifiedName::public;
        let with = |more: bool| {
            let mut b = Schema::builder().add_table(users());
            if more {
                let mut t = users();
                t.name = name("notes");
                b = b
                    .function(Function::new(name("answer"), "integer", "sql", "SELECT 42").comment("it's the answer"))
                    .function(Function::trigger(name("touch"), "\nBEGIN\n    RETURN NEW;\nEND;\n"))
                    .function(Function::new(name("ends"), "integer", "sql", "SELECT 1;"))
                    .enum_type(EnumType::new("mood", ["ok", "sad"]))
                    .domain(Domain::new("positive", SqlType::Integer).check(CheckConstraint::new("VALUE > 0")).comment("above zero"))
                    .role(Role::group("readers").comment("they read"))
                    .add_table(t.trigger(Trigger::new("notes_touch", TriggerTiming::Before, [TriggerEvent::Update(vec![])], name("touch"))).comment("notes"))
                    .view(View::new(name("ids"), "SELECT id FROM public.users;").depends_on(name("users")).comment("ids"))
                    .view(View::materialized(name("counted"), "SELECT count(*) AS n FROM public.users").depends_on(name("users")).index(Index::on(["n"]).unique()))
                    .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: name("notes"), columns: vec![] }, ["readers"]));
            }
            build(b)
        };
        let options = PlanOptions { allow_destructive: true, ..PlanOptions::default() };
        for (from, to) in [(with(false), with(true)), (with(true), with(false))] {
            let p = plan(&diff(&from, &to), &options).unwrap_or_else(|e| panic!("{e}"));
            let mut functions = 0;
            for step in &p.steps {
                for s in step.sql.iter().chain(step.down.iter().flatten()) {
                    assert!(!s.trim_end().ends_with(';'), "{}: {s}", step.description);
                    functions += s.matches("CREATE OR REPLACE FUNCTION").count();
                }
                let scripts = [step.script(), step.down_script().unwrap_or_default()];
                assert!(!scripts.iter().any(|s| s.contains(";;")), "{}\n{}", scripts[0], scripts[1]);
            }
            assert_eq!(functions, 3, "{p}");
        }
    }

    // ---- tenant keys (session 2026-12-02) ----

    /// A column list on ON DELETE SET NULL added, changed or removed is a change
    /// of the foreign key: the key is replaced, and the undo puts the old one back.
    #[test]
    fn a_changed_set_null_column_list_replaces_the_foreign_key() {
        let with = |set: &[&str]| {
            let parents = Table::new("parents")
                .column(Column::new("tenant_id", SqlType::BigInt))
                .column(Column::new("id", SqlType::BigInt))
                .primary_key(["tenant_id", "id"]);
            let kids = Table::new("kids")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("tenant_id", SqlType::BigInt))
                .column(Column::new("parent_id", SqlType::BigInt).nullable())
                .primary_key(["id"])
                .index(Index::on(["tenant_id", "parent_id"]))
                .foreign_key(
                    ForeignKey::new(["tenant_id", "parent_id"], QualifiedName::public("parents"), ["tenant_id", "id"])
                        .on_delete(ReferentialAction::SetNull)
                        .on_delete_set_columns(set.iter().copied()),
                );
            Schema::builder().add_table(parents).add_table(kids).build().unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(diff(&with(&["parent_id"]), &with(&["parent_id"])).is_empty());
        for (from, to) in [(&[][..], &["parent_id"][..]), (&["parent_id"], &[]), (&["parent_id"], &["parent_id", "tenant_id"])] {
            let d = diff(&with(from), &with(to));
            let changes: Vec<String> = d.changes.iter().map(|c| format!("{c:?}")).collect();
            assert_eq!(changes.len(), 2, "{from:?} -> {to:?}: {changes:#?}");
            assert!(matches!(&d.changes[0], Change::DropConstraint { constraint: Constraint::ForeignKey(fk), .. } if fk.on_delete_set_columns == from), "{changes:#?}");
            assert!(matches!(&d.changes[1], Change::AddConstraint { constraint: Constraint::ForeignKey(fk), .. } if fk.on_delete_set_columns == to), "{changes:#?}");
            let p = plan(&d, &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
            let up = p.up_script();
            let down = p.down_script().unwrap();
            let clause = |set: &[&str]| if set.is_empty() { "ON DELETE SET NULL".to_owned() } else { format!("ON DELETE SET NULL ({})", set.join(", ")) };
            assert!(up.contains(&format!("{} NOT VALID;", clause(to))), "{up}");
            assert!(down.contains(&format!("{};", clause(from))), "{down}");
        }
    }

    // ---- foreign keys replaced in place (session 2026-12-02) ----

    /// `parents` and `kids` (hash-partitioned in two if `partitioned`), `kids`
    /// referencing `parents` through `fk`.
    fn kin(fk: ForeignKey, partitioned: bool) -> Schema {
        let parents = Table::new("parents").column(Column::new("id", SqlType::BigInt)).column(Column::new("code", SqlType::Text)).primary_key(["id"]).unique(UniqueConstraint::new(["code"]));
        let mut kids = Table::new("kids")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("parent_id", SqlType::BigInt).nullable())
            .column(Column::new("parent_code", SqlType::Text).nullable())
            .primary_key(["id"])
            .foreign_key(fk);
        if partitioned {
            kids = kids.partition_by(Partitioning::hash(["id"], 2));
        }
        build(Schema::builder().add_table(parents).add_table(kids))
    }

    fn parent_key() -> ForeignKey {
        ForeignKey::new(["parent_id"], QualifiedName::public("parents"), ["id"])
    }

    /// A key whose action changes (same columns and target) is replaced in
    /// one statement, dropped and added NOT VALID, under ACCESS EXCLUSIVE on
    /// both tables, then validated; its undo puts the old key back in one
    /// statement too, validated there.
    #[test]
    fn a_foreign_key_changed_in_place_is_dropped_and_added_in_one_statement() {
        let (parents, kids) = (QualifiedName::public("parents"), QualifiedName::public("kids"));
        let key = |name: &str, rest: &str| format!("CONSTRAINT {name} FOREIGN KEY (parent_id) REFERENCES public.parents (id){rest}");
        for (from, to, (a, was), (b, is)) in [
            (parent_key(), parent_key().on_delete(ReferentialAction::Cascade), ("kids_parent_id_fkey", ""), ("kids_parent_id_fkey", " ON DELETE CASCADE")),
            (parent_key().deferrable(Deferrable::InitiallyDeferred), parent_key(), ("kids_parent_id_fkey", " DEFERRABLE INITIALLY DEFERRED"), ("kids_parent_id_fkey", "")),
            (parent_key().named("a"), parent_key().named("b").on_update(ReferentialAction::Cascade), ("a", ""), ("b", " ON UPDATE CASCADE")),
        ] {
            let p = plan(&diff(&kin(from, false), &kin(to, false)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.steps.len(), 2, "{p}");
            let (swap, validate) = (&p.steps[0], &p.steps[1]);
            assert_eq!(swap.sql, [format!("ALTER TABLE public.kids DROP CONSTRAINT IF EXISTS {a}, ADD {} NOT VALID", key(b, is))], "{p}");
            assert_eq!(swap.down.as_deref(), Some(&[format!("ALTER TABLE public.kids DROP CONSTRAINT IF EXISTS {b}, ADD {}", key(a, was))][..]), "{p}");
            assert_eq!(swap.locks, [(kids.clone(), LockLevel::AccessExclusive), (parents.clone(), LockLevel::AccessExclusive)], "{p}");
            assert_eq!((swap.phase, swap.transactional, swap.hazards.is_empty()), (Phase::Expand, true, true), "{p}");
            assert_eq!(validate.sql, [format!("ALTER TABLE public.kids VALIDATE CONSTRAINT {b}")], "{p}");
            assert_eq!(validate.locks, [(kids.clone(), LockLevel::ShareUpdateExclusive)], "{p}");
        }
    }

    /// On a partitioned table (no NOT VALID foreign keys there) the new key is
    /// validated in the one statement, under the lock, on every partition.
    #[test]
    fn a_foreign_key_of_a_partitioned_table_changed_in_place_is_validated_in_the_same_statement() {
        let to = parent_key().on_delete(ReferentialAction::SetNull);
        let p = plan(&diff(&kin(parent_key(), true), &kin(to, true)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.steps.len(), 1, "{p}");
        let swap = &p.steps[0];
        let add = "ADD CONSTRAINT kids_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.parents (id) ON DELETE SET NULL";
        assert_eq!(swap.sql, [format!("ALTER TABLE public.kids DROP CONSTRAINT IF EXISTS kids_parent_id_fkey, {add}")], "{p}");
        let locked: Vec<&str> = swap.locks.iter().map(|(r, l)| (r.name.as_str(), *l)).filter(|(_, l)| *l == LockLevel::AccessExclusive).map(|(r, _)| r).collect();
        assert_eq!(locked, ["kids", "kids_p0", "kids_p1", "parents"], "{p}");
        assert!(swap.hazards.contains(&Hazard::ValidationScan) && swap.hazards.contains(&Hazard::LongLock) && swap.statement_timeout.is_none(), "{p}");
    }

    /// A key whose columns or referenced columns change is no replacement in
    /// place: the old one is dropped and the new one added NOT VALID and
    /// validated by steps of their own, as before.
    #[test]
    fn a_foreign_key_on_other_columns_is_not_swapped() {
        let code = ForeignKey::new(["parent_code"], QualifiedName::public("parents"), ["code"]);
        let p = plan(&diff(&kin(parent_key(), false), &kin(code, false)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let steps: Vec<&str> = p.steps.iter().map(|s| s.description.as_str()).collect();
        assert_eq!(
            steps,
            [
                "drop constraint kids_parent_id_fkey on public.kids",
                "add constraint kids_parent_code_fkey on public.kids NOT VALID",
                "validate constraint kids_parent_code_fkey on public.kids"
            ],
            "{p}"
        );
    }

    // ---- timestamp to timestamptz (session 2026-12-02) ----

    fn stamped(at: SqlType) -> Schema {
        Schema::builder().add_table(Table::new("readings").column(Column::new("id", SqlType::BigInt)).column(Column::new("at", at).nullable()).primary_key(["id"])).build().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn timestamp_to_timestamptz_reads_the_values_in_the_plans_zone_utc_unless_set() {
        let (plain, zoned) = (stamped(SqlType::Timestamp), stamped(SqlType::Timestamptz));
        let alter = |ty: &str, zone: &str| format!("ALTER TABLE public.readings ALTER COLUMN at TYPE {ty} USING at AT TIME ZONE {zone}");
        // Unset: UTC, in the SQL and in the description.
        let p = plan(&diff(&plain, &zoned), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(descriptions(&p), ["change type of public.readings.at to timestamptz, its values read as wall-clock times in UTC (PlanOptions::timestamp_zone unset)"]);
        let step = &p.steps[0];
        assert_eq!((&step.sql[..], step.down.as_deref()), (&[alter("timestamptz", "'UTC'")][..], Some(&[alter("timestamp", "'UTC'")][..])));
        assert_eq!(&step.hazards[..], [Hazard::TableRewrite, Hazard::LongLock]);
        assert!(step.script().starts_with("-- change type of public.readings.at to timestamptz, its values read as wall-clock times in UTC"), "{}", step.script());
        // Set: that zone, both ways, escaped as a literal.
        for (zone, literal) in [("America/New_York", "'America/New_York'"), ("Bob's zone", "'Bob''s zone'"), ("a\\b", "E'a\\\\b'")] {
            let options = PlanOptions { timestamp_zone: Some(zone.to_owned()), ..PlanOptions::default() };
            let p = plan(&diff(&plain, &zoned), &options).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(descriptions(&p), [format!("change type of public.readings.at to timestamptz, its values read as wall-clock times in {zone}")]);
            assert_eq!((&p.steps[0].sql[..], p.steps[0].down.as_deref()), (&[alter("timestamptz", literal)][..], Some(&[alter("timestamp", literal)][..])));
            // The reverse, planned on its own: the same zone.
            let p = plan(&diff(&zoned, &plain), &options).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(descriptions(&p), [format!("change type of public.readings.at to timestamp, its instants kept as wall-clock times in {zone}")]);
            assert_eq!((&p.steps[0].sql[..], p.steps[0].down.as_deref()), (&[alter("timestamp", literal)][..], Some(&[alter("timestamptz", literal)][..])));
        }
        // Other type changes keep their cast, whatever the option.
        let options = PlanOptions { timestamp_zone: Some("Europe/Paris".into()), ..PlanOptions::default() };
        let p = plan(&diff(&stamped(SqlType::Date), &stamped(SqlType::Text)), &PlanOptions { allow_destructive: true, ..options }).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.steps[0].sql, ["ALTER TABLE public.readings ALTER COLUMN at TYPE text USING at::text"]);
        assert_eq!(descriptions(&p), ["change type of public.readings.at to text"]);
    }

    // ---- view order (session 2026-12-02) ----

    /// Views declared before the views their queries read, with no
    /// `depends_on` (a schema planned as declared, not canonicalized): the
    /// plan creates each after those it reads, with or without functions
    /// to order with them, and drops them readers first.
    #[test]
    fn views_are_created_after_the_views_their_queries_read() {
        let t = || Table::new("t").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
        let old = Schema::builder().add_table(t()).build().unwrap();
        let views = |with_function: bool| {
            let mut b = Schema::builder()
                .view(View::materialized(QualifiedName::public("m"), "SELECT id FROM public.a"))
                .view(View::new(QualifiedName::public("a"), if with_function { "SELECT public.twice(id) AS id FROM b" } else { "SELECT id FROM b" }))
                .view(View::new(QualifiedName::public("b"), "SELECT id FROM public.t"))
                .add_table(t());
            if with_function {
                b = b.function(Function::new(QualifiedName::public("twice"), "bigint", "sql", "SELECT 2 * n").arguments("n bigint"));
            }
            b.build().unwrap_or_else(|e| panic!("{e}"))
        };
        for with_function in [false, true] {
            let new = views(with_function);
            let up = plan(&diff(&old, &new), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}")).up_script();
            let at = |name: &str| up.find(name).unwrap_or_else(|| panic!("no `{name}` in:\n{up}"));
            assert!(at("CREATE VIEW public.b") < at("CREATE VIEW public.a") && at("CREATE VIEW public.a") < at("CREATE MATERIALIZED VIEW public.m"), "{up}");
            let down = plan(&diff(&new, &old), &PlanOptions { allow_destructive: true, ..PlanOptions::default() }).unwrap_or_else(|e| panic!("{e}")).up_script();
            let at = |name: &str| down.find(name).unwrap_or_else(|| panic!("no `{name}` in:\n{down}"));
            assert!(at("DROP MATERIALIZED VIEW public.m") < at("DROP VIEW public.a") && at("DROP VIEW public.a") < at("DROP VIEW public.b"), "{down}");
        }
    }
}
/// Partitions added next to a default partition: the step moves the default's
/// rows of the new bound into the new partition (and its undo moves them back).
#[cfg(test)]
mod default_partition_tests {
    use super::*;
    use crate::migrate::diff;
    use crate::model::{ForeignKey, Partition, PartitionBound, Partitioning, Table};
    use crate::Schema;

    /// `logs` (id, at date), range-partitioned with a default partition and the
    /// months of `months` from January 2026; `notes` references it when `referenced`.
    fn logs(months: u32, default: bool, referenced: bool) -> Schema {
        let mut p = Partitioning::range(["at"]);
        for m in 1..=months {
            let bound = PartitionBound::Range { from: vec![format!("'2026-{m:02}-01'")], to: vec![format!("'2026-{:02}-01'", m + 1)] };
            p = p.partition(Partition::new(format!("logs_2026_{m:02}"), bound));
        }
        if default {
            p = p.with_default();
        }
        let t = Table::new("logs").column(Column::new("id", SqlType::BigInt)).column(Column::new("at", SqlType::Date)).primary_key(["id", "at"]).partition_by(p);
        let mut b = Schema::builder().add_table(t);
        if referenced {
            b = b.add_table(
                Table::new("notes")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("log_id", SqlType::BigInt))
                    .column(Column::new("log_at", SqlType::Date))
                    .primary_key(["id"])
                    .foreign_key(ForeignKey::new(["log_id", "log_at"], QualifiedName::public("logs"), ["id", "at"]))
                    .index(Index::on(["log_id", "log_at"])),
            );
        }
        b.build().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_partition_next_to_a_default_partition_takes_its_rows() {
        let p = plan(&diff(&logs(1, true, false), &logs(2, true, false)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.steps.len(), 1, "{p}");
        let step = &p.steps[0];
        assert_eq!(step.description, "add partition logs_2026_02 of public.logs");
        assert_eq!((step.phase, step.lock, &step.hazards[..], step.transactional), (Phase::Expand, LockLevel::AccessExclusive, &[Hazard::LongLock][..], true));
        assert_eq!(step.statement_timeout, Some(Duration::from_secs(60)), "the lock is held: the move is bounded by the statement timeout");
        let condition = "at >= '2026-02-01' AND at < '2026-03-01'";
        // Before a row moves, the rows a foreign key's row references are looked for (none here).
        let reference_variables = crate::builtin::REFERENCE_VARIABLES;
        let refuse = crate::builtin::refuse_referenced_rows(
            "'public.logs_default'::regclass",
            "'at >= ''2026-02-01'' AND at < ''2026-03-01'''",
            "'the default partition public.logs_default holds rows of the bound of the new partition public.logs_2026_02, which cannot move into it'",
            "'move the referenced rows by hand (minding the rows that reference them), or drop the foreign keys around this migration; create partitions before rows of their bound arrive (ensure_partitions ahead)'",
            "        ",
        );
        assert_eq!(
            step.sql,
            [
                "LOCK TABLE ONLY public.logs, ONLY public.logs_default IN ACCESS EXCLUSIVE MODE".to_owned(),
                format!(
                    "DO $pgarchitect$
DECLARE
    pgarchitect_forced boolean := (SELECT relforcerowsecurity FROM pg_class WHERE oid = 'public.logs_default'::regclass);
    pgarchitect_has_rows boolean;
    pgarchitect_triggers_off text;
    pgarchitect_triggers_back text;
{reference_variables}BEGIN
    IF pgarchitect_forced THEN
        ALTER TABLE public.logs_default NO FORCE ROW LEVEL SECURITY;
    END IF;
    pgarchitect_has_rows := EXISTS (SELECT FROM public.logs_default WHERE {condition});
    IF pgarchitect_has_rows THEN
{refuse}        CREATE TEMP TABLE pgarchitect_moving ON COMMIT DROP AS TABLE public.logs_default WITH NO DATA;
        SELECT 'ALTER TABLE ' || 'public.logs_default'::regclass::text || ' ' || string_agg(format('DISABLE TRIGGER %I', tgname), ', ' ORDER BY tgname),
               'ALTER TABLE ' || 'public.logs_default'::regclass::text || ' ' || string_agg(format('ENABLE %sTRIGGER %I', CASE tgenabled WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END, tgname), ', ' ORDER BY tgname)
          INTO pgarchitect_triggers_off, pgarchitect_triggers_back
          FROM pg_trigger WHERE tgrelid = 'public.logs_default'::regclass AND NOT tgisinternal
           AND tgenabled IN ('A', CASE current_setting('session_replication_role', true) WHEN 'replica' THEN 'R' ELSE 'O' END);
        IF pgarchitect_triggers_off IS NOT NULL THEN
            EXECUTE pgarchitect_triggers_off;
        END IF;
        WITH moved AS (DELETE FROM public.logs_default WHERE {condition} RETURNING *)
        INSERT INTO pgarchitect_moving SELECT * FROM moved;
        IF pgarchitect_triggers_back IS NOT NULL THEN
            EXECUTE pgarchitect_triggers_back;
        END IF;
    END IF;
    CREATE TABLE public.logs_2026_02 PARTITION OF public.logs FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
    IF pgarchitect_has_rows THEN
        SELECT 'ALTER TABLE ' || 'public.logs_2026_02'::regclass::text || ' ' || string_agg(format('DISABLE TRIGGER %I', tgname), ', ' ORDER BY tgname),
               'ALTER TABLE ' || 'public.logs_2026_02'::regclass::text || ' ' || string_agg(format('ENABLE %sTRIGGER %I', CASE tgenabled WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END, tgname), ', ' ORDER BY tgname)
          INTO pgarchitect_triggers_off, pgarchitect_triggers_back
          FROM pg_trigger WHERE tgrelid = 'public.logs_2026_02'::regclass AND NOT tgisinternal
           AND tgenabled IN ('A', CASE current_setting('session_replication_role', true) WHEN 'replica' THEN 'R' ELSE 'O' END);
        IF pgarchitect_triggers_off IS NOT NULL THEN
            EXECUTE pgarchitect_triggers_off;
        END IF;
        EXECUTE (SELECT format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %2$s FROM %s', 'public.logs_2026_02'::regclass, string_agg(quote_ident(attname), ', ' ORDER BY attnum), 'pgarchitect_moving')
                 FROM pg_attribute WHERE attrelid = 'public.logs_2026_02'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '');
        IF pgarchitect_triggers_back IS NOT NULL THEN
            EXECUTE pgarchitect_triggers_back;
        END IF;
        DROP TABLE pgarchitect_moving;
    END IF;
    IF pgarchitect_forced THEN
        ALTER TABLE public.logs_default FORCE ROW LEVEL SECURITY;
    END IF;
END
$pgarchitect$"
                ),
            ]
        );
        // Undone, the partition's rows go back into the default partition before it is dropped.
        assert_eq!(
            step.down.as_deref().unwrap(),
            [
                "LOCK TABLE ONLY public.logs, ONLY public.logs_default, ONLY public.logs_2026_02 IN ACCESS EXCLUSIVE MODE",
                "ALTER TABLE public.logs DETACH PARTITION public.logs_2026_02",
                "DO $pgarchitect$
DECLARE
    pgarchitect_forced boolean := (SELECT relforcerowsecurity FROM pg_class WHERE oid = 'public.logs_default'::regclass);
    pgarchitect_triggers_off text;
    pgarchitect_triggers_back text;
BEGIN
    ALTER TABLE public.logs_2026_02 NO FORCE ROW LEVEL SECURITY;
    IF pgarchitect_forced THEN
        ALTER TABLE public.logs_default NO FORCE ROW LEVEL SECURITY;
    END IF;
    SELECT 'ALTER TABLE ' || 'public.logs_default'::regclass::text || ' ' || string_agg(format('DISABLE TRIGGER %I', tgname), ', ' ORDER BY tgname),
           'ALTER TABLE ' || 'public.logs_default'::regclass::text || ' ' || string_agg(format('ENABLE %sTRIGGER %I', CASE tgenabled WHEN 'A' THEN 'ALWAYS ' WHEN 'R' THEN 'REPLICA ' ELSE '' END, tgname), ', ' ORDER BY tgname)
      INTO pgarchitect_triggers_off, pgarchitect_triggers_back
      FROM pg_trigger WHERE tgrelid = 'public.logs_default'::regclass AND NOT tgisinternal
       AND tgenabled IN ('A', CASE current_setting('session_replication_role', true) WHEN 'replica' THEN 'R' ELSE 'O' END);
    IF pgarchitect_triggers_off IS NOT NULL THEN
        EXECUTE pgarchitect_triggers_off;
    END IF;
    EXECUTE (SELECT format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %2$s FROM %s', 'public.logs_default'::regclass, string_agg(quote_ident(attname), ', ' ORDER BY attnum), 'public.logs_2026_02')
             FROM pg_attribute WHERE attrelid = 'public.logs_default'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '');
    IF pgarchitect_triggers_back IS NOT NULL THEN
        EXECUTE pgarchitect_triggers_back;
    END IF;
    IF pgarchitect_forced THEN
        ALTER TABLE public.logs_default FORCE ROW LEVEL SECURITY;
    END IF;
END
$pgarchitect$",
                "DROP TABLE public.logs_2026_02",
            ]
        );
        assert!(p.is_reversible() && !p.hazards().contains(&Hazard::DataLoss));
        // One transaction: the statements split at the block's end, not inside it.
        assert_eq!(crate::migrate::split_statements(&step.script()).len(), 4, "{}", step.script());
    }

    #[test]
    fn without_a_default_partition_a_partition_is_only_created() {
        for (from, to) in [(logs(1, false, false), logs(2, false, false)), (logs(1, false, false), logs(2, true, false))] {
            let p = plan(&diff(&from, &to), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
            let step = p.steps.iter().find(|s| s.description == "add partition logs_2026_02 of public.logs").unwrap();
            assert_eq!(step.sql, ["CREATE TABLE public.logs_2026_02 PARTITION OF public.logs FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')"]);
            assert_eq!(step.down.as_deref().unwrap(), ["ALTER TABLE public.logs DETACH PARTITION public.logs_2026_02", "DROP TABLE public.logs_2026_02"]);
            assert_eq!((step.lock, &step.hazards[..]), (LockLevel::AccessExclusive, &[][..]));
        }
        // Referenced but with no default partition: nothing moves, nothing is refused; the
        // new partition gets the key's triggers, locking the referencing table.
        let referenced = plan(&diff(&logs(1, false, true), &logs(2, false, true)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let step = referenced.steps.iter().find(|s| s.description == "add partition logs_2026_02 of public.logs").unwrap();
        assert_eq!(step.sql, ["CREATE TABLE public.logs_2026_02 PARTITION OF public.logs FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')"]);
        assert_eq!(step.locks, [(QualifiedName::public("logs"), LockLevel::AccessExclusive), (QualifiedName::public("notes"), LockLevel::ShareRowExclusive)]);
    }

    #[test]
    fn a_partition_next_to_the_default_partition_of_a_referenced_table_moves_the_rows_no_row_references() {
        // The same step as for a table no key references: the rows a key's row
        // references are looked for row by row at apply time, and only they refuse.
        let unreferenced = plan(&diff(&logs(1, true, false), &logs(2, true, false)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let referenced = plan(&diff(&logs(1, true, true), &logs(2, true, true)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let step = referenced.steps.iter().find(|s| s.description == "add partition logs_2026_02 of public.logs").unwrap_or_else(|| panic!("{referenced}"));
        assert_eq!((&step.sql, &step.down), (&unreferenced.steps[0].sql, &unreferenced.steps[0].down));
        assert!(step.sql[1].contains("WITH moved AS (DELETE FROM public.logs_default WHERE at >= '2026-02-01' AND at < '2026-03-01' RETURNING *)"), "{}", step.sql[1]);
        assert!(step.sql[1].find("FOR pgarchitect_key IN") < step.sql[1].find("WITH moved AS (DELETE"), "{}", step.sql[1]);
        assert!(step.down.as_ref().is_some_and(|d| d[1] == "ALTER TABLE public.logs DETACH PARTITION public.logs_2026_02"), "{:?}", step.down);
        // The new partition gets the key's triggers: SHARE ROW EXCLUSIVE on the referencing table.
        let (ae, sre) = (LockLevel::AccessExclusive, LockLevel::ShareRowExclusive);
        assert_eq!((step.lock, &step.hazards[..]), (ae, &[Hazard::LongLock][..]));
        let locks = [(QualifiedName::public("logs"), ae), (QualifiedName::public("logs_default"), ae), (QualifiedName::public("notes"), sre)];
        assert_eq!(step.locks, locks);
        assert_eq!(unreferenced.steps[0].locks, locks[..2]);
        // A key that cascades runs its DELETE on the referencing table, matching no row (ROW EXCLUSIVE, weaker).
        let cascading = |n: u32| {
            let mut tables = logs(n, true, true).tables().to_vec();
            for t in &mut tables {
                t.foreign_keys.iter_mut().for_each(|fk| fk.on_delete = Some(ReferentialAction::Cascade));
            }
            tables.into_iter().fold(Schema::builder(), |b, t| b.add_table(t)).build().unwrap_or_else(|e| panic!("{e}"))
        };
        let cascade = plan(&diff(&cascading(1), &cascading(2)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let step = cascade.steps.iter().find(|s| s.description == "add partition logs_2026_02 of public.logs").unwrap_or_else(|| panic!("{cascade}"));
        assert_eq!(step.locks, locks);
    }

    #[test]
    fn a_renamed_table_still_moves_rows_out_of_its_renamed_default_partition() {
        let mut renamed = logs(2, true, false);
        let old = logs(1, true, false);
        let mut t = renamed.tables()[0].clone();
        t.name = QualifiedName::public("events");
        t.renamed_from = Some(QualifiedName::public("logs"));
        let p = t.partitioning.as_mut().unwrap();
        p.partitions = vec![Partition::new("events_2026_01", p.partitions[0].bound.clone()), Partition::new("events_2026_02", p.partitions[1].bound.clone())];
        renamed = Schema::builder().add_table(t).build().unwrap();
        let plan = plan(&diff(&old, &renamed), &PlanOptions::default().with_declared_renames(&renamed)).unwrap_or_else(|e| panic!("{e}"));
        let step = plan.steps.iter().find(|s| s.description == "add partition events_2026_02 of public.events").unwrap_or_else(|| panic!("{plan}"));
        assert_eq!(step.sql[0], "LOCK TABLE ONLY public.events, ONLY public.events_default IN ACCESS EXCLUSIVE MODE");
        let up = plan.up_script();
        assert!(up.find("RENAME TO events_default;").unwrap() < up.find("LOCK TABLE ONLY public.events").unwrap(), "{up}");
    }

    #[test]
    fn bound_conditions_take_the_rows_postgres_routes_to_the_partition() {
        let key = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let range = |from: &[&str], to: &[&str]| PartitionBound::Range { from: key(from), to: key(to) };
        let c = |k: &[&str], b: PartitionBound| sql::bound_condition(&key(k), &b);
        assert_eq!(c(&["at"], range(&["'2026-02-01'"], &["'2026-03-01'"])).unwrap(), "at >= '2026-02-01' AND at < '2026-03-01'");
        assert_eq!(c(&["n"], range(&["MINVALUE"], &["10"])).unwrap(), "n < 10");
        assert_eq!(c(&["n"], range(&["10"], &["MAXVALUE"])).unwrap(), "n >= 10");
        assert_eq!(c(&["n"], range(&["MINVALUE"], &["MAXVALUE"])).unwrap(), "n IS NOT NULL");
        // Several columns: row comparisons, cut at MINVALUE / MAXVALUE, and no NULL key.
        assert_eq!(
            c(&["y", "m"], range(&["2026", "1"], &["2026", "MAXVALUE"])).unwrap(),
            "y IS NOT NULL AND m IS NOT NULL AND (y, m) >= (2026, 1) AND y <= 2026"
        );
        assert_eq!(c(&["y", "m"], range(&["2026", "MAXVALUE"], &["2027", "MINVALUE"])).unwrap(), "y IS NOT NULL AND m IS NOT NULL AND y > 2026 AND y < 2027");
        assert_eq!(c(&["Region"], PartitionBound::List(key(&["'eu'", "'uk'"]))).unwrap(), "\"Region\" IN ('eu', 'uk')");
        assert_eq!(c(&["region"], PartitionBound::List(key(&["'eu'", "NULL"]))).unwrap(), "region IN ('eu') OR region IS NULL");
        assert_eq!(c(&["id"], PartitionBound::Hash { modulus: 4, remainder: 1 }), None);
    }


    #[test]
    fn moving_rows_locks_the_partitions_of_a_partitioned_table_a_cascading_key_writes() {
        // `tags` is partitioned and its key cascades: rows that move run the key's
        // DELETE on it, which may reach any of its partitions (ROW EXCLUSIVE); the
        // new partition's key triggers lock `tags` itself SHARE ROW EXCLUSIVE.
        let with_tags = |months: u32, on_delete: Option<ReferentialAction>| {
            let mut fk = ForeignKey::new(["log_id", "log_at"], QualifiedName::public("logs"), ["id", "at"]);
            fk.on_delete = on_delete;
            let tags = Table::new("tags")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("log_id", SqlType::BigInt))
                .column(Column::new("log_at", SqlType::Date))
                .primary_key(["id", "log_at"])
                .foreign_key(fk)
                .index(Index::on(["log_id", "log_at"]))
                .partition_by(Partitioning::range(["log_at"]).with_default());
            logs(months, true, false).tables().iter().cloned().chain([tags]).fold(Schema::builder(), |b, t| b.add_table(t)).build().unwrap_or_else(|e| panic!("{e}"))
        };
        let (ae, sre) = (LockLevel::AccessExclusive, LockLevel::ShareRowExclusive);
        let name = QualifiedName::public;
        for (on_delete, tags_default) in [(Some(ReferentialAction::Cascade), Some(LockLevel::RowExclusive)), (Some(ReferentialAction::Restrict), None)] {
            let p = plan(&diff(&with_tags(1, on_delete), &with_tags(2, on_delete)), &PlanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
            let step = p.steps.iter().find(|s| s.description == "add partition logs_2026_02 of public.logs").unwrap_or_else(|| panic!("{p}"));
            let mut locks = vec![(name("logs"), ae), (name("logs_default"), ae), (name("tags"), sre)];
            locks.extend(tags_default.map(|l| (name("tags_default"), l)));
            assert_eq!(step.locks, locks, "{on_delete:?}");
        }
    }
}
