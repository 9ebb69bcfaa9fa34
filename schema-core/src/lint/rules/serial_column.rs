//! `serial-column`: `serial`/`bigserial`, or a hand-written `nextval()` default, instead of identity.

use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "serial-column",
    Warning,
    "a `serial`/`bigserial` column or a `nextval()` default, where an identity column is the standard form",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let serial = matches!(column.ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial);
            let nextval = column.default.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("nextval("));
            if !serial && !nextval {
                continue;
            }
            let what = if serial { format!("is {}", column.ty) } else { "takes its default from nextval()".to_owned() };
            out.column(
                table,
                column,
                format!(
                    "`{}` {what}: the sequence is a separate object with its own privileges (INSERT needs USAGE on it), explicit values silently skip it until a duplicate key error, and CREATE TABLE ... LIKE copies a default that still points at the old sequence",
                    column.name
                ),
                format!(
                    "declare `{} {} GENERATED ALWAYS AS IDENTITY` (`Column::new(..).identity(Identity::Always)`, `#[column(identity)]`): the SQL-standard form, owned by the column",
                    column.name,
                    column.ty.storage()
                ),
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
        assert!(run(&RULE, &schema([table("t")])).is_empty());
    }

    #[test]
    fn err() {
        let s = schema([
            Table::new("a").column(Column::new("id", SqlType::BigSerial)).primary_key(["id"]),
            Table::new("b").column(Column::new("id", SqlType::BigInt).default_expr("nextval('b_id_seq'::regclass)")).primary_key(["id"]),
        ]);
        let found = run(&RULE, &s);
        assert_eq!(found.iter().map(|d| d.object.as_str()).collect::<Vec<_>>(), ["public.a.id", "public.b.id"]);
        assert!(found[0].help.contains("id bigint GENERATED ALWAYS AS IDENTITY"));
    }
}
