//! placeholder
pub use pgarchitect_core::*;
