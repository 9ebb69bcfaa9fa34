//! PostgreSQL column types ([`SqlType`]) and the Rust-to-PostgreSQL mapping ([`PgType`]).

use std::fmt;

use crate::ident::Ident;
use crate::model::QualifiedName;
use crate::schema::SchemaBuilder;

/// A PostgreSQL data type with its modifiers.
///
/// Displays in the short canonical spelling (`bigint`, `varchar(50)`,
/// `numeric(12,2)`, `timestamptz`, `text[]`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SqlType {
    /// `smallint` (int2).
    SmallInt,
    /// `integer` (int4).
    Integer,
    /// `bigint` (int8).
    BigInt,
    /// `smallserial`: an int2 with a sequence default (legacy; prefer identity).
    SmallSerial,
    /// `serial`: an int4 with a sequence default (legacy; prefer identity).
    Serial,
    /// `bigserial`: an int8 with a sequence default (legacy; prefer identity).
    BigSerial,
    /// `real` (float4).
    Real,
    /// `double precision` (float8).
    DoublePrecision,
    /// `numeric`, optionally `numeric(precision)` or `numeric(precision,scale)`.
    Numeric(Option<(u16, Option<i16>)>),
    /// `money`.
    Money,
    /// `boolean`.
    Boolean,
    /// `text`.
    Text,
    /// `varchar` / `varchar(n)`.
    Varchar(Option<u32>),
    /// `char(n)` (blank-padded).
    Char(Option<u32>),
    /// `bytea`.
    Bytea,
    /// `date`.
    Date,
    /// `time` (without time zone).
    Time,
    /// `timetz`.
    TimeTz,
    /// `timestamp` (without time zone).
    Timestamp,
    /// `timestamptz`.
    Timestamptz,
    /// `interval`.
    Interval,
    /// `uuid`.
    Uuid,
    /// `json` (stored as text).
    Json,
    /// `jsonb`.
    Jsonb,
    /// `inet`.
    Inet,
    /// `cidr`.
    Cidr,
    /// `macaddr`.
    MacAddr,
    /// `tsvector`.
    TsVector,
    /// An array of the element type.
    Array(Box<SqlType>),
    /// A named type: an enum, a domain, or an extension's type (`citext`).
    Named(QualifiedName),
}

impl SqlType {
    /// An array of `self`.
    pub fn array(self) -> SqlType {
        SqlType::Array(Box::new(self))
    }

    /// The type a column of this type stores: serials become their integer type.
    /// Foreign keys compare storage types.
    pub fn storage(&self) -> SqlType {
        match self {
            SqlType::SmallSerial => SqlType::SmallInt,
            SqlType::Serial => SqlType::Integer,
            SqlType::BigSerial => SqlType::BigInt,
            SqlType::Array(inner) => SqlType::Array(Box::new(inner.storage())),
            other => other.clone(),
        }
    }

    /// Whether an identity column may have this type.
    pub fn is_integer(&self) -> bool {
        matches!(self, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
    }

    /// Whether the type is a plain scalar with btree ordering (numbers, text, times,
    /// uuid...): GiST can index it only through the `btree_gist` extension.
    pub fn is_btree_scalar(&self) -> bool {
        !matches!(self.storage(), SqlType::Json | SqlType::Jsonb | SqlType::TsVector | SqlType::Array(_) | SqlType::Named(_))
    }

    /// The named type this type refers to, looking through arrays.
    pub fn named(&self) -> Option<&QualifiedName> {
        match self {
            SqlType::Named(name) => Some(name),
            SqlType::Array(inner) => inner.named(),
            _ => None,
        }
    }

    /// Parses a type as written in SQL: `bigint`, `int8`, `VARCHAR(50)`,
    /// `character varying(50)`, `numeric(12, 2)`, `timestamp with time zone`,
    /// `text[]`, `app.my_domain`, `"My Type"`.
    ///
    /// ```
    /// use pgarchitect_core::SqlType;
    /// assert_eq!(SqlType::parse("VARCHAR(50)").unwrap(), SqlType::Varchar(Some(50)));
    /// assert_eq!(SqlType::parse("int8[]").unwrap(), SqlType::BigInt.array());
    /// assert_eq!(SqlType::parse("numeric(12,2)").unwrap().to_string(), "numeric(12,2)");
    /// ```
    pub fn parse(input: &str) -> Result<SqlType, TypeParseError> {
        let err = |reason: &'static str| TypeParseError { input: input.to_owned(), reason };
        let mut text = input.trim();
        let mut dims = 0;
        while let Some(rest) = text.strip_suffix("[]") {
            text = rest.trim_end();
            dims += 1;
        }
        let (head, modifiers) = match find_unquoted(text, b'(') {
            Some(open) => {
                let close = text.strip_suffix(')').ok_or_else(|| err("unbalanced parentheses"))?;
                let args = &close[open + 1..];
                let mods = args
                    .split(',')
                    .map(|a| a.trim().parse::<i64>().map_err(|_| err("type modifiers must be integers")))
                    .collect::<Result<Vec<_>, _>>()?;
                (text[..open].trim_end(), Some(mods))
            }
            None => (text, None),
        };
        if head.is_empty() {
            return Err(err("missing type name"));
        }
        let quoted = head.contains('"');
        let lower = if quoted { head.to_owned() } else { head.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase() };
        let one = |mods: &Option<Vec<i64>>| -> Result<Option<u32>, TypeParseError> {
            match mods.as_deref() {
                None => Ok(None),
                Some([n]) if (1..=10_485_760).contains(n) => Ok(Some(*n as u32)),
                Some([_]) => Err(err("length must be between 1 and 10485760")),
                Some(_) => Err(err("this type takes one modifier")),
            }
        };
        let no_mods = |t: SqlType| -> Result<SqlType, TypeParseError> {
            match modifiers {
                None => Ok(t),
                Some(_) => Err(err("this type takes no modifiers")),
            }
        };
        let base = match lower.as_str() {
            "smallint" | "int2" => no_mods(SqlType::SmallInt)?,
            "integer" | "int" | "int4" => no_mods(SqlType::Integer)?,
            "bigint" | "int8" => no_mods(SqlType::BigInt)?,
            "smallserial" | "serial2" => no_mods(SqlType::SmallSerial)?,
            "serial" | "serial4" => no_mods(SqlType::Serial)?,
            "bigserial" | "serial8" => no_mods(SqlType::BigSerial)?,
            "real" | "float4" => no_mods(SqlType::Real)?,
            "double precision" | "float8" | "float" => no_mods(SqlType::DoublePrecision)?,
            "numeric" | "decimal" => match modifiers.as_deref() {
                None => SqlType::Numeric(None),
                Some([p]) if (1..=1000).contains(p) => SqlType::Numeric(Some((*p as u16, None))),
                Some([p, s]) if (1..=1000).contains(p) && (-1000..=1000).contains(s) => {
                    SqlType::Numeric(Some((*p as u16, Some(*s as i16))))
                }
                Some(_) => return Err(err("numeric takes (precision) or (precision, scale), precision 1..=1000")),
            },
            "money" => no_mods(SqlType::Money)?,
            "boolean" | "bool" => no_mods(SqlType::Boolean)?,
            "text" => no_mods(SqlType::Text)?,
            "varchar" | "character varying" => SqlType::Varchar(one(&modifiers)?),
            "char" | "character" | "bpchar" => SqlType::Char(one(&modifiers)?),
            "bytea" => no_mods(SqlType::Bytea)?,
            "date" => no_mods(SqlType::Date)?,
            "time" | "time without time zone" => no_mods(SqlType::Time)?,
            "timetz" | "time with time zone" => no_mods(SqlType::TimeTz)?,
            "timestamp" | "timestamp without time zone" => no_mods(SqlType::Timestamp)?,
            "timestamptz" | "timestamp with time zone" => no_mods(SqlType::Timestamptz)?,
            "interval" => no_mods(SqlType::Interval)?,
            "uuid" => no_mods(SqlType::Uuid)?,
            "json" => no_mods(SqlType::Json)?,
            "jsonb" => no_mods(SqlType::Jsonb)?,
            "inet" => no_mods(SqlType::Inet)?,
            "cidr" => no_mods(SqlType::Cidr)?,
            "macaddr" => no_mods(SqlType::MacAddr)?,
            "tsvector" => no_mods(SqlType::TsVector)?,
            _ => {
                if modifiers.is_some() {
                    return Err(err("modifiers on a named type are not supported; declare a domain instead"));
                }
                SqlType::Named(parse_qualified(head).ok_or_else(|| err("not a type name"))?)
            }
        };
        Ok((0..dims).fold(base, |t, _| t.array()))
    }
}

/// The first `byte` of `text` outside double-quoted names (`public."a(b)"(3)` → 13).
fn find_unquoted(text: &str, byte: u8) -> Option<usize> {
    let mut quoted = false;
    // A doubled quote inside a quoted name toggles twice, leaving it quoted.
    text.bytes().position(|b| {
        if b == b'"' {
            quoted = !quoted;
        }
        b == byte && !quoted
    })
}

/// Parses `name`, `schema.name`, or their double-quoted forms.
fn parse_qualified(text: &str) -> Option<QualifiedName> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                let (i, c) = chars.next()?;
                if c == '"' {
                    if quoted[i + 1..].starts_with('"') {
                        value.push('"');
                        chars.next();
                    } else {
                        break i + 1;
                    }
                } else {
                    value.push(c);
                }
            };
            (value, &quoted[end..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let word = rest[..end].trim();
            if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                return None;
            }
            (word.to_lowercase(), &rest[end..])
        };
        parts.push(part);
        let after = after.trim_start();
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => break,
            None => return None,
        }
    }
    match parts.len() {
        1 => Some(QualifiedName::unqualified(parts.pop()?)),
        2 => {
            let name = parts.pop()?;
            Some(QualifiedName::new(parts.pop()?, name))
        }
        _ => None,
    }
}

/// A type string that [`SqlType::parse`] could not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeParseError {
    /// The text given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for TypeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid SQL type `{}`: {}", self.input, self.reason)
    }
}

impl std::error::Error for TypeParseError {}

impl SqlType {
    /// The spelling of a type without modifiers or a name.
    fn fixed_name(&self) -> Option<&'static str> {
        Some(match self {
            SqlType::SmallInt => "smallint",
            SqlType::Integer => "integer",
            SqlType::BigInt => "bigint",
            SqlType::SmallSerial => "smallserial",
            SqlType::Serial => "serial",
            SqlType::BigSerial => "bigserial",
            SqlType::Real => "real",
            SqlType::DoublePrecision => "double precision",
            SqlType::Money => "money",
            SqlType::Boolean => "boolean",
            SqlType::Text => "text",
            SqlType::Bytea => "bytea",
            SqlType::Date => "date",
            SqlType::Time => "time",
            SqlType::TimeTz => "timetz",
            SqlType::Timestamp => "timestamp",
            SqlType::Timestamptz => "timestamptz",
            SqlType::Interval => "interval",
            SqlType::Uuid => "uuid",
            SqlType::Json => "json",
            SqlType::Jsonb => "jsonb",
            SqlType::Inet => "inet",
            SqlType::Cidr => "cidr",
            SqlType::MacAddr => "macaddr",
            SqlType::TsVector => "tsvector",
            SqlType::Numeric(None) => "numeric",
            SqlType::Varchar(None) => "varchar",
            SqlType::Char(None) => "char",
            _ => return None,
        })
    }

    /// Writes the type straight into `out` (what `Display` shows).
    pub(crate) fn write_to<W: fmt::Write + ?Sized>(&self, out: &mut W) -> fmt::Result {
        if let Some(fixed) = self.fixed_name() {
            return out.write_str(fixed);
        }
        match self {
            SqlType::Numeric(Some((p, None))) => write!(out, "numeric({p})"),
            SqlType::Numeric(Some((p, Some(s)))) => write!(out, "numeric({p},{s})"),
            SqlType::Varchar(Some(n)) => write!(out, "varchar({n})"),
            SqlType::Char(Some(n)) => write!(out, "char({n})"),
            SqlType::Array(inner) => {
                inner.write_to(out)?;
                out.write_str("[]")
            }
            SqlType::Named(name) => name.write_to(out),
            _ => unreachable!("every other type has a fixed name"),
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// The PostgreSQL type of a Rust type, used by `#[derive(Table)]` for each field.
///
/// Implement it for your own types to use them as columns (or give the column a
/// `#[column(sql_type = "...")]`):
///
/// ```
/// use pgarchitect_core::{PgType, SqlType};
/// struct Cents(i64);
/// impl PgType for Cents {
///     fn sql_type() -> SqlType { SqlType::BigInt }
/// }
/// assert_eq!(<Option<Cents>>::sql_type(), SqlType::BigInt);
/// assert!(<Option<Cents>>::NULLABLE);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no PostgreSQL column type",
    label = "no PostgreSQL type for this field",
    note = "give the column a type with `#[column(sql_type = \"...\")]`, or implement `pgarchitect::PgType` for `{Self}`"
)]
pub trait PgType {
    /// The column type.
    fn sql_type() -> SqlType;
    /// Whether the column accepts NULL (only `Option<T>` does).
    const NULLABLE: bool = false;
    /// Adds the types this one depends on (an enum's `CREATE TYPE`) to the schema.
    fn register(_schema: &mut SchemaBuilder) {}
}

macro_rules! pg_type {
    ($($rust:ty => $sql:expr;)*) => {$(
        impl PgType for $rust {
            fn sql_type() -> SqlType { $sql }
        }
    )*};
}

pg_type! {
    bool => SqlType::Boolean;
    i16 => SqlType::SmallInt;
    i32 => SqlType::Integer;
    i64 => SqlType::BigInt;
    f32 => SqlType::Real;
    f64 => SqlType::DoublePrecision;
    String => SqlType::Text;
    str => SqlType::Text;
    Box<str> => SqlType::Text;
    std::borrow::Cow<'_, str> => SqlType::Text;
    Vec<u8> => SqlType::Bytea;
    std::time::SystemTime => SqlType::Timestamptz;
    std::net::IpAddr => SqlType::Inet;
    std::net::Ipv4Addr => SqlType::Inet;
    std::net::Ipv6Addr => SqlType::Inet;
}

impl<T: PgType + ?Sized> PgType for &T {
    fn sql_type() -> SqlType {
        T::sql_type()
    }
    const NULLABLE: bool = T::NULLABLE;
    fn register(schema: &mut SchemaBuilder) {
        T::register(schema)
    }
}

impl<T: PgType> PgType for Option<T> {
    fn sql_type() -> SqlType {
        T::sql_type()
    }
    const NULLABLE: bool = true;
    fn register(schema: &mut SchemaBuilder) {
        T::register(schema)
    }
}

impl<T: PgType> PgType for Vec<T> {
    fn sql_type() -> SqlType {
        T::sql_type().array()
    }
    fn register(schema: &mut SchemaBuilder) {
        T::register(schema)
    }
}

impl<T: PgType> PgType for [T] {
    fn sql_type() -> SqlType {
        T::sql_type().array()
    }
    fn register(schema: &mut SchemaBuilder) {
        T::register(schema)
    }
}

#[cfg(feature = "chrono")]
pg_type! {
    chrono::NaiveDate => SqlType::Date;
    chrono::NaiveTime => SqlType::Time;
    chrono::NaiveDateTime => SqlType::Timestamp;
    chrono::DateTime<chrono::Utc> => SqlType::Timestamptz;
    chrono::DateTime<chrono::FixedOffset> => SqlType::Timestamptz;
}

#[cfg(feature = "time")]
pg_type! {
    time::Date => SqlType::Date;
    time::Time => SqlType::Time;
    time::PrimitiveDateTime => SqlType::Timestamp;
    time::OffsetDateTime => SqlType::Timestamptz;
}

#[cfg(feature = "uuid")]
pg_type! { uuid::Uuid => SqlType::Uuid; }

#[cfg(feature = "serde_json")]
pg_type! { serde_json::Value => SqlType::Jsonb; }

#[cfg(feature = "rust_decimal")]
pg_type! { rust_decimal::Decimal => SqlType::Numeric(None); }

#[cfg(feature = "ipnet")]
pg_type! {
    ipnet::IpNet => SqlType::Cidr;
    ipnet::Ipv4Net => SqlType::Cidr;
    ipnet::Ipv6Net => SqlType::Cidr;
}

#[cfg(feature = "postgres-types")]
impl SqlType {
    /// The `postgres_types::Type` of a built-in type, for binding parameters and
    /// reading rows; `None` for named types (enums, domains), whose OIDs are only
    /// known to a live database.
    pub fn postgres_type(&self) -> Option<postgres_types::Type> {
        use postgres_types::Type;
        Some(match self.storage() {
            SqlType::SmallInt => Type::INT2,
            SqlType::Integer => Type::INT4,
            SqlType::BigInt => Type::INT8,
            SqlType::Real => Type::FLOAT4,
            SqlType::DoublePrecision => Type::FLOAT8,
            SqlType::Numeric(_) => Type::NUMERIC,
            SqlType::Money => Type::MONEY,
            SqlType::Boolean => Type::BOOL,
            SqlType::Text => Type::TEXT,
            SqlType::Varchar(_) => Type::VARCHAR,
            SqlType::Char(_) => Type::BPCHAR,
            SqlType::Bytea => Type::BYTEA,
            SqlType::Date => Type::DATE,
            SqlType::Time => Type::TIME,
            SqlType::TimeTz => Type::TIMETZ,
            SqlType::Timestamp => Type::TIMESTAMP,
            SqlType::Timestamptz => Type::TIMESTAMPTZ,
            SqlType::Interval => Type::INTERVAL,
            SqlType::Uuid => Type::UUID,
            SqlType::Json => Type::JSON,
            SqlType::Jsonb => Type::JSONB,
            SqlType::Inet => Type::INET,
            SqlType::Cidr => Type::CIDR,
            SqlType::MacAddr => Type::MACADDR,
            SqlType::TsVector => Type::TS_VECTOR,
            SqlType::Array(inner) => match inner.postgres_type()? {
                t if t == Type::INT2 => Type::INT2_ARRAY,
                t if t == Type::INT4 => Type::INT4_ARRAY,
                t if t == Type::INT8 => Type::INT8_ARRAY,
                t if t == Type::FLOAT4 => Type::FLOAT4_ARRAY,
                t if t == Type::FLOAT8 => Type::FLOAT8_ARRAY,
                t if t == Type::BOOL => Type::BOOL_ARRAY,
                t if t == Type::TEXT => Type::TEXT_ARRAY,
                t if t == Type::VARCHAR => Type::VARCHAR_ARRAY,
                t if t == Type::UUID => Type::UUID_ARRAY,
                t if t == Type::JSONB => Type::JSONB_ARRAY,
                t if t == Type::TIMESTAMPTZ => Type::TIMESTAMPTZ_ARRAY,
                t if t == Type::NUMERIC => Type::NUMERIC_ARRAY,
                t if t == Type::BYTEA => Type::BYTEA_ARRAY,
                _ => return None,
            },
            _ => return None,
        })
    }
}

impl QualifiedName {
    /// Writes `schema.name` (or `name` when unqualified), quoted as needed, straight into `out`.
    #[inline]
    pub(crate) fn write_to<W: fmt::Write + ?Sized>(&self, out: &mut W) -> fmt::Result {
        if !self.schema.is_empty() {
            Ident(&self.schema).write_to(out)?;
            out.write_char('.')?;
        }
        Ident(&self.name).write_to(out)
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_display() {
        for text in [
            "smallint", "integer", "bigint", "real", "double precision", "numeric", "numeric(10)",
            "numeric(12,2)", "boolean", "text", "varchar", "varchar(50)", "char(2)", "bytea", "date",
            "time", "timetz", "timestamp", "timestamptz", "interval", "uuid", "json", "jsonb", "inet",
            "cidr", "macaddr", "tsvector", "text[]", "integer[][]", "public.user_status",
            "app.\"Odd Type\"[]", "bigserial", "money",
        ] {
            let parsed = SqlType::parse(text).unwrap();
            assert_eq!(parsed.to_string(), text, "{text}");
            assert_eq!(SqlType::parse(&parsed.to_string()).unwrap(), parsed);
        }
    }

    #[test]
    fn parse_aliases() {
        assert_eq!(SqlType::parse("INT8").unwrap(), SqlType::BigInt);
        assert_eq!(SqlType::parse("character  varying (20)").unwrap(), SqlType::Varchar(Some(20)));
        assert_eq!(SqlType::parse("timestamp with time zone").unwrap(), SqlType::Timestamptz);
        assert_eq!(SqlType::parse("decimal(5, 2)").unwrap(), SqlType::Numeric(Some((5, Some(2)))));
        assert_eq!(SqlType::parse("citext").unwrap(), SqlType::Named(QualifiedName::unqualified("citext")));
    }

    #[test]
    fn parse_skips_parentheses_inside_quoted_names() {
        for name in ["a(b)", "(", ")", "x)(", "a\"(\"b"] {
            for ty in [SqlType::Named(QualifiedName::public(name)), SqlType::Named(QualifiedName::new(name, "t")).array()] {
                assert_eq!(SqlType::parse(&ty.to_string()), Ok(ty.clone()), "{ty}");
            }
        }
        assert!(SqlType::parse("public.\"a(b)\"(3)").is_err(), "modifiers on a named type");
        assert!(SqlType::parse("\"a(b\"").is_ok());
    }

    #[test]
    fn parse_rejects_garbage() {
        for bad in ["", "varchar(0)", "varchar(a)", "numeric(1,2,3)", "text(5)", "a b c", "x; drop", "my_type(3)", "varchar(5"] {
            assert!(SqlType::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn rust_mapping() {
        assert_eq!(<Vec<Option<i32>>>::sql_type(), SqlType::Integer.array());
        assert_eq!(<Vec<u8>>::sql_type(), SqlType::Bytea);
        let nullable = [<Vec<u8>>::NULLABLE, <Option<&str>>::NULLABLE];
        assert_eq!(nullable, [false, true]);
        assert_eq!(<&str>::sql_type(), SqlType::Text);
    }
}
