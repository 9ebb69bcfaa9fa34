//! Line diffs for tests that assert generated DDL (see the `docs` module for
//! how to pin DDL in your own tests).

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A line diff from `expected` to `actual`, or `None` when they are equal.
///
/// Both sides are compared after [`normalize`]: common leading indentation is
/// removed (so an expected string can be indented in the test source), trailing
/// spaces are dropped, and leading and trailing blank lines are ignored.
/// Changed lines are marked `-` (only in expected) and `+` (only in actual),
/// with three lines of context and `@@ -line +line @@` headers.
///
/// ```
/// use pgarchitect_core::docs::ddl_diff;
/// assert_eq!(ddl_diff("a\nb\n", "a\nb"), None);
/// assert_eq!(ddl_diff("a\nb\nc", "a\nB\nc").unwrap(), "@@ -1,3 +1,3 @@\n  a\n- b\n+ B\n  c\n");
/// ```
pub fn ddl_diff(expected: &str, actual: &str) -> Option<String> {
    let expected = normalize(expected);
    let actual = normalize(actual);
    if expected == actual {
        return None;
    }
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    Some(render(&a, &b, &edit_script(&a, &b)))
}

/// Panics with a line diff when `actual` differs from `expected` (see [`ddl_diff`]).
#[track_caller]
pub fn assert_ddl_eq(expected: &str, actual: &str) {
    if let Some(diff) = ddl_diff(expected, actual) {
        panic!("DDL differs from the expected text (- expected, + actual):\n{diff}");
    }
}

/// Removes the common indentation, trailing spaces, and blank lines at both ends.
pub fn normalize(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    let end = lines.iter().rposition(|l| !l.is_empty()).map_or(start, |i| i + 1);
    let lines = &lines[start..end];
    let indent = lines.iter().filter(|l| !l.is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for l in lines {
        out.push_str(l.get(indent..).unwrap_or_else(|| l.trim_start()));
        out.push('\n');
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same,
    Delete,
    Insert,
}

/// The shortest edit script by longest common subsequence, after trimming the
/// common prefix and suffix (which keeps the table small for typical DDL edits).
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (n, m) = (ma.len(), mb.len());
    // lcs[i][j] = LCS length of ma[i..] and mb[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if ma[i] == mb[j] { lcs[at(i + 1, j + 1)] + 1 } else { lcs[at(i + 1, j)].max(lcs[at(i, j + 1)]) };
        }
    }
    let mut ops = vec![Op::Same; prefix];
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && ma[i] == mb[j] {
            ops.push(Op::Same);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[at(i, j + 1)] > lcs[at(i + 1, j)]) {
            ops.push(Op::Insert);
            j += 1;
        } else {
            ops.push(Op::Delete);
            i += 1;
        }
    }
    ops.extend(std::iter::repeat(Op::Same).take(suffix));
    ops
}

fn render(a: &[&str], b: &[&str], ops: &[Op]) -> String {
    // Position in a and b before each op.
    let mut positions = Vec::with_capacity(ops.len());
    let (mut i, mut j) = (0, 0);
    for op in ops {
        positions.push((i, j));
        match op {
            Op::Same => {
                i += 1;
                j += 1;
            }
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    // Hunks: runs of changes with their context, merged when the context overlaps.
    let changed: Vec<usize> = ops.iter().enumerate().filter(|(_, op)| **op != Op::Same).map(|(k, _)| k).collect();
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &k in &changed {
        let (start, end) = (k.saturating_sub(CONTEXT), (k + CONTEXT + 1).min(ops.len()));
        match hunks.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => hunks.push((start, end)),
        }
    }
    let mut out = String::new();
    for (start, end) in hunks {
        let (ai, bj) = positions[start];
        let a_len = ops[start..end].iter().filter(|o| **o != Op::Insert).count();
        let b_len = ops[start..end].iter().filter(|o| **o != Op::Delete).count();
        let range = |first: usize, len: usize| if len == 1 { format!("{}", first + 1) } else { format!("{},{len}", first + 1) };
        out.push_str(&format!("@@ -{} +{} @@\n", range(ai, a_len), range(bj, b_len)));
        for k in start..end {
            let (pi, pj) = positions[k];
            match ops[k] {
                Op::Same => out.push_str(&format!("  {}\n", a[pi])),
                Op::Delete => out.push_str(&format!("- {}\n", a[pi])),
                Op::Insert => out.push_str(&format!("+ {}\n", b[pj])),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_after_normalizing() {
        assert_eq!(ddl_diff("\n    a\n      b  \n", "a\n  b"), None);
    }

    #[test]
    fn shows_changes_with_context() {
        let a: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let b = a.replace("\n5\n", "\nfive\n") + "twenty-one\n";
        assert_eq!(
            ddl_diff(&a, &b).unwrap(),
            "@@ -2,7 +2,7 @@\n  2\n  3\n  4\n- 5\n+ five\n  6\n  7\n  8\n@@ -18,3 +18,4 @@\n  18\n  19\n  20\n+ twenty-one\n"
        );
    }

    #[test]
    fn insertions_and_deletions_only() {
        assert_eq!(ddl_diff("", "a").unwrap(), "@@ -1,0 +1 @@\n+ a\n");
        assert_eq!(ddl_diff("a\nb", "b").unwrap(), "@@ -1,2 +1 @@\n- a\n  b\n");
    }
}
