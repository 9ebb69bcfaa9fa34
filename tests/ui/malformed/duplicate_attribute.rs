use pgarchitect::Table;

#[derive(Table)]
#[table(name = "users")]
#[table(name = "accounts")]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(name = "mail")]
    #[column(name = "email")]
    email: String,
}

fn main() {}
