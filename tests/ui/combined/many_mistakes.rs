// Every mistake in one derive is reported in one compiler run, including the
// checks across options of an attribute that has a malformed option.
use pgarchitect::Table;

#[derive(Table)]
#[table(name = "", uniqe(columns(email)), index(columns(emial)))]
struct User {
    #[column(primary_key, identity, default = "0")]
    id: i64,
    #[column(uniqe, default = "''", generated = "lower(username)")]
    email: String,
    #[column(sql_type = "varchar(", varchar = 10)]
    username: String,
    #[column(on_delete = "cascade")]
    team_id: i64,
}

fn main() {}
