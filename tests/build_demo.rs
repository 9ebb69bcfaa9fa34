//! The build.rs flow: the demo crate's checked-in files are what its schema
//! generates now, check mode fails on a stale copy naming the file and the
//! command, files are written only when changed, deny-level findings fail
//! the build, and the `cargo:` lines are right.

#[path = "../examples/build-demo/schema/src/lib.rs"]
mod demo_schema;

use std::path::{Path, PathBuf};

use pgarchitect::build_support::{EmitError, Emitter, Output, CHECK_ENV};
use pgarchitect::docs::{Finding, Level};

const REGENERATE: &str = "cargo build -p pgarchitect-build-demo";

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/build-demo/app/generated")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("build_demo").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The emitter as the demo's build.rs configures it.
fn demo_emitter(schema: &pgarchitect::Schema) -> Emitter<'_> {
    Emitter::new(schema)
        .markdown_options(demo_schema::markdown_options())
        .lint(demo_schema::lint)
        .regenerate_command(REGENERATE)
        .print_directives(false)
}

#[test]
fn checked_in_files_are_up_to_date() {
    let schema = demo_schema::schema();
    let result = demo_emitter(&schema).checked_in(generated_dir()).check(true).emit();
    if let Err(e) = result {
        panic!("{e}");
    }
    for output in Output::ALL {
        assert!(generated_dir().join(output.file_name()).exists(), "{} is checked in", output.file_name());
    }
}

#[test]
fn check_mode_fails_on_a_stale_copy() {
    let dir = scratch("stale");
    for output in Output::ALL {
        std::fs::copy(generated_dir().join(output.file_name()), dir.join(output.file_name())).unwrap();
    }
    let sql = dir.join("schema.sql");
    let edited = std::fs::read_to_string(&sql).unwrap().replacen("CREATE TABLE public.notes (", "CREATE TABLE public.notes ( -- edited by hand", 1);
    std::fs::write(&sql, &edited).unwrap();
    std::fs::remove_file(dir.join("schema.dot")).unwrap();

    let schema = demo_schema::schema();
    let err = demo_emitter(&schema).checked_in(&dir).check(true).emit().unwrap_err();
    let EmitError::Stale { files, regenerate, .. } = &err else { panic!("expected stale files, got {err}") };
    assert_eq!(regenerate, REGENERATE);
    assert_eq!(files.len(), 2, "{err}");
    let message = err.to_string();
    assert!(message.contains(&format!("{} is stale", sql.display())), "{message}");
    assert!(message.contains(&format!("{} is missing", dir.join("schema.dot").display())), "{message}");
    assert!(message.contains("- CREATE TABLE public.notes ( -- edited by hand\n"), "{message}");
    assert!(message.contains("+ CREATE TABLE public.notes (\n"), "{message}");
    assert!(message.contains(&format!("regenerate with `{REGENERATE}` (outside check mode) and commit the result")), "{message}");
    // Check mode writes nothing.
    assert_eq!(std::fs::read_to_string(&sql).unwrap(), edited);
    assert!(!dir.join("schema.dot").exists());

    // Without check mode the same call repairs the folder.
    let report = demo_emitter(&schema).checked_in(&dir).check(false).emit().unwrap();
    assert_eq!(report.written, vec![sql.clone(), dir.join("schema.dot")]);
    demo_emitter(&schema).checked_in(&dir).check(true).emit().unwrap();
}

#[test]
fn writes_only_changed_files() {
    let dir = scratch("out");
    let schema = demo_schema::schema();
    let first = demo_emitter(&schema).out_dir(&dir).check(false).emit().unwrap();
    assert_eq!(first.written.len(), 4);
    let modified = |f: &str| std::fs::metadata(dir.join(f)).unwrap().modified().unwrap();
    let before = modified("SCHEMA.md");

    let second = demo_emitter(&schema).out_dir(&dir).check(false).emit().unwrap();
    assert!(second.written.is_empty(), "{:?}", second.written);
    assert_eq!(second.unchanged.len(), 4);
    assert_eq!(modified("SCHEMA.md"), before, "an unchanged file is not rewritten");

    std::fs::write(dir.join("schema.mmd"), "stale").unwrap();
    let third = demo_emitter(&schema).out_dir(&dir).check(false).emit().unwrap();
    assert_eq!(third.written, vec![dir.join("schema.mmd")]);
    assert_eq!(std::fs::read_to_string(dir.join("schema.sql")).unwrap(), schema.to_ddl());
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
}

#[test]
fn deny_findings_fail_after_writing_and_warnings_do_not() {
    let dir = scratch("deny");
    let schema = demo_schema::schema();
    let report = Emitter::new(&schema)
        .out_dir(&dir)
        .check(false)
        .print_directives(false)
        .lint(|_| {
            vec![
                Finding::new(Level::Warn, "demo-warning", "worth a look\nsecond line").object("public.notes").help("or allow it"),
                Finding::new(Level::Note, "demo-allowed", "allowed with a reason").object("public.notes").help("allowed: tiny table"),
            ]
        })
        .emit()
        .unwrap();
    assert!(
        report.directives.contains(&"cargo:warning=pgarchitect warning[demo-warning] public.notes: worth a look second line".to_owned()),
        "{:?}",
        report.directives
    );
    assert!(report.directives.contains(&"cargo:warning=  help: or allow it".to_owned()), "{:?}", report.directives);
    // Notes, such as allowed findings, are not printed at every build: they are in SCHEMA.md.
    assert!(!report.directives.iter().any(|d| d.contains("demo-allowed") || d.contains("tiny table")), "{:?}", report.directives);
    let md = std::fs::read_to_string(dir.join("SCHEMA.md")).unwrap();
    assert!(md.contains("`demo-allowed`"), "notes reach the lint summary");
    assert!(
        md.contains("| warning | `demo-warning` | `public.notes` | worth a look<br>second line<br>Help: or allow it |"),
        "the findings reach the lint summary"
    );

    let err = Emitter::new(&schema)
        .out_dir(&dir)
        .check(false)
        .print_directives(false)
        .lint(|_| vec![Finding::new(Level::Deny, "demo-deny", "not allowed").object("public.accounts")])
        .emit()
        .unwrap_err();
    assert!(matches!(&err, EmitError::Denied { findings } if findings.len() == 1), "{err}");
    assert!(err.to_string().contains("error[demo-deny] public.accounts: not allowed"), "{err}");
    assert!(std::fs::read_to_string(dir.join("SCHEMA.md")).unwrap().contains("`demo-deny`"), "written before failing, for reading");
}

#[test]
fn cargo_directives() {
    let dir = scratch("directives");
    let schema = demo_schema::schema();
    let report = demo_emitter(&schema)
        .out_dir(dir.join("out"))
        .checked_in(dir.join("generated"))
        .rerun_if_changed("../schema/src")
        .check(false)
        .emit()
        .unwrap();
    assert_eq!(
        report.directives,
        ["cargo:rerun-if-changed=build.rs", &format!("cargo:rerun-if-env-changed={CHECK_ENV}"), "cargo:rerun-if-changed=../schema/src"]
    );
    let report = demo_emitter(&schema).checked_in(dir.join("generated")).check(true).emit().unwrap();
    let watched: Vec<&String> = report.directives.iter().filter(|d| d.contains("/generated/")).collect();
    assert_eq!(watched.len(), 4, "check mode watches the checked-in files: {:?}", report.directives);

    let err = Emitter::new(&schema).out_dir_from_env().print_directives(false).check(false).emit();
    if std::env::var_os("OUT_DIR").is_none() {
        assert!(matches!(err, Err(EmitError::NoOutDir)));
    }
}

#[test]
fn check_mode_from_the_environment() {
    // The only test that reads the variable: the others set check mode explicitly.
    let schema = demo_schema::schema();
    std::env::set_var(CHECK_ENV, "1");
    let on = Emitter::new(&schema).is_check();
    std::env::set_var(CHECK_ENV, "0");
    let off = Emitter::new(&schema).is_check();
    std::env::remove_var(CHECK_ENV);
    assert!(on && !off);
    assert!(Emitter::new(&schema).check(true).is_check());
}

#[test]
fn demo_lint_is_clean() {
    assert!(demo_schema::lint(&demo_schema::schema()).is_empty());
}

// ---- user review (session 2026-12-02) ----

/// What the README says of the build.rs flow holds, with the calls it names: an
/// emitter without a lint step prints no finding and `SCHEMA.md` has no design
/// review; `.lint(|s| s.lint().to_findings())` prints the built-in review's
/// findings, and `with_design_review` adds its open questions. The README
/// promised findings from the emitter alone, which a user following it never saw.
#[test]
fn readme_build_rs_calls_lint_and_review() {
    use pgarchitect::docs::MarkdownOptions;
    use pgarchitect::model::{Column, Table};
    use pgarchitect::{Schema, SqlType};

    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for call in ["`.lint(|s| s.lint().to_findings())`", "`.markdown_options(MarkdownOptions::new().with_design_review(&schema))`"] {
        assert!(flat.contains(call), "the README's build.rs paragraph does not name {call}");
    }

    // A table the built-in review has something to say about (no comment, no timestamps,
    // a time column with no recorded volume).
    let schema = Schema::builder()
        .add_table(Table::new("events").column(Column::new("id", SqlType::BigInt)).column(Column::new("occurred_at", SqlType::Timestamptz)).primary_key(["id"]))
        .build()
        .unwrap();
    let warnings = |report: &pgarchitect::build_support::Report| report.directives.iter().filter(|d| d.starts_with("cargo:warning=")).count();

    let bare = Emitter::new(&schema).out_dir(scratch("readme_bare")).print_directives(false).emit().unwrap();
    assert_eq!(warnings(&bare), 0, "{:?}", bare.directives);
    let md = Emitter::new(&schema).render().into_iter().find(|f| f.output == Output::Markdown).unwrap().contents;
    assert!(!md.contains("### Open questions") && !md.contains("### Lint summary"));

    let reviewed = Emitter::new(&schema)
        .markdown_options(MarkdownOptions::new().with_design_review(&schema))
        .lint(|s| s.lint().to_findings())
        .out_dir(scratch("readme_reviewed"))
        .print_directives(false)
        .emit()
        .unwrap();
    assert!(reviewed.directives.iter().any(|d| d.starts_with("cargo:warning=pgarchitect warning[table-without-comment] public.events")), "{:?}", reviewed.directives);
    let md = std::fs::read_to_string(scratch_path("readme_reviewed").join("SCHEMA.md")).unwrap();
    assert!(md.contains("### Lint summary") && md.contains("### Open questions") && md.contains("How many rows will public.events hold"), "{md}");
}

fn scratch_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("build_demo").join(name)
}
