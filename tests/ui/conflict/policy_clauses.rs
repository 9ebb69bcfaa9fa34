use pgarchitect::Table;

#[derive(Table)]
#[table(
    row_level_security,
    policy(name = "notes_insert", command = "insert", using = "owner = current_user"),
    policy(name = "notes_select", command = "select", with_check = "owner = current_user"),
    policy(name = "notes_all", roles("app")),
    policy(name = "notes_update", command = "upsert", using = "true")
)]
struct Note {
    #[column(primary_key)]
    id: i64,
    owner: String,
}

fn main() {}
