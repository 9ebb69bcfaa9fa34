//! Facts derived from the schema graph that several emitters state: how a
//! foreign key relates its tables, what an index serves, what a policy allows,
//! who holds which privilege, and which features the schema uses.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ForeignKey, GrantTarget, Index, IndexMethod, IndexTarget, Policy, PolicyCommand, Privilege, QualifiedName, SortOrder, Table};
use crate::schema::Schema;
use crate::types::SqlType;

use super::text::{and_list, Code, CodeList};

/// How many rows of each side a foreign key relates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cardinality {
    /// Every referencing column is `NOT NULL`: each child has exactly one parent
    /// (else zero or one).
    pub(crate) mandatory: bool,
    /// The referencing columns are unique in the child: a parent has at most one child.
    pub(crate) unique: bool,
    /// The referencing columns are part of the child's primary key.
    pub(crate) identifying: bool,
}

pub(crate) fn cardinality(table: &Table, fk: &ForeignKey) -> Cardinality {
    let mandatory = fk.columns.iter().all(|c| table.find_column(c).is_some_and(|c| !c.nullable));
    let unique = unique_keys(table).any(|key| !key.is_empty() && key.iter().all(|k| fk.columns.contains(k)));
    let identifying = table.primary_key.as_ref().is_some_and(|pk| fk.columns.iter().all(|c| pk.columns.contains(c)));
    Cardinality { mandatory, unique, identifying }
}

/// Column sets the table keeps unique: the primary key, unique constraints, and
/// unique indexes on plain columns without a predicate.
pub(crate) fn unique_keys(table: &Table) -> impl Iterator<Item = Vec<String>> + '_ {
    let pk = table.primary_key.iter().map(|pk| pk.columns.clone());
    let uniques = table.uniques.iter().map(|u| u.columns.clone());
    let indexes = table.indexes.iter().filter(|i| i.unique && i.predicate.is_none()).filter_map(|i| {
        i.keys
            .iter()
            .map(|k| match &k.target {
                IndexTarget::Column(c) => Some(c.clone()),
                IndexTarget::Expression(_) => None,
            })
            .collect::<Option<Vec<_>>>()
    });
    pk.chain(uniques).chain(indexes)
}

/// Whether `column` alone is unique in `table`.
pub(crate) fn column_is_unique(table: &Table, column: &str) -> bool {
    unique_keys(table).any(|k| k.len() == 1 && k[0] == column)
}

/// The name of an index usable to find a foreign key's rows (its columns lead a
/// btree index, key or unique constraint, or equal a hash index's one column).
pub(crate) fn fk_index<'t>(table: &'t Table, fk: &ForeignKey) -> Option<&'t str> {
    let n = fk.columns.len();
    let leads = |cols: &[String]| cols.len() >= n && cols[..n].iter().all(|c| fk.columns.contains(c));
    if let Some(pk) = &table.primary_key {
        if leads(&pk.columns) {
            return pk.name.as_deref();
        }
    }
    for u in &table.uniques {
        if leads(&u.columns) {
            return u.name.as_deref();
        }
    }
    table
        .indexes
        .iter()
        .filter(|i| i.predicate.is_none())
        .find(|i| {
            let lead: Vec<&String> = i
                .keys
                .iter()
                .take(n)
                .map_while(|k| match &k.target {
                    IndexTarget::Column(c) => Some(c),
                    IndexTarget::Expression(_) => None,
                })
                .collect();
            let lead_ok = lead.len() == n && lead.iter().all(|c| fk.columns.contains(c));
            match i.method {
                IndexMethod::BTree => lead_ok,
                IndexMethod::Hash => lead_ok && n == 1 && i.keys.len() == 1,
                _ => false,
            }
        })
        .and_then(|i| i.name.as_deref())
}

/// What an index is for: its comment, or what its shape says it serves.
pub(crate) fn index_purpose(table: &Table, index: &Index) -> Vec<String> {
    let mut purposes = Vec::new();
    if let Some(c) = &index.comment {
        purposes.push(super::text::Text(c).to_string());
    }
    let column_type = |k: &crate::model::IndexKey| match &k.target {
        IndexTarget::Column(c) => table.find_column(c).map(|c| c.ty.storage()),
        IndexTarget::Expression(_) => None,
    };
    let first = index.keys.first();
    let derived = match (index.method, first) {
        (_, None) => None,
        (IndexMethod::Gin, Some(k)) => Some(match (column_type(k), k.opclass.as_deref()) {
            (_, Some("gin_trgm_ops")) => format!("similarity and `LIKE '%…%'` search on {}", key_text(k)),
            (Some(SqlType::TsVector), _) => format!("full-text search (`@@`) on {}", key_text(k)),
            (Some(SqlType::Jsonb), Some("jsonb_path_ops")) => format!("jsonb containment (`@>`) on {}", key_text(k)),
            (Some(SqlType::Jsonb), _) => format!("jsonb containment and key lookups (`@>`, `?`) on {}", key_text(k)),
            (Some(SqlType::Array(_)), _) => format!("array containment and overlap (`@>`, `&&`) on {}", key_text(k)),
            _ => format!("containment lookups on {}", key_text(k)),
        }),
        (IndexMethod::Gist, Some(k)) if k.opclass.as_deref() == Some("gist_trgm_ops") => {
            Some(format!("similarity search and nearest-neighbour ordering on {}", key_text(k)))
        }
        (IndexMethod::Gist, Some(_)) => Some(format!("overlap, range and exclusion lookups on {}", keys_text(index))),
        (IndexMethod::SpGist, Some(_)) => Some(format!("space-partitioned lookups on {}", keys_text(index))),
        (IndexMethod::Brin, Some(_)) => Some(format!("range scans over naturally ordered {} in a large table", keys_text(index))),
        (IndexMethod::Hash, Some(_)) => Some(format!("equality lookups on {}", keys_text(index))),
        (IndexMethod::BTree, Some(k)) => Some(if index.unique {
            format!("enforces uniqueness of {}", keys_text(index))
        } else if matches!(k.target, IndexTarget::Expression(_)) {
            format!("lookups by {}", keys_text(index))
        } else if k.order == Some(SortOrder::Desc) {
            format!("lookups and newest-first ordering by {}", keys_text(index))
        } else {
            format!("lookups and ordering by {}", keys_text(index))
        }),
    };
    if index.comment.is_none() {
        purposes.extend(derived);
    }
    for fk in &table.foreign_keys {
        if fk_index(table, fk) == index.name.as_deref() && index.name.is_some() {
            purposes.push(format!("covers foreign key {} → {}", Code(&fk_columns_text(table, fk)), Code(&fk.references.to_string())));
        }
    }
    if let Some(p) = &index.predicate {
        if table.soft_delete && is_live_rows(p) {
            purposes.push("partial: live rows only (`deleted_at IS NULL`)".to_owned());
        } else {
            purposes.push(format!("partial: only rows where {}", Code(p)));
        }
    }
    if !index.include.is_empty() {
        purposes.push(format!("covering: index-only scans also read {}", CodeList(&index.include)));
    }
    purposes
}

fn is_live_rows(predicate: &str) -> bool {
    let p: String = predicate.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
    p.trim_matches(|c| c == '(' || c == ')') == "deleted_at is null"
}

fn key_text(k: &crate::model::IndexKey) -> String {
    match &k.target {
        IndexTarget::Column(c) => Code(c).to_string(),
        IndexTarget::Expression(e) => Code(e).to_string(),
    }
}

fn keys_text(index: &Index) -> String {
    and_list(&index.keys.iter().map(key_text).collect::<Vec<_>>())
}

/// `posts.user_id` / `posts.(a, b)`.
pub(crate) fn fk_columns_text(table: &Table, fk: &ForeignKey) -> String {
    match fk.columns.as_slice() {
        [one] => format!("{}.{one}", table.name.name),
        many => format!("{}.({})", table.name.name, many.join(", ")),
    }
}

/// The SQL of one index key as written in `CREATE INDEX`, with its opclass and order.
pub(crate) fn key_sql(k: &crate::model::IndexKey) -> String {
    use crate::ident::Ident;
    let mut s = match &k.target {
        IndexTarget::Column(c) => Ident(c).to_string(),
        IndexTarget::Expression(e) => format!("({e})"),
    };
    if let Some(op) = &k.opclass {
        s.push(' ');
        s.push_str(op);
    }
    match k.order {
        Some(SortOrder::Asc) => s.push_str(" ASC"),
        Some(SortOrder::Desc) => s.push_str(" DESC"),
        None => {}
    }
    match k.nulls {
        Some(crate::model::NullsOrder::First) => s.push_str(" NULLS FIRST"),
        Some(crate::model::NullsOrder::Last) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

/// Who a policy applies to, in words.
fn grantees(roles: &[String]) -> String {
    if roles.is_empty() || roles.iter().any(|r| r.eq_ignore_ascii_case("public")) {
        "every role".to_owned()
    } else {
        and_list(&roles.iter().map(|r| Code(r).to_string()).collect::<Vec<_>>())
    }
}

/// A policy condition in words: a recognised session-setting comparison, or the SQL.
fn condition(table: &Table, expr: &str) -> String {
    if let Some((column, setting)) = session_setting_comparison(table, expr) {
        return format!("{} equals the session setting {} (no row when it is unset or malformed)", Code(&column), Code(&setting));
    }
    Code(expr).to_string()
}

/// Recognises the expression [`crate::model::session_setting_equals`] writes.
fn session_setting_comparison(table: &Table, expr: &str) -> Option<(String, String)> {
    let start = expr.find("current_setting('")? + "current_setting('".len();
    let end = start + expr[start..].find('\'')?;
    let setting = &expr[start..end];
    table.columns.iter().find(|c| crate::model::session_setting_equals(&c.name, &c.ty, setting) == expr).map(|c| (c.name.clone(), setting.to_owned()))
}

/// One sentence saying what a policy lets its roles do. A missing `USING`
/// gives no existing rows (PostgreSQL adds no visibility for it); a missing
/// `WITH CHECK` on `ALL`/`UPDATE` reuses `USING` for new row versions.
pub(crate) fn policy_in_words(table: &Table, p: &Policy) -> String {
    let who = grantees(&p.roles);
    let using = p.using.as_deref().map(|u| condition(table, u));
    let check = match (&p.with_check, &p.using) {
        (Some(c), Some(u)) if c == u => Some("the same condition".to_owned()),
        (Some(c), _) => Some(condition(table, c)),
        (None, Some(_)) => Some("the same condition".to_owned()),
        (None, None) => None,
    };
    let check = check.unwrap_or_else(|| "no condition".to_owned());
    let mut s = match (p.command, using) {
        (PolicyCommand::Select, Some(u)) => format!("{who} may SELECT rows where {u}"),
        (PolicyCommand::Delete, Some(u)) => format!("{who} may DELETE rows where {u}"),
        (PolicyCommand::Select | PolicyCommand::Delete, None) => format!("the policy gives {who} no rows (it has no USING condition)"),
        (PolicyCommand::Insert, _) => format!("{who} may INSERT rows that satisfy {check}"),
        (PolicyCommand::Update, Some(u)) => format!("{who} may UPDATE rows where {u}; the updated rows must satisfy {check}"),
        (PolicyCommand::Update, None) => format!("{who} may UPDATE no existing rows: the policy has no USING condition"),
        (PolicyCommand::All, Some(u)) => {
            format!("{who} may SELECT, UPDATE and DELETE rows where {u}; new and updated rows (INSERT, UPDATE) must satisfy {check}")
        }
        (PolicyCommand::All, None) => format!(
            "{who} may INSERT rows that satisfy {check}; with no USING condition the policy gives them no existing rows to SELECT, UPDATE or DELETE"
        ),
    };
    s.push('.');
    if !p.permissive {
        s = format!("Restrictive, so it narrows what the permissive policies allow: {s}");
    }
    s
}

/// Privileges on one relation held by one role.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Held {
    /// Table-level privileges, granted directly.
    pub(crate) table: BTreeSet<Privilege>,
    /// Column-level privileges: privilege → columns.
    pub(crate) columns: BTreeMap<Privilege, BTreeSet<String>>,
    /// Privileges inherited through membership: parent role → what it holds directly.
    pub(crate) inherited: BTreeMap<String, Held>,
}

impl Held {
    fn is_empty(&self) -> bool {
        self.table.is_empty() && self.columns.is_empty() && self.inherited.is_empty()
    }
}

/// The table privileges each role holds on each table and view, computed from
/// grants on one relation (with columns), `ALL TABLES IN SCHEMA`, and role
/// membership. Rows are relations in schema order, columns are roles.
pub(crate) struct PrivilegeMatrix {
    pub(crate) roles: Vec<String>,
    pub(crate) relations: Vec<QualifiedName>,
    pub(crate) cells: BTreeMap<(QualifiedName, String), Held>,
}

pub(crate) fn privilege_matrix(schema: &Schema) -> PrivilegeMatrix {
    let relations: Vec<QualifiedName> = {
        let mut r: Vec<QualifiedName> = schema.tables().iter().map(|t| t.name.clone()).chain(schema.views().iter().map(|v| v.name.clone())).collect();
        r.sort();
        r
    };
    let expand = |privileges: &[Privilege]| -> BTreeSet<Privilege> {
        if privileges.contains(&Privilege::All) {
            TABLE_PRIVILEGES.into_iter().collect()
        } else {
            privileges.iter().copied().filter(|p| !matches!(p, Privilege::Usage | Privilege::Execute)).collect()
        }
    };
    let mut direct: BTreeMap<(QualifiedName, String), Held> = BTreeMap::new();
    for g in schema.grants() {
        let privileges = expand(&g.privileges);
        let (targets, columns): (Vec<&QualifiedName>, &[String]) = match &g.target {
            GrantTarget::Table { table, columns } => (relations.iter().filter(|r| *r == table).collect(), columns),
            GrantTarget::AllTablesInSchema(s) => (relations.iter().filter(|r| &r.schema == s).collect(), &[]),
            _ => continue,
        };
        for role in &g.roles {
            let role = if role.eq_ignore_ascii_case("public") { "PUBLIC".to_owned() } else { role.clone() };
            for t in &targets {
                let held = direct.entry(((*t).clone(), role.clone())).or_default();
                if columns.is_empty() {
                    held.table.extend(privileges.iter().copied());
                } else {
                    for p in &privileges {
                        held.columns.entry(*p).or_default().extend(columns.iter().cloned());
                    }
                }
            }
        }
    }
    let mut roles: BTreeSet<String> = schema.roles().iter().map(|r| r.name.clone()).collect();
    roles.extend(direct.keys().map(|(_, r)| r.clone()));
    let mut cells = BTreeMap::new();
    for rel in &relations {
        for role in &roles {
            let mut held = direct.get(&(rel.clone(), role.clone())).cloned().unwrap_or_default();
            for parent in ancestors(schema, role) {
                if let Some(p) = direct.get(&(rel.clone(), parent.clone())) {
                    if !p.is_empty() {
                        held.inherited.insert(parent, p.clone());
                    }
                }
            }
            if !held.is_empty() {
                cells.insert((rel.clone(), role.clone()), held);
            }
        }
    }
    PrivilegeMatrix { roles: roles.into_iter().collect(), relations, cells }
}

/// The roles `role` is a member of, directly or through other roles, sorted.
pub(crate) fn ancestors(schema: &Schema, role: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![role.to_owned()];
    while let Some(r) = stack.pop() {
        if let Some(def) = schema.roles().iter().find(|x| x.name == r) {
            for p in &def.member_of {
                if !out.contains(p) && p != role {
                    out.push(p.clone());
                    stack.push(p.clone());
                }
            }
        }
    }
    out.sort();
    out
}

/// A privilege in a matrix cell.
pub(crate) fn privilege_word(p: Privilege) -> &'static str {
    match p {
        Privilege::All => "ALL",
        other => other.as_sql(),
    }
}

/// Every table privilege, which `ALL` grants.
const TABLE_PRIVILEGES: [Privilege; 7] =
    [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete, Privilege::Truncate, Privilege::References, Privilege::Trigger];

impl Held {
    /// `SELECT; UPDATE (a, b); INSERT via parent` (Markdown).
    pub(crate) fn describe(&self) -> String {
        let mut parts = self.describe_direct();
        for (parent, held) in &self.inherited {
            parts.push(format!("{} via {}", held.describe_direct().join("; "), Code(parent)));
        }
        parts.join("; ")
    }

    fn describe_direct(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if TABLE_PRIVILEGES.iter().all(|p| self.table.contains(p)) {
            parts.push("ALL".to_owned());
        } else if !self.table.is_empty() {
            parts.push(self.table.iter().map(|p| privilege_word(*p)).collect::<Vec<_>>().join(", "));
        }
        for (p, cols) in &self.columns {
            let cols: Vec<&String> = cols.iter().collect();
            parts.push(format!("{} ({})", privilege_word(*p), CodeList(&cols)));
        }
        parts
    }
}

/// The features a schema uses, each a Markdown bullet's text.
pub(crate) fn key_features(schema: &Schema) -> Vec<String> {
    let names = |tables: Vec<&Table>| -> String { CodeList(&tables.iter().map(|t| t.name.to_string()).collect::<Vec<_>>()).to_string() };
    let mut f = Vec::new();
    let rls: Vec<&Table> = schema.tables().iter().filter(|t| t.rls.enabled).collect();
    if !rls.is_empty() {
        let policies: usize = rls.iter().map(|t| t.policies.len()).sum();
        f.push(format!(
            "Row-level security on {} ({}), with {}",
            super::text::count(rls.len(), "table", "tables"),
            names(rls.clone()),
            super::text::count(policies, "policy", "policies")
        ));
    }
    let partitioned: Vec<&Table> = schema.tables().iter().filter(|t| t.partitioning.is_some()).collect();
    if !partitioned.is_empty() {
        let parts: Vec<String> = partitioned
            .iter()
            .map(|t| {
                let p = t.partitioning.as_ref().expect("filtered");
                let how = match (p.strategy, p.window) {
                    (_, Some(w)) => format!(
                        "range by {}",
                        match w.period {
                            crate::model::Period::Day => "day",
                            crate::model::Period::Month => "month",
                            crate::model::Period::Year => "year",
                        }
                    ),
                    (s, None) => s.as_sql().to_ascii_lowercase(),
                };
                format!("{} ({how})", Code(&t.name.to_string()))
            })
            .collect();
        f.push(format!("Partitioning: {}", parts.join(", ")));
    }
    if let Some(log) = schema.audit_log() {
        let audited: Vec<&Table> = schema.tables().iter().filter(|t| t.audited).collect();
        f.push(format!("Audit log: every change to {} is written to {} by a trigger", names(audited), Code(&log.to_string())));
    }
    let columns_of = |pred: &dyn Fn(&SqlType) -> bool| -> Vec<String> {
        schema
            .tables()
            .iter()
            .flat_map(|t| t.columns.iter().filter(|c| pred(&c.ty.storage())).map(move |c| format!("{}.{}", t.name.name, c.name)))
            .collect()
    };
    let fts = columns_of(&|t| *t == SqlType::TsVector);
    if !fts.is_empty() {
        f.push(format!("Full-text search: `tsvector` columns {}", CodeList(&fts)));
    }
    let trgm =
        schema.tables().iter().any(|t| t.indexes.iter().any(|i| i.keys.iter().any(|k| k.opclass.as_deref().is_some_and(|o| o.contains("trgm")))));
    if trgm {
        f.push("Fuzzy text search with trigram indexes (`pg_trgm`)".to_owned());
    }
    let jsonb = columns_of(&|t| matches!(t, SqlType::Jsonb));
    if !jsonb.is_empty() {
        f.push(format!("JSONB for flexible data: {}", CodeList(&jsonb)));
    }
    let mat: Vec<String> = schema.views().iter().filter(|v| v.materialized).map(|v| v.name.to_string()).collect();
    if !mat.is_empty() {
        f.push(format!("Materialized views: {}", CodeList(&mat)));
    }
    let views: Vec<String> = schema.views().iter().filter(|v| !v.materialized).map(|v| v.name.to_string()).collect();
    if !views.is_empty() {
        f.push(format!("Views: {}", CodeList(&views)));
    }
    if let Some(v) = schema.version() {
        f.push(format!("Schema version tracking in `public.schema_migrations` (this version: {})", Code(&v.version)));
    }
    if !schema.enums().is_empty() {
        f.push(format!("Enum types: {}", CodeList(&schema.enums().iter().map(|e| e.name.to_string()).collect::<Vec<_>>())));
    }
    if !schema.domains().is_empty() {
        f.push(format!("Domains (reusable checked types): {}", CodeList(&schema.domains().iter().map(|e| e.name.to_string()).collect::<Vec<_>>())));
    }
    let soft: Vec<&Table> = schema.tables().iter().filter(|t| t.soft_delete).collect();
    if !soft.is_empty() {
        f.push(format!("Soft delete (`deleted_at`): {}", names(soft)));
    }
    let generated: Vec<String> = schema
        .tables()
        .iter()
        .flat_map(|t| t.columns.iter().filter(|c| c.generated.is_some()).map(move |c| format!("{}.{}", t.name.name, c.name)))
        .collect();
    if !generated.is_empty() {
        f.push(format!("Generated (computed) columns: {}", CodeList(&generated)));
    }
    let timestamps: Vec<&Table> =
        schema.tables().iter().filter(|t| t.triggers.iter().any(|tr| tr.function == crate::builtin::set_updated_at_name())).collect();
    if !timestamps.is_empty() {
        f.push(format!("`updated_at` maintained by a trigger on {}", names(timestamps)));
    }
    let pii = schema.tables().iter().flat_map(|t| &t.columns).filter(|c| c.personal_data).count();
    if pii > 0 {
        f.push(format!("Personal data identified: {} (see [Personal data](#personal-data))", super::text::count(pii, "column", "columns")));
    }
    if !schema.roles().is_empty() {
        f.push(format!("Role-based access: {}", CodeList(&schema.roles().iter().map(|r| r.name.clone()).collect::<Vec<_>>())));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, Table};

    fn table() -> Table {
        Table::new("docs").column(Column::new("owner_id", SqlType::BigInt)).column(Column::new("shared", SqlType::Boolean))
    }

    #[test]
    fn policies_in_words() {
        let t = table();
        let owner = crate::model::session_setting_equals("owner_id", &SqlType::BigInt, "app.user_id");
        let all = Policy::new("p").roles(["app"]).using(owner.clone());
        assert_eq!(
            policy_in_words(&t, &all),
            "`app` may SELECT, UPDATE and DELETE rows where `owner_id` equals the session setting `app.user_id` (no row when it is unset or malformed); new and updated rows (INSERT, UPDATE) must satisfy the same condition."
        );
        let insert_only = Policy::new("p").command(PolicyCommand::Insert).with_check("shared");
        assert_eq!(policy_in_words(&t, &insert_only), "every role may INSERT rows that satisfy `shared`.");
        let check_only = Policy::new("p").roles(["a", "b"]).with_check("shared");
        assert_eq!(
            policy_in_words(&t, &check_only),
            "`a` and `b` may INSERT rows that satisfy `shared`; with no USING condition the policy gives them no existing rows to SELECT, UPDATE or DELETE."
        );
        let restrictive = Policy::new("p").command(PolicyCommand::Delete).restrictive().using("NOT shared");
        assert_eq!(
            policy_in_words(&t, &restrictive),
            "Restrictive, so it narrows what the permissive policies allow: every role may DELETE rows where `NOT shared`."
        );
        let update = Policy::new("p").command(PolicyCommand::Update).using("shared").with_check("owner_id > 0");
        assert_eq!(policy_in_words(&t, &update), "every role may UPDATE rows where `shared`; the updated rows must satisfy `owner_id > 0`.");
    }

    #[test]
    fn foreign_key_shapes() {
        let t = Table::new("c")
            .column(Column::new("a", SqlType::BigInt))
            .column(Column::new("b", SqlType::BigInt).nullable())
            .primary_key(["a"])
            .index(crate::model::Index::on(["b", "a"]));
        let by_pk = ForeignKey::new(["a"], QualifiedName::public("p"), ["id"]);
        let by_b = ForeignKey::new(["b"], QualifiedName::public("p"), ["id"]);
        assert_eq!(cardinality(&t, &by_pk), Cardinality { mandatory: true, unique: true, identifying: true });
        assert_eq!(cardinality(&t, &by_b), Cardinality { mandatory: false, unique: false, identifying: false });
        // Named indexes only exist after build(); the primary key has no name here either.
        assert_eq!(fk_index(&t, &by_b), None);
    }
}
