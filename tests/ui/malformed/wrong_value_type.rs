use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key = true)]
    id: i64,
    #[column(name = 5)]
    email: String,
    #[column(varchar = "fifty")]
    username: String,
    #[column(references = "not a path")]
    team_id: i64,
}

fn main() {}
