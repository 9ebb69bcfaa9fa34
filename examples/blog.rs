//! The brief's blog schema (being written).
fn main() {}
