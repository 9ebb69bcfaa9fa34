//! `unused-enum`: an enum type no column, domain, function or view uses.

use crate::lint::context::same_type_name;
use crate::lint::names::identifiers;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::EnumType;
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!("unused-enum", Warning, "an enum type that no column, domain, function or view uses", check);

fn uses(ty: &SqlType, e: &EnumType) -> bool {
    ty.named().is_some_and(|n| same_type_name(n, &e.name))
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    let schema = cx.schema;
    for e in schema.enums() {
        let in_columns = schema.tables().iter().flat_map(|t| &t.columns).any(|c| uses(&c.ty, e));
        let in_domains = schema.domains().iter().any(|d| uses(&d.base, e));
        // Functions and views are SQL text: a mention of the name counts.
        let mentioned = |text: &str| identifiers(text).contains(&e.name.name);
        let in_functions = schema.functions().iter().any(|f| mentioned(&f.arguments) || mentioned(&f.returns) || mentioned(&f.body));
        let in_views = schema.views().iter().any(|v| mentioned(&v.query));
        if in_columns || in_domains || in_functions || in_views {
            continue;
        }
        out.object(
            format!("type {}", e.name),
            format!("enum {} ({}) is not used by any column, domain, function or view", e.name, e.values.join(", ")),
            "drop it, or use it where the values are stored (a column typed with it instead of text): an unused type is usually a column that was declared as text by mistake",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;

    #[test]
    fn ok() {
        let s = build(
            Schema::builder()
                .enum_type(EnumType::new("mood", ["ok", "meh"]))
                .enum_type(EnumType::new("level", ["low", "high"]))
                .add_table(table("t").column(Column::new("mood", SqlType::Named(QualifiedName::public("mood"))).nullable()))
                .function(Function::new(QualifiedName::public("parse_level"), "level", "sql", "SELECT 'low'::level")),
        );
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let s = build(Schema::builder().enum_type(EnumType::new("user_role", ["admin", "user"])).add_table(table("t")));
        assert_eq!(objects(&RULE, &s), ["type public.user_role"]);
    }
}
