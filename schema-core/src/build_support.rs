//! Generated files from `build.rs`: `schema.sql`, `SCHEMA.md`, `schema.mmd` and
//! `schema.dot`, written to `OUT_DIR` and/or a folder you check in, with lint
//! findings as `cargo:warning=` lines and a check mode for CI.
//!
//! Put the schema declarations in a crate of their own and make it a
//! build-dependency of the crate whose `build.rs` writes the files:
//!
//! ```toml
//! [build-dependencies]
//! my-schema = { path = "../schema" }
//! pgarchitect = { version = "0.1", default-features = false }
//! ```
//!
//! ```no_run
//! // build.rs
//! use pgarchitect_core::build_support::Emitter;
//! # mod my_schema { pub fn schema() -> pgarchitect_core::Schema { pgarchitect_core::Schema::builder().build().unwrap() } }
//!
//! fn main() {
//!     let schema = my_schema::schema();
//!     Emitter::new(&schema)
//!         .out_dir_from_env() // OUT_DIR: include_str!(concat!(env!("OUT_DIR"), "/schema.sql"))
//!         .checked_in(concat!(env!("CARGO_MANIFEST_DIR"), "/generated"))
//!         .rerun_if_changed("../schema/src")
//!         .run(); // exits non-zero on deny-level findings or, in check mode, stale files
//! }
//! ```
//!
//! * Files are written only when their content changed, so an unchanged schema
//!   does not make anything that includes them rebuild.
//! * `cargo:rerun-if-changed` is printed for `build.rs` and the paths you give,
//!   and in check mode for the checked-in files (so editing one reruns the
//!   check). The schema crate itself needs none: Cargo reruns a build script
//!   whenever one of its build-dependencies changes. Files the script writes
//!   are not watched, since Cargo would then see them as changed by the run.
//! * Check mode (`PGARCHITECT_CHECK=1` in the environment, or [`Emitter::check`])
//!   writes nothing to the checked-in folder and fails when a file there differs
//!   from what the schema generates, naming the file and the command that
//!   regenerates it. Run CI with it.
//! * The lint step is a closure ([`Emitter::lint`]) returning [`Finding`]s: each
//!   warn- or deny-level one is printed as a `cargo:warning=`, deny-level ones
//!   fail the build, and all of them, notes included, go into `SCHEMA.md`'s
//!   lint summary.
//!
//! Write to a checked-in folder only from crates inside your workspace: a
//! published crate's build script must not modify its own sources.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::docs::{DiagramOptions, MarkdownOptions};
pub use crate::docs::{Finding, Level};
use crate::schema::Schema;

/// The environment variable that turns check mode on (`1`, `true`, `yes`).
pub const CHECK_ENV: &str = "PGARCHITECT_CHECK";

/// A file the emitter writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    /// `schema.sql`: the DDL script.
    Sql,
    /// `SCHEMA.md`: the documentation.
    Markdown,
    /// `schema.mmd`: the Mermaid ER diagram.
    Mermaid,
    /// `schema.dot`: the Graphviz graph.
    Dot,
}

impl Output {
    /// Every output, in the order they are written.
    pub const ALL: [Output; 4] = [Output::Sql, Output::Markdown, Output::Mermaid, Output::Dot];

    /// The file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Sql => "schema.sql",
            Self::Markdown => "SCHEMA.md",
            Self::Mermaid => "schema.mmd",
            Self::Dot => "schema.dot",
        }
    }
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Which output it is.
    pub output: Output,
    /// Its content.
    pub contents: String,
}

type LintFn<'a> = Box<dyn Fn(&Schema) -> Vec<Finding> + 'a>;

/// Where the build output goes.
#[derive(Clone, Debug)]
enum OutDir {
    /// Cargo's `OUT_DIR`, read when emitting.
    FromEnv,
    /// A folder.
    Path(PathBuf),
}

/// Writes the generated files of one schema; configure with the chained
/// methods, then call [`Emitter::emit`] (returns the outcome) or
/// [`Emitter::run`] (for `build.rs`: exits non-zero on failure).
pub struct Emitter<'a> {
    schema: &'a Schema,
    out_dir: Option<OutDir>,
    checked_in: Option<PathBuf>,
    check: Option<bool>,
    outputs: Vec<Output>,
    markdown: MarkdownOptions,
    diagram: DiagramOptions,
    lint: Option<LintFn<'a>>,
    rerun_if_changed: Vec<PathBuf>,
    regenerate: Option<String>,
    print_directives: bool,
}

impl fmt::Debug for Emitter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emitter")
            .field("out_dir", &self.out_dir)
            .field("checked_in", &self.checked_in)
            .field("check", &self.check)
            .field("outputs", &self.outputs)
            .field("lint", &self.lint.is_some())
            .field("rerun_if_changed", &self.rerun_if_changed)
            .finish_non_exhaustive()
    }
}

impl<'a> Emitter<'a> {
    /// An emitter of every [`Output`] with default options, writing nowhere yet.
    pub fn new(schema: &'a Schema) -> Self {
        Self {
            schema,
            out_dir: None,
            checked_in: None,
            check: None,
            outputs: Output::ALL.to_vec(),
            markdown: MarkdownOptions::default(),
            diagram: DiagramOptions::default(),
            lint: None,
            rerun_if_changed: Vec::new(),
            regenerate: None,
            print_directives: true,
        }
    }

    /// Writes the files to `dir` (created if missing).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(OutDir::Path(dir.into()));
        self
    }

    /// Writes the files to Cargo's `OUT_DIR` (read when emitting; an error if unset).
    pub fn out_dir_from_env(mut self) -> Self {
        self.out_dir = Some(OutDir::FromEnv);
        self
    }

    /// Also keeps the files in `dir`, a folder under version control; in check
    /// mode they are compared instead of written.
    pub fn checked_in(mut self, dir: impl Into<PathBuf>) -> Self {
        self.checked_in = Some(dir.into());
        self
    }

    /// Turns check mode on or off, whatever `PGARCHITECT_CHECK` says.
    pub fn check(mut self, check: bool) -> Self {
        self.check = Some(check);
        self
    }

    /// Writes only these outputs.
    pub fn outputs(mut self, outputs: &[Output]) -> Self {
        self.outputs = outputs.to_vec();
        self
    }

    /// Options of `SCHEMA.md`.
    pub fn markdown_options(mut self, options: MarkdownOptions) -> Self {
        self.markdown = options;
        self
    }

    /// Options of `schema.mmd` and `schema.dot` (the Markdown's embedded diagram
    /// follows [`MarkdownOptions::diagram`]).
    pub fn diagram_options(mut self, options: DiagramOptions) -> Self {
        self.diagram = options;
        self
    }

    /// The lint step: findings to print, to fail on (deny level), and to list
    /// in `SCHEMA.md`.
    ///
    /// ```
    /// # use pgarchitect_core::{Schema, build_support::{Emitter, Finding, Level}};
    /// # let schema = Schema::builder().build().unwrap();
    /// let emitter = Emitter::new(&schema).lint(|schema| {
    ///     schema.tables().iter().filter(|t| t.comment.is_none())
    ///         .map(|t| Finding::new(Level::Warn, "table-without-comment", "add a comment").object(t.name.to_string()))
    ///         .collect()
    /// });
    /// # let _ = emitter;
    /// ```
    pub fn lint(mut self, lint: impl Fn(&Schema) -> Vec<Finding> + 'a) -> Self {
        self.lint = Some(Box::new(lint));
        self
    }

    /// Prints `cargo:rerun-if-changed` for `path` (a file, or a folder Cargo scans).
    pub fn rerun_if_changed(mut self, path: impl Into<PathBuf>) -> Self {
        self.rerun_if_changed.push(path.into());
        self
    }

    /// The command named in the stale-file error; `cargo build -p $CARGO_PKG_NAME`
    /// by default.
    pub fn regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.regenerate = Some(command.into());
        self
    }

    /// Whether to print the `cargo:` lines to stdout (on by default; tests turn
    /// it off and read [`Report::directives`]).
    pub fn print_directives(mut self, print: bool) -> Self {
        self.print_directives = print;
        self
    }

    /// Whether check mode is on: [`Emitter::check`], else `PGARCHITECT_CHECK`.
    pub fn is_check(&self) -> bool {
        self.check
            .unwrap_or_else(|| std::env::var(CHECK_ENV).is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")))
    }

    /// The lint findings (none without a lint step).
    pub fn findings(&self) -> Vec<Finding> {
        self.lint.as_ref().map(|lint| lint(self.schema)).unwrap_or_default()
    }

    /// The generated files, without writing anything.
    pub fn render(&self) -> Vec<GeneratedFile> {
        self.render_with(&self.findings())
    }

    fn render_with(&self, findings: &[Finding]) -> Vec<GeneratedFile> {
        let mut markdown = self.markdown.clone();
        if self.lint.is_some() && markdown.findings.is_none() {
            markdown.findings = Some(findings.to_vec());
        }
        self.outputs
            .iter()
            .map(|&output| GeneratedFile {
                output,
                contents: match output {
                    Output::Sql => self.schema.to_ddl(),
                    Output::Markdown => self.schema.to_markdown_with(&markdown),
                    Output::Mermaid => self.schema.to_mermaid_with(&self.diagram),
                    Output::Dot => self.schema.to_dot_with(&self.diagram),
                },
            })
            .collect()
    }

    fn regenerate(&self) -> String {
        self.regenerate.clone().unwrap_or_else(|| match std::env::var("CARGO_PKG_NAME") {
            Ok(name) => format!("cargo build -p {name}"),
            Err(_) => "cargo build".to_owned(),
        })
    }

    /// Lints, writes (or checks) the files, and prints the `cargo:` lines.
    ///
    /// Fails on an I/O error, on deny-level findings (after writing, so the
    /// files can be read), and in check mode on stale checked-in files.
    pub fn emit(self) -> Result<Report, EmitError> {
        let mut report = Report::default();
        let check = self.is_check();
        report.directives.push("cargo:rerun-if-changed=build.rs".to_owned());
        report.directives.push(format!("cargo:rerun-if-env-changed={CHECK_ENV}"));
        for p in &self.rerun_if_changed {
            report.directives.push(format!("cargo:rerun-if-changed={}", p.display()));
        }
        // Only in check mode: a file the script writes itself would look changed
        // to Cargo (newer than the run) and rerun the script once more.
        if let (Some(dir), true) = (&self.checked_in, check) {
            for o in &self.outputs {
                report.directives.push(format!("cargo:rerun-if-changed={}", dir.join(o.file_name()).display()));
            }
        }

        let findings = self.findings();
        // Notes (the allowed findings among them) are read in SCHEMA.md: printed
        // at every build they would bury the warnings.
        for f in findings.iter().filter(|f| f.level != Level::Note) {
            for line in finding_lines(f) {
                report.directives.push(format!("cargo:warning={line}"));
            }
        }
        let files = self.render_with(&findings);

        let result = self.write(&files, check, &mut report);
        let result = result.and_then(|()| {
            let denied: Vec<Finding> = findings.iter().filter(|f| f.level == Level::Deny).cloned().collect();
            if denied.is_empty() {
                Ok(())
            } else {
                Err(EmitError::Denied { findings: denied })
            }
        });
        let result = result.and_then(|()| {
            if report.stale.is_empty() {
                Ok(())
            } else {
                Err(EmitError::Stale { files: report.stale.clone(), regenerate: self.regenerate(), from_env: self.check.is_none() })
            }
        });
        report.findings = findings;
        if let Err(e) = &result {
            for line in e.to_string().lines().filter(|l| !l.trim().is_empty()) {
                report.directives.push(format!("cargo:warning={line}"));
            }
        }
        if self.print_directives {
            for d in &report.directives {
                println!("{d}");
            }
        }
        result.map(|()| report)
    }

    fn write(&self, files: &[GeneratedFile], check: bool, report: &mut Report) -> Result<(), EmitError> {
        if let Some(dir) = &self.out_dir {
            let dir = match dir {
                OutDir::FromEnv => PathBuf::from(std::env::var_os("OUT_DIR").ok_or(EmitError::NoOutDir)?),
                OutDir::Path(p) => p.clone(),
            };
            for f in files {
                let path = dir.join(f.output.file_name());
                if write_if_changed(&path, &f.contents).map_err(|error| EmitError::Io { path: path.clone(), error })? {
                    report.written.push(path);
                } else {
                    report.unchanged.push(path);
                }
            }
        }
        if let Some(dir) = &self.checked_in {
            for f in files {
                let path = dir.join(f.output.file_name());
                if check {
                    let current = match std::fs::read_to_string(&path) {
                        Ok(text) => Some(text),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                        Err(error) => return Err(EmitError::Io { path, error }),
                    };
                    match current {
                        Some(text) if same_text(&text, &f.contents) => report.unchanged.push(path),
                        Some(text) => {
                            let diff = crate::docs::ddl_diff(&text, &f.contents);
                            report.stale.push(StaleFile { path, missing: false, diff });
                        }
                        None => report.stale.push(StaleFile { path, missing: true, diff: None }),
                    }
                } else if write_if_changed(&path, &f.contents).map_err(|error| EmitError::Io { path: path.clone(), error })? {
                    report.written.push(path);
                } else {
                    report.unchanged.push(path);
                }
            }
        }
        Ok(())
    }

    /// [`Emitter::emit`] for `build.rs`: on failure, prints the error (also as
    /// `cargo:warning=` lines) and exits with status 1, which fails the build.
    pub fn run(self) -> Report {
        match self.emit() {
            Ok(report) => report,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
}

/// `warning[rule] object: message` (and the help on a line of its own).
fn finding_lines(f: &Finding) -> Vec<String> {
    let mut head = format!("pgarchitect {}[{}]", f.level.as_str(), f.rule);
    if let Some(o) = &f.object {
        head.push_str(&format!(" {o}"));
    }
    let mut lines = vec![format!("{head}: {}", f.message.split_whitespace().collect::<Vec<_>>().join(" "))];
    if let Some(h) = &f.help {
        lines.push(format!("  help: {}", h.split_whitespace().collect::<Vec<_>>().join(" ")));
    }
    lines
}

/// Equal up to line endings (a checkout with `core.autocrlf` is not stale).
fn same_text(a: &str, b: &str) -> bool {
    a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
}

/// Writes `contents` to `path` unless it holds them already; `true` if written.
/// The write goes through a temporary file and a rename, so a concurrent
/// reader never sees half a file.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    match std::fs::read_to_string(path) {
        Ok(current) if current == contents => return Ok(false),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound || e.kind() == io::ErrorKind::InvalidData => {}
        Err(e) => return Err(e),
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(true)
}

/// What [`Emitter::emit`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// Files written (their content changed or they were missing).
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: Vec<PathBuf>,
    /// Checked-in files that differ from what the schema generates (check mode).
    pub stale: Vec<StaleFile>,
    /// The lint findings.
    pub findings: Vec<Finding>,
    /// The `cargo:` lines, in the order printed.
    pub directives: Vec<String>,
}

/// A checked-in file that is not what the schema generates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StaleFile {
    /// The file.
    pub path: PathBuf,
    /// It does not exist.
    pub missing: bool,
    /// The line diff from its content to the generated one.
    pub diff: Option<String>,
}

/// Why [`Emitter::emit`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmitError {
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: io::Error,
    },
    /// `out_dir_from_env` was used outside a build script (no `OUT_DIR`).
    NoOutDir,
    /// Deny-level lint findings.
    Denied {
        /// The deny-level findings.
        findings: Vec<Finding>,
    },
    /// Check mode: checked-in files are stale.
    Stale {
        /// The stale files.
        files: Vec<StaleFile>,
        /// The command that regenerates them.
        regenerate: String,
        /// Check mode came from the `PGARCHITECT_CHECK` variable.
        from_env: bool,
    },
}

/// Lines of diff shown per stale file.
const DIFF_LINES: usize = 20;

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, error } => write!(f, "pgarchitect: cannot write {}: {error}", path.display()),
            Self::NoOutDir => f.write_str("pgarchitect: OUT_DIR is not set: `out_dir_from_env` works only in a build script"),
            Self::Denied { findings } => {
                writeln!(f, "pgarchitect: {} deny-level lint finding(s):", findings.len())?;
                for finding in findings {
                    for line in finding_lines(finding) {
                        writeln!(f, "  {line}")?;
                    }
                }
                Ok(())
            }
            Self::Stale { files, regenerate, from_env } => {
                for file in files {
                    if file.missing {
                        writeln!(f, "pgarchitect: {} is missing", file.path.display())?;
                    } else {
                        writeln!(f, "pgarchitect: {} is stale: it differs from what the schema declarations generate", file.path.display())?;
                    }
                    if let Some(diff) = &file.diff {
                        let lines: Vec<&str> = diff.lines().collect();
                        for line in lines.iter().take(DIFF_LINES) {
                            writeln!(f, "    {line}")?;
                        }
                        if lines.len() > DIFF_LINES {
                            writeln!(f, "    ... {} more diff lines", lines.len() - DIFF_LINES)?;
                        }
                    }
                }
                let mode = if *from_env { format!("without {CHECK_ENV}") } else { "outside check mode".to_owned() };
                write!(f, "pgarchitect: regenerate with `{regenerate}` ({mode}) and commit the result")
            }
        }
    }
}

impl std::error::Error for EmitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}
