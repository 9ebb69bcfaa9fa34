// Every `#[table]`, `#[column]` and `#[pg_enum]` option, together.
use pgarchitect::{PgEnum, Schema, Table};

/// Lifecycle of an account.
#[derive(Debug, PgEnum)]
#[pg_enum(name = "account_status", schema = "app", rename_all = "UPPERCASE", comment = "Account lifecycle")]
enum Status {
    Active,
    #[pg_enum(rename = "on hold")]
    OnHold,
}

/// Accounts.
#[derive(Table)]
#[table(
    name = "accounts",
    schema = "app",
    comment = "Customer accounts",
    unique(columns(tenant_id, email), name = "accounts_tenant_email_key", nulls_not_distinct),
    check(expr = "balance >= 0", name = "accounts_balance_not_negative"),
    index(
        columns(tenant_id, created_at),
        expression = "lower(email)",
        name = "idx_accounts_lookup",
        method = "btree",
        opclass = "text_pattern_ops",
        order = "desc",
        nulls = "last",
        unique,
        nulls_not_distinct,
        include(status),
        predicate = "status <> 'ON HOLD'",
        comment = "Lookup by tenant"
    ),
    index(columns(tenant_id, email(opclass = "text_pattern_ops"), created_at(order = "desc", nulls = "last"))),
    primary_key(tenant_id, id),
    volume = "1M rows",
    retention = "forever",
    allow(rule = "int-primary-key", reason = "ids come from the tenant's own sequence"),
    timestamps,
    soft_delete,
    audited,
    row_level_security,
    policy(name = "accounts_tenant", using = "tenant_id = 1", with_check = "tenant_id = 1", command = "all", roles("app"), comment = "Tenant isolation"),
    policy(name = "accounts_no_delete", command = "delete", using = "false", restrictive)
)]
struct Account {
    tenant_id: i64,
    #[column(identity = "by_default")]
    id: i64,
    #[column(
        name = "email_address",
        varchar = 320,
        comment = "Login",
        index(method = "hash", name = "idx_accounts_email"),
        personal_data,
        protection = "RLS: own tenant only",
        allow(rule = "unbounded-short-text", reason = "RFC 5321 limit")
    )]
    email: String,
    #[column(default_text = "ACTIVE")]
    status: Status,
    #[column(sql_type = "numeric(12, 2)", default = "0", check = "balance > -1000")]
    balance: f64,
    #[column(generated = "balance * 100")]
    balance_cents: f64,
    #[column(unique, index)]
    handle: Option<String>,
    created_at: std::time::SystemTime,
    #[column(skip)]
    scratch: Vec<std::cell::Cell<u8>>,
}

#[derive(Table)]
#[table(
    schema = "app",
    foreign_key(
        columns(tenant_id, account_id),
        references = Account,
        name = "sessions_account_fkey",
        on_delete = "cascade",
        on_update = "no_action",
        deferrable = "initially_immediate"
    ),
    foreign_key(columns(tenant_id, owner_id), references = Account, references_columns("tenant_id", "id")),
    // Only `delegate_id` must be nullable: ON DELETE keeps the tenant column.
    foreign_key(columns(tenant_id, delegate_id), references = Account, on_delete = "set_null", on_delete_set_columns(delegate_id))
)]
struct Session {
    #[column(primary_key, identity)]
    id: i64,
    tenant_id: i64,
    account_id: Option<i64>,
    owner_id: i64,
    delegate_id: Option<i64>,
    #[column(references = Self, references_column = "id", on_delete = "set_default", on_update = "restrict", deferrable = "initially_deferred")]
    parent_id: Option<i64>,
}

fn main() {
    let schema = Schema::builder().table::<Account>().table::<Session>().build().unwrap();
    let ddl = schema.to_ddl();
    assert!(ddl.contains("CREATE TYPE app.account_status AS ENUM ('ACTIVE', 'on hold');"), "{ddl}");
    assert!(ddl.contains("FOREIGN KEY (tenant_id, delegate_id) REFERENCES app.accounts (tenant_id, id) ON DELETE SET NULL (delegate_id)"), "{ddl}");
}
