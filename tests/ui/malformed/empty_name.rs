use pgarchitect::Table;

#[derive(Table)]
#[table(name = "", schema = "")]
struct User {
    #[column(primary_key, name = "")]
    id: i64,
}

fn main() {}
