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
    #[column(references = User, on_delete = "cascad", on_update = "nothing")]
    author_id: i64,
}

fn main() {}
