//! `#[table(partition(...))]`: the strategy and key, the partitions to create,
//! and the rule PostgreSQL enforces on every unique key of a partitioned table
//! (it must contain the partition key, since uniqueness is checked per partition).

use std::collections::HashMap;

use proc_macro2::Span;
use syn::ext::IdentExt;

use super::table::Fields;
use super::{check_name, Errors};
use crate::attr::features::{PartitionAttr, PartitionValuesAttr, WindowAttr};
use crate::attr::value::{FieldRefs, Int, List};
use crate::attr::TableAttrs;
use crate::ir::{self, KeyOrigin, PartitionStrategy, Period};

fn strategy_name(s: PartitionStrategy) -> &'static str {
    match s {
        PartitionStrategy::Range => "range",
        PartitionStrategy::List => "list",
        PartitionStrategy::Hash => "hash",
    }
}

/// Checks `partition(...)`, sets `table.partitioning`, then checks the table's
/// unique keys against the partition key.
pub(super) fn partitioning(errors: &mut Errors, attrs: &TableAttrs, fields: &Fields<'_>, table: &mut ir::Table) {
    let Some(List { value: p, key }) = &attrs.partition else { return };
    let strategies: Vec<(PartitionStrategy, &FieldRefs)> =
        [(PartitionStrategy::Range, &p.range), (PartitionStrategy::List, &p.list), (PartitionStrategy::Hash, &p.hash)]
            .into_iter()
            .filter_map(|(s, refs)| Some((s, refs.as_ref()?)))
            .collect();
    let Some(&(strategy, refs)) = strategies.first() else {
        errors.at(
            *key,
            "`partition(...)` needs the partition key and how rows are split: \
             `range(created_at)`, `list(region)` or `hash(id)`",
        );
        return;
    };
    for (other, refs) in &strategies[1..] {
        errors.at(
            refs.key,
            format!(
                "a table is partitioned one way, but this one has both `{}(...)` and `{}(...)`; keep one",
                strategy_name(strategy),
                strategy_name(*other)
            ),
        );
    }

    let mut columns = Vec::new();
    for field in &refs.fields {
        let Some(f) = fields.resolve(errors, field) else { continue };
        let column = f.column.clone().unwrap_or_default();
        if columns.contains(&column) {
            errors.at(field.span(), format!("`{}` is listed twice in the partition key", field.unraw()));
            continue;
        }
        columns.push(column);
    }
    if strategy == PartitionStrategy::List {
        for extra in refs.fields.iter().skip(1) {
            errors
                .at(extra.span(), "LIST partitioning takes one key column; partition by `range(...)` or `hash(...)` for several");
        }
    }

    if strategies.len() > 1 {
        // Which options fit depends on the strategy, which is not decided yet.
        return;
    }
    let modulus = modulus(errors, p, strategy, refs);
    let window = window(errors, p, strategy, columns.len());
    if p.default_partition.is_present() && strategy == PartitionStrategy::Hash {
        errors.at(
            p.default_partition.span(),
            "hash partitions take every row, so a hash-partitioned table cannot have a DEFAULT partition; remove `default_partition`",
        );
    }
    let partitions = explicit_partitions(errors, &p.values, strategy, columns.len(), &table.name);

    table.partitioning = Some(ir::Partitioning {
        strategy,
        columns,
        window,
        modulus,
        partitions,
        default_partition: p.default_partition.is_present(),
    });
    unique_keys_contain_partition_key(errors, fields, table);
}

/// `daily(...)`, `monthly(...)` or `yearly(...)`.
fn window(errors: &mut Errors, p: &PartitionAttr, strategy: PartitionStrategy, key_len: usize) -> Option<ir::Window> {
    let windows: Vec<(Period, &'static str, &List<WindowAttr>)> =
        [(Period::Day, "daily", &p.daily), (Period::Month, "monthly", &p.monthly), (Period::Year, "yearly", &p.yearly)]
            .into_iter()
            .filter_map(|(period, name, w)| Some((period, name, w.as_ref()?)))
            .collect();
    let &(period, name, List { value: w, key }) = windows.first()?;
    for (_, other, extra) in &windows[1..] {
        errors.at(
            extra.key,
            format!("a table has one period window, but this one has both `{name}(...)` and `{other}(...)`; keep one"),
        );
    }
    if strategy != PartitionStrategy::Range {
        errors.at(
            *key,
            format!(
                "`{name}(...)` creates range partitions over time, but this table uses `{}(...)` partitioning; \
                 partition by `range(column)` to use it",
                strategy_name(strategy)
            ),
        );
    } else if key_len > 1 {
        errors.at(
            *key,
            format!("`{name}(...)` needs range partitioning on one date or timestamp column, but the key has {key_len}"),
        );
    }

    let from = w.from.as_ref().and_then(|f| match parse_date(&f.value) {
        Ok(d) => Some(d),
        Err(reason) => {
            errors.at(f.span, format!("`from` is {reason}; write the first day as \"YYYY-MM-DD\", e.g. `from = \"2026-01-01\"`"));
            None
        }
    });
    let count = w.count.as_ref().and_then(|c| small(errors, c, "count"));
    let ahead = w.ahead.as_ref().and_then(|a| small(errors, a, "ahead"));
    match (&w.from, &w.count) {
        (Some(f), None) => {
            errors.at(f.key, format!("say how many periods to create from `from`: `{name}(from = \"...\", count = 3)`"))
        }
        (None, Some(c)) => {
            errors.at(c.key, format!("`count` needs the first period: `{name}(from = \"2026-01-01\", count = ...)`"))
        }
        _ if w.count.as_ref().map_or(true, |c| c.value == 0) && w.ahead.as_ref().map_or(true, |a| a.value == 0) => errors.at(
            *key,
            format!(
                "this window creates no partitions; give it `from = \"2026-01-01\", count = 3` (declared in the DDL) \
                 and/or `ahead = 3` (the current period and the next ones, created when the DDL runs): `{name}(...)`"
            ),
        ),
        _ => {}
    }
    Some(ir::Window { period, from: from.unwrap_or((2000, 1, 1)), count: count.unwrap_or(0), ahead: ahead.unwrap_or(0) })
}

/// A count of periods or partitions: fits PostgreSQL's `integer`.
fn small(errors: &mut Errors, i: &Int, key: &str) -> Option<u32> {
    match u32::try_from(i.value) {
        Ok(v) if v <= i32::MAX as u32 => Some(v),
        _ => {
            errors.at(i.span, format!("`{key}` is too large"));
            None
        }
    }
}

/// `YYYY-MM-DD`, a day that exists.
fn parse_date(text: &str) -> Result<(i32, u32, u32), String> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let [y, m, d] = parts.as_slice() else { return Err(format!("{text:?}, not a date")) };
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(format!("{text:?}, not a date"));
    }
    let (year, month, day): (i32, u32, u32) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0), d.parse().unwrap_or(0));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("{text:?}, which has no month {month}")),
    };
    if day == 0 || day > days {
        return Err(format!("{text:?}, a day that does not exist"));
    }
    Ok((year, month, day))
}

/// `modulus = n`, which goes with `hash(...)` and only with it.
fn modulus(errors: &mut Errors, p: &PartitionAttr, strategy: PartitionStrategy, refs: &FieldRefs) -> Option<u32> {
    match (&p.modulus, strategy) {
        (Some(m), PartitionStrategy::Hash) => match small(errors, m, "modulus") {
            Some(0) => {
                errors.at(m.span, "`modulus` is the number of hash partitions; it must be at least 1");
                None
            }
            other => other,
        },
        (Some(m), other) => {
            errors.at(
                m.key,
                format!(
                    "`modulus` is the number of hash partitions, but this table uses `{}(...)` partitioning; \
                     remove it, or partition by `hash(...)`",
                    strategy_name(other)
                ),
            );
            None
        }
        (None, PartitionStrategy::Hash) => {
            errors.at(refs.key, "hash partitioning needs the number of partitions: add `modulus = 8`");
            None
        }
        (None, _) => None,
    }
}

/// `values(name = "...", ...)`: partitions with explicit bounds.
fn explicit_partitions(
    errors: &mut Errors,
    list: &[List<PartitionValuesAttr>],
    strategy: PartitionStrategy,
    key_len: usize,
    table: &str,
) -> Vec<ir::Partition> {
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut partitions = Vec::new();
    for List { value: v, key } in list {
        check_name(errors, "partition", &v.name.value, v.name.span, "");
        if seen.insert(v.name.value.clone(), v.name.span).is_some() {
            errors.at(v.name.span, format!("two partitions are named `{}`", v.name.value));
        } else if v.name.value == format!("{table}_default") {
            errors.at(v.name.span, format!("`{table}_default` is the name of the DEFAULT partition; choose another"));
        }
        let in_list: Vec<(&str, Span)> = [("values", v.values.as_ref()), ("labels", v.labels.as_ref())]
            .into_iter()
            .filter_map(|(k, s)| Some((k, s?.key)))
            .collect();
        let range: Vec<(&str, Span)> =
            [("from", v.from.as_ref()), ("to", v.to.as_ref())].into_iter().filter_map(|(k, s)| Some((k, s?.key))).collect();
        let bound = match strategy {
            PartitionStrategy::Hash => {
                errors.at(*key, "hash partitions are created from `modulus`; remove `values(...)`");
                continue;
            }
            PartitionStrategy::List => {
                for (k, span) in &range {
                    errors.at(
                        *span,
                        format!(
                            "`{k}(...)` bounds a range partition; a list partition takes `values(\"'eu'\")` or `labels(\"eu\")`"
                        ),
                    );
                }
                if in_list.is_empty() && range.is_empty() {
                    errors.at(
                        *key,
                        "this list partition has no values; add `values(\"'eu'\", \"'uk'\")` (SQL literals) \
                         or `labels(\"eu\", \"uk\")` (strings, quoted for you)",
                    );
                }
                let mut values = Vec::new();
                for s in v.values.iter().flat_map(|s| &s.values) {
                    if s.value().trim().is_empty() {
                        errors.at(
                            s.span(),
                            "an empty value; write a SQL literal such as `'eu'` or `42`, or use `labels(...)` for strings",
                        );
                    } else if s.value().contains('\0') {
                        errors.at(s.span(), "the value contains a NUL character");
                    }
                    values.push(ir::ListValue::Sql(s.value()));
                }
                for s in v.labels.iter().flat_map(|s| &s.values) {
                    if s.value().contains('\0') {
                        errors.at(s.span(), "the label contains a NUL character");
                    }
                    values.push(ir::ListValue::Label(s.value()));
                }
                ir::Bound::List(values)
            }
            PartitionStrategy::Range => {
                for (k, span) in &in_list {
                    errors.at(
                        *span,
                        format!(
                            "`{k}(...)` lists the values of a list partition; a range partition takes `from(...)` and `to(...)`"
                        ),
                    );
                }
                let mut side = |s: Option<&crate::attr::value::Strings>, which: &str| -> Vec<String> {
                    let Some(s) = s else {
                        errors.at(
                            *key,
                            format!(
                                "this range partition needs `{which}(...)`: `values(name = \"...\", from(\"'2025-01-01'\"), to(\"'2026-01-01'\"))`"
                            ),
                        );
                        return Vec::new();
                    };
                    if s.values.len() != key_len {
                        errors.at(
                            s.key,
                            format!(
                                "`{which}(...)` has {} value(s), but the partition key has {key_len} column(s)",
                                s.values.len()
                            ),
                        );
                    }
                    for lit in &s.values {
                        if lit.value().trim().is_empty() {
                            errors.at(
                                lit.span(),
                                "an empty bound; write a SQL literal such as `'2026-01-01'`, or `MINVALUE`/`MAXVALUE`",
                            );
                        }
                    }
                    s.strings()
                };
                let from = side(v.from.as_ref(), "from");
                let to = side(v.to.as_ref(), "to");
                ir::Bound::Range { from, to }
            }
        };
        partitions.push(ir::Partition { name: v.name.value.clone(), bound });
    }
    partitions
}

/// PostgreSQL checks uniqueness per partition, so it refuses a primary key,
/// unique constraint or unique index that does not contain every partition key
/// column. Each one is reported at its declaration, with the fix.
fn unique_keys_contain_partition_key(errors: &mut Errors, fields: &Fields<'_>, table: &ir::Table) {
    let Some(p) = &table.partitioning else { return };
    if p.columns.is_empty() {
        return;
    }
    let field_of = |column: &str| -> String {
        fields
            .fields
            .iter()
            .find(|f| f.column.as_deref() == Some(column))
            .map_or_else(|| column.to_owned(), |f| f.ident.unraw().to_string())
    };
    let missing_of =
        |columns: &[String]| -> Vec<String> { p.columns.iter().filter(|c| !columns.contains(c)).map(|c| field_of(c)).collect() };
    let with_missing = |columns: &[String], missing: &[String]| -> String {
        columns.iter().map(|c| field_of(c)).chain(missing.iter().cloned()).collect::<Vec<_>>().join(", ")
    };
    let them = |missing: &[String]| if missing.len() > 1 { "them" } else { "it" };
    let cannot = |what: &str, missing: &[String]| -> String {
        let cols = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        format!(
            "PostgreSQL cannot enforce {what} on a partitioned table: it checks uniqueness within each partition, \
             so every unique key must contain the partition key, and this one lacks {cols}"
        )
    };

    if let Some((span, origin)) = table.primary_key.declared {
        let missing = missing_of(&table.primary_key.columns);
        if !missing.is_empty() {
            let fix = with_missing(&table.primary_key.columns, &missing);
            let how = match origin {
                KeyOrigin::Table => format!("add {} to the primary key: `#[table(primary_key({fix}))]`", them(&missing)),
                KeyOrigin::Column => {
                    format!("replace `#[column(primary_key)]` with a composite key on the struct: `#[table(primary_key({fix}))]`")
                }
            };
            errors.at(span, format!("{}; {how}", cannot("this primary key", &missing)));
        }
    }
    for u in &table.uniques {
        let missing = missing_of(&u.columns);
        if missing.is_empty() {
            continue;
        }
        let fix = with_missing(&u.columns, &missing);
        let how = match u.origin {
            KeyOrigin::Table => format!("add {}: `unique(columns({fix}))` (unique per partition key value)", them(&missing)),
            KeyOrigin::Column => format!(
                "replace `unique` with `#[table(unique(columns({fix})))]` on the struct (unique per partition key value), \
                 or keep the values unique in a table that is not partitioned"
            ),
        };
        errors.at(u.span, format!("{}; {how}", cannot("this unique constraint", &missing)));
    }
    for i in &table.indexes {
        let Some((span, origin)) = i.unique_span else { continue };
        let missing = missing_of(&i.columns);
        if missing.is_empty() {
            continue;
        }
        let fix = with_missing(&i.columns, &missing);
        let how = match origin {
            KeyOrigin::Table => {
                format!("add {} to the index's columns: `columns({fix})` (expression keys do not count)", them(&missing))
            }
            KeyOrigin::Column => format!("declare it on the struct instead: `#[table(index(columns({fix}), unique))]`"),
        };
        errors.at(span, format!("{}; {how}", cannot("this unique index", &missing)));
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-01-31"), Ok((2026, 1, 31)));
        assert_eq!(parse_date("2024-02-29"), Ok((2024, 2, 29)));
        for bad in
            ["2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-1", "26-01-01", "2026/01/01", "", "x"]
        {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }
}
