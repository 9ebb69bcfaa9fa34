//! Writes the schema's generated files into OUT_DIR (for `include_str!`) and
//! into `generated/`, which is checked in so reviewers see every change to the
//! DDL, docs and diagrams. In CI (`CI=true`, or `PGARCHITECT_CHECK=1`) the
//! checked-in files are compared instead, and a stale one fails the build.

use pgarchitect::build_support::Emitter;

fn main() {
    println!("cargo:rerun-if-env-changed=CI");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let schema = build_demo_schema::schema();
    let mut emitter = Emitter::new(&schema)
        .markdown_options(build_demo_schema::markdown_options())
        .lint(build_demo_schema::lint)
        .out_dir_from_env()
        .checked_in(concat!(env!("CARGO_MANIFEST_DIR"), "/generated"))
        .regenerate_command("cargo build -p pgarchitect-build-demo");
    if ci {
        emitter = emitter.check(true);
    }
    emitter.run();
}
