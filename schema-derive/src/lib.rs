//! Derive macros for [pgarchitect](https://docs.rs/pgarchitect): `#[derive(Table)]`
//! and `#[derive(PgEnum)]`. Use them through the `pgarchitect` crate, whose
//! documentation lists every attribute; the expansions refer to
//! `::pgarchitect::__private` and to nothing else.
//!
//! Layout: `attr` parses attributes (darling receivers), `validate` checks how
//! they combine and builds the model in `ir`, `expand` turns that model into
//! tokens. `table` and `pg_enum` run the three steps for each derive.

mod attr;
mod case;
mod expand;
mod ir;
mod pg_enum;
mod sql_type;
mod suggest;
mod table;
mod validate;

use proc_macro::TokenStream;

/// Implements `pgarchitect::Table` for a struct with named fields; see the
/// `pgarchitect` crate for the `#[table(...)]` and `#[column(...)]` attributes.
#[proc_macro_derive(Table, attributes(table, column))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    table::derive(input.into()).into()
}

/// Implements `pgarchitect::PgEnum` and `pgarchitect::PgType` for a fieldless
/// enum; see the `pgarchitect` crate for the `#[pg_enum(...)]` attribute.
#[proc_macro_derive(PgEnum, attributes(pg_enum))]
pub fn derive_pg_enum(input: TokenStream) -> TokenStream {
    pg_enum::derive(input.into()).into()
}
