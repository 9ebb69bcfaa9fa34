//! Property tests of hand-built schemas:
//!
//! - A (live): every random valid schema builds, its DDL applies with `psql -1` to
//!   PostgreSQL 15, and the catalog reads back exactly what was declared (names,
//!   types, nullability, comments, constraints, indexes, enum labels);
//! - B: emission is deterministic, whatever order tables and enums were added in;
//! - C: a valid schema with injected defects is refused with one matching error per
//!   defect, all in one `build()`;
//! - D: `SqlType::parse` reads back every type's display.
//!
//! Schemas come from a *plan* (random names, types, picks) that `realize` turns
//! into `Table`s through the hand builders, fixing up only what would make the
//! schema invalid (duplicate or over-long names), so shrinking stays meaningful.
//! `PROPTEST_CASES` overrides every property's case count (for soak runs).
//!
//! Each schema-core bug these properties found has a minimal test at the bottom.
//! Where `build()` now refuses what PostgreSQL refuses (system column names,
//! nullable serials, arrays of serial, repeated unique keys, foreign keys on
//! arrays with type modifiers, sequence name clashes), the generator does not
//! produce it: its schemas are valid by construction.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use pgarchitect::ident::{is_bare_identifier, Ident};
use pgarchitect::model::{
    CheckConstraint, Column, Deferrable, EnumType, ForeignKey, Identity, Index, IndexKey, IndexMethod, NullsOrder,
    PrimaryKey, QualifiedName, ReferentialAction, Table, UniqueConstraint,
};
use pgarchitect::{Schema, SchemaError, SchemaErrors, SqlType};
use proptest::prelude::*;
use proptest::sample::{select, Index as Pick};
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};

const MAX_NAME: usize = 63;

// ---------------------------------------------------------------------------
// Running properties
// ---------------------------------------------------------------------------

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    Config {
        cases,
        // Shrinking a live case costs a database per step; bound it.
        max_shrink_iters: 400,
        max_shrink_time: 60_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/proptest_ddl.txt"))),
        ..Config::default()
    }
}

/// Runs a property, panicking with the minimal failing input.
fn check_property<S: Strategy>(
    name: &'static str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut cfg = config(cases);
    cfg.test_name = Some(name);
    let started = Instant::now();
    let mut runner = TestRunner::new(cfg.clone());
    match runner.run(&strategy, test) {
        Ok(()) => eprintln!("{name}: {} cases passed in {:.2?}", cfg.cases, started.elapsed()),
        Err(TestError::Fail(reason, value)) => panic!("{name} failed: {reason}\nminimal failing input: {value:#?}"),
        Err(TestError::Abort(reason)) => panic!("{name} aborted: {reason}"),
    }
}

fn fail(message: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(message.into())
}

// ---------------------------------------------------------------------------
// Text: identifiers and literals
// ---------------------------------------------------------------------------

/// Keywords of every category (reserved, column-name, type-func-name, unreserved).
const KEYWORDS: &[&str] = &[
    "user", "order", "select", "check", "table", "group", "from", "limit", "all", "column", "default", "primary",
    "foreign", "references", "where", "end", "desc", "asc", "between", "int", "left", "join", "authorization",
    "null", "true", "name", "type", "key", "action", "data", "value", "nulls", "first", "last", "include", "index",
    "cascade", "using", "with", "collation", "varchar", "timestamp", "public", "to", "do", "only", "analyse",
    "constraint", "unique", "both", "offset", "window", "over", "filter", "text", "integer", "char", "time",
];
const UNICODE: &[&str] = &[
    "café", "名前", "ñandú", "Δelta", "🦀rust", "straße", "ÅNGSTRÖM", "mañana", "日本語テーブル", "é", "Ω",
    "e\u{301}", "ﬁle", "İstanbul", "ß", "ǅ", "\u{200b}zw", "אבג", "ü",
];
const PUNCTUATION: &[&str] = &[
    " ", "\"", "\"\"", " \" ", "-", ".", ":x", ":'v'", "$", "$1", "\\", "'", "''", "a b", ";", "--", "/*", "*/", "%",
    "[", "]", "?", "\t",
];
/// Characters used to fill names of exactly 63 bytes: 1, 2, 3 and 4 bytes long.
const FILL: &[char] = &['a', 'z', '_', '0', 'A', ' ', '"', 'é', 'ß', '€', '名', '🦀'];

fn truncate(mut s: String, max: usize) -> String {
    let mut cut = s.len().min(max);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

/// A name of exactly 63 bytes, mixing multi-byte characters.
fn name_of_63_bytes() -> impl Strategy<Value = String> {
    prop::collection::vec(select(FILL), MAX_NAME).prop_map(|chars| {
        let mut s = String::new();
        for c in chars {
            if s.len() + c.len_utf8() <= MAX_NAME {
                s.push(c);
            }
        }
        while s.len() < MAX_NAME {
            s.push('x');
        }
        s
    })
}

/// A valid identifier (1..=63 bytes, no NUL, never `#`: defects in C use `#` so
/// they cannot collide with generated names).
fn identifier() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z_][a-z0-9_]{0,12}",
        2 => select(KEYWORDS).prop_map(str::to_owned),
        2 => "[A-Z][A-Za-z0-9_]{0,10}|[a-z]{1,4}[A-Z][a-z]{0,4}",
        2 => ("[a-z]{1,4}", select(PUNCTUATION), "[a-z \"]{0,4}").prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        2 => (select(UNICODE), "[a-z0-9_ ]{0,4}").prop_map(|(a, b)| format!("{a}{b}")),
        2 => name_of_63_bytes(),
        1 => prop::collection::vec(any::<char>().prop_filter("no NUL or #", |c| *c != '\0' && *c != '#'), 1..6)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
    ]
    .prop_map(|s| truncate(s, MAX_NAME))
}

/// Text for comments, defaults and enum labels: quotes, backslashes, injection
/// attempts, psql variables, unicode and arbitrary characters, never NUL.
fn literal_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        4 => "[a-zA-Z0-9 ]{1,8}",
        4 => select(&[
            "'", "''", "\\", "\\\\", "\\'", "'; DROP TABLE x; --", "\"", "$$", "$tag$", "E'", "café", "名前", "🦀",
            "\n", "\t", "\r\n", ":var", ":'var'", ":\"var\"", "/*", "*/", "%s", ";", "\\x41", "\\u0041", "\\n", "--",
            "\\g", "\\q", "\\!", "U&'", "\u{feff}", "\u{7f}", "\u{1}",
        ][..]).prop_map(str::to_owned),
        1 => any::<char>().prop_filter("no NUL", |c| *c != '\0').prop_map(String::from),
    ];
    prop::collection::vec(fragment, 0..6).prop_map(|v| v.concat())
}

fn comment() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(0.35, literal_text())
}

/// `want`, or a variant of it of at most 63 bytes that `taken` accepts.
fn unique_name(want: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(want) {
        return want.to_owned();
    }
    (1..)
        .map(|n| {
            let suffix = format!("_{n}");
            format!("{}{suffix}", truncate(want.to_owned(), MAX_NAME - suffix.len()))
        })
        .find(|candidate| !taken(candidate))
        .expect("some suffix is free")
}

/// The name PostgreSQL gives an identity or serial column's sequence
/// (`makeObjectName`): `{table}_{column}_seq`, shortening the longer name first
/// until it fits 63 bytes, at a character boundary.
/// `build()` refuses a relation of that name: see
/// `identity_sequence_name_clashes_with_a_later_table`.
fn sequence_name(table: &str, column: &str) -> String {
    let (mut t, mut c) = (table.len(), column.len());
    while t + c > MAX_NAME - 5 {
        if t > c {
            t -= 1;
        } else {
            c -= 1;
        }
    }
    format!("{}_{}_seq", truncate(table.to_owned(), t), truncate(column.to_owned(), c))
}

/// Refused by `build()`: see `system_column_names_are_refused`.
const SYSTEM_COLUMNS: &[&str] = &["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"];

// ---------------------------------------------------------------------------
// Types and index methods
// ---------------------------------------------------------------------------

fn scalar_type() -> impl Strategy<Value = SqlType> {
    use SqlType::*;
    let length = prop_oneof![Just(None), (1u32..=255).prop_map(Some), (1u32..=10_485_760).prop_map(Some)];
    let numeric = prop_oneof![
        Just(Numeric(None)),
        (1u16..=1000).prop_map(|p| Numeric(Some((p, None)))),
        (1u16..=1000, -1000i16..=1000).prop_map(|(p, s)| Numeric(Some((p, Some(s))))),
    ];
    prop_oneof![
        3 => select(vec![SmallInt, Integer, BigInt, Real, DoublePrecision, Money, Boolean, Bytea, Date, Time, TimeTz,
            Timestamp, Timestamptz, Interval, Uuid, Json, Jsonb, Inet, Cidr, MacAddr, TsVector]),
        2 => Just(Text),
        1 => numeric,
        1 => length.clone().prop_map(Varchar),
        1 => length.prop_map(Char),
    ]
}

#[derive(Clone, Debug)]
enum TypePlan {
    Builtin(SqlType),
    /// Legacy serials (never nullable, never in arrays: see `array_of_serial_is_refused`).
    Serial(SqlType),
    /// One of the schema's enums; `unqualified` is used only for names no built-in type has.
    Enum { pick: Pick, unqualified: bool },
    Array { element: Box<TypePlan>, dims: u8 },
}

fn type_plan() -> impl Strategy<Value = TypePlan> {
    let element = prop_oneof![
        4 => scalar_type().prop_map(TypePlan::Builtin),
        1 => (any::<Pick>(), any::<bool>()).prop_map(|(pick, unqualified)| TypePlan::Enum { pick, unqualified }),
    ];
    prop_oneof![
        10 => element.clone(),
        1 => select(vec![SqlType::SmallSerial, SqlType::Serial, SqlType::BigSerial]).prop_map(TypePlan::Serial),
        2 => (element, 1u8..=2).prop_map(|(e, dims)| TypePlan::Array { element: Box::new(e), dims }),
    ]
}

fn resolve_type(plan: &TypePlan, enums: &[EnumType]) -> SqlType {
    match plan {
        TypePlan::Builtin(t) | TypePlan::Serial(t) => t.clone(),
        TypePlan::Enum { pick, unqualified } => {
            if enums.is_empty() {
                return SqlType::Text;
            }
            let name = &enums[pick.index(enums.len())].name.name;
            // A bare name could mean a built-in type (`text`) through search_path.
            let no_builtin_has_it = name.chars().any(|c| !c.is_ascii_lowercase() && c != '_');
            if *unqualified && no_builtin_has_it {
                SqlType::Named(QualifiedName::unqualified(name.clone()))
            } else {
                SqlType::Named(QualifiedName::public(name.clone()))
            }
        }
        TypePlan::Array { element, dims } => {
            (0..*dims).fold(resolve_type(element, enums), |t, _| t.array())
        }
    }
}

fn innermost(ty: &SqlType) -> &SqlType {
    match ty {
        SqlType::Array(inner) => innermost(inner),
        other => other,
    }
}

/// Index methods with a default operator class for `ty` in PostgreSQL 15, GiST
/// on scalars included: `build()` then adds the `btree_gist` extension.
fn index_methods(ty: &SqlType) -> Vec<IndexMethod> {
    use IndexMethod::*;
    let mut methods = core_index_methods(ty);
    if ty.is_btree_scalar() && !methods.is_empty() {
        methods.push(Gist);
    }
    methods
}

fn core_index_methods(ty: &SqlType) -> Vec<IndexMethod> {
    use IndexMethod::*;
    match ty.storage() {
        SqlType::SmallInt
        | SqlType::Integer
        | SqlType::BigInt
        | SqlType::Real
        | SqlType::DoublePrecision
        | SqlType::Numeric(_)
        | SqlType::Date
        | SqlType::Time
        | SqlType::TimeTz
        | SqlType::Timestamp
        | SqlType::Timestamptz
        | SqlType::Interval
        | SqlType::Uuid
        | SqlType::Bytea
        | SqlType::MacAddr
        | SqlType::Char(_) => vec![BTree, Hash, Brin],
        SqlType::Text | SqlType::Varchar(_) | SqlType::Inet | SqlType::Cidr => vec![BTree, Hash, Brin, SpGist],
        SqlType::Boolean => vec![BTree, Hash],
        SqlType::Money => vec![BTree],
        SqlType::Jsonb => vec![BTree, Hash, Gin],
        SqlType::TsVector => vec![BTree, Gin, Gist],
        SqlType::Named(_) => vec![BTree, Hash],
        SqlType::Array(_) => {
            let element = core_index_methods(innermost(ty));
            match (element.contains(&BTree), element.contains(&Hash)) {
                (false, _) => vec![],
                (true, true) => vec![BTree, Hash, Gin],
                (true, false) => vec![BTree, Gin],
            }
        }
        _ => vec![], // json
    }
}

/// `varchar(n)[]`, `char(n)[]`, `numeric(p,s)[]`: PostgreSQL 15 cannot check a
/// foreign key on them (`cannot determine element type of "anyarray" argument`).
fn array_with_type_modifier(ty: &SqlType) -> bool {
    matches!(ty, SqlType::Array(_))
        && matches!(innermost(ty), SqlType::Varchar(Some(_)) | SqlType::Char(_) | SqlType::Numeric(Some(_)))
}

fn btree_ok(ty: &SqlType) -> bool {
    index_methods(ty).contains(&IndexMethod::BTree)
}

/// Types compared the way foreign keys compare them.
fn fk_type(ty: &SqlType) -> SqlType {
    match ty.storage() {
        SqlType::Named(n) => SqlType::Named(QualifiedName::public(n.name)),
        SqlType::Array(inner) => fk_type(&inner).array(),
        other => other,
    }
}

// ---------------------------------------------------------------------------
// Schema plans
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct SchemaPlan {
    enums: Vec<EnumPlan>,
    tables: Vec<TablePlan>,
}

#[derive(Clone, Debug)]
struct EnumPlan {
    name: String,
    labels: Vec<String>,
    comment: Option<String>,
}

#[derive(Clone, Debug)]
struct TablePlan {
    name: String,
    comment: Option<String>,
    columns: Vec<ColumnPlan>,
    primary_key: KeyPlan,
    uniques: Vec<UniquePlan>,
    indexes: Vec<IndexPlan>,
    foreign_keys: Vec<ForeignKeyPlan>,
    checks: Vec<CheckPlan>,
}

#[derive(Clone, Debug)]
struct ColumnPlan {
    name: String,
    ty: TypePlan,
    nullable: bool,
    default: Option<String>,
    identity: Option<Identity>,
    comment: Option<String>,
}

/// A constraint or index name: explicit, or left to `build()` unless its default
/// would be invalid, in which case `fallback` is used.
#[derive(Clone, Debug)]
struct NamePlan {
    explicit: Option<String>,
    fallback: String,
}

#[derive(Clone, Debug)]
struct KeyPlan {
    columns: Vec<Pick>,
    name: NamePlan,
}

#[derive(Clone, Debug)]
struct UniquePlan {
    columns: Vec<Pick>,
    nulls_not_distinct: bool,
    name: NamePlan,
}

#[derive(Clone, Debug)]
struct IndexPlan {
    columns: Vec<Pick>,
    method: Pick,
    unique: bool,
    nulls_not_distinct: bool,
    include: Vec<Pick>,
    partial: Option<Pick>,
    desc: bool,
    nulls: Option<bool>,
    opclass: bool,
    comment: Option<String>,
    name: NamePlan,
}

#[derive(Clone, Debug)]
struct ForeignKeyPlan {
    target: Pick,
    key: Pick,
    /// Per referenced column: reuse a column of the same type, or add one.
    columns: Vec<(Option<Pick>, String, bool)>,
    on_delete: Option<ReferentialAction>,
    on_update: Option<ReferentialAction>,
    deferrable: Deferrable,
    index: Option<NamePlan>,
    name: NamePlan,
}

#[derive(Clone, Debug)]
struct CheckPlan {
    column: Option<Pick>,
    name: NamePlan,
}

fn name_plan() -> impl Strategy<Value = NamePlan> {
    (prop::option::weighted(0.2, identifier()), identifier()).prop_map(|(explicit, fallback)| NamePlan { explicit, fallback })
}

fn picks(range: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<Pick>> {
    prop::collection::vec(any::<Pick>(), range)
}

fn action() -> impl Strategy<Value = Option<ReferentialAction>> {
    use ReferentialAction::*;
    prop::option::of(select(vec![NoAction, Restrict, Cascade, SetNull, SetDefault]))
}

fn column_plan() -> impl Strategy<Value = ColumnPlan> {
    (
        identifier(),
        type_plan(),
        any::<bool>(),
        prop::option::weighted(0.4, literal_text()),
        prop::option::weighted(0.15, select(vec![Identity::Always, Identity::ByDefault])),
        comment(),
    )
        .prop_map(|(name, ty, nullable, default, identity, comment)| ColumnPlan {
            name,
            ty,
            nullable,
            default,
            identity,
            comment,
        })
}

fn index_plan() -> impl Strategy<Value = IndexPlan> {
    (
        (picks(1..=3), any::<Pick>(), prop::bool::weighted(0.3), any::<bool>(), picks(0..=2)),
        (prop::option::weighted(0.3, any::<Pick>()), any::<bool>(), prop::option::of(any::<bool>()), prop::bool::weighted(0.2)),
        (comment(), name_plan()),
    )
        .prop_map(
            |((columns, method, unique, nulls_not_distinct, include), (partial, desc, nulls, opclass), (comment, name))| {
                IndexPlan { columns, method, unique, nulls_not_distinct, include, partial, desc, nulls, opclass, comment, name }
            },
        )
}

fn foreign_key_plan() -> impl Strategy<Value = ForeignKeyPlan> {
    let deferrable = select(vec![Deferrable::No, Deferrable::InitiallyImmediate, Deferrable::InitiallyDeferred]);
    (
        (any::<Pick>(), any::<Pick>()),
        prop::collection::vec((prop::option::of(any::<Pick>()), identifier(), any::<bool>()), 3),
        (action(), action(), deferrable),
        (prop::option::weighted(0.3, name_plan()), name_plan()),
    )
        .prop_map(|((target, key), columns, (on_delete, on_update, deferrable), (index, name))| ForeignKeyPlan {
            target,
            key,
            columns,
            on_delete,
            on_update,
            deferrable,
            index,
            name,
        })
}

fn table_plan() -> impl Strategy<Value = TablePlan> {
    (
        (identifier(), comment(), prop::collection::vec(column_plan(), 1..=7)),
        (picks(1..=3), name_plan()),
        prop::collection::vec((picks(1..=2), any::<bool>(), name_plan()), 0..=2),
        prop::collection::vec(index_plan(), 0..=3),
        prop::collection::vec(foreign_key_plan(), 0..=2),
        prop::collection::vec((prop::option::of(any::<Pick>()), name_plan()), 0..=2),
    )
        .prop_map(|((name, comment, columns), (pk, pk_name), uniques, indexes, foreign_keys, checks)| TablePlan {
            name,
            comment,
            columns,
            primary_key: KeyPlan { columns: pk, name: pk_name },
            uniques: uniques
                .into_iter()
                .map(|(columns, nulls_not_distinct, name)| UniquePlan { columns, nulls_not_distinct, name })
                .collect(),
            indexes,
            foreign_keys,
            checks: checks.into_iter().map(|(column, name)| CheckPlan { column, name }).collect(),
        })
}

fn enum_plan() -> impl Strategy<Value = EnumPlan> {
    (identifier(), prop::collection::vec(literal_text(), 1..=5), comment()).prop_map(|(name, labels, comment)| {
        EnumPlan { name, labels: labels.into_iter().map(|l| truncate(l, MAX_NAME)).collect(), comment }
    })
}

fn schema_plan() -> impl Strategy<Value = SchemaPlan> {
    (prop::collection::vec(enum_plan(), 0..=2), prop::collection::vec(table_plan(), 1..=6))
        .prop_map(|(enums, tables)| SchemaPlan { enums, tables })
}

// ---------------------------------------------------------------------------
// Plans to tables
// ---------------------------------------------------------------------------

/// Names taken in the `public` schema.
#[derive(Default)]
struct Namespace {
    /// `pg_type`: tables' row types and enums.
    types: HashSet<String>,
    /// `pg_class`: tables, indexes, and the indexes behind primary keys and unique constraints.
    relations: HashSet<String>,
    /// `pg_class` too: the sequences of identity and serial columns (two may want one
    /// name, PostgreSQL then picks another for the second, but nothing else may).
    sequences: HashSet<String>,
}

impl Namespace {
    fn relation_taken(&self, name: &str) -> bool {
        self.relations.contains(name) || self.sequences.contains(name)
    }
}

fn dedup<T: PartialEq + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The enums and tables of a plan, valid by construction, in plan order.
fn realize(plan: &SchemaPlan) -> (Vec<EnumType>, Vec<Table>) {
    let mut ns = Namespace::default();
    let mut enums = Vec::new();
    for e in &plan.enums {
        let name = unique_name(&e.name, |n| ns.types.contains(n));
        ns.types.insert(name.clone());
        let mut enum_type = EnumType::new(name, dedup(e.labels.iter().cloned()));
        enum_type.comment = e.comment.clone();
        enums.push(enum_type);
    }
    let mut tables: Vec<Table> = plan
        .tables
        .iter()
        .map(|t| {
            let name = unique_name(&t.name, |n| ns.types.contains(n) || ns.relation_taken(n));
            ns.types.insert(name.clone());
            ns.relations.insert(name.clone());
            Table::new(name)
        })
        .collect();

    // Columns, primary keys and unique keys: what foreign keys can target.
    // `index_names[t][i]` is the name plan of `tables[t].indexes[i]`; same for uniques.
    let mut index_names: Vec<Vec<NamePlan>> = vec![Vec::new(); tables.len()];
    let mut unique_names: Vec<Vec<NamePlan>> = vec![Vec::new(); tables.len()];
    for (((tp, table), names), u_names) in plan.tables.iter().zip(&mut tables).zip(&mut index_names).zip(&mut unique_names) {
        table.comment = tp.comment.clone();
        for cp in &tp.columns {
            let ty = resolve_type(&cp.ty, &enums);
            let sequence = matches!(cp.ty, TypePlan::Serial(_)) || (cp.identity.is_some() && ty.is_integer());
            let name = unique_name(&cp.name, |n| {
                table.find_column(n).is_some()
                    || SYSTEM_COLUMNS.contains(&n)
                    || (sequence && ns.relations.contains(&sequence_name(&table.name.name, n)))
            });
            if sequence {
                ns.sequences.insert(sequence_name(&table.name.name, &name));
            }
            let mut column = Column::new(name, ty.clone());
            column.comment = cp.comment.clone();
            if matches!(cp.ty, TypePlan::Serial(_)) {
                // Refused by `build()`: see `nullable_serial_is_refused`.
            } else if let (Some(identity), true) = (cp.identity, ty.is_integer()) {
                column = column.identity(identity);
            } else {
                column.nullable = cp.nullable;
                if let (Some(text), SqlType::Text | SqlType::Varchar(None)) = (&cp.default, &ty) {
                    column = column.default_text(text);
                }
            }
            table.columns.push(column);
        }
        let mut keyable: Vec<usize> = (0..table.columns.len()).filter(|&i| btree_ok(&table.columns[i].ty)).collect();
        if keyable.is_empty() {
            table.columns[0].ty = SqlType::BigInt;
            table.columns[0].default = None;
            keyable.push(0);
        }
        let key_of = |table: &Table, picks: &[Pick]| -> Vec<String> {
            dedup(picks.iter().map(|p| table.columns[keyable[p.index(keyable.len())]].name.clone()))
        };
        let pk = key_of(table, &tp.primary_key.columns);
        for c in &mut table.columns {
            if pk.contains(&c.name) {
                c.nullable = false;
            }
        }
        table.primary_key = Some(PrimaryKey::new(pk));
        for u in &tp.uniques {
            let mut unique = UniqueConstraint::new(key_of(table, &u.columns));
            unique.nulls_not_distinct = u.nulls_not_distinct;
            // Refused by `build()` (PostgreSQL would silently drop it):
            // see `unique_constraint_equal_to_the_primary_key_is_refused`.
            let pk = table.primary_key.as_ref().unwrap();
            let redundant = (!unique.nulls_not_distinct && unique.columns == pk.columns)
                || table.uniques.iter().any(|u| u.columns == unique.columns && u.nulls_not_distinct == unique.nulls_not_distinct);
            if !redundant {
                table.uniques.push(unique);
                u_names.push(u.name.clone());
            }
        }
        for ip in &tp.indexes {
            if let Some(index) = realize_index(table, ip) {
                table.indexes.push(index);
                names.push(ip.name.clone());
            }
        }
    }

    // Foreign keys, to any table (itself included), adding columns as needed.
    // Per table: its constraint keys, then the keys of its unique indexes.
    let keys: Vec<Vec<Vec<(String, SqlType)>>> = tables
        .iter()
        .map(|t| {
            let typed = |cols: &[String]| -> Vec<(String, SqlType)> {
                cols.iter().map(|c| (c.clone(), t.find_column(c).unwrap().ty.clone())).collect()
            };
            let mut keys = vec![typed(&t.primary_key.as_ref().unwrap().columns)];
            keys.extend(t.uniques.iter().map(|u| typed(&u.columns)));
            keys.extend(t.indexes.iter().filter(|i| i.unique && i.predicate.is_none()).map(|i| {
                typed(&i.keys.iter().map(|k| column_of(k).to_owned()).collect::<Vec<_>>())
            }));
            keys
        })
        .collect();
    let mut fk_names: Vec<Vec<NamePlan>> = vec![Vec::new(); tables.len()];
    for (ti, tp) in plan.tables.iter().enumerate() {
        for fp in &tp.foreign_keys {
            let target = fp.target.index(tables.len());
            let target_keys = &keys[target];
            let key = &target_keys[fp.key.index(target_keys.len())];
            // Refused by `build()`: see `foreign_key_on_an_array_with_a_type_modifier_is_refused`.
            if key.iter().any(|(_, ty)| array_with_type_modifier(ty)) {
                continue;
            }
            let target_name = tables[target].name.clone();
            let table = &mut tables[ti];
            let mut columns: Vec<String> = Vec::new();
            for ((_, ref_ty), (reuse, new_name, nullable)) in key.iter().zip(&fp.columns) {
                let candidates: Vec<&Column> = table
                    .columns
                    .iter()
                    .filter(|c| fk_type(&c.ty) == fk_type(ref_ty) && !columns.contains(&c.name))
                    .collect();
                let name = match reuse {
                    Some(pick) if !candidates.is_empty() => candidates[pick.index(candidates.len())].name.clone(),
                    _ => {
                        let name = unique_name(new_name, |n| table.find_column(n).is_some() || SYSTEM_COLUMNS.contains(&n));
                        let mut column = Column::new(name.clone(), ref_ty.storage());
                        column.nullable = *nullable;
                        table.columns.push(column);
                        name
                    }
                };
                columns.push(name);
            }
            let mut fk = ForeignKey::new(columns.clone(), target_name, key.iter().map(|(name, _)| name.clone()));
            fk.on_delete = fp.on_delete;
            fk.on_update = fp.on_update;
            fk.deferrable = fp.deferrable;
            table.foreign_keys.push(fk);
            fk_names[ti].push(fp.name.clone());
            if let Some(name) = &fp.index {
                table.indexes.push(Index::on(columns));
                index_names[ti].push(name.clone());
            }
        }
    }

    // Names last: defaults depend on final columns; fix only those that would clash or be too long.
    for ((((tp, table), names), u_names), f_names) in
        plan.tables.iter().zip(&mut tables).zip(&index_names).zip(&unique_names).zip(&fk_names)
    {
        let t = table.name.name.clone();
        let mut constraints: HashSet<String> = HashSet::new();
        let pk = table.primary_key.as_mut().unwrap();
        let default = format!("{t}_pkey");
        pk.name = choose_name(&tp.primary_key.name, default.clone(), |n| constraints.contains(n) || ns.relation_taken(n));
        let pk_name = final_name(&pk.name, &default);
        constraints.insert(pk_name.clone());
        ns.relations.insert(pk_name);
        for (u, name_plan) in table.uniques.iter_mut().zip(u_names) {
            let default = format!("{t}_{}_key", u.columns.join("_"));
            u.name = choose_name(name_plan, default.clone(), |n| constraints.contains(n) || ns.relation_taken(n));
            let name = final_name(&u.name, &default);
            constraints.insert(name.clone());
            ns.relations.insert(name);
        }
        // Mirrors `build()`: only unnamed table-level checks are numbered.
        let mut unnamed_checks = 0;
        for cp in &tp.checks {
            let column = cp.column.map(|p| table.columns[p.index(table.columns.len())].name.clone());
            let default = match &column {
                Some(c) => format!("{t}_{c}_check"),
                None if unnamed_checks == 0 => format!("{t}_check"),
                None => format!("{t}_check{unnamed_checks}"),
            };
            let target = column.clone().unwrap_or_else(|| table.columns[0].name.clone());
            let mut check = CheckConstraint::new(format!("{} IS NULL OR {} IS NOT NULL", Ident(&target), Ident(&target)));
            check.column = column;
            check.name = choose_name(&cp.name, default.clone(), |n| constraints.contains(n));
            if check.name.is_none() && check.column.is_none() {
                unnamed_checks += 1;
            }
            constraints.insert(final_name(&check.name, &default));
            table.checks.push(check);
        }
        for (fk, name_plan) in table.foreign_keys.iter_mut().zip(f_names) {
            let default = format!("{t}_{}_fkey", fk.columns.join("_"));
            fk.name = choose_name(name_plan, default.clone(), |n| constraints.contains(n));
            constraints.insert(final_name(&fk.name, &default));
        }
        for (index, name_plan) in table.indexes.iter_mut().zip(names) {
            let keys: Vec<&str> = index.keys.iter().map(column_of).collect();
            let default = format!("idx_{t}_{}", keys.join("_"));
            index.name = choose_name(name_plan, default.clone(), |n| ns.relation_taken(n));
            ns.relations.insert(final_name(&index.name, &default));
        }
    }
    (enums, tables)
}

fn column_of(key: &IndexKey) -> &str {
    match &key.target {
        pgarchitect::model::IndexTarget::Column(c) => c,
        pgarchitect::model::IndexTarget::Expression(_) => unreachable!("plans index columns only"),
    }
}

/// `None` (the default) when the default name is valid and free, otherwise an explicit name.
fn choose_name(plan: &NamePlan, default: String, taken: impl Fn(&str) -> bool) -> Option<String> {
    match &plan.explicit {
        Some(explicit) => Some(unique_name(explicit, taken)),
        None if default.len() <= MAX_NAME && !taken(&default) => None,
        None => Some(unique_name(&plan.fallback, taken)),
    }
}

fn final_name(name: &Option<String>, default: &str) -> String {
    name.clone().unwrap_or_else(|| default.to_owned())
}

/// An index valid for its columns' types, or `None` when no method fits.
fn realize_index(table: &Table, plan: &IndexPlan) -> Option<Index> {
    let n = table.columns.len();
    let mut columns: Vec<&Column> = dedup(plan.columns.iter().map(|p| p.index(n))).into_iter().map(|i| &table.columns[i]).collect();
    let methods_of = |cols: &[&Column]| -> Vec<IndexMethod> {
        let mut methods = index_methods(&cols[0].ty);
        for c in &cols[1..] {
            let other = index_methods(&c.ty);
            methods.retain(|m| other.contains(m));
        }
        if cols.len() > 1 {
            methods.retain(|m| !matches!(m, IndexMethod::Hash | IndexMethod::SpGist));
        }
        methods
    };
    let mut methods = methods_of(&columns);
    if methods.is_empty() {
        columns.truncate(1);
        methods = methods_of(&columns);
    }
    if plan.unique {
        methods.retain(|m| *m == IndexMethod::BTree);
    }
    if methods.is_empty() {
        return None;
    }
    let method = methods[plan.method.index(methods.len())];
    let btree = method == IndexMethod::BTree;
    let mut index = Index::with_keys(columns.iter().map(|c| {
        let mut key = IndexKey::column(c.name.clone());
        if btree && plan.desc {
            key = key.desc();
        }
        if btree {
            key.nulls = plan.nulls.map(|first| if first { NullsOrder::First } else { NullsOrder::Last });
        }
        if plan.opclass && !plan.unique && columns.len() == 1 {
            key.opclass = match (method, &c.ty) {
                (IndexMethod::BTree, SqlType::Text) => Some("text_pattern_ops".into()),
                (IndexMethod::Gin, SqlType::Jsonb) => Some("jsonb_path_ops".into()),
                _ => None,
            };
        }
        key
    }))
    .using(method);
    if plan.unique {
        index.unique = true;
        index.nulls_not_distinct = plan.nulls_not_distinct;
    }
    if matches!(method, IndexMethod::BTree | IndexMethod::Gist | IndexMethod::SpGist) {
        let key_names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        index.include = dedup(plan.include.iter().map(|p| table.columns[p.index(n)].name.clone()))
            .into_iter()
            .filter(|c| !key_names.contains(&c.as_str()))
            .collect();
    }
    index.predicate = plan.partial.map(|p| format!("{} IS NOT NULL", Ident(&table.columns[p.index(n)].name)));
    index.comment = plan.comment.clone();
    Some(index)
}

fn builder(enums: &[EnumType], tables: &[Table]) -> pgarchitect::SchemaBuilder {
    let mut b = Schema::builder();
    for e in enums {
        b = b.enum_type(e.clone());
    }
    for t in tables {
        b = b.add_table(t.clone());
    }
    b
}

fn build(enums: &[EnumType], tables: &[Table]) -> Result<Schema, TestCaseError> {
    builder(enums, tables).build().map_err(|e| fail(format!("a valid schema was refused: {e}")))
}

// ---------------------------------------------------------------------------
// A: valid schemas apply to PostgreSQL and read back exactly
// ---------------------------------------------------------------------------

static CASES_WITH_CYCLES: AtomicUsize = AtomicUsize::new(0);
static CASES_WITH_SELF_REFERENCES: AtomicUsize = AtomicUsize::new(0);
static CASES_WITH_EXTENSIONS: AtomicUsize = AtomicUsize::new(0);
static TABLES_APPLIED: AtomicUsize = AtomicUsize::new(0);

#[test]
fn valid_schemas_apply_and_read_back() {
    // One database for the run, emptied before each case: CREATE DATABASE costs
    // more than applying a case. A refused script leaves nothing (`psql -1`), and
    // dropping `public` also drops the extensions `build()` inferred.
    let Some(db) = support::pg::test_db() else { return };
    check_property("valid_schemas_apply_and_read_back", 300, schema_plan(), |plan| {
        let (enums, tables) = realize(&plan);
        let schema = build(&enums, &tables)?;
        let ddl = schema.to_ddl();
        db.batch("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        db.apply_psql(&ddl).map_err(|e| fail(format!("psql refused the DDL:\n{e}\n--- DDL ---\n{ddl}")))?;
        check_catalog(&db, &schema).map_err(|e| fail(format!("{e}\n--- DDL ---\n{ddl}")))?;
        if ddl.contains("\n-- Foreign keys that close a cycle") {
            CASES_WITH_CYCLES.fetch_add(1, Relaxed);
        }
        if schema.tables().iter().any(|t| t.foreign_keys.iter().any(|fk| fk.references == t.name)) {
            CASES_WITH_SELF_REFERENCES.fetch_add(1, Relaxed);
        }
        if !schema.extensions().is_empty() {
            CASES_WITH_EXTENSIONS.fetch_add(1, Relaxed);
        }
        TABLES_APPLIED.fetch_add(schema.tables().len(), Relaxed);
        Ok(())
    });
    eprintln!(
        "valid_schemas_apply_and_read_back: {} tables applied; cases with a foreign-key cycle: {}, \
         with a self-reference: {}, with an inferred extension: {}",
        TABLES_APPLIED.load(Relaxed),
        CASES_WITH_CYCLES.load(Relaxed),
        CASES_WITH_SELF_REFERENCES.load(Relaxed),
        CASES_WITH_EXTENSIONS.load(Relaxed),
    );
}

/// What the catalog holds for one column: name, type, NOT NULL, comment.
type ColumnRow = (String, SqlType, bool, Option<String>);
/// One index: table, name, access method, unique, primary, partial, INCLUDE count, comment.
type IndexRow = (String, String, String, bool, bool, bool, i64, Option<String>);
/// One constraint: table, name, kind, referenced table, on delete, on update, deferrable, deferred.
type ConstraintRow = (String, String, String, Option<String>, String, String, bool, bool);

/// `COMMENT ... IS ''` removes a comment, so an empty comment reads back as none.
fn stored_comment(comment: &Option<String>) -> Option<String> {
    comment.clone().filter(|c| !c.is_empty())
}

/// The type `format_type` reports for a column declared as `ty`: serials are
/// integers, arrays forget their dimensions, `char` is `character(1)`,
/// `numeric(p)` is `numeric(p,0)`.
fn stored_type(ty: &SqlType) -> SqlType {
    match ty.storage() {
        SqlType::Array(_) => stored_type(innermost(ty)).array(),
        SqlType::Char(None) => SqlType::Char(Some(1)),
        SqlType::Numeric(Some((p, None))) => SqlType::Numeric(Some((p, Some(0)))),
        SqlType::Named(n) => SqlType::Named(QualifiedName::public(n.name)),
        other => other,
    }
}

fn action_code(action: Option<ReferentialAction>) -> &'static str {
    match action.unwrap_or(ReferentialAction::NoAction) {
        ReferentialAction::NoAction => "a",
        ReferentialAction::Restrict => "r",
        ReferentialAction::Cascade => "c",
        ReferentialAction::SetNull => "n",
        ReferentialAction::SetDefault => "d",
    }
}

fn check_catalog(db: &support::pg::TestDb, schema: &Schema) -> Result<(), String> {
    let mut client = db.client();
    let q = |client: &mut postgres::Client, sql: &str| client.query(sql, &[]).map_err(|e| support::pg::describe_error_in(&e, sql));

    // Tables and their comments.
    let rows = q(&mut client, "SELECT c.relname::text, obj_description(c.oid, 'pg_class') FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'")?;
    let actual: BTreeMap<String, Option<String>> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let expected: BTreeMap<String, Option<String>> =
        schema.tables().iter().map(|t| (t.name.name.clone(), stored_comment(&t.comment))).collect();
    if rows.len() != schema.tables().len() {
        return Err(format!("{} tables in pg_class, {} in the schema", rows.len(), schema.tables().len()));
    }
    if actual != expected {
        return Err(format!("tables differ:\n  catalog: {actual:?}\n  schema:  {expected:?}"));
    }

    // Columns: name, type, NOT NULL and comment, in order.
    let rows = q(&mut client, "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
            a.attnotnull, col_description(c.oid, a.attnum), e.typname::text, t.typcategory = 'A'
        FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END AND e.typtype = 'e'
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
        ORDER BY c.relname, a.attnum")?;
    let mut actual: BTreeMap<String, Vec<ColumnRow>> = BTreeMap::new();
    for r in &rows {
        let format_type: String = r.get(2);
        let enum_name: Option<String> = r.get(5);
        let ty = match enum_name {
            Some(name) if r.get::<_, bool>(6) => SqlType::Named(QualifiedName::public(name)).array(),
            Some(name) => SqlType::Named(QualifiedName::public(name)),
            None => SqlType::parse(&format_type).map_err(|e| format!("format_type {format_type:?}: {e}"))?,
        };
        actual.entry(r.get(0)).or_default().push((r.get(1), ty, r.get(3), r.get(4)));
    }
    let expected: BTreeMap<String, Vec<ColumnRow>> = schema
        .tables()
        .iter()
        .map(|t| {
            let columns = t
                .columns
                .iter()
                .map(|c| (c.name.clone(), stored_type(&c.ty), !c.nullable, stored_comment(&c.comment)))
                .collect();
            (t.name.name.clone(), columns)
        })
        .collect();
    if actual != expected {
        return Err(first_difference("columns", &actual, &expected));
    }

    // Indexes, including those behind primary keys and unique constraints.
    let rows = q(&mut client, "SELECT c.relname::text, i.relname::text, am.amname::text, x.indisunique, x.indisprimary,
            x.indpred IS NOT NULL, (x.indnatts - x.indnkeyatts)::int8, obj_description(i.oid, 'pg_class')
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_am am ON am.oid = i.relam
        WHERE c.relnamespace = 'public'::regnamespace")?;
    let actual: BTreeSet<IndexRow> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7))).collect();
    let mut expected: BTreeSet<IndexRow> = BTreeSet::new();
    for t in schema.tables() {
        let tn = &t.name.name;
        if let Some(pk) = &t.primary_key {
            expected.insert((tn.clone(), pk.name.clone().unwrap(), "btree".into(), true, true, false, 0, None));
        }
        for u in &t.uniques {
            expected.insert((tn.clone(), u.name.clone().unwrap(), "btree".into(), true, false, false, 0, None));
        }
        for i in &t.indexes {
            expected.insert((
                tn.clone(),
                i.name.clone().unwrap(),
                i.method.as_sql().into(),
                i.unique,
                false,
                i.predicate.is_some(),
                i.include.len() as i64,
                stored_comment(&i.comment),
            ));
        }
    }
    if actual != expected {
        return Err(set_difference("indexes", &actual, &expected));
    }

    // Constraints, with what foreign keys reference and do.
    let rows = q(&mut client, "SELECT c.relname::text, k.conname::text, k.contype::text, r.relname::text,
            k.confdeltype::text, k.confupdtype::text, k.condeferrable, k.condeferred
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class r ON r.oid = k.confrelid
        WHERE c.relnamespace = 'public'::regnamespace")?;
    let actual: BTreeSet<ConstraintRow> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7))).collect();
    let mut expected: BTreeSet<ConstraintRow> = BTreeSet::new();
    for t in schema.tables() {
        let tn = &t.name.name;
        let plain = |name: &Option<String>, kind: &str| {
            // PostgreSQL reports ' ' as the actions of constraints that are not foreign keys.
            (tn.clone(), name.clone().unwrap(), kind.to_owned(), None, " ".to_owned(), " ".to_owned(), false, false)
        };
        if let Some(pk) = &t.primary_key {
            expected.insert(plain(&pk.name, "p"));
        }
        for u in &t.uniques {
            expected.insert(plain(&u.name, "u"));
        }
        for c in &t.checks {
            expected.insert(plain(&c.name, "c"));
        }
        for fk in &t.foreign_keys {
            expected.insert((
                tn.clone(),
                fk.name.clone().unwrap(),
                "f".into(),
                Some(fk.references.name.clone()),
                action_code(fk.on_delete).into(),
                action_code(fk.on_update).into(),
                fk.deferrable != Deferrable::No,
                fk.deferrable == Deferrable::InitiallyDeferred,
            ));
        }
    }
    if actual != expected {
        return Err(set_difference("constraints", &actual, &expected));
    }

    // Enums: labels in order, and comments.
    let rows = q(&mut client, "SELECT t.typname::text, obj_description(t.oid, 'pg_type'),
            array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.oid, t.typname")?;
    let actual: BTreeMap<String, (Option<String>, Vec<String>)> =
        rows.iter().map(|r| (r.get(0), (r.get(1), r.get(2)))).collect();
    let expected: BTreeMap<String, (Option<String>, Vec<String>)> = schema
        .enums()
        .iter()
        .map(|e| (e.name.name.clone(), (stored_comment(&e.comment), e.values.clone())))
        .collect();
    if actual != expected {
        return Err(first_difference("enums", &actual, &expected));
    }
    Ok(())
}

fn first_difference<V: PartialEq + std::fmt::Debug>(
    what: &str,
    actual: &BTreeMap<String, V>,
    expected: &BTreeMap<String, V>,
) -> String {
    let keys: BTreeSet<&String> = actual.keys().chain(expected.keys()).collect();
    for k in keys {
        if actual.get(k) != expected.get(k) {
            return format!("{what} of {k:?} differ:\n  catalog: {:?}\n  schema:  {:?}", actual.get(k), expected.get(k));
        }
    }
    format!("{what} differ")
}

fn set_difference<T: Ord + std::fmt::Debug>(what: &str, actual: &BTreeSet<T>, expected: &BTreeSet<T>) -> String {
    let extra: Vec<&T> = actual.difference(expected).collect();
    let missing: Vec<&T> = expected.difference(actual).collect();
    format!("{what} differ:\n  only in the catalog: {extra:#?}\n  only in the schema: {missing:#?}")
}

// ---------------------------------------------------------------------------
// B: emission is deterministic
// ---------------------------------------------------------------------------

fn shuffled<T: Clone>(items: &[T], order: &[usize]) -> Vec<T> {
    order.iter().map(|&i| items[i].clone()).collect()
}

#[test]
fn emission_is_deterministic_whatever_the_insertion_order() {
    let strategy = schema_plan().prop_flat_map(|plan| {
        let tables = (0..plan.tables.len()).collect::<Vec<_>>();
        let enums = (0..plan.enums.len()).collect::<Vec<_>>();
        (Just(plan), Just(tables).prop_shuffle(), Just(enums).prop_shuffle())
    });
    check_property("emission_is_deterministic_whatever_the_insertion_order", 300, strategy, |(plan, table_order, enum_order)| {
        let (enums, tables) = realize(&plan);
        let schema = build(&enums, &tables)?;
        let ddl = schema.to_ddl();
        prop_assert_eq!(&ddl, &schema.to_ddl(), "emitting twice differs");
        prop_assert_eq!(&ddl, &build(&enums, &tables)?.to_ddl(), "building twice differs");
        let reordered = build(&shuffled(&enums, &enum_order), &shuffled(&tables, &table_order))?;
        prop_assert_eq!(&reordered, &schema, "the built schema depends on insertion order");
        prop_assert_eq!(&ddl, &reordered.to_ddl(), "the DDL depends on insertion order");
        let mut written = String::new();
        pgarchitect::ddl::write_ddl(&schema, &mut written).unwrap();
        prop_assert_eq!(&ddl, &written, "write_ddl and to_ddl differ");
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// C: every injected defect is reported, all at once
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum DefectKind {
    LongColumnName,
    DuplicateColumn,
    ForeignKeyToMissingTable,
    ForeignKeyTypeMismatch,
    MissingPrimaryKey,
    IndexOnMissingColumn,
    LongGeneratedName,
    DuplicateIndexName,
}

#[derive(Clone, Debug)]
struct Defect {
    kind: DefectKind,
    table: Pick,
    pick: Pick,
    extra: usize,
    flag: bool,
}

fn defect() -> impl Strategy<Value = Defect> {
    use DefectKind::*;
    let kinds = vec![
        LongColumnName,
        DuplicateColumn,
        ForeignKeyToMissingTable,
        ForeignKeyTypeMismatch,
        MissingPrimaryKey,
        IndexOnMissingColumn,
        LongGeneratedName,
        DuplicateIndexName,
    ];
    (select(kinds), any::<Pick>(), any::<Pick>(), 0usize..16, any::<bool>())
        .prop_map(|(kind, table, pick, extra, flag)| Defect { kind, table, pick, extra, flag })
}

/// The error a defect must cause.
#[derive(Debug)]
enum Expected {
    TooLong { name: String, generated: bool },
    DuplicateColumn { table: QualifiedName, column: String },
    MissingTable { table: QualifiedName, constraint: String, referenced: QualifiedName },
    TypeMismatch { table: QualifiedName, constraint: String, column: String },
    MissingPrimaryKey(QualifiedName),
    UnknownColumn { table: QualifiedName, column: String },
    DuplicateRelation(QualifiedName),
}

impl Expected {
    fn matches(&self, error: &SchemaError) -> bool {
        use pgarchitect::ident::IdentifierProblem::TooLong;
        match (self, error) {
            (
                Expected::TooLong { name, generated },
                SchemaError::InvalidIdentifier { name: n, problem: TooLong { bytes }, generated: g, .. },
            ) => name == n && *bytes == name.len() && generated == g,
            (Expected::DuplicateColumn { table, column }, SchemaError::DuplicateColumn { table: t, column: c }) => {
                table == t && column == c
            }
            (
                Expected::MissingTable { table, constraint, referenced },
                SchemaError::UnknownReferencedTable { table: t, constraint: c, referenced: r },
            ) => table == t && constraint == c && referenced == r,
            (
                Expected::TypeMismatch { table, constraint, column },
                SchemaError::ForeignKeyTypeMismatch { table: t, constraint: k, column: c, .. },
            ) => table == t && constraint == k && column == c,
            (Expected::MissingPrimaryKey(table), SchemaError::MissingPrimaryKey(t)) => table == t,
            (Expected::UnknownColumn { table, column }, SchemaError::UnknownColumn { table: t, column: c, .. }) => {
                table == t && column == c
            }
            (Expected::DuplicateRelation(name), SchemaError::DuplicateRelationName { name: n, .. }) => name == n,
            _ => false,
        }
    }

    /// Errors that follow from the defect besides its own: a table without a primary
    /// key no longer gives foreign keys to its key a unique target, and a foreign key
    /// added to a key of `varchar(n)[]` is one PostgreSQL cannot check.
    fn tolerates(&self, error: &SchemaError) -> bool {
        match (self, error) {
            (
                Expected::TypeMismatch { table, constraint, .. },
                SchemaError::UnsupportedForeignKeyType { table: t, constraint: c, .. },
            ) => table == t && constraint == c,
            (Expected::MissingPrimaryKey(table), SchemaError::ForeignKeyTargetNotUnique { referenced, .. }) => {
                table == referenced
            }
            _ => false,
        }
    }
}

/// Applies `defects` to valid tables; returns the error each defect that applied must cause.
fn inject(tables: &mut [Table], base: &Schema, defects: &[Defect]) -> Vec<Expected> {
    let base_columns: Vec<usize> = tables.iter().map(|t| t.columns.len()).collect();
    // Relations no defect can remove: tables, and indexes that back no constraint.
    let stable_relations: Vec<String> = base
        .tables()
        .iter()
        .flat_map(|t| std::iter::once(t.name.name.clone()).chain(t.indexes.iter().map(|i| i.name.clone().unwrap())))
        .collect();
    let mut expected = Vec::new();
    for (n, d) in defects.iter().enumerate() {
        let ti = d.table.index(tables.len());
        let tn = tables[ti].name.clone();
        let first_column = tables[ti].columns[0].name.clone();
        match d.kind {
            DefectKind::LongColumnName => {
                let fill = if d.flag { '€' } else { 'x' };
                let mut name = format!("defect#long{n}_");
                while name.len() <= MAX_NAME + d.extra {
                    name.push(fill);
                }
                tables[ti].columns.push(Column::new(name.clone(), SqlType::Text).nullable());
                expected.push(Expected::TooLong { name, generated: false });
            }
            DefectKind::DuplicateColumn => {
                let column = tables[ti].columns[d.pick.index(base_columns[ti])].clone();
                expected.push(Expected::DuplicateColumn { table: tn, column: column.name.clone() });
                tables[ti].columns.push(column);
            }
            DefectKind::ForeignKeyToMissingTable => {
                let referenced = QualifiedName::public(format!("defect#missing{n}"));
                let mut fk = ForeignKey::new([first_column], referenced.clone(), ["id"]);
                fk.name = Some(format!("defect#fk{n}"));
                tables[ti].foreign_keys.push(fk);
                expected.push(Expected::MissingTable { table: tn, constraint: format!("defect#fk{n}"), referenced });
            }
            DefectKind::ForeignKeyTypeMismatch => {
                let start = d.pick.index(tables.len());
                let Some(ui) = (0..tables.len()).map(|k| (start + k) % tables.len()).find(|&k| tables[k].primary_key.is_some())
                else {
                    continue;
                };
                let target = &tables[ui];
                let key: Vec<(String, SqlType)> = target
                    .primary_key
                    .as_ref()
                    .unwrap()
                    .columns
                    .iter()
                    .map(|c| (c.clone(), target.find_column(c).unwrap().ty.storage()))
                    .collect();
                let target_name = target.name.clone();
                let wrong = d.extra % key.len();
                let mut columns = Vec::new();
                for (i, (_, ty)) in key.iter().enumerate() {
                    let name = format!("defect#fkc{n}_{i}");
                    let ty = match (i == wrong, fk_type(ty)) {
                        (false, _) => ty.clone(),
                        (true, SqlType::Boolean) => SqlType::Text,
                        (true, _) => SqlType::Boolean,
                    };
                    tables[ti].columns.push(Column::new(name.clone(), ty).nullable());
                    columns.push(name);
                }
                let constraint = format!("defect#fkm{n}");
                let mut fk = ForeignKey::new(columns.clone(), target_name, key.iter().map(|(c, _)| c.clone()));
                fk.name = Some(constraint.clone());
                tables[ti].foreign_keys.push(fk);
                expected.push(Expected::TypeMismatch { table: tn, constraint, column: columns[wrong].clone() });
            }
            DefectKind::MissingPrimaryKey => {
                if tables[ti].primary_key.take().is_some() {
                    expected.push(Expected::MissingPrimaryKey(tn));
                }
            }
            DefectKind::IndexOnMissingColumn => {
                let column = format!("defect#nocol{n}");
                tables[ti].indexes.push(Index::on([column.clone()]).named(format!("defect#idx{n}")));
                expected.push(Expected::UnknownColumn { table: tn, column });
            }
            DefectKind::LongGeneratedName => {
                // The column's own name is valid; the name derived from it is not.
                let mut column = format!("defect#gen{n}_");
                while column.len() < 59 + d.extra % 5 {
                    column.push('g');
                }
                tables[ti].columns.push(Column::new(column.clone(), SqlType::Text).nullable());
                let name = if d.flag {
                    tables[ti].indexes.push(Index::on([column.clone()]));
                    format!("idx_{}_{column}", tn.name)
                } else {
                    tables[ti].uniques.push(UniqueConstraint::new([column.clone()]));
                    format!("{}_{column}_key", tn.name)
                };
                expected.push(Expected::TooLong { name, generated: true });
            }
            DefectKind::DuplicateIndexName => {
                let name = if d.flag {
                    let name = format!("defect#dup{n}");
                    tables[ti].indexes.push(Index::on([first_column.clone()]).named(name.clone()));
                    name
                } else {
                    stable_relations[d.pick.index(stable_relations.len())].clone()
                };
                tables[ti].indexes.push(Index::on([first_column]).named(name.clone()));
                expected.push(Expected::DuplicateRelation(QualifiedName::public(name)));
            }
        }
    }
    expected
}

#[test]
fn every_injected_defect_is_reported_at_once() {
    let strategy = (schema_plan(), prop::collection::vec(defect(), 1..=4));
    check_property("every_injected_defect_is_reported_at_once", 300, strategy, |(plan, defects)| {
        let (enums, mut tables) = realize(&plan);
        let base = build(&enums, &tables)?;
        let expected = inject(&mut tables, &base, &defects);
        let errors = match builder(&enums, &tables).build() {
            Ok(_) => return Err(fail(format!("build() accepted a schema with defects {expected:?}"))),
            Err(SchemaErrors(errors)) => errors,
        };
        let mut used = vec![false; errors.len()];
        for exp in &expected {
            match (0..errors.len()).find(|&i| !used[i] && exp.matches(&errors[i])) {
                Some(i) => used[i] = true,
                None => return Err(fail(format!("no error for defect {exp:?}; build() reported {errors:#?}"))),
            }
        }
        for (error, _) in errors.iter().zip(&used).filter(|(_, used)| !**used) {
            if !expected.iter().any(|exp| exp.tolerates(error)) {
                return Err(fail(format!("unexpected error {error:?} for defects {expected:?}")));
            }
        }
        // The same problems, in the same order, whatever order tables were added in.
        tables.reverse();
        let again = builder(&enums, &tables).build().expect_err("still invalid");
        prop_assert_eq!(&again.0, &errors, "errors depend on insertion order");
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// D: SqlType::parse reads back every type's display
// ---------------------------------------------------------------------------

fn any_sql_type() -> impl Strategy<Value = SqlType> {
    let named = prop_oneof![
        (identifier(), identifier()).prop_map(|(s, n)| QualifiedName::new(s, n)),
        // A bare unqualified name may spell a built-in type (`text`): only quoted ones.
        identifier().prop_filter("quoted", |n| !is_bare_identifier(n)).prop_map(QualifiedName::unqualified),
    ];
    let base = prop_oneof![
        4 => scalar_type(),
        1 => select(vec![SqlType::SmallSerial, SqlType::Serial, SqlType::BigSerial]),
        2 => named.prop_map(SqlType::Named),
    ];
    (base, 0..3usize).prop_map(|(t, dims)| (0..dims).fold(t, |t, _| t.array()))
}

#[test]
fn sql_type_parse_reads_back_display() {
    check_property("sql_type_parse_reads_back_display", 500, any_sql_type(), |ty| {
        let text = ty.to_string();
        match SqlType::parse(&text) {
            Ok(parsed) => prop_assert_eq!(parsed, ty, "parsing {:?}", text),
            Err(e) => return Err(fail(format!("{e}"))),
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// schema-core bugs found by these properties, now fixed
// ---------------------------------------------------------------------------

/// Applies `schema`'s DDL to a fresh database; `None` without a server.
fn apply(schema: &Schema) -> Option<(support::pg::TestDb, Result<(), String>)> {
    let db = support::pg::test_db()?;
    let result = db.apply_psql(&schema.to_ddl());
    Some((db, result))
}

fn int_table(name: &str) -> Table {
    Table::new(name).column(Column::new("id", SqlType::Integer)).primary_key(["id"])
}

/// `build()` must refuse a schema, or PostgreSQL must accept its DDL.
fn assert_refused_or_applies(built: Result<Schema, SchemaErrors>) {
    if let Ok(schema) = built {
        if let Some((_db, Err(e))) = apply(&schema) {
            panic!("build() accepted a schema PostgreSQL refuses:\n{e}\n--- DDL ---\n{}", schema.to_ddl());
        }
    }
}

/// `build()` refuses the schema with one error, for which `expected` holds; the
/// server (when there is one) refuses it too, so the check is neither missing nor
/// stricter than PostgreSQL.
#[track_caller]
fn assert_refused(built: Result<Schema, SchemaErrors>, expected: impl Fn(&SchemaError) -> bool) {
    let errors = match built {
        Ok(schema) => panic!("build() accepted it:\n{}", schema.to_ddl()),
        Err(e) => e,
    };
    assert!(errors.0.len() == 1 && expected(&errors.0[0]), "unexpected errors: {errors:#?}");
}

/// The DDL of a schema `build()` refuses, emitted anyway, fails on the server.
fn server_refuses(ddl: &str) {
    let Some(db) = support::pg::test_db() else { return };
    assert!(db.apply_psql(ddl).is_err(), "PostgreSQL accepted:\n{ddl}");
}

/// ddl.rs wrote `-- Table: {name}` with the raw name, so a line break in a (valid,
/// quoted) table name ended the SQL comment and the rest of the name ran as SQL.
#[test]
fn table_name_with_a_line_break_cannot_inject_sql() {
    for name in ["x\nCREATE TABLE injected (id int); --", "x\rCREATE TABLE injected (id int); --", "x\r\n;CREATE TABLE injected (id int);"] {
        let schema = Schema::builder().add_table(int_table(name)).build().expect("a valid name");
        let ddl = schema.to_ddl();
        let comment = format!("-- Table: public.\"{}\"\n", name.replace('\n', "\\n").replace('\r', "\\r"));
        assert!(ddl.contains(&comment), "the comment line keeps the name on one line:\n{ddl}");
        let Some((db, result)) = apply(&schema) else { return };
        result.unwrap_or_else(|e| panic!("{e}\n--- DDL ---\n{ddl}"));
        let injected: bool = db.client().query_one("SELECT to_regclass('public.injected') IS NOT NULL", &[]).unwrap().get(0);
        assert!(!injected, "the table name's second line ran as SQL:\n{ddl}");
        let stored: String = db.client().query_one("SELECT relname::text FROM pg_class WHERE relname LIKE 'x%' AND relkind = 'r'", &[]).unwrap().get(0);
        assert_eq!(stored, name);
    }
}

/// A foreign key to a unique *index* of its own table was written inside CREATE
/// TABLE, before the CREATE UNIQUE INDEX it needs; it is now added after it.
#[test]
fn self_reference_to_a_unique_index_applies() {
    let schema = Schema::builder()
        .add_table(
            int_table("node")
                .column(Column::new("code", SqlType::Text))
                .column(Column::new("parent", SqlType::Text).nullable())
                .index(Index::on(["code"]).unique())
                .foreign_key(ForeignKey::new(["parent"], QualifiedName::public("node"), ["code"])),
        )
        .build()
        .expect("valid");
    let ddl = schema.to_ddl();
    let index = ddl.find("CREATE UNIQUE INDEX idx_node_code").expect("the index");
    let fk = ddl.find("ALTER TABLE public.node ADD CONSTRAINT node_parent_fkey").expect("the foreign key, after the table");
    assert!(index < fk, "{ddl}");
    let Some((db, result)) = apply(&schema) else { return };
    result.unwrap_or_else(|e| panic!("{e}\n--- DDL ---\n{ddl}"));
    db.apply_psql("INSERT INTO node VALUES (1, 'a', NULL), (2, 'b', 'a');").unwrap();
    assert!(db.apply_psql("INSERT INTO node VALUES (3, 'c', 'zz');").is_err(), "the foreign key is enforced");
}

/// PostgreSQL names an identity column's sequence `{table}_{column}_seq` when the
/// table is created; a relation of that name created later then fails (one created
/// earlier makes it pick `..._seq1`), so `build()` refuses the clash either way.
#[test]
fn identity_sequence_name_clashes_with_a_later_table() {
    let identity = |t: &str| Table::new(t).column(Column::new("id", SqlType::BigInt).identity(Identity::Always)).primary_key(["id"]);
    let built = Schema::builder().add_table(identity("a")).add_table(int_table("a_id_seq")).build();
    assert_refused(built, |e| matches!(e, SchemaError::DuplicateRelationName { name, .. } if name.name == "a_id_seq"));
    server_refuses(
        "CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY); CREATE TABLE a_id_seq (id int PRIMARY KEY);",
    );
    // A serial, an index, a key's index; long names are shortened as PostgreSQL does.
    let serial = Table::new("b").column(Column::new("n", SqlType::Serial)).primary_key(["n"]).index(Index::on(["n"]).named("b_n_seq"));
    assert_refused(Schema::builder().add_table(serial).build(), |e| matches!(e, SchemaError::DuplicateRelationName { .. }));
    let long_table = "t".repeat(40);
    let long_column = "c".repeat(40);
    let seq = format!("{}_{}_seq", "t".repeat(29), "c".repeat(29));
    let mut long = Table::new(long_table.clone())
        .column(Column::new(long_column.clone(), SqlType::BigInt).identity(Identity::ByDefault))
        .primary_key([long_column.clone()]);
    long.primary_key = Some(PrimaryKey::new([long_column.clone()]).named("long_pkey"));
    let mut seq_table = int_table(&seq);
    seq_table.primary_key = Some(PrimaryKey::new(["id"]).named("seq_pkey"));
    assert_refused(Schema::builder().add_table(long).add_table(seq_table).build(), |e| {
        matches!(e, SchemaError::DuplicateRelationName { name, .. } if name.name == seq)
    });
    server_refuses(&format!(
        "CREATE TABLE {long_table} ({long_column} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY); CREATE TABLE {seq} (id int PRIMARY KEY);"
    ));
    // Two sequences wanting one name: PostgreSQL names the second `a_b_c_seq1`.
    let schema = Schema::builder()
        .add_table(Table::new("a_b").column(Column::new("c", SqlType::Serial)).primary_key(["c"]))
        .add_table(Table::new("a").column(Column::new("b_c", SqlType::Serial)).primary_key(["b_c"]))
        .build()
        .expect("PostgreSQL copes with two sequences of one name");
    assert_refused_or_applies(Ok(schema));
}

/// `xmin`, `ctid`, ... are system columns of every table.
#[test]
fn system_column_names_are_refused() {
    for name in ["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"] {
        let built = Schema::builder().add_table(int_table("t").column(Column::new(name, SqlType::Integer))).build();
        assert_refused(built, |e| matches!(e, SchemaError::SystemColumnName { column, .. } if column == name));
    }
    server_refuses("CREATE TABLE t (id int PRIMARY KEY, xmin int);");
    // `oid` stopped being a system column in PostgreSQL 12.
    assert_refused_or_applies(Schema::builder().add_table(int_table("t").column(Column::new("oid", SqlType::Integer))).build());
}

/// PostgreSQL has no array of serial.
#[test]
fn array_of_serial_is_refused() {
    let built = Schema::builder().add_table(int_table("t").column(Column::new("s", SqlType::Serial.array()))).build();
    assert_refused(built, |e| matches!(e, SchemaError::InvalidType { .. }));
    server_refuses("CREATE TABLE t (id int PRIMARY KEY, s serial[]);");
}

/// CREATE TABLE silently drops a unique constraint equal (same columns in the same
/// order, same NULLS NOT DISTINCT) to the primary key or an earlier unique
/// constraint, so the declared constraint would never exist.
#[test]
fn unique_constraint_equal_to_the_primary_key_is_refused() {
    let built = Schema::builder().add_table(int_table("t").unique(UniqueConstraint::new(["id"]).named("t_id_key"))).build();
    assert_refused(built, |e| {
        matches!(e, SchemaError::DuplicateUniqueConstraint { constraint, duplicate_of, .. } if constraint == "t_id_key" && duplicate_of == "t_pkey")
    });
    let two = int_table("t")
        .column(Column::new("a", SqlType::Integer))
        .column(Column::new("b", SqlType::Integer))
        .unique(UniqueConstraint::new(["a", "b"]).named("u1"))
        .unique(UniqueConstraint::new(["a", "b"]).named("u2"));
    assert_refused(Schema::builder().add_table(two).build(), |e| {
        matches!(e, SchemaError::DuplicateUniqueConstraint { constraint, duplicate_of, .. } if constraint == "u2" && duplicate_of == "u1")
    });
    // Another order, or NULLS NOT DISTINCT, makes another index: PostgreSQL keeps both.
    let kept = int_table("t")
        .column(Column::new("a", SqlType::Integer))
        .column(Column::new("b", SqlType::Integer))
        .unique(UniqueConstraint::new(["a", "b"]).named("u1"))
        .unique(UniqueConstraint::new(["b", "a"]).named("u2"))
        .unique(UniqueConstraint::new(["a", "b"]).nulls_not_distinct().named("u3"))
        .unique(UniqueConstraint::new(["id"]).nulls_not_distinct().named("u4"));
    let schema = Schema::builder().add_table(kept).build().expect("distinct keys");
    let Some((db, result)) = apply(&schema) else { return };
    result.unwrap();
    let n: i64 = db.client().query_one("SELECT count(*) FROM pg_constraint WHERE contype = 'u' AND conrelid = 'public.t'::regclass", &[]).unwrap().get(0);
    assert_eq!(n, 4, "PostgreSQL kept every declared unique constraint");
}

/// PostgreSQL makes a serial column NOT NULL whatever it is declared, as it does for
/// primary key columns, which `build()` refuses to leave nullable.
#[test]
fn nullable_serial_is_refused() {
    let built = Schema::builder().add_table(int_table("t").column(Column::new("n", SqlType::Serial).nullable())).build();
    assert_refused(built, |e| matches!(e, SchemaError::ConflictingColumnOptions { second: "nullable", .. }));
}

/// PostgreSQL 15 cannot run the referential checks of a foreign key on an array
/// whose element type has a modifier: the deferred ALTER TABLE of a cycle fails,
/// and an inline one fails on every INSERT.
#[test]
fn foreign_key_on_an_array_with_a_type_modifier_is_refused() {
    for ty in [SqlType::Varchar(Some(10)), SqlType::Char(None), SqlType::Char(Some(3)), SqlType::Numeric(Some((5, Some(2))))] {
        let tags = ty.clone().array();
        let built = Schema::builder()
            .add_table(
                Table::new("t")
                    .column(Column::new("k", tags.clone()))
                    .column(Column::new("parent", tags.clone()).nullable())
                    .primary_key(["k"])
                    .foreign_key(ForeignKey::new(["parent"], QualifiedName::public("t"), ["k"])),
            )
            .build();
        assert_refused(built, |e| matches!(e, SchemaError::UnsupportedForeignKeyType { column, .. } if column == "parent"));
    }
    server_refuses("CREATE TABLE t (k varchar(10)[] PRIMARY KEY, parent varchar(10)[]); ALTER TABLE t ADD FOREIGN KEY (parent) REFERENCES t (k);");
    // Without a modifier the checks run.
    for ty in [SqlType::Varchar(None), SqlType::Numeric(None), SqlType::Text] {
        let tags = ty.array();
        let schema = Schema::builder()
            .add_table(
                Table::new("t")
                    .column(Column::new("k", tags.clone()))
                    .column(Column::new("parent", tags).nullable())
                    .primary_key(["k"])
                    .foreign_key(ForeignKey::new(["parent"], QualifiedName::public("t"), ["k"])),
            )
            .build()
            .expect("valid");
        let Some((db, result)) = apply(&schema) else { return };
        result.unwrap();
        db.apply_psql("INSERT INTO t VALUES ('{1}', NULL); INSERT INTO t VALUES ('{2}', '{1}');").unwrap();
    }
}

/// `SqlType::parse` looked for `(` without skipping quoted names.
#[test]
fn parse_reads_quoted_type_names_with_parentheses() {
    for ty in [
        SqlType::Named(QualifiedName::public("a(b)")),
        SqlType::Named(QualifiedName::new("s(", ")t")).array(),
        SqlType::Named(QualifiedName::unqualified("x)")),
    ] {
        assert_eq!(SqlType::parse(&ty.to_string()), Ok(ty));
    }
}

/// Every partition has a row type of its own name, as every table does, so an
/// enum, a domain or a view named like a partition clashes with it in `pg_type`
/// (`build()` reported the clash only for tables; PostgreSQL refused the DDL).
#[test]
fn a_partition_name_clashes_with_a_type_of_that_name() {
    use pgarchitect::model::{Domain, Partitioning, View};
    let events = |default: bool| {
        let p = Partitioning::list("region").values("events_eu", ["'eu'"]);
        int_table("events").column(Column::new("region", SqlType::Text)).primary_key(["id", "region"]).partition_by(if default { p.with_default() } else { p })
    };
    let with_enum = |name: &str, default: bool| {
        Schema::builder().enum_type(EnumType::new(name, ["a", "b"])).add_table(events(default)).build()
    };
    let clash = |name: &'static str| move |e: &SchemaError| matches!(e, SchemaError::DuplicateTypeName { name: n, .. } if n.name == name);
    assert_refused(with_enum("events_eu", false), clash("events_eu"));
    assert_refused(with_enum("events_default", true), clash("events_default"));
    let domain = Schema::builder().domain(Domain::new("events_eu", SqlType::Text)).add_table(events(false)).build();
    assert_refused(domain, clash("events_eu"));
    // A view is a relation as well: that clash is reported once, as a relation.
    let view = Schema::builder().add_table(events(false)).view(View::new(QualifiedName::public("events_eu"), "SELECT 1 AS one")).build();
    assert_refused(view, |e| matches!(e, SchemaError::DuplicateRelationName { name, .. } if name.name == "events_eu"));
    // What build() now refuses, PostgreSQL refuses.
    let table = "CREATE TABLE events (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);";
    server_refuses(&format!("CREATE TYPE events_eu AS ENUM ('a', 'b'); {table} CREATE TABLE events_eu PARTITION OF events FOR VALUES IN ('eu');"));
    server_refuses(&format!("CREATE DOMAIN events_eu AS text; {table} CREATE TABLE events_eu PARTITION OF events FOR VALUES IN ('eu');"));
    server_refuses(&format!("CREATE TYPE events_default AS ENUM ('a'); {table} CREATE TABLE events_default PARTITION OF events DEFAULT;"));
    // And without the clash both apply.
    assert_refused_or_applies(with_enum("event_kind", true));
}
