//! Escaping for the text formats the emitters write: GitHub-flavoured Markdown
//! (inline text, table cells, code spans, fenced blocks, heading anchors).

use std::collections::HashMap;
use std::fmt::{self, Display, Write};

/// Plain text in Markdown: every character that could start markup is
/// backslash-escaped, so a comment reads on GitHub exactly as written.
/// Newlines become spaces (use [`Cell`] inside tables).
pub(crate) struct Text<'a>(pub &'a str);

impl Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_text(f, self.0, false)
    }
}

/// Plain text in a table cell: as [`Text`], with `|` escaped and line breaks as `<br>`.
pub(crate) struct Cell<'a>(pub &'a str);

impl Display for Cell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_text(f, self.0, true)
    }
}

fn write_text(f: &mut impl Write, text: &str, cell: bool) -> fmt::Result {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut at_line_start = true;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\r' => continue,
            '\n' => {
                f.write_str(if cell { "<br>" } else { " " })?;
                at_line_start = !cell;
                continue;
            }
            // `_` only starts emphasis at a word boundary; inside snake_case words it is literal.
            '_' => {
                let prev = i.checked_sub(1).map(|j| chars[j]);
                let next = chars.get(i + 1).copied();
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
                if !(word(prev) && word(next)) {
                    f.write_char('\\')?;
                }
            }
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '&' | '~' => f.write_char('\\')?,
            '!' if chars.get(i + 1) == Some(&'[') => f.write_char('\\')?,
            '#' | '+' | '-' | '=' if at_line_start => f.write_char('\\')?,
            // `1. text` or `1) text` at the start of a line would begin a numbered list.
            '.' | ')' if ordered_marker(&chars[..i]) => f.write_char('\\')?,
            _ => {}
        }
        f.write_char(c)?;
        at_line_start = false;
    }
    Ok(())
}

/// Whether `before` (the text of the line so far) is all digits, so that a
/// following `.` or `)` would make the line a numbered list item.
fn ordered_marker(before: &[char]) -> bool {
    let line_start = before.iter().rposition(|c| *c == '\n').map_or(0, |i| i + 1);
    let digits = &before[line_start..];
    !digits.is_empty() && digits.len() <= 9 && digits.iter().all(char::is_ascii_digit)
}

/// Inline code (`` `text` ``) that survives any content: the fence is longer than
/// the longest run of backticks inside, line breaks become spaces, and `|` is
/// escaped so the span can sit in a table cell (GitHub unescapes it there).
pub(crate) struct Code<'a>(pub &'a str);

impl Display for Code<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flat: String = self.0.split_whitespace().collect::<Vec<_>>().join(" ");
        let longest = longest_run(&flat, '`');
        let fence = "`".repeat(longest + 1);
        // A space on each side keeps a leading or trailing backtick off the fence.
        let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.is_empty() { " " } else { "" };
        write!(f, "{fence}{pad}")?;
        for c in flat.chars() {
            if c == '|' {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        write!(f, "{pad}{fence}")
    }
}

/// Code spans for several names, comma-separated.
pub(crate) struct CodeList<'a, S: AsRef<str>>(pub &'a [S]);

impl<S: AsRef<str>> Display for CodeList<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Code(s.as_ref()))?;
        }
        Ok(())
    }
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Writes a fenced code block whose fence no line of `body` can close.
pub(crate) fn write_fenced<W: Write>(out: &mut W, lang: &str, body: &str) -> fmt::Result {
    let fence = "`".repeat(longest_run(body, '`').max(2) + 1);
    writeln!(out, "{fence}{lang}")?;
    for line in body.trim_matches('\n').lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out, "{fence}")
}

/// Writes a table header row and its delimiter row.
pub(crate) fn write_table_head<W: Write>(out: &mut W, columns: &[&str]) -> fmt::Result {
    out.write_str("|")?;
    for c in columns {
        write!(out, " {c} |")?;
    }
    out.write_str("\n|")?;
    for _ in columns {
        out.write_str(" --- |")?;
    }
    out.write_str("\n")
}

/// Writes one table row; each cell is already escaped.
pub(crate) fn write_row<W: Write>(out: &mut W, cells: &[String]) -> fmt::Result {
    out.write_str("|")?;
    for c in cells {
        if c.is_empty() {
            out.write_str("  |")?;
        } else {
            write!(out, " {c} |")?;
        }
    }
    out.write_str("\n")
}

/// Heading anchors as GitHub computes them: lower case, punctuation other than
/// `-` and `_` dropped, spaces to `-`, and `-1`, `-2`... for repeats.
#[derive(Default)]
pub(crate) struct Anchors {
    seen: HashMap<String, usize>,
}

impl Anchors {
    /// The anchor of the next heading with this (rendered) text.
    pub(crate) fn next(&mut self, heading: &str) -> String {
        let base: String = heading
            .chars()
            .flat_map(char::to_lowercase)
            .filter_map(|c| match c {
                ' ' => Some('-'),
                '-' | '_' => Some(c),
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            })
            .collect();
        let n = self.seen.entry(base.clone()).or_insert(0);
        let anchor = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        anchor
    }
}

/// `1 table` / `3 tables`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_but_not_snake_case() {
        assert_eq!(Text("user_id is *the* key").to_string(), "user_id is \\*the\\* key");
        assert_eq!(Text("_private_").to_string(), "\\_private\\_");
        assert_eq!(Text("# not a heading").to_string(), "\\# not a heading");
        assert_eq!(Text("a <b> & [c](d)").to_string(), "a \\<b\\> \\& \\[c\\](d)");
        assert_eq!(Cell("a | b\nc").to_string(), "a \\| b<br>c");
        assert_eq!(Text("2026. A good year!").to_string(), "2026\\. A good year!");
        assert_eq!(Text("see ![img](x)").to_string(), "see \\!\\[img\\](x)");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(Code("id").to_string(), "`id`");
        assert_eq!(Code("a `b` c").to_string(), "``a `b` c``");
        assert_eq!(Code("`x`").to_string(), "`` `x` ``");
        assert_eq!(Code("a || b").to_string(), "`a \\|\\| b`");
        assert_eq!(Code("line\n  two").to_string(), "`line two`");
    }

    #[test]
    fn anchors_follow_github() {
        let mut a = Anchors::default();
        assert_eq!(a.next("Table public.users"), "table-publicusers");
        assert_eq!(a.next("Table public.users"), "table-publicusers-1");
        assert_eq!(a.next("Row-level security"), "row-level-security");
        assert_eq!(a.next("Über_x (y)"), "über_x-y");
    }

    #[test]
    fn fences_outgrow_the_body() {
        let mut s = String::new();
        write_fenced(&mut s, "sql", "SELECT '```'").unwrap();
        assert_eq!(s, "````sql\nSELECT '```'\n````\n");
    }
}
