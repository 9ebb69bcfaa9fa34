use pgarchitect::Table;

#[derive(Table)]
#[table(index(name = "idx_users_nothing", method = "btree"))]
struct User {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
