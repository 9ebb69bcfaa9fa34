use pgarchitect::Table;

#[derive(Table)]
struct Row<T> {
    #[column(primary_key)]
    id: i64,
    value: T,
}

fn main() {}
