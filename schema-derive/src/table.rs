//! `#[derive(Table)]`: parse and check, then expand the impl, or on errors emit
//! them with a stub impl (so uses of the type elsewhere add no errors).

use proc_macro2::TokenStream;

use crate::{expand, validate};

/// The expansion of `#[derive(Table)]` on `input`.
pub fn derive(input: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.into_compile_error(),
    };
    match validate::table(&input) {
        (table, None) => expand::table(&table),
        (table, Some(errors)) => {
            let stub = expand::table_stub(&table);
            let errors = errors.write_errors();
            quote::quote! {
                #errors
                #stub
            }
        }
    }
}
