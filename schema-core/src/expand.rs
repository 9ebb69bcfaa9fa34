//! What `build()` derives before validating: default schemas, names of unnamed
//! constraints and indexes, partitions of declared windows, the audit log and the
//! built-in functions the schema uses, extensions its indexes and defaults need,
//! and the canonical (sorted) order of everything.

use crate::builtin::{self, AuditLog};
use crate::model::{
    Extension, IndexMethod, IndexTarget, Partition, PartitionBound, PartitionStrategy, QualifiedName, Table,
    Trigger, TriggerEvent, TriggerTiming, DEFAULT_NAMESPACE,
};
use crate::schema::Schema;
use crate::types::SqlType;

pub(crate) fn expand(schema: &mut Schema, audit_log: Option<AuditLog>) {
    fn public(name: &mut QualifiedName) {
        if name.schema.is_empty() {
            name.schema = DEFAULT_NAMESPACE.to_owned();
        }
    }
    for t in &mut schema.tables {
        public(&mut t.name);
        t.foreign_keys.iter_mut().for_each(|fk| public(&mut fk.references));
        t.triggers.iter_mut().for_each(|tr| public(&mut tr.function));
    }
    for f in &mut schema.functions {
        f.depends_on.iter_mut().for_each(public);
    }
    for v in &mut schema.views {
        v.depends_on.iter_mut().for_each(public);
    }
    schema.enums.iter_mut().for_each(|e| public(&mut e.name));
    schema.domains.iter_mut().for_each(|d| public(&mut d.name));
    schema.functions.iter_mut().for_each(|f| public(&mut f.name));
    schema.views.iter_mut().for_each(|v| public(&mut v.name));

    if schema.tables.iter().any(|t| t.audited) {
        let log = audit_log.unwrap_or_default();
        for table in schema.tables.iter_mut().filter(|t| t.audited) {
            let name = format!("{}_audit", table.name.name);
            if !table.triggers.iter().any(|t| t.name == name) {
                let mut trigger = Trigger::new(
                    name,
                    TriggerTiming::After,
                    [TriggerEvent::Insert, TriggerEvent::Update(Vec::new()), TriggerEvent::Delete],
                    builtin::audit_function_name(),
                )
                .comment("Writes every change to the audit log");
                trigger.arguments = table.primary_key.as_ref().map(|pk| pk.columns.clone()).unwrap_or_default();
                table.triggers.push(trigger);
            }
        }
        if !schema.tables.iter().any(|t| t.name == log.table) {
            schema.tables.push(log.table());
        }
        schema.functions.push(log.function());
        schema.audit_log = Some(log.table.clone());
    }
    if schema.version.is_some() && !schema.tables.iter().any(|t| t.name == QualifiedName::public("schema_migrations")) {
        schema.tables.push(builtin::version_table(DEFAULT_NAMESPACE));
    }

    let uses = |schema: &Schema, name: &QualifiedName| {
        schema.tables.iter().flat_map(|t| &t.triggers).any(|t| &t.function == name)
    };
    if uses(schema, &builtin::set_updated_at_name()) && !schema.functions.iter().any(|f| f.name == builtin::set_updated_at_name()) {
        schema.functions.push(builtin::set_updated_at());
    }

    // One pass over each table's contents: a large schema does not fit in the
    // processor's caches, and every further pass would read it from memory again.
    let mut needs_ensure = false;
    let mut needed: Vec<&'static str> = Vec::new();
    for table in &mut schema.tables {
        expand_partitions(table);
        needs_ensure |= table.partitioning.as_ref().and_then(|p| p.window).is_some_and(|w| w.ahead > 0);
        infer_extensions(table, &mut needed);
        crate::validate::assign_names(table);
    }
    if needs_ensure && !schema.functions.iter().any(|f| f.name == builtin::ensure_partitions_name()) {
        schema.functions.push(builtin::ensure_partitions());
    }
    for name in needed {
        if !schema.extensions.iter().any(|e| e.name == name) {
            schema.extensions.push(Extension::new(name));
        }
    }
    for view in &mut schema.views {
        crate::validate::assign_index_names(&view.name.name, &mut view.indexes);
    }

    sort_tables(&mut schema.tables);
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    schema.domains.sort_by(|a, b| a.name.cmp(&b.name));
    schema.functions.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.arguments.cmp(&b.arguments)));
    schema.views.sort_by(|a, b| a.name.cmp(&b.name));
    schema.roles.sort();
    schema.extensions.sort();
    schema.extensions.dedup();
}

/// Sorts tables by name, stably. A `Table` is about 500 bytes: sorting the
/// tables themselves would move each one log(n) times, so the sort orders
/// positions and the tables then move into place by swaps. The names are first
/// copied into one buffer, so comparisons read it rather than two heap strings per
/// table spread over the whole schema. Tables often come in order already, and
/// then nothing moves.
fn sort_tables(tables: &mut [Table]) {
    if tables.windows(2).all(|w| w[0].name <= w[1].name) {
        return;
    }
    let mut names = String::with_capacity(tables.iter().map(|t| t.name.schema.len() + t.name.name.len()).sum());
    // (start of the schema, end of the schema and start of the name, end, position)
    let mut keys: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        let start = names.len();
        names.push_str(&t.name.schema);
        let middle = names.len();
        names.push_str(&t.name.name);
        keys.push((start, middle, names.len(), i));
    }
    // The order of `QualifiedName`: schema, then name.
    let name = |&(start, middle, end, _): &(usize, usize, usize, usize)| (&names[start..middle], &names[middle..end]);
    keys.sort_by(|a, b| name(a).cmp(&name(b)));
    // In place, cycle by cycle: position `k` takes the table at `from[k]`.
    let mut from: Vec<usize> = keys.into_iter().map(|(.., i)| i).collect();
    for start in 0..from.len() {
        let mut k = start;
        while from[k] != start {
            let next = from[k];
            tables.swap(k, next);
            from[k] = k;
            k = next;
        }
        from[k] = k;
    }
}

/// Turns a period window and a hash modulus into concrete partitions.
fn expand_partitions(table: &mut Table) {
    if table.partitioning.is_none() {
        return;
    }
    let table_name = table.name.name.clone();
    let key_type = table
        .partitioning
        .as_ref()
        .and_then(|p| p.columns.first())
        .and_then(|c| table.find_column(c))
        .map(|c| c.ty.storage());
    let Some(p) = &mut table.partitioning else { return };
    if let (Some(w), PartitionStrategy::Range) = (p.window, p.strategy) {
        let literal = |d: crate::model::CivilDate| match key_type {
            Some(SqlType::Timestamptz) => format!("'{d} 00:00:00+00'"),
            Some(SqlType::Timestamp) => format!("'{d} 00:00:00'"),
            _ => format!("'{d}'"),
        };
        let mut from = w.from;
        for _ in 0..w.count {
            let to = from.next(w.period);
            let name = format!("{table_name}_{}", from.suffix(w.period));
            if !p.partitions.iter().any(|x| x.name == name) {
                p.partitions.push(Partition::new(name, PartitionBound::Range { from: vec![literal(from)], to: vec![literal(to)] }));
            }
            from = to;
        }
    }
    if let (Some(modulus), PartitionStrategy::Hash) = (p.hash_modulus, p.strategy) {
        for remainder in 0..modulus {
            let name = format!("{table_name}_p{remainder}");
            if !p.partitions.iter().any(|x| x.name == name) {
                p.partitions.push(Partition::new(name, PartitionBound::Hash { modulus, remainder }));
            }
        }
    }
}

/// Collects the extensions that `table`'s operator classes and default expressions need.
fn infer_extensions(table: &Table, needed: &mut Vec<&'static str>) {
    for index in table.indexes.iter() {
        for key in &index.keys {
            match key.opclass.as_deref().map(|o| o.rsplit('.').next().unwrap_or(o)) {
                Some("gin_trgm_ops" | "gist_trgm_ops") => needed.push("pg_trgm"),
                Some(op) if op.starts_with("gist_") && op.ends_with("_ops") && op != "gist_trgm_ops" => needed.push("btree_gist"),
                None if index.method == IndexMethod::Gist => {
                    if let IndexTarget::Column(c) = &key.target {
                        if table.find_column(c).is_some_and(|c| c.ty.is_btree_scalar()) {
                            needed.push("btree_gist");
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for column in &table.columns {
        // Only a function call can need an extension: most defaults are literals.
        if let Some(default) = column.default.as_deref().filter(|d| d.contains('(')) {
            if default.contains("uuid_generate_v") {
                needed.push("uuid-ossp");
            }
            if ["gen_random_bytes(", "crypt(", "gen_salt(", "pgp_sym_encrypt("].iter().any(|f| default.contains(f)) {
                needed.push("pgcrypto");
            }
        }
        if matches!(column.ty.named(), Some(n) if n.name == "citext") {
            needed.push("citext");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Column, Index, IndexKey, IndexMethod, QualifiedName, Table};
    use crate::{Schema, SqlType};

    fn extensions_of(table: Table) -> Vec<String> {
        let schema = Schema::builder().add_table(table).build().expect("valid");
        schema.extensions().iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn extensions_follow_defaults_types_and_operator_classes() {
        let table = Table::new("t")
            .column(Column::new("id", SqlType::Uuid).default_expr("uuid_generate_v4()"))
            .column(Column::new("secret", SqlType::Text).default_expr("crypt('x', gen_salt('bf'))"))
            .column(Column::new("email", SqlType::Named(QualifiedName::new("", "citext"))))
            .column(Column::new("title", SqlType::Text))
            .column(Column::new("at", SqlType::Timestamptz).default_expr("now()"))
            .primary_key(["id"])
            .index(Index::with_keys([IndexKey::column("title").opclass("gin_trgm_ops")]).using(IndexMethod::Gin))
            .index(Index::on(["at"]).using(IndexMethod::Gist));
        assert_eq!(extensions_of(table), ["btree_gist", "citext", "pg_trgm", "pgcrypto", "uuid-ossp"]);
    }

    #[test]
    fn tables_come_out_sorted_by_schema_then_name_whatever_the_order_added() {
        let names = [("public", "b"), ("app", "z"), ("public", "a b"), ("app", "a"), ("public", "B"), ("public", "a")];
        let table = |(schema, name): (&str, &str)| {
            Table::in_schema(schema, name).column(Column::new("id", SqlType::BigInt)).primary_key(["id"])
        };
        let mut expected: Vec<(String, String)> = names.iter().map(|&(s, n)| (s.to_owned(), n.to_owned())).collect();
        expected.sort();
        for rotation in 0..names.len() {
            let mut shuffled = names;
            shuffled.rotate_left(rotation);
            shuffled.swap(0, names.len() - 1);
            let schema = shuffled.iter().fold(Schema::builder(), |b, &n| b.add_table(table(n))).build().expect("valid");
            let got: Vec<(String, String)> = schema.tables().iter().map(|t| (t.name.schema.clone(), t.name.name.clone())).collect();
            assert_eq!(got, expected, "added in the order {shuffled:?}");
        }
    }

    #[test]
    fn literal_defaults_need_no_extension() {
        let table = Table::new("t")
            .column(Column::new("id", SqlType::BigInt))
            .column(Column::new("note", SqlType::Text).default_text("uuid_generate_v4 and crypt are words here"))
            .primary_key(["id"]);
        assert!(extensions_of(table).is_empty());
    }
}
