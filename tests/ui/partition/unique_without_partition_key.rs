use pgarchitect::Table;

#[derive(Table)]
#[table(
    primary_key(id, region),
    unique(columns(email)),
    unique(columns(region, handle)),
    index(columns(handle), unique),
    index(expression = "lower(region)", columns(email), unique),
    index(columns(email)),
    partition(list(region), values(name = "users_eu", labels("eu")))
)]
struct User {
    id: i64,
    region: String,
    #[column(unique)]
    email: String,
    #[column(index(unique))]
    handle: String,
}

fn main() {}
