//! Attribute receivers: one darling struct per attribute site. They only parse;
//! `validate` checks how the options combine.
//!
//! - `#[table(...)]` on the struct: [`TableAttrs`]
//! - `#[column(...)]` on each field: [`ColumnAttrs`]
//! - `#[pg_enum(...)]` on an enum and its variants: [`EnumAttrs`], [`VariantAttrs`]
//! - `#[domain(...)]` on a newtype: [`DomainAttrs`]
//! - the table options that declare partitions, triggers, full-text search and
//!   isolation policies: [`features`]

pub mod features;
pub mod value;

use darling::{FromDeriveInput, FromField, FromMeta, FromVariant};

use crate::ir::{Deferrable, Method, Nulls, Order, PolicyCommand, RefAction, RenameRule};
use features::{FullTextAttr, IsolateAttr, PartitionAttr, TriggerAttr};
use value::{FieldRefs, IdentityOpt, Int, Keyword, List, RlsOpt, Str, StrList, Strings, TypePath, Word, WordOrList};

/// `#[table(...)]`.
#[derive(FromDeriveInput)]
#[darling(attributes(table))]
pub struct TableAttrs {
    pub name: Option<Str>,
    pub schema: Option<Str>,
    pub comment: Option<Str>,
    pub primary_key: Option<FieldRefs>,
    #[darling(multiple)]
    pub unique: Vec<List<UniqueAttr>>,
    #[darling(multiple)]
    pub check: Vec<List<CheckAttr>>,
    #[darling(multiple)]
    pub index: Vec<List<IndexAttr>>,
    #[darling(multiple)]
    pub foreign_key: Vec<List<ForeignKeyAttr>>,
    /// The recorded answer to "how many rows?" (`"10M rows/year"`).
    pub volume: Option<Str>,
    /// The recorded retention policy (`"7 years"`).
    pub retention: Option<Str>,
    /// The table's previous name (`"old"` or `"schema.old"`), so migrations rename it.
    pub renamed_from: Option<Str>,
    #[darling(multiple)]
    pub allow: Vec<List<AllowAttr>>,
    /// `created_at`/`updated_at` columns (unless declared) and the trigger that keeps `updated_at` current.
    pub timestamps: Word,
    /// A nullable `deleted_at` column (unless declared); the table is soft-deleted.
    pub soft_delete: Word,
    /// Every row change goes to the schema's audit log.
    pub audited: Word,
    pub row_level_security: Option<RlsOpt>,
    #[darling(multiple)]
    pub policy: Vec<List<PolicyAttr>>,
    /// `PARTITION BY ...` and the partitions.
    pub partition: Option<List<PartitionAttr>>,
    #[darling(multiple)]
    pub trigger: Vec<List<TriggerAttr>>,
    /// A stored tsvector column over some fields, with its GIN index.
    #[darling(multiple)]
    pub full_text: Vec<List<FullTextAttr>>,
    /// A policy limiting rows to those whose column equals a session setting.
    #[darling(multiple)]
    pub isolate: Vec<List<IsolateAttr>>,
}

/// `allow(rule = "...", reason = "...")`: a lint rule switched off, with the reason.
#[derive(Clone, FromMeta)]
pub struct AllowAttr {
    pub rule: Str,
    pub reason: Str,
}

/// `policy(name = "...", command = "select", using = "...", with_check = "...", roles("r"), restrictive, comment = "...")`.
#[derive(FromMeta)]
pub struct PolicyAttr {
    pub name: Str,
    pub command: Option<Keyword<PolicyCommand>>,
    pub restrictive: Word,
    pub roles: Option<Strings>,
    pub using: Option<Str>,
    pub with_check: Option<Str>,
    pub comment: Option<Str>,
}

/// `unique(columns(a, b), name = "...", nulls_not_distinct)`.
#[derive(FromMeta)]
pub struct UniqueAttr {
    pub columns: FieldRefs,
    pub name: Option<Str>,
    pub nulls_not_distinct: Word,
}

/// `check(expr = "...", name = "...")`.
#[derive(FromMeta)]
pub struct CheckAttr {
    pub expr: Str,
    pub name: Option<Str>,
}

/// Options shared by `#[table(index(...))]` and `#[column(index(...))]`.
#[derive(Clone, FromMeta)]
pub struct IndexOptions {
    pub name: Option<Str>,
    pub method: Option<Keyword<Method>>,
    pub opclass: Option<Str>,
    pub order: Option<Keyword<Order>>,
    pub nulls: Option<Keyword<Nulls>>,
    pub unique: Word,
    pub nulls_not_distinct: Word,
    pub include: Option<FieldRefs>,
    pub predicate: Option<Str>,
    pub comment: Option<Str>,
}

/// `index(columns(a, b(order = "desc")), expression = "...", ...)`.
#[derive(FromMeta)]
pub struct IndexAttr {
    pub columns: Option<IndexColumns>,
    pub expression: Option<Str>,
    #[darling(flatten)]
    pub options: IndexOptions,
}

/// The options of one key in `index(columns(...))`: `created_at(order = "desc", nulls = "last")`,
/// `name(opclass = "text_pattern_ops")`.
#[derive(Clone, Default, FromMeta)]
pub struct KeyOptions {
    pub opclass: Option<Str>,
    pub order: Option<Keyword<Order>>,
    pub nulls: Option<Keyword<Nulls>>,
}

/// One key of `index(columns(...))`: a Rust field, alone or with its own options.
#[derive(Clone)]
pub struct IndexColumn {
    pub field: syn::Ident,
    pub options: KeyOptions,
}

/// `columns(tenant_id, created_at(order = "desc", nulls = "last"))`: the column keys of a
/// table-level index, in key order.
#[derive(Clone)]
pub struct IndexColumns {
    pub keys: Vec<IndexColumn>,
}

impl FromMeta for IndexColumns {
    fn from_meta(item: &syn::Meta) -> darling::Result<Self> {
        use darling::ast::NestedMeta;
        use syn::Meta;
        let example = "`columns(tenant_id, created_at(order = \"desc\", nulls = \"last\"))`";
        let Meta::List(list) = item else {
            return Err(darling::Error::custom(format!("`columns` takes a list of field names: {example}")).with_span(item));
        };
        let nested = NestedMeta::parse_meta_list(list.tokens.clone())?;
        let mut errors = darling::Error::accumulator();
        let mut keys = Vec::new();
        for n in &nested {
            match n {
                NestedMeta::Meta(Meta::Path(p)) if p.get_ident().is_some() => {
                    keys.push(IndexColumn { field: p.get_ident().cloned().unwrap(), options: KeyOptions::default() });
                }
                NestedMeta::Meta(meta @ Meta::List(l)) if l.path.get_ident().is_some() => {
                    let field = l.path.get_ident().cloned().unwrap();
                    if l.tokens.is_empty() {
                        errors.push(
                            darling::Error::custom(format!(
                                "`{field}()` gives the key no options; write `{field}` alone, or set its `order`, `nulls` or `opclass`"
                            ))
                            .with_span(l),
                        );
                        continue;
                    }
                    if let Some(options) = errors.handle(KeyOptions::from_meta(meta)) {
                        keys.push(IndexColumn { field, options });
                    }
                }
                NestedMeta::Meta(Meta::NameValue(nv)) if nv.path.get_ident().is_some() => {
                    let field = nv.path.get_ident().unwrap();
                    errors.push(
                        darling::Error::custom(format!(
                            "a key's options go in parentheses after its field: `{field}(order = \"desc\")`, not `{field} = ...`"
                        ))
                        .with_span(nv),
                    );
                }
                other => errors.push(
                    darling::Error::custom(format!(
                        "`columns(...)` lists Rust field names, each alone or with its key's options: {example}"
                    ))
                    .with_span(other),
                ),
            }
        }
        if nested.is_empty() {
            errors.push(darling::Error::custom("`columns(...)` is empty: list at least one field").with_span(list));
        }
        errors.finish_with(IndexColumns { keys })
    }
}

/// `foreign_key(columns(a, b), references = T, ...)`: a multi-column foreign key.
#[derive(FromMeta)]
pub struct ForeignKeyAttr {
    pub columns: FieldRefs,
    pub references: TypePath,
    pub references_columns: Option<StrList>,
    pub name: Option<Str>,
    pub on_delete: Option<Keyword<RefAction>>,
    pub on_update: Option<Keyword<RefAction>>,
    /// `on_delete_set_columns(parent_id)`: the columns `ON DELETE SET NULL` /
    /// `SET DEFAULT` sets, some of `columns(...)`.
    pub on_delete_set_columns: Option<FieldRefs>,
    pub deferrable: Option<Keyword<Deferrable>>,
}

/// `#[column(...)]`.
#[derive(FromField)]
#[darling(attributes(column), forward_attrs(doc))]
pub struct ColumnAttrs {
    /// Doc comments (the default column comment).
    pub attrs: Vec<syn::Attribute>,
    pub skip: Word,
    pub name: Option<Str>,
    pub sql_type: Option<Str>,
    pub varchar: Option<Int>,
    pub primary_key: Word,
    pub identity: Option<IdentityOpt>,
    pub unique: Word,
    pub default: Option<Str>,
    pub default_text: Option<Str>,
    pub check: Option<Str>,
    pub references: Option<TypePath>,
    pub references_column: Option<Str>,
    pub on_delete: Option<Keyword<RefAction>>,
    pub on_update: Option<Keyword<RefAction>>,
    pub deferrable: Option<Keyword<Deferrable>>,
    pub comment: Option<Str>,
    pub index: Option<WordOrList<IndexOptions>>,
    pub generated: Option<Str>,
    /// Holds personal data (PII).
    pub personal_data: Word,
    /// How the column's sensitive data is protected (`"argon2id hash"`).
    pub protection: Option<Str>,
    /// The column's previous name, so migrations rename instead of drop and add.
    pub renamed_from: Option<Str>,
    #[darling(multiple)]
    pub allow: Vec<List<AllowAttr>>,
}

impl ColumnAttrs {
    /// The first option other than `skip` (its key and span), if any.
    pub fn first_column_option(&self) -> Option<(&'static str, proc_macro2::Span)> {
        let strs = [
            ("name", &self.name),
            ("sql_type", &self.sql_type),
            ("default", &self.default),
            ("default_text", &self.default_text),
            ("check", &self.check),
            ("references_column", &self.references_column),
            ("comment", &self.comment),
            ("generated", &self.generated),
            ("protection", &self.protection),
            ("renamed_from", &self.renamed_from),
        ];
        let all = [("primary_key", self.primary_key.0), ("unique", self.unique.0), ("personal_data", self.personal_data.0)]
            .into_iter()
            .chain(strs.into_iter().map(|(k, s)| (k, s.as_ref().map(|s| s.key))))
            .chain([
                ("varchar", self.varchar.as_ref().map(|v| v.key)),
                ("identity", self.identity.as_ref().map(|v| v.key)),
                ("references", self.references.as_ref().map(|v| v.key)),
                ("on_delete", self.on_delete.as_ref().map(|v| v.key)),
                ("on_update", self.on_update.as_ref().map(|v| v.key)),
                ("deferrable", self.deferrable.as_ref().map(|v| v.key)),
                ("index", self.index.as_ref().map(|v| v.key)),
                ("allow", self.allow.first().map(|v| v.key)),
            ]);
        all.filter_map(|(k, s)| s.map(|s| (k, s))).next()
    }
}

/// `#[domain(...)]` on a newtype.
#[derive(FromDeriveInput)]
#[darling(attributes(domain))]
pub struct DomainAttrs {
    pub name: Option<Str>,
    pub schema: Option<Str>,
    pub sql_type: Option<Str>,
    #[darling(multiple)]
    pub check: Vec<DomainCheck>,
    pub not_null: Word,
    pub default: Option<Str>,
    pub comment: Option<Str>,
}

/// `check = "VALUE <> ''"` or `check(name = "...", expr = "...")`.
pub struct DomainCheck {
    pub expr: Str,
    pub name: Option<Str>,
}

impl FromMeta for DomainCheck {
    fn from_meta(item: &syn::Meta) -> darling::Result<Self> {
        match item {
            syn::Meta::List(_) => {
                let c = CheckAttr::from_meta(item)?;
                Ok(DomainCheck { expr: c.expr, name: c.name })
            }
            _ => Ok(DomainCheck { expr: Str::from_meta(item)?, name: None }),
        }
    }
}

/// `#[pg_enum(...)]` on the enum.
#[derive(FromDeriveInput)]
#[darling(attributes(pg_enum))]
pub struct EnumAttrs {
    pub name: Option<Str>,
    pub schema: Option<Str>,
    pub rename_all: Option<Keyword<RenameRule>>,
    pub comment: Option<Str>,
}

/// `#[pg_enum(rename = "...")]` on a variant.
#[derive(FromVariant)]
#[darling(attributes(pg_enum))]
pub struct VariantAttrs {
    pub ident: syn::Ident,
    pub rename: Option<Str>,
}

/// The doc comment of an item, as a database comment: each paragraph's lines
/// joined with spaces, paragraphs separated by a newline; `None` when empty.
pub fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                lines.extend(s.value().split('\n').map(|l| l.trim().to_owned()));
            }
        }
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    if paragraphs.is_empty() {
        None
    } else {
        Some(paragraphs.join("\n"))
    }
}

/// Runs `parse` (a darling receiver) over `attrs`. When it fails, also returns
/// what parses from only the `#[name(...)]` options that are fine on their own,
/// so the checks across options still run on those and every mistake is
/// reported in one compiler run, not one per fix.
pub fn parse_lenient<T>(
    attrs: &[syn::Attribute],
    name: &str,
    parse: impl Fn(Vec<syn::Attribute>) -> darling::Result<T>,
) -> Result<T, (darling::Error, Option<T>)> {
    let error = match parse(attrs.to_vec()) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let path = syn::Ident::new(name, proc_macro2::Span::call_site());
    let (ours, others): (Vec<&syn::Attribute>, Vec<&syn::Attribute>) = attrs.iter().partition(|a| a.path().is_ident(name));
    let items: Vec<darling::ast::NestedMeta> = ours
        .iter()
        .filter_map(|a| {
            a.parse_args_with(syn::punctuated::Punctuated::<darling::ast::NestedMeta, syn::Token![,]>::parse_terminated).ok()
        })
        .flatten()
        .collect();
    let with = |items: &[&darling::ast::NestedMeta]| -> Vec<syn::Attribute> {
        let mut all: Vec<syn::Attribute> = others.iter().map(|a| (*a).clone()).collect();
        all.push(syn::parse_quote!(#[#path(#(#items),*)]));
        all
    };
    let fine: Vec<&darling::ast::NestedMeta> = items.iter().filter(|item| parse(with(&[item])).is_ok()).collect();
    Err((error, parse(with(&fine)).ok()))
}
