//! `updated-at-without-trigger`: an `updated_at` column nothing keeps current.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{TriggerEvent, TriggerTiming};

pub(crate) const RULE: Rule = lint_rule!(
    "updated-at-without-trigger",
    Info,
    "an `updated_at` column without a BEFORE UPDATE row trigger to maintain it",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let Some(column) = table.find_column("updated_at") else { continue };
        let maintained = table.triggers.iter().any(|t| {
            t.timing == TriggerTiming::Before && t.for_each_row && t.events.iter().any(|e| matches!(e, TriggerEvent::Update(_)))
        });
        if !maintained {
            out.column(
                table,
                column,
                format!("{}.updated_at is only as right as every writer: a psql fix, a bulk UPDATE or a new service that forgets it leaves it stale", table.name),
                "maintain it with a BEFORE UPDATE trigger (`Table::timestamps()` adds one calling set_updated_at()), or allow the rule if one code path owns every write",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    #[test]
    fn ok() {
        assert!(run(&RULE, &schema([table("t").timestamps()])).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t").column(Column::new("updated_at", SqlType::Timestamptz).default_expr("now()"))]);
        assert_eq!(objects(&RULE, &s), ["public.t.updated_at"]);
    }
}
