//! Inputs to the Markdown that come from outside the schema graph: design-review
//! findings, open questions, and free sections.

/// How serious a design-review finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Worth knowing; never fails a build, and `build_support::Emitter` does not
    /// print it (it is in the docs).
    Note,
    /// Printed as a `cargo:warning`; the build goes on.
    Warn,
    /// Fails the build.
    Deny,
}

impl Level {
    /// `note`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Warn => "warning",
            Self::Deny => "error",
        }
    }
}

/// One design-review (lint) finding, in the shape the docs and
/// [`crate::build_support`] print. A linter's own finding type converts into it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Finding {
    /// Severity.
    pub level: Level,
    /// The rule id (`foreign-key-without-index`).
    pub rule: String,
    /// The object it is about (`public.posts.user_id`), if any.
    pub object: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it or to allow it.
    pub help: Option<String>,
}

impl Finding {
    /// A finding of `rule` at `level`.
    pub fn new(level: Level, rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self { level, rule: rule.into(), object: None, message: message.into(), help: None }
    }

    /// Sets the object it is about.
    pub fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A question the design leaves open (volume, retention, access patterns...).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct OpenQuestion {
    /// The area (`Data retention`, `public.audit_logs`).
    pub topic: String,
    /// The question.
    pub question: String,
}

impl OpenQuestion {
    /// A question about `topic`.
    pub fn new(topic: impl Into<String>, question: impl Into<String>) -> Self {
        Self { topic: topic.into(), question: question.into() }
    }
}

/// A section of Markdown written by the caller, inserted before the migration
/// instructions. Its body is written as given (it is Markdown already).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Section {
    /// The `##` heading.
    pub title: String,
    /// The body, in Markdown.
    pub markdown: String,
}

impl Section {
    /// A section.
    pub fn new(title: impl Into<String>, markdown: impl Into<String>) -> Self {
        Self { title: title.into(), markdown: markdown.into() }
    }
}
