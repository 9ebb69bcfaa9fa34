//! Rendering findings: rustc-like text for people, JSON for machines (written by
//! hand, so the core crate needs no serde).

use std::fmt::{self, Write};

use super::{Diagnostic, LintReport, Severity};

pub(super) fn write_human(f: &mut impl Write, d: &Diagnostic) -> fmt::Result {
    writeln!(f, "{}[{}]: {}", d.severity, d.rule, d.message)?;
    writeln!(f, "  --> {}", d.object)?;
    write!(f, "  = help: {}", d.help)
}

pub(super) fn write_report(f: &mut impl Write, report: &LintReport) -> fmt::Result {
    for d in &report.diagnostics {
        write_human(f, d)?;
        f.write_str("\n\n")?;
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    write!(
        f,
        "{}, {}, {}; {} allowed with a reason",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.count(Severity::Info), "info"),
        report.allowed.len()
    )
}

pub(super) fn report_json(report: &LintReport) -> String {
    let mut out = String::from("{\"diagnostics\":[");
    for (i, d) in report.diagnostics.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_diagnostic(&mut out, d, None);
    }
    out.push_str("],\"allowed\":[");
    for (i, a) in report.allowed.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_diagnostic(&mut out, &a.diagnostic, Some(&a.reason));
    }
    out.push_str("]}");
    out
}

pub(super) fn write_json_diagnostic(out: &mut String, d: &Diagnostic, reason: Option<&str>) {
    out.push_str("{\"rule\":");
    json_string(out, d.rule);
    out.push_str(",\"severity\":");
    json_string(out, d.severity.as_str());
    out.push_str(",\"object\":");
    json_string(out, &d.object);
    out.push_str(",\"table\":");
    match &d.table {
        Some(t) => json_string(out, &t.to_string()),
        None => out.push_str("null"),
    }
    out.push_str(",\"column\":");
    match &d.column {
        Some(c) => json_string(out, c),
        None => out.push_str("null"),
    }
    out.push_str(",\"message\":");
    json_string(out, &d.message);
    out.push_str(",\"help\":");
    json_string(out, &d.help);
    if let Some(reason) = reason {
        out.push_str(",\"reason\":");
        json_string(out, reason);
    }
    out.push('}');
}

/// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
pub(crate) fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QualifiedName;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        json_string(&mut out, text);
        out
    }

    #[test]
    fn json_strings_escape_everything_json_requires() {
        assert_eq!(escaped("plain"), r#""plain""#);
        assert_eq!(escaped(r#"a "quoted" \ path"#), r#""a \"quoted\" \\ path""#);
        assert_eq!(escaped("line\nnext\ttab\r"), r#""line\nnext\ttab\r""#);
        assert_eq!(escaped("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(escaped("é€\u{2028}"), "\"é€\\u2028\"");
    }

    #[test]
    fn human_output_looks_like_rustc() {
        let d = Diagnostic {
            rule: "foreign-key-without-index",
            severity: Severity::Warning,
            object: "public.posts.user_id".into(),
            table: Some(QualifiedName::public("posts")),
            column: Some("user_id".into()),
            message: "no index".into(),
            help: "add one".into(),
        };
        assert_eq!(d.to_string(), "warning[foreign-key-without-index]: no index\n  --> public.posts.user_id\n  = help: add one");
        assert_eq!(
            d.to_json(),
            r#"{"rule":"foreign-key-without-index","severity":"warning","object":"public.posts.user_id","table":"public.posts","column":"user_id","message":"no index","help":"add one"}"#
        );
        let report = LintReport { diagnostics: vec![d], allowed: vec![] };
        assert!(report.to_string().ends_with("0 errors, 1 warning, 0 infos; 0 allowed with a reason"));
        assert!(report.to_json().starts_with(r#"{"diagnostics":[{"rule":"#));
        assert!(report.to_json().ends_with(r#"],"allowed":[]}"#));
    }
}
