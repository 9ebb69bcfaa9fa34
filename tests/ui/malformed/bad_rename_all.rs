use pgarchitect::PgEnum;

#[derive(Debug, PgEnum)]
#[pg_enum(rename_all = "snakecase")]
enum Status {
    Active,
    Suspended,
}

fn main() {}
