//! `policy-column-without-index`: a column a policy filters on, with no index leading with it.

use std::collections::BTreeMap;

use crate::ident::Ident;
use crate::lint::context::has_leading_index;
use crate::lint::names::identifiers;
use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "policy-column-without-index",
    Warning,
    "a column read by a row-level security policy that is not the leading column of any index",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        if !table.rls.enabled {
            continue;
        }
        // Column → the policies that read it.
        let mut used: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for policy in &table.policies {
            let mut names: Vec<String> = Vec::new();
            for expr in [&policy.using, &policy.with_check].into_iter().flatten() {
                names.extend(identifiers(expr));
            }
            for column in &table.columns {
                if names.contains(&column.name) {
                    let list = used.entry(&column.name).or_default();
                    if !list.contains(&policy.name.as_str()) {
                        list.push(&policy.name);
                    }
                }
            }
        }
        for (name, policies) in used {
            if has_leading_index(table, &[name]) {
                continue;
            }
            let Some(column) = table.find_column(name) else { continue };
            let list = policies.iter().map(|p| Ident(p).to_string()).collect::<Vec<_>>().join(", ");
            out.column(
                table,
                column,
                format!(
                    "policy {list} filters {} on `{name}`, which no index leads with: the policy's condition is added to every query on the table, so each one scans it",
                    table.name
                ),
                format!("add an index leading with `{name}` (`Index::on([\"{name}\"])`); with several tenant-scoped lookups, lead their composite indexes with it"),
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

    fn docs(index: bool) -> crate::Schema {
        let mut t = table("docs")
            .column(Column::new("tenant_id", SqlType::BigInt))
            .column(Column::new("title", SqlType::Text))
            .row_level_security(true)
            .policy(Policy::isolate_by_setting("tenant", "tenant_id", &SqlType::BigInt, "app.tenant_id"))
            .policy(Policy::new("own").command(PolicyCommand::Select).using("id = 1"));
        if index {
            t = t.index(Index::on(["tenant_id", "title"]));
        }
        schema([t])
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &docs(true)).is_empty());
    }

    #[test]
    fn err() {
        let found = run(&RULE, &docs(false));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].object, "public.docs.tenant_id");
    }
}
