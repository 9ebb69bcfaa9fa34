//! `#[derive(Domain)]`: `impl PgType` (and with the `postgres-types` feature,
//! `ToSql`/`FromSql` delegating to the wrapped type).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{private, private_at};
use crate::ir;

fn pg_type_impl(d: &ir::Domain, register: TokenStream) -> TokenStream {
    let p = private();
    let ident = &d.ident;
    let (impl_generics, ty_generics, where_clause) = d.generics.split_for_impl();
    let (schema, name) = (&d.schema, &d.name);
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::PgType for #ident #ty_generics #where_clause {
            fn sql_type() -> #p::SqlType {
                #p::SqlType::Named(#p::model::QualifiedName::new(#schema, #name))
            }

            fn register(__schema: &mut #p::SchemaBuilder) {
                #register
            }
        }
    }
}

/// `impl PgType`: the column type is the domain, and registering it adds
/// `CREATE DOMAIN` (after what the wrapped type needs).
pub fn domain(d: &ir::Domain) -> TokenStream {
    let p = private();
    let (schema, name) = (&d.schema, &d.name);
    let (base, register_inner) = match (&d.sql_type, &d.inner) {
        (Some(text), _) => {
            let qualified = format!("{schema}.{name}");
            (quote!(#p::sql_type(#text)), quote!(#p::check_domain_sql_type(__schema, #qualified, #text);))
        }
        (None, Some(inner)) => {
            let span = inner.span();
            let pt = private_at(span);
            (
                quote_spanned!(span=> <#inner as #pt::PgType>::sql_type()),
                quote_spanned!(span=> <#inner as #pt::PgType>::register(__schema);),
            )
        }
        (None, None) => (quote!(#p::SqlType::Text), TokenStream::new()),
    };
    let not_null = d.not_null;
    let default = match &d.default {
        Some(expr) => quote!(#p::Some(#expr)),
        None => quote!(#p::None),
    };
    let mut def = quote!(#p::domain(#schema, #name, #base, #not_null, #default));
    for c in &d.checks {
        let expr = &c.expr;
        let mut check = quote!(#p::model::CheckConstraint::new(#expr));
        if let Some(n) = &c.name {
            check = quote!(#check.named(#n));
        }
        def = quote!(#def.check(#check));
    }
    if let Some(c) = &d.comment {
        def = quote!(#def.comment(#c));
    }
    let pg_type = pg_type_impl(
        d,
        quote! {
            #register_inner
            __schema.register_domain(#def);
        },
    );
    let sql = match (&d.inner, cfg!(feature = "postgres-types")) {
        (Some(inner), true) => postgres_types(d, Some(inner)),
        _ => TokenStream::new(),
    };
    quote! {
        #pg_type
        #sql
    }
}

/// `ToSql`/`FromSql` as postgres-types' own derive writes them for a domain
/// newtype: the wrapped value on the wire (a domain's binary format is its base
/// type's), accepting the domain of that name over a type the wrapped type
/// accepts, and that base type itself. Without `inner` (a stub beside errors)
/// the bodies only fail.
fn postgres_types(d: &ir::Domain, inner: Option<&syn::Type>) -> TokenStream {
    let p = private();
    let pg = quote!(#p::postgres_types);
    let ident = &d.ident;
    let name = &d.name;
    let (impl_generics, ty_generics, where_clause) = d.generics.split_for_impl();
    let mut from_generics = d.generics.clone();
    from_generics.params.insert(0, syn::parse_quote!('__raw));
    let (from_impl_generics, _, _) = from_generics.split_for_impl();
    let Some(inner) = inner else {
        return quote! {
            #[automatically_derived]
            impl #impl_generics #pg::ToSql for #ident #ty_generics #where_clause {
                fn to_sql(&self, _ty: &#pg::Type, _out: &mut #p::bytes::BytesMut) -> #p::Result<#pg::IsNull, #p::pg_enum::BoxError> {
                    #p::Err(#p::pg_domain::not_a_newtype())
                }

                fn accepts(_ty: &#pg::Type) -> bool {
                    false
                }

                fn to_sql_checked(&self, ty: &#pg::Type, out: &mut #p::bytes::BytesMut) -> #p::Result<#pg::IsNull, #p::pg_enum::BoxError> {
                #p::pg_enum::to_sql_checked(self, ty, out)
            }
            }

            #[automatically_derived]
            impl #from_impl_generics #pg::FromSql<'__raw> for #ident #ty_generics #where_clause {
                fn from_sql(_ty: &#pg::Type, _raw: &'__raw [u8]) -> #p::Result<Self, #p::pg_enum::BoxError> {
                    #p::Err(#p::pg_domain::not_a_newtype())
                }

                fn accepts(_ty: &#pg::Type) -> bool {
                    false
                }
            }
        };
    };
    let span = inner.span();
    let pgs = quote_spanned!(span=> ::pgarchitect::__private::postgres_types);
    // With lifetime parameters, whether the wrapped type reads from `'__raw` depends
    // on them; without, the bound is left out so a missing impl is reported at the field.
    let from_where = if d.generics.params.is_empty() {
        quote!(#where_clause)
    } else {
        let mut generics = d.generics.clone();
        let w = generics.make_where_clause();
        w.predicates.push(syn::parse_quote!(#inner: #pg::FromSql<'__raw>));
        quote!(#w)
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #pg::ToSql for #ident #ty_generics #where_clause {
            fn to_sql(&self, ty: &#pg::Type, out: &mut #p::bytes::BytesMut) -> #p::Result<#pg::IsNull, #p::pg_enum::BoxError> {
                <#inner as #pgs::ToSql>::to_sql(&self.0, #p::pg_domain::base(ty), out)
            }

            fn accepts(ty: &#pg::Type) -> bool {
                #p::pg_domain::accepts(ty, #name, <#inner as #pgs::ToSql>::accepts)
            }

            fn to_sql_checked(&self, ty: &#pg::Type, out: &mut #p::bytes::BytesMut) -> #p::Result<#pg::IsNull, #p::pg_enum::BoxError> {
                #p::pg_enum::to_sql_checked(self, ty, out)
            }
        }

        #[automatically_derived]
        impl #from_impl_generics #pg::FromSql<'__raw> for #ident #ty_generics #from_where {
            fn from_sql(ty: &#pg::Type, raw: &'__raw [u8]) -> #p::Result<Self, #p::pg_enum::BoxError> {
                #p::Result::map(<#inner as #pgs::FromSql<'__raw>>::from_sql(#p::pg_domain::base(ty), raw), |v| Self(v))
            }

            fn accepts(ty: &#pg::Type) -> bool {
                #p::pg_domain::accepts(ty, #name, <#inner as #pgs::FromSql<'__raw>>::accepts)
            }
        }
    }
}

/// The impls emitted beside compile errors: the domain's type, nothing registered.
pub fn domain_stub(d: &ir::Domain) -> TokenStream {
    let pg_type = pg_type_impl(d, TokenStream::new());
    let sql = if cfg!(feature = "postgres-types") && d.generics.params.is_empty() {
        postgres_types(d, None)
    } else {
        TokenStream::new()
    };
    quote! {
        #pg_type
        #sql
    }
}
