//! `circular-foreign-keys`: tables that reference each other in a cycle.

use std::collections::BTreeMap;

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::{QualifiedName, Table};

pub(crate) const RULE: Rule = lint_rule!(
    "circular-foreign-keys",
    Warning,
    "foreign keys forming a cycle through two or more tables (a table referencing itself is fine)",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    let tables = cx.schema.tables();
    let index: BTreeMap<&QualifiedName, usize> = tables.iter().enumerate().map(|(i, t)| (&t.name, i)).collect();
    let edges: Vec<Vec<usize>> = tables
        .iter()
        .map(|t| {
            let mut e: Vec<usize> = t.foreign_keys.iter().filter_map(|fk| index.get(&fk.references).copied()).filter(|&j| tables[j].name != t.name).collect();
            e.sort_unstable();
            e.dedup();
            e
        })
        .collect();
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue;
        }
        let members: Vec<&Table> = component.iter().map(|&i| &tables[i]).collect();
        let first = members[0];
        let path: Vec<String> = members
            .iter()
            .flat_map(|t| {
                t.foreign_keys
                    .iter()
                    .filter(|fk| fk.references != t.name && members.iter().any(|m| m.name == fk.references))
                    .map(move |fk| format!("{} → {}", t.name, fk.references))
            })
            .collect();
        let allowed = members.iter().find_map(|t| t.allows.iter().find(|a| a.rule == RULE.id).map(|a| a.reason.clone()));
        let names: Vec<String> = members.iter().map(|t| t.name.to_string()).collect();
        out.push(
            first.name.to_string(),
            Some(&first.name),
            None,
            format!(
                "{} reference each other in a cycle ({}): no row can be inserted first unless a key is nullable or deferrable, deletes need an order, and the DDL must add one key with ALTER TABLE",
                names.join(", "),
                path.join(", ")
            ),
            "break the cycle: usually one direction is derived (e.g. `users.current_team_id` duplicates `memberships`) and can become a query or a junction table; if both are needed, make one key nullable and DEFERRABLE INITIALLY DEFERRED, and allow the rule on one of the tables with that reason".into(),
            allowed,
        );
    }
}

/// Tarjan's algorithm; components come out with their members sorted, in order of
/// their smallest member, so output is deterministic.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            component.sort_unstable();
            s.out.push(component);
        }
    }
    let n = edges.len();
    let mut s = State { edges, index: vec![None; n], low: vec![0; n], on_stack: vec![false; n], stack: Vec::new(), next: 0, out: Vec::new() };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    fn fk(column: &str, to: &str) -> ForeignKey {
        ForeignKey::new([column], QualifiedName::public(to), ["id"])
    }

    #[test]
    fn ok() {
        // A self-reference and a chain are not cycles.
        let s = schema([
            table("nodes").column(Column::new("parent_id", SqlType::BigInt).nullable()).foreign_key(fk("parent_id", "nodes")),
            table("a").column(Column::new("b_id", SqlType::BigInt)).foreign_key(fk("b_id", "b")),
            table("b").column(Column::new("c_id", SqlType::BigInt)).foreign_key(fk("c_id", "c")),
            table("c"),
        ]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([
            table("a").column(Column::new("b_id", SqlType::BigInt)).foreign_key(fk("b_id", "b")),
            table("b").column(Column::new("c_id", SqlType::BigInt)).foreign_key(fk("c_id", "c")),
            table("c").column(Column::new("a_id", SqlType::BigInt).nullable()).foreign_key(fk("a_id", "a")),
            table("users").column(Column::new("team_id", SqlType::BigInt)).foreign_key(fk("team_id", "teams")),
            table("teams").column(Column::new("owner_id", SqlType::BigInt)).foreign_key(fk("owner_id", "users")).allow(RULE.id, "owner must exist; key is deferred"),
        ]);
        let found = run(&RULE, &s);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].object, "public.a");
        assert!(found[0].message.contains("public.a → public.b, public.b → public.c, public.c → public.a"));
    }
}
