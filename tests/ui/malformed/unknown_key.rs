use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primay_key)]
    id: i64,
}

fn main() {}
