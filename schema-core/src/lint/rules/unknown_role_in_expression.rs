//! `unknown-role-in-expression`: `current_user = 'admin'` where the schema declares no
//! role `admin`, so the comparison never holds.

use std::collections::BTreeSet;

use super::regex_class_with_pipe::expressions;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::schema::Schema;
use crate::validate::sql::{tokens, Token};

pub(crate) const RULE: Rule = lint_rule!(
    "unknown-role-in-expression",
    Warning,
    "`current_user`, `session_user` or `current_role` compared with a role name the schema does not declare (`current_user = 'admin'`), which never holds on a server without that role",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    let known = known_roles(cx.schema);
    let declared: Vec<&str> = cx.schema.roles().iter().map(|r| r.name.as_str()).collect();
    for site in expressions(cx.schema) {
        for cmp in role_comparisons(site.text) {
            if known.contains(cmp.role.as_str()) || is_built_in(&cmp.role) {
                continue;
            }
            let (role, function) = (&cmp.role, cmp.function.to_ascii_lowercase());
            let effect = if cmp.negated {
                "always holds: if the role exists under another name, or is created outside the schema, it is not excluded"
            } else if site.object.starts_with("policy ") {
                "never holds, and the policy silently grants nothing through it"
            } else {
                "never holds, silently"
            };
            let declared = if declared.is_empty() { String::new() } else { format!(" (it declares {})", declared.join(", ")) };
            out.sql_text(
                &site,
                format!(
                    "{} compares {function} with '{role}' (`{}`), but the schema declares no role {}{declared}: on a server without that role, {function} is never '{role}', so the comparison {effect}",
                    site.object,
                    cmp.written,
                    crate::ident::Ident(role)
                ),
                format!(
                    "declare the role (`SchemaBuilder::role(Role::group(\"{role}\"))`) so the DDL creates it, or use the name of a declared role; to let several roles through, test membership of a declared group role rather than one name: `pg_has_role(current_user, '{role}', 'member')`"
                ),
            );
        }
    }
}

/// Roles the DDL creates or refers to (so they exist wherever it applies): declared
/// roles and their parents, and the roles named by policies (`TO`), grants and
/// default privileges.
fn known_roles(schema: &Schema) -> BTreeSet<&str> {
    let mut known = BTreeSet::new();
    for r in schema.roles() {
        known.insert(r.name.as_str());
        known.extend(r.member_of.iter().map(String::as_str));
    }
    for t in schema.tables() {
        for p in &t.policies {
            known.extend(p.roles.iter().map(String::as_str));
        }
    }
    for g in schema.grants() {
        known.extend(g.roles.iter().map(String::as_str));
    }
    for d in schema.default_privileges() {
        known.extend(d.roles.iter().map(String::as_str));
        known.extend(d.for_role.as_deref());
    }
    known
}

/// Roles every cluster has: the bootstrap superuser `postgres` (by convention) and
/// the predefined `pg_*` roles.
fn is_built_in(role: &str) -> bool {
    role == "postgres" || role.starts_with("pg_")
}

/// A comparison of the session's role with a role name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RoleComparison<'a> {
    /// `current_user`, `session_user`, `current_role` or `user`, as written.
    function: &'a str,
    /// The role name compared with.
    role: String,
    /// `<>`, `!=` or `NOT IN`: the comparison holds when the role is not that one.
    negated: bool,
    /// The comparison as it reads (`current_user = 'admin'`).
    written: String,
}

const SESSION_ROLES: &[&str] = &["current_user", "session_user", "current_role", "user"];

/// Comparisons of `current_user`, `session_user`, `current_role` (or `user`) with
/// string constants, on either side of `=`, `<>`, `!=`, or with `[NOT] IN ('a', ..)`
/// and `= ANY (ARRAY['a', ..])`, and the `WHEN 'a'` labels of `CASE current_user`;
/// casts (`::text`) on either side are looked through.
fn role_comparisons(sql: &str) -> Vec<RoleComparison<'_>> {
    let toks: Vec<Token<'_>> = tokens(sql).collect();
    let is_session_role = |k: usize| match toks.get(k) {
        Some(Token::Word(w)) if !w.after_dot && !w.before_paren && SESSION_ROLES.iter().any(|f| w.is_keyword(f)) => Some(w.raw()),
        _ => None,
    };
    // The index after a cast (`::type`, `::character varying`) at `k`, or `k`.
    let skip_cast = |mut k: usize| {
        while toks.get(k) == Some(&Token::Punct("::")) {
            k += 1;
            while matches!(toks.get(k), Some(Token::Word(_))) {
                k += 1;
            }
        }
        k
    };
    let comparison = |k: usize| match toks.get(k) {
        Some(Token::Operator(op @ ("=" | "<>" | "!="))) => Some(*op != "="),
        _ => None,
    };
    let string_at = |k: usize| match toks.get(k) {
        Some(Token::String(s)) => Some(s),
        _ => None,
    };
    let mut out = Vec::new();
    for k in 0..toks.len() {
        if matches!(toks.get(k), Some(Token::Word(w)) if w.is_keyword("case")) {
            // CASE current_user WHEN 'admin' THEN .. END: each WHEN of this CASE
            // (not of one nested in it) is an equality test.
            if let Some(function) = is_session_role(k + 1) {
                for s in simple_case_labels(&toks, k + 2) {
                    out.push(RoleComparison { function, role: s.value.clone(), negated: false, written: format!("CASE {function} WHEN {}", s.raw) });
                }
            }
        } else if let Some(function) = is_session_role(k) {
            let at = skip_cast(k + 1);
            if let Some(negated) = comparison(at) {
                if let Some(s) = string_at(at + 1) {
                    let op = if negated { "<>" } else { "=" };
                    out.push(RoleComparison { function, role: s.value.clone(), negated, written: format!("{function} {op} {}", s.raw) });
                } else if !negated && matches!(toks.get(at + 1), Some(Token::Word(w)) if w.is_keyword("any") || w.is_keyword("some")) {
                    for s in strings_inside(&toks, at + 2) {
                        out.push(RoleComparison { function, role: s.value.clone(), negated, written: format!("{function} = ANY (.. {} ..)", s.raw) });
                    }
                }
                continue;
            }
            let not = matches!(toks.get(at), Some(Token::Word(w)) if w.is_keyword("not"));
            let at = at + usize::from(not);
            if matches!(toks.get(at), Some(Token::Word(w)) if w.is_keyword("in")) {
                let op = if not { "NOT IN" } else { "IN" };
                for s in strings_inside(&toks, at + 1) {
                    out.push(RoleComparison { function, role: s.value.clone(), negated: not, written: format!("{function} {op} (.. {} ..)", s.raw) });
                }
            }
        } else if let Some(s) = string_at(k) {
            // 'admin' = current_user
            let at = skip_cast(k + 1);
            if let Some(negated) = comparison(at) {
                if let Some(function) = is_session_role(at + 1) {
                    let op = if negated { "<>" } else { "=" };
                    out.push(RoleComparison { function, role: s.value.clone(), negated, written: format!("{} {op} {function}", s.raw) });
                }
            }
        }
    }
    out
}

/// The string constants that the `WHEN`s of a simple `CASE` compare with, from
/// `from` (just after the operand) to its `END`; nested `CASE`s and parentheses
/// are skipped over.
fn simple_case_labels<'t, 'a>(toks: &'t [Token<'a>], from: usize) -> Vec<&'t crate::validate::sql::StringConstant<'a>> {
    let mut out = Vec::new();
    let (mut cases, mut parens) = (0usize, 0usize);
    for (j, t) in toks.iter().enumerate().skip(from) {
        match t {
            Token::Punct("(" | "[") => parens += 1,
            Token::Punct(")" | "]") if parens == 0 => break,
            Token::Punct(")" | "]") => parens -= 1,
            Token::Word(w) if w.is_keyword("case") => cases += 1,
            Token::Word(w) if w.is_keyword("end") && cases == 0 && parens == 0 => break,
            Token::Word(w) if w.is_keyword("end") => cases = cases.saturating_sub(1),
            Token::Word(w) if w.is_keyword("when") && cases == 0 && parens == 0 => {
                if let Some(Token::String(s)) = toks.get(j + 1) {
                    out.push(s);
                }
            }
            _ => {}
        }
    }
    out
}

/// The string constants directly in the list, or the `ARRAY[..]`, in the
/// parentheses opening at `open` (`('a', 'b')`, `(ARRAY['a', 'b'])`).
fn strings_inside<'t, 'a>(toks: &'t [Token<'a>], open: usize) -> Vec<&'t crate::validate::sql::StringConstant<'a>> {
    crate::validate::sql::enclosed(toks, open)
        .into_iter()
        .filter_map(|(_, depth, t)| match t {
            Token::String(s) if depth <= 2 => Some(s),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    fn compared(sql: &str) -> Vec<(String, bool)> {
        role_comparisons(sql).into_iter().map(|c| (c.role, c.negated)).collect()
    }

    #[test]
    fn finds_comparisons() {
        let t = |r: &str, n: bool| (r.to_owned(), n);
        assert_eq!(compared("id = 1 OR current_user = 'admin'"), [t("admin", false)]);
        assert_eq!(compared("'a' = SESSION_USER AND current_role::text <> 'b' AND 'c'::name != user"), [t("a", false), t("b", true), t("c", true)]);
        assert_eq!(compared("current_user IN ('a', 'b') OR session_user NOT IN ('c')"), [t("a", false), t("b", false), t("c", true)]);
        assert_eq!(compared("current_user = ANY (ARRAY['a', 'b'])"), [t("a", false), t("b", false)]);
        assert_eq!(
            compared("CASE current_user::text WHEN 'a' THEN true WHEN 'b' THEN (CASE x WHEN 'n' THEN 1 END) = 1 ELSE false END OR y IN (CASE 1 WHEN 'z' THEN 1 END)"),
            [t("a", false), t("b", false)]
        );
        assert_eq!(compared("(CASE session_user WHEN 'a' THEN 1 END) = 1 AND CASE WHEN 'q' = 'q' THEN 'c' END = 'c'"), [t("a", false)]);
        // Not comparisons of the session's role with a constant.
        for sql in ["CASE owner WHEN current_user THEN 'a' END = 'a'", "owner = current_user", "t.current_user = 'a'", "\"user\" = 'a'", "pg_has_role(current_user, 'a', 'member')", "'current_user = ''a'''", "current_user || 'x' = 'a'"] {
            assert!(compared(sql).is_empty(), "{sql}");
        }
    }

    #[test]
    fn ok() {
        let s = build(
            Schema::builder()
                .role(Role::group("admin"))
                .role(Role::login("alice").member_of("auditors"))
                .add_table(
                    table("t")
                        .row_level_security(true)
                        .policy(Policy::new("admins").using("current_user = 'admin' OR session_user IN ('alice', 'auditors')"))
                        .policy(Policy::new("readers").roles(["readers"]).using("current_user <> 'readers'"))
                        .policy(Policy::new("builtin").using("current_user = 'postgres' OR pg_has_role(current_user, 'pg_read_all_data', 'member')"))
                        .policy(Policy::new("granted").using("current_user = 'reporting'")),
                )
                .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: QualifiedName::public("t"), columns: vec![] }, ["reporting"])),
        );
        assert!(run(&RULE, &s).is_empty(), "{:#?}", run(&RULE, &s));
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder().role(Role::group("app_admin")).add_table(
                table("users")
                    .row_level_security(true)
                    .policy(Policy::new("users_select_own").command(PolicyCommand::Select).using("id = 1 OR current_user = 'admin'"))
                    .policy(Policy::new("not_ops").using("session_user <> 'ops'")),
            ),
        );
        let found = run(&RULE, &s);
        assert_eq!(found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["policy not_ops on public.users", "policy users_select_own on public.users"]);
        assert!(found[1].message.contains("current_user = 'admin'") && found[1].message.contains("never holds"), "{}", found[1].message);
        assert!(found[1].message.contains("declares no role admin (it declares app_admin)"), "{}", found[1].message);
        assert!(found[1].help.contains("pg_has_role(current_user, 'admin', 'member')"), "{}", found[1].help);
        assert!(found[0].message.contains("always holds"), "{}", found[0].message);

        let allowed = schema([table("t").row_level_security(true).policy(Policy::new("p").using("current_user = 'x'")).allow("unknown-role-in-expression", "created by ops")]);
        assert!(run(&RULE, &allowed).is_empty());
    }
}
