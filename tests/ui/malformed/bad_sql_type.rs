use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(sql_type = "varchar(50")]
    email: String,
    #[column(sql_type = "text; DROP TABLE users")]
    bio: String,
    #[column(sql_type = "numeric(twelve)")]
    balance: f64,
}

fn main() {}
