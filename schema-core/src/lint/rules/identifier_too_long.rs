//! `identifier-too-long`: a name that fits, but whose derived sequence name does not.
//!
//! `build()` refuses names over 63 bytes, including the partitions pgarchitect and
//! `ensure_partitions` create. What it does not write is the sequence PostgreSQL
//! itself creates for an identity or serial column, `{table}_{column}_seq`.

use crate::ident::MAX_IDENTIFIER_BYTES;
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::SqlType;

pub(crate) const RULE: Rule = lint_rule!(
    "identifier-too-long",
    Warning,
    "an identity or serial column whose sequence name, `{table}_{column}_seq`, exceeds 63 bytes and is truncated",
    check
);

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        for column in &table.columns {
            let sequence = column.identity.is_some() || matches!(column.ty, SqlType::SmallSerial | SqlType::Serial | SqlType::BigSerial);
            let name = format!("{}_{}_seq", table.name.name, column.name);
            if sequence && name.len() > MAX_IDENTIFIER_BYTES {
                out.column(
                    table,
                    column,
                    format!(
                        "the sequence behind `{}` would be `{name}` ({} bytes): PostgreSQL shortens it to fit {MAX_IDENTIFIER_BYTES} bytes, so scripts, grants and `pg_get_serial_sequence` callers that build the name by convention miss it",
                        column.name,
                        name.len()
                    ),
                    format!(
                        "shorten the table or column name so that `{{table}}_{{column}}_seq` fits in {MAX_IDENTIFIER_BYTES} bytes ({} too many)",
                        name.len() - MAX_IDENTIFIER_BYTES
                    ),
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

    #[test]
    fn ok() {
        // 63 bytes exactly: `{48 a}_identifier_seq`.
        let s = schema([Table::new("a".repeat(48)).column(Column::new("identifier", SqlType::BigInt).identity(Identity::Always)).primary_key(["identifier"])]);
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn err() {
        let long = "a".repeat(50);
        let s = schema([
            Table::new(long.clone()).column(Column::new("identifier", SqlType::BigInt).identity(Identity::Always)).primary_key(["identifier"]),
            Table::new(format!("{long}_b")).column(Column::new("identifier", SqlType::BigSerial)).primary_key(["identifier"]),
        ]);
        let found = run(&RULE, &s);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].object, format!("public.{long}.identifier"));
        assert!(found[0].message.contains("65 bytes"));
        assert!(found[0].help.contains("(2 too many)"));
    }
}
