//! `cargo run --example lint`: the design review of a small shop schema with several
//! mistakes, as people read it (like rustc) and as machines read it (JSON), then the
//! questions the review still asks.
//!
//! Built with the builders; `#[derive(Table)]` structs give the same `Schema`.

use pgarchitect_core::lint::LintConfig;
use pgarchitect_core::model::*;
use pgarchitect_core::{Schema, SqlType};

fn main() {
    let schema = Schema::builder()
        .enum_type(EnumType::new("order_state", ["new", "paid", "shipped"]))
        .add_table(
            Table::new("customers")
                .comment("People who buy from the shop")
                .column(Column::new("id", SqlType::Serial))
                .column(Column::new("email", SqlType::Varchar(Some(255))))
                .column(Column::new("password", SqlType::Text))
                .column(Column::new("country", SqlType::Text))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["email"]))
                .index(Index::on(["email"]).named("customers_by_email"))
                .timestamps(),
        )
        .add_table(
            Table::new("orders")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("customer_id", SqlType::Integer))
                .column(Column::new("status", SqlType::Text).default_text("new"))
                .column(Column::new("total", SqlType::DoublePrecision))
                .column(Column::new("placed_at", SqlType::Timestamp).default_expr("now()"))
                .column(Column::new("data", SqlType::Json).nullable())
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["customer_id"], QualifiedName::public("customers"), ["id"]))
                .row_level_security(false)
                .policy(Policy::new("own_orders").using("customer_id = current_setting('app.customer_id')::int")),
        )
        .build()
        .unwrap_or_else(|errors| panic!("{errors}"));

    let report = schema.lint_with(&LintConfig::new().allow("missing-timestamps", "example schema"));
    println!("{report}\n");

    let finding = report.of_rule("foreign-key-without-index").next().expect("the example has an unindexed foreign key");
    println!("One finding as JSON:\n{}\n", finding.to_json());

    println!("Open questions:");
    for question in schema.review().iter().filter(|q| q.is_open()) {
        println!("- {question}");
    }
}
