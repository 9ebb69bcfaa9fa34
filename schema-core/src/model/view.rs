//! Views, materialized views and domains.

use super::{CheckConstraint, Index, QualifiedName};
use crate::types::SqlType;

/// `CREATE VIEW` or `CREATE MATERIALIZED VIEW`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct View {
    /// Qualified name.
    pub name: QualifiedName,
    /// The `SELECT` query.
    pub query: String,
    /// Materialized.
    pub materialized: bool,
    /// Tables and views the query reads, so they are created first.
    pub depends_on: Vec<QualifiedName>,
    /// Indexes (materialized views only); a unique one lets `REFRESH ... CONCURRENTLY` work.
    pub indexes: Vec<Index>,
    /// `WITH (security_invoker = true)` (views, PostgreSQL 15+): the caller's
    /// privileges and RLS policies apply to the underlying tables.
    pub security_invoker: bool,
    /// `COMMENT ON [MATERIALIZED] VIEW`.
    pub comment: Option<String>,
}

impl View {
    /// A plain view.
    pub fn new(name: QualifiedName, query: impl Into<String>) -> Self {
        Self { name, query: query.into(), materialized: false, depends_on: Vec::new(), indexes: Vec::new(), security_invoker: false, comment: None }
    }

    /// A materialized view.
    pub fn materialized(name: QualifiedName, query: impl Into<String>) -> Self {
        Self { materialized: true, ..Self::new(name, query) }
    }

    /// Declares a dependency.
    pub fn depends_on(mut self, name: QualifiedName) -> Self {
        self.depends_on.push(name);
        self
    }

    /// Adds an index (materialized views).
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// `CREATE DOMAIN name AS base [DEFAULT ...] [NOT NULL] [CHECK (...)]`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Domain {
    /// Qualified name.
    pub name: QualifiedName,
    /// Underlying type.
    pub base: SqlType,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Default expression.
    pub default: Option<String>,
    /// Checks, written with `VALUE` for the value.
    pub checks: Vec<CheckConstraint>,
    /// `COMMENT ON DOMAIN`.
    pub comment: Option<String>,
}

impl Domain {
    /// A domain in `public`.
    pub fn new(name: impl Into<String>, base: SqlType) -> Self {
        Self { name: QualifiedName::public(name), base, not_null: false, default: None, checks: Vec::new(), comment: None }
    }

    /// A domain in `schema`.
    pub fn in_schema(schema: impl Into<String>, name: impl Into<String>, base: SqlType) -> Self {
        Self { name: QualifiedName::new(schema, name), ..Self::new("", base) }
    }

    /// Refuses NULL.
    pub fn not_null(mut self) -> Self {
        self.not_null = true;
        self
    }

    /// Sets the default expression.
    pub fn default_expr(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(expr.into());
        self
    }

    /// Adds a check (`VALUE ~ '^...$'`).
    pub fn check(mut self, check: CheckConstraint) -> Self {
        self.checks.push(check);
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}
