use pgarchitect::Table;

#[derive(Table)]
#[table(primary_key(tenant, id))]
struct Invoice {
    tenant_id: i64,
    id: i64,
}

fn main() {}
