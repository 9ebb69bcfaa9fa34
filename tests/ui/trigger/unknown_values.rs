use pgarchitect::Table;

#[derive(Table)]
#[table(
    trigger(name = "a", timing = "befor", events("insert"), function = "f"),
    trigger(name = "b", timing = "after", events("insrt", "update", "upsert"), function = "f"),
    trigger(name = "c", timing = "after", events(insert), for_each = "rows", function = "f")
)]
struct Post {
    #[column(primary_key)]
    id: i64,
}

fn main() {}
