use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(sql_type = "text", varchar = 50)]
    email: String,
}

fn main() {}
