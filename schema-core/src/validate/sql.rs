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

impl<'a> Word<'a> {
    /// As written (see the field).
    pub fn raw(&self) -> &'a str {
        self.raw
    }
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
    Words(tokens(sql))
}

/// Iterator behind [`words`]: the [`Token::Word`]s of [`tokens`].
pub(crate) struct Words<'a>(Tokens<'a>);

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        loop {
            if let Token::Word(word) = self.0.next()? {
                return Some(word);
            }
        }
    }
}

/// One token of an expression, comments and whitespace left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// An identifier or keyword.
    Word(Word<'a>),
    /// A string constant: `'...'`, `E'...'`, `N'...'` or dollar-quoted.
    String(StringConstant<'a>),
    /// An operator, split as PostgreSQL splits them (`=`, `<>`, `!~*`, `||`; `=-1`
    /// is `=` then `-`).
    Operator(&'a str),
    /// Punctuation: `(`, `)`, `[`, `]`, `,`, `;`, `:`, `::` or `.`.
    Punct(&'a str),
    /// A number, a parameter (`$1`), or a bit, hex or Unicode-escape string constant.
    Other(&'a str),
}

/// The tokens between the `(` at `open` and its matching `)`, brackets left out,
/// each with its position in `toks` and its depth (1: directly inside). Empty
/// when `toks[open]` is not `(`.
pub(crate) fn enclosed<'t, 'a>(toks: &'t [Token<'a>], open: usize) -> Vec<(usize, usize, &'t Token<'a>)> {
    let mut out = Vec::new();
    if toks.get(open) != Some(&Token::Punct("(")) {
        return out;
    }
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t {
            Token::Punct("(" | "[") => depth += 1,
            Token::Punct(")" | "]") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => out.push((j, depth, t)),
        }
    }
    out
}

/// A string constant of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StringConstant<'a> {
    /// As written, with its prefix and quotes (`E'a\\.b'`, `$$x$$`).
    pub raw: &'a str,
    /// Its value: doubled quotes undone and, in `E'...'`, backslash escapes resolved
    /// (octal and hex escapes as bytes of UTF-8 text).
    pub value: String,
}

/// The tokens of `sql`: words, string constants, operators and punctuation.
pub(crate) fn tokens(sql: &str) -> Tokens<'_> {
    Tokens { sql, pos: 0, after_dot: false }
}

/// Where the comment starting at byte `i` of `bytes` ends: a `--` comment at
/// its line break, a `/* */` comment after its close (block comments nest in
/// PostgreSQL), an unclosed one at the end; `None` if no comment starts there.
pub(crate) fn comment_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes[i..].starts_with(b"--") {
        return Some(bytes[i..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |p| i + p));
    }
    if !bytes[i..].starts_with(b"/*") {
        return None;
    }
    let (mut depth, mut j) = (0usize, i);
    while j < bytes.len() {
        if bytes[j..].starts_with(b"/*") {
            depth += 1;
            j += 2;
        } else if bytes[j..].starts_with(b"*/") {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Some(j);
            }
        } else {
            j += 1;
        }
    }
    Some(bytes.len())
}

/// Iterator behind [`tokens`].
pub(crate) struct Tokens<'a> {
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

fn is_operator_byte(b: u8) -> bool {
    b"+-*/<>=~!@#%^&|`?".contains(&b)
}

/// The value of a string constant's body (between its quotes).
fn string_value(body: &str, backslash_escapes: bool) -> String {
    if !backslash_escapes {
        return body.replace("''", "'");
    }
    let b = body.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let digits = |from: usize, max: usize, radix: u32| -> (u32, usize) {
        let mut value = 0u32;
        let mut n = 0;
        while n < max {
            match b.get(from + n).and_then(|&d| char::from(d).to_digit(radix)) {
                Some(d) => value = value.wrapping_mul(radix).wrapping_add(d),
                None => break,
            }
            n += 1;
        }
        (value, n)
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => {
                out.push(b'\'');
                i += 2;
            }
            b'\\' if i + 1 < b.len() => {
                let c = b[i + 1];
                i += 2;
                match c {
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'0'..=b'7' => {
                        let (rest, n) = digits(i, 2, 8);
                        let value = u32::from(c - b'0') * 8u32.pow(n as u32) + rest;
                        out.push((value & 0xff) as u8);
                        i += n;
                    }
                    b'x' if digits(i, 1, 16).1 == 1 => {
                        let (value, n) = digits(i, 2, 16);
                        out.push(value as u8);
                        i += n;
                    }
                    b'u' | b'U' => {
                        let len = if c == b'u' { 4 } else { 8 };
                        let (value, n) = digits(i, len, 16);
                        match char::from_u32(value).filter(|_| n == len) {
                            Some(ch) => {
                                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                                i += n;
                            }
                            None => out.push(c),
                        }
                    }
                    other => out.push(other),
                }
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl<'a> Tokens<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.sql.as_bytes()
    }

    /// Skips a string constant whose opening quote is at `self.pos`; returns its body.
    fn skip_string(&mut self, backslash_escapes: bool) -> &'a str {
        let bytes = self.bytes();
        let start = self.pos + 1;
        let mut i = start;
        let mut end = None;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if backslash_escapes => i += 2,
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b'\'' => {
                    end = Some(i);
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
        self.pos = i.min(bytes.len());
        &self.sql[start.min(bytes.len())..end.unwrap_or(bytes.len())]
    }

    /// A string constant with its prefix starting at `start`, its quote at `self.pos`.
    fn string(&mut self, start: usize, backslash_escapes: bool) -> Token<'a> {
        let body = self.skip_string(backslash_escapes);
        self.after_dot = false;
        Token::String(StringConstant { raw: &self.sql[start..self.pos], value: string_value(body, backslash_escapes) })
    }

    /// Skips whitespace and comments from `i`; returns where the next token starts.
    fn skip_blank(&self, mut i: usize) -> usize {
        let bytes = self.bytes();
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match comment_end(bytes, i) {
                Some(end) => i = end,
                None => return i,
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

    fn word(&mut self, end: usize, raw: &'a str, quoted: bool) -> Token<'a> {
        self.pos = end;
        let next = self.skip_blank(end);
        let word = Word { raw, quoted, after_dot: self.after_dot, before_paren: self.bytes().get(next) == Some(&b'(') };
        self.after_dot = false;
        Token::Word(word)
    }

    /// The operator starting at `i`.
    fn operator(&mut self, i: usize) -> Token<'a> {
        let bytes = self.bytes();
        let mut j = i + 1;
        while j < bytes.len() && is_operator_byte(bytes[j]) && !bytes[j..].starts_with(b"--") && !bytes[j..].starts_with(b"/*") {
            j += 1;
        }
        // A multi-character operator ends in `+` or `-` only if it also holds one of
        // `~ ! @ # % ^ & | ` ?` (so `=-1` is `=` then `-1`).
        if !bytes[i..j].iter().any(|b| b"~!@#%^&|`?".contains(b)) {
            while j - i > 1 && matches!(bytes[j - 1], b'+' | b'-') {
                j -= 1;
            }
        }
        self.pos = j;
        self.after_dot = false;
        Token::Operator(&self.sql[i..j])
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.bytes();
        self.pos = self.skip_blank(self.pos);
        let i = self.pos;
        let &b = bytes.get(i)?;
        Some(match b {
            b'\'' => self.string(i, false),
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
                self.word((j + 1).min(bytes.len()), raw, true)
            }
            b'$' => match self.dollar_tag(i) {
                Some(tag) => {
                    let body = i + tag.len();
                    let close = self.sql[body..].find(tag).map(|k| body + k);
                    self.pos = close.map_or(bytes.len(), |k| k + tag.len());
                    self.after_dot = false;
                    let value = self.sql[body.min(bytes.len())..close.unwrap_or(bytes.len())].to_owned();
                    Token::String(StringConstant { raw: &self.sql[i..self.pos], value })
                }
                None => {
                    // A parameter (`$1`).
                    self.pos = i + 1;
                    while self.pos < bytes.len() && bytes[self.pos].is_ascii_digit() {
                        self.pos += 1;
                    }
                    Token::Other(&self.sql[i..self.pos])
                }
            },
            b'.' => {
                self.pos = i + 1;
                self.after_dot = true;
                Token::Punct(".")
            }
            b if b.is_ascii_digit() => {
                // Numbers, with exponents and hex/underscore forms: no words inside.
                let mut j = i;
                while j < bytes.len() && (is_word_byte(bytes[j]) || bytes[j] == b'.') {
                    j += 1;
                }
                self.pos = j;
                self.after_dot = false;
                Token::Other(&self.sql[i..j])
            }
            b if is_word_start(b) => {
                let mut j = i;
                while j < bytes.len() && is_word_byte(bytes[j]) {
                    j += 1;
                }
                // `E'...'`: a string constant with backslash escapes; `N'..'` a plain
                // one; `B'..'`, `X'..'` and `U&'..'` are bit, hex and Unicode ones.
                let prefix = &self.sql[i..j];
                if bytes.get(j) == Some(&b'\'') && prefix.len() == 1 {
                    self.pos = j;
                    if prefix.eq_ignore_ascii_case("e") || prefix.eq_ignore_ascii_case("n") {
                        return Some(self.string(i, prefix.eq_ignore_ascii_case("e")));
                    }
                    self.skip_string(false);
                    self.after_dot = false;
                    return Some(Token::Other(&self.sql[i..self.pos]));
                }
                if prefix.eq_ignore_ascii_case("u") && bytes[j..].starts_with(b"&'") {
                    self.pos = j + 1;
                    self.skip_string(false);
                    self.after_dot = false;
                    return Some(Token::Other(&self.sql[i..self.pos]));
                }
                self.word(j, prefix, false)
            }
            b if is_operator_byte(b) => self.operator(i),
            b':' => {
                let len = if bytes.get(i + 1) == Some(&b':') { 2 } else { 1 };
                self.pos = i + len;
                self.after_dot = false;
                Token::Punct(&self.sql[i..i + len])
            }
            _ => {
                // ASCII punctuation (bytes >= 0x80 start words).
                self.pos = i + 1;
                self.after_dot = false;
                Token::Punct(&self.sql[i..=i])
            }
        })
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

    fn token_kinds(sql: &str) -> Vec<String> {
        tokens(sql)
            .map(|t| match t {
                Token::Word(w) => format!("w:{}", w.raw),
                Token::String(s) => format!("s:{}", s.value),
                Token::Operator(o) => format!("o:{o}"),
                Token::Punct(p) => format!("p:{p}"),
                Token::Other(o) => format!("x:{o}"),
            })
            .collect()
    }

    #[test]
    fn tokens_split_operators_and_read_string_values() {
        assert_eq!(
            token_kinds("VALUE !~* 'it''s' AND x=-1 OR y<>'a'::text -- 'no'\n/* 'no' */"),
            ["w:VALUE", "o:!~*", "s:it's", "w:AND", "w:x", "o:=", "o:-", "x:1", "w:OR", "w:y", "o:<>", "s:a", "p:::", "w:text"]
        );
        assert_eq!(token_kinds("f(a, $1) || $$x|y$$ @-"), ["w:f", "p:(", "w:a", "p:,", "x:$1", "p:)", "o:||", "s:x|y", "o:@-"]);
        assert_eq!(token_kinds(r"E'a\\.b\'c\n\x41\101\u00e9\q' N'n' B'01' X'ff' U&'d' 'back\slash'"), [
            "s:a\\.b'c\nAAéq",
            "s:n",
            "x:B'01'",
            "x:X'ff'",
            "x:U&'d'",
            "s:back\\slash"
        ]);
        let Some(Token::String(s)) = tokens("  e'x'").next() else { panic!() };
        assert_eq!(s.raw, "e'x'");
        // Unterminated constants end the text.
        assert_eq!(token_kinds("'abc"), ["s:abc"]);
        assert_eq!(token_kinds("$q$abc"), ["s:abc"]);
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
