use pgarchitect::Table;

// A window with list partitioning.
#[derive(Table)]
#[table(primary_key(id, region), partition(list(region), monthly(from = "2026-01-01", count = 1)))]
struct Event {
    id: i64,
    region: String,
}

// `modulus` without `hash`, and a window on a two-column key.
#[derive(Table)]
#[table(primary_key(id, at), partition(range(at, id), modulus = 4, yearly(ahead = 1)))]
struct Log {
    id: i64,
    at: std::time::SystemTime,
}

// `hash` without `modulus`, and a DEFAULT partition.
#[derive(Table)]
#[table(partition(hash(id), default_partition))]
struct Shard {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
