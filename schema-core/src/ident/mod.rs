//! SQL identifiers and literals: when to quote, how to quote, how long a name may be.
//!
//! PostgreSQL folds unquoted identifiers to lower case and accepts them only when they
//! are not a keyword outside the `UNRESERVED` category. [`Ident`] writes a name
//! bare when PostgreSQL would read it back unchanged, and double-quoted otherwise;
//! [`Literal`] writes a string constant that no input can break out of.

use std::fmt;

mod keywords;

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1`). Longer names are
/// silently truncated by the server, which can merge two distinct names into one.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The grammar category of a PostgreSQL keyword, as `pg_get_keywords()` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeywordCategory {
    /// Reserved: never usable as a bare identifier (`user`, `order`, `check`).
    Reserved,
    /// Usable as a column name but not as a function or type name (`between`, `int`).
    ColumnName,
    /// Usable as a function or type name but not as a column name (`left`, `join`).
    TypeFuncName,
}

/// The category of `word` (lower case) if it is a keyword PostgreSQL does not accept
/// everywhere as a bare identifier.
pub fn keyword_category(word: &str) -> Option<KeywordCategory> {
    keywords::KEYWORDS
        .binary_search_by(|(kw, _)| (*kw).cmp(word))
        .ok()
        .map(|i| keywords::KEYWORDS[i].1)
}

/// Every keyword that is not `UNRESERVED`, with its category, in byte order.
pub fn keywords() -> impl Iterator<Item = (&'static str, KeywordCategory)> {
    keywords::KEYWORDS.iter().copied()
}

/// Whether PostgreSQL reads `name` back unchanged without quotes
/// (same rule as the server's `quote_ident`).
pub fn is_bare_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(b'a'..=b'z' | b'_') => {}
        _ => return false,
    }
    bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_')) && keyword_category(name).is_none()
}

/// An identifier, displayed quoted when (and only when) quoting is needed.
///
/// ```
/// use pgarchitect_core::ident::Ident;
/// assert_eq!(Ident("users").to_string(), "users");
/// assert_eq!(Ident("user").to_string(), "\"user\"");
/// assert_eq!(Ident("Weird \"name\"").to_string(), "\"Weird \"\"name\"\"\"");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Ident<'a>(pub &'a str);

impl fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_bare_identifier(self.0) {
            return f.write_str(self.0);
        }
        f.write_str("\"")?;
        write_doubled(f, self.0, '"')?;
        f.write_str("\"")
    }
}

/// A string constant, written in standard-conforming syntax with quotes doubled.
///
/// ```
/// use pgarchitect_core::ident::Literal;
/// assert_eq!(Literal("it's").to_string(), "'it''s'");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Literal<'a>(pub &'a str);

impl fmt::Display for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `'...'` never treats backslashes specially under standard_conforming_strings
        // (the default since 9.1); an `E` prefix is added only when the text holds
        // backslashes, so a server with the setting off reads the same value.
        if self.0.contains('\\') {
            f.write_str("E'")?;
            let mut rest = self.0;
            while let Some(i) = rest.find(['\'', '\\']) {
                f.write_str(&rest[..i])?;
                f.write_str(if rest.as_bytes()[i] == b'\'' { "''" } else { "\\\\" })?;
                rest = &rest[i + 1..];
            }
            f.write_str(rest)?;
        } else {
            f.write_str("'")?;
            write_doubled(f, self.0, '\'')?;
        }
        f.write_str("'")
    }
}

fn write_doubled(f: &mut impl fmt::Write, text: &str, quote: char) -> fmt::Result {
    let mut parts = text.split(quote);
    if let Some(first) = parts.next() {
        f.write_str(first)?;
    }
    for part in parts {
        f.write_char(quote)?;
        f.write_char(quote)?;
        f.write_str(part)?;
    }
    Ok(())
}

/// Why a name cannot be used as a PostgreSQL identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentifierProblem {
    /// The empty string.
    Empty,
    /// A NUL character, which PostgreSQL cannot store.
    Nul,
    /// More than [`MAX_IDENTIFIER_BYTES`] bytes of UTF-8.
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
}

impl fmt::Display for IdentifierProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("is empty"),
            Self::Nul => f.write_str("contains a NUL character"),
            Self::TooLong { bytes } => write!(
                f,
                "is {bytes} bytes long; PostgreSQL keeps only {MAX_IDENTIFIER_BYTES} and would silently truncate it"
            ),
        }
    }
}

/// Checks that `name` can be stored by PostgreSQL exactly as written.
pub fn check_identifier(name: &str) -> Result<(), IdentifierProblem> {
    if name.is_empty() {
        Err(IdentifierProblem::Empty)
    } else if name.contains('\0') {
        Err(IdentifierProblem::Nul)
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        Err(IdentifierProblem::TooLong { bytes: name.len() })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(keywords::KEYWORDS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn quoting_follows_quote_ident() {
        for (name, expected) in [
            ("users", "users"),
            ("_x1", "_x1"),
            ("user", "\"user\""),
            ("order", "\"order\""),
            ("between", "\"between\""),
            ("left", "\"left\""),
            ("name", "name"),
            ("Users", "\"Users\""),
            ("1abc", "\"1abc\""),
            ("a-b", "\"a-b\""),
            ("a$b", "\"a$b\""),
            ("café", "\"café\""),
            ("a\"b", "\"a\"\"b\""),
            ("", "\"\""),
        ] {
            assert_eq!(Ident(name).to_string(), expected, "{name:?}");
        }
    }

    #[test]
    fn literals_cannot_be_escaped_from() {
        assert_eq!(Literal("plain").to_string(), "'plain'");
        assert_eq!(Literal("a'b").to_string(), "'a''b'");
        assert_eq!(Literal("'; DROP TABLE x; --").to_string(), "'''; DROP TABLE x; --'");
        assert_eq!(Literal(r"a\'b").to_string(), r"E'a\\''b'");
        assert_eq!(Literal("").to_string(), "''");
    }

    #[test]
    fn identifier_limits() {
        assert_eq!(check_identifier(&"a".repeat(63)), Ok(()));
        assert_eq!(check_identifier(&"a".repeat(64)), Err(IdentifierProblem::TooLong { bytes: 64 }));
        // 21 three-byte characters = 63 bytes; one more is over.
        assert_eq!(check_identifier(&"€".repeat(21)), Ok(()));
        assert!(check_identifier(&"€".repeat(22)).is_err());
        assert_eq!(check_identifier(""), Err(IdentifierProblem::Empty));
        assert_eq!(check_identifier("a\0"), Err(IdentifierProblem::Nul));
    }
}
