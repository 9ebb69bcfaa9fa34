//! What rules share: the schema and configuration, type resolution through domains,
//! and the indexes (explicit, or behind a key) a table has.

use crate::model::{CivilDate, Domain, IndexKey, IndexMethod, IndexTarget, NullsOrder, QualifiedName, SortOrder, Table, DEFAULT_NAMESPACE};
use crate::schema::Schema;
use crate::types::SqlType;

use super::LintConfig;

/// The schema under review and the run's settings.
pub(crate) struct Context<'a> {
    pub(crate) schema: &'a Schema,
    pub(crate) config: &'a LintConfig,
}

impl<'a> Context<'a> {
    pub(crate) fn new(schema: &'a Schema, config: &'a LintConfig) -> Self {
        Self { schema, config }
    }

    pub(crate) fn today(&self) -> CivilDate {
        self.config.today
    }

    /// The domain `name` refers to (an unqualified name is looked up in `public`).
    pub(crate) fn domain(&self, name: &QualifiedName) -> Option<&'a Domain> {
        self.schema.domains().iter().find(|d| same_type_name(&d.name, name))
    }

    /// The type a column of type `ty` stores once domains are looked through
    /// (`email_address` → `varchar(255)`); arrays keep their shape.
    pub(crate) fn base_type(&self, ty: &SqlType) -> SqlType {
        let mut ty = ty.clone();
        for _ in 0..16 {
            match &ty {
                SqlType::Named(name) => match self.domain(name) {
                    Some(d) => ty = d.base.clone(),
                    None => return ty,
                },
                SqlType::Array(inner) => return SqlType::Array(Box::new(self.base_type(inner))),
                _ => return ty,
            }
        }
        ty
    }

    /// The element type: `base_type` without arrays.
    pub(crate) fn element_type(&self, ty: &SqlType) -> SqlType {
        match self.base_type(ty) {
            SqlType::Array(inner) => element(*inner),
            other => other,
        }
    }
}

fn element(ty: SqlType) -> SqlType {
    match ty {
        SqlType::Array(inner) => element(*inner),
        other => other,
    }
}

/// Type names compare with an unqualified name standing for `public`.
pub(crate) fn same_type_name(a: &QualifiedName, b: &QualifiedName) -> bool {
    let schema = |n: &QualifiedName| if n.schema.is_empty() { DEFAULT_NAMESPACE.to_owned() } else { n.schema.clone() };
    a.name == b.name && schema(a) == schema(b)
}

/// An index as the planner sees it, whether declared or behind a primary key or
/// unique constraint.
#[derive(Clone, Debug)]
pub(crate) struct IndexLike<'a> {
    /// `index public.idx_x` or `primary key users_pkey on public.users`.
    pub(crate) object: String,
    pub(crate) name: &'a str,
    pub(crate) method: IndexMethod,
    pub(crate) keys: Vec<Key<'a>>,
    pub(crate) include: &'a [String],
    pub(crate) predicate: Option<&'a str>,
    pub(crate) unique: bool,
    pub(crate) nulls_not_distinct: bool,
    /// `None` for a declared index; `Some("primary key")` or `Some("unique constraint")`.
    pub(crate) constraint: Option<&'static str>,
}

/// What an index key indexes, borrowed from the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// A column.
    Column(&'a str),
    /// An expression.
    Expression(&'a str),
}

/// One index key: what it indexes, with which operator class, in which order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Key<'a> {
    pub(crate) target: Target<'a>,
    pub(crate) opclass: Option<&'a str>,
    /// Descending.
    pub(crate) desc: bool,
    /// NULLs sort first (the default for descending keys).
    pub(crate) nulls_first: bool,
}

impl<'a> Key<'a> {
    fn of(key: &'a IndexKey) -> Self {
        let desc = key.order == Some(SortOrder::Desc);
        let nulls_first = match key.nulls {
            Some(NullsOrder::First) => true,
            Some(NullsOrder::Last) => false,
            None => desc,
        };
        let target = match &key.target {
            IndexTarget::Column(c) => Target::Column(c),
            IndexTarget::Expression(e) => Target::Expression(e),
        };
        Self { target, opclass: key.opclass.as_deref(), desc, nulls_first }
    }

    /// A plain ascending key on a column (what keys and unique constraints use).
    fn column_key(column: &'a str) -> Self {
        Self { target: Target::Column(column), opclass: None, desc: false, nulls_first: false }
    }

    pub(crate) fn column(&self) -> Option<&'a str> {
        match self.target {
            Target::Column(c) => Some(c),
            Target::Expression(_) => None,
        }
    }

    /// Same target and operator class (order aside).
    pub(crate) fn same_target(&self, other: &Key<'_>) -> bool {
        let same = match (self.target, other.target) {
            (Target::Column(a), Target::Column(b)) => a == b,
            (Target::Expression(a), Target::Expression(b)) => normalize_sql(a) == normalize_sql(b),
            _ => false,
        };
        same && self.opclass == other.opclass
    }
}

/// The indexes of `table`, those behind its primary key and unique constraints first.
pub(crate) fn indexes_of(table: &Table) -> Vec<IndexLike<'_>> {
    let mut out = Vec::new();
    if let Some(pk) = &table.primary_key {
        let name = pk.name.as_deref().unwrap_or_default();
        out.push(IndexLike {
            object: format!("primary key {} on {}", crate::ident::Ident(name), table.name),
            name,
            method: IndexMethod::BTree,
            keys: pk.columns.iter().map(|c| Key::column_key(c)).collect(),
            include: &[],
            predicate: None,
            unique: true,
            nulls_not_distinct: false,
            constraint: Some("primary key"),
        });
    }
    for u in &table.uniques {
        let name = u.name.as_deref().unwrap_or_default();
        out.push(IndexLike {
            object: format!("unique constraint {} on {}", crate::ident::Ident(name), table.name),
            name,
            method: IndexMethod::BTree,
            keys: u.columns.iter().map(|c| Key::column_key(c)).collect(),
            include: &[],
            predicate: None,
            unique: true,
            nulls_not_distinct: u.nulls_not_distinct,
            constraint: Some("unique constraint"),
        });
    }
    for index in &table.indexes {
        let name = index.name.as_deref().unwrap_or_default();
        out.push(IndexLike {
            object: index_object(table, name),
            name,
            method: index.method,
            keys: index.keys.iter().map(Key::of).collect(),
            include: &index.include,
            predicate: index.predicate.as_deref(),
            unique: index.unique,
            nulls_not_distinct: index.nulls_not_distinct,
            constraint: None,
        });
    }
    out
}

/// `index public.idx_users_email`.
pub(crate) fn index_object(table: &Table, name: &str) -> String {
    format!("index {}", QualifiedName::new(table.name.schema.clone(), name))
}

/// Whether some usable index of `table` starts with exactly the columns `columns`
/// (in any order among themselves): what an equality lookup on them needs.
pub(crate) fn has_leading_index(table: &Table, columns: &[&str]) -> bool {
    indexes_of(table).iter().any(|ix| leads_with(ix, columns))
}

/// Whether `ix` can serve equality lookups on `columns`.
pub(crate) fn leads_with(ix: &IndexLike<'_>, columns: &[&str]) -> bool {
    if columns.is_empty() || ix.predicate.is_some() || ix.keys.len() < columns.len() {
        return false;
    }
    let usable = match ix.method {
        IndexMethod::BTree | IndexMethod::Gist => true,
        IndexMethod::Hash => columns.len() == 1,
        IndexMethod::Gin | IndexMethod::Brin | IndexMethod::SpGist => false,
    };
    if !usable {
        return false;
    }
    let lead: Vec<Option<&str>> = ix.keys[..columns.len()].iter().map(Key::column).collect();
    let mut lead: Vec<&str> = match lead.into_iter().collect::<Option<Vec<_>>>() {
        Some(l) => l,
        None => return false,
    };
    let mut wanted = columns.to_vec();
    lead.sort_unstable();
    wanted.sort_unstable();
    lead == wanted
}

/// SQL text compared loosely: lower case outside string literals, whitespace removed.
pub(crate) fn normalize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    for c in sql.chars() {
        if c == '\'' {
            in_string = !in_string;
            out.push(c);
        } else if in_string {
            out.push(c);
        } else if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Where a type is written: a column's own type, or a domain's base type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Site<'a> {
    /// A column of a table.
    Column(&'a Table, &'a crate::model::Column),
    /// A domain.
    Domain(&'a Domain),
}

impl Site<'_> {
    /// `column \`email\`` or `domain public.email_address`, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Site::Column(_, c) => format!("column `{}`", c.name),
            Site::Domain(d) => format!("domain {}", d.name),
        }
    }
}

/// Every written type with its site, arrays looked through, domains not: a
/// domain's base is reported once at the domain, not at each column using it.
pub(crate) fn type_sites(schema: &Schema) -> Vec<(Site<'_>, &SqlType)> {
    fn elem(ty: &SqlType) -> &SqlType {
        match ty {
            SqlType::Array(inner) => elem(inner),
            other => other,
        }
    }
    let mut out = Vec::new();
    for d in schema.domains() {
        out.push((Site::Domain(d), elem(&d.base)));
    }
    for t in schema.tables() {
        for c in &t.columns {
            out.push((Site::Column(t, c), elem(&c.ty)));
        }
    }
    out
}

/// A name chosen for an object (or derived by `build()` from chosen names).
#[derive(Clone, Debug)]
pub(crate) struct Named<'a> {
    /// What kind of object (`table`, `column`, `index`, `policy`...).
    pub(crate) kind: &'static str,
    /// The name itself.
    pub(crate) name: &'a str,
    /// The object as diagnostics show it.
    pub(crate) object: String,
    pub(crate) table: Option<&'a Table>,
    pub(crate) column: Option<&'a crate::model::Column>,
}

/// Every named object of the schema, in schema order.
pub(crate) fn named_objects(schema: &Schema) -> Vec<Named<'_>> {
    use crate::ident::Ident;
    let mut out = Vec::new();
    for ns in schema.namespaces() {
        out.push(Named { kind: "schema", name: ns, object: format!("schema {}", Ident(ns)), table: None, column: None });
    }
    for e in schema.enums() {
        out.push(Named { kind: "type", name: &e.name.name, object: format!("type {}", e.name), table: None, column: None });
    }
    for d in schema.domains() {
        out.push(Named { kind: "domain", name: &d.name.name, object: format!("domain {}", d.name), table: None, column: None });
    }
    for f in schema.functions() {
        out.push(Named { kind: "function", name: &f.name.name, object: format!("function {}", f.name), table: None, column: None });
    }
    for v in schema.views() {
        let kind = if v.materialized { "materialized view" } else { "view" };
        out.push(Named { kind, name: &v.name.name, object: format!("{kind} {}", v.name), table: None, column: None });
        for i in &v.indexes {
            let name = i.name.as_deref().unwrap_or_default();
            out.push(Named { kind: "index", name, object: format!("index {}", QualifiedName::new(v.name.schema.clone(), name)), table: None, column: None });
        }
    }
    for r in schema.roles() {
        out.push(Named { kind: "role", name: &r.name, object: format!("role {}", Ident(&r.name)), table: None, column: None });
    }
    for t in schema.tables() {
        let tn = &t.name;
        out.push(Named { kind: "table", name: &tn.name, object: tn.to_string(), table: Some(t), column: None });
        for c in &t.columns {
            out.push(Named { kind: "column", name: &c.name, object: super::column_object(t, &c.name), table: Some(t), column: Some(c) });
        }
        let mut constraints: Vec<&str> = Vec::new();
        constraints.extend(t.primary_key.iter().filter_map(|k| k.name.as_deref()));
        constraints.extend(t.uniques.iter().filter_map(|k| k.name.as_deref()));
        constraints.extend(t.checks.iter().filter_map(|k| k.name.as_deref()));
        constraints.extend(t.foreign_keys.iter().filter_map(|k| k.name.as_deref()));
        for name in constraints {
            out.push(Named { kind: "constraint", name, object: format!("constraint {} on {tn}", Ident(name)), table: Some(t), column: None });
        }
        for i in &t.indexes {
            let name = i.name.as_deref().unwrap_or_default();
            out.push(Named { kind: "index", name, object: index_object(t, name), table: Some(t), column: None });
        }
        for p in &t.policies {
            out.push(Named { kind: "policy", name: &p.name, object: format!("policy {} on {tn}", Ident(&p.name)), table: Some(t), column: None });
        }
        for tr in &t.triggers {
            out.push(Named { kind: "trigger", name: &tr.name, object: format!("trigger {} on {tn}", Ident(&tr.name)), table: Some(t), column: None });
        }
    }
    out
}

/// `None`, or only whitespace.
pub(crate) fn is_blank(text: Option<&str>) -> bool {
    text.map_or(true, |s| s.trim().is_empty())
}

/// `policy users_select_own on public.users`.
pub(crate) fn policy_object(table: &Table, policy: &crate::model::Policy) -> String {
    format!("policy {} on {}", crate::ident::Ident(&policy.name), table.name)
}

/// A piece of SQL text in the schema, and where it is.
pub(crate) struct SqlText<'a> {
    pub(crate) text: &'a str,
    /// The object as diagnostics show it.
    pub(crate) object: String,
    pub(crate) table: Option<&'a Table>,
    pub(crate) column: Option<&'a crate::model::Column>,
}

/// Every SQL expression or body the schema runs: policies, defaults, checks,
/// trigger conditions, functions and views.
pub(crate) fn sql_texts(schema: &Schema) -> Vec<SqlText<'_>> {
    use crate::ident::Ident;
    let mut out = Vec::new();
    for t in schema.tables() {
        for p in &t.policies {
            for text in [&p.using, &p.with_check].into_iter().flatten() {
                out.push(SqlText { text, object: policy_object(t, p), table: Some(t), column: None });
            }
        }
        for c in &t.columns {
            if let Some(text) = &c.default {
                out.push(SqlText { text, object: super::column_object(t, &c.name), table: Some(t), column: Some(c) });
            }
        }
        for c in &t.checks {
            let name = c.name.as_deref().unwrap_or_default();
            out.push(SqlText { text: &c.expr, object: format!("constraint {} on {}", Ident(name), t.name), table: Some(t), column: None });
        }
        for tr in &t.triggers {
            if let Some(text) = &tr.when {
                out.push(SqlText { text, object: format!("trigger {} on {}", Ident(&tr.name), t.name), table: Some(t), column: None });
            }
        }
    }
    for f in schema.functions() {
        out.push(SqlText { text: &f.body, object: format!("function {}", f.name), table: None, column: None });
    }
    for v in schema.views() {
        let kind = if v.materialized { "materialized view" } else { "view" };
        out.push(SqlText { text: &v.query, object: format!("{kind} {}", v.name), table: None, column: None });
    }
    out
}
