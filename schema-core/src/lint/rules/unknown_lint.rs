//! `unknown-lint`: an allow, or a configured level, naming no rule or question.

use crate::lint::{lint_rule, rules, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "unknown-lint",
    Warning,
    "an allow (on a table or column) or a LintConfig level naming a rule or review question that does not exist",
    check
);

fn known(id: &str) -> bool {
    rules().iter().any(|r| r.id == id) || crate::review::QUESTION_IDS.contains(&id)
}

/// The closest known id, if it is close enough to be a typo.
fn suggestion(id: &str) -> Option<&'static str> {
    rules()
        .iter()
        .map(|r| r.id)
        .chain(crate::review::QUESTION_IDS.iter().copied())
        .map(|k| (distance(id, k), k))
        .filter(|&(d, k)| d <= 3.max(k.len() / 5))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn help(id: &str) -> String {
    match suggestion(id) {
        Some(s) => format!("did you mean `{s}`? The ids are listed by `pgarchitect_core::lint::rules()` and in docs/lints/"),
        None => "use a rule id from `pgarchitect_core::lint::rules()` (docs/lints/) or a review question id (`pgarchitect_core::review::QUESTION_IDS`)".to_owned(),
    }
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for allow in table.allows.iter().filter(|a| !known(&a.rule)) {
            out.table(table, format!("{} allows `{}`, which is no lint rule or review question, so it silences nothing", table.name, allow.rule), help(&allow.rule));
        }
        for column in &table.columns {
            for allow in column.allows.iter().filter(|a| !known(&a.rule)) {
                out.column(
                    table,
                    column,
                    format!("`{}` allows `{}`, which is no lint rule or review question, so it silences nothing", column.name, allow.rule),
                    help(&allow.rule),
                );
            }
        }
    }
    for id in cx.config.rule_ids().filter(|id| !known(id)) {
        out.object("lint configuration".to_owned(), format!("the lint configuration sets a level for `{id}`, which is no lint rule"), help(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn ok() {
        let s = schema([table("t").allow("wide-table", "reporting table").allow("row-level-security", "admin only")]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t").allow("foreign-key-without-indx", "typo").allow("made-up", "no such rule")]);
        let found = run(&RULE, &s);
        assert_eq!(found.len(), 2);
        assert!(found[0].help.contains("did you mean `foreign-key-without-index`"), "{}", found[0].help);
        assert!(!found[1].help.contains("did you mean"));
    }
}
