use pgarchitect::Table;

struct Team {
    id: i64,
}

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
    #[column(references = Team)]
    team_id: i64,
}

fn main() {}
