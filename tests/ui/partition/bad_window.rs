use pgarchitect::Table;

#[derive(Table)]
#[table(primary_key(id, at), partition(range(at), monthly(from = "2026-02-30", count = 3)))]
struct A {
    id: i64,
    at: std::time::SystemTime,
}

#[derive(Table)]
#[table(primary_key(id, at), partition(range(at), daily(from = "2026/01/01", count = "3")))]
struct B {
    id: i64,
    at: std::time::SystemTime,
}

#[derive(Table)]
#[table(primary_key(id, at), partition(range(at), yearly(count = 3), monthly(from = "2026-01-01")))]
struct C {
    id: i64,
    at: std::time::SystemTime,
}

#[derive(Table)]
#[table(primary_key(id, at), partition(range(at), monthly(ahead = 0)))]
struct D {
    id: i64,
    at: std::time::SystemTime,
}

fn main() {}
