//! What a diagram draws: [`DiagramOptions`] select a namespace or the
//! neighbourhood of one table, and the foreign keys between the drawn tables
//! become edges with their cardinality.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::model::{Column, ForeignKey, QualifiedName, Table};
use crate::schema::Schema;

use super::describe::{cardinality, Cardinality};

/// Which part of the schema a diagram draws, and how much of each table.
///
/// Large schemas read better a piece at a time: one namespace, or the tables
/// within a few foreign-key hops of one table.
///
/// ```
/// use pgarchitect_core::docs::DiagramOptions;
/// use pgarchitect_core::model::QualifiedName;
/// let around_posts = DiagramOptions::neighbourhood(QualifiedName::public("posts"), 1).keys_only();
/// let billing = DiagramOptions::namespace("billing");
/// # let _ = (around_posts, billing);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiagramOptions {
    /// Draw only tables in this namespace (schema).
    pub namespace: Option<String>,
    /// Draw only tables within `hops` foreign-key hops (in either direction) of this table.
    pub focus: Option<(QualifiedName, usize)>,
    /// Draw tables outside the selection that selected tables reference, by name
    /// only, so every foreign key of a drawn table stays visible.
    pub referenced_outside: bool,
    /// Draw only key columns (primary, foreign, unique).
    pub keys_only: bool,
    /// Write column comments and notes (enum, domain, generated, personal data).
    pub comments: bool,
    /// Draw an edge from each audited table to the audit log.
    pub audit_edges: bool,
}

impl Default for DiagramOptions {
    fn default() -> Self {
        Self { namespace: None, focus: None, referenced_outside: true, keys_only: false, comments: true, audit_edges: true }
    }
}

impl DiagramOptions {
    /// Every table.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the tables of one namespace (and, by name, the tables they reference elsewhere).
    pub fn namespace(namespace: impl Into<String>) -> Self {
        Self { namespace: Some(namespace.into()), ..Self::default() }
    }

    /// Only `table` and the tables within `hops` foreign-key hops of it.
    pub fn neighbourhood(table: QualifiedName, hops: usize) -> Self {
        Self { focus: Some((table, hops)), ..Self::default() }
    }

    /// Draws only key columns.
    pub fn keys_only(mut self) -> Self {
        self.keys_only = true;
        self
    }

    /// Leaves out column comments and notes.
    pub fn without_comments(mut self) -> Self {
        self.comments = false;
        self
    }

    /// Leaves out tables outside the selection, and the edges to them.
    pub fn without_referenced_outside(mut self) -> Self {
        self.referenced_outside = false;
        self
    }

    /// Leaves out the edges from audited tables to the audit log.
    pub fn without_audit_edges(mut self) -> Self {
        self.audit_edges = false;
        self
    }
}

/// An edge of a diagram.
pub(crate) enum EdgeKind<'a> {
    /// A foreign key of `child`.
    ForeignKey(&'a ForeignKey, Cardinality),
    /// Changes of `parent` are written to `child`, the audit log.
    Audit,
}

pub(crate) struct Edge<'a> {
    pub(crate) child: &'a Table,
    pub(crate) parent: &'a QualifiedName,
    pub(crate) kind: EdgeKind<'a>,
}

/// The tables a diagram draws in full, those it draws by name only, and the edges.
pub(crate) struct Selection<'a> {
    pub(crate) tables: Vec<&'a Table>,
    pub(crate) stubs: Vec<&'a QualifiedName>,
    pub(crate) edges: Vec<Edge<'a>>,
}

impl<'a> Selection<'a> {
    pub(crate) fn new(schema: &'a Schema, options: &DiagramOptions) -> Self {
        let mut selected: BTreeSet<&QualifiedName> =
            schema.tables().iter().filter(|t| options.namespace.as_ref().map_or(true, |ns| &t.name.schema == ns)).map(|t| &t.name).collect();
        if let Some((focus, hops)) = &options.focus {
            let near = neighbourhood(schema, focus, *hops);
            selected.retain(|t| near.contains(*t));
        }
        let tables: Vec<&Table> = schema.tables().iter().filter(|t| selected.contains(&t.name)).collect();
        let mut stubs = BTreeSet::new();
        let mut edges = Vec::new();
        for child in &tables {
            for fk in &child.foreign_keys {
                let inside = selected.contains(&fk.references);
                if inside || options.referenced_outside {
                    if !inside {
                        stubs.insert(&fk.references);
                    }
                    edges.push(Edge { child, parent: &fk.references, kind: EdgeKind::ForeignKey(fk, cardinality(child, fk)) });
                }
            }
        }
        if options.audit_edges {
            if let Some(log) = schema.audit_log().and_then(|l| schema.table(l)) {
                if selected.contains(&log.name) {
                    for t in tables.iter().filter(|t| t.audited) {
                        edges.push(Edge { child: log, parent: &t.name, kind: EdgeKind::Audit });
                    }
                }
            }
        }
        Selection { tables, stubs: stubs.into_iter().collect(), edges }
    }
}

/// Tables within `hops` foreign-key hops of `focus`, following keys both ways.
fn neighbourhood<'a>(schema: &'a Schema, focus: &QualifiedName, hops: usize) -> BTreeSet<&'a QualifiedName> {
    let mut adjacent: BTreeMap<&QualifiedName, BTreeSet<&QualifiedName>> = BTreeMap::new();
    for t in schema.tables() {
        for fk in &t.foreign_keys {
            adjacent.entry(&t.name).or_default().insert(&fk.references);
            adjacent.entry(&fk.references).or_default().insert(&t.name);
        }
    }
    let mut seen = BTreeSet::new();
    let Some(start) = schema.table(focus) else { return seen };
    seen.insert(&start.name);
    let mut queue = VecDeque::from([(&start.name, 0)]);
    while let Some((name, d)) = queue.pop_front() {
        if d == hops {
            continue;
        }
        for next in adjacent.get(name).into_iter().flatten() {
            if seen.insert(*next) {
                queue.push_back((*next, d + 1));
            }
        }
    }
    seen
}

/// Which keys a column belongs to: `PK`, `FK`, `UK` (alone unique).
pub(crate) fn column_keys(table: &Table, column: &Column) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if table.primary_key.as_ref().is_some_and(|pk| pk.columns.contains(&column.name)) {
        keys.push("PK");
    }
    if table.foreign_keys.iter().any(|fk| fk.columns.contains(&column.name)) {
        keys.push("FK");
    }
    let pk_alone = table.primary_key.as_ref().is_some_and(|pk| pk.columns == [column.name.clone()]);
    if !pk_alone && super::describe::column_is_unique(table, &column.name) {
        keys.push("UK");
    }
    keys
}

/// Short notes on a column for diagrams: its kind of type, how it is computed,
/// whether it is personal data or a partition key, then its comment.
pub(crate) fn column_notes(schema: &Schema, table: &Table, column: &Column) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(named) = column.ty.named() {
        if schema.enums().iter().any(|e| &e.name == named) {
            notes.push("enum".to_owned());
        } else if let Some(d) = schema.domains().iter().find(|d| &d.name == named) {
            notes.push(format!("domain over {}", d.base));
        }
    }
    if column.identity.is_some() {
        notes.push("identity".to_owned());
    }
    if column.generated.is_some() {
        notes.push("generated".to_owned());
    }
    if table.partitioning.as_ref().is_some_and(|p| p.columns.contains(&column.name)) {
        notes.push("partition key".to_owned());
    }
    if column.personal_data {
        notes.push("personal data".to_owned());
    }
    if let Some(c) = &column.comment {
        notes.push(first_sentence(c, 80));
    }
    notes
}

/// The first line or sentence of `text`, cut at `max` characters with `…`.
pub(crate) fn first_sentence(text: &str, max: usize) -> String {
    let line = text.trim().lines().next().unwrap_or_default();
    let sentence = match line.find(". ") {
        Some(i) => &line[..i],
        None => line.trim_end_matches('.'),
    };
    if sentence.chars().count() <= max {
        sentence.to_owned()
    } else {
        let cut: String = sentence.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}
