//! SQL identifiers and literals: when to quote, how to quote, how long a name may be.
//!
//! PostgreSQL folds unquoted identifiers to lower case and accepts them only when they
//! are not a keyword outside the `UNRESERVED` category. [`Ident`] writes a name
//! bare when PostgreSQL would read it back unchanged, and double-quoted otherwise;
//! [`Literal`] writes a string constant that no input can break out of.

use std::fmt;

pub(crate) mod hash;
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

/// The keywords starting with one letter: `KEYWORDS[start..end]`, and a mask of
/// their lengths (bit `n` set when one is `n` bytes long), so most words are
/// dismissed by one table look-up and one bit test.
#[derive(Clone, Copy)]
struct Bucket {
    start: u16,
    end: u16,
    lengths: u32,
}

const fn bucket_index(keywords: &[(&str, KeywordCategory)]) -> [Bucket; 26] {
    let mut buckets = [Bucket { start: 0, end: 0, lengths: 0 }; 26];
    let mut i = 0;
    while i < keywords.len() {
        let word = keywords[i].0.as_bytes();
        assert!(!word.is_empty() && word.len() < 32, "keyword lengths fit the mask");
        assert!(word[0] >= b'a' && word[0] <= b'z', "keywords start with a lower-case letter");
        let b = &mut buckets[(word[0] - b'a') as usize];
        if b.lengths == 0 {
            b.start = i as u16;
        }
        b.end = i as u16 + 1;
        b.lengths |= 1 << word.len();
        i += 1;
    }
    buckets
}

static BUCKETS: [Bucket; 26] = bucket_index(keywords::KEYWORDS);

/// The category of `word` (lower case) if it is a keyword PostgreSQL does not accept
/// everywhere as a bare identifier.
#[inline]
pub fn keyword_category(word: &str) -> Option<KeywordCategory> {
    let bytes = word.as_bytes();
    let first = *bytes.first()?;
    if !first.is_ascii_lowercase() || bytes.len() >= 32 {
        return None;
    }
    let bucket = BUCKETS[(first - b'a') as usize];
    if bucket.lengths & (1 << bytes.len()) == 0 {
        return None;
    }
    keywords::KEYWORDS[bucket.start as usize..bucket.end as usize]
        .iter()
        // Keywords are short: a byte loop beats a call to memcmp.
        .find(|(kw, _)| kw.len() == bytes.len() && kw.bytes().zip(bytes).all(|(a, &b)| a == b))
        .map(|&(_, category)| category)
}

/// Every keyword that is not `UNRESERVED`, with its category, in byte order.
pub fn keywords() -> impl Iterator<Item = (&'static str, KeywordCategory)> {
    keywords::KEYWORDS.iter().copied()
}

/// Whether PostgreSQL reads `name` back unchanged without quotes
/// (same rule as the server's `quote_ident`).
#[inline]
pub fn is_bare_identifier(name: &str) -> bool {
    match name.as_bytes().split_first() {
        Some((&first, rest)) => {
            BARE[first as usize] == Bare::Start && rest.iter().all(|&b| BARE[b as usize] != Bare::No) && keyword_category(name).is_none()
        }
        None => false,
    }
}

/// Which bytes an unquoted identifier that reads back unchanged may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bare {
    No,
    /// Anywhere (`a`..`z`, `_`).
    Start,
    /// After the first byte only (`0`..`9`).
    Later,
}

static BARE: [Bare; 256] = {
    let mut table = [Bare::No; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'_' => Bare::Start,
            b'0'..=b'9' => Bare::Later,
            _ => Bare::No,
        };
        b += 1;
    }
    table
};

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

impl Ident<'_> {
    /// Writes the identifier straight into `out`, without the formatting machinery
    /// (the DDL emitter writes thousands of names).
    #[inline]
    pub(crate) fn write_to<W: fmt::Write + ?Sized>(self, out: &mut W) -> fmt::Result {
        if is_bare_identifier(self.0) {
            return out.write_str(self.0);
        }
        out.write_char('"')?;
        write_doubled(out, self.0, '"')?;
        out.write_char('"')
    }
}

impl fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
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

impl Literal<'_> {
    /// Writes the constant straight into `out`.
    pub(crate) fn write_to<W: fmt::Write + ?Sized>(self, f: &mut W) -> fmt::Result {
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

impl fmt::Display for Literal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

fn write_doubled<W: fmt::Write + ?Sized>(f: &mut W, text: &str, quote: char) -> fmt::Result {
    let mut rest = text;
    while let Some(i) = rest.find(quote) {
        // Writes up to and including the quote, then the quote again.
        f.write_str(&rest[..=i])?;
        f.write_char(quote)?;
        rest = &rest[i + 1..];
    }
    f.write_str(rest)
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
    fn keywords_are_sorted_and_grouped_by_first_letter() {
        assert!(keywords::KEYWORDS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn keyword_lookup_agrees_with_a_linear_search() {
        let reference = |word: &str| keywords::KEYWORDS.iter().find(|(k, _)| *k == word).map(|e| e.1);
        let mut words: Vec<String> = ["", "a", "users", "id", "email", "zzz", "_x", "1abc", "café", &"a".repeat(40)]
            .iter()
            .map(|w| w.to_string())
            .collect();
        for &(kw, _) in keywords::KEYWORDS {
            words.extend([kw.to_owned(), kw[..kw.len() - 1].to_owned(), format!("{kw}x"), format!("{kw}s"), kw.to_ascii_uppercase()]);
        }
        for word in &words {
            assert_eq!(keyword_category(word), reference(word), "{word:?}");
        }
        assert!(keywords::KEYWORDS.iter().all(|&(kw, c)| keyword_category(kw) == Some(c)));
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
