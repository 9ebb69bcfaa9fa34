use pgarchitect::PgEnum;

#[derive(Debug, PgEnum)]
enum Status {
    Active,
    Suspended { reason: String },
    Other(String),
}

fn main() {}
