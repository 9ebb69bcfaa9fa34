//! The README's diagram is the blog example's, as the example writes it today.

#[path = "../examples/blog.rs"]
#[allow(dead_code)]
mod blog;

#[test]
fn readme_diagram_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```mermaid\n").expect("README has a mermaid block") + "```mermaid\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let diagram = blog::schema().to_mermaid();
    assert_eq!(
        readme[start..end].trim_end(),
        diagram.trim_end(),
        "README.md's diagram is stale: paste the output of `cargo run --example blog -- DIR` (DIR/schema.mmd)"
    );
}
