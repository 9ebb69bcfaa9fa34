use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(default = "'active'", default_text = "active")]
    status: String,
}

fn main() {}
