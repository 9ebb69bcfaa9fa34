use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    email: String,
    #[column(name = "email")]
    contact_email: String,
}

fn main() {}
