use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(skip, unique)]
    cache: Vec<String>,
}

fn main() {}
