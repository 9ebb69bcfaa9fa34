//! `uuid-generate-v4`: a `uuid-ossp` function as a default, where core PostgreSQL has one.

use crate::lint::{lint_rule, Context, Findings, Rule};

pub(crate) const RULE: Rule = lint_rule!(
    "uuid-generate-v4",
    Warning,
    "a default calling uuid-ossp's uuid_generate_v1/v4(), where the built-in gen_random_uuid() needs no extension",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let Some(default) = &column.default else { continue };
            let lower = default.to_ascii_lowercase();
            if let Some(i) = lower.find("uuid_generate_v") {
                let function: String = lower[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.column(
                    table,
                    column,
                    format!(
                        "`{}` defaults to {function}(), from the uuid-ossp extension: the extension must be installed (and found on search_path) in every database, for what core PostgreSQL 13+ provides as gen_random_uuid()",
                        column.name
                    ),
                    "use `DEFAULT gen_random_uuid()` (random, v4) and drop uuid-ossp; for index-friendly time-ordered keys use uuidv7() on PostgreSQL 18+, or generate v7 UUIDs in the application",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    #[test]
    fn ok() {
        assert!(run(&RULE, &schema([table("t").column(Column::new("uuid", SqlType::Uuid).default_expr("gen_random_uuid()"))])).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([table("t").column(Column::new("public_id", SqlType::Uuid).default_expr("uuid_generate_v4()"))]);
        let found = run(&RULE, &s);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("uuid_generate_v4()"));
    }
}
