//! Compile-fail tests of the derive macros: each case under `tests/ui/<group>/`
//! has the expected compiler output beside it (`.stderr`). Regenerate with
//! `TRYBUILD=overwrite cargo test --test ui`, then read every changed file.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for group in [
        "malformed",
        "conflict",
        "unsupported",
        "foreign-key",
        "missing",
        "combined",
        "partition",
        "trigger",
        "policy",
        "full-text",
        "domain",
    ] {
        t.compile_fail(format!("tests/ui/{group}/*.rs"));
    }
    t.pass("tests/ui/pass/*.rs");
}
