//! `partition-without-default`: range or list partitioning with no default partition.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::PartitionStrategy;

pub(crate) const RULE: Rule = lint_rule!(
    "partition-without-default",
    Warning,
    "a range- or list-partitioned table without a DEFAULT partition, so a row outside every bound fails to insert",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let Some(p) = &table.partitioning else { continue };
        if p.default_partition || p.strategy == PartitionStrategy::Hash {
            continue;
        }
        out.table(
            table,
            format!(
                "{} is {}-partitioned on ({}) without a default partition: a row whose key falls outside every partition (a date past the last one, a new region) fails with \"no partition of relation found for row\"",
                table.name,
                p.strategy.as_sql(),
                p.columns.join(", ")
            ),
            "add a default partition (`Partitioning::with_default()`) and watch it stay empty, or make sure partitions are always created ahead (`.ahead(n)` plus a scheduled ensure_partitions); allow the rule if failing such inserts is the intent",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    fn events(p: Partitioning) -> crate::Schema {
        schema([Table::new("events")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("region", SqlType::Text))
            .primary_key(["id", "region"])
            .partition_by(p)])
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &events(Partitioning::list("region").values("events_eu", ["'eu'"]).with_default())).is_empty());
        assert!(run(&RULE, &events(Partitioning::hash(["id"], 2))).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &events(Partitioning::list("region").values("events_eu", ["'eu'"]))), ["public.events"]);
    }
}
