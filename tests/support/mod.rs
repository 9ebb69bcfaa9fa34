//! Shared helpers for integration tests (`mod support;` in each `tests/*.rs`).
//!
//! Each test binary uses only part of this module, so unused items must not warn.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod pg;

/// `builder.build()`, panicking with every problem when a test's valid schema is refused.
pub fn build(builder: pgarchitect::SchemaBuilder) -> pgarchitect::Schema {
    builder.build().unwrap_or_else(|e| panic!("build() refused a valid schema: {e}"))
}
