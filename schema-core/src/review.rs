//! The architect's open questions: what a careful reviewer would still ask about a
//! schema before approving it, following the brief's "do not make assumptions; ask".
//!
//! Each [`Question`] is tied to an object and to one of the brief's Refining
//! Questions categories. A decision recorded in the model answers it, and the
//! answer is kept so docs can show it:
//!
//! | id | asked for | answered by |
//! |----|-----------|-------------|
//! | `on-delete-action` | a foreign key whose ON DELETE was never chosen | [`ForeignKey::on_delete`](crate::model::ForeignKey::on_delete) |
//! | `expected-volume` | a table with time-stamped rows (a date/time column other than `created_at`, `updated_at`, `deleted_at` or one defaulting to the current time), or range-partitioned | [`Table::volume`] |
//! | `retention` | the same tables, and tables holding personal data | [`Table::retention`] |
//! | `personal-data-protection` | a column marked personal data | [`Column::protection`] |
//! | `row-level-security` | when some table uses RLS: a table without it that holds personal data or per-user/tenant rows, or references a table with RLS | enabling RLS |
//! | `soft-delete-children` | a table that references a soft-deleted table but is not soft-deleted | — |
//! | `live-row-indexes` | a soft-deleted table: do queries read only live rows? | a partial index on `deleted_at IS NULL` |
//!
//! Every question can also be answered by an allow on its table or column whose
//! rule is the question's id, with the answer as reason
//! (`Table::allow("row-level-security", "admin-only table, reached through app_admin")`).
//!
//! ```
//! use pgarchitect_core::{Schema, SqlType, model::*};
//! use pgarchitect_core::review::QuestionCategory;
//!
//! let schema = Schema::builder()
//!     .add_table(Table::new("users").column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).primary_key(["id"]))
//!     .add_table(
//!         Table::new("posts")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .column(Column::new("user_id", SqlType::BigInt))
//!             .column(Column::new("published_at", SqlType::Timestamptz).nullable())
//!             .primary_key(["id"])
//!             .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]))
//!             .volume("50k rows/month"),
//!     )
//!     .build()?;
//!
//! let questions = schema.review();
//! let open: Vec<_> = questions.iter().filter(|q| q.is_open()).collect();
//! assert_eq!(open.len(), 2);
//! assert_eq!(open[0].id, "retention");
//! assert_eq!(open[1].category, QuestionCategory::BusinessRules);
//! assert_eq!(open[1].object, "public.posts.user_id");
//! let volume = questions.iter().find(|q| q.id == "expected-volume").unwrap();
//! assert_eq!(volume.answered_by.as_deref(), Some("50k rows/month"));
//! # Ok::<(), pgarchitect_core::SchemaErrors>(())
//! ```

use std::fmt;

use crate::ident::Ident;
use crate::model::{Column, QualifiedName, Table};
use crate::schema::Schema;
use crate::types::SqlType;

/// The brief's Refining Questions categories a question belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuestionCategory {
    /// Data scale and performance: volume, growth, load.
    Scale,
    /// Business rules: relationships, constraints, what a deletion means.
    BusinessRules,
    /// Access patterns: how the data is queried.
    AccessPatterns,
    /// Data management: retention, archival, soft versus hard delete.
    DataManagement,
    /// Security and compliance: personal data, row-level security.
    Security,
}

impl QuestionCategory {
    /// The brief's heading for the category.
    pub fn title(self) -> &'static str {
        match self {
            Self::Scale => "Data Scale & Performance",
            Self::BusinessRules => "Business Rules",
            Self::AccessPatterns => "Access Patterns",
            Self::DataManagement => "Data Management",
            Self::Security => "Security & Compliance",
        }
    }
}

impl fmt::Display for QuestionCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// The ids of every kind of question, usable as the rule of an allow that answers it.
pub const QUESTION_IDS: &[&str] = &[
    "expected-volume",
    "live-row-indexes",
    "on-delete-action",
    "personal-data-protection",
    "retention",
    "row-level-security",
    "soft-delete-children",
];

/// A question about the schema, open or answered by a recorded decision.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Question {
    /// What kind of question (one of [`QUESTION_IDS`]).
    pub id: &'static str,
    /// The brief's category.
    pub category: QuestionCategory,
    /// The object asked about (`public.posts.user_id`, `public.audit_logs`).
    pub object: String,
    /// The table concerned.
    pub table: Option<QualifiedName>,
    /// The column concerned, if any.
    pub column: Option<String>,
    /// The question.
    pub question: String,
    /// The recorded decision that answers it, if any.
    pub answered_by: Option<String>,
}

impl Question {
    /// Whether no recorded decision answers it.
    pub fn is_open(&self) -> bool {
        self.answered_by.is_none()
    }
}

/// `[Business Rules] public.posts.user_id: When ...?` and, when answered, `\n  answered: ...`.
impl fmt::Display for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.category, self.object, self.question)?;
        if let Some(answer) = &self.answered_by {
            write!(f, "\n  answered: {answer}")?;
        }
        Ok(())
    }
}

/// For the docs' "open questions" section: the topic is `<category>: <object>`.
impl From<&Question> for crate::docs::OpenQuestion {
    fn from(q: &Question) -> Self {
        crate::docs::OpenQuestion::new(format!("{}: {}", q.category, q.object), q.question.clone())
    }
}

/// Columns whose name says each row belongs to a user or tenant.
const OWNER_COLUMNS: &[&str] =
    &["user_id", "owner_id", "tenant_id", "account_id", "organization_id", "org_id", "customer_id", "author_id", "member_id", "team_id"];

/// Time columns that every table has, which say nothing about growth.
const BOOKKEEPING: &[&str] = &["created_at", "updated_at", "deleted_at", "modified_at"];

impl Schema {
    /// The questions a careful architect would still ask, answered ones included,
    /// sorted by table, column, object and question id (see [`crate::review`]).
    pub fn review(&self) -> Vec<Question> {
        let mut out = Vec::new();
        let rls_tables: Vec<&Table> = self.tables().iter().filter(|t| t.rls.enabled).collect();
        for table in self.tables() {
            on_delete(table, &mut out);
            volume_and_retention(self, table, &mut out);
            personal_data(table, &mut out);
            if !rls_tables.is_empty() && !table.rls.enabled {
                row_level_security(table, &rls_tables, &mut out);
            }
            soft_delete(self, table, &mut out);
        }
        out.sort_by(|a, b| (&a.table, &a.column, &a.object, a.id).cmp(&(&b.table, &b.column, &b.object, b.id)));
        out
    }
}

/// The reason of an allow answering question `id` on the column or its table.
fn allowed(id: &str, table: &Table, column: Option<&Column>) -> Option<String> {
    let of = |allows: &[crate::model::LintAllow]| allows.iter().find(|a| a.rule == id).map(|a| a.reason.clone());
    column.and_then(|c| of(&c.allows)).or_else(|| of(&table.allows))
}

fn ask(id: &'static str, category: QuestionCategory, table: &Table, column: Option<&Column>, object: String, question: String, answer: Option<String>) -> Question {
    Question {
        id,
        category,
        object,
        table: Some(table.name.clone()),
        column: column.map(|c| c.name.clone()),
        question,
        answered_by: answer.or_else(|| allowed(id, table, column)),
    }
}

fn on_delete(table: &Table, out: &mut Vec<Question>) {
    for fk in &table.foreign_keys {
        let column = match fk.columns.as_slice() {
            [single] => table.find_column(single),
            _ => None,
        };
        let object = match column {
            Some(c) => crate::lint::column_object(table, &c.name),
            None => format!("foreign key {} on {}", Ident(fk.name.as_deref().unwrap_or_default()), table.name),
        };
        let question = format!(
            "When a row of {} is deleted, what happens to the rows of {} that reference it: deleted with it (CASCADE), the deletion refused while they exist (RESTRICT), or kept with the reference cleared (SET NULL)? Unchosen, PostgreSQL refuses the deletion (NO ACTION).",
            fk.references, table.name
        );
        let answer = fk.on_delete.map(|a| match fk.on_delete_set_columns.as_slice() {
            [] => format!("ON DELETE {}", a.as_sql()),
            set => format!("ON DELETE {} ({})", a.as_sql(), set.iter().map(|c| Ident(c).to_string()).collect::<Vec<_>>().join(", ")),
        });
        out.push(ask("on-delete-action", QuestionCategory::BusinessRules, table, column, object, question, answer));
    }
}

fn is_time(schema: &Schema, ty: &SqlType) -> bool {
    let mut ty = ty.clone();
    // Look through domains.
    for _ in 0..8 {
        match &ty {
            SqlType::Named(n) => match schema.domains().iter().find(|d| crate::lint::same_type_name(&d.name, n)) {
                Some(d) => ty = d.base.clone(),
                None => break,
            },
            _ => break,
        }
    }
    matches!(ty, SqlType::Date | SqlType::Timestamp | SqlType::Timestamptz)
}

fn volume_and_retention(schema: &Schema, table: &Table, out: &mut Vec<Question>) {
    let time_columns: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| !BOOKKEEPING.contains(&c.name.as_str()) && !defaults_to_now(c) && is_time(schema, &c.ty))
        .map(|c| c.name.as_str())
        .collect();
    let range_partitioned = table.partitioning.as_ref().is_some_and(|p| p.strategy == crate::model::PartitionStrategy::Range);
    let personal: Vec<&str> = table.columns.iter().filter(|c| c.personal_data).map(|c| c.name.as_str()).collect();
    let grows = range_partitioned || !time_columns.is_empty();
    let why = if range_partitioned {
        "it is partitioned by range, so it is expected to grow".to_owned()
    } else {
        format!("its rows are time-stamped ({})", time_columns.join(", "))
    };
    if grows {
        let question = format!(
            "How many rows will {} hold, and how fast will it grow (rows per day or month, peak writes)? {}. The answer decides its indexes, partitioning and archiving.",
            table.name,
            capitalize(&why)
        );
        out.push(ask("expected-volume", QuestionCategory::Scale, table, None, table.name.to_string(), question, table.volume.clone()));
    }
    if grows || !personal.is_empty() {
        let mut question = format!("How long are rows of {} kept, and what happens after: deleted, archived, anonymized?", table.name);
        if !personal.is_empty() {
            question.push_str(&format!(" It holds personal data ({}), which regulations such as GDPR allow only as long as needed.", personal.join(", ")));
        }
        out.push(ask("retention", QuestionCategory::DataManagement, table, None, table.name.to_string(), question, table.retention.clone()));
    }
}

/// A column recording when the row was written (`applied_at DEFAULT now()`).
fn defaults_to_now(column: &Column) -> bool {
    column.default.as_deref().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        ["now()", "current_timestamp", "transaction_timestamp()", "statement_timestamp()", "clock_timestamp()", "current_date"].iter().any(|f| d.contains(f))
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn personal_data(table: &Table, out: &mut Vec<Question>) {
    for column in table.columns.iter().filter(|c| c.personal_data) {
        let rls = if table.rls.enabled { "row-level security limits the rows" } else { "the table has no row-level security" };
        let question = format!(
            "{} holds personal data ({rls}): who may read it, and how is it protected at rest and in backups (encryption, hashing, masking, a column grant)?",
            crate::lint::column_object(table, &column.name)
        );
        let object = crate::lint::column_object(table, &column.name);
        out.push(ask("personal-data-protection", QuestionCategory::Security, table, Some(column), object, question, column.protection.clone()));
    }
}

fn row_level_security(table: &Table, rls_tables: &[&Table], out: &mut Vec<Question>) {
    let personal: Vec<&str> = table.columns.iter().filter(|c| c.personal_data).map(|c| c.name.as_str()).collect();
    let owners: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).filter(|n| OWNER_COLUMNS.contains(n)).collect();
    // Rows that belong to rows row-level security limits (invoice_lines of invoices):
    // readable here whatever the parent's policies hide.
    let parents: Vec<String> = table
        .foreign_keys
        .iter()
        .filter(|fk| fk.references != table.name && rls_tables.iter().any(|t| t.name == fk.references))
        .map(|fk| format!("{} ({})", fk.references, fk.columns.join(", ")))
        .collect();
    if personal.is_empty() && owners.is_empty() && parents.is_empty() {
        return;
    }
    let mut reasons = Vec::new();
    if !personal.is_empty() {
        reasons.push(format!("holds personal data ({})", personal.join(", ")));
    }
    if !owners.is_empty() {
        reasons.push(format!("has per-user or per-tenant rows ({})", owners.join(", ")));
    }
    if !parents.is_empty() {
        reasons.push(format!("references rows that row-level security limits, of {}", parents.join(", ")));
    }
    let others: Vec<String> = rls_tables.iter().take(3).map(|t| t.name.to_string()).collect();
    let question = format!(
        "{} use{} row-level security, but {} {} and has none: should its rows be limited the same way, or is access controlled elsewhere (which roles can read it)?",
        others.join(", "),
        if others.len() == 1 { "s" } else { "" },
        table.name,
        reasons.join(" and ")
    );
    out.push(ask("row-level-security", QuestionCategory::Security, table, None, table.name.to_string(), question, None));
}

/// Soft-deleted: flagged, or a nullable `deleted_at` column.
fn is_soft_deleted(table: &Table) -> bool {
    table.soft_delete || table.find_column("deleted_at").is_some_and(|c| c.nullable)
}

fn soft_delete(schema: &Schema, table: &Table, out: &mut Vec<Question>) {
    if is_soft_deleted(table) {
        let live: Vec<&str> = table
            .indexes
            .iter()
            .filter(|i| i.predicate.as_deref().is_some_and(|p| p.to_ascii_lowercase().contains("deleted_at")))
            .filter_map(|i| i.name.as_deref())
            .collect();
        let answer = (!live.is_empty()).then(|| format!("partial indexes on live rows: {}", live.join(", ")));
        let question = format!(
            "Do most queries on {} read only live rows (deleted_at IS NULL)? Then its lookup indexes should be partial on live rows, and unique keys should let a deleted row's value be reused only if the business allows it.",
            table.name
        );
        out.push(ask("live-row-indexes", QuestionCategory::AccessPatterns, table, None, table.name.to_string(), question, answer));
    }
    if is_soft_deleted(table) {
        return;
    }
    for fk in &table.foreign_keys {
        let Some(parent) = schema.table(&fk.references) else { continue };
        if parent.name == table.name || !is_soft_deleted(parent) {
            continue;
        }
        let column = match fk.columns.as_slice() {
            [single] => table.find_column(single),
            _ => None,
        };
        let object = match column {
            Some(c) => crate::lint::column_object(table, &c.name),
            None => format!("foreign key {} on {}", Ident(fk.name.as_deref().unwrap_or_default()), table.name),
        };
        let question = format!(
            "Rows of {} are soft-deleted, but rows of {} that reference them are not: when a parent is soft-deleted, should these stay visible, be hidden by joining to live parents, or be soft-deleted with it?",
            parent.name, table.name
        );
        out.push(ask("soft-delete-children", QuestionCategory::DataManagement, table, column, object, question, None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn t(name: &str) -> Table {
        Table::new(name).column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).primary_key(["id"])
    }

    fn ids(questions: &[Question]) -> Vec<(&'static str, &str, bool)> {
        questions.iter().map(|q| (q.id, q.object.as_str(), q.is_open())).collect()
    }

    #[test]
    fn foreign_keys_ask_for_on_delete_until_chosen() {
        let schema = Schema::builder()
            .add_table(t("users"))
            .add_table(
                t("posts")
                    .column(Column::new("user_id", SqlType::BigInt))
                    .column(Column::new("editor_id", SqlType::BigInt).nullable())
                    .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]).on_delete(ReferentialAction::Cascade))
                    .foreign_key(ForeignKey::new(["editor_id"], QualifiedName::public("users"), ["id"])),
            )
            .build()
            .unwrap();
        let q = schema.review();
        assert_eq!(ids(&q), [("on-delete-action", "public.posts.editor_id", true), ("on-delete-action", "public.posts.user_id", false)]);
        assert_eq!(q[1].answered_by.as_deref(), Some("ON DELETE CASCADE"));
        assert_eq!(q[0].category, QuestionCategory::BusinessRules);
        assert!(q[0].question.contains("When a row of public.users is deleted"));
    }

    #[test]
    fn time_columns_ask_for_volume_and_retention() {
        let schema = Schema::builder()
            .add_table(t("tags").timestamps().soft_delete())
            .add_table(t("events").column(Column::new("occurred_at", SqlType::Timestamptz)).volume("2M rows/day"))
            .add_table(t("payments").column(Column::new("paid_on", SqlType::Date)).volume("1k/day").retention("10 years (tax law)"))
            .build()
            .unwrap();
        let q: Vec<Question> = schema.review().into_iter().filter(|q| q.id != "live-row-indexes").collect();
        assert_eq!(
            ids(&q),
            [
                ("expected-volume", "public.events", false),
                ("retention", "public.events", true),
                ("expected-volume", "public.payments", false),
                ("retention", "public.payments", false),
            ]
        );
        assert_eq!(q[3].answered_by.as_deref(), Some("10 years (tax law)"));
        assert_eq!(q[0].category, QuestionCategory::Scale);
        assert_eq!(q[1].category, QuestionCategory::DataManagement);
    }

    #[test]
    fn personal_data_asks_for_protection_and_retention() {
        let schema = Schema::builder()
            .add_table(
                t("users")
                    .column(Column::new("email", SqlType::Text).personal_data().protection("RLS: own row; encrypted at rest"))
                    .column(Column::new("phone", SqlType::Text).personal_data()),
            )
            .build()
            .unwrap();
        let q = schema.review();
        assert_eq!(
            ids(&q),
            [("retention", "public.users", true), ("personal-data-protection", "public.users.email", false), ("personal-data-protection", "public.users.phone", true)]
        );
        assert!(q[0].question.contains("personal data (email, phone)"));
        assert_eq!(q[1].category, QuestionCategory::Security);
    }

    #[test]
    fn partial_rls_asks_about_the_other_tables() {
        let build = |with_rls: bool| {
            let mut docs = t("documents").column(Column::new("owner_id", SqlType::BigInt));
            if with_rls {
                docs = docs.row_level_security(true).policy(Policy::isolate_by_setting("own", "owner_id", &SqlType::BigInt, "app.user_id"));
            }
            Schema::builder()
                .add_table(t("accounts").row_level_security(true).policy(Policy::new("all").using("true")))
                .add_table(docs)
                .add_table(t("tags"))
                .add_table(t("notes").column(Column::new("tenant_id", SqlType::BigInt)).allow("row-level-security", "notes are shared by design"))
                .build()
                .unwrap()
                .review()
        };
        let q = build(false);
        assert_eq!(ids(&q), [("row-level-security", "public.documents", true), ("row-level-security", "public.notes", false)]);
        assert!(q[0].question.contains("public.accounts uses row-level security"));
        assert!(q[0].question.contains("(owner_id)"));
        assert_eq!(q[1].answered_by.as_deref(), Some("notes are shared by design"));
        assert_eq!(ids(&build(true)), [("row-level-security", "public.notes", false)]);
    }

    #[test]
    fn soft_delete_asks_about_children_and_live_rows() {
        let schema = Schema::builder()
            .add_table(t("users").soft_delete().index(Index::on(["id"]).named("users_live").live_rows()))
            .add_table(
                t("posts")
                    .column(Column::new("user_id", SqlType::BigInt))
                    .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]).on_delete(ReferentialAction::Restrict)),
            )
            .add_table(
                t("comments")
                    .soft_delete()
                    .column(Column::new("user_id", SqlType::BigInt))
                    .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]).on_delete(ReferentialAction::Restrict)),
            )
            .build()
            .unwrap();
        let q: Vec<Question> = schema.review().into_iter().filter(|q| q.id != "on-delete-action").collect();
        assert_eq!(
            ids(&q),
            [
                ("live-row-indexes", "public.comments", true),
                ("soft-delete-children", "public.posts.user_id", true),
                ("live-row-indexes", "public.users", false),
            ]
        );
        assert_eq!(q[2].answered_by.as_deref(), Some("partial indexes on live rows: users_live"));
        assert_eq!(q[1].category, QuestionCategory::DataManagement);
        assert_eq!(q[0].category, QuestionCategory::AccessPatterns);
    }

    #[test]
    fn question_ids_are_sorted_and_distinct_from_rules() {
        let mut sorted = QUESTION_IDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, QUESTION_IDS);
        for id in QUESTION_IDS {
            assert!(crate::lint::rule(id).is_none(), "{id} is both a question and a rule");
        }
    }

    // ---- user review (session 2026-12-02) ----

    /// invoice_lines has no tenant column of its own, but its rows belong to
    /// invoices, which row-level security limits: a role granted both reads every
    /// tenant's lines. It was not asked about.
    #[test]
    fn rls_asks_about_tables_referencing_limited_rows() {
        let build = |lines_rls: bool| {
            let mut lines = Table::new("invoice_lines")
                .column(Column::new("invoice_id", SqlType::BigInt))
                .column(Column::new("line_no", SqlType::Integer))
                .primary_key(["invoice_id", "line_no"])
                .foreign_key(ForeignKey::new(["invoice_id"], QualifiedName::public("invoices"), ["id"]));
            if lines_rls {
                lines = lines.row_level_security(true).policy(Policy::new("via_invoice").using("EXISTS (SELECT 1 FROM public.invoices i WHERE i.id = invoice_id)"));
            }
            Schema::builder()
                .add_table(t("organizations"))
                .add_table(
                    t("invoices")
                        .column(Column::new("organization_id", SqlType::BigInt))
                        .foreign_key(ForeignKey::new(["organization_id"], QualifiedName::public("organizations"), ["id"]))
                        .row_level_security(true)
                        .policy(Policy::isolate_by_setting("own", "organization_id", &SqlType::BigInt, "app.org_id")),
                )
                // A self-reference is no reason, nor a reference to a table without RLS.
                .add_table(t("notes").column(Column::new("parent_id", SqlType::BigInt).nullable()).foreign_key(ForeignKey::new(["parent_id"], QualifiedName::public("notes"), ["id"])))
                .add_table(lines)
                .build()
                .unwrap()
                .review()
                .into_iter()
                .filter(|q| q.id == "row-level-security")
                .collect::<Vec<_>>()
        };
        let q = build(false);
        assert_eq!(ids(&q), [("row-level-security", "public.invoice_lines", true)]);
        assert!(
            q[0].question.contains("but public.invoice_lines references rows that row-level security limits, of public.invoices (invoice_id) and has none"),
            "{}",
            q[0].question
        );
        assert!(build(true).is_empty());
    }

    /// The reason a table is asked about its volume is a sentence of its own: it
    /// read "Its rows are time-stamped (issued_at, due_at) The answer decides...".
    #[test]
    fn volume_question_reads_as_sentences() {
        let range = Partitioning::range(["created_at"]);
        let schema = Schema::builder()
            .add_table(t("invoices").column(Column::new("issued_at", SqlType::Timestamptz)).column(Column::new("due_at", SqlType::Date)))
            .add_table(
                Table::new("logs")
                    .column(Column::new("id", SqlType::BigInt))
                    .column(Column::new("created_at", SqlType::Timestamptz))
                    .primary_key(["id", "created_at"])
                    .partition_by(range),
            )
            .build()
            .unwrap();
        let q: Vec<Question> = schema.review().into_iter().filter(|q| q.id == "expected-volume").collect();
        assert_eq!(q.len(), 2);
        assert!(
            q[0].question.ends_with("peak writes)? Its rows are time-stamped (issued_at, due_at). The answer decides its indexes, partitioning and archiving."),
            "{}",
            q[0].question
        );
        assert!(q[1].question.contains("? It is partitioned by range, so it is expected to grow. The answer decides"), "{}", q[1].question);
    }

    #[test]
    fn a_set_null_column_list_is_part_of_the_answer() {
        let schema = Schema::builder()
            .add_table(t("parents").column(Column::new("tenant_id", SqlType::BigInt)).unique(UniqueConstraint::new(["tenant_id", "id"])))
            .add_table(
                t("kids")
                    .column(Column::new("tenant_id", SqlType::BigInt))
                    .column(Column::new("parent_id", SqlType::BigInt).nullable())
                    .foreign_key(
                        ForeignKey::new(["tenant_id", "parent_id"], QualifiedName::public("parents"), ["tenant_id", "id"])
                            .on_delete(ReferentialAction::SetNull)
                            .on_delete_set_columns(["parent_id"]),
                    ),
            )
            .build()
            .unwrap();
        let q: Vec<Question> = schema.review().into_iter().filter(|q| q.id == "on-delete-action").collect();
        assert_eq!(q[0].answered_by.as_deref(), Some("ON DELETE SET NULL (parent_id)"));
    }
}
