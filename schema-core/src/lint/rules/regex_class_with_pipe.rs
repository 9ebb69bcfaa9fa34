//! `regex-class-with-pipe`: a regular expression whose bracket expression holds `|`
//! (`[A-Z|a-z]`), where `|` is a literal character, not alternation.

use crate::lint::context::{index_object, policy_object, SqlText};
use crate::lint::{column_object, lint_rule, Context, Findings, Rule};
use crate::model::{Index, IndexTarget, QualifiedName, Table};
use crate::schema::Schema;
use crate::validate::sql::{tokens, StringConstant, Token};

pub(crate) const RULE: Rule = lint_rule!(
    "regex-class-with-pipe",
    Warning,
    "a regex or SIMILAR TO pattern with a pipe character inside a bracket expression, where it matches a literal pipe instead of meaning alternation",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for site in expressions(cx.schema) {
        for pattern in patterns(site.text) {
            for (class, fixed) in classes_with_pipe(&pattern.value) {
                out.sql_text(
                    &site,
                    format!(
                        "{} matches against the pattern {}: in its bracket expression `{class}`, `|` is a literal character, not alternation, so the class also matches a `|` and the pattern accepts text with a `|` where the class stands",
                        site.object, pattern.raw
                    ),
                    format!(
                        "a bracket expression already matches any one of its members, so drop the `|`: `{fixed}`; if a literal `|` is meant, put it first or last in the brackets (or escape it, `\\|`) so that it reads as intended"
                    ),
                );
            }
        }
    }
}

/// Every SQL expression the schema holds, where it is: policies, column defaults and
/// generated expressions, checks (of tables, columns and domains), index keys and
/// predicates (of tables and materialized views), trigger conditions, view queries,
/// and the bodies of `sql` and `plpgsql` functions. A column check carries its column,
/// so the column's allows apply.
pub(crate) fn expressions(schema: &Schema) -> Vec<SqlText<'_>> {
    use crate::ident::Ident;
    fn index_sites<'a>(out: &mut Vec<SqlText<'a>>, index: &'a Index, object: String, table: Option<&'a Table>) {
        let keys = index.keys.iter().filter_map(|k| match &k.target {
            IndexTarget::Expression(e) => Some(e.as_str()),
            IndexTarget::Column(_) => None,
        });
        for text in keys.chain(index.predicate.as_deref()) {
            out.push(SqlText { text, object: object.clone(), table, column: None });
        }
    }
    let mut out = Vec::new();
    for d in schema.domains() {
        for text in d.checks.iter().map(|c| c.expr.as_str()).chain(d.default.as_deref()) {
            out.push(SqlText { text, object: format!("domain {}", d.name), table: None, column: None });
        }
    }
    for t in schema.tables() {
        for p in &t.policies {
            for text in [&p.using, &p.with_check].into_iter().flatten() {
                out.push(SqlText { text, object: policy_object(t, p), table: Some(t), column: None });
            }
        }
        for c in &t.columns {
            for text in [&c.default, &c.generated].into_iter().flatten() {
                out.push(SqlText { text, object: column_object(t, &c.name), table: Some(t), column: Some(c) });
            }
        }
        for c in &t.checks {
            let column = c.column.as_deref().and_then(|name| t.columns.iter().find(|col| col.name == name));
            let object = format!("constraint {} on {}", Ident(c.name.as_deref().unwrap_or_default()), t.name);
            out.push(SqlText { text: &c.expr, object, table: Some(t), column });
        }
        for i in &t.indexes {
            index_sites(&mut out, i, index_object(t, i.name.as_deref().unwrap_or_default()), Some(t));
        }
        for tr in &t.triggers {
            if let Some(text) = &tr.when {
                out.push(SqlText { text, object: format!("trigger {} on {}", Ident(&tr.name), t.name), table: Some(t), column: None });
            }
        }
    }
    for v in schema.views() {
        let kind = if v.materialized { "materialized view" } else { "view" };
        out.push(SqlText { text: &v.query, object: format!("{kind} {}", v.name), table: None, column: None });
        for i in &v.indexes {
            let name = QualifiedName::new(v.name.schema.clone(), i.name.as_deref().unwrap_or_default());
            index_sites(&mut out, i, format!("index {name}"), None);
        }
    }
    for f in schema.functions() {
        if f.language.eq_ignore_ascii_case("sql") || f.language.eq_ignore_ascii_case("plpgsql") {
            out.push(SqlText { text: &f.body, object: format!("function {}", f.name), table: None, column: None });
        }
    }
    out
}

/// Operators whose right operand is a POSIX regular expression.
const REGEX_OPERATORS: &[&str] = &["~", "~*", "!~", "!~*"];

/// Functions whose second argument is a POSIX regular expression.
const REGEX_FUNCTIONS: &[&str] = &[
    "regexp_count",
    "regexp_instr",
    "regexp_like",
    "regexp_match",
    "regexp_matches",
    "regexp_replace",
    "regexp_split_to_array",
    "regexp_split_to_table",
    "regexp_substr",
];

/// The string constants of `sql` used as patterns: the right operand of `~`, `~*`,
/// `!~`, `!~*` and `[NOT] SIMILAR TO`; the second argument of the `regexp_*`
/// functions; the pattern of `substring(s FROM 'pattern')`, `substring(s, 'pattern')`
/// and `substring(s SIMILAR 'pattern' ESCAPE ..)`. A pattern held in a column, a
/// parameter or an expression is not read.
pub(crate) fn patterns(sql: &str) -> Vec<StringConstant<'_>> {
    let toks: Vec<Token<'_>> = tokens(sql).collect();
    let string_at = |k: usize| match toks.get(k) {
        Some(Token::String(s)) => Some(s.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    for (k, token) in toks.iter().enumerate() {
        let found = match token {
            Token::Operator(op) if REGEX_OPERATORS.contains(op) => string_at(k + 1),
            Token::Word(w) if !w.quoted && w.is_keyword("similar") => {
                let to = matches!(toks.get(k + 1), Some(Token::Word(t)) if t.is_keyword("to"));
                string_at(k + 1 + usize::from(to))
            }
            Token::Word(w) if w.before_paren && REGEX_FUNCTIONS.iter().any(|f| w.is_keyword(f)) => {
                call_arguments(&toks, k + 1).get(1).and_then(|&arg| string_at(arg))
            }
            Token::Word(w) if w.before_paren && w.is_keyword("substring") => {
                let from = depth_one(&toks, k + 1).into_iter().find(|&j| matches!(&toks[j], Token::Word(f) if f.is_keyword("from")));
                match from {
                    Some(j) => string_at(j + 1),
                    None => call_arguments(&toks, k + 1).get(1).and_then(|&arg| string_at(arg)),
                }
            }
            _ => None,
        };
        out.extend(found);
    }
    out
}

/// The indexes of the tokens directly inside the parentheses opening at `open`.
fn depth_one(toks: &[Token<'_>], open: usize) -> Vec<usize> {
    crate::validate::sql::enclosed(toks, open).into_iter().filter(|&(_, depth, _)| depth == 1).map(|(j, ..)| j).collect()
}

/// Where each argument of the call whose `(` is at `open` starts.
fn call_arguments(toks: &[Token<'_>], open: usize) -> Vec<usize> {
    let mut starts = vec![open + 1];
    starts.extend(depth_one(toks, open).into_iter().filter(|&j| toks[j] == Token::Punct(",")).map(|j| j + 1));
    starts
}

/// The bracket expressions of the pattern `re` that hold an unescaped `|` between
/// two other members (`[A-Z|a-z]`, not `[|]`, `[^|]`, `[a-z|]` or `[\|]`), each with
/// the `|`s dropped (`[A-Za-z]`). Reads brackets as PostgreSQL's regular expressions
/// do: `]` first (after an optional `^`) is a member, `[:alpha:]`, `[.x.]` and
/// `[=x=]` are single members, and `\` escapes inside brackets (except in BRE/ERE
/// mode, `(?b)`, `(?e)`). A literal pattern (`***=`, `(?q)`) has no brackets.
pub(crate) fn classes_with_pipe(re: &str) -> Vec<(String, String)> {
    if re.starts_with("***=") {
        return Vec::new();
    }
    let mut body = re.strip_prefix("***:").unwrap_or(re);
    let mut escapes_in_brackets = true;
    if let Some(rest) = body.strip_prefix("(?") {
        if let Some(close) = rest.find(')') {
            let flags = &rest[..close];
            if flags.bytes().all(|b| b.is_ascii_alphabetic()) {
                if flags.contains('q') {
                    return Vec::new();
                }
                escapes_in_brackets = !(flags.contains('b') || flags.contains('e'));
                body = &rest[close + 1..];
            }
        }
    }
    let c: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '[' => {
                let start = i;
                let mut j = i + 1;
                if c.get(j) == Some(&'^') {
                    j += 1;
                }
                let first = j;
                if c.get(j) == Some(&']') {
                    j += 1;
                }
                let mut pipes = Vec::new();
                let mut end = None;
                while j < c.len() {
                    match c[j] {
                        '[' if matches!(c.get(j + 1), Some(':' | '.' | '=')) => {
                            let delimiter = c[j + 1];
                            let mut k = j + 2;
                            while k + 1 < c.len() && !(c[k] == delimiter && c[k + 1] == ']') {
                                k += 1;
                            }
                            j = k + 2;
                        }
                        '\\' if escapes_in_brackets => j += 2,
                        ']' => {
                            end = Some(j);
                            break;
                        }
                        '|' => {
                            pipes.push(j);
                            j += 1;
                        }
                        _ => j += 1,
                    }
                }
                // An unterminated bracket: PostgreSQL refuses the pattern.
                let Some(end) = end else { break };
                let inner: Vec<usize> = pipes.into_iter().filter(|&p| p > first && p + 1 < end).collect();
                if !inner.is_empty() {
                    let class: String = c[start..=end].iter().collect();
                    let fixed: String = (start..=end).filter(|k| !inner.contains(k)).map(|k| c[k]).collect();
                    out.push((class, fixed));
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    fn classes(re: &str) -> Vec<String> {
        classes_with_pipe(re).into_iter().map(|(class, _)| class).collect()
    }

    fn raws(sql: &str) -> Vec<&str> {
        patterns(sql).into_iter().map(|p| p.raw).collect()
    }

    #[test]
    fn reads_bracket_expressions() {
        assert_eq!(classes_with_pipe(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}$"), [("[A-Z|a-z]".to_owned(), "[A-Za-z]".to_owned())]);
        assert_eq!(classes_with_pipe("[[:alpha:]|[:digit:]]"), [("[[:alpha:]|[:digit:]]".to_owned(), "[[:alpha:][:digit:]]".to_owned())]);
        assert_eq!(classes_with_pipe("[a||b]")[0].1, "[ab]");
        assert_eq!(classes("[]|a]"), ["[]|a]"]);
        assert_eq!(classes("[^]|a]"), ["[^]|a]"]);
        assert_eq!(classes("x[a|b]y[c|d]"), ["[a|b]", "[c|d]"]);
        // Alternation outside brackets, and a `|` that is plainly meant as a character.
        for fine in ["a|b", "^(com|org)$", "[A-Za-z]", "[|]", "[^|]", "[|a-z]", "[a-z|]", "[[:alpha:]|]", r"[a\|b]", r"\[a|b\]", "[[.|.]a]", "[a-z]|[0-9]"] {
            assert!(classes(fine).is_empty(), "{fine}");
        }
        // `]` right after `[` or `[^` is a member, so the class goes on.
        assert!(classes("[]a]|b").is_empty());
        // Literal patterns have no brackets; in BRE/ERE mode `\` is a member.
        assert!(classes("***=[a|b]").is_empty() && classes("(?q)[a|b]").is_empty());
        assert_eq!(classes("***:[a|b]"), ["[a|b]"]);
        assert_eq!(classes(r"(?e)[\|b]"), [r"[\|b]"]);
        // Unterminated: PostgreSQL refuses it; nothing to report.
        assert!(classes("[a|b").is_empty());
    }

    #[test]
    fn finds_patterns() {
        assert_eq!(raws("VALUE ~ '[a|b]' AND x !~* E'y' OR z ~~ 'like' OR w = '~'"), ["'[a|b]'", "E'y'"]);
        assert_eq!(raws("a NOT SIMILAR TO '[a|b]%' OR b similar to $$c$$"), ["'[a|b]%'", "$$c$$"]);
        assert_eq!(raws("regexp_replace(lower(a), '[x|y]', '', 'g') || pg_catalog.regexp_match(b, 'p')"), ["'[x|y]'", "'p'"]);
        assert_eq!(raws("regexp_like(a, b) AND regexp_count('s', 'r')"), ["'r'"]);
        assert_eq!(raws("substring(a FROM '[a|b]+') || substring(b, 'c') || substring(c from 2 for 3) || substring(d similar 'e' escape '#')"), ["'[a|b]+'", "'c'", "'e'"]);
        assert_eq!(raws("substring(a, 1, 2) || f('~', 'x') || 'a ~ ''b'''"), Vec::<&str>::new());
        // E'' escapes are read: the pattern is what the server sees.
        assert_eq!(patterns(r"v ~ E'\\.[a|b]'")[0].value, r"\.[a|b]");
    }

    #[test]
    fn ok() {
        let s = build(
            Schema::builder()
                .domain(Domain::new("email", SqlType::Text).check(CheckConstraint::new(r"VALUE ~ '^[^@]+@[^@]+\.[A-Za-z]{2,}$'")))
                .add_table(
                    table("t")
                        .column(Column::new("code", SqlType::Text))
                        .check(CheckConstraint::on_column("code", "code ~ '^(a|b)$' AND code !~ '[|]'"))
                        .row_level_security(true)
                        .policy(Policy::new("p").using("code SIMILAR TO '(x|y)%'")),
                ),
        );
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = build(
            Schema::builder()
                .domain(Domain::new("email_address", SqlType::Text).check(CheckConstraint::new(r"VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}$'")))
                .add_table(
                    table("t")
                        .column(Column::new("code", SqlType::Text))
                        .column(Column::new("tag", SqlType::Text).generated("regexp_replace(code, '[,|;]', '', 'g')"))
                        .column(Column::new("kind", SqlType::Text).allow("regex-class-with-pipe", "test"))
                        .check(CheckConstraint::on_column("code", "code ~* '^[a|b]+$'"))
                        .check(CheckConstraint::on_column("kind", "kind ~ '[x|y]'"))
                        .index(Index::on(["code"]).where_("code SIMILAR TO '[0|1]%'"))
                        .row_level_security(true)
                        .policy(Policy::new("p").using("substring(code from '[c|d]') IS NOT NULL")),
                ),
        );
        let found = run(&RULE, &s);
        assert_eq!(
            found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(),
            ["constraint t_code_check on public.t", "domain public.email_address", "index public.idx_t_code", "policy p on public.t", "public.t.tag"]
        );
        assert!(found[1].message.contains("`[A-Z|a-z]`"), "{}", found[1].message);
        assert!(found[1].help.contains("`[A-Za-z]`"), "{}", found[1].help);
        assert_eq!(found[0].column.as_deref(), Some("code"));
    }
}
