//! Introspection of a live database of 1,000 tables (queries sent and time), and
//! diff + plan of two synthetic 10,000-table schemas (pure).
//!
//! `cargo bench --no-default-features --features postgres --bench introspect -- --warm-up-time 1 --measurement-time 5`
//!
//! The database comes from the test harness (`DATABASE_URL`, or a throwaway
//! cluster from the PostgreSQL binaries on the machine); without a server the
//! introspection benchmark is skipped. Each table has 8 columns, a primary key,
//! a unique constraint, a check, a foreign key to the previous table, two
//! indexes and comments.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use pgarchitect::live::{self, IntrospectOptions};
use pgarchitect::migrate::{self, PlanOptions};
use pgarchitect::model::*;
use pgarchitect::{Schema, SqlType};

const LIVE_TABLES: usize = 1_000;
const PURE_TABLES: usize = 10_000;

fn table(i: usize, extra: bool) -> Table {
    let mut t = Table::new(format!("table_{i:05}"))
        .comment(format!("Table number {i}"))
        .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
        .column(Column::new("email", SqlType::Varchar(Some(255))).comment("Contact address"))
        .column(Column::new("amount", SqlType::Numeric(Some((12, Some(2))))).default_expr("0"))
        .column(Column::new("status", SqlType::Text).default_text("new"))
        .column(Column::new("payload", SqlType::Jsonb).nullable())
        .column(Column::new("created_at", SqlType::Timestamptz).default_expr("now()"))
        .column(Column::new("parent_id", SqlType::BigInt).nullable())
        .column(Column::new("tags", SqlType::Text.array()).default_expr("'{}'"))
        .primary_key(["id"])
        .unique(UniqueConstraint::new(["email"]))
        .check(CheckConstraint::on_column("amount", "amount >= 0"))
        .index(Index::on(["parent_id"]))
        .index(Index::with_keys([IndexKey::expression("lower(email)")]).where_("status <> 'deleted'"));
    if i > 0 {
        t = t.foreign_key(ForeignKey::new(["parent_id"], QualifiedName::public(format!("table_{:05}", i - 1)), ["id"]).on_delete(ReferentialAction::SetNull));
    }
    if extra {
        t = t.column(Column::new("note", SqlType::Text).nullable()).index(Index::on(["created_at"]));
    }
    t
}

fn schema(tables: usize, extra_every: usize) -> Schema {
    let mut b = Schema::builder();
    for i in 0..tables {
        b = b.add_table(table(i, extra_every > 0 && i % extra_every == 0));
    }
    b.build().unwrap_or_else(|e| panic!("{e}"))
}

fn main() {
    let mut c = Criterion::default().configure_from_args().sample_size(10);
    let mut summary = Vec::new();

    let live_db = support::pg::test_db();
    match &live_db {
        Some(db) => {
            let declared = schema(LIVE_TABLES, 0);
            let mut client = db.client();
            let started = Instant::now();
            live::apply(&mut client, &declared).unwrap_or_else(|e| panic!("{e}"));
            eprintln!("applied {LIVE_TABLES} tables in {:.2?}", started.elapsed());
            let options = IntrospectOptions::default();
            let first = live::introspect_detailed(&mut client, &options).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(first.schema.tables().len(), LIVE_TABLES);
            let mut times = Vec::new();
            c.bench_function(&format!("introspect {LIVE_TABLES} tables"), |b| {
                b.iter(|| {
                    let t = Instant::now();
                    let found = live::introspect_detailed(&mut client, &options).unwrap();
                    times.push(t.elapsed());
                    black_box(found)
                })
            });
            times.sort();
            summary.push(format!(
                "introspect {LIVE_TABLES} tables ({} columns, {} constraints, {} indexes): {} catalog queries, median {:.2?}",
                first.schema.tables().iter().map(|t| t.columns.len()).sum::<usize>(),
                first.schema.tables().iter().map(|t| 1 + t.uniques.len() + t.checks.len() + t.foreign_keys.len()).sum::<usize>(),
                first.schema.tables().iter().map(|t| t.indexes.len()).sum::<usize>(),
                first.queries,
                times[times.len() / 2]
            ));
        }
        None => summary.push("introspect: skipped (no PostgreSQL server)".to_owned()),
    }

    // migra (PyPI: migra, psycopg2-binary) on the same 1,000 tables, when on PATH:
    // it introspects both sides and diffs them; pgarchitect does the same work.
    if let (Some(db), true) = (&live_db, std::process::Command::new("migra").arg("--help").output().is_ok_and(|o| o.status.success())) {
        let url = db.url().replacen("postgresql://", "postgresql+psycopg2://", 1);
        let t = Instant::now();
        let out = std::process::Command::new("migra").args(["--unsafe", &url, &url]).output().expect("migra ran");
        let migra_time = t.elapsed();
        assert!(out.status.success(), "migra failed: {}", String::from_utf8_lossy(&out.stderr));
        let mut client = db.client();
        let t = Instant::now();
        let a = live::introspect(&mut client, &IntrospectOptions::default()).unwrap();
        let b = live::introspect(&mut client, &IntrospectOptions::default()).unwrap();
        assert!(migrate::diff(&a, &b).is_empty());
        let ours = t.elapsed();
        summary.push(format!(
            "introspect both sides + diff, same {LIVE_TABLES}-table database: pgarchitect {ours:.2?}, migra {migra_time:.2?} (one run each, migra's includes starting Python)"
        ));
    } else {
        summary.push("migra: not on PATH, comparison skipped".to_owned());
    }

    let from = schema(PURE_TABLES, 0);
    let to = schema(PURE_TABLES, 10);
    let mut times = Vec::new();
    let mut steps = 0;
    c.bench_function(&format!("diff + plan {PURE_TABLES} tables"), |b| {
        b.iter(|| {
            let t = Instant::now();
            let diff = migrate::diff(black_box(&from), black_box(&to));
            let plan = migrate::plan(&diff, &PlanOptions::default()).unwrap();
            times.push(t.elapsed());
            steps = plan.steps.len();
            black_box(plan)
        })
    });
    times.sort();
    summary.push(format!(
        "diff + plan of two {PURE_TABLES}-table schemas (a column and an index added to every tenth table): {steps} steps, median {:.2?}",
        times[times.len() / 2]
    ));
    c.final_summary();
    println!();
    for line in summary {
        println!("{line}");
    }
}
