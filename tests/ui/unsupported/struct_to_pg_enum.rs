use pgarchitect::PgEnum;

#[derive(Debug, PgEnum)]
struct Status {
    label: String,
}

fn main() {}
