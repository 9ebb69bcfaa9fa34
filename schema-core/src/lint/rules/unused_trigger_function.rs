//! `unused-trigger-function`: a trigger function no trigger calls.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!("unused-trigger-function", Warning, "a function returning `trigger` that no table's trigger calls", check);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for f in cx.schema.functions() {
        if !f.returns.trim().eq_ignore_ascii_case("trigger") {
            continue;
        }
        let attached = cx.schema.tables().iter().flat_map(|t| &t.triggers).any(|t| t.function == f.name);
        if !attached {
            out.object(
                format!("function {}", f.name),
                format!("trigger function {} is never attached to a table: whatever it was written to do (auditing, maintaining a column) does not happen", f.name),
                "attach it with a trigger on each table it is meant for (`Table::trigger(Trigger::new(..))`, or `Table::audited()` for auditing), or drop it",
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
        // timestamps() attaches the built-in set_updated_at().
        assert!(run(&RULE, &schema([table("t").timestamps()])).is_empty());
    }

    #[test]
    fn err() {
        let s = build(Schema::builder().add_table(table("t")).function(Function::trigger(QualifiedName::public("audit_trigger_function"), "BEGIN RETURN NEW; END")));
        assert_eq!(objects(&RULE, &s), ["function public.audit_trigger_function"]);
    }
}
