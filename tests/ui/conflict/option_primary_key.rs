use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: Option<i64>,
}

#[derive(Table)]
#[table(primary_key(tenant_id, id))]
struct Invoice {
    tenant_id: Option<i64>,
    id: i64,
}

fn main() {}
