use pgarchitect::Table;

#[derive(Table)]
#[table(
    index(columns(emial)),
    unique(columns(user_name)),
    index(columns(id), include(cache))
)]
struct User {
    #[column(primary_key)]
    id: i64,
    email: String,
    username: String,
    #[column(skip)]
    cache: Vec<String>,
}

fn main() {}
