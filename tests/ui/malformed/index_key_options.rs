use pgarchitect::Table;

// Mistakes in the options of one index key, all reported at once.
#[derive(Table)]
#[table(
    index(columns(tenant_id, created_at(ordr = "desc"))),
    index(columns(created_at(order = "descending", nulls = "lst"))),
    index(columns(created_a(order = "desc"))),
    index(columns(tenant_id = "desc", created_at()))
)]
struct Event {
    #[column(primary_key)]
    id: i64,
    tenant_id: i64,
    created_at: i64,
}

fn main() {}
