//! `#[derive(Domain)]`: parse and check, then expand the impls, or on errors emit
//! them with stub impls.

use proc_macro2::TokenStream;

use crate::{expand, validate};

/// The expansion of `#[derive(Domain)]` on `input`.
pub fn derive(input: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.into_compile_error(),
    };
    match validate::domain(&input) {
        (d, None) => expand::domain(&d),
        (d, Some(errors)) => {
            let stub = expand::domain_stub(&d);
            let errors = errors.write_errors();
            quote::quote! {
                #errors
                #stub
            }
        }
    }
}
