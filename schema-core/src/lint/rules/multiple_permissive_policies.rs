//! `multiple-permissive-policies`: several permissive policies for one role and command.

use std::collections::BTreeMap;

use crate::ident::Ident;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::PolicyCommand;

pub(crate) const RULE: Rule = lint_rule!(
    "multiple-permissive-policies",
    Warning,
    "two or more permissive policies that apply to the same role and command, so they are ORed together",
    check
);

const COMMANDS: [PolicyCommand; 4] = [PolicyCommand::Select, PolicyCommand::Insert, PolicyCommand::Update, PolicyCommand::Delete];

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let permissive: Vec<_> = table.policies.iter().filter(|p| p.permissive).collect();
        if permissive.len() < 2 {
            continue;
        }
        let is_public = |r: &String| r.eq_ignore_ascii_case("public");
        let mut roles: Vec<&str> = permissive.iter().flat_map(|p| &p.roles).filter(|r| !is_public(r)).map(String::as_str).collect();
        roles.sort_unstable();
        roles.dedup();
        roles.insert(0, "PUBLIC");
        // Policy names that overlap → the (role, command) pairs where they do.
        let mut overlaps: BTreeMap<Vec<&str>, Vec<(&str, PolicyCommand)>> = BTreeMap::new();
        for &role in &roles {
            for command in COMMANDS {
                let mut applicable: Vec<&str> = permissive
                    .iter()
                    .filter(|p| p.command == PolicyCommand::All || p.command == command)
                    .filter(|p| p.roles.is_empty() || p.roles.iter().any(is_public) || p.roles.iter().any(|r| r == role))
                    .map(|p| p.name.as_str())
                    .collect();
                applicable.sort_unstable();
                if applicable.len() >= 2 {
                    overlaps.entry(applicable).or_default().push((role, command));
                }
            }
        }
        for (names, pairs) in overlaps {
            let mut by_role: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for (role, command) in &pairs {
                by_role.entry(role).or_default().push(command.as_sql());
            }
            // PUBLIC covers every role: list named roles only when PUBLIC is not among them.
            let scope: Vec<String> = match by_role.get("PUBLIC") {
                Some(commands) => vec![format!("every role (PUBLIC) for {}", commands.join(", "))],
                None => by_role.iter().map(|(r, c)| format!("{r} for {}", c.join(", "))).collect(),
            };
            let list = names.iter().map(|n| Ident(n).to_string()).collect::<Vec<_>>().join(", ");
            out.on_table(
                table,
                format!("policies {list} on {}", table.name),
                None,
                format!(
                    "permissive policies {list} all apply to {}: PostgreSQL evaluates each of them for every row and ORs the results, which costs per row and makes it hard to see who can see what",
                    scope.join("; ")
                ),
                "merge them into one policy per role and command (conditions joined with OR), or turn the ones that must always hold into RESTRICTIVE policies",
            );
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
        // One command each, different roles, or restrictive.
        let s = schema([table("t")
            .row_level_security(true)
            .policy(Policy::new("select_own").command(PolicyCommand::Select).using("id = 1"))
            .policy(Policy::new("update_own").command(PolicyCommand::Update).using("id = 1"))
            .policy(Policy::new("admin_all").roles(["admin"]).restrictive().using("true"))
            .policy(Policy::new("reader").roles(["reader"]).command(PolicyCommand::Delete).using("false"))
            .policy(Policy::new("writer").roles(["writer"]).command(PolicyCommand::Delete).using("false"))]);
        assert!(run(&RULE, &s).is_empty(), "{:#?}", run(&RULE, &s));
    }

    #[test]
    fn err() {
        let s = schema([table("t")
            .row_level_security(true)
            .policy(Policy::new("own").using("id = 1"))
            .policy(Policy::new("published").command(PolicyCommand::Select).using("id > 100"))
            .policy(Policy::new("a").roles(["app"]).command(PolicyCommand::Delete).using("id = 2"))
            .policy(Policy::new("b").roles(["app"]).command(PolicyCommand::Delete).using("id = 3"))]);
        let found = run(&RULE, &s);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(found.len(), 2, "{messages:#?}");
        assert_eq!(found[0].object, "policies a, b, own on public.t");
        assert!(messages[0].contains("app for DELETE"));
        assert!(messages.iter().any(|m| m.contains("policies own, published all apply to every role (PUBLIC) for SELECT")));
    }
}
