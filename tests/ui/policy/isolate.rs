use pgarchitect::Table;

#[derive(Table)]
#[table(
    row_level_security,
    policy(name = "notes_own", using = "true"),
    isolate(column = owner_id, setting = "user_id"),
    isolate(column = owner, setting = "app.user_id"),
    isolate(column = "owner_id", setting = "app.user_id"),
    isolate(column = owner_id, setting = "app.user-id", name = "notes_own"),
    isolate(column = owner_id, setting = "app.user_id", command = "selct"),
    isolate(setting = "app.user_id"),
    isolate(column = owner_id)
)]
struct Note {
    #[column(primary_key)]
    id: i64,
    owner_id: i64,
}

// The default name, `{table}_{column}_isolation`, is too long here.
#[derive(Table)]
#[table(isolate(column = tenant_identifier_of_the_row, setting = "app.tenant_id"))]
struct TenantSettingWithAVeryLongNameThatGoesOnAndOn {
    #[column(primary_key)]
    id: i64,
    tenant_identifier_of_the_row: i64,
}

fn main() {}
