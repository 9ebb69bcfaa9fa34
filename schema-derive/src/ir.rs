//! The checked model of one derive input: what `validate` produces and `expand`
//! turns into tokens. Every name here is final (renames applied, field idents
//! resolved to column names), so code generation makes no decisions.

use proc_macro2::Span;

use crate::attr::value::KeywordSet;

/// A `#[derive(Table)]` struct, checked.
pub struct Table {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub schema: String,
    pub name: String,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: PrimaryKey,
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
    pub volume: Option<String>,
    pub retention: Option<String>,
    /// The previous name: (schema or empty for the same schema, name).
    pub renamed_from: Option<(String, String)>,
    /// Lint rules allowed, with reasons.
    pub allows: Vec<(String, String)>,
    pub timestamps: bool,
    pub soft_delete: bool,
    pub audited: bool,
    pub rls: Option<Rls>,
    pub policies: Vec<Policy>,
    /// `isolate(...)`: policies built from a column and a session setting.
    pub isolations: Vec<Isolation>,
    pub partitioning: Option<Partitioning>,
    pub triggers: Vec<Trigger>,
    pub full_text: Vec<FullText>,
}

/// `#[table(partition(...))]`.
pub struct Partitioning {
    pub strategy: PartitionStrategy,
    pub columns: Vec<String>,
    pub window: Option<Window>,
    pub modulus: Option<u32>,
    pub partitions: Vec<Partition>,
    pub default_partition: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Day,
    Month,
    Year,
}

/// `monthly(from = "2026-01-01", count = 3, ahead = 3)`.
pub struct Window {
    pub period: Period,
    /// Year, month, day (checked to exist).
    pub from: (i32, u32, u32),
    pub count: u32,
    pub ahead: u32,
}

/// `values(name = "...", ...)`: one explicit partition.
pub struct Partition {
    pub name: String,
    pub bound: Bound,
}

pub enum Bound {
    /// `FOR VALUES IN (...)`.
    List(Vec<ListValue>),
    /// `FOR VALUES FROM (...) TO (...)`.
    Range { from: Vec<String>, to: Vec<String> },
}

pub enum ListValue {
    /// `values("'eu'")`: a SQL literal as written.
    Sql(String),
    /// `labels("eu")`: a string constant, quoted at run time.
    Label(String),
}

/// `trigger(...)`.
pub struct Trigger {
    pub name: String,
    pub timing: TriggerTiming,
    /// Events in order; `update` carries its `update_of` columns.
    pub events: Vec<(TriggerEvent, Vec<String>)>,
    pub for_each: ForEach,
    pub when: Option<String>,
    /// The function's schema (`public` when not written) and name.
    pub function: (String, String),
    pub arguments: Vec<String>,
    pub comment: Option<String>,
}

/// `full_text(...)`: a stored tsvector column and its GIN index.
pub struct FullText {
    pub column: String,
    pub config: String,
    /// Source columns and their weights (`'A'..='D'`).
    pub sources: Vec<(String, char)>,
}

/// `isolate(...)`.
pub struct Isolation {
    pub name: String,
    pub column: String,
    /// The column's type, as the column has it.
    pub column_type: ColumnType,
    /// The field's type (for `ColumnType::Rust`).
    pub ty: syn::Type,
    pub setting: String,
    pub command: Option<PolicyCommand>,
    pub restrictive: bool,
    pub roles: Vec<String>,
    pub comment: Option<String>,
}

/// A row-level security policy.
pub struct Policy {
    pub name: String,
    pub command: Option<PolicyCommand>,
    pub restrictive: bool,
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    pub comment: Option<String>,
}

/// The key columns and the Rust types of their fields, in key order.
pub struct PrimaryKey {
    pub columns: Vec<String>,
    pub types: Vec<syn::Type>,
    /// Where it was declared: `#[table(primary_key(...))]` or the
    /// `#[column(primary_key)]` flag (`None` for a key guessed for a stub).
    pub declared: Option<(Span, KeyOrigin)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    Table,
    Column,
}

pub struct Column {
    pub name: String,
    /// The field's type (its span is where type errors point).
    pub ty: syn::Type,
    pub sql_type: ColumnType,
    pub identity: Option<Identity>,
    pub default: Option<Default>,
    pub generated: Option<String>,
    pub comment: Option<String>,
    pub personal_data: bool,
    pub protection: Option<String>,
    pub allows: Vec<(String, String)>,
    pub renamed_from: Option<String>,
}

#[derive(Clone)]
pub enum ColumnType {
    /// From `<FieldTy as PgType>`.
    Rust,
    /// From `sql_type = "..."` / `varchar = n`; NULL allowed when the compiler
    /// finds the field type an `Option<_>` (through aliases), or a `PgType` that is nullable.
    Sql { text: String },
}

pub enum Default {
    /// `default = "now()"`: raw SQL.
    Expr(String),
    /// `default_text = "active"`: a string constant, quoted at run time.
    Text(String),
}

pub struct Unique {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub nulls_not_distinct: bool,
    /// The `unique` flag of a column, or the key of `#[table(unique(...))]`.
    pub span: Span,
    pub origin: KeyOrigin,
}

pub struct Check {
    pub name: Option<String>,
    pub expr: String,
    pub column: Option<String>,
}

pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    /// The referenced `#[derive(Table)]` type.
    pub target: syn::Path,
    /// Explicit referenced columns; the target's `PRIMARY_KEY` when `None`.
    pub target_columns: Option<Vec<String>>,
    /// Field types to check against the target's `PrimaryKey` (none with
    /// explicit columns), each with where its mismatch is reported: the
    /// `references` path, or the field in a table-level `columns(...)` list.
    pub typed_check: Option<Vec<(syn::Type, Span)>>,
    /// The `references` path: where "not a table" is reported.
    pub span: Span,
    /// Field types that `set_null` needs nullable and that are not written
    /// `Option<_>` (an alias may be one), each with where to report it: the
    /// action of a column's key, the field in a table-level `columns(...)`.
    pub set_null_checks: Vec<(syn::Type, Span)>,
    pub on_delete: Option<RefAction>,
    pub on_update: Option<RefAction>,
    /// The columns `ON DELETE SET NULL` / `SET DEFAULT` sets; empty for all.
    pub on_delete_set_columns: Vec<String>,
    pub deferrable: Option<Deferrable>,
}

pub struct Index {
    pub name: Option<String>,
    pub method: Option<Method>,
    pub columns: Vec<String>,
    /// The options each of `columns` has of its own (`created_at(order = "desc")`),
    /// one per column; the index-wide ones below apply where a key sets none.
    pub column_keys: Vec<KeyOptions>,
    pub expression: Option<String>,
    /// Index-wide key options: for every key.
    pub opclass: Option<String>,
    pub order: Option<Order>,
    pub nulls: Option<Nulls>,
    pub unique: bool,
    pub nulls_not_distinct: bool,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    pub comment: Option<String>,
    /// The `unique` flag, and whether the index was declared on a column.
    pub unique_span: Option<(Span, KeyOrigin)>,
}

/// The options of one index key.
#[derive(Clone, Default)]
pub struct KeyOptions {
    pub opclass: Option<String>,
    pub order: Option<Order>,
    pub nulls: Option<Nulls>,
}

impl Index {
    /// A plain btree index on one column (`#[column(index)]`).
    pub fn on_column(column: String) -> Self {
        Index {
            name: None,
            method: None,
            columns: vec![column],
            column_keys: vec![KeyOptions::default()],
            expression: None,
            opclass: None,
            order: None,
            nulls: None,
            unique: false,
            nulls_not_distinct: false,
            include: Vec::new(),
            predicate: None,
            comment: None,
            unique_span: None,
        }
    }
}

/// A `#[derive(PgEnum)]` enum, checked.
pub struct PgEnum {
    pub ident: syn::Ident,
    /// Always empty once checked; kept so the stub of a generic enum still names its parameters.
    pub generics: syn::Generics,
    pub schema: String,
    pub name: String,
    pub comment: Option<String>,
    /// Variant idents and their labels, in declaration order.
    pub variants: Vec<(syn::Ident, String)>,
}

macro_rules! keywords {
    ($(#[$doc:meta])* $name:ident: $what:literal { $($spelling:literal => $variant:ident,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant,)* }
        impl KeywordSet for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [(&'static str, Self)] = &[$(($spelling, Self::$variant),)*];
        }
    };
}

keywords! {
    /// `identity = "..."`.
    Identity: "identity kind" { "always" => Always, "by_default" => ByDefault, }
}
keywords! {
    /// `on_delete` / `on_update`.
    RefAction: "referential action" {
        "cascade" => Cascade, "restrict" => Restrict, "set_null" => SetNull,
        "set_default" => SetDefault, "no_action" => NoAction,
    }
}
keywords! {
    /// `deferrable = "..."`.
    Deferrable: "deferrable mode" { "initially_deferred" => InitiallyDeferred, "initially_immediate" => InitiallyImmediate, }
}
keywords! {
    /// Index access method.
    Method: "index method" {
        "btree" => BTree, "hash" => Hash, "gin" => Gin, "gist" => Gist, "brin" => Brin, "spgist" => SpGist,
    }
}
keywords! {
    /// Index key sort order.
    Order: "sort order" { "asc" => Asc, "desc" => Desc, }
}
keywords! {
    /// Where NULLs sort in an index key.
    Nulls: "nulls order" { "first" => First, "last" => Last, }
}

keywords! {
    /// `row_level_security = "..."`.
    Rls: "row-level security mode" { "enabled" => Enabled, "forced" => Forced, }
}
keywords! {
    /// The command a policy applies to.
    PolicyCommand: "policy command" {
        "all" => All, "select" => Select, "insert" => Insert, "update" => Update, "delete" => Delete,
    }
}

keywords! {
    /// `trigger(timing = "...")`.
    TriggerTiming: "trigger timing" { "before" => Before, "after" => After, "instead_of" => InsteadOf, }
}
keywords! {
    /// `trigger(events(...))`.
    TriggerEvent: "trigger event" { "insert" => Insert, "update" => Update, "delete" => Delete, "truncate" => Truncate, }
}
keywords! {
    /// `trigger(for_each = "...")`.
    ForEach: "trigger level" { "row" => Row, "statement" => Statement, }
}

/// A `#[derive(Domain)]` newtype, checked.
pub struct Domain {
    pub ident: syn::Ident,
    pub generics: syn::Generics,
    pub schema: String,
    pub name: String,
    /// The newtype's field type (`String` in `struct Email(String)`); `None`
    /// when the struct is not a one-field tuple struct.
    pub inner: Option<syn::Type>,
    /// `sql_type = "..."`: the base type, instead of the inner type's.
    pub sql_type: Option<String>,
    pub not_null: bool,
    pub default: Option<String>,
    pub checks: Vec<Check>,
    pub comment: Option<String>,
}

/// `#[pg_enum(rename_all = "...")]`, serde's spellings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl KeywordSet for RenameRule {
    const WHAT: &'static str = "`rename_all` rule";
    const ALL: &'static [(&'static str, Self)] = &[
        ("lowercase", Self::Lower),
        ("UPPERCASE", Self::Upper),
        ("PascalCase", Self::Pascal),
        ("camelCase", Self::Camel),
        ("snake_case", Self::Snake),
        ("SCREAMING_SNAKE_CASE", Self::ScreamingSnake),
        ("kebab-case", Self::Kebab),
        ("SCREAMING-KEBAB-CASE", Self::ScreamingKebab),
    ];
    const NORMALIZE: bool = false;
}
