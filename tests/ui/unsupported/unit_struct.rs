use pgarchitect::Table;

#[derive(Table)]
struct Marker;

fn main() {}
