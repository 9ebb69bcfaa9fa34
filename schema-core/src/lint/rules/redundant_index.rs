//! `redundant-index`: an index another index, key or unique constraint already provides.

use crate::lint::context::{indexes_of, normalize_sql, IndexLike, Key};
use crate::lint::{lint_rule, Context, Findings, Rule};
use crate::model::IndexMethod;

pub(crate) const RULE: Rule = lint_rule!(
    "redundant-index",
    Warning,
    "an index duplicated by another, made redundant by a longer index with the same leading keys, or by the primary key or a unique constraint",
    check
);

/// Whether `a`'s keys, in order, are a prefix of `b`'s (targets, operator classes,
/// and sort orders equal or all reversed, since a B-tree scans both ways).
fn prefix_of(a: &[Key<'_>], b: &[Key<'_>]) -> bool {
    if a.len() > b.len() || a.is_empty() {
        return false;
    }
    let pairs = || a.iter().zip(b);
    pairs().all(|(x, y)| x.same_target(y))
        && (a.len() == 1
            || pairs().all(|(x, y)| x.desc == y.desc && x.nulls_first == y.nulls_first)
            || pairs().all(|(x, y)| x.desc != y.desc && x.nulls_first != y.nulls_first))
}

fn same_predicate(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(normalize_sql) == b.map(normalize_sql)
}

/// Why `a` adds nothing that `b` does not provide, if it does not.
fn made_redundant_by(a: &IndexLike<'_>, b: &IndexLike<'_>) -> Option<&'static str> {
    if a.method != b.method || a.nulls_not_distinct != b.nulls_not_distinct {
        return None;
    }
    // Columns `a` stores for index-only scans must be in `b` too.
    let b_columns: Vec<&str> = b.keys.iter().filter_map(Key::column).chain(b.include.iter().map(String::as_str)).collect();
    if !a.include.iter().all(|c| b_columns.contains(&c.as_str())) {
        return None;
    }
    let same_keys = a.keys.len() == b.keys.len() && prefix_of(&a.keys, &b.keys);
    if a.method != IndexMethod::BTree {
        // Other methods only when identical.
        let identical = same_keys && a.unique == b.unique && same_predicate(a.predicate, b.predicate) && a.include.len() == b.include.len();
        return identical.then_some("is identical to");
    }
    if a.unique {
        // A unique index enforces a rule: only the same rule over the same keys replaces it.
        let same_rule = same_keys && b.unique && same_predicate(a.predicate, b.predicate);
        return same_rule.then_some("enforces the same uniqueness as");
    }
    if !prefix_of(&a.keys, &b.keys) {
        return None;
    }
    if same_predicate(a.predicate, b.predicate) || b.predicate.is_none() && a.predicate.is_none() {
        return Some(if same_keys { "duplicates" } else { "is a leading prefix of" });
    }
    // A partial index over exactly the keys of a full unique index: a lookup on
    // those keys finds at most one row through the unique index anyway.
    if a.predicate.is_some() && b.predicate.is_none() && b.unique && same_keys {
        return Some("looks up at most one row, as does");
    }
    None
}

/// Order of preference between two indexes that make each other redundant.
fn rank<'a>(x: &IndexLike<'a>, position: usize) -> (u8, &'a str, usize) {
    let kind = match x.constraint {
        Some("primary key") => 0,
        Some(_) => 1,
        None => 2,
    };
    (kind, x.name, position)
}

fn check(cx: &Context<'_>, out: &mut Findings) {
    for table in cx.schema.tables() {
        let all = indexes_of(table);
        for (i, a) in all.iter().enumerate() {
            // A primary key is never the redundant one.
            if a.constraint == Some("primary key") {
                continue;
            }
            // When two make each other redundant, keep the primary key, then a unique
            // constraint, then the first by name.
            let winner = all.iter().enumerate().filter(|&(j, _)| j != i).find_map(|(j, b)| {
                let why = made_redundant_by(a, b)?;
                if made_redundant_by(b, a).is_some() && rank(b, j) > rank(a, i) {
                    return None;
                }
                Some((b, why))
            });
            let Some((b, why)) = winner else { continue };
            let keep = match b.constraint {
                Some(kind) => format!("the {kind} {} provides the same index", b.name),
                None => format!("keep {}", b.name),
            };
            out.on_table(
                table,
                a.object.clone(),
                None,
                format!(
                    "{} {why} {}: every INSERT and UPDATE maintains both, the planner gains nothing from the second, and it costs memory and WAL",
                    a.name, b.object
                ),
                format!("drop {} ({keep}); if it exists for a different sort order or an index-only scan, make that difference explicit", a.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;
    use crate::model::*;
    use crate::SqlType;

    fn users(extra: impl FnOnce(Table) -> Table) -> crate::Schema {
        let t = table("users")
            .column(Column::new("email", SqlType::Text))
            .column(Column::new("status", SqlType::Text))
            .column(Column::new("created_at", SqlType::Timestamptz))
            .column(Column::new("deleted_at", SqlType::Timestamptz).nullable())
            .unique(UniqueConstraint::new(["email"]));
        schema([extra(t)])
    }

    #[test]
    fn ok() {
        let s = users(|t| {
            t.index(Index::on(["status", "created_at"]))
                .index(Index::on(["status"]).where_("deleted_at IS NULL"))
                .index(Index::with_keys([IndexKey::column("created_at").desc()]))
                .index(Index::on(["email"]).using(IndexMethod::Hash))
                .index(Index::on(["status"]).include(["email"]).named("status_covering"))
                .index(Index::with_keys([IndexKey::column("status"), IndexKey::column("created_at").desc()]).named("status_recent"))
        });
        assert!(run(&RULE, &s).is_empty(), "{:#?}", run(&RULE, &s));
    }

    #[test]
    fn err() {
        let s = users(|t| {
            t.index(Index::on(["email"]).named("by_email"))
                .index(Index::on(["email"]).where_("deleted_at IS NULL").named("live_email"))
                .index(Index::on(["id"]).named("by_id"))
                .index(Index::on(["status"]).named("by_status"))
                .index(Index::on(["status", "created_at"]).named("by_status_created"))
                .index(Index::on(["created_at"]).named("a_created"))
                .index(Index::on(["created_at"]).named("b_created"))
        });
        let found = run(&RULE, &s);
        let objects: Vec<&str> = found.iter().map(|d| d.object.as_str()).collect();
        assert_eq!(
            objects,
            [
                "index public.b_created",
                "index public.by_email",
                "index public.by_id",
                "index public.by_status",
                "index public.live_email",
            ],
            "{found:#?}"
        );
        assert!(found[4].message.contains("at most one row"));
    }
}
