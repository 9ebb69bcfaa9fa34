//! Shared helpers for integration tests (`mod support;` in each `tests/*.rs`).
//!
//! Each test binary uses only part of this module, so unused items must not warn.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod pg;

/// `builder.build()`, panicking with every problem when a test's valid schema is refused.
pub fn build(builder: pgarchitect::SchemaBuilder) -> pgarchitect::Schema {
    builder.build().unwrap_or_else(|e| panic!("build() refused a valid schema: {e}"))
}

/// SQL giving the user triggers of range-partitioned `table` (with a DEFAULT
/// partition `{table}_default` and a trigger `own` calling `public.log_named()`)
/// one of each mode: `own` ENABLE ALWAYS, a plain `"Plain Logged"` on the table,
/// and on the default partition `replica_logged` (ENABLE REPLICA) and
/// `off_logged` (disabled). Row moves must give each its mode back.
pub fn triggers_in_every_mode(table: &str, own: &str) -> String {
    format!(
        "ALTER TABLE public.{table} ENABLE ALWAYS TRIGGER {own};
         CREATE TRIGGER \"Plain Logged\" AFTER INSERT OR DELETE ON public.{table} FOR EACH ROW EXECUTE FUNCTION public.log_named();
         CREATE TRIGGER replica_logged AFTER INSERT OR DELETE ON public.{table}_default FOR EACH ROW EXECUTE FUNCTION public.log_named();
         ALTER TABLE public.{table}_default ENABLE REPLICA TRIGGER replica_logged;
         CREATE TRIGGER off_logged AFTER INSERT OR DELETE ON public.{table}_default FOR EACH ROW EXECUTE FUNCTION public.log_named();
         ALTER TABLE public.{table}_default DISABLE TRIGGER off_logged;"
    )
}
