//! Attribute values that remember where they were written.
//!
//! darling's own impls report a wrong value as "Unexpected literal type `int`";
//! these wrappers know the key they belong to, so the message can say what to
//! write instead (`name = "users"`), and they keep the key's and the value's
//! spans so later cross-attribute checks point at the exact token.

use darling::ast::NestedMeta;
use darling::{Error, FromMeta, Result};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Lit, Meta};

use crate::suggest;

fn key_of(meta: &Meta) -> String {
    meta.path().get_ident().map_or_else(|| "this option".to_owned(), |i| i.to_string())
}

fn unwrap_group(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(g) => unwrap_group(&g.expr),
        other => other,
    }
}

/// A string literal: `key = "..."`.
#[derive(Clone, Debug)]
pub struct Str {
    pub value: String,
    /// The key (`name` in `name = "users"`).
    pub key: Span,
    /// The literal.
    pub span: Span,
}

impl FromMeta for Str {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        match item {
            Meta::NameValue(nv) => match unwrap_group(&nv.value) {
                Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => {
                    Ok(Str { value: s.value(), key: item.path().span(), span: s.span() })
                }
                other => Err(Error::custom(format!("`{key}` takes a string literal: `{key} = \"...\"`")).with_span(other)),
            },
            Meta::Path(p) => Err(Error::custom(format!("`{key}` needs a value: `{key} = \"...\"`")).with_span(p)),
            Meta::List(l) => {
                Err(Error::custom(format!("`{key}` takes a string literal: write `{key} = \"...\"`, not `{key}(...)`"))
                    .with_span(l))
            }
        }
    }
}

/// A positive integer: `key = 50`.
#[derive(Clone, Debug)]
pub struct Int {
    pub value: u64,
    pub key: Span,
    pub span: Span,
}

impl FromMeta for Int {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        let wrong = || format!("`{key}` takes a positive integer: `{key} = 50`");
        match item {
            Meta::NameValue(nv) => match unwrap_group(&nv.value) {
                Expr::Lit(syn::ExprLit { lit: Lit::Int(i), .. }) => match i.base10_parse::<u64>() {
                    Ok(value) => Ok(Int { value, key: item.path().span(), span: i.span() }),
                    Err(_) => Err(Error::custom(wrong()).with_span(i)),
                },
                other => Err(Error::custom(wrong()).with_span(other)),
            },
            Meta::Path(p) => Err(Error::custom(wrong()).with_span(p)),
            Meta::List(l) => Err(Error::custom(wrong()).with_span(l)),
        }
    }
}

/// A bare word such as `unique`; present or not.
#[derive(Clone, Copy, Debug, Default)]
pub struct Word(pub Option<Span>);

impl Word {
    pub fn is_present(&self) -> bool {
        self.0.is_some()
    }
    pub fn span(&self) -> Span {
        self.0.unwrap_or_else(Span::call_site)
    }
}

impl FromMeta for Word {
    fn from_none() -> Option<Self> {
        Some(Word(None))
    }

    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        match item {
            Meta::Path(p) => Ok(Word(Some(p.span()))),
            _ => Err(Error::custom(format!("`{key}` takes no value: write just `{key}`")).with_span(item)),
        }
    }
}

/// A Rust path to a type: `references = User` (or `references = "User"`).
#[derive(Clone, Debug)]
pub struct TypePath {
    pub path: syn::Path,
    pub key: Span,
}

impl TypePath {
    pub fn span(&self) -> Span {
        self.path.span()
    }
}

impl FromMeta for TypePath {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        let wrong = || format!("`{key}` takes the path of a `#[derive(Table)]` struct: `{key} = User`");
        let path = match item {
            Meta::NameValue(nv) => match unwrap_group(&nv.value) {
                Expr::Path(p) if p.qself.is_none() => p.path.clone(),
                Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => {
                    s.parse::<syn::Path>().map_err(|_| Error::custom(wrong()).with_span(s))?
                }
                other => return Err(Error::custom(wrong()).with_span(other)),
            },
            _ => return Err(Error::custom(wrong()).with_span(item)),
        };
        Ok(TypePath { path, key: item.path().span() })
    }
}

/// A list of Rust field idents: `columns(tenant_id, id)`.
#[derive(Clone, Debug)]
pub struct FieldRefs {
    pub fields: Vec<syn::Ident>,
    /// The key (`columns`, `primary_key`, `range`).
    pub key: Span,
}

impl Default for FieldRefs {
    fn default() -> Self {
        FieldRefs { fields: Vec::new(), key: Span::call_site() }
    }
}

impl FromMeta for FieldRefs {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        let Meta::List(list) = item else {
            return Err(Error::custom(format!("`{key}` takes a list of field names: `{key}(a, b)`")).with_span(item));
        };
        let nested = NestedMeta::parse_meta_list(list.tokens.clone())?;
        let mut errors = Error::accumulator();
        let mut fields = Vec::new();
        for n in &nested {
            match n {
                NestedMeta::Meta(Meta::Path(p)) if p.get_ident().is_some() => fields.push(p.get_ident().cloned().unwrap()),
                other => errors.push(
                    Error::custom(format!("`{key}(...)` lists Rust field names, such as `{key}(tenant_id, id)`"))
                        .with_span(other),
                ),
            }
        }
        if nested.is_empty() {
            errors.push(Error::custom(format!("`{key}(...)` is empty: list at least one field")).with_span(list));
        }
        errors.finish_with(FieldRefs { fields, key: item.path().span() })
    }
}

/// A list of string literals: `references_columns("tenant_id", "id")`.
#[derive(Clone, Debug)]
pub struct StrList {
    pub values: Vec<syn::LitStr>,
    pub key: Span,
}

impl FromMeta for StrList {
    fn from_meta(item: &Meta) -> Result<Self> {
        let values = string_literals(item, "a list of column names", "column names as strings", "column")?;
        Ok(StrList { values, key: item.path().span() })
    }
}

/// The string literals of `key("a", "b")`, every mistake reported at once. The
/// messages say what the list holds: `takes` after "`key` takes", `lists` after
/// "`key(...)` lists", `one` after "list at least one".
fn string_literals(item: &Meta, takes: &str, lists: &str, one: &str) -> Result<Vec<syn::LitStr>> {
    let key = key_of(item);
    let Meta::List(list) = item else {
        return Err(Error::custom(format!("`{key}` takes {takes}: `{key}(\"a\", \"b\")`")).with_span(item));
    };
    let nested = NestedMeta::parse_meta_list(list.tokens.clone())?;
    let mut errors = Error::accumulator();
    let mut values = Vec::new();
    for n in &nested {
        match n {
            NestedMeta::Lit(Lit::Str(s)) => values.push(s.clone()),
            other => errors.push(Error::custom(format!("`{key}(...)` lists {lists}: `{key}(\"a\", \"b\")`")).with_span(other)),
        }
    }
    if nested.is_empty() {
        errors.push(Error::custom(format!("`{key}(...)` is empty: list at least one {one}")).with_span(list));
    }
    errors.finish_with(values)
}

/// A nested option list such as `index(...)`; refuses `index = ...`.
#[derive(Clone, Debug)]
pub struct List<T> {
    pub value: T,
    /// The key (`index`).
    pub key: Span,
}

impl<T: FromMeta> FromMeta for List<T> {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        match item {
            Meta::List(_) => Ok(List { value: T::from_meta(item)?, key: item.path().span() }),
            _ => Err(Error::custom(format!("`{key}` takes a list of options: `{key}(...)`")).with_span(item)),
        }
    }
}

/// `key` alone, or `key(...)` with options (`index` / `index(method = "gin")`).
#[derive(Clone, Debug)]
pub struct WordOrList<T> {
    pub value: Option<T>,
    pub key: Span,
}

impl<T: FromMeta> FromMeta for WordOrList<T> {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        match item {
            Meta::Path(p) => Ok(WordOrList { value: None, key: p.span() }),
            Meta::List(_) => Ok(WordOrList { value: Some(T::from_meta(item)?), key: item.path().span() }),
            Meta::NameValue(_) => {
                Err(Error::custom(format!("write `{key}` or `{key}(...)` with options, not `{key} = ...`")).with_span(item))
            }
        }
    }
}

/// A keyword written as a string (`on_delete = "cascade"`): one of a fixed set.
pub trait KeywordSet: Sized + Copy + 'static {
    /// What the keyword is, for messages ("referential action").
    const WHAT: &'static str;
    /// Every accepted spelling and its value.
    const ALL: &'static [(&'static str, Self)];
    /// Lowercase, `-`/space to `_` before lookup (`"SET NULL"` is `set_null`).
    const NORMALIZE: bool = true;
}

/// How `value` is written in attributes.
pub fn keyword_name<K: KeywordSet + PartialEq>(value: K) -> &'static str {
    K::ALL.iter().find(|(_, v)| *v == value).map_or("", |(n, _)| *n)
}

/// A [`KeywordSet`] value with its spans.
#[derive(Clone, Copy, Debug)]
pub struct Keyword<K> {
    pub value: K,
    pub key: Span,
    pub span: Span,
}

pub fn parse_keyword<K: KeywordSet>(text: &str) -> std::result::Result<K, String> {
    let normalized = if K::NORMALIZE { text.trim().to_ascii_lowercase().replace(['-', ' '], "_") } else { text.to_owned() };
    if let Some((_, v)) = K::ALL.iter().find(|(name, _)| *name == normalized) {
        return Ok(*v);
    }
    let names: Vec<&str> = K::ALL.iter().map(|(n, _)| *n).collect();
    let valid = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    Err(match suggest::closest(&normalized, &names) {
        Some(best) => format!("unknown {} `{text}`; did you mean `{best}`? (expected one of {valid})", K::WHAT),
        None => format!("unknown {} `{text}`; expected one of {valid}", K::WHAT),
    })
}

impl<K: KeywordSet> FromMeta for Keyword<K> {
    fn from_meta(item: &Meta) -> Result<Self> {
        let s = Str::from_meta(item)?;
        match parse_keyword::<K>(&s.value) {
            Ok(value) => Ok(Keyword { value, key: s.key, span: s.span }),
            Err(msg) => Err(Error::custom(msg).with_span(&s.span)),
        }
    }
}

/// `identity` (always) or `identity = "by_default"`.
#[derive(Clone, Copy, Debug)]
pub struct IdentityOpt {
    pub value: crate::ir::Identity,
    pub key: Span,
}

impl FromMeta for IdentityOpt {
    fn from_meta(item: &Meta) -> Result<Self> {
        match item {
            Meta::Path(p) => Ok(IdentityOpt { value: crate::ir::Identity::Always, key: p.span() }),
            _ => {
                let k = Keyword::<crate::ir::Identity>::from_meta(item)?;
                Ok(IdentityOpt { value: k.value, key: k.key })
            }
        }
    }
}

/// `row_level_security` (enabled) or `row_level_security = "forced"` (also for the owner).
#[derive(Clone, Copy, Debug)]
pub struct RlsOpt {
    pub value: crate::ir::Rls,
}

impl FromMeta for RlsOpt {
    fn from_meta(item: &Meta) -> Result<Self> {
        match item {
            Meta::Path(_) => Ok(RlsOpt { value: crate::ir::Rls::Enabled }),
            _ => Ok(RlsOpt { value: Keyword::<crate::ir::Rls>::from_meta(item)?.value }),
        }
    }
}

/// A list of string literals with no particular meaning to the parser:
/// `roles("app_user")`, `arguments("a", "b")`, `values("'eu'")`.
#[derive(Clone, Debug)]
pub struct Strings {
    pub values: Vec<syn::LitStr>,
    pub key: Span,
}

impl Strings {
    pub fn strings(&self) -> Vec<String> {
        self.values.iter().map(syn::LitStr::value).collect()
    }
}

impl FromMeta for Strings {
    fn from_meta(item: &Meta) -> Result<Self> {
        let values = string_literals(item, "a list of string literals", "string literals", "value")?;
        Ok(Strings { values, key: item.path().span() })
    }
}

/// One Rust field ident: `column = user_id`.
#[derive(Clone, Debug)]
pub struct FieldRef {
    pub field: syn::Ident,
}

impl FromMeta for FieldRef {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        let wrong = || format!("`{key}` takes the name of a Rust field: `{key} = user_id`");
        match item {
            Meta::NameValue(nv) => match unwrap_group(&nv.value) {
                Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                    Ok(FieldRef { field: p.path.get_ident().cloned().unwrap() })
                }
                Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => Err(Error::custom(format!(
                    "`{key}` takes the Rust field itself, not a string: `{key} = {}`",
                    s.value().trim()
                ))
                .with_span(s)),
                other => Err(Error::custom(wrong()).with_span(other)),
            },
            _ => Err(Error::custom(wrong()).with_span(item)),
        }
    }
}

/// A list of keywords written as strings: `events("insert", "update")`.
#[derive(Clone, Debug)]
pub struct KeywordList<K> {
    /// Each keyword and the span of its literal.
    pub values: Vec<(K, Span)>,
    /// The parentheses, where "empty" is reported.
    pub span: Span,
}

impl<K: KeywordSet> FromMeta for KeywordList<K> {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = key_of(item);
        let example = K::ALL.iter().take(2).map(|(n, _)| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        let Meta::List(list) = item else {
            return Err(Error::custom(format!("`{key}` takes a list of strings: `{key}({example})`")).with_span(item));
        };
        let nested = NestedMeta::parse_meta_list(list.tokens.clone())?;
        let mut errors = Error::accumulator();
        let mut values = Vec::new();
        for n in &nested {
            match n {
                NestedMeta::Lit(Lit::Str(s)) => match parse_keyword::<K>(&s.value()) {
                    Ok(v) => values.push((v, s.span())),
                    Err(msg) => errors.push(Error::custom(msg).with_span(s)),
                },
                NestedMeta::Meta(Meta::Path(p)) if p.get_ident().is_some() => errors.push(
                    Error::custom(format!("`{key}(...)` lists strings; write `\"{}\"` with quotes", p.get_ident().unwrap()))
                        .with_span(p),
                ),
                other => errors.push(Error::custom(format!("`{key}(...)` lists strings: `{key}({example})`")).with_span(other)),
            }
        }
        errors.finish_with(KeywordList { values, span: list.delimiter.span().join() })
    }
}
