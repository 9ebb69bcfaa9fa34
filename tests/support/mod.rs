//! Shared helpers for integration tests (`mod support;` in each `tests/*.rs`).
//!
//! Each test binary uses only part of this module, so unused items must not warn.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod pg;
