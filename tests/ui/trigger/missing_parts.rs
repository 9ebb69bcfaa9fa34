use pgarchitect::Table;

#[derive(Table)]
#[table(
    trigger(name = "a"),
    trigger(name = "b", timing = "after", events("update"), update_of(titel), function = "audit.log_change()"),
    trigger(name = "c", timing = "after", events("delete"), function = "a.b.c", when = ""),
    trigger(name = "c", timing = "after", events("delete"), function = "fn", arguments(1)),
    trigger(name = "b", timing = "after", events("delete"), function = "fn", arguments("1"))
)]
struct Post {
    #[column(primary_key)]
    id: i64,
    title: String,
}

fn main() {}
