//! `#[table(trigger(...), full_text(...), isolate(...))]`.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::ext::IdentExt;

use super::table::Fields;
use super::{check_name, non_empty, Errors};
use crate::attr::value::List;
use crate::attr::TableAttrs;
use crate::ir::{self, ForEach, TriggerEvent, TriggerTiming};
use crate::sql_type;

/// `trigger(...)`: a trigger calling a function declared on the schema builder.
pub(super) fn triggers(errors: &mut Errors, attrs: &TableAttrs, fields: &Fields<'_>, table: &mut ir::Table) {
    let mut names: HashMap<String, Span> = HashMap::new();
    if attrs.timestamps.is_present() {
        names.insert(format!("{}_set_updated_at", table.name), attrs.timestamps.span());
    }
    if attrs.audited.is_present() {
        names.insert(format!("{}_audit", table.name), attrs.audited.span());
    }
    for List { value: t, key } in &attrs.trigger {
        check_name(errors, "trigger", &t.name.value, t.name.span, "");
        match names.get(&t.name.value) {
            Some(_) if t.name.value == format!("{}_set_updated_at", table.name) && attrs.timestamps.is_present() => errors
                .at(t.name.span, format!("`timestamps` already adds a trigger named `{}`; choose another name", t.name.value)),
            Some(_) if t.name.value == format!("{}_audit", table.name) && attrs.audited.is_present() => {
                errors.at(t.name.span, format!("`audited` already adds a trigger named `{}`; choose another name", t.name.value))
            }
            Some(_) => errors.at(t.name.span, format!("two triggers on this table are named `{}`", t.name.value)),
            None => {
                names.insert(t.name.value.clone(), t.name.span);
            }
        }

        // Several missing parts are reported together.
        let missing: Vec<&str> = [
            (t.timing.is_none(), "`timing = \"before\"` (or `\"after\"`)"),
            (t.events.is_none(), "`events(\"insert\", \"update\")`"),
            (t.function.is_none(), "`function = \"schema.name\"`"),
        ]
        .into_iter()
        .filter_map(|(absent, what)| absent.then_some(what))
        .collect();
        let together = missing.len() > 1;
        if together {
            let (last, rest) = missing.split_last().expect("two or more");
            errors.at(
                *key,
                format!(
                    "this trigger needs {} and {last}: when it fires, on which events, and the function it calls \
                     (declared on the schema builder with `.function(...)`)",
                    rest.join(", ")
                ),
            );
        }

        let timing = match &t.timing {
            None => {
                if !together {
                    errors.at(*key, "this trigger needs `timing = \"before\"` or `timing = \"after\"`");
                }
                TriggerTiming::After
            }
            Some(k) if k.value == TriggerTiming::InsteadOf => {
                errors
                    .at(k.span, "`instead_of` triggers are for views; a trigger on a table fires `before` or `after` the change");
                TriggerTiming::After
            }
            Some(k) => k.value,
        };

        let for_each = t.for_each.map_or(ForEach::Row, |k| k.value);
        let mut events: Vec<(TriggerEvent, Vec<String>)> = Vec::new();
        match &t.events {
            None if together => {}
            None => errors.at(*key, "this trigger needs the events that fire it: `events(\"insert\", \"update\", \"delete\")`"),
            Some(list) if list.values.is_empty() => errors.at(
                list.span,
                "`events(...)` is empty; list what fires the trigger: `\"insert\"`, `\"update\"`, `\"delete\"` or `\"truncate\"`",
            ),
            Some(list) => {
                for &(event, span) in &list.values {
                    if events.iter().any(|(e, _)| *e == event) {
                        errors.at(span, "this event is listed twice");
                        continue;
                    }
                    if event == TriggerEvent::Truncate && for_each == ForEach::Row {
                        match &t.for_each {
                            Some(k) => errors.at(
                                k.span,
                                "`truncate` triggers fire once per statement (TRUNCATE removes no rows one by one); \
                                 write `for_each = \"statement\"`",
                            ),
                            None => errors.at(
                                span,
                                "`truncate` triggers fire once per statement, and triggers fire per row unless told otherwise; \
                                 add `for_each = \"statement\"`",
                            ),
                        }
                    }
                    events.push((event, Vec::new()));
                }
            }
        }
        if let Some(refs) = &t.update_of {
            let columns = fields.columns(errors, refs);
            match events.iter_mut().find(|(e, _)| *e == TriggerEvent::Update) {
                Some((_, cols)) => *cols = columns,
                None if t.events.is_some() => errors.at(
                    refs.key,
                    "`update_of(...)` names the columns whose UPDATE fires the trigger, but `events(...)` has no \"update\"; \
                     add it",
                ),
                None => {}
            }
        }

        let when = t.when.as_ref().map(|w| {
            let text = non_empty(errors, w, "when", "NEW.status IS DISTINCT FROM OLD.status");
            let has = |event| events.iter().any(|(e, _)| *e == event);
            if for_each == ForEach::Statement && (mentions(&text, "NEW") || mentions(&text, "OLD")) {
                errors.at(
                    w.span,
                    "a `for_each = \"statement\"` trigger has no NEW or OLD row, so its `when` cannot use them; \
                     fire it per row, or drop the condition",
                );
            } else if has(TriggerEvent::Insert) && mentions(&text, "OLD") {
                errors.at(
                    w.span,
                    "an `insert` has no OLD row, so the `when` of a trigger fired by \"insert\" cannot use OLD; \
                     split the trigger, or test only NEW",
                );
            } else if has(TriggerEvent::Delete) && mentions(&text, "NEW") {
                errors.at(
                    w.span,
                    "a `delete` has no NEW row, so the `when` of a trigger fired by \"delete\" cannot use NEW; \
                     split the trigger, or test only OLD",
                );
            }
            text
        });

        let function = match &t.function {
            None if together => ("public".to_owned(), String::new()),
            None => {
                errors.at(
                    *key,
                    "this trigger needs the function it calls: `function = \"schema.name\"` \
                     (declare the function on the schema builder with `.function(...)`)",
                );
                ("public".to_owned(), String::new())
            }
            Some(f) => match sql_type::qualified_name(&f.value) {
                Ok((schema, name)) => {
                    if let Some(s) = &schema {
                        check_name(errors, "schema", s, f.span, "");
                    }
                    check_name(errors, "function", &name, f.span, "");
                    (schema.unwrap_or_else(|| "public".to_owned()), name)
                }
                Err(reason) => {
                    errors.at(
                        f.span,
                        format!("invalid function name {:?}: {reason}; write `function = \"audit.log_change\"`", f.value),
                    );
                    ("public".to_owned(), String::new())
                }
            },
        };
        let arguments = t.arguments.as_ref().map(|a| a.strings()).unwrap_or_default();
        for (lit, value) in t.arguments.iter().flat_map(|a| &a.values).zip(&arguments) {
            if value.contains('\0') {
                errors.at(lit.span(), "the argument contains a NUL character");
            }
        }
        table.triggers.push(ir::Trigger {
            name: t.name.value.clone(),
            timing,
            events,
            for_each,
            when,
            function,
            arguments,
            comment: t.comment.as_ref().map(|c| c.value.clone()),
        });
    }
}

/// Whether a condition refers to the row `word` (`NEW`, `OLD`): the word, then a dot.
fn mentions(sql: &str, word: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    upper.match_indices(word).any(|(i, _)| {
        let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.');
        let after = upper[i + word.len()..].trim_start();
        before_ok && after.starts_with('.')
    })
}

/// `full_text(...)`: a generated tsvector column and its GIN index.
pub(super) fn full_text(errors: &mut Errors, attrs: &TableAttrs, fields: &Fields<'_>, table: &mut ir::Table) {
    for List { value: ft, key } in &attrs.full_text {
        let column = match &ft.column {
            Some(c) => {
                check_name(errors, "column", &c.value, c.span, "");
                c.value.clone()
            }
            None => "search_vector".to_owned(),
        };
        let column_span = ft.column.as_ref().map_or(*key, |c| c.span);
        if let Some(f) = fields.fields.iter().find(|f| f.column.as_deref() == Some(column.as_str())) {
            errors.at(
                column_span,
                format!(
                    "`full_text` adds the column `{column}`, but the field `{}` is already that column; \
                     name the search column with `column = \"...\"`",
                    f.ident.unraw()
                ),
            );
        } else if table.full_text.iter().any(|other| other.column == column) {
            errors
                .at(column_span, format!("two `full_text(...)` add the column `{column}`; give one another `column = \"...\"`"));
        }
        let config = match &ft.config {
            Some(c) => {
                if c.value.trim().is_empty() {
                    errors.at(c.span, "`config` is empty; name a text search configuration such as `english` or `simple`");
                } else if c.value.contains('\0') {
                    errors.at(c.span, "`config` contains a NUL character");
                }
                c.value.clone()
            }
            None => {
                errors.at(
                    *key,
                    "`full_text(...)` needs the text search configuration: `config = \"english\"` \
                     (or `\"simple\"` for no stemming)",
                );
                String::new()
            }
        };
        if ft.source.is_empty() {
            errors.at(
                *key,
                "`full_text(...)` needs the fields to search: `source(title, weight = \"A\"), source(body, weight = \"B\")`",
            );
        }
        let mut sources: Vec<(String, char)> = Vec::new();
        for s in &ft.source {
            let weight = match &s.weight {
                None => 'D',
                Some(w) => match w.value.trim().to_ascii_uppercase().as_str() {
                    "A" => 'A',
                    "B" => 'B',
                    "C" => 'C',
                    "D" => 'D',
                    _ => {
                        errors.at(
                            w.span,
                            format!("unknown weight {:?}; a weight is \"A\", \"B\", \"C\" or \"D\" (A ranks highest)", w.value),
                        );
                        'D'
                    }
                },
            };
            let Some(f) = fields.resolve(errors, &s.field) else { continue };
            let col = f.column.clone().unwrap_or_default();
            if sources.iter().any(|(c, _)| *c == col) {
                errors.at(s.field.span(), format!("`{}` is a source twice", s.field.unraw()));
                continue;
            }
            sources.push((col, weight));
        }
        table.full_text.push(ir::FullText { column, config, sources });
    }
}

/// `isolate(...)`: rows visible and writable only while their column equals a
/// session setting.
pub(super) fn isolations(errors: &mut Errors, attrs: &TableAttrs, fields: &Fields<'_>, table: &mut ir::Table) {
    let mut names: HashMap<String, Span> = attrs.policy.iter().map(|p| (p.value.name.value.clone(), p.value.name.span)).collect();
    for List { value: iso, key } in &attrs.isolate {
        let setting = match &iso.setting {
            None => {
                errors.at(
                    *key,
                    "`isolate(...)` needs the session setting that holds the current value: `setting = \"app.user_id\"`",
                );
                String::new()
            }
            Some(s) => {
                if let Err(reason) = check_setting(s.value.trim()) {
                    errors.at(
                        s.span,
                        format!(
                            "`setting` {:?} {reason}; PostgreSQL custom settings are `prefix.name`, such as `setting = \"app.user_id\"`",
                            s.value
                        ),
                    );
                }
                s.value.trim().to_owned()
            }
        };
        let Some(column_ref) = &iso.column else {
            errors.at(*key, "`isolate(...)` needs the field each row is compared by: `column = user_id`");
            continue;
        };
        let Some(field) = fields.resolve(errors, &column_ref.field) else { continue };
        let column = field.column.clone().unwrap_or_default();
        let Some(col) = table.columns.iter().find(|c| c.name == column) else { continue };

        let name = match &iso.name {
            Some(n) => {
                check_name(errors, "policy", &n.value, n.span, "");
                n.value.clone()
            }
            None => {
                let n = format!("{}_{}_isolation", table.name, column);
                check_name(errors, "policy", &n, *key, "; name the policy with `name = \"...\"`");
                n
            }
        };
        let name_span = iso.name.as_ref().map_or(*key, |n| n.span);
        if names.contains_key(&name) {
            errors.at(name_span, format!("two policies on this table are named `{name}`; name this one with `name = \"...\"`"));
        } else {
            names.insert(name.clone(), name_span);
        }
        table.isolations.push(ir::Isolation {
            name,
            column,
            column_type: col.sql_type.clone(),
            ty: col.ty.clone(),
            setting,
            command: iso.command.map(|c| c.value),
            restrictive: iso.restrictive.is_present(),
            roles: iso.roles.as_ref().map(|r| r.strings()).unwrap_or_default(),
            comment: iso.comment.as_ref().map(|c| c.value.clone()),
        });
    }
}

/// A custom setting name: two or more dot-separated identifiers.
fn check_setting(setting: &str) -> Result<(), &'static str> {
    if setting.is_empty() {
        return Err("is empty");
    }
    let parts: Vec<&str> = setting.split('.').collect();
    let word = |p: &str| {
        p.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    if parts.len() < 2 {
        return Err("has no prefix (PostgreSQL requires a dot in the name of a setting it does not know)");
    }
    if !parts.iter().all(|p| word(p)) {
        return Err("is not a setting name (letters, digits and `_`, in dot-separated parts)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_setting, mentions};

    #[test]
    fn settings() {
        assert!(check_setting("app.user_id").is_ok());
        assert!(check_setting("my_app.tenant.id").is_ok());
        for bad in ["", "user_id", "app.", ".x", "app.user id", "app.user-id", "1app.x"] {
            assert!(check_setting(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn row_references() {
        assert!(mentions("NEW.status <> 'x'", "NEW"));
        assert!(mentions("old . id IS NULL", "OLD"));
        assert!(!mentions("old.id IS NULL", "NEW"));
        assert!(!mentions("renewal_count > 0", "NEW"));
        assert!(!mentions("t.new.x", "NEW"));
        assert!(!mentions("pg_trigger_depth() = 0", "OLD"));
    }
}
