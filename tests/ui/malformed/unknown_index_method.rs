use pgarchitect::Table;

#[derive(Table)]
#[table(index(columns(email), method = "gni"))]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(index(order = "descending"))]
    email: String,
}

fn main() {}
