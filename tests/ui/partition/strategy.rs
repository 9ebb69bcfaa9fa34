use pgarchitect::Table;

// No strategy at all.
#[derive(Table)]
#[table(partition(monthly(from = "2026-01-01", count = 3)))]
struct Log {
    #[column(primary_key)]
    id: i64,
}

// Two strategies.
#[derive(Table)]
#[table(primary_key(id, region), partition(list(region), hash(id), modulus = 4))]
struct Event {
    id: i64,
    region: String,
}

// LIST takes one column; a key field listed twice; a field that does not exist.
#[derive(Table)]
#[table(primary_key(id, region, created_at), partition(list(region, id)))]
struct Order {
    id: i64,
    region: String,
    created_at: std::time::SystemTime,
}

#[derive(Table)]
#[table(primary_key(id, created_at), partition(range(created, created_at, created_at), monthly(ahead = 3)))]
struct Reading {
    id: i64,
    created_at: std::time::SystemTime,
}

fn main() {}
