use pgarchitect::Table;

struct Money {
    cents: i64,
}

#[derive(Table)]
struct Account {
    #[column(primary_key)]
    id: i64,
    balance: Money,
}

fn main() {}
