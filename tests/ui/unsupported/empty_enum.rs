use pgarchitect::PgEnum;

#[derive(Debug, PgEnum)]
enum Never {}

fn main() {}
