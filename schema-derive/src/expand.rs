//! Code generation from the checked model. Nothing here validates: every
//! decision was made by `validate`, so this is only `quote!`.
//!
//! Generated code reaches pgarchitect only through `::pgarchitect::__private`, and
//! builds model values with their constructors and builder methods (the model
//! structs are `#[non_exhaustive]`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::ir::{self, ColumnType, Deferrable, Identity, Method, Nulls, Order, PolicyCommand, RefAction, Rls};

mod domain;
mod features;

pub use domain::{domain, domain_stub};

fn private() -> TokenStream {
    quote!(::pgarchitect::__private)
}

fn private_at(span: Span) -> TokenStream {
    quote_spanned!(span=> ::pgarchitect::__private)
}

fn action(a: RefAction) -> TokenStream {
    let p = private();
    let v = match a {
        RefAction::Cascade => quote!(Cascade),
        RefAction::Restrict => quote!(Restrict),
        RefAction::SetNull => quote!(SetNull),
        RefAction::SetDefault => quote!(SetDefault),
        RefAction::NoAction => quote!(NoAction),
    };
    quote!(#p::model::ReferentialAction::#v)
}

/// `<Target as Table>::ITEM`, spanned at the `references` path so a target
/// that is not a table is reported there.
fn target_item(fk: &ir::ForeignKey, item: TokenStream) -> TokenStream {
    let p = private_at(fk.span);
    let target = &fk.target;
    quote_spanned!(fk.span=> <#target as #p::Table>::#item)
}

fn column(c: &ir::Column) -> TokenStream {
    let p = private();
    let name = &c.name;
    let mut out = match &c.sql_type {
        ColumnType::Rust => {
            // Spanned at the field type: a type without a PostgreSQL mapping is reported there.
            let ty = &c.ty;
            let span = ty.span();
            let pt = private_at(span);
            quote_spanned!(span=> #pt::column(#name, <#ty as #pt::PgType>::sql_type(), <#ty as #pt::PgType>::NULLABLE))
        }
        ColumnType::Sql { text } => {
            // The field type need not be a `PgType`: the compiler picks, through
            // aliases, `Option<_>` (nullable), a `PgType` (its `NULLABLE`) or any
            // other type (NOT NULL). See `__private::Field`.
            let ty = &c.ty;
            let nullable = quote! {{
                use #p::{MappedField as _, OptionField as _, OtherField as _};
                (&&&#p::Field::<#ty>(#p::PhantomData)).__pgarchitect_nullable()
            }};
            quote!(#p::column(#name, #p::sql_type(#text), #nullable))
        }
    };
    match c.identity {
        Some(Identity::Always) => out = quote!(#out.identity(#p::model::Identity::Always)),
        Some(Identity::ByDefault) => out = quote!(#out.identity(#p::model::Identity::ByDefault)),
        None => {}
    }
    match &c.default {
        Some(ir::Default::Expr(e)) => out = quote!(#out.default_expr(#e)),
        Some(ir::Default::Text(t)) => out = quote!(#out.default_text(#t)),
        None => {}
    }
    if let Some(g) = &c.generated {
        out = quote!(#out.generated(#g));
    }
    if let Some(comment) = &c.comment {
        out = quote!(#out.comment(#comment));
    }
    if c.personal_data {
        out = quote!(#out.personal_data());
    }
    if let Some(how) = &c.protection {
        out = quote!(#out.protection(#how));
    }
    if let Some(old) = &c.renamed_from {
        out = quote!(#out.renamed_from(#old));
    }
    for (rule, reason) in &c.allows {
        out = quote!(#out.allow(#rule, #reason));
    }
    out
}

fn policy_command(command: PolicyCommand) -> TokenStream {
    let p = private();
    let c = match command {
        PolicyCommand::All => quote!(All),
        PolicyCommand::Select => quote!(Select),
        PolicyCommand::Insert => quote!(Insert),
        PolicyCommand::Update => quote!(Update),
        PolicyCommand::Delete => quote!(Delete),
    };
    quote!(#p::model::PolicyCommand::#c)
}

fn policy(policy: &ir::Policy) -> TokenStream {
    let p = private();
    let name = &policy.name;
    let mut out = quote!(#p::model::Policy::new(#name));
    if let Some(command) = policy.command {
        let c = policy_command(command);
        out = quote!(#out.command(#c));
    }
    if policy.restrictive {
        out = quote!(#out.restrictive());
    }
    if !policy.roles.is_empty() {
        let roles = &policy.roles;
        out = quote!(#out.roles([#(#roles),*]));
    }
    if let Some(u) = &policy.using {
        out = quote!(#out.using(#u));
    }
    if let Some(c) = &policy.with_check {
        out = quote!(#out.with_check(#c));
    }
    if let Some(c) = &policy.comment {
        out = quote!(#out.comment(#c));
    }
    out
}

fn unique(u: &ir::Unique) -> TokenStream {
    let p = private();
    let cols = &u.columns;
    let mut out = quote!(#p::model::UniqueConstraint::new([#(#cols),*]));
    if let Some(name) = &u.name {
        out = quote!(#out.named(#name));
    }
    if u.nulls_not_distinct {
        out = quote!(#out.nulls_not_distinct());
    }
    out
}

fn check(c: &ir::Check) -> TokenStream {
    let p = private();
    let expr = &c.expr;
    let mut out = match &c.column {
        Some(col) => quote!(#p::model::CheckConstraint::on_column(#col, #expr)),
        None => quote!(#p::model::CheckConstraint::new(#expr)),
    };
    if let Some(name) = &c.name {
        out = quote!(#out.named(#name));
    }
    out
}

fn foreign_key(fk: &ir::ForeignKey) -> TokenStream {
    let p = private();
    let cols = &fk.columns;
    let schema = target_item(fk, quote!(SCHEMA));
    let name = target_item(fk, quote!(NAME));
    let referenced = match &fk.target_columns {
        Some(cols) => quote!([#(#cols),*]),
        None => {
            let pk = target_item(fk, quote!(PRIMARY_KEY));
            quote!(#p::names(#pk))
        }
    };
    let mut out = quote!(#p::model::ForeignKey::new([#(#cols),*], #p::model::QualifiedName::new(#schema, #name), #referenced));
    if let Some(n) = &fk.name {
        out = quote!(#out.named(#n));
    }
    if let Some(a) = fk.on_delete {
        let a = action(a);
        out = quote!(#out.on_delete(#a));
    }
    if let Some(a) = fk.on_update {
        let a = action(a);
        out = quote!(#out.on_update(#a));
    }
    if !fk.on_delete_set_columns.is_empty() {
        let set = &fk.on_delete_set_columns;
        out = quote!(#out.on_delete_set_columns([#(#set),*]));
    }
    match fk.deferrable {
        Some(Deferrable::InitiallyDeferred) => out = quote!(#out.deferrable(#p::model::Deferrable::InitiallyDeferred)),
        Some(Deferrable::InitiallyImmediate) => out = quote!(#out.deferrable(#p::model::Deferrable::InitiallyImmediate)),
        None => {}
    }
    out
}

fn index(i: &ir::Index) -> TokenStream {
    let p = private();
    // A key's own options, else the index-wide ones (validate refuses both for one option).
    let key = |target: TokenStream, own: &ir::KeyOptions| {
        let mut out = target;
        if let Some(o) = own.opclass.as_ref().or(i.opclass.as_ref()) {
            out = quote!(#out.opclass(#o));
        }
        match own.order.or(i.order) {
            Some(Order::Asc) => out = quote!(#out.asc()),
            Some(Order::Desc) => out = quote!(#out.desc()),
            None => {}
        }
        match own.nulls.or(i.nulls) {
            Some(Nulls::First) => out = quote!(#out.nulls(#p::model::NullsOrder::First)),
            Some(Nulls::Last) => out = quote!(#out.nulls(#p::model::NullsOrder::Last)),
            None => {}
        }
        out
    };
    let none = ir::KeyOptions::default();
    let mut keys: Vec<TokenStream> = i
        .columns
        .iter()
        .enumerate()
        .map(|(n, c)| key(quote!(#p::model::IndexKey::column(#c)), i.column_keys.get(n).unwrap_or(&none)))
        .collect();
    if let Some(e) = &i.expression {
        keys.push(key(quote!(#p::model::IndexKey::expression(#e)), &none));
    }
    let mut out = quote!(#p::model::Index::with_keys([#(#keys),*]));
    if let Some(n) = &i.name {
        out = quote!(#out.named(#n));
    }
    if let Some(m) = i.method {
        let m = match m {
            Method::BTree => quote!(BTree),
            Method::Hash => quote!(Hash),
            Method::Gin => quote!(Gin),
            Method::Gist => quote!(Gist),
            Method::Brin => quote!(Brin),
            Method::SpGist => quote!(SpGist),
        };
        out = quote!(#out.using(#p::model::IndexMethod::#m));
    }
    if !i.include.is_empty() {
        let include = &i.include;
        out = quote!(#out.include([#(#include),*]));
    }
    if let Some(pred) = &i.predicate {
        out = quote!(#out.where_(#pred));
    }
    if i.unique {
        out = quote!(#out.unique());
    }
    if i.nulls_not_distinct {
        out = quote!(#out.nulls_not_distinct());
    }
    if let Some(c) = &i.comment {
        out = quote!(#out.comment(#c));
    }
    out
}

fn key_type(key: &ir::PrimaryKey) -> TokenStream {
    match key.types.as_slice() {
        [one] => one.to_token_stream(),
        many => quote!((#(#many,)*)),
    }
}

/// The `impl Table` header shared by the real impl and the stub.
fn table_header(t: &ir::Table, body: TokenStream) -> TokenStream {
    let p = private();
    let ident = &t.ident;
    let (impl_generics, ty_generics, where_clause) = t.generics.split_for_impl();
    let (schema, name) = (&t.schema, &t.name);
    let pk = &t.primary_key.columns;
    let pk_ty = key_type(&t.primary_key);
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::Table for #ident #ty_generics #where_clause {
            const SCHEMA: &'static str = #schema;
            const NAME: &'static str = #name;
            const PRIMARY_KEY: &'static [&'static str] = &[#(#pk),*];
            type PrimaryKey = #pk_ty;
            #body
        }
    }
}

/// `impl Table` for a checked struct, plus the compile-time foreign key checks.
pub fn table(t: &ir::Table) -> TokenStream {
    let p = private();
    let (schema, name) = (&t.schema, &t.name);

    let mut def = quote!(#p::model::Table::in_schema(#schema, #name));
    for c in &t.columns {
        let c = column(c);
        def = quote!(#def.column(#c));
    }
    if !t.primary_key.columns.is_empty() {
        let pk = &t.primary_key.columns;
        def = quote!(#def.primary_key([#(#pk),*]));
    }
    for u in &t.uniques {
        let u = unique(u);
        def = quote!(#def.unique(#u));
    }
    for c in &t.checks {
        let c = check(c);
        def = quote!(#def.check(#c));
    }
    for fk in &t.foreign_keys {
        let fk = foreign_key(fk);
        def = quote!(#def.foreign_key(#fk));
    }
    for i in &t.indexes {
        let i = index(i);
        def = quote!(#def.index(#i));
    }
    if let Some(comment) = &t.comment {
        def = quote!(#def.comment(#comment));
    }
    if let Some(volume) = &t.volume {
        def = quote!(#def.volume(#volume));
    }
    if let Some(retention) = &t.retention {
        def = quote!(#def.retention(#retention));
    }
    if let Some((schema, name)) = &t.renamed_from {
        def = quote!(#def.renamed_from(::pgarchitect::__private::model::QualifiedName::new(#schema, #name)));
    }
    for (rule, reason) in &t.allows {
        def = quote!(#def.allow(#rule, #reason));
    }
    if let Some(rls) = t.rls {
        let forced = rls == Rls::Forced;
        def = quote!(#def.row_level_security(#forced));
    }
    for pol in &t.policies {
        let pol = policy(pol);
        def = quote!(#def.policy(#pol));
    }
    for iso in &t.isolations {
        let iso = features::isolation(iso);
        def = quote!(#def.policy(#iso));
    }
    if let Some(part) = &t.partitioning {
        let part = features::partitioning(part);
        def = quote!(#def.partition_by(#part));
    }
    for tr in &t.triggers {
        let tr = features::trigger(tr);
        def = quote!(#def.trigger(#tr));
    }
    // These add columns unless declared, so they come after the fields' columns.
    for ft in &t.full_text {
        let args = features::full_text(ft);
        def = quote!(#def.full_text_search(#args));
    }
    if t.timestamps {
        def = quote!(#def.timestamps());
    }
    if t.soft_delete {
        def = quote!(#def.soft_delete());
    }
    if t.audited {
        def = quote!(#def.audited());
    }

    // Each Rust type registers its dependencies (an enum's `CREATE TYPE`) once.
    let mut registered = std::collections::HashSet::new();
    let register: Vec<TokenStream> = t
        .columns
        .iter()
        .filter_map(|c| match &c.sql_type {
            ColumnType::Rust => {
                let ty = &c.ty;
                registered.insert(ty.to_token_stream().to_string()).then(|| {
                    let pt = private_at(ty.span());
                    quote_spanned!(ty.span()=> <#ty as #pt::PgType>::register(__schema);)
                })
            }
            ColumnType::Sql { text, .. } => {
                let col = &c.name;
                Some(quote!(#p::check_sql_type(__schema, #name, #col, #text);))
            }
        })
        .collect();

    let body = quote! {
        fn definition() -> #p::model::Table {
            #def
        }

        fn register(__schema: &mut #p::SchemaBuilder) {
            #(#register)*
        }
    };
    let header = table_header(t, body);
    let checks = foreign_key_checks(t);
    quote! {
        #header
        #checks
    }
}

/// `tokens` with every span set to `span`, so errors about them point there.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// A never-called function that makes a foreign key whose field types differ
/// from the referenced key (or whose target is not a table) a compile error, at
/// the `references` path (or, for a composite key, at the mismatched column),
/// and a `set_null` action on a field that is not an `Option<_>` one, at the action.
fn foreign_key_checks(t: &ir::Table) -> TokenStream {
    let (impl_generics, _, where_clause) = t.generics.split_for_impl();
    // `set_null` on a field not written `Option<_>`: the compiler checks its type,
    // at the action, so an alias of `Option` passes and any other type does not.
    let set_null = t.foreign_keys.iter().flat_map(|fk| &fk.set_null_checks).map(|(ty, span)| {
        let p = private_at(*span);
        let ty = respan(ty.to_token_stream(), *span);
        quote_spanned!(*span=> #p::assert_set_null::<#ty>();)
    });
    let checks: Vec<TokenStream> = t
        .foreign_keys
        .iter()
        .filter_map(|fk| fk.typed_check.as_ref().map(|types| (fk, types)))
        .map(|(fk, types)| {
            let key = target_item(fk, quote!(PrimaryKey));
            match types.as_slice() {
                [(ty, span)] => {
                    let p = private_at(*span);
                    let ty = respan(ty.to_token_stream(), *span);
                    quote_spanned!(*span=> #p::assert_foreign_key::<#ty, #key>();)
                }
                // Composite: each column against its part of the key, so a nullable
                // column matches its part (`Option<K>` for `K`). The part's type is
                // inferred from the destructured key before the column's type is
                // given, so a mismatch reads "column has type X, key has type Y".
                many => {
                    let parts: Vec<syn::Ident> =
                        (0..many.len()).map(|i| syn::Ident::new(&format!("__key{i}"), fk.span)).collect();
                    let asserts = many.iter().zip(&parts).map(|((ty, span), part)| {
                        let p = private_at(*span);
                        let ty = respan(ty.to_token_stream(), *span);
                        quote_spanned!(*span=> #p::assert_foreign_key_part(&#part, #p::PhantomData::<#ty>);)
                    });
                    quote_spanned! {fk.span=>
                        let __check = |__key: #key| {
                            let (#(#parts,)*) = __key;
                            #(#asserts)*
                        };
                    }
                }
            }
        })
        .chain(set_null)
        .collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: () = {
            #[allow(dead_code, unused_variables, clippy::all)]
            fn __pgarchitect_check_foreign_keys #impl_generics () #where_clause {
                #(#checks)*
            }
        };
    }
}

/// The impl emitted beside compile errors, so code using the type reports only
/// the real mistakes. Its body never runs: the crate does not compile.
pub fn table_stub(t: &ir::Table) -> TokenStream {
    let p = private();
    let (schema, name) = (&t.schema, &t.name);
    table_header(
        t,
        quote! {
            fn definition() -> #p::model::Table {
                #p::model::Table::in_schema(#schema, #name)
            }
        },
    )
}

fn enum_header(e: &ir::PgEnum, labels: &[&String], definition: TokenStream) -> TokenStream {
    let p = private();
    let ident = &e.ident;
    let (impl_generics, ty_generics, where_clause) = e.generics.split_for_impl();
    let (schema, name) = (&e.schema, &e.name);
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::PgEnum for #ident #ty_generics #where_clause {
            const SCHEMA: &'static str = #schema;
            const NAME: &'static str = #name;
            const LABELS: &'static [&'static str] = &[#(#labels),*];

            fn definition() -> #p::model::EnumType {
                #definition
            }
        }

        #[automatically_derived]
        impl #impl_generics #p::PgType for #ident #ty_generics #where_clause {
            fn sql_type() -> #p::SqlType {
                #p::SqlType::Named(#p::model::QualifiedName::new(<Self as #p::PgEnum>::SCHEMA, <Self as #p::PgEnum>::NAME))
            }

            fn register(schema: &mut #p::SchemaBuilder) {
                schema.register_enum(<Self as #p::PgEnum>::definition())
            }
        }
    }
}

/// `impl PgEnum` and `impl PgType` (and with the `postgres-types` feature,
/// `ToSql`/`FromSql`) for a checked enum.
pub fn pg_enum(e: &ir::PgEnum) -> TokenStream {
    let p = private();
    let labels: Vec<&String> = e.variants.iter().map(|(_, l)| l).collect();
    let mut definition = quote! {
        #p::model::EnumType::in_schema(
            <Self as #p::PgEnum>::SCHEMA,
            <Self as #p::PgEnum>::NAME,
            #p::names(<Self as #p::PgEnum>::LABELS),
        )
    };
    if let Some(c) = &e.comment {
        definition = quote!(#definition.comment(#c));
    }
    let header = enum_header(e, &labels, definition);
    let sql = if cfg!(feature = "postgres-types") { postgres_types(e, true) } else { TokenStream::new() };
    quote! {
        #header
        #sql
    }
}

/// `ToSql`/`FromSql` as postgres-types' own derive writes them for an enum with
/// `#[postgres(name = "...")]`: the label as text on the wire, and `accepts` only
/// for a type of that name whose labels are exactly ours. For a stub (`real` is
/// false) the bodies are placeholders: the variants may not be unit variants.
fn postgres_types(e: &ir::PgEnum, real: bool) -> TokenStream {
    let p = private();
    let ident = &e.ident;
    let pg = quote!(#p::postgres_types);
    let (label, from_label) = if real {
        let to_label = e.variants.iter().map(|(v, l)| quote!(#ident::#v => #l));
        let from_label = e.variants.iter().map(|(v, l)| quote!(#l => #p::Ok(#ident::#v)));
        (quote!(match *self { #(#to_label,)* }), quote!(#(#from_label,)*))
    } else {
        (quote!(""), quote!())
    };
    quote! {
        #[automatically_derived]
        impl #pg::ToSql for #ident {
            fn to_sql(
                &self,
                _ty: &#pg::Type,
                out: &mut #p::bytes::BytesMut,
            ) -> #p::Result<#pg::IsNull, #p::pg_enum::BoxError> {
                #p::pg_enum::to_sql(#label, out)
            }

            fn accepts(ty: &#pg::Type) -> bool {
                #p::pg_enum::accepts(ty, <Self as #p::PgEnum>::NAME, <Self as #p::PgEnum>::LABELS)
            }

            fn to_sql_checked(&self, ty: &#pg::Type, out: &mut #p::bytes::BytesMut) -> #p::Result<#pg::IsNull, #p::pg_enum::BoxError> {
                #p::pg_enum::to_sql_checked(self, ty, out)
            }
        }

        #[automatically_derived]
        impl<'__raw> #pg::FromSql<'__raw> for #ident {
            fn from_sql(ty: &#pg::Type, raw: &'__raw [u8]) -> #p::Result<Self, #p::pg_enum::BoxError> {
                match #p::pg_enum::from_sql(raw)? {
                    #from_label
                    other => #p::Err(#p::pg_enum::unknown_label(ty, other)),
                }
            }

            fn accepts(ty: &#pg::Type) -> bool {
                #p::pg_enum::accepts(ty, <Self as #p::PgEnum>::NAME, <Self as #p::PgEnum>::LABELS)
            }
        }
    }
}

/// The enum impls emitted beside compile errors (with the `postgres-types`
/// feature, `ToSql`/`FromSql` too, unless the enum is generic).
pub fn pg_enum_stub(e: &ir::PgEnum) -> TokenStream {
    let p = private();
    let labels: Vec<&String> = e.variants.iter().map(|(_, l)| l).collect();
    let (schema, name) = (&e.schema, &e.name);
    let header = enum_header(e, &labels, quote!(#p::model::EnumType::in_schema(#schema, #name, #p::names(&[#(#labels),*]))));
    let sql = if cfg!(feature = "postgres-types") && e.generics.params.is_empty() {
        postgres_types(e, false)
    } else {
        TokenStream::new()
    };
    quote! {
        #header
        #sql
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn pretty(tokens: proc_macro2::TokenStream) -> String {
        let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
        prettyplease::unparse(&file)
    }

    #[test]
    fn table_expansion() {
        insta::assert_snapshot!(pretty(crate::table::derive(quote! {
            /// Blog posts.
            #[table(
                name = "posts",
                unique(columns(author_id, slug), name = "posts_author_slug_key"),
                index(columns(author_id, published_at), order = "desc", nulls = "last", include(title), predicate = "published_at IS NOT NULL"),
                foreign_key(columns(author_id, blog_id), references = Membership, on_delete = "cascade")
            )]
            struct Post {
                #[column(primary_key, identity)]
                id: i64,
                #[column(references = User, on_delete = "cascade", index)]
                author_id: i64,
                blog_id: Option<i64>,
                #[column(varchar = 200, check = "slug <> ''")]
                slug: String,
                /// The headline.
                title: String,
                #[column(default_text = "draft")]
                status: PostStatus,
                #[column(sql_type = "tsvector", generated = "to_tsvector('english', title)", index(method = "gin"))]
                search: Option<String>,
                published_at: Option<DateTime<Utc>>,
            }
        })));
    }

    #[test]
    fn index_key_options_expansion() {
        // Each key's own options; the index-wide `nulls` on every key, the expression too.
        insta::assert_snapshot!(pretty(crate::table::derive(quote! {
            #[table(
                index(columns(tenant_id, created_at(order = "desc", nulls = "last"))),
                index(columns(name(opclass = "text_pattern_ops", order = "asc"), tenant_id(order = "desc")), expression = "lower(name)", nulls = "first")
            )]
            struct Event {
                #[column(primary_key)]
                id: i64,
                tenant_id: i64,
                created_at: i64,
                name: String,
            }
        })));
    }

    #[test]
    fn stub_beside_errors() {
        // The key is known despite the misspelled option, so the stub has the right key type.
        insta::assert_snapshot!(pretty(crate::table::derive(quote! {
            struct User {
                #[column(primary_key, uniqe)]
                id: i64,
            }
        })));
    }

    #[test]
    fn table_features_expansion() {
        insta::assert_snapshot!(pretty(crate::table::derive(quote! {
            #[table(
                primary_key(id, at),
                partition(range(at), monthly(from = "2026-01-01", count = 2, ahead = 1), values(name = "log_old", from("MINVALUE"), to("'2026-01-01'")), default_partition),
                trigger(name = "log_touch", timing = "before", events("insert", "update"), update_of(body), when = "NEW.body <> ''", function = "audit.touch", arguments("x")),
                trigger(name = "log_truncate", timing = "after", events("truncate"), for_each = "statement", function = "touch"),
                full_text(config = "english", source(body, weight = "A")),
                isolate(column = owner, setting = "app.user_id", command = "select", roles("app"), restrictive)
            )]
            struct Log {
                id: i64,
                at: SystemTime,
                owner: Option<i64>,
                body: String,
            }
        })));
    }

    #[test]
    fn domain_expansion() {
        let out = pretty(crate::domain::derive(quote! {
            /// An email address.
            #[domain(check(name = "email_format", expr = "VALUE ~ '@'"), not_null, default = "''")]
            struct EmailAddress(String);
        }));
        let with_sql_type = pretty(crate::domain::derive(quote! {
            #[domain(schema = "app", sql_type = "varchar(20)")]
            struct Code(MyString);
        }));
        let out = format!("{out}\n// ---- with sql_type ----\n\n{with_sql_type}");
        if cfg!(feature = "postgres-types") {
            insta::assert_snapshot!("domain_expansion_postgres_types", out);
        } else {
            insta::assert_snapshot!("domain_expansion", out);
        }
    }

    #[test]
    fn pg_enum_expansion() {
        let out = pretty(crate::pg_enum::derive(quote! {
            /// Lifecycle of an account.
            #[pg_enum(name = "user_status")]
            enum Status {
                Active,
                #[pg_enum(rename = "on hold")]
                OnHold,
            }
        }));
        // With the feature, `ToSql`/`FromSql` are part of the expansion.
        if cfg!(feature = "postgres-types") {
            insta::assert_snapshot!("pg_enum_expansion_postgres_types", out);
        } else {
            insta::assert_snapshot!("pg_enum_expansion", out);
        }
    }
}
