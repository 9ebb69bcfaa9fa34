//! Validation (`SchemaBuilder::build`) and DDL emission (`Schema::to_ddl`) on
//! synthetic schemas of 100, 1,000 and 10,000 tables: 12 columns of mixed types,
//! 3 indexes and 1 foreign key each, the keys forming a tree closed into one cycle
//! (so the deferred `ALTER TABLE` path runs too).
//!
//! `cargo bench --bench emit -- --warm-up-time 1 --measurement-time 3`
//!
//! Two measurements per size:
//! - `build` and `emit`: one schema, over and over. A 1,000-table schema (6 MB)
//!   stays in the processor's cache between iterations; a 10,000-table one (60 MB)
//!   does not, so its tables come from main memory every time.
//! - `build_same_data` and `emit_same_data`: each iteration handles 10,000 tables,
//!   as 100 schemas of 100, 10 of 1,000 or one of 10,000, so every size touches the
//!   same amount of memory and only the schema size differs. Equal time per table
//!   across sizes means the code itself grows linearly with the schema.
//!
//! - `read_model`: a baseline, not pgarchitect's code: one pass over each built
//!   schema's tables that reads every array and the first byte of every string
//!   emission writes out, and nothing else. It costs what the machine charges for
//!   bringing the model in from wherever it is (cache or main memory), which no
//!   emitter of that model can avoid.
//!
//! After criterion's report, a summary gives the time per table of each size and
//! the 10,000/1,000 time ratio of each group (linear growth: at most 11), and
//! the ratio of emission's time above the `read_model` baseline.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use pgarchitect::model::{
    Column, EnumType, ForeignKey, Identity, Index, IndexMethod, IndexTarget, QualifiedName, ReferentialAction, Table, UniqueConstraint,
};
use pgarchitect::{Schema, SchemaBuilder, SqlType};

const SIZES: [usize; 3] = [100, 1_000, 10_000];
/// Tables per iteration in the `_same_data` groups.
const SAME_DATA_TABLES: usize = 10_000;

fn table_name(i: usize) -> String {
    // Every tenth name needs quoting, as real schemas with mixed-case names do.
    if i % 10 == 3 {
        format!("Order Line {i:05}")
    } else {
        format!("table_{i:05}")
    }
}

/// Table `i` of `n`: its foreign key points at table `i / 2`, and table 0 at the
/// last table, closing one cycle through the tree.
fn table(i: usize, n: usize) -> Table {
    let parent = if i == 0 { n - 1 } else { i / 2 };
    Table::new(table_name(i))
        .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
        .column(Column::new("parent_id", SqlType::BigInt).nullable().comment("The row this one belongs to"))
        .column(Column::new("email", SqlType::Varchar(Some(255))))
        .column(Column::new("name", SqlType::Text).default_text("it's unnamed"))
        .column(Column::new("status", SqlType::Named(QualifiedName::public("status"))))
        .column(Column::new("amount", SqlType::Numeric(Some((12, Some(2))))).default_expr("0"))
        .column(Column::new("tags", SqlType::Text.array()).default_expr("'{}'"))
        .column(Column::new("payload", SqlType::Jsonb).nullable())
        .column(Column::new("external_id", SqlType::Uuid))
        .column(Column::new("active", SqlType::Boolean).default_expr("true"))
        .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
        .column(Column::new("Display Name", SqlType::Text).nullable().comment("Shown in the UI; may hold 'quotes'"))
        .primary_key(["id"])
        .unique(UniqueConstraint::new(["external_id"]))
        .foreign_key(
            ForeignKey::new(["parent_id"], QualifiedName::public(table_name(parent)), ["id"])
                .on_delete(ReferentialAction::SetNull),
        )
        .index(Index::on(["parent_id"]))
        .index(Index::on(["email"]).unique().comment("Login lookup"))
        .index(Index::on(["tags"]).using(IndexMethod::Gin))
        .comment(format!("Synthetic table {i} of {n}"))
}

fn schema_builder(n: usize) -> SchemaBuilder {
    let status = EnumType::new("status", ["active", "suspended", "deleted"]);
    (0..n).fold(Schema::builder().enum_type(status), |b, i| b.add_table(table(i, n)))
}

/// Time per schema seen by the timed routines, by (group, tables).
static SAMPLES: Mutex<BTreeMap<(&'static str, usize), Vec<f64>>> = Mutex::new(BTreeMap::new());
/// DDL bytes, by tables.
static DDL_BYTES: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());

/// `schemas`: how many schemas of `tables` tables the `elapsed` time handled.
fn record(group: &'static str, tables: usize, schemas: u64, elapsed: Duration) {
    if schemas > 0 {
        let per_iter = elapsed.as_secs_f64() / schemas as f64;
        SAMPLES.lock().unwrap().entry((group, tables)).or_default().push(per_iter);
    }
}

/// `copies` builders of `n` tables each; `build` consumes them, so each timed
/// run gets fresh clones made outside the timed region.
fn bench_build_group(c: &mut Criterion, group_name: &'static str, copies: impl Fn(usize) -> usize) {
    let mut group = c.benchmark_group(group_name);
    for n in SIZES {
        let builder = schema_builder(n);
        builder.clone().build().expect("the synthetic schema is valid");
        let copies = copies(n);
        group.throughput(Throughput::Elements((n * copies) as u64));
        group.sample_size(if n * copies >= 10_000 { 10 } else { 50 });
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let builders = vec![builder.clone(); copies];
                    let start = Instant::now();
                    let schemas: Vec<_> = builders.into_iter().map(|b| black_box(b.build())).collect();
                    total += start.elapsed();
                    drop(schemas);
                }
                record(group_name, n, iters * copies as u64, total);
                total
            });
        });
    }
    group.finish();
}

/// Runs `work` over `copies` distinct built schemas of `n` tables each per timed
/// run; `throughput` says what one run handles.
fn bench_schemas_group(
    c: &mut Criterion,
    group_name: &'static str,
    copies: impl Fn(usize) -> usize,
    throughput: impl Fn(usize, &[Schema]) -> Throughput,
    work: impl Fn(&Schema),
) {
    let mut group = c.benchmark_group(group_name);
    for n in SIZES {
        let schemas: Vec<Schema> =
            (0..copies(n)).map(|_| schema_builder(n).build().expect("the synthetic schema is valid")).collect();
        group.throughput(throughput(n, &schemas));
        group.sample_size(if n * schemas.len() >= 10_000 { 10 } else { 50 });
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    schemas.iter().for_each(&work);
                }
                let elapsed = start.elapsed();
                record(group_name, n, iters * schemas.len() as u64, elapsed);
                elapsed
            });
        });
    }
    group.finish();
}

/// Emits `copies` distinct schemas of `n` tables each per timed run.
fn bench_emit_group(c: &mut Criterion, group_name: &'static str, copies: impl Fn(usize) -> usize) {
    let bytes = |n: usize, schemas: &[Schema]| {
        let bytes = schemas[0].to_ddl().len();
        DDL_BYTES.lock().unwrap().insert(n, bytes);
        Throughput::Bytes((bytes * schemas.len()) as u64)
    };
    bench_schemas_group(c, group_name, copies, bytes, |schema| {
        black_box(schema.to_ddl());
    });
}

/// What emission reads of `table`, touched once: the arrays it walks and the
/// first byte of each string it writes out.
fn read_table(table: &Table) -> usize {
    let first = |s: &str| s.as_bytes().first().map_or(0, |&b| usize::from(b));
    let opt = |s: &Option<String>| s.as_deref().map_or(0, first);
    let names = |v: &[String]| v.iter().map(|s| first(s)).sum::<usize>();
    let mut sum = first(&table.name.schema) + first(&table.name.name) + opt(&table.comment);
    for c in &table.columns {
        sum += first(&c.name) + usize::from(c.nullable) + opt(&c.default) + opt(&c.generated) + opt(&c.comment);
        if let SqlType::Named(n) = &c.ty {
            sum += first(&n.schema) + first(&n.name);
        }
    }
    if let Some(pk) = &table.primary_key {
        sum += opt(&pk.name) + names(&pk.columns);
    }
    for u in &table.uniques {
        sum += opt(&u.name) + names(&u.columns);
    }
    for fk in &table.foreign_keys {
        sum += opt(&fk.name) + names(&fk.columns) + names(&fk.referenced_columns) + first(&fk.references.schema) + first(&fk.references.name);
    }
    for i in &table.indexes {
        sum += opt(&i.name) + opt(&i.comment) + opt(&i.predicate) + names(&i.include);
        for k in &i.keys {
            sum += match &k.target {
                IndexTarget::Column(s) | IndexTarget::Expression(s) => first(s),
            };
        }
    }
    sum
}

/// The `read_model` baseline over the same schemas as [`bench_emit_group`].
fn bench_read_group(c: &mut Criterion, group_name: &'static str, copies: impl Fn(usize) -> usize) {
    let tables = |n: usize, schemas: &[Schema]| Throughput::Elements((n * schemas.len()) as u64);
    bench_schemas_group(c, group_name, copies, tables, |schema| {
        black_box(schema.tables().iter().map(read_table).sum::<usize>());
    });
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn fastest(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Time per table, throughput, and the 10,000/1,000 ratio of each group. The
/// fastest sample is reported beside the median because other processes only ever
/// add time: on a busy machine it is the better estimate of the code's own cost.
fn print_summary() {
    let samples = SAMPLES.lock().unwrap();
    let bytes = DDL_BYTES.lock().unwrap();
    // `--test` or a filter leaves too few samples to say anything.
    if samples.values().all(|s| s.len() < 5) {
        return;
    }
    eprintln!("\nsummary (median and fastest of criterion's samples):");
    let mut fastest_of = BTreeMap::new();
    for group in ["build", "emit", "read_model", "build_same_data", "emit_same_data"] {
        let mut per_size = BTreeMap::new();
        for n in SIZES {
            let Some(s) = samples.get(&(group, n)).filter(|s| s.len() >= 5) else { continue };
            let (mid, best) = (median(s.clone()), fastest(s));
            per_size.insert(n, (mid, best));
            fastest_of.insert((group, n), best);
            let per_table = |t: f64| t * 1e6 / n as f64;
            let mut line = format!(
                "  {group:15} {n:>6} tables: {:>9.3} ms ({:>9.3} fastest), {:>6.2} µs/table ({:>6.2} fastest)",
                mid * 1e3,
                best * 1e3,
                per_table(mid),
                per_table(best),
            );
            if group.starts_with("emit") {
                if let Some(b) = bytes.get(&n) {
                    let mbps = |t: f64| *b as f64 / t / 1e6;
                    line += &format!(", {:>6.1} MB/s ({:>6.1} fastest), {b} bytes of DDL", mbps(mid), mbps(best));
                }
            }
            eprintln!("{line}");
        }
        if let (Some(small), Some(large)) = (per_size.get(&1_000), per_size.get(&10_000)) {
            let ratio = large.1 / small.1;
            let verdict = if ratio <= 11.0 { "within 11x" } else { "over 11x" };
            eprintln!(
                "  {group:15} 10,000/1,000 time ratio: {ratio:.2} on the fastest samples ({verdict}), {:.2} on the medians",
                large.0 / small.0
            );
        }
    }
    // Emission's time above what merely reading its model costs the machine.
    let above = |n: usize| Some(fastest_of.get(&("emit", n))? - fastest_of.get(&("read_model", n))?);
    if let (Some(small), Some(large)) = (above(1_000), above(10_000)) {
        eprintln!("  emit above the read_model baseline, 10,000/1,000 time ratio: {:.2} on the fastest samples", large / small);
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_build_group(&mut criterion, "build", |_| 1);
    bench_emit_group(&mut criterion, "emit", |_| 1);
    bench_read_group(&mut criterion, "read_model", |_| 1);
    bench_build_group(&mut criterion, "build_same_data", |n| SAME_DATA_TABLES / n);
    bench_emit_group(&mut criterion, "emit_same_data", |n| SAME_DATA_TABLES / n);
    criterion.final_summary();
    print_summary();
}
