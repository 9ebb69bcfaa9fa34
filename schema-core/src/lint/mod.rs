//! The design review's linter: the brief's DOs and DON'Ts, and what PostgreSQL
//! practice adds to them, checked on a validated [`Schema`].
//!
//! `build()` refuses what PostgreSQL would reject; the linter reports what PostgreSQL
//! accepts but a careful architect would not: foreign keys without an index, float
//! money, `timestamp` without time zone, RLS that is enabled but not forced, a policy
//! that raises when a setting is absent, partitions that do not cover today...
//!
//! Every rule lives in its own file under `lint/rules/`, with its tests, and has a
//! page under `docs/lints/<rule-id>.md`; [`rules()`] lists them.
//!
//! ```
//! use pgarchitect_core::{Schema, SqlType, model::*};
//! use pgarchitect_core::lint::{LintConfig, Severity};
//!
//! let schema = Schema::builder()
//!     .add_table(
//!         Table::new("users")
//!             .comment("Accounts")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .primary_key(["id"])
//!             .timestamps(),
//!     )
//!     .add_table(
//!         Table::new("orders")
//!             .comment("Orders placed by users")
//!             .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
//!             .column(Column::new("user_id", SqlType::BigInt))
//!             .column(Column::new("total", SqlType::DoublePrecision))
//!             .primary_key(["id"])
//!             .column(Column::new("placed_at", SqlType::Timestamptz).default_expr("now()"))
//!             .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]))
//!             // The reason is kept: docs show "allowed: <reason>".
//!             .allow("missing-timestamps", "orders are immutable once placed"),
//!     )
//!     .build()?;
//!
//! let report = schema.lint();
//! let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
//! assert_eq!(rules, ["float-for-money", "foreign-key-without-index"]);
//! assert!(report.to_string().contains("warning[foreign-key-without-index]"));
//! assert!(report.to_string().contains("  --> public.orders.user_id"));
//!
//! // Per-rule levels for the whole schema.
//! let strict = LintConfig::new().deny("float-for-money").allow("foreign-key-without-index", "tiny table");
//! let report = schema.lint_with(&strict);
//! assert_eq!(report.diagnostics.len(), 1);
//! assert_eq!(report.diagnostics[0].severity, Severity::Error);
//! assert_eq!(report.allowed[0].reason, "orders are immutable once placed");
//! assert_eq!(report.allowed[1].reason, "tiny table");
//! # Ok::<(), pgarchitect_core::SchemaErrors>(())
//! ```
//!
//! Two checks are deliberately not rules, because `build()` already refuses them: a
//! table without a primary key, and an identifier longer than 63 bytes among the
//! names pgarchitect writes (`identifier-too-long` covers the one PostgreSQL derives
//! itself, an identity column's sequence).

use std::collections::BTreeMap;
use std::fmt;

use crate::ident::Ident;
use crate::model::{CivilDate, Column, QualifiedName, Table};
use crate::schema::Schema;

mod context;
mod names;
mod output;
mod rules;

pub(crate) use context::{same_type_name, Context};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth considering; never fails a check.
    Info,
    /// Against the brief or common PostgreSQL practice; fix it or allow it with a reason.
    Warning,
    /// Breaks at run time or silently defeats a safeguard (a policy that is ignored,
    /// an insert that has no partition to go to).
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's level for a whole schema, overriding its default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Findings are moved to [`LintReport::allowed`].
    Allow,
    /// Findings are warnings.
    Warn,
    /// Findings are errors.
    Deny,
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The rule id, kebab-case (`foreign-key-without-index`).
    pub rule: &'static str,
    /// Severity, after [`LintConfig`] levels.
    pub severity: Severity,
    /// The object concerned, as SQL names it: `public.users.email`,
    /// `index public.idx_users_email`, `policy users_select_own on public.users`.
    pub object: String,
    /// The table the object belongs to, if any (for docs that group findings by table).
    pub table: Option<QualifiedName>,
    /// The column the finding is about, if any.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Diagnostic {
    /// The finding as one JSON object.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        output::write_json_diagnostic(&mut out, self, None);
        out
    }
}

/// Displays like rustc: `warning[rule]: message`, then `  --> object`, then `  = help: ...`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        output::write_human(f, self)
    }
}

/// A finding silenced by an allow, with the reason given for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AllowedDiagnostic {
    /// The finding, at the rule's default severity.
    pub diagnostic: Diagnostic,
    /// Why it is allowed (from the table's or column's `allows`, or from [`LintConfig::allow`]).
    pub reason: String,
}

/// What [`Schema::lint`] found: the findings to act on, and those allowed with a reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintReport {
    /// Findings, sorted by table, column, object, rule and message.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by an allow, in the same order.
    pub allowed: Vec<AllowedDiagnostic>,
}

impl LintReport {
    /// Whether no finding is a warning or an error (infos do not count).
    pub fn is_clean(&self) -> bool {
        self.diagnostics.iter().all(|d| d.severity == Severity::Info)
    }

    /// Whether some finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// The findings of one rule.
    pub fn of_rule<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diagnostics.iter().filter(move |d| d.rule == rule)
    }

    /// The allowed findings about `table` (and `column`, when given), for docs.
    pub fn allowed_on<'a>(&'a self, table: &'a QualifiedName, column: Option<&'a str>) -> impl Iterator<Item = &'a AllowedDiagnostic> + 'a {
        self.allowed
            .iter()
            .filter(move |a| a.diagnostic.table.as_ref() == Some(table) && a.diagnostic.column.as_deref() == column)
    }

    /// The report for people: each finding like rustc, then a summary line.
    pub fn to_human(&self) -> String {
        self.to_string()
    }

    /// The report as JSON: `{"diagnostics": [...], "allowed": [...]}`, where each
    /// entry has `rule`, `severity`, `object`, `table`, `column`, `message`, `help`,
    /// and allowed ones a `reason`.
    pub fn to_json(&self) -> String {
        output::report_json(self)
    }
}

impl LintReport {
    /// The findings in the shape the docs emitters and `build_support` print: each
    /// diagnostic at its severity, then each allowed one as a note whose help is
    /// `allowed: <reason>`.
    pub fn to_findings(&self) -> Vec<crate::docs::Finding> {
        let allowed = self.allowed.iter().map(|a| {
            crate::docs::Finding::new(crate::docs::Level::Note, a.diagnostic.rule, a.diagnostic.message.clone())
                .object(a.diagnostic.object.clone())
                .help(format!("allowed: {}", a.reason))
        });
        self.diagnostics.iter().map(crate::docs::Finding::from).chain(allowed).collect()
    }
}

impl From<&Diagnostic> for crate::docs::Finding {
    fn from(d: &Diagnostic) -> Self {
        let level = match d.severity {
            Severity::Info => crate::docs::Level::Note,
            Severity::Warning => crate::docs::Level::Warn,
            Severity::Error => crate::docs::Level::Deny,
        };
        crate::docs::Finding::new(level, d.rule, d.message.clone()).object(d.object.clone()).help(d.help.clone())
    }
}

impl fmt::Display for LintReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        output::write_report(f, self)
    }
}

impl<'a> IntoIterator for &'a LintReport {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.diagnostics.iter()
    }
}

/// Settings for a lint run: per-rule levels for the whole schema, the date that
/// partition coverage is judged against, and thresholds.
///
/// ```
/// use pgarchitect_core::lint::{Level, LintConfig};
/// use pgarchitect_core::model::CivilDate;
/// let config = LintConfig::new()
///     .allow("wide-table", "denormalized reporting schema")
///     .deny("foreign-key-without-index")
///     .today(CivilDate::new(2026, 3, 15).unwrap())
///     .max_columns(40);
/// assert_eq!(config.level("wide-table"), Some(Level::Allow));
/// assert_eq!(config.level("json-column"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintConfig {
    levels: BTreeMap<String, (Level, Option<String>)>,
    /// "Today", for `partition-not-covering-today`; defaults to the system clock (UTC).
    pub today: CivilDate,
    /// More columns than this make a table "wide" (`wide-table`); 30 by default.
    pub max_columns: usize,
}

impl Default for LintConfig {
    fn default() -> Self {
        Self { levels: BTreeMap::new(), today: today_utc(), max_columns: 30 }
    }
}

impl LintConfig {
    /// Default levels, today from the system clock, 30 columns.
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows `rule` in the whole schema; its findings appear in
    /// [`LintReport::allowed`] with `reason`.
    pub fn allow(mut self, rule: impl Into<String>, reason: impl Into<String>) -> Self {
        self.levels.insert(rule.into(), (Level::Allow, Some(reason.into())));
        self
    }

    /// Reports `rule`'s findings as warnings.
    pub fn warn(mut self, rule: impl Into<String>) -> Self {
        self.levels.insert(rule.into(), (Level::Warn, None));
        self
    }

    /// Reports `rule`'s findings as errors.
    pub fn deny(mut self, rule: impl Into<String>) -> Self {
        self.levels.insert(rule.into(), (Level::Deny, None));
        self
    }

    /// Sets the date partition coverage is judged against.
    pub fn today(mut self, today: CivilDate) -> Self {
        self.today = today;
        self
    }

    /// Sets the column count above which a table is wide.
    pub fn max_columns(mut self, max_columns: usize) -> Self {
        self.max_columns = max_columns;
        self
    }

    /// The level set for `rule`, if any.
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.levels.get(rule).map(|(level, _)| *level)
    }

    /// The rule ids this configuration names.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.levels.keys().map(String::as_str)
    }
}

/// Today's date in UTC from the system clock.
fn today_utc() -> CivilDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> CivilDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    CivilDate { year, month, day }
}

/// A lint rule: its id, default severity, summary and doc page.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Kebab-case id, used in allows and output.
    pub id: &'static str,
    /// Severity when no [`LintConfig`] level is set.
    pub default_severity: Severity,
    /// One line saying what the rule reports.
    pub summary: &'static str,
    /// Path of the rule's page, from the repository root (`docs/lints/<id>.md`).
    pub doc: &'static str,
    check: fn(&Context<'_>, &mut Findings),
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).field("default_severity", &self.default_severity).finish_non_exhaustive()
    }
}

/// Declares a rule in its file: `pub(crate) const RULE: Rule = lint_rule!("id", Warning, "summary", check);`.
macro_rules! lint_rule {
    ($id:literal, $severity:ident, $summary:literal, $check:path) => {
        $crate::lint::Rule::new($id, $crate::lint::Severity::$severity, $summary, concat!("docs/lints/", $id, ".md"), $check)
    };
}
pub(crate) use lint_rule;

impl Rule {
    pub(crate) const fn new(
        id: &'static str,
        default_severity: Severity,
        summary: &'static str,
        doc: &'static str,
        check: fn(&Context<'_>, &mut Findings),
    ) -> Self {
        Self { id, default_severity, summary, doc, check }
    }
}

/// Every rule, sorted by id.
pub fn rules() -> &'static [Rule] {
    rules::RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules::RULES.iter().find(|r| r.id == id)
}

/// Where a rule writes its findings; looks up the allows of the table and column.
pub(crate) struct Findings {
    rule: &'static str,
    severity: Severity,
    out: Vec<(Diagnostic, Option<String>)>,
}

impl Findings {
    fn new(rule: &Rule) -> Self {
        Self { rule: rule.id, severity: rule.default_severity, out: Vec::new() }
    }

    fn allow_reason(&self, table: Option<&Table>, column: Option<&Column>) -> Option<String> {
        let of = |allows: &[crate::model::LintAllow]| allows.iter().find(|a| a.rule == self.rule).map(|a| a.reason.clone());
        column.and_then(|c| of(&c.allows)).or_else(|| table.and_then(|t| of(&t.allows)))
    }

    /// The low-level form: `allowed` is the reason of an allow the rule found itself.
    pub(crate) fn push(&mut self, object: String, table: Option<&QualifiedName>, column: Option<&str>, message: String, help: String, allowed: Option<String>) {
        let diagnostic = Diagnostic {
            rule: self.rule,
            severity: self.severity,
            object,
            table: table.cloned(),
            column: column.map(str::to_owned),
            message,
            help,
        };
        self.out.push((diagnostic, allowed));
    }

    /// A finding about a table.
    pub(crate) fn table(&mut self, table: &Table, message: impl Into<String>, help: impl Into<String>) {
        let allowed = self.allow_reason(Some(table), None);
        self.push(table.name.to_string(), Some(&table.name), None, message.into(), help.into(), allowed);
    }

    /// A finding about a column; the column's and the table's allows apply.
    pub(crate) fn column(&mut self, table: &Table, column: &Column, message: impl Into<String>, help: impl Into<String>) {
        let allowed = self.allow_reason(Some(table), Some(column));
        self.push(column_object(table, &column.name), Some(&table.name), Some(&column.name), message.into(), help.into(), allowed);
    }

    /// A finding about something on a table (index, constraint, policy, trigger); the
    /// table's allows apply, and the column's when one is given.
    pub(crate) fn on_table(&mut self, table: &Table, object: String, column: Option<&Column>, message: impl Into<String>, help: impl Into<String>) {
        let allowed = self.allow_reason(Some(table), column);
        self.push(object, Some(&table.name), column.map(|c| c.name.as_str()), message.into(), help.into(), allowed);
    }

    /// A finding about where a type is written (a column, or a domain).
    pub(crate) fn site(&mut self, site: &context::Site<'_>, message: impl Into<String>, help: impl Into<String>) {
        match site {
            context::Site::Column(table, column) => self.column(table, column, message, help),
            context::Site::Domain(domain) => self.object(format!("domain {}", domain.name), message, help),
        }
    }

    /// A finding about a named object, with the allows of its table and column.
    pub(crate) fn named(&mut self, named: &context::Named<'_>, message: impl Into<String>, help: impl Into<String>) {
        match (named.table, named.column) {
            (Some(table), Some(column)) => self.column(table, column, message, help),
            (Some(table), None) if named.kind == "table" => self.table(table, message, help),
            (Some(table), None) => self.on_table(table, named.object.clone(), None, message, help),
            (None, _) => self.object(named.object.clone(), message, help),
        }
    }

    /// A finding about a piece of SQL text, with the allows of its table and column.
    pub(crate) fn sql_text(&mut self, site: &context::SqlText<'_>, message: impl Into<String>, help: impl Into<String>) {
        match site.table {
            Some(table) => self.on_table(table, site.object.clone(), site.column, message, help),
            None => self.object(site.object.clone(), message, help),
        }
    }

    /// A finding about a schema-level object (type, function, grant, extension):
    /// only [`LintConfig`] can allow it.
    pub(crate) fn object(&mut self, object: String, message: impl Into<String>, help: impl Into<String>) {
        self.push(object, None, None, message.into(), help.into(), None);
    }
}

/// `public.users.email`.
pub(crate) fn column_object(table: &Table, column: &str) -> String {
    format!("{}.{}", table.name, Ident(column))
}

/// How a finding about `fk` names it, with the column it is about: a
/// one-column key by its column (`table.column`), any other as
/// `foreign key <name> on <table>`.
pub(crate) fn foreign_key_object<'t>(table: &'t Table, fk: &crate::model::ForeignKey) -> (String, Option<&'t Column>) {
    let column = match fk.columns.as_slice() {
        [single] => table.find_column(single),
        _ => None,
    };
    let object = match column {
        Some(c) => column_object(table, &c.name),
        None => format!("foreign key {} on {}", Ident(fk.name.as_deref().unwrap_or_default()), table.name),
    };
    (object, column)
}

pub(crate) fn run(schema: &Schema, config: &LintConfig) -> LintReport {
    let context = Context::new(schema, config);
    let mut report = LintReport::default();
    for rule in rules::RULES {
        let mut findings = Findings::new(rule);
        (rule.check)(&context, &mut findings);
        let level = config.levels.get(rule.id);
        for (mut diagnostic, allowed) in findings.out {
            match (allowed, level) {
                (Some(reason), _) => report.allowed.push(AllowedDiagnostic { diagnostic, reason }),
                (None, Some((Level::Allow, reason))) => {
                    let reason = reason.clone().unwrap_or_else(|| "allowed in the lint configuration".to_owned());
                    report.allowed.push(AllowedDiagnostic { diagnostic, reason });
                }
                (None, level) => {
                    match level {
                        Some((Level::Deny, _)) => diagnostic.severity = Severity::Error,
                        Some((Level::Warn, _)) => diagnostic.severity = Severity::Warning,
                        _ => {}
                    }
                    report.diagnostics.push(diagnostic);
                }
            }
        }
    }
    let key = |d: &Diagnostic| (d.table.clone(), d.column.clone(), d.object.clone(), d.rule, d.message.clone());
    report.diagnostics.sort_by_cached_key(key);
    report.diagnostics.dedup();
    report.allowed.sort_by_cached_key(|a| key(&a.diagnostic));
    report.allowed.dedup();
    report
}

impl Schema {
    /// Runs every lint rule with the default configuration (see [`crate::lint`]).
    pub fn lint(&self) -> LintReport {
        run(self, &LintConfig::default())
    }

    /// Runs every lint rule with `config`'s levels and settings.
    pub fn lint_with(&self, config: &LintConfig) -> LintReport {
        run(self, config)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rules' `ok`/`err` tests.
    pub(crate) use crate::Schema;
    use super::*;
    use crate::model::{Column, Identity, Table};
    use crate::types::SqlType;

    /// The date rule tests treat as today.
    pub(crate) fn today() -> CivilDate {
        CivilDate::new(2026, 5, 15).unwrap()
    }

    /// Runs one rule with default levels and a fixed today; returns its findings,
    /// allowed ones included (with their severity left at the default).
    pub(crate) fn run(rule: &Rule, schema: &Schema) -> Vec<Diagnostic> {
        let config = LintConfig::new().today(today());
        let context = Context::new(schema, &config);
        let mut findings = Findings::new(rule);
        (rule.check)(&context, &mut findings);
        let mut out: Vec<Diagnostic> = findings.out.into_iter().filter(|(_, allowed)| allowed.is_none()).map(|(d, _)| d).collect();
        out.sort_by(|a, b| a.object.cmp(&b.object).then(a.message.cmp(&b.message)));
        out
    }

    /// The objects of `run`'s findings.
    pub(crate) fn objects(rule: &Rule, schema: &Schema) -> Vec<String> {
        run(rule, schema).into_iter().map(|d| d.object).collect()
    }

    /// A table with a `bigint` identity key called `id`.
    pub(crate) fn table(name: &str) -> Table {
        Table::new(name).column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).primary_key(["id"])
    }

    /// Builds, panicking with the errors.
    pub(crate) fn build(builder: crate::SchemaBuilder) -> Schema {
        builder.build().unwrap_or_else(|e| panic!("{e}"))
    }

    /// A schema of the given tables.
    pub(crate) fn schema(tables: impl IntoIterator<Item = Table>) -> Schema {
        build(tables.into_iter().fold(Schema::builder(), |b, t| b.add_table(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(civil_from_days(0), CivilDate::new(1970, 1, 1).unwrap());
        assert_eq!(civil_from_days(20_515), CivilDate::new(2026, 3, 3).unwrap());
        assert_eq!(civil_from_days(11_016), CivilDate::new(2000, 2, 29).unwrap());
        assert_eq!(civil_from_days(-1), CivilDate::new(1969, 12, 31).unwrap());
    }

    #[test]
    fn registry_is_sorted_unique_and_kebab_case() {
        let ids: Vec<&str> = rules().iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "rules must be registered once each, sorted by id");
        for r in rules() {
            assert!(r.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", r.id);
            assert_eq!(r.doc, format!("docs/lints/{}.md", r.id));
            assert!(!r.summary.is_empty() && !r.summary.ends_with('.'), "summary of {}: one line, no final period", r.id);
        }
    }

    #[test]
    fn levels_override_severity_and_allows_keep_reasons() {
        use crate::model::Column;
        use crate::types::SqlType;
        let schema = testing::schema([testing::table("events")
            .comment("Events")
            .column(Column::new("happened", SqlType::Timestamp).allow("timestamp-without-time-zone", "local wall-clock time"))
            .column(Column::new("price", SqlType::Real))
            .timestamps()]);
        let report = schema.lint_with(&LintConfig::new().deny("float-for-money"));
        let money: Vec<&Diagnostic> = report.of_rule("float-for-money").collect();
        assert_eq!(money.len(), 1);
        assert_eq!(money[0].severity, Severity::Error);
        assert!(report.of_rule("timestamp-without-time-zone").next().is_none());
        let events = QualifiedName::public("events");
        let allowed: Vec<&AllowedDiagnostic> = report.allowed_on(&events, Some("happened")).collect();
        assert_eq!(allowed.len(), 1);
        assert_eq!(allowed[0].reason, "local wall-clock time");
        assert_eq!(allowed[0].diagnostic.rule, "timestamp-without-time-zone");

        let report = schema.lint_with(&LintConfig::new().allow("float-for-money", "tests"));
        assert!(report.of_rule("float-for-money").next().is_none());
        assert!(report.allowed.iter().any(|a| a.diagnostic.rule == "float-for-money" && a.reason == "tests"));
    }

    /// What pgarchitect adds by itself (audit log, schema_migrations, the
    /// updated_at trigger, partition windows) must not draw warnings the user cannot
    /// silence.
    #[test]
    fn built_in_objects_are_clean() {
        use crate::model::{CivilDate, Column, Identity, Partitioning, Table};
        use crate::types::SqlType;
        let schema = Schema::builder()
            .add_table(
                Table::new("users")
                    .comment("Accounts")
                    .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                    .primary_key(["id"])
                    .timestamps()
                    .audited(),
            )
            .add_table(
                Table::new("events")
                    .comment("Events")
                    .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                    .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
                    .column(Column::new("updated_at", SqlType::Timestamptz).default_expr("now()"))
                    .primary_key(["id", "created_at"])
                    .partition_by(Partitioning::range(["created_at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 1).ahead(3).with_default())
                    .allow("updated-at-without-trigger", "test"),
            )
            .version("1", "test")
            .build()
            .unwrap();
        let report = schema.lint_with(&LintConfig::new().today(testing::today()));
        let not_info: Vec<String> = report.diagnostics.iter().filter(|d| d.severity != Severity::Info).map(|d| d.to_string()).collect();
        assert!(not_info.is_empty(), "{}", not_info.join("\n\n"));
    }

    #[test]
    fn output_is_sorted_deterministically() {
        use crate::model::Column;
        use crate::types::SqlType;
        let build = |order: bool| {
            let a = testing::table("a").column(Column::new("ts", SqlType::Timestamp)).column(Column::new("cost", SqlType::Real));
            let b = testing::table("b").column(Column::new("data", SqlType::Json));
            let tables = if order { vec![a, b] } else { vec![b, a] };
            testing::schema(tables).lint_with(&LintConfig::new().today(testing::today()))
        };
        assert_eq!(build(true), build(false));
        let report = build(true);
        let tables: Vec<_> = report.diagnostics.iter().map(|d| d.table.clone()).collect();
        let mut sorted = tables.clone();
        sorted.sort();
        assert_eq!(tables, sorted);
    }
}
