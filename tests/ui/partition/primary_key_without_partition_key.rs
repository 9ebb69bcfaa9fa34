use pgarchitect::Table;

// The brief's audit log: a primary key on `id` alone cannot be enforced.
#[derive(Table)]
#[table(partition(range(created_at), monthly(from = "2026-01-01", count = 3)))]
struct AuditLog {
    #[column(primary_key, identity)]
    id: i64,
    created_at: std::time::SystemTime,
}

#[derive(Table)]
#[table(primary_key(tenant_id, id), partition(range(created_at, region), values(name = "old", from("MINVALUE", "MINVALUE"), to("'2026-01-01'", "'a'"))))]
struct Event {
    tenant_id: i64,
    id: i64,
    #[column(name = "created")]
    created_at: std::time::SystemTime,
    region: String,
}

fn main() {}
