//! `wide-table`: a table with more columns than the configured limit.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!("wide-table", Warning, "a table with more columns than `LintConfig::max_columns` (30 by default)", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    let max = cx.config.max_columns;
    for table in cx.schema.tables() {
        let n = table.columns.len();
        if n > max {
            out.table(
                table,
                format!(
                    "{} has {n} columns (limit {max}): wide rows mean fewer rows per 8 kB page, every UPDATE copies the whole row (MVCC), and a table this wide usually mixes several entities or repeating groups"
                    , table.name
                ),
                "normalize: move groups of columns that belong together (an address, settings, a 1:1 extension such as `user_profiles`) into their own tables; or raise `LintConfig::max_columns`, or allow the rule with the reason",
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

    fn wide(n: usize) -> Table {
        (1..n).fold(table("wide"), |t, i| t.column(Column::new(format!("c{i}"), SqlType::Integer)))
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &schema([wide(30)])).is_empty());
    }

    #[test]
    fn err() {
        let found = run(&RULE, &schema([wide(31)]));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("31 columns"));
    }
}
