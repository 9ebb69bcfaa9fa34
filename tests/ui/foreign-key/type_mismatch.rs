use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
}

#[derive(Table)]
struct Post {
    #[column(primary_key)]
    id: i64,
    #[column(references = User)]
    author_id: i32,
}

fn main() {}
