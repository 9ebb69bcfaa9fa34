//! Receivers of the table options that declare objects around the columns:
//! `partition(...)`, `trigger(...)`, `full_text(...)`, `isolate(...)`.

use darling::ast::NestedMeta;
use darling::{Error, FromMeta, Result};
use syn::Meta;

use super::value::{FieldRef, FieldRefs, Int, Keyword, KeywordList, List, Str, Strings, Word};
use crate::ir::{ForEach, PolicyCommand, TriggerEvent, TriggerTiming};

/// `partition(range(created_at), monthly(...), values(...), default_partition)`.
#[derive(FromMeta)]
pub struct PartitionAttr {
    pub range: Option<FieldRefs>,
    pub list: Option<FieldRefs>,
    pub hash: Option<FieldRefs>,
    pub daily: Option<List<WindowAttr>>,
    pub monthly: Option<List<WindowAttr>>,
    pub yearly: Option<List<WindowAttr>>,
    pub modulus: Option<Int>,
    #[darling(multiple)]
    pub values: Vec<List<PartitionValuesAttr>>,
    pub default_partition: Word,
}

/// `monthly(from = "2026-01-01", count = 3, ahead = 3)`.
#[derive(FromMeta)]
pub struct WindowAttr {
    pub from: Option<Str>,
    pub count: Option<Int>,
    pub ahead: Option<Int>,
}

/// `values(name = "events_eu", values("'eu'"), labels("uk"))`, or for a range
/// partition `values(name = "...", from("MINVALUE"), to("'2026-01-01'"))`.
#[derive(FromMeta)]
pub struct PartitionValuesAttr {
    pub name: Str,
    pub values: Option<Strings>,
    pub labels: Option<Strings>,
    pub from: Option<Strings>,
    pub to: Option<Strings>,
}

/// `trigger(name, timing, events(...), update_of(...), for_each, when, function, arguments(...), comment)`.
#[derive(FromMeta)]
pub struct TriggerAttr {
    pub name: Str,
    pub timing: Option<Keyword<TriggerTiming>>,
    pub events: Option<KeywordList<TriggerEvent>>,
    pub update_of: Option<FieldRefs>,
    pub for_each: Option<Keyword<ForEach>>,
    pub when: Option<Str>,
    pub function: Option<Str>,
    pub arguments: Option<Strings>,
    pub comment: Option<Str>,
}

/// `full_text(column = "search_vector", config = "english", source(title, weight = "A"), ...)`.
#[derive(FromMeta)]
pub struct FullTextAttr {
    pub column: Option<Str>,
    pub config: Option<Str>,
    #[darling(multiple)]
    pub source: Vec<TextSource>,
}

/// `source(title, weight = "A")`: a field the search vector is computed from.
#[derive(Clone, Debug)]
pub struct TextSource {
    pub field: syn::Ident,
    pub weight: Option<Str>,
}

impl FromMeta for TextSource {
    fn from_meta(item: &Meta) -> Result<Self> {
        let wrong = || Error::custom("`source` takes a field and optionally its weight: `source(title, weight = \"A\")`");
        let Meta::List(list) = item else { return Err(wrong().with_span(item)) };
        let nested = NestedMeta::parse_meta_list(list.tokens.clone())?;
        let mut errors = Error::accumulator();
        let mut field = None;
        let mut weight = None;
        for n in &nested {
            match n {
                NestedMeta::Meta(Meta::Path(p)) if p.get_ident().is_some() => {
                    if field.is_some() {
                        errors.push(
                            Error::custom("one field per `source(...)`; write `source(a), source(b)` for several").with_span(p),
                        );
                    } else {
                        field = p.get_ident().cloned();
                    }
                }
                NestedMeta::Meta(m @ Meta::NameValue(nv)) if nv.path.is_ident("weight") => {
                    if weight.is_some() {
                        errors.push(Error::duplicate_field("weight").with_span(m));
                    } else if let Some(w) = errors.handle(Str::from_meta(m)) {
                        weight = Some(w);
                    }
                }
                NestedMeta::Meta(m) => {
                    errors.push(Error::unknown_field_path_with_alts(m.path(), &["weight"]).with_span(m.path()))
                }
                other => errors.push(wrong().with_span(other)),
            }
        }
        if field.is_none() {
            errors.push(wrong().with_span(list));
        }
        errors.finish()?;
        Ok(TextSource { field: field.expect("checked"), weight })
    }
}

/// `isolate(column = user_id, setting = "app.user_id", name, command, roles(...), restrictive, comment)`.
#[derive(FromMeta)]
pub struct IsolateAttr {
    pub column: Option<FieldRef>,
    pub setting: Option<Str>,
    pub name: Option<Str>,
    pub command: Option<Keyword<PolicyCommand>>,
    pub roles: Option<Strings>,
    pub restrictive: Word,
    pub comment: Option<Str>,
}
