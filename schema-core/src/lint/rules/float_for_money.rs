//! `float-for-money`: `real` or `double precision` for a column whose name says money.

use crate::lint::names::words;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "float-for-money",
    Warning,
    "a money-like column (price, amount, cost, total, balance, fee, salary...) stored as a binary float",
    check
);

/// Words that make a column money-like.
const MONEY: &[&str] = &[
    "price", "prices", "amount", "amounts", "cost", "costs", "total", "subtotal", "balance", "fee", "fees", "salary", "wage", "wages",
    "money", "payment", "payout", "tax", "vat", "discount", "revenue", "refund", "charge", "budget", "income", "cents", "eur", "usd",
];
/// Words that make it a count or a ratio instead (`total_count`, `tax_rate`, `fee_percent`).
const NOT_MONEY: &[&str] = &["count", "qty", "quantity", "percent", "percentage", "pct", "ratio", "rate", "number", "num", "score", "weight", "items"];

/// Whether a column called `name` holds an amount of money.
pub(crate) fn is_money_like(name: &str) -> bool {
    let w = words(name);
    w.iter().any(|w| MONEY.contains(&w.as_str())) && !w.iter().any(|w| NOT_MONEY.contains(&w.as_str()))
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let ty = cx.element_type(&column.ty);
            if matches!(ty, SqlType::Real | SqlType::DoublePrecision) && is_money_like(&column.name) {
                out.column(
                    table,
                    column,
                    format!(
                        "`{}` looks like money but is {ty}: binary floats cannot represent 0.10 exactly, so sums drift and equality fails (0.1 + 0.2 <> 0.3)",
                        column.name
                    ),
                    "use numeric(p, s) (`numeric(12,2)`, or `rust_decimal::Decimal` in Rust), or an integer count of the smallest unit (`bigint` cents)",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    #[test]
    fn ok() {
        let s = schema([table("orders")
            .column(Column::new("total", SqlType::Numeric(Some((12, Some(2))))))
            .column(Column::new("price_cents", SqlType::BigInt))
            .column(Column::new("tax_rate", SqlType::DoublePrecision))
            .column(Column::new("total_count", SqlType::Real))
            .column(Column::new("latitude", SqlType::DoublePrecision))]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder()
                .domain(Domain::new("dollars", SqlType::DoublePrecision))
                .add_table(
                    table("orders")
                        .column(Column::new("unit_price", SqlType::Real))
                        .column(Column::new("shippingCost", SqlType::DoublePrecision))
                        .column(Column::new("balance", SqlType::Named(QualifiedName::public("dollars"))))
                        .column(Column::new("fees", SqlType::Real.array())),
                ),
        );
        assert_eq!(
            objects(&RULE, &s),
            ["public.orders.\"shippingCost\"", "public.orders.balance", "public.orders.fees", "public.orders.unit_price"]
        );
    }
}
