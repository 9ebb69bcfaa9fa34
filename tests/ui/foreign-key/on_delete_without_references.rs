use pgarchitect::Table;

#[derive(Table)]
struct Post {
    #[column(primary_key)]
    id: i64,
    #[column(on_delete = "cascade", deferrable = "initially_deferred")]
    author_id: i64,
    #[column(references_column = "uuid")]
    editor_id: i64,
}

fn main() {}
