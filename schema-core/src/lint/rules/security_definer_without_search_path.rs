//! `security-definer-without-search-path`: a SECURITY DEFINER function callers can hijack.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "security-definer-without-search-path",
    Error,
    "a SECURITY DEFINER function without `SET search_path`, so a caller's objects can run with the owner's privileges",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for f in cx.schema.functions() {
        let path = f.search_path.as_deref().map(str::trim).unwrap_or_default();
        if !f.security_definer || !path.is_empty() {
            continue;
        }
        out.object(
            format!("function {}", f.name),
            format!(
                "{} runs with its owner's privileges but resolves unqualified names through the caller's search_path: a caller who creates a function or operator of the same name in a schema earlier on the path runs it as the owner",
                f.name
            ),
            "set a fixed search path on the function (`search_path = Some(\"pg_catalog, pg_temp\")`, SET search_path = pg_catalog, pg_temp) and qualify every object it uses",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    fn with(search_path: Option<&str>) -> crate::Schema {
        let mut f = Function::new(QualifiedName::public("whoami"), "text", "sql", "SELECT current_user");
        f.security_definer = true;
        f.search_path = search_path.map(str::to_owned);
        build(Schema::builder().add_table(table("t")).function(f))
    }

    #[test]
    fn ok() {
        assert!(run(&RULE, &with(Some("pg_catalog, pg_temp"))).is_empty());
        // The built-in audit trigger function is SECURITY DEFINER with a fixed path.
        assert!(run(&RULE, &schema([table("t").audited()])).is_empty());
    }

    #[test]
    fn err() {
        assert_eq!(objects(&RULE, &with(None)), ["function public.whoami"]);
    }
}
