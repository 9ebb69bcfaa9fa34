use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key, identity, default = "0")]
    id: i64,
}

fn main() {}
