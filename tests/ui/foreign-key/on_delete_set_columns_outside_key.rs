use pgarchitect::Table;

#[derive(Table)]
#[table(primary_key(tenant_id, id))]
struct Folder {
    tenant_id: i64,
    id: i64,
}

// ON DELETE can set only columns of the key: `id` is this table's own key.
#[derive(Table)]
#[table(foreign_key(columns(tenant_id, folder_id), references = Folder, on_delete = "set_null", on_delete_set_columns(id)))]
struct Note {
    #[column(primary_key)]
    id: i64,
    tenant_id: i64,
    folder_id: Option<i64>,
}

// Listed, so it must be nullable; `tenant_id`, not listed, need not be.
#[derive(Table)]
#[table(foreign_key(columns(tenant_id, folder_id), references = Folder, on_delete = "set_null", on_delete_set_columns(folder_id)))]
struct Pin {
    #[column(primary_key)]
    id: i64,
    tenant_id: i64,
    folder_id: i64,
}

fn main() {}
