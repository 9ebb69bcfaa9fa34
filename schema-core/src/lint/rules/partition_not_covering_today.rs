//! `partition-not-covering-today`: time-range partitions that do not include the current date.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{CivilDate, PartitionBound, PartitionStrategy};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "partition-not-covering-today",
    Error,
    "a table range-partitioned by time with no partition for today and none created ahead, so today's rows fail to insert",
    check
);

/// A bound value: a date, or MINVALUE / MAXVALUE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bound {
    Min,
    Date(CivilDate),
    Max,
}

/// Reads `'2026-02-01'`, `'2026-02-01 00:00:00+00'`, `MINVALUE`, `MAXVALUE`.
fn parse_bound(text: &str) -> Option<Bound> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("minvalue") {
        return Some(Bound::Min);
    }
    if t.eq_ignore_ascii_case("maxvalue") {
        return Some(Bound::Max);
    }
    let inner = t.strip_prefix('\'')?.split('\'').next()?;
    let date = inner.get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    CivilDate::new(y, m, d).map(Bound::Date)
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    let today = Bound::Date(cx.today());
    for table in cx.schema.tables() {
        let Some(p) = &table.partitioning else { continue };
        if p.strategy != PartitionStrategy::Range {
            continue;
        }
        let key_is_time = p
            .columns
            .first()
            .and_then(|c| table.find_column(c))
            .is_some_and(|c| matches!(cx.base_type(&c.ty), SqlType::Date | SqlType::Timestamp | SqlType::Timestamptz));
        if !key_is_time {
            continue;
        }
        // The DDL and the scheduled ensure_partitions create the current period.
        if p.window.is_some_and(|w| w.ahead > 0) {
            continue;
        }
        let mut ranges = Vec::new();
        for part in &p.partitions {
            let PartitionBound::Range { from, to } = &part.bound else { continue };
            if let (Some(f), Some(t)) = (from.first().and_then(|v| parse_bound(v)), to.first().and_then(|v| parse_bound(v))) {
                ranges.push((f, t));
            }
        }
        // A bound we cannot read (an expression): do not guess.
        if ranges.len() != p.partitions.len() || ranges.iter().any(|&(f, t)| f <= today && today < t) {
            continue;
        }
        let last = ranges.iter().map(|&(_, t)| t).max();
        let span = match last {
            Some(Bound::Date(d)) => format!("its partitions end at {d}"),
            _ => "it has no partitions".to_owned(),
        };
        let consequence = if p.default_partition {
            "today's rows pile up in the default partition, where pruning cannot skip them, and the partition for today can only be created once they are moved out of it"
        } else {
            "every insert of a current row fails with \"no partition of relation found for row\""
        };
        out.table(
            table,
            format!("{} is partitioned by range of {} but no partition covers today ({}): {span}, so {consequence}", table.name, p.columns[0], cx.today()),
            "declare a period window that creates partitions ahead of time when the DDL runs (`Partitioning::range([..]).monthly(from, n).ahead(3)`), and schedule ensure_partitions (pg_cron) so they keep being created",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    fn logs(p: Partitioning) -> crate::Schema {
        schema([Table::new("logs")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("created_at", SqlType::Timestamptz))
            .primary_key(["id", "created_at"])
            .partition_by(p)])
    }

    fn month(name: &str, from: &str, to: &str) -> Partition {
        Partition::new(name, PartitionBound::Range { from: vec![format!("'{from}'")], to: vec![format!("'{to}'")] })
    }

    #[test]
    fn ok() {
        // today() in tests is 2026-05-15.
        assert!(run(&RULE, &logs(Partitioning::range(["created_at"]).partition(month("logs_2026_05", "2026-05-01", "2026-06-01")))).is_empty());
        assert!(run(&RULE, &logs(Partitioning::range(["created_at"]).monthly(CivilDate::new(2020, 1, 1).unwrap(), 1).ahead(2))).is_empty());
        assert!(run(&RULE, &logs(Partitioning::range(["created_at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 12))).is_empty());
        let open_ended = Partition::new("logs_rest", PartitionBound::Range { from: vec!["'2026-01-01 00:00:00+00'".into()], to: vec!["MAXVALUE".into()] });
        assert!(run(&RULE, &logs(Partitioning::range(["created_at"]).partition(open_ended))).is_empty());
    }

    #[test]
    fn err() {
        let p = Partitioning::range(["created_at"]).partition(month("logs_2026_02", "2026-02-01", "2026-03-01")).partition(month("logs_2026_03", "2026-03-01", "2026-04-01"));
        let found = run(&RULE, &logs(p.clone()));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("partitions end at 2026-04-01"), "{}", found[0].message);
        assert!(found[0].message.contains("fails"));
        let found = run(&RULE, &logs(p.with_default()));
        assert!(found[0].message.contains("default partition"));
        assert_eq!(run(&RULE, &logs(Partitioning::range(["created_at"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 2))).len(), 1);
    }
}
