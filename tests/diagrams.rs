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
    assert!(d.contains(&format!("{posts}:c1:e -> {users}:c0:w [arrowhead=teetee, arrowtail=crowodot")), "{d}");
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
