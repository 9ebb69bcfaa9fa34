//! Just enough SQL lexing for the checks that look inside expressions (generated
//! columns, index expressions and predicates, checks, defaults): the words of an
//! expression outside string constants, dollar quotes and comments, with quoted
//! identifiers kept apart from bare words.

/// One identifier or keyword of an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word<'a> {
    /// As written: the text between the quotes for a quoted identifier (with `""`
    /// still doubled), the bare word otherwise.
    raw: &'a str,
    /// Written in double quotes.
    pub quoted: bool,
    /// Follows a `.` (a qualified name's later part or a field selection).
    pub after_dot: bool,
    /// Followed by `(` (a function call).
    pub before_paren: bool,
}

impl Word<'_> {
    /// Whether the word names identifier `name` (bare words fold ASCII letters to
    /// lower case, as PostgreSQL does; quoted ones match exactly).
    pub fn is_identifier(&self, name: &str) -> bool {
        if self.quoted {
            let mut unescaped = self.raw.split("\"\"");
            let mut rest = name;
            let Some(first) = unescaped.next() else { return name.is_empty() };
            let Some(after) = rest.strip_prefix(first) else { return false };
            rest = after;
            for part in unescaped {
                let Some(after) = rest.strip_prefix('"').and_then(|r| r.strip_prefix(part)) else { return false };
                rest = after;
            }
            rest.is_empty()
        } else {
            self.raw.len() == name.len() && self.raw.bytes().zip(name.bytes()).all(|(a, b)| a.to_ascii_lowercase() == b)
        }
    }

    /// Whether the word is the keyword `keyword` (lower case), written bare.
    pub fn is_keyword(&self, keyword: &str) -> bool {
        !self.quoted && self.raw.eq_ignore_ascii_case(keyword)
    }
}

/// The words of `sql`, skipping string constants (`'...'`, `E'...'`), dollar-quoted
/// strings, numbers, parameters and comments.
pub(crate) fn words(sql: &str) -> Words<'_> {
    Words { sql, pos: 0, after_dot: false }
}

/// Iterator behind [`words`].
pub(crate) struct Words<'a> {
    sql: &'a str,
    pos: usize,
    after_dot: bool,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    is_word_start(b) || b.is_ascii_digit() || b == b'$'
}

impl<'a> Words<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.sql.as_bytes()
    }

    /// Skips a string constant whose opening quote is at `self.pos`.
    fn skip_string(&mut self, backslash_escapes: bool) {
        let bytes = self.bytes();
        let mut i = self.pos + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if backslash_escapes => i += 2,
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b'\'' => {
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
        self.pos = i.min(bytes.len());
    }

    /// Skips whitespace and comments from `i`; returns where the next token starts.
    fn skip_blank(&self, mut i: usize) -> usize {
        let bytes = self.bytes();
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if bytes[i..].starts_with(b"--") {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            } else if bytes[i..].starts_with(b"/*") {
                // Block comments nest in PostgreSQL.
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            } else {
                return i;
            }
        }
    }

    /// The tag of a dollar quote (`$tag$`, `$$`) starting at `i`, if one starts there.
    fn dollar_tag(&self, i: usize) -> Option<&'a str> {
        let bytes = self.bytes();
        let mut j = i + 1;
        if j < bytes.len() && !bytes[j].is_ascii_digit() {
            while j < bytes.len() && (is_word_start(bytes[j]) || bytes[j].is_ascii_digit()) {
                j += 1;
            }
        }
        (bytes.get(j) == Some(&b'$')).then(|| &self.sql[i..=j])
    }

    fn word(&mut self, end: usize, raw: &'a str, quoted: bool) -> Word<'a> {
        self.pos = end;
        let next = self.skip_blank(end);
        let word = Word { raw, quoted, after_dot: self.after_dot, before_paren: self.bytes().get(next) == Some(&b'(') };
        self.after_dot = false;
        word
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let bytes = self.bytes();
        loop {
            self.pos = self.skip_blank(self.pos);
            let i = self.pos;
            let &b = bytes.get(i)?;
            match b {
                b'\'' => {
                    self.skip_string(false);
                    self.after_dot = false;
                }
                b'"' => {
                    let mut j = i + 1;
                    while j < bytes.len() {
                        if bytes[j] == b'"' {
                            if bytes.get(j + 1) == Some(&b'"') {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j += 1;
                    }
                    let raw = &self.sql[i + 1..j.min(bytes.len())];
                    return Some(self.word((j + 1).min(bytes.len()), raw, true));
                }
                b'$' => match self.dollar_tag(i) {
                    Some(tag) => {
                        let body = i + tag.len();
                        self.pos = self.sql[body..].find(tag).map_or(bytes.len(), |k| body + k + tag.len());
                        self.after_dot = false;
                    }
                    None => {
                        // A parameter (`$1`).
                        self.pos = i + 1;
                        while self.pos < bytes.len() && bytes[self.pos].is_ascii_digit() {
                            self.pos += 1;
                        }
                    }
                },
                b'.' => {
                    self.pos = i + 1;
                    self.after_dot = true;
                }
                b if b.is_ascii_digit() => {
                    // Numbers, with exponents and hex/underscore forms: no words inside.
                    let mut j = i;
                    while j < bytes.len() && (is_word_byte(bytes[j]) || bytes[j] == b'.') {
                        j += 1;
                    }
                    self.pos = j;
                    self.after_dot = false;
                }
                b if is_word_start(b) => {
                    let mut j = i;
                    while j < bytes.len() && is_word_byte(bytes[j]) {
                        j += 1;
                    }
                    // `E'...'`: a string constant with backslash escapes; `B'..'`,
                    // `X'..'`, `N'..'` and `U&'..'` are plain ones.
                    let prefix = &self.sql[i..j];
                    if bytes.get(j) == Some(&b'\'') && prefix.len() == 1 {
                        self.pos = j;
                        self.skip_string(prefix.eq_ignore_ascii_case("e"));
                        self.after_dot = false;
                        continue;
                    }
                    if prefix.eq_ignore_ascii_case("u") && bytes[j..].starts_with(b"&'") {
                        self.pos = j + 1;
                        self.skip_string(false);
                        self.after_dot = false;
                        continue;
                    }
                    return Some(self.word(j, prefix, false));
                }
                _ => {
                    self.pos = i + 1;
                    self.after_dot = false;
                }
            }
        }
    }
}

/// Whether `sql` holds a subquery (the `SELECT` keyword outside strings, quoted
/// names and comments).
pub(crate) fn has_subquery(sql: &str) -> bool {
    words(sql).any(|w| !w.after_dot && w.is_keyword("select"))
}

/// Functions whose result changes between calls or sessions, called with parentheses.
const VOLATILE_CALLS: &[&str] = &[
    "now",
    "random",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timeofday",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "nextval",
    "currval",
    "lastval",
    "setval",
    "current_setting",
    "txid_current",
    "pg_current_xact_id",
    "pg_backend_pid",
    "inet_client_addr",
    "to_regclass",
];

/// SQL-standard functions written without parentheses (keywords).
const VOLATILE_KEYWORDS: &[&str] = &[
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_schema",
    "current_catalog",
];

/// The first call in `sql` of a function that is not immutable (`now()`,
/// `current_timestamp`, `random()`...), as written.
pub(crate) fn not_immutable(sql: &str) -> Option<&str> {
    words(sql).find_map(|w| {
        if w.quoted {
            return None;
        }
        let call = w.before_paren && VOLATILE_CALLS.iter().any(|f| w.raw.eq_ignore_ascii_case(f));
        let keyword = !w.after_dot && VOLATILE_KEYWORDS.iter().any(|k| w.raw.eq_ignore_ascii_case(k));
        (call || keyword).then_some(w.raw)
    })
}

/// The first of `names` that `sql` refers to as an identifier (not as a function name).
pub(crate) fn first_reference<'n>(sql: &str, names: impl Iterator<Item = &'n str> + Clone) -> Option<&'n str> {
    words(sql).filter(|w| !w.before_paren).find_map(|w| names.clone().find(|n| w.is_identifier(n)))
}

/// A string constant alone, optionally cast (`'active'`, `'active'::status`):
/// its value and the cast's type text.
pub(crate) fn string_constant(sql: &str) -> Option<(String, Option<&str>)> {
    let text = sql.trim();
    let rest = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = rest.char_indices();
    let end = loop {
        let (i, c) = chars.next()?;
        if c == '\'' {
            if rest[i + 1..].starts_with('\'') {
                value.push('\'');
                chars.next();
            } else {
                break i + 1;
            }
        } else {
            value.push(c);
        }
    };
    let after = rest[end..].trim_start();
    if after.is_empty() {
        return Some((value, None));
    }
    let cast = after.strip_prefix("::")?.trim();
    (!cast.is_empty()).then_some((value, Some(cast)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_words(sql: &str) -> Vec<(&str, bool)> {
        words(sql).map(|w| (w.raw, w.quoted)).collect()
    }

    #[test]
    fn strings_comments_and_dollar_quotes_hold_no_words() {
        assert_eq!(
            raw_words("a || 'select x' || E'it\\'s select' -- select\n|| $$select$$ || $t$ select $t$ /* select /* nested */ select */ || b"),
            vec![("a", false), ("b", false)]
        );
        assert_eq!(raw_words("\"Select\" + \"a\"\"b\" + 1e5 + x.y"), vec![("Select", true), ("a\"\"b", true), ("x", false), ("y", false)]);
        assert_eq!(raw_words("U&'select' + B'01' + $1"), vec![]);
    }

    #[test]
    fn identifiers_fold_like_postgresql() {
        let w = words("Total").next().unwrap();
        assert!(w.is_identifier("total") && !w.is_identifier("Total"));
        let w = words("\"To\"\"tal\"").next().unwrap();
        assert!(w.is_identifier("To\"tal") && !w.is_identifier("to\"tal"));
        let w = words("\"\"").next().unwrap();
        assert!(w.is_identifier(""));
    }

    #[test]
    fn finds_subqueries() {
        assert!(has_subquery("a IN (SELECT 1)"));
        assert!(has_subquery("EXISTS (select 1 from t)"));
        assert!(!has_subquery("a <> 'SELECT' AND \"select\" > 0 AND r.select = 1"));
    }

    #[test]
    fn finds_functions_that_are_not_immutable() {
        assert_eq!(not_immutable("created_at > now() - interval '1 day'"), Some("now"));
        assert_eq!(not_immutable("d < CURRENT_DATE"), Some("CURRENT_DATE"));
        assert_eq!(not_immutable("pg_catalog.random ()"), Some("random"));
        assert_eq!(not_immutable("lower(email)"), None);
        assert_eq!(not_immutable("'now()' || \"now\" || now || t.current_date"), None);
    }

    #[test]
    fn finds_references() {
        let names = ["total", "Net"];
        assert_eq!(first_reference("price * qty", names.iter().copied()), None);
        assert_eq!(first_reference("TOTAL * 2", names.iter().copied()), Some("total"));
        assert_eq!(first_reference("\"Net\" + 1", names.iter().copied()), Some("Net"));
        assert_eq!(first_reference("net + 'total' + total(x)", names.iter().copied()), None);
    }

    #[test]
    fn reads_string_constants() {
        assert_eq!(string_constant(" 'it''s' "), Some(("it's".into(), None)));
        assert_eq!(string_constant("'a'::public.status"), Some(("a".into(), Some("public.status"))));
        assert_eq!(string_constant("'a' || 'b'"), None);
        assert_eq!(string_constant("lower('a')"), None);
        assert_eq!(string_constant("'a"), None);
    }
}
