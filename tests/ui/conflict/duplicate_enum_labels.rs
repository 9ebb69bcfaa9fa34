use pgarchitect::PgEnum;

#[derive(Debug, PgEnum)]
enum Status {
    Active,
    #[pg_enum(rename = "active")]
    Enabled,
}

fn main() {}
