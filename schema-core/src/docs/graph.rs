//! What a diagram draws: [`DiagramOptions`] select a namespace or the
//! neighbourhood of one table, and the foreign keys between the drawn tables
//! become edges with their cardinality. Views and materialized views are drawn
//! as entities of their own, with an edge to each table or view they read.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::model::{Column, ForeignKey, IndexTarget, QualifiedName, Table, View};
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
    /// Draw only tables and views in this namespace (schema).
    pub namespace: Option<String>,
    /// Draw only tables within `hops` foreign-key hops (in either direction) of
    /// this table, and the views that read them.
    pub focus: Option<(QualifiedName, usize)>,
    /// Draw tables outside the selection that selected tables reference (or
    /// selected views read), by name only, so every foreign key of a drawn table
    /// stays visible.
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
    /// Every table and view.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only the tables and views of one namespace (and, by name, the tables they
    /// reference or read elsewhere).
    pub fn namespace(namespace: impl Into<String>) -> Self {
        Self { namespace: Some(namespace.into()), ..Self::default() }
    }

    /// Only `table`, the tables within `hops` foreign-key hops of it, and the
    /// views that read them.
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

/// A drawn view reads `source`, a table or view (drawn in full or by name only).
pub(crate) struct ReadEdge<'a> {
    pub(crate) view: &'a View,
    pub(crate) source: &'a QualifiedName,
}

/// The tables and views a diagram draws in full, those it draws by name only,
/// and the edges.
pub(crate) struct Selection<'a> {
    pub(crate) tables: Vec<&'a Table>,
    /// Views and materialized views, in the schema's order (by qualified name).
    pub(crate) views: Vec<&'a View>,
    pub(crate) stubs: Vec<&'a QualifiedName>,
    pub(crate) edges: Vec<Edge<'a>>,
    /// From each drawn view to what it reads, in the order of `views` and then of
    /// `View::depends_on`.
    pub(crate) reads: Vec<ReadEdge<'a>>,
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
        let views = select_views(schema, options, &selected);
        let drawn_views: BTreeSet<&QualifiedName> = views.iter().map(|v| &v.name).collect();
        let mut reads = Vec::new();
        for view in &views {
            let mut seen = BTreeSet::new();
            for source in view.depends_on.iter().filter(|d| seen.insert(*d)) {
                let inside = selected.contains(source) || drawn_views.contains(source);
                if inside || options.referenced_outside {
                    if !inside {
                        stubs.insert(source);
                    }
                    reads.push(ReadEdge { view, source });
                }
            }
        }
        Selection { tables, views, stubs: stubs.into_iter().collect(), edges, reads }
    }
}

/// The views in the selected namespace; with a focus, only those that read a
/// selected table or, in turn, such a view.
fn select_views<'a>(schema: &'a Schema, options: &DiagramOptions, selected: &BTreeSet<&QualifiedName>) -> Vec<&'a View> {
    let candidates: Vec<&View> = schema.views().iter().filter(|v| options.namespace.as_ref().map_or(true, |ns| &v.name.schema == ns)).collect();
    if options.focus.is_none() {
        return candidates;
    }
    let mut chosen: BTreeSet<&QualifiedName> = BTreeSet::new();
    loop {
        let before = chosen.len();
        for v in &candidates {
            if !chosen.contains(&v.name) && v.depends_on.iter().any(|d| selected.contains(d) || chosen.contains(d)) {
                chosen.insert(&v.name);
            }
        }
        if chosen.len() == before {
            break;
        }
    }
    candidates.into_iter().filter(|v| chosen.contains(&v.name)).collect()
}

/// The columns of a view that its indexes name (expression keys have no
/// column), in order of first appearance, each with the indexes that hold it:
/// `(column, alone unique, ["unique index (a, b)", ...])`.
pub(crate) fn view_indexed_columns(view: &View) -> Vec<(&str, bool, Vec<String>)> {
    let mut columns: Vec<(&str, bool, Vec<String>)> = Vec::new();
    for index in &view.indexes {
        let keys: Vec<&str> = index
            .keys
            .iter()
            .map(|k| match &k.target {
                IndexTarget::Column(c) => c.as_str(),
                IndexTarget::Expression(e) => e.as_str(),
            })
            .collect();
        let kind = if index.unique { "unique index" } else { "index" };
        let partial = if index.predicate.is_some() { ", partial" } else { "" };
        let note = format!("{kind} ({}){partial}", keys.join(", "));
        let alone_unique = index.unique && index.predicate.is_none() && index.keys.len() == 1;
        for key in &index.keys {
            let IndexTarget::Column(column) = &key.target else { continue };
            match columns.iter_mut().find(|(c, ..)| c == column) {
                Some((_, unique, notes)) => {
                    *unique |= alone_unique;
                    if !notes.contains(&note) {
                        notes.push(note.clone());
                    }
                }
                None => columns.push((column, alone_unique, vec![note.clone()])),
            }
        }
    }
    columns
}

/// `view` or `materialized view`.
pub(crate) fn view_kind(view: &View) -> &'static str {
    if view.materialized {
        "materialized view"
    } else {
        "view"
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
