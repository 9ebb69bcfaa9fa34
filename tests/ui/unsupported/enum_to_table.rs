use pgarchitect::Table;

#[derive(Table)]
enum Status {
    Active,
    Suspended,
}

fn main() {}
