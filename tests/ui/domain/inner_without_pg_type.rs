use pgarchitect::{Domain, Table};

// The wrapped type needs a PostgreSQL type (`u32` has none: PostgreSQL has no
// unsigned integers), or the domain a `sql_type`.
#[derive(Debug, Domain)]
#[domain(check = "VALUE >= 0")]
struct Code(u32);

// With `sql_type`, the wrapped type is not asked for one.
#[derive(Debug, Domain)]
#[domain(sql_type = "bigint", check = "VALUE >= 0")]
struct Label(u32);

#[derive(Table)]
struct Item {
    #[column(primary_key)]
    id: i64,
    code: Code,
    label: Label,
}

fn main() {}
