//! `SCHEMA.md`: the schema documented from its declarations, following the design
//! brief's "Documentation Output", readable on GitHub.
//!
//! Sections, each left out when the schema has nothing for it: overview and key
//! features, the ER diagram (Mermaid, which GitHub renders), tables, relationships,
//! indexing strategy, security, partitioning, types, functions, triggers, views,
//! volume and retention, accepted lint exceptions, the design review (findings and
//! open questions passed in [`MarkdownOptions`]), the caller's own sections,
//! migration instructions, and performance monitoring queries.
//!
//! Below: `tables` (tables and relationships), `indexes`, `security`,
//! `objects` (partitioning, types, functions, triggers, views) and `operations`
//! (volume, exceptions, review, migration, monitoring).

use std::fmt::{self, Write};

use crate::schema::Schema;

use super::findings::{Finding, OpenQuestion, Section};
use super::text::{Anchors, Text};
use super::DiagramOptions;

mod indexes;
mod objects;
mod operations;
mod security;
mod tables;

pub use operations::{monitoring_queries, MonitoringQuery};

/// What the Markdown says beyond the schema itself, and what it leaves out.
///
/// ```
/// use pgarchitect_core::docs::{Finding, Level, MarkdownOptions, OpenQuestion};
/// let options = MarkdownOptions::new()
///     .title("Blog database")
///     .purpose("Posts, comments and the accounts that write them.")
///     .database_name("blog")
///     .findings(vec![Finding::new(Level::Warn, "missing-timestamps", "no created_at").object("public.tags")])
///     .open_question(OpenQuestion::new("Retention", "How long are comments kept?"));
/// # let _ = options;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MarkdownOptions {
    /// The `#` title.
    pub title: String,
    /// A paragraph on what the database is for.
    pub purpose: Option<String>,
    /// The PostgreSQL versions the DDL targets (`15+`).
    pub postgres_version: String,
    /// The database name used in the migration commands.
    pub database_name: String,
    /// The DDL file name used in the migration commands.
    pub ddl_file: String,
    /// The ER diagram to embed (GitHub renders Mermaid), or `None` for none.
    pub diagram: Option<DiagramOptions>,
    /// Design-review findings for the lint summary; `None` leaves the summary out,
    /// an empty list says there are none.
    pub findings: Option<Vec<Finding>>,
    /// Open questions of the design review.
    pub open_questions: Vec<OpenQuestion>,
    /// Extra sections, written before the migration instructions.
    pub sections: Vec<Section>,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        Self {
            title: "Database schema".to_owned(),
            purpose: None,
            postgres_version: "15".to_owned(),
            database_name: "app".to_owned(),
            ddl_file: "schema.sql".to_owned(),
            diagram: Some(DiagramOptions::default()),
            findings: None,
            open_questions: Vec::new(),
            sections: Vec::new(),
        }
    }
}

impl MarkdownOptions {
    /// The defaults: title "Database schema", database `app`, file `schema.sql`, diagram embedded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `schema`'s design review: lint findings (`schema.lint()`), open
    /// questions (`schema.review()`), and a "Recorded decisions" section listing
    /// the questions a recorded decision answered, with the answer.
    pub fn with_design_review(mut self, schema: &Schema) -> Self {
        self.findings = Some(schema.lint().to_findings());
        let questions = schema.review();
        self.open_questions = questions.iter().filter(|q| q.is_open()).map(Into::into).collect();
        let answered: Vec<_> = questions.iter().filter(|q| !q.is_open()).collect();
        if !answered.is_empty() {
            let mut body = String::new();
            for q in answered {
                body.push_str(&format!(
                    "- **{}** {}: {} *Answered:* {}\n",
                    q.category,
                    super::text::Code(&q.object),
                    Text(&q.question),
                    Text(q.answered_by.as_deref().unwrap_or_default())
                ));
            }
            self.sections.push(Section::new("Recorded decisions", body));
        }
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the purpose paragraph.
    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }

    /// Sets the database name in the migration commands.
    pub fn database_name(mut self, name: impl Into<String>) -> Self {
        self.database_name = name.into();
        self
    }

    /// Sets the DDL file name in the migration commands.
    pub fn ddl_file(mut self, name: impl Into<String>) -> Self {
        self.ddl_file = name.into();
        self
    }

    /// Embeds this diagram instead of the whole schema's.
    pub fn diagram(mut self, options: DiagramOptions) -> Self {
        self.diagram = Some(options);
        self
    }

    /// Leaves the diagram out.
    pub fn without_diagram(mut self) -> Self {
        self.diagram = None;
        self
    }

    /// Adds the lint summary.
    pub fn findings(mut self, findings: Vec<Finding>) -> Self {
        self.findings = Some(findings);
        self
    }

    /// Adds an open question.
    pub fn open_question(mut self, question: OpenQuestion) -> Self {
        self.open_questions.push(question);
        self
    }

    /// Adds a section.
    pub fn section(mut self, section: Section) -> Self {
        self.sections.push(section);
        self
    }
}

/// The Markdown document for `schema`.
pub fn markdown(schema: &Schema, options: &MarkdownOptions) -> String {
    let mut out = String::with_capacity(8192 + schema.tables().len() * 4096);
    write_markdown(schema, options, &mut out).expect("writing to a String cannot fail");
    out
}

/// Writes the Markdown document for `schema` into `out`.
pub fn write_markdown<W: Write>(schema: &Schema, options: &MarkdownOptions, out: &mut W) -> fmt::Result {
    let mut doc = Doc::default();
    doc.anchors.next(&options.title);
    doc.anchors.next("Contents");

    operations::overview(&mut doc, schema, options)?;
    if let Some(diagram) = &options.diagram {
        doc.h2("Entity relationship diagram")?;
        if diagram.focus.is_some() || diagram.namespace.is_some() {
            doc.write_str("Part of the schema, as selected for this document.\n\n")?;
        }
        super::text::write_fenced(&mut doc, "mermaid", &super::mermaid::mermaid(schema, diagram))?;
    }
    tables::tables(&mut doc, schema)?;
    tables::relationships(&mut doc, schema)?;
    indexes::indexing(&mut doc, schema)?;
    security::security(&mut doc, schema)?;
    objects::partitioning(&mut doc, schema)?;
    objects::types(&mut doc, schema)?;
    objects::functions(&mut doc, schema)?;
    objects::triggers(&mut doc, schema)?;
    objects::views(&mut doc, schema)?;
    operations::volume_and_retention(&mut doc, schema)?;
    operations::lint_allows(&mut doc, schema)?;
    operations::design_review(&mut doc, options)?;
    for section in &options.sections {
        doc.h2(&section.title)?;
        writeln!(doc, "{}", section.markdown.trim_end())?;
    }
    operations::migration(&mut doc, schema, options)?;
    operations::monitoring(&mut doc, schema)?;

    writeln!(out, "# {}", Text(&options.title))?;
    out.write_str("\n")?;
    out.write_str("<!-- Generated by pgarchitect from the Rust schema declarations; edit those, not this file. -->\n")?;
    if let Some(p) = &options.purpose {
        writeln!(out, "\n{}", Text(p))?;
    }
    out.write_str("\n## Contents\n\n")?;
    for (title, anchor) in &doc.toc {
        writeln!(out, "- [{}](#{anchor})", Text(title))?;
    }
    out.write_str(&doc.out)?;
    if !doc.out.ends_with('\n') {
        out.write_str("\n")?;
    }
    Ok(())
}

/// The document body being written: headings get GitHub's anchors, `##` ones
/// are collected for the table of contents.
#[derive(Default)]
pub(crate) struct Doc {
    out: String,
    anchors: Anchors,
    toc: Vec<(String, String)>,
}

impl Doc {
    /// Ends the output with exactly one blank line, before a heading.
    fn blank_line(&mut self) {
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        // The body follows the table of contents, which ends with a newline.
        self.out.push_str(if self.out.is_empty() || self.out.ends_with('\n') { "\n" } else { "\n\n" });
    }

    /// A `##` section heading.
    pub(crate) fn h2(&mut self, title: &str) -> fmt::Result {
        let anchor = self.anchors.next(title);
        self.toc.push((title.to_owned(), anchor));
        self.blank_line();
        write!(self.out, "## {}\n\n", Text(title))
    }

    /// A `###` heading with plain text.
    pub(crate) fn h3(&mut self, title: &str) -> fmt::Result {
        self.anchors.next(title);
        self.blank_line();
        write!(self.out, "### {}\n\n", Text(title))
    }

    /// The anchor the next heading with this text will get; the heading must then
    /// be written with [`Doc::h3_code_reserved`] before any other heading.
    pub(crate) fn reserve(&mut self, plain: &str) -> String {
        self.anchors.next(plain)
    }

    /// A `###` heading showing `name` as code, whose anchor was reserved.
    pub(crate) fn h3_code_reserved(&mut self, name: &str, suffix: &str) -> fmt::Result {
        self.blank_line();
        write!(self.out, "### {}{suffix}\n\n", super::text::Code(name))
    }

    /// A `###` heading showing `name` as code, with a plain suffix.
    pub(crate) fn h3_code(&mut self, name: &str, suffix: &str) -> fmt::Result {
        self.anchors.next(&format!("{name}{suffix}"));
        self.h3_code_reserved(name, suffix)
    }
}

impl Write for Doc {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.out.push_str(s);
        Ok(())
    }
}
