//! Compile-time syntax check of `#[column(sql_type = "...")]`.
//!
//! Only the shape is checked here (the derive cannot see pgarchitect-core's type
//! table); whether the name is a known type and its modifiers fit is checked by
//! `__private::check_sql_type` when the table is added to a schema.

/// Checks `text` against: a type name (words, optionally `schema.`-qualified,
/// parts optionally double-quoted), optional `(int)` or `(int, int)`, then any
/// number of `[]`. Returns what is wrong.
pub fn check_syntax(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the type is empty".to_owned());
    }
    if text.contains(';') {
        return Err("a type cannot contain `;`".to_owned());
    }
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    p.ws();
    p.name()?;
    p.ws();
    if p.eat(b'(') {
        p.ws();
        p.int()?;
        p.ws();
        if p.eat(b',') {
            p.ws();
            p.int()?;
            p.ws();
        }
        if !p.eat(b')') {
            return Err("type modifiers are one or two integers in parentheses, such as `(50)` or `(12, 2)`".to_owned());
        }
        p.ws();
    }
    while p.eat(b'[') {
        p.ws();
        if !p.eat(b']') {
            return Err("array types end in `[]`".to_owned());
        }
        p.ws();
    }
    if p.i < p.s.len() {
        let rest = String::from_utf8_lossy(&p.s[p.i..]).into_owned();
        return Err(format!("unexpected `{rest}` after the type"));
    }
    Ok(())
}

/// Parses an object name written as SQL: `name` or `schema.name`, each part
/// an identifier (folded to lowercase, as PostgreSQL does) or double-quoted.
/// Returns the schema, if written, and the name.
pub fn qualified_name(text: &str) -> Result<(Option<String>, String), String> {
    if text.trim().is_empty() {
        return Err("the name is empty".to_owned());
    }
    if text.contains('(') {
        return Err("write the name alone, without `()` or arguments".to_owned());
    }
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let mut parts = Vec::new();
    loop {
        p.ws();
        let start = p.i;
        p.part(false).map_err(|e| e.replace("a type name", "a name"))?;
        let raw = &text[start..p.i];
        parts.push(match raw.strip_prefix('"') {
            Some(quoted) => quoted[..quoted.len() - 1].replace("\"\"", "\""),
            None => raw.to_lowercase(),
        });
        p.ws();
        if !p.eat(b'.') {
            break;
        }
    }
    if p.i < p.s.len() {
        let rest = String::from_utf8_lossy(&p.s[p.i..]).into_owned();
        return Err(format!("unexpected `{rest}` after the name"));
    }
    match parts.len() {
        1 => Ok((None, parts.pop().unwrap_or_default())),
        2 => {
            let name = parts.pop().unwrap_or_default();
            Ok((parts.pop(), name))
        }
        _ => Err("a name has at most two parts: `schema.name`".to_owned()),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn word(&mut self) -> bool {
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => self.i += 1,
            _ => return false,
        }
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80) {
            self.i += 1;
        }
        true
    }

    fn quoted(&mut self) -> Result<(), String> {
        // Called at the opening quote; `""` inside is an escaped quote.
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                None => return Err("unterminated double-quoted name".to_owned()),
                Some(b'"') if self.s.get(self.i + 1) == Some(&b'"') => self.i += 2,
                Some(b'"') => break,
                Some(_) => self.i += 1,
            }
        }
        if self.i == start {
            return Err("a double-quoted name cannot be empty".to_owned());
        }
        self.i += 1;
        Ok(())
    }

    /// One part of a qualified name: `"Quoted"`, or words (`double precision`).
    fn part(&mut self, multi_word: bool) -> Result<(), String> {
        if self.peek() == Some(b'"') {
            return self.quoted();
        }
        if !self.word() {
            return Err(match self.peek() {
                Some(c) => format!("expected a type name, found `{}`", c as char),
                None => "expected a type name".to_owned(),
            });
        }
        if multi_word {
            loop {
                let save = self.i;
                self.ws();
                if self.i == save || !self.word() {
                    self.i = save;
                    break;
                }
            }
        }
        Ok(())
    }

    fn name(&mut self) -> Result<(), String> {
        let start = self.i;
        self.part(false)?;
        self.ws();
        if self.eat(b'.') {
            self.ws();
            self.part(false)?;
        } else {
            // Unqualified names may be several words: `double precision`,
            // `timestamp with time zone`.
            self.i = start;
            self.part(true)?;
        }
        Ok(())
    }

    fn int(&mut self) -> Result<(), String> {
        self.eat(b'-');
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return Err("type modifiers must be integers, such as `(50)` or `(12, 2)`".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{check_syntax, qualified_name};

    #[test]
    fn qualified_names() {
        assert_eq!(qualified_name("audit.log_change"), Ok((Some("audit".into()), "log_change".into())));
        assert_eq!(qualified_name("Set_Updated_At"), Ok((None, "set_updated_at".into())));
        assert_eq!(qualified_name("app.\"Odd \"\"Fn\""), Ok((Some("app".into()), "Odd \"Fn".into())));
        for bad in ["", "a.b.c", "fn()", "1fn", "a.", "a b", "\"open"] {
            assert!(qualified_name(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn accepts_types() {
        for ok in [
            "text",
            "varchar(50)",
            "VARCHAR (50)",
            "numeric(12, 2)",
            "numeric(5,-2)",
            "text[]",
            "int4[][]",
            "double precision",
            "timestamp with time zone",
            "app.my_domain",
            "\"My Type\"",
            "app.\"Odd \"\" Type\"[]",
            "character varying(20)",
            " citext ",
        ] {
            assert_eq!(check_syntax(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "  ",
            "text; drop table users",
            "varchar(",
            "varchar(a)",
            "varchar(1,2,3)",
            "text[",
            "1text",
            "a.b.c",
            "\"\"",
            "\"open",
            "text)",
            "app.",
            "varchar(50) x",
        ] {
            assert!(check_syntax(bad).is_err(), "{bad:?} should fail");
        }
    }
}
