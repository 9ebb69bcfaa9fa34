use pgarchitect::Table;

// An option set for a key and for the whole index; per-key order on a hash index.
#[derive(Table)]
#[table(
    index(columns(tenant_id, created_at(order = "desc", nulls = "last")), order = "asc"),
    index(columns(name(opclass = "text_pattern_ops")), opclass = "varchar_ops"),
    index(columns(name(nulls = "first")), method = "hash")
)]
struct Event {
    #[column(primary_key)]
    id: i64,
    tenant_id: i64,
    created_at: i64,
    name: String,
}

fn main() {}
