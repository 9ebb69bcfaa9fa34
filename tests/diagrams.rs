//! Mermaid and Graphviz diagrams: snapshots, the selection options for large
//! schemas, and validation by the real tools: Mermaid's own parser (under Node,
//! from `tests/mermaid`) and `dot -Tsvg`. With `CI=true`, a missing Node, npm
//! package or Graphviz is a failure, not a skip.

#[path = "docs/fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use pgarchitect::docs::DiagramOptions;
use pgarchitect::model::QualifiedName;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips (returns `None`) outside CI, fails in CI.
fn unavailable(what: &str) -> Option<()> {
    if in_ci() {
        panic!("{what} (CI=true: the diagram checks must run)");
    }
    eprintln!("SKIPPED: {what}");
    None
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diagrams");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `tests/mermaid` with its `node_modules` installed (`npm ci` on first use).
fn mermaid_checker() -> Option<&'static Path> {
    static READY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mermaid");
        match Command::new("node").arg("--version").output() {
            Ok(o) if o.status.success() => {}
            _ => return Err("node is not installed (Debian: apt-get install nodejs npm)".to_owned()),
        }
        // npm writes node_modules/.package-lock.json last: missing, an install was
        // interrupted; older than package-lock.json, the pinned versions changed.
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let installed = modified(&dir.join("node_modules/.package-lock.json"));
        if installed.is_none() || installed < modified(&dir.join("package-lock.json")) {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .status()
                .map_err(|e| format!("cannot run npm: {e}"))?;
            if !status.success() {
                return Err(format!("`npm ci` in {} failed: {status}", dir.display()));
            }
        }
        Ok(dir)
    });
    match ready {
        Ok(dir) => Some(dir.as_path()),
        Err(e) => {
            unavailable(e);
            None
        }
    }
}

/// Parses each diagram with Mermaid; panics with the parser's message on an error.
fn assert_mermaid_parses(diagrams: &[(&str, String)]) {
    let Some(dir) = mermaid_checker() else { return };
    let files: Vec<PathBuf> = diagrams
        .iter()
        .map(|(name, text)| {
            let path = scratch(&format!("{name}.mmd"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let out = Command::new("node").arg(dir.join("parse.mjs")).args(&files).output().expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Mermaid rejected a diagram ({}):\n{stdout}\n{stderr}", out.status);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), files.len(), "{stdout}");
}

/// Renders each graph with `dot -Tsvg`; panics on an error or a warning.
fn assert_dot_renders(graphs: &[(&str, String)]) {
    if Command::new("dot").arg("-V").output().is_err() {
        let _ = unavailable("Graphviz `dot` is not installed (Debian: apt-get install graphviz)");
        return;
    }
    for (name, text) in graphs {
        let path = scratch(&format!("{name}.dot"));
        std::fs::write(&path, text).unwrap();
        let svg = scratch(&format!("{name}.svg"));
        let out = Command::new("dot").arg("-Tsvg").arg(&path).arg("-o").arg(&svg).output().expect("run dot");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.trim().is_empty(), "dot failed on {name} ({}):\n{stderr}", out.status);
        let svg = std::fs::read_to_string(&svg).unwrap();
        assert!(svg.contains("<svg"), "{name}: no SVG");
    }
}

#[test]
fn mermaid_snapshot() {
    insta::assert_snapshot!(fixture::blog().to_mermaid());
}

#[test]
fn dot_snapshot() {
    insta::assert_snapshot!(fixture::blog().to_dot());
}

#[test]
fn awkward_names_snapshots() {
    let schema = fixture::awkward();
    insta::assert_snapshot!("awkward_mermaid", schema.to_mermaid());
    insta::assert_snapshot!("awkward_dot", schema.to_dot());
}

#[test]
fn cardinality_follows_nullability_and_uniqueness() {
    let m = fixture::blog().to_mermaid();
    // Required reference, any number of children.
    assert!(m.contains("users ||--o{ posts : \"user_id\""), "{m}");
    // Optional reference (nullable column).
    assert!(m.contains("users |o--o{ comments : \"author_id\""), "{m}");
    assert!(m.contains("comments |o--o{ comments : \"parent_id\""), "{m}");
    // The referencing column is the primary key: one-to-one.
    assert!(m.contains("users ||--o| profiles : \"user_id\""), "{m}");
    // The audit log hangs off the audited table.
    assert!(m.contains("users |o--o{ audit_logs : \"audit trail\""), "{m}");
    // Non-public tables are aliased with their qualified name.
    assert!(m.contains("billing_invoices[\"billing.invoices\"] {"), "{m}");
    assert!(m.contains("users ||--o{ billing_invoices : \"user_id\""), "{m}");
}

#[test]
fn columns_have_types_keys_and_notes() {
    let m = fixture::blog().to_mermaid();
    assert!(m.contains("        bigint id PK \"identity\"\n"), "{m}");
    assert!(m.contains("        uuid public_id UK \"Public identifier: use this one in URLs and APIs\"\n"), "{m}");
    assert!(m.contains("        email_address email \"domain over varchar(255); personal data; Login and contact address\"\n"), "{m}");
    assert!(m.contains("        post_status status \"enum\"\n"), "{m}");
    assert!(m.contains("        bigint post_id PK, FK\n"), "{m}");
    assert!(m.contains("        varchar_200 title\n"), "{m}");
    assert!(m.contains("        text_array tags_cache"), "{m}");
    assert!(m.contains("        date issued_on PK \"partition key\"\n"), "{m}");
}

#[test]
fn namespace_option_draws_one_schema_and_its_references() {
    let schema = fixture::blog();
    let m = schema.to_mermaid_with(&DiagramOptions::namespace("billing"));
    assert!(m.contains("billing_invoices[\"billing.invoices\"] {"), "{m}");
    // users is referenced from billing: drawn by name only.
    assert!(m.contains("\n    users\n"), "{m}");
    assert!(!m.contains("users {"), "{m}");
    assert!(!m.contains("posts"), "{m}");
    let d = schema.to_dot_with(&DiagramOptions::namespace("billing"));
    assert!(d.contains("<b>billing</b>") && d.contains("<b>public</b>"), "{d}");
    assert!(!d.contains(">posts<"), "{d}");

    let alone = schema.to_mermaid_with(&DiagramOptions::namespace("billing").without_referenced_outside());
    assert!(!alone.contains("users"), "{alone}");
}

#[test]
fn neighbourhood_option_follows_foreign_keys_both_ways() {
    let schema = fixture::blog();
    let one_hop = schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("posts"), 1));
    for drawn in ["posts {", "users {", "comments {", "post_tags {"] {
        assert!(one_hop.contains(drawn), "{drawn} missing:\n{one_hop}");
    }
    for absent in ["profiles", "sessions", "audit_logs", "billing_invoices"] {
        assert!(!one_hop.contains(absent), "{absent} drawn:\n{one_hop}");
    }
    // tags is two hops away, but post_tags references it: drawn by name only.
    assert!(one_hop.contains("\n    tags\n") && !one_hop.contains("\n    tags {"), "{one_hop}");

    let zero = schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("posts"), 0).without_referenced_outside());
    assert!(zero.contains("posts {") && !zero.contains("users"), "{zero}");

    let two = schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("tags"), 2));
    assert!(two.contains("tags {") && two.contains("post_tags {") && two.contains("posts {"), "{two}");
    assert!(!two.contains("comments {"), "{two}");

    let keys = schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("posts"), 1).keys_only().without_comments());
    let attributes: Vec<&str> = keys.lines().filter(|l| l.starts_with("        ")).collect();
    assert!(attributes.iter().all(|l| !l.contains('"')), "{keys}");
    assert!(!keys.contains("varchar_200 title"), "{keys}");

    let unknown = schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("nope"), 3));
    assert!(unknown.contains("No table matches"), "{unknown}");
}

fn all_mermaid() -> Vec<(&'static str, String)> {
    let blog = fixture::blog();
    let awkward = fixture::awkward();
    let markdown = blog.to_markdown();
    let embedded = markdown.split("```mermaid\n").nth(1).and_then(|rest| rest.split("\n```").next()).expect("embedded diagram").to_owned();
    vec![
        ("blog", blog.to_mermaid()),
        ("blog_billing", blog.to_mermaid_with(&DiagramOptions::namespace("billing"))),
        ("blog_posts_1", blog.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("posts"), 1))),
        ("blog_keys", blog.to_mermaid_with(&DiagramOptions::all().keys_only().without_comments())),
        ("blog_none", blog.to_mermaid_with(&DiagramOptions::namespace("nothing here"))),
        ("blog_markdown", embedded),
        ("awkward", awkward.to_mermaid()),
        ("awkward_odd", awkward.to_mermaid_with(&DiagramOptions::namespace("Odd Space"))),
    ]
}

#[test]
fn mermaid_parser_accepts_every_diagram() {
    assert_mermaid_parses(&all_mermaid());
}

#[test]
fn mermaid_parser_check_fails_on_a_broken_diagram() {
    // The check itself must be able to fail: a type with a space is a syntax error.
    let Some(dir) = mermaid_checker() else { return };
    let path = scratch("broken.mmd");
    std::fs::write(&path, "erDiagram\n    t {\n        double precision x PK\n    }\n").unwrap();
    let out = Command::new("node").arg(dir.join("parse.mjs")).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn dot_renders_to_svg() {
    let blog = fixture::blog();
    let awkward = fixture::awkward();
    assert_dot_renders(&[
        ("blog", blog.to_dot()),
        ("blog_billing", blog.to_dot_with(&DiagramOptions::namespace("billing"))),
        ("blog_posts_1", blog.to_dot_with(&DiagramOptions::neighbourhood(QualifiedName::public("posts"), 1).keys_only())),
        ("blog_none", blog.to_dot_with(&DiagramOptions::namespace("nothing here"))),
        ("awkward", awkward.to_dot()),
    ]);
}

#[test]
fn dot_edges_go_from_column_to_column() {
    let d = fixture::blog().to_dot();
    // posts.user_id (column 1) -> users.id (column 0), many-to-one with a required parent.
    let posts = node_id(&d, "posts");
    let users = node_id(&d, "users");
    assert!(d.contains(&format!("{posts}:c1e:e -> {users}:c0:w [arrowhead=teetee, arrowtail=crowodot")), "{d}");
}

/// The node id of the table whose title is `name`.
fn node_id(dot: &str, name: &str) -> String {
    let marker = format!("<b>{name}</b>");
    let at = dot.find(&marker).unwrap_or_else(|| panic!("no node {name}"));
    let line_start = dot[..at].rfind(" [label=<").expect("node start");
    let id_start = dot[..line_start].rfind(' ').unwrap() + 1;
    dot[id_start..line_start].to_owned()
}

#[test]
fn diagrams_are_deterministic() {
    assert_eq!(fixture::blog().to_mermaid(), fixture::blog().to_mermaid());
    assert_eq!(fixture::blog().to_dot(), fixture::blog().to_dot());
}

/// Two tables, a materialized view in another namespace reading both (with a
/// unique, a composite and an expression index), a plain view reading one
/// table, a view reading the materialized view, and a view with awkward names.
fn with_views() -> pgarchitect::Schema {
    use pgarchitect::model::{Column, ForeignKey, Index, IndexKey, Table, View};
    use pgarchitect::SqlType;
    let public = QualifiedName::public;
    let stats = QualifiedName::new("reports", "author_stats");
    pgarchitect::Schema::builder()
        .namespace("reports")
        .namespace("Odd Space")
        .add_table(
            Table::new("authors")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("name", SqlType::Text))
                .primary_key(["id"]),
        )
        .add_table(
            Table::new("books")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("author_id", SqlType::BigInt))
                .column(Column::new("title", SqlType::Text))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["author_id"], public("authors"), ["id"]))
                .index(Index::on(["author_id"])),
        )
        .view(
            View::materialized(
                stats.clone(),
                "SELECT a.id AS author_id, a.name AS author_name, count(b.id) AS book_count\n\
                 FROM public.authors a LEFT JOIN public.books b ON b.author_id = a.id GROUP BY a.id, a.name",
            )
            .depends_on(public("authors"))
            .depends_on(public("books"))
            .index(Index::on(["author_id"]).unique())
            .index(Index::on(["book_count", "author_id"]))
            .index(Index::with_keys([IndexKey::expression("lower(author_name)")]))
            .comment("Books per author; refreshed nightly"),
        )
        .view(View::new(public("recent_books"), "SELECT id, title FROM public.books ORDER BY id DESC LIMIT 10").depends_on(public("books")))
        .view(
            View::new(QualifiedName::new("reports", "top_authors"), "SELECT author_id FROM reports.author_stats ORDER BY book_count DESC LIMIT 10")
                .depends_on(stats),
        )
        .view(
            View::materialized(QualifiedName::new("Odd Space", "end"), "SELECT id AS \"My Col\" FROM public.authors")
                .depends_on(public("authors"))
                .index(Index::on(["My Col"]))
                .comment("A \"quoted\" %% comment | with <markup> & braces {}"),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn mermaid_draws_views_and_what_they_read() {
    let m = with_views().to_mermaid();
    // A materialized view: labelled as one, with the columns its indexes name
    // (expression keys have none) and which indexes hold them.
    assert!(m.contains("    %% reports.author_stats: Books per author; refreshed nightly\n"), "{m}");
    assert!(
        m.contains(
            "    reports_author_stats[\"reports.author_stats (materialized view)\"] {\n        \
             indexed author_id UK \"unique index (author_id); index (book_count, author_id)\"\n        \
             indexed book_count \"index (book_count, author_id)\"\n    }\n"
        ),
        "{m}"
    );
    // A plain view without indexes: no attribute block.
    assert!(m.contains("\n    recent_books[\"recent_books (view)\"]\n"), "{m}");
    assert!(m.contains("\n    reports_top_authors[\"reports.top_authors (view)\"]\n"), "{m}");
    // Awkward names: a sanitized id, a sanitized column, the name in the note.
    assert!(m.contains("    Odd_Space_end[\"Odd Space.end (materialized view)\"] {\n        indexed My_Col \"column My Col; index (My Col)\"\n"), "{m}");
    // A dashed (non-identifying) relationship from each view to what it reads.
    for edge in [
        "reports_author_stats }o..o{ authors : \"reads\"",
        "reports_author_stats }o..o{ books : \"reads\"",
        "recent_books }o..o{ books : \"reads\"",
        "reports_top_authors }o..o{ reports_author_stats : \"reads\"",
        "Odd_Space_end }o..o{ authors : \"reads\"",
    ] {
        assert!(m.contains(&format!("\n    {edge}\n")), "{edge} missing:\n{m}");
    }
    assert_eq!(m.matches(": \"reads\"").count(), 5, "{m}");
    // Views come after the tables, in the schema's order, before the relationships.
    let at = |s: &str| m.find(s).unwrap_or_else(|| panic!("{s} missing:\n{m}"));
    assert!(at("    books {") < at("    Odd_Space_end["), "{m}");
    assert!(at("    Odd_Space_end[") < at("    recent_books["), "{m}");
    assert!(at("    recent_books[") < at("    reports_author_stats["), "{m}");
    assert!(at("    reports_author_stats[") < at("    reports_top_authors["), "{m}");
    assert!(at("    reports_top_authors[") < at("authors ||--o{ books"), "{m}");

    // Keys only: the view keeps its alone-unique column.
    let keys = with_views().to_mermaid_with(&DiagramOptions::all().keys_only().without_comments());
    assert!(keys.contains("reports_author_stats[\"reports.author_stats (materialized view)\"] {\n        indexed author_id UK\n    }\n"), "{keys}");
    assert!(keys.contains("\n    Odd_Space_end[\"Odd Space.end (materialized view)\"]\n"), "{keys}");
}

#[test]
fn view_selection_follows_the_diagram_options() {
    let schema = with_views();
    // One namespace: its views, and the tables they read by name only.
    let reports = schema.to_mermaid_with(&DiagramOptions::namespace("reports"));
    assert!(reports.contains("reports_author_stats[\"reports.author_stats (materialized view)\"] {"), "{reports}");
    assert!(reports.contains("reports_top_authors[\"reports.top_authors (view)\"]"), "{reports}");
    assert!(reports.contains("\n    authors\n") && reports.contains("\n    books\n"), "{reports}");
    assert!(!reports.contains("recent_books") && !reports.contains("No table matches"), "{reports}");
    assert!(reports.contains("reports_author_stats }o..o{ books : \"reads\""), "{reports}");
    let alone = schema.to_mermaid_with(&DiagramOptions::namespace("reports").without_referenced_outside());
    assert!(!alone.contains("authors\n") && !alone.contains("books"), "{alone}");
    assert!(alone.contains("reports_top_authors }o..o{ reports_author_stats : \"reads\""), "{alone}");
    assert_eq!(alone.matches("\"reads\"").count(), 1, "{alone}");

    // A neighbourhood: the views that read a drawn table, or such a view.
    let around = schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("authors"), 0));
    assert!(around.contains("reports_author_stats[") && around.contains("reports_top_authors[") && around.contains("Odd_Space_end["), "{around}");
    assert!(!around.contains("recent_books"), "{around}");
    // books is outside the neighbourhood, but a drawn view reads it: by name only.
    assert!(around.contains("\n    books\n") && around.contains("reports_author_stats }o..o{ books : \"reads\""), "{around}");

    let d = schema.to_dot_with(&DiagramOptions::namespace("reports"));
    assert!(d.contains("<b>reports</b>") && d.contains("<b>public</b>"), "{d}");
    assert!(d.contains("<b>author_stats</b>") && !d.contains("<b>recent_books</b>"), "{d}");
}

#[test]
fn dot_draws_views_as_dashed_boxes_with_reads_edges() {
    let d = with_views().to_dot();
    let stats = node_id(&d, "author_stats");
    let top = node_id(&d, "top_authors");
    let recent = node_id(&d, "recent_books");
    let odd = node_id(&d, "end");
    let authors = node_id(&d, "authors");
    let books = node_id(&d, "books");
    // A box of its own kind, titled with its kind; tables stay plain HTML tables.
    let node = |id: &str| {
        let start = d.find(&format!("        {id} [label=<")).unwrap_or_else(|| panic!("no node {id}:\n{d}"));
        let end = start + d[start..].find("];\n").unwrap();
        d[start..end].to_owned()
    };
    let view_box = ">, shape=box, style=\"rounded,dashed,filled\", fillcolor=\"#f5f7fa\", color=\"#52606d\", margin=0.05";
    for id in [&stats, &top, &recent, &odd] {
        assert!(node(id).ends_with(view_box), "{}", node(id));
    }
    assert!(!node(&authors).contains("dashed"), "{}", node(&authors));
    assert!(node(&stats).contains("<b>author_stats</b> <font point-size=\"8\">(materialized view)</font>"), "{}", node(&stats));
    assert!(node(&stats).contains("<i>Books per author; refreshed nightly</i>"), "{}", node(&stats));
    assert!(
        node(&stats).contains(
            "<tr><td align=\"left\">author_id</td><td align=\"left\"><font point-size=\"8\" color=\"#52606d\">\
             UK; unique index (author_id); index (book_count, author_id)</font></td></tr>"
        ),
        "{}",
        node(&stats)
    );
    assert!(!node(&stats).contains("lower"), "{}", node(&stats));
    assert!(node(&recent).contains("<b>recent_books</b> <font point-size=\"8\">(view)</font>"), "{}", node(&recent));
    assert!(node(&odd).contains("<i>A &quot;quoted&quot; %% comment | with &lt;markup&gt; &amp;<br/>braces {}</i>"), "{}", node(&odd));
    // The views sit in their namespaces' clusters.
    let cluster_of = |id: &str| {
        let at = d.find(&format!("        {id} [label=<")).unwrap();
        let start = d[..at].rfind("subgraph cluster_").unwrap();
        d[start..].lines().nth(1).unwrap().to_owned()
    };
    assert!(cluster_of(&stats).contains("<b>reports</b>") && cluster_of(&top).contains("<b>reports</b>"), "{d}");
    assert!(cluster_of(&recent).contains("<b>public</b>") && cluster_of(&odd).contains("<b>Odd Space</b>"), "{d}");
    // A dashed edge labelled `reads` from each view to what it reads.
    for (view, source) in [(&stats, &authors), (&stats, &books), (&recent, &books), (&top, &stats), (&odd, &authors)] {
        let edge = format!("    {view} -> {source} [style=dashed, dir=forward, arrowhead=vee, color=\"#7b8794\", label=<reads>];\n");
        assert!(d.contains(&edge), "{edge} missing:\n{d}");
    }
    assert_eq!(d.matches("label=<reads>").count(), 5, "{d}");
}

#[test]
fn diagrams_with_views_parse_and_render() {
    let schema = with_views();
    let blog = fixture::blog();
    assert_mermaid_parses(&[
        ("views", schema.to_mermaid()),
        ("views_keys", schema.to_mermaid_with(&DiagramOptions::all().keys_only().without_comments())),
        ("views_reports", schema.to_mermaid_with(&DiagramOptions::namespace("reports"))),
        ("views_reports_alone", schema.to_mermaid_with(&DiagramOptions::namespace("reports").without_referenced_outside())),
        ("views_authors_0", schema.to_mermaid_with(&DiagramOptions::neighbourhood(QualifiedName::public("authors"), 0))),
        ("views_odd", schema.to_mermaid_with(&DiagramOptions::namespace("Odd Space"))),
    ]);
    assert_dot_renders(&[
        ("views", schema.to_dot()),
        ("views_keys", schema.to_dot_with(&DiagramOptions::all().keys_only().without_comments())),
        ("views_reports", schema.to_dot_with(&DiagramOptions::namespace("reports"))),
        ("views_authors_0", schema.to_dot_with(&DiagramOptions::neighbourhood(QualifiedName::public("authors"), 0))),
    ]);
    // The blog fixture has a materialized view and a view over posts.
    let m = blog.to_mermaid();
    assert!(m.contains("post_stats[\"post_stats (materialized view)\"] {\n        indexed day UK \"unique index (day)\"\n    }\n"), "{m}");
    assert!(m.contains("\n    published_posts[\"published_posts (view)\"]\n"), "{m}");
    assert!(m.contains("post_stats }o..o{ posts : \"reads\"") && m.contains("published_posts }o..o{ posts : \"reads\""), "{m}");
    let d = blog.to_dot();
    let posts = node_id(&d, "posts");
    for view in ["post_stats", "published_posts"] {
        let v = node_id(&d, view);
        assert!(d.contains(&format!("    {v} -> {posts} [style=dashed, dir=forward, arrowhead=vee, color=\"#7b8794\", label=<reads>];")), "{d}");
    }
}

// ---- user review (session 2026-12-02) ----

/// Where Graphviz draws each foreign key: it starts at the referencing table's
/// right border and ends at the referenced table's left border. It started at
/// the east side of the column's name cell, so the line and its crow's foot were
/// drawn across the column's type and flags ("uuid", "PK FK" struck through).
#[test]
fn dot_edges_leave_from_the_table_border() {
    use pgarchitect::model::{Column, ForeignKey, Table};
    use pgarchitect::{Schema, SqlType};
    if Command::new("dot").arg("-V").output().is_err() {
        let _ = unavailable("Graphviz `dot` is not installed (Debian: apt-get install graphviz)");
        return;
    }
    let schema = Schema::builder()
        .add_table(Table::new("invoices").column(Column::new("id", SqlType::Uuid)).column(Column::new("organization_id", SqlType::Uuid)).primary_key(["id"]))
        .add_table(
            Table::new("invoice_lines")
                .column(Column::new("invoice_id", SqlType::Uuid))
                .column(Column::new("line_no", SqlType::Integer))
                .column(Column::new("description", SqlType::Varchar(Some(500))))
                .primary_key(["invoice_id", "line_no"])
                .foreign_key(ForeignKey::new(["invoice_id"], QualifiedName::public("invoices"), ["id"])),
        )
        .build()
        .unwrap();
    let path = scratch("edge_ports.dot");
    std::fs::write(&path, schema.to_dot()).unwrap();
    let out = Command::new("dot").arg("-Tjson").arg(&path).output().expect("run dot");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let layout: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Node centre and half width, in points, by Graphviz's object id.
    let nodes: Vec<(i64, String, f64, f64)> = layout["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o.get("pos").is_some())
        .map(|o| {
            let x: f64 = o["pos"].as_str().unwrap().split(',').next().unwrap().parse().unwrap();
            let half: f64 = o["width"].as_str().unwrap().parse::<f64>().unwrap() * 72.0 / 2.0;
            (o["_gvid"].as_i64().unwrap(), o["name"].as_str().unwrap().to_owned(), x, half)
        })
        .collect();
    let node = |id: &serde_json::Value| nodes.iter().find(|n| n.0 == id.as_i64().unwrap()).unwrap().clone();
    let edges = layout["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1);
    let edge = &edges[0];
    let point = |tag: &str| -> f64 {
        let pos = edge["pos"].as_str().unwrap();
        let p = pos.split(' ').find_map(|p| p.strip_prefix(tag)).unwrap_or_else(|| panic!("no {tag} in {pos}"));
        p.split(',').next().unwrap().parse().unwrap()
    };
    let (child, parent) = (node(&edge["tail"]), node(&edge["head"]));
    let (start, end) = (point("s,"), point("e,"));
    assert!((start - (child.2 + child.3)).abs() < 2.0, "the edge starts at x={start}, inside {} (right border {})", child.1, child.2 + child.3);
    assert!((end - (parent.2 - parent.3)).abs() < 2.0, "the edge ends at x={end}, not at {}'s left border {}", parent.1, parent.2 - parent.3);
}
