use pgarchitect::Table;

#[derive(Table)]
#[table(primary_key(tenant_id, id))]
struct Invoice {
    tenant_id: i64,
    #[column(primary_key)]
    id: i64,
}

fn main() {}
