//! Functions and triggers.

use super::QualifiedName;

/// Function volatility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Volatility {
    /// `IMMUTABLE`.
    Immutable,
    /// `STABLE`.
    Stable,
    /// `VOLATILE` (PostgreSQL's default).
    Volatile,
}

/// `CREATE OR REPLACE FUNCTION`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Function {
    /// Qualified name.
    pub name: QualifiedName,
    /// Argument list as SQL (`"parent regclass, ahead integer DEFAULT 3"`), empty for none.
    pub arguments: String,
    /// Return type as SQL (`trigger`, `integer`, `SETOF record`).
    pub returns: String,
    /// Language (`plpgsql`, `sql`).
    pub language: String,
    /// The body (written dollar-quoted with a tag that does not occur in it).
    pub body: String,
    /// Volatility, when not the default.
    pub volatility: Option<Volatility>,
    /// `SECURITY DEFINER`.
    pub security_definer: bool,
    /// `SET search_path = ...` (always set it for `SECURITY DEFINER`).
    pub search_path: Option<String>,
    /// Tables and views the body reads: it is created after them (SQL-language
    /// bodies are checked at creation).
    pub depends_on: Vec<QualifiedName>,
    /// `COMMENT ON FUNCTION`.
    pub comment: Option<String>,
}

impl Function {
    /// A function with a body.
    pub fn new(name: QualifiedName, returns: impl Into<String>, language: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            name,
            arguments: String::new(),
            returns: returns.into(),
            language: language.into(),
            body: body.into(),
            volatility: None,
            security_definer: false,
            search_path: None,
            depends_on: Vec::new(),
            comment: None,
        }
    }

    /// A plpgsql trigger function.
    pub fn trigger(name: QualifiedName, body: impl Into<String>) -> Self {
        Self::new(name, "trigger", "plpgsql", body)
    }

    /// Sets the argument list.
    pub fn arguments(mut self, arguments: impl Into<String>) -> Self {
        self.arguments = arguments.into();
        self
    }

    /// Declares a table or view the body depends on.
    pub fn depends_on(mut self, name: QualifiedName) -> Self {
        self.depends_on.push(name);
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

/// When a trigger fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TriggerTiming {
    /// `BEFORE`.
    Before,
    /// `AFTER`.
    After,
    /// `INSTEAD OF` (views).
    InsteadOf,
}

/// An event that fires a trigger.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TriggerEvent {
    /// `INSERT`.
    Insert,
    /// `UPDATE`, or `UPDATE OF columns` when not empty.
    Update(Vec<String>),
    /// `DELETE`.
    Delete,
    /// `TRUNCATE` (statement triggers only).
    Truncate,
}

/// `CREATE TRIGGER`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Trigger {
    /// Trigger name (unique per table).
    pub name: String,
    /// Timing.
    pub timing: TriggerTiming,
    /// Events (combined with OR).
    pub events: Vec<TriggerEvent>,
    /// `FOR EACH ROW` (else `FOR EACH STATEMENT`).
    pub for_each_row: bool,
    /// `WHEN (...)`.
    pub when: Option<String>,
    /// The trigger function.
    pub function: QualifiedName,
    /// Arguments passed as `TG_ARGV` (string constants).
    pub arguments: Vec<String>,
    /// `COMMENT ON TRIGGER`.
    pub comment: Option<String>,
}

impl Trigger {
    /// A row trigger.
    pub fn new(name: impl Into<String>, timing: TriggerTiming, events: impl IntoIterator<Item = TriggerEvent>, function: QualifiedName) -> Self {
        Self {
            name: name.into(),
            timing,
            events: events.into_iter().collect(),
            for_each_row: true,
            when: None,
            function,
            arguments: Vec::new(),
            comment: None,
        }
    }

    /// Fires once per statement instead of once per row.
    pub fn for_each_statement(mut self) -> Self {
        self.for_each_row = false;
        self
    }

    /// Passes an argument.
    pub fn argument(mut self, value: impl Into<String>) -> Self {
        self.arguments.push(value.into());
        self
    }

    /// Sets `WHEN`.
    pub fn when(mut self, condition: impl Into<String>) -> Self {
        self.when = Some(condition.into());
        self
    }

    /// Sets the comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }
}
